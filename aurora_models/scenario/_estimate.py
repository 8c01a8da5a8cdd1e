"""Every estimate for one scenario: composes the public model functions, defines no model."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import _budget
from .._format import repr_text
from .._params import Param, params_of
from .._registry import assumption_modules, assumptions
from .._section import Context, Row, SectionResult, plain
from .._validate import check_int_range
from ..exceptions import ParameterTypeError, ParameterValueError
from ..serverless._section import demand_model
from ._sections import ordered, registered
from ._settings import RunSettings
from ._spec import Scenario, ScenarioError, spec
from ._views import facts, parts, summary_context

if TYPE_CHECKING:  # the results are keyed by section name
    from ..availability._section import AvailabilityResult
    from ..serverless._section import CapacityResult, WorkloadResult

__all__ = ["SCHEMA_VERSION", "ScenarioResult", "demand_series", "estimate", "estimate_batch",
           "models_assumptions", "summary_rows"]

#: The trials range (the declaration of ``scenario.trials``: one definition).
_TRIALS = params_of(RunSettings)["trials"]

#: Version of the JSON document of :meth:`ScenarioResult.to_dict` (bump on any key change).
SCHEMA_VERSION = "1.9"

#: What each version of the document changed (newest first; ``docs/scenario_format.md`` is
#: generated from it).
SCHEMA_HISTORY = (
    ("1.9", "a `scaleout` part (the writer's demand at its daily and event peaks against the "
            "largest class and 256 ACU, and beyond one writer the Aurora Limitless Database "
            "and Aurora DSQL estimates); `cost` options `aurora_limitless` and `aurora_dsql` "
            "where they are priced; single-writer options beyond their limit `unavailable` "
            "instead of a failed bill; `alternatives.rows` end with the scale-out estimates "
            "where priced"),
    ("1.8", "a `commitments` part (every reserved term of the configured classes side by "
            "side, and the Database Savings Plan commitment that minimises the expected cost "
            "of the configured bill's eligible compute)"),
    ("1.7", "a `year` part (the month-by-month bill of the configured capacity on both "
            "storage configurations and the cheapest switching policy under the 30-day rule) "
            "and a `rightsizing` part (each instance role's utilisation at the daily and event "
            "peak and the cheapest class holding the event peak)"),
    ("1.6", "a `users` part (latency by user region: the routes, each serving region's read "
            "load and readers needed, and each user region's read and write latencies) and "
            "`serverless.secondaries` (the capacity of each secondary whose instances serve "
            "users' reads)"),
    ("1.5", "an `assumptions.scenario` entry whose key the file's `[provenance]` names has "
            "kind `measured`, its `source` from the provenance and a `provenance` object"),
    ("1.4", "each bill line has a stable `id` (a diff pairs lines by option, region and id); "
            "`assumptions.scenario` lists every figure the file sets outside `[failures]` and "
            "`[pricing]`; `assumptions.models` lists the registered defaults of every section "
            "that ran (billing's and pricing's included)"),
    ("1.3", "with `estimate --uncertainty`, `assumption_uncertainty` has `label, inputs, "
            "infeasible, p_cheapest, p_meets_objectives, objectives` and `rows`; "
            "`workload.write_io_millions_per_month`; the RPO exposure's `writes_at_risk_mean` "
            "is Little's law on the closed-form lag, the simulation's mean moved to "
            "`writes_at_risk_mean_monte_carlo`"),
    ("1.2", "option `provisioned` became `provisioned_standard` and "
            "`provisioned_io_optimized`; added `cost.bills`, `price_source`, "
            "`configured_total_12_months_usd`, `configured_unavailable`, `missing`, and per "
            "option `label, reserved_term, secondary_usd, transfer_usd, other_usd, "
            "total_12_months_usd, configured, complete, missing, unavailable`"),
    ("1.1", "added `cost.demand_draws` and each option's `total_usd_mean`, "
            "`total_usd_ci_low`, `total_usd_ci_high`"),
)

#: The JSON document's own parts (the sections document theirs in their manifests).
SCENARIO_JSON = "`name, description, source, horizon_hours, trials, seed`"
ASSUMPTIONS_JSON = ("`scenario`: `{key, value, unit, kind, source}` for every figure the file "
                    "sets (its own assumptions about the system) outside `[failures]` and "
                    "`[pricing]` (kind `measured`, with a `provenance` object, where the "
                    "file's `[provenance]` names the key); `models`: the registered defaults (`name, value, unit, kind, "
                    "source`) of the sections that ran (`aurora_models.assumptions()` "
                    "restricted to their registry modules, less the user inputs); "
                    "`overrides`: the `[failures]`/`[pricing]` keys given")
NOTES_JSON = "list of warnings (demand above `max_acu`, readers short of the event peak, ...)"
#: The documentation of the JSON ``assumption_uncertainty`` object (``docs/scenario_format.md``).
ASSUMPTION_UNCERTAINTY_JSON = (
    "only with `estimate --uncertainty [N]`: the assumptions' distributions propagated "
    "(`aurora_models.sensitivity.propagate_scenario`, N scrambled Sobol' points, common "
    'random numbers). `n, interval` (its definition: median and 90 % interval, not Monte '
    'Carlo error), `label` ("assumptions 90 %"), `inputs` (the sampled scenario keys: those'
    ' with a distribution that some section of the run reads), `infeasible` (draws a model '
    'refused), `p_cheapest` (option id -> share of draws in which its bill is the lowest), '
    '`p_meets_objectives` and `objectives` (the share of draws meeting '
    '`workload.max_annual_downtime_minutes` and `max_failover_s` against failover P90, and '
    'those objectives in words); `rows`: one per headline row, in the order of the csv '
    'rows, `{section, metric, unit, status, median, p5, p95, output}` (+ `p_cheapest` on '
    'the cost rows of an option), `status` one of `varies`, `fixed` (no sampled input moves'
    ' the row; `median = p5 = p95`), `infeasible`, `not propagated` (no output of the '
    "analysis measures the row; numbers null), values in the row's unit, `output` the "
    "propagated output it comes from; `outputs`: the propagation's own outputs `{output, "
    'median, p5, p95, unit}` and the derived probabilities; `recentred`: the keys the file '
    'sets whose declared spread was sampled around the file\'s value `{key, value, '
    'distribution}` (an `[uncertainty]` entry replaces it). JSON Schema of the object: '
    '`aurora_models.sensitivity._rows.JSON_SCHEMA`')

@dataclass(frozen=True, kw_only=True)
class ScenarioResult:
    """Every estimate of one scenario.

    ``results`` holds each section's typed result (:mod:`aurora_models._section`), in output
    order; ``sections`` is their JSON form (see :meth:`to_dict` and
    ``docs/scenario_format.md``).

    Parameters
    ----------
    scenario : Scenario
        The scenario estimated.
    n_trials : int
        Monte Carlo trials used.
    seed : int
        The seed (one child stream per model).
    results : mapping of str to SectionResult
        Each section's typed result, in output order.
    notes : tuple of str
        Warnings (demand above ``max_acu``, readers short of the event peak, ...).

    See Also
    --------
    estimate : The function that returns it.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=100, only=("cost",))
    >>> list(r.results), r.n_trials
    (['workload', 'availability', 'cost', 'scaleout', 'serverless'], 100)
    >>> r.to_dict()["scenario"]["name"], list(r.summary_frame().columns)
    ('Gaming leaderboard', ['section', 'metric', 'value', 'ci_low', 'ci_high', 'unit'])
    >>> bool(r.cost_frame()["cheapest"].any())
    True
    """

    scenario: Scenario
    n_trials: int
    seed: int
    results: Mapping[str, SectionResult]
    notes: tuple[str, ...] = ()

    @functools.cached_property
    def sections(self) -> dict[str, Any]:
        """The JSON-ready sections (plain Python types), then ``assumptions`` and ``notes``."""
        out: dict[str, Any] = {name: r.to_dict() for name, r in self.results.items()}
        out["assumptions"] = _assumptions(self.scenario, tuple(self.results))
        out["notes"] = list(self.notes)
        return out

    @property
    def demand(self) -> dict[str, np.ndarray]:
        """Per-step writes/s, reads/s and ACU of the seeded demand draw (for plots)."""
        return cast("WorkloadResult", self.results["workload"]).series

    @property
    def capacity(self) -> dict[str, Any]:
        """The Serverless v2 simulations of the writer and of each reader (for plots)."""
        return cast("CapacityResult", self.results["serverless"]).simulations

    @property
    def downtime_years(self) -> np.ndarray:
        """Simulated annual downtime minutes, one per trial (for plots)."""
        return cast("AvailabilityResult", self.results["availability"]).downtime_years

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of the result.

        Returns
        -------
        dict
            ``schema_version``, ``scenario`` (name, description, source, horizon, trials, seed)
            and every section; plain Python types only.
        """
        return {"schema_version": SCHEMA_VERSION,
                "scenario": {"name": self.scenario.name,
                             "description": self.scenario["scenario"]["description"],
                             "source": self.scenario.source,
                             "horizon_hours": self.scenario["scenario"]["horizon_hours"],
                             "trials": self.n_trials, "seed": self.seed},
                **plain(self.sections)}

    def __repr__(self) -> str:
        """What it is and its headline figures (the report's summary), a few lines."""
        names = ", ".join(self.results)
        n = len(self.results)
        sections = f"{n} section{'s' if n != 1 else ''}" + (f" ({names})" if len(names) < 50
                                                           else "")
        source = str(self.scenario.source).replace("\\", "/").rsplit("/", 1)[-1]  # file name
        return repr_text(f"ScenarioResult({self.scenario.name!r}, {source}): "
                         f"{self.n_trials:,} trials, seed {self.seed}, {sections}",
                         [f"{label}: {text}" for label, text in facts(parts(self.to_dict()))])

    def _repr_html_(self) -> str:
        """The report's summary and estimates table (``templates/scenario_repr.html.j2``)."""
        # light: the templates load jinja2 only when a notebook shows a result
        from .._templates import render_template

        return render_template("scenario_repr.html.j2", **summary_context(self.to_dict()))

    def cost_frame(self):
        """Tabulate the monthly cost per deployment option.

        Returns
        -------
        pandas.DataFrame
            The ``cost`` section's options, one row each (``option``, ``label``, the
            components' ``*_usd``, ``total_usd``, ``cheapest``, ...).
        """
        import pandas as pd

        return pd.DataFrame(self.sections["cost"]["options"])

    def summary_frame(self):
        """Tabulate the headline numbers.

        Returns
        -------
        pandas.DataFrame
            Columns ``section, metric, value, ci_low, ci_high, unit`` (:func:`summary_rows`).
        """
        import pandas as pd

        return pd.DataFrame([r[:6] for r in summary_rows(self.to_dict())],
                            columns=list(Row._fields[:6]))


def demand_series(scenario: Scenario, *, rng=None) -> dict[str, np.ndarray]:
    """Per-step writes/s, reads/s and ACU demand of the scenario's workload.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose ``[workload]`` is drawn.
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    dict of numpy.ndarray
        ``time_h``, ``writes_per_s``, ``reads_per_s``, ``in_event``, ``acu`` and ``read_acu``,
        one value per step (the demand model's ``series``).

    Examples
    --------
    >>> from aurora_models import scenario
    >>> d = scenario.demand_series(scenario.load(), rng=1)
    >>> sorted(d), len(d["acu"]) == len(d["time_h"])
    (['acu', 'in_event', 'read_acu', 'reads_per_s', 'time_h', 'writes_per_s'], True)
    """
    return demand_model(scenario).series(rng=rng)


#: Work-budget steps per Monte Carlo trial of one estimate, all sections together (1e6 trials
#: take about 7 s of one core: about 230 steps a trial at the budget's 2e9 steps a minute,
#: rounded up for slower machines).
WORK_PER_TRIAL = 500


def estimate(scenario: Scenario, *, n_trials: int | None = None, seed: int | None = None,
             progress: Callable[[str, int, int], None] | None = None,
             only: tuple[str, ...] | None = None) -> ScenarioResult:
    """Run every model on ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        From :func:`load` / :func:`loads`.
    n_trials : int, optional
        Monte Carlo trials (default the scenario's ``scenario.trials``): simulated years of
        downtime and importance-sampling trajectories of the quorum.
    seed : int, optional
        Seed (default ``scenario.seed``); one child stream per model (``SeedSequence.spawn``).
    progress : callable, optional
        Called as ``progress(step_name, i, n)`` before each of the n steps.
    only : tuple of str, optional
        Run only these sections and those they consume (``("cost",)`` for the bills alone,
        as ``aurora-models diff`` does); default every registered section.

    Returns
    -------
    ScenarioResult
        Each section's result, its JSON form and the notes.

    Notes
    -----
    Models called (public functions only): ``quorum.event_probability`` /
    ``volume_event_probability`` / ``simulate_event_probability`` (durability);
    ``availability.annual_downtime`` / ``simulate_annual_downtime`` / ``failover_time_s`` /
    ``readers_needed`` / ``decision_table`` (availability, failover, readers, RDS alternatives);
    ``serverless.synthetic_demand`` / ``simulate_capacity`` / ``monthly_cost`` (capacity, cost,
    with ``pricing.load``); ``global_db.lag`` / ``rpo_exposure`` (secondaries).

    Examples
    --------
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=500)
    >>> r.to_dict()["schema_version"] == scenario.SCHEMA_VERSION, r.sections["cost"]["cheapest"]
    (True, 'serverless_io_optimized')
    """
    if not isinstance(scenario, Scenario):
        raise ParameterTypeError(f"`scenario` must be a Scenario, got {type(scenario).__name__}")
    n = _TRIALS.check(scenario["scenario"]["trials"] if n_trials is None else n_trials,
                      name="n_trials")
    seed = check_int_range("seed", scenario["scenario"]["seed"] if seed is None else seed, 0)
    _budget.check("estimate", "n_trials" if n_trials is not None else "scenario.trials", n,
                  work=n * WORK_PER_TRIAL, detail="Monte Carlo trials")
    stage = ["demand"]

    def tick(name: str, i: int, total: int) -> None:
        stage[0] = name
        if progress is not None:
            progress(name, i, total)

    ctx = Context(scenario=scenario, n_trials=n, seed=seed)
    sections = ordered(registered())
    if only is not None:
        by_name = {sec.name: sec for sec in sections}
        unknown = [n for n in only if n not in by_name]
        if unknown:
            raise ParameterValueError(f"`only` must name registered sections "
                             f"({', '.join(by_name)}), got {unknown[0]!r}")
        need, todo = set(), list(only)
        while todo:
            name = todo.pop()
            if name not in need:
                need.add(name)
                todo += list(by_name[name].consumes)
        sections = [sec for sec in sections if sec.name in need]
    try:
        for i, section in enumerate(sections):
            tick(section.name, i, len(sections))
            ctx.results[section.name] = section.run(ctx)
    except ValueError as exc:
        if isinstance(exc, ScenarioError):
            raise
        # A model refused a value the file's validation let through (e.g. a peak no instance
        # class can hold): one line naming the file and the step, exit code 2 in the CLI.
        raise ScenarioError(f"the {stage[0]} step failed: {exc}",
                            source=scenario.source) from exc
    order = [s.name for s in registered() if s.name in ctx.results]
    return ScenarioResult(scenario=scenario, n_trials=n, seed=seed,
                          results={k: ctx.results[k] for k in order}, notes=tuple(ctx.notes))


def estimate_batch(scenario: Scenario, parameters: Mapping[str, Any], *,
                   n_trials: int | None = None, seed: int | None = None) -> list[ScenarioResult]:
    """Every estimate for a batch of parameter vectors (a leading batch axis).

    Parameters
    ----------
    scenario : Scenario
        The base scenario.
    parameters : mapping of ``"table.key"`` to a sequence
        One value per batch row for each scenario key (scalars broadcast); every vector is
        validated against the key's declaration before anything runs, and an error names the
        key and the first bad row.
    n_trials, seed : int, optional
        As for :func:`estimate`; every row uses the same seed (common random numbers), so rows
        differ only by their parameters.

    Returns
    -------
    list of ScenarioResult
        One per row, in order. ``estimate(s)`` is the batch of one with no vectors.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> rows = scenario.estimate_batch(scenario.load(), {"failures.az_outage_hours": [1, 4]},
    ...                                n_trials=200)
    >>> a, b = (r.sections["availability"]["annual_downtime_minutes"]["value"] for r in rows)
    >>> b > a
    True
    """
    import numpy as np

    keys = spec()
    columns: dict[str, np.ndarray] = {}
    for name, values in parameters.items():
        table, _, key = str(name).partition(".")
        p: Param | None = keys.get(table, {}).get(key)
        if p is None:
            raise ParameterValueError(f"`{name}` is not a scenario key (use 'table.key')")
        columns[name] = np.atleast_1d(p.check(values, name=name, batch=True))
    sizes = {len(v) for v in columns.values() if len(v) != 1}
    if len(sizes) > 1:
        raise ParameterValueError(f"batch vectors must share one length, got {sorted(sizes)}")
    size = sizes.pop() if sizes else 1
    rows = []
    for i in range(size):
        changes = {name.replace(".", "__", 1): (v[0] if len(v) == 1 else v[i]).item()
                   for name, v in columns.items()}
        rows.append(estimate(scenario.replace(**changes) if changes else scenario,
                             n_trials=n_trials, seed=seed))
    return rows


def models_assumptions(sections: tuple[str, ...] | None = None):
    """The registered defaults the sections named rest on (default: every registered section):
    :func:`aurora_models.assumptions` restricted to the sections' ``assumptions`` modules, less
    the user inputs (an estimate lists the file's values of those, under ``scenario``)."""
    frame = assumptions()
    frame = frame[frame["module"].isin(assumption_modules(sections))
                  & (frame["kind"] != "user input")]
    return frame.reset_index(drop=True)


#: Tables whose keys the JSON lists under ``overrides`` rather than as the scenario's own figures.
_OVERRIDE_TABLES = ("failures", "pricing")


def _assumptions(scenario: Scenario, sections: tuple[str, ...]) -> dict[str, Any]:
    """The assumptions an estimate rests on: the figures the file sets (its own assumptions
    about the system), the registry's defaults of the sections that ran, and the
    ``[failures]``/``[pricing]`` keys the file overrides."""
    keys = spec()
    used = models_assumptions(sections)
    overrides = {k: scenario[t][key] for k in sorted(scenario.given)
                 for t, _, key in [k.partition(".")] if t in _OVERRIDE_TABLES}
    own = [(t, k, p) for t, kv in keys.items() if t != "scenario" and t not in _OVERRIDE_TABLES
           for k, p in kv.items() if f"{t}.{k}" in scenario.given]
    return {
        "scenario": [_own(scenario, t, k, p) for t, k, p in own],
        "models": [{"name": r.name, "value": str(r.value), "unit": r.unit, "kind": r.kind,
                    "source": r.source} for r in used.itertuples()],
        "overrides": overrides,
    }


def _own(scenario: Scenario, t: str, k: str, p) -> dict[str, Any]:
    """One figure the file sets: its own assumption, or a measured value with its provenance."""
    v = scenario[t][k]
    entry = {"key": f"{t}.{k}", "value": plain(list(v) if isinstance(v, tuple) else v),
             "unit": p.unit, "kind": "assumption", "source": f"scenario file {scenario.source}"}
    prov = scenario.provenance.get(f"{t}.{k}")
    if prov is not None:
        entry.update(kind="measured", source=prov["source"], provenance=plain(prov))
    return entry


def summary_rows(doc: dict) -> list[Row]:
    """The headline rows of a JSON document, each section's from its own adapter.

    Parameters
    ----------
    doc : dict
        An estimate's JSON document (:meth:`ScenarioResult.to_dict`).

    Returns
    -------
    list of Row
        ``(section, metric, value, ci_low, ci_high, unit, output)`` rows, in output order.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> doc = scenario.estimate(scenario.load(), n_trials=100, only=("cost",)).to_dict()
    >>> next(r[:2] for r in scenario.summary_rows(doc) if r[0] == "cost")
    ('cost', 'serverless_io_optimized')
    """
    rows: list[Row] = []
    for section in registered():
        if section.name in doc:
            rows += section.rows(doc[section.name])
    return rows
