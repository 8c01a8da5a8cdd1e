"""The Global Database section of a scenario: lag and RPO exposure per secondary region."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from .._rng import spawn_seeds
from .._section import Context, Output, Row, Section, SectionResult, View
from ..results import Estimate
from ._lag import lag
from ._link import ReplicationLink, stand_in_note
from ._rpo import rpo_exposure


class _Peaks(Protocol):
    """What this section reads of the workload section's result (no import of its family)."""

    daily_peak_writes_per_s: float
    event_peak_writes_per_s: float

__all__ = ["GLOBAL_DATABASE", "SECTIONS", "GlobalDatabaseResult"]


@dataclass(frozen=True, kw_only=True)
class GlobalDatabaseResult(SectionResult):
    """Lag at the daily and event write peaks and the writes a regional failover would lose."""

    configured: bool
    primary: str
    secondaries: list[dict[str, Any]]


def _run(ctx: Context) -> GlobalDatabaseResult:
    reg = ctx.scenario["regions"]
    peaks = cast(_Peaks, ctx["workload"])  # the results are keyed by section name
    secs = []
    seeds = spawn_seeds(ctx.stream(3), max(1, len(reg["secondaries"])))
    for sec, seed in zip(reg["secondaries"], seeds, strict=False):
        link = ReplicationLink(primary=reg["primary"], secondary=sec)
        entry: dict[str, Any] = {"secondary": sec, "one_way_ms": float(cast(float, link.one_way_ms))}
        stand_ins = [n for n in (stand_in_note(reg["primary"]), stand_in_note(sec)) if n]
        if stand_ins:  # a region the latency data lacks: another's round trips, said so
            entry["latency_stand_in"] = "; ".join(stand_ins)
            ctx.notes.extend(n for n in stand_ins if n not in ctx.notes)
        for label, rate in (("daily_peak", peaks.daily_peak_writes_per_s),
                            ("event_peak", peaks.event_peak_writes_per_s)):
            if rate <= 0.0:  # a read-only workload: nothing to replicate, nothing at risk
                entry[f"lag_{label}"] = {"writes_per_s": 0.0, "stable": True, "utilisation": 0.0,
                                         "mean_s": None, "p50_s": None, "p99_s": None,
                                         "p999_s": None, "note": "no writes: nothing to replicate"}
                continue
            res = lag(link, writes_per_s=rate)
            entry[f"lag_{label}"] = {"writes_per_s": rate, "stable": bool(res.stable),
                                     "utilisation": float(res.utilisation),
                                     "mean_s": res.mean_s, "p50_s": res.p50_s,
                                     "p99_s": res.p99_s, "p999_s": res.p999_s,
                                     "note": res.note}
        if peaks.event_peak_writes_per_s <= 0.0:
            none = Estimate(value=0.0, method="exact", quantity="writes at risk", unit="writes",
                            bounds=(0.0, math.inf))
            entry["rpo_exposure_event_peak"] = {
                "stable": True, "writes_at_risk_mean": none, "writes_at_risk_p99": none,
                "loss_window_s_mean": Estimate(value=0.0, method="exact", unit="s"),
                "loss_window_s_p99": Estimate(value=0.0, method="exact", unit="s"),
                "note": "no writes: a regional failover loses nothing"}
            secs.append(entry)
            continue
        at_peak = entry["lag_event_peak"]
        if not at_peak["stable"]:
            entry["rpo_exposure_event_peak"] = {"stable": False, "note": at_peak["note"]}
            secs.append(entry)
            continue
        # The mean by Little's law from the closed-form lag, whose degradation episodes (about
        # one a day) a simulated second of writes almost never meets; the simulation gives the
        # healthy link's mean (its check) and the tail statistics.
        little = Estimate(value=at_peak["writes_per_s"] * at_peak["mean_s"],
                          method="approximation", unit="writes", bounds=(0.0, math.inf),
                          quantity="mean writes at risk (Little's law, closed-form lag)")
        if ctx.evaluation:  # an analysis reads the closed-form mean only
            entry["rpo_exposure_event_peak"] = {"stable": True, "writes_at_risk_mean": little}
            secs.append(entry)
            continue
        exp = rpo_exposure(link, writes_per_s=peaks.event_peak_writes_per_s, n_writes=20_000,
                           n_replications=10, rng=seed)
        entry["rpo_exposure_event_peak"] = (
            {"stable": True, "writes_at_risk_mean": little,
             "writes_at_risk_mean_monte_carlo": exp.writes["mean"],
             "writes_at_risk_p99": exp.writes["p99"], "loss_window_s_mean": exp.window_s["mean"],
             "loss_window_s_p99": exp.window_s["p99"]}
            if exp.stable else {"stable": False, "note": exp.note})
        secs.append(entry)
    return GlobalDatabaseResult(configured=bool(reg["secondaries"]), primary=reg["primary"],
                                secondaries=secs)


def _rows(d) -> list[Row]:
    rows = []
    for s in d["secondaries"]:
        sec = s["secondary"]
        for k in ("daily_peak", "event_peak"):
            p99_s = s[f"lag_{k}"]["p99_s"]
            rows.append(Row("global_database", f"{sec} lag p99 at {k.replace('_', ' ')}",
                            None if p99_s is None else 1000.0 * p99_s, None, None, "ms",
                            f"lag_p99_ms_{sec}" if k == "event_peak" else None))
        rpo = s["rpo_exposure_event_peak"]
        if rpo["stable"]:
            e = rpo["writes_at_risk_mean"]
            rows.append(Row("global_database", f"{sec} writes at risk (mean, event peak)",
                            e["value"], e["ci_low"], e["ci_high"], e["unit"],
                            f"rpo_writes_at_risk_{sec}"))
            e = rpo.get("writes_at_risk_mean_monte_carlo")
            if e is not None:
                rows.append(Row("global_database",
                                f"{sec} writes at risk (mean, event peak, Monte Carlo; rare "
                                f"degradation episodes unsampled)", e["value"], e["ci_low"],
                                e["ci_high"], e["unit"]))
            e = rpo.get("loss_window_s_mean")
            if e is not None:
                v, lo, hi = (None if x is None else 1000.0 * x
                             for x in (e["value"], e["ci_low"], e["ci_high"]))
                rows.append(Row("global_database", f"{sec} loss window (mean, event peak)",
                                v, lo, hi, "ms"))
    return rows


def _view(d: Mapping[str, Any]) -> View:
    return View(text_lines=() if d["configured"] else
                ("Global Database: no secondaries configured",))


_EACH = ("secondaries", "secondary")

GLOBAL_DATABASE = Section(
    name="global_database", title="Global Database", run=_run, rows=_rows, view=_view,
    consumes=("workload",), assumptions=("global_db",), place=90,
    outputs=(Output("lag_p99_ms_{}", ("secondaries", ("secondary", "{}"), "lag_event_peak",
                                      "p99_s"), "ms", scale=1e3, each=_EACH,
                    label="{} lag p99 at the event peak"),
             Output("rpo_writes_at_risk_{}", ("secondaries", ("secondary", "{}"),
                                              "rpo_exposure_event_peak", "writes_at_risk_mean",
                                              "value"), "writes", each=_EACH,
                    label="{} writes at risk on a regional failover (mean, event peak)")),
    json="`configured, primary, secondaries`: list of `{secondary, one_way_ms, "
         "lag_daily_peak, lag_event_peak, rpo_exposure_event_peak}` (and `latency_stand_in` "
         "where a region the latency data lacks is measured as another); lag: `writes_per_s, "
         "stable, utilisation, mean_s, p50_s, p99_s, p999_s, note`; RPO exposure: `stable` and "
         "Estimates `writes_at_risk_mean` (Little's law, writes/s x the closed-form mean lag, "
         "degradation episodes included), `writes_at_risk_mean_monte_carlo` (the simulation's "
         "check: a simulated second of writes almost never meets an episode), "
         "`writes_at_risk_p99, loss_window_s_mean, loss_window_s_p99` (or `note` when "
         "unstable)")

SECTIONS = (GLOBAL_DATABASE,)
