"""Read consistency of Global Database write forwarding: EVENTUAL, SESSION and GLOBAL.

What the AWS pages say each level guarantees (quoted in :func:`read_after_write`, Notes), what
that means for a read issued on a secondary ``t`` ms after a write committed on the primary,
and how long the read waits, from the cross-region lag distribution of :func:`lag`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from .._rng import as_generator
from .._validate import (
    check_bool,
    check_choice,
    check_int_range,
    check_nonnegative,
    check_positive,
    check_range,
)
from ..exceptions import ParameterTypeError
from ..results import Estimate
from ._lag import QUANTILES, _lag_sf_builder, _qname, _quantile_from_sf, simulate_lag
from ._link import ReplicationLink

__all__ = ["CONSISTENCY_GUARANTEES", "CONSISTENCY_LEVELS", "ReadAfterWrite", "read_after_write", "read_visibility",
           "read_wait_cdf", "simulate_read_after_write"]

#: The read-consistency levels of write forwarding, in increasing strength: the values of
#: ``aurora_replica_read_consistency`` (Aurora MySQL) and ``apg_write_forward.consistency_mode``
#: (Aurora PostgreSQL), lower-cased.
CONSISTENCY_LEVELS = ("eventual", "session", "global")

#: What each level guarantees, in the words of the AWS pages (see :func:`read_after_write`).
CONSISTENCY_GUARANTEES = {
    "eventual": "no wait: the session's own forwarded writes become visible only once replicated "
                "to this Region; a read may see older or newer data depending on timing and lag",
    "session": "the session sees all changes it made (waiting for its forwarded writes to "
               "replicate); no wait for other sessions' or Regions' writes",
    "global": "the session sees every change committed on the primary and other secondaries as "
              "of the query's start; the query waits until this cluster is up to date",
}

#: Nodes of the quadrature over the age of the latest commit (GLOBAL), equal-probability cells.
_N_AGE = 1 << 14


def _level(level) -> str:
    if not isinstance(level, str):
        raise ParameterTypeError(f"`level` must be a string, one of {CONSISTENCY_LEVELS}, got "
                                 f"{type(level).__name__} {level!r}")
    return str(check_choice("level", level.lower(), CONSISTENCY_LEVELS))


def _check(link, t_ms, writes_per_s, level, own_write, include_degradation):
    if not isinstance(link, ReplicationLink):
        raise ParameterTypeError(f"`link` must be a ReplicationLink, got {type(link).__name__}")
    lam = float(check_nonnegative("writes_per_s", writes_per_s))
    lv = _level(level)
    own = check_bool("own_write", own_write)
    inc = check_bool("include_degradation", include_degradation)
    link.stability(lam).require_stable("a steady-state read consistency wait")
    t = check_nonnegative("t_ms", t_ms, allow_inf=True)
    return lam, lv, own, inc, t


def _lag_sf(link, lam, inc):
    _, sf, _, pi, _ = _lag_sf_builder(link, lam, inc)

    def f(x_s):
        return np.asarray(sf(np.asarray(x_s, dtype=float)), dtype=float)
    return f, pi


@functools.lru_cache(maxsize=64)
def _ages(lam: float, t_s: float):
    """Equal-probability nodes of M = min(A, t), A ~ Exp(lam): (nodes, weight each, P(M = t))."""
    if lam <= 0.0:
        return np.empty(0), 0.0, 1.0
    mass = -math.expm1(-lam * t_s) if math.isfinite(t_s) else 1.0
    u = (np.arange(_N_AGE) + 0.5) / _N_AGE * mass
    nodes = -np.log1p(-u) / lam
    nodes.setflags(write=False)  # cached: shared by every caller
    return nodes, mass / _N_AGE, 1.0 - mass


def _wait_sf(sf, lam, level, own, t_s, w_s):
    """P(wait > w) for each w (seconds, array) at one t (seconds)."""
    w = np.atleast_1d(np.asarray(w_s, dtype=float))
    if level == "eventual" or (level == "session" and not own) or (
            level == "session" and math.isinf(t_s)):
        return np.zeros_like(w)
    if level == "session":
        return np.clip(sf(t_s + w), 0.0, 1.0)
    nodes, weight, p_last = _ages(lam, t_s)
    out = np.zeros_like(w)
    if nodes.size:  # in blocks of waits: a (waits x nodes) matrix stays about 4 M cells
        block = max(1, (1 << 22) // nodes.size)
        for i in range(0, w.size, block):
            out[i:i + block] = weight * sf(nodes[None, :] + w[i:i + block, None]).sum(axis=1)
    if p_last > 0.0:
        out = out + p_last * sf(t_s + w)
    return np.clip(out, 0.0, 1.0)


def read_visibility(link: ReplicationLink, t_ms, *, writes_per_s: float,
                    level: str = "eventual", own_write: bool = True,
                    include_degradation: bool = True):
    """P(a read on the secondary ``t_ms`` after the write committed on the primary sees it).

    Parameters
    ----------
    link : ReplicationLink
        The primary -> secondary link.
    t_ms : float or array_like
        Time from the commit on the primary to the start of the read on the secondary,
        milliseconds (>= 0).
    writes_per_s : float
        Poisson write rate on the primary, writes per second (>= 0).
    level : str
        ``"eventual"``, ``"session"`` or ``"global"`` (:data:`CONSISTENCY_LEVELS`).
    own_write : bool
        Whether the write was made (forwarded) by the reading session itself.
    include_degradation : bool
        Include the link's degradation episodes (fluid model), as in :func:`lag`.

    Returns
    -------
    float or numpy.ndarray
        EVENTUAL: the lag CDF ``P(L <= t)`` (:func:`visibility_probability`); SESSION: 1 for
        the session's own writes, ``P(L <= t)`` for others'; GLOBAL: 1 (the write committed
        before the read started). In [0, 1], non-decreasing in ``t_ms``.

    Raises
    ------
    UnstableSystemError
        When the link is unstable (no steady-state lag).

    See Also
    --------
    read_after_write : The same probability with the read's wait, as Estimates.
    read_wait_cdf : How long the read waits for that visibility.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, read_visibility
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> [float(read_visibility(link, 20.0, writes_per_s=1000.0, level=lv))
    ...  for lv in ("eventual", "session", "global")]
    [0.0, 1.0, 1.0]
    """
    lam, lv, own, inc, t = _check(link, t_ms, writes_per_s, level, own_write,
                                  include_degradation)
    arr = np.asarray(t, dtype=float)
    if lv == "global" or (lv == "session" and own):
        out = np.ones_like(arr)
    else:
        sf, _ = _lag_sf(link, lam, inc)
        out = np.where(np.isinf(arr), 1.0, np.clip(1.0 - sf(np.where(np.isinf(arr), 0.0, arr)
                                                             / 1e3), 0.0, 1.0))
    return out if np.ndim(t) else float(out)


def read_wait_cdf(link: ReplicationLink, wait_ms, *, t_ms: float, writes_per_s: float,
                  level: str, own_write: bool = True, include_degradation: bool = True):
    """P(the read waits at most ``wait_ms`` before it runs), under one consistency level.

    Parameters
    ----------
    link : ReplicationLink
        The primary -> secondary link.
    wait_ms : float or array_like
        Wait, milliseconds (>= 0).
    t_ms : float
        Time from the write's commit on the primary (for SESSION: the session's last write) to
        the read's start, milliseconds (>= 0; ``inf``: no recent write).
    writes_per_s : float
        Poisson write rate on the primary, writes per second (>= 0).
    level : str
        ``"eventual"``, ``"session"`` or ``"global"`` (:data:`CONSISTENCY_LEVELS`).
    own_write : bool
        Whether that write is the reading session's own (SESSION waits only for its own).
    include_degradation : bool
        Include the link's degradation episodes (fluid model), as in :func:`lag`.

    Returns
    -------
    float or numpy.ndarray
        ``P(W <= w)``, non-decreasing in ``wait_ms``, in [0, 1] (1 everywhere for EVENTUAL).

    Raises
    ------
    UnstableSystemError
        When the link is unstable (no steady-state lag).

    See Also
    --------
    read_after_write : Its mean and quantiles, as Estimates, with the Monte Carlo sibling.

    Notes
    -----
    With ``L`` the cross-region lag (:func:`lag`; ``F``, ``S = 1 - F`` its CDF and survival):

    - EVENTUAL: ``W = 0``.
    - SESSION: ``W = (L - t)^+``, the residual lag of the session's write ``t`` after its
      commit, so ``P(W <= w) = F(t + w)``; 0 for a write of another session (assumed: the
      session has no forwarded write of its own still replicating).
    - GLOBAL: the read waits until every write committed on the primary before it started is
      visible. Replication is in commit order, so that is the latest such write, committed
      ``M`` before the read: ``W = (L' - M)^+``. With Poisson commits the age of the latest of
      the other writes is ``A ~ Exp(lambda)`` and ``M = min(A, t)`` (the write at ``t`` is
      itself one of them); taking ``L'`` independent of ``M`` with the stationary law,
      ``P(W > w) = int_0^t lambda e^(-lambda a) S(a + w) da + e^(-lambda t) S(t + w)``,
      evaluated on 16,384 equal-probability cells of ``M``. (Exact when the latest write is
      the read's own or ``t = inf``; otherwise it ignores the work of the write at ``t`` ahead
      of the latest one, at most one redo transmission.) Assumed: the secondary knows the
      primary's commit point at the read's start at no cost; the pages do not say how it
      learns it (a round trip to the primary would add one).

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, read_wait_cdf
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> p = read_wait_cdf(link, [0.0, 100.0], t_ms=10.0, writes_per_s=1000.0, level="session")
    >>> [round(float(x), 3) for x in p]
    [0.0, 1.0]
    """
    lam, lv, own, inc, t = _check(link, t_ms, writes_per_s, level, own_write,
                                  include_degradation)
    t = float(t)
    w = check_nonnegative("wait_ms", wait_ms)
    sf, _ = _lag_sf(link, lam, inc)
    out = 1.0 - _wait_sf(sf, lam, lv, own, t / 1e3, np.asarray(w, dtype=float) / 1e3)
    return out if np.ndim(w) else float(out[0])


@dataclass(frozen=True, kw_only=True, eq=False)
class ReadAfterWrite:
    """What a read on the secondary sees and waits, from :func:`read_after_write` or its sibling.

    Parameters
    ----------
    link : ReplicationLink
        The link modelled.
    level : str
        The consistency level (:data:`CONSISTENCY_LEVELS`).
    own_write : bool
        Whether the write is the reading session's own.
    t_ms : float
        Time from the write's commit on the primary to the read's start, milliseconds.
    writes_per_s : float
        Commit rate on the primary, writes per second.
    p_visible : Estimate
        Probability that the read sees the write.
    mean_wait : Estimate
        Mean wait before the read runs, milliseconds.
    wait_quantiles : dict
        ``{q: Estimate}``, quantiles of the wait, milliseconds.
    method : str
        How it was computed, in words.
    guarantee : str
        What the AWS pages say the level guarantees (:data:`CONSISTENCY_GUARANTEES`).

    See Also
    --------
    read_after_write, simulate_read_after_write : The functions that return it.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, read_after_write
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> r = read_after_write(link, t_ms=10.0, writes_per_s=1000.0, level="session")
    >>> r.p_visible.value, list(r.to_frame()["statistic"])
    (1.0, ['p_visible', 'mean_wait', 'p50_wait', 'p99_wait', 'p99.9_wait'])
    >>> print(r)  # doctest: +ELLIPSIS
    us-east-1 -> eu-west-1, SESSION read 10 ms after its own write at 1000 writes/s: P(sees it) 1; wait mean ... ms, p50 ... ms, p99 ... ms, p99.9 ... ms
    """

    link: ReplicationLink
    level: str
    own_write: bool
    t_ms: float
    writes_per_s: float
    p_visible: Estimate
    mean_wait: Estimate
    wait_quantiles: dict = field(default_factory=dict)
    method: str = ""
    guarantee: str = ""

    @property
    def mean_wait_ms(self) -> float:
        """``mean_wait.value``, milliseconds."""
        return self.mean_wait.value

    @property
    def wait_quantiles_ms(self) -> dict:
        """``{q: value}`` of :attr:`wait_quantiles`, milliseconds."""
        return {q: e.value for q, e in self.wait_quantiles.items()}

    def __str__(self) -> str:
        whose = "its own write" if self.own_write else "another session's write"
        qs = ", ".join(f"{_qname(q)} {v:.4g} ms" for q, v in self.wait_quantiles_ms.items())
        return (f"{self.link.primary} -> {self.link.secondary}, {self.level.upper()} read "
                f"{self.t_ms:g} ms after {whose} at {self.writes_per_s:.4g} writes/s: "
                f"P(sees it) {self.p_visible.value:.4g}; wait mean {self.mean_wait_ms:.4g} ms"
                + (f", {qs}" if qs else ""))

    def to_frame(self):
        """Tabulate the probability, the mean wait and the wait quantiles, one row each.

        Returns
        -------
        pandas.DataFrame
            Columns ``statistic``, ``value``, ``standard_error``, ``unit`` and ``method``.
        """
        import pandas as pd

        rows = [("p_visible", self.p_visible), ("mean_wait", self.mean_wait)]
        rows += [(f"{_qname(q)}_wait", e) for q, e in self.wait_quantiles.items()]
        return pd.DataFrame([(n, e.value, e.standard_error, e.unit, e.method) for n, e in rows],
                            columns=["statistic", "value", "standard_error", "unit", "method"])


def _quantile(wait_sf, q: float, hi: float) -> float:
    """``inf{w >= 0: P(W > w) <= 1 - q}`` by bisection on [0, hi] (seconds)."""
    target = 1.0 - q
    if float(wait_sf(np.array([0.0]))[0]) <= target:
        return 0.0
    lo = 0.0
    while float(wait_sf(np.array([hi]))[0]) > target:
        lo, hi = hi, 2.0 * hi
        if hi > 1e7:
            return math.inf
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(wait_sf(np.array([mid]))[0]) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-10 * max(hi, 1e-6):
            break
    return hi


def read_after_write(link: ReplicationLink, *, t_ms: float, writes_per_s: float,
                     level: str = "eventual", own_write: bool = True, quantiles=QUANTILES,
                     include_degradation: bool = True) -> ReadAfterWrite:
    """A read on the secondary ``t_ms`` after a write's commit: does it see it, how long it waits.

    Parameters
    ----------
    link : ReplicationLink
        The primary -> secondary link (its lag model is :func:`lag`'s).
    t_ms : float
        Time from the write's commit on the primary (for SESSION: the session's last forwarded
        write) to the read's start on the secondary, milliseconds (>= 0; ``inf``: a read with
        no recent write, e.g. GLOBAL's wait at a random read).
    writes_per_s : float
        Poisson write rate on the primary, writes per second (>= 0).
    level : str
        ``"eventual"``, ``"session"`` or ``"global"`` (:data:`CONSISTENCY_LEVELS`).
    own_write : bool
        Whether the write is the reading session's own (forwarded through this secondary).
    quantiles : sequence of float
        Probabilities in (0, 1) of the wait quantiles to report.
    include_degradation : bool
        Include the link's degradation episodes (fluid model), as in :func:`lag`.

    Returns
    -------
    ReadAfterWrite
        ``p_visible`` (:func:`read_visibility`), ``mean_wait`` and ``wait_quantiles`` (ms, of
        :func:`read_wait_cdf`'s distribution), with ``method="exact"`` Estimates
        (``"approximation"`` with degradation episodes, the fluid model, or for GLOBAL with
        other writes after the read's own, see :func:`read_wait_cdf`).

    Raises
    ------
    UnstableSystemError
        When the link is unstable (no steady-state lag).
    ValueError
        An unknown ``level``, a negative ``t_ms`` or rate, a quantile outside (0, 1).

    See Also
    --------
    simulate_read_after_write : The Monte Carlo sibling (the same parameters and result type).
    read_wait_cdf : The wait's distribution (the formulas).
    lag : The lag distribution it is built on.

    Notes
    -----
    What the pages say. Aurora MySQL (Amazon Aurora User Guide as of 2023, "Isolation and
    consistency for write forwarding"; the current page, "Using write forwarding in an Aurora
    MySQL global database", gives the same parameter and Aurora MySQL 2.08.1 and higher): the
    session parameter ``aurora_replica_read_consistency`` has no default, and a session
    forwards no write until it is set.
    Aurora PostgreSQL ("Using write forwarding in an Aurora PostgreSQL global database"): global
    write forwarding from 14.9 and 15.4 minor versions and every 16 minor version; its parameter
    ``apg_write_forward.consistency_mode`` takes SESSION, EVENTUAL, GLOBAL or OFF, default
    SESSION (read on the page for local write forwarding, "Configuring Aurora PostgreSQL for
    local write forwarding"; the global page's own table was not read, and the level
    descriptions below, quoted from the Aurora MySQL pages, are assumed to hold for PostgreSQL):

    - EVENTUAL: results of the session's own writes are not visible until the write is
      performed on the primary and replicated to this Region; the query does not wait, and may
      see older or newer data depending on timing and replication lag.
    - SESSION: all queries of the session see the results of all changes made in that session,
      committed or not; if necessary the query waits for the session's forwarded writes to be
      replicated; it does not wait for writes of other sessions or Regions.
    - GLOBAL: the session sees all committed changes of the primary and of other secondary
      Regions; each query may wait, by an amount that depends on the lag; it proceeds when the
      secondary is up to date with all data committed on the primary as of the query's start.

    Modelled here (the rest is assumed, see :func:`read_wait_cdf`): visibility is the lag
    ``L <= t``; SESSION's own uncommitted changes are not modelled (the write is committed);
    GLOBAL's wait is for the latest commit before the read. The write itself (forwarded:
    secondary -> primary round trip plus the commit) is not part of the read's wait. An
    in-region Aurora reader has no consistency level unless local write forwarding is on (see
    :func:`aurora_models.write_path.replica_visibility`).

    Sources: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-write-forwarding-ams.html,
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-write-forwarding-apg.html,
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-mysql-write-forwarding-consistency.html,
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-postgresql-write-forwarding-configuring.html
    (and the 2023 guide, ``awsdocs/amazon-aurora-user-guide`` ``doc_source/
    aurora-global-database-write-forwarding.md``, research/aurora_facts.md section 5).

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, read_after_write
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> ev = read_after_write(link, t_ms=20.0, writes_per_s=1000.0, level="eventual")
    >>> se = read_after_write(link, t_ms=20.0, writes_per_s=1000.0, level="session")
    >>> ev.p_visible.value, ev.mean_wait.value, se.p_visible.value, se.mean_wait.value > 10
    (0.0, 0.0, 1.0, True)
    """
    lam, lv, own, inc, t = _check(link, t_ms, writes_per_s, level, own_write,
                                  include_degradation)
    t = float(t)
    qs = tuple(float(check_range("quantiles", q, 0.0, 1.0, low_inclusive=False,
                                 high_inclusive=False)) for q in quantiles)
    sf, pi = _lag_sf(link, lam, inc)
    t_s = t / 1e3
    p = float(read_visibility(link, t, writes_per_s=lam, level=lv, own_write=own,
                              include_degradation=inc))

    def wait_sf(w_s):
        return _wait_sf(sf, lam, lv, own, t_s, w_s)

    waits = lv == "global" or (lv == "session" and own and math.isfinite(t_s))
    if waits:
        # E[(L - m)^+] = G(m) = int_m^inf S(x) dx, tabulated once on a grid from the fixed
        # delay to the lag's 1 - 1e-12 point (trapezoid rule from the right), averaged over M
        hi = _quantile_from_sf(sf, 1.0 - 1e-12, link.fixed_delay_s)
        body = _quantile_from_sf(sf, 0.999, link.fixed_delay_s)
        floor = link.fixed_delay_s  # the lag is never below it: S = 1 on [0, floor]
        grid = np.unique(np.concatenate([[0.0], np.linspace(floor, body, 8001),
                                         np.linspace(body, max(hi, body), 4001)]))
        s = sf(grid)
        seg = 0.5 * (s[1:] + s[:-1]) * np.diff(grid)
        g_tab = np.concatenate([np.cumsum(seg[::-1])[::-1], [0.0]])

        def g_of(m):
            return np.interp(m, grid, g_tab, right=0.0)

        if lv == "session":
            mean_s = float(g_of(t_s))
        else:
            nodes, weight, p_last = _ages(lam, t_s)
            mean_s = float(weight * g_of(nodes).sum()) if nodes.size else 0.0
            if p_last > 0.0:
                mean_s += p_last * float(g_of(t_s))
        quant = {q: _quantile(wait_sf, q, max(body, 1e-6)) for q in qs}
    else:
        mean_s, quant = 0.0, dict.fromkeys(qs, 0.0)
    lag_kind = "approximation" if pi > 0 else "exact"
    kind = "approximation" if pi > 0 or (lv == "global" and lam > 0 and math.isfinite(t_s)) \
        else "exact"
    sure = lv == "global" or (lv == "session" and own)  # visible by the level's definition
    method = ("closed form + fluid degradation episodes" if pi > 0 else "closed form") + (
        ", quadrature over the age of the latest commit" if lv == "global" else "")

    def est(v, what, unit="ms", bounds=(0.0, math.inf)):
        return Estimate(value=float(v), method=kind, quantity=f"{what} ({lv})", unit=unit,
                        bounds=bounds)

    return ReadAfterWrite(
        link=link, level=lv, own_write=own, t_ms=t, writes_per_s=lam,
        p_visible=Estimate(value=p, method="exact" if sure else lag_kind,
                           quantity=f"p(read sees the write) ({lv})", unit="probability",
                           bounds=(0.0, 1.0)),
        mean_wait=est(1e3 * mean_s, "mean read wait"),
        wait_quantiles={q: est(1e3 * v, f"{_qname(q)} read wait") for q, v in quant.items()},
        method=method, guarantee=CONSISTENCY_GUARANTEES[lv])


def simulate_read_after_write(link: ReplicationLink, *, t_ms: float, writes_per_s: float,
                              level: str = "eventual", own_write: bool = True,
                              quantiles=QUANTILES, include_degradation: bool = True,
                              n_writes: int = 100_000, n_replications: int = 20,
                              warmup_fraction: float = 0.1, rng=None) -> ReadAfterWrite:
    """Monte Carlo sibling of :func:`read_after_write`: reads replayed on simulated replication.

    The commits and their lags come from :func:`simulate_lag` (Poisson commits, batching,
    degradation episodes). Each kept write ``k`` of a replication is followed by a read at
    ``tau_k = c_k + t`` (for ``t = inf``: reads at uniformly random instants); the read sees the
    write iff ``L_k <= t``; its wait is, for SESSION (own write) ``(L_k - t)^+``, for GLOBAL
    ``(max_{c_j <= tau_k} (c_j + L_j) - tau_k)^+`` (every write committed before the read
    visible), else 0. Reads past the last simulated commit are dropped. Each statistic is
    computed per replication and averaged, its standard error from the spread over the
    replications.

    Parameters
    ----------
    link : ReplicationLink
        The primary -> secondary link.
    t_ms : float
        Time from the write's commit to the read's start, milliseconds (>= 0, or ``inf``).
    writes_per_s : float
        Poisson write rate on the primary, writes per second (> 0).
    level : str
        ``"eventual"``, ``"session"`` or ``"global"`` (:data:`CONSISTENCY_LEVELS`).
    own_write : bool
        Whether the write is the reading session's own.
    quantiles : sequence of float
        Probabilities in (0, 1) of the wait quantiles to report.
    include_degradation : bool
        Simulate the link's degradation episodes.
    n_writes : int
        Writes per replication (>= 100).
    n_replications : int
        Independent replications (>= 2).
    warmup_fraction : float
        Leading fraction of each replication discarded, in [0, 0.9].
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    ReadAfterWrite
        Monte Carlo Estimates with standard errors (the type :func:`read_after_write` returns).

    Raises
    ------
    UnstableSystemError
        When the link is unstable.

    See Also
    --------
    read_after_write : The closed form.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, simulate_read_after_write
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> r = simulate_read_after_write(link, t_ms=20.0, writes_per_s=1000.0, level="session",
    ...                               n_writes=5_000, n_replications=4, rng=1)
    >>> r.p_visible.value, r.mean_wait.value > 10
    (1.0, True)
    """
    lam, lv, own, inc, t = _check(link, t_ms, writes_per_s, level, own_write,
                                  include_degradation)
    t = float(t)
    lam = float(check_positive("writes_per_s", lam))
    qs = tuple(float(check_range("quantiles", q, 0.0, 1.0, low_inclusive=False,
                                 high_inclusive=False)) for q in quantiles)
    check_int_range("n_writes", n_writes, 100)
    gen = as_generator(rng)
    sim = simulate_lag(link, writes_per_s=lam, quantiles=(0.5,), include_degradation=inc,
                       n_writes=n_writes, n_replications=n_replications,
                       warmup_fraction=warmup_fraction, rng=gen).simulation
    assert sim is not None and sim.commit_times_s is not None  # simulate_lag keeps both
    t_s = t / 1e3
    per_rep: dict[str | float, list[float]] = {"p": [], "mean": [], **{q: [] for q in qs}}
    n_reads = 0
    for c, lags in zip(sim.commit_times_s, sim.lags_s, strict=True):
        visible_at = np.maximum.accumulate(c + lags)
        if math.isfinite(t_s):
            keep = c + t_s <= c[-1]
            tau, own_lag = c[keep] + t_s, lags[keep]
            seen = own_lag <= t_s
        else:
            tau = np.sort(gen.uniform(c[0], c[-1], c.size))
            own_lag, seen = np.zeros(tau.size), np.ones(tau.size, dtype=bool)
        if lv == "global":
            j = np.searchsorted(c, tau, side="right") - 1
            wait = np.maximum(visible_at[j] - tau, 0.0)
            seen = np.ones(tau.size, dtype=bool)
        elif lv == "session" and own:
            wait = np.maximum(own_lag - t_s, 0.0) if math.isfinite(t_s) else np.zeros(tau.size)
            seen = np.ones(tau.size, dtype=bool)
        else:
            wait = np.zeros(tau.size)
        per_rep["p"].append(seen.mean())
        per_rep["mean"].append(1e3 * wait.mean())
        for q in qs:
            per_rep[q].append(1e3 * float(np.quantile(wait, q)))
        n_reads += tau.size
    root = math.sqrt(len(per_rep["p"]))

    def est(key, what, unit="ms", bounds=(0.0, math.inf)):
        v = np.asarray(per_rep[key], dtype=float)
        return Estimate(value=float(v.mean()), standard_error=float(v.std(ddof=1) / root),
                        n_trials=n_reads, method="monte_carlo", quantity=f"{what} ({lv})",
                        unit=unit, bounds=bounds)

    return ReadAfterWrite(
        link=link, level=lv, own_write=own, t_ms=t, writes_per_s=lam,
        p_visible=est("p", "p(read sees the write)", "probability", (0.0, 1.0)),
        mean_wait=est("mean", "mean read wait"),
        wait_quantiles={q: est(q, f"{_qname(q)} read wait") for q in qs},
        method="monte_carlo (reads replayed on simulate_lag's commits)", guarantee=CONSISTENCY_GUARANTEES[lv])
