"""Propagation (``scipy.stats.qmc``) and global sensitivity (SALib's ProblemSpec) of any model
``func(X) -> Y``: ``X`` holds one parameter vector per row (physical units), ``Y`` one column per
output. Inputs are sampled on the unit cube and mapped through each input's truncated quantile
function, so every distribution (and observed samples) goes through the same designs.

Evaluation is split into chunks of a fixed size, mapped in order on an optional ``executor``: a
``concurrent.futures`` executor, a ``dask.distributed.Client`` or a scheduler address
``"tcp://host:8786"``. The rows and their order do not depend on where they ran, so the result
is bit-identical for the same seed whatever the number of workers (dask retries a chunk whose
worker died; the evaluation is deterministic, so a retried chunk gives the same numbers).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _budget
from .._distributions import Distribution, SensitivityInputError
from .._format import repr_text
from .._optional import require
from ..exceptions import ParameterTypeError
from ._page import page_context

__all__ = ["Propagation", "SensitivityResult", "evaluate", "morris", "propagate", "sobol"]

#: Rows per task handed to an executor (fixed: results never depend on the executor).
CHUNK = 64
#: Elementary steps charged per evaluation to the work budget by default (a cheap vectorised
#: function); the scenario evaluator passes its own (:data:`~._scenario.WORK_PER_EVALUATION`).
WORK_PER_EVALUATION = 1e3
#: Morris levels run over the quantiles [MORRIS_TAIL, 1 - MORRIS_TAIL] of each input.
MORRIS_TAIL = 0.025


def _check_dists(dists: Sequence[Distribution]) -> list[Distribution]:
    dists = list(dists)
    if not dists or not all(isinstance(d, Distribution) for d in dists):
        raise ParameterTypeError("`dists` must be a non-empty sequence of Distribution "
                        "(aurora_models.sensitivity.make)")
    names = [d.name for d in dists]
    if len(set(names)) != len(names):
        raise SensitivityInputError(f"`dists` names must be unique, got {names}")
    return dists


def _check_common(func, dists, outputs, seed, chunk, work_per_evaluation, *,
                  min_inputs: int = 1) -> tuple[list[Distribution], tuple[str, ...]]:
    """The arguments every design shares, refused in one line naming the argument."""
    if not callable(func):
        raise ParameterTypeError(f"`func` must be callable (rows of inputs -> rows of outputs), "
                                 f"got {type(func).__name__}")
    dists = _check_dists(dists)
    if len(dists) < min_inputs:
        raise SensitivityInputError(f"`dists` must hold at least {min_inputs} inputs for a "
                                    f"sensitivity analysis, got {len(dists)}")
    if isinstance(outputs, str) or not isinstance(outputs, Sequence) or not outputs or \
            not all(isinstance(o, str) for o in outputs):
        raise ParameterTypeError(f"`outputs` must be a non-empty sequence of output names, got "
                                 f"{outputs!r}"[:200])
    _check_int("seed", seed, 0, 2**32 - 1)
    if chunk is not None:
        _check_int("chunk", chunk, 1, 2**31)
    if isinstance(work_per_evaluation, bool) or not isinstance(work_per_evaluation, int | float) \
            or not 0 <= work_per_evaluation < math.inf:
        raise SensitivityInputError(f"`work_per_evaluation` must be a finite number >= 0, got "
                                    f"{work_per_evaluation!r}")
    return dists, tuple(outputs)


def _check_int(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterTypeError(f"`{name}` must be an integer in [{low}, {high}], got "
                                 f"{type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise SensitivityInputError(f"`{name}` must be an integer in [{low}, {high}], got "
                                    f"{value}")
    return int(value)


def to_values(dists: Sequence[Distribution], U: np.ndarray) -> np.ndarray:
    """Unit-cube rows ``U`` (m, D) -> parameter vectors (m, D) through each quantile function."""
    U = np.asarray(U, dtype=float)
    return np.column_stack([d.ppf(U[:, j]) for j, d in enumerate(dists)])


def evaluate(func: Callable[[np.ndarray], Any], X: np.ndarray, *, executor=None,
             entry: str = "evaluate", param: str = "n", value: Any = None,
             work_per_evaluation: float = WORK_PER_EVALUATION, progress=None,
             chunk: int | None = None) -> np.ndarray:
    """``func`` on every row of ``X`` (chunks of ``chunk`` rows, default :data:`CHUNK`, in
    order) -> (m, K). A caller whose ``func`` shares work between neighbouring rows (the
    scenario model: a Sobol group of D + 2 rows) passes a multiple of the group.

    Checks the work budget before starting (:func:`aurora_models.budget`). ``progress``, if
    given, is called as ``progress(rows_done, rows)`` around each chunk (in process).
    """
    X = np.asarray(X, dtype=float)
    m = X.shape[0]
    _budget.check(entry, param, m if value is None else value,
                  work=m * work_per_evaluation, memory_bytes=X.nbytes * 4,
                  detail=f"{m} evaluations")
    chunk = CHUNK if chunk is None else int(chunk)
    chunks = [X[i:i + chunk] for i in range(0, m, chunk)]
    executor, owned = _as_executor(executor)
    try:
        parts = _map(func, chunks, executor, progress)
    finally:
        if owned is not None:
            owned.close()
    Y = np.concatenate([np.asarray(p, dtype=float).reshape(len(c), -1)
                        for p, c in zip(parts, chunks, strict=True)])
    return Y


def _map(func, chunks, executor, progress) -> list:
    if executor is None:
        parts, done, total = [], 0, sum(len(c) for c in chunks)
        for c in chunks:
            if progress is not None:
                progress(done, total)
            parts.append(func(c))
            done += len(c)
        if progress is not None:
            progress(done, total)
    else:
        parts = list(executor.map(func, chunks))
    return parts


#: Seconds to wait for a dask scheduler to answer before giving up (override with the
#: environment variable ``AURORA_MODELS_CONNECT_TIMEOUT_S`` or ``sensitivity --connect-timeout``).
CONNECT_TIMEOUT_S = 5.0
_ENV_CONNECT = "AURORA_MODELS_CONNECT_TIMEOUT_S"
_ADDRESS = re.compile(r"^(?:(tcp|tls|ws|wss|ucx)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+):"
                      r"(\d{1,5})$")


def connect_timeout_s(value=None) -> float:
    """The scheduler connect timeout in force: ``value``, else the environment, else 5 s."""
    name = "connect_timeout_s"
    if value is None:
        env = os.environ.get(_ENV_CONNECT)
        if env is None:
            return CONNECT_TIMEOUT_S
        name, value = _ENV_CONNECT, env
        try:
            value = float(env)
        except ValueError:
            raise SensitivityInputError(f"`{name}` must be a number of seconds in (0, 600], "
                                        f"got {env!r}") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise SensitivityInputError(f"`{name}` must be a number of seconds in (0, 600], got "
                                    f"{value!r}")
    return float(value)


def check_scheduler_address(address: str, *, name: str = "executor") -> str:
    """``tcp://host:port`` (or ``host:port``, another dask protocol): refused in one line
    before any connection is tried."""
    m = _ADDRESS.match(address) if isinstance(address, str) else None
    if m is None or not 0 < int(m.group(3)) < 65536:
        raise SensitivityInputError(f"`{name}` must be a scheduler address tcp://HOST:PORT "
                                    f"(port 1-65535), got {address!r}")
    return address if m.group(1) else f"tcp://{address}"


def _as_executor(executor, *, timeout_s=None):
    """An executor, a dask ``Client`` (its ``get_executor()``), or a scheduler address
    ``"tcp://host:port"`` (a Client is connected to it, waiting at most
    :func:`connect_timeout_s`)."""
    if executor is None or (hasattr(executor, "map") and not hasattr(executor, "get_executor")):
        return executor, None
    owned = None
    if isinstance(executor, str):
        address = check_scheduler_address(executor)
        timeout = connect_timeout_s(timeout_s)
        Client = require("distributed", extra="distributed",
                         feature="a scheduler address").Client
        try:
            executor = owned = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SensitivityInputError(
                f"`executor`: no dask scheduler answered at {address} within {timeout:g} s "
                f"({type(exc).__name__}); start one (dask scheduler) or raise the timeout with "
                f"{_ENV_CONNECT}") from None
    elif not hasattr(executor, "get_executor"):
        raise ParameterTypeError(f"`executor` must be a concurrent.futures Executor, a dask "
                                 f"Client or a scheduler address, got {type(executor).__name__}")
    return executor.get_executor(), owned


@dataclass(frozen=True)
class Propagation:
    """Assumption uncertainty of each output: median and 90 % interval over the input
    distributions (quasi-random sample), and the sample itself."""

    names: tuple[str, ...]
    outputs: tuple[str, ...]
    X: np.ndarray
    Y: np.ndarray

    def to_frame(self):
        """``output, median, p5, p95`` (pandas DataFrame)."""
        import pandas as pd

        q = np.nanquantile(self.Y, [0.5, 0.05, 0.95], axis=0)
        return pd.DataFrame({"output": list(self.outputs), "median": q[0], "p5": q[1],
                             "p95": q[2]})

    def __repr__(self) -> str:

        return repr_text(_propagation_head("Propagation", self),
                         [_interval_line(o, *self.interval(o)) for o in self.outputs])

    def _repr_html_(self) -> str:
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import repr_html

        return repr_html(_propagation_head("Propagation", self), grids=[_interval_grid(
            self.to_frame())])

    def interval(self, output: str) -> tuple[float, float, float]:
        """``(median, p5, p95)`` of one output."""
        y = self.Y[:, self.outputs.index(output)]
        m, lo, hi = np.nanquantile(y, [0.5, 0.05, 0.95])
        return float(m), float(lo), float(hi)


def _propagation_head(kind: str, p: Propagation) -> str:
    n, infeasible = p.Y.shape[0], int(np.isnan(p.Y).any(axis=1).sum())
    return (f"{kind}: {len(p.outputs)} output{'s' if len(p.outputs) != 1 else ''} over "
            f"{len(p.names)} uncertain input{'s' if len(p.names) != 1 else ''}, {n:,} draws"
            + (f", {infeasible} infeasible" if infeasible else "")
            + "; median [5 %, 95 %]")


def _g(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{float(x):.4g}"


def _interval_line(output: str, median: float, p5: float, p95: float, unit: str = "") -> str:
    return f"{output}: {_g(median)} [{_g(p5)}, {_g(p95)}]" + (f" {unit}" if unit else "")


def _interval_grid(frame: Any) -> dict[str, Any]:
    """``output, median, p5, p95`` (and ``unit``) of a propagation's frame as a repr's table."""
    cols = [c for c in ("output", "median", "p5", "p95", "unit") if c in frame.columns]
    rows = [[str(r[c]) if c in ("output", "unit") else _g(r[c]) for c in cols]
            for _, r in frame.iterrows()]
    return {"head": [{"p5": "5 %", "p95": "95 %"}.get(c, c) for c in cols], "rows": rows,
            "numeric": (1, 2, 3)}


def propagate(func, dists: Sequence[Distribution], *, outputs: Sequence[str], n: int = 256,
              seed: int = 0, executor=None,
              work_per_evaluation: float = WORK_PER_EVALUATION, progress=None,
              chunk: int | None = None, param_name: str = "n") -> Propagation:
    """Evaluate ``func`` on ``n`` scrambled Sobol' points (``scipy.stats.qmc``) of the inputs.

    ``n`` must be a power of 2 (the balance of a Sobol' sequence). The work budget is checked
    before the sample is drawn; ``param_name`` is the name of ``n`` in its error (a caller's
    own flag, ``--uncertainty``).
    """
    from scipy.stats import qmc

    dists, outputs = _check_common(func, dists, outputs, seed, chunk, work_per_evaluation)
    _check_pow2(param_name, n)
    D = len(dists)
    _check_sample_budget("propagate", param_name, n, n, D, work_per_evaluation)
    U = qmc.Sobol(d=D, scramble=True, seed=seed).random(n)
    X = to_values(dists, U)
    Y = evaluate(func, X, executor=executor, entry="propagate", param=param_name, value=n,
                 work_per_evaluation=work_per_evaluation, progress=progress, chunk=chunk)
    return Propagation(tuple(d.name for d in dists), tuple(outputs), X, _shape(Y, outputs))


def _check_sample_budget(entry: str, param: str, value, rows, D: int,
                         work_per_evaluation: float) -> None:
    """The budget of a design of ``rows`` rows of ``D`` inputs, before it is drawn: the unit
    sample, the values and the outputs held at once (8 bytes each, about 4 copies)."""
    m = _budget.size(rows)
    _budget.check(entry, param, value, memory_bytes=m * (D + 1) * 8 * 4,
                  work=m * (work_per_evaluation + D),
                  detail=f"{m:.3g} evaluations over {D} inputs")


def _check_pow2(name: str, n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2 or n & (n - 1):
        raise SensitivityInputError(f"`{name}` must be a power of 2 (2, 4, ..., 1024, ...), got {n!r}")


def _shape(Y: np.ndarray, outputs) -> np.ndarray:
    if Y.shape[1] != len(outputs):
        raise SensitivityInputError(f"the model returned {Y.shape[1]} outputs per row, expected "
                         f"{len(outputs)} ({', '.join(outputs)})")
    return Y


@dataclass(frozen=True)
class SensitivityResult:
    """Global sensitivity indices per output and input.

    ``table`` columns: ``output, input`` and, for Sobol, ``S1, S1_conf, ST, ST_conf`` (95 %
    bootstrap half-widths); for Morris, ``mu_star, mu_star_conf, sigma`` (in output units per
    full range of the input's quantile). ``evaluations`` is the model evaluation count;
    ``infeasible`` the rows where the model returned NaN (a vector it refuses), censored at the
    output's largest finite value before the analysis; ``fixed`` the outputs every
    evaluation gave the same value (no index to estimate: all 0).
    """

    method: str
    names: tuple[str, ...]
    outputs: tuple[str, ...]
    table: Any
    evaluations: int
    X: np.ndarray
    Y: np.ndarray
    infeasible: int = 0
    #: Outputs no sampled input moves (every evaluation equal): indices 0, not estimated.
    fixed: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return "ST" if self.method == "sobol" else "mu_star"

    def ranked(self, output: str, top: int | None = None):
        """Inputs by decreasing importance for ``output`` (total order, or Morris mu*)."""
        t = self.table[self.table["output"] == output]
        t = t.sort_values(self.key, ascending=False, kind="stable").reset_index(drop=True)
        return t if top is None else t.head(top)

    def __repr__(self) -> str:
        def top(o: str) -> str:
            if o in self.fixed:
                return f"{o}: fixed (no sampled input moves it)"
            t = self.ranked(o, 2)
            return f"{o}: " + ", ".join(f"{r['input']} ({self.key} {_g(r[self.key])})"
                                        for _, r in t.iterrows())

        return repr_text(f"SensitivityResult({self.method}): {len(self.outputs)} outputs, "
                         f"{len(self.names)} inputs, {self.evaluations:,} evaluations"
                         + (f", {self.infeasible} infeasible" if self.infeasible else "")
                         + "; the top inputs of each output",
                         [top(o) for o in self.outputs])

    def _repr_html_(self) -> str:
        """The sensitivity page's ranked tables, five inputs per output
        (``templates/sensitivity_repr.html.j2``)."""
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import render_template

        return render_template("sensitivity_repr.html.j2", **page_context(self, top=5))

    def to_frame(self):
        """Every output's ranked table, stacked."""
        import pandas as pd

        return pd.concat([self.ranked(o) for o in self.outputs], ignore_index=True)

    def plot(self, output: str, ax=None, top: int = 10):
        """Sobol bars (S1 and ST with their intervals) or Morris mu* bars, most important on
        top (a tornado). Returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.35 * top + 1.2))
        t = self.ranked(output, top)[::-1]
        y = np.arange(len(t))
        if self.method == "sobol":
            ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="total order ST")
            ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="first order S1")
            ax.set_xlabel("Sobol index (95 % bootstrap interval)")
            ax.legend(loc="lower right")
        else:
            ax.barh(y, t["mu_star"], xerr=t["mu_star_conf"])
            ax.set_xlabel("Morris mu* (output change over the input's range)")
        ax.set_yticks(y, t["input"])
        ax.set_title(output)
        return ax


def _censor(Y: np.ndarray) -> tuple[np.ndarray, int]:
    """NaN rows (vectors the model refuses) -> each column's largest finite value."""
    bad = np.isnan(Y)
    if not bad.any():
        return Y, 0
    if bad.all(axis=0).any():
        raise SensitivityInputError("the model refused every parameter vector for an output; narrow the "
                         "input distributions")
    Yc = np.where(bad, np.nanmax(Y, axis=0), Y)
    return Yc, int(bad.any(axis=1).sum())


def _indices(sp, dists, Yc: np.ndarray, outputs, columns, analyze):
    """The outputs every evaluation gave the same value (indices 0, not estimated), and the
    table ``output, input, *columns``: ``analyze(problem)`` (SALib) runs on the other outputs
    over the design of ``sp``."""
    import pandas as pd

    same = np.ptp(Yc, axis=0) == 0
    fixed = tuple(o for o, f in zip(outputs, same, strict=True) if f)
    varying = tuple(o for o in outputs if o not in fixed)
    per: dict = {}
    if varying:
        sv = _problem(dists, varying)
        sv.set_samples(sp.samples)
        cols = Yc[:, [outputs.index(o) for o in varying]]
        sv.set_results(cols if len(varying) > 1 else cols[:, 0])
        with _quiet_salib():
            analyze(sv)
        per = _per_output(sv, varying)
    zero = {k: np.zeros(len(dists)) for k in columns}
    rows = [{"output": o, "input": name, **{k: per.get(o, zero)[k][j] for k in columns}}
            for o in outputs for j, name in enumerate(sp["names"])]
    return fixed, pd.DataFrame(rows)


@contextlib.contextmanager
def _quiet_salib():
    """SALib's warnings about constant subsets of the evaluations (a bootstrap resample of an
    output that rarely varies): the estimates and their intervals say the same."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Constant values encountered")
        warnings.filterwarnings("ignore", message="invalid value encountered",
                                category=RuntimeWarning)
        yield


def _problem(dists, outputs):
    from SALib import ProblemSpec

    return ProblemSpec({"names": [d.name for d in dists], "bounds": [[0.0, 1.0]] * len(dists),
                        "outputs": list(outputs)})


def _per_output(sp, outputs) -> dict:
    a = sp.analysis
    return a if len(outputs) > 1 else {outputs[0]: a}


def _bootstrap_seed(seed: int):
    """The seed SALib's ``analyze_sobol`` is given: it takes a falsy seed as "no seed" and
    resamples from numpy's global state (not reproducible), so seed 0 is handed over as the
    generator ``default_rng(0)`` it would otherwise have built; another seed as itself."""
    return seed if seed else np.random.default_rng(0)


def sobol(func, dists: Sequence[Distribution], *, outputs: Sequence[str], n: int = 1024,
          seed: int = 0, num_resamples: int = 100, executor=None,
          work_per_evaluation: float = WORK_PER_EVALUATION, progress=None,
          chunk: int | None = None, param_name: str = "n") -> SensitivityResult:
    """Sobol' first- and total-order indices (SALib ``sample_sobol`` / ``analyze_sobol``,
    second order off: ``(D + 2) n`` evaluations) with 95 % bootstrap intervals.

    Examples
    --------
    >>> import numpy as np
    >>> from aurora_models.sensitivity import make, sobol
    >>> d = [make(x, {"dist": "uniform", "low": 0, "high": 1}) for x in "ab"]
    >>> r = sobol(lambda X: X[:, :1] + 3 * X[:, 1:], d, outputs=["y"], n=256)
    >>> [round(float(s), 1) for s in r.ranked("y")["ST"]]
    [0.9, 0.1]
    """
    dists, outputs = _check_common(func, dists, outputs, seed, chunk, work_per_evaluation,
                                   min_inputs=2)
    _check_pow2(param_name, n)
    _check_int("num_resamples", num_resamples, 2, 100_000)
    D = len(dists)
    _check_sample_budget("sobol", param_name, n, (D + 2) * _budget.size(n), D,
                         work_per_evaluation)
    sp = _problem(dists, outputs)
    sp.sample_sobol(n, calc_second_order=False, seed=seed)
    X = to_values(dists, sp.samples)
    Y = _shape(evaluate(func, X, executor=executor, entry="sobol", param=param_name, value=n,
                        work_per_evaluation=0.0, progress=progress, chunk=chunk), outputs)
    Yc, infeasible = _censor(Y)
    fixed, table = _indices(
        sp, dists, Yc, outputs, ("S1", "S1_conf", "ST", "ST_conf"),
        lambda sv: sv.analyze_sobol(calc_second_order=False, num_resamples=num_resamples,
                                    seed=_bootstrap_seed(seed)))
    return SensitivityResult("sobol", tuple(sp["names"]), outputs, table, len(X), X, Y,
                             infeasible, fixed)


def morris(func, dists: Sequence[Distribution], *, outputs: Sequence[str], r: int = 10,
           levels: int = 4, seed: int = 0, num_resamples: int = 100,
           executor=None, work_per_evaluation: float = WORK_PER_EVALUATION,
           progress=None, chunk: int | None = None,
           param_name: str = "r") -> SensitivityResult:
    """Morris screening (SALib ``sample_morris`` / ``analyze_morris``): ``r`` trajectories,
    ``(D + 1) r`` evaluations; mu* ranks the inputs by their elementary effects, each taken
    over the central 95 % of the input's distribution (levels at its 2.5 % ... 97.5 %
    quantiles, so an unbounded distribution has finite ends)."""
    dists, outputs = _check_common(func, dists, outputs, seed, chunk, work_per_evaluation,
                                   min_inputs=2)
    _check_int("levels", levels, 2, 1000)
    _check_int("num_resamples", num_resamples, 2, 100_000)
    if isinstance(r, bool) or not isinstance(r, int | np.integer) or r < 2:
        raise SensitivityInputError(f"`{param_name}` must be an integer >= 2 (trajectories), "
                                    f"got {r!r}")
    D = len(dists)
    _check_sample_budget("morris", param_name, r, (D + 1) * _budget.size(r), D,
                         work_per_evaluation)
    sp = _problem(dists, outputs)
    sp.sample_morris(r, num_levels=levels, seed=seed)
    # The grid's levels 0 and 1 are the ends of an unbounded distribution: take the levels at
    # the quantiles 2.5 % ... 97.5 % instead (the elementary effects span 95 % of each input).
    X = to_values(dists, MORRIS_TAIL + (1 - 2 * MORRIS_TAIL) * sp.samples)
    Y = _shape(evaluate(func, X, executor=executor, entry="morris", param=param_name, value=r,
                        work_per_evaluation=0.0, progress=progress, chunk=chunk), outputs)
    Yc, infeasible = _censor(Y)
    fixed, t = _indices(
        sp, dists, Yc, outputs, ("mu_star", "mu_star_conf", "sigma"),
        lambda sv: sv.analyze_morris(num_levels=levels, num_resamples=num_resamples, seed=seed))
    t["mu_star"] = t["mu_star"].astype(float)
    return SensitivityResult("morris", tuple(sp["names"]), outputs, t, len(X), X, Y,
                             infeasible, fixed)


