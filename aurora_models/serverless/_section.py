"""Scenario sections of the Serverless v2 family: demand, capacity profile, monthly bill."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._section import Context, Row, Section, SectionResult

__all__ = ["CAPACITY", "COST", "WORKLOAD", "CapacityProfile", "CostResult", "WorkloadResult",
           "demand_model"]

#: Seeded demand draws the monthly cost is computed over (its spread is reported).
COST_DRAWS = 10


def demand_model(scenario):
    """The scenario's :class:`DemandModel` (``[workload]`` keys and ``cluster.acu_per_vcpu``)."""
    from ._demand_model import DemandModel

    keys = {k: p.scenario.partition(".") for k, p in DemandModel.__params__.items()}
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
    series: dict = field(repr=False)


def _workload(ctx: Context) -> WorkloadResult:
    dm = demand_model(ctx.scenario)
    d = dm.series(rng=ctx.stream(0))
    daily = ~d["in_event"]
    return WorkloadResult(
        source=dm.source, days=dm.days, step_s=dm.step_s,
        daily_peak_writes_per_s=float(d["writes_per_s"][daily].max()),
        daily_peak_reads_per_s=float(d["reads_per_s"][daily].max()),
        event_peak_writes_per_s=float(d["writes_per_s"].max()),
        event_peak_reads_per_s=float(d["reads_per_s"].max()),
        mean_writes_per_s=float(d["writes_per_s"].mean()),
        mean_reads_per_s=float(d["reads_per_s"].mean()),
        io_millions_per_month=dm.io_millions_per_month(d)[0], series=d)


WORKLOAD = Section("workload", "Workload", _workload)


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


def _policy(scenario):
    from ._policy import ScalingPolicy

    cl = scenario["cluster"]
    return ScalingPolicy(min_acu=cl["min_acu"], max_acu=cl["max_acu"])


def _capacity(ctx: Context) -> CapacityResult:
    from ._simulate import simulate_capacity

    cl, wl = ctx.scenario["cluster"], ctx["workload"]
    d, step, replicas = wl.series, wl.step_s, cl["replicas"]
    month = demand_model(ctx.scenario).months_per_series(d)
    policy = _policy(ctx.scenario)
    share = read_share(d, replicas)
    cap_w = simulate_capacity(d["acu"] * (1.0 - share), policy, step_s=step)
    cap_r = (simulate_capacity(d["acu"] * share / replicas, policy, step_s=step)
             if replicas else None)

    def profile(c):
        if c is None:
            return None
        return CapacityProfile(
            peak_demand_acu=float(c.demand_acu.max()),
            peak_capacity_acu=float(c.capacity_acu.max()),
            mean_capacity_acu=float(c.mean_acu), acu_hours_per_month=float(c.acu_hours * month),
            under_provisioned_s_per_month=float(c.under_provisioned_s * month),
            shortfall_share_of_demand=float(
                c.under_provisioned_acu_s / max(c.demand_acu.sum() * c.step_s, 1e-300)),
            capped_at_max_acu=bool(c.demand_acu.max() > cl["max_acu"]))

    for role, c in (("writer", cap_w), ("each reader", cap_r)):
        if c is not None and c.demand_acu.max() > cl["max_acu"]:
            ctx.notes.append(f"{role} demand peaks at {c.demand_acu.max():.4g} ACU, above "
                             f"max_acu = {cl['max_acu']:g}: raise max_acu or add readers")
    return CapacityResult(
        min_acu=cl["min_acu"], max_acu=cl["max_acu"], instances=1 + replicas, read_share=share,
        writer=profile(cap_w), reader_each=profile(cap_r),
        cluster_acu_hours_per_month=float(
            (cap_w.acu_hours + (cap_r.acu_hours * replicas if cap_r else 0.0)) * month),
        simulations={"writer": cap_w, "reader": cap_r})


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
                         p["shortfall_share_of_demand"], None, None, "fraction")]
    return rows


CAPACITY = Section("serverless", "Serverless v2 capacity", _capacity, _capacity_rows,
                   consumes=("workload",))


@dataclass(frozen=True, kw_only=True)
class CostResult(SectionResult):
    """The monthly bill per option, cheapest first, with its spread over demand draws."""

    region: str
    price_book_as_of: str
    options: list[dict[str, Any]]
    cheapest: str
    configured: str
    configured_total_usd: float
    demand_draws: int
    note: str


def _cost(ctx: Context) -> CostResult:
    from .. import pricing
    from .._rng import spawn_seeds
    from ._cost import monthly_cost

    s = ctx.scenario
    cl, reg, pr = s["cluster"], s["regions"], s["pricing"]
    dm, policy = demand_model(s), _policy(s)
    pb_region = pr["region"] or reg["primary"]
    pb = pricing.load(pb_region, engine=cl["engine"])
    options = ["serverless_standard", "serverless_io_optimized", "provisioned",
               "provisioned_reserved"]
    if cl["replicas"]:
        options.append("provisioned_writer_serverless_readers")

    def bill_of(d):
        io, w_io = dm.io_millions_per_month(d)
        return monthly_cost(
            d["acu"], pb, step_s=dm.step_s, policy=policy, storage_gib=cl["volume_gib"],
            io_millions_per_month=io, replicated_write_io_millions_per_month=w_io,
            n_secondary_regions=len(reg["secondaries"]), n_readers=cl["replicas"],
            read_share=read_share(d, cl["replicas"]), options=options,
            headroom=pr["headroom"], reserved_discount=pr["reserved_discount"])

    bill = bill_of(ctx["workload"].series).sort_values("total_usd", kind="stable")
    # The bill of other demand draws (same assumptions, other noise): its spread over
    # COST_DRAWS draws, the first being the draw above.
    totals = np.array([bill["total_usd"].to_numpy()]
                      + [bill_of(dm.series(rng=seed)).loc[bill.index, "total_usd"].to_numpy()
                         for seed in spawn_seeds(ctx.stream(4), COST_DRAWS - 1)])
    t_mean, t_sd = totals.mean(axis=0), totals.std(axis=0, ddof=1)
    rows = [{"option": str(opt), **{k: (str(v) if k == "instance_classes" else float(v))
                                    for k, v in row.items()},
             "total_usd_mean": float(t_mean[i]),
             "total_usd_ci_low": float(t_mean[i] - 1.96 * t_sd[i]),
             "total_usd_ci_high": float(t_mean[i] + 1.96 * t_sd[i])}
            for i, (opt, row) in enumerate(bill.iterrows())]
    cheapest = rows[0]["option"]
    for r in rows:
        r["cheapest"] = r["option"] == cheapest
    current = ("serverless_io_optimized" if cl["storage"] == "io-optimized"
               else "serverless_standard") if cl["capacity"] == "serverless" else "provisioned"
    return CostResult(
        region=pb_region, price_book_as_of=pb.as_of, options=rows, cheapest=cheapest,
        configured=current, configured_total_usd=float(bill.loc[current, "total_usd"]),
        demand_draws=COST_DRAWS,
        note=(f"primary-region cluster; total_usd is the bill of the seeded demand draw, "
              f"total_usd_ci_low/high the 95 % range of a month's bill over {COST_DRAWS} demand "
              f"draws (demand noise only: the per-operation CPU and I/O assumptions are not "
              f"sampled); Global Database secondaries add replicated write I/O here, not their "
              f"own instances or storage"))


def _cost_rows(d) -> list[Row]:
    # The metric is the option's id (stable for joins); renderers show its label.
    return [Row("cost", r["option"], r["total_usd"], r["total_usd_ci_low"],
                r["total_usd_ci_high"], "USD/month") for r in d["options"]]


COST = Section("cost", "Monthly cost", _cost, _cost_rows, consumes=("workload", "serverless"))
