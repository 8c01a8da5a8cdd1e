"""Line items and bills: every line of an Aurora bill as quantity x unit price = amount.

One :class:`Bill` per deployment option, built from a :class:`Usage` (the cluster as configured
and its simulated or given consumption) and the price books of its regions. A price the data
lacks is never zero: the line is left out and named in :attr:`Bill.missing`.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass, fields, replace
from typing import Any, cast

import numpy as np

from .. import pricing
from .._assumptions import register
from .._params import declared, like, param
from .._section import AddedLine
from .._validate import check_nonnegative
from ..cluster import Cluster
from ..exceptions import ParameterTypeError, ParameterValueError
from ..global_db._link import REDO_BYTES_PER_WRITE
from ..pricing import MissingPriceError
from ..serverless._cost_options import CostOptions
from ..serverless._defaults import GIB_PER_ACU, VCPU_PER_ACU
from ..serverless._policy import ScalingPolicy
from ..units import HOURS_PER_MONTH
from ._keys import (
    ONE_RESERVED_RATE,
    RESERVED_DISCOUNTS,
    VOLUME_STAYS,
    BillingKeys,
    DateKeys,
    ReservedKeys,
)
from ._text import bill_table


def _region_codes(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ParameterTypeError(f"`{name}` must be a list of region code strings, got "
                        f"{type(value).__name__} {value!r}")
    return tuple(value)

__all__ = ["OPTIONS", "OPTION_LABELS", "Bill", "LineItem", "Usage", "backup_billed_gib",
           "bill_by_region", "bill_options", "bill_totals", "bills_frame", "configured_change",
           "diff_bills"]

#: Deployment options, ids that never change (JSON, CSV, diffs join on them).
OPTIONS = ("serverless_standard", "serverless_io_optimized", "provisioned_standard",
           "provisioned_io_optimized", "provisioned_reserved",
           "provisioned_writer_serverless_readers")

#: How the options read in tables and reports.
OPTION_LABELS = {
    "serverless_standard": "Serverless v2, Aurora Standard",
    "serverless_io_optimized": "Serverless v2, I/O-Optimized",
    "provisioned_standard": "provisioned, Aurora Standard",
    "provisioned_io_optimized": "provisioned, I/O-Optimized",
    "provisioned_reserved": "provisioned, reserved",
    "provisioned_writer_serverless_readers": "provisioned writer + Serverless readers",
}

#: Bytes in the GB of AWS's transfer and storage prices (billed per GiB).
BYTES_PER_GIB = 2.0 ** 30


@dataclass(frozen=True, kw_only=True)
class LineItem:
    """One line of a bill: ``quantity x unit_price_usd = amount_usd`` (per month).

    ``id`` is stable (``compute.writer``, ``secondary.storage``, a family's own ids): with the
    option and the region it names the line whatever its text says (a class change renames
    ``line``, not ``id``); a diff pairs lines by it.

    Parameters
    ----------
    option : str
        The deployment option the line belongs to (one of :data:`OPTIONS`).
    region : str
        The region the line is billed in.
    line : str
        The line's text (``"compute: writer, db.r6g.large"``).
    id : str
        The stable id (``"compute.writer"``).
    quantity : float
        How much is billed, in ``unit`` per month.
    unit : str
        The unit of ``quantity`` (``"instance-hours"``, ``"GiB-months"``, ...).
    unit_price_usd : float
        The price, USD per unit.
    amount_usd : float
        ``quantity x unit_price_usd``, USD for the first month.
    component : str
        The bill component (``"compute"``, ``"storage"``, ``"io"``, ...).
    amount_12_months_usd : float
        The line over twelve months, USD (with the volume's growth).

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_options
    >>> bills = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large",
    ...                            volume_gib=100.0), options=["provisioned_standard"])
    >>> li = bills[0].lines[0]
    >>> li.id, li.quantity, li.unit_price_usd, round(li.amount_usd, 2)
    ('compute.writer', 730.0, 0.26, 189.8)
    """

    option: str
    region: str
    line: str
    id: str = ""
    quantity: float
    unit: str
    unit_price_usd: float
    amount_usd: float
    component: str = "other"
    amount_12_months_usd: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The line as a plain mapping (the JSON document's form).

        Returns
        -------
        dict
            Every field by name.
        """
        return {"option": self.option, "region": self.region, "line": self.line, "id": self.id,
                "quantity": self.quantity, "unit": self.unit,
                "unit_price_usd": self.unit_price_usd, "amount_usd": self.amount_usd,
                "amount_12_months_usd": self.amount_12_months_usd, "component": self.component}


@dataclass(frozen=True, kw_only=True)
class Bill:
    """The monthly bill of one deployment option.

    ``total_usd`` is the sum of the lines (the first month); ``total_12_months_usd`` bills twelve
    months with the volume growing by ``storage_growth_gib_per_month``. ``missing`` names every
    dimension the price data lacks (those lines are absent, never zero); ``unavailable`` says
    why the option cannot be bought as written (a class the region does not sell).

    Parameters
    ----------
    option : str
        The deployment option (one of :data:`OPTIONS`).
    label : str
        The option in words.
    configured : bool
        The option the cluster is configured as today.
    cheapest : bool
        The cheapest complete bill of the options billed.
    reserved_term : str or None
        The reserved-instance term of ``provisioned_reserved``.
    instance_classes : str
        The classes billed (``"1 x db.r6g.large"``).
    lines : tuple of LineItem
        The lines.
    missing : tuple of str
        The dimensions the price data lacks (their lines are absent).
    unavailable : str or None
        Why the option cannot be bought as written; None when it can.
    total_usd : float
        The first month's total, USD.
    total_12_months_usd : float
        Twelve months' total, USD.

    See Also
    --------
    bill_options : The function that returns them.

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_options
    >>> bills = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large",
    ...                            volume_gib=100.0), options=["provisioned_standard"])
    >>> b = bills[0]
    >>> b.complete, round(b.component_usd("compute"), 2), list(b.to_frame().columns)[:3]
    (True, 189.8, ['option', 'region', 'line'])
    """

    option: str
    label: str
    configured: bool
    cheapest: bool = False
    reserved_term: str | None = None
    instance_classes: str = ""
    lines: tuple[LineItem, ...] = ()
    missing: tuple[str, ...] = ()
    unavailable: str | None = None
    total_usd: float = 0.0
    total_12_months_usd: float = 0.0

    @property
    def complete(self) -> bool:
        """Every line priced (nothing missing, nothing unavailable)."""
        return not self.missing and self.unavailable is None

    def component_usd(self, component: str) -> float:
        """Sum the lines of one component.

        Parameters
        ----------
        component : str
            The component (``"compute"``, ``"storage"``, ...).

        Returns
        -------
        float
            The component's first-month amount, USD (0 when it has no line).
        """
        return math.fsum(li.amount_usd for li in self.lines if li.component == component)

    def to_dict(self) -> dict[str, Any]:
        """The bill as a plain mapping (the JSON document's form).

        Returns
        -------
        dict
            Every field by name, ``lines`` as a list of :meth:`LineItem.to_dict`.
        """
        return {"option": self.option, "label": self.label, "configured": self.configured,
                "cheapest": self.cheapest, "reserved_term": self.reserved_term,
                "instance_classes": self.instance_classes,
                "lines": [li.to_dict() for li in self.lines], "missing": list(self.missing),
                "unavailable": self.unavailable, "total_usd": self.total_usd,
                "total_12_months_usd": self.total_12_months_usd}

    def __repr__(self) -> str:
        flags = [w for w, on in (("configured", self.configured), ("cheapest", self.cheapest))
                 if on]
        return (f"Bill({self.option!r}{''.join(f', {f}' for f in flags)}): "
                f"${self.total_usd:,.2f} a month, ${self.total_12_months_usd:,.2f} over 12 "
                f"months, {len(self.lines)} line{'s' if len(self.lines) != 1 else ''}"
                + (f", {len(self.missing)} not priced" if self.missing else "")
                + (f"; unavailable: {self.unavailable}" if self.unavailable else ""))

    def _repr_html_(self) -> str:
        """The bill line by line, as the estimate report shows it."""
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import repr_html

        return repr_html(repr(self), line_tables=[bill_table(self.to_dict())])

    def to_frame(self):
        """Tabulate the bill, one row per line.

        Returns
        -------
        pandas.DataFrame
            ``option, region, line, quantity, unit, unit_price_usd, amount_usd, component,
            configured, cheapest``.
        """
        import pandas as pd

        cols = ["option", "region", "line", "quantity", "unit", "unit_price_usd", "amount_usd",
                "component"]
        frame = pd.DataFrame([li.to_dict() for li in self.lines], columns=cols)
        frame["configured"] = self.configured
        frame["cheapest"] = self.cheapest
        return frame


def backup_billed_gib(volume_gib: float, retention_days: int, change_rate_per_day: float) -> float:
    """Billed automated-backup storage, GiB-months, by AWS's rule.

    Usage is ``U = V (1 + c (R - 1))``, capped at ``V R`` (a full copy a day at most); the
    backup storage up to the cluster's volume ``V`` is free, so the billed amount is
    ``U - V``. A 1-day retention is free (``U = V``).

    Parameters
    ----------
    volume_gib : float
        The cluster volume V, GiB.
    retention_days : int
        Backup retention R, days (>= 1).
    change_rate_per_day : float
        Share c of the volume rewritten per day.

    Returns
    -------
    float
        The billed backup storage, GiB-months.

    Examples
    --------
    >>> backup_billed_gib(1000.0, 7, 0.05)  # 1000 x (1 + 0.05 x 6) - 1000
    300.0
    >>> backup_billed_gib(1000.0, 1, 0.5)
    0.0
    """
    v = float(check_nonnegative("volume_gib", volume_gib))
    c = float(check_nonnegative("change_rate_per_day", change_rate_per_day))
    r = int(retention_days)
    if r < 1:
        raise ParameterValueError(f"`retention_days` must be an integer >= 1, got {retention_days!r}")
    usage = min(v * (1.0 + c * (r - 1)), v * r)
    return max(usage - v, 0.0)


def _engine(name: str, value: Any) -> str:
    """``aurora-mysql`` or ``aurora-postgresql`` (the scenario file's ``mysql`` and
    ``postgresql`` are accepted and named the price list's way)."""
    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be 'aurora-mysql' or 'aurora-postgresql', got "
                        f"{type(value).__name__} {value!r}")
    full = f"aurora-{value}" if value in ("mysql", "postgresql") else value
    if full not in ("aurora-mysql", "aurora-postgresql"):
        raise ParameterValueError(f"`{name}` must be 'aurora-mysql' or 'aurora-postgresql', got {value!r}")
    return full


#: Largest monthly quantities a bill takes (a bound against absurd input, far above any
#: cluster: 15 readers at 256 ACU bill 2.9 M ACU-hours a month).
_MAX_ACU_HOURS = 1e8
_MAX_IO_MILLIONS = 1e9


def _peaks(name: str, value: Any) -> tuple[float | None, ...]:
    if not isinstance(value, list | tuple):
        raise ParameterTypeError(f"`{name}` must be a tuple of ACU (None: not simulated), got "
                                 f"{type(value).__name__} {value!r}")
    out: list[float | None] = []
    for i, v in enumerate(value):
        if v is None:
            out.append(None)
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v <= 1e15:
            raise ParameterValueError(f"`{name}[{i}]` must be a number of ACU in [0, 1e15], "
                                      f"got {v!r}")
        out.append(float(v))
    return tuple(out)


def _consumed(default: float, unit: str, doc: str, high: float) -> Any:
    return param(default, unit, low=0.0, high=high, user_input=True, doc=doc)


@declared("billing")
@dataclass(frozen=True, kw_only=True)
class Usage:
    """What a month of the cluster consumes, and how it is configured.

    Compute comes from the Serverless v2 capacity simulation (``*_acu_hours``: per month; the
    readers' per instance) and, for provisioned what-ifs of a Serverless cluster, from its peaks
    (``*_peak_acu``, sized with ``headroom``). Volumes in GiB, I/O in millions per month.

    Every field is declared: the configuration's as the scenario key it comes from
    (:func:`~aurora_models._params.like`: the same range, kind and default; an API default
    where the scenario requires the value), the consumption as the user's (or the
    simulation's) figures, and the one assumption of its own, ``backtrack_records_per_write``,
    registered as ``billing.backtrack_records_per_write``.

    Parameters
    ----------
    region : str
        AWS region code the cluster is billed in.
    engine : {"aurora-mysql", "aurora-postgresql"}
        The Aurora engine of the price list (``"mysql"``/``"postgresql"`` accepted).
    capacity : {"provisioned", "serverless"}
        Provisioned instance classes or Serverless v2 instances.
    instance_class : str
        Provisioned instance class (compared against Serverless).
    replicas : int
        Aurora Replicas (readers) besides the writer.
    storage : {"standard", "io-optimized"}
        Storage configuration billed today.
    volume_gib : float
        Cluster volume size, GiB.
    storage_growth_gib_per_month : float
        Volume growth, GiB per month (the 12-month total bills it).
    io_millions_per_month : float
        Billed I/O requests, millions per month.
    write_io_millions_per_month : float
        Write I/Os, millions per month (replicated to each secondary).
    writes_per_s_mean : float
        Mean write rate, writes per second.
    writer_acu_hours : float
        The writer's ACU-hours a month (Serverless).
    reader_acu_hours_each : float
        Each reader's ACU-hours a month (Serverless).
    writer_peak_acu : float
        The writer's peak demand, ACU (sizes a provisioned what-if).
    reader_peak_acu : float
        Each reader's peak demand, ACU.
    headroom : float
        Spare capacity of provisioned instances sized for the peak, a fraction.
    secondaries : tuple of str
        Global Database secondary regions.
    secondary_instances : int or tuple of int
        Instances of each secondary cluster (0: headless; one count per secondary).
    secondary_instance_class : str or tuple of str, optional
        Class of each provisioned secondary cluster (unset: the configured class, or for a
        Serverless cluster the class that holds the secondary's ACU).
    secondary_acu : float or tuple of float, optional
        Mean ACU of each Serverless v2 secondary instance (unset: the cluster's ``min_acu``, at
        least 0.5).
    secondary_peak_acu : tuple of float or None
        Each secondary instance's peak ACU demand, where its readers are simulated from its own
        users' reads (the ``[users]`` table); it sizes the class of a provisioned what-if.
    min_acu : float
        Serverless v2 minimum capacity per instance, ACU (0 = auto-pause).
    backup_retention_days : int
        Automated backup retention, days (1 day is free).
    backup_change_rate_per_day : float
        Share of the volume rewritten per day (sizes incremental backups).
    manual_snapshot_gib : float
        Manual snapshots kept beyond the retention window, GiB (billed in full).
    backtrack_window_hours : float
        Aurora MySQL backtrack target window, hours (0: disabled).
    backtrack_records_per_write : float
        Backtrack change records stored per write (assumption, 1).
    snapshot_export_gib_per_month : float
        Snapshot data exported to Amazon S3, GiB per month.
    inter_region_transfer : bool
        Add an inter-region transfer line for the replication stream.
    replicated_write_io_on_io_optimized : bool
        Bill Global Database replicated write I/O on I/O-Optimized options too.
    redo_bytes_per_write : float
        Redo bytes shipped per write (the transfer line).
    reserved_term : str
        Reserved-instance term of the ``provisioned_reserved`` option
        (:data:`RESERVED_TERMS`).
    reserved_discount : float, optional
        Your reserved discount on the on-demand rate (default: the term's registered
        assumption).
    reserved_hourly_usd : float, optional
        Your effective reserved hourly rate of the configured class, USD per hour (upfront
        amortised).
    engine_version : str, optional
        The engine version (unset: a current one); past its major's end of standard support it
        adds RDS Extended Support lines (:func:`aurora_models.pricing.extended_support_year`).
    billing_date : str, optional
        The date the month is billed at, ISO ``YYYY-MM-DD`` (unset: today's date, UTC); it
        decides the Extended Support band.

    Examples
    --------
    >>> from aurora_models.billing import Usage
    >>> u = Usage(region="us-east-1", secondaries=("eu-west-1", "us-west-2"),
    ...           secondary_instances=(1, 2))
    >>> u.secondary_counts(), u.per_secondary("secondary_acu", 0.5), u.reserved_rate_source
    ((1, 2), (0.5, 0.5), 'ASSUMPTION (registered default per term)')
    """

    __rules__ = (ONE_RESERVED_RATE, VOLUME_STAYS)

    region: str = param(None, type="str", user_input=True,
                        doc="AWS region code the cluster is billed in")
    engine: str = param("aurora-mysql", type="custom", checker=_engine, user_input=True,
                        rule_text="'aurora-mysql' or 'aurora-postgresql'",
                        doc="the Aurora engine of the price list")
    capacity: str = like(Cluster, "capacity", default="provisioned")
    instance_class: str = like(Cluster, "instance_class", default="db.r6g.xlarge")
    replicas: int = like(Cluster, "replicas", default=0)
    storage: str = like(Cluster, "storage")
    volume_gib: float = like(Cluster, "volume_gib", default=100.0)
    storage_growth_gib_per_month: float = like(BillingKeys, "storage_growth_gib_per_month")
    io_millions_per_month: float = _consumed(0.0, "million I/Os", "billed I/O requests a month",
                                             _MAX_IO_MILLIONS)
    write_io_millions_per_month: float = _consumed(
        0.0, "million I/Os", "write I/Os a month (replicated to each secondary)",
        _MAX_IO_MILLIONS)
    writes_per_s_mean: float = _consumed(0.0, "writes/s", "mean write rate", 1e9)
    writer_acu_hours: float = _consumed(0.0, "ACU-hours", "the writer's ACU-hours a month",
                                        _MAX_ACU_HOURS)
    reader_acu_hours_each: float = _consumed(0.0, "ACU-hours", "each reader's ACU-hours a month",
                                             _MAX_ACU_HOURS)
    # a demand peak may exceed every class (the sizing then says so): bounded only against
    # absurd input
    writer_peak_acu: float = _consumed(0.5, "ACU", "the writer's peak ACU demand (sizes a "
                                       "provisioned what-if)", 1e15)
    reader_peak_acu: float = _consumed(0.5, "ACU", "each reader's peak ACU demand", 1e15)
    headroom: float = like(CostOptions, "headroom")
    secondaries: tuple[str, ...] = param((), type="custom", checker=_region_codes,
                                         user_input=True, rule_text="a list of region codes",
                                         doc="Global Database secondary regions")
    secondary_instances: int | tuple[int, ...] = like(BillingKeys, "secondary_instances")
    secondary_instance_class: str | tuple[str, ...] | None = like(BillingKeys, "secondary_instance_class")
    secondary_acu: float | tuple[float, ...] | None = like(BillingKeys, "secondary_acu")
    secondary_peak_acu: tuple[float | None, ...] = param(
        (), "ACU", type="custom", checker=_peaks, user_input=True,
        doc="each secondary instance's peak ACU demand from its own users' reads (empty or "
            "None: not simulated; sizes a provisioned what-if, as `*_peak_acu` do)")
    min_acu: float = like(ScalingPolicy, "min_acu")
    backup_retention_days: int = like(BillingKeys, "backup_retention_days")
    backup_change_rate_per_day: float = like(BillingKeys, "backup_change_rate_per_day")
    manual_snapshot_gib: float = like(BillingKeys, "manual_snapshot_gib")
    backtrack_window_hours: float = like(BillingKeys, "backtrack_window_hours")
    backtrack_records_per_write: float = param(
        1.0, "records/write", low=0.0, high=100.0,
        doc="backtrack change records stored per write",
        rationale="AWS bills backtrack per change record and publishes no records-per-write "
                  "figure; one record per written row, as a single-row upsert writes",
        uncertainty={"dist": "lognormal", "p5": 0.5, "p95": 2.0,
                     "rationale": "no public figure: a factor of two either side of one "
                                  "record per write (multi-row writes, small rows)"})
    snapshot_export_gib_per_month: float = like(BillingKeys, "snapshot_export_gib_per_month")
    inter_region_transfer: bool = like(BillingKeys, "inter_region_transfer")
    replicated_write_io_on_io_optimized: bool = like(BillingKeys,
                                                     "replicated_write_io_on_io_optimized")
    redo_bytes_per_write: float = param(
        REDO_BYTES_PER_WRITE, "bytes", low=1.0, high=1e8, registered=False,
        doc="redo bytes shipped per write (the transfer line)",
        source="the registered global_db.redo_bytes_per_write")
    reserved_term: str = like(ReservedKeys, "reserved_term")
    reserved_discount: float | None = like(ReservedKeys, "reserved_discount")
    reserved_hourly_usd: float | None = like(ReservedKeys, "reserved_hourly_usd")
    engine_version: str | None = like(Cluster, "engine_version")
    billing_date: str | None = like(DateKeys, "billing_date")

    def __post_init__(self) -> None:
        if self.backtrack_window_hours > 0 and self.engine != "aurora-mysql":
            raise ParameterValueError("`cluster.backtrack_window_hours` must be 0 for "
                             f"{self.engine} (backtrack is Aurora MySQL only), got "
                             f"{self.backtrack_window_hours:g}")
        counts = self.secondary_counts()
        if len(counts) != len(self.secondaries):
            raise ParameterValueError(f"`regions.secondary_instances` must hold one count per secondary "
                             f"({len(self.secondaries)}), got {len(counts)}")
        for key in ("secondary_instance_class", "secondary_acu", "secondary_peak_acu"):
            v = getattr(self, key)
            if key == "secondary_peak_acu" and not v:
                continue
            if isinstance(v, list | tuple) and len(v) != len(self.secondaries):
                raise ParameterValueError(f"`regions.{key}` must hold one value per secondary "
                                 f"({len(self.secondaries)}), got {len(v)}")

    def per_secondary(self, key: str, default):
        """Spread a per-secondary setting over the secondaries.

        Parameters
        ----------
        key : str
            The field (``"secondary_acu"``, ``"secondary_instance_class"``).
        default : object
            The value where the field is unset.

        Returns
        -------
        tuple
            One value per secondary: the list as given, a scalar repeated, or ``default``.
        """
        v = getattr(self, key)
        if v is None:
            return (default,) * len(self.secondaries)
        if isinstance(v, list | tuple):
            return tuple(v)
        return (v,) * len(self.secondaries)

    def secondary_counts(self) -> tuple[int, ...]:
        """The instance count of each secondary cluster.

        Returns
        -------
        tuple of int
            ``secondary_instances`` as given per secondary, or the one count repeated.
        """
        n = self.secondary_instances
        if isinstance(n, list | tuple):
            return tuple(int(x) for x in n)
        return (int(n),) * len(self.secondaries)

    @property
    def reserved_rate_source(self) -> str:
        """Where the reserved rate comes from: the scenario's rate, its discount, or the default."""
        if self.reserved_hourly_usd is not None:
            return "scenario effective hourly rate"
        if self.reserved_discount is not None:
            return "scenario discount"
        return "ASSUMPTION (registered default per term)"

    def billed_on(self) -> tuple[dt.date, str]:
        """The date billed and how it was chosen (``billing_date``, else today's, UTC).

        Returns
        -------
        tuple of (datetime.date, str)
            The date, and ``"pricing.billing_date"`` or ``"today's date"``.
        """
        if self.billing_date is not None:
            return dt.date.fromisoformat(self.billing_date), "pricing.billing_date"
        return dt.datetime.now(dt.UTC).date(), "today's date, pricing.billing_date unset"

    @property
    def discount(self) -> float:
        """The reserved discount applied: the scenario's, else the term's registered one."""
        if self.reserved_discount is not None:  # an array in bill_totals' batch usages
            d = self.reserved_discount
            return d if isinstance(d, np.ndarray) else float(d)
        return RESERVED_DISCOUNTS[self.reserved_term]


#: What a Serverless v2 secondary instance is billed at when ``regions.secondary_acu`` is unset.
SECONDARY_ACU_WHEN_UNSET = register(
    "billing.secondary_acu_when_unset", "max(cluster.min_acu, 0.5)", "ACU",
    rationale="no read load is modelled for a secondary region, so a secondary's Serverless "
              "v2 instances are billed idle, at the cluster's minimum capacity (0.5 ACU at "
              "least: a global database does not pause); never from the primary's readers, "
              "whose load is not the secondary's; set regions.secondary_acu to your "
              "secondary's mean capacity")


def secondary_idle_acu(min_acu: float) -> float:
    """The mean ACU of a Serverless v2 secondary instance with no ``secondary_acu`` given
    (:data:`SECONDARY_ACU_WHEN_UNSET`)."""
    return max(float(min_acu), 0.5)


class _Books:
    """Price books per region (one engine), loaded once."""

    def __init__(self, engine: str, path=None, books=None):
        # a caller's dict is used (and filled) as is, so repeated bills share their books
        self.engine, self.path = engine, path
        self.cache = books if isinstance(books, dict) else dict(books or {})
        self._transfer = None
        self.sized: dict = {}

    def __call__(self, region: str):
        if region not in self.cache:
            # a file of other regions (one imported offer file) leaves this region's lines
            # missing, named in the bill, rather than failing the bill
            self.cache[region] = (pricing.load(region, engine=self.engine) if self.path is None
                                  else pricing.load(region, engine=self.engine, path=self.path,
                                                    missing_ok=True))
        return self.cache[region]

    def transfer(self):
        if self._transfer is None:
            self._transfer = pricing.load_transfer()
        return self._transfer


class _Builder:
    """Collects the lines of one option; a missing price becomes a named gap."""

    def __init__(self, option: str):
        self.option = option
        self.lines: list[LineItem] = []
        self.missing: list[str] = []

    def add(self, line_id: str, region: str, line: str, quantity: float, unit: str, price,
            component: str):
        try:
            p = _number(price() if callable(price) else price)
        except MissingPriceError as exc:
            self.missing.append(f"{exc.item or line} in {region}"
                                + (f": {exc}" if "not sold" in str(exc) else ""))
            return None
        q = _number(quantity)
        self.lines.append(LineItem(option=self.option, region=region, line=line, id=line_id,
                                   quantity=q,
                                   unit=unit, unit_price_usd=p, amount_usd=q * p,
                                   component=component))
        return p


def _number(x):
    """A float, or (in :func:`bill_totals`' batch usages) an array of them."""
    return x if isinstance(x, np.ndarray) else float(x)


def _total(lines) -> float | np.ndarray:
    """``fsum`` of the amounts (per column where they are arrays: each is the scalar sum)."""
    if not any(isinstance(li.amount_usd, np.ndarray) for li in lines):
        return math.fsum(li.amount_usd for li in lines)
    cols = np.broadcast_arrays(*(np.asarray(li.amount_usd, dtype=float) for li in lines))
    return np.array([math.fsum(c) for c in np.stack(cols).T])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sized(u: Usage, books: _Books, peak: float, io_opt: bool) -> str:
    """The cheapest class holding ``peak`` ACU with the usage's headroom (cached per book)."""
    need = max(peak, 0.5) * (1.0 + u.headroom)
    key = (u.region, need, io_opt)
    if key not in books.sized:
        books.sized[key] = books(u.region).cheapest_instance_class(
            GIB_PER_ACU * need, vcpu=VCPU_PER_ACU * need, io_optimized=io_opt)
    return books.sized[key]


def _build(option: str, u: Usage, books: _Books, volume_gib: float, added=()) -> Bill:
    configured_option = (("serverless_" if u.capacity == "serverless" else "provisioned_")
                         + ("io_optimized" if u.storage == "io-optimized" else "standard"))
    io_opt = {"serverless_standard": False, "serverless_io_optimized": True,
              "provisioned_standard": False, "provisioned_io_optimized": True}.get(
        option, u.storage == "io-optimized")
    config = "I/O-Optimized" if io_opt else "Standard"
    pb = books(u.region)
    b = _Builder(option)
    h = HOURS_PER_MONTH
    unavailable = None
    writer_serverless = option.startswith("serverless")
    readers_serverless = writer_serverless or option == "provisioned_writer_serverless_readers"

    if u.capacity == "provisioned":
        writer_cls = reader_cls = u.instance_class
    else:
        writer_cls = _sized(u, books, u.writer_peak_acu, io_opt)
        reader_cls = _sized(u, books, u.reader_peak_acu, io_opt)

    def hourly(book, cls: str):
        def price():
            on_demand = book.instance_hour_usd(cls, io_optimized=io_opt)
            if option != "provisioned_reserved":
                return on_demand
            how = _reserved_rate_kind(u, book, cls, io_opt)
            if how == "hourly":
                return float(u.reserved_hourly_usd)
            if how == "book":
                return book.reserved(cls, u.reserved_term).effective_hourly_usd
            return on_demand * (1.0 - u.discount)
        return price

    def term(book, cls: str) -> str:
        """The line's reserved term and what priced it (nothing for other options)."""
        if option != "provisioned_reserved":
            return ""
        return f", reserved {u.reserved_term} ({_reserved_rate_label(u, book, cls, io_opt)})"

    classes = []
    acu_unit = "ACU-hours"
    es_lines: list[tuple[str, str, str, Any, str, str]] = []

    def extended(line_id: str, region: str, what: str, book, cls: str | None, count, hours,
                 component: str) -> None:
        """Queue the Extended Support line of a compute line: ``count`` instances of ``cls``
        for ``hours`` (vCPU-hours), or, ``cls`` None, ``hours`` ACU-hours."""
        if years is None:
            return
        if cls is None:
            es_lines.append((line_id, region, what, hours, "serverless", component))
            return
        try:
            vcpu = book.instance_spec(cls)[0]
        except MissingPriceError:  # the class is not sold: its compute line says so
            return
        es_lines.append((line_id, region, what, vcpu * count * hours, "provisioned", component))

    day, how = u.billed_on()
    years = pricing.extended_support_year(u.engine, u.engine_version, day)
    # -- compute, primary region ------------------------------------------------------------
    if writer_serverless:
        b.add("compute.writer", u.region,
              f"compute: writer, Serverless v2 ({config})", u.writer_acu_hours,
              acu_unit, lambda: pb.acu_hour_usd(io_optimized=io_opt), "compute")
        extended("extended_support.writer", u.region, "writer", pb, None, 1,
                 u.writer_acu_hours, "compute")
        classes.append("1 x serverless")
    else:
        before = len(b.missing)
        b.add("compute.writer", u.region,
              f"compute: writer, {writer_cls}{term(pb, writer_cls)}", h, "instance-hours",
              hourly(pb, writer_cls), "compute")
        if len(b.missing) > before and "not sold" in b.missing[-1]:
            unavailable = b.missing[-1]
        extended("extended_support.writer", u.region, f"writer, {writer_cls}", pb, writer_cls,
                 1, h, "compute")
        classes.append(f"1 x {writer_cls}")
    if u.replicas:
        if readers_serverless:
            b.add("compute.readers", u.region,
                  f"compute: {_plural(u.replicas, 'reader')}, Serverless v2 ({config})",
                  u.reader_acu_hours_each * u.replicas, acu_unit,
                  lambda: pb.acu_hour_usd(io_optimized=io_opt), "compute")
            extended("extended_support.readers", u.region, _plural(u.replicas, "reader"), pb,
                     None, u.replicas, u.reader_acu_hours_each * u.replicas, "compute")
            classes.append(f"{u.replicas} x serverless")
        else:
            b.add("compute.readers", u.region,
                  f"compute: {_plural(u.replicas, 'reader')}, {reader_cls}"
                  f"{term(pb, reader_cls)}",
                  h * u.replicas, "instance-hours", hourly(pb, reader_cls), "compute")
            extended("extended_support.readers", u.region,
                     f"{_plural(u.replicas, 'reader')}, {reader_cls}", pb, reader_cls,
                     u.replicas, h, "compute")
            classes.append(f"{u.replicas} x {reader_cls}")
    # -- storage, I/O, backups, features ----------------------------------------------------
    b.add("storage", u.region, f"storage ({config})", volume_gib, "GiB-months",
          lambda: pb.storage_gb_month_usd(io_optimized=io_opt), "storage")
    if not io_opt:
        b.add("io", u.region, "I/O requests", u.io_millions_per_month, "million requests",
              lambda: pb.io_per_million_usd, "io")
    billed = backup_billed_gib(volume_gib, u.backup_retention_days, u.backup_change_rate_per_day)
    if billed > 0:
        b.add("backup.automated", u.region,
              f"backup storage beyond the free allowance ({u.backup_retention_days}-day "
              f"retention, {u.backup_change_rate_per_day:g}/day changed)", billed, "GiB-months",
              lambda: pb.backup_gb_month_usd, "backup")
    if u.manual_snapshot_gib > 0:
        b.add("backup.manual", u.region,
              "manual snapshots beyond retention", u.manual_snapshot_gib, "GiB-months",
              lambda: pb.backup_gb_month_usd, "backup")
    if u.backtrack_window_hours > 0:
        stored = (u.writes_per_s_mean * 3600.0 * u.backtrack_window_hours
                  * u.backtrack_records_per_write / 1e6)
        b.add("backtrack", u.region,
              f"backtrack change records ({u.backtrack_window_hours:g} h window)",
              stored * h, "million record-hours", lambda: pb.backtrack_per_million_usd, "other")
    if u.snapshot_export_gib_per_month > 0:
        b.add("snapshot_export", u.region,
              "snapshot export to S3", u.snapshot_export_gib_per_month, "GiB",
              lambda: pb.snapshot_export_gb_usd, "other")
    # -- Global Database secondaries --------------------------------------------------------
    # A secondary is billed from its own inputs (its class or ACU, or its own users' reads
    # simulated), never from the primary's readers, whose load is not the secondary's: unset,
    # the declared idle default.
    peaks = u.secondary_peak_acu or (None,) * len(u.secondaries)
    for sec, n, sec_cls, sec_acu, sec_peak in zip(
            u.secondaries, u.secondary_counts(),
            u.per_secondary("secondary_instance_class", None),
            u.per_secondary("secondary_acu", None), peaks, strict=True):
        sb = books(sec)
        acu = secondary_idle_acu(u.min_acu) if sec_acu is None else sec_acu
        if sec_cls is None:  # the configured class, or (a Serverless cluster) sized to its ACU
            sec_cls = (u.instance_class if u.capacity == "provisioned"
                       else _sized(u, books, acu if sec_peak is None else sec_peak, io_opt))
        if n:
            if readers_serverless:
                each = acu * h
                b.add("secondary.compute", sec,
                      f"secondary compute: {_plural(n, 'instance')}, Serverless v2 "
                      f"({config})", each * n, acu_unit,
                      lambda sb=sb: sb.acu_hour_usd(io_optimized=io_opt), "secondary")
                extended("secondary.extended_support", sec,
                         f"secondary, {_plural(n, 'instance')}", sb, None, n, each * n,
                         "secondary")
            else:
                b.add("secondary.compute", sec,
                      f"secondary compute: {_plural(n, 'instance')}, {sec_cls}"
                      f"{term(sb, sec_cls)}",
                      h * n, "instance-hours", hourly(sb, sec_cls), "secondary")
                extended("secondary.extended_support", sec,
                         f"secondary, {_plural(n, 'instance')}, {sec_cls}", sb, sec_cls, n, h,
                         "secondary")
        b.add("secondary.storage", sec, f"secondary storage ({config})", volume_gib, "GiB-months",
              lambda sb=sb: sb.storage_gb_month_usd(io_optimized=io_opt), "secondary")
        if not io_opt:
            b.add("secondary.replicated_write_io", sec, "Global Database replicated write I/O",
                  u.write_io_millions_per_month, "million write I/Os",
                  lambda sb=sb: sb.global_write_io_per_million_usd, "replicated_io")
        elif u.replicated_write_io_on_io_optimized:  # no documented rule: a stated assumption
            b.add("secondary.replicated_write_io", sec, "Global Database replicated write I/O "
                  "(ASSUMPTION: billed on I/O-Optimized)", u.write_io_millions_per_month,
                  "million write I/Os", lambda sb=sb: sb.global_write_io_per_million_usd,
                  "replicated_io")
        if u.inter_region_transfer:
            gib = u.writes_per_s_mean * h * 3600.0 * u.redo_bytes_per_write / BYTES_PER_GIB
            b.add("transfer", sec,
                  f"inter-region transfer {u.region} -> {sec} (ASSUMPTION: billed)", gib,
                  "GiB", lambda sec=sec: books.transfer().usd_per_gb(u.region, sec), "transfer")
    # -- RDS Extended Support: an engine major past its end of standard support ------------
    # (quantity: vCPU-hours of each provisioned instance, or the ACU-hours billed; the same for
    # on-demand and reserved instances; the 12-month total keeps the month's band)
    for line_id, region, what, qty_, kind, component in es_lines:
        major = (u.engine_version or "").rsplit("mysql_aurora.", 1)[-1].split(".")[0]
        b.add(line_id, region,
              f"RDS Extended Support: {what}, {u.engine} {major}, year {years} (billed at "
              f"{day.isoformat()}: {how})", qty_,
              "vCPU-hours" if kind == "provisioned" else acu_unit,
              (lambda region=region, kind=kind: pricing.extended_support_price(
                  region, kind, cast(str, years))), component)
    # -- lines the registered families add (Section.bill_lines) ----------------------------
    for a in added:
        if a.options is None or option in a.options:
            b.add(a.id, a.region, a.line, a.quantity, a.unit,
                  (lambda a=a: _added_price(a)), a.component)
    total = _total(b.lines)
    return Bill(option=option, label=OPTION_LABELS[option],
                configured=option == configured_option,
                reserved_term=u.reserved_term if option == "provisioned_reserved" else None,
                instance_classes=" + ".join(classes), lines=tuple(b.lines),
                missing=tuple(b.missing), unavailable=unavailable,
                # an array in bill_totals' batch form (which reads total_usd alone)
                total_usd=cast(float, total))


def _reserved_rate_kind(u: Usage, book, cls: str, io_opt: bool) -> str:
    """What prices a reserved instance-hour of ``cls``, first that applies:

    ``"hourly"``: the scenario's ``reserved_hourly_usd`` (the configured class only);
    ``"book"``: the price book's reserved rate of the class and term (an imported offer file;
    Aurora Standard rates, so not under I/O-Optimized); ``"discount"``: the on-demand rate less
    the scenario's ``reserved_discount`` or, unset, the term's registered discount (an
    assumption). A real rate replaces a discount, which only stands in for one.
    """
    if u.reserved_hourly_usd is not None and cls == u.instance_class:
        return "hourly"
    if not io_opt and book.has_reserved(cls, u.reserved_term):
        return "book"
    return "discount"


def _reserved_rate_label(u: Usage, book, cls: str, io_opt: bool) -> str:
    """Which rate priced the line, for its text (the bill names its source)."""
    how = _reserved_rate_kind(u, book, cls, io_opt)
    if how == "hourly":
        return "your effective hourly rate"
    if how == "book":
        rate = book.reserved(cls, u.reserved_term)
        found = re.search(r"SKU (\S+?),? (?:term (\S+?) )?", rate.source)
        sku = f"SKU {found.group(1)}" + (f" term {found.group(2)}" if found.group(2) else "") \
            if found else rate.source
        return f"offer-file rate, {sku}: {rate.upfront_usd:g} USD upfront + " \
               f"{rate.recurring_hourly_usd:g} USD/hour"
    d = u.discount
    share = f" {float(d):.0%}" if not isinstance(d, np.ndarray) else ""
    why = " (I/O-Optimized: the book's reserved rates are Standard's)" if (
        io_opt and book.has_reserved(cls, u.reserved_term)) else ""
    if u.reserved_discount is not None:
        return f"your{share} discount on on-demand{why}"
    return f"ASSUMPTION: registered{share} discount on on-demand{why}"


def _added_price(a) -> float:
    if a.unit_price_usd is None:
        raise MissingPriceError(f"no price for {a.line}", item=a.line)
    return a.unit_price_usd


def _check_added(added) -> tuple:
    added = tuple(added)
    for a in added:
        if not isinstance(a, AddedLine):
            raise ParameterTypeError(f"`added` must hold AddedLine, got {type(a).__name__}")
    return added


def bill_options(usage: Usage, *, options=None, price_file=None, books=None,
                 added=()) -> list[Bill]:
    """The bill of every deployment option for one cluster, cheapest complete bill flagged.

    Parameters
    ----------
    usage : Usage
        What the cluster consumes and how it is configured.
    options : sequence of str, optional
        Any of :data:`OPTIONS`; default all that apply (the last needs readers).
    price_file : str or Path, optional
        A price file for :func:`aurora_models.pricing.load` (default: the bundled snapshot).
    books : mapping of region to PriceBook, optional
        Books to use instead of loading (a what-if book from ``PriceBook.with_price``); a
        ``dict`` is filled with the books loaded, so bills of one cluster can share it.
    added : sequence of AddedLine, optional
        Lines a registered family adds (its ``Section.bill_lines``),
        billed in every option they name; they count in the totals and the cheapest option.

    Returns
    -------
    list of Bill
        In :data:`OPTIONS` order. The month's volume is ``volume_gib + growth / 2`` (the first
        month's average); the 12-month total bills the twelve months' average volume
        ``volume_gib + 6 x growth`` (every line is linear in the volume).

    See Also
    --------
    bill_totals : The totals alone, for a batch of usages at once.
    bill_by_region : The same cluster in every region.

    Examples
    --------
    >>> bills = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large",
    ...                            volume_gib=100.0), options=["provisioned_standard"])
    >>> [(li.line, li.quantity, li.unit_price_usd) for li in bills[0].lines][:2]
    [('compute: writer, db.r6g.large', 730.0, 0.26), ('storage (Standard)', 100.0, 0.1)]
    >>> round(bills[0].total_usd, 2)  # 730 x 0.26 + 100 x 0.10
    199.8
    """
    if not isinstance(usage, Usage):
        raise ParameterTypeError(f"`usage` must be a Usage, got {type(usage).__name__}")
    if options is None:
        options = [o for o in OPTIONS
                   if o != "provisioned_writer_serverless_readers" or usage.replicas]
    for o in options:
        if o not in OPTIONS:
            raise ParameterValueError(f"`options` must hold only {', '.join(map(repr, OPTIONS))}, got {o!r}")
    added = _check_added(added)
    bk = _Books(usage.engine, price_file, books)
    g = usage.storage_growth_gib_per_month
    out = []
    for o in options:
        first = _build(o, usage, bk, usage.volume_gib + g / 2.0, added)
        year = first if g == 0 else _build(o, usage, bk, usage.volume_gib + 6.0 * g, added)
        yearly = {(li.region, li.id): 12.0 * li.amount_usd for li in year.lines}
        lines = tuple(replace(li, amount_12_months_usd=yearly.get((li.region, li.id), 0.0))
                      for li in first.lines)
        out.append(replace(first, lines=lines, total_12_months_usd=12.0 * year.total_usd))
    complete = [b for b in out if b.complete]
    if complete:
        best = min(complete, key=lambda b: b.total_usd).option
        out = [replace(b, cheapest=b.option == best) for b in out]
    return out


#: Usage fields :func:`bill_totals` takes as arrays over a batch (every other field, and the
#: instance classes the peaks size to, is shared by a group of the batch).
_BATCH_FIELDS = ("io_millions_per_month", "write_io_millions_per_month", "writes_per_s_mean",
                 "writer_acu_hours", "reader_acu_hours_each", "reserved_discount")


def bill_totals(usages, *, options=None, price_file=None, books=None,
                added=None) -> np.ndarray:
    """The monthly ``total_usd`` of every option for each of B usages, in one batch.

    The result is ``[[b.total_usd for b in bill_options(u, options=options, added=a)] for u, a
    in zip(usages, added)]``. The usages are grouped by everything but the consumption fields
    (I/O, writes and ACU-hours, the reserved discount) and the peaks' sized classes; each
    group's bills are built once, their lines' quantities and prices arrays over the group
    (each total is the same ``fsum`` as the scalar bill's).

    Parameters
    ----------
    usages : sequence of Usage
        The B usages.
    options : sequence of str, optional
        Any of :data:`OPTIONS`; default the first usage's (every usage must then have readers,
        or none has).
    price_file : str or Path, optional
        A price file for :func:`aurora_models.pricing.load` (default: the bundled snapshot).
    books : mapping of region to PriceBook, optional
        Books to use instead of loading, as for :func:`bill_options`.
    added : sequence of sequences of AddedLine, optional
        One sequence of family lines per usage (default none).

    Returns
    -------
    numpy.ndarray
        Shape (B, len(options)), USD per month.

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_totals
    >>> us = [Usage(region="us-east-1", instance_class="db.r6g.large", io_millions_per_month=m)
    ...       for m in (0.0, 100.0)]
    >>> bill_totals(us, options=["provisioned_standard"]).round(2).tolist()
    [[199.8], [219.8]]
    """
    usages = list(usages)
    if not usages:
        return np.empty((0, 0))
    for u in usages:
        if not isinstance(u, Usage):
            raise ParameterTypeError(f"`usages` must hold Usage, got {type(u).__name__}")
    if options is None:
        options = [o for o in OPTIONS
                   if o != "provisioned_writer_serverless_readers" or usages[0].replicas]
    if added is None:
        added = [()] * len(usages)
    added = [_check_added(a) for a in added]
    if len(added) != len(usages):
        raise ParameterValueError(f"`added` must hold one sequence per usage ({len(usages)}), got "
                         f"{len(added)}")
    bk = _Books(usages[0].engine, price_file, books)
    out = np.empty((len(usages), len(options)))
    groups: dict = {}
    for i, u in enumerate(usages):
        sized = tuple(_sized(u, bk, peak, io) for peak in (u.writer_peak_acu, u.reader_peak_acu)
                      for io in (False, True)) if u.capacity != "provisioned" else ()
        key = (sized, *(_hashable(getattr(u, f.name)) for f in fields(Usage)
                        if f.name not in _BATCH_FIELDS and not f.name.endswith("_peak_acu")),
               # the added lines' shape (their quantities are the group's arrays)
               tuple(replace(a, quantity=None) for a in added[i]))
        groups.setdefault(key, []).append(i)
    for idx in groups.values():
        u = copy.copy(usages[idx[0]])
        for name in _BATCH_FIELDS:
            vals = [getattr(usages[i], name) for i in idx]
            if name != "reserved_discount" or vals[0] is not None:
                object.__setattr__(u, name, np.array(vals, dtype=float))
        extra = tuple(replace(a, quantity=np.array([float(added[i][k].quantity) for i in idx]))
                      for k, a in enumerate(added[idx[0]]))
        volume = u.volume_gib + u.storage_growth_gib_per_month / 2.0
        for j, o in enumerate(options):
            out[idx, j] = _build(o, u, bk, volume, extra).total_usd
    return out


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v


def bills_frame(bills, *, scenario: str = "") -> Any:
    """Tabulate every line of every bill (the ``bill.csv`` columns).

    Parameters
    ----------
    bills : sequence of Bill or dict
        Bills, or their JSON dicts (:meth:`Bill.to_dict`).
    scenario : str
        The scenario's name, in the first column.

    Returns
    -------
    pandas.DataFrame
        ``scenario, option, region, line, quantity, unit, unit_price_usd, amount_usd,
        configured, cheapest``.

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_options
    >>> bills = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large",
    ...                            volume_gib=100.0), options=["provisioned_standard"])
    >>> bills_frame(bills, scenario="demo")[["scenario", "line"]].iloc[0].tolist()
    ['demo', 'compute: writer, db.r6g.large']
    """
    import pandas as pd

    rows = []
    for b in bills:
        d = b if isinstance(b, dict) else b.to_dict()
        for li in d["lines"]:
            rows.append({"scenario": scenario, "option": d["option"], "region": li["region"],
                         "line": li["line"], "quantity": li["quantity"], "unit": li["unit"],
                         "unit_price_usd": li["unit_price_usd"], "amount_usd": li["amount_usd"],
                         "configured": d["configured"], "cheapest": d["cheapest"]})
    return pd.DataFrame(rows, columns=["scenario", "option", "region", "line", "quantity", "unit",
                                       "unit_price_usd", "amount_usd", "configured", "cheapest"])



def configured_change(base_cost: dict, new_cost: dict) -> dict[str, Any]:
    """The change of the configured cluster's bill from one estimate's cost to another's.

    Parameters
    ----------
    base_cost, new_cost : dict
        The ``cost`` sections of two estimates' JSON documents (``configured``,
        ``configured_total_usd``, ``configured_total_12_months_usd``).

    Returns
    -------
    dict
        ``base_option`` and ``new_option`` (switching storage or capacity changes it),
        ``base_usd``, ``new_usd``, ``delta_usd`` and their ``_12_months_usd`` versions.

    Examples
    --------
    >>> a = {"configured": "provisioned_standard", "configured_total_usd": 200.0,
    ...      "configured_total_12_months_usd": 2400.0}
    >>> b = {"configured": "provisioned_io_optimized", "configured_total_usd": 230.0,
    ...      "configured_total_12_months_usd": 2760.0}
    >>> c = configured_change(a, b)
    >>> c["new_option"], c["delta_usd"], c["delta_12_months_usd"]
    ('provisioned_io_optimized', 30.0, 360.0)
    """
    out: dict[str, Any] = {"base_option": base_cost["configured"],
                           "new_option": new_cost["configured"]}
    for side, cost in (("base", base_cost), ("new", new_cost)):
        out[f"{side}_usd"] = cost["configured_total_usd"]
        out[f"{side}_12_months_usd"] = cost["configured_total_12_months_usd"]
    out["delta_usd"] = out["new_usd"] - out["base_usd"]
    out["delta_12_months_usd"] = out["new_12_months_usd"] - out["base_12_months_usd"]
    return out


def _line_key(li: dict) -> tuple[str, str]:
    return li["region"], li.get("id") or li["line"]


def diff_bills(base, new, *, changed_only: bool = False) -> Any:
    """Per option and per line, the monthly and 12-month change from ``base`` to ``new``.

    ``base`` and ``new`` are lists of bills (:class:`Bill` or their JSON dicts). Lines are
    matched by their stable id, ``(option, region, id)`` (a document without ids: by the line's
    text), so a line whose text changed (another instance class) is one changed line, shown as
    ``old text -> new text``; a line in one only counts as 0 in the other. Each option ends
    with its ``TOTAL`` row. A bill diffed with itself is all zeros. ``changed_only`` leaves out
    the lines that did not change (under half a cent a month and over 12 months) and the
    options none of whose lines did.

    Parameters
    ----------
    base : sequence of Bill or dict
        The bills before.
    new : sequence of Bill or dict
        The bills after.
    changed_only : bool
        Leave out the unchanged lines and options.

    Returns
    -------
    pandas.DataFrame
        ``option, region, line, base_usd, new_usd, delta_usd, base_12_months_usd,
        new_12_months_usd, delta_12_months_usd``.

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_options, diff_bills
    >>> u = Usage(region="us-east-1", instance_class="db.r6g.large")
    >>> a = bill_options(u, options=["provisioned_standard"])
    >>> b = bill_options(Usage(region="us-east-1", instance_class="db.r6g.xlarge"),
    ...                  options=["provisioned_standard"])
    >>> d = diff_bills(a, b, changed_only=True)
    >>> d["line"].tolist(), round(float(d["delta_usd"].iloc[-1]), 2)
    (['compute: writer, db.r6g.large -> compute: writer, db.r6g.xlarge', 'TOTAL'], 189.07)
    """
    import pandas as pd

    def as_dicts(bills):
        return {d["option"]: d for d in (b if isinstance(b, dict) else b.to_dict()
                                         for b in bills)}

    a, b = as_dicts(base), as_dicts(new)
    rows = []
    for opt in [o for o in OPTIONS if o in a or o in b]:
        la = {_line_key(li): li for li in a.get(opt, {}).get("lines", [])}
        lb = {_line_key(li): li for li in b.get(opt, {}).get("lines", [])}
        keys = list(la) + [k for k in lb if k not in la]
        lines = []
        for key in keys:
            x, y = la.get(key), lb.get(key)
            m0, m1 = (x["amount_usd"] if x else 0.0), (y["amount_usd"] if y else 0.0)
            t0 = x["amount_12_months_usd"] if x else 0.0
            t1 = y["amount_12_months_usd"] if y else 0.0
            if x and y and x["line"] != y["line"]:
                text = f"{x['line']} -> {y['line']}"
            else:
                text = (x or y or {})["line"]  # one of them is set (the key is in la or lb)
            if not changed_only or _changed(m1 - m0, t1 - t0) or x is None or y is None:
                lines.append((opt, key[0], text, m0, m1, m1 - m0, t0, t1, t1 - t0))
        m0 = a[opt]["total_usd"] if opt in a else 0.0
        m1 = b[opt]["total_usd"] if opt in b else 0.0
        t0 = a[opt]["total_12_months_usd"] if opt in a else 0.0
        t1 = b[opt]["total_12_months_usd"] if opt in b else 0.0
        if changed_only and not lines and not _changed(m1 - m0, t1 - t0):
            continue  # nothing of this option changed
        rows += [*lines, (opt, "", "TOTAL", m0, m1, m1 - m0, t0, t1, t1 - t0)]
    return pd.DataFrame(rows, columns=["option", "region", "line", "base_usd", "new_usd",
                                       "delta_usd", "base_12_months_usd", "new_12_months_usd",
                                       "delta_12_months_usd"])


def _changed(*deltas: float) -> bool:
    return any(abs(d) >= 0.005 for d in deltas)


def bill_by_region(usage: Usage, *, regions=None, option: str | None = None,
                   price_file=None) -> Any:
    """The same cluster's bill in every region (the primary cluster only, no secondaries).

    Parameters
    ----------
    usage : Usage
        The cluster; its ``region`` and ``secondaries`` are replaced per region.
    regions : sequence of str, optional
        Default every region of the price data (:func:`aurora_models.pricing.known_regions`).
    option : str, optional
        The option billed (default the configured one).
    price_file : str or Path, optional
        A price file for :func:`aurora_models.pricing.load` (default: the bundled snapshot).

    Returns
    -------
    pandas.DataFrame
        One row per region, cheapest first: ``region, option, priced_class, total_usd,
        total_12_months_usd, complete, missing``. A configured class the region does not sell
        is billed as the nearest class it sells (``priced_class`` says which).

    Examples
    --------
    >>> t = bill_by_region(Usage(region="us-east-1", instance_class="db.r6g.large"),
    ...                    regions=["us-east-1", "eu-west-1"])
    >>> t[["region", "priced_class"]].values.tolist()
    [['us-east-1', 'db.r6g.large'], ['eu-west-1', 'db.r6g.large']]
    """
    import pandas as pd

    if not isinstance(usage, Usage):
        raise ParameterTypeError(f"`usage` must be a Usage, got {type(usage).__name__}")
    regions = list(pricing.known_regions() if regions is None else regions)
    if option is None:
        option = (("serverless_" if usage.capacity == "serverless" else "provisioned_")
                  + ("io_optimized" if usage.storage == "io-optimized" else "standard"))
    io_opt = option.endswith("io_optimized") or (
        usage.storage == "io-optimized" and option not in ("serverless_standard",
                                                            "provisioned_standard"))
    rows = []
    for region in regions:
        book = (pricing.load(region, engine=usage.engine) if price_file is None
                else pricing.load(region, engine=usage.engine, path=price_file))
        cls = usage.instance_class
        if not book.has("instance_hour_io_optimized" if io_opt else "instance_hour", cls):
            cls = book.nearest_classes(cls, 1, io_optimized=io_opt)[0]
        u = replace(usage, region=region, instance_class=cls, secondaries=(),
                    secondary_instances=0)
        b = bill_options(u, options=[option], price_file=price_file,
                         books={region: book})[0]
        rows.append({"region": region, "option": option,
                     "priced_class": cls if usage.capacity == "provisioned" or
                     option.startswith("provisioned") else "",
                     "total_usd": b.total_usd, "total_12_months_usd": b.total_12_months_usd,
                     "complete": b.complete, "missing": "; ".join(b.missing)})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["total_usd", "region"], ignore_index=True)
