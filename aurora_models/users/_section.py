"""The "latency by user region" section: routes, per-region reader load, what each user waits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import numpy as np

from .._format import value_text
from .._section import Context, LineTable, Row, Section, SectionResult, View
from ..availability import ConnectionPools, reader_endpoint, readers_needed, workers_per_reader
from ..exceptions import UnstableSystemError
from ..global_db import ReplicationLink, lag, read_after_write, read_wait_cdf
from ..global_db._routing import routing_of, secondary_counts
from ..write_path._visibility import replica_visibility_quantile
from ._latency import read_parts, write_parts
from ._params import Users
from ._parts import Part, sum_distribution

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


#: The wait's law is tabulated to this point at 1 ms steps, then geometric to an hour.
_WAIT_FINE_MS = 2000.0


def _wait_part(link, t_ms: float, writes_per_s: float, level: str) -> Part:
    """The wait a read makes under ``level`` (:func:`~aurora_models.global_db.read_wait_cdf`)
    as a latency part: its law tabulated once and interpolated, its mean from the same law.

    The far tail (the link's degradation episodes: stalls of seconds, a few in 10,000 waits)
    is cut where the wait's survival falls below 1e-3, at 2 s or later: its mass sits at the
    cut, so the quantiles reported (p50, p99) are exact and the grid stays fine; the mean
    keeps the whole tail. The estimate's closed form only: no sampler.
    """
    raw = read_after_write(link, t_ms=t_ms, writes_per_s=writes_per_s, level=level)
    table = np.unique(np.concatenate([np.linspace(0.0, _WAIT_FINE_MS, 2001),
                                      np.geomspace(_WAIT_FINE_MS, 3.6e6, 200)]))
    cdf = np.maximum.accumulate(np.asarray(read_wait_cdf(
        link, table, t_ms=t_ms, writes_per_s=writes_per_s, level=level), float))
    cut = float(table[min(int(np.searchsorted(cdf, 1.0 - 1e-3)), table.size - 1)])
    cut = max(cut, _WAIT_FINE_MS)
    keep = table <= cut

    def law(w):
        w = np.asarray(w, float)
        return np.where(w >= cut, 1.0, np.interp(w, table[keep], cdf[keep]))

    return Part(name=f"{level} wait", mean_ms=raw.mean_wait.value, cdf=law)


def _endpoint(instances: int, reads_per_s: float, service_ms: float, workers: int, us,
              objective: str) -> dict[str, Any] | None:
    """The readers' loads behind the reader endpoint (DNS answers over the clients' pools)
    against the even split, at the region's read load (None with fewer than two readers)."""
    if instances < 2 or reads_per_s <= 0:
        return None
    pools = ConnectionPools(pools=us["client_pools"], connections_per_pool=us["connections_per_pool"])
    q = objective if objective and objective != "mean" else "p99"
    r = reader_endpoint(instances, reads_per_s, service_ms, pools, workers_per_reader=workers,
                        objective=q)
    return {"pools": pools.pools, "connections": pools.connections, "objective": q,
            "even_share": r.even_share, "expected_max_share": r.expected_max_share.value,
            "p_overload": r.p_overload.value, "even_latency_ms": r.even_latency_ms,
            "latency_ms": r.latency_ms.value, "penalty_ms": r.penalty_ms}


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
        # at the event peak, where an uneven split costs something
        entry["reader_endpoint"] = _endpoint(serving, entry["reads_per_s_event_peak"], service,
                                             k, us, wl["read_objective"])
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
    level, gap = us["consistency"], us["read_after_write_gap_ms"]
    writes = load.daily_peak_writes_per_s
    in_region_t99 = (replica_visibility_quantile(0.99, writes) if cl["replicas"] and writes > 0
                     else 0.0)  # without readers the writer serves: it sees its own commits
    users = []
    for r in routing.routes:
        per, _, k = per_reader[r.read_region]
        entry = {"user_region": r.user_region, "reads_share": r.reads, "writes_share": r.writes,
                 "read_region": r.read_region, "rtt_to_read_region_ms": r.read_rtt_ms,
                 "write_region": r.write_region, "forwarded": r.forwarded}
        if r.stand_in:
            entry["latency_stand_in"] = r.stand_in
            ctx.notes.extend(n for n in r.stand_in.split("; ") if n not in ctx.notes)
        link = (ReplicationLink(primary=primary, secondary=r.read_region)
                if r.read_region != primary else None)
        # a forwarding session's read waits under its level (GLOBAL: for the latest commit)
        waits = (link is not None and r.forwarded and level == "global" and writes > 0)
        try:
            parts = read_parts(r.user_region, r.read_region, reads_per_s=per, servers=k,
                               service_ms=service, **common)
            if waits:
                assert link is not None
                parts.append(_wait_part(link, math.inf, writes, level))
            entry["read_ms"] = _summary(sum_distribution(parts))
        except UnstableSystemError:
            entry["read_ms"] = None
            entry["note"] = f"the readers in {r.read_region} are overloaded at the daily peak"
        direct = write_parts(r.user_region, primary, statements=us["statements_per_write"],
                             **common)
        entry["write_direct_ms"] = _summary(sum_distribution(direct))
        entry["write_forwarded_ms"] = entry["read_your_write"] = None
        if link is not None:
            fwd = write_parts(r.user_region, primary, via=r.read_region,
                              statements=us["statements_per_write"], **common)
            entry["write_forwarded_ms"] = _summary(sum_distribution(fwd))
            if r.forwarded and writes > 0:
                # the write's reply reaches the secondary one way after the commit; the
                # session's next read starts the gap later and waits under its level
                t = float(cast(float, link.one_way_ms)) + gap
                raw = read_after_write(link, t_ms=t, writes_per_s=writes, level=level)
                wait = _wait_part(link, t, writes, level)
                entry["read_your_write"] = {
                    "level": level, "t_ms": t, "p_visible": raw.p_visible.value,
                    "wait_mean_ms": raw.mean_wait.value,
                    "wait_p50_ms": raw.wait_quantiles[0.5].value,
                    "wait_p99_ms": raw.wait_quantiles[0.99].value,
                    "write_then_read_ms": _summary(sum_distribution([*fwd, wait])),
                    "guarantee": raw.guarantee}
        entry["read_after_write_t99_ms"] = (in_region_t99 if link is None
                                            else lag_p99_ms[r.read_region])
        users.append(entry)
    return UsersResult(configured=routing.configured, write_forwarding=us["write_forwarding"],
                       consistency=us["consistency"], at="daily peak", regions=regions,
                       users=users)


def _rows(d) -> list[Row]:
    if not d["configured"]:
        return []
    rows = []
    for r in d["regions"]:
        e = r.get("reader_endpoint")
        if e:
            even = e["even_latency_ms"]  # None in the JSON: an overloaded even split
            even_text = "overloaded" if even is None else f"{even:.4g} ms"
            rows.append(Row("users", f"{r['region']} read {e['objective']} at the event peak "
                            f"through the reader endpoint ({e['pools']} client pools; even "
                            f"split {even_text})", e["latency_ms"], None, None, "ms"))
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


def _pair(d) -> str:
    return "-" if d is None else f"{_ms(d['p50'])}/{_ms(d['p99'])}"


def _view(d: Mapping[str, Any]) -> View:
    if not d["configured"]:
        return View()
    rows = []
    for u in d["users"]:
        r, w, f, ryw = (u["read_ms"], u["write_direct_ms"], u["write_forwarded_ms"],
                        u["read_your_write"])
        rows.append((f"{u['user_region']} -> {u['read_region']}",
                     f"read {_pair(r)}", f"write {_pair(w)}",
                     f"fwd {_pair(f)}" if f else "",
                     f"fwd+read {_ms(ryw['write_then_read_ms']['p99'])}" if ryw else "",
                     f"visible {_ms(u['read_after_write_t99_ms'])}"))
    table = LineTable(
        title="Latency by user region (ms, p50/p99)", shown=True, wrap=0,
        head=("user region -> read from", "read p50/p99", "write p50/p99 (to the primary)",
              "forwarded write p50/p99", "forwarded write + next read p99", "visible t99"),
        rows=tuple(rows), summary=f"Latency by user region at the {d['at']}, ms")
    writes = "writes to the primary"
    if d["write_forwarding"]:
        writes += (", or through the serving secondary (write forwarding, "
                   f"{d['consistency']} consistency)")
    lines = (f"latency by user region at the {d['at']}: reads go to the nearest region with "
             f"instances (p50 round trips); {writes}; 'fwd': the write forwarded by the "
             "serving secondary, 'fwd+read' with the session's next read and its wait; "
             "'visible': when 99 % of other sessions' writes are visible where the user reads",)
    return View(tables=(table,), tables_heading="Latency by user region",
                report_heading="Latency by user region", lines=lines)


USERS = Section(
    name="users", title="Latency by user region", run=_run, rows=_rows, view=_view,
    consumes=("workload",), declares=(Users,), assumptions=("users",), place=95,
    json="`configured` (a `[users]` table given), `write_forwarding, consistency, at` (the load "
         "the latencies are computed at: the daily peak); `regions`: each serving region's "
         "`region, role, instances, read_share, workers_per_instance, reads_per_s_daily_peak, "
         "reads_per_s_event_peak, utilisation_daily_peak, readers_needed_daily_peak, "
         "readers_needed_event_peak` and `reader_endpoint` (two readers or more: `pools, "
         "connections, objective, even_share, expected_max_share, p_overload, even_latency_ms, "
         "latency_ms, penalty_ms`, the readers' loads at the event peak behind DNS round robin "
         "over the client pools, `availability.reader_endpoint`; else null); `users`: each user region's `user_region, reads_share, "
         "writes_share, read_region, rtt_to_read_region_ms, write_region, forwarded`, "
         "`read_ms, write_direct_ms, write_forwarded_ms` (`{mean, p50, p99}` in ms, exact "
         "laws of the sums of their parts, a GLOBAL forwarding session's read with its wait; "
         "`write_forwarded_ms` null for users read at the primary), `read_your_write` (users "
         "whose writes are forwarded: `level, t_ms, p_visible, wait_mean_ms, wait_p50_ms, "
         "wait_p99_ms, write_then_read_ms, guarantee`, the session's next read after its "
         "forwarded write; else null) and `read_after_write_t99_ms` (when 99 % of other "
         "sessions' writes are visible where the user reads: the in-region replicas' "
         "visibility at the primary, the replication lag p99 at a secondary, both at the daily "
         "write peak)")

SECTIONS = (USERS,)
