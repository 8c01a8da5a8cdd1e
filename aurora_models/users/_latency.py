"""What a user in one region waits for: a read, a direct write, a forwarded write.

Each latency is a sum of independent parts (:mod:`._parts`): the network trips from the user's
region (the bundled p50 round trips, lognormal with the declared spread; one cross-AZ trip
within a region), the reader's M/M/c queue and service (the reader model of
:func:`aurora_models.availability.reader_latency_ms`), and the 4-of-6 quorum commit of
:func:`aurora_models.write_path.commit_latency_cdf`. The closed form convolves the parts'
laws; each ``simulate_`` sibling draws them and adds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import queueing
from .._validate import check_int_range, check_nonnegative, check_positive, check_range
from ..exceptions import ParameterValueError
from ..global_db._routing import rtt_ms
from ..results import Estimate
from ..write_path._graphs import aurora_commit_hops
from ..write_path._latency import commit_hops, kth_fastest_cdf, sequential_sum_cdf
from ._params import IN_REGION_RTT_MS, RTT_LOG_SIGMA
from ._parts import (
    Part,
    SumDistribution,
    constant,
    lognormal,
    mmc_response,
    sample_sum,
    sum_distribution,
)

__all__ = ["read_latency", "read_latency_law", "simulate_read_latency", "simulate_write_latency",
           "write_latency", "write_latency_law"]

QUANTILES = (0.5, 0.99)


def _trip(name: str, a: str, b: str, sigma: float, in_region_ms: float) -> Part:
    """One round trip from region ``a`` to region ``b``."""
    if a == b:
        return constant(f"{name} (in {a})", in_region_ms)
    return lognormal(f"{name} ({a} -> {b})", rtt_ms(a, b), sigma)


def _common(access_ms, sigma, in_region_ms):
    return (float(check_nonnegative("access_ms", access_ms)),
            float(check_range("sigma", sigma, 0.0, 2.0)),
            float(check_nonnegative("in_region_ms", in_region_ms)))


def read_parts(user_region: str, serving_region: str, *, reads_per_s: float, servers: int,
               service_ms: float, access_ms: float = 0.0, sigma: float = RTT_LOG_SIGMA,
               in_region_ms: float = IN_REGION_RTT_MS) -> list[Part]:
    """The parts of one read: the user's access, the trip to the serving region, the reader.

    Parameters
    ----------
    user_region, serving_region : str
        Where the user is and which region's reader serves the read.
    reads_per_s : float
        Reads arriving at that reader, per second (>= 0; Poisson).
    servers : int
        Reads one reader serves at once (its vCPUs): an M/M/c queue.
    service_ms : float
        Mean service time of one read, milliseconds (exponential).
    access_ms : float
        The user's own round trip to the application in their region, milliseconds.
    sigma : float
        Log-spread of an inter-region round trip around its p50, dimensionless
        (``users.interregion_rtt_log_sigma``).
    in_region_ms : float
        Round trip within one region, milliseconds (``users.in_region_rtt_ms``).

    Returns
    -------
    list of Part
        Independent parts whose sum is the read latency, ms.

    Raises
    ------
    UnstableSystemError
        When the reader's utilisation is 1 or more (no steady-state latency).

    See Also
    --------
    read_latency_law : Their sum's exact law.

    Examples
    --------
    >>> [p.name for p in read_parts("eu-central-1", "eu-west-1", reads_per_s=100.0, servers=2,
    ...                             service_ms=1.0)]
    ['round trip (eu-central-1 -> eu-west-1)', 'reader (M/M/2)']
    """
    access, sig, inside = _common(access_ms, sigma, in_region_ms)
    lam = float(check_nonnegative("reads_per_s", reads_per_s))
    k = check_int_range("servers", servers, 1, 10_000)
    s = float(check_positive("service_ms", service_ms))
    queueing.stability(lam, s / 1000.0, k).require_stable("a steady-state read latency")
    parts = [constant("access", access)] if access > 0 else []
    parts.append(_trip("round trip", user_region, serving_region, sig, inside))
    parts.append(mmc_response(f"reader (M/M/{k})", k, lam, s))
    return parts


def _commit_part(graph) -> Part:
    """The commit: the k-th fastest storage write (a quorum) or the sum of a chain's writes."""
    if graph is None:  # Aurora's default path, without building its graph (no networkx)
        rule = "quorum"
        k, med, sig = aurora_commit_hops()
    else:
        rule, k, med, sig, _ = commit_hops(graph)

    def cdf(t):
        t = np.maximum(np.asarray(t, float), 1e-12)
        return np.asarray(kth_fastest_cdf(t, k, med, sig) if rule == "quorum"
                          else sequential_sum_cdf(t, med, sig))

    def sample(rng, n):
        x = med * np.exp(sig * rng.standard_normal((n, med.size)))
        return np.partition(x, k - 1, axis=1)[:, k - 1] if rule == "quorum" else x.sum(axis=1)

    if rule == "chain":
        mean = float(np.sum(med * np.exp(sig**2 / 2)))
    else:  # E[T] = integral of the survival function, on a fine grid past its tail
        hi = float(med.max() * math.exp(10.0 * sig.max()))
        t = np.linspace(0.0, hi, 1 << 16)
        mean = float(np.trapezoid(1.0 - cdf(t), t))
    return Part(name="quorum commit" if rule == "quorum" else "commit chain", mean_ms=mean,
                cdf=cdf, sample=sample)


def write_parts(user_region: str, primary: str, *, via: str | None = None,
                statements: int = 1, access_ms: float = 0.0, sigma: float = RTT_LOG_SIGMA,
                in_region_ms: float = IN_REGION_RTT_MS, graph=None) -> list[Part]:
    """The parts of one write: trips to the primary (directly or through a secondary), commit.

    Parameters
    ----------
    user_region : str
        Where the user is.
    primary : str
        The primary region (where the writer commits).
    via : str, optional
        The secondary that forwards the write (Global Database write forwarding); None: the
        user writes to the primary directly.
    statements : int
        Round trips of one write (each statement crosses every hop; the commit is once).
    access_ms : float
        The user's own round trip to the application in their region, milliseconds.
    sigma : float
        Log-spread of an inter-region round trip around its p50, dimensionless.
    in_region_ms : float
        Round trip within one region, milliseconds.
    graph : networkx.DiGraph, optional
        The write path whose commit latency is used (default
        :func:`~aurora_models.write_path.aurora_path`).

    Returns
    -------
    list of Part
        Independent parts whose sum is the write latency, ms.

    See Also
    --------
    write_latency_law : Their sum's exact law.

    Examples
    --------
    >>> [p.name for p in write_parts("eu-central-1", "us-east-1", via="eu-west-1")]
    ['round trip (eu-central-1 -> eu-west-1)', 'forwarded (eu-west-1 -> us-east-1)', 'quorum commit']
    """
    access, sig, inside = _common(access_ms, sigma, in_region_ms)
    n = check_int_range("statements", statements, 1, 50)
    if via == primary:
        raise ParameterValueError(f"`via` must be a secondary region, not the primary {primary!r}")
    parts = [constant("access", access)] if access > 0 else []
    for i in range(n):
        tag = f" {i + 1}" if n > 1 else ""
        if via is None:
            parts.append(_trip(f"round trip{tag}", user_region, primary, sig, inside))
        else:
            parts.append(_trip(f"round trip{tag}", user_region, via, sig, inside))
            parts.append(_trip(f"forwarded{tag}", via, primary, sig, inside))
    parts.append(_commit_part(graph))
    return parts


def read_latency_law(user_region: str, serving_region: str, **kwargs) -> SumDistribution:
    """The exact law of a read's latency, ms: the convolution of its independent parts.

    Parameters
    ----------
    user_region, serving_region : str
        Where the user is and which region serves the read.
    **kwargs
        :func:`read_latency`'s keywords but ``quantiles`` (``reads_per_s``, ``servers`` ...).

    Returns
    -------
    SumDistribution
        ``cdf(t_ms)``, ``quantile(q)``, ``mean_ms``, ``summary()``.

    See Also
    --------
    read_latency : Its mean and quantiles as Estimates.

    Examples
    --------
    >>> d = read_latency_law("eu-central-1", "eu-west-1", reads_per_s=100.0, servers=2,
    ...                      service_ms=1.0)
    >>> 26.9 < d.quantile(0.5) < 30.0
    True
    """
    return sum_distribution(read_parts(user_region, serving_region, **kwargs))


def write_latency_law(user_region: str, primary: str, **kwargs) -> SumDistribution:
    """The exact law of a write's latency, ms: the convolution of its independent parts.

    Parameters
    ----------
    user_region, primary : str
        Where the user is and the primary region.
    **kwargs
        :func:`write_latency`'s keywords but ``quantiles`` (``via``, ``statements`` ...).

    Returns
    -------
    SumDistribution
        ``cdf(t_ms)``, ``quantile(q)``, ``mean_ms``, ``summary()``.

    See Also
    --------
    write_latency : Its mean and quantiles as Estimates.

    Examples
    --------
    >>> direct = write_latency_law("eu-central-1", "us-east-1")
    >>> forwarded = write_latency_law("eu-central-1", "us-east-1", via="eu-west-1")
    >>> forwarded.quantile(0.5) - direct.quantile(0.5) > 2.0   # Ireland is off the way
    True
    """
    return sum_distribution(write_parts(user_region, primary, **kwargs))


def _check_qs(quantiles) -> tuple[float, ...]:
    qs = tuple(float(check_range("quantiles", q, 0.0, 1.0, low_inclusive=False,
                                 high_inclusive=False)) for q in np.atleast_1d(quantiles))
    if not qs:
        raise ParameterValueError("`quantiles` must hold at least one probability, got none")
    return qs


def _name(q: float) -> str:
    return f"p{100 * q:g}"


def _exact(law: SumDistribution, quantiles) -> dict[str, Estimate]:
    out = {"mean": Estimate(value=law.mean_ms, method="exact", quantity="mean latency",
                            unit="ms", bounds=(0.0, np.inf))}
    for q in _check_qs(quantiles):
        out[_name(q)] = Estimate(value=law.quantile(q), method="exact",
                                 quantity=f"latency {_name(q)}", unit="ms",
                                 bounds=(0.0, np.inf))
    return out


def _simulated(parts: Sequence[Part], quantiles, n_trials, rng) -> dict[str, Estimate]:
    qs = _check_qs(quantiles)
    n = check_int_range("n_trials", n_trials, 100, 100_000_000)
    x = sample_sum(parts, n, rng)
    out = {"mean": Estimate.from_samples(x, method="monte_carlo", quantity="mean latency",
                                         unit="ms", bounds=(0.0, np.inf))}
    for q in qs:
        out[_name(q)] = Estimate.from_quantile(x, q, method="monte_carlo",
                                               quantity=f"latency {_name(q)}", unit="ms",
                                               bounds=(0.0, np.inf))
    return out


def read_latency(user_region: str, serving_region: str, *, reads_per_s: float, servers: int,
                 service_ms: float, access_ms: float = 0.0, sigma: float = RTT_LOG_SIGMA,
                 in_region_ms: float = IN_REGION_RTT_MS,
                 quantiles=QUANTILES) -> dict[str, Estimate]:
    """A user's read latency: mean and quantiles, exact (the convolution of its parts).

    Parameters
    ----------
    user_region, serving_region : str
        Where the user is and which region's reader serves the read.
    reads_per_s : float
        Reads arriving at the serving reader, per second (>= 0; Poisson).
    servers : int
        Reads one reader serves at once (its vCPUs): an M/M/c queue.
    service_ms : float
        Mean service time of one read, milliseconds (exponential).
    access_ms : float
        The user's round trip to the application in their region, milliseconds.
    sigma : float
        Log-spread of an inter-region round trip around its p50 (dimensionless).
    in_region_ms : float
        Round trip within one region, milliseconds.
    quantiles : sequence of float
        Quantiles to report, in (0, 1).

    Returns
    -------
    dict of str to Estimate
        ``mean``, ``p50``, ``p99`` ... in ms (exact to the grid's cell, about 1e-4 of the span).

    See Also
    --------
    simulate_read_latency : The Monte Carlo sibling.
    read_latency_law : The whole distribution.

    Examples
    --------
    >>> e = read_latency("eu-central-1", "eu-west-1", reads_per_s=100.0, servers=2,
    ...                  service_ms=1.0)
    >>> round(e["p50"].value, 2), round(e["p99"].value, 2)
    (27.78, 32.47)
    """
    return _exact(read_latency_law(user_region, serving_region, reads_per_s=reads_per_s,
                                   servers=servers, service_ms=service_ms,
                                   access_ms=access_ms, sigma=sigma,
                                   in_region_ms=in_region_ms), quantiles)


def simulate_read_latency(user_region: str, serving_region: str, *, reads_per_s: float,
                          servers: int, service_ms: float, access_ms: float = 0.0,
                          sigma: float = RTT_LOG_SIGMA, in_region_ms: float = IN_REGION_RTT_MS,
                          quantiles=QUANTILES, n_trials: int = 200_000,
                          rng=None) -> dict[str, Estimate]:
    """Monte Carlo sibling of :func:`read_latency`: each part drawn, the draws added.

    Parameters
    ----------
    user_region, serving_region : str
        Where the user is and which region's reader serves the read.
    reads_per_s : float
        Reads arriving at the serving reader, per second (>= 0; Poisson).
    servers : int
        Reads one reader serves at once (its vCPUs): an M/M/c queue.
    service_ms : float
        Mean service time of one read, milliseconds (exponential).
    access_ms : float
        The user's round trip to the application in their region, milliseconds.
    sigma : float
        Log-spread of an inter-region round trip around its p50 (dimensionless).
    in_region_ms : float
        Round trip within one region, milliseconds.
    quantiles : sequence of float
        Quantiles to estimate, in (0, 1).
    n_trials : int
        Reads drawn (>= 100).
    rng : Generator, SeedSequence, int or None
        Seed of the draws.

    Returns
    -------
    dict of str to Estimate
        ``mean``, ``p50``, ``p99`` ... in ms, with standard errors (order-statistic ones for
        the quantiles).

    See Also
    --------
    read_latency : The exact values it checks.

    Examples
    --------
    >>> kw = dict(reads_per_s=100.0, servers=2, service_ms=1.0)
    >>> mc = simulate_read_latency("eu-central-1", "eu-west-1", **kw, n_trials=20_000, rng=1)
    >>> exact = read_latency("eu-central-1", "eu-west-1", **kw)
    >>> abs(mc["p50"].value - exact["p50"].value) < 5 * mc["p50"].standard_error
    True
    """
    parts = read_parts(user_region, serving_region, reads_per_s=reads_per_s, servers=servers,
                       service_ms=service_ms, access_ms=access_ms, sigma=sigma,
                       in_region_ms=in_region_ms)
    return _simulated(parts, quantiles, n_trials, rng)


def write_latency(user_region: str, primary: str, *, via: str | None = None,
                  statements: int = 1, access_ms: float = 0.0, sigma: float = RTT_LOG_SIGMA,
                  in_region_ms: float = IN_REGION_RTT_MS, graph=None,
                  quantiles=QUANTILES) -> dict[str, Estimate]:
    """A user's write latency, direct or forwarded: mean and quantiles, exact.

    Parameters
    ----------
    user_region, primary : str
        Where the user is and the primary region.
    via : str, optional
        The secondary that forwards the write; None: direct to the primary.
    statements : int
        Round trips of one write (each crosses every hop; one commit).
    access_ms : float
        The user's round trip to the application in their region, milliseconds.
    sigma : float
        Log-spread of an inter-region round trip around its p50 (dimensionless).
    in_region_ms : float
        Round trip within one region, milliseconds.
    graph : networkx.DiGraph, optional
        The write path of the commit (default :func:`~aurora_models.write_path.aurora_path`).
    quantiles : sequence of float
        Quantiles to report, in (0, 1).

    Returns
    -------
    dict of str to Estimate
        ``mean``, ``p50``, ``p99`` ... in ms.

    See Also
    --------
    simulate_write_latency : The Monte Carlo sibling.
    write_latency_law : The whole distribution.

    Examples
    --------
    >>> e = write_latency("eu-central-1", "us-east-1")
    >>> 92.6 < e["p50"].value < 100.0   # the transatlantic round trip and the commit
    True
    """
    return _exact(write_latency_law(user_region, primary, via=via, statements=statements,
                                    access_ms=access_ms, sigma=sigma,
                                    in_region_ms=in_region_ms, graph=graph), quantiles)


def simulate_write_latency(user_region: str, primary: str, *, via: str | None = None,
                           statements: int = 1, access_ms: float = 0.0,
                           sigma: float = RTT_LOG_SIGMA, in_region_ms: float = IN_REGION_RTT_MS,
                           graph=None, quantiles=QUANTILES, n_trials: int = 200_000,
                           rng=None) -> dict[str, Estimate]:
    """Monte Carlo sibling of :func:`write_latency`: trips and commits drawn, added.

    Parameters
    ----------
    user_region, primary : str
        Where the user is and the primary region.
    via : str, optional
        The secondary that forwards the write; None: direct to the primary.
    statements : int
        Round trips of one write (each crosses every hop; one commit).
    access_ms : float
        The user's round trip to the application in their region, milliseconds.
    sigma : float
        Log-spread of an inter-region round trip around its p50 (dimensionless).
    in_region_ms : float
        Round trip within one region, milliseconds.
    graph : networkx.DiGraph, optional
        The write path of the commit (default :func:`~aurora_models.write_path.aurora_path`).
    quantiles : sequence of float
        Quantiles to estimate, in (0, 1).
    n_trials : int
        Writes drawn (>= 100).
    rng : Generator, SeedSequence, int or None
        Seed of the draws.

    Returns
    -------
    dict of str to Estimate
        ``mean``, ``p50``, ``p99`` ... in ms, with standard errors.

    See Also
    --------
    write_latency : The exact values it checks.

    Examples
    --------
    >>> mc = simulate_write_latency("eu-central-1", "us-east-1", n_trials=20_000, rng=1)
    >>> abs(mc["p99"].value - write_latency("eu-central-1", "us-east-1")["p99"].value) < 1.0
    True
    """
    parts = write_parts(user_region, primary, via=via, statements=statements,
                        access_ms=access_ms, sigma=sigma, in_region_ms=in_region_ms, graph=graph)
    return _simulated(parts, quantiles, n_trials, rng)
