"""The year's scenario keys: the workload's seasonality, the storage configuration's last switch,
and the rule a shrinking volume obeys."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .._params import Rule, declared, param
from ..cluster import supports_dynamic_resizing
from ..exceptions import ParameterTypeError, ParameterValueError
from ..units import HOURS_PER_MONTH
from ._year import MAX_MONTHS

__all__ = ["DYNAMIC_RESIZING", "YearKeys", "projection_months"]

#: A month's demand at most this multiple of the simulated days' (a season, not a new system).
MAX_SEASONAL_MULTIPLIER = 100.0


def projection_months(horizon_hours: float) -> int:
    """The months the year projects: the horizon in 730-hour months, rounded, 1-120.

    Parameters
    ----------
    horizon_hours : float
        The scenario's horizon, hours.

    Returns
    -------
    int
        Months.

    Examples
    --------
    >>> projection_months(8760.0), projection_months(100.0)
    (12, 1)
    """
    return int(min(max(round(float(horizon_hours) / HOURS_PER_MONTH), 1), MAX_MONTHS))


def _seasonality(name: str, value: Any) -> tuple[float, ...]:
    if not isinstance(value, list | tuple):
        raise ParameterTypeError(f"`{name}` must be a list of monthly demand multipliers, got "
                                 f"{type(value).__name__} {value!r}")
    if len(value) > MAX_MONTHS:
        raise ParameterValueError(f"`{name}` must have at most {MAX_MONTHS} months, got "
                                  f"{len(value)}")
    out = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ParameterTypeError(f"`{name}[{i}]` must be a number, got {type(v).__name__} "
                                     f"{v!r}")
        if not (math.isfinite(v) and 0 < v <= MAX_SEASONAL_MULTIPLIER):
            raise ParameterValueError(f"`{name}[{i}]` must be in (0, "
                                      f"{MAX_SEASONAL_MULTIPLIER:g}], got {v!r}")
        out.append(float(v))
    return tuple(out)


def _dynamic_resizing(v) -> str | None:
    g = v["cluster.storage_growth_gib_per_month"]
    if g >= 0:
        return None
    engine, version = v["cluster.engine"], v["cluster.engine_version"]
    if not supports_dynamic_resizing(engine, version):
        return (f"`cluster.storage_growth_gib_per_month` must be at least 0 on Aurora {engine} "
                f"{version} (the volume shrinks only from Aurora MySQL 2.11 and in every "
                f"Aurora MySQL 3 and PostgreSQL version: dynamic resizing), got {g:g}")
    months = max(projection_months(v["scenario.horizon_hours"]), 12)
    vol = v["cluster.volume_gib"]
    if vol is not None and vol + months * g < 0:
        return (f"`cluster.storage_growth_gib_per_month` must keep the {vol:g} GiB volume at "
                f"or above 0 over the {months} months projected (at least "
                f"{-vol / months:.6g}), got {g:g}")
    return None


#: A negative growth needs an engine version with dynamic resizing and leaves some volume.
DYNAMIC_RESIZING = Rule("dynamic_resizing", (
    "cluster.storage_growth_gib_per_month", "cluster.engine", "cluster.engine_version",
    "cluster.volume_gib", "scenario.horizon_hours"), _dynamic_resizing)

_SEASONALITY_SCHEMA = {"type": "array", "maxItems": MAX_MONTHS,
                       "items": {"type": "number", "exclusiveMinimum": 0,
                                 "maximum": MAX_SEASONAL_MULTIPLIER}}


@declared("planning")
@dataclass(frozen=True, kw_only=True)
class YearKeys:
    """What the month-by-month year needs beyond the bill's keys.

    Parameters
    ----------
    seasonality : tuple of float
        The demand of each month of the projection as a multiple of the simulated days'
        (month 1 first, repeated; 12 for a calendar year). Empty: every month alike.
    io_optimized_switched_days_ago : float or None
        Days since the cluster last switched to I/O-Optimized (AWS allows one switch to it
        every 30 days). None: not within the last 30 days.

    Examples
    --------
    >>> YearKeys(seasonality=[1.0, 1.2]).seasonality
    (1.0, 1.2)
    """

    __rules__ = (DYNAMIC_RESIZING,)

    seasonality: tuple = param(
        (), type="custom", checker=_seasonality, scenario="workload.seasonality",
        user_input=True, json_schema_extra=_SEASONALITY_SCHEMA,
        doc="demand of each projected month as a multiple of the simulated days' (month 1 "
            "first, repeated; empty: every month alike)")
    io_optimized_switched_days_ago: float | None = param(
        None, "days", low=0.0, high=36_500.0, nullable=True,
        scenario="cluster.io_optimized_switched_days_ago", user_input=True,
        doc="days since the cluster last switched to I/O-Optimized (one switch to it every "
            "30 days; unset: not within 30 days)")
