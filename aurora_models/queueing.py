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
  :func:`mg1_wait_quantile_approx` (exponential tail matched to P(W>0) and the mean); with
  gamma service, the sojourn-time distribution :func:`mg1_sojourn_cdf` and its quantile
  :func:`mg1_sojourn_quantile`.
- G/G/1: :func:`kingman_mean_wait`.
- Exact waiting-time distributions: :func:`mm1_wait_cdf`, :func:`md1_wait_cdf`, with quantiles.
- M/M/c: :func:`erlang_c`, :func:`mmc_mean_wait`, :func:`mmc_wait_sf`, :func:`mmc_response_sf`,
  :func:`mmc_response_quantile`.

Conventions: rates are per second, times in seconds; ``arrival_rate`` is lambda, ``service_mean``
is E[S]; utilisation rho = lambda E[S] / servers.
"""

from __future__ import annotations

import functools
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
    "mg1_sojourn_cdf",
    "mg1_sojourn_quantile",
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
        Waiting time of customer 0, seconds (default 0: the queue starts empty).

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

    Parameters
    ----------
    utilisation : float
        The load per server, rho = arrival_rate x service_mean / servers.
    stable : bool
        True when rho < 1.
    backlog_growth_per_s : float
        For rho >= 1, seconds of unfinished work added per second of wall time
        (``servers x (rho - 1)``); a write that arrives t seconds into an overload waits about
        ``t x backlog_growth_per_s / servers`` longer than the first one. 0 when stable.

    See Also
    --------
    stability : The function that returns it.

    Examples
    --------
    >>> from aurora_models.queueing import stability
    >>> st = stability(12.0, 0.125)
    >>> st.stable, st.backlog_growth_per_s
    (False, 0.5)
    """

    utilisation: float
    stable: bool
    backlog_growth_per_s: float

    def require_stable(self, what: str = "a steady-state quantity") -> None:
        """Raise :class:`~aurora_models.UnstableSystemError` with the growth rate when not stable.

        Parameters
        ----------
        what : str
            The quantity that needs a steady state, named in the message.

        Raises
        ------
        UnstableSystemError
            When ``stable`` is False.
        """
        if not self.stable:
            raise UnstableSystemError(
                f"{what} does not exist: utilisation is {self.utilisation:.4g} (>= 1), so the "
                f"backlog grows without bound by {self.backlog_growth_per_s:.4g} s of work per "
                "second")


def stability(arrival_rate: float, service_mean: float, servers: int = 1) -> Stability:
    """Utilisation and backlog growth of a queue with ``servers`` servers.

    Parameters
    ----------
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_mean : float
        Mean service time, seconds (> 0).
    servers : int
        Number of servers (>= 1).

    Returns
    -------
    Stability
        ``utilisation = lambda E[S] / c``, ``stable`` (utilisation < 1) and the backlog
        growth ``max(0, lambda E[S] - c)``, seconds of work per second.

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

    Parameters
    ----------
    t_s : float or array_like
        Time t, seconds (>= 0).
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_mean : float
        E[S], seconds (> 0).
    service_second_moment : float
        E[S^2], seconds squared (>= E[S]^2).

    Returns
    -------
    float or numpy.ndarray
        ``rho exp(-rho t / E[W])`` at each ``t_s``.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    Examples
    --------
    >>> round(float(mg1_wait_sf_approx(0.0, 8.0, 0.1, 0.02)), 6)   # P(W > 0) = rho
    0.8
    """
    t = check_positive("t_s", t_s, allow_zero=True)
    ew = mg1_mean_wait(arrival_rate, service_mean, service_second_moment)
    rho = arrival_rate * service_mean
    if ew == 0.0:
        return np.zeros_like(t) if isinstance(t, np.ndarray) else 0.0
    return rho * np.exp(-rho * t / ew)


def mg1_wait_quantile_approx(q: float, arrival_rate: float, service_mean: float,
                             service_second_moment: float) -> float:
    """Quantile of the M/G/1 waiting time under :func:`mg1_wait_sf_approx`.

    Parameters
    ----------
    q : float
        Probability in [0, 1].
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_mean : float
        E[S], seconds (> 0).
    service_second_moment : float
        E[S^2], seconds squared (>= E[S]^2).

    Returns
    -------
    float
        The quantile, seconds: 0 for ``q <= 1 - rho``, ``E[W] / rho ln(rho / (1 - q))`` above.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    Examples
    --------
    >>> round(mg1_wait_quantile_approx(0.1, 8.0, 0.1, 0.02), 6)   # q below 1 - rho
    0.0
    """
    q = check_probability("q", q)
    ew = mg1_mean_wait(arrival_rate, service_mean, service_second_moment)
    rho = arrival_rate * service_mean
    if q <= 1.0 - rho or ew == 0.0:
        return 0.0
    if q >= 1.0:
        return math.inf
    return float(ew / rho * math.log(rho / (1.0 - q)))


def kingman_mean_wait(arrival_rate: float, service_mean: float, ca2: float, cs2: float) -> float:
    """Approximate the G/G/1 mean wait by Kingman's formula, seconds.

    ``E[W] ~ rho / (1 - rho) * (ca2 + cs2) / 2 * E[S]``, with ``ca2`` and ``cs2`` the squared
    coefficients of variation of interarrival and service times. Exact for M/G/1 (ca2 = 1).

    Parameters
    ----------
    arrival_rate : float
        Arrival rate lambda, per second (>= 0).
    service_mean : float
        E[S], seconds (> 0).
    ca2 : float
        Squared coefficient of variation of the interarrival times (1: Poisson).
    cs2 : float
        Squared coefficient of variation of the service times (1: exponential, 0: constant).

    Returns
    -------
    float
        The approximate mean wait, seconds.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

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

    Parameters
    ----------
    t_s : float or array_like
        Time t, seconds (>= 0).
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_rate : float
        Service rate mu of one server, per second (> 0).

    Returns
    -------
    float or numpy.ndarray
        The CDF at each ``t_s``.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

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
    """Exact quantile of the M/M/1 waiting time (0 for q <= 1 - rho).

    Parameters
    ----------
    q : float
        Probability in [0, 1].
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_rate : float
        Service rate mu of one server, per second (> 0).

    Returns
    -------
    float
        ``ln(rho / (1 - q)) / (mu - lambda)`` seconds above ``1 - rho``; inf at ``q = 1``.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    Examples
    --------
    >>> round(mm1_wait_quantile(0.9, 8.0, 10.0), 6)   # ln(0.8 / 0.1) / 2
    1.039721
    """
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

    Parameters
    ----------
    t_s : float or array_like
        Time t, seconds (>= 0).
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_s : float
        The constant service time D, seconds (> 0).

    Returns
    -------
    float or numpy.ndarray
        The CDF at each ``t_s``.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

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
    """Quantile of the M/D/1 waiting time by bisection on :func:`md1_wait_cdf`.

    Parameters
    ----------
    q : float
        Probability in [0, 1].
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_s : float
        The constant service time D, seconds (> 0).

    Returns
    -------
    float
        The quantile, seconds, to 1e-9 relative (0 for ``q <= 1 - rho``, inf at ``q = 1``).

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    Examples
    --------
    >>> round(md1_wait_quantile(0.4, 5.0, 0.1), 6)    # below 1 - rho: no wait
    0.0
    """
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
        The load a = lambda / mu, in Erlangs (must be < c for a steady state).

    Returns
    -------
    float
        The probability of waiting, ``C(c, a)``.

    Raises
    ------
    UnstableSystemError
        When a >= c.

    Notes
    -----
    Computed from Erlang B by the recursion ``B_0 = 1``, ``B_k = a B_{k-1} / (k + a B_{k-1})``
    (no factorials, no overflow for thousands of servers), then
    ``C = c B_c / (c - a (1 - B_c))``.

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

    Parameters
    ----------
    servers : int
        Number of servers c >= 1.
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_rate : float
        Service rate mu of one server, per second (> 0).

    Returns
    -------
    float
        The mean wait, seconds (C the Erlang C probability, :func:`erlang_c`).

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    Examples
    --------
    >>> round(mmc_mean_wait(1, 8.0, 10.0), 6)
    0.4
    """
    c, lam, mu, pc = _mmc(servers, arrival_rate, service_rate)
    return float(pc / (c * mu - lam))


def mmc_wait_sf(t_s, servers: int, arrival_rate: float, service_rate: float):
    """P(W > t) in M/M/c: ``C exp(-(c mu - lambda) t)``.

    Parameters
    ----------
    t_s : float or array_like
        Time t, seconds (>= 0).
    servers : int
        Number of servers c >= 1.
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_rate : float
        Service rate mu of one server, per second (> 0).

    Returns
    -------
    float or numpy.ndarray
        The survival function at each ``t_s``.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    Examples
    --------
    >>> round(float(mmc_wait_sf(0.0, 1, 8.0, 10.0)), 6)   # M/M/1: P(W > 0) = rho
    0.8
    """
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

    Parameters
    ----------
    t_s : float or array_like
        Time t, seconds (>= 0).
    servers : int
        Number of servers c >= 1.
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_rate : float
        Service rate mu of one server, per second (> 0).

    Returns
    -------
    float or numpy.ndarray
        The survival function of the response time at each ``t_s``.

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

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

    Parameters
    ----------
    q : float
        Probability in [0, 1].
    servers : int
        Number of servers c >= 1.
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_rate : float
        Service rate mu of one server, per second (> 0).

    Returns
    -------
    float
        The quantile, seconds (0 at ``q = 0``, inf at ``q = 1``).

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

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


# -- M/G/1 with gamma service: the sojourn distribution -----------------------------------------

#: Grid points of the numerical M/G/1 sojourn distribution (a power of two, for the FFT).
_MG1_GRID = 1 << 16


def _gamma_cell_masses(edges: np.ndarray, mean: float, cs2: float, *, equilibrium: bool):
    """Masses of the gamma service time (or of its equilibrium, the residual-life
    distribution ``F_e(y) = (1 / E[S]) int_0^y P(S > u) du``) on the cells between ``edges``."""
    from scipy import stats  # scipy.stats loads scipy.optimize: only when a curve is asked for

    k = 1.0 / cs2
    theta = mean / k
    if not equilibrium:
        cdf = stats.gamma.cdf(edges, k, scale=theta)
    else:  # int_0^y sf = y sf(y) + E[S] F_{k+1}(y)  (as int_0^y u f(u) du = E[S] F_{k+1}(y))
        cdf = edges * stats.gamma.sf(edges, k, scale=theta) / mean + stats.gamma.cdf(
            edges, k + 1.0, scale=theta)
    return np.diff(cdf)


def mg1_sojourn_cdf(t_s, arrival_rate: float, service_mean: float, service_cs2: float = 1.0):
    """P(T <= t) of the M/G/1 sojourn time T = wait + service, gamma-distributed service.

    Parameters
    ----------
    t_s : float or array_like
        Time t, seconds (>= 0).
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_mean : float
        Mean service time E[S], seconds (> 0).
    service_cs2 : float
        Squared coefficient of variation of the (gamma) service time: 1 exponential, 0
        constant, in [0, 100].

    Returns
    -------
    float or numpy.ndarray
        The CDF at each ``t_s``, non-decreasing, in [0, 1].

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    See Also
    --------
    mg1_sojourn_quantile : Its inverse.
    aurora_models.write_path.replica_visibility : The in-region read-after-write curve built on it.

    Notes
    -----
    Exponential service is exact (``T`` is exponential with rate ``mu - lambda``); constant
    service is the exact M/D/1 wait (:func:`md1_wait_cdf`) shifted by the service time (1
    beyond the wait's 1 - 1e-13 quantile). Any
    other squared CV is computed from the Pollaczek-Khinchine form of the wait, a geometric
    sum (``P(N = n) = (1 - rho) rho^n``) of equilibrium service times: its transform
    ``(1 - rho) / (1 - rho phi_e)`` is inverted by FFT on a grid of 65,536 cells reaching 40
    tail decay lengths past the mean sojourn, then convolved with the service time; the grid's
    first-order error is cancelled by extrapolation from half as many cells (Richardson), and
    values between grid points are interpolated linearly: the absolute error is of order 1e-6
    (3e-6 against the exact M/E2/1 curve at utilisation 0.9).
    ``tests/test_replica_visibility.py`` checks it against both exact cases and a Lindley
    simulation.

    Examples
    --------
    >>> round(float(mg1_sojourn_cdf(0.001, 500.0, 0.001, 1.0)), 6)   # 1 - exp(-(1000 - 500) t)
    0.393469
    """
    t = check_positive("t_s", t_s, allow_zero=True)
    lam = float(check_positive("arrival_rate", arrival_rate, allow_zero=True))
    es = float(check_positive("service_mean", service_mean))
    cs2 = float(check_positive("service_cs2", service_cs2, allow_zero=True))
    if cs2 > 100.0:
        raise ParameterValueError(f"`service_cs2` must be at most 100 (a tail far heavier than "
                                  f"any service time's), got {cs2!r}")
    st = stability(lam, es)
    st.require_stable("the M/G/1 sojourn-time distribution")
    arr = np.asarray(t, dtype=float)
    if cs2 == 1.0:
        out = -np.expm1(-(1.0 / es - lam) * arr)
    elif cs2 == 0.0:
        # Crommelin's series costs grow with t / D and lambda t: beyond the wait's 1 - 1e-13
        # quantile the CDF is 1 to within 1e-13, so only the body is summed
        # T >= D always, with an atom (1 - rho) at D: a t that misses D by rounding only (a
        # quantile sent back, a delay added and taken away) is counted as at D
        served = arr >= es * (1.0 - 1e-12)
        w = np.maximum(arr - es, 0.0)
        body = served & (w < _md1_wait_hi(lam, es))
        out = np.where(served, 1.0, 0.0)
        if body.any():
            out = np.asarray(out, dtype=float).copy()
            out[body] = np.asarray(md1_wait_cdf(w[body], lam, es), dtype=float)
    else:
        grid, cdf = _mg1_table(lam, es, cs2)
        out = np.interp(arr, grid, cdf, right=1.0)
    out = np.clip(out, 0.0, 1.0)
    return out if np.ndim(t) else float(out)


@functools.lru_cache(maxsize=64)
def _md1_wait_hi(lam: float, es: float) -> float:
    """The M/D/1 wait's 1 - 1e-13 quantile, seconds (0 without arrivals)."""
    return md1_wait_quantile(1.0 - 1e-13, lam, es) if lam > 0 else 0.0


@functools.lru_cache(maxsize=64)
def _mg1_table(lam: float, es: float, cs2: float):
    """The sojourn CDF on a grid: two grid widths, extrapolated (Richardson) to width zero."""
    rho = lam * es
    # the wait's tail decays like exp(-theta x); the gamma service's like exp(-x k / E[S])
    mean_t = es + (lam * es * es * (1.0 + cs2) / (2.0 * (1.0 - rho)) if rho > 0 else 0.0)
    decay = es * max(cs2, 1.0) + (mean_t if rho > 0 else 0.0)
    x_max = mean_t + 40.0 * decay
    fine = _mg1_grid_cdf(lam, es, cs2, x_max, _MG1_GRID)
    coarse = _mg1_grid_cdf(lam, es, cs2, x_max, _MG1_GRID // 2)
    # each variable of the geometric sum sits up to a cell to the right of its grid point, so the
    # grid CDF's error is first order in the width: 2 F_h - F_2h cancels it
    grid = np.arange(_MG1_GRID // 2 + 1) * (x_max / (_MG1_GRID // 2))
    cdf = np.clip(np.concatenate([[0.0], 2.0 * fine[1::2] - coarse]), 0.0, 1.0)
    cdf = np.maximum.accumulate(cdf)  # P(T <= 0) = 0: the service time has a density
    grid.setflags(write=False)  # cached: shared by every caller
    cdf.setflags(write=False)
    return grid, cdf


def _mg1_grid_cdf(lam: float, es: float, cs2: float, x_max: float, n: int) -> np.ndarray:
    """P(T < (i + 1) h) on ``n`` cells of width ``h = x_max / n``, each variable at its cell's
    left end."""
    rho = lam * es
    edges = np.arange(n + 1) * (x_max / n)
    s_pmf = _gamma_cell_masses(edges, es, cs2, equilibrium=False)
    if rho > 0:
        e_pmf = _gamma_cell_masses(edges, es, cs2, equilibrium=True)
        size = 2 * n  # zero padding: the circular convolution must not wrap the tail around
        phi = np.fft.rfft(e_pmf, size)
        w_pmf = np.fft.irfft((1.0 - rho) / (1.0 - rho * phi), size)[:n]
        t_pmf = np.fft.irfft(np.fft.rfft(w_pmf, size) * np.fft.rfft(s_pmf, size), size)[:n]
    else:
        t_pmf = s_pmf
    return np.cumsum(t_pmf)


def mg1_sojourn_quantile(q, arrival_rate: float, service_mean: float,
                         service_cs2: float = 1.0):
    """Quantile of the M/G/1 sojourn time (gamma service), the inverse of :func:`mg1_sojourn_cdf`.

    Parameters
    ----------
    q : float or array_like
        Probability, in [0, 1].
    arrival_rate : float
        Poisson arrival rate lambda, per second (>= 0).
    service_mean : float
        Mean service time E[S], seconds (> 0).
    service_cs2 : float
        Squared coefficient of variation of the (gamma) service time, in [0, 100].

    Returns
    -------
    float or numpy.ndarray
        ``inf{t : P(T <= t) >= q}``, seconds (0 at ``q = 0``, inf at ``q = 1``).

    Raises
    ------
    UnstableSystemError
        When the queue has no steady state (utilisation >= 1).

    See Also
    --------
    mg1_sojourn_cdf : The distribution inverted.

    Notes
    -----
    Exponential service: ``-ln(1 - q) / (mu - lambda)``. Constant service: ``E[S]`` plus the
    M/D/1 wait quantile (:func:`md1_wait_quantile`). Otherwise the tabulated CDF of
    :func:`mg1_sojourn_cdf` is inverted by linear interpolation between its grid points
    (65,536 cells over the 40 decay lengths, so the error is a small fraction of a cell).

    Examples
    --------
    >>> round(1e3 * mg1_sojourn_quantile(0.99, 500.0, 0.001, 1.0), 4)   # ln(100) / 500 s
    9.2103
    """
    qq = check_probability("q", q)
    lam = float(check_positive("arrival_rate", arrival_rate, allow_zero=True))
    es = float(check_positive("service_mean", service_mean))
    cs2 = float(check_positive("service_cs2", service_cs2, allow_zero=True))
    if cs2 > 100.0:
        raise ParameterValueError(f"`service_cs2` must be at most 100 (a tail far heavier than "
                                  f"any service time's), got {cs2!r}")
    stability(lam, es).require_stable("the M/G/1 sojourn-time distribution")
    arr = np.atleast_1d(np.asarray(qq, dtype=float))
    if cs2 == 1.0:
        with np.errstate(divide="ignore"):
            out = -np.log1p(-arr) / (1.0 / es - lam)
    elif cs2 == 0.0:
        out = np.array([es + md1_wait_quantile(float(x), lam, es) if lam > 0 else
                        (es if x < 1 else math.inf) for x in arr])
        out[arr == 0.0] = 0.0
    else:
        grid, cdf = _mg1_table(lam, es, cs2)
        i = np.clip(np.searchsorted(cdf, arr, side="left"), 1, cdf.size - 1)
        lo, hi = cdf[i - 1], cdf[i]
        frac = np.where(hi > lo, (arr - lo) / np.where(hi > lo, hi - lo, 1.0), 1.0)
        out = grid[i - 1] + np.clip(frac, 0.0, 1.0) * (grid[i] - grid[i - 1])
        out = np.where(arr >= 1.0, math.inf, np.where(arr <= 0.0, 0.0, out))
    return out if np.ndim(qq) else float(out[0])
