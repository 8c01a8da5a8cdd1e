"""Right-sizing: how full the configured instance class runs at the daily and the event peak,
and the cheapest class that still holds the event peak with the headroom.

A class's capacity in ACU-equivalents is what it holds of both halves of an ACU: its memory
over 2 GiB (1 ACU ~ 2 GiB, cited) and its vCPUs over 0.25 (the declared
``serverless.vcpu_per_acu``), the same rule the bill sizes a Serverless cluster's provisioned
what-if by (``billing._bill._sized``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .. import pricing
from .._validate import check_nonnegative
from ..exceptions import ParameterValueError
from ..serverless._defaults import GIB_PER_ACU, VCPU_PER_ACU
from ..units import HOURS_PER_MONTH

__all__ = ["BURSTABLE_PREFIX", "ClassFit", "class_capacity_acu", "right_size"]


def class_capacity_acu(book, instance_class: str) -> float:
    """The ACU-equivalents a provisioned class holds: ``min(memory / 2 GiB, vCPU / 0.25)``.

    Parameters
    ----------
    book : PriceBook
        A price book that sells the class (:func:`aurora_models.pricing.load`).
    instance_class : str
        The class (``"db.r6g.xlarge"``).

    Returns
    -------
    float
        Its capacity, ACU.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> class_capacity_acu(pricing.load("us-east-1"), "db.r6g.xlarge")  # 4 vCPU, 32 GiB
    16.0
    """
    vcpu, memory = book.instance_spec(instance_class)
    return min(memory / GIB_PER_ACU, vcpu / VCPU_PER_ACU)


@dataclass(frozen=True, kw_only=True)
class ClassFit:
    """One instance role's sizing: the configured class against the demand, and the best fit.

    The best fit is the cheapest class that holds the event peak with the headroom.

    Parameters
    ----------
    role : str
        ``"writer"``, ``"each reader"``, ...
    configured : str
        The configured class, or ``"Serverless v2"`` (its capacity is then ``max_acu``).
    capacity_acu : float
        The configured capacity, ACU-equivalents.
    daily_peak_acu, event_peak_acu : float
        The role's demand at the daily peak (outside the events) and at the event peak, ACU.
    daily_utilisation, event_utilisation : float
        Demand over capacity (above 1: the class cannot serve it).
    suggested : str or None
        The cheapest class holding ``event_peak_acu x (1 + headroom)`` (None: none does).
    suggested_capacity_acu : float or None
        Its capacity, ACU-equivalents.
    configured_usd_month, suggested_usd_month : float or None
        The on-demand compute of one instance for a 730-hour month, USD (None: not a class
        or not priced).

    Examples
    --------
    >>> from aurora_models import pricing
    >>> f = right_size("writer", 4.0, 6.0, book=pricing.load("us-east-1"),
    ...                instance_class="db.r6g.2xlarge")
    >>> f.capacity_acu, f.suggested_capacity_acu >= 6.0 * 1.2
    (32.0, True)
    """

    role: str
    configured: str
    capacity_acu: float
    daily_peak_acu: float
    event_peak_acu: float
    daily_utilisation: float
    event_utilisation: float
    suggested: str | None
    suggested_capacity_acu: float | None
    configured_usd_month: float | None
    suggested_usd_month: float | None

    @property
    def saving_usd_month(self) -> float | None:
        """What the suggested class saves a month against the configured one, USD.

        None when there is nothing to compare (a Serverless instance, no class fits).
        """
        if self.configured_usd_month is None or self.suggested_usd_month is None:
            return None
        return self.configured_usd_month - self.suggested_usd_month


#: Burstable classes are left out of a suggestion: "We recommend using the T DB instance classes
#: only for development and test servers, or other non-production servers" (Aurora User Guide,
#: *Aurora DB instance classes*, DB instance class types,
#: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.html,
#: read 2026-12-08): their CPU credits run out under a sustained peak.
BURSTABLE_PREFIX = "db.t"


def _candidates(book, io_optimized: bool):
    """``(class, vcpu, memory GiB)`` the region sells, cheapest first: current generation,
    not burstable."""
    classes = book.instance_classes(io_optimized=io_optimized)
    gen = classes["instance_class"].map(pricing.instance_specs()["generation"])
    keep = (gen != "previous") & ~classes["instance_class"].str.startswith(BURSTABLE_PREFIX)
    c = classes[keep]
    return list(zip(c["instance_class"], c["vcpu"].astype(float), c["memory_gib"].astype(float),
                    strict=True))


def right_size(role: str, daily_peak_acu: float, event_peak_acu: float, *, book,
               instance_class: str | None = None, max_acu: float | None = None,
               headroom: float = 0.2, io_optimized: bool = False,
               meets: Callable[[str], bool] | None = None) -> ClassFit:
    """The configured capacity's utilisation at both peaks, and the cheapest class that fits.

    The class fits when it holds the event peak with ``headroom`` and meets the role's other
    objective (``meets``).

    A class holds ``x`` ACU when it has ``2x`` GiB of memory and ``0.25x`` vCPUs (the bill's
    sizing rule). Burstable (``db.t*``) and previous-generation classes are not suggested
    (AWS: T classes for development and test only).

    Parameters
    ----------
    role : str
        What the instance is (``"writer"``, ``"each reader"``).
    daily_peak_acu, event_peak_acu : float
        Its demand at the daily peak and at the event peak, ACU.
    book : PriceBook
        The region's price book (:func:`aurora_models.pricing.load`).
    instance_class : str, optional
        The configured provisioned class (None: a Serverless v2 instance of ``max_acu``).
    max_acu : float, optional
        The Serverless v2 maximum, ACU (with ``instance_class`` None).
    headroom : float
        The share above the event peak the class must hold (the scenario's
        ``pricing.headroom``), a fraction.
    io_optimized : bool
        Price and choose among the classes sold under I/O-Optimized.
    meets : callable, optional
        ``class -> bool``: the role's other objective (a reader's read latency with the
        configured number of readers); default none.

    Returns
    -------
    ClassFit
        The role's sizing.

    See Also
    --------
    class_capacity_acu : A class's capacity.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> f = right_size("writer", 9.0, 13.0, book=pricing.load("us-east-1"),
    ...                instance_class="db.r6g.2xlarge")
    >>> f.capacity_acu, round(f.event_utilisation, 3), f.suggested
    (32.0, 0.406, 'db.r6g.xlarge')
    """
    check_nonnegative("daily_peak_acu", daily_peak_acu)
    check_nonnegative("event_peak_acu", event_peak_acu)
    check_nonnegative("headroom", headroom)
    if instance_class is None:
        if max_acu is None or not max_acu > 0:
            raise ParameterValueError(f"`max_acu` must be positive for a Serverless v2 "
                                      f"instance, got {max_acu!r}")
        configured, capacity, configured_usd = "Serverless v2", float(max_acu), None
    else:
        configured, capacity = instance_class, class_capacity_acu(book, instance_class)
        configured_usd = _monthly(book, instance_class, io_optimized)
    need = max(event_peak_acu, 0.5) * (1.0 + headroom)
    suggested = next((c for c, vcpu, memory in _candidates(book, io_optimized)
                      if memory >= GIB_PER_ACU * need and vcpu >= VCPU_PER_ACU * need
                      and (meets is None or meets(c))), None)
    return ClassFit(
        role=role, configured=configured, capacity_acu=capacity,
        daily_peak_acu=float(daily_peak_acu), event_peak_acu=float(event_peak_acu),
        daily_utilisation=float(daily_peak_acu) / capacity,
        event_utilisation=float(event_peak_acu) / capacity, suggested=suggested,
        suggested_capacity_acu=None if suggested is None else class_capacity_acu(book, suggested),
        configured_usd_month=configured_usd,
        suggested_usd_month=None if suggested is None else _monthly(book, suggested,
                                                                    io_optimized))


def _monthly(book, instance_class: str, io_optimized: bool) -> float | None:
    try:
        rate = book.instance_hour_usd(instance_class, io_optimized=io_optimized)
    except pricing.MissingPriceError:
        return None
    return rate * HOURS_PER_MONTH if math.isfinite(rate) else None
