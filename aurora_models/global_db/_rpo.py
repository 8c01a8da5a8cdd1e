"""RPO and RTO: data at risk on failover, rds.global_db_rpo blocking, recovery timelines,
region choice."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import pricing
from .._assumptions import register
from .._validate import check_choice, check_nonnegative, check_positive, check_range
from ..exceptions import ParameterValueError
from ..units import HOURS_PER_MONTH
from ._lag import LagSamples, _check_trace, _episode_terms, _healthy, lag, simulate_lag
from ._link import ReplicationLink, _check_region, check_links

__all__ = [
    "RPO_MIN_S",
    "RPOBlocking",
    "RPOExposure",
    "RecoveryTimeline",
    "compare_regions",
    "recovery_timeline",
    "rpo_blocking",
    "rpo_exposure",
]

RPO_MIN_S = register(
    "global_db.rpo_min_s", 20.0, "s",
    source="Aurora User Guide 2023, aurora-global-database-disaster-recovery: rds.global_db_rpo "
           "valid values 20 to 2,147,483,647 s (Aurora PostgreSQL)")
RPO_MAX_S = 2_147_483_647.0

WRITE_IO_UNIT_BYTES = register(
    "global_db.write_io_unit_bytes", 4096.0, "bytes",
    source="AWS Database Blog 'Planning I/O in Amazon Aurora': writes are counted in 4 KB units "
           "and smaller records are batched (research/aurora_facts.md 4.1)")

SWITCHOVER_QUIESCE_S = register(
    "global_db.switchover_quiesce_s", 10.0, "s",
    rationale="assumption: stopping writes on the old primary before the secondaries sync; "
              "AWS says only 'unavailable for a short time'",
    uncertainty={"dist": "triangular", "low": 2.0, "mode": 10.0, "high": 60.0,
                 "rationale": "seconds to a minute for the writes to drain"})
PROMOTE_S = register(
    "global_db.promote_s", 60.0, "s",
    rationale="assumption from the secondary-source 'promote in less than a minute' "
              "(AWS DR workshop); no AWS number exists",
    uncertainty={"dist": "triangular", "low": 20.0, "mode": 60.0, "high": 180.0,
                 "rationale": "'less than a minute' taken as typical, with a slow tail"})
ENDPOINT_S = register(
    "global_db.endpoint_update_s", 30.0, "s",
    rationale="assumption: global writer endpoint / DNS change and client reconnect",
    uncertainty={"dist": "triangular", "low": 5.0, "mode": 30.0, "high": 120.0,
                 "rationale": "a DNS TTL and reconnect to clients caching the old address"})
DETECTION_S = register(
    "global_db.failure_detection_s", 60.0, "s",
    rationale="assumption: alarms on a regional outage (a few 1-minute metric periods)",
    uncertainty={"dist": "triangular", "low": 30.0, "mode": 60.0, "high": 300.0,
                 "rationale": "one to five 1-minute alarm periods"})
DECISION_S = register(
    "global_db.failover_decision_s", 300.0, "s",
    rationale="assumption: an operator decides on an unplanned cross-region failover "
              "(AWS: RTO 'depends on how fast the operator works'); 0 when automated",
    uncertainty={"dist": "loguniform", "low": 60.0, "high": 3600.0,
                 "rationale": "a runbook at hand to an hour of escalation"})


def _check_rpo(rpo_s):
    return check_range("rpo_s", rpo_s, RPO_MIN_S, RPO_MAX_S)


# ----------------------------------------------------------------------------------------------
# data at risk


@dataclass(frozen=True, kw_only=True, eq=False)
class RPOExposure:
    """Data at risk if the primary region fails at a random instant (unplanned failover).

    Attributes
    ----------
    link : ReplicationLink
    writes_per_s : float
    stable : bool
        False for an unstable link: the data at risk then grows without bound
        (``lag_growth_s_per_s``), and the estimate dictionaries are empty.
    lag_growth_s_per_s : float
    writes, bytes, window_s : dict of Estimate
        Writes committed but not yet visible on the secondary, their redo bytes, and the loss
        window (age of the oldest of them): ``mean``, ``p50``, ``p99``, ``p99.9``, ``max``.
    lag_at_instant_s, lag_per_write_s : dict of Estimate
        The time-average lag (at the failure instant) and the per-write lag.
    little_mean_writes : float
        ``lambda E[L]`` with the simulated mean per-write lag: Little's law, which the mean of
        ``writes`` must satisfy for any stationary commit process (a consistency check; with
        Poisson writes and no batching, :func:`lag` gives ``E[L]`` exactly).
    simulation : LagSamples or None
        The simulation behind the estimates (:attr:`LagResult.simulation`).
    note : str
    """

    link: ReplicationLink
    writes_per_s: float
    stable: bool
    lag_growth_s_per_s: float = 0.0
    writes: dict = field(default_factory=dict)
    bytes: dict = field(default_factory=dict)
    window_s: dict = field(default_factory=dict)
    lag_at_instant_s: dict = field(default_factory=dict)
    lag_per_write_s: dict = field(default_factory=dict)
    little_mean_writes: float = math.inf
    simulation: LagSamples | None = None
    note: str = ""

    def to_frame(self):
        """Rows (quantity, statistic) with value and standard error."""
        import pandas as pd

        rows = []
        for name, stats in (("writes at risk", self.writes), ("bytes at risk", self.bytes),
                            ("loss window s", self.window_s),
                            ("lag at failure instant s", self.lag_at_instant_s),
                            ("lag per write s", self.lag_per_write_s)):
            for stat, e in stats.items():
                rows.append({"quantity": name, "statistic": stat, "value": e.value,
                             "standard_error": e.standard_error})
        return pd.DataFrame(rows, columns=["quantity", "statistic", "value", "standard_error"])


def rpo_exposure(link: ReplicationLink, *, writes_per_s: float | None = None, trace=None,
                 trace_step_s: float | None = None, n_writes: int = 100_000,
                 n_replications: int = 20, rng=None) -> RPOExposure:
    """Data at risk on an unplanned failover, as a distribution over the failure instant.

    Parameters
    ----------
    link : ReplicationLink
    writes_per_s, trace, trace_step_s, n_writes, n_replications, rng
        As for :func:`simulate_lag` (``writes_per_s`` may be omitted with a ``trace``: its mean
        is used). The default 100,000 writes per replication resolve the p99.9 (see
        :func:`simulate_lag`).

    Returns
    -------
    RPOExposure
        Explicit ``stable=False`` result (with the growth rate) for an unstable link.

    Notes
    -----
    A failure strikes at a uniformly random instant t, not at a commit, so the right lag is
    the time average, not the per-write lag. Data lost = writes committed by t and not yet
    applied on the secondary (``N(t)``), their bytes, and the window ``t - c_oldest``. By
    Little's law ``E[N] = lambda E[L]`` for any stationary commit process; for Poisson commits
    the lag at a random instant is distributed as the per-write lag (PASTA), for bursty commits
    it is smaller (writes cluster when the link is busy).

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, rpo_exposure
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> exp = rpo_exposure(link, writes_per_s=2000.0, n_writes=4000, n_replications=4, rng=2)
    >>> 60 < exp.writes["mean"].value < 110     # about 2000/s x 43 ms
    True
    """
    if trace is None and writes_per_s is not None:
        lam = float(check_positive("writes_per_s", writes_per_s))
        st = link.stability(lam)
        if not st.stable:
            return RPOExposure(
                link=link, writes_per_s=lam, stable=False,
                lag_growth_s_per_s=st.backlog_growth_per_s,
                note=(f"unstable: utilisation {st.utilisation:.4g} >= 1, the secondary falls "
                      f"behind by {st.backlog_growth_per_s:.4g} s per second, so the data at "
                      "risk grows without bound"))
    if writes_per_s is None:
        if trace is None:
            raise ParameterValueError("`writes_per_s` or `trace` must be given, got neither")
        writes_per_s = float(_check_trace(trace, trace_step_s, None)[0].mean())
    res = simulate_lag(link, writes_per_s=writes_per_s, trace=trace, trace_step_s=trace_step_s,
                       n_writes=n_writes, n_replications=n_replications, rng=rng)
    sim = res.simulation
    assert sim is not None  # simulate_lag keeps its samples
    rate = sim.simulated_writes_per_s if trace is not None else res.writes_per_s
    little = rate * res.mean.value
    return RPOExposure(link=link, writes_per_s=rate, stable=True,
                       writes=sim.writes_at_risk, bytes=sim.bytes_at_risk, window_s=sim.window_s,
                       lag_at_instant_s=sim.at_instant, lag_per_write_s=sim.per_write,
                       little_mean_writes=float(little), simulation=sim)


# ----------------------------------------------------------------------------------------------
# rds.global_db_rpo


@dataclass(frozen=True, kw_only=True)
class RPOBlocking:
    """The rds.global_db_rpo trade-off at one or more RPO settings.

    Attributes
    ----------
    rpo_s : float or numpy.ndarray
    fraction_blocked : float or numpy.ndarray
        Long-run fraction of time commits on the primary are blocked (every secondary behind);
        an upper bound (see :func:`rpo_blocking`, Notes).
    mean_added_latency_s : float or numpy.ndarray
        Mean extra commit latency over all commits (a commit arriving in a block waits its rest).
    mean_block_wait_s : float or numpy.ndarray
        Mean wait of a commit that does hit a block.
    per_link_fraction : numpy.ndarray
        Fraction of time each secondary alone is behind the RPO, shape ``(n_links, ...)``.
    secondaries : tuple of str
    episodes : str
    stable : bool
        False when every secondary is unstable: commits are then throttled to the best
        secondary's capacity (``fraction_blocked = 1 - 1/u_min``) and the added latency is inf.
    note : str
    """

    rpo_s: object
    fraction_blocked: object
    mean_added_latency_s: object
    mean_block_wait_s: object
    per_link_fraction: np.ndarray
    secondaries: tuple
    episodes: str
    stable: bool = True
    note: str = ""

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame({
            "rpo_s": np.atleast_1d(self.rpo_s),
            "fraction_blocked": np.atleast_1d(self.fraction_blocked),
            "blocked_s_per_day": np.atleast_1d(self.fraction_blocked) * 86400.0,
            "mean_added_latency_ms": 1e3 * np.atleast_1d(self.mean_added_latency_s),
            "mean_block_wait_s": np.atleast_1d(self.mean_block_wait_s)})


def _link_terms(link: ReplicationLink, lam: float):
    """(r, g, k, base_lag) of one stable link, or None when episodes cannot build a backlog."""
    terms = _episode_terms(link, lam)
    if terms is None:
        return None
    r, _, k = terms
    rho = lam * link.service_mean_s
    g = 1.0 / k + rho / (1.0 - rho)
    return r, g, k, _healthy(link, lam)[0]


def rpo_blocking(links, *, writes_per_s: float, rpo_s=RPO_MIN_S,
                 episodes: str = "independent") -> RPOBlocking:
    """Fraction of time ``rds.global_db_rpo`` blocks commits, and the added commit latency.

    Parameters
    ----------
    links : ReplicationLink or sequence of them
        One to 10 secondaries of one primary.
    writes_per_s : float
        Poisson commit rate on the primary.
    rpo_s : float or array_like
        The ``rds.global_db_rpo`` setting(s), seconds, in [20, 2147483647].
    episodes : {"independent", "shared"}
        Degradation episodes independent per secondary, or shared by all (a problem on the
        primary side; every link must then have the same :class:`Degradation`).

    Returns
    -------
    RPOBlocking

    Raises
    ------
    ValueError
        An RPO below 20 s, more than 10 secondaries, a negative rate.

    Notes
    -----
    Aurora commits while at least one secondary's RPO lag (the age of its oldest unreplicated
    commit) is under the setting R, and blocks commits when every secondary is behind. Healthy
    lag is far below 20 s, so blocking comes from degradation episodes. In the fluid model, an
    episode of length D at remaining capacity f and load rho > f ages the oldest unreplicated
    commit at rate ``k = 1 - f / rho`` up to ``k D``; afterwards the age falls at rate
    ``1 / rho - 1``. The formula takes the time this age spends above ``R' = R - E[L_h]`` in the
    *unblocked* system, ``X = g (k D - R')^+`` with ``g = 1/k + rho / (1 - rho)``. That is exact
    only for short excursions: blocking leaves a gap in the commit stream, so once the pre-block
    backlog is replicated the secondary skips the gap and commits resume earlier (in a full
    stall, when ``D > R' (2 - rho)``); the commits deferred by the block then arrive together
    and can block again (when ``rho X / (1 - rho) > R'``). A fluid simulation with blocking
    (``tests/test_global_db.py``) finds the formula an upper bound on the block length, exact for
    short episodes and too long by about 10 % at ``rho = 0.1`` and a third at ``rho = 0.5`` for
    episodes 3 to 6 times the RPO: read ``fraction_blocked`` and the added latency as
    conservative (pessimistic) figures. With episodes starting at ``r`` per second,
    ``q = r g E[(kD - R')^+]`` (``= r g k E[D] exp(-R' / (k E[D]))`` for exponential D) and the
    mean added latency per commit is ``r E[X^2] / 2`` (PASTA). With several independent
    secondaries, blocking needs all of them behind: ``q = prod q_i``, and a block ends when the
    first recovers (mean ``1 / sum(1 / m_i)``, ``m_i = E[X_i^2] / (2 E[X_i])``, an exponential
    approximation). With shared episodes ``X = min_i X_i(D)``.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, rpo_blocking
    >>> one = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> two = ReplicationLink(primary="us-east-1", secondary="us-west-2")
    >>> b1 = rpo_blocking(one, writes_per_s=5000.0, rpo_s=20.0)
    >>> b2 = rpo_blocking([one, two], writes_per_s=5000.0, rpo_s=20.0)
    >>> bool(b2.fraction_blocked < b1.fraction_blocked < 1e-3)
    True
    """
    links = check_links(links)
    lam = float(check_nonnegative("writes_per_s", writes_per_s))
    rpo = _check_rpo(rpo_s)
    check_choice("episodes", episodes, ["independent", "shared"])
    r_arr = np.atleast_1d(np.asarray(rpo, dtype=float))
    n = len(links)
    util = np.array([ln.stability(lam).utilisation for ln in links])
    unstable = util >= 1.0
    names = tuple(ln.secondary for ln in links)
    if unstable.all():
        frac = float(1.0 - 1.0 / util.min())
        shape = np.shape(rpo)
        fill = (np.full(shape, frac) if shape else frac)
        infs = np.full(shape, math.inf) if shape else math.inf
        return RPOBlocking(rpo_s=rpo, fraction_blocked=fill, mean_added_latency_s=infs,
                           mean_block_wait_s=infs, per_link_fraction=np.ones((n, *shape)),
                           secondaries=names, episodes=episodes, stable=False,
                           note=(f"every secondary is unstable (utilisation >= "
                                 f"{util.min():.4g}): commits are throttled to the best "
                                 "secondary's capacity"))
    terms = [None if u else _link_terms(ln, lam) for ln, u in zip(links, unstable, strict=True)]
    per_q = np.zeros((n, r_arr.size))
    per_m = np.full((n, r_arr.size), math.inf)
    for i, (ln, t) in enumerate(zip(links, terms, strict=True)):
        if unstable[i]:
            per_q[i] = 1.0
            continue
        if t is None:
            continue
        r, g, k, base = t
        dg = ln.degradation
        for j, rr in enumerate(r_arr):
            thr = max(rr - base, 0.0)
            e1 = dg.mean_excess(thr, k)
            e2 = dg.mean_excess_square(thr, k)
            per_q[i, j] = r * g * e1
            per_m[i, j] = g * e2 / (2.0 * e1) if e1 > 0 else 0.0
    if episodes == "independent":
        q = per_q.prod(axis=0)
        with np.errstate(divide="ignore"):
            inv = np.where(unstable[:, None], 0.0, 1.0 / np.where(per_m > 0, per_m, np.inf))
        rate_sum = inv.sum(axis=0)
        resid = np.where(rate_sum > 0, 1.0 / np.where(rate_sum > 0, rate_sum, 1.0), 0.0)
    else:
        q, resid = _shared(links, terms, unstable, lam, r_arr)
    added = q * resid
    scalar = np.ndim(rpo) == 0

    def out(a):
        return float(a[0]) if scalar else a.reshape(np.shape(rpo))

    return RPOBlocking(rpo_s=rpo, fraction_blocked=out(q), mean_added_latency_s=out(added),
                       mean_block_wait_s=out(resid),
                       per_link_fraction=per_q[:, 0] if scalar else per_q, secondaries=names,
                       episodes=episodes, stable=True,
                       note="" if not unstable.any() else
                       "unstable secondaries are always behind the RPO and never unblock commits")


def _shared(links, terms, unstable, lam, r_arr):
    from scipy.integrate import quad

    dgs = {ln.degradation for ln in links}
    if len(dgs) != 1 or None in dgs:
        raise ParameterValueError("`episodes` must be 'independent' unless every link has the same "
                         "Degradation, got different ones")
    dg = next(iter(dgs))
    r = dg.starts_per_s
    mean = dg.mean_duration_s
    q = np.zeros(r_arr.size)
    resid = np.zeros(r_arr.size)
    active = [t for t, u in zip(terms, unstable, strict=True) if not u]
    if any(t is None for t in active) or not active:
        return q, resid
    for j, rr in enumerate(r_arr):
        def x_of(dur, rr=rr):
            return min(g * max(k * dur - max(rr - base, 0.0), 0.0) for _, g, k, base in active)

        if dg.duration == "constant":
            e1, e2 = x_of(dg.mean_duration_s), x_of(dg.mean_duration_s) ** 2
        else:
            kinks = sorted(max(rr - base, 0.0) / k for _, _, k, base in active)
            upper = kinks[-1] + 60.0 * mean
            e1 = quad(lambda x: x_of(x) * math.exp(-x / mean) / mean, 0.0, upper,
                      points=kinks, limit=200)[0]
            e2 = quad(lambda x: x_of(x) ** 2 * math.exp(-x / mean) / mean, 0.0, upper,
                      points=kinks, limit=200)[0]
        q[j] = r * e1
        resid[j] = e2 / (2.0 * e1) if e1 > 0 else 0.0
    return q, resid


# ----------------------------------------------------------------------------------------------
# RTO timelines


@dataclass(frozen=True, kw_only=True, eq=False)
class RecoveryTimeline:
    """Steps of a switchover or failover, with the resulting RTO and RPO.

    Attributes
    ----------
    kind : str
        ``"switchover"`` (planned, RPO 0) or ``"failover"`` (unplanned, detach and promote).
    steps : pandas.DataFrame
        ``step``, ``duration_s``, ``basis`` (documented fact or stated assumption).
    rto_s : float
        Sum of the step durations.
    rpo_s : float
        0 for a switchover; the loss window given for a failover.
    """

    kind: str
    steps: object
    rto_s: float
    rpo_s: float


def recovery_timeline(kind: str = "switchover", *, lag_s: float = 0.0,
                      quiesce_s: float = SWITCHOVER_QUIESCE_S,
                      detection_s: float = DETECTION_S, decision_s: float = DECISION_S,
                      promote_s: float = PROMOTE_S,
                      endpoint_s: float = ENDPOINT_S) -> RecoveryTimeline:
    """Switchover vs unplanned failover timeline from documented components.

    Parameters
    ----------
    kind : {"switchover", "failover"}
    lag_s : float
        Switchover: the replication lag the secondaries must catch up (the outage grows with it,
        as AWS documents). Failover: the loss window at the failure instant (e.g. a percentile
        of :func:`rpo_exposure`'s ``window_s``), which becomes the RPO.
    quiesce_s, detection_s, decision_s, promote_s, endpoint_s : float
        Step durations, seconds (stated assumptions by default; AWS gives no numbers beyond
        "a short time" and "minutes").

    Returns
    -------
    RecoveryTimeline

    Notes
    -----
    Switchover (``SwitchoverGlobalCluster``): quiesce the primary, wait until every secondary is
    synchronised (RPO 0; outage proportional to lag), promote, move the global writer endpoint.
    Failover (``FailoverGlobalCluster --allow-data-loss`` or detach and promote): detect the
    outage, decide, detach and promote the secondary, reconnect clients; writes inside the lag
    window are lost (RPO "typically measured in seconds"), RTO "in the order of minutes".

    Examples
    --------
    >>> from aurora_models.global_db import recovery_timeline
    >>> tl = recovery_timeline("switchover", lag_s=0.5)
    >>> tl.rpo_s, round(tl.rto_s, 1)
    (0.0, 100.5)
    >>> recovery_timeline("failover", lag_s=1.2).rpo_s
    1.2
    """
    import pandas as pd

    check_choice("kind", kind, ["switchover", "failover"])
    lag_s = float(check_nonnegative("lag_s", lag_s))
    vals = {name: float(check_nonnegative(name, v)) for name, v in
            (("quiesce_s", quiesce_s), ("detection_s", detection_s), ("decision_s", decision_s),
             ("promote_s", promote_s), ("endpoint_s", endpoint_s))}
    if kind == "switchover":
        rows = [("quiesce writes on the old primary", vals["quiesce_s"], "assumption"),
                ("secondaries catch up (outage grows with lag)", lag_s,
                 "documented: proportional to AuroraGlobalDBReplicationLag"),
                ("promote secondary, demote old primary", vals["promote_s"], "assumption"),
                ("global writer endpoint follows", vals["endpoint_s"], "assumption")]
        rpo = 0.0
    else:
        rows = [("detect the regional outage", vals["detection_s"], "assumption"),
                ("decide to fail over", vals["decision_s"],
                 "assumption (documented: depends on the operator)"),
                ("detach and promote the secondary", vals["promote_s"],
                 "assumption ('less than a minute', secondary source)"),
                ("endpoint change and client reconnect", vals["endpoint_s"], "assumption")]
        rpo = lag_s
    steps = pd.DataFrame(rows, columns=["step", "duration_s", "basis"])
    return RecoveryTimeline(kind=kind, steps=steps, rto_s=float(steps["duration_s"].sum()),
                            rpo_s=rpo)


# ----------------------------------------------------------------------------------------------
# region choice


def compare_regions(primary: str, candidates, *, writes_per_s: float, rpo_s: float = RPO_MIN_S,
                    price_book=None, **link_options):
    """Lag, RPO exposure, rds.global_db_rpo blocking and replicated write I/O cost per candidate.

    Parameters
    ----------
    primary : str
        Primary region code.
    candidates : sequence of str
        Candidate secondary regions (alternatives, compared one at a time).
    writes_per_s : float
        Poisson commit rate on the primary.
    rpo_s : float
        ``rds.global_db_rpo`` setting for the blocking column (>= 20 s).
    price_book : aurora_models.pricing.PriceBook, optional
        Source of the replicated write I/O price (billed per secondary region); default the
        us-east-1 book (``pricing.load()``).
    **link_options
        Passed to :class:`ReplicationLink` (bandwidth, redo size, degradation...).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``secondary``: ``one_way_ms``, ``utilisation``, ``stable``, ``p50_ms``,
        ``p99_ms``, ``p999_ms``, ``writes_at_risk_mean`` (Little: ``lambda E[L]``),
        ``fraction_blocked``, ``replicated_write_io_per_month``, ``io_cost_usd_per_month``,
        ``price_region``. Unstable candidates have ``stable`` False and inf lag columns.

    Notes
    -----
    Replicated write I/Os: redo bytes per second / 4 KB (writes are counted in 4 KB units and
    small records are batched), times 730 hours a month, priced per million per secondary.

    Examples
    --------
    >>> from aurora_models.global_db import compare_regions
    >>> t = compare_regions("us-east-1", ["us-east-2", "eu-west-1"], writes_per_s=1000.0)
    >>> list(t.index), bool(t.loc["us-east-2", "p99_ms"] < t.loc["eu-west-1", "p99_ms"])
    (['us-east-2', 'eu-west-1'], True)
    >>> round(float(t.loc["eu-west-1", "io_cost_usd_per_month"]), 2)   # 0.25 IO/write, $0.20/M
    131.4
    """
    import pandas as pd

    _check_region("primary", primary)
    lam = float(check_nonnegative("writes_per_s", writes_per_s))
    _check_rpo(rpo_s)
    if isinstance(candidates, str):
        candidates = [candidates]
    pb = pricing.load() if price_book is None else price_book
    price = pb.global_write_io_per_million_usd
    rows = []
    for sec in candidates:
        link = ReplicationLink(primary=primary, secondary=sec, **link_options)
        res = lag(link, writes_per_s=lam)
        blocked = rpo_blocking(link, writes_per_s=lam, rpo_s=rpo_s).fraction_blocked
        ios = lam * link.redo_bytes_per_write / WRITE_IO_UNIT_BYTES * 3600.0 * HOURS_PER_MONTH
        rows.append({"secondary": sec, "one_way_ms": link.one_way_ms,
                     "utilisation": res.utilisation, "stable": res.stable,
                     "p50_ms": 1e3 * res.p50_s, "p99_ms": 1e3 * res.p99_s,
                     "p999_ms": 1e3 * res.p999_s,
                     "writes_at_risk_mean": lam * res.mean_s if res.stable else math.inf,
                     "fraction_blocked": blocked, "replicated_write_io_per_month": ios,
                     "io_cost_usd_per_month": ios / 1e6 * price, "price_region": pb.region})
    return pd.DataFrame(rows).set_index("secondary")
