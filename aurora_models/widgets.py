"""Explorers: one interactive view per model family, for JupyterLab.

Each explorer is two layers:

- a plain function (``quorum_view``, ``write_path_view``, ``cost_view``, ``global_db_view``,
  ``availability_view``, ``users_view``) that takes the controls' values and returns the displayed result, a
  ``dict`` of titled :class:`pandas.DataFrame` tables; tests call these directly;
- a thin ipywidgets wrapper (``quorum_explorer`` ...) that lays out the controls and re-renders
  the tables when a control moves. ipywidgets is imported only when a wrapper is called (it is in
  the ``notebooks`` extra), so ``import aurora_models.widgets`` works without it.

Examples
--------
>>> from aurora_models import widgets
>>> view = widgets.quorum_view(write_quorum=4, read_quorum=3)
>>> sorted(view)
['event probabilities', 'tolerance']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from . import availability as av
from . import billing, global_db, pricing, quorum, serverless, write_path
from ._optional import require
from ._params import params_of
from ._validate import check_bool, check_positive, check_range
from .exceptions import ParameterValueError

# The declarations the explorers start from (light imports: no scipy, networkx or matplotlib).
from .global_db._link import ReplicationLink
from .quorum._layout import QuorumLayout
from .quorum._model import FailureModel
from .units import HOURS_PER_MONTH, MINUTES_PER_YEAR
from .write_path._graphs import LATENCY_DEFAULTS

__all__ = [
    "availability_explorer",
    "availability_view",
    "cost_explorer",
    "cost_view",
    "global_db_explorer",
    "global_db_view",
    "quorum_explorer",
    "quorum_view",
    "users_explorer",
    "users_view",
    "write_path_explorer",
    "write_path_view",
]

#: The declared defaults, one home each: the layout, the failure model, the link's batching.
_LAYOUT = QuorumLayout()
_FAILURES = FailureModel()
_BATCH_INTERVAL_MS = params_of(ReplicationLink)["batch_interval_ms"].default


# --------------------------------------------------------------------------- plain functions


def quorum_view(*, copies_per_az: tuple[int, ...] = _LAYOUT.copies_per_az,
                write_quorum: int = _LAYOUT.write_quorum, read_quorum: int = _LAYOUT.read_quorum,
                copy_afr: float = _FAILURES.copy_failure_rate_per_year,
                repair_s: float | None = None, az_outage_rate_per_year: float | None = None,
                az_outage_hours: float = _FAILURES.az_outage_hours) -> dict[str, pd.DataFrame]:
    """Event probabilities in a year and the tolerance table of one quorum layout.

    Parameters
    ----------
    copies_per_az : tuple of int
        Copies of a protection group in each AZ (Aurora: 2, 2, 2).
    write_quorum, read_quorum : int
        Vw and Vr.
    copy_afr : float
        Permanent failure rate of one copy, per year.
    repair_s : float, optional
        Time to re-replicate a lost copy, seconds (detection included); it sets the segment
        size at the default repair bandwidth. None keeps the default (10 GB at 10 Gbit/s).
    az_outage_rate_per_year : float, optional
        Outages per AZ per year (default the failure model's).
    az_outage_hours : float
        Mean AZ outage duration, hours.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables, by title.
        ``"event probabilities"`` (each event's probability in a year, one group) and
        ``"tolerance"`` (:func:`aurora_models.quorum.tolerance_table`).

    Examples
    --------
    >>> from aurora_models.widgets import quorum_view
    >>> quorum_view()["event probabilities"]["event"].tolist()
    ['write_unavailable', 'read_unavailable', 'data_loss']
    """
    layout = quorum.QuorumLayout(copies_per_az=tuple(copies_per_az),
                                 write_quorum=write_quorum, read_quorum=read_quorum)
    fm = quorum.FailureModel(copy_failure_rate_per_year=copy_afr,
                             az_outage_hours=az_outage_hours)
    if az_outage_rate_per_year is not None:
        fm = fm.replace(az_outage_rate_per_year=az_outage_rate_per_year)
    if repair_s is not None:
        transfer_s = check_positive("repair_s", repair_s) - fm.detection_s
        if transfer_s <= 0:
            raise ParameterValueError(f"`repair_s` must exceed the detection time {fm.detection_s:g} s, "
                             f"got {repair_s!r}")
        fm = fm.replace(segment_size_bytes=transfer_s * fm.repair_bandwidth_gbit_per_s * 1e9 / 8)
    events = pd.DataFrame(
        [{"event": event, "P(in a year), one group":
          float(quorum.event_probability(layout, fm, event=event).value)}
         for event in quorum.EVENTS])
    return {"event probabilities": events, "tolerance": quorum.tolerance_table(layout)}


def write_path_view(*, copies_per_az: tuple[int, ...] = _LAYOUT.copies_per_az,
                    write_quorum: int = _LAYOUT.write_quorum, read_quorum: int | None = None,
                    same_az_rtt_ms: float = LATENCY_DEFAULTS.same_az_rtt_ms,
                    cross_az_rtt_ms: float = LATENCY_DEFAULTS.cross_az_rtt_ms,
                    q: tuple[float, ...] = (0.5, 0.99, 0.999)) -> dict[str, pd.DataFrame]:
    """Compute Aurora's commit latency quantiles and I/Os per transaction for a layout.

    Parameters
    ----------
    copies_per_az : tuple of int
        Copies of a protection group in each AZ.
    write_quorum : int
        Vw.
    read_quorum : int, optional
        Vr (default ``V - Vw + 1``, the smallest that intersects every write quorum).
    same_az_rtt_ms, cross_az_rtt_ms : float
        Round trips within one AZ and between AZs, ms.
    q : tuple of float
        Quantiles of the commit latency (closed form).

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables, by title.
        ``"commit latency"`` (``q``, ``latency_ms``) and ``"I/O per transaction"``
        (:func:`aurora_models.write_path.io_summary`).

    Examples
    --------
    >>> from aurora_models.widgets import write_path_view
    >>> write_path_view(q=(0.5,))["commit latency"].round(3).values.tolist()
    [[0.5, 2.016]]
    """
    copies = tuple(copies_per_az)
    vr = sum(copies) - int(write_quorum) + 1 if read_quorum is None else int(read_quorum)
    layout = quorum.QuorumLayout(copies_per_az=copies, write_quorum=write_quorum,
                                 read_quorum=vr)
    latency = write_path.HopLatency(same_az_rtt_ms=same_az_rtt_ms,
                                    cross_az_rtt_ms=cross_az_rtt_ms)
    graph = write_path.aurora_path(layout=layout, latency=latency)
    lat = write_path.commit_latency(graph, q=tuple(q))[["q", "latency_ms"]]
    io = write_path.io_summary(graph).rename("value").rename_axis("quantity").reset_index()
    return {"commit latency": lat.reset_index(drop=True), "I/O per transaction": io}


def cost_view(*, region: str = "us-east-1", engine: str = "aurora-mysql",
              capacity: str = "serverless", instance_class: str = "db.r6g.xlarge",
              min_acu: float = 0.5, max_acu: float = 16.0, mean_acu: float = 4.0,
              daily_amplitude: float = 0.5, volume_gib: float = 100.0,
              io_millions_per_month: float = 100.0, seed: int = 2026) -> dict[str, pd.DataFrame]:
    """The month's bill under every option, its lines, and the break-even for the demand shape.

    The demand is a synthetic 30-day workload (``mean_acu``, ``daily_amplitude``) replayed
    through Serverless v2 scaling between ``min_acu`` and ``max_acu``; the resulting ACU-hours
    and peak feed :func:`aurora_models.billing.bill_options`.

    Parameters
    ----------
    region : str
        AWS region code.
    engine : {"aurora-mysql", "aurora-postgresql"}
        The Aurora engine.
    capacity : {"serverless", "provisioned"}
        The configured capacity mode.
    instance_class : str
        The provisioned class compared.
    min_acu, max_acu : float
        The Serverless v2 capacity range, ACU.
    mean_acu : float
        Mean demand, ACU.
    daily_amplitude : float
        Relative amplitude of the daily cycle, in [0, 1].
    volume_gib : float
        Cluster volume, GiB.
    io_millions_per_month : float
        I/O requests, millions per month.
    seed : int
        Seed of the synthetic demand.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables, by title.
        ``"options"`` (each option's total), ``"bill lines"`` (the configured option's lines)
        and ``"workload"`` (ACU-hours, peak, and the break-even against a provisioned class).

    Examples
    --------
    >>> from aurora_models.widgets import cost_view
    >>> v = cost_view()
    >>> int(v["options"]["cheapest"].sum()), v["workload"]["quantity"].iloc[0]
    (1, 'ACU-hours per month')
    """
    demand = serverless.synthetic_demand(days=30, step_s=60.0, mean_acu=mean_acu,
                                         daily_amplitude=daily_amplitude, rng=seed)
    run = serverless.simulate_capacity(
        demand, serverless.ScalingPolicy(min_acu=min_acu, max_acu=max_acu),
        step_s=60.0)
    acu_hours = float(run.acu_hours) * HOURS_PER_MONTH / float(run.hours)
    peak = float(run.capacity_acu.max())
    usage = billing.Usage(region=region, engine=engine, capacity=capacity,
                          instance_class=instance_class, volume_gib=volume_gib,
                          io_millions_per_month=io_millions_per_month,
                          writer_acu_hours=acu_hours, writer_peak_acu=peak)
    bills = billing.bill_options(usage)
    options = pd.DataFrame([{"option": b.label, "total_usd": float(b.total_usd),
                             "configured": bool(b.configured), "cheapest": bool(b.cheapest),
                             "instances": b.instance_classes}
                            for b in bills if b.unavailable is None])
    configured = next(b for b in bills if b.configured)
    lines = pd.DataFrame([{"line": li.line, "quantity": float(li.quantity), "unit": li.unit,
                           "amount_usd": float(li.amount_usd)} for li in configured.lines])
    cls, share = serverless.break_even_utilization_for_peak(pricing.load(region, engine=engine),
                                                            peak)
    workload = pd.DataFrame([
        {"quantity": "ACU-hours per month", "value": acu_hours},
        {"quantity": "peak capacity (ACU)", "value": peak},
        {"quantity": "average / peak", "value": acu_hours / HOURS_PER_MONTH / peak},
        {"quantity": f"break-even average / peak vs {cls}", "value": float(share)},
    ])
    return {"options": options, "bill lines": lines, "workload": workload}


def global_db_view(*, primary: str = "us-east-1", secondary: str = "eu-west-1",
                   writes_per_s: float = 20_000.0, batch_interval_ms: float = _BATCH_INTERVAL_MS,
                   n_writes: int = 20_000, n_replications: int = 5,
                   seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Replication lag quantiles (closed form) and RPO exposure (Monte Carlo) of one link.

    Parameters
    ----------
    primary, secondary : str
        Region codes of the link.
    writes_per_s : float
        Poisson write rate on the primary, writes per second.
    batch_interval_ms : float
        Redo shipping interval, ms.
    n_writes : int
        Writes per replication of the RPO simulation.
    n_replications : int
        Replications of the RPO simulation.
    seed : int
        Seed of the RPO simulation.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables, by title.
        ``"lag"`` (utilisation, mean and quantiles in ms) and ``"RPO exposure"`` (writes at
        risk and loss window: mean, p99, p99.9).

    Examples
    --------
    >>> from aurora_models.widgets import global_db_view
    >>> v = global_db_view(n_writes=2000, n_replications=3)
    >>> v["lag"]["statistic"].tolist()[:2]
    ['utilisation', 'mean lag (ms)']
    """
    link = global_db.ReplicationLink(primary=primary, secondary=secondary,
                                     batch_interval_ms=batch_interval_ms)
    res = global_db.lag(link, writes_per_s=writes_per_s)
    lag = pd.DataFrame([
        {"statistic": "utilisation", "value": float(res.utilisation)},
        {"statistic": "mean lag (ms)", "value": 1e3 * float(res.mean_s)},
        {"statistic": "p50 lag (ms)", "value": 1e3 * float(res.p50_s)},
        {"statistic": "p99 lag (ms)", "value": 1e3 * float(res.p99_s)},
        {"statistic": "p99.9 lag (ms)", "value": 1e3 * float(res.p999_s)},
    ])
    exposure = global_db.rpo_exposure(link, writes_per_s=writes_per_s,
                                      n_writes=n_writes, n_replications=n_replications,
                                      rng=seed).to_frame()
    keep = exposure["quantity"].isin(["writes at risk", "loss window s"]) & exposure[
        "statistic"].isin(["mean", "p99", "p99.9"])
    return {"lag": lag,
            "RPO exposure": exposure.loc[keep, ["quantity", "statistic", "value",
                                                "standard_error"]].reset_index(drop=True)}


def availability_view(*, deployment: str = "Aurora", replicas: int = 1,
                      proxy: bool = False) -> dict[str, pd.DataFrame]:
    """Expected writer downtime per year, its components, and client-seen failover times.

    Parameters
    ----------
    deployment : str
        ``"Aurora"`` (with ``replicas`` readers) or the name of another entry of
        :data:`aurora_models.availability.DEPLOYMENTS`.
    replicas : int
        Aurora Replicas, 0-15 (Aurora only).
    proxy : bool
        Connect through RDS Proxy.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables, by title.
        ``"downtime"`` (minutes a year, availability, nines, outages), ``"failover"`` (the
        client-seen outage's P50, P90, P99, seconds) and ``"components"``.

    Examples
    --------
    >>> from aurora_models.widgets import availability_view
    >>> availability_view()["downtime"].round(3).values.tolist()[:2]
    [['downtime (minutes/year)', 3.612], ['availability (%)', 99.999]]
    """
    if deployment == "Aurora":
        dep = av.aurora(replicas)
    else:
        by_name = {d.name: d for d in av.DEPLOYMENTS if not d.name.startswith("Aurora")}
        if deployment not in by_name:
            raise ParameterValueError(f"unknown deployment {deployment!r}; choose 'Aurora' or one of "
                             f"{sorted(by_name)}")
        dep = by_name[deployment]
    client = av.PROXY_CLIENT if check_bool("proxy", proxy) else av.DIRECT_CLIENT
    down = av.annual_downtime(dep, client=client)
    minutes = float(down.mean.value)
    summary = pd.DataFrame([
        {"quantity": "downtime (minutes/year)", "value": minutes},
        {"quantity": "availability (%)", "value": 100.0 * (1.0 - minutes / MINUTES_PER_YEAR)},
        {"quantity": "nines", "value": float(av.nines(minutes))},
        {"quantity": "outages per year", "value": float(down.incidents.value)},
    ])
    failover = pd.DataFrame([{"q": q, "client-seen failover (s)":
                              float(av.failover_time_s(dep, q=q, client=client))}
                             for q in (0.5, 0.9, 0.99)])
    parts = av.downtime_components(dep, client=client)
    comps = parts[["downtime_minutes_per_year"]].rename_axis("component").reset_index()
    return {"downtime": summary, "failover": failover, "components": comps}


# --------------------------------------------------------------------------- widget wrappers


def users_view(*, user_region: str = "eu-central-1", share: float = 0.33,
               consistency: str = "session", write_forwarding: bool = False,
               scenario_file: str | None = None) -> dict[str, pd.DataFrame]:
    """Latency by user region for the bundled scenario (or a file), one user region moved.

    The scenario's ``[users]`` table is replaced by two regions: the primary with
    ``1 - share`` of the reads and writes and ``user_region`` with ``share``; then the
    estimate's "latency by user region" section runs (the same numbers as ``aurora-models
    estimate``).

    Parameters
    ----------
    user_region : str
        Where the moved users are (a region code of the latency data).
    share : float
        Their share of the reads and of the writes, in [0, 1].
    consistency : {"eventual", "session", "global"}
        The read consistency of forwarding sessions.
    write_forwarding : bool
        Global Database write forwarding on the secondaries.
    scenario_file : str, optional
        A scenario file (default: the bundled leaderboard, whose eu-west-1 secondary has two
        readers).

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables, by title: ``"latency by user region"`` (p50 and p99 of each latency, ms)
        and ``"serving regions"`` (read share, load and readers needed per region).

    Examples
    --------
    >>> from aurora_models.widgets import users_view
    >>> v = users_view(user_region="eu-central-1", share=0.3)
    >>> v["latency by user region"]["read from"].tolist()
    ['us-east-1', 'eu-west-1']
    """
    from . import scenario as sc  # light: the estimate, only when a view is computed

    share = float(check_range("share", share, 0.0, 1.0))
    base = sc.load(scenario_file) if scenario_file else sc.load()
    primary = base["regions"]["primary"]
    regions = ([{"region": primary, "reads": 1.0, "writes": 1.0}] if user_region == primary
               else [{"region": primary, "reads": 1.0 - share, "writes": 1.0 - share},
                     {"region": user_region, "reads": share, "writes": share}])
    s = base.replace(users__regions=regions, users__consistency=consistency,
                     users__write_forwarding=check_bool("write_forwarding", write_forwarding))
    d = sc.estimate(s, n_trials=200, only=("users",)).to_dict()["users"]
    rows = []
    for u in d["users"]:
        r, w, f, ryw = (u["read_ms"] or {}, u["write_direct_ms"], u["write_forwarded_ms"] or {},
                        u["read_your_write"] or {})
        rows.append({"user region": u["user_region"], "read from": u["read_region"],
                     "read p50": r.get("p50"), "read p99": r.get("p99"),
                     "write p50": w["p50"], "write p99": w["p99"],
                     "forwarded write p50": f.get("p50"), "forwarded write p99": f.get("p99"),
                     "own write visible": ryw.get("p_visible"),
                     "next read wait p99": ryw.get("wait_p99_ms"),
                     "others' writes visible t99": u["read_after_write_t99_ms"]})
    regions_t = pd.DataFrame([{k: x[k] for k in ("region", "role", "instances", "read_share",
                                                  "reads_per_s_daily_peak",
                                                  "utilisation_daily_peak",
                                                  "readers_needed_daily_peak")}
                              for x in d["regions"]])
    return {"latency by user region": pd.DataFrame(rows), "serving regions": regions_t}


def _explorer(compute: Callable[..., Mapping[str, pd.DataFrame]], controls: dict, *,
              title: str, fixed: dict | None = None):
    """Controls above an Output that shows ``compute(**values)`` and re-renders on change."""
    w = require("ipywidgets", extra="widgets", feature="an explorer")
    from IPython.display import display

    out = w.Output()
    fixed = dict(fixed or {})

    def values() -> dict:
        return {name: c.value for name, c in controls.items()}

    def render(_change=None) -> None:
        out.clear_output(wait=True)
        with out:
            try:
                tables = compute(**fixed, **values())
            except (ValueError, KeyError) as exc:  # an impossible combination of controls
                display(w.HTML(f"<b>not computable:</b> {exc}"))
                return
            for name, frame in tables.items():
                display(w.HTML(f"<h4>{name}</h4>"))
                display(frame.style.format(_cell).hide(axis="index"))

    for c in controls.values():
        c.observe(render, names="value")
    render()
    box = w.VBox([w.HTML(f"<h3>{title}</h3>"), w.HBox(list(controls.values()),
                                                       layout=w.Layout(flex_flow="row wrap")),
                  out])
    box.compute, box.controls, box.output = compute, controls, out
    return box


def _cell(value) -> str:
    """A table cell for people: 4 significant digits with separators (1e-9 stays readable)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,.4g}"


def _int(w, description, value, lo, hi):
    return w.IntSlider(value=value, min=lo, max=hi, description=description,
                       style={"description_width": "initial"}, continuous_update=False)


def _float(w, description, value, lo, hi, step, log=False):
    cls = w.FloatLogSlider if log else w.FloatSlider
    kw = dict(base=10, min=lo, max=hi) if log else dict(min=lo, max=hi)
    return cls(value=value, step=step, description=description, continuous_update=False,
               style={"description_width": "initial"}, **kw)


def quorum_explorer():
    """Explore a quorum layout: copies per AZ, Vw, Vr, copy AFR, repair time, AZ outages.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area that re-renders on every change; ``box.compute``,
        ``box.controls`` and ``box.output`` give access to its parts.

    Examples
    --------
    Outside a notebook the tables print as text, hence the redirection:

    >>> import contextlib, io
    >>> from aurora_models import widgets
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = widgets.quorum_explorer()
    >>> sorted(box.controls)
    ['az_outage_hours', 'azs', 'copy_afr', 'per_az', 'read_quorum', 'repair_s', 'write_quorum']
    """
    w = require("ipywidgets", extra="widgets", feature="an explorer")

    def compute(per_az, azs, write_quorum, read_quorum, copy_afr, repair_s, az_outage_hours):
        return quorum_view(copies_per_az=(per_az,) * azs, write_quorum=write_quorum,
                           read_quorum=read_quorum, copy_afr=copy_afr, repair_s=repair_s,
                           az_outage_hours=az_outage_hours)

    controls = {
        "per_az": _int(w, "copies per AZ", _LAYOUT.copies_per_az[0], 1, 3),
        "azs": _int(w, "AZs", _LAYOUT.n_azs, 1, 3),
        "write_quorum": _int(w, "write quorum", _LAYOUT.write_quorum, 1, 9),
        "read_quorum": _int(w, "read quorum", _LAYOUT.read_quorum, 1, 9),
        "copy_afr": _float(w, "copy AFR", _FAILURES.copy_failure_rate_per_year, -3, 0, 0.1,
                           log=True),
        "repair_s": _float(w, "repair (s)", _FAILURES.repair_s, 0.5, 4, 0.1, log=True),
        "az_outage_hours": _float(w, "AZ outage (h)", _FAILURES.az_outage_hours, 0.1, 48.0, 0.1),
    }
    return _explorer(compute, controls, title="Quorum layout explorer")


def write_path_explorer():
    """Explore Aurora's write path: copies, write quorum, same-AZ and cross-AZ round trips.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area that re-renders on every change; ``box.compute``,
        ``box.controls`` and ``box.output`` give access to its parts.

    Examples
    --------
    Outside a notebook the tables print as text, hence the redirection:

    >>> import contextlib, io
    >>> from aurora_models import widgets
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = widgets.write_path_explorer()
    >>> sorted(box.controls)
    ['azs', 'cross_az_rtt_ms', 'per_az', 'same_az_rtt_ms', 'write_quorum']
    """
    w = require("ipywidgets", extra="widgets", feature="an explorer")

    def compute(per_az, azs, write_quorum, same_az_rtt_ms, cross_az_rtt_ms):
        return write_path_view(copies_per_az=(per_az,) * azs, write_quorum=write_quorum,
                               same_az_rtt_ms=same_az_rtt_ms, cross_az_rtt_ms=cross_az_rtt_ms)

    controls = {
        "per_az": _int(w, "copies per AZ", _LAYOUT.copies_per_az[0], 1, 3),
        "azs": _int(w, "AZs", _LAYOUT.n_azs, 1, 3),
        "write_quorum": _int(w, "write quorum", _LAYOUT.write_quorum, 1, 9),
        "same_az_rtt_ms": _float(w, "same-AZ RTT (ms)", LATENCY_DEFAULTS.same_az_rtt_ms, 0.05,
                                 5.0, 0.01),
        "cross_az_rtt_ms": _float(w, "cross-AZ RTT (ms)", LATENCY_DEFAULTS.cross_az_rtt_ms, 0.1,
                                  10.0, 0.01),
    }
    return _explorer(compute, controls, title="Write path explorer")


def cost_explorer():
    """Explore a month's bill: region, engine, capacity mode, ACU range, demand shape.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area that re-renders on every change; ``box.compute``,
        ``box.controls`` and ``box.output`` give access to its parts.

    Examples
    --------
    Outside a notebook the tables print as text, hence the redirection:

    >>> import contextlib, io
    >>> from aurora_models import widgets
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = widgets.cost_explorer()
    >>> sorted(box.controls)
    ['capacity', 'daily_amplitude', 'engine', 'max_acu', 'mean_acu', 'min_acu', 'region']
    """
    w = require("ipywidgets", extra="widgets", feature="an explorer")

    controls = {
        "region": w.Dropdown(options=list(pricing.known_regions()), value="us-east-1",
                             description="region"),
        "engine": w.Dropdown(options=["aurora-mysql", "aurora-postgresql"],
                             value="aurora-mysql", description="engine"),
        "capacity": w.Dropdown(options=["serverless", "provisioned"], value="serverless",
                               description="capacity"),
        "min_acu": _float(w, "min ACU", 0.5, 0.0, 16.0, 0.5),
        "max_acu": _float(w, "max ACU", 16.0, 1.0, 256.0, 0.5),
        "mean_acu": _float(w, "mean demand (ACU)", 4.0, 0.5, 64.0, 0.5),
        "daily_amplitude": _float(w, "daily swing", 0.5, 0.0, 0.95, 0.05),
    }
    return _explorer(cost_view, controls, title="Cost explorer")


def global_db_explorer():
    """Explore a Global Database link: regions, write rate, batch interval.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area that re-renders on every change; ``box.compute``,
        ``box.controls`` and ``box.output`` give access to its parts.

    Examples
    --------
    Outside a notebook the tables print as text, hence the redirection:

    >>> import contextlib, io
    >>> from aurora_models import widgets
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = widgets.global_db_explorer()
    >>> sorted(box.controls)
    ['batch_interval_ms', 'primary', 'secondary', 'writes_per_s']
    """
    w = require("ipywidgets", extra="widgets", feature="an explorer")

    regions = list(pricing.known_regions())
    controls = {
        "primary": w.Dropdown(options=regions, value="us-east-1", description="primary"),
        "secondary": w.Dropdown(options=regions, value="eu-west-1", description="secondary"),
        "writes_per_s": _float(w, "writes/s", 20_000.0, 1, 5, 0.05, log=True),
        "batch_interval_ms": _float(w, "batch interval (ms)", _BATCH_INTERVAL_MS, 0.0, 100.0,
                                    1.0),
    }
    return _explorer(global_db_view, controls, title="Global Database explorer")


def availability_explorer():
    """Explore writer downtime: deployment, Aurora replicas, RDS Proxy.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area that re-renders on every change; ``box.compute``,
        ``box.controls`` and ``box.output`` give access to its parts.

    Examples
    --------
    Outside a notebook the tables print as text, hence the redirection:

    >>> import contextlib, io
    >>> from aurora_models import widgets
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = widgets.availability_explorer()
    >>> sorted(box.controls)
    ['deployment', 'proxy', 'replicas']
    """
    w = require("ipywidgets", extra="widgets", feature="an explorer")

    names = ["Aurora", *[d.name for d in av.DEPLOYMENTS if not d.name.startswith("Aurora")]]
    controls = {
        "deployment": w.Dropdown(options=names, value="Aurora", description="deployment"),
        "replicas": _int(w, "Aurora replicas", 1, 0, 15),
        "proxy": w.Checkbox(value=False, description="RDS Proxy"),
    }
    return _explorer(availability_view, controls, title="Availability explorer")


def users_explorer():
    """Explore where the users are: one user region, its share, consistency, forwarding.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area that re-renders on every change; ``box.compute``,
        ``box.controls`` and ``box.output`` give access to its parts.

    Examples
    --------
    Outside a notebook the tables print as text, hence the redirection:

    >>> import contextlib, io
    >>> from aurora_models import widgets
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = widgets.users_explorer()
    >>> sorted(box.controls)
    ['consistency', 'share', 'user_region', 'write_forwarding']
    """
    w = require("ipywidgets", extra="widgets", feature="an explorer")

    controls = {
        "user_region": w.Dropdown(options=global_db.regions(), value="eu-central-1",
                                  description="user region"),
        "share": _float(w, "share of users", 0.33, 0.0, 1.0, 0.01),
        "consistency": w.Dropdown(options=list(global_db.CONSISTENCY_LEVELS), value="session",
                                  description="consistency"),
        "write_forwarding": w.Checkbox(value=False, description="write forwarding"),
    }
    return _explorer(users_view, controls, title="Where the users are")
