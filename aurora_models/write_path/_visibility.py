"""In-region read-after-write visibility: P(a read on a replica t ms after commit sees the write).

The replica of :mod:`._replica_lag` (a fixed delay, then a single-server apply queue with
Poisson writes and gamma apply times) gives the whole lag distribution, not only its mean: the
lag is the fixed delay plus the M/G/1 sojourn time of the apply queue
(:func:`aurora_models.queueing.mg1_sojourn_cdf`), and a read t ms after the commit sees the
write iff that lag is at most t (the t-visibility of probabilistically bounded staleness).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import _budget, queueing
from .._rng import as_generator
from .._validate import check_int_range, check_nonnegative, check_probability
from ..exceptions import ParameterValueError, UnstableSystemError
from ._replica_lag import AURORA_REPLICA, ReplicaLagParams, _params

__all__ = ["replica_visibility", "replica_visibility_probability",
           "replica_visibility_quantile", "simulate_replica_visibility"]

_COLUMNS = ["t_ms", "p_visible", "standard_error", "n_trials", "method"]


def _queue(writes_per_s, params, what: str):
    """(lambda per s, E[S] s, cs2, delay ms) of the replica's apply queue, checked stable."""
    lam = float(check_nonnegative("writes_per_s", writes_per_s))
    p = _params(params)
    es = p.apply_us_per_write * 1e-6
    st = queueing.stability(lam, es)
    if not st.stable:
        raise UnstableSystemError(
            f"{what} does not exist at `writes_per_s` = {lam:g}: the replica's apply queue "
            f"(engine {p.engine!r}, {p.apply_us_per_write:g} us per write) is at utilisation "
            f"{st.utilisation:.4g} (>= 1), so its lag grows by {st.backlog_growth_per_s:.4g} s "
            "per second of run (see replica_lag for the lag at the end of a run)")
    return lam, es, float(p.apply_cs2), p.delay_ms


def _method(cs2: float) -> str:
    if cs2 == 1.0:
        return "exact (M/M/1)"
    if cs2 == 0.0:
        return "exact (M/D/1)"
    return "numerical (Pollaczek-Khinchine, FFT)"


def replica_visibility_probability(t_ms, writes_per_s: float,
                                   params: ReplicaLagParams = AURORA_REPLICA):
    """P(a read on an in-region replica ``t_ms`` after commit sees the write), a float or array.

    The curve itself, vectorised over ``t_ms``: :func:`replica_visibility` tabulates it beside
    its Monte Carlo sibling.

    Parameters
    ----------
    t_ms : float or array_like
        Time between the commit on the writer and the read on the replica, milliseconds (>= 0).
    writes_per_s : float
        Poisson write rate on the writer, writes per second (>= 0).
    params : ReplicaLagParams
        The replica (:data:`AURORA_REPLICA`, :data:`MYSQL_BINLOG_REPLICA` or your own).

    Returns
    -------
    float or numpy.ndarray
        ``P(L <= t)``, non-decreasing in ``t_ms``, in [0, 1]; 0 before the fixed delay.

    Raises
    ------
    UnstableSystemError
        When the apply queue is overloaded (``writes_per_s x apply time >= 1``): there is no
        steady-state lag, the message gives its growth rate.

    See Also
    --------
    replica_visibility : The same probabilities as a table, with the columns of the simulation.
    replica_visibility_quantile : Its inverse (the t for 99 % or 99.9 %).

    Notes
    -----
    ``L = d + T`` with ``d`` the fixed delay (:attr:`ReplicaLagParams.delay_ms`) and ``T`` the
    M/G/1 sojourn (wait plus apply) of the apply queue, so
    ``P(L <= t) = P(T <= t - d)`` (:func:`aurora_models.queueing.mg1_sojourn_cdf`). With
    exponential apply times T is exponential with rate ``mu - lambda``:
    ``P(L <= t) = 1 - exp(-(mu - lambda)(t - d))`` for ``t >= d``.

    Examples
    --------
    >>> from aurora_models.write_path import MYSQL_BINLOG_REPLICA
    >>> p = replica_visibility_probability([0.1, 1.0, 10.0], 2_000.0, MYSQL_BINLOG_REPLICA)
    >>> [round(float(x), 4) for x in p]
    [0.0, 0.2442, 1.0]
    """
    t = check_nonnegative("t_ms", t_ms)
    lam, es, cs2, delay = _queue(writes_per_s, params, "an in-region visibility curve")
    arr = np.asarray(t, dtype=float)
    y_s = np.maximum(arr - delay, 0.0) / 1e3
    out = np.where(arr > delay, queueing.mg1_sojourn_cdf(y_s, lam, es, cs2), 0.0)
    return out if np.ndim(t) else float(out)


def replica_visibility_quantile(q, writes_per_s: float,
                                params: ReplicaLagParams = AURORA_REPLICA):
    """The time after commit by which a read on an in-region replica sees the write with prob. q.

    Parameters
    ----------
    q : float or array_like
        Probability, in [0, 1] (0.99 and 0.999 for the t99 and t99.9).
    writes_per_s : float
        Poisson write rate on the writer, writes per second (>= 0).
    params : ReplicaLagParams
        The replica (:data:`AURORA_REPLICA`, :data:`MYSQL_BINLOG_REPLICA` or your own).

    Returns
    -------
    float or numpy.ndarray
        ``inf{t : P(L <= t) >= q}``, milliseconds: the fixed delay at ``q = 0``, inf at
        ``q = 1``.

    Raises
    ------
    UnstableSystemError
        When the apply queue is overloaded (no steady-state lag).

    See Also
    --------
    replica_visibility_probability : The curve it inverts.

    Notes
    -----
    ``d + Q_T(q)``, ``Q_T`` the sojourn quantile of the apply queue
    (:func:`aurora_models.queueing.mg1_sojourn_quantile`); exponential apply times give
    ``d - ln(1 - q) / (mu - lambda)``.

    Examples
    --------
    >>> from aurora_models.write_path import MYSQL_BINLOG_REPLICA
    >>> [round(float(x), 3) for x in
    ...  replica_visibility_quantile([0.99, 0.999], 2_000.0, MYSQL_BINLOG_REPLICA)]
    [3.163, 4.314]
    """
    qq = check_probability("q", q)
    lam, es, cs2, delay = _queue(writes_per_s, params, "an in-region visibility quantile")
    out = delay + 1e3 * np.asarray(queueing.mg1_sojourn_quantile(qq, lam, es, cs2), dtype=float)
    return out if np.ndim(qq) else float(out)


def replica_visibility(t_ms, writes_per_s: float,
                       params: ReplicaLagParams = AURORA_REPLICA) -> pd.DataFrame:
    """In-region read-after-write visibility at each ``t_ms``, as a table.

    Same numbers as :func:`replica_visibility_probability`, in the columns of
    :func:`simulate_replica_visibility`, so either can stand in for the other.

    Parameters
    ----------
    t_ms : float or array_like
        Times between the commit on the writer and the read on the replica, milliseconds
        (>= 0).
    writes_per_s : float
        Poisson write rate on the writer, writes per second (>= 0).
    params : ReplicaLagParams
        The replica (:data:`AURORA_REPLICA`, :data:`MYSQL_BINLOG_REPLICA` or your own).

    Returns
    -------
    pandas.DataFrame
        One row per time: ``t_ms``, ``p_visible``, ``standard_error`` (0), ``n_trials`` (0)
        and ``method`` (``"exact (M/M/1)"`` for exponential apply times, ``"exact (M/D/1)"``
        for constant ones, ``"numerical (Pollaczek-Khinchine, FFT)"`` otherwise).

    Raises
    ------
    UnstableSystemError
        When the apply queue is overloaded (no steady-state lag).

    See Also
    --------
    simulate_replica_visibility : The Monte Carlo sibling (Lindley recursion).
    replica_visibility_probability : The curve as a float or array.
    aurora_models.global_db.visibility_probability : The cross-region curve.

    Notes
    -----
    An Aurora Replica has no read-consistency setting of its own: its reads see what it has
    applied, i.e. eventual consistency with this lag. The EVENTUAL, SESSION and GLOBAL levels
    (``aurora_replica_read_consistency`` in Aurora MySQL, ``apg_write_forward.consistency_mode``
    in Aurora PostgreSQL) exist only on a cluster with write forwarding turned on: global write
    forwarding on a Global Database secondary (:mod:`aurora_models.global_db`,
    :func:`~aurora_models.global_db.read_after_write`), or local (in-cluster) write forwarding,
    where SESSION and GLOBAL make a read wait for the in-region lag of this model. Sources:
    Amazon Aurora User Guide, "Read consistency for write forwarding" (Aurora MySQL,
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-mysql-write-forwarding-consistency.html)
    and "Configuring Aurora PostgreSQL for local write forwarding"
    (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-postgresql-write-forwarding-configuring.html).

    Examples
    --------
    >>> from aurora_models.write_path import MYSQL_BINLOG_REPLICA
    >>> replica_visibility([1.0], 2_000.0, MYSQL_BINLOG_REPLICA).round(4).to_dict("records")
    [{'t_ms': 1.0, 'p_visible': 0.2442, 'standard_error': 0.0, 'n_trials': 0, 'method': 'exact (M/M/1)'}]
    """
    t = np.atleast_1d(check_nonnegative("t_ms", t_ms)).astype(float).ravel()
    p = replica_visibility_probability(t, writes_per_s, params)
    cs2 = float(_params(params).apply_cs2)
    return pd.DataFrame({"t_ms": t, "p_visible": np.asarray(p, dtype=float),
                         "standard_error": 0.0, "n_trials": 0, "method": _method(cs2)},
                        columns=_COLUMNS)


def simulate_replica_visibility(t_ms, writes_per_s: float,
                                params: ReplicaLagParams = AURORA_REPLICA, *,
                                n_writes: int = 200_000, n_batches: int = 20,
                                rng=None) -> pd.DataFrame:
    """Monte Carlo sibling of :func:`replica_visibility`: same parameters, same columns.

    Poisson writes at ``writes_per_s``; apply times gamma-distributed with mean
    ``apply_us_per_write`` and squared CV ``apply_cs2`` (constant when 0); the waits of the
    apply queue from Lindley's recursion (:func:`aurora_models.queueing.lindley_waits`, starting
    empty; the first 1 % of writes are dropped); each write's lag is ``d + W + S``, and the
    probability at ``t`` is the fraction of writes with lag <= t. The standard error comes from
    ``n_batches`` batch means of consecutive writes (lags of neighbours are correlated).

    Parameters
    ----------
    t_ms : float or array_like
        Times between the commit and the read, milliseconds (>= 0).
    writes_per_s : float
        Poisson write rate on the writer, writes per second (> 0).
    params : ReplicaLagParams
        The replica (:data:`AURORA_REPLICA`, :data:`MYSQL_BINLOG_REPLICA` or your own).
    n_writes : int
        Writes simulated (>= 200).
    n_batches : int
        Batches for the standard error, 2 to ``n_writes // 100``.
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    pandas.DataFrame
        One row per time: ``t_ms``, ``p_visible``, ``standard_error``, ``n_trials`` (writes
        kept) and ``method="monte_carlo"``.

    Raises
    ------
    UnstableSystemError
        When the apply queue is overloaded (a simulation would show only a transient).

    See Also
    --------
    replica_visibility : The closed form.

    Examples
    --------
    >>> from aurora_models.write_path import MYSQL_BINLOG_REPLICA
    >>> mc = simulate_replica_visibility([1.0], 2_000.0, MYSQL_BINLOG_REPLICA, n_writes=50_000,
    ...                                  rng=1)
    >>> cf = replica_visibility([1.0], 2_000.0, MYSQL_BINLOG_REPLICA)
    >>> bool(abs(mc["p_visible"][0] - cf["p_visible"][0]) < 5 * mc["standard_error"][0])
    True
    """
    t = np.atleast_1d(check_nonnegative("t_ms", t_ms)).astype(float).ravel()
    lam, es, cs2, delay = _queue(writes_per_s, params, "a simulated steady-state visibility")
    if lam <= 0.0:
        raise ParameterValueError(f"`writes_per_s` must be positive for a simulation, got {lam:g}")
    n = check_int_range("n_writes", n_writes, 200)
    nb = check_int_range("n_batches", n_batches, 2, n // 100)
    _budget.check("simulate_replica_visibility", "n_writes", n,
                  memory_bytes=64.0 * _budget.size(n), work=30.0 * _budget.size(n))
    gen = as_generator(rng)
    gaps = gen.exponential(1.0 / lam, n)
    if cs2 == 0.0:
        service = np.full(n, es)
    else:
        shape = 1.0 / cs2
        service = gen.gamma(shape, es / shape, n)
    lag_ms = (delay + (queueing.lindley_waits(gaps, service) + service) * 1e3)[n // 100:]
    batches = np.array_split(lag_ms, nb)
    # per batch, the fraction of lags <= t: a sorted batch and one searchsorted per batch
    frac = np.array([np.searchsorted(np.sort(b), t, side="right") / b.size for b in batches])
    sizes = np.array([b.size for b in batches], dtype=float)
    p = (frac * sizes[:, None]).sum(axis=0) / sizes.sum()
    se = frac.std(axis=0, ddof=1) / math.sqrt(nb)
    return pd.DataFrame({"t_ms": t, "p_visible": p, "standard_error": se,
                         "n_trials": int(lag_ms.size), "method": "monte_carlo"},
                        columns=_COLUMNS)
