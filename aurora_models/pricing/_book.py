"""The price book of one region and engine: indexed lookups, missing dimensions by name."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from .._validate import check_bool, check_choice, check_nonnegative, check_positive
from ..exceptions import ParameterTypeError, ParameterValueError
from ._reserved import RESERVED_TERM_HOURS
from ._rules import MissingPriceError, check_name, check_price, price_violations
from ._specs import instance_specs

#: The scalar items of a price book (instance rows are the ``CLASS_ITEMS``).
ITEMS = (
    "acu_hour",
    "acu_hour_io_optimized",
    "storage_gb_month",
    "storage_gb_month_io_optimized",
    "io_per_million",
    "backup_gb_month",
    "global_write_io_per_million",
    "backtrack_per_million",
    "snapshot_export_gb",
    "data_api_per_million",
    "io_optimized_instance_premium",
    "rds_storage_gb_month",
    "rds_storage_gb_month_multi_az",
    "rds_backup_gb_month",
    "rds_gp3_extra_iops_month",
    "rds_gp3_extra_throughput_mibps_month",
    "rds_multi_az_instance_factor",
    "rds_multi_az_cluster_factor",
    "data_transfer_out_internet_gb",
)
#: The reserved rates' item: one row per instance class and term of
#: :data:`~aurora_models.pricing.RESERVED_TERMS`, ``usd`` the effective hourly rate.
RESERVED_ITEM = "instance_hour_reserved"
CLASS_ITEMS = ("instance_hour", "instance_hour_io_optimized", "rds_instance_hour",
               "rds_instance_hour_multi_az")
UNITS = {
    "acu_hour": "USD per ACU-hour", "acu_hour_io_optimized": "USD per ACU-hour",
    "storage_gb_month": "USD per GB-month", "storage_gb_month_io_optimized": "USD per GB-month",
    "io_per_million": "USD per million I/O requests", "backup_gb_month": "USD per GB-month",
    "global_write_io_per_million": "USD per million replicated write I/Os",
    "backtrack_per_million": "USD per million change records",
    "snapshot_export_gb": "USD per GB exported",
    "data_api_per_million": "USD per million Data API requests (first billion)",
    "io_optimized_instance_premium": "ratio", "rds_storage_gb_month": "USD per GB-month",
    "rds_storage_gb_month_multi_az": "USD per GB-month", "rds_backup_gb_month": "USD per GB-month",
    "rds_gp3_extra_iops_month": "USD per IOPS-month",
    "rds_gp3_extra_throughput_mibps_month": "USD per MiBps-month",
    "rds_multi_az_instance_factor": "ratio", "rds_multi_az_cluster_factor": "ratio",
    "data_transfer_out_internet_gb": "USD per GB (first 10 TB per month)",
    "instance_hour": "USD per instance-hour", "instance_hour_io_optimized": "USD per instance-hour",
    "rds_instance_hour": "USD per instance-hour",
    "rds_instance_hour_multi_az": "USD per instance-hour",
    RESERVED_ITEM: "USD per instance-hour (effective)",
}
COLUMNS = ["item", "instance_class", "vcpu", "memory_gib", "unit", "usd", "source", "confidence"]
#: The reserved rows' own columns (blank on every other row; a book file may lack them all):
#: ``term`` (one of RESERVED_TERMS), ``upfront_usd`` (the one-off fee per instance) and
#: ``recurring_hourly_usd``; ``usd = upfront_usd / hours of the term + recurring_hourly_usd``.
RESERVED_COLUMNS = ["term", "upfront_usd", "recurring_hourly_usd"]
CONFIDENCE = ("verified", "secondary", "assumption")
#: What each ``confidence`` says about a price (shown by ``aurora-models prices``).
CONFIDENCE_MEANING = {
    "verified": "read from AWS's own price list (an offer file imported by "
                "pricing.import_offer_file, or AWS's pricing page)",
    "secondary": "AWS's public price list as captured by a third party (the bundled snapshot: "
                 "iann0036/aws-price-watcher), not read from AWS directly",
    "assumption": "not a list price: a stand-in (a what-if, or a fallback region's price)",
}
DEPLOYMENTS = ("single-az", "multi-az-instance", "multi-az-cluster")

# the dimensions a bill of each kind of book can ask for: absent ones are listed as missing
_EXPECTED = {
    "aurora": ("acu_hour", "acu_hour_io_optimized", "storage_gb_month",
               "storage_gb_month_io_optimized", "io_per_million", "backup_gb_month",
               "global_write_io_per_million", "snapshot_export_gb", "instance_hour",
               "instance_hour_io_optimized", "rds_instance_hour", "rds_instance_hour_multi_az",
               "rds_storage_gb_month", "rds_storage_gb_month_multi_az"),
    "rds": ("rds_instance_hour", "rds_instance_hour_multi_az", "rds_storage_gb_month",
            "rds_storage_gb_month_multi_az", "rds_backup_gb_month"),
}
# an item is not missing when the book prices it another way (older book files use ratios)
_EQUIVALENT = {
    "instance_hour_io_optimized": "io_optimized_instance_premium",
    "rds_instance_hour_multi_az": "rds_multi_az_instance_factor",
    "rds_storage_gb_month_multi_az": "rds_multi_az_instance_factor",
}


def engine_kind(engine: str) -> str:
    return "aurora" if engine.startswith("aurora-") else "rds"


@dataclass(frozen=True, kw_only=True)
class ReservedRate:
    """One reserved term's rate of one instance class, as the price book holds it.

    ``effective_hourly_usd = upfront_usd / term_hours + recurring_hourly_usd`` (``term_hours``
    from :data:`~aurora_models.pricing.RESERVED_TERM_HOURS`: 8,760 a year).

    Parameters
    ----------
    instance_class : str
        The Aurora instance class (``"db.r6g.large"``).
    term : str
        One of :data:`~aurora_models.pricing.RESERVED_TERMS` (``"1y-partial-upfront"``...).
    upfront_usd : float
        The one-off fee paid when the term starts, USD (0 for No Upfront).
    recurring_hourly_usd : float
        The hourly charge through the term, USD per hour (0 for All Upfront).
    effective_hourly_usd : float
        The upfront fee spread over the term plus the recurring charge, USD per hour.
    term_hours : float
        Hours in the term, hours (8,760 or 26,280).
    source : str
        Where the rate comes from (the offer file, its SKU and term code).
    confidence : str
        ``verified`` for an imported offer file.

    Examples
    --------
    >>> r = ReservedRate(instance_class="db.r6g.large", term="1y-all-upfront",
    ...                  upfront_usd=876.0, recurring_hourly_usd=0.0, effective_hourly_usd=0.1,
    ...                  term_hours=8760.0, source="example", confidence="verified")
    >>> r.effective_hourly_usd * r.term_hours
    876.0
    """

    instance_class: str
    term: str
    upfront_usd: float
    recurring_hourly_usd: float
    effective_hourly_usd: float
    term_hours: float
    source: str
    confidence: str


@dataclass(frozen=True, kw_only=True, eq=False)
class PriceBook:
    """List prices of one region and engine, one row per item, each with source and confidence.

    Build it with :func:`~aurora_models.pricing.load`. Every lookup goes through a dictionary
    built once per book. A price the data lacks raises :class:`MissingPriceError` naming the
    item, never a made-up number; :attr:`missing` lists them all.

    Parameters
    ----------
    region : str
        AWS region code, e.g. ``"us-east-1"``.
    as_of : str
        Date of the snapshot (ISO date).
    rows : pandas.DataFrame
        Columns ``item``, ``instance_class``, ``vcpu``, ``memory_gib``, ``unit``, ``usd``,
        ``source``, ``confidence``.
    engine : str
        One of :data:`~aurora_models.pricing.ENGINES` (default ``"aurora-mysql"``).

    Examples
    --------
    >>> from aurora_models import pricing
    >>> pb = pricing.load("us-east-1")
    >>> pb.acu_hour_usd(), pb.acu_hour_usd(io_optimized=True)
    (0.12, 0.16)
    >>> pb.instance_hour_usd("db.r6g.large"), pb.instance_hour_usd("db.r6g.large", io_optimized=True)
    (0.26, 0.338)
    """

    region: str
    as_of: str
    rows: pd.DataFrame = field(repr=False)
    engine: str = "aurora-mysql"
    _index: dict = field(init=False, repr=False, compare=False)
    _classes: dict = field(init=False, repr=False, compare=False)
    _reserved: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.rows, pd.DataFrame):
            raise ParameterTypeError(f"`rows` must be a DataFrame, got {type(self.rows).__name__}")
        for col in ("item", "instance_class", "usd", "source", "confidence"):
            if col not in self.rows.columns:
                raise ParameterValueError(f"`rows` must have a column {col!r}")
        usd = self.rows["usd"].to_numpy(dtype=float)
        rules = price_violations(usd)
        bad = np.flatnonzero(rules != "")
        if bad.size:
            i = int(bad[0])
            raise ParameterValueError(f"`rows` column 'usd' {rules[i]}, got {usd[i]!r} (row {i})")
        items = self.rows["item"].to_numpy(dtype=object)
        classes = self.rows["instance_class"].to_numpy(dtype=object)
        reserved = items == RESERVED_ITEM
        index = {(it, c): float(u) for it, c, u, r in zip(items, classes, usd, reserved,
                                                          strict=True) if not r}
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_classes", {})
        object.__setattr__(self, "_reserved", self._reserved_index(np.flatnonzero(reserved)))

    def _reserved_index(self, where) -> dict:
        if not len(where):
            return {}
        missing = [c for c in RESERVED_COLUMNS if c not in self.rows.columns]
        if missing:
            raise ParameterValueError(f"`rows` must have the column(s) {', '.join(missing)} "
                                      f"for {RESERVED_ITEM} rows")
        out = {}
        for i in where:
            r = self.rows.iloc[i]
            term = str(r["term"])
            check_choice(f"rows['term'] (row {i})", term, RESERVED_TERM_HOURS)
            up, hourly = float(r["upfront_usd"]), float(r["recurring_hourly_usd"])
            for name, v in (("upfront_usd", up), ("recurring_hourly_usd", hourly)):
                if not (math.isfinite(v) and v >= 0):
                    raise ParameterValueError(f"`rows` column {name!r} must be a finite "
                                              f"non-negative number, got {v!r} (row {i})")
            out[(str(r["instance_class"]), term)] = ReservedRate(
                instance_class=str(r["instance_class"]), term=term, upfront_usd=up,
                recurring_hourly_usd=hourly, effective_hourly_usd=float(r["usd"]),
                term_hours=RESERVED_TERM_HOURS[term], source=str(r["source"]),
                confidence=str(r["confidence"]))
        return out

    # -- what the book holds ------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """``"aurora"`` or ``"rds"`` (an RDS engine's book holds only ``rds_*`` items)."""
        return engine_kind(self.engine)

    @property
    def missing(self) -> tuple[str, ...]:
        """Dimensions a bill of this kind of book may need that the price data lacks here.

        For example Global Database writes (``global_write_io_per_million``) in the 12 regions
        where AWS's price list has none for Aurora MySQL.
        """
        have = {item for item, _ in self._index}
        expected = _EXPECTED[self.kind]
        if self.engine == "aurora-mysql":  # backtrack exists for Aurora MySQL only
            expected = (*expected, "backtrack_per_million")
        return tuple(i for i in expected if i not in have and _EQUIVALENT.get(i) not in have)

    def missing_items(self) -> list[str]:
        """:attr:`missing` as a list.

        Returns
        -------
        list of str
            The item names the price data lacks here.
        """
        return list(self.missing)

    def has(self, item: str, instance_class: str = "") -> bool:
        """Whether the book holds a price for ``item`` (and ``instance_class``).

        Parameters
        ----------
        item : str
            An item name (``"acu_hour"``, ``"instance_hour"``, ...).
        instance_class : str
            The class, for a per-class item; ``""`` for a scalar item.

        Returns
        -------
        bool
            True when the row exists.
        """
        return (item, instance_class) in self._index

    # -- lookup -------------------------------------------------------------------------------

    def _where(self) -> str:
        return f"the {self.region} {self.engine} price book"

    def _scalar(self, item: str) -> float:
        try:
            return self._index[(item, "")]
        except KeyError:
            raise MissingPriceError(
                f"{self._where()} has no {item!r} price: AWS's price list has none for this "
                f"region (missing here: {', '.join(self.missing) or item}); "
                f"load({self.region!r}, fallback=<region>) fills missing items from another "
                "region explicitly", item=item, region=self.region, engine=self.engine) from None

    def acu_hour_usd(self, io_optimized: bool = False) -> float:
        """Serverless v2 capacity, USD per ACU-hour (Aurora Standard or I/O-Optimized).

        Parameters
        ----------
        io_optimized : bool
            The I/O-Optimized price (default Aurora Standard).

        Returns
        -------
        float
            The price, USD per ACU-hour.
        """
        check_bool("io_optimized", io_optimized)
        return self._scalar("acu_hour_io_optimized" if io_optimized else "acu_hour")

    def storage_gb_month_usd(self, io_optimized: bool = False) -> float:
        """Aurora cluster storage, USD per GB-month (AWS's label; billed per GiB-month).

        Parameters
        ----------
        io_optimized : bool
            The I/O-Optimized price (default Aurora Standard).

        Returns
        -------
        float
            The price, USD per GB-month.
        """
        check_bool("io_optimized", io_optimized)
        return self._scalar("storage_gb_month_io_optimized" if io_optimized else "storage_gb_month")

    @property
    def io_per_million_usd(self) -> float:
        """I/O requests, USD per million (Aurora Standard only; included in I/O-Optimized)."""
        return self._scalar("io_per_million")

    @property
    def backup_gb_month_usd(self) -> float:
        """Backup storage beyond the free allowance (the cluster's size), USD per GB-month."""
        return self._scalar("backup_gb_month")

    @property
    def global_write_io_per_million_usd(self) -> float:
        """Global Database replicated write I/O, USD per million, billed per secondary region."""
        return self._scalar("global_write_io_per_million")

    @property
    def backtrack_per_million_usd(self) -> float:
        """Aurora MySQL backtrack, USD per million change records."""
        return self._scalar("backtrack_per_million")

    @property
    def snapshot_export_gb_usd(self) -> float:
        """Snapshot export to Amazon S3, USD per GB of snapshot exported."""
        return self._scalar("snapshot_export_gb")

    @property
    def data_transfer_out_internet_gb_usd(self) -> float:
        """Data transfer out to the internet, USD per GB (first 10 TB per month tier)."""
        return self._scalar("data_transfer_out_internet_gb")

    @property
    def io_optimized_instance_premium(self) -> float:
        """Ratio of I/O-Optimized to Standard instance prices (1.30 in us-east-1).

        In the bundled snapshot this is the median over the region's classes (each class's own
        I/O-Optimized price is used by :meth:`instance_hour_usd`).
        """
        return self._scalar("io_optimized_instance_premium")

    def _class_item(self, io_optimized: bool = False) -> str:
        if self.kind == "rds":
            return "rds_instance_hour"
        if io_optimized and self._sold("instance_hour_io_optimized"):
            return "instance_hour_io_optimized"
        return "instance_hour"

    def _sold(self, item: str) -> dict[str, int]:
        """Class -> row position for ``item`` (cached per book)."""
        got = self._classes.get(item)
        if got is None:
            mask = (self.rows["item"] == item).to_numpy()
            got = {c: int(i) for c, i in zip(self.rows["instance_class"].to_numpy()[mask],
                                              np.flatnonzero(mask), strict=True)}
            self._classes[item] = got
        return got

    def _class_price(self, item: str, instance_class: str) -> float:
        if not isinstance(instance_class, str):
            raise ParameterTypeError(f"`instance_class` must be a str, got {type(instance_class).__name__}")
        price = self._index.get((item, instance_class))
        if price is not None:
            return price
        sold = sorted(self._sold(item))

        specs = instance_specs()
        if instance_class in specs.index and sold:
            near = self._nearest(instance_class, 3, item)
            raise MissingPriceError(
                f"`instance_class` {instance_class!r} is not sold in {self._where()} "
                f"({item}); nearest classes it sells: {', '.join(near)}", item=item,
                region=self.region, engine=self.engine, instance_class=instance_class)
        if not sold:
            raise MissingPriceError(f"{self._where()} has no {item!r} prices",
                                    item=item, region=self.region, engine=self.engine,
                                    instance_class=instance_class)
        check_name("instance_class", instance_class, sold,
                   what=f"the classes {self._where()} sells")
        raise AssertionError("unreachable")  # pragma: no cover

    def instance_hour_usd(self, instance_class: str, io_optimized: bool = False) -> float:
        """Aurora provisioned on-demand price, USD per instance-hour.

        Under I/O-Optimized, the class's own I/O-Optimized price; a book without per-class
        I/O-Optimized rows (an older snapshot file) multiplies the Standard price by
        :attr:`io_optimized_instance_premium`.

        Parameters
        ----------
        instance_class : str
            A class the book sells (``"db.r6g.large"``).
        io_optimized : bool
            The I/O-Optimized price (default Aurora Standard).

        Returns
        -------
        float
            The price, USD per instance-hour.

        Raises
        ------
        ValueError
            Unknown class (the message lists the region's classes, with a did-you-mean).
        MissingPriceError
            A known class the region does not sell (the message names the nearest it does).
        """
        check_bool("io_optimized", io_optimized)
        if io_optimized and self._sold("instance_hour_io_optimized"):
            return self._class_price("instance_hour_io_optimized", instance_class)
        price = self._class_price("instance_hour", instance_class)
        return price * self.io_optimized_instance_premium if io_optimized else price

    def instance_classes(self, io_optimized: bool = False) -> pd.DataFrame:
        """Tabulate the instance classes the book sells, sorted by price.

        ``vcpu`` and ``memory_gib`` come from the cited specification table
        (:func:`~aurora_models.pricing.instance_specs`).

        Parameters
        ----------
        io_optimized : bool
            The classes sold under I/O-Optimized, at their I/O-Optimized price.

        Returns
        -------
        pandas.DataFrame
            ``instance_class, vcpu, memory_gib, usd_per_hour, source, confidence`` (an RDS
            engine's book: its Single-AZ classes).
        """
        check_bool("io_optimized", io_optimized)
        item = self._class_item(io_optimized)
        rows = self.rows.iloc[list(self._sold(item).values())]
        out = rows[["instance_class", "vcpu", "memory_gib", "usd", "source", "confidence"]]
        out = out.rename(columns={"usd": "usd_per_hour"})
        return out.sort_values(["usd_per_hour", "instance_class"], ignore_index=True)

    def instance_spec(self, instance_class: str) -> tuple[float, float]:
        """The vCPUs and memory of a class the book sells.

        Parameters
        ----------
        instance_class : str
            A class the book sells (``"db.r6g.large"``).

        Returns
        -------
        tuple of float
            ``(vcpu, memory_gib)``, memory in GiB.
        """
        item = self._class_item()
        self._class_price(item, instance_class)
        row = self.rows.iloc[self._sold(item)[instance_class]]
        return float(row["vcpu"]), float(row["memory_gib"])

    def instance_acu(self, instance_class: str) -> float:
        """The ACU-equivalents of a class: memory in GiB / 2 (1 ACU ~ 2 GiB, user guide).

        Parameters
        ----------
        instance_class : str
            A class the book sells (``"db.r6g.large"``).

        Returns
        -------
        float
            The class's memory in ACUs.
        """
        return self.instance_spec(instance_class)[1] / 2

    def cheapest_instance_class(self, memory_gib: float, *, io_optimized: bool = False,
                                vcpu: float | None = None, current_generation: bool = True) -> str:
        """The cheapest class the book sells with at least ``memory_gib`` of memory.

        Parameters
        ----------
        memory_gib : float
            Memory the class must have, GiB.
        io_optimized : bool
            Among the classes sold under I/O-Optimized, at their I/O-Optimized price.
        vcpu : float, optional
            Also at least this many vCPUs (default: no vCPU requirement).
        current_generation : bool
            Skip previous-generation classes (db.r3, db.r4, db.t2; see
            ``data/pricing/instance_class_specs.md``). Default True.

        Returns
        -------
        str
            The class name.

        Raises
        ------
        ValueError
            If no class in the book is large enough.

        Examples
        --------
        >>> from aurora_models import pricing
        >>> pb = pricing.load()
        >>> pb.cheapest_instance_class(18.0), pb.cheapest_instance_class(18.0, vcpu=4)
        ('db.x2g.large', 'db.r6g.xlarge')
        """
        need = float(check_positive("memory_gib", memory_gib))
        cpus = 0.0 if vcpu is None else float(check_positive("vcpu", vcpu))
        check_bool("current_generation", current_generation)
        names, memory, vcpus = self._sizing_table(bool(io_optimized), bool(current_generation))
        fit = (memory >= need) & (vcpus >= cpus)
        if not fit.any():
            if not (memory >= need).any():
                raise ParameterValueError(f"`memory_gib` must be at most {memory.max():g} "
                                 f"(the largest class of {self._where()}), got {need:g}")
            raise ParameterValueError(f"`vcpu` must be at most {vcpus[memory >= need].max():g} "
                             f"(the most of a class of {self._where()} with {need:g} GiB), "
                             f"got {cpus:g}")
        return str(names[int(np.argmax(fit))])

    def _sizing_table(self, io_optimized: bool, current_generation: bool):
        """Class names, memory and vCPUs in price order, built once per book and key (a sizing
        loop asks for the cheapest class hundreds of times)."""
        cache = self.__dict__.setdefault("_sizing_cache", {})
        key = (io_optimized, current_generation)
        if key not in cache:
            classes = self.instance_classes(io_optimized=io_optimized)
            if current_generation:

                gen = classes["instance_class"].map(instance_specs()["generation"])
                classes = classes[gen != "previous"]
            cache[key] = (classes["instance_class"].to_numpy(),
                          classes["memory_gib"].to_numpy(dtype=float),
                          classes["vcpu"].to_numpy(dtype=float))
        return cache[key]

    def nearest_classes(self, instance_class: str, n: int = 3, *,
                        io_optimized: bool = False) -> list[str]:
        """The ``n`` classes the book sells nearest to ``instance_class``.

        Same family first, then others; within each, by distance in vCPU and memory
        (``|log2 vcpu ratio| + |log2 memory ratio|``), then by price. The class itself comes
        first when the book sells it. For "configured class unavailable" messages.

        Parameters
        ----------
        instance_class : str
            A class of the specification table (sold here or not).
        n : int
            How many classes to return (>= 1).
        io_optimized : bool
            Among the classes sold under I/O-Optimized.

        Returns
        -------
        list of str
            Up to ``n`` class names, nearest first.

        Examples
        --------
        >>> from aurora_models import pricing
        >>> pricing.load("il-central-1").nearest_classes("db.r8g.xlarge")
        ['db.r7g.xlarge', 'db.r5.xlarge', 'db.r7g.large']
        """
        check_bool("io_optimized", io_optimized)
        return self._nearest(instance_class, n, self._class_item(io_optimized))

    def _nearest(self, instance_class: str, n: int, item: str) -> list[str]:

        specs = instance_specs()
        check_name("instance_class", instance_class, list(specs.index),
                   what="the classes of the specification table")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ParameterValueError(f"`n` must be a positive integer, got {n!r}")
        fam0 = instance_class.split(".")[1]
        v0, m0 = specs.loc[instance_class, ["vcpu", "memory_gib"]]
        keyed = []
        for cls, pos in self._sold(item).items():
            if cls not in specs.index:
                continue
            v, m = specs.loc[cls, ["vcpu", "memory_gib"]]
            dist = abs(math.log2(v / v0)) + abs(math.log2(m / m0))  # type: ignore[operator]  # numbers (pandas-stubs: any hashable)
            keyed.append((cls.split(".")[1] != fam0, round(dist, 9),
                          float(self.rows["usd"].iat[pos]), cls))  # type: ignore[arg-type]  # a float column (pandas-stubs: any scalar)
        return [k[-1] for k in sorted(keyed)[:n]]

    def reserved(self, instance_class: str, term: str) -> ReservedRate:
        """The reserved rate of ``instance_class`` for ``term``, from an imported offer file.

        Parameters
        ----------
        instance_class : str
            An Aurora instance class (``"db.r6g.large"``).
        term : str
            One of :data:`~aurora_models.pricing.RESERVED_TERMS`.

        Returns
        -------
        ReservedRate
            The term's upfront, recurring and effective rates, with their source.

        Raises
        ------
        MissingPriceError
            The book has no such rate (the bundled snapshot has none: the bill then uses the
            registered discount of the term, an assumption). The message lists the terms the
            book has for the class, or the classes it has reserved rates for.

        Examples
        --------
        >>> from aurora_models import pricing
        >>> pricing.load().has_reserved("db.r6g.large", "1y-partial-upfront")
        False
        """
        check_choice("term", term, RESERVED_TERM_HOURS)
        if not isinstance(instance_class, str):
            raise ParameterTypeError(f"`instance_class` must be a str, got "
                                     f"{type(instance_class).__name__}")
        got = self._reserved.get((instance_class, term))
        if got is not None:
            return got
        terms = sorted(t for c, t in self._reserved if c == instance_class)
        classes = sorted({c for c, _ in self._reserved})
        have = (f"its {instance_class} terms: {', '.join(terms)}" if terms else
                f"its classes with reserved rates: {', '.join(classes)}" if classes else
                "it has none: import an offer file with `aurora-models import-prices`")
        raise MissingPriceError(f"{self._where()} has no {term} reserved rate for "
                                f"{instance_class} ({have})", item=RESERVED_ITEM,
                                region=self.region, engine=self.engine,
                                instance_class=instance_class)

    def has_reserved(self, instance_class: str, term: str) -> bool:
        """Whether :meth:`reserved` has a rate for ``instance_class`` and ``term``.

        Parameters
        ----------
        instance_class : str
            An Aurora instance class (``"db.r6g.large"``).
        term : str
            One of :data:`~aurora_models.pricing.RESERVED_TERMS`.

        Returns
        -------
        bool
            True when the book holds that rate (an imported offer file's).
        """
        return (instance_class, term) in self._reserved

    def reserved_rates(self) -> pd.DataFrame:
        """Tabulate every reserved rate of the book.

        Returns
        -------
        pandas.DataFrame
            ``instance_class, term, upfront_usd, recurring_hourly_usd, effective_hourly_usd,
            term_hours, source, confidence``, one row per rate (empty for the bundled
            snapshot).
        """
        cols = [f.name for f in fields(ReservedRate)]
        return pd.DataFrame([[getattr(r, c) for c in cols] for _, r in
                             sorted(self._reserved.items())], columns=cols)

    def rds_instance_hour_usd(self, instance_class: str, deployment: str = "single-az") -> float:
        """Non-Aurora RDS on-demand price, USD per hour for the whole deployment.

        ``single-az`` and ``multi-az-instance`` (primary + standby, billed together) are AWS's
        list prices; ``multi-az-cluster`` (writer + 2 readable standbys) is not in the data and
        is the Single-AZ price times ``rds_multi_az_cluster_factor`` (an ``assumption`` row).
        In an Aurora book these are the prices of the same engine on RDS (MySQL or PostgreSQL);
        load an RDS engine (``engine="rds-sqlserver-se"``...) for licensed engines.

        Parameters
        ----------
        instance_class : str
            A class the book sells (``"db.r6g.large"``).
        deployment : {"single-az", "multi-az-instance", "multi-az-cluster"}
            The RDS deployment.

        Returns
        -------
        float
            The price of the whole deployment, USD per hour.
        """
        check_choice("deployment", deployment, DEPLOYMENTS)
        single = self._class_price("rds_instance_hour", instance_class)
        if deployment == "single-az":
            return single
        if deployment == "multi-az-instance" and self._sold("rds_instance_hour_multi_az"):
            return self._class_price("rds_instance_hour_multi_az", instance_class)
        return single * self._deployment_factor(deployment)

    def rds_storage_gb_month_usd(self, deployment: str = "single-az") -> float:
        """Non-Aurora RDS gp3 storage, USD per GB-month for the deployment's copies.

        Parameters
        ----------
        deployment : {"single-az", "multi-az-instance", "multi-az-cluster"}
            The RDS deployment.

        Returns
        -------
        float
            The price, USD per GB-month of database size (all copies).
        """
        check_choice("deployment", deployment, DEPLOYMENTS)
        if deployment == "single-az":
            return self._scalar("rds_storage_gb_month")
        if deployment == "multi-az-instance" and self.has("rds_storage_gb_month_multi_az"):
            return self._scalar("rds_storage_gb_month_multi_az")
        return self._scalar("rds_storage_gb_month") * self._deployment_factor(deployment)

    def _deployment_factor(self, deployment: str) -> float:
        key = "instance" if deployment == "multi-az-instance" else "cluster"
        return self._scalar(f"rds_multi_az_{key}_factor")

    def with_price(self, item: str, usd: float, *, instance_class: str = "") -> PriceBook:
        """A copy with one row's price replaced (its confidence becomes ``assumption``).

        The price obeys the same rule as every price file (finite, non-negative, at most
        :data:`~aurora_models.pricing.MAX_UNIT_PRICE_USD`).

        Parameters
        ----------
        item : str
            The item (one of :data:`~aurora_models.pricing.ITEMS` or
            :data:`~aurora_models.pricing.CLASS_ITEMS`).
        usd : float
            The new price, USD per the item's unit.
        instance_class : str
            The class, for a per-class item.

        Returns
        -------
        PriceBook
            The copy; ``self`` is unchanged.

        Examples
        --------
        >>> from aurora_models import pricing
        >>> pricing.load().with_price("acu_hour", 0.2).acu_hour_usd()
        0.2
        """
        check_choice("item", item, ITEMS + CLASS_ITEMS)
        usd = check_price("usd", usd)
        rows = self.rows.copy()
        hit = (rows["item"] == item) & (rows["instance_class"] == instance_class)
        if not hit.any():
            raise MissingPriceError(f"no {item!r} row for instance_class {instance_class!r}",
                                    item=item, region=self.region, engine=self.engine,
                                    instance_class=instance_class)
        rows.loc[hit, "usd"] = usd
        rows.loc[hit, "confidence"] = "assumption"
        rows.loc[hit, "source"] = "what-if: price set by the caller"
        return PriceBook(region=self.region, as_of=self.as_of, rows=rows, engine=self.engine)

    def to_frame(self) -> pd.DataFrame:
        """Tabulate every row of the book.

        Returns
        -------
        pandas.DataFrame
            ``item, instance_class, vcpu, memory_gib, unit, usd, source, confidence`` (and
            ``term, upfront_usd, recurring_hourly_usd`` when the book has reserved rates).
        """
        cols = COLUMNS + (RESERVED_COLUMNS if self._reserved else [])
        return self.rows[cols].reset_index(drop=True)

    def __repr__(self) -> str:
        return (f"PriceBook(region={self.region!r}, engine={self.engine!r}, as_of={self.as_of!r}, "
                f"rows={len(self.rows)})")

    def _repr_html_(self) -> str:
        """The book's key figures and its prices other than per instance class (a notebook's
        view; :meth:`to_frame` has every row)."""
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import repr_html

        per_class = self.rows["instance_class"].fillna("").astype(str) != ""
        flat = self.rows[~per_class]
        facts = [("region", self.region), ("engine", self.engine), ("as of", self.as_of),
                 ("rows", f"{len(self.rows):,}"),
                 ("instance classes priced",
                  f"{self.rows.loc[per_class, 'instance_class'].nunique():,}"),
                 ("missing", ", ".join(self.missing) or "none")]
        rows = [[str(r["item"]), f"{float(r['usd']):.6g}", str(r["unit"]), str(r["confidence"])]
                for _, r in flat.iterrows()]
        return repr_html(f"PriceBook: {self.region}, {self.engine}, as of {self.as_of}",
                         facts=facts, grids=[{
            "caption": "Prices other than per instance class",
            "head": ["item", "USD", "unit", "confidence"], "rows": rows, "numeric": (1,)}])


def io_optimized_break_even_share(price_book: PriceBook, *, compute_usd_per_month: float,
                                  storage_gib: float, serverless: bool = False) -> float:
    """Share of Aurora Standard spend on I/O at which I/O-Optimized costs the same.

    Parameters
    ----------
    price_book : PriceBook
        Prices of one region and engine.
    compute_usd_per_month : float
        Standard compute spend (instances or ACU-hours), USD per month.
    storage_gib : float
        Cluster storage, GiB (AWS's "GB-month" prices are per GiB-month).
    serverless : bool
        Compute is Serverless v2 ACU-hours (premium = ACU price ratio) rather than instances
        (premium = :attr:`PriceBook.io_optimized_instance_premium`).

    Returns
    -------
    float
        The break-even I/O share ``x*`` in [0, 1): I/O-Optimized is cheaper when I/O is more
        than ``x*`` of the Standard bill.

    Notes
    -----
    With compute ``C``, storage ``S`` GiB, Standard storage price ``p`` and I/O-Optimized price
    ``p'``, compute multiplier ``m`` and I/O spend ``X``, Standard costs ``C + S p + X`` and
    I/O-Optimized ``m C + S p'``. They are equal when ``X = P = (m - 1) C + (p' - p) S``, i.e.
    at the I/O share ``x* = P / (C + S p + P)``. When compute dominates, ``x* -> (m - 1) / m``:
    25 % for Serverless v2 in us-east-1 (0.16 / 0.12 = 4/3), 23 % for instances (x1.30), so
    AWS's 25 % rule holds for compute-heavy clusters; storage-heavy clusters need more
    (``(p' - p) / p' = 56 %`` when storage dominates, 0.225 vs 0.10).

    Examples
    --------
    >>> from aurora_models import pricing
    >>> pb = pricing.load()
    >>> round(io_optimized_break_even_share(pb, compute_usd_per_month=1000.0, storage_gib=0.0,
    ...                                     serverless=True), 4)
    0.25
    >>> round(io_optimized_break_even_share(pb, compute_usd_per_month=0.0, storage_gib=1000.0), 4)
    0.5556
    """
    if not isinstance(price_book, PriceBook):
        raise ParameterTypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    c = float(check_nonnegative("compute_usd_per_month", compute_usd_per_month))
    s = float(check_nonnegative("storage_gib", storage_gib))
    check_bool("serverless", serverless)
    if c == 0 and s == 0:
        raise ParameterValueError("`compute_usd_per_month` and `storage_gib` must not both be 0")
    if serverless:
        m = price_book.acu_hour_usd(io_optimized=True) / price_book.acu_hour_usd()
    else:
        m = price_book.io_optimized_instance_premium
    p, p_io = price_book.storage_gb_month_usd(), price_book.storage_gb_month_usd(io_optimized=True)
    premium = (m - 1.0) * c + (p_io - p) * s
    return premium / (c + s * p + premium)
