"""Scenario sections of the Serverless v2 family: demand, capacity profile, monthly bill."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

import numpy as np

from .. import pricing
from .._format import usd
from .._params import params_of, replaced
from .._registry import sections
from .._rng import spawn_seeds
from .._section import (
    BatchContext,
    Context,
    Dated,
    Fact,
    LineTable,
    Output,
    Row,
    Section,
    SectionResult,
    View,
)
from ..billing import (
    OPTION_LABELS,
    OPTIONS,
    Usage,
    bill_options,
    bill_totals,
    reserved_terms,
    savings_plan_commitment,
)
from ..billing._bill import secondary_idle_acu
from ..billing._keys import BillingKeys, DateKeys, ReservedKeys
from ..billing._text import bill_table
from ..global_db._link import REDO_BYTES_PER_WRITE
from ..global_db._routing import routing_of, secondary_counts
from ..units import HOURS_PER_MONTH, SECONDS_PER_MONTH
from ._cost_options import CostOptions
from ._demand_model import PER_OPERATION, DemandModel, ReaderLoad
from ._policy import ScalingPolicy
from ._simulate import _scratch, simulate_capacity

__all__ = ["CAPACITY", "COMMITMENTS", "COST", "SECTIONS", "WORKLOAD", "CapacityProfile",
           "CommitmentsResult", "CostResult", "WorkloadResult", "demand_model"]

#: Seeded demand draws the monthly cost is computed over (its spread is reported).
COST_DRAWS = 10


def demand_model(scenario):
    """The scenario's :class:`DemandModel` (``[workload]`` keys and ``cluster.acu_per_vcpu``)."""
    keys = {k: p.scenario.partition(".") for k, p in params_of(DemandModel).items()}
    return DemandModel(**{k: scenario[t][key] for k, (t, _, key) in keys.items()})


@dataclass(frozen=True, kw_only=True)
class WorkloadResult(SectionResult):
    """The demand's peaks and monthly I/O (the series is kept for plots and other sections)."""

    _private = ("series",)
    source: str
    days: float
    step_s: float
    daily_peak_writes_per_s: float
    daily_peak_reads_per_s: float
    event_peak_writes_per_s: float
    event_peak_reads_per_s: float
    mean_writes_per_s: float
    mean_reads_per_s: float
    io_millions_per_month: float
    write_io_millions_per_month: float
    series: dict = field(repr=False)


def _workload(ctx: Context) -> WorkloadResult:
    dm = demand_model(ctx.scenario)
    return _workload_result(dm, dm.series(rng=ctx.stream(0)))


def _workload_result(dm, d, peaks=None) -> WorkloadResult:
    io, w_io = dm.io_millions_per_month(d)
    return WorkloadResult(source=dm.source, days=dm.days, step_s=dm.step_s,
                          **(_peaks(d) if peaks is None else peaks),
                          io_millions_per_month=io, write_io_millions_per_month=w_io, series=d)


def _peaks(rates) -> dict[str, float]:
    """The request rates' peaks (daily: outside the events) and means."""
    daily = ~rates["in_event"]
    w, r = rates["writes_per_s"], rates["reads_per_s"]
    return dict(daily_peak_writes_per_s=float(w[daily].max()),
                daily_peak_reads_per_s=float(r[daily].max()),
                event_peak_writes_per_s=float(w.max()), event_peak_reads_per_s=float(r.max()),
                mean_writes_per_s=float(w.mean()), mean_reads_per_s=float(r.mean()))


def _workload_batch(b: BatchContext) -> list[WorkloadResult]:
    """The batch's workloads from one demand draw: the per-operation costs
    (:data:`~._demand_model.PER_OPERATION`) leave the request rates unchanged, so they are
    drawn once and only the load is derived per vector."""
    field_of = {p.scenario: k for k, p in params_of(DemandModel).items()}
    fields = {k: field_of[k] for k in b.values}
    if any(f not in PER_OPERATION for f in fields.values()):  # the draw itself changes
        return [_workload(b.context(i)) for i in range(b.size)]
    dm0 = demand_model(b.scenario)
    key = ("workload rates", b.seed, dm0)  # the same draw for every batch of the caller
    if key not in b.memo:
        rates = dm0.rates(rng=Context(scenario=None, n_trials=b.n_trials,
                                      seed=b.seed).stream(0))
        b.memo[key] = rates, _peaks(rates)  # the rates are shared: so are their peaks
    rates, peaks = b.memo[key]
    acu, read_acu = _load_buffers(b, rates["writes_per_s"].size)
    out = []
    for i in range(b.size):
        dm = replaced(dm0, **{f: float(b.values[k][i]) for k, f in fields.items()})
        loads = dm.loads(rates, out=(acu[i], read_acu[i]))
        out.append(_workload_result(dm, {**rates, **loads}, peaks))
    return out


def _load_buffers(b: BatchContext, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows for the batch's ``acu`` and ``read_acu`` series, kept in the caller's memo (one
    pair per thread) and reused by its next batch, whose results replace this one's: fresh
    arrays would cost a page fault per 4 KiB each time."""
    import threading

    key = ("workload loads", threading.get_ident())
    have = b.memo.get(key)
    if have is None or have[0].shape[0] < b.size or have[0].shape[1] != n:
        rows = -(-b.size // 64) * 64  # room for the next batches' (similar) counts
        have = b.memo[key] = (np.empty((rows, n)), np.empty((rows, n)))
    return have


WORKLOAD = Section(
    name="workload", title="Workload", run=_workload, run_batch=_workload_batch,
    declares=(DemandModel,), assumptions=("workload", "serverless"), place=10,
    json="`source, days, step_s, daily_peak_writes_per_s, daily_peak_reads_per_s, "
         "event_peak_writes_per_s, event_peak_reads_per_s, mean_writes_per_s, "
         "mean_reads_per_s, io_millions_per_month, write_io_millions_per_month` (billed I/O "
         "and the replicated write I/O, millions a month)")


def read_share(series: dict, replicas: int) -> float:
    """The readers' share of the cluster's ACU demand (0 without readers)."""
    total = float(series["acu"].sum())
    return float(series["read_acu"].sum()) / total if replicas and total > 0 else 0.0


@dataclass(frozen=True, kw_only=True)
class CapacityProfile(SectionResult):
    """One instance's simulated Serverless v2 capacity, per month."""

    peak_demand_acu: float
    peak_capacity_acu: float
    mean_capacity_acu: float
    acu_hours_per_month: float
    under_provisioned_s_per_month: float
    shortfall_share_of_demand: float
    capped_at_max_acu: bool


@dataclass(frozen=True, kw_only=True)
class CapacityResult(SectionResult):
    """Serverless v2 capacity of the writer and of each reader."""

    _private = ("simulations",)
    min_acu: float
    max_acu: float
    instances: int
    read_share: float
    writer: CapacityProfile
    reader_each: CapacityProfile | None
    cluster_acu_hours_per_month: float
    simulations: dict = field(repr=False)
    #: The secondaries whose instances serve users' reads (``[users]``): ``region, instances,
    #: read_share`` and ``each``, one instance's profile.
    secondaries: list[dict[str, Any]] = field(default_factory=list)


def _policy(scenario):
    cl = scenario["cluster"]
    return ScalingPolicy(min_acu=cl["min_acu"], max_acu=cl["max_acu"],
                         scale_up_delay_s=cl["scale_up_delay_s"],
                         scale_down_acu_per_s=cl["scale_down_acu_per_s"])


def _routed(scenario) -> tuple[float, tuple[tuple[str, float, int], ...]]:
    """The primary's share of the reads, and ``(region, share, instances)`` of each secondary
    that serves some (the ``[users]`` routing; none without it)."""
    r, reg = routing_of(scenario), scenario["regions"]
    counts = dict(zip(reg["secondaries"], secondary_counts(reg), strict=True))
    secs = tuple((sec, r.share_of(sec), counts[sec]) for sec in reg["secondaries"]
                 if r.share_of(sec) > 0 and counts[sec] > 0)
    return r.share_of(reg["primary"]), secs


def _factors(d, replicas: int, primary_share: float) -> tuple[float, float, float]:
    """The writer's share of the cluster's ACU demand, the primary readers' (all of them), and
    the reads' (to split among the secondaries that serve some). Without ``[users]``
    (``primary_share`` 1) the first two are the cluster's own split, to the last bit."""
    total = float(d["acu"].sum())
    reads = float(d["read_acu"].sum()) / total if total > 0 else 0.0
    if replicas:  # the readers carry the primary's reads, the secondaries the rest
        share = read_share(d, replicas)
        return 1.0 - share, share * primary_share, reads
    # no readers: the writer carries the primary's reads
    return 1.0 - reads * (1.0 - primary_share), 0.0, reads


def _capacity(ctx: Context) -> CapacityResult:
    return _capacity_of(ctx.scenario["cluster"], ctx["workload"], _policy(ctx.scenario),
                        ctx.notes, ctx.evaluation,
                        reader_base=ctx.scenario["workload"]["reader_base_acu"],
                        routed=_routed(ctx.scenario))


def _capacity_batch(b: BatchContext) -> list[CapacityResult]:
    """The batch's capacity, the scaling policy rebuilt only where its keys are sampled (the
    demand comes from the workload results)."""
    keys = {f"cluster.{k}": k for k in ("min_acu", "max_acu", "scale_up_delay_s",
                                         "scale_down_acu_per_s")}
    if set(b.values) - set(keys):
        return [_capacity(b.context(i)) for i in range(b.size)]
    cl, policy = b.scenario["cluster"], _policy(b.scenario)
    routed = _routed(b.scenario)
    out = []
    for i in range(b.size):
        if b.values:
            policy_i = replaced(policy, **{keys[k]: float(v[i]) for k, v in b.values.items()})
            cl_i = {**cl, **{keys[k]: float(v[i]) for k, v in b.values.items()}}
        else:
            policy_i, cl_i = policy, cl
        out.append(_capacity_of(cl_i, b.results["workload"][i], policy_i, [], True,
                                reader_base=b.scenario["workload"]["reader_base_acu"],
                                routed=routed))
    return out


def _capacity_of(cl, wl, policy, notes: list, evaluation: bool, *,
                 reader_base: float = 0.0, routed=(1.0, ())) -> CapacityResult:
    d, step, replicas = wl.series, wl.step_s, cl["replicas"]
    acu = d["acu"]
    month = SECONDS_PER_MONTH / (acu.size * step)  # as DemandModel.months_per_series
    share = read_share(d, replicas)
    primary_share, secondaries = routed
    writer_factor, reader_factor, reads = _factors(d, replicas, primary_share)

    def demand(slot, factor, base=0.0):
        # an evaluation keeps no series (simulations below): work arrays, one per role
        out = _scratch(slot, acu.size, np.float64) if evaluation else None
        out = np.multiply(acu, factor, out=out)
        if base:
            out += base
        return out

    def profile(c):
        if c is None:
            return None
        peak = float(c.demand_acu.max())
        return CapacityProfile(
            peak_demand_acu=peak, peak_capacity_acu=float(c.capacity_acu.max()),
            mean_capacity_acu=float(c.mean_acu), acu_hours_per_month=float(c.acu_hours * month),
            under_provisioned_s_per_month=float(c.under_provisioned_s * month),
            shortfall_share_of_demand=float(
                c.under_provisioned_acu_s / max(c.demand_acu.sum() * c.step_s, 1e-300)),
            capped_at_max_acu=bool(peak > cl["max_acu"]))

    # each profile is read off its simulation at once: in an evaluation the capacity series
    # is a work array the next simulation overwrites
    # an analysis runs the compiled recursion (it repays loading numba over its thousands)
    cap_w = simulate_capacity(demand("writer_demand", writer_factor), policy, step_s=step,
                              work_arrays=evaluation, compiled=evaluation)
    writer = profile(cap_w)
    cap_r = (simulate_capacity(demand("reader_demand", reader_factor / replicas, reader_base),
                               policy,
                               step_s=step,
                               work_arrays=evaluation, compiled=evaluation)
             if replicas else None)
    reader = profile(cap_r)
    # each secondary that serves users: its instances share its users' reads (same policy)
    secs = []
    for region, sec_share, n in secondaries:
        cap_s = simulate_capacity(demand("secondary_demand", reads * sec_share / n, reader_base),
                                  policy, step_s=step, work_arrays=evaluation,
                                  compiled=evaluation)
        secs.append({"region": region, "instances": n, "read_share": sec_share,
                     "each": profile(cap_s)})
    if cl["capacity"] == "provisioned":
        notes.append(f"the cluster is provisioned ({cl['instance_class']}): its Serverless v2 "
                     f"capacity section and the Serverless options are a what-if")
    for role, p in (("writer", writer), ("each reader", reader),
                    *((f"each {x['region']} instance", x["each"]) for x in secs)):
        if p is not None and p.capped_at_max_acu:
            notes.append(f"{role} demand peaks at {p.peak_demand_acu:.4g} ACU, above "
                         f"max_acu = {cl['max_acu']:g}: raise max_acu or add readers")
    return CapacityResult(
        min_acu=cl["min_acu"], max_acu=cl["max_acu"], instances=1 + replicas, read_share=share,
        writer=writer, reader_each=reader,
        cluster_acu_hours_per_month=float(
            (cap_w.acu_hours + (cap_r.acu_hours * replicas if cap_r else 0.0)) * month),
        # an analysis keeps no series (a batch holds one result per distinct vector)
        simulations={} if evaluation else {"writer": cap_w, "reader": cap_r},
        secondaries=secs)


def _capacity_rows(d) -> list[Row]:
    rows = []
    for role, label in (("writer", "writer"), ("reader_each", "each reader")):
        p = d[role]
        if p:
            rows += [Row("serverless", f"{label} peak capacity", p["peak_capacity_acu"], None,
                         None, "ACU"),
                     Row("serverless", f"{label} mean capacity", p["mean_capacity_acu"], None,
                         None, "ACU"),
                     Row("serverless", f"{label} demand not served (scale-up lag)",
                         p["shortfall_share_of_demand"], None, None, "fraction",
                         "writer_demand_not_served" if role == "writer" else None)]
    return rows


CAPACITY = Section(
    name="serverless", title="Serverless v2 capacity", run=_capacity, rows=_capacity_rows,
    consumes=("workload",), run_batch=_capacity_batch, declares=(ScalingPolicy, ReaderLoad),
    assumptions=("serverless",), place=60,
    outputs=(Output("writer_demand_not_served", ("writer", "shortfall_share_of_demand"),
                    "fraction", label="writer demand not served while scaling up"),),
    json="`min_acu, max_acu, instances, read_share, cluster_acu_hours_per_month`, `writer` "
         "and `reader_each` (null without replicas): `peak_demand_acu, peak_capacity_acu, "
         "mean_capacity_acu, acu_hours_per_month, under_provisioned_s_per_month, "
         "shortfall_share_of_demand, capped_at_max_acu` (the table shows "
         "`shortfall_share_of_demand`, the share of ACU demand not served while capacity "
         "catches up; the JSON also has the raw seconds)")


@dataclass(frozen=True, kw_only=True)
class CostResult(SectionResult):
    """The bill of every deployment option, line by line, cheapest first, with its spread over
    demand draws (see :mod:`aurora_models.billing`)."""

    region: str
    price_book_as_of: str
    price_source: str
    options: list[dict[str, Any]]
    bills: list[dict[str, Any]]
    cheapest: str | None
    configured: str
    configured_total_usd: float
    configured_total_12_months_usd: float
    configured_unavailable: str | None
    missing: list[str]
    demand_draws: int
    note: str


def _usage(s, series, capacity=None):
    """The :class:`~aurora_models.billing.Usage` of one demand draw (its capacity simulated
    unless the ``serverless`` section's result for it is given)."""
    dm = demand_model(s)
    if capacity is None:
        replicas = s["cluster"]["replicas"]
        policy, month = _policy(s), dm.months_per_series(series)
        primary_share, secondaries = _routed(s)
        writer_factor, reader_factor, reads = _factors(series, replicas, primary_share)
        w = simulate_capacity(series["acu"] * writer_factor, policy, step_s=dm.step_s)
        reader_base = s["workload"]["reader_base_acu"]
        r = (simulate_capacity(series["acu"] * reader_factor / replicas + reader_base, policy,
                               step_s=dm.step_s)
             if replicas else None)
        compute = (w.acu_hours * month, float(w.demand_acu.max()),
                   *((r.acu_hours * month, float(r.demand_acu.max())) if r else (0.0, 0.5)))
        served = []
        for region, sec_share, n in secondaries:
            c = simulate_capacity(series["acu"] * (reads * sec_share / n) + reader_base, policy,
                                  step_s=dm.step_s)
            served.append((region, c.acu_hours * month, float(c.demand_acu.max())))
    else:
        compute = _compute(capacity)
        served = _served(capacity)
    config = _configuration(s)
    return Usage(**{**config, **_secondary_usage(config, served)},
                 **_consumption(*dm.io_millions_per_month(series),
                                float(series["writes_per_s"].mean()), *compute))


def _served(capacity) -> list[tuple[str, float, float]]:
    """``(region, ACU-hours a month, peak ACU)`` of one instance of each secondary serving
    users, from a capacity result."""
    return [(x["region"], x["each"].acu_hours_per_month, x["each"].peak_demand_acu)
            for x in capacity.secondaries]


def _secondary_usage(config: Mapping[str, Any], served) -> dict[str, Any]:
    """The Usage fields of the secondaries whose readers serve users: their mean ACU (the
    simulated ACU-hours over the month) and peak, unless the file gives ``secondary_acu``."""
    if not served:
        return {}
    secs = list(config["secondaries"])
    given = config["secondary_acu"]
    acu = list(given) if isinstance(given, list | tuple) else [given] * len(secs)
    peaks: list[float | None] = [None] * len(secs)
    for region, acu_hours, peak in served:
        i = secs.index(region)
        if acu[i] is None:  # the file's own figure wins over the simulation
            acu[i], peaks[i] = acu_hours / HOURS_PER_MONTH, peak
    idle = secondary_idle_acu(config["min_acu"])
    return {"secondary_acu": tuple(idle if a is None else a for a in acu),
            "secondary_peak_acu": tuple(peaks)}


def _compute(capacity) -> tuple[float, float, float, float]:
    """Writer ACU-hours and peak, each reader's ACU-hours and peak, of a capacity result."""
    r = capacity.reader_each
    return (capacity.writer.acu_hours_per_month, capacity.writer.peak_demand_acu,
            *((r.acu_hours_per_month, r.peak_demand_acu) if r else (0.0, 0.5)))


def _configuration(s) -> dict[str, Any]:
    """The Usage fields the scenario sets (everything but the consumption)."""
    cl, reg, pr = s["cluster"], s["regions"], s["pricing"]
    return dict(
        region=pr["region"] or reg["primary"], engine=f"aurora-{cl['engine']}",
        capacity=cl["capacity"], instance_class=cl["instance_class"], replicas=cl["replicas"],
        storage=cl["storage"], volume_gib=cl["volume_gib"],
        storage_growth_gib_per_month=cl["storage_growth_gib_per_month"],
        headroom=pr["headroom"], secondaries=tuple(reg["secondaries"]),
        secondary_instances=reg["secondary_instances"],
        secondary_instance_class=reg["secondary_instance_class"],
        secondary_acu=reg["secondary_acu"], min_acu=cl["min_acu"],
        backup_retention_days=cl["backup_retention_days"],
        backup_change_rate_per_day=cl["backup_change_rate_per_day"],
        manual_snapshot_gib=cl["manual_snapshot_gib"],
        backtrack_window_hours=cl["backtrack_window_hours"],
        snapshot_export_gib_per_month=cl["snapshot_export_gib_per_month"],
        inter_region_transfer=reg["inter_region_transfer"],
        replicated_write_io_on_io_optimized=reg["replicated_write_io_on_io_optimized"],
        redo_bytes_per_write=REDO_BYTES_PER_WRITE, reserved_term=pr["reserved_term"],
        reserved_discount=pr["reserved_discount"], reserved_hourly_usd=pr["reserved_hourly_usd"],
        engine_version=cl["engine_version"], billing_date=pr["billing_date"])


class _Consumption(TypedDict):
    io_millions_per_month: float
    write_io_millions_per_month: float
    writes_per_s_mean: float
    writer_acu_hours: float
    reader_acu_hours_each: float
    writer_peak_acu: float
    reader_peak_acu: float


def _consumption(io, w_io, writes_per_s_mean, w_ah, w_peak, r_ah, r_peak) -> _Consumption:
    """The Usage fields a demand draw and its capacity give (I/O and ACU-hours per month)."""
    return _Consumption(io_millions_per_month=io, write_io_millions_per_month=w_io,
                writes_per_s_mean=float(writes_per_s_mean),
                writer_acu_hours=float(w_ah), reader_acu_hours_each=float(r_ah),
                writer_peak_acu=float(w_peak), reader_peak_acu=float(r_peak))


@dataclass(frozen=True, kw_only=True)
class CostTotals(SectionResult):
    """The cost section of an evaluation (:attr:`Context.evaluation`): each option's monthly
    total, in :data:`~aurora_models.billing.OPTIONS` order."""

    region: str
    options: list[dict[str, Any]]


def _billing_sections():
    """The registered sections that add lines to the bills (``Section.bill_lines``)."""
    return [s for s in sections() if s.bill_lines is not None]


def _added(results, usage) -> list:
    """The lines the registered families add to the bill of ``usage`` (``results``: the
    sections' results of this run, by name)."""
    out = []
    for sec in _billing_sections():
        if results.get(sec.name) is not None:
            out += list(sec.bill_lines(results[sec.name], usage))
    return out


def _added_batch(b: BatchContext, usages) -> list[list]:
    """:func:`_added` for every vector of a batch (each family's batch form where it has one)."""
    out: list[list] = [[] for _ in usages]
    for sec in _billing_sections():
        results = b.results[sec.name]
        if sec.bill_lines_batch is not None:
            per = sec.bill_lines_batch(list(results), list(usages))
        else:
            per = [sec.bill_lines(r, u) for r, u in zip(results, usages, strict=True)]
        for acc, lines in zip(out, per, strict=True):
            acc += list(lines)
    return out


def _totals(usages, price_file, added=None) -> list[CostTotals]:
    options = [o for o in OPTIONS
               if o != "provisioned_writer_serverless_readers" or usages[0].replicas]
    totals = bill_totals(usages, options=options, price_file=price_file, added=added)
    return [CostTotals(region=u.region,
                       options=[{"option": o, "total_usd": float(t)}
                                for o, t in zip(options, row, strict=True)])
            for u, row in zip(usages, totals, strict=True)]


def _cost_batch(b: BatchContext) -> Sequence[CostResult | CostTotals]:
    """The batch's monthly totals (:func:`~aurora_models.billing.bill_totals`), the usage of
    each vector from its workload and capacity results."""

    field_of = {p.scenario: k for k, p in params_of(DemandModel).items()}
    per_op = {k for k in b.values if field_of.get(k) in PER_OPERATION}
    if set(b.values) - per_op - {"pricing.reserved_discount"}:
        return [_cost(b.context(i)) for i in range(b.size)]
    s = b.scenario
    config = _configuration(s)
    usages = []
    for i in range(b.size):  # the per-operation costs act through the workload's results
        load = cast(WorkloadResult, b.results["workload"][i])  # keyed by section name
        c = dict(config)
        if "pricing.reserved_discount" in b.values:
            c["reserved_discount"] = float(b.values["pricing.reserved_discount"][i])
        cap = b.results["serverless"][i]
        usages.append(Usage(**{**c, **_secondary_usage(c, _served(cap))}, **_consumption(
            load.io_millions_per_month, load.write_io_millions_per_month,
            load.mean_writes_per_s, *_compute(cap))))
    return _totals(usages, s["pricing"]["offer_file"], _added_batch(b, usages))


_COMPONENTS = ("compute", "storage", "io", "backup", "replicated_io", "secondary", "transfer",
               "other")


def _cost(ctx: Context) -> CostResult | CostTotals:
    s = ctx.scenario
    dm = demand_model(s)
    price_file = s["pricing"]["offer_file"]
    usage = _usage(s, cast(WorkloadResult, ctx["workload"]).series, ctx["serverless"])
    added = _added(ctx.results, usage)
    if ctx.evaluation:  # an analysis reads the totals only
        return _totals([usage], price_file, [added])[0]
    books: dict = {}  # loaded once, shared by the demand draws' bills
    bills = bill_options(usage, price_file=price_file, books=books, added=added)
    book = (pricing.load(usage.region, engine=usage.engine) if price_file is None
            else pricing.load(usage.region, engine=usage.engine, path=price_file))
    # The bill of other demand draws (same assumptions, other noise): its spread over
    # COST_DRAWS draws, the first being the draw above.
    draws = COST_DRAWS
    totals = np.array([[b.total_usd for b in bills]]
                      + [[b.total_usd for b in bill_options(_usage(s, dm.series(rng=seed)),
                                                            price_file=price_file, books=books,
                                                            added=added)]
                         for seed in spawn_seeds(ctx.stream(4), draws - 1)])
    t_mean = totals.mean(axis=0)
    t_sd = totals.std(axis=0, ddof=1) if draws > 1 else np.full(len(bills), np.nan)
    rows = []
    for i, b in enumerate(bills):
        row: dict[str, Any] = {
            "option": b.option, "label": b.label, "instance_classes": b.instance_classes,
            "reserved_term": b.reserved_term,
            "acu_hours": float(sum(li.quantity for li in b.lines
                                   if li.unit == "ACU-hours" and li.region == usage.region))}
        row.update({f"{c}_usd": b.component_usd(c) for c in _COMPONENTS})
        row.update(total_usd=b.total_usd, total_12_months_usd=b.total_12_months_usd,
                   total_usd_mean=float(t_mean[i]),
                   total_usd_ci_low=float(t_mean[i] - 1.96 * t_sd[i]),
                   total_usd_ci_high=float(t_mean[i] + 1.96 * t_sd[i]),
                   configured=b.configured, cheapest=b.cheapest, complete=b.complete,
                   missing=list(b.missing), unavailable=b.unavailable)
        rows.append(row)
    order = sorted(range(len(rows)), key=lambda i: (not rows[i]["complete"],
                                                    rows[i]["total_usd"]))
    rows = [rows[i] for i in order]
    conf = next(b for b in bills if b.configured)
    missing = sorted({m for b in bills for m in b.missing})
    for m in missing:
        ctx.notes.append(f"not priced (the price data has none): {m}")
    src = "bundled AWS price list" if price_file is None else f"price file {price_file}"
    return CostResult(
        region=usage.region, price_book_as_of=book.as_of, price_source=src, options=rows,
        bills=[b.to_dict() for b in (bills[i] for i in order)],
        cheapest=next((b.option for b in bills if b.cheapest), None), configured=conf.option,
        configured_total_usd=conf.total_usd,
        configured_total_12_months_usd=conf.total_12_months_usd,
        configured_unavailable=conf.unavailable, missing=missing, demand_draws=draws,
        note=(f"total_usd is the bill of the seeded demand draw (a 730-hour month), "
              f"total_usd_ci_low/high the 95 % range of a month's bill over {COST_DRAWS} demand "
              f"draws (demand noise only: the per-operation CPU and I/O assumptions are not "
              f"sampled); Serverless options bill the simulated ACU-hours, provisioned options "
              f"of a Serverless cluster are sized to its peaks; Global Database secondaries are "
              f"billed in their own regions (instances, storage, replicated write I/O)"))


def _cost_rows(d) -> list[Row]:
    # The metric is the option's id (stable for joins); renderers show its label.
    rows = [Row("cost", r["option"], r["total_usd"], r["total_usd_ci_low"],
                r["total_usd_ci_high"], "USD/month", f"bill_{r['option']}") for r in d["options"]]
    rows.append(Row("cost", "configured_12_months", d["configured_total_12_months_usd"], None,
                    None, "USD/12 months"))
    return rows


#: How the options read in the tables (an option id of schema 1.1 included) and the row of
#: the configured option's 12 months.
_EXTRA_LABELS = {"provisioned": "provisioned", "configured_12_months": "configured option, 12 months"}


def _cheapest_label(d: Mapping[str, Any]) -> str:
    if d["cheapest"] is None:
        return "none (every bill misses a price, see the notes)"
    return _option_label(d["cheapest"])


def _configured_line(d: Mapping[str, Any]) -> str:
    label = _option_label(d["configured"])
    if d.get("configured_unavailable"):
        return f"configured: {label} is unavailable as written: {d['configured_unavailable']}"
    conf: Mapping[str, Any] = next((o for o in d["options"]
                                    if o["option"] == d["configured"]), {})
    gaps = len(conf.get("missing", []))
    return (f"configured: {label} at ${d['configured_total_usd']:,.0f}/month, "
            f"${d['configured_total_12_months_usd']:,.0f} over 12 months"
            + (f" (incomplete: {gaps} dimension{'s' if gaps != 1 else ''} not priced)"
               if gaps else ""))


def _cost_facts(d: Mapping[str, Any]) -> tuple[Fact, ...]:
    """What a budget owner reads first: the configured cluster's bill and the cheapest."""
    conf = _option_label(d["configured"])
    if d.get("configured_unavailable"):
        out = [Fact("configured cluster", f"{conf}: unavailable as written "
                                          f"({d['configured_unavailable']})", 10)]
    else:
        out = [Fact("configured cluster", f"{conf}: ${d['configured_total_usd']:,.0f} a month, "
                                          f"${d['configured_total_12_months_usd']:,.0f} over "
                                          f"12 months", 10)]
    cheap = next((o for o in d["options"] if o["option"] == d["cheapest"]), None)
    if cheap is not None:
        saving = d["configured_total_usd"] - cheap["total_usd"]
        out.append(Fact("cheapest option", f"{cheap['label']}: ${cheap['total_usd']:,.0f} a month"
                        + (f", saves ${saving:,.0f} a month (${12 * saving:,.0f} a year)"
                           if saving > 0.5 else " (the configured cluster)"), 10))
    return tuple(out)


def _cost_view(d: Mapping[str, Any]) -> View:
    metrics = [o["option"] for o in d["options"]] + ["configured_12_months"]
    return View(
        labels={m: _EXTRA_LABELS.get(m) or _option_label(m) for m in metrics},
        best=d["cheapest"],
        text_lines=(f"cheapest option: {_cheapest_label(d)} (prices {d['region']}, as of "
                    f"{d['price_book_as_of']}, {d['price_source']})",),
        lines=(_configured_line(d),), facts=_cost_facts(d),
        dated=(Dated(what=f"prices {d['region']}", as_of=str(d["price_book_as_of"]),
                     source=d["price_source"]),),
        tables=tuple(bill_table(b) for b in d["bills"]), tables_heading="Bill, line by line",
        report_heading="Bills, line by line",
        footer=("(every option's lines: --format json, or `estimate --format csv --bill`)",))


COST = Section(
    name="cost", title="Monthly cost", run=_cost, rows=_cost_rows, view=_cost_view,
    consumes=("workload", "serverless"), run_batch=_cost_batch,
    declares=(CostOptions, BillingKeys, ReservedKeys, DateKeys),
    collects_bill_lines=True,
    assumptions=("billing", "pricing", "serverless", "units"), place=50,
    outputs=(Output("bill_{}", ("options", ("option", "{}"), "total_usd"), "USD/month",
                    each=("options", "option"), label=lambda option: "monthly bill, "
                    + _option_label(option)),),
    json="`region, price_book_as_of, price_source, cheapest` (the cheapest complete bill, or "
         "null), `configured, configured_total_usd, configured_total_12_months_usd, "
         "configured_unavailable, missing, demand_draws, note`; `options`: list sorted by "
         "`total_usd` (complete bills first) of `{option, label, instance_classes, "
         "reserved_term, acu_hours, compute_usd, storage_usd, io_usd, backup_usd, "
         "replicated_io_usd, secondary_usd, transfer_usd, other_usd, total_usd, "
         "total_12_months_usd, total_usd_mean, total_usd_ci_low, total_usd_ci_high, "
         "configured, cheapest, complete, missing, unavailable}`; `bills`: the same options, "
         "each `{option, label, configured, cheapest, reserved_term, instance_classes, lines, "
         "missing, unavailable, total_usd, total_12_months_usd}` with `lines` of `{option, "
         "region, line, id, quantity, unit, unit_price_usd, amount_usd, amount_12_months_usd, "
         "component}` (see \"The bill\"; `id` is stable: a diff pairs lines by option, region "
         "and id). Option ids never change: `serverless_standard, serverless_io_optimized, "
         "provisioned_standard, provisioned_io_optimized, provisioned_reserved, "
         "provisioned_writer_serverless_readers` (the last only with readers). `total_usd` "
         "and its parts are the bill of the seeded demand draw; `total_usd_mean` and the 95 % "
         "range `mean -/+ 1.96 sd` are over `demand_draws` (10) seeded draws of the same "
         "workload (demand noise only: the per-operation CPU and I/O numbers are assumptions "
         "and are not sampled). A registered family may add lines to every option's bill "
         "(`Section.bill_lines`): they count in the totals and the cheapest option")

def _option_label(option: str) -> str:
    return OPTION_LABELS.get(option, option)


@dataclass(frozen=True, kw_only=True)
class CommitmentsResult(SectionResult):
    """Reserved terms side by side and the Database Savings Plan of the configured cluster
    (:func:`~aurora_models.billing.reserved_terms`,
    :func:`~aurora_models.billing.savings_plan_commitment`)."""

    region: str
    configured: str
    capacity: str
    reserved_terms: list[dict[str, Any]]
    savings_plan: dict[str, Any]
    note: str


def _commitments(ctx: Context) -> CommitmentsResult:
    s = ctx.scenario
    cost = cast(CostResult, ctx["cost"])
    cap = cast(CapacityResult, ctx["serverless"])
    usage = _usage(s, cast(WorkloadResult, ctx["workload"]).series, cap)
    price_file = s["pricing"]["offer_file"]
    terms = reserved_terms(usage, price_file=price_file)
    bill = next(b for b in cost.bills if b["configured"])
    sims = cap.simulations
    w, r = sims.get("writer"), sims.get("reader")
    plan = savings_plan_commitment(
        usage, bill, writer_acu=None if w is None else w.capacity_acu,
        reader_acu=None if r is None else r.capacity_acu,
        step_s=cast(WorkloadResult, ctx["workload"]).step_s if w is not None else None)
    return CommitmentsResult(
        region=usage.region, configured=cost.configured, capacity=usage.capacity,
        reserved_terms=terms.to_dict("records"), savings_plan=plan,
        note=("reserved_terms: per instance except `instances` and `saving_usd_per_month`; "
              "effective_hourly_usd = upfront_usd / term hours + recurring_hourly_usd (8,760 "
              "hours a year); savings_plan: the commitment minimising the expected cost of the "
              "configured bill's eligible compute, the d-quantile of its hourly on-demand "
              "spend (commitment_usd_per_hour, on-demand equivalent; AWS's plan commitment is "
              "plan_commitment_usd_per_hour = (1 - d) x)"))


_TERMS_HEAD = ("region", "term, instances", "upfront", "recurring/h", "effective/h", "a month",
               "the term", "saved a month", "saving")


def _terms_table(d: Mapping[str, Any]) -> LineTable:
    rows = tuple((t["region"], f"{t['term']}, {t['instances']} x {t['instance_class']}",
                  usd(t["upfront_usd"]), f"${t['recurring_hourly_usd']:.4f}",
                  f"${t['effective_hourly_usd']:.4f}", usd(t["monthly_usd"]),
                  usd(t["term_total_usd"]), usd(t["saving_usd_per_month"]),
                  f"{t['saving_share']:.0%}")
                 for t in d["reserved_terms"])
    what = " (a what-if: the cluster is Serverless v2)" if d["capacity"] == "serverless" else ""
    return LineTable(title=f"Reserved terms, per instance{what}", head=_TERMS_HEAD, rows=rows,
                     summary=f"Reserved terms: {len(rows)} rows",
                     right=frozenset({2, 3, 4, 5, 6, 7}), numeric=frozenset({2, 3, 4, 5, 6, 7, 8}),
                     wrap=1, shown=True)


def _plan_line(p: Mapping[str, Any]) -> str:
    if not p["eligible"]:
        why = "; ".join(p["excluded"]) or "no eligible compute"
        return f"Database Savings Plan: the configured compute is not covered ({why})"
    return (f"Database Savings Plan ({p['term']}, ASSUMPTION {p['discount']:.0%} off "
            f"{p['usage_type']} usage): commit ${p['plan_commitment_usd_per_hour']:,.2f}/hour "
            f"(${p['commitment_usd_per_hour']:,.2f}/hour of on-demand spend, the "
            f"{p['discount']:.0%} quantile of the hourly spend); eligible compute "
            f"{usd(p['monthly_cost_usd'])}/month instead of {usd(p['on_demand_monthly_usd'])} "
            f"on demand: saves {usd(p['saving_vs_none_usd_per_month'])}/month, "
            f"{usd(p['saving_vs_mean_usd_per_month'])}/month more than committing at the mean")


def _terms_line(d: Mapping[str, Any]) -> str:
    rows = [t for t in d["reserved_terms"] if t["role"] == "writer and readers"]
    if not rows:
        return "reserved terms: the configured class has no price in the data"
    best = max(rows, key=lambda t: t["saving_usd_per_month"])
    src = "the offer file" if rows[0]["source"].startswith("offer file") else \
        "the registered discounts, assumptions"
    return (f"reserved terms of {rows[0]['instance_class']} ({src}): {best['term']} saves the "
            f"most, {usd(best['saving_usd_per_month'])}/month for "
            f"{best['instances']} instance{'s' if best['instances'] != 1 else ''}")


def _commitments_view(d: Mapping[str, Any]) -> View:
    p = d["savings_plan"]
    facts: tuple[Fact, ...] = ()
    if p["eligible"]:
        facts = (Fact("Savings Plan", f"commit ${p['plan_commitment_usd_per_hour']:,.2f}/hour "
                      f"(1 year): saves {usd(p['saving_vs_none_usd_per_month'])} a month on "
                      f"eligible compute (ASSUMPTION: {p['discount']:.0%} discount)", 30),)
    return View(lines=(_plan_line(p), _terms_line(d)), facts=facts,
                tables=(_terms_table(d),), tables_heading="Commitments",
                report_heading="Commitments")


COMMITMENTS = Section(
    name="commitments", title="Commitments", run=_commitments, view=_commitments_view,
    consumes=("workload", "serverless", "cost"), assumptions=("billing", "pricing"),
    place=55,
    json="`region, configured, capacity, note`; `reserved_terms`: one row per region, class and "
         "term of `{role, region, instance_class, instances, term, upfront_usd, "
         "recurring_hourly_usd, effective_hourly_usd, on_demand_hourly_usd, monthly_usd, "
         "term_total_usd, saving_share, saving_usd_per_month, source}` (per instance except "
         "`instances` and `saving_usd_per_month`; `source` says whether the offer file, the "
         "scenario or a registered discount priced it); `savings_plan`: `{term, usage_type, "
         "discount, discount_source, covered, excluded, eligible}` and, when eligible, "
         "`commitment_usd_per_hour` (the optimum x*, on-demand equivalent: the d-quantile of "
         "the configured bill's hourly eligible compute spend), "
         "`plan_commitment_usd_per_hour` (AWS's commitment, (1 - d) x*), "
         "`commitment_standard_error, method, expected_cost_usd_per_hour, "
         "on_demand_usd_per_hour, at_mean_cost_usd_per_hour, saving_vs_none_usd_per_month, "
         "saving_vs_mean_usd_per_month, coverage, hours, monthly_cost_usd, "
         "on_demand_monthly_usd`")


#: In registry order (which orders the declared keys in a table: the ACU range, then the
#: demand, then the bill's keys); the JSON document orders sections by ``place``.
SECTIONS = (CAPACITY, WORKLOAD, COST, COMMITMENTS)
