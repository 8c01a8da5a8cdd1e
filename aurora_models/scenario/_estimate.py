"""Every estimate for one scenario: composes the public model functions, defines no model."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validate import check_int_range
from ..pricing import HOURS_PER_MONTH
from ._spec import Scenario, ScenarioError

__all__ = ["SCHEMA_VERSION", "ScenarioResult", "demand_series", "estimate"]

#: Version of the JSON document of :meth:`ScenarioResult.to_dict` (bump on any key change).
SCHEMA_VERSION = "1.1"
#: Seeded demand draws the monthly cost is computed over (its spread is reported).
COST_DRAWS = 10
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
MINUTES_PER_YEAR = 525_600.0

#: The scenario keys that are the case study's own assumptions (listed with the output).
_SCENARIO_ASSUMPTIONS = (
    ("workload", "writes_per_s", "writes/s at daily peak"),
    ("workload", "reads_per_s", "reads/s at daily peak"),
    ("workload", "daily_amplitude", "-"),
    ("workload", "events", "(start h, hours, factor)"),
    ("workload", "vcpu_ms_per_write", "vCPU ms"),
    ("workload", "vcpu_ms_per_read", "vCPU ms"),
    ("workload", "io_per_write", "I/Os"),
    ("workload", "io_per_read", "I/Os"),
    ("workload", "read_latency_objective_ms", "ms"),
    ("cluster", "acu_per_vcpu", "ACU/vCPU"),
    ("cluster", "volume_gib", "GiB"),
    ("cluster", "replicas", "readers"),
)


@dataclass(frozen=True, kw_only=True)
class ScenarioResult:
    """Every estimate of one scenario.

    ``sections`` holds JSON-ready mappings (see :meth:`to_dict` and ``docs/scenario_format.md``);
    ``demand`` (per-step writes/s, reads/s, ACU) and ``capacity`` (the Serverless v2 simulation)
    are kept for the plots.
    """

    scenario: Scenario
    n_trials: int
    seed: int
    sections: dict[str, Any]
    demand: dict[str, np.ndarray] = field(repr=False)
    capacity: Any = field(repr=False)
    downtime_years: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (top-level ``schema_version``); plain Python types only."""
        return {"schema_version": SCHEMA_VERSION,
                "scenario": {"name": self.scenario.name,
                             "description": self.scenario["scenario"]["description"],
                             "source": self.scenario.source,
                             "horizon_hours": self.scenario["scenario"]["horizon_hours"],
                             "trials": self.n_trials, "seed": self.seed},
                **_plain(self.sections)}

    def cost_frame(self):
        """Monthly cost per deployment option (pandas DataFrame), cheapest first."""
        import pandas as pd

        return pd.DataFrame(self.sections["cost"]["options"])

    def summary_frame(self):
        """The headline numbers as rows ``section, metric, value, ci_low, ci_high, unit``."""
        import pandas as pd

        return pd.DataFrame(summary_rows(self.to_dict()),
                            columns=["section", "metric", "value", "ci_low", "ci_high", "unit"])


def _plain(x):
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating | float):
        v = float(x)
        return v if math.isfinite(v) else None
    return x


def _est(e, level: float = 0.95) -> dict:
    d = e.to_dict(level)
    d.pop("ci_level", None)
    return d


def demand_series(scenario: Scenario, *, rng=None) -> dict[str, np.ndarray]:
    """Per-step writes/s, reads/s and ACU demand of the scenario's workload.

    The daily shape comes from :func:`aurora_models.serverless.synthetic_demand` (mean 1;
    ``source = "trace"`` uses :func:`aurora_models.serverless.daily_shape` of the bundled trace),
    scaled so that the noise-free daily peak equals ``writes_per_s`` / ``reads_per_s``; each
    event multiplies both rates by its factor over its window. ACU demand is
    ``base_acu + acu_per_vcpu * (writes * vcpu_ms_per_write + reads * vcpu_ms_per_read) / 1000``.
    """
    from .. import serverless

    wl, cl = scenario["workload"], scenario["cluster"]
    step = wl["step_s"]
    shape = None
    if wl["source"] == "trace":
        from ..data import load_trace

        shape = serverless.daily_shape(load_trace(wl["trace"], fill_gaps="interpolate"),
                                       step_s=step)
    base = serverless.synthetic_demand(
        days=wl["days"], step_s=step, mean_acu=1.0, daily_amplitude=wl["daily_amplitude"],
        weekly_amplitude=wl["weekly_amplitude"], noise_cv=wl["noise_cv"],
        spikes=list(wl["events"]), shape=shape, rng=rng)
    peak = float(shape.max()) if shape is not None else 1.0 + wl["daily_amplitude"]
    unit = base / peak
    writes, reads = wl["writes_per_s"] * unit, wl["reads_per_s"] * unit
    vcpu = (writes * wl["vcpu_ms_per_write"] + reads * wl["vcpu_ms_per_read"]) / 1e3
    acu = wl["base_acu"] + cl["acu_per_vcpu"] * vcpu
    t_h = np.arange(unit.size) * step / 3600.0
    in_event = np.zeros(unit.size, dtype=bool)
    for start, dur, _ in wl["events"]:
        in_event |= (t_h >= start) & (t_h < start + dur)
    return {"time_h": t_h, "writes_per_s": writes, "reads_per_s": reads, "acu": acu,
            "read_acu": cl["acu_per_vcpu"] * reads * wl["vcpu_ms_per_read"] / 1e3,
            "in_event": in_event}


def estimate(scenario: Scenario, *, n_trials: int | None = None, seed: int | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> ScenarioResult:
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

    Returns
    -------
    ScenarioResult

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
    >>> r.to_dict()["schema_version"], r.sections["cost"]["cheapest"] is not None
    ('1.1', True)
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"`scenario` must be a Scenario, got {type(scenario).__name__}")
    n = check_int_range("n_trials", scenario["scenario"]["trials"] if n_trials is None
                        else n_trials, 100, 10_000_000)
    seed = check_int_range("seed", scenario["scenario"]["seed"] if seed is None else seed, 0)
    stage = ["demand"]

    def tick(name: str, i: int, total: int) -> None:
        stage[0] = name
        if progress is not None:
            progress(name, i, total)

    try:
        return _estimate(scenario, n, seed, tick)
    except ValueError as exc:
        if isinstance(exc, ScenarioError):
            raise
        # A model refused a value the file's validation let through (e.g. a peak no instance
        # class can hold): one line naming the file and the step, exit code 2 in the CLI.
        raise ScenarioError(f"the {stage[0]} step failed: {exc}",
                            source=scenario.source) from exc


def _estimate(scenario: Scenario, n: int, seed: int, tick) -> ScenarioResult:
    from .. import availability, global_db, pricing, quorum, serverless
    from .._rng import spawn_seeds

    cl, reg, wl, fl, pr = (scenario[t] for t in ("cluster", "regions", "workload", "failures",
                                                 "pricing"))
    horizon = scenario["scenario"]["horizon_hours"]
    steps = ["demand", "durability", "availability", "serverless capacity", "cost", "readers",
             "global database"]
    s_demand, s_quorum, s_down, s_lag, s_cost = spawn_seeds(seed, 5)
    notes: list[str] = []
    sections: dict[str, Any] = {}

    # 1. Demand ------------------------------------------------------------------------------
    tick(steps[0], 0, len(steps))
    d = demand_series(scenario, rng=s_demand)
    month = SECONDS_PER_MONTH / (d["acu"].size * wl["step_s"])

    def io_millions(dd):
        """Billed I/O and replicated write I/O per month, millions, of one demand draw."""
        writes = (dd["writes_per_s"] * wl["io_per_write"]).sum() * wl["step_s"] * month / 1e6
        reads = (dd["reads_per_s"] * wl["io_per_read"]).sum() * wl["step_s"] * month / 1e6
        return float(writes + reads), float(writes)

    io_m = io_millions(d)[0]
    daily = ~d["in_event"]
    peaks = {"daily_peak_writes_per_s": float(d["writes_per_s"][daily].max()),
             "daily_peak_reads_per_s": float(d["reads_per_s"][daily].max()),
             "event_peak_writes_per_s": float(d["writes_per_s"].max()),
             "event_peak_reads_per_s": float(d["reads_per_s"].max()),
             "mean_writes_per_s": float(d["writes_per_s"].mean()),
             "mean_reads_per_s": float(d["reads_per_s"].mean()),
             "io_millions_per_month": io_m}
    sections["workload"] = {"source": wl["source"], "days": wl["days"], "step_s": wl["step_s"],
                            **peaks}

    # 2. Durability (quorum) -----------------------------------------------------------------
    tick(steps[1], 1, len(steps))
    fm_kw = {k: fl[k] for k in ("copy_failure_rate_per_year", "az_outage_rate_per_year",
                                "az_outage_hours") if fl[k] is not None}
    fm = quorum.FailureModel(**fm_kw)
    per_group = quorum.event_probability(quorum.AURORA, fm, event="data_loss",
                                         horizon_hours=horizon)
    volume = quorum.volume_event_probability(cl["volume_gib"], quorum.AURORA, fm,
                                             event="data_loss", horizon_hours=horizon)
    mc = quorum.simulate_event_probability(quorum.AURORA, fm, event="data_loss",
                                           horizon_hours=horizon, n_trials=n, rng=s_quorum)
    write_unavail = quorum.volume_event_probability(cl["volume_gib"], quorum.AURORA, fm,
                                                    event="write_unavailable",
                                                    horizon_hours=horizon)
    groups = quorum.n_protection_groups(cl["volume_gib"], fm.segment_size_bytes)
    sections["durability"] = {
        "layout": str(quorum.AURORA), "protection_groups": groups,
        "p_data_loss_volume": _est(volume),
        "p_data_loss_per_group": _est(per_group),
        "p_data_loss_per_group_monte_carlo": _est(mc),
        "p_storage_write_unavailable_volume": _est(write_unavail),
        "durability_volume": 1.0 - volume.value,
    }

    # 3. Availability and failover -----------------------------------------------------------
    tick(steps[2], 2, len(steps))
    # The same failure overrides as the durability model: instance and maintenance rates, the
    # AZ incident rate and duration; Aurora storage from the quorum model for this volume.
    rates = availability.FailureRates(**{
        k: fl[k] for k in ("instance_failure_rate_per_year", "maintenance_events_per_year",
                           "az_outage_rate_per_year") if fl[k] is not None})
    if fl["az_outage_hours"] is not None:
        rates = rates.with_az_outage_hours(fl["az_outage_hours"])
    storage = availability.storage_unavailability(fm, volume_gib=cl["volume_gib"])
    dep = availability.aurora(cl["replicas"])
    closed = availability.annual_downtime(dep, rates=rates, storage=storage).mean
    sim = availability.simulate_annual_downtime(dep, rates=rates, storage=storage, n_trials=n,
                                                rng=s_down)
    mean = sim.mean
    lo, hi = mean.confidence_interval()
    sections["availability"] = {
        "deployment": dep.name,
        "annual_downtime_minutes": _est(closed),
        "annual_downtime_minutes_monte_carlo": _est(mean),
        "annual_downtime_minutes_p50": _est(sim.quantile(0.5)),
        "annual_downtime_minutes_p99": _est(sim.quantile(0.99)),
        "outages_per_year": _est(sim.incidents),
        "availability": 1.0 - closed.value / MINUTES_PER_YEAR,
        "availability_ci_low": 1.0 - hi / MINUTES_PER_YEAR,
        "availability_ci_high": 1.0 - lo / MINUTES_PER_YEAR,
        "nines": float(availability.nines(closed.value)),
    }
    sections["failover"] = {
        "deployment": dep.name,
        "p50_s": availability.failover_time_s(dep, q=0.5),
        "p90_s": availability.failover_time_s(dep, q=0.9),
        "p99_s": availability.failover_time_s(dep, q=0.99),
        "note": ("client-observed outage after a writer failure (failover to a replica; "
                 "replacement when there is none), DNS TTL and retry included"),
    }

    # 4. Serverless v2 capacity ---------------------------------------------------------------
    tick(steps[3], 3, len(steps))
    policy = serverless.ScalingPolicy(min_acu=cl["min_acu"], max_acu=cl["max_acu"])
    n_inst = 1 + cl["replicas"]
    read_share = float(d["read_acu"].sum() / d["acu"].sum()) if cl["replicas"] else 0.0
    per_reader = d["acu"] * read_share / cl["replicas"] if cl["replicas"] else None
    writer = d["acu"] * (1.0 - read_share)
    cap_w = serverless.simulate_capacity(writer, policy, step_s=wl["step_s"])
    cap_r = (serverless.simulate_capacity(per_reader, policy, step_s=wl["step_s"])
             if per_reader is not None else None)

    def profile(c):
        if c is None:
            return None
        return {"peak_demand_acu": float(c.demand_acu.max()),
                "peak_capacity_acu": float(c.capacity_acu.max()),
                "mean_capacity_acu": float(c.mean_acu),
                "acu_hours_per_month": float(c.acu_hours * month),
                "under_provisioned_s_per_month": float(c.under_provisioned_s * month),
                "shortfall_share_of_demand": float(
                    c.under_provisioned_acu_s / max(c.demand_acu.sum() * c.step_s, 1e-300)),
                "capped_at_max_acu": bool(c.demand_acu.max() > cl["max_acu"])}

    sections["serverless"] = {"min_acu": cl["min_acu"], "max_acu": cl["max_acu"],
                              "instances": n_inst, "read_share": read_share,
                              "writer": profile(cap_w), "reader_each": profile(cap_r),
                              "cluster_acu_hours_per_month": float(
                                  (cap_w.acu_hours + (cap_r.acu_hours * cl["replicas"]
                                                      if cap_r else 0.0)) * month)}
    for role, c in (("writer", cap_w), ("each reader", cap_r)):
        if c is not None and c.demand_acu.max() > cl["max_acu"]:
            notes.append(f"{role} demand peaks at {c.demand_acu.max():.4g} ACU, above "
                         f"max_acu = {cl['max_acu']:g}: raise max_acu or add readers")

    # 5. Monthly cost per option --------------------------------------------------------------
    tick(steps[4], 4, len(steps))
    pb_region = pr["region"] or reg["primary"]
    pb = pricing.load(pb_region)
    cost_kw = {k: pr[k] for k in ("headroom", "reserved_discount") if pr[k] is not None}
    options = ["serverless_standard", "serverless_io_optimized", "provisioned",
               "provisioned_reserved"]
    if cl["replicas"]:
        options.append("provisioned_writer_serverless_readers")

    def monthly_bill(dd):
        io, w_io = io_millions(dd)
        share = float(dd["read_acu"].sum() / dd["acu"].sum()) if cl["replicas"] else 0.0
        return serverless.monthly_cost(
            dd["acu"], pb, step_s=wl["step_s"], policy=policy, storage_gb=cl["volume_gib"],
            io_millions_per_month=io, replicated_write_io_millions_per_month=w_io,
            n_secondary_regions=len(reg["secondaries"]), n_readers=cl["replicas"],
            read_share=share, options=options, **cost_kw)

    bill = monthly_bill(d).sort_values("total_usd", kind="stable")
    # The bill of other demand draws (same assumptions, other noise): its spread over
    # COST_DRAWS draws, the first being the draw above.
    totals = np.array([bill["total_usd"].to_numpy()]
                      + [monthly_bill(demand_series(scenario, rng=s)).loc[bill.index,
                                                                          "total_usd"].to_numpy()
                         for s in spawn_seeds(s_cost, COST_DRAWS - 1)])
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
    sections["cost"] = {"region": pb_region, "price_book_as_of": pb.as_of,
                        "options": rows, "cheapest": cheapest, "configured": current,
                        "configured_total_usd": float(bill.loc[current, "total_usd"]),
                        "demand_draws": COST_DRAWS,
                        "note": (f"primary-region cluster; total_usd is the bill of the seeded "
                                 f"demand draw, total_usd_ci_low/high the 95 % range of a "
                                 f"month's bill over {COST_DRAWS} demand draws (demand noise "
                                 f"only: the per-operation CPU and I/O assumptions are not "
                                 f"sampled); Global Database secondaries add replicated write "
                                 f"I/O here, not their own instances or storage")}

    # 6. Readers needed -----------------------------------------------------------------------
    tick(steps[5], 5, len(steps))
    workers = max(1, int(cl["max_acu"] / cl["acu_per_vcpu"])) if cl["capacity"] == "serverless" \
        else int(pb.instance_classes().set_index("instance_class").loc[cl["instance_class"],
                                                                       "vcpu"])
    readers: dict[str, Any] = {"configured": cl["replicas"], "workers_per_reader": workers,
                               "objective": f"{wl['read_objective']} <= "
                                            f"{wl['read_latency_objective_ms']:g} ms"}
    for label, rate in (("daily_peak", peaks["daily_peak_reads_per_s"]),
                        ("event_peak", peaks["event_peak_reads_per_s"])):
        try:
            readers[label] = availability.readers_needed(
                rate, wl["read_service_time_ms"], wl["read_latency_objective_ms"],
                workers_per_reader=workers, objective=wl["read_objective"])
        except ValueError as exc:
            readers[label] = None
            notes.append(f"readers at {label.replace('_', ' ')}: {exc}")
    if readers.get("event_peak") is not None and readers["event_peak"] > cl["replicas"]:
        notes.append(f"the event peak needs {readers['event_peak']} readers, "
                     f"{cl['replicas']} configured")
    sections["readers"] = readers
    workload = availability.Workload(
        name=scenario.name, engine=cl["engine"], instance_class=cl["instance_class"],
        storage_gib=cl["volume_gib"], io_millions_per_month=io_m,
        reads_per_s=peaks["daily_peak_reads_per_s"],
        read_service_time_ms=wl["read_service_time_ms"],
        read_latency_objective_ms=wl["read_latency_objective_ms"],
        read_objective=wl["read_objective"], needs_serverless=cl["capacity"] == "serverless",
        max_failover_s=wl["max_failover_s"],
        max_annual_downtime_minutes=wl["max_annual_downtime_minutes"],
        needs_global=bool(reg["secondaries"]))
    table = availability.decision_table(workload, price_book=pb, rates=rates,
                                        storage=storage)
    sections["alternatives"] = {
        "recommendation": table.attrs["recommendation"],
        "binding_constraints": list(table.attrs["binding_constraints"]),
        "rows": [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                 for row in table.to_dict(orient="records")],
        "note": f"provisioned {cl['instance_class']} at the daily peak (availability model)"}

    # 7. Global Database ----------------------------------------------------------------------
    tick(steps[6], 6, len(steps))
    secs = []
    lag_seeds = spawn_seeds(s_lag, max(1, len(reg["secondaries"])))
    for sec, s in zip(reg["secondaries"], lag_seeds, strict=False):
        link = global_db.ReplicationLink(primary=reg["primary"], secondary=sec)
        entry: dict[str, Any] = {"secondary": sec, "one_way_ms": float(link.one_way_ms)}
        for label, rate in (("daily_peak", peaks["daily_peak_writes_per_s"]),
                            ("event_peak", peaks["event_peak_writes_per_s"])):
            res = global_db.lag(link, writes_per_s=rate)
            entry[f"lag_{label}"] = {"writes_per_s": rate, "stable": bool(res.stable),
                                     "utilisation": float(res.utilisation),
                                     "mean_s": res.mean_s, "p50_s": res.p50_s,
                                     "p99_s": res.p99_s, "p999_s": res.p999_s,
                                     "note": res.note}
        exp = global_db.rpo_exposure(link, writes_per_s=peaks["event_peak_writes_per_s"],
                                     n_writes=20_000, n_replications=10, rng=s)
        entry["rpo_exposure_event_peak"] = (
            {"stable": True,
             "writes_at_risk_mean": _est(exp.writes["mean"]),
             "writes_at_risk_p99": _est(exp.writes["p99"]),
             "loss_window_s_mean": _est(exp.window_s["mean"]),
             "loss_window_s_p99": _est(exp.window_s["p99"])}
            if exp.stable else {"stable": False, "note": exp.note})
        secs.append(entry)
    sections["global_database"] = {"configured": bool(reg["secondaries"]),
                                   "primary": reg["primary"], "secondaries": secs}

    # 8. Assumptions --------------------------------------------------------------------------
    from .._assumptions import assumptions

    reg_frame = assumptions()
    used = reg_frame[reg_frame["module"].isin(["quorum", "availability", "serverless",
                                               "global_db", "pricing"])]
    sections["assumptions"] = {
        "scenario": [{"key": f"{t}.{k}", "value": _plain(list(scenario[t][k])
                                                         if isinstance(scenario[t][k], tuple)
                                                         else scenario[t][k]),
                      "unit": u, "kind": "assumption",
                      "source": f"scenario file {scenario.source}"}
                     for t, k, u in _SCENARIO_ASSUMPTIONS],
        "models": [{"name": r.name, "value": str(r.value), "unit": r.unit, "kind": r.kind,
                    "source": r.source} for r in used.itertuples()],
        "overrides": {f"failures.{k}": v for k, v in fl.items() if v is not None}
        | {f"pricing.{k}": v for k, v in pr.items() if v is not None},
    }
    sections["notes"] = notes
    return ScenarioResult(scenario=scenario, n_trials=n, seed=seed, sections=sections,
                          demand=d, capacity={"writer": cap_w, "reader": cap_r},
                          downtime_years=sim.annual_minutes)


def _fmt_p(x: float) -> str:
    return f"{x:.3g}"


def summary_rows(doc: dict) -> list[tuple]:
    """Headline rows ``(section, metric, value, ci_low, ci_high, unit)`` of a JSON document."""
    rows: list[tuple] = []

    def est(section, metric, e, unit=None):
        rows.append((section, metric, e["value"], e["ci_low"], e["ci_high"], unit or e["unit"]))

    du = doc["durability"]
    est("durability", "P(data loss in horizon), volume", du["p_data_loss_volume"])
    est("durability", "P(data loss), one protection group (exact)",
        du["p_data_loss_per_group"])
    est("durability", "P(data loss), one protection group (Monte Carlo)",
        du["p_data_loss_per_group_monte_carlo"])
    est("durability", "P(storage write unavailable), volume",
        du["p_storage_write_unavailable_volume"])
    av = doc["availability"]
    rows.append(("availability", "availability per year", av["availability"],
                 av["availability_ci_low"], av["availability_ci_high"], "fraction"))
    est("availability", "expected downtime (closed form)", av["annual_downtime_minutes"])
    est("availability", "expected downtime (Monte Carlo)",
        av["annual_downtime_minutes_monte_carlo"])
    est("availability", "P99 downtime of a year", av["annual_downtime_minutes_p99"])
    fo = doc["failover"]
    for q in ("p50", "p90", "p99"):
        rows.append(("failover", f"client-observed outage {q.upper()}", fo[f"{q}_s"], None, None,
                     "s"))
    for r in doc["cost"]["options"]:
        rows.append(("cost", r["option"] + (" (cheapest)" if r["cheapest"] else ""),
                     r["total_usd"], r["total_usd_ci_low"], r["total_usd_ci_high"], "USD/month"))
    sv = doc["serverless"]
    for role in ("writer", "reader_each"):
        p = sv[role]
        if p:
            rows.append(("serverless", f"{role} peak capacity", p["peak_capacity_acu"], None,
                         None, "ACU"))
            rows.append(("serverless", f"{role} mean capacity", p["mean_capacity_acu"], None,
                         None, "ACU"))
            rows.append(("serverless", f"{role} demand not served (scale-up lag)",
                         p["shortfall_share_of_demand"], None, None, "fraction"))
    rd = doc["readers"]
    rows.append(("readers", "configured", rd["configured"], None, None, "readers"))
    for k in ("daily_peak", "event_peak"):
        rows.append(("readers", f"needed at {k.replace('_', ' ')}", rd[k], None, None,
                     "readers"))
    for s in doc["global_database"]["secondaries"]:
        sec = s["secondary"]
        for k in ("daily_peak", "event_peak"):
            lag = s[f"lag_{k}"]
            rows.append(("global_database", f"{sec} lag p99 at {k.replace('_', ' ')}",
                         lag["p99_s"], None, None, "s"))
        rpo = s["rpo_exposure_event_peak"]
        if rpo["stable"]:
            est("global_database", f"{sec} writes at risk (mean, event peak)",
                rpo["writes_at_risk_mean"])
            est("global_database", f"{sec} loss window (mean, event peak)",
                rpo["loss_window_s_mean"])
    return rows
