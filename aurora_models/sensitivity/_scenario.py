"""A scenario's uncertain inputs and outputs as a model ``f(X) -> Y`` for propagation and
sensitivity analysis.

One *evaluation* is the scenario's estimate with one parameter vector applied, at a fixed seed
(common random numbers: rows differ only by their inputs), in evaluation mode
(:attr:`aurora_models._section.Context.evaluation`): every output from a closed form or the one
seeded simulation it needs, none from the point estimate's Monte Carlo estimators:

- closed forms: annual downtime (``availability``), P(storage write unavailable) and P(data
  loss) per volume and horizon (``durability``; exact CTMC solves), failover P50/P90/P99
  (``failover``), readers needed at the event peak (``readers``), Global Database lag p99 at
  the event peak and the mean writes at risk on a regional failover (Little's law on the
  closed-form lag; ``global_database``);
- one seeded demand draw and the capacity simulated at the scenario's step: the monthly bill
  of each option (``cost``, totals only) and the writer's demand not served while it scales
  up (``serverless``).

The point estimate (``aurora-models estimate``) keeps its Monte Carlo estimators beside the
closed forms: the simulated years of downtime, the importance-sampled group data loss, the
bill over ten demand draws, the simulated writes at risk.

A parameter vector a model refuses (a peak no instance class can hold) gives NaN for the
outputs of the section that refused it and of the sections consuming it (the bills, not the
downtime): the propagation counts it (``infeasible``), the sensitivity analyses censor each
output (see :func:`~aurora_models.sensitivity.sobol`).

Derived in :func:`propagate_scenario` from the bills and the availability outputs: the
probability that each option is the cheapest and that the configuration meets the objectives
(``workload.max_annual_downtime_minutes`` and ``max_failover_s`` against failover P90).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._assumptions import scaled
from .._distributions import Distribution, SensitivityInputError, make
from .._format import repr_text
from .._section import BatchContext, Context
from ..exceptions import AuroraModelsWarning
from ..scenario._sections import ordered, registered
from ..scenario._spec import uncertain_keys
from ._analysis import (
    Propagation,
    _interval_grid,
    _interval_line,
    _propagation_head,
    morris,
    propagate,
    sobol,
)

if TYPE_CHECKING:
    from .._section import SectionResult

__all__ = ["ScenarioModel", "analyze", "distributions", "propagate_scenario", "recentred"]

#: Work-budget steps per scenario evaluation (about 2-4 ms of one core, measured by
#: ``benchmarks/bench_sensitivity.py``; the budget's 2e9 steps are about a minute of one core).
WORK_PER_EVALUATION = 1e5
#: Monte Carlo trials per evaluation (the estimate's minimum; the closed forms do not use them).
EVAL_TRIALS = 100

def distributions(scenario) -> dict[str, Distribution]:
    """The scenario's uncertain inputs, each a :class:`Distribution` by ``table.key``.

    Each scenario key with a declared ``uncertainty``, overridden (or added) by the file's
    ``[uncertainty]`` table.

    Where the file sets such a key to a value (the leaderboard's CPU per write) and has no
    ``[uncertainty]`` entry for it, the declared spread is kept and moved to the file's value:
    every location of the declaration (low, mode, high, p5, p95, mean and sd) is multiplied by
    ``value / default``, so the distribution's relative width is the declared one. A key set
    to zero, or whose default is unset or zero, is taken as known; so is a key that does
    nothing in the scenario (its declaration's ``sampled_when``: the zero-downtime patching
    inputs without zero-downtime patching).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`aurora_models.scenario.load`).

    Returns
    -------
    dict of str to Distribution
        ``{"table.key": Distribution}``, the declared ones first, then the file's own.

    Examples
    --------
    >>> from aurora_models import scenario, sensitivity
    >>> s = scenario.load().replace(workload__days=3, workload__step_s=60)
    >>> d = sensitivity.distributions(s)
    >>> "failures.az_outage_hours" in d, d["failures.az_outage_hours"].dist
    (True, 'lognormal')
    """
    keys = uncertain_keys()
    out: dict[str, Distribution] = {}
    def lookup(key: str) -> Any:
        table, _, k = key.partition(".")
        return scenario[table][k]

    for name, p in keys.items():
        spec = scenario.uncertainty.get(name)
        if spec is None:
            if p.uncertainty is None or (p.sampled_when is not None
                                         and not p.sampled_when(lookup)):
                continue  # an input that does nothing in this scenario is not sampled
            spec = dict(p.uncertainty)
            if scenario.is_set(name):
                table, _, key = name.partition(".")
                value = scenario[table][key]
                if not p.default or not value:
                    continue
                spec = scaled(spec, value / p.default)
        out[name] = make(name, dict(spec), lower=p.low, upper=p.high)
    if scenario.is_set("pricing.reserved_hourly_usd") and \
            "pricing.reserved_discount" not in scenario.uncertainty:
        out.pop("pricing.reserved_discount", None)  # the file's own reserved rate is used
    for name in scenario.uncertainty:  # in file order after the declared ones
        if name not in out:
            p = keys[name]
            out[name] = make(name, dict(scenario.uncertainty[name]), lower=p.low, upper=p.high)
    return out


def recentred(scenario) -> list[dict]:
    """The keys the file sets (with no ``[uncertainty]`` entry) whose declared spread an
    analysis samples around the file's value: ``{key, value, distribution}`` each, so the
    output can say that a value the user gave was sampled, and how (an ``[uncertainty]``
    entry replaces it)."""
    out = []
    for name, d in distributions(scenario).items():
        table, _, key = name.partition(".")
        if scenario.is_set(name) and name not in scenario.uncertainty:
            out.append({"key": name, "value": scenario[table][key], "distribution": d.describe()})
    return out


def _read(result, path) -> float:
    """The number at ``path`` in a section's result (NaN where it is missing or None)."""
    x = result
    for step in path:
        if x is None:
            return np.nan
        if isinstance(step, tuple):
            key, want = step
            x = next((e for e in x if e.get(key) == want), None)
        elif isinstance(x, Mapping):
            x = x.get(step)
        else:
            x = getattr(x, step, None)
    return np.nan if x is None else float(x)


#: Largest batch evaluated at once (an analysis hands whole Sobol groups or Morris
#: trajectories, up to this many rows, to each task) (results of the upstream sections are held per unique
#: vector: a workload's series is ~1 MB at the bundled 10 s step).
MAX_BATCH = 256


@dataclass(frozen=True)
class ScenarioModel:
    """``f(X) -> Y`` for one scenario: ``X`` rows are values of ``names`` (scenario keys).

    ``plan`` holds, per section, what its result depends on, recorded on the scenario's own
    run: the columns of ``X`` (scenario keys) it reads, and the fields of upstream results it
    reads (a number is compared by value; anything else, or a method call, by the upstream
    result it belongs to). A batch is evaluated section by section, once per distinct vector
    of those (a Sobol group of D + 2 rows has 2 + k distinct vectors for a section that reads
    k of the D inputs; the Global Database lag reads only the write peaks, which no sampled
    per-operation cost moves: once per batch), through the section's ``run_batch`` where it
    has one (vectorised over the batch), else its ``run`` per vector (whose reads are checked
    against the plan). :meth:`row` is the plain evaluation of one vector (every section run on
    the changed scenario), which the batch equals (``tests/test_sensitivity.py``).

    Build it with :meth:`of`.

    Parameters
    ----------
    scenario : Scenario
        The scenario evaluated.
    names : tuple of str
        The inputs (scenario keys), in the columns of ``X``.
    seed : int
        The seed of every evaluation's Monte Carlo streams.
    outputs : tuple of str
        The outputs, in the columns of ``Y`` (the manifests' outputs, expanded).
    units : mapping of str to str
        Each output's unit.
    paths : mapping
        Each output's ``(section, path in its result, scale)``.
    plan : mapping
        Per section: the columns of ``X`` it reads and the upstream fields it reads.

    Examples
    --------
    >>> from aurora_models import scenario, sensitivity
    >>> s = scenario.load().replace(workload__days=3, workload__step_s=60)
    >>> names = list(sensitivity.distributions(s))
    >>> model = sensitivity.ScenarioModel.of(s, names)
    >>> model.outputs[:3]
    ('p_write_unavailable', 'p_data_loss', 'downtime_minutes_per_year')
    >>> model.restricted(names[:2]).names == tuple(names[:2])
    True
    """

    scenario: Any
    names: tuple[str, ...]
    seed: int
    outputs: tuple[str, ...]
    units: Mapping[str, str]
    paths: Mapping[str, tuple[str, tuple, float]]
    plan: Mapping[str, tuple[tuple[int, ...], tuple[tuple[str, str, bool], ...]]]

    @classmethod
    def of(cls, scenario, names: Sequence[str], *, seed: int | None = None) -> ScenarioModel:
        """Build the model of ``scenario`` over the inputs ``names``, by one recorded run.

        Parameters
        ----------
        scenario : Scenario
            The scenario.
        names : sequence of str
            The inputs (scenario keys).
        seed : int, optional
            The seed (default the scenario's).

        Returns
        -------
        ScenarioModel
            The model, with each section's plan recorded on the scenario's own run.
        """
        seed = int(scenario["scenario"]["seed"] if seed is None else seed)
        names = tuple(names)
        ctx = Context(scenario=None, n_trials=EVAL_TRIALS, seed=seed, evaluation=True)
        plan = {}
        for sec in _sections():
            log: set[str] = set()
            reads: set = set()
            real = ctx.results
            ctx.scenario = _Recording(scenario, log)
            # a proxy of each consumed result (duck-typed: it records the fields read)
            ctx.results = {c: cast("SectionResult", _RecordingResult(c, real[c], reads))
                           for c in sec.consumes}
            try:
                result = sec.run(ctx)
            finally:
                ctx.results = real
            ctx.results[sec.name] = result
            plan[sec.name] = (tuple(_indices(names, log)), tuple(sorted(reads)))
        paths: dict[str, tuple[str, tuple, float]] = {}
        units: dict[str, str] = {}
        for sec in _sections():  # the manifests' outputs, expanded on the scenario's own run
            for out in sec.outputs:
                for name, path in out.expand(ctx.results[sec.name]):
                    paths[name] = (sec.name, path, out.scale)
                    units[name] = out.unit
        return cls(scenario, names, seed, tuple(paths), units, paths, plan)

    def read_inputs(self) -> tuple[str, ...]:
        """The inputs (of ``names``) that some section of the run reads.

        Returns
        -------
        tuple of str
            Those names, in ``names`` order.
        """
        cols = {j for c, _ in self.plan.values() for j in c}
        return tuple(n for j, n in enumerate(self.names) if j in cols)

    def restricted(self, names: Sequence[str]) -> ScenarioModel:
        """The same model over a subset of its inputs (the others keep the scenario's value).

        The sections' plans are re-indexed, so nothing is run again.

        Parameters
        ----------
        names : sequence of str
            A subset of ``names``.

        Returns
        -------
        ScenarioModel
            The restricted model.
        """
        keep = [self.names.index(n) for n in names]
        where = {j: i for i, j in enumerate(keep)}
        plan = {sec: (tuple(where[j] for j in cols if j in where), reads)
                for sec, (cols, reads) in self.plan.items()}
        return ScenarioModel(self.scenario, tuple(names), self.seed, self.outputs, self.units,
                             self.paths, plan)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_memo", None)  # a worker starts with an empty memo
        return state

    def row(self, x: np.ndarray) -> np.ndarray:
        """Evaluate one parameter vector, every section run on the changed scenario.

        The plain evaluation the batch path equals.

        Parameters
        ----------
        x : numpy.ndarray
            Values of ``names``.

        Returns
        -------
        numpy.ndarray
            The outputs, in ``outputs`` order (NaN where a section refuses the vector).
        """
        import warnings

        x = np.asarray(x, dtype=float)
        changes = {n.replace(".", "__", 1): float(v) for n, v in zip(self.names, x, strict=True)}
        ctx = Context(scenario=None, n_trials=EVAL_TRIALS, seed=self.seed, evaluation=True)
        try:
            ctx.scenario = self.scenario.replace(**changes)
        except ValueError:  # a cross-key rule refuses the vector
            return np.full(len(self.outputs), np.nan)
        with warnings.catch_warnings():  # as __call__ (not repeated per evaluation)
            warnings.simplefilter("ignore", AuroraModelsWarning)
            for sec in _sections():
                ctx.results[sec.name] = None  # type: ignore[assignment]  # refused (until it runs): _added skips it
                if any(ctx.results[c] is None for c in sec.consumes):
                    continue  # what it consumes was refused
                try:
                    ctx.results[sec.name] = sec.run(ctx)
                except ValueError:  # a model refuses the vector (a peak no class holds)
                    pass
        return np.array([_read(ctx.results[sec], path) * scale
                         for sec, path, scale in self.paths.values()])

    def __call__(self, X: np.ndarray) -> np.ndarray:
        import warnings

        X = np.atleast_2d(np.asarray(X, dtype=float))
        # A model's "outside its stated range" warning (an AZ outage shorter than the repair
        # window's 1 % rule) would repeat for every vector in the tail of a distribution; the
        # analysis does not repeat it (the point estimate shows it where it applies).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AuroraModelsWarning)
            if len(X) == 0:
                return np.empty((0, len(self.outputs)))
            return np.vstack([self._batch(X[i:i + MAX_BATCH])
                              for i in range(0, len(X), MAX_BATCH)])

    def _batch(self, X: np.ndarray) -> np.ndarray:
        m = len(X)
        results: dict[str, list] = {}  # per section: one result per distinct vector
        inverse: dict[str, np.ndarray] = {}  # per section: row -> its distinct vector
        for sec in _sections():
            cols, reads = self.plan[sec.name]
            key = [X[:, cols]]
            for c, attr, number in reads:
                if number:
                    per = np.array([np.nan if r is None else _number(getattr(r, attr))
                                    for r in results[c]])
                    key.append(per[inverse[c]][:, None])
                else:  # compared by the upstream result it belongs to
                    key.append(inverse[c][:, None].astype(float))
            U, first, inv = np.unique(np.hstack(key), axis=0, return_index=True,
                                      return_inverse=True)
            inverse[sec.name] = inv.reshape(m)
            upstream = {c: [results[c][inverse[c][r]] for r in first] for c in sec.consumes}
            ok = [i for i in range(len(U)) if all(upstream[c][i] is not None
                                                  for c in sec.consumes)]
            b = BatchContext(scenario=self.scenario,
                             values={self.names[j]: X[first[ok], j] for j in cols},
                             size=len(ok), n_trials=EVAL_TRIALS, seed=self.seed,
                             results={c: [upstream[c][i] for i in ok] for c in sec.consumes},
                             memo=self.__dict__.setdefault("_memo", {}))
            got = _run_batch(sec, b, reads)
            out: list = [None] * len(U)
            for i, r in zip(ok, got, strict=True):
                out[i] = r
            results[sec.name] = out
        Y = np.empty((m, len(self.outputs)))
        for k, (sec, path, scale) in enumerate(self.paths.values()):
            per = np.array([np.nan if r is None else _read(r, path) * scale
                            for r in results[sec]])
            Y[:, k] = per[inverse[sec]]
        return Y


def _run_batch(sec, b, reads) -> list:
    """``sec`` on the batch: its ``run_batch``, else (or where the batch form refuses one of
    the vectors) ``run`` per vector, None for a vector the model refuses. A ``run`` that
    reads an upstream field outside the plan (a branch the scenario's own run did not take)
    is a bug of the plan, not a silently shared result: RuntimeError."""
    if b.size == 0:
        return []
    if sec.run_batch is not None:
        try:
            return sec.run_batch(b)
        except ValueError:
            pass  # find the vectors the model refuses, one at a time
    planned = {(c, a) for c, a, _ in reads}
    out = []
    for i in range(b.size):
        ctx = b.context(i)
        seen: set = set()
        real = ctx.results
        ctx.results = {c: _RecordingResult(c, r, seen) for c, r in real.items()}
        try:
            out.append(sec.run(ctx))
        except ValueError:
            out.append(None)
        extra = {(c, a) for c, a, _ in seen} - planned
        if extra and not any((c, "*") in planned for c, _ in extra):
            raise RuntimeError(f"section {sec.name!r} read {sorted(extra)} outside its plan")
    return out


def _number(x) -> float:
    return np.nan if x is None else float(x)


class _RecordingResult:
    """An upstream result that records the fields a section reads: ``(section, field,
    is_number)``; a method call records ``(section, "*", False)`` (anything may be read)."""

    def __init__(self, name, result, reads):
        self._name, self._result, self._reads = name, result, reads

    def __getattr__(self, attr):
        value = getattr(self._result, attr)
        if callable(value):
            self._reads.add((self._name, "*", False))
        else:
            number = value is None or (isinstance(value, int | float | np.number)
                                       and not isinstance(value, bool))
            self._reads.add((self._name, attr, number))
        return value


def _sections():
    """The sections an evaluation runs (those with outputs and what they consume), in order."""
    sections = ordered(registered())
    by = {s.name: s for s in sections}
    need, todo = set(), [s.name for s in sections if s.outputs]
    while todo:
        n = todo.pop()
        if n not in need:
            need.add(n)
            todo += list(by[n].consumes)
    return [s for s in sections if s.name in need]


def _indices(names, log: set[str]):
    for i, name in enumerate(names):
        table = name.partition(".")[0]
        if "*" in log or name in log or f"{table}.*" in log:
            yield i


class _RecordingTable(Mapping):
    """A scenario table that records which keys a section reads."""

    def __init__(self, values, table, log):
        self._values, self._table, self._log = values, table, log

    def __getitem__(self, key):
        self._log.add(f"{self._table}.{key}")
        return self._values[key]

    def __iter__(self):
        self._log.add(f"{self._table}.*")
        return iter(self._values)

    def __len__(self):
        return len(self._values)


class _Recording:
    """A :class:`~aurora_models.scenario.Scenario` that records what is read from it."""

    def __init__(self, scenario, log):
        self._scenario, self._log = scenario, log

    def __getitem__(self, table):
        return _RecordingTable(self._scenario[table], table, self._log)

    def __getattr__(self, name):
        if name in ("values", "replace", "uncertainty", "text", "is_set"):
            self._log.add("*")  # anything may be read through these
        return getattr(self._scenario, name)


def _read_model(scenario, seed) -> tuple[ScenarioModel, dict[str, Distribution]]:
    """The scenario's model over the uncertain inputs that some section of the run reads, and
    their distributions: a key no section reads (a feature that is off) is not sampled, so it
    changes no figure."""
    dists = distributions(scenario)
    if not dists:
        raise SensitivityInputError("the scenario has no uncertain input (declare one in "
                                    "[uncertainty])")
    model = ScenarioModel.of(scenario, list(dists), seed=seed)
    read = model.read_inputs()
    if len(read) < len(model.names):
        if not read:
            raise SensitivityInputError(
                "no section of the run reads any of the scenario's uncertain inputs "
                f"({', '.join(dists)})")
        model = model.restricted(read)
        dists = {k: dists[k] for k in read}
    return model, dists


def _derived() -> dict[str, tuple]:
    return {d.name: (d.of, d.unit, d.transform) for s in _sections() for d in s.derived}


def _select(model: ScenarioModel, outputs: Sequence[str] | None) -> tuple[str, ...]:
    if outputs is None:
        return model.outputs
    bad = [o for o in outputs if o not in model.outputs]
    if bad:
        import difflib

        near = difflib.get_close_matches(bad[0], model.outputs, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise SensitivityInputError(f"unknown output {bad[0]!r} ({hint}outputs: "
                         f"{', '.join(model.outputs)})")
    return tuple(outputs)


class _Pick:
    """``model`` restricted to some outputs, those at ``log`` (positions in ``idx``) as
    log10 (picklable for process executors)."""

    def __init__(self, model, idx, log=()):
        self.model, self.idx, self.log = model, idx, list(log)

    def __call__(self, X):
        Y = self.model(X)[:, self.idx]
        if self.log:
            with np.errstate(divide="ignore"):  # P = 0: -inf, censored like a refusal
                Y[:, self.log] = np.log10(Y[:, self.log])
            Y[:, self.log] = np.where(np.isinf(Y[:, self.log]), np.nan, Y[:, self.log])
        return Y


def analyze(scenario, *, method: str = "morris", n: int | None = None,
            outputs: Sequence[str] | None = None, seed: int | None = None, executor=None,
            progress=None):
    """Global sensitivity of a scenario's outputs to its uncertain inputs.

    Probability outputs are analysed as ``log10(...)`` (so named in the result).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; its inputs are :func:`distributions`.
    method : {"morris", "sobol"}
        Morris screening or Sobol' indices.
    n : int, optional
        Morris: trajectories (default 8; ``(D + 1) n`` evaluations); Sobol: base samples, a
        power of 2 (default 64; ``(D + 2) n``).
    outputs : sequence of str, optional
        The outputs analysed (default every output of the model).
    seed : int, optional
        The seed (default the scenario's).
    executor : concurrent.futures.Executor, dask Client or str, optional
        Where the evaluations run (a scheduler address ``"tcp://host:8786"`` connects a
        Client); the result does not depend on it.
    progress : callable, optional
        Called as ``progress(rows_done, rows)`` as the evaluations go (in process).

    Returns
    -------
    SensitivityResult
        The indices per output and input.

    See Also
    --------
    propagate_scenario : The outputs' spread over the same distributions.

    Examples
    --------
    >>> from aurora_models import scenario, sensitivity
    >>> s = scenario.load().replace(workload__days=3, workload__step_s=60)
    >>> r = sensitivity.analyze(s, n=2, outputs=["downtime_minutes_per_year"])
    >>> r.method, r.evaluations, r.ranked(r.outputs[0], top=1)["input"].tolist()
    ('morris', 34, ['failures.maintenance_events_per_year'])
    """
    if method not in ("morris", "sobol"):
        raise SensitivityInputError(f"`method` must be 'morris' or 'sobol', got {method!r}")
    model, dists = _read_model(scenario, seed)
    outs = _select(model, outputs)
    # A probability spanning decades (P(data loss): 1e-22 to 1e-15 over the AZ outage's
    # range) is analysed as log10: on its own scale a few extreme vectors hold all the
    # variance and the indices are noise.
    log = [i for i, o in enumerate(outs) if model.units[o].startswith("probability")]
    func = _Pick(model, [model.outputs.index(o) for o in outs], log)
    outs = tuple(f"log10({o})" if i in log else o for i, o in enumerate(outs))
    seed = model.seed if seed is None else seed
    kw = dict(outputs=outs, seed=seed % 2**32, executor=executor,
              work_per_evaluation=WORK_PER_EVALUATION, progress=progress)
    D = len(dists)
    # whole Sobol groups (D + 2 rows) or Morris trajectories (D + 1) per chunk: the sections
    # a group's rows share are evaluated once (see ScenarioModel)
    if method == "morris":
        return morris(func, list(dists.values()), r=8 if n is None else n,
                      chunk=max(1, MAX_BATCH // (D + 1)) * (D + 1), param_name="n", **kw)
    return sobol(func, list(dists.values()), n=64 if n is None else n,
                 chunk=max(1, MAX_BATCH // (D + 2)) * (D + 2), param_name="n", **kw)


@dataclass(frozen=True)
class ScenarioPropagation:
    """:class:`Propagation` of a scenario with the derived probabilities."""

    propagation: Propagation
    p_cheapest: Mapping[str, float]
    p_meets_objectives: float
    units: Mapping[str, str]
    #: The manifests' derived outputs: ``{name: (output it is computed from, unit, transform)}``.
    derived: Mapping[str, tuple] = field(default_factory=dict)

    def __repr__(self) -> str:
        p = self.propagation
        cheapest = max(self.p_cheapest.items(), key=lambda kv: kv[1], default=None)
        first = (f"P(meets objectives) {self.p_meets_objectives:.0%}"
                 + (f"; most often the cheapest: {cheapest[0]} ({cheapest[1]:.0%} of draws)"
                    if cheapest else ""))
        return repr_text(_propagation_head("ScenarioPropagation", p),
                         [first, *(_interval_line(o, *p.interval(o), self.units.get(o, ""))
                                   for o in p.outputs)])

    def _repr_html_(self) -> str:
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import repr_html

        facts = [("P(meets objectives)", f"{self.p_meets_objectives:.1%}"),
                 *((f"P(cheapest): {k}", f"{v:.1%}") for k, v in self.p_cheapest.items())]
        return repr_html(_propagation_head("ScenarioPropagation", self.propagation),
                         facts=facts, grids=[_interval_grid(self.propagation.to_frame().assign(
                             unit=[self.units.get(o, "") for o in self.propagation.outputs]))])

    def to_frame(self):
        """``output, median, p5, p95, unit`` and the derived probabilities (median column)."""
        import pandas as pd

        f = self.propagation.to_frame()
        f["unit"] = [self.units.get(o, "") for o in f["output"]]
        extra = [{"output": f"p_cheapest_{k}", "median": v, "p5": np.nan, "p95": np.nan,
                  "unit": "probability"} for k, v in self.p_cheapest.items()]
        extra.append({"output": "p_meets_objectives", "median": self.p_meets_objectives,
                      "p5": np.nan, "p95": np.nan, "unit": "probability"})
        return pd.concat([f, pd.DataFrame(extra)], ignore_index=True)


def propagate_scenario(scenario, *, n: int = 64, seed: int | None = None,
                       executor=None, param_name: str = "n") -> ScenarioPropagation:
    """Propagate the assumptions' distributions to every output of a scenario.

    Each output's median and 90 % interval over ``n`` scrambled Sobol' points, and the
    probability that each option is the cheapest and that the configuration meets its
    availability objectives.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; its inputs are :func:`distributions`.
    n : int
        Sample size, a power of 2.
    seed : int, optional
        The seed (default the scenario's).
    executor : concurrent.futures.Executor, dask Client or str, optional
        Where the evaluations run; the result does not depend on it.
    param_name : str
        The name of ``n`` in error messages (a caller's own flag, ``--uncertainty``).

    Returns
    -------
    ScenarioPropagation
        The propagation, ``p_cheapest`` per option and ``p_meets_objectives``.

    See Also
    --------
    analyze : Which inputs the spread comes from.

    Examples
    --------
    >>> from aurora_models import scenario, sensitivity
    >>> s = scenario.load().replace(workload__days=3, workload__step_s=60)
    >>> p = sensitivity.propagate_scenario(s, n=4)
    >>> p.to_frame()["output"].iloc[0], 0.0 <= p.p_meets_objectives <= 1.0
    ('p_write_unavailable', True)
    """
    model, dists = _read_model(scenario, seed)
    prop = propagate(model, list(dists.values()), outputs=model.outputs, n=n,
                     seed=model.seed % 2**32, executor=executor,
                     work_per_evaluation=WORK_PER_EVALUATION, chunk=MAX_BATCH,
                     param_name=param_name)
    bills = [o for o in model.outputs if o.startswith("bill_")]
    B = prop.Y[:, [model.outputs.index(b) for b in bills]]
    B = np.where(np.isnan(B), np.inf, B)
    winner = np.argmin(B, axis=1)
    p_cheapest = {b[5:]: float(np.mean(winner == i)) for i, b in enumerate(bills)}
    wl = scenario["workload"]
    down = prop.Y[:, model.outputs.index("downtime_minutes_per_year")]
    p90 = prop.Y[:, model.outputs.index("failover_p90_s")]
    meets = np.ones(len(down), bool)
    if wl.get("max_annual_downtime_minutes") is not None:
        meets &= down <= wl["max_annual_downtime_minutes"]
    if wl.get("max_failover_s") is not None:
        meets &= p90 <= wl["max_failover_s"]
    return ScenarioPropagation(prop, p_cheapest, float(np.mean(meets)), dict(model.units),
                               _derived())
