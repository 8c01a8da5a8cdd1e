"""The "beyond one writer" section: the writer's demand against one writer's limits, and the
Aurora Limitless Database and Aurora DSQL options it prices when one writer cannot serve it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from .. import pricing
from .._format import value_text
from .._section import AddedLine, Context, Fact, Row, Section, SectionResult, View
from ..billing import backup_billed_gib
from ..global_db._routing import routing_of
from ..pricing import MissingPriceError
from ..serverless._split import writer_reader_factors
from ._limits import writer_limit
from ._params import LIMITLESS_MAX_ACU, ScaleOut
from ._sizing import dsql_rates, dsql_usage, size_shard_group

__all__ = ["SCALEOUT", "SECTIONS", "ScaleOutResult"]

LIMITLESS, DSQL = "aurora_limitless", "aurora_dsql"


class _Load(Protocol):
    """What this section reads of the workload section's result (no import of its family)."""

    series: dict
    mean_writes_per_s: float
    mean_reads_per_s: float


@dataclass(frozen=True, kw_only=True)
class ScaleOutResult(SectionResult):
    """The writer's demand against one writer, and the scale-out options' lines (when priced)."""

    region: str
    engine: str
    writer: dict[str, Any]
    one_writer_serves: bool
    shown: bool
    why: str
    migration: bool
    limitless: dict[str, Any] | None
    dsql: dict[str, Any] | None
    lines: list[dict[str, Any]]
    note: str


def _price(get) -> float | None:
    try:
        return float(get())
    except MissingPriceError:
        return None


def _line(option: str, line_id: str, region: str, text: str, quantity: float, unit: str,
          price: float | None, component: str) -> dict[str, Any]:
    return {"option": option, "id": line_id, "region": region, "line": text,
            "quantity": float(quantity), "unit": unit, "unit_price_usd": price,
            "component": component}


def _total(lines, option: str) -> float | None:
    mine = [li for li in lines if li["option"] == option]
    if any(li["unit_price_usd"] is None for li in mine):
        return None
    return float(sum(li["quantity"] * li["unit_price_usd"] for li in mine))


def _run(ctx: Context) -> ScaleOutResult:
    s = ctx.scenario
    cl, reg, pr = s["cluster"], s["regions"], s["pricing"]
    load = cast(_Load, ctx["workload"])  # the results are keyed by section name
    # everything the section may use is read whether or not it prices the options, so an
    # analysis' plan holds for every vector (a vector may cross one writer's limit)
    so = {k: s["scaleout"][k] for k in ("options", "limitless_compute_redundancy",
                                        "limitless_acu_price_ratio",
                                        "dsql_dpus_per_transaction")}
    keys = {"headroom": pr["headroom"], "volume_gib": cl["volume_gib"],
            "growth": cl["storage_growth_gib_per_month"],
            "retention": cl["backup_retention_days"],
            "change": cl["backup_change_rate_per_day"],
            "writes": load.mean_writes_per_s, "reads": load.mean_reads_per_s}
    region = pr["region"] or reg["primary"]
    engine = f"aurora-{cl['engine']}"
    d = load.series
    # the writer's demand as the capacity section has it (its share of the cluster's demand)
    wf = writer_reader_factors(d, cl["replicas"], routing_of(s).share_of(reg["primary"]))[0]
    writer = d["acu"] * wf
    daily = ~d["in_event"]
    pb_own = pricing.load(region, engine=engine)
    lim = writer_limit(float(writer[daily].max()) if daily.any() else float(writer.max()),
                       float(writer.max()), pb_own)
    # one writer serves the event peak: within the largest class and, for a Serverless v2
    # cluster, within what one Serverless v2 instance scales to
    serves = lim.one_writer_serves("event") and not (
        cl["capacity"] == "serverless" and lim.excess_acu("event", "serverless") > 0)
    mode = so["options"]
    shown = mode == "always" or (mode == "auto" and not serves)
    why = {"never": "scaleout.options = never",
           "always": "scaleout.options = always"}.get(
        mode, "one writer cannot serve the event peak" if not serves
        else "one writer serves the writer's demand")
    for at, label in (("daily", "daily peak"), ("event", "event peak")):
        peak = lim.daily_peak_acu if at == "daily" else lim.event_peak_acu
        over = lim.excess_acu(at, "instance")
        if over > 0:
            ctx.notes.append(
                f"beyond one writer: the writer's demand at its {label} is {peak:.4g} ACU, "
                f"{over:.4g} ACU above the largest class ({lim.largest_class}, "
                f"{lim.largest_class_acu:g} ACU-equivalent): one writer cannot serve it")
        elif lim.excess_acu(at, "serverless") > 0:
            ctx.notes.append(
                f"beyond one Serverless v2 writer: the writer's demand at its {label} is "
                f"{peak:.4g} ACU, {lim.excess_acu(at, 'serverless'):.4g} ACU above the "
                f"{lim.serverless_max_acu:g} ACU of one Serverless v2 instance (a provisioned "
                f"{lim.largest_class} holds {lim.largest_class_acu:g})")
    migration = cl["engine"] != "postgresql"
    limitless = dsql = None
    lines: list[dict[str, Any]] = []
    if shown:
        lines, limitless, dsql = _options(so, keys, d["acu"], region, migration)
        limitless["monthly_usd"] = _total(lines, LIMITLESS)
        dsql["monthly_usd"] = _total(lines, DSQL)
        what = ("a migration from Aurora MySQL (both are PostgreSQL-compatible only; never "
                "marked the cheapest)" if migration else "PostgreSQL-compatible, as the cluster")
        ctx.notes.append(f"beyond one writer: Aurora Limitless Database and Aurora DSQL priced "
                         f"as estimates resting on their sizing assumptions; {what}")
    return ScaleOutResult(
        region=region, engine=engine, writer=lim.to_dict(), one_writer_serves=serves,
        shown=shown, why=why, migration=migration, limitless=limitless, dsql=dsql, lines=lines,
        note="the writer's demand is its share of the cluster's ACU demand in the seeded draw "
             "(the capacity section's split); one writer serves a peak within the largest "
             "class the region sells (ACU-equivalent: min(memory / 2 GiB, vCPUs / 0.25)) "
             "and within 256 ACU for Serverless v2. The scale-out options are estimates: "
             "Limitless's shard group follows the whole cluster's demand in the primary region "
             "(no scaling lag, demand spread evenly over its nodes), its ACU-hour rate an "
             "ASSUMPTION (the Serverless v2 I/O-Optimized rate times "
             "`scaleout.limitless_acu_price_ratio`); DSQL bills every request at "
             "`scaleout.dsql_dpus_per_transaction` DPUs; both single-Region (no Global "
             "Database secondaries), from the bundled price data (not an offer file), "
             "12 months at the first month's volume")


def _options(so, keys, demand_acu, region: str, migration: bool) -> tuple[list, dict, dict]:
    """The lines of both scale-out options, and their sizing."""
    tag = "; a migration from Aurora MySQL" if migration else ""
    volume = keys["volume_gib"] + keys["growth"] / 2.0
    # -- Aurora Limitless Database: the cluster's whole demand on one shard group ----------
    pb = pricing.load(region, engine="aurora-postgresql")
    redundancy = so["limitless_compute_redundancy"]
    ratio = so["limitless_acu_price_ratio"]
    g = size_shard_group(demand_acu, headroom=keys["headroom"], compute_redundancy=redundancy)
    acu_price = _price(lambda: pb.acu_hour_usd(io_optimized=True))
    standby = (f", {g.standby_shards} standby shard{'s' if g.standby_shards != 1 else ''}"
               if g.standby_shards else "")
    beyond = "" if g.within_limits else (f"; ABOVE the published {LIMITLESS_MAX_ACU:g} ACU "
                                         f"limit: contact AWS")
    lines = [
        _line(LIMITLESS, "limitless.compute", region,
              f"compute: shard group, {g.routers} routers + {g.shards} shards{standby} "
              f"({g.min_acu:g}-{g.max_acu:g} ACU{beyond}; ESTIMATE: rate ASSUMED the "
              f"Serverless v2 I/O-Optimized ACU-hour x {ratio:g}{tag})",
              g.acu_hours_per_month, "ACU-hours",
              None if acu_price is None else acu_price * ratio, "compute"),
        _line(LIMITLESS, "limitless.storage", region,
              "storage (I/O-Optimized: the only configuration Limitless supports)", volume,
              "GiB-months", _price(lambda: pb.storage_gb_month_usd(io_optimized=True)),
              "storage")]
    billed = backup_billed_gib(volume, keys["retention"], keys["change"])
    if billed > 0:
        lines.append(_line(LIMITLESS, "limitless.backup", region,
                           f"backup storage beyond the free allowance "
                           f"({keys['retention']}-day retention)", billed,
                           "GiB-months", _price(lambda: pb.backup_gb_month_usd), "backup"))
    limitless = {"max_acu": g.max_acu, "min_acu": g.min_acu, "routers": g.routers,
                 "shards": g.shards, "compute_redundancy": g.compute_redundancy,
                 "standby_shards": g.standby_shards, "peak_demand_acu": g.peak_demand_acu,
                 "mean_acu": g.mean_acu, "acu_hours_per_month": g.acu_hours_per_month,
                 "within_limits": g.within_limits, "acu_price_ratio": ratio,
                 "migration": migration}
    # -- Aurora DSQL: every request billed in DPUs ----------------------------------------
    dpt = so["dsql_dpus_per_transaction"]
    m = dsql_usage(keys["writes"], keys["reads"], dpus_per_transaction=dpt, volume_gib=volume)
    dpu_rate, gb_rate = dsql_rates(region)
    lines += [
        _line(DSQL, "dsql.dpu", region,
              f"DPUs: {m.transactions_per_month / 1e6:,.0f} million requests x {dpt:.3g} DPU "
              f"(ESTIMATE: DPUs per request ASSUMED{tag})", m.dpus_per_month / 1e6,
              "million DPUs", dpu_rate, "compute"),
        _line(DSQL, "dsql.storage", region, "storage (one logical copy)", m.storage_gb_months,
              "GB-months", gb_rate, "storage")]
    dsql = {"transactions_per_month": m.transactions_per_month,
            "dpus_per_month": m.dpus_per_month, "dpus_per_transaction": dpt,
            "storage_gb_months": m.storage_gb_months, "usd_per_million_dpus": dpu_rate,
            "usd_per_gb_month": gb_rate, "migration": migration}
    return lines, limitless, dsql


def _bill_lines(result: SectionResult, usage) -> list[AddedLine]:
    r = cast(ScaleOutResult, result)
    return [AddedLine(id=li["id"], region=li["region"], line=li["line"],
                      quantity=li["quantity"], unit=li["unit"],
                      unit_price_usd=li["unit_price_usd"], component=li["component"],
                      options=(li["option"],))
            for li in r.lines]


def _rows(d: Mapping[str, Any]) -> list[Row]:
    if not d["shown"]:
        return []
    w = d["writer"]
    rows = [Row("scaleout", "writer demand at the event peak",
                w["event_peak"]["writer_demand_acu"], None, None, "ACU"),
            Row("scaleout", f"one writer's limit ({w['largest_class']})",
                w["largest_class_acu"], None, None, "ACU")]
    if d["limitless"]:
        rows.append(Row("scaleout", "Limitless shard group maximum capacity",
                        d["limitless"]["max_acu"], None, None, "ACU"))
    return rows


def _usd(x) -> str:
    return "not priced (a rate is missing)" if x is None else f"${x:,.0f}/month"


def _view(d: Mapping[str, Any]) -> View:
    if not d["shown"]:
        return View()
    w, lim, dq = d["writer"], d["limitless"], d["dsql"]
    ev = w["event_peak"]
    head = (f"beyond one writer: the writer's demand peaks at "
            f"{value_text(ev['writer_demand_acu'], 'ACU')} at the event peak (one writer: "
            f"{w['largest_class']}, {w['largest_class_acu']:g} ACU-equivalent; Serverless v2: "
            f"{w['serverless_max_acu']:g} ACU)")
    mig = " (a migration from Aurora MySQL: never marked the cheapest)" if d["migration"] else ""
    lines = [head,
             f"Aurora Limitless Database (estimate{mig}): {lim['routers']} routers + "
             f"{lim['shards']} shards, {lim['min_acu']:g}-{lim['max_acu']:g} ACU, "
             f"{_usd(lim['monthly_usd'])}",
             f"Aurora DSQL (estimate{mig}): {dq['dpus_per_month'] / 1e6:,.0f} million DPUs a "
             f"month at {dq['dpus_per_transaction']:.3g} DPU per request, "
             f"{_usd(dq['monthly_usd'])}"]
    fact = Fact("beyond one writer", "; ".join(lines[1:]) + f" ({d['why']})", 15)
    return View(lines=tuple(lines), facts=(fact,))


SCALEOUT = Section(
    name="scaleout", title="Beyond one writer", run=_run, rows=_rows, view=_view,
    consumes=("workload",), declares=(ScaleOut,), assumptions=("scaleout",), place=55,
    bill_lines=_bill_lines,
    json="`region, engine`; `writer`: `largest_class, largest_class_acu, serverless_max_acu` "
         "and per peak (`daily_peak`, `event_peak`) `writer_demand_acu, "
         "exceeds_largest_class, exceeds_serverless_max, excess_over_largest_class_acu, "
         "excess_over_serverless_max_acu, one_writer_serves`; `one_writer_serves` (at the "
         "event peak: within the largest class and, for a Serverless v2 cluster, within 256 "
         "ACU), `shown` (the scale-out options "
         "priced: `scaleout.options`, by default when one writer cannot serve the event peak), "
         "`why`, `migration` (the cluster is Aurora MySQL: both options are a migration); "
         "`limitless` (null unless shown): `max_acu, min_acu, routers, shards, "
         "compute_redundancy, standby_shards, peak_demand_acu, mean_acu, acu_hours_per_month, "
         "within_limits, acu_price_ratio, migration, monthly_usd`; `dsql` (null unless "
         "shown): `transactions_per_month, dpus_per_month, dpus_per_transaction, "
         "storage_gb_months, usd_per_million_dpus, usd_per_gb_month, migration, monthly_usd` "
         "(`monthly_usd` null where a rate is missing); `lines`: the options' bill lines "
         "`{option, id, region, line, quantity, unit, unit_price_usd, component}` (also in "
         "`cost.bills`, options `aurora_limitless` and `aurora_dsql`); `note`")

SECTIONS = (SCALEOUT,)
