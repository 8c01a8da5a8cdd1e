"""Queueing results shared by every model that has a queue: one home, no rivals.

Used by in-region replica lag (:mod:`write_path`), Global Database lag (:mod:`global_db`) and reader
sizing (:mod:`availability`).

Contents
--------
- :func:`lindley_waits`: exact FIFO single-server waiting times for given interarrival and service
  samples, vectorized (a running minimum of a cumulative sum, no Python loop per customer).
- :func:`stability` and :class:`Stability`: utilisation and, for an overloaded queue, how fast the
  backlog grows. Steady-state functions raise :class:`~aurora_models.UnstableSystemError` with that
  growth rate instead of returning a number when utilisation >= 1.
- M/G/1: :func:`mg1_mean_wait` (Pollaczek-Khinchine), :func:`mg1_wait_sf_approx` and
  :func:`mg1_wait_quantile_approx` (exponential tail matched to P(W>0) and the mean).
- G/G/1: :func:`kingman_mean_wait`.
- Exact waiting-time distributions: :func:`mm1_wait_cdf`, :func:`md1_wait_cdf`, with quantiles.
- M/M/c: :func:`erlang_c`, :func:`mmc_mean_wait`, :func:`mmc_wait_sf`, :func:`mmc_response_sf`,
  :func:`mmc_response_quantile`.

Conventions: rates are per second, times in seconds; ``arrival_rate`` is lambda, ``service_mean``
is E[S]; utilisation rho = lambda E[S] / servers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np

from ._numeric import bracketed_root
from ._validate import check_array, check_int_range, check_positive, check_probability
from .exceptions import ParameterValueError, UnstableSystemError

__all__ = [
    "Stability",
    "erlang_c",
    "kingman_mean_wait",
    "lindley_waits",
    "md1_wait_cdf",
    "md1_wait_quantile",
    "mg1_mean_wait",
    "mg1_wait_quantile_approx",
    "mg1_wait_sf_approx",
    "mm1_wait_cdf",
    "mm1_wait_quantile",
    "mmc_mean_wait",
    "mmc_response_quantile",
    "mmc_response_sf",
    "mmc_wait_sf",
    "stability",
]

# Lindley's recursion is evaluated in blocks: restarting the cumulative sum at each block keeps
# its magnitude (and so its rounding error) bounded whatever the number of customers.
_BLOCK = 4096


def lindley_waits(interarrival_s, service_s, *, initial_wait_s: float = 0.0) -> np.ndarray:
    """Waiting times in a FIFO single-server queue, by Lindley's recursion.

    Parameters
    ----------
    interarrival_s : array_like, shape (..., n)
        ``interarrival_s[..., k]`` is A_k, the gap in seconds between arrivals k-1 and k, for
        k >= 1; element 0 (the time before the first arrival) is not used. Leading dimensions are
        independent replications.
    service_s : array_like, shape (..., n)
        Service time S_k of customer k, seconds.
    initial_wait_s : float
        Waiting time of customer 0 (default 0: the queue starts empty).

    Returns
    -------
    numpy.ndarray, shape (..., n)
        W_k, the time customer k waits before service starts, seconds.

    Notes
    -----
    ``W_0 = w``, ``W_k = max(0, W_{k-1} + S_{k-1} - A_k)``. With ``X_k = S_{k-1} - A_k`` and
    ``C_k = X_1 + ... + X_k`` (``C_0 = 0``), unrolling gives
    ``W_k = C_k - min(-w, min_{1<=j<=k} C_j)``, i.e. a cumulative sum minus its running minimum,
    which numpy evaluates without a Python loop. Blocks of 4,096 customers restart the sum from the
    last exact wait, so rounding error does not grow with the number of customers.

    Examples
    --------
    >>> lindley_waits([0.0, 1.0, 1.0, 5.0], [2.0, 2.0, 2.0, 1.0])
    array([0., 1., 2., 0.])
    """
    a = np.asarray(interarrival_s, dtype=float)
    s = np.asarray(service_s, dtype=float)
    if a.shape != s.shape:
        raise ParameterValueError(f"`interarrival_s` and `service_s` must have the same shape, got "
                         f"{a.shape} and {s.shape}")
    if a.ndim == 0 or a.shape[-1] == 0:
        raise ParameterValueError("`interarrival_s` must have at least 1 element along its last axis, got 0")
    for name, arr in (("interarrival_s", a), ("service_s", s)):
        flat = arr.reshape(-1)
        check_array(name, flat, nonnegative=True)
    w0 = float(check_positive("initial_wait_s", initial_wait_s, allow_zero=True))

    n = a.shape[-1]
    out = np.empty(a.shape, dtype=float)
    out[..., 0] = w0
    x = s[..., :-1] - a[..., 1:]  # X_1 .. X_{n-1}
    w = np.full(a.shape[:-1], w0)
    for start in range(0, n - 1, _BLOCK):
        block = x[..., start:start + _BLOCK]
        c = np.cumsum(block, axis=-1)
        floor = np.minimum(np.minimum.accumulate(c, axis=-1), -w[..., None])
        waits = c - floor
        out[..., start + 1:start + 1 + block.shape[-1]] = waits
        w = waits[..., -1]
    return out


@dataclass(frozen=True)
class Stability:
    """Whether a queue has a steady state, and how fast its backlog grows when it has none.

    Attributes
    ----------
    utilisation : float
        rho = arrival_rate x service_mean / servers.
    stable : bool
        True when rho < 1.
    backlog_growth_per_s : float
        For rho >= 1, seconds of unfinished work added per second of wall time
        (``servers x (rho - 1)``); a write that arrives t seconds into an overload waits about
        ``t x backlog_growth_per_s / servers`` longer than the first one. 0 when stable.
    """

    utilisation: float
    stable: bool
    backlog_growth_per_s: float

    def require_stable(self, what: str = "a steady-state quantity") -> None:
        """Raise :class:`UnstableSystemError` with the growth rate when not stable."""
        if not self.stable:
            raise UnstableSystemError(
                f"{what} does not exist: utilisation is {self.utilisation:.4g} (>= 1), so the "
                f"backlog grows without bound by {self.backlog_growth_per_s:.4g} s of work per "
                "second")


def stability(arrival_rate: float, service_mean: float, servers: int = 1) -> Stability:
    """Utilisation and backlog growth of a queue with ``servers`` servers.

    Examples
    --------
    >>> stability(12.0, 0.125)
    Stability(utilisation=1.5, stable=False, backlog_growth_per_s=0.5)
    """
    lam = check_positive("arrival_rate", arrival_rate, allow_zero=True)
    es = check_positive("service_mean", service_mean)
    c = check_int_range("servers", servers, 1)
    rho = lam * es / c
    growth = max(0.0, lam * es - c)
    return Stability(utilisation=float(rho), stable=bool(rho < 1.0),
                     backlog_growth_per_s=float(growth))


def mg1_mean_wait(arrival_rate: float, service_mean: float, service_second_moment: float) -> float:
    """Mean waiting time in an M/G/1 queue (Pollaczek-Khinchine), seconds.

    Parameters
    ----------
    arrival_rate : float
        Poisson arrival rate lambda, per second.
    service_mean : float
        E[S], seconds.
    service_second_moment : float
        E[S^2], seconds squared (>= E[S]^2; E[S]^2 for deterministic service, 2 E[S]^2 for
        exponential).

    Returns
    -------
    float
        ``E[W] = lambda E[S^2] / (2 (1 - rho))``.

    Raises
    ------
    UnstableSystemError
        When rho = lambda E[S] >= 1 (the message gives the backlog growth rate).

    Examples
    --------
    >>> round(mg1_mean_wait(8.0, 0.1, 0.02), 6)   # M/M/1, rho 0.8: rho/(mu - lambda) = 0.4
    0.4
    """
    st = stability(arrival_rate, service_mean)
    es2 = check_positive("service_second_moment", service_second_moment)
    if es2 < service_mean**2 * (1 - 1e-12):
        raise ParameterValueError(f"`service_second_moment` must be at least service_mean**2 = "
                         f"{service_mean**2!r}, got {es2!r}")
    st.require_stable("the M/G/1 mean wait")
    return float(arrival_rate * es2 / (2.0 * (1.0 - st.utilisation)))


def mg1_wait_sf_approx(t_s, arrival_rate: float, service_mean: float,
                       service_second_moment: float):
    """Approximate P(W > t) in M/G/1: exponential tail matched to P(W > 0) and E[W].

    ``P(W > t) ~ rho exp(-rho t / E[W])``: exact for M/M/1, and the usual light-traffic /
    heavy-traffic-consistent approximation otherwise (Kingman's heavy-traffic limit has the same
    form). For deterministic service the true tail is lighter; use :func:`md1_wait_cdf`.
    """
    t = check_positive("t_s", t_s, allow_zero=True)
    ew = mg1_mean_wait(arrival_rate, service_mean, service_second_moment)
    rho = arrival_rate * service_mean
    if ew == 0.0:
        return np.zeros_like(t) if isinstance(t, np.ndarray) else 0.0
    return rho * np.exp(-rho * t / ew)


def mg1_wait_quantile_approx(q: float, arrival_rate: float, service_mean: float,
                             service_second_moment: float) -> float:
    """Quantile of the M/G/1 waiting time under :func:`mg1_wait_sf_approx` (0 below 1 - rho)."""
    q = check_probability("q", q)
    ew = mg1_mean_wait(arrival_rate, service_mean, service_second_moment)
    rho = arrival_rate * service_mean
    if q <= 1.0 - rho or ew == 0.0:
        return 0.0
    if q >= 1.0:
        return math.inf
    return float(ew / rho * math.log(rho / (1.0 - q)))


def kingman_mean_wait(arrival_rate: float, service_mean: float, ca2: float, cs2: float) -> float:
    """Kingman's G/G/1 approximation of the mean wait, seconds.

    ``E[W] ~ rho / (1 - rho) * (ca2 + cs2) / 2 * E[S]``, with ``ca2`` and ``cs2`` the squared
    coefficients of variation of interarrival and service times. Exact for M/G/1 (ca2 = 1).

    Examples
    --------
    >>> round(kingman_mean_wait(8.0, 0.1, 1.0, 1.0), 6)
    0.4
    """
    st = stability(arrival_rate, service_mean)
    ca2 = check_positive("ca2", ca2, allow_zero=True)
    cs2 = check_positive("cs2", cs2, allow_zero=True)
    st.require_stable("the G/G/1 mean wait")
    rho = st.utilisation
    return float(rho / (1.0 - rho) * (ca2 + cs2) / 2.0 * service_mean)


def mm1_wait_cdf(t_s, arrival_rate: float, service_rate: float):
    """Exact P(W <= t) in M/M/1: ``1 - rho exp(-(mu - lambda) t)``.

    Examples
    --------
    >>> round(float(mm1_wait_cdf(0.0, 8.0, 10.0)), 6)
    0.2
    """
    t = check_positive("t_s", t_s, allow_zero=True)
    mu = check_positive("service_rate", service_rate)
    st = stability(arrival_rate, 1.0 / mu)
    st.require_stable("the M/M/1 waiting-time distribution")
    return 1.0 - st.utilisation * np.exp(-(mu - arrival_rate) * t)


def mm1_wait_quantile(q: float, arrival_rate: float, service_rate: float) -> float:
    """Exact quantile of the M/M/1 waiting time (0 for q <= 1 - rho)."""
    q = check_probability("q", q)
    mu = check_positive("service_rate", service_rate)
    st = stability(arrival_rate, 1.0 / mu)
    st.require_stable("the M/M/1 waiting-time distribution")
    if q <= 1.0 - st.utilisation:
        return 0.0
    if q >= 1.0:
        return math.inf
    return float(math.log(st.utilisation / (1.0 - q)) / (mu - arrival_rate))


def _md1_cdf_one(t: float, lam: float, d: float) -> float:
    # Crommelin/Erlang: P(W <= t) = (1 - rho) sum_{k=0}^{floor(t/D)} [lam (kD - t)]^k / k!
    #                                          * exp(-lam (kD - t)).
    # The terms alternate in sign and grow like exp(lam t), so the sum cancels catastrophically
    # in floating point; Decimal with enough digits carries it exactly enough.
    kmax = math.floor(t / d + 1e-12)
    digits = int(lam * t / math.log(10) + math.log10(kmax + 2) * 2) + 30
    with localcontext() as ctx:
        ctx.prec = digits
        lam_d, d_d, t_d = Decimal(lam), Decimal(d), Decimal(t)
        total = Decimal(0)
        for k in range(kmax + 1):
            x = lam_d * (k * d_d - t_d)  # <= 0
            term = (x**k if k else Decimal(1)) / Decimal(math.factorial(k)) * (-x).exp()
            total += term
        value = (1 - lam_d * d_d) * total
    return float(min(max(value, Decimal(0)), Decimal(1)))


def md1_wait_cdf(t_s, arrival_rate: float, service_s: float):
    """Exact P(W <= t) in M/D/1 (Poisson arrivals, constant service ``service_s``).

    Notes
    -----
    Erlang's (Crommelin's) formula,
    ``P(W <= t) = (1 - rho) sum_{k=0}^{floor(t/D)} (lambda (kD - t))^k / k! exp(-lambda (kD - t))``,
    evaluated in decimal arithmetic with ``lambda t / ln 10 + 30`` digits, because its terms
    alternate and grow like ``exp(lambda t)``. Cost grows with ``t / D`` and ``lambda t``; fine for
    tail quantiles up to a few hundred service times.

    Examples
    --------
    >>> round(float(md1_wait_cdf(0.0, 5.0, 0.1)), 6)   # P(no wait) = 1 - rho
    0.5
    """
    t = check_positive("t_s", t_s, allow_zero=True)
    d = check_positive("service_s", service_s)
    st = stability(arrival_rate, d)
    st.require_stable("the M/D/1 waiting-time distribution")
    if isinstance(t, np.ndarray):
        return np.array([_md1_cdf_one(float(x), arrival_rate, d) for x in t.ravel()]).reshape(t.shape)
    return _md1_cdf_one(t, arrival_rate, d)


def md1_wait_quantile(q: float, arrival_rate: float, service_s: float) -> float:
    """Quantile of the M/D/1 waiting time by bisection on :func:`md1_wait_cdf` (to 1e-9 relative)."""
    q = check_probability("q", q)
    d = check_positive("service_s", service_s)
    st = stability(arrival_rate, d)
    st.require_stable("the M/D/1 waiting-time distribution")
    if q <= 1.0 - st.utilisation:
        return 0.0
    if q >= 1.0:
        return math.inf
    lo, hi = 0.0, d
    while _md1_cdf_one(hi, arrival_rate, d) < q:
        lo, hi = hi, hi * 2.0
    while hi - lo > 1e-9 * hi:
        mid = 0.5 * (lo + hi)
        if _md1_cdf_one(mid, arrival_rate, d) < q:
            lo = mid
        else:
            hi = mid
    return float(hi)


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C: probability that an arrival waits in an M/M/c queue.

    Parameters
    ----------
    servers : int
        Number of servers c >= 1.
    offered_load : float
        a = lambda / mu, in Erlangs (must be < c for a steady state).

    Notes
    -----
    Computed from Erlang B by the recursion ``B_0 = 1``, ``B_k = a B_{k-1} / (k + a B_{k-1})``
    (no factorials, no overflow for thousands of servers), then
    ``C = c B_c / (c - a (1 - B_c))``.

    Raises
    ------
    UnstableSystemError
        When a >= c.

    Examples
    --------
    >>> round(erlang_c(1, 0.8), 6)     # M/M/1: P(wait) = rho
    0.8
    >>> round(erlang_c(2, 1.0), 6)     # 1/3
    0.333333
    """
    c = check_int_range("servers", servers, 1)
    a = check_positive("offered_load", offered_load, allow_zero=True)
    stability(a, 1.0, c).require_stable("Erlang C")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return float(c * b / (c - a * (1.0 - b)))


def _mmc(servers, arrival_rate, service_rate):
    c = check_int_range("servers", servers, 1)
    lam = check_positive("arrival_rate", arrival_rate, allow_zero=True)
    mu = check_positive("service_rate", service_rate)
    stability(lam, 1.0 / mu, c).require_stable("the M/M/c steady state")
    return c, lam, mu, erlang_c(c, lam / mu)


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in M/M/c, seconds: ``C / (c mu - lambda)``.

    >>> round(mmc_mean_wait(1, 8.0, 10.0), 6)
    0.4
    """
    c, lam, mu, pc = _mmc(servers, arrival_rate, service_rate)
    return float(pc / (c * mu - lam))


def mmc_wait_sf(t_s, servers: int, arrival_rate: float, service_rate: float):
    """P(W > t) in M/M/c: ``C exp(-(c mu - lambda) t)``."""
    t = check_positive("t_s", t_s, allow_zero=True)
    c, lam, mu, pc = _mmc(servers, arrival_rate, service_rate)
    return pc * np.exp(-(c * mu - lam) * t)


def _phi(x):
    """(1 - exp(-x)) / x, with phi(0) = 1, without cancellation."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 - x / 2.0, -np.expm1(-safe) / safe)


def mmc_response_sf(t_s, servers: int, arrival_rate: float, service_rate: float):
    """P(T > t) for the response time T = W + S in M/M/c (FIFO, exponential service).

    Notes
    -----
    W is 0 with probability 1 - C and otherwise exponential with rate theta = c mu - lambda;
    S is exponential with rate mu and independent of W, so
    ``P(T > t) = e^{-mu t} + C mu (e^{-theta t} - e^{-mu t}) / (mu - theta)``, evaluated as
    ``e^{-mu t} + C mu t e^{-min(theta, mu) t} phi(|theta - mu| t)`` with
    ``phi(x) = (1 - e^{-x}) / x`` for x >= 0: no growing exponential (near saturation theta is
    tiny) and no cancellation when theta is close to mu.

    Examples
    --------
    >>> round(float(mmc_response_sf(0.0, 2, 1.0, 1.0)), 6)
    1.0
    """
    t = check_positive("t_s", t_s, allow_zero=True)
    c, lam, mu, pc = _mmc(servers, arrival_rate, service_rate)
    theta = c * mu - lam
    slow = min(theta, mu)
    return np.exp(-mu * t) + pc * mu * t * np.exp(-slow * t) * _phi(abs(theta - mu) * t)


def mmc_response_quantile(q: float, servers: int, arrival_rate: float,
                          service_rate: float) -> float:
    """Quantile of the M/M/c response time (wait + service), seconds, by bracketing and Brent.

    With no queueing the p-quantile is ``-ln(1 - p) / mu``: a p99 response time below about 4.6
    mean service times cannot be met by adding servers.

    Examples
    --------
    >>> round(mmc_response_quantile(0.99, 50, 1.0, 1.0), 4)   # almost no waiting: ln(100)
    4.6052
    """
    q = check_probability("q", q)
    if q >= 1.0:
        return math.inf
    if q == 0.0:
        return 0.0
    c, lam, mu, _ = _mmc(servers, arrival_rate, service_rate)

    def f(t):
        return float(mmc_response_sf(t, c, lam, mu)) - (1.0 - q)

    hi = -math.log(1.0 - q) / mu
    while f(hi) > 0:
        hi *= 2.0
    return float(bracketed_root(f, 0.0, hi, xtol=1e-12 * hi, rtol=1e-12))
