"""Commit latency: k-th fastest of n acknowledgements (quorum) vs the sum of sequential hops (chain)."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import networkx as nx

from .. import _budget
from .._rng import as_generator
from .._validate import (
    check_array,
    check_int_range,
    check_positive,
    check_probability,
    check_range,
)
from ..exceptions import ParameterValueError
from ._graphs import _check_graph, aurora_path, mirrored_mysql_path, slow_down

__all__ = [
    "commit_hops",
    "commit_latency",
    "commit_latency_cdf",
    "commit_latency_mean_ms",
    "fit_lognormal_hop",
    "kth_fastest_cdf",
    "outlier_masking",
    "quorum_mean_ms",
    "sample_commit_latency",
    "sequential_sum_cdf",
    "simulate_commit_latency",
]

DEFAULT_Q = (0.5, 0.99, 0.999)


def _lognorm_cdf(t, median, sigma):
    from scipy.special import ndtr

    t = np.asarray(t, dtype=float)
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(t, 0.0)) - np.log(median)) / sigma
    return ndtr(z)


def _hop_arrays(median_ms, sigma):
    med = check_array("median_ms", median_ms, positive=True, scalar_ok=True)
    sig = check_array("sigma", sigma, positive=True, scalar_ok=True)
    if sig.size not in (1, med.size):
        raise ParameterValueError(f"`sigma` must be one value or one per hop ({med.size}), got "
                         f"{sig.size} values")
    sig = np.broadcast_to(sig, med.shape).copy()
    return med, sig


def kth_fastest_cdf(t_ms, k: int, median_ms, sigma):
    """P(the k-th fastest of n independent lognormal acknowledgements arrives by t).

    Parameters
    ----------
    t_ms : array_like
        Times, ms.
    k : int
        Acknowledgements waited for, 1 <= k <= n.
    median_ms, sigma : array_like, shape (n,)
        Median (ms) and lognormal shape of each acknowledgement (non-identical allowed).

    Returns
    -------
    numpy.ndarray
        ``P(T_(k) <= t) = P(at least k of n have T_i <= t)``, the upper tail of the
        Poisson-binomial distribution with success probabilities ``p_i = F_i(t)``, computed by the
        usual O(n^2) recursion over nodes (sums of non-negative terms only, no cancellation).

    Examples
    --------
    >>> float(kth_fastest_cdf(1.0, 1, [1.0, 1.0], 0.5))   # 1 - (1/2)^2
    0.75
    """
    med, sig = _hop_arrays(median_ms, sigma)
    n = med.size
    k = check_int_range("k", k, 1, n)
    t = np.atleast_1d(np.asarray(check_range("t_ms", t_ms), dtype=float))
    p = _lognorm_cdf(t[..., None], med, sig)  # (m, n)
    dist = np.zeros((*t.shape, n + 1))
    dist[..., 0] = 1.0
    for i in range(n):
        pi = p[..., i:i + 1]
        dist[..., 1:] = dist[..., 1:] * (1 - pi) + dist[..., :-1] * pi
        dist[..., 0] *= 1 - pi[..., 0]
    out = np.clip(dist[..., k:].sum(axis=-1), 0.0, 1.0)
    return out if np.ndim(t_ms) else out.reshape(())


def _sum_grid(med, sig, n_grid=1 << 16):
    from scipy.signal import fftconvolve
    from scipy.stats import lognorm

    upper = float(sum(lognorm.ppf(1 - 1e-10, s, scale=m) for m, s in zip(med, sig, strict=True)))
    dt = upper / n_grid
    edges = np.arange(n_grid + 1) * dt
    total = np.array([1.0])
    for m, s in zip(med, sig, strict=True):
        mass = np.diff(_lognorm_cdf(edges, m, s))
        total = np.clip(fftconvolve(total, mass), 0.0, None)
    # each hop's mass sits at its bin's midpoint, so the sum of h hops sits at (j + h/2) dt;
    # the cumulative mass through j is the CDF half a bin further on (exact for one hop)
    loc = (np.arange(total.size) + 0.5 * med.size + 0.5) * dt
    return loc, np.minimum(np.cumsum(total), 1.0)


def sequential_sum_cdf(t_ms, median_ms, sigma):
    """P(the sum of sequential lognormal hops is <= t), by numerical convolution.

    Each hop's distribution is discretised on a common grid of 65,536 bins up to the sum of the
    hops' 1 - 1e-10 quantiles, the mass vectors are convolved (FFT) and the CDF is interpolated.

    Parameters
    ----------
    t_ms : float or array_like
        Times, milliseconds.
    median_ms : float or array_like
        Median of each hop, milliseconds.
    sigma : float or array_like
        Lognormal shape of each hop (one value for all, or one per hop).

    Returns
    -------
    numpy.ndarray
        ``P(sum <= t)`` at each ``t_ms`` (0-d for a scalar).

    Examples
    --------
    >>> round(float(sequential_sum_cdf(2.0, [1.0, 1.0], 0.01)), 3)   # symmetric about 2
    0.5
    """
    med, sig = _hop_arrays(median_ms, sigma)
    loc, cdf = _sum_grid(med, sig)
    out = np.interp(np.asarray(t_ms, dtype=float), loc, cdf, left=0.0, right=1.0)
    return out


def commit_hops(graph):
    """The hops a commit waits for: (rule, k, medians_ms, sigmas, edge names).

    ``rule`` is ``"quorum"`` (the k-th fastest of the synchronous storage writes) or ``"chain"``
    (the sum of every synchronous edge: a chain's writes are sequential, SIGMOD'17 §3.2 "latency
    is additive", and each copy, including an EBS volume's AZ-local mirror, must acknowledge
    before the next stage starts; so every copy's outliers land on the commit path).

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a :func:`slow_down` copy).

    Returns
    -------
    tuple
        ``(rule, k, medians_ms, sigmas, edges)``: ``"quorum"`` or ``"chain"``, the number of
        acknowledgements awaited, the hops' median latencies (ms) and shapes as arrays, and the
        edges as ``(source, target)`` pairs.

    Examples
    --------
    >>> g = mirrored_mysql_path()
    >>> rule, k, med, sig, edges = commit_hops(g)
    >>> rule, k, sorted(g.edges[e]["step"] for e in edges)
    ('chain', 5, [1, 2, 3, 4, 5])
    """
    g = _check_graph(graph)
    rule = g.graph.get("commit_rule", "chain")
    if rule == "quorum":
        edges = [(u, v) for u, v, d in g.edges(data=True)
                 if d["synchronous"] and d["tier"] == "storage"]
        k = int(g.graph["write_quorum"])
    else:
        edges = [(u, v) for u, v, d in g.edges(data=True) if d["synchronous"]]
        k = len(edges)
    med = np.array([g.edges[e]["latency_median_ms"] for e in edges])
    sig = np.array([g.edges[e]["latency_sigma"] for e in edges])
    return rule, k, med, sig, edges


def commit_latency_cdf(t_ms, graph):
    """P(commit latency <= t) for a write-path graph (closed form / numerical convolution).

    Parameters
    ----------
    t_ms : float or array_like
        Times, milliseconds.
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a :func:`slow_down` copy).

    Returns
    -------
    float or numpy.ndarray
        The CDF at each ``t_ms``: the k-th fastest of a quorum's writes
        (:func:`kth_fastest_cdf`), or the sum of a chain's (:func:`sequential_sum_cdf`).

    Examples
    --------
    >>> round(float(commit_latency_cdf(3.0, aurora_path())), 3)
    0.975
    """
    rule, k, med, sig, _ = commit_hops(graph)
    if rule == "quorum":
        return kth_fastest_cdf(t_ms, k, med, sig)
    return sequential_sum_cdf(t_ms, med, sig)


def _quantiles(graph, qs):
    from scipy.optimize import brentq

    rule, k, med, sig, _ = commit_hops(graph)
    if rule == "chain":
        loc, cdf = _sum_grid(med, sig)
        return np.array([float(np.interp(q, cdf, loc)) for q in qs])
    hi = float(med.max() * math.exp(8 * sig.max()))
    return np.array([brentq(lambda t, q=q: float(kth_fastest_cdf(t, k, med, sig)) - q,
                            1e-9, hi, xtol=1e-10, rtol=1e-12) for q in qs])


def commit_latency_mean_ms(graph) -> float:
    """Mean commit latency of a write path, in milliseconds.

    Exact lognormal means for a chain, the integral of the survival function for a quorum.

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a :func:`slow_down` copy).

    Returns
    -------
    float
        The mean, milliseconds.

    Examples
    --------
    >>> round(commit_latency_mean_ms(mirrored_mysql_path()), 3)
    5.852
    """
    rule, k, med, sig, _ = commit_hops(graph)
    return _mean_ms(rule, k, tuple(med.tolist()), tuple(sig.tolist()))


def quorum_mean_ms(k: int, medians_ms, sigmas) -> float:
    """Mean of the k-th fastest of independent lognormal hops, ms, without scipy's quadrature.

    ``E[T] = integral of P(T > t) dt``, by the trapezoid rule on 65,536 points up to ten
    spreads past the slowest median (the survival function there is below 1e-20); it agrees
    with :func:`commit_latency_mean_ms`'s adaptive quadrature to about 1e-15 relative. For
    callers that must not load ``scipy.optimize`` (the scenario estimate).

    Parameters
    ----------
    k : int
        The acknowledgement awaited (4 of Aurora's 6).
    medians_ms : array_like
        Each hop's lognormal median, milliseconds.
    sigmas : array_like
        Each hop's lognormal shape (dimensionless).

    Returns
    -------
    float
        The mean, milliseconds.

    See Also
    --------
    commit_latency_mean_ms : The same from a write-path graph.

    Examples
    --------
    >>> from aurora_models.write_path import aurora_commit_hops
    >>> round(quorum_mean_ms(*aurora_commit_hops()), 6)
    2.058862
    """
    med, sig = np.asarray(medians_ms, float), np.asarray(sigmas, float)
    hi = float(med.max() * math.exp(10.0 * sig.max()))
    t = np.linspace(0.0, hi, 1 << 16)
    return float(np.trapezoid(1.0 - np.asarray(kth_fastest_cdf(np.maximum(t, 1e-12), k, med,
                                                                 sig)), t))


@functools.lru_cache(maxsize=512)
def _mean_ms(rule, k, med, sig) -> float:
    # cached on the hop parameters: sweeps (table1_levers, sensitivity) revisit the same graphs
    from scipy.integrate import quad

    med, sig = np.array(med), np.array(sig)
    if rule == "chain":
        return float(np.sum(med * np.exp(sig**2 / 2)))
    hi = float(med.max() * math.exp(10 * sig.max()))
    val, _ = quad(lambda t: 1.0 - float(kth_fastest_cdf(t, k, med, sig)), 0.0, hi, limit=200)
    return float(val)


def _check_qs(q):
    qs = np.atleast_1d(np.asarray(q, dtype=float))
    for x in qs:
        check_probability("q", x)
        if not 0 < x < 1:
            raise ParameterValueError(f"`q` must be in (0, 1), got {x!r}")
    return qs


def commit_latency(graph, *, q=DEFAULT_Q) -> pd.DataFrame:
    """Commit latency quantiles of a write path, closed form.

    Parameters
    ----------
    graph : networkx.DiGraph
        From :func:`aurora_path`, :func:`mirrored_mysql_path` (or a :func:`slow_down` copy).
    q : sequence of float
        Quantiles in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``q``, ``latency_ms``, ``standard_error_ms`` (0), ``n_trials`` (0) and
        ``method`` (``"order_statistic"`` or ``"convolution"``): the columns of
        :func:`simulate_commit_latency`, so either can stand in for the other.

    See Also
    --------
    simulate_commit_latency : The Monte Carlo sibling (same columns, with standard errors).
    commit_latency_cdf : The whole distribution.

    Notes
    -----
    Quorum: ``F(t) = sum_{j>=k} P(exactly j of n acknowledged by t)`` with per-node lognormal
    CDFs; quantiles by Brent's method on F. Chain: ``F = F_1 * F_2 * ... * F_h`` (convolution),
    quantiles by interpolation. References: SIGMOD'17 §3.1-3.2 (4/4 chain vs 4/6 quorum).

    Examples
    --------
    >>> commit_latency(aurora_path(), q=[0.5]).round(3)
         q  latency_ms  standard_error_ms  n_trials           method
    0  0.5       2.016                0.0         0  order_statistic
    """
    qs = _check_qs(q)
    rule = commit_hops(graph)[0]
    return pd.DataFrame({"q": qs, "latency_ms": _quantiles(graph, qs), "standard_error_ms": 0.0,
                         "n_trials": 0,
                         "method": "order_statistic" if rule == "quorum" else "convolution"})


def sample_commit_latency(graph, *, n_trials: int = 100_000, rng=None) -> np.ndarray:
    """Monte Carlo draws of commit latency, ms (one lognormal draw per hop per trial).

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a :func:`slow_down` copy).
    n_trials : int
        Commits drawn (>= 1).
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    numpy.ndarray
        ``n_trials`` commit latencies, milliseconds (the k-th fastest hop of a quorum, the sum
        of a chain's).

    Examples
    --------
    >>> sample_commit_latency(aurora_path(), n_trials=3, rng=1).shape
    (3,)
    """
    n = check_int_range("n_trials", n_trials, 1)
    rule, k, med, sig, _ = commit_hops(graph)
    chunk = _SAMPLE_CHUNK
    nf = _budget.size(n)
    _budget.check("sample_commit_latency", "n_trials", n, work=4.0 * nf * med.size,
                  memory_bytes=8.0 * nf + 24.0 * min(nf, chunk) * med.size)
    gen = as_generator(rng)
    out = np.empty(n)
    # Fixed-size chunks of trials (the draws are the same as one (n, hops) draw, row by row).
    for lo in range(0, n, chunk):
        m = min(chunk, n - lo)
        x = med * np.exp(sig * gen.standard_normal((m, med.size)))
        out[lo:lo + m] = np.partition(x, k - 1, axis=1)[:, k - 1] if rule == "quorum" \
            else x.sum(axis=1)
    return out


#: Trials per chunk in :func:`sample_commit_latency` (fixed: results never depend on the budget).
_SAMPLE_CHUNK = 1 << 16


def simulate_commit_latency(graph, *, q=DEFAULT_Q, n_trials: int = 200_000, rng=None,
                            n_batches: int = 20) -> pd.DataFrame:
    """Monte Carlo commit latency quantiles with standard errors (batch means).

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a :func:`slow_down` copy).
    q : sequence of float
        Quantiles in (0, 1).
    n_trials : int
        Commits drawn (>= ``n_batches``).
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).
    n_batches : int
        Batches of the standard error: the spread of each batch's quantile (>= 2).

    Returns
    -------
    pandas.DataFrame
        Columns ``q``, ``latency_ms``, ``standard_error_ms``, ``n_trials``,
        ``method="monte_carlo"``: the columns of :func:`commit_latency`.

    See Also
    --------
    commit_latency : The closed form (order statistics or convolution).

    Examples
    --------
    >>> mc = simulate_commit_latency(aurora_path(), q=[0.5], n_trials=20_000, rng=3)
    >>> bool(abs(mc["latency_ms"][0] - 2.016) < 5 * mc["standard_error_ms"][0])
    True
    """
    qs = _check_qs(q)
    nb = check_int_range("n_batches", n_batches, 2)
    n = check_int_range("n_trials", n_trials, 1)
    # The draws and their sorted copies (np.quantile), on top of what sampling holds.
    _budget.check("simulate_commit_latency", "n_trials", n, memory_bytes=24.0 * _budget.size(n))
    x = sample_commit_latency(graph, n_trials=n, rng=rng)
    if x.size < nb:
        raise ParameterValueError(f"`n_trials` must be at least n_batches = {nb}, got {x.size}")
    batches = np.array_split(x, nb)
    per = np.array([np.quantile(b, qs) for b in batches])
    se = per.std(axis=0, ddof=1) / math.sqrt(nb)
    return pd.DataFrame({"q": qs, "latency_ms": np.quantile(x, qs), "standard_error_ms": se,
                         "n_trials": x.size, "method": "monte_carlo"})


def fit_lognormal_hop(samples_ms) -> tuple[float, float]:
    """Median and lognormal shape fitted to measured hop latencies (maximum likelihood).

    Parameters
    ----------
    samples_ms : array_like
        Measured latencies, milliseconds (at least 2, all finite and > 0).

    Returns
    -------
    tuple of float
        ``(median_ms, sigma)``: ``exp(mean(log x))`` and the standard deviation of ``log x``.

    Raises
    ------
    ValueError
        If ``samples_ms`` is empty, has a non-finite or non-positive value, or fewer than 2 values.

    Examples
    --------
    >>> m, s = fit_lognormal_hop([1.0, 4.0])
    >>> round(m, 6), round(s, 4)
    (2.0, 0.6931)
    """
    x = check_array("samples_ms", samples_ms, min_size=2, positive=True)
    logs = np.log(x)
    return float(np.exp(logs.mean())), float(logs.std())


def outlier_masking(*, factor: float = 10.0, q=DEFAULT_Q) -> pd.DataFrame:
    """Commit latency quantiles with one slow node or a slow AZ: 4/6 quorum vs mirrored chain.

    Scenarios: ``baseline``; ``slow_node`` (one storage copy in another AZ for Aurora, the
    standby's EBS mirror for MySQL, ``factor`` times slower); ``slow_same_az_node`` (an Aurora copy
    in the writer's AZ; the primary's EBS for MySQL); ``slow_az`` (everything in az2).

    Parameters
    ----------
    factor : float
        How many times slower the slow node or AZ is (> 0).
    q : sequence of float
        Quantiles in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``engine``, ``scenario``, ``q``, ``latency_ms``, ``vs_baseline`` (ratio).

    Examples
    --------
    >>> t = outlier_masking(q=[0.5])
    >>> t.set_index(["engine", "scenario"])["vs_baseline"].round(2).to_dict()[("aurora", "slow_node")]
    1.1
    """
    factor = float(check_positive("factor", factor))
    qs = _check_qs(q)
    cases: dict[str, tuple[nx.DiGraph, dict[str, dict[str, Any]]]] = {
        "aurora": (aurora_path(), {"slow_node": {"nodes": ["storage2"]},
                                   "slow_same_az_node": {"nodes": ["storage1"]},
                                   "slow_az": {"az": "az2"}}),
        "mirrored_mysql": (mirrored_mysql_path(),
                           {"slow_node": {"nodes": ["standby_ebs_mirror"]},
                            "slow_same_az_node": {"nodes": ["primary_ebs"]},
                            "slow_az": {"az": "az2"}}),
    }
    rows = []
    for engine, (g, scen) in cases.items():
        base = _quantiles(g, qs)
        for name, kw in [("baseline", None), *scen.items()]:
            lat = base if kw is None else _quantiles(slow_down(g, factor=factor, **kw), qs)
            for qq, v, b in zip(qs, lat, base, strict=True):
                rows.append({"engine": engine, "scenario": name, "q": qq, "latency_ms": v,
                             "vs_baseline": v / b})
    return pd.DataFrame(rows)
