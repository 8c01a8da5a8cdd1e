"""Reader sizing: each reader an M/M/k queue with an even share of the read load."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import pricing
from .._validate import check_bool, check_int_range, check_positive
from ..exceptions import ParameterValueError
from ..queueing import erlang_c, mmc_mean_wait, mmc_response_quantile, stability
from ._params import MAX_REPLICAS

__all__ = ["FailoverLatency", "failover_latency", "parse_objective", "reader_latency_ms",
           "readers_needed", "workers_per_reader"]


_FAR = 100.0  # mean service times of waiting beyond which a percentile is reported as inf


def parse_objective(objective) -> float | None:
    """``'mean'`` -> None; ``'p99'`` (or ``'p99.9'``, ...) -> the quantile 0.99.

    Examples
    --------
    >>> parse_objective("p99"), parse_objective("mean")
    (0.99, None)
    >>> parse_objective("p100")
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `objective` must be 'mean' or 'pNN' with 0 < NN < 100 (e.g. 'p99'), got 'p100'
    """
    if objective == "mean":
        return None
    msg = ("`objective` must be 'mean' or 'pNN' with 0 < NN < 100 (e.g. 'p99'), got "
           f"{objective!r}")
    if not isinstance(objective, str):
        raise ParameterValueError(msg)
    m = re.fullmatch(r"p(\d+(?:\.\d+)?)", objective)
    if not m or not 0.0 < float(m.group(1)) < 100.0:
        raise ParameterValueError(msg)
    return float(m.group(1)) / 100.0


def workers_per_reader(capacity: str, *, instance_class: str | None = None,
                       max_acu: float | None = None, acu_per_vcpu: float | None = None) -> int:
    """Count the reads one reader serves at once: its class's vCPUs, or its maximum ACU's.

    Parameters
    ----------
    capacity : {"serverless", "provisioned"}
        The reader's capacity mode.
    instance_class : str, optional
        A provisioned reader's class (its vCPUs from the bundled instance specs).
    max_acu : float, optional
        A Serverless v2 reader's maximum ACU.
    acu_per_vcpu : float, optional
        ACU per vCPU (``cluster.acu_per_vcpu``).

    Returns
    -------
    int
        At least 1.

    See Also
    --------
    readers_needed : Takes it as ``workers_per_reader``.

    Examples
    --------
    >>> workers_per_reader("serverless", max_acu=128, acu_per_vcpu=4.0)
    32
    >>> workers_per_reader("provisioned", instance_class="db.r6g.2xlarge")
    8
    """
    if capacity == "serverless":
        if max_acu is None or acu_per_vcpu is None:
            raise ParameterValueError("a Serverless v2 reader needs `max_acu` and `acu_per_vcpu`")
        return max(1, int(max_acu / acu_per_vcpu))
    if instance_class is None:
        raise ParameterValueError("a provisioned reader needs its `instance_class`")
    vcpu: Any = pricing.instance_specs().loc[instance_class, "vcpu"]
    return int(vcpu)


def _inputs(reads_per_s, service_time_ms, workers_per_reader, objective):
    lam = float(check_positive("reads_per_s", reads_per_s, allow_zero=True))
    s_ms = float(check_positive("service_time_ms", service_time_ms))
    k = check_int_range("workers_per_reader", workers_per_reader, 1, 10_000)
    return lam, s_ms, k, parse_objective(objective)


def _latency_ms(lam: float, s_ms: float, k: int, readers: int, q: float | None) -> float:
    """Latency objective metric with ``readers`` readers; inf when a reader is overloaded."""
    if readers == 0:
        return math.inf if lam > 0 else 0.0
    per = lam / readers
    mu = 1000.0 / s_ms
    if not stability(per, 1.0 / mu, k).stable:
        return math.inf
    if q is None:
        return s_ms + 1000.0 * mmc_mean_wait(k, per, mu)
    # The waiting time alone has quantile ln(C / (1 - q)) / theta; past _FAR service times the
    # reader is effectively saturated (and the response-time tail overflows in floating point).
    theta = k * mu - per
    p_wait = erlang_c(k, per / mu)
    t_wait = math.log(p_wait / (1.0 - q)) / theta if p_wait > 1.0 - q else 0.0
    if t_wait * mu > _FAR:
        return math.inf
    with np.errstate(over="ignore", invalid="ignore"):
        t = 1000.0 * mmc_response_quantile(q, k, per, mu)
    return t if math.isfinite(t) else math.inf


def reader_latency_ms(reads_per_s: float, service_time_ms: float, readers: int, *,
                      workers_per_reader: int = 2, objective: str = "mean") -> float:
    """Read latency (mean or a percentile of wait + service), ms, with ``readers`` readers.

    Each reader is an M/M/k queue (k = ``workers_per_reader``) receiving ``reads_per_s /
    readers``.

    Parameters
    ----------
    reads_per_s : float
        Read queries per second (>= 0), spread evenly over the readers.
    service_time_ms : float
        Mean service time of one query on one worker, milliseconds (exponential).
    readers : int
        Aurora replicas serving reads.
    workers_per_reader : int
        Queries one reader serves concurrently (e.g. its vCPUs).
    objective : str
        ``'mean'`` or a percentile such as ``'p95'``, ``'p99'``, ``'p99.9'``.

    Returns
    -------
    float
        The latency, milliseconds; ``inf`` when a reader's utilisation is 1 or more (no
        steady state).

    Examples
    --------
    >>> round(reader_latency_ms(100.0, 10.0, 1, workers_per_reader=2), 4)  # M/M/2, rho = 0.5
    13.3333
    """
    lam, s_ms, k, q = _inputs(reads_per_s, service_time_ms, workers_per_reader, objective)
    readers = check_int_range("readers", readers, 0, MAX_REPLICAS)
    return _latency_ms(lam, s_ms, k, readers, q)


def readers_needed(reads_per_s: float, service_time_ms: float, latency_objective_ms: float, *,
                   workers_per_reader: int = 2, objective: str = "mean",
                   survive_failover: bool = False, max_readers: int = MAX_REPLICAS) -> int:
    """The fewest Aurora replicas whose read latency meets the objective.

    Parameters
    ----------
    reads_per_s : float
        Read queries per second (>= 0).
    service_time_ms : float
        Mean service time of one query on one worker, ms (exponential).
    latency_objective_ms : float
        Target for the mean or the chosen percentile of response time (wait + service), ms.
    workers_per_reader : int
        Queries one reader serves concurrently (e.g. its vCPUs).
    objective : str
        ``'mean'`` or a percentile such as ``'p95'``, ``'p99'``, ``'p99.9'``.
    survive_failover : bool
        Also meet the objective with one reader fewer (one replica promoted to writer).
    max_readers : int
        Upper limit (Aurora: 15 replicas).

    Returns
    -------
    int
        Number of readers (0 when there are no reads).

    Raises
    ------
    ValueError
        When an input is out of range; when the objective is below what exponential service
        allows on an idle reader (the service time for the mean, ``-ln(1 - q)`` service times
        for a percentile: 4.6x for p99); when more than ``max_readers`` would be needed.

    Notes
    -----
    The reader endpoint balances *connections*, not queries, so each of the n readers is
    modelled as its own M/M/k queue with arrival rate ``lambda / n`` (Erlang C,
    :mod:`aurora_models.queueing`): mean response ``S + C(k, a) / (k mu - lambda/n)``; the
    percentile inverts ``P(W + S > t)``. Latency falls as n grows, so the first n that meets the
    objective is the answer.

    Examples
    --------
    >>> readers_needed(1500.0, 10.0, 15.0, workers_per_reader=4)
    6
    >>> readers_needed(100.0, 10.0, 40.0, objective="p99")
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `latency_objective_ms` (p99) must be at least 46.05 ms (-ln(1 - 0.99) = 4.605 mean service times of 10 ms: with exponential service no number of readers does better), got 40.0
    """
    lam, s_ms, k, q = _inputs(reads_per_s, service_time_ms, workers_per_reader, objective)
    target = float(check_positive("latency_objective_ms", latency_objective_ms))
    survive_failover = check_bool("survive_failover", survive_failover)
    cap = check_int_range("max_readers", max_readers, 1, MAX_REPLICAS)
    if q is None:
        floor = s_ms
        if target <= floor:
            raise ParameterValueError(f"`latency_objective_ms` (mean) must exceed the service time "
                             f"{s_ms:.4g} ms, got {target!r}")
    else:
        floor = -math.log1p(-q) * s_ms
        if target <= floor:
            raise ParameterValueError(
                f"`latency_objective_ms` ({objective}) must be at least {floor:.4g} ms "
                f"(-ln(1 - {q:g}) = {-math.log1p(-q):.4g} mean service times of {s_ms:.4g} ms: "
                f"with exponential service no number of readers does better), got {target!r}")
    if lam == 0.0:
        return 1 if survive_failover else 0
    lo = 2 if survive_failover else 1
    for n in range(lo, cap + 1):
        ok = _latency_ms(lam, s_ms, k, n, q) <= target
        if ok and survive_failover:
            ok = _latency_ms(lam, s_ms, k, n - 1, q) <= target
        if ok:
            return n
    at_cap = _latency_ms(lam, s_ms, k, cap - (1 if survive_failover else 0), q)
    shown = "overloaded (utilisation >= 1)" if math.isinf(at_cap) else f"{at_cap:.4g} ms"
    raise ParameterValueError(
        f"`reads_per_s` = {lam:g} needs more than {cap} readers (the Aurora maximum is "
        f"{MAX_REPLICAS}) to meet a {'mean' if q is None else objective} of {target:g} ms: with "
        f"{cap} readers it is {shown}; use a larger reader class (more `workers_per_reader`), "
        "faster queries or a cache")


@dataclass(frozen=True, kw_only=True)
class FailoverLatency:
    """Read latency before and while one replica is promoted to writer.

    Parameters
    ----------
    readers : int
        Readers in normal operation.
    normal_ms, during_failover_ms : float
        Latency objective metric (mean or percentile), ms; inf when overloaded.
    utilisation_normal, utilisation_during_failover : float
        Per-reader utilisation ``lambda / (n k mu)``.

    See Also
    --------
    failover_latency : The function that returns it.

    Examples
    --------
    >>> from aurora_models.availability import failover_latency
    >>> failover_latency(300.0, 10.0, 2).utilisation_during_failover
    1.5
    """

    readers: int
    normal_ms: float
    during_failover_ms: float
    utilisation_normal: float
    utilisation_during_failover: float

    @property
    def stable_during_failover(self) -> bool:
        """Whether the remaining readers keep up with the load."""
        return self.utilisation_during_failover < 1.0


def failover_latency(reads_per_s: float, service_time_ms: float, readers: int, *,
                     workers_per_reader: int = 2, objective: str = "mean") -> FailoverLatency:
    """Read latency with ``readers`` readers, and with ``readers - 1`` after a promotion.

    When the writer fails, Aurora promotes one replica; until a replacement reader exists the
    load is spread over the others (each still an M/M/k queue).

    Parameters
    ----------
    reads_per_s : float
        Read queries per second (>= 0), spread evenly over the readers.
    service_time_ms : float
        Mean service time of one query on one worker, milliseconds (exponential).
    readers : int
        Aurora replicas serving reads.
    workers_per_reader : int
        Queries one reader serves concurrently (e.g. its vCPUs).
    objective : str
        ``'mean'`` or a percentile such as ``'p95'``, ``'p99'``, ``'p99.9'``.

    Returns
    -------
    FailoverLatency
        The latency and utilisation with ``readers`` and with ``readers - 1`` readers.

    Examples
    --------
    >>> f = failover_latency(300.0, 10.0, 3, workers_per_reader=2)
    >>> round(f.normal_ms, 3), round(f.during_failover_ms, 3), f.stable_during_failover
    (13.333, 22.857, True)
    """
    lam, s_ms, k, q = _inputs(reads_per_s, service_time_ms, workers_per_reader, objective)
    readers = check_int_range("readers", readers, 1, MAX_REPLICAS)
    rho = lam * s_ms / 1000.0 / k

    return FailoverLatency(
        readers=readers, normal_ms=_latency_ms(lam, s_ms, k, readers, q),
        during_failover_ms=_latency_ms(lam, s_ms, k, readers - 1, q),
        utilisation_normal=rho / readers,
        utilisation_during_failover=rho / (readers - 1) if readers > 1 else math.inf)
