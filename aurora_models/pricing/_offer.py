"""The AWS Price List offer-file importer: AmazonRDS ``index.csv`` -> a price-book file."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._validate import check_choice
from ..exceptions import DataError, ParameterTypeError
from ._book import UNITS as _UNITS
from ._rules import price_violations, suggest

_COLUMNS = ["region", "item", "instance_class", "vcpu", "memory_gib", "unit", "usd", "as_of",
            "source", "confidence"]
#: Bounds on an instance's vCPUs and memory in an offer file: AWS's largest DB classes have 192
#: vCPUs and 4,096 GiB; a value beyond these bounds is a parsing error.
_MAX_VCPU, _MAX_MEMORY_GIB = 1024.0, 65536.0

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
        Naming the file, the line and the rule: a file that is not UTF-8 text (binary,
        Latin-1), missing metadata or columns, a row whose field count differs from the
        header's, a region with no rows in the file (never an empty book), a price that is not
        a number or breaks the price rule (finite, non-negative, at most
        :data:`~aurora_models.pricing.MAX_UNIT_PRICE_USD`: the rule of every price file and of
        :meth:`PriceBook.with_price`), a vCPU or memory value that is not positive or is absurd.

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
        raise ParameterTypeError(f"`region` must be a str, got {type(region).__name__}")
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    raw, as_of = _read_offer_rows(path)
    raw["_line"] = raw["_line"].astype(int)
    regions = sorted(set(raw["Region Code"]) - {""})
    if region not in regions:
        near = suggest(region, regions)
        raise DataError(f"column 'Region Code': region {region!r} has no rows in the offer file, "
                        f"which would give an empty price book (its regions: "
                        f"{', '.join(regions) or 'none'})"
                        + (f"; did you mean {near[0]!r}?" if near else ""),
                        path=str(path), line=6)
    keep = (raw["TermType"] == "OnDemand") & (raw["Region Code"] == region)
    keep &= raw["StartingRange"].isin(["", "0"])
    if "Currency" in raw.columns:
        keep &= raw["Currency"].isin(["", "USD"])
    raw = raw[keep]
    price = pd.to_numeric(raw["PricePerUnit"], errors="coerce")
    if price.isna().any():
        first = raw[price.isna()].iloc[0]
        raise DataError(f"column 'PricePerUnit': {first['PricePerUnit']!r} is not a number",
                        path=str(path), line=int(first["_line"]))
    rules = price_violations(price.to_numpy(dtype=float))
    if (rules != "").any():
        i = int(np.flatnonzero(rules != "")[0])
        raise DataError(f"column 'PricePerUnit' {rules[i]}, got {raw['PricePerUnit'].iat[i]!r}",
                        path=str(path), line=int(raw["_line"].iat[i]))  # type: ignore[arg-type]  # an int column (pandas-stubs: any scalar)
    for col, top in (("vCPU", _MAX_VCPU), ("Memory", _MAX_MEMORY_GIB)):
        text = raw[col].str.replace("GiB", "", regex=False).str.strip()
        value = pd.to_numeric(text.where(text != "", None), errors="coerce")
        with np.errstate(invalid="ignore"):
            bad = (text != "") & ~(value.gt(0) & value.le(top))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"column {col!r} must be a positive number at most {top:g}, got "
                            f"{raw[col].iat[i]!r}", path=str(path),
                            line=int(raw["_line"].iat[i]))  # type: ignore[arg-type]  # an int column (pandas-stubs: any scalar)
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
        io_prices = {float(r["price"]) for r in best}
        std = out.get(("instance_hour", cls))
        if len(io_prices) > 1 or std is None or std["usd"] <= 0:
            why = ("ambiguous: different I/O-Optimized prices" if len(io_prices) > 1 else
                   "no Standard price for the class to compare with")
            for r in rows:
                skip(r, f"I/O-Optimized {cls}: {why}")
            continue
        ratios.append(io_prices.pop() / std["usd"])
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


def _read_offer_rows(path: Path) -> tuple[pd.DataFrame, str]:
    """The offer file's rows (all text) with their line numbers, and its publication date.

    Refuses, naming the line and the rule: a file that is not UTF-8 text (binary, Latin-1),
    missing metadata, a missing column, and a row whose field count differs from the header's
    (one extra field would shift every column to its right).
    """
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise DataError("not a text file (NUL byte): an offer file is UTF-8 CSV text",
                        path=str(path), line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}; Latin-1 or binary?): an "
                        "offer file is UTF-8 CSV text", path=str(path), line=line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
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
    header = next(reader, None) or []
    missing = [c for c in _OFFER_COLUMNS if c not in header]
    if missing:
        raise DataError(f"missing column(s) {', '.join(map(repr, missing))} in the offer-file "
                        "header", path=str(path), line=6)
    rows, lines = [], []
    start = reader.line_num + 1
    for row in reader:
        if not row:
            start = reader.line_num + 1
            continue
        if len(row) != len(header):
            raise DataError(f"row has {len(row)} fields, the header has {len(header)} (a field "
                            "too many or too few shifts every column after it)",
                            path=str(path), line=start)
        rows.append(row)
        lines.append(start)
        start = reader.line_num + 1
    raw = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(
        columns=header, dtype=str)
    raw["_line"] = lines
    return raw, as_of
