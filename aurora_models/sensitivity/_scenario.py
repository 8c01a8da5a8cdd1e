"""A scenario's uncertain inputs and outputs as a model ``f(X) -> Y`` for propagation and
sensitivity analysis.

One *evaluation* is :func:`aurora_models.scenario.estimate` of the scenario with one parameter
vector applied (``Scenario.replace``), at a fixed seed (common random numbers: rows differ only by
their inputs), with the smallest Monte Carlo size the estimate takes (100 trials), reading:

- closed forms: annual downtime (``availability``), P(storage write unavailable) and P(data
  loss) per volume and horizon (``durability``), failover P50/P99 (``failover``), readers needed
  at the event peak (``readers``), Global Database lag p99 at the event peak (``global_db.lag``);
- the seeded demand draw and the capacity simulated at the scenario's step: the monthly bill of
  each option (``cost``; an evaluation skips the other demand draws, which serve only the
  point estimate's spread: ``Context.evaluation``);
A parameter vector a model refuses (a peak no instance class can hold) gives NaN outputs: the
propagation counts it (``infeasible``), the sensitivity analyses censor it (see
:func:`~aurora_models.sensitivity.sobol`).

- a Monte Carlo estimator at its own fixed seed: the mean writes at risk at the event peak
  (``global_db.rpo_exposure``; its noise is the same in every row).

Derived in :func:`propagate_scenario` from the bills and the availability outputs: the
probability that each option is the cheapest and that the configuration meets the objectives
(``workload.max_annual_downtime_minutes`` and ``max_failover_s`` against failover P90).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._analysis import Propagation, morris, propagate, sobol
from ._dist import Distribution, SensitivityInputError, make

__all__ = ["ScenarioModel", "analyze", "distributions", "propagate_scenario"]

#: Work-budget steps per scenario evaluation (~0.1 s of numpy on one core; the budget's 2e9
#: steps are about a minute).
WORK_PER_EVALUATION = 2e6
#: Monte Carlo trials per evaluation (the estimate's minimum; the closed forms do not use them).
EVAL_TRIALS = 100

#: The sections an evaluation runs (the RDS alternatives table is no output here).
SECTIONS = ("durability", "availability", "failover", "cost", "readers", "global_database")

#: Scalar outputs: name -> (section, path in its JSON, unit).
_SCALARS: dict[str, tuple[tuple[str, ...], str]] = {
    "downtime_minutes_per_year": (("availability", "annual_downtime_minutes", "value"),
                                  "minutes/year"),
    "p_write_unavailable": (("durability", "p_storage_write_unavailable_volume", "value"),
                            "probability/horizon"),
    "p_data_loss": (("durability", "p_data_loss_volume", "value"), "probability/horizon"),
    "failover_p50_s": (("failover", "p50_s"), "s"),
    "failover_p90_s": (("failover", "p90_s"), "s"),
    "failover_p99_s": (("failover", "p99_s"), "s"),
    "readers_at_event_peak": (("readers", "event_peak"), "readers"),
}


def distributions(scenario) -> dict[str, Distribution]:
    """The scenario's uncertain inputs, ``{"table.key": Distribution}``: each scenario key with a
    declared ``uncertainty``, overridden (or added) by the file's ``[uncertainty]`` table.

    Where the file sets such a key to a value (the leaderboard's CPU per write) and has no
    ``[uncertainty]`` entry for it, the declared spread is kept and moved to the file's value:
    every location of the declaration (low, mode, high, p5, p95, mean and sd) is multiplied by
    ``value / default``, so the distribution's relative width is the declared one. A key set
    to zero, or whose default is unset or zero, is taken as known."""
    from ..scenario._spec import uncertain_keys

    keys = uncertain_keys()
    out: dict[str, Distribution] = {}
    for name, p in keys.items():
        spec = scenario.uncertainty.get(name)
        if spec is None:
            if p.uncertainty is None:
                continue
            spec = dict(p.uncertainty)
            if scenario.is_set(name):
                table, _, key = name.partition(".")
                value = scenario[table][key]
                if not p.default or not value:
                    continue
                spec = _moved(spec, value / p.default)
        out[name] = make(name, dict(spec), lower=p.low, upper=p.high)
    if scenario.is_set("pricing.reserved_hourly_usd") and \
            "pricing.reserved_discount" not in scenario.uncertainty:
        out.pop("pricing.reserved_discount", None)  # the file's own reserved rate is used
    for name in scenario.uncertainty:  # in file order after the declared ones
        if name not in out:
            p = keys[name]
            out[name] = make(name, dict(scenario.uncertainty[name]), lower=p.low, upper=p.high)
    return out


def _moved(spec: dict, factor: float) -> dict:
    out = dict(spec)
    for k in ("low", "mode", "high", "p5", "p95", "mean", "sd"):
        if k in out:
            out[k] = out[k] * factor
    return out


def _get(doc, path):
    for k in path:
        doc = doc[k]
    return np.nan if doc is None else float(doc)


@dataclass(frozen=True)
class ScenarioModel:
    """``f(X) -> Y`` for one scenario: ``X`` rows are values of ``names`` (scenario keys)."""

    scenario: Any
    names: tuple[str, ...]
    seed: int
    outputs: tuple[str, ...]
    units: Mapping[str, str]

    @classmethod
    def of(cls, scenario, names: Sequence[str], *, seed: int | None = None) -> ScenarioModel:
        from ..scenario import estimate

        seed = scenario["scenario"]["seed"] if seed is None else seed
        doc = estimate(scenario, n_trials=EVAL_TRIALS, seed=seed, only=SECTIONS).to_dict()
        outputs, units = [], {}
        for name, (_, unit) in _SCALARS.items():
            outputs.append(name)
            units[name] = unit
        for o in doc["cost"]["options"]:
            outputs.append(f"bill_{o['option']}")
            units[f"bill_{o['option']}"] = "USD/month"
        for s in (doc.get("global_database") or {}).get("secondaries", []):
            for out, unit in (("lag_p99_ms", "ms"), ("rpo_writes_at_risk", "writes")):
                outputs.append(f"{out}_{s['secondary']}")
                units[f"{out}_{s['secondary']}"] = unit
        return cls(scenario, tuple(names), int(seed), tuple(outputs), units)

    def row(self, x: np.ndarray) -> np.ndarray:
        """The outputs for one parameter vector."""
        try:
            doc = self._document(np.asarray(x, dtype=float))
        except ValueError:  # a model refuses the vector (a peak no instance class holds)
            return np.full(len(self.outputs), np.nan)
        y = [_get(doc, path) for path, _ in _SCALARS.values()]
        bills = {o["option"]: o["total_usd"] for o in doc["cost"]["options"]}
        y += [np.nan if bills.get(o[5:]) is None else float(bills[o[5:]])
              for o in self.outputs if o.startswith("bill_")]
        for s in (doc.get("global_database") or {}).get("secondaries", []):
            y.append(1e3 * float(s["lag_event_peak"]["p99_s"]))
            y.append(float(s["rpo_exposure_event_peak"]["writes_at_risk_mean"]["value"]))
        return np.asarray(y, dtype=float)

    def _document(self, x: np.ndarray) -> dict:
        """The JSON document of the estimate at ``x``: the sections run one by one as
        :func:`~aurora_models.scenario.estimate` runs them, each reused from a recent row when
        the scenario inputs it read there are equal and so are the fields of upstream results
        it read (compared by fingerprint: the event-peak writes/s do not change with the CPU
        per read, so the Global Database section is reused).

        Reuse is exact: a section's result is a function of the scenario values it reads, of
        the upstream fields it reads and of the fixed seed; its reads are recorded on every run
        (a method called on an upstream result makes the reuse key on every input).
        Consecutive rows of a Sobol design (A, then A with one column from B, ...) and of a
        Morris trajectory differ in one input, so most sections are reused.
        """
        from .._section import Context
        from ..scenario._sections import ordered, registered

        sections = _needed(ordered(registered()))
        memo = self.__dict__.setdefault("_memo", {})
        ctx = Context(scenario=None, n_trials=EVAL_TRIALS, seed=self.seed, evaluation=True)
        deps_of: dict[str, tuple[int, ...]] = {}
        row_scenario = None
        for sec in sections:
            cache = memo.setdefault(sec.name, [])
            hit = next((e for e in cache if e[1] == tuple(x[i] for i in e[0])
                        and all(_fingerprint(getattr(ctx.results[c], a)) == fp
                                for c, a, fp in e[2])), None)
            if hit is not None:
                ctx.results[sec.name], deps_of[sec.name] = hit[3], hit[4]
                continue
            if row_scenario is None:
                changes = {n.replace(".", "__", 1): float(v)
                           for n, v in zip(self.names, x, strict=True)}
                row_scenario = self.scenario.replace(**changes)
            log: set[str] = set()
            reads: list = []
            ctx.scenario = _Recording(row_scenario, log)
            real = dict(ctx.results)
            ctx.results = {c: _RecordingResult(c, real[c], reads) for c in sec.consumes}
            try:
                result = sec.run(ctx)
            finally:
                ctx.results = real
            ctx.results[sec.name] = result
            own = set(self._indices(log))
            full = set(own)
            for c in sec.consumes:
                full.update(deps_of[c])
            deps_of[sec.name] = tuple(sorted(full))
            if any(r is None for r in reads):  # a method was called: key on every input
                own, reads = full, []
            own = tuple(sorted(own))
            cache.insert(0, (own, tuple(x[i] for i in own), tuple(reads), result,
                             deps_of[sec.name]))
            del cache[MEMO_SIZE:]
        return {name: r.to_dict() for name, r in ctx.results.items()}

    def _indices(self, log: set[str]):
        for i, name in enumerate(self.names):
            table = name.partition(".")[0]
            if "*" in log or name in log or f"{table}.*" in log:
                yield i

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_memo", None)  # a worker starts with an empty memo
        return state

    def __call__(self, X: np.ndarray) -> np.ndarray:
        import warnings

        from ..exceptions import AuroraModelsWarning

        X = np.atleast_2d(np.asarray(X, dtype=float))
        # A model's "outside its stated range" warning (an AZ outage shorter than the repair
        # window's 1 % rule) would repeat for every vector in the tail of a distribution; the
        # analysis does not repeat it (the point estimate shows it where it applies).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AuroraModelsWarning)
            return np.vstack([self.row(x) for x in X])


#: Recent results kept per section for reuse (a Sobol group is D + 2 consecutive rows).
MEMO_SIZE = 4


def _needed(sections):
    by = {s.name: s for s in sections}
    need, todo = set(), list(SECTIONS)
    while todo:
        n = todo.pop()
        if n not in need:
            need.add(n)
            todo += list(by[n].consumes)
    return [s for s in sections if s.name in need]


def _fingerprint(value):
    """Equal fingerprints mean equal values (numbers as themselves, anything else by a hash of
    its pickle); a value that cannot be pickled never matches."""
    if value is None or isinstance(value, bool | int | float | str):
        return ("v", value)
    import hashlib
    import pickle

    try:
        return ("h", hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=20).digest())
    except Exception:  # unpicklable: a fresh object equals nothing
        return ("x", object())


class _RecordingResult:
    """An upstream section's result that records which fields a section reads (and their
    fingerprints); a method call records None (the reuse then keys on every input)."""

    def __init__(self, name, result, reads):
        self._name, self._result, self._reads = name, result, reads

    def __getattr__(self, attr):
        value = getattr(self._result, attr)
        if callable(value):
            self._reads.append(None)
        else:
            self._reads.append((self._name, attr, _fingerprint(value)))
        return value


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
        if name in ("values", "replace", "uncertainty", "text"):
            self._log.add("*")  # anything may be read through these
        return getattr(self._scenario, name)


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
    """``model`` restricted to some outputs (picklable for process executors)."""

    def __init__(self, model, idx):
        self.model, self.idx = model, idx

    def __call__(self, X):
        return self.model(X)[:, self.idx]


def analyze(scenario, *, method: str = "morris", n: int | None = None,
            outputs: Sequence[str] | None = None, seed: int | None = None, executor=None,
            progress=None):
    """Global sensitivity of a scenario's outputs to its uncertain inputs.

    ``method="morris"``: ``n`` trajectories (default 8; ``(D + 1) n`` evaluations);
    ``method="sobol"``: ``n`` base samples, a power of 2 (default 64; ``(D + 2) n``).
    ``executor``: a ``concurrent.futures`` executor, a dask ``Client`` or a scheduler address
    (``"tcp://host:8786"``); the result does not depend on it. ``progress(rows_done, rows)``
    is called as the evaluations go (in process).
    Returns a :class:`~aurora_models.sensitivity.SensitivityResult`.
    """
    if method not in ("morris", "sobol"):
        raise SensitivityInputError(f"`method` must be 'morris' or 'sobol', got {method!r}")
    dists = distributions(scenario)
    if not dists:
        raise SensitivityInputError("the scenario has no uncertain input (declare one in [uncertainty])")
    model = ScenarioModel.of(scenario, list(dists), seed=seed)
    outs = _select(model, outputs)
    func = _Pick(model, [model.outputs.index(o) for o in outs])
    seed = model.seed if seed is None else seed
    kw = dict(outputs=outs, seed=seed % 2**32, executor=executor,
              work_per_evaluation=WORK_PER_EVALUATION, progress=progress)
    if method == "morris":
        return morris(func, list(dists.values()), r=8 if n is None else n, **kw)
    return sobol(func, list(dists.values()), n=64 if n is None else n, **kw)


@dataclass(frozen=True)
class ScenarioPropagation:
    """:class:`Propagation` of a scenario with the derived probabilities."""

    propagation: Propagation
    p_cheapest: Mapping[str, float]
    p_meets_objectives: float
    units: Mapping[str, str]

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
                       executor=None) -> ScenarioPropagation:
    """Median and 90 % interval of every output over the assumptions' distributions (``n``
    scrambled Sobol' points), and the probability that each option is the cheapest and that
    the configuration meets its availability objectives."""
    dists = distributions(scenario)
    if not dists:
        raise SensitivityInputError("the scenario has no uncertain input (declare one in [uncertainty])")
    model = ScenarioModel.of(scenario, list(dists), seed=seed)
    prop = propagate(model, list(dists.values()), outputs=model.outputs, n=n,
                     seed=model.seed % 2**32, executor=executor,
                     work_per_evaluation=WORK_PER_EVALUATION)
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
    return ScenarioPropagation(prop, p_cheapest, float(np.mean(meets)), dict(model.units))
