"""The year and right-sizing sections: the month-by-month bill with its storage policy, and the
configured classes' utilisation with the cheapest class that holds the event peak."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .. import pricing
from .._section import Context, Fact, LineTable, Row, Section, SectionResult, View
from ..availability import readers_needed, workers_per_reader
from ..billing import Usage
from ..serverless._section import _added, _routed, _usage, demand_model
from ..serverless._split import writer_reader_factors
from ._params import YearKeys, projection_months
from ._rightsize import right_size
from ._year import month_usages, year_plan

__all__ = ["RIGHTSIZING", "SECTIONS", "YEAR", "RightSizingResult", "YearResult"]

#: The Usage fields a month's season changes (everything but the volume and its growth).
_SEASONAL = tuple(f.name for f in fields(Usage)
                  if f.name not in ("volume_gib", "storage_growth_gib_per_month"))
_CONFIG_LABEL = {"standard": "Standard", "io-optimized": "I/O-Optimized"}
_SHORT = {"standard": "Std", "io-optimized": "I/O-Opt"}


@dataclass(frozen=True, kw_only=True)
class YearResult(SectionResult):
    """The month-by-month bill of the configured capacity on both storage configurations, the
    cheapest switching policy under the 30-day rule, and the totals it is compared with."""

    months: list[dict[str, Any]]
    capacity: str
    configured_storage: str
    growth_gib_per_month: float
    seasonal: bool
    configured_usd: float
    always_standard_usd: float
    always_io_optimized_usd: float | None
    policy_usd: float
    policy_switches: int
    missing: list[str]
    note: str


def _scaled_series(dm, series, k: float) -> dict[str, np.ndarray]:
    rates = {**series, "writes_per_s": series["writes_per_s"] * k,
             "reads_per_s": series["reads_per_s"] * k}
    return {**rates, **dm.loads(rates)}


def _year(ctx: Context) -> YearResult:
    s = ctx.scenario
    series = ctx["workload"].series  # type: ignore[attr-defined]  # a WorkloadResult
    usage = _usage(s, series, ctx["serverless"])
    added = _added(ctx.results, usage)
    dm = demand_model(s)
    seasonality = tuple(s["workload"]["seasonality"])

    def consumption_at(k: float) -> dict[str, Any]:
        if k == 1.0:  # the estimate's own draw and capacity: the cost section's month
            return {}
        # the season's demand, its capacity simulated again (a Serverless floor, the scale-up
        # lag and the readers' split do not scale with the demand)
        u = _usage(s, _scaled_series(dm, series, k))
        return {f: getattr(u, f) for f in _SEASONAL}

    n = projection_months(s["scenario"]["horizon_hours"])
    usages = month_usages(usage, months=n, seasonality=seasonality,
                          consumption_at=consumption_at)
    plan = year_plan(usages, seasonality=seasonality,
                     days_since_switch=s["cluster"]["io_optimized_switched_days_ago"],
                     price_file=s["pricing"]["offer_file"], added=added)
    f = plan.months
    if f.attrs.get("missing"):
        ctx.notes.append("the year's bills leave out what the price data lacks: "
                         + "; ".join(f.attrs["missing"]))
    configured = "io_optimized_usd" if usage.storage == "io-optimized" else "standard_usd"
    p = plan.policy
    return YearResult(
        months=[{str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in f.to_dict("records")],
        capacity=plan.capacity, configured_storage=usage.storage,
        growth_gib_per_month=usage.storage_growth_gib_per_month, seasonal=bool(seasonality),
        configured_usd=float(f[configured].sum()), always_standard_usd=p.always_standard_usd,
        always_io_optimized_usd=p.always_io_optimized_usd, policy_usd=p.total_usd,
        policy_switches=p.switches_to_io_optimized, missing=list(f.attrs.get("missing", [])),
        note=("730-hour months; each month bills its average volume (growth "
              f"{usage.storage_growth_gib_per_month:g} GiB/month) and its season's demand "
              "(`workload.seasonality`, the capacity simulated again); the policy switches "
              "at month starts, one switch to I/O-Optimized every 30 days"))


def _months_text(configs) -> str:
    """``Standard in months 1-6, I/O-Optimized in 7-12``."""
    runs: list[list] = []
    for m, c in enumerate(configs, start=1):
        if runs and runs[-1][0] == c:
            runs[-1][2] = m
        else:
            runs.append([c, m, m])
    parts = []
    for c, a, b in runs:
        span = f"{a}" if a == b else f"{a}-{b}"
        parts.append(f"{_CONFIG_LABEL[c]} in month{'s' if a != b else ''} {span}")
    return ", ".join(parts)


def _year_rows(d) -> list[Row]:
    n = len(d["months"])
    unit = f"USD/{n} months" if n != 1 else "USD/month"
    rows = [Row("year", "configured", d["configured_usd"], None, None, unit),
            Row("year", "always_standard", d["always_standard_usd"], None, None, unit)]
    if d["always_io_optimized_usd"] is not None:
        rows.append(Row("year", "always_io_optimized", d["always_io_optimized_usd"], None, None,
                        unit))
    rows.append(Row("year", "policy", d["policy_usd"], None, None, unit))
    return rows


def _money(x) -> str:
    return "n/a" if x is None else f"${x:,.0f}"


def _year_view(d: Mapping[str, Any]) -> View:
    n = len(d["months"])
    configs = [m["policy"] for m in d["months"]]
    k = d["policy_switches"]
    fixed = [x for x in (d["always_standard_usd"], d["always_io_optimized_usd"]) if x is not None]
    saving = min(fixed) - d["policy_usd"]
    policy = (f"storage policy over {n} months: {_months_text(configs)} "
              f"({k} switch{'es' if k != 1 else ''} to I/O-Optimized), "
              + (f"saves {_money(saving)} against the better fixed configuration"
                 if saving > 0.5 else "the better fixed configuration throughout")
              + (f" (incomplete: {len(d['missing'])} dimension"
                 f"{'s' if len(d['missing']) != 1 else ''} not priced)"
                 if d.get("missing") else ""))
    table = LineTable(
        title=(f"The year, month by month ({d['capacity']}): month, average volume GiB, demand "
               f"multiple, the bill on Standard and on I/O-Optimized, the policy's choice"),
        head=("month", "volume GiB", "demand x", "Standard", "I/O-Optimized", "policy"),
        rows=tuple((str(m["month"]), f"{m['volume_gib']:,.1f}", f"{m['demand_multiplier']:g}",
                    f"${m['standard_usd']:,.0f}", f"${m['io_optimized_usd']:,.0f}",
                    _SHORT[m["policy"]]) for m in d["months"]),
        summary=f"the year, month by month: {_money(d['policy_usd'])} with the policy",
        right=frozenset({0, 1, 2, 3, 4}), numeric=frozenset({0, 1, 2, 3, 4}), shown=True)
    return View(
        labels={"configured": f"configured storage ({_CONFIG_LABEL[d['configured_storage']]}), "
                              f"{n} months",
                "always_standard": f"always Standard, {n} months",
                "always_io_optimized": f"always I/O-Optimized, {n} months",
                "policy": f"switching policy ({k} switch{'es' if k != 1 else ''}), {n} months"},
        lines=(policy,),
        facts=(Fact("the year", f"{_money(d['policy_usd'])} over {n} months with the storage "
                                f"policy ({_months_text(configs)})", 20),),
        tables=(table,), tables_heading="The year, month by month",
        report_heading="The year, month by month")


YEAR = Section(
    name="year", title="The year, month by month", run=_year, rows=_year_rows, view=_year_view,
    consumes=("workload", "serverless", "cost"), declares=(YearKeys,),
    assumptions=("billing", "pricing"), place=55,
    json="`months`: one row per 730-hour month (`month, volume_gib, demand_multiplier, "
         "standard_usd, io_optimized_usd, policy, policy_usd`: the configured capacity's bill "
         "on each storage configuration and the policy's); `capacity, configured_storage, "
         "growth_gib_per_month, seasonal`; the totals `configured_usd, always_standard_usd, "
         "always_io_optimized_usd` (null when the 30-day rule bars switching at the start), "
         "`policy_usd, policy_switches`; `missing` (dimensions the price data lacks: the "
         "totals leave them out); `note`")


@dataclass(frozen=True, kw_only=True)
class RightSizingResult(SectionResult):
    """Each instance role's utilisation at the daily and event peak, and the cheapest class
    that holds its event peak with the headroom."""

    region: str
    capacity: str
    headroom: float
    roles: list[dict[str, Any]]


def _role_demands(s, series) -> list[tuple[str, np.ndarray, float, int]]:
    """``(role, ACU demand series, share of the reads, instances)`` of the writer, each
    primary reader and each serving secondary's instances: the capacity section's split."""
    replicas = s["cluster"]["replicas"]
    primary_share, secondaries = _routed(s)
    writer_factor, reader_factor, reads = writer_reader_factors(series, replicas, primary_share)
    base = s["workload"]["reader_base_acu"]
    out = [("writer", series["acu"] * writer_factor, 0.0, 1)]
    if replicas:
        out.append(("each reader", series["acu"] * reader_factor / replicas + base,
                    primary_share, replicas))
    for region, share, n in secondaries:
        out.append((f"each {region} instance", series["acu"] * (reads * share / n) + base,
                    share, n))
    return out


def _read_objective(s, reads_per_s: float, count: int, configured: str | None):
    """``class -> bool``: readers of that class meet the read latency objective at
    ``reads_per_s`` with no more readers than ``count`` or, if it needs more, than the
    configured class needs (the readers section's model)."""
    wl = s["workload"]

    def needed(cls: str) -> int | None:
        try:
            return readers_needed(reads_per_s, wl["read_service_time_ms"],
                                  wl["read_latency_objective_ms"],
                                  workers_per_reader=workers_per_reader(
                                      "provisioned", instance_class=cls),
                                  objective=wl["read_objective"])
        except ValueError:  # no count up to 15 meets it with this class
            return None

    allowed = count
    if configured is not None:
        n0 = needed(configured)
        allowed = max(count, n0) if n0 is not None else 15
    return lambda cls: (n := needed(cls)) is not None and n <= allowed


def _rightsizing(ctx: Context) -> RightSizingResult:
    s = ctx.scenario
    cl, pr = s["cluster"], s["pricing"]
    series = ctx["workload"].series  # type: ignore[attr-defined]  # a WorkloadResult
    region = pr["region"] or s["regions"]["primary"]
    engine = f"aurora-{cl['engine']}"
    path = pr["offer_file"]
    books: dict[str, Any] = {}

    def book(r: str):
        if r not in books:
            books[r] = (pricing.load(r, engine=engine) if path is None
                        else pricing.load(r, engine=engine, path=path, missing_ok=True))
        return books[r]

    daily = ~series["in_event"]
    io_opt = cl["storage"] == "io-optimized"
    roles = []
    secondary_class = s["regions"]["secondary_instance_class"]
    event_reads = ctx["workload"].event_peak_reads_per_s  # type: ignore[attr-defined]
    for role, demand, share, count in _role_demands(s, series):
        r = region
        cls = cl["instance_class"] if cl["capacity"] == "provisioned" else None
        if role.startswith("each ") and role.endswith(" instance"):
            r = role[len("each "):-len(" instance")]
            if cls is not None and secondary_class is not None:
                i = list(s["regions"]["secondaries"]).index(r)
                cls = (secondary_class[i] if isinstance(secondary_class, list | tuple)
                       else secondary_class)
        meets = (None if role == "writer"
                 else _read_objective(s, event_reads * share, count, cls))
        fit = right_size(role, float(demand[daily].max()) if daily.any() else 0.0,
                         float(demand.max()), book=book(r), instance_class=cls,
                         max_acu=cl["max_acu"], headroom=pr["headroom"], io_optimized=io_opt,
                         meets=meets)
        roles.append({"region": r, **{f.name: getattr(fit, f.name) for f in fields(fit)},
                      "saving_usd_month": fit.saving_usd_month})
    for x in roles:
        if x["event_utilisation"] > 1.0:
            ctx.notes.append(f"{x['role']}: the event peak ({x['event_peak_acu']:.4g} ACU) is "
                             f"above the configured {x['configured']}'s "
                             f"{x['capacity_acu']:g} ACU")
    return RightSizingResult(region=region, capacity=cl["capacity"], headroom=pr["headroom"],
                             roles=roles)


def _slug(role: str) -> str:
    return role.replace("each ", "").replace(" ", "_")


def _rightsizing_rows(d) -> list[Row]:
    rows = []
    for x in d["roles"]:
        key = _slug(x["role"])
        rows += [Row("rightsizing", f"{key}_daily_utilisation", x["daily_utilisation"], None,
                     None, "fraction"),
                 Row("rightsizing", f"{key}_event_utilisation", x["event_utilisation"], None,
                     None, "fraction")]
    return rows


def _rightsizing_view(d: Mapping[str, Any]) -> View:
    labels, lines = {}, []
    for x in d["roles"]:
        key, what = _slug(x["role"]), f"{x['configured']} ({x['capacity_acu']:g} ACU)"
        labels[f"{key}_daily_utilisation"] = f"{x['role']}: utilisation of {what}, daily peak"
        labels[f"{key}_event_utilisation"] = f"{x['role']}: utilisation of {what}, event peak"
        if x["suggested"] is None:
            lines.append(f"right-sizing, {x['role']}: no class the region sells holds the event peak of "
                         f"{x['event_peak_acu']:.4g} ACU with {d['headroom']:.0%} headroom")
        elif x["configured"] == "Serverless v2":
            lines.append(f"right-sizing, {x['role']}: peaks at {x['event_peak_acu']:.4g} ACU, "
                         f"{x['event_utilisation']:.0%} of max_acu {x['capacity_acu']:g}; a "
                         f"provisioned instance would need {x['suggested']} "
                         f"({x['suggested_capacity_acu']:g} ACU) with {d['headroom']:.0%} "
                         f"headroom")
        elif x["configured"] == x["suggested"]:
            lines.append(f"right-sizing, {x['role']}: {x['configured']} is already the cheapest class that "
                         f"holds the event peak with {d['headroom']:.0%} headroom"
                         + ("" if x["role"] == "writer" else " and the read objective"))
        else:
            save = x["saving_usd_month"]
            lines.append(f"right-sizing, {x['role']}: {x['suggested']} ({x['suggested_capacity_acu']:g} ACU) "
                         f"holds the event peak of {x['event_peak_acu']:.4g} ACU with "
                         f"{d['headroom']:.0%} headroom"
                         + ("" if x["role"] == "writer" else " and the read objective")
                         + (f", {'saving' if save >= 0 else 'adding'} "
                            f"${abs(save):,.0f} a month on demand" if save is not None else ""))
    table = LineTable(
        title="Right-sizing (ACU-equivalents: memory / 2 GiB, vCPU / 0.25)",
        head=("role", "configured", "ACU", "daily", "event", "suggested"),
        rows=tuple((x["role"], x["configured"], f"{x['capacity_acu']:g}",
                    f"{x['daily_utilisation']:.0%}", f"{x['event_utilisation']:.0%}",
                    x["suggested"] or "none fits") for x in d["roles"]),
        summary="right-sizing: utilisation at the daily and event peak, per role",
        right=frozenset({2, 3, 4}), numeric=frozenset({2, 3, 4}), wrap=0, shown=False)
    return View(labels=labels, lines=tuple(lines),
                facts=tuple(Fact("right-sizing", line.removeprefix("right-sizing, "), 60)
                            for line in lines[:1]),
                tables=(table,))


RIGHTSIZING = Section(
    name="rightsizing", title="Right-sizing", run=_rightsizing, rows=_rightsizing_rows,
    view=_rightsizing_view, consumes=("workload",), assumptions=("serverless", "pricing"),
    place=65,
    json="`region, capacity, headroom`; `roles`: one per instance role (`role, region, "
         "configured, capacity_acu, daily_peak_acu, event_peak_acu, daily_utilisation, "
         "event_utilisation, suggested, suggested_capacity_acu, configured_usd_month, "
         "suggested_usd_month, saving_usd_month`): the configured class (or Serverless v2 at "
         "`max_acu`) against the demand, and the cheapest class holding the event peak with "
         "the headroom (null: none does)")

SECTIONS = (YEAR, RIGHTSIZING)
