"""The "latency by user region" section: routes, per-region reader load, what each user waits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from .._format import value_text
from .._section import Context, LineTable, Row, Section, SectionResult, View
from ..availability import readers_needed, workers_per_reader
from ..exceptions import UnstableSystemError
from ..global_db import ReplicationLink, lag
from ..global_db._routing import routing_of, secondary_counts
from ._latency import read_latency_law, write_latency_law
from ._params import Users

__all__ = ["SECTIONS", "USERS", "UsersResult"]


class _Load(Protocol):
    """What this section reads of the workload section's result (no import of its family)."""

    daily_peak_reads_per_s: float
    event_peak_reads_per_s: float
    daily_peak_writes_per_s: float


@dataclass(frozen=True, kw_only=True)
class UsersResult(SectionResult):
    """Where each user region is served, the serving regions' read load, and the latencies."""

    configured: bool
    write_forwarding: bool
    consistency: str
    at: str
    regions: list[dict[str, Any]]
    users: list[dict[str, Any]]


def _summary(d) -> dict[str, float]:
    return {k: float(v) for k, v in d.summary().items()}


def _workers(s, region: str, primary: str, index: int | None) -> int:
    cl, reg = s["cluster"], s["regions"]
    if region == primary or index is None:
        return workers_per_reader(cl["capacity"], instance_class=cl["instance_class"],
                                  max_acu=cl["max_acu"], acu_per_vcpu=cl["acu_per_vcpu"])
    cls = reg["secondary_instance_class"]
    cls = cls[index] if isinstance(cls, list | tuple) else cls
    if cls is not None:
        return workers_per_reader("provisioned", instance_class=cls)
    return workers_per_reader(cl["capacity"], instance_class=cl["instance_class"],
                              max_acu=cl["max_acu"], acu_per_vcpu=cl["acu_per_vcpu"])


def _run(ctx: Context) -> UsersResult:
    s = ctx.scenario
    us, reg, wl, cl = s["users"], s["regions"], s["workload"], s["cluster"]
    load = cast(_Load, ctx["workload"])  # the results are keyed by section name
    primary = reg["primary"]
    routing = routing_of(s)
    counts = dict(zip(reg["secondaries"], secondary_counts(reg), strict=True))
    service = wl["read_service_time_ms"]
    regions, per_reader = [], {}
    for region, share in routing.read_share.items():
        index = None if region == primary else list(reg["secondaries"]).index(region)
        n = cl["replicas"] if region == primary else counts[region]
        serving = max(1, n)  # without readers the primary's writer serves its reads
        k = _workers(s, region, primary, index)
        entry: dict[str, Any] = {
            "region": region, "role": "primary" if region == primary else "secondary",
            "instances": n, "read_share": share, "workers_per_instance": k,
            "reads_per_s_daily_peak": share * load.daily_peak_reads_per_s,
            "reads_per_s_event_peak": share * load.event_peak_reads_per_s}
        if region == primary and n == 0:
            entry["note"] = "no readers: the writer serves the reads"
        per = entry["reads_per_s_daily_peak"] / serving
        entry["utilisation_daily_peak"] = per * service / 1000.0 / k
        per_reader[region] = (per, serving, k)
        for label in ("daily_peak", "event_peak"):
            try:
                entry[f"readers_needed_{label}"] = readers_needed(
                    entry[f"reads_per_s_{label}"], service, wl["read_latency_objective_ms"],
                    workers_per_reader=k, objective=wl["read_objective"])
            except ValueError as exc:
                entry[f"readers_needed_{label}"] = None
                ctx.notes.append(f"users: readers in {region} at {label.replace('_', ' ')}: "
                                 f"{exc}")
        regions.append(entry)
    lag_p99_ms = {}
    for sec in reg["secondaries"]:
        if load.daily_peak_writes_per_s > 0:
            res = lag(ReplicationLink(primary=primary, secondary=sec),
                      writes_per_s=load.daily_peak_writes_per_s)
            lag_p99_ms[sec] = 1000.0 * res.p99_s if res.stable else math.inf
        else:
            lag_p99_ms[sec] = 0.0
    common = {"access_ms": us["access_latency_ms"]}
    users = []
    for r in routing.routes:
        per, _, k = per_reader[r.read_region]
        entry = {"user_region": r.user_region, "reads_share": r.reads, "writes_share": r.writes,
                 "read_region": r.read_region, "rtt_to_read_region_ms": r.read_rtt_ms,
                 "write_region": r.write_region, "forwarded": r.forwarded}
        if r.stand_in:
            entry["latency_stand_in"] = r.stand_in
            ctx.notes.extend(n for n in r.stand_in.split("; ") if n not in ctx.notes)
        try:
            entry["read_ms"] = _summary(read_latency_law(
                r.user_region, r.read_region, reads_per_s=per, servers=k, service_ms=service,
                **common))
        except UnstableSystemError:
            entry["read_ms"] = None
            entry["note"] = f"the readers in {r.read_region} are overloaded at the daily peak"
        entry["write_direct_ms"] = _summary(write_latency_law(
            r.user_region, primary, statements=us["statements_per_write"], **common))
        entry["write_forwarded_ms"] = (
            _summary(write_latency_law(r.user_region, primary, via=r.read_region,
                                   statements=us["statements_per_write"], **common))
            if r.read_region != primary else None)
        entry["read_after_write_t99_ms"] = (lag_p99_ms[r.read_region]
                                            if r.read_region != primary else None)
        users.append(entry)
    return UsersResult(configured=routing.configured, write_forwarding=us["write_forwarding"],
                       consistency=us["consistency"], at="daily peak", regions=regions,
                       users=users)


def _rows(d) -> list[Row]:
    if not d["configured"]:
        return []
    rows = []
    for u in d["users"]:
        who = f"{u['user_region']} users"
        if u["read_ms"] is not None:
            rows.append(Row("users", f"{who}: read p99 (from {u['read_region']})",
                            u["read_ms"]["p99"], None, None, "ms"))
        w = u["write_forwarded_ms"] if u["forwarded"] else u["write_direct_ms"]
        how = f"forwarded by {u['write_region']}" if u["forwarded"] else "to the primary"
        rows.append(Row("users", f"{who}: write p99 ({how})", w["p99"], None, None, "ms"))
    return rows


def _ms(x) -> str:
    return "-" if x is None else value_text(x, "ms")


def _view(d: Mapping[str, Any]) -> View:
    if not d["configured"]:
        return View()
    rows = []
    for u in d["users"]:
        r, w, f = u["read_ms"], u["write_direct_ms"], u["write_forwarded_ms"]
        rows.append((u["user_region"], u["read_region"],
                     _ms(r and r["p50"]), _ms(r and r["p99"]), _ms(w["p50"]), _ms(w["p99"]),
                     _ms(f and f["p50"]), _ms(f and f["p99"]),
                     _ms(u["read_after_write_t99_ms"])))
    table = LineTable(
        title="Latency by user region", shown=True, wrap=0,
        head=("user region", "read from", "read p50 ms", "read p99 ms",
              "write p50 ms", "write p99 ms", "fwd write p50 ms", "fwd write p99 ms",
              "visible t99 ms"),
        rows=tuple(rows), right=frozenset(range(2, 9)), numeric=frozenset(range(2, 9)),
        summary=f"Latency by user region at the {d['at']}")
    writes = "writes to the primary"
    if d["write_forwarding"]:
        writes += (", or through the serving secondary (write forwarding, "
                   f"{d['consistency']} consistency)")
    lines = (f"reads go to the nearest region with instances (p50 round trips); {writes}; "
             "'visible t99': time after a commit by which 99 % of other users' writes are "
             "visible in the serving secondary",)
    return View(tables=(table,), tables_heading="Latency by user region",
                report_heading="Latency by user region", lines=lines)


USERS = Section(
    name="users", title="Latency by user region", run=_run, rows=_rows, view=_view,
    consumes=("workload",), declares=(Users,), assumptions=("users",), place=95,
    json="`configured` (a `[users]` table given), `write_forwarding, consistency, at` (the load "
         "the latencies are computed at: the daily peak); `regions`: each serving region's "
         "`region, role, instances, read_share, workers_per_instance, reads_per_s_daily_peak, "
         "reads_per_s_event_peak, utilisation_daily_peak, readers_needed_daily_peak, "
         "readers_needed_event_peak`; `users`: each user region's `user_region, reads_share, "
         "writes_share, read_region, rtt_to_read_region_ms, write_region, forwarded`, "
         "`read_ms, write_direct_ms, write_forwarded_ms` (`{mean, p50, p99}` in ms, exact "
         "laws of the sums of their parts; null where none) and `read_after_write_t99_ms` (the "
         "serving secondary's replication lag p99 at the daily write peak; null at the primary)")

SECTIONS = (USERS,)
