"""The price book: dated list-price snapshots, and the AWS Price List offer-file importer.

Every model reads prices only through a :class:`PriceBook`, so a refreshed snapshot (or a
changed row) changes every bill without code changes.

- :func:`load` reads the bundled snapshot ``data/pricing/aurora_price_book.csv`` (or a file of
  the same format, e.g. one written by :func:`import_offer_file`) for one region.
- :func:`import_offer_file` reads AWS's public AmazonRDS offer file (CSV, Price List Bulk API)
  and writes a snapshot in our format.
- :func:`io_optimized_break_even_share` derives AWS's "I/O-Optimized pays from 25 % I/O spend"
  rule and shows where it holds.

Every row carries ``source`` and ``confidence``: ``verified`` (AWS's own page or Price List
API), ``secondary`` (third-party page or captured feed), or ``assumption`` (no source; the
rationale is in ``source``). Non-Aurora RDS rows are assumptions so that the Aurora-vs-RDS
decision table can run; they are flagged as such in :meth:`PriceBook.to_frame`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._validate import check_bool, check_choice, check_nonnegative, check_positive
from .data import _require, dataset_path, read_csv_checked
from .exceptions import DataError
from .units import HOURS_PER_MONTH  # re-exported; its home is units

__all__ = [
    "HOURS_PER_MONTH",
    "ITEMS",
    "MissingPriceError",
    "PriceBook",
    "import_offer_file",
    "io_optimized_break_even_share",
    "known_regions",
    "load",
]


#: The scalar items of a price book (instance rows are ``instance_hour`` / ``rds_instance_hour``).
ITEMS = (
    "acu_hour",
    "acu_hour_io_optimized",
    "storage_gb_month",
    "storage_gb_month_io_optimized",
    "io_per_million",
    "backup_gb_month",
    "global_write_io_per_million",
    "io_optimized_instance_premium",
    "rds_storage_gb_month",
    "rds_multi_az_instance_factor",
    "rds_multi_az_cluster_factor",
)
_CLASS_ITEMS = ("instance_hour", "rds_instance_hour")
_CONFIDENCE = ("verified", "secondary", "assumption")
_COLUMNS = {
    "region": "str", "item": "str", "instance_class": "str?", "vcpu": "float?",
    "memory_gib": "float?", "unit": "str", "usd": "float", "as_of": "str", "source": "str",
    "confidence": "str",
}
_DEPLOYMENTS = ("single-az", "multi-az-instance", "multi-az-cluster")


class MissingPriceError(LookupError, ValueError):
    """A price book has no row for the requested item (the region's snapshot lacks it)."""


def _snapshot_path(path) -> Path:
    return Path(path) if path is not None else dataset_path("aurora_price_book")


def _read_snapshot(path: Path) -> pd.DataFrame:
    frame = read_csv_checked(path, _COLUMNS)
    _require(frame, frame["usd"] >= 0, path, "column 'usd' must be non-negative")
    _require(frame, frame["confidence"].isin(_CONFIDENCE), path,
             "column 'confidence' must be 'verified', 'secondary' or 'assumption'")
    known = frame["item"].isin(ITEMS + _CLASS_ITEMS)
    _require(frame, known, path, "column 'item' must be one of " + ", ".join(ITEMS + _CLASS_ITEMS))
    is_class = frame["item"].isin(_CLASS_ITEMS)
    _require(frame, ~is_class | (frame["instance_class"] != ""), path,
             "column 'instance_class' is required for instance_hour rows")
    key = frame[["region", "item", "instance_class"]]
    _require(frame, ~key.duplicated(), path, "duplicate (region, item, instance_class) row")
    return frame


def known_regions(*, path: str | Path | None = None) -> list[str]:
    """Regions with at least one row in the snapshot (sorted).

    >>> "us-east-1" in known_regions()
    True
    """
    return sorted(_read_snapshot(_snapshot_path(path))["region"].unique())


@dataclass(frozen=True, kw_only=True, eq=False)
class PriceBook:
    """List prices of one region, one row per item, each with its source and confidence.

    Build it with :func:`load`. Scalar prices are methods or properties named with their unit;
    a price the snapshot lacks raises :class:`MissingPriceError` naming the item, never a
    made-up number.

    Parameters
    ----------
    region : str
        AWS region code, e.g. ``"us-east-1"``.
    as_of : str
        Date of the snapshot (ISO date).
    rows : pandas.DataFrame
        Columns ``item``, ``instance_class``, ``vcpu``, ``memory_gib``, ``unit``, ``usd``,
        ``source``, ``confidence``.

    Examples
    --------
    >>> pb = load("us-east-1")
    >>> pb.acu_hour_usd(), pb.acu_hour_usd(io_optimized=True)
    (0.12, 0.16)
    >>> pb.instance_hour_usd("db.r6g.large")
    0.26
    >>> round(pb.instance_hour_usd("db.r6g.large", io_optimized=True), 3)
    0.338
    """

    region: str
    as_of: str
    rows: pd.DataFrame = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.rows, pd.DataFrame):
            raise TypeError(f"`rows` must be a DataFrame, got {type(self.rows).__name__}")
        for col in ("item", "instance_class", "usd", "source", "confidence"):
            if col not in self.rows.columns:
                raise ValueError(f"`rows` must have a column {col!r}")
        if (self.rows["usd"] < 0).any():
            raise ValueError("`rows` column 'usd' must be non-negative")

    # -- lookup -----------------------------------------------------------------------------

    def _scalar(self, item: str) -> float:
        hit = self.rows.loc[self.rows["item"] == item, "usd"]
        if hit.empty:
            raise MissingPriceError(
                f"the {self.region} price book has no {item!r} row (missing items: "
                f"{', '.join(self.missing_items())}); load({self.region!r}, fallback=<region>) "
                "fills missing items from another region explicitly")
        return float(hit.iloc[0])

    def missing_items(self) -> list[str]:
        """Items of :data:`ITEMS` (and ``instance_hour``, ``rds_instance_hour``) with no row."""
        have = set(self.rows["item"])
        return [i for i in ITEMS + _CLASS_ITEMS if i not in have]

    def acu_hour_usd(self, io_optimized: bool = False) -> float:
        """Serverless v2 capacity, USD per ACU-hour (Aurora Standard or I/O-Optimized)."""
        check_bool("io_optimized", io_optimized)
        return self._scalar("acu_hour_io_optimized" if io_optimized else "acu_hour")

    def storage_gb_month_usd(self, io_optimized: bool = False) -> float:
        """Aurora cluster storage, USD per GB-month (Standard or I/O-Optimized)."""
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
    def io_optimized_instance_premium(self) -> float:
        """Multiplier on a provisioned instance's price under I/O-Optimized (1.30 in us-east-1)."""
        return self._scalar("io_optimized_instance_premium")

    def _class_rows(self, item: str) -> pd.DataFrame:
        return self.rows[self.rows["item"] == item]

    def _class_price(self, item: str, instance_class: str) -> float:
        if not isinstance(instance_class, str):
            raise TypeError(f"`instance_class` must be a str, got {type(instance_class).__name__}")
        rows = self._class_rows(item)
        hit = rows.loc[rows["instance_class"] == instance_class, "usd"]
        if hit.empty:
            listed = ", ".join(sorted(rows["instance_class"])) or "none"
            raise ValueError(f"`instance_class` must be one of the {self.region} {item} classes "
                             f"({listed}), got {instance_class!r}")
        return float(hit.iloc[0])

    def instance_hour_usd(self, instance_class: str, io_optimized: bool = False) -> float:
        """Aurora provisioned on-demand price, USD per instance-hour.

        Under I/O-Optimized the Standard price is multiplied by
        :attr:`io_optimized_instance_premium`.

        Raises
        ------
        ValueError
            Unknown class (the message lists the region's classes).
        """
        check_bool("io_optimized", io_optimized)
        price = self._class_price("instance_hour", instance_class)
        return price * self.io_optimized_instance_premium if io_optimized else price

    def instance_classes(self) -> pd.DataFrame:
        """Aurora instance classes: ``instance_class, vcpu, memory_gib, usd_per_hour, source,
        confidence``, sorted by price."""
        rows = self._class_rows("instance_hour")
        out = rows[["instance_class", "vcpu", "memory_gib", "usd", "source", "confidence"]]
        out = out.rename(columns={"usd": "usd_per_hour"})
        return out.sort_values(["usd_per_hour", "instance_class"], ignore_index=True)

    def instance_acu(self, instance_class: str) -> float:
        """ACU-equivalents of a class: memory in GiB / 2 (1 ACU ~ 2 GiB, user guide)."""
        self._class_price("instance_hour", instance_class)
        rows = self._class_rows("instance_hour")
        return float(rows.loc[rows["instance_class"] == instance_class, "memory_gib"].iloc[0]) / 2

    def cheapest_instance_class(self, memory_gib: float, *, io_optimized: bool = False) -> str:
        """The cheapest Aurora class with at least ``memory_gib`` of memory.

        Raises
        ------
        ValueError
            If no class in the book is large enough.

        Examples
        --------
        >>> load().cheapest_instance_class(18.0)
        'db.r6g.xlarge'
        """
        need = float(check_positive("memory_gib", memory_gib))
        check_bool("io_optimized", io_optimized)
        classes = self.instance_classes()
        fit = classes[classes["memory_gib"] >= need]
        if fit.empty:
            raise ValueError(f"`memory_gib` must be at most {classes['memory_gib'].max():g} "
                             f"(the largest {self.region} class), got {need:g}")
        return str(fit.iloc[0]["instance_class"])

    def rds_instance_hour_usd(self, instance_class: str, deployment: str = "single-az") -> float:
        """Non-Aurora RDS (MySQL/PostgreSQL) on-demand price, USD per hour for the deployment.

        ``multi-az-instance`` bills 2 instances (primary + standby) and ``multi-az-cluster`` 3
        (writer + 2 readable standbys): the factors are rows of the book (``assumption``).
        """
        check_choice("deployment", deployment, _DEPLOYMENTS)
        return self._class_price("rds_instance_hour", instance_class) * self._deployment(deployment)

    def rds_storage_gb_month_usd(self, deployment: str = "single-az") -> float:
        """Non-Aurora RDS gp3 storage, USD per GB-month, times the deployment's copy count."""
        check_choice("deployment", deployment, _DEPLOYMENTS)
        return self._scalar("rds_storage_gb_month") * self._deployment(deployment)

    def _deployment(self, deployment: str) -> float:
        if deployment == "single-az":
            return 1.0
        key = "instance" if deployment == "multi-az-instance" else "cluster"
        return self._scalar(f"rds_multi_az_{key}_factor")

    def with_price(self, item: str, usd: float, *, instance_class: str = "") -> PriceBook:
        """A copy with one row's price replaced (its confidence becomes ``assumption``).

        >>> load().with_price("acu_hour", 0.2).acu_hour_usd()
        0.2
        """
        check_choice("item", item, ITEMS + _CLASS_ITEMS)
        usd = float(check_nonnegative("usd", usd))
        rows = self.rows.copy()
        hit = (rows["item"] == item) & (rows["instance_class"] == instance_class)
        if not hit.any():
            raise MissingPriceError(f"no {item!r} row for instance_class {instance_class!r}")
        rows.loc[hit, "usd"] = usd
        rows.loc[hit, "confidence"] = "assumption"
        rows.loc[hit, "source"] = "what-if: price set by the caller"
        return PriceBook(region=self.region, as_of=self.as_of, rows=rows)

    def to_frame(self) -> pd.DataFrame:
        """Every row: ``item, instance_class, vcpu, memory_gib, unit, usd, source, confidence``."""
        cols = ["item", "instance_class", "vcpu", "memory_gib", "unit", "usd", "source",
                "confidence"]
        return self.rows[cols].reset_index(drop=True)

    def __repr__(self) -> str:
        return f"PriceBook(region={self.region!r}, as_of={self.as_of!r}, rows={len(self.rows)})"


def load(region: str = "us-east-1", *, path: str | Path | None = None,
         fallback: str | None = None) -> PriceBook:
    """The price book of one region.

    Parameters
    ----------
    region : str
        AWS region code.
    path : str or Path, optional
        A snapshot file in our format (e.g. written by :func:`import_offer_file`); default the
        bundled ``data/pricing/aurora_price_book.csv``.
    fallback : str, optional
        Fill items the region lacks from this region's rows, explicitly: such rows get
        ``confidence = "assumption"`` and a ``source`` starting ``"FALLBACK from <region>"``.
        Default: no fallback (a missing item raises :class:`MissingPriceError` when asked for).

    Returns
    -------
    PriceBook

    Raises
    ------
    ValueError
        Unknown region (the message lists the known ones).
    DataError
        Malformed snapshot (file and line named).

    Examples
    --------
    >>> pb = load("eu-west-2")
    >>> pb.acu_hour_usd(io_optimized=True)
    0.19
    >>> "storage_gb_month" in pb.missing_items()
    True
    >>> load("eu-west-2", fallback="us-east-1").storage_gb_month_usd()
    0.1
    """
    path = _snapshot_path(path)
    frame = _read_snapshot(path)
    regions = sorted(frame["region"].unique())
    check_choice("region", region, regions)
    rows = frame[frame["region"] == region]
    if fallback is not None:
        check_choice("fallback", fallback, regions)
        have = set(zip(rows["item"], rows["instance_class"], strict=True))
        extra = frame[(frame["region"] == fallback)]
        extra = extra[[(i, c) not in have for i, c in
                       zip(extra["item"], extra["instance_class"], strict=True)]].copy()
        extra["source"] = f"FALLBACK from {fallback} (no {region} price in the snapshot): " + \
            extra["source"]
        extra["confidence"] = "assumption"
        rows = pd.concat([rows, extra], ignore_index=True)
    as_of = str(frame.loc[frame["region"] == region, "as_of"].max())
    return PriceBook(region=region, as_of=as_of, rows=rows.reset_index(drop=True))


# ------------------------------------------------------------------------------------------
# AWS Price List offer file (CSV)

_OFFER_COLUMNS = ("TermType", "PricePerUnit", "Unit", "usageType", "Region Code",
                  "Database Engine", "Product Family", "Instance Type", "vCPU", "Memory",
                  "Deployment Option", "StartingRange", "SKU")
_AURORA_USAGE = {
    "Aurora:ServerlessV2Usage": "acu_hour",
    "Aurora:ServerlessV2IOOptimizedUsage": "acu_hour_io_optimized",
    "Aurora:StorageUsage": "storage_gb_month",
    "Aurora:IO-OptimizedStorageUsage": "storage_gb_month_io_optimized",
    "Aurora:StorageIOUsage": "io_per_million",
    "Aurora:BackupUsage": "backup_gb_month",
}
_PER_MILLION = {"io_per_million", "global_write_io_per_million"}
_EXPECTED_UNIT = {
    "acu_hour": "ACU-Hr", "acu_hour_io_optimized": "ACU-Hr", "storage_gb_month": "GB-Mo",
    "storage_gb_month_io_optimized": "GB-Mo", "io_per_million": "IOs", "backup_gb_month": "GB-Mo",
    "global_write_io_per_million": "IOs", "instance_hour": "Hrs", "rds_instance_hour": "Hrs",
}
# an I/O-Optimized row may be told apart by its usageType or only by an attribute: look in all
_IO_OPT_MARK = re.compile(r"i/?o[- ]?optimi[sz]", re.IGNORECASE)
_IO_OPT_FIELDS = ("usageType", "Storage", "Volume Type", "Group", "Group Description",
                  "PriceDescription", "Storage Media")
_UNITS = {
    "acu_hour": "USD per ACU-hour", "acu_hour_io_optimized": "USD per ACU-hour",
    "storage_gb_month": "USD per GB-month", "storage_gb_month_io_optimized": "USD per GB-month",
    "io_per_million": "USD per million I/O requests", "backup_gb_month": "USD per GB-month",
    "global_write_io_per_million": "USD per million replicated write I/Os",
    "io_optimized_instance_premium": "ratio", "instance_hour": "USD per instance-hour",
    "rds_instance_hour": "USD per instance-hour", "rds_storage_gb_month": "USD per GB-month",
}
_PREFIX = re.compile(r"^[A-Z]{2,4}\d?-(?=[A-Z])")


def _base_usage(usage: str) -> str:
    """``EUW2-Aurora:StorageUsage`` -> ``Aurora:StorageUsage`` (us-east-1 has no prefix)."""
    return _PREFIX.sub("", usage, count=1)


def import_offer_file(path: str | Path, region: str, *, output_path: str | Path | None = None,
                      engine: str = "Aurora MySQL") -> pd.DataFrame:
    """Read AWS's AmazonRDS offer file (CSV) and return (and optionally write) a snapshot.

    Parameters
    ----------
    path : str or Path
        The offer file, ``.../offers/v1.0/aws/AmazonRDS/current/[<region>/]index.csv``: five
        metadata rows (``FormatVersion``, ``Disclaimer``, ``Publication Date``, ``Version``,
        ``OfferCode``), then the header; columns are read by name.
    region : str
        Region code to keep (column ``Region Code``).
    output_path : str or Path, optional
        Write the snapshot there, in the format :func:`load` reads (``load(region,
        path=output_path)``).
    engine : {"Aurora MySQL", "Aurora PostgreSQL"}
        Engine whose rows win when both engines list a price for the same item.

    Returns
    -------
    pandas.DataFrame
        Snapshot rows (columns of ``data/pricing/aurora_price_book.csv``), ``confidence`` =
        ``verified``, ``as_of`` = the file's publication date, ``source`` naming the SKU.

    Raises
    ------
    DataError
        Missing metadata or columns, an unparseable or negative price (file and line named).

    Notes
    -----
    Kept: ``TermType == "OnDemand"``, the region, USD, first price tier. Skipped: Reserved
    terms (and their upfront ``Quantity`` rows), other regions, other engines (Oracle, SQL
    Server...). Mapped by ``usageType`` after removing the region prefix (``EUW2-``...):
    ``Aurora:ServerlessV2Usage`` -> ``acu_hour``, ``Aurora:ServerlessV2IOOptimizedUsage``,
    ``Aurora:StorageUsage``, ``Aurora:IO-OptimizedStorageUsage``, ``Aurora:StorageIOUsage``
    (per I/O, times 1e6), ``Aurora:BackupUsage``; ``Product Family == "Aurora Global
    Database"`` with unit ``IOs`` -> ``global_write_io_per_million``; ``InstanceUsage:db.*`` of
    an Aurora engine -> ``instance_hour`` (vCPU and ``Memory`` "16 GiB" parsed);
    ``InstanceUsageIOOptimized:db.*`` -> the median ratio to Standard is
    ``io_optimized_instance_premium``; Single-AZ ``InstanceUsage:db.*`` of MySQL/PostgreSQL ->
    ``rds_instance_hour``. Items the file lacks are simply absent (the book reports them).

    Two names are not verified against a real file, so the importer does not rely on them:
    Global Database replicated write I/O is matched by product family and unit ``IOs`` (no
    usage-type name), and an instance row is I/O-Optimized when its usage type starts with
    ``InstanceUsageIOOptimized:`` *or* any of its usage type, storage, volume type, group or
    description mentions I/O-Optimized (so such a row is never taken as a Standard price).
    A row whose unit is not the item's (``ACU-Hr``, ``GB-Mo``, ``IOs``, ``Hrs``), or an item
    with different prices for the preferred engine (e.g. two Global Database I/O rows), is
    skipped rather than guessed. ``snapshot.attrs["skipped"]`` lists every OnDemand row of
    the region that gave no price (``line, usage_type, engine, reason``).
    """
    check_choice("engine", engine, ["Aurora MySQL", "Aurora PostgreSQL"])
    if not isinstance(region, str):
        raise TypeError(f"`region` must be a str, got {type(region).__name__}")
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        meta = {}
        for i in range(5):
            row = next(reader, None)
            if row is None or len(row) < 2:
                raise DataError("expected 5 metadata rows (FormatVersion, Disclaimer, "
                                "Publication Date, Version, OfferCode) before the header",
                                path=str(path), line=i + 1)
            meta[row[0]] = row[1]
    if meta.get("OfferCode") != "AmazonRDS":
        raise DataError(f"OfferCode must be 'AmazonRDS', got {meta.get('OfferCode')!r}",
                        path=str(path), line=5)
    as_of = str(meta.get("Publication Date", ""))[:10] or "unknown"
    raw = pd.read_csv(path, skiprows=5, dtype=str, keep_default_na=False)
    missing = [c for c in _OFFER_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(map(repr, missing))} in the offer-file "
                        "header", path=str(path), line=6)
    raw["_line"] = np.arange(len(raw)) + 7
    keep = (raw["TermType"] == "OnDemand") & (raw["Region Code"] == region)
    keep &= raw["StartingRange"].isin(["", "0"])
    if "Currency" in raw.columns:
        keep &= raw["Currency"].isin(["", "USD"])
    raw = raw[keep]
    price = pd.to_numeric(raw["PricePerUnit"], errors="coerce")
    bad = price.isna() | (price < 0)
    if bad.any():
        first = raw[bad].iloc[0]
        raise DataError(f"column 'PricePerUnit': {first['PricePerUnit']!r} is not a "
                        "non-negative number", path=str(path), line=int(first["_line"]))
    raw = raw.assign(price=price, base=raw["usageType"].map(_base_usage))
    # preferred: the chosen Aurora engine, and for RDS rows its non-Aurora counterpart
    rank = np.where(raw["Database Engine"].isin([engine, engine.removeprefix("Aurora ")]), 0, 1)
    raw = raw.assign(rank=rank).sort_values(["rank", "_line"], kind="stable")

    # 1. classify every kept row: (item, instance_class, vcpu, memory) or a reason to skip it
    skipped: list[dict] = []
    cands: dict[tuple[str, str], list] = {}
    io_opt: dict[str, list] = {}

    def skip(r, reason):
        skipped.append(dict(line=int(r["_line"]), usage_type=r["usageType"],
                            engine=r["Database Engine"], reason=reason))

    for _, r in raw.iterrows():
        base, family, unit = r["base"], r["Product Family"], r["Unit"]
        engine_r = r["Database Engine"]
        is_aurora = engine_r.startswith("Aurora")
        marked = any(_IO_OPT_MARK.search(str(r.get(c, ""))) for c in _IO_OPT_FIELDS)
        if base in _AURORA_USAGE:
            item, cls, vcpu, mem = _AURORA_USAGE[base], "", np.nan, np.nan
        elif family == "Aurora Global Database":
            # no verified usageType name: match by family and unit, never by a guessed name
            if unit != "IOs":
                skip(r, f"Aurora Global Database row with unit {unit!r}, not 'IOs'")
                continue
            item, cls, vcpu, mem = "global_write_io_per_million", "", np.nan, np.nan
        elif base.startswith(("InstanceUsage:db.", "InstanceUsageIOOptimized:db.")):
            cls = base.split(":", 1)[1]
            if not (is_aurora or engine_r in ("MySQL", "PostgreSQL")):
                skip(r, f"engine {engine_r!r} is neither Aurora nor RDS MySQL/PostgreSQL")
                continue
            if r["Deployment Option"] not in ("Single-AZ", ""):
                skip(r, f"deployment option {r['Deployment Option']!r} (Single-AZ only)")
                continue
            if marked or base.startswith("InstanceUsageIOOptimized:"):
                if not is_aurora:
                    skip(r, "I/O-Optimized marker on a non-Aurora instance")
                elif unit != "Hrs":
                    skip(r, f"I/O-Optimized instance row with unit {unit!r}, not 'Hrs'")
                else:
                    io_opt.setdefault(cls, []).append(r)
                continue
            item = "instance_hour" if is_aurora else "rds_instance_hour"
            vcpu = pd.to_numeric(r["vCPU"], errors="coerce")
            mem = pd.to_numeric(r["Memory"].replace("GiB", "").strip(), errors="coerce")
        else:
            skip(r, "usage type not used by the price book")
            continue
        if unit != _EXPECTED_UNIT[item]:
            skip(r, f"unit {unit!r} for {item} (expected {_EXPECTED_UNIT[item]!r})")
            continue
        if marked and item in ("acu_hour", "storage_gb_month", "global_write_io_per_million"):
            skip(r, f"I/O-Optimized marker on a row mapped to {item}")
            continue
        cands.setdefault((item, cls), []).append((r, vcpu, mem))

    # 2. one price per item: the preferred engine's rows must agree, else skip (never guess)
    out: dict[tuple[str, str], dict] = {}
    for (item, cls), rows in cands.items():
        best = [x for x in rows if x[0]["rank"] == rows[0][0]["rank"]]
        prices = sorted({float(x[0]["price"]) for x in best})
        if len(prices) > 1:
            for x in rows:
                skip(x[0], f"ambiguous: {len(prices)} different {item} prices for "
                           f"{cls or 'the region'} ({', '.join(f'{v:g}' for v in prices)})")
            continue
        r, vcpu, mem = best[0]
        usd = float(r["price"]) * (1e6 if item in _PER_MILLION else 1.0)
        out[(item, cls)] = dict(
            region=region, item=item, instance_class=cls, vcpu=vcpu, memory_gib=mem,
            unit=_UNITS[item], usd=usd, as_of=as_of,
            source=f"AWS Price List offer file AmazonRDS, published {as_of}, SKU {r['SKU']} "
                   f"({r['usageType']})", confidence="verified")
        for x in rows[len(best):]:
            skip(x[0], f"{item} {cls} also listed for the preferred engine {engine!r}".replace(
                "  ", " "))

    # 3. the I/O-Optimized instance premium: ratio to the same class's Standard price
    ratios = []
    for cls, rows in io_opt.items():
        best = [r for r in rows if r["rank"] == rows[0]["rank"]]
        prices = {float(r["price"]) for r in best}
        std = out.get(("instance_hour", cls))
        if len(prices) > 1 or std is None or std["usd"] <= 0:
            why = ("ambiguous: different I/O-Optimized prices" if len(prices) > 1 else
                   "no Standard price for the class to compare with")
            for r in rows:
                skip(r, f"I/O-Optimized {cls}: {why}")
            continue
        ratios.append(prices.pop() / std["usd"])
    if ratios:
        spread = max(ratios) / min(ratios)
        out[("io_optimized_instance_premium", "")] = dict(
            region=region, item="io_optimized_instance_premium", instance_class="",
            vcpu=np.nan, memory_gib=np.nan, unit="ratio", usd=round(float(np.median(ratios)), 4),
            as_of=as_of, source=f"AWS Price List offer file AmazonRDS, published {as_of}: median "
            f"I/O-Optimized/Standard instance price ratio over {len(ratios)} class(es) "
            f"(max/min {spread:.4f})", confidence="verified")
    snap = pd.DataFrame(list(out.values()), columns=list(_COLUMNS))
    snap.attrs["skipped"] = pd.DataFrame(
        skipped, columns=["line", "usage_type", "engine", "reason"]).sort_values(
        "line", ignore_index=True)
    if output_path is not None:
        snap.to_csv(output_path, index=False)
    return snap


# ------------------------------------------------------------------------------------------
# I/O-Optimized break-even


def io_optimized_break_even_share(price_book: PriceBook, *, compute_usd_per_month: float,
                                  storage_gb: float, serverless: bool = False) -> float:
    """Share of Aurora Standard spend on I/O at which I/O-Optimized costs the same.

    Parameters
    ----------
    price_book : PriceBook
    compute_usd_per_month : float
        Standard compute spend (instances or ACU-hours), USD per month.
    storage_gb : float
        Cluster storage, GB.
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
    With compute ``C``, storage ``S`` GB, Standard storage price ``p`` and I/O-Optimized price
    ``p'``, compute multiplier ``m`` and I/O spend ``X``, Standard costs ``C + S p + X`` and
    I/O-Optimized ``m C + S p'``. They are equal when ``X = P = (m - 1) C + (p' - p) S``, i.e.
    at the I/O share ``x* = P / (C + S p + P)``. When compute dominates, ``x* -> (m - 1) / m``:
    25 % for Serverless v2 in us-east-1 (0.16 / 0.12 = 4/3), 23 % for instances (x1.30), so
    AWS's 25 % rule holds for compute-heavy clusters; storage-heavy clusters need more
    (``(p' - p) / p' = 56 %`` when storage dominates, 0.225 vs 0.10).

    Examples
    --------
    >>> pb = load()
    >>> round(io_optimized_break_even_share(pb, compute_usd_per_month=1000.0, storage_gb=0.0,
    ...                                     serverless=True), 4)
    0.25
    >>> round(io_optimized_break_even_share(pb, compute_usd_per_month=0.0, storage_gb=1000.0), 4)
    0.5556
    """
    if not isinstance(price_book, PriceBook):
        raise TypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    c = float(check_nonnegative("compute_usd_per_month", compute_usd_per_month))
    s = float(check_nonnegative("storage_gb", storage_gb))
    check_bool("serverless", serverless)
    if c == 0 and s == 0:
        raise ValueError("`compute_usd_per_month` and `storage_gb` must not both be 0")
    if serverless:
        m = price_book.acu_hour_usd(io_optimized=True) / price_book.acu_hour_usd()
    else:
        m = price_book.io_optimized_instance_premium
    p, p_io = price_book.storage_gb_month_usd(), price_book.storage_gb_month_usd(io_optimized=True)
    premium = (m - 1.0) * c + (p_io - p) * s
    return premium / (c + s * p + premium)
