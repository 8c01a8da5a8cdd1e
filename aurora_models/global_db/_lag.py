"""Replication lag: closed form, Monte Carlo (Lindley recursion), read visibility."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from .. import _budget, queueing
from .._rng import as_generator
from .._validate import (
    check_array,
    check_bool,
    check_int_range,
    check_nonnegative,
    check_positive,
    check_range,
)
from ..exceptions import ParameterTypeError, ParameterValueError, UnstableSystemError
from ..results import Estimate
from ._link import ReplicationLink

__all__ = ["LagResult", "LagSamples", "lag", "simulate_lag", "visibility_probability"]

QUANTILES = (0.5, 0.99, 0.999)


def _qname(q: float) -> str:
    return f"p{100 * q:g}"


# ----------------------------------------------------------------------------------------------
# closed form


@functools.lru_cache(maxsize=256)
def _md1_table(lam: float, d: float):
    """M/D/1 waiting-time CDF tabulated on [0, w_hi] (w_hi: the 1 - 1e-9 quantile)."""
    w_hi = queueing.md1_wait_quantile(1.0 - 1e-9, lam, d) if lam > 0 else 0.0
    if w_hi <= 0.0:
        return np.array([0.0, d]), np.array([1.0, 1.0])
    grid = np.linspace(0.0, w_hi, 241)
    return grid, np.asarray(queueing.md1_wait_cdf(grid, lam, d), dtype=float)


def _cramer_root(lam: float, es: float, redo_size: str) -> float:
    """The decay rate theta of the workload tail, ``lambda (E[exp(theta S)] - 1) = theta``."""
    if lam <= 0.0:
        return math.inf
    if redo_size == "exponential":
        return 1.0 / es - lam
    f = lambda t: lam * math.expm1(t * es) - t  # noqa: E731  (f(0) = 0, f'(0) = rho - 1 < 0)
    hi = 1.0 / es
    while f(hi) < 0.0:
        hi *= 2.0
    lo = 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0.0:
            lo = mid
        else:
            hi = mid
    return hi


_BATCH_TOL = 1e-11  # sup-norm change of the workload CDF in one Lindley sweep
_BATCH_MAX_SWEEPS = 20_000


@functools.lru_cache(maxsize=64)
def _batch_table(lam: float, es: float, t_b: float, redo_size: str):
    """Queueing part ``Q = B + W + S`` of the lag under periodic batches, on a grid.

    Returns ``(x, cdf, mean)``: ``P(Q <= x)`` at the grid points ``x`` (seconds) and ``E[Q]``.
    See :func:`lag`, Notes, for the model; the method is below.

    All distributions live on the lattice ``h Z`` with ``h = T / n_T`` (so the batch interval
    is a whole number of steps), ``h`` about ``E[S] / 4`` (at most ``x_max / 2^14`` and at
    least ``x_max / 2^17`` steps), over ``[0, x_max)``, where ``x_max`` covers the batch work's
    mean plus 12 standard deviations, T, and 45 decay lengths ``1 / theta`` of the workload tail
    (``theta`` the Cramer root), i.e. a tail below ``e^-45``. S is spread over the two
    neighbouring lattice points with the hat-function weights ``E[(1 - |S / h - j|)^+]``, which
    keep its mean exact. Convolutions use FFTs of twice the support, so nothing wraps around.

    1. Batch work ``X = Y(T)``, compound Poisson: characteristic function
       ``exp(lambda T (phi_S - 1))``.
    2. Workload just before a batch arrives, ``V``: fixed point of Lindley's equation
       ``V = max(0, V + X - T)``, by repeated sweeps from ``V = 0`` (each sweep is one batch
       period later, so the iterates increase stochastically to the stationary law), with a
       geometric (Aitken) extrapolation every 10 sweeps, until the CDF changes by less than
       1e-11 in a sweep (a few sweeps at moderate load, hundreds near saturation).
    3. ``A = B + Y(T - B)`` with B uniform: with ``U = T - B = j h`` on the trapezoid rule
       ``j = 0..n_T``, ``E[z^A] = (1 / n_T) sum_j' w_j z^(n_T - j) exp(j lambda h (phi_S - 1))``,
       a geometric sum in closed form.
    4. ``Q = A + S + V``: the product of the three characteristic functions.
    """
    theta = _cramer_root(lam, es, redo_size)
    var_s = 2.0 * es * es if redo_size == "exponential" else es * es
    sd_x = math.sqrt(lam * t_b * var_s)
    x_max = t_b * (1.0 + lam * es) + 12.0 * sd_x + 45.0 / theta + 20.0 * es
    h = max(min(es / 4.0, x_max / 2 ** 14), x_max / 2 ** 17)
    n_t = round(t_b / h)
    if n_t < 1:  # a batch interval below the grid step: batching is negligible (see _healthy)
        return None
    h = t_b / n_t
    size = 1 << math.ceil(math.log2(x_max / h))
    n = 2 * size
    j = np.arange(n)
    m = es / h
    if redo_size == "exponential":  # E[(1 - |S/h - j|)^+], S/h exponential with mean m
        log_2sinh = 0.5 / m + math.log1p(-math.exp(-1.0 / m))
        p_s = np.exp(math.log(m) - j / m + 2.0 * log_2sinh)
        p_s[0] = 1.0 - m * -math.expm1(-1.0 / m)
    else:
        i0 = math.floor(m)
        p_s = np.zeros(n)
        p_s[i0] += 1.0 - (m - i0)
        p_s[i0 + 1] += m - i0
    phi_s = np.fft.rfft(p_s)
    zeta = lam * h * (phi_s - 1.0)  # log characteristic function of Y(h)
    phi_x = np.fft.rfft(np.clip(np.fft.irfft(np.exp(n_t * zeta), n), 0.0, None))
    v = np.zeros(size)
    v[0] = 1.0
    previous = 0.0
    for sweep in range(_BATCH_MAX_SWEEPS):
        c = np.clip(np.fft.irfft(np.fft.rfft(v, n) * phi_x, n), 0.0, None)
        new = np.empty(size)
        new[0] = c[:n_t + 1].sum()
        new[1:] = c[n_t + 1:n_t + size]
        step = new - v
        change = float(np.abs(np.cumsum(step)).max())
        v = new / new.sum()
        if change < _BATCH_TOL:
            break
        if sweep % 10 == 9 and previous > 0.0:  # geometric (Aitken) extrapolation
            r = change / previous
            if 0.3 < r < 1.0:
                v = np.clip(v + step * r / (1.0 - r), 0.0, None)
                v /= v.sum()
        previous = change
    ang = 2.0 * np.pi * np.arange(phi_s.size) / n
    log_r = 1j * ang + zeta
    one_minus_r = -np.expm1(log_r)
    safe = np.where(one_minus_r == 0, 1.0, one_minus_r)
    geo = np.where(one_minus_r == 0, n_t + 1.0, -np.expm1((n_t + 1) * log_r) / safe)
    phi_a = np.exp(-1j * ang * n_t) * (geo - (1.0 + np.exp(n_t * log_r)) / 2.0) / n_t
    phi_a[0] = 1.0
    q = np.clip(np.fft.irfft(phi_a * phi_s * np.fft.rfft(v, n), n), 0.0, None)
    q /= q.sum()
    x = j * h
    mean = float((x * q).sum())
    return x + h / 2.0, np.cumsum(q), mean


def _healthy(link: ReplicationLink, lam: float):
    """(mean, cdf, exact_quantile or None, mean queueing wait) of the healthy lag."""
    es, d, t_b = link.service_mean_s, link.fixed_delay_s, link.batch_interval_s
    table = _batch_table(lam, es, t_b, link.redo_size) if t_b > 0.0 else None
    if table is not None:
        grid, table, mean_q = table

        def cdf(x):
            y = np.asarray(x, dtype=float) - d
            out = np.where(y > 0, np.interp(y, grid, table, left=0.0, right=1.0), 0.0)
            return out if np.ndim(x) else float(out)

        return d + mean_q, cdf, None, mean_q - t_b / 2.0 - es
    # no batching, or an interval below the lattice step (``_batch_table`` returned None): the
    # unbatched queue, delayed by the mean batch wait and bunching (at most a grid step)
    bunch = lam * es * t_b / 2.0
    d = d + t_b / 2.0 + bunch
    if link.redo_size == "exponential":
        theta = 1.0 / es - lam  # M/M/1 sojourn W + S ~ Exp(theta)
        wait = lam * es / theta + bunch

        def cdf(x):
            y = np.asarray(x, dtype=float) - d
            return np.where(y > 0, -np.expm1(-theta * np.maximum(y, 0.0)), 0.0)

        def exact(q):
            return d + (-math.log1p(-q) / theta if q < 1 else math.inf)
        return d + 1.0 / theta, cdf, exact if t_b == 0.0 else None, wait

    wait = (queueing.mg1_mean_wait(lam, es, es * es) if lam > 0 else 0.0) + bunch

    grid, table = _md1_table(lam, es)

    def cdf_md1(x):
        w = np.asarray(x, dtype=float) - d - es
        return np.where(w < 0, 0.0, np.interp(w, grid, table, right=1.0))

    def exact_md1(q):
        return d + es + queueing.md1_wait_quantile(q, lam, es)
    return d + es + wait - bunch, cdf_md1, exact_md1 if t_b == 0.0 else None, wait


def _episode_terms(link: ReplicationLink, lam: float):
    """Fluid episode profile: (r_eff, c, k) with P(episode part > y) = r_eff c E[(kD - y)^+]."""
    dg = link.degradation
    rho = lam * link.service_mean_s
    if dg is None or rho <= dg.remaining_fraction or rho <= 0.0:
        return None
    f = dg.remaining_fraction
    k = (rho - f) / rho
    c = (f / (rho - f) if f > 0 else 0.0) + 1.0 / (1.0 - rho)
    return dg.starts_per_s, c, k


def _lag_sf_builder(link: ReplicationLink, lam: float, include_degradation: bool = True):
    mean_h, cdf_h, exact, wait = _healthy(link, lam)
    terms = _episode_terms(link, lam) if include_degradation else None
    if terms is None:
        return mean_h, (lambda x: 1.0 - cdf_h(x)), exact, 0.0, wait
    r, c, k = terms
    dg = link.degradation
    assert dg is not None  # _episode_terms gives terms only for a link with degradation
    pi = r * c * k * dg.mean_duration_s
    w_h = min(pi, 1.0)
    mean = mean_h + r * c * k * k * dg.duration_second_moment_s2 / 2.0

    def sf(x):
        y = np.maximum(np.asarray(x, dtype=float) - mean_h, 0.0)
        episode = r * c * dg.mean_excess(y, k) * (w_h / pi if pi > 0 else 1.0)
        return np.clip((1.0 - w_h) * (1.0 - cdf_h(x)) + episode, 0.0, 1.0)

    return mean, sf, None, pi, wait


def _quantile_from_sf(sf, q: float, lo: float) -> float:
    """Generalised inverse ``inf{x: sf(x) <= 1 - q}`` by bracketing and bisection."""
    target = 1.0 - q
    width = max(lo, 1e-3)
    hi = lo + width
    while float(sf(hi)) > target:
        hi = lo + (hi - lo) * 2.0
        if hi > 1e9:
            return math.inf
    while hi - lo > 1e-12 * max(hi, 1e-9):
        mid = 0.5 * (lo + hi)
        if float(sf(mid)) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return float(hi)


@dataclass(frozen=True, kw_only=True, eq=False)
class LagResult:
    """Replication lag of one link at one write rate, from :func:`lag` or :func:`simulate_lag`.

    Both functions take the same parameters and return this type, so they can be swapped; the
    statistics are :class:`~aurora_models.Estimate` objects (``method="exact"`` for the exact
    healthy solutions and the batch-arrival lattice solve, ``"approximation"`` with degradation
    episodes (fluid model), ``"monte_carlo"`` with a standard error); ``method`` here says which
    solution in words.

    Parameters
    ----------
    link : ReplicationLink
        The link modelled.
    writes_per_s : float
        Commit rate on the primary, writes per second.
    utilisation : float
        Offered load against the long-run bottleneck capacity (episodes included).
    stable : bool
        False when utilisation >= 1: the lag then grows without bound and every statistic is
        ``inf`` *because* of that (see ``lag_growth_s_per_s`` and ``note``; closed form only,
        the simulation refuses an unstable link).
    lag_growth_s_per_s : float
        For an unstable link, seconds of lag added per second of wall time; 0 when stable.
    mean : Estimate
        Mean per-write lag, seconds.
    quantiles : dict
        ``{q: Estimate}``, per-write lag quantiles in seconds.
    writes_at_risk : Estimate
        Mean writes committed but not yet visible on the secondary (``lambda E[L]`` by Little's
        law in the closed form; at random instants in the simulation).
    p_episode : float
        Fraction of writes whose lag is shaped by a degradation episode (fluid model; NaN for a
        simulation).
    components_s : dict
        Mean contributions in seconds (closed form): ``propagation``, ``batching``, ``queueing``,
        ``transmission``, ``episodes``; empty for a simulation.
    method : str
        The solution in words (``"exact (M/M/1)"``, ``"batch-arrival queue, numerical
        (lattice)"``, ``"closed form + fluid degradation episodes"``, ``"monte carlo ..."``).
    note : str
        Why a statistic is infinite or an approximation is doubtful; empty otherwise.
    simulation : LagSamples or None
        The simulation's other views (lag at random instants, bytes at risk, loss window,
        expected maximum) and samples; None for the closed form.

    See Also
    --------
    lag, simulate_lag : The functions that return it.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, lag
    >>> res = lag(ReplicationLink(primary="us-east-1", secondary="eu-west-1"), writes_per_s=500.0)
    >>> res.stable, round(1e3 * res.mean_s, 1)
    (True, 50.4)
    >>> list(res.to_frame().columns)
    ['statistic', 'lag_s', 'standard_error_s', 'method']
    """

    link: ReplicationLink
    writes_per_s: float
    utilisation: float
    stable: bool
    lag_growth_s_per_s: float
    mean: Estimate
    quantiles: dict
    writes_at_risk: Estimate
    p_episode: float = 0.0
    components_s: dict = field(default_factory=dict)
    method: str = ""
    note: str = ""
    simulation: LagSamples | None = None

    @property
    def mean_s(self) -> float:
        """``mean.value``, seconds."""
        return self.mean.value

    @property
    def quantiles_s(self) -> dict:
        """``{q: value}`` of :attr:`quantiles`, seconds."""
        return {q: e.value for q, e in self.quantiles.items()}

    @property
    def p50_s(self) -> float:
        """The 0.5 quantile of the per-write lag, seconds (NaN if not among ``quantiles``)."""
        return self.quantiles[0.5].value if 0.5 in self.quantiles else math.nan

    @property
    def p99_s(self) -> float:
        """The 0.99 quantile of the per-write lag, seconds (NaN if not among ``quantiles``)."""
        return self.quantiles[0.99].value if 0.99 in self.quantiles else math.nan

    @property
    def p999_s(self) -> float:
        """The 0.999 quantile of the per-write lag, seconds (NaN if not among ``quantiles``)."""
        return self.quantiles[0.999].value if 0.999 in self.quantiles else math.nan

    def to_frame(self):
        """Tabulate the mean and the quantiles, one row per statistic.

        Returns
        -------
        pandas.DataFrame
            Columns ``statistic``, ``lag_s``, ``standard_error_s`` (0 for the closed form) and
            ``method``.
        """
        import pandas as pd

        rows = [("mean", self.mean)] + [(_qname(q), e) for q, e in self.quantiles.items()]
        return pd.DataFrame([(n, e.value, e.standard_error, e.method) for n, e in rows],
                            columns=["statistic", "lag_s", "standard_error_s", "method"])

    def __str__(self) -> str:
        head = f"{self.link.primary} -> {self.link.secondary} at {self.writes_per_s:.4g} writes/s"
        if not self.stable:
            return f"{head}: {self.note}"
        qs = ", ".join(f"{_qname(q)} {1e3 * v:.4g} ms" for q, v in self.quantiles_s.items())
        return (f"{head}: mean {1e3 * self.mean_s:.4g} ms, {qs} (utilisation "
                f"{self.utilisation:.3g}; {self.method})")


def _exact(value: float, method: str, quantity: str, unit: str = "s") -> Estimate:
    return Estimate(value=float(value), method=method, quantity=quantity, unit=unit,
                    bounds=(0.0, math.inf))


def _check_common(link, writes_per_s, quantiles, include_degradation):
    """The shared input check of :func:`lag` and :func:`simulate_lag`."""
    if not isinstance(link, ReplicationLink):
        raise ParameterTypeError(f"`link` must be a ReplicationLink, got {type(link).__name__}")
    lam = float(check_nonnegative("writes_per_s", writes_per_s))
    qs = tuple(float(check_range("quantiles", q, 0.0, 1.0, low_inclusive=False,
                                 high_inclusive=False)) for q in quantiles)
    return lam, qs, check_bool("include_degradation", include_degradation)


def lag(link: ReplicationLink, *, writes_per_s: float, quantiles=QUANTILES,
        include_degradation: bool = True, trace=None, trace_step_s: float | None = None
        ) -> LagResult:
    """Closed-form cross-region replication lag (commit on the primary to visible on the secondary).

    Parameters
    ----------
    link : ReplicationLink
        The cross-region link (primary, secondary, latency, bandwidth, apply rate, episodes).
    writes_per_s : float
        Poisson write (commit) rate on the primary, per second (>= 0).
    quantiles : sequence of float
        Probabilities in (0, 1) of the lag quantiles to report.
    include_degradation : bool
        Add the degradation episodes of ``link`` (fluid approximation); False gives the
        healthy-link lag only.
    trace : None
        Bursty (trace-modulated) commits have no closed form: must be None here (accepted so
        that :func:`simulate_lag`, which simulates them, has the same signature).
    trace_step_s : None
        Length of a trace step in seconds; must be None here, as ``trace``.

    Returns
    -------
    LagResult
        Estimates with no sampling error. For an unstable link (utilisation >= 1) ``stable`` is
        False, the lag growth rate is given and the lag statistics are ``inf`` with that
        explanation in ``note``; never NaN.

    Raises
    ------
    ValueError
        Negative ``writes_per_s``, a quantile outside (0, 1), or a ``trace``.

    See Also
    --------
    simulate_lag : The Monte Carlo sibling (also bursty, trace-modulated commits).
    visibility_probability : The lag CDF as a t-visibility curve.

    Notes
    -----
    Healthy lag ``L = B + W + S + d`` (see :class:`ReplicationLink`). Without batching (T = 0)
    the result is exact: for exponential redo sizes ``W + S`` is the M/M/1 sojourn, exponential
    with rate ``mu - lambda``; for constant sizes W is the exact M/D/1 wait (Crommelin).

    With batches every T seconds the writes of one batch reach the bottleneck together, at the
    batch boundary, in commit order: a batch-arrival queue with deterministic arrivals and
    compound Poisson work ``X = S_1 + ... + S_N``, ``N ~ Poisson(lambda T)``. A write committed
    ``B`` before its boundary (B uniform on [0, T)) waits for the workload ``V`` left from earlier
    batches and for the ``M ~ Poisson(lambda (T - B))`` writes committed before it in its own
    batch, so the queueing part of the lag is

    ``Q = L - d = B + V + Y(T - B) + S``, with ``Y(u)`` compound Poisson of rate ``lambda u``,

    V independent of ``(B, Y, S)`` and distributed as the stationary solution of the Lindley
    equation at batch epochs ``V = max(0, V + X - T)``. Hence

    ``E[L] = d + T / 2 + rho T / 2 + E[S] + E[V]``, ``rho = lambda E[S]``:

    the bunching term ``rho T / 2`` is the work committed ahead of a write in its own batch, and
    ``E[V]`` the carry-over between batches (0 when a batch's work always fits in T). ``V`` has
    no closed form; it is solved numerically on a lattice with FFT convolutions (method in
    ``_batch_table``: grid steps at most ``E[S] / 8`` and a tail below ``e^-45``), as is the
    distribution of Q. Over 1k-40k writes/s and T = 1-50 ms on the default link, the mean and
    p99 of Q agree with :func:`simulate_lag` and with an independent per-write simulation within
    0.6 % (``tests/test_global_db.py``). The ``components_s`` entry ``queueing`` is
    ``rho T / 2 + E[V]``, everything waited at the bottleneck.

    Degradation episodes (capacity fraction f for a duration D) are added as a fluid model: a
    write committed s seconds into an episode at load rho > f sees the extra lag ``v(s)``, a tent
    rising to ``k D`` (``k = (rho - f) / rho``) at ``s = f D / rho`` and falling at rate
    ``1 - rho``; so ``|{s: v(s) > y}| = c (kD - y)^+`` with ``c = f / (rho - f) + 1 / (1 - rho)``,
    and ``P(L > x) = (1 - pi) P(L_h > x) + r c E[(kD - (x - E L_h))^+]`` with ``pi = r c k E[D]``
    the fraction of writes affected and r the episode rate. Stability uses the long-run capacity
    ``1 - p (1 - f)``, p the fraction of time degraded.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, lag
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1", degradation=None,
    ...                        batch_interval_ms=0.0)
    >>> res = lag(link, writes_per_s=100.0)
    >>> round(1e3 * res.p50_s, 1)          # about the one-way latency, 34.8 ms
    34.8
    >>> lag(link, writes_per_s=2 * link.capacity_writes_per_s).stable
    False
    """
    lam, qs, include_degradation = _check_common(link, writes_per_s, quantiles,
                                                 include_degradation)
    if trace is not None or trace_step_s is not None:
        raise ParameterValueError("`trace` must be None for the closed form (bursty commits have no "
                         "closed form; use simulate_lag), got a trace")
    st = link.stability(lam)
    components = {"propagation": link._one_way_s, "batching": link.batch_interval_s / 2.0}
    if not st.stable:
        note = (f"unstable: utilisation {st.utilisation:.4g} >= 1 of the long-run replication "
                f"capacity, so the lag grows without bound by {st.backlog_growth_per_s:.4g} s per "
                "second; no steady-state lag exists (reported as inf)")
        inf = _exact(math.inf, "exact", "mean per-write lag")
        return LagResult(link=link, writes_per_s=lam, utilisation=st.utilisation, stable=False,
                         lag_growth_s_per_s=st.backlog_growth_per_s, mean=inf,
                         quantiles={q: _exact(math.inf, "exact", f"{_qname(q)} per-write lag")
                                    for q in qs},
                         writes_at_risk=_exact(math.inf, "exact", "mean writes at risk",
                                               "writes"),
                         components_s=components, method="exact", note=note)
    healthy_rho = lam * link.service_mean_s
    if healthy_rho >= 1.0:  # stable on average but not during healthy periods: impossible
        raise UnstableSystemError("healthy utilisation >= 1")  # pragma: no cover
    mean, sf, exact, pi, wait = _lag_sf_builder(link, lam, include_degradation)
    lo = link.fixed_delay_s
    quant = {q: float(exact(q)) if exact is not None else _quantile_from_sf(sf, q, lo)
             for q in qs}
    components.update(queueing=wait, transmission=link.service_mean_s + link.fixed_delay_s
                      - link._one_way_s,
                      episodes=mean - (lo + link.batch_interval_s / 2 + link.service_mean_s
                                       + wait))
    if pi > 0:
        kind = "approximation"  # the fluid model of degradation episodes
        method = "closed form + fluid degradation episodes"
    elif link.batch_interval_s > 0:
        kind = "exact"  # the batch-arrival queue solved numerically on a lattice
        method = "batch-arrival queue, numerical (lattice)"
    else:
        kind = "exact"
        method = "exact (M/M/1)" if link.redo_size == "exponential" else "exact (M/D/1)"
    note = ("episodes overlap (pi >= 1): fluid approximation invalid, use simulate_lag"
            if pi >= 1 else "")
    return LagResult(link=link, writes_per_s=lam, utilisation=st.utilisation, stable=True,
                     lag_growth_s_per_s=0.0,
                     mean=_exact(mean, kind, "mean per-write lag"),
                     quantiles={q: _exact(v, kind, f"{_qname(q)} per-write lag")
                                for q, v in quant.items()},
                     writes_at_risk=_exact(lam * mean, kind, "mean writes at risk", "writes"),
                     p_episode=float(min(pi, 1.0)), components_s=components, method=method,
                     note=note)


def visibility_probability(link: ReplicationLink, t_ms, *, writes_per_s: float,
                           include_degradation: bool = True):
    """Probability that a read in the secondary region ``t_ms`` after commit sees the write.

    A t-visibility curve in the sense of probabilistically bounded staleness (PBS): the write is
    visible at time t after its commit iff its replication lag ``L <= t``, so this is the lag CDF
    ``P(L <= t)`` of :func:`lag` (same model and assumptions).

    Parameters
    ----------
    link : ReplicationLink
        The cross-region link.
    t_ms : float or array_like
        Time after commit, milliseconds (>= 0).
    writes_per_s : float
        Poisson write rate on the primary, per second.
    include_degradation : bool
        Include degradation episodes (fluid model).

    Returns
    -------
    float or numpy.ndarray
        Probabilities in [0, 1], non-decreasing in ``t_ms``.

    Raises
    ------
    UnstableSystemError
        When the link is unstable (no steady-state lag); the message gives the growth rate.

    References
    ----------
    P. Bailis et al., "Probabilistically Bounded Staleness for Practical Partial Quorums",
    PVLDB 5(8), 2012.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, visibility_probability
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> float(visibility_probability(link, 10.0, writes_per_s=1000.0))   # before the light arrives
    0.0
    >>> bool(visibility_probability(link, 100.0, writes_per_s=1000.0) > 0.99)
    True
    """
    t = check_nonnegative("t_ms", t_ms)
    lam = float(check_nonnegative("writes_per_s", writes_per_s))
    link.stability(lam).require_stable("a steady-state visibility curve")
    _, sf, _, _, _ = _lag_sf_builder(link, lam, include_degradation)
    out = np.clip(1.0 - sf(np.asarray(t, dtype=float) / 1e3), 0.0, 1.0)
    return out if isinstance(t, np.ndarray) else float(out)


# ----------------------------------------------------------------------------------------------
# Monte Carlo


def _commit_times(rng, n_reps, n, lam, trace, trace_step_s):
    if trace is None:
        return np.cumsum(rng.exponential(1.0 / lam, size=(n_reps, n)), axis=1)
    rates = trace
    total = rates.sum() * trace_step_s
    out = np.empty((n_reps, n))
    cum_one = np.concatenate([[0.0], np.cumsum(rates) * trace_step_s])
    for r in range(n_reps):
        offset = rng.uniform(0.0, len(rates) * trace_step_s)
        lam_off = float(np.interp(offset, np.arange(len(rates) + 1) * trace_step_s, cum_one))
        e = lam_off + np.cumsum(rng.exponential(1.0, size=n))
        tiles = math.ceil(e[-1] / total) + 1
        cum = np.concatenate([[0.0], np.cumsum(np.tile(rates, tiles)) * trace_step_s])
        times = np.arange(len(cum)) * trace_step_s
        idx = np.clip(np.searchsorted(cum, e, side="left"), 1, len(cum) - 1)
        slope = (cum[idx] - cum[idx - 1]) / trace_step_s
        out[r] = times[idx - 1] + (e - cum[idx - 1]) / slope - offset
    return out


class _Clock:
    """Piecewise-linear cumulative capacity Phi(t) (healthy seconds of service by time t)."""

    def __init__(self, t_b, phi_b):
        self.t, self.phi = t_b, phi_b

    def forward(self, t):
        return np.interp(t, self.t, self.phi)

    def inverse(self, tau):
        t_b, phi_b = self.t, self.phi
        if tau.max() > phi_b[-1]:
            t_b = np.append(t_b, t_b[-1] + (tau.max() - phi_b[-1]) + 1.0)
            phi_b = np.append(phi_b, tau.max() + 1.0)
        idx = np.clip(np.searchsorted(phi_b, tau, side="left"), 1, len(phi_b) - 1)
        slope = (phi_b[idx] - phi_b[idx - 1]) / (t_b[idx] - t_b[idx - 1])
        return t_b[idx - 1] + (tau - phi_b[idx - 1]) / slope


def _episode_clock(rng, dg, horizon):
    m = int(horizon * dg.rate_per_s * 1.5 + 10 * math.sqrt(horizon * dg.rate_per_s + 1) + 10)
    while True:
        healthy = rng.exponential(1.0 / dg.rate_per_s, size=m)
        dur = (rng.exponential(dg.mean_duration_s, size=m) if dg.duration == "exponential"
               else np.full(m, dg.mean_duration_s))
        ends = np.cumsum(healthy + dur)
        if ends[-1] > horizon:
            break
        m *= 2
    steps = np.empty(2 * m)
    steps[0::2], steps[1::2] = healthy, dur
    slopes = np.empty(2 * m)
    slopes[0::2], slopes[1::2] = 1.0, dg.remaining_fraction
    t_b = np.concatenate([[0.0], np.cumsum(steps)])
    phi_b = np.concatenate([[0.0], np.cumsum(steps * slopes)])
    return _Clock(t_b, phi_b)


def _stats(samples_by_rep: np.ndarray, *, quantity: str, unit: str, quantiles=QUANTILES):
    """Mean, quantiles and expected max, each by sectioning over independent replications.

    Every statistic is computed in each replication and the point estimate is the mean of the
    R per-replication values, its standard error their standard deviation over ``sqrt(R)``:
    value and error come from one estimator (batch means), so the interval is consistent even
    for extreme quantiles (a pooled quantile with a per-replication error is not: issue 14).
    """
    reps = samples_by_rep.shape[0]
    root = math.sqrt(reps)

    def est(per, name, n):
        return Estimate(value=float(per.mean()), standard_error=float(per.std(ddof=1) / root),
                        n_trials=n, method="monte_carlo", quantity=f"{name} {quantity}",
                        unit=unit)

    out = {"mean": est(samples_by_rep.mean(axis=1), "mean", samples_by_rep.size)}
    for q in quantiles:
        out[_qname(q)] = est(np.quantile(samples_by_rep, q, axis=1), _qname(q),
                             samples_by_rep.size)
    out["max"] = est(samples_by_rep.max(axis=1), "expected max per replication of", reps)
    return out


@dataclass(frozen=True, kw_only=True, eq=False)
class LagSamples:
    """What :func:`simulate_lag` sees beyond :class:`LagResult`: per write and at random instants.

    Parameters
    ----------
    arrivals : str
        ``"poisson"`` or ``"trace"``.
    simulated_writes_per_s : float
        Commit rate realised in the simulation, writes per second (mean over replications).
    n_writes, n_replications, warmup_writes : int
        Writes per replication, replications, and writes dropped from the start of each
        replication (warm-up).
    per_write : dict of Estimate
        Lag of each write, commit to visible: ``mean``, ``p50``, ``p99``, ``p99.9`` and ``max``
        (expected maximum over one replication of ``n_writes`` writes).
    at_instant : dict of Estimate
        The same statistics of the lag seen at a uniformly random instant t (the lag a write
        committed at t would see: the time-average, "virtual" lag).
    writes_at_risk, bytes_at_risk, window_s : dict of Estimate
        At a random failure instant: writes committed but not yet applied on the secondary, their
        redo bytes, and the age of the oldest of them in seconds (0 when none).
    lags_s, instant_lag_s, writes_at_risk_samples, bytes_at_risk_samples, window_samples_s : numpy.ndarray
        Shape (n_replications, m): the samples behind the estimates (lags and windows in
        seconds, bytes at risk in bytes).
    commit_times_s : numpy.ndarray or None
        Shape (n_replications, n_writes - warmup_writes): the commit time of each write of
        ``lags_s`` on the primary, seconds from the start of its replication (None when not
        kept), so that a write's visibility time on the secondary is ``commit + lag``.

    See Also
    --------
    simulate_lag : The function whose ``LagResult.simulation`` this is.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, simulate_lag
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> s = simulate_lag(link, writes_per_s=500.0, n_writes=2000, n_replications=4,
    ...                  rng=1).simulation
    >>> s.arrivals, s.lags_s.shape[0]
    ('poisson', 4)
    """

    arrivals: str
    simulated_writes_per_s: float
    n_writes: int
    n_replications: int
    warmup_writes: int
    per_write: dict
    at_instant: dict
    writes_at_risk: dict
    bytes_at_risk: dict
    window_s: dict
    lags_s: np.ndarray
    instant_lag_s: np.ndarray
    writes_at_risk_samples: np.ndarray
    bytes_at_risk_samples: np.ndarray
    window_samples_s: np.ndarray
    commit_times_s: np.ndarray | None = None

    def to_frame(self):
        """Tabulate every view, one row per (view, statistic).

        Returns
        -------
        pandas.DataFrame
            Columns ``view``, ``statistic``, ``value``, ``standard_error``, ``ci_low``,
            ``ci_high`` (the 95 % interval) and ``unit``.
        """
        import pandas as pd

        rows = []
        for view, stats in (("per write lag", self.per_write), ("lag at instant", self.at_instant),
                            ("writes at risk", self.writes_at_risk),
                            ("bytes at risk", self.bytes_at_risk),
                            ("loss window", self.window_s)):
            for name, e in stats.items():
                lo, hi = e.confidence_interval()
                rows.append({"view": view, "statistic": name, "value": e.value,
                             "standard_error": e.standard_error, "ci_low": lo, "ci_high": hi,
                             "unit": e.unit})
        return pd.DataFrame(rows)


def _check_trace(trace, trace_step_s, writes_per_s):
    step = trace_step_s
    try:
        import pandas as pd

        if isinstance(trace, pd.Series) and isinstance(trace.index, pd.DatetimeIndex):
            if step is None:
                step = float(pd.Series(trace.index).diff().mode().iloc[0].total_seconds())
            trace = trace.to_numpy(dtype=float)
    except ImportError:  # pragma: no cover
        pass
    rates = check_array("trace", trace, nonnegative=True, min_size=1)
    if rates.sum() <= 0:
        raise ParameterValueError("`trace` must have a positive total write rate, got all zeros")
    step = float(check_positive("trace_step_s", 1.0 if step is None else step))
    if writes_per_s is not None:
        rates = rates * (float(check_positive("writes_per_s", writes_per_s)) / rates.mean())
    return rates, step


def simulate_lag(link: ReplicationLink, *, writes_per_s: float, quantiles=QUANTILES,
                 include_degradation: bool = True, trace=None,
                 trace_step_s: float | None = None, n_writes: int = 100_000,
                 n_replications: int = 20, warmup_fraction: float = 0.1,
                 rng=None) -> LagResult:
    """Monte Carlo replication lag by a vectorized Lindley recursion.

    Parameters
    ----------
    link : ReplicationLink
        The cross-region link (primary, secondary, latency, bandwidth, apply rate, episodes).
    writes_per_s : float
        Mean commit rate, writes per second (Poisson, or the trace rescaled to this mean).
    quantiles : sequence of float
        Probabilities in (0, 1) of the lag quantiles to report (as for :func:`lag`).
    include_degradation : bool
        Simulate the degradation episodes of ``link``; False simulates the healthy link only.
    trace : array_like or pandas.Series, optional
        Write rate per step (writes/s), e.g. a load trace: commits are then a Poisson process
        modulated by the trace (bursty), started at a random phase in each replication and
        repeated cyclically. A Series with a DatetimeIndex gives its own step.
    trace_step_s : float, optional
        Length of one trace step, seconds (default 1, or the Series' sampling interval).
    n_writes : int
        Writes per replication (>= 100). A tail quantile q is resolved when each replication
        holds some 50 or more writes beyond it, ``n_writes (1 - q) >= 50``: the default
        100,000 gives 100 beyond the p99.9 (with 20,000, only 20, and the p99.9 of each
        replication is biased low by about 1.3 standard errors of the mean, issue 14).
    n_replications : int
        Independent replications (>= 2); standard errors come from their spread, since lags of
        successive writes are autocorrelated.
    warmup_fraction : float
        Leading fraction of each replication discarded (the link starts empty), in [0, 0.9].
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    LagResult
        The type :func:`lag` returns: Monte Carlo estimates with standard errors, and the
        other views (lag at random instants, bytes at risk, loss window, samples) in
        ``simulation``. Every statistic, tail quantiles included, is estimated by sectioning:
        the mean over the independent replications of the statistic computed in each, with
        the standard error of that mean (so p99.9 needs replications long enough to hold
        several exceedances each; ``tests/test_global_db.py`` checks the coverage).

    Raises
    ------
    ValueError
        A bad ``writes_per_s``/``trace``; too few writes or replications.
    UnstableSystemError
        When the long-run utilisation is >= 1 (the simulation would only show a transient).

    See Also
    --------
    lag : The closed form (Poisson commits), the same parameters and result type.

    Notes
    -----
    Each replication: commit times c_k; batch departure ``b_k = ceil((c_k - phi) / T) T + phi``
    (random phase phi); degradation episodes as an alternating healthy/degraded capacity, made
    exact by a time change ``tau = Phi(t)`` (cumulative capacity, in healthy seconds of
    service), in which the bottleneck works at unit rate, so Lindley's recursion
    ``W_k = max(0, W_{k-1} + S_{k-1} - (tau_k - tau_{k-1}))`` applies; departures map back by
    ``Phi^{-1}``; the write is visible at ``Phi^{-1}(tau_k + W_k + S_k) + d``.

    At m uniformly random instants t per replication: the lag a write committed at t would see
    (unfinished work ahead of it, its own service, the batch wait and d), the writes committed by
    t but not yet visible, their bytes, and the age of the oldest. For Poisson commits the
    instant lag has the per-write lag's distribution (PASTA); for bursty commits writes arrive
    preferentially when the link is busy, so the per-write lag is larger. By Little's law the
    mean writes at risk is ``lambda E[L]`` for any stationary commit process.

    Examples
    --------
    >>> from aurora_models.global_db import ReplicationLink, simulate_lag
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> sim = simulate_lag(link, writes_per_s=5000.0, n_writes=5000, n_replications=4, rng=1)
    >>> 0.035 < sim.quantiles[0.5].value < 0.05
    True
    """
    lam, qs, include_degradation = _check_common(link, writes_per_s, quantiles,
                                                 include_degradation)
    n = check_int_range("n_writes", n_writes, 100)
    reps = check_int_range("n_replications", n_replications, 2)
    warm_frac = float(check_range("warmup_fraction", warmup_fraction, 0.0, 0.9))
    lam = float(check_positive("writes_per_s", lam))
    # about a dozen (reps, n) float arrays are live at once; blame the count further above
    # its default
    cells = _budget.size(reps) * _budget.size(n)
    blame = ("n_replications", reps, f"of {n:,} writes") if reps / 20 > n / 100_000 else \
        ("n_writes", n, f"x {reps:,} replications")
    _budget.check("simulate_lag", blame[0], blame[1], memory_bytes=cells * 8 * 12,
                  work=cells * 40, detail=blame[2])
    if trace is None:
        rates, step = None, None
    else:
        rates, step = _check_trace(trace, trace_step_s, lam)
    if not include_degradation and link.degradation is not None:
        from dataclasses import replace

        link_sim = replace(link, degradation=None)
    else:
        link_sim = link
    full_link, link = link, link_sim
    link.stability(lam).require_stable("a simulated steady-state lag")
    g = as_generator(rng)

    c = _commit_times(g, reps, n, lam, rates, step)

    def sizes(shape):
        if link.redo_size == "exponential":
            return g.exponential(link.redo_bytes_per_write, size=shape)
        return np.full(shape, link.redo_bytes_per_write)

    size = sizes((reps, n))
    s = size / link.bottleneck_bytes_per_s
    t_b = link.batch_interval_s
    phase = g.uniform(0.0, t_b, size=(reps, 1)) if t_b > 0 else None

    def batch(t):
        if t_b == 0:
            return t
        return np.ceil((t - phase) / t_b) * t_b + phase

    bt = batch(c)
    clocks = None
    if link.degradation is not None:
        horizon = float(c[:, -1].max()) + 1.0
        clocks = [_episode_clock(g, link.degradation, horizon) for _ in range(reps)]
        tau = np.stack([clocks[r].forward(bt[r]) for r in range(reps)])
    else:
        tau = bt
    ia = np.diff(tau, axis=1, prepend=tau[:, :1])
    w = queueing.lindley_waits(ia, s)
    dep_tau = tau + w + s
    dep = (np.stack([clocks[r].inverse(dep_tau[r]) for r in range(reps)]) if clocks
           else dep_tau)
    d = link.fixed_delay_s
    done = dep + d
    lags = done - c
    warm = int(warm_frac * n)

    # random instants (time averages)
    m = n - warm
    inst = np.sort(g.uniform(c[:, warm:warm + 1], c[:, -1:], size=(reps, m)), axis=1)
    s_new = sizes((reps, m)) / link.bottleneck_bytes_per_s
    b_inst = batch(inst)
    vlag = np.empty((reps, m))
    at_risk = np.empty((reps, m))
    bytes_risk = np.empty((reps, m))
    window = np.empty((reps, m))
    cum_size = np.concatenate([np.zeros((reps, 1)), np.cumsum(size, axis=1)], axis=1)
    for r in range(reps):
        k_batch = np.searchsorted(bt[r], b_inst[r], side="right") - 1
        tau_i = clocks[r].forward(b_inst[r]) if clocks else b_inst[r]
        ahead = np.where(k_batch >= 0, dep_tau[r][np.maximum(k_batch, 0)], 0.0)
        start = np.maximum(ahead, tau_i)
        fin = start + s_new[r]
        fin_t = clocks[r].inverse(fin) if clocks else fin
        vlag[r] = fin_t + d - inst[r]
        n_committed = np.searchsorted(c[r], inst[r], side="right")
        n_done = np.searchsorted(done[r], inst[r], side="right")
        at_risk[r] = n_committed - n_done
        bytes_risk[r] = cum_size[r][n_committed] - cum_size[r][n_done]
        oldest = c[r][np.minimum(n_done, n - 1)]
        window[r] = np.where(n_committed > n_done, inst[r] - oldest, 0.0)

    per_write = lags[:, warm:]
    rate = float(((n - warm) / (c[:, -1] - c[:, warm])).mean())
    pw = _stats(per_write, quantity="per-write lag", unit="s", quantiles=qs)
    samples = LagSamples(
        arrivals="trace" if rates is not None else "poisson", simulated_writes_per_s=rate,
        n_writes=n, n_replications=reps, warmup_writes=warm, per_write=pw,
        at_instant=_stats(vlag, quantity="lag at a random instant", unit="s", quantiles=qs),
        writes_at_risk=_stats(at_risk, quantity="writes at risk", unit="writes"),
        bytes_at_risk=_stats(bytes_risk, quantity="bytes at risk", unit="bytes"),
        window_s=_stats(window, quantity="loss window", unit="s"),
        lags_s=per_write, instant_lag_s=vlag, writes_at_risk_samples=at_risk,
        bytes_at_risk_samples=bytes_risk, window_samples_s=window, commit_times_s=c[:, warm:])
    st = full_link.stability(lam) if include_degradation else link.stability(lam)
    return LagResult(link=full_link, writes_per_s=lam, utilisation=st.utilisation, stable=True,
                     lag_growth_s_per_s=0.0, mean=pw["mean"],
                     quantiles={q: pw[_qname(q)] for q in qs},
                     writes_at_risk=samples.writes_at_risk["mean"], p_episode=math.nan,
                     method="monte_carlo", simulation=samples)
