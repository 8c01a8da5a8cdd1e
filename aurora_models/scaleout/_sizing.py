"""Sizing the scale-out options from the demand: a Limitless Database shard group, and a month
of Aurora DSQL."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_int_range, check_nonnegative
from ..exceptions import ParameterValueError
from ..units import HOURS_PER_MONTH, SECONDS_PER_MONTH
from ._params import (
    DSQL_DPU_PER_MILLION_USD,
    DSQL_STORAGE_GB_MONTH_USD,
    LIMITLESS_MAX_ACU,
    LIMITLESS_MIN_ACU,
    LIMITLESS_NODES,
    MIN_ACU_PER_NODE,
)

__all__ = ["DsqlMonth", "ShardGroup", "dsql_rates", "dsql_usage", "shard_group_nodes",
           "size_shard_group"]


def shard_group_nodes(max_acu: float) -> tuple[int, int]:
    """The routers and shards a shard group of maximum capacity ``max_acu`` is created with.

    Parameters
    ----------
    max_acu : float
        The shard group's maximum capacity, ACU (16-6144; above, the last row of the table).

    Returns
    -------
    tuple of int
        ``(routers, shards)`` from the User Guide's table
        (:data:`~aurora_models.scaleout.LIMITLESS_NODES`).

    See Also
    --------
    size_shard_group : The shard group sized for a demand.

    Examples
    --------
    >>> shard_group_nodes(16), shard_group_nodes(401), shard_group_nodes(6144)
    ((2, 2), (2, 3), (8, 16))
    """
    acu = float(check_nonnegative("max_acu", max_acu))
    if acu < LIMITLESS_MIN_ACU:
        raise ParameterValueError(f"`max_acu` must be at least {LIMITLESS_MIN_ACU:g} (the "
                                  f"smallest shard group), got {acu:g}")
    for upper, routers, shards in LIMITLESS_NODES:
        if acu <= upper:
            return int(routers), int(shards)
    return int(LIMITLESS_NODES[-1][1]), int(LIMITLESS_NODES[-1][2])


@dataclass(frozen=True, kw_only=True)
class ShardGroup:
    """A Limitless Database shard group sized for a demand, and its month of capacity.

    Parameters
    ----------
    peak_demand_acu : float
        The demand's peak, ACU.
    max_acu, min_acu : float
        The capacity range set, ACU (the maximum for the peak with headroom; the minimum the
        table's default, 4 ACU per node).
    routers, shards : int
        The nodes created for ``max_acu``.
    compute_redundancy : int
        Standbys per shard (0-2).
    standby_shards : int
        ``shards x compute_redundancy``.
    within_limits : bool
        ``max_acu`` is within the published 6,144 ACU.
    mean_acu : float
        The routers' and shards' mean capacity over the month, ACU (standbys excluded).
    acu_hours_per_month : float
        Billed ACU-hours a month, standbys included.

    See Also
    --------
    size_shard_group : Builds it.

    Examples
    --------
    >>> g = size_shard_group([10.0, 500.0], headroom=0.0)
    >>> g.max_acu, (g.routers, g.shards), g.min_acu
    (500.0, (2, 3), 20.0)
    """

    peak_demand_acu: float
    max_acu: float
    min_acu: float
    routers: int
    shards: int
    compute_redundancy: int
    standby_shards: int
    within_limits: bool
    mean_acu: float
    acu_hours_per_month: float


def size_shard_group(demand_acu, *, headroom: float = 0.2,
                     compute_redundancy: int = 0) -> ShardGroup:
    """Size a Limitless Database shard group for an ACU demand series and bill its month.

    The maximum capacity is the demand's peak with headroom, ``ceil(peak x (1 + headroom))``,
    at least 16 ACU; the routers and shards follow from it (:func:`shard_group_nodes`), and
    the minimum is the table's default, 4 ACU per node. The shard group scales "similar to how
    Aurora Serverless v2 works" (User Guide): its capacity follows the demand within
    ``[min, max]``, ``c(t) = clip(D(t), min, max)`` (ASSUMPTION: no scaling lag, and the demand
    spread over the nodes evenly). Each standby (``compute_redundancy`` per shard) scales with
    its shard, so the billed capacity is ``c(t) x (1 + r x S / (R + S))`` for R routers and S
    shards, and a month of it is ``mean(c) x (1 + r S / (R + S)) x 730`` ACU-hours.

    Parameters
    ----------
    demand_acu : array_like
        The demand over one representative period at a uniform step, ACU.
    headroom : float
        Capacity above the peak (dimensionless, 0.2 = 20 %).
    compute_redundancy : int
        Standbys per shard: 0, 1 or 2.

    Returns
    -------
    ShardGroup
        The capacity range, the nodes and the month's ACU-hours.

    See Also
    --------
    shard_group_nodes : The table of nodes.

    Examples
    --------
    >>> g = size_shard_group([100.0, 300.0], headroom=0.0, compute_redundancy=1)
    >>> g.max_acu, g.standby_shards, round(g.acu_hours_per_month)
    (300.0, 2, 219000)
    """
    d = np.asarray(demand_acu, dtype=float)
    if d.ndim != 1 or d.size == 0 or not np.isfinite(d).all() or (d < 0).any():
        raise ParameterValueError("`demand_acu` must be a non-empty 1-D series of finite "
                                  "non-negative ACU")
    h = float(check_nonnegative("headroom", headroom))
    r = check_int_range("compute_redundancy", compute_redundancy, 0, 2)
    peak = float(d.max())
    max_acu = max(LIMITLESS_MIN_ACU, float(math.ceil(peak * (1.0 + h) - 1e-9)))
    routers, shards = shard_group_nodes(max_acu)
    min_acu = max(LIMITLESS_MIN_ACU, MIN_ACU_PER_NODE * (routers + shards))
    c = np.clip(d, min_acu, max(max_acu, min_acu))
    mean = float(c.mean())
    standby = r * shards / (routers + shards)
    return ShardGroup(peak_demand_acu=peak, max_acu=max_acu, min_acu=min_acu, routers=routers,
                      shards=shards, compute_redundancy=r, standby_shards=r * shards,
                      within_limits=max_acu <= LIMITLESS_MAX_ACU, mean_acu=mean,
                      acu_hours_per_month=mean * (1.0 + standby) * HOURS_PER_MONTH)


@dataclass(frozen=True, kw_only=True)
class DsqlMonth:
    """A month of Aurora DSQL for a workload.

    Parameters
    ----------
    transactions_per_month : float
        Requests (writes and reads) a month.
    dpus_per_month : float
        DPUs a month.
    storage_gb_months : float
        The database's size, GB-months (one logical copy).

    See Also
    --------
    dsql_usage : Builds it.

    Examples
    --------
    >>> DsqlMonth(transactions_per_month=7e5, dpus_per_month=1e5, storage_gb_months=1.0)
    DsqlMonth(transactions_per_month=700000.0, dpus_per_month=100000.0, storage_gb_months=1.0)
    """

    transactions_per_month: float
    dpus_per_month: float
    storage_gb_months: float


def dsql_usage(writes_per_s_mean: float, reads_per_s_mean: float, *,
               dpus_per_transaction: float, volume_gib: float) -> DsqlMonth:
    """Aurora DSQL's month: DPUs from the request rates, storage from the volume.

    ``DPUs = (writes + reads per second, mean) x 2,628,000 s x dpus_per_transaction``; storage
    is the volume, one logical copy (the pricing page). DSQL bills "one line item for storage
    and one for DPU" (User Guide, billing); the free tier (100K DPUs and 1 GB a month) is left
    out, as the package's list prices leave free tiers out.

    Parameters
    ----------
    writes_per_s_mean, reads_per_s_mean : float
        The month's mean request rates, requests/s.
    dpus_per_transaction : float
        DPUs per request, DPUs.
    volume_gib : float
        The data's size, GiB (billed as GB-months, as Aurora storage is).

    Returns
    -------
    DsqlMonth
        Transactions, DPUs and GB-months.

    See Also
    --------
    dsql_rates : The published rates of a region.

    Examples
    --------
    >>> m = dsql_usage(1.0, 0.0, dpus_per_transaction=0.5, volume_gib=10.0)
    >>> m.transactions_per_month, m.dpus_per_month
    (2628000.0, 1314000.0)
    """
    w = float(check_nonnegative("writes_per_s_mean", writes_per_s_mean))
    r = float(check_nonnegative("reads_per_s_mean", reads_per_s_mean))
    dpt = float(check_nonnegative("dpus_per_transaction", dpus_per_transaction))
    v = float(check_nonnegative("volume_gib", volume_gib))
    n = (w + r) * SECONDS_PER_MONTH
    return DsqlMonth(transactions_per_month=n, dpus_per_month=n * dpt, storage_gb_months=v)


def dsql_rates(region: str) -> tuple[float | None, float | None]:
    """Look up DSQL's published rates in a region: USD per million DPUs and per GB-month.

    Parameters
    ----------
    region : str
        A region code.

    Returns
    -------
    tuple
        ``(usd_per_million_dpus, usd_per_gb_month)``; None where the rate could not be read
        (the bill then names it missing).

    See Also
    --------
    dsql_usage : The month they price.

    Examples
    --------
    >>> dsql_rates("us-east-1"), dsql_rates("eu-west-1")
    ((8.0, 0.33), (None, None))
    """
    return dict(DSQL_DPU_PER_MILLION_USD).get(region), dict(DSQL_STORAGE_GB_MONTH_USD).get(region)
