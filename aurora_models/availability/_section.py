"""Scenario sections of the availability family: downtime, failover, readers, RDS options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from .. import pricing
from .._format import value_text
from .._params import params_of, replaced
from .._section import (
    AddedLine,
    BatchContext,
    Context,
    Derived,
    Fact,
    Output,
    Row,
    Section,
    SectionResult,
    View,
)
from ..billing._bill import secondary_idle_acu
from ..exceptions import ParameterValueError
from ..global_db._routing import routing_of
from ..quorum._model import FailureModel
from ..quorum._section import failure_model
from ..results import Estimate
from ..units import MINUTES_PER_YEAR
from . import (
    annual_downtime,
    aurora,
    failover_time_s,
    nines,
    readers_needed,
    simulate_annual_downtime,
    workers_per_reader,
)
from ._decision import Workload, decision_table, engine_family
from ._downtime import storage_unavailabilities, storage_unavailability
from ._params import DIRECT_CLIENT, PROXY_CLIENT, ClientConfig, FailureRates


class _Load(Protocol):
    """What these sections read of the workload section's result (no import of its family)."""

    daily_peak_reads_per_s: float
    event_peak_reads_per_s: float
    io_millions_per_month: float

__all__ = ["ALTERNATIVES", "AVAILABILITY", "FAILOVER", "READERS", "SECTIONS", "failure_rates"]


def failure_rates(scenario):
    """The scenario's :class:`FailureRates`, over the same quorum failure model (one home of
    the AZ parameters). Zero-downtime patching is off in a Global Database, which it does not
    support (:data:`ZDP_GLOBAL_NOTE`)."""
    fl = scenario["failures"]
    values = {k: fl[k] for k in params_of(FailureRates) if k in fl}
    if scenario["regions"]["secondaries"]:
        values["zero_downtime_patching"] = False
    return FailureRates(failures=failure_model(scenario), **values)


#: Why a Global Database's patches are restarts whatever ``failures.zero_downtime_patching``
#: says (Aurora User Guide, 'Using zero-downtime patching', read 2026-12-08).
ZDP_GLOBAL_NOTE = ("failures.zero_downtime_patching is ignored: AWS does not support "
                   "zero-downtime patching for Aurora global databases (Aurora User Guide, "
                   "'Using zero-downtime patching'); patches are modelled as restarts")


def _client(scenario) -> ClientConfig:
    """How the applications connect: through RDS Proxy when ``cluster.rds_proxy`` says so
    (the proxy's cited cut of failover recovery; no DNS or retry delay on other outages)."""
    return PROXY_CLIENT if scenario["cluster"]["rds_proxy"] else DIRECT_CLIENT


def _storage(scenario):
    return storage_unavailability(failure_model(scenario),
                                  volume_gib=scenario["cluster"]["volume_gib"])


@dataclass(frozen=True, kw_only=True)
class AvailabilityResult(SectionResult):
    """Expected and simulated annual downtime of the configured Aurora cluster."""

    _private = ("downtime_years", "green_hours_per_year", "price_file")
    deployment: str
    annual_downtime_minutes: Estimate
    #: The Monte Carlo figures: None in an analysis' evaluation (the closed form only).
    annual_downtime_minutes_monte_carlo: Estimate | None
    annual_downtime_minutes_p50: Estimate | None
    annual_downtime_minutes_p99: Estimate | None
    outages_per_year: Estimate | None
    availability: float
    availability_ci_low: float | None
    availability_ci_high: float | None
    nines: float | None
    downtime_years: Any = field(repr=False)
    #: ``workload.max_annual_downtime_minutes`` (None: no objective) and whether the closed-form
    #: expected downtime meets it.
    objective_minutes_per_year: float | None = None
    meets_objective: bool | None = None
    #: Hours a blue/green deployment's green copy runs in a year, and the scenario's price
    #: file: its bill lines (:func:`green_lines`).
    green_hours_per_year: float = 0.0
    price_file: Any = None


def _availability(ctx: Context) -> AvailabilityResult:
    s = ctx.scenario
    rates, storage = failure_rates(s), _storage(s)
    if s["regions"]["secondaries"] and s["failures"]["zero_downtime_patching"] \
            and not ctx.evaluation:
        ctx.notes.append(ZDP_GLOBAL_NOTE)
    dep = aurora(s["cluster"]["replicas"])
    client = _client(s)
    closed = annual_downtime(dep, rates=rates, storage=storage, client=client).mean
    if ctx.evaluation:  # an analysis reads the closed form only
        return _closed_only(dep, closed, rates.green_hours_per_year, s["pricing"]["offer_file"])
    objective = s["workload"]["max_annual_downtime_minutes"]
    sim = simulate_annual_downtime(dep, rates=rates, storage=storage, client=client,
                                   n_trials=ctx.n_trials,
                                   rng=ctx.stream(2))
    lo, hi = sim.mean.confidence_interval()
    return AvailabilityResult(
        deployment=dep.name, annual_downtime_minutes=closed,
        annual_downtime_minutes_monte_carlo=sim.mean,
        annual_downtime_minutes_p50=sim.quantile(0.5),
        annual_downtime_minutes_p99=sim.quantile(0.99), outages_per_year=sim.incidents,
        availability=1.0 - closed.value / MINUTES_PER_YEAR,
        availability_ci_low=1.0 - hi / MINUTES_PER_YEAR,
        availability_ci_high=1.0 - lo / MINUTES_PER_YEAR,
        nines=float(nines(closed.value)), downtime_years=sim.annual_minutes,
        objective_minutes_per_year=objective,
        meets_objective=None if objective is None else bool(closed.value <= objective),
        green_hours_per_year=rates.green_hours_per_year, price_file=s["pricing"]["offer_file"])


def _closed_only(dep, closed, green_hours_per_year=0.0, price_file=None) -> AvailabilityResult:
    """The result of an evaluation (:attr:`Context.evaluation`): the closed form, no
    simulated years."""
    a = 1.0 - closed.value / MINUTES_PER_YEAR
    return AvailabilityResult(
        deployment=dep.name, annual_downtime_minutes=closed,
        annual_downtime_minutes_monte_carlo=None, annual_downtime_minutes_p50=None,
        annual_downtime_minutes_p99=None, outages_per_year=None, availability=a,
        availability_ci_low=None, availability_ci_high=None, nines=None, downtime_years=None,
        green_hours_per_year=green_hours_per_year, price_file=price_file)


def green_lines(result, usage) -> list[AddedLine]:
    """The bill lines of a blue/green deployment's green copy (none without one).

    The green environment copies the cluster's topology: its writer and readers run for
    ``failures.green_hours_per_deployment`` per deployment, ``major_upgrades_per_year``
    deployments a year (``green_hours_per_year / 12`` hours a month, a declared assumption).
    Each option bills the copy as it bills the cluster: instance-hours of the configured class
    on demand for the provisioned options (the copy lives days: no reservation covers it), and
    for Serverless v2 instances ACU-hours at the idle ACU ``max(min_acu, 0.5)``
    (:func:`~aurora_models.billing.secondary_idle_acu`: the copy serves no production traffic,
    and the blue/green replication keeps it from pausing). The copy's storage is a clone that
    stores only the changes made on it, and is left out.
    """
    month_h = result.green_hours_per_year / 12.0
    if not month_h > 0:
        return []
    book = (pricing.load(usage.region, engine=usage.engine) if result.price_file is None
            else pricing.load(usage.region, engine=usage.engine, path=result.price_file))
    n, cls = 1 + usage.replicas, usage.instance_class
    acu = secondary_idle_acu(usage.min_acu)

    def inst(io: bool):
        return book.instance_hour_usd(cls, io_optimized=io) if book.has("instance_hour", cls) \
            else None

    def line(id_, text, qty, unit, price, options):
        return AddedLine(id=f"blue_green_{id_}", region=usage.region,
                         line=f"blue/green green copy: {text} (ASSUMPTION: "
                              f"{result.green_hours_per_year:g} h a year)",
                         quantity=qty, unit=unit, unit_price_usd=price, component="compute",
                         options=options)

    std = usage.storage == "io-optimized"
    return [
        line("serverless", f"{n} instance(s) at {acu:g} ACU", n * acu * month_h, "ACU-hours",
             book.acu_hour_usd(False), ("serverless_standard",)),
        line("serverless_io", f"{n} instance(s) at {acu:g} ACU", n * acu * month_h,
             "ACU-hours", book.acu_hour_usd(True), ("serverless_io_optimized",)),
        line("provisioned", f"{n} x {cls} on demand", n * month_h, "instance-hours",
             inst(False), ("provisioned_standard",)),
        line("provisioned_io", f"{n} x {cls} on demand", n * month_h, "instance-hours",
             inst(True), ("provisioned_io_optimized",)),
        line("reserved", f"{n} x {cls} on demand", n * month_h, "instance-hours", inst(std),
             ("provisioned_reserved",)),
        line("mixed_writer", f"writer {cls} on demand", month_h, "instance-hours", inst(std),
             ("provisioned_writer_serverless_readers",)),
        *([line("mixed_readers", f"{usage.replicas} reader(s) at {acu:g} ACU",
                usage.replicas * acu * month_h, "ACU-hours", book.acu_hour_usd(std),
                ("provisioned_writer_serverless_readers",))] if usage.replicas else []),
    ]


def _availability_batch(b: BatchContext) -> list[AvailabilityResult]:
    """The batch's closed-form downtime, its storage unavailability in stacked CTMC solves
    (:func:`~._downtime.storage_unavailabilities`)."""
    model_keys = {f"failures.{k}": k for k in params_of(FailureModel)}
    rate_keys = {f"failures.{k}": k for k in params_of(FailureRates)}
    if set(b.values) - set(model_keys) - set(rate_keys):
        return [_availability(b.context(i)) for i in range(b.size)]
    s = b.scenario
    fm0, rates0 = failure_model(s), failure_rates(s)
    fms = [replaced(fm0, **{model_keys[k]: float(v[i]) for k, v in b.values.items()
                           if k in model_keys}) for i in range(b.size)]
    storage = storage_unavailabilities(fms, volume_gib=s["cluster"]["volume_gib"])
    dep = aurora(s["cluster"]["replicas"])
    out = []
    for i, fm in enumerate(fms):
        rates = replaced(rates0, failures=fm, **{rate_keys[k]: float(v[i])
                                                for k, v in b.values.items() if k in rate_keys})
        out.append(_closed_only(dep, annual_downtime(dep, rates=rates, storage=storage[i],
                                                     client=_client(s)).mean,
                                rates.green_hours_per_year, s["pricing"]["offer_file"]))
    return out


def _availability_rows(d) -> list[Row]:
    def est(metric, e, output=None):
        return Row("availability", metric, e["value"], e["ci_low"], e["ci_high"], e["unit"],
                   output)

    # the Monte Carlo row estimates the same expectation (its CI is the simulation's)
    return [Row("availability", "availability per year", d["availability"],
                d["availability_ci_low"], d["availability_ci_high"], "fraction", "availability"),
            est("expected downtime (closed form)", d["annual_downtime_minutes"], _DOWNTIME),
            est("expected downtime (Monte Carlo)", d["annual_downtime_minutes_monte_carlo"],
                _DOWNTIME),
            est("P99 downtime of a year", d["annual_downtime_minutes_p99"])]


_DOWNTIME = "downtime_minutes_per_year"


def _availability_view(d: Mapping[str, Any]) -> View:
    missed: dict[str, str] = {}
    if d.get("meets_objective") is False:
        missed["expected downtime (closed form)"] = (
            f"expected downtime {d['annual_downtime_minutes']['value']:.3g} minutes/year > "
            f"{d['objective_minutes_per_year']:g} (workload.max_annual_downtime_minutes)")
    facts: tuple[Fact, ...] = ()
    if "availability" in d:
        facts = (Fact("availability", f"{value_text(d['availability'], 'fraction')} a year "
                                      f"({value_text(d['annual_downtime_minutes']['value'], '')} "
                                      f"minutes of downtime, {d['deployment']})", 30),)
    return View(missed=missed, facts=facts)


def _availability_from_downtime(minutes):
    return 1.0 - minutes / MINUTES_PER_YEAR


AVAILABILITY = Section(
    name="availability", title="Availability", run=_availability, rows=_availability_rows,
    view=_availability_view,
    run_batch=_availability_batch, declares=(FailureModel, FailureRates),
    bill_lines=green_lines,
    assumptions=("availability", "quorum", "units"), place=30,
    outputs=(Output(_DOWNTIME, ("annual_downtime_minutes", "value"), "minutes/year",
                    label="expected downtime a year"),),
    derived=(Derived("availability", _DOWNTIME, "fraction", _availability_from_downtime),),
    json="`deployment, availability, availability_ci_low, availability_ci_high, nines`, "
         "Estimates `annual_downtime_minutes` (closed form), "
         "`annual_downtime_minutes_monte_carlo`, `annual_downtime_minutes_p50`, "
         "`annual_downtime_minutes_p99`, `outages_per_year`; `objective_minutes_per_year` "
         "(`workload.max_annual_downtime_minutes`, null: none) and `meets_objective` (the "
         "closed-form expected downtime against it)")


@dataclass(frozen=True, kw_only=True)
class FailoverResult(SectionResult):
    """Client-observed outage quantiles after a writer failure."""

    deployment: str
    p50_s: float
    p90_s: float
    p99_s: float
    note: str
    #: ``workload.max_failover_s`` (None: no objective) and whether the P90 meets it.
    objective_p90_s: float | None = None
    meets_objective: bool | None = None


def _failover(ctx: Context) -> FailoverResult:
    dep = aurora(ctx.scenario["cluster"]["replicas"])
    objective = ctx.scenario["workload"]["max_failover_s"]
    client = _client(ctx.scenario)
    p90 = failover_time_s(dep, q=0.9, client=client)
    return FailoverResult(
        deployment=dep.name, p50_s=failover_time_s(dep, q=0.5, client=client),
        p90_s=p90, p99_s=failover_time_s(dep, q=0.99, client=client), objective_p90_s=objective,
        meets_objective=None if objective is None else bool(p90 <= objective),
        note=("client-observed outage after a writer failure (failover to a replica; "
              "replacement when there is none), DNS TTL and retry included"))


def _failover_rows(d) -> list[Row]:
    return [Row("failover", f"client-observed outage {q.upper()}", d[f"{q}_s"], None, None, "s",
                f"failover_{q}_s") for q in ("p50", "p90", "p99")]


def _failover_view(d: Mapping[str, Any]) -> View:
    missed: dict[str, str] = {}
    if d.get("meets_objective") is False:
        missed["client-observed outage P90"] = (
            f"failover P90 {d['p90_s']:.3g} s > {d['objective_p90_s']:g} s "
            f"(workload.max_failover_s)")
    facts: tuple[Fact, ...] = ()
    if "p50_s" in d:
        facts = (Fact("failover (client-observed)",
                      f"P50 {d['p50_s']:.0f} s, P99 {d['p99_s']:.0f} s", 40),)
    return View(missed=missed, facts=facts)


FAILOVER = Section(
    name="failover", title="Failover", run=_failover, rows=_failover_rows, view=_failover_view,
    assumptions=("availability",), place=40,
    outputs=tuple(Output(f"failover_{q}_s", (f"{q}_s",), "s",
                         label=f"client-observed failover outage {q.upper()}")
                  for q in ("p50", "p90", "p99")),
    json="`deployment, p50_s, p90_s, p99_s, note`: exact quantiles of the client-observed "
         "outage after a writer failure (server-side failover, or replacement without a "
         "replica, plus DNS staleness and the retry wait; `availability.failover_time_s`); "
         "`objective_p90_s` (`workload.max_failover_s`, null: none) and `meets_objective` "
         "(the P90 against it)")


def _workers_per_reader(scenario) -> int:
    """Read workers per reader: vCPUs of the instance class, or of the max ACU."""
    cl = scenario["cluster"]
    return workers_per_reader(cl["capacity"], instance_class=cl["instance_class"],
                              max_acu=cl["max_acu"], acu_per_vcpu=cl["acu_per_vcpu"])


@dataclass(frozen=True, kw_only=True)
class ReadersResult(SectionResult):
    """Readers needed to meet the read latency objective at the daily and event peaks."""

    configured: int
    workers_per_reader: int
    objective: str
    daily_peak: int | None
    event_peak: int | None


def _readers(ctx: Context) -> ReadersResult:
    s = ctx.scenario
    cl, wl = s["cluster"], s["workload"]
    peaks = cast(_Load, ctx["workload"])  # the results are keyed by section name
    workers = _workers_per_reader(s)
    needed: dict[str, int | None] = {}
    # the primary's readers serve its own users' reads (``[users]``; all of them without it)
    here = routing_of(s).share_of(s["regions"]["primary"])
    for label, rate in (("daily_peak", peaks.daily_peak_reads_per_s * here),
                        ("event_peak", peaks.event_peak_reads_per_s * here)):
        try:
            needed[label] = readers_needed(
                rate, wl["read_service_time_ms"], wl["read_latency_objective_ms"],
                workers_per_reader=workers, objective=wl["read_objective"])
        except ValueError as exc:
            needed[label] = None
            ctx.notes.append(f"readers at {label.replace('_', ' ')}: {exc}")
    if needed["event_peak"] is not None and needed["event_peak"] > cl["replicas"]:
        ctx.notes.append(f"the event peak needs {needed['event_peak']} readers, "
                         f"{cl['replicas']} configured")
    return ReadersResult(configured=cl["replicas"], workers_per_reader=workers,
                         objective=f"{wl['read_objective']} <= "
                                   f"{wl['read_latency_objective_ms']:g} ms", **needed)


def _readers_rows(d) -> list[Row]:
    return [Row("readers", "configured", d["configured"], None, None, "readers"),
            *(Row("readers", f"needed at {k.replace('_', ' ')}", d[k], None, None, "readers",
                  "readers_at_event_peak" if k == "event_peak" else None)
              for k in ("daily_peak", "event_peak"))]


def _readers_batch(b: BatchContext) -> list[ReadersResult]:
    """The batch's readers: the ACU keys reach the model only through the workers per reader
    (an integer), so each distinct count is solved once."""
    if set(b.values) - {"cluster.acu_per_vcpu", "cluster.max_acu"}:
        return [_readers(b.context(i)) for i in range(b.size)]
    done = b.memo.setdefault("readers", {})  # across the caller's batches
    out = []
    for i in range(b.size):
        ctx = b.context(i)
        load = cast(_Load, ctx["workload"])  # keyed by section name
        key = (_workers_per_reader(ctx.scenario), load.daily_peak_reads_per_s,
               load.event_peak_reads_per_s)
        if key not in done:
            done[key] = _readers(ctx)
        out.append(done[key])
    return out


READERS = Section(
    name="readers", title="Readers", run=_readers, rows=_readers_rows, consumes=("workload",),
    run_batch=_readers_batch, declares=(Workload,), assumptions=("availability",),
    place=70, outputs=(Output("readers_at_event_peak", ("event_peak",), "readers",
                              label="readers needed at the event peak"),),
    json="`configured, workers_per_reader, objective, daily_peak, event_peak` (readers "
         "needed; null when no count up to 15 meets the objective, with a note)")


@dataclass(frozen=True, kw_only=True)
class AlternativesResult(SectionResult):
    """Aurora vs RDS deployments priced and checked against the objectives."""

    recommendation: str | None
    binding_constraints: list[str]
    rows: list[dict[str, Any]]
    note: str


def _alternatives(ctx: Context) -> AlternativesResult:
    s = ctx.scenario
    cl, reg, wl = s["cluster"], s["regions"], s["workload"]
    load = cast(_Load, ctx["workload"])  # the results are keyed by section name
    source = wl["migrating_from"]
    if source.startswith("sqlserver") and cl["engine"] != "postgresql":
        raise ParameterValueError(f"`cluster.engine` must be 'postgresql' when `workload.migrating_from` "
                         f"is {source!r} (Babelfish, the SQL Server-compatible Aurora option, "
                         f"is Aurora PostgreSQL only), got {cl['engine']!r}")
    workload = Workload(
        name=s.name, engine=engine_family(source) or cl["engine"],
        migrating_from=source, licence=wl["licence"], instance_class=cl["instance_class"],
        storage_gib=cl["volume_gib"], io_millions_per_month=load.io_millions_per_month,
        reads_per_s=load.daily_peak_reads_per_s,
        read_service_time_ms=wl["read_service_time_ms"],
        read_latency_objective_ms=wl["read_latency_objective_ms"],
        read_objective=wl["read_objective"], needs_serverless=cl["capacity"] == "serverless",
        max_failover_s=wl["max_failover_s"],
        max_annual_downtime_minutes=wl["max_annual_downtime_minutes"],
        needs_global=bool(reg["secondaries"]))
    pb = pricing.load(s["pricing"]["region"] or reg["primary"], engine=cl["engine"])
    cls, note = cl["instance_class"], ""
    if not pb.has("instance_hour", cls):  # the region does not sell it: its nearest class
        cls = pb.nearest_classes(cls, 1)[0]
        note = (f"; {pb.region} does not sell {cl['instance_class']} for {pb.engine}, priced "
                f"as {cls}")
        ctx.notes.append(f"{cl['instance_class']} is not sold in {pb.region} ({pb.engine}); "
                         f"the Aurora-vs-RDS table uses {cls}")
    from dataclasses import replace

    workload = replace(workload, instance_class=cls)
    table = decision_table(workload, price_book=pb, rates=failure_rates(s), storage=_storage(s))
    rows = [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in table.to_dict(orient="records")]
    return AlternativesResult(
        recommendation=table.attrs["recommendation"],
        binding_constraints=list(table.attrs["binding_constraints"]),
        rows=rows + _scale_out_rows(ctx.results.get("scaleout")),
        note=(f"provisioned {cls} at the daily peak (availability model){note}; RDS rows "
              f"priced as {_rds_engine(cl['engine']) if source == 'none' else source} "
              f"({wl['licence']}) at the nearest class it sells; RDS Multi-AZ DB clusters are "
              f"not in the price list (ASSUMPTION rows, see price_basis)"))


def _scale_out_rows(scale) -> list[dict[str, Any]]:
    """The decision table's rows of the options beyond one writer, where the ``scaleout``
    section priced them: estimates, their monthly cost only (downtime, failover and read
    latency are not modelled for them, so they are never recommended)."""
    if scale is None:
        return []
    # read whether or not they are priced: an analysis' plan holds for every vector
    shown, limitless, dsql = scale.shown, scale.limitless, scale.dsql
    if not shown:
        return []
    out = []
    for name, part, nodes, priced in (
            ("Aurora Limitless Database (estimate)", limitless,
             lambda p: p["routers"] + p["shards"] + p["standby_shards"],
             lambda p: f"shard group {p['min_acu']:g}-{p['max_acu']:g} ACU"),
            ("Aurora DSQL (estimate)", dsql, lambda p: None,
             lambda p: f"{p['dpus_per_transaction']:.3g} DPU per request")):
        out.append({
            "deployment": name, "replicas": None, "instances": nodes(part),
            "monthly_cost_usd": part["monthly_usd"], "priced_class": priced(part),
            "price_basis": "ESTIMATE resting on its sizing assumptions (scaleout section)",
            "annual_downtime_minutes": None, "failover_p90_s": None,
            "read_capacity_per_s": None, "read_latency_ms": None, "serverless": True,
            "cross_region": "none", "engine_supported": not part["migration"],
            "fails_on": "engine (a migration from Aurora MySQL)" if part["migration"] else "",
            "meets_objectives": None, "recommended": False, "estimate": True})
    return out


def _rds_engine(engine: str) -> str:
    """The RDS engine an Aurora engine's alternatives are priced as (no migration source)."""
    return {"mysql": "RDS for MySQL", "postgresql": "RDS for PostgreSQL"}[engine] + \
        " (the Aurora engine's RDS counterpart)"


def decision_line(d: Mapping[str, Any]) -> str:
    """The Aurora-vs-RDS outcome in words, with the objectives that ruled out cheaper options."""
    binding = ", ".join(d["binding_constraints"]) or "none"
    if d["recommendation"] is None:
        return ("Aurora vs RDS (provisioned, daily peak): no deployment meets every objective "
                f"(binding: {binding})")
    return (f"Aurora vs RDS (provisioned, daily peak): {d['recommendation']} "
            f"(objectives that ruled out cheaper options: {binding})")


def _alternatives_view(d: Mapping[str, Any]) -> View:
    line = decision_line(d)
    return View(lines=(line,), facts=(Fact("Aurora vs RDS", line, 60),))


ALTERNATIVES = Section(
    name="alternatives", title="Aurora vs RDS", run=_alternatives,
    consumes=("workload", "scaleout"),
    view=_alternatives_view,
    declares=(Workload,), assumptions=("availability", "pricing"), place=80,
    json="`recommendation, binding_constraints, rows, note`: `availability.decision_table` "
         "(Aurora vs RDS, provisioned at the daily peak); where the `scaleout` section priced "
         "the options beyond one writer, `rows` ends with theirs (`estimate` true: monthly "
         "cost only, `meets_objectives` null, never recommended)")

SECTIONS = (AVAILABILITY, FAILOVER, READERS, ALTERNATIVES)
