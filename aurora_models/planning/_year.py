"""The year, month by month: each month's usage (the volume grown or shrunk, the demand of the
season) and its bill on both storage configurations, then the cheapest switching policy.

The bill of one month is :func:`~aurora_models.billing.bill_options` on that month's
:class:`~aurora_models.billing.Usage`; :func:`month_usages` makes the usages (the estimate
re-simulates each season's capacity instead of scaling it), :func:`bill_months` bills them and
:func:`year_plan` adds the storage policy (:func:`~.storage_policy`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from .._validate import check_int_range, check_positive
from ..billing import Usage, bill_options
from ..exceptions import ParameterTypeError, ParameterValueError
from ._storage_policy import StoragePolicy, storage_policy

__all__ = ["MAX_MONTHS", "YearPlan", "bill_months", "month_usages", "seasonal", "year_plan"]

#: The longest projection, months (ten years: the scenario's horizon limit, 87,600 hours).
MAX_MONTHS = 120

#: The consumption fields of a Usage that scale with the demand (a linear first approximation:
#: :func:`month_usages` without ``consumption_at``; Serverless floors make it inexact).
_SCALED = ("io_millions_per_month", "write_io_millions_per_month", "writes_per_s_mean",
           "writer_acu_hours", "reader_acu_hours_each", "writer_peak_acu", "reader_peak_acu")


def seasonal(seasonality: Sequence[float], months: int) -> tuple[float, ...]:
    """The demand multiplier of each month: ``seasonality`` repeated (empty: 1 throughout).

    Parameters
    ----------
    seasonality : sequence of float
        Multipliers of the demand, month 1 first (12 for a calendar year); each positive.
    months : int
        Months of the projection.

    Returns
    -------
    tuple of float
        One multiplier per month.

    Examples
    --------
    >>> seasonal([1.0, 2.0], 5)
    (1.0, 2.0, 1.0, 2.0, 1.0)
    """
    k = tuple(float(x) for x in seasonality) or (1.0,)
    return tuple(k[m % len(k)] for m in range(int(months)))


def month_usages(usage: Usage, *, months: int = 12, seasonality: Sequence[float] = (),
                 consumption_at: Callable[[float], Mapping[str, Any]] | None = None
                 ) -> list[Usage]:
    """Each month's usage: the volume moved on by the growth, the consumption of its season.

    Month ``m`` (0 first) has the month's average volume, ``volume_gib + (m + 1/2) x
    growth`` (as :func:`~aurora_models.billing.bill_options` bills the first month), and no
    growth of its own. A negative growth is a shrinking volume (Aurora's dynamic resizing).

    Parameters
    ----------
    usage : Usage
        The first month's usage (its ``storage_growth_gib_per_month``, GiB per month, moves
        the volume).
    months : int
        Months of the projection, 1-120.
    seasonality : sequence of float
        The demand multiplier of each month, repeated (:func:`seasonal`); empty: none.
    consumption_at : callable, optional
        ``multiplier -> {Usage field: value}``: the consumption at that demand (the estimate
        re-simulates the capacity). Default: the consumption scaled by the multiplier, a
        linear approximation (a Serverless minimum or a provisioned class does not scale).

    Returns
    -------
    list of Usage
        One per month.

    Raises
    ------
    ParameterValueError
        The volume would fall to zero or below within the months.

    See Also
    --------
    bill_months : Their bills.

    Examples
    --------
    >>> from aurora_models.billing import Usage
    >>> u = Usage(region="us-east-1", instance_class="db.r6g.large", volume_gib=100.0,
    ...           storage_growth_gib_per_month=10.0)
    >>> [m.volume_gib for m in month_usages(u, months=3)]
    [105.0, 115.0, 125.0]
    """
    if not isinstance(usage, Usage):
        raise ParameterTypeError(f"`usage` must be a Usage, got {type(usage).__name__}")
    n = check_int_range("months", months, 1, MAX_MONTHS)
    ks = seasonal(seasonality, n)
    check_positive("seasonality", ks)
    g = usage.storage_growth_gib_per_month
    end = usage.volume_gib + n * g
    if end <= 0:
        raise ParameterValueError(
            f"`storage_growth_gib_per_month` = {g:g} shrinks the {usage.volume_gib:g} GiB "
            f"volume to {end:g} GiB within {n} months: it must stay above 0")
    # each month's usage stands for that month alone: the volume is its average, no growth
    cache: dict[float, Usage] = {}
    out = []
    for m, k in enumerate(ks):
        if k not in cache:
            if consumption_at is not None:
                fields = dict(consumption_at(k))
            elif k == 1.0:
                fields = {}
            else:
                fields = {f: getattr(usage, f) * k for f in _SCALED}
            cache[k] = replace(usage, **fields) if fields else usage
        out.append(replace(cache[k], volume_gib=usage.volume_gib + (m + 0.5) * g,
                           storage_growth_gib_per_month=0.0))
    return out


def bill_months(usages: Sequence[Usage], *, options: Sequence[str] | None = None,
                price_file=None, books: dict | None = None, added=()) -> pd.DataFrame:
    """The monthly total of each option, month by month.

    Parameters
    ----------
    usages : sequence of Usage
        One per month (:func:`month_usages`).
    options : sequence of str, optional
        Options to bill (default: all that apply, as :func:`~aurora_models.billing.bill_options`).
    price_file : str or Path, optional
        A price file (default: the bundled snapshot).
    books : dict, optional
        Price books shared with other bills (filled as they load).
    added : sequence of AddedLine, optional
        Lines the families add to every month's bill (a month like the first).

    Returns
    -------
    pandas.DataFrame
        One row per month: ``month`` (1 first), ``volume_gib`` (the month's average volume,
        GiB), then each option's total, USD (NaN where the option is unavailable; the total of
        the priced lines where a price is missing, the missing dimensions in
        ``frame.attrs["missing"]``).

    See Also
    --------
    month_usages : The usages.
    year_plan : With the storage policy.

    Examples
    --------
    >>> from aurora_models.billing import Usage
    >>> u = Usage(region="us-east-1", instance_class="db.r6g.large", volume_gib=100.0,
    ...           storage_growth_gib_per_month=10.0)
    >>> f = bill_months(month_usages(u, months=2), options=["provisioned_standard"])
    >>> f[["month", "volume_gib"]].values.tolist(), f["provisioned_standard"].round(2).tolist()
    ([[1.0, 105.0], [2.0, 115.0]], [200.3, 201.3])
    """
    if not usages:
        raise ParameterValueError("`usages` must hold at least one month, got none")
    books = {} if books is None else books
    rows = []
    missing: set[str] = set()
    for m, u in enumerate(usages, start=1):
        bills = bill_options(u, options=options, price_file=price_file, books=books,
                             added=added)
        row: dict[str, float] = {"month": float(m),
                                 "volume_gib": u.volume_gib + u.storage_growth_gib_per_month / 2}
        for b in bills:
            row[b.option] = math.nan if b.unavailable else b.total_usd
            missing.update(b.missing)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype(int)
    frame.attrs["missing"] = sorted(missing)  # what the totals leave out (never priced at 0)
    return frame


@dataclass(frozen=True, kw_only=True)
class YearPlan:
    """The projection and the storage policy of one capacity choice.

    Parameters
    ----------
    months : pandas.DataFrame
        :func:`bill_months`' table, with ``demand_multiplier``, ``standard_usd``,
        ``io_optimized_usd`` (the capacity's two storage options), ``policy`` (the policy's
        configuration) and ``policy_usd``.
    capacity : str
        ``"serverless"`` or ``"provisioned"``: the options the policy chooses between.
    policy : StoragePolicy
        The cheapest switching policy under the 30-day rule.

    Examples
    --------
    >>> from aurora_models.billing import Usage
    >>> u = Usage(region="us-east-1", instance_class="db.r6g.large", volume_gib=100.0)
    >>> plan = year_plan(month_usages(u, months=2))
    >>> plan.capacity, list(plan.months["policy"])
    ('provisioned', ['standard', 'standard'])
    """

    months: pd.DataFrame
    capacity: str
    policy: StoragePolicy


def _pair(capacity: str) -> tuple[str, str]:
    if capacity not in ("serverless", "provisioned"):
        raise ParameterValueError(f"`capacity` must be 'serverless' or 'provisioned', got "
                                  f"{capacity!r}")
    return f"{capacity}_standard", f"{capacity}_io_optimized"


def year_plan(usages: Sequence[Usage], *, capacity: str | None = None,
              seasonality: Sequence[float] = (), days_since_switch: float | None = None,
              price_file=None, books: dict | None = None, added=()) -> YearPlan:
    """The months' bills on both storage configurations and the cheapest switching policy.

    Parameters
    ----------
    usages : sequence of Usage
        One per month (:func:`month_usages`); the first's ``storage`` is where the cluster
        starts.
    capacity : {"serverless", "provisioned"}, optional
        Whose two storage options the policy chooses between (default: the usage's).
    seasonality : sequence of float
        The demand multipliers the usages were made with (shown in the table).
    days_since_switch : float, optional
        Days since the cluster last switched to I/O-Optimized (None: 30 or more).
    price_file : str or Path, optional
        A price file (default: the bundled snapshot).
    books : dict, optional
        Price books shared with other bills.
    added : sequence of AddedLine, optional
        Lines the families add to every month's bill.

    Returns
    -------
    YearPlan
        The month-by-month table and the policy.

    See Also
    --------
    aurora_models.planning.storage_policy : The dynamic programme.

    Examples
    --------
    >>> from aurora_models.billing import Usage
    >>> u = Usage(region="us-east-1", instance_class="db.r6g.large", volume_gib=100.0,
    ...           io_millions_per_month=1000.0)
    >>> plan = year_plan(month_usages(u, months=12, seasonality=[0.2] * 6 + [3.0] * 6),
    ...                  seasonality=[0.2] * 6 + [3.0] * 6)
    >>> plan.policy.configs[:7], plan.policy.switches_to_io_optimized
    (('standard', 'standard', 'standard', 'standard', 'standard', 'standard', 'io-optimized'), 1)
    """
    if not usages:
        raise ParameterValueError("`usages` must hold at least one month, got none")
    cap = usages[0].capacity if capacity is None else capacity
    std, io = _pair(cap)
    frame = bill_months(usages, options=[std, io], price_file=price_file, books=books,
                        added=added)
    for name in (std, io):
        if frame[name].isna().any():
            raise ParameterValueError(f"the {name.replace('_', ' ')} option is unavailable in "
                                      f"some month: no storage policy")
    frame.insert(2, "demand_multiplier", seasonal(seasonality, len(usages)))
    frame = frame.rename(columns={std: "standard_usd", io: "io_optimized_usd"})
    initial = "io-optimized" if usages[0].storage == "io-optimized" else "standard"
    p = storage_policy(frame["standard_usd"].tolist(), frame["io_optimized_usd"].tolist(),
                       initial=initial, days_since_switch=days_since_switch)
    frame["policy"] = list(p.configs)
    frame["policy_usd"] = [s if c == "standard" else o for c, s, o in
                           zip(p.configs, frame["standard_usd"], frame["io_optimized_usd"],
                               strict=True)]
    return YearPlan(months=frame, capacity=cap, policy=p)
