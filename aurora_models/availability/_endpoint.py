"""The reader endpoint as it behaves: DNS answers over pooled connections (issue 28 item 5).

The reader sizing of :mod:`._readers` splits the read load *evenly* over the readers. The reader
endpoint does not: it is one DNS name whose every resolution returns one reader, so it balances
connection *opens*, not queries, and a connection pool that resolves the name once and keeps
its connections sends all their queries to the reader it got. Here the readers' loads are balls
in bins over the pools' DNS answers: the distribution of the heaviest reader's share (exact, by
the occupancy distribution, and by Monte Carlo), the probability it is overloaded, and the read
latency as a traffic-weighted mixture over the readers, against the even split kept as the
optimistic bound.

Sources
-------
- *Reader endpoints for Amazon Aurora*, Amazon Aurora User Guide,
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Endpoints.Reader.html :
  the reader endpoint "balances connections to available Aurora Replicas ... It doesn't balance
  individual queries"; to balance each query, open a new connection for it.
- *Load balancing with the reader endpoint*, Amazon Aurora MySQL Database Administrator's
  Handbook (AWS whitepaper),
  https://docs.aws.amazon.com/whitepapers/latest/amazon-aurora-mysql-db-admin-handbook/load-balancing-with-the-reader-endpoint.html :
  DNS-based assignment, "every time you resolve the reader endpoint, you'll get an instance IP
  ... chosen randomly"; a connection resolved once and kept in a pool sends every query to the
  same instance; a cached answer gives the same instance on each resolution; not following this
  leads to "unequal use of Aurora Replicas".
- *Why is my connection redirected to the reader instance when I try to connect to my Amazon
  Aurora writer endpoint?*, AWS re:Post Knowledge Center (aurora-mysql-redirected-endpoint-writer):
  "Aurora DNS zones use a short time-to-live (TTL) of 5 seconds" (the value already declared as
  ``availability.dns_ttl_s``); many clients cache longer.
- *Set the JVM TTL for DNS name lookups*, AWS SDK for Java 2.x Developer Guide,
  https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/jvm-ttl-dns.html : the JVM
  caches lookups for ``networkaddress.cache.ttl`` seconds; AWS recommends 5 s; "on some Java
  configurations" the default caches until the JVM restarts.

Assumed (stated in :class:`ConnectionPools` and :func:`reader_endpoint`): the answers of distinct
lookups are independent and uniform over the readers (the handbook's "chosen randomly"; a
strict rotation seen from many clients at unrelated times has the same marginal); the
connections of one answer are the pool's connections opened inside one client cache window;
every connection carries the same read rate; each reader is the M/M/k queue of
:mod:`._readers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._params import declared, param
from .._rng import as_generator
from .._validate import check_int_range
from ..exceptions import ParameterTypeError, ParameterValueError
from ..queueing import mmc_mean_wait, mmc_response_sf, stability
from ..results import Estimate
from ._params import MAX_REPLICAS
from ._readers import _inputs, _latency_ms

__all__ = ["ConnectionPools", "ReaderEndpointLoad", "max_load_distribution", "reader_endpoint",
           "sample_reader_shares", "simulate_reader_endpoint"]

#: The most DNS answers (pools x lookups per pool) the exact occupancy computation accepts: its
#: cost grows like lookups x sqrt(lookups) FFTs of length lookups.
MAX_LOOKUPS = 200_000

# Weight below which a reader load is left out of the latency mixture (fewer M/M/k tails to
# evaluate; the p99 moves by a relative 1e-12 at most).
_MIX_TAIL = 1e-14

# Tail mass below which the max-load distribution and the traffic-weighted share distribution
# are cut (their neglected mass is below this, far under any reported digit).
_TAIL = 1e-16


@declared("availability")
@dataclass(frozen=True, kw_only=True)
class ConnectionPools:
    """The clients of a reader endpoint: identical connection pools and how they resolve it.

    Parameters
    ----------
    pools : int
        Client processes (application servers, containers), each with its own pool, 1 to
        100,000.
    connections_per_pool : int
        Connections each pool keeps open to the reader endpoint, 1 to 10,000.
    connections_per_answer : int or None
        How many of a pool's connections share one DNS answer (and so one reader): the
        connections the pool opens inside one client cache window. None (the default) means all
        of them: a pool that fills itself at start-up, within the client's cache time (the
        record's 5 s TTL, or the JVM's ``networkaddress.cache.ttl`` if longer, or forever), puts
        every connection on one reader. 1 means every connection resolves afresh: opens spread
        over many cache windows (staggered recycling over a connection lifetime much longer than
        ``connections_per_pool`` cache windows, or a client that does not cache). It must divide
        ``connections_per_pool`` (the pool opens equal bursts).

    Notes
    -----
    The defaults are an assumption, not a measurement: pool libraries open their minimum
    connections at start-up in well under a second, inside one 5 s TTL window, so one answer
    serves the whole pool. A connection keeps its reader for its lifetime (HikariCP's
    ``maxLifetime`` defaults to 30 minutes; many pools keep connections for hours), so a draw
    of the readers' loads lasts that long; the distribution computed here is that of one draw,
    and the long-run latency averages over draws.

    Examples
    --------
    >>> from aurora_models.availability import ConnectionPools
    >>> p = ConnectionPools(pools=4, connections_per_pool=10)
    >>> p.connections, p.lookups, p.connections_per_answer
    (40, 4, 10)
    >>> ConnectionPools(pools=4, connections_per_pool=10, connections_per_answer=3)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `connections_per_answer` must divide `connections_per_pool` = 10 (a pool opens equal bursts, one DNS answer each), got 3
    """

    pools: int = param(1, "-", low=1, high=100_000, user_input=True,
                       doc="client processes, each with its own connection pool")
    connections_per_pool: int = param(10, "-", low=1, high=10_000, user_input=True,
                                      doc="connections each pool keeps to the reader endpoint")
    connections_per_answer: int | None = param(
        None, "-", type="int", low=1, high=10_000, nullable=True, user_input=True,
        doc="connections of a pool that share one DNS answer (unset: the whole pool)")

    def __post_init__(self) -> None:
        c = self.connections_per_pool
        if self.connections_per_answer is None:
            object.__setattr__(self, "connections_per_answer", c)
        g = int(self.connections_per_answer or c)
        if g > c or c % g:
            raise ParameterValueError(
                f"`connections_per_answer` must divide `connections_per_pool` = {c} (a pool "
                f"opens equal bursts, one DNS answer each), got {g}")
        if self.lookups > MAX_LOOKUPS:
            raise ParameterValueError(
                f"`pools` x `connections_per_pool` / `connections_per_answer` (the DNS answers) "
                f"must be at most {MAX_LOOKUPS}, got {self.lookups}")

    @property
    def connections(self) -> int:
        """All connections to the endpoint, ``pools x connections_per_pool``."""
        return self.pools * self.connections_per_pool

    @property
    def lookups(self) -> int:
        """DNS answers behind the connections (the balls), ``connections / connections_per_answer``."""
        return self.connections // int(self.connections_per_answer or 1)


@dataclass(frozen=True, kw_only=True)
class ReaderEndpointLoad:
    """The readers' loads behind a reader endpoint, and the read latency they give.

    Parameters
    ----------
    readers : int
        Aurora replicas behind the endpoint.
    lookups : int
        DNS answers (balls) spread over the readers.
    objective : str
        The latency metric: ``'mean'`` or a percentile such as ``'p99'``.
    max_share_values : numpy.ndarray
        The values the heaviest reader's share of the read load can take (``m / lookups``).
    max_share_probabilities : numpy.ndarray
        Their probabilities (exact), or frequencies (Monte Carlo).
    expected_max_share : Estimate
        E[heaviest reader's share of the reads]; the even split is ``1 / readers``.
    p_overload : Estimate
        P(the heaviest reader's utilisation is 1 or more): that reader has no steady state.
    query_share_overloaded : Estimate
        The long-run share of reads sent to an overloaded reader (averaged over draws).
    latency_ms : Estimate
        The objective metric of the read latency (wait + service), milliseconds, over all reads
        and draws (a traffic-weighted mixture over the readers); inf when more than the
        objective's tail of the reads meets an overloaded reader.
    even_latency_ms : float
        The same metric with the load split evenly (:func:`reader_latency_ms`), milliseconds:
        the optimistic bound.
    even_utilisation : float
        Per-reader utilisation of the even split, ``lambda S / (k R)``.

    See Also
    --------
    reader_endpoint : The closed form that returns it.
    simulate_reader_endpoint : Its Monte Carlo sibling.

    Examples
    --------
    >>> from aurora_models.availability import ConnectionPools, reader_endpoint
    >>> r = reader_endpoint(2, 100.0, 10.0, ConnectionPools(pools=2))
    >>> r.max_share_values.tolist(), r.max_share_probabilities.tolist()
    ([0.5, 1.0], [0.5, 0.5])
    """

    readers: int
    lookups: int
    objective: str
    max_share_values: np.ndarray
    max_share_probabilities: np.ndarray
    expected_max_share: Estimate
    p_overload: Estimate
    query_share_overloaded: Estimate
    latency_ms: Estimate
    even_latency_ms: float
    even_utilisation: float

    @property
    def even_share(self) -> float:
        """The even split's share of each reader, ``1 / readers``."""
        return 1.0 / self.readers

    @property
    def expected_max_utilisation(self) -> float:
        """E[heaviest reader's utilisation], ``E[max share] x readers x even_utilisation``."""
        return self.expected_max_share.value * self.readers * self.even_utilisation

    @property
    def penalty_ms(self) -> float:
        """The latency penalty against the even split, milliseconds (>= 0).

        ``latency_ms - even_latency_ms``; inf when only the endpoint's latency is unbounded, NaN
        when the even split is overloaded too.
        """
        a, b = self.latency_ms.value, self.even_latency_ms
        if math.isinf(b):
            return math.nan
        return a - b if math.isfinite(a) else math.inf

    def to_frame(self):
        """The figures as a table (quantity, value, standard error).

        Returns
        -------
        pandas.DataFrame
            One row per figure.
        """
        import pandas as pd

        rows = [("readers", float(self.readers), 0.0), ("DNS answers", float(self.lookups), 0.0),
                ("even share", self.even_share, 0.0),
                ("E[max share]", self.expected_max_share.value,
                 self.expected_max_share.standard_error),
                ("even utilisation", self.even_utilisation, 0.0),
                ("E[max utilisation]", self.expected_max_utilisation, 0.0),
                ("P(heaviest overloaded)", self.p_overload.value, self.p_overload.standard_error),
                ("reads on an overloaded reader", self.query_share_overloaded.value,
                 self.query_share_overloaded.standard_error),
                (f"{self.objective} latency, even split (ms)", self.even_latency_ms, 0.0),
                (f"{self.objective} latency, endpoint (ms)", self.latency_ms.value,
                 self.latency_ms.standard_error),
                (f"{self.objective} penalty (ms)", self.penalty_ms, self.latency_ms.standard_error)]
        return pd.DataFrame(rows, columns=["quantity", "value", "standard_error"])


# --- the occupancy distribution --------------------------------------------------------------

def _poisson_pmf(lam: float, kmax: int) -> np.ndarray:
    """Poisson(lam) pmf at 0..kmax (scipy.special, not scipy.stats: the default estimate calls
    this model and must not load scipy.optimize)."""
    from scipy import special

    k = np.arange(kmax + 1, dtype=float)
    return np.exp(special.xlogy(k, lam) - lam - special.gammaln(k + 1.0))


def _binom_pmf(k, n: int, p: float) -> np.ndarray:
    """Binomial(n, p) pmf at ``k`` (0 outside [0, n]), from log-gamma terms."""
    from scipy import special

    k = np.asarray(k, dtype=float)
    inside = (k >= 0) & (k <= n)
    kk = np.where(inside, k, 0.0)
    log = (special.gammaln(n + 1.0) - special.gammaln(kk + 1.0) - special.gammaln(n - kk + 1.0)
           + special.xlogy(kk, p) + special.xlog1py(n - kk, -p))
    return np.where(inside, np.exp(log), 0.0)


def _binom_sf(k, n, p: float) -> np.ndarray:
    """Binomial(n, p) P(X > k), elementwise over ``k`` and ``n`` (the regularised incomplete
    beta of ``scipy.special.bdtrc``: no cancellation in the tail)."""
    from scipy import special

    k, n = np.broadcast_arrays(np.asarray(k, dtype=np.int64), np.asarray(n, dtype=np.int64))
    inside = (k >= 0) & (k < n)
    out = np.where(k < 0, 1.0, 0.0)
    return np.where(inside, special.bdtrc(np.where(inside, k, 0), np.where(inside, n, 1), p),
                    out)


def _power_at(v: np.ndarray, r: int, n: int) -> float:
    """Coefficient ``n`` of the ``r``-fold convolution of the non-negative vector ``v``."""
    if len(v) * r <= 4096:  # direct: sums of non-negative terms, no cancellation
        out = np.ones(1)
        for _ in range(r):
            out = np.convolve(out, v)[: n + 1]
        return float(out[n]) if n < len(out) else 0.0
    size = 1 << math.ceil(math.log2((len(v) - 1) * r + 1))
    spec = np.fft.rfft(v, size) ** r
    full = np.fft.irfft(spec, size)
    return float(max(full[n], 0.0)) if n < size else 0.0


def max_load_distribution(lookups: int, readers: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact distribution of the most DNS answers on one reader, ``M = max_i N_i``.

    Parameters
    ----------
    lookups : int
        DNS answers n (balls), 1 to 200,000, each a reader drawn uniformly and independently.
    readers : int
        Readers R (bins), 1 to 15.

    Returns
    -------
    values : numpy.ndarray of int
        The values ``m`` that M takes with probability above 1e-16 (from ``ceil(n / R)``).
    probabilities : numpy.ndarray
        ``P(M = m)``; they sum to 1 (the neglected tail, below 1e-16, is put on the last value).

    See Also
    --------
    reader_endpoint : The heaviest reader's share, load and latency built on it.

    Notes
    -----
    ``(N_1, ..., N_R) ~ Multinomial(n, 1/R)``. Poissonized: with ``X_i`` i.i.d.
    Poisson(n / R) and ``S = sum_i X_i``, ``P(M <= m) = P(all X_i <= m, S = n) / P(S = n)``.
    The numerator is coefficient n of the R-th convolution power of the Poisson pmf truncated at
    m (a probability vector: no factorials, no overflow; direct convolution for small cases, FFT
    for large ones, absolute error about 1e-15), the denominator the Poisson(n) pmf at n. In the
    upper tail (where ``R P(N_1 > m) < 1e-6``) ``P(M > m)`` is Bonferroni's
    ``R P(N_1 > m) - C(R, 2) P(N_1 > m, N_2 > m)`` instead (binomial tails: no cancellation).

    Examples
    --------
    >>> from aurora_models.availability import max_load_distribution
    >>> m, p = max_load_distribution(3, 2)   # 8 assignments: 2 with all 3 on one reader
    >>> m.tolist(), p.round(6).tolist()
    ([2, 3], [0.75, 0.25])
    """
    lookups = check_int_range("lookups", lookups, 1, MAX_LOOKUPS)
    readers = check_int_range("readers", readers, 1, MAX_REPLICAS)
    n, r = lookups, readers
    if r == 1:
        return np.array([n]), np.array([1.0])
    ms, sf = [], []
    m = -(-n // r)  # fewer than ceil(n / R) on every reader is impossible
    while m < n:
        ms.append(m)
        sf.append(_max_sf(m, n, r))
        if sf[-1] <= _TAIL:
            break
        m += 1
    else:
        ms.append(n)
        sf.append(0.0)
    # P(M > m) never rises with m (FFT rounding could make it wobble at 1e-15); the neglected
    # tail (below _TAIL) is folded into the last value
    tail = np.minimum.accumulate(np.clip(np.array(sf), 0.0, 1.0))
    tail[-1] = 0.0
    pmf = -np.diff(tail, prepend=1.0)
    return np.array(ms), pmf


#: Below this union bound the upper tail of the max is taken from Bonferroni's inequalities
#: (relative error below the bound itself), not as 1 minus the convolution's CDF.
_BONFERRONI = 1e-6


def _max_sf(m: int, n: int, r: int) -> float:
    """``P(M > m)`` for the max of Multinomial(n, 1/R), without cancellation in the tail.

    ``S1 = R P(N_1 > m)``, ``S2 = C(R, 2) P(N_1 > m, N_2 > m)``; ``S1 - S2 <= P(M > m) <= S1``
    (Bonferroni), so where ``S1 < 1e-6`` the value ``S1 - S2`` is exact to a relative
    ``S2 / S1``-order error (about ``S1``) and does not underflow to 0 at 1e-300. Elsewhere
    ``1 - P(M <= m)`` from the Poissonized convolution.
    """
    if m >= n:
        return 0.0
    if m < -(-n // r):
        return 1.0
    p = 1.0 / r
    s1 = r * float(_binom_sf(m, n, p))
    if s1 < _BONFERRONI:
        # N_1's pmf beyond m falls faster than geometrically: 60 sd past m carry nothing
        a = np.arange(m + 1, min(n, m + 1 + int(60.0 * math.sqrt(n * p) + 60)) + 1)
        joint = float(np.sum(_binom_pmf(a, n, p) * _binom_sf(m, n - a, 1.0 / (r - 1))))
        return max(s1 - r * (r - 1) / 2.0 * joint, 0.0)
    denom = math.exp(n * math.log(n) - n - math.lgamma(n + 1.0))  # Poisson(n) pmf at n
    base = _poisson_pmf(n / r, m)
    return max(0.0, 1.0 - _power_at(base, r, n) / denom)


def _weighted_share_pmf(lookups: int, readers: int) -> tuple[np.ndarray, np.ndarray]:
    """Answers on the reader a random read meets: ``j`` with probability
    ``R P(N_1 = j) j / n``, which is the Binomial(n - 1, 1/R) pmf at ``j - 1``."""
    n, r = lookups, readers
    j = np.arange(1, n + 1)
    w = _binom_pmf(j - 1, n - 1, 1.0 / r) if r > 1 else (j == n).astype(float)
    keep = w > _MIX_TAIL  # what is cut moves P(T > t) by less than 1e-12
    return j[keep], w[keep] / w[keep].sum()


# --- latency of a mixture of M/M/k readers ---------------------------------------------------

def _mixture_sf(t_s: np.ndarray, weights, lam_j, stable, mu: float, k: int) -> np.ndarray:
    """``sum_j w_j P(T_j > t)``; an overloaded reader's reads count as exceeding every t."""
    out = np.zeros_like(t_s) + weights[~stable].sum()
    for w, lam in zip(weights[stable], lam_j[stable], strict=True):
        out += w * mmc_response_sf(t_s, k, float(lam), mu)
    return out


def _mixture_quantile(q: float, weights, lam_j, stable, mu: float, k: int) -> float:
    """The q-quantile (s) of the mixture, by refining a grid on a bracket (no Python loop over
    iterations of a scalar root finder: each refinement evaluates every reader once)."""
    tail = 1.0 - q
    if weights[~stable].sum() >= tail:
        return math.inf
    hi = -math.log(tail) / mu
    while _mixture_sf(np.array([hi]), weights, lam_j, stable, mu, k)[0] > tail:
        hi *= 2.0
    lo = 0.0
    while hi - lo > 1e-12 * hi:
        grid = np.linspace(lo, hi, 257)
        sf = _mixture_sf(grid, weights, lam_j, stable, mu, k)
        i = int(np.searchsorted(-sf, -tail, side="left"))  # first grid point with sf <= tail
        lo, hi = grid[max(i - 1, 0)], grid[i]
    return float(hi)


def _mixture_mean(weights, lam_j, stable, mu: float, k: int) -> float:
    if weights[~stable].sum() > 0.0:
        return math.inf
    return float(sum(w * (1.0 / mu + mmc_mean_wait(k, float(lam), mu))
                     for w, lam in zip(weights, lam_j, strict=True)))


def _check_pools(pools) -> ConnectionPools:
    if not isinstance(pools, ConnectionPools):
        raise ParameterTypeError(f"`pools` must be a ConnectionPools, got "
                                 f"{type(pools).__name__} {pools!r}")
    return pools


def _check(readers, reads_per_s, service_time_ms, pools, workers_per_reader, objective):
    readers = check_int_range("readers", readers, 1, MAX_REPLICAS)
    lam, s_ms, k, q = _inputs(reads_per_s, service_time_ms, workers_per_reader, objective)
    _check_pools(pools)
    return readers, lam, s_ms, k, q


def _overloaded(j: np.ndarray, n: int, lam: float, s_ms: float, k: int) -> np.ndarray:
    """Whether a reader with ``j`` of the ``n`` answers has utilisation >= 1."""
    return np.array([not stability(lam * float(x) / n, s_ms / 1000.0, k).stable for x in j],
                    dtype=bool)


def reader_endpoint(readers: int, reads_per_s: float, service_time_ms: float,
                    pools: ConnectionPools, *, workers_per_reader: int = 2,
                    objective: str = "p99") -> ReaderEndpointLoad:
    """The readers' loads and read latency behind the reader endpoint, exactly.

    Parameters
    ----------
    readers : int
        Aurora replicas behind the endpoint, 1 to 15.
    reads_per_s : float
        Read queries per second (>= 0) over all connections, each connection carrying the same
        rate.
    service_time_ms : float
        Mean service time of one query on one worker, milliseconds (exponential).
    pools : ConnectionPools
        The clients: pools, connections per pool and how many connections share one DNS answer.
    workers_per_reader : int
        Queries one reader serves concurrently (e.g. its vCPUs).
    objective : str
        ``'mean'`` or a percentile such as ``'p95'``, ``'p99'`` (default), ``'p99.9'``.

    Returns
    -------
    ReaderEndpointLoad
        The exact distribution of the heaviest reader's share, its mean, the probability it is
        overloaded, the reads on overloaded readers, and the latency against the even split.

    See Also
    --------
    simulate_reader_endpoint : Its Monte Carlo sibling.
    reader_latency_ms : The even split, kept as the optimistic bound.

    Notes
    -----
    Model. ``n = pools.lookups`` DNS answers, each a reader drawn uniformly and independently
    from the R readers (the Aurora handbook: "chosen randomly"), each carrying
    ``g = connections_per_answer`` connections. Reader i gets ``N_i`` answers,
    ``(N_1, ..., N_R) ~ Multinomial(n, 1/R)``, and the share ``N_i / n`` of the reads, so its
    arrival rate is ``lambda N_i / n``.

    Heaviest reader. ``M = max_i N_i`` by the occupancy distribution
    (:func:`max_load_distribution`); ``E[max share] = E[M] / n`` (at least ``1 / R``, and
    ``1 / R + O(sqrt(ln R / (n R)))`` as n grows: the even split is the limit of many answers).
    It is overloaded when ``lambda (M / n) S / k >= 1``.

    Latency. A read meets a reader with ``j`` answers with probability
    ``sum_i P(N_i = j) j / n = Binomial(n - 1, 1/R).pmf(j - 1)``; each reader is an M/M/k queue
    (the reader sizing's model), so the read latency over all reads and draws has
    ``P(T > t) = sum_j w_j P(T_j > t)`` (:func:`~aurora_models.queueing.mmc_response_sf`),
    reads on an overloaded reader counting as slower than every t. Its quantile (or mean) is
    ``latency_ms``. Where ``s P(T > t | lambda s)`` is convex in the share s (for M/M/1 it is
    ``s exp(-(mu - lambda s) t)``; for M/M/k the tests check the consequence), Jensen's
    inequality puts the mixture's tail, and so its quantile, at or above the even split's: the
    penalty is >= 0.

    The draw lasts as long as the connections (a pool keeps them for its connection lifetime):
    ``latency_ms`` is the long-run figure over many pool restarts; during one draw the readers
    see the loads of that draw (``max_share_values``).

    Examples
    --------
    Six pools of 20 connections over three readers at 300 reads/s: the even split runs each
    reader at 50 %; six answers over three readers put four or more of them (two thirds of
    the reads: an overload) on one reader with probability 0.30, so the p99 over draws is
    unbounded; one answer per connection (120 answers) comes close to the even split:

    >>> from aurora_models.availability import ConnectionPools, reader_endpoint
    >>> r = reader_endpoint(3, 300.0, 10.0, ConnectionPools(pools=6, connections_per_pool=20))
    >>> round(r.even_utilisation, 3), round(r.expected_max_share.value, 4)
    (0.5, 0.5391)
    >>> round(r.p_overload.value, 4), round(r.even_latency_ms, 2), r.latency_ms.value
    (0.3004, 56.66, inf)
    >>> r = reader_endpoint(3, 300.0, 10.0, ConnectionPools(
    ...     pools=6, connections_per_pool=20, connections_per_answer=1))
    >>> round(r.expected_max_share.value, 4), round(r.penalty_ms, 2)
    (0.3783, 2.1)
    """
    readers, lam, s_ms, k, q = _check(readers, reads_per_s, service_time_ms, pools,
                                      workers_per_reader, objective)
    n = pools.lookups
    ms, pmf = max_load_distribution(n, readers)
    first = _first_overloaded(n, lam, s_ms, k)  # fewest answers that overload a reader
    p_over = _max_sf(first - 1, n, readers) if readers > 1 else float(first <= n)
    # the reads on an overloaded reader: P(J >= first), J - 1 ~ Binomial(n - 1, 1/R)
    share_over = _weighted_sf(first, n, readers)
    j, w = _weighted_share_pmf(n, readers)
    return _result(readers, n, lam, s_ms, k, q, objective, ms, pmf,
                   Estimate(value=float(np.dot(ms, pmf) / n), method="exact",
                            quantity="E[max reader share]", unit="share", bounds=(0.0, 1.0)),
                   Estimate(value=float(min(1.0, p_over)), method="exact",
                            quantity="p(heaviest reader overloaded)", unit="probability",
                            bounds=(0.0, 1.0)),
                   share_over, j, w, None)


def _first_overloaded(n: int, lam: float, s_ms: float, k: int) -> int:
    """The fewest of the ``n`` answers that put a reader at utilisation >= 1 (``n + 1``: none)."""
    if lam == 0.0:
        return n + 1
    j = max(1, math.floor(n * k * 1000.0 / (lam * s_ms)) - 1)
    while j <= n and not _overloaded(np.array([j]), n, lam, s_ms, k)[0]:
        j += 1
    while j > 1 and _overloaded(np.array([j - 1]), n, lam, s_ms, k)[0]:
        j -= 1
    return j


def _weighted_sf(first: int, n: int, r: int) -> float:
    """P(a read meets a reader with ``first`` answers or more)."""
    if first > n:
        return 0.0
    if r == 1:
        return 1.0
    return float(_binom_sf(first - 2, n - 1, 1.0 / r))


def _result(readers, n, lam, s_ms, k, q, objective, ms, pmf, e_max, p_over, share_over, j, w,
            per_trial):
    mu = 1000.0 / s_ms
    lam_j = lam * j / n
    stable = ~_overloaded(j, n, lam, s_ms, k)
    if q is None:
        value = math.inf if share_over > 0.0 else _mixture_mean(w, lam_j, stable, mu, k)
    elif share_over >= 1.0 - q:
        value = math.inf
    else:
        value = _mixture_quantile(q, w, lam_j, stable, mu, k)
    label = "mean" if q is None else objective
    if per_trial is None:
        method, se_lat, se_over, n_trials = "exact", 0.0, 0.0, 0
    else:
        counts, n_trials = per_trial
        method = "monte_carlo"
        se_over, se_lat = _trial_errors(counts, n, j, lam_j, stable, mu, k, q, value)
    latency = Estimate(value=1000.0 * value, standard_error=1000.0 * se_lat, n_trials=n_trials,
                       method=method, quantity=f"{label} read latency via the reader endpoint",
                       unit="ms", bounds=(0.0, math.inf))
    over = Estimate(value=float(min(1.0, share_over)), standard_error=se_over, n_trials=n_trials,
                    method=method, quantity="share of reads on an overloaded reader",
                    unit="probability", bounds=(0.0, 1.0))
    return ReaderEndpointLoad(
        readers=readers, lookups=n, objective=label, max_share_values=ms / n,
        max_share_probabilities=pmf, expected_max_share=e_max, p_overload=p_over,
        query_share_overloaded=over, latency_ms=latency,
        even_latency_ms=_latency_ms(lam, s_ms, k, readers, q),
        even_utilisation=lam * s_ms / 1000.0 / (k * readers))


def _trial_errors(counts, n, j, lam_j, stable, mu, k, q, value):
    """Standard errors of the reads-on-overloaded share and of the latency metric, from the
    per-draw values (the delta method for a quantile: se(F(t)) / f(t))."""
    t_trials = counts.shape[0]
    shares = counts / n  # (trials, R)
    lut = np.full(n + 1, -1)
    lut[j] = np.arange(len(j))
    pos = lut[counts]
    over_j = np.append(~stable, False)  # index -1: an empty reader, never overloaded
    per_over = (shares * over_j[pos]).sum(axis=1)
    se_over = float(per_over.std(ddof=1) / math.sqrt(t_trials)) if t_trials > 1 else math.inf
    if not math.isfinite(value):  # too many reads on overloaded readers: no finite metric
        return se_over, 0.0
    if t_trials < 2:
        return se_over, math.inf
    if q is None:
        means = np.array([1.0 / mu + mmc_mean_wait(k, float(x), mu) if s else math.inf
                          for x, s in zip(lam_j, stable, strict=True)] + [0.0])
        per = (shares * means[pos]).sum(axis=1)
        return se_over, float(per.std(ddof=1) / math.sqrt(t_trials))
    h = max(value * 1e-4, 1e-9)
    tt = np.array([value - h, value, value + h])
    sf_j = np.array([mmc_response_sf(tt, k, float(x), mu) if s else np.ones(3)
                     for x, s in zip(lam_j, stable, strict=True)] + [np.zeros(3)])
    per = (shares * sf_j[pos, 1]).sum(axis=1)
    weights = np.bincount(pos.ravel() % len(sf_j), weights=shares.ravel(),
                          minlength=len(sf_j)) / t_trials
    density = float((weights @ sf_j[:, 0] - weights @ sf_j[:, 2]) / (2 * h))
    se_f = float(per.std(ddof=1) / math.sqrt(t_trials))
    return se_over, se_f / density if density > 0 else math.inf


def sample_reader_shares(readers: int, pools: ConnectionPools, *, n_trials: int = 1000,
                         rng=None) -> np.ndarray:
    """Draw the readers' shares of the reads: each DNS answer a uniform reader.

    Parameters
    ----------
    readers : int
        Aurora replicas behind the endpoint, 1 to 15.
    pools : ConnectionPools
        The clients.
    n_trials : int
        Independent draws (pool restarts), at least 1.
    rng : numpy.random.Generator, numpy.random.SeedSequence, int or None
        Randomness (``None``: fresh entropy).

    Returns
    -------
    numpy.ndarray, shape (n_trials, readers)
        Each draw's share of the reads on each reader (each row sums to 1).

    Examples
    --------
    >>> from aurora_models.availability import ConnectionPools, sample_reader_shares
    >>> s = sample_reader_shares(3, ConnectionPools(pools=5), n_trials=4, rng=1)
    >>> s.shape, bool(np.allclose(s.sum(axis=1), 1.0))
    ((4, 3), True)
    """
    return _sample_counts(readers, pools, n_trials, rng) / pools.lookups


def _sample_counts(readers, pools, n_trials, rng) -> np.ndarray:
    readers = check_int_range("readers", readers, 1, MAX_REPLICAS)
    _check_pools(pools)
    n_trials = check_int_range("n_trials", n_trials, 1)
    gen = as_generator(rng)
    n = pools.lookups
    out = np.empty((n_trials, readers), dtype=np.int64)
    chunk = max(1, 4_000_000 // n)
    for start in range(0, n_trials, chunk):
        t = min(chunk, n_trials - start)
        draws = gen.integers(0, readers, size=(t, n))  # one reader per DNS answer
        flat = (np.arange(t)[:, None] * readers + draws).ravel()
        out[start:start + t] = np.bincount(flat, minlength=t * readers).reshape(t, readers)
    return out


def simulate_reader_endpoint(readers: int, reads_per_s: float, service_time_ms: float,
                             pools: ConnectionPools, *, workers_per_reader: int = 2,
                             objective: str = "p99", n_trials: int = 10_000,
                             rng=None) -> ReaderEndpointLoad:
    """The readers' loads and read latency behind the reader endpoint, by Monte Carlo.

    Each trial draws a reader for every DNS answer (:func:`sample_reader_shares`); the
    heaviest share, the overload indicator and the reads on overloaded readers are averaged over
    trials; the latency is that of the traffic-weighted mixture over the simulated readers
    (each an M/M/k queue, as in :func:`reader_endpoint`).

    Parameters
    ----------
    readers : int
        Aurora replicas behind the endpoint, 1 to 15.
    reads_per_s : float
        Read queries per second (>= 0) over all connections.
    service_time_ms : float
        Mean service time of one query on one worker, milliseconds (exponential).
    pools : ConnectionPools
        The clients.
    workers_per_reader : int
        Queries one reader serves concurrently (e.g. its vCPUs).
    objective : str
        ``'mean'`` or a percentile such as ``'p99'``.
    n_trials : int
        Draws of the assignment (pool restarts).
    rng : numpy.random.Generator, numpy.random.SeedSequence, int or None
        Randomness (``None``: fresh entropy).

    Returns
    -------
    ReaderEndpointLoad
        As :func:`reader_endpoint`, with Monte Carlo Estimates (standard errors from the
        per-trial values; the latency's by the delta method, ``se(F(t)) / f(t)``) and the
        empirical distribution of the heaviest share.

    See Also
    --------
    reader_endpoint : The exact closed form.

    Examples
    --------
    >>> from aurora_models.availability import ConnectionPools, simulate_reader_endpoint
    >>> pools = ConnectionPools(pools=6, connections_per_pool=20)
    >>> r = simulate_reader_endpoint(3, 300.0, 10.0, pools, n_trials=20_000, rng=1)
    >>> abs(r.expected_max_share.zscore(0.539095)) < 4.5
    True
    """
    readers, lam, s_ms, k, q = _check(readers, reads_per_s, service_time_ms, pools,
                                      workers_per_reader, objective)
    counts = _sample_counts(readers, pools, n_trials, rng)
    n = pools.lookups
    top = counts.max(axis=1)
    ms, freq = np.unique(top, return_counts=True)
    over_m = _overloaded(ms, n, lam, s_ms, k)
    over_trial = over_m[np.searchsorted(ms, top)].astype(float)
    e_max = Estimate.from_samples(top / n, method="monte_carlo", quantity="E[max reader share]",
                                  unit="share", bounds=(0.0, 1.0))
    p_over = Estimate.from_samples(over_trial, method="monte_carlo",
                                   quantity="p(heaviest reader overloaded)", unit="probability",
                                   bounds=(0.0, 1.0))
    if n_trials == 1:
        p_over = Estimate(value=p_over.value, standard_error=math.inf, n_trials=1,
                          method="monte_carlo", quantity=p_over.quantity, unit="probability",
                          bounds=(0.0, 1.0))
    # the traffic-weighted empirical distribution of the answers on the reader a read meets
    j_all = counts.ravel()
    wts = np.bincount(j_all, weights=j_all / n, minlength=n + 1) / n_trials
    j = np.nonzero(wts)[0]
    w = wts[j] / wts[j].sum()
    return _result(readers, n, lam, s_ms, k, q, objective, ms, freq / n_trials, e_max, p_over,
                   float(w[_overloaded(j, n, lam, s_ms, k)].sum()), j, w, (counts, n_trials))
