"""The scenario keys of the bill: backups, growth, backtrack, export, secondaries, reserved terms.

Declared once here; the scenario loader, its JSON Schema and ``docs/scenario_format.md`` are
derived from these declarations.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .._params import Rule, declared, param
from ..exceptions import ParameterTypeError, ParameterValueError
from ..pricing._reserved import DEFAULT_RESERVED_TERM, RESERVED_DISCOUNTS, RESERVED_TERMS
from ..pricing._rules import check_instance_class
from ..quorum._scale import MAX_VOLUME_GIB
from ..serverless._defaults import MAX_ACU_LIMIT

#: Physical upper bounds of the billed quantities (each a one-line rationale):
#: manual snapshots: the default quota of 100 manual cluster snapshots per region, each at most
#: the largest Aurora volume.
MAX_SNAPSHOT_GIB = 100.0 * MAX_VOLUME_GIB
#: growth: a volume cannot grow by more than the largest volume in one month.
MAX_GROWTH_GIB_PER_MONTH = float(MAX_VOLUME_GIB)
#: exports to S3: the largest volume exported once a day for a 31-day month.
MAX_EXPORT_GIB_PER_MONTH = 31.0 * MAX_VOLUME_GIB
#: a reserved rate: about 20x the dearest Aurora on-demand class (db.x2g.16xlarge-class rates
#: are some 50 USD/hour); an effective reserved rate is below the on-demand rate.
MAX_RESERVED_HOURLY_USD = 1000.0

__all__ = ["RESERVED_DISCOUNTS", "RESERVED_TERMS", "VOLUME_STAYS", "BillingKeys", "DateKeys",
           "ReservedKeys"]

#: Global Database secondary clusters: up to 16 read-only instances (Aurora User Guide 2023,
#: aurora_facts.md §5).
MAX_SECONDARY_INSTANCES = 16


def _secondary_instances(name: str, value: Any):
    """An integer (every secondary alike) or one integer per secondary, each in [0, 16]."""
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for i, v in enumerate(items):
        where = name if not isinstance(value, list | tuple) else f"{name}[{i}]"
        if isinstance(v, bool) or not isinstance(v, int):
            raise ParameterTypeError(f"`{where}` must be an integer in [0, {MAX_SECONDARY_INSTANCES}] "
                            f"(or a list of them, one per secondary), got {type(v).__name__} "
                            f"{v!r}")
        if not 0 <= v <= MAX_SECONDARY_INSTANCES:
            raise ParameterValueError(f"`{where}` must be an integer in [0, {MAX_SECONDARY_INSTANCES}], "
                             f"got {v}")
        out.append(int(v))
    return tuple(out) if isinstance(value, list | tuple) else out[0]


def _per_secondary(check):
    """A checker for one value applying to every secondary, or a list with one per secondary."""

    def run(name: str, value: Any):
        if isinstance(value, list | tuple):
            return tuple(check(f"{name}[{i}]", v) for i, v in enumerate(value))
        return check(name, value)

    return run


def _acu(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterTypeError(f"`{name}` must be a number of ACU, got {type(value).__name__} {value!r}")
    if not 0.0 <= value <= MAX_ACU_LIMIT:
        raise ParameterValueError(f"`{name}` must be a number in [0, {MAX_ACU_LIMIT:g}], got {value!r}")
    return float(value)


def _offer_file(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ParameterTypeError(f"`{name}` must be a path string, got {type(value).__name__} {value!r}")
    return value


def _one_per_secondary(v) -> str | None:
    n = len(v["regions.secondaries"])
    for key in ("regions.secondary_instances", "regions.secondary_instance_class",
                "regions.secondary_acu"):
        if isinstance(v[key], tuple) and len(v[key]) != n:
            return (f"`{key}` must hold one value per secondary region ({n}), got "
                    f"{len(v[key])}")
    return None


#: A per-secondary list has one entry per `regions.secondaries`.
ONE_PER_SECONDARY = Rule("one_per_secondary",
                         ("regions.secondary_instances", "regions.secondary_instance_class",
                          "regions.secondary_acu", "regions.secondaries"), _one_per_secondary)


@declared("billing")
@dataclass(frozen=True, kw_only=True)
class BillingKeys:
    """What the bill needs beyond the cluster's shape (``[cluster]`` and ``[regions]`` keys)."""

    __rules__ = (ONE_PER_SECONDARY,)

    backup_retention_days: int = param(
        1, "days", low=1, high=35, scenario="cluster.backup_retention_days",
        doc="automated backup retention (1 day is free)",
        rationale="AWS's API default retention is 1 day (the console proposes 7); set yours")
    backup_change_rate_per_day: float = param(
        0.05, "share/day", low=0.0, high=1.0, scenario="cluster.backup_change_rate_per_day",
        doc="share of the volume rewritten per day (sizes incremental backups)",
        rationale="no public figure; 5 % of an OLTP volume rewritten a day")
    manual_snapshot_gib: float = param(
        0.0, "GiB", low=0.0, high=MAX_SNAPSHOT_GIB, scenario="cluster.manual_snapshot_gib",
        user_input=True, doc="manual snapshots kept beyond the retention window (billed in "
        "full; at most 100 snapshots, the default quota, of the largest volume)")
    storage_growth_gib_per_month: float = param(
        0.0, "GiB/month", low=-MAX_GROWTH_GIB_PER_MONTH, high=MAX_GROWTH_GIB_PER_MONTH,
        scenario="cluster.storage_growth_gib_per_month", user_input=True,
        doc="volume growth per month, negative for a shrinking volume (dynamic resizing: "
            "Aurora MySQL 2.11+ and 3, every Aurora PostgreSQL); the 12-month total and the "
            "month-by-month bill follow it; at most the largest volume a month")
    backtrack_window_hours: float = param(
        0.0, "hours", low=0.0, high=72.0, scenario="cluster.backtrack_window_hours",
        user_input=True, doc="Aurora MySQL backtrack target window (0: disabled)")
    snapshot_export_gib_per_month: float = param(
        0.0, "GiB/month", low=0.0, high=MAX_EXPORT_GIB_PER_MONTH,
        scenario="cluster.snapshot_export_gib_per_month", user_input=True,
        doc="snapshot data exported to Amazon S3 per month (at most the largest volume a day)")
    secondary_instances: int | tuple[int, ...] = param(
        0, "instances", type="custom", checker=_secondary_instances,
        scenario="regions.secondary_instances", user_input=True,
        doc="instances of each Global Database secondary cluster (0: headless; a list gives one "
            "count per secondary); the primary's class or ACU range",
        json_schema_extra={"anyOf": [
            {"type": "integer", "minimum": 0, "maximum": MAX_SECONDARY_INSTANCES},
            {"type": "array", "items": {"type": "integer", "minimum": 0,
                                        "maximum": MAX_SECONDARY_INSTANCES}}]})
    secondary_instance_class: str | tuple[str, ...] | None = param(
        None, type="custom", checker=_per_secondary(check_instance_class), nullable=True,
        scenario="regions.secondary_instance_class", user_input=True,
        doc="instance class of each provisioned secondary cluster (a list gives one per "
            "secondary; unset: the configured class, or for a Serverless cluster the class that "
            "holds the secondary's ACU)",
        json_schema_extra={"anyOf": [{"type": "string"},
                                     {"type": "array", "items": {"type": "string"}}]})
    secondary_acu: float | tuple[float, ...] | None = param(
        None, "ACU", type="custom", checker=_per_secondary(_acu), nullable=True,
        scenario="regions.secondary_acu", user_input=True,
        doc="mean ACU of each Serverless v2 secondary instance (a list gives one per secondary; "
            "unset: the cluster's min_acu, at least 0.5, billing.secondary_acu_when_unset)",
        json_schema_extra={"anyOf": [{"type": "number", "minimum": 0},
                                     {"type": "array", "items": {"type": "number",
                                                                 "minimum": 0}}]})
    inter_region_transfer: bool = param(
        False, scenario="regions.inter_region_transfer",
        doc="add an inter-region transfer line for the replication stream",
        rationale="AWS does not clearly document whether Global Database replication also pays "
                  "inter-region transfer; off by default, priced by destination when on")
    replicated_write_io_on_io_optimized: bool = param(
        True, scenario="regions.replicated_write_io_on_io_optimized",
        doc="bill Global Database replicated write I/O on I/O-Optimized options too (false: "
            "the alternative, not billed)",
        rationale="AWS's pricing page bills replicated write I/O per million in each secondary "
                  "region and documents no rule for I/O-Optimized clusters, whose own I/O is "
                  "included; billed (the conservative reading), each such line marked "
                  "ASSUMPTION, as the transfer line is")
    offer_file: str | None = param(
        None, type="custom", checker=_offer_file, nullable=True, scenario="pricing.offer_file",
        user_input=True, doc="price file to use instead of the bundled snapshot (e.g. written "
                             "by `aurora-models import-prices`), relative to the scenario file",
        json_schema_extra={"type": "string"})


def _one_reserved_rate(v) -> str | None:
    if v["reserved_discount"] is not None and v["reserved_hourly_usd"] is not None:
        return "`reserved_discount` and `reserved_hourly_usd` must not both be set"
    return None


def _volume_stays(v) -> str | None:
    g, vol = v["storage_growth_gib_per_month"], v["volume_gib"]
    if g >= 0 or vol is None or vol + 12.0 * g >= 0:
        return None
    return (f"`storage_growth_gib_per_month` must keep the {vol:g} GiB volume at or above 0 "
            f"over the 12 months the bill projects (at least {-vol / 12.0:.6g}), got {g:g}")


#: A shrinking volume stays non-negative over the bill's 12 months.
VOLUME_STAYS = Rule("volume_stays", ("storage_growth_gib_per_month", "volume_gib"),
                    _volume_stays)


#: A reserved rate is a discount or an effective hourly rate, not both.
ONE_RESERVED_RATE = Rule("one_reserved_rate", ("reserved_discount", "reserved_hourly_usd"),
                         _one_reserved_rate)


@declared("billing")
@dataclass(frozen=True, kw_only=True)
class ReservedKeys:
    """The reserved-instance term and rate of the ``provisioned_reserved`` option."""

    __rules__ = (ONE_RESERVED_RATE,)

    reserved_term: str = param(
        DEFAULT_RESERVED_TERM, choices=RESERVED_TERMS, scenario="pricing.reserved_term",
        doc="reserved-instance term of the provisioned_reserved option",
        rationale="the commonest commitment; the default discount per term is registered "
                  "(billing.reserved_discount_*)")
    reserved_discount: float | None = param(
        None, "-", low=0.0, high=1.0, high_open=True, nullable=True,
        scenario="pricing.reserved_discount", user_input=True,
        uncertainty={"dist": "uniform", "low": 0.25, "high": 0.45,
                     "rationale": "1-3 year terms and payment options"},
        doc="your reserved discount on the on-demand rate (default: the term's registered "
            "assumption)")
    reserved_hourly_usd: float | None = param(
        None, "USD/hour", low=0.0, high=MAX_RESERVED_HOURLY_USD, nullable=True,
        scenario="pricing.reserved_hourly_usd", user_input=True,
        doc="your effective reserved hourly rate of the configured class (upfront amortised; at "
            "most 1000, some 20x the dearest on-demand class)")



def _iso_date(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be an ISO date string such as '2026-12-08', got "
                                 f"{type(value).__name__} {value!r}")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterValueError(f"`{name}` must be an ISO date such as '2026-12-08' "
                                  f"(YYYY-MM-DD), got {value!r}") from None
    return value


@declared("billing")
@dataclass(frozen=True, kw_only=True)
class DateKeys:
    """The date a month is billed at: what decides the RDS Extended Support band of an engine
    version past its end of standard support."""

    billing_date: str | None = param(
        None, type="custom", checker=_iso_date, nullable=True, scenario="pricing.billing_date",
        user_input=True, doc="the date the month is billed at, ISO YYYY-MM-DD (unset: today's "
                             "date, UTC); an engine version past its end of standard support "
                             "adds RDS Extended Support lines from it",
        json_schema_extra={"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
