"""The AWS Price List offer-file importer: AmazonRDS CSV or regional JSON -> a price-book file.

Both forms are streamed: the CSV row by row with the :mod:`csv` module, the JSON with ``ijson``
(the ``offers`` extra), so only the rows of one region's Aurora and RDS MySQL/PostgreSQL prices
are ever held, never the file (the all-region AmazonRDS CSV is hundreds of MB).
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .._optional import require
from .._output import write_file_atomic
from .._validate import check_choice
from ..exceptions import DataError, ParameterTypeError
from ._book import RESERVED_COLUMNS, RESERVED_ITEM
from ._book import UNITS as _UNITS
from ._reserved import LEASE_LENGTHS, PURCHASE_OPTIONS, RESERVED_TERMS, effective_hourly_usd
from ._rules import MAX_UNIT_PRICE_USD, price_violations, suggest
from ._usage_types import AURORA_USAGE as _ALL_USAGE
from ._usage_types import base_usage as _base_usage

# the offer file's Aurora rows by usage type (replicated write I/O is read by product family)
_AURORA_USAGE = {k: v for k, v in _ALL_USAGE.items() if v != "global_write_io_per_million"}

_COLUMNS = ["region", "item", "instance_class", "vcpu", "memory_gib", "unit", "usd", "as_of",
            "source", "confidence", *RESERVED_COLUMNS]
#: Bounds on an instance's vCPUs and memory in an offer file: AWS's largest DB classes have 192
#: vCPUs and 4,096 GiB; a value beyond these bounds is a parsing error.
_MAX_VCPU, _MAX_MEMORY_GIB = 1024.0, 65536.0
#: Largest upfront fee of a reserved term: the unit-price cap over a 3-year term's hours (an
#: upfront fee is a one-off amount, not a unit price; amortised it obeys the unit-price rule).
MAX_UPFRONT_USD = MAX_UNIT_PRICE_USD * 3 * 8760.0

# columns the importer needs (a header without one is refused) and those it reads when present
_OFFER_COLUMNS = ("SKU", "OfferTermCode", "TermType", "PricePerUnit", "Unit", "StartingRange",
                  "LeaseContractLength", "PurchaseOption", "usageType", "Region Code",
                  "Database Engine", "Product Family", "Instance Type", "vCPU", "Memory",
                  "Deployment Option")
_OPTIONAL_COLUMNS = ("Currency", "OfferingClass", "PriceDescription", "Storage", "Volume Type",
                     "Group", "Group Description", "Storage Media")
_FIELDS = _OFFER_COLUMNS + _OPTIONAL_COLUMNS
# the JSON form's product attributes (camelCase) -> the CSV form's column names
_JSON_ATTRIBUTES = {"usagetype": "usageType", "regionCode": "Region Code",
                    "databaseEngine": "Database Engine", "instanceType": "Instance Type",
                    "vcpu": "vCPU", "memory": "Memory", "deploymentOption": "Deployment Option",
                    "storage": "Storage", "volumeType": "Volume Type", "group": "Group",
                    "groupDescription": "Group Description", "storageMedia": "Storage Media"}

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
_ENGINES_KEPT = ("Aurora MySQL", "Aurora PostgreSQL", "MySQL", "PostgreSQL")


def import_offer_file(path: str | Path, region: str | None = None, *,
                      output_path: str | Path | None = None,
                      engine: str = "Aurora MySQL") -> pd.DataFrame:
    """Read AWS's AmazonRDS offer file (CSV or regional JSON) into a price book.

    It returns the book (on-demand and reserved rows) and optionally writes it.

    Parameters
    ----------
    path : str or Path
        The offer file, ``.../offers/v1.0/aws/AmazonRDS/current/[<region>/]index.csv`` (five
        metadata rows ``FormatVersion``, ``Disclaimer``, ``Publication Date``, ``Version``,
        ``OfferCode``, then the header; columns are read by name) or ``index.json`` of one
        region (``formatVersion``, ..., ``products``, ``terms``; needs ``ijson``, the
        ``offers`` extra). A file ending ``.json`` (or starting with ``{``) is read as JSON.
    region : str, optional
        Region code to keep (column ``Region Code``, attribute ``regionCode``). Required for the
        all-region file; a regional file's region is read from it.
    output_path : str or Path, optional
        Write the book there (atomically), in the format :func:`load` reads
        (``load(region, path=output_path)``).
    engine : {"Aurora MySQL", "Aurora PostgreSQL"}
        Engine whose rows win when both engines list a price for the same item.

    Returns
    -------
    pandas.DataFrame
        Book rows (the columns of ``data/pricing/aurora_price_book.csv`` and the reserved
        columns ``term, upfront_usd, recurring_hourly_usd``), ``confidence`` = ``verified``,
        ``as_of`` = the file's publication date, ``source`` naming the SKU (and for a reserved
        rate its term code). ``attrs["skipped"]`` lists every row of the region that gave no
        price (``line, usage_type, engine, reason``; ``line`` is the JSON location in a JSON
        file); ``attrs["skipped_counts"]`` counts the skipped rows per reason, rows of other
        regions and terms included; ``attrs["region"]`` is the region kept.

    Raises
    ------
    DataError
        One line naming the file, the line (or JSON location) and the rule: a file that is not
        UTF-8 text (binary, Latin-1), not an AmazonRDS offer file (metadata, ``OfferCode``),
        missing columns, a row whose field count differs from the header's (a truncated file),
        truncated or malformed JSON, a region with no rows in the file (never an empty book),
        several regions and no ``region``, a price that is not a number or breaks the price
        rule (finite, non-negative, at most :data:`~aurora_models.pricing.MAX_UNIT_PRICE_USD`;
        an upfront fee at most ``MAX_UPFRONT_USD``), a vCPU or memory value that is not
        positive or is absurd, a Reserved row without ``LeaseContractLength`` or
        ``PurchaseOption``.
    MissingDependencyError
        A JSON file without ``ijson`` installed (``pip install 'aurora-arch-models[offers]'``).

    Notes
    -----
    Kept: ``TermType`` ``OnDemand`` and ``Reserved``, the region, USD, first price tier.
    Skipped with a reason: other regions, other engines (Oracle, SQL Server...), higher tiers.
    On-demand rows are mapped by ``usageType`` after removing the region prefix (``EUW2-``...):
    ``Aurora:ServerlessV2Usage`` -> ``acu_hour``, ``Aurora:ServerlessV2IOOptimizedUsage``,
    ``Aurora:StorageUsage``, ``Aurora:IO-OptimizedStorageUsage``, ``Aurora:StorageIOUsage``
    (per I/O, times 1e6), ``Aurora:BackupUsage``; ``Product Family == "Aurora Global
    Database"`` with unit ``IOs`` -> ``global_write_io_per_million``; ``InstanceUsage:db.*`` of
    an Aurora engine -> ``instance_hour`` (vCPU and ``Memory`` "16 GiB" parsed);
    ``InstanceUsageIOOptimized:db.*`` -> the median ratio to Standard is
    ``io_optimized_instance_premium``; Single-AZ ``InstanceUsage:db.*`` of MySQL/PostgreSQL ->
    ``rds_instance_hour``. Items the file lacks are simply absent (the book reports them).

    Reserved rows of an Aurora engine's Standard ``InstanceUsage:db.*`` become
    ``instance_hour_reserved`` rows, one per class and term of
    :data:`~aurora_models.pricing.RESERVED_TERMS` (``LeaseContractLength`` ``1yr``/``3yr`` and
    ``PurchaseOption`` ``No/Partial/All Upfront``, ``OfferingClass`` ``standard``). A term's
    rows share its SKU and ``OfferTermCode``: the ``Unit = Quantity`` row is the upfront fee
    (absent or 0 for No Upfront), the ``Hrs`` row the recurring hourly rate (absent or 0 for
    All Upfront). ``usd`` is the effective hourly rate ``upfront / hours of the term +
    recurring``, with 8,760 hours a year
    (:data:`~aurora_models.pricing.RESERVED_TERM_HOURS`); ``upfront_usd`` and
    ``recurring_hourly_usd`` keep the parts. I/O-Optimized reserved rows, RDS (non-Aurora)
    reserved rows, convertible classes and terms the bill does not model (3-year No Upfront)
    are skipped with their reason.

    Two names are not verified against a real file, so the importer does not rely on them:
    Global Database replicated write I/O is matched by product family and unit ``IOs`` (no
    usage-type name), and an instance row is I/O-Optimized when its usage type starts with
    ``InstanceUsageIOOptimized:`` *or* any of its usage type, storage, volume type, group or
    description mentions I/O-Optimized (so such a row is never taken as a Standard price).
    A row whose unit is not the item's (``ACU-Hr``, ``GB-Mo``, ``IOs``, ``Hrs``), or an item
    with different prices for the preferred engine (e.g. two Global Database I/O rows), is
    skipped rather than guessed.

    Examples
    --------
    A one-row offer file (the real one has some 100,000 rows):

    >>> import csv, pathlib, tempfile
    >>> meta = [["FormatVersion", "v1.0"], ["Disclaimer", "example"],
    ...         ["Publication Date", "2026-01-01T00:00:00Z"], ["Version", "1"],
    ...         ["OfferCode", "AmazonRDS"]]
    >>> cols = ["SKU", "OfferTermCode", "TermType", "PricePerUnit", "Unit", "usageType",
    ...         "Region Code", "Database Engine", "Product Family", "Instance Type", "vCPU",
    ...         "Memory", "Deployment Option", "StartingRange", "Currency",
    ...         "LeaseContractLength", "PurchaseOption"]
    >>> row = ["SKU1", "JRTCKXETXF", "OnDemand", "0.12", "ACU-Hr", "Aurora:ServerlessV2Usage",
    ...        "us-east-1", "Aurora MySQL", "ServerlessV2", "", "", "", "", "0", "USD", "", ""]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "index.csv"
    ...     with open(path, "w", newline="") as f:
    ...         csv.writer(f, quoting=csv.QUOTE_ALL).writerows([*meta, cols, row])
    ...     book = import_offer_file(path, "us-east-1")
    >>> book[["item", "usd", "as_of"]].values.tolist()
    [['acu_hour', 0.12, '2026-01-01']]
    """
    check_choice("engine", engine, ["Aurora MySQL", "Aurora PostgreSQL"])
    if region is not None and not isinstance(region, str):
        raise ParameterTypeError(f"`region` must be a str, got {type(region).__name__}")
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    job = _Import(path, region, engine)
    if _is_json(path):
        _read_json(path, job)
    else:
        _read_csv(path, job)
    book = job.finish()
    if output_path is not None:
        write_file_atomic(output_path, book.to_csv(index=False, lineterminator="\n"))
    return book


def offer_file_kind(path: str | Path) -> str | None:
    """Tell whether ``path`` looks like an AWS Price List offer file, and which form.

    Reads the first bytes only: an offer CSV starts with its ``"FormatVersion"`` metadata row,
    an offer JSON with ``{`` and a ``formatVersion`` or ``offerCode`` key.

    Parameters
    ----------
    path : str or Path
        Any file (a price book, an offer file...).

    Returns
    -------
    str or None
        ``"csv"`` or ``"json"`` for an offer file, None for anything else.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "index.csv").write_text('"FormatVersion","v1.0"')
    >>> _ = (d / "book.csv").write_text("region,item,usd")
    >>> offer_file_kind(d / "index.csv"), offer_file_kind(d / "book.csv")
    ('csv', None)
    """
    with Path(path).open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b'"FormatVersion"', b"FormatVersion,")):
        return "csv"
    if head.startswith(b"{") and (b'"formatVersion"' in head or b'"offerCode"' in head):
        return "json"
    return None


# -- reading: both forms give the same records (CSV column names) to one classifier --------------


def _is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    with path.open("rb") as fh:
        return fh.read(64).lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"{")


def _check_text(path: Path) -> None:
    """Refuse a binary file (a NUL byte in the first 64 KiB: a zipped download) by its line."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if b"\x00" in head:
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise DataError("not a text file (NUL byte): an offer file is UTF-8 text",
                        path=str(path), line=line)


def _bad_utf8(path: Path, exc: UnicodeDecodeError) -> DataError:
    """The line of the first byte that is not UTF-8 (found by re-reading, on the error path)."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as e:
                return DataError(f"not UTF-8 text (byte 0x{raw[e.start]:02x}; Latin-1 or "
                                 "binary?): an offer file is UTF-8 text", path=str(path), line=n)
    return DataError(f"not UTF-8 text ({exc.reason})", path=str(path))  # pragma: no cover


def _read_csv(path: Path, job: _Import) -> None:
    """Stream the CSV: metadata, header, then one row at a time into ``job``."""
    _check_text(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            meta = {}
            for i in range(5):
                row = next(reader, None)
                if row is None or len(row) < 2:
                    raise DataError("expected 5 metadata rows (FormatVersion, Disclaimer, "
                                    "Publication Date, Version, OfferCode) before the header",
                                    path=str(path), line=i + 1)
                meta[row[0]] = row[1]
            job.metadata(meta.get("OfferCode"), meta.get("Publication Date"), 5)
            header = next(reader, None) or []
            missing = [c for c in _OFFER_COLUMNS if c not in header]
            if missing:
                raise DataError(f"missing column(s) {', '.join(map(repr, missing))} in the "
                                "offer-file header", path=str(path), line=6)
            pos = [header.index(c) if c in header else None for c in _FIELDS]
            width = len(header)
            at_region = header.index("Region Code")
            start = reader.line_num + 1
            for row in reader:
                if not row:
                    start = reader.line_num + 1
                    continue
                if len(row) != width:
                    raise DataError(f"row has {len(row)} fields, the header has {width} (a "
                                    "field too many or too few shifts every column after it; "
                                    "a truncated file ends so)", path=str(path), line=start)
                reg = row[at_region]
                if job.region_given and reg != job.region and reg in job.regions:
                    # the fast path of an all-region file: another region's row, already seen
                    job.counts["another region"] += 1
                    start = reader.line_num + 1
                    continue
                job.add(dict(zip(_FIELDS, [row[p] if p is not None else "" for p in pos],
                                 strict=True)), start, start)
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise _bad_utf8(path, exc) from None
    except csv.Error as exc:
        raise DataError(f"not a readable CSV file ({exc})", path=str(path),
                        line=reader.line_num) from None


def _read_json(path: Path, job: _Import) -> None:
    """Stream a regional JSON offer file with ijson: ``products`` first, then ``terms``.

    One pass, one SKU's product or terms object at a time: the product attributes of the kept
    region are held until its terms arrive (AWS writes ``products`` before ``terms``).
    """
    ijson = require("ijson", extra="offers", feature="reading a JSON offer file")
    _check_text(path)
    meta: dict[str, str] = {}
    products: dict[str, dict] = {}
    seen_terms = checked = False
    order = 0
    try:
        with path.open("rb") as fh:
            for section, key, obj in _json_objects(ijson, fh, meta, path):
                if not checked:  # the metadata come first in AWS's layout
                    job.metadata(meta.get("offerCode"), meta.get("publicationDate"), None)
                    checked = True
                if section == "products":
                    if seen_terms:
                        raise DataError("'products' after 'terms': the documented layout has "
                                        "the products first", path=str(path))
                    if not isinstance(obj, dict):
                        raise DataError(f"products[{key!r}] must be an object",
                                        path=str(path))
                    rec = _json_product(obj)
                    if job.wants_region(rec["Region Code"], f"products[{key!r}]"):
                        products[key] = rec
                    continue
                seen_terms = True
                term_type = section.split(".", 1)[1]
                for code, term, dim_key, dim in _json_dimensions(path, term_type, key, obj):
                    order += 1
                    product = products.get(key)
                    where = f"terms.{term_type}[{key!r}][{code!r}].priceDimensions[{dim_key!r}]"
                    if product is None:
                        job.count("another region (or a product not in the file)")
                        continue
                    attrs = term.get("termAttributes") or {}
                    prices = dim.get("pricePerUnit") or {}
                    currency = "USD" if "USD" in prices else next(iter(prices), "")
                    job.add({**product, "SKU": key, "TermType": term_type,
                             "OfferTermCode": str(term.get("offerTermCode", "")),
                             "PricePerUnit": str(prices.get(currency, "")),
                             "Currency": currency, "Unit": str(dim.get("unit", "")),
                             "StartingRange": str(dim.get("beginRange",
                                                          dim.get("startingRange", ""))),
                             "PriceDescription": str(dim.get("description", "")),
                             "LeaseContractLength": str(attrs.get("LeaseContractLength", "")),
                             "PurchaseOption": str(attrs.get("PurchaseOption", "")),
                             "OfferingClass": str(attrs.get("OfferingClass", ""))},
                            where, order)
    except ijson.JSONError as exc:
        detail = " ".join(str(exc).split())[:200]
        raise DataError(f"not a complete JSON offer file (truncated or malformed JSON: "
                        f"{detail})", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise _bad_utf8(path, exc) from None
    if not checked:
        raise DataError("no 'products' or 'terms': not an AWS Price List offer file (expected "
                        "formatVersion, offerCode, ..., products, terms)", path=str(path))
    if not seen_terms:
        raise DataError("no 'terms' section (OnDemand, Reserved): not a complete AWS Price List "
                        "offer file", path=str(path))


def _json_objects(ijson: Any, fh: BinaryIO, meta: dict[str, str],
                  path: Path) -> Iterator[tuple[str, str, Any]]:
    """``(section, sku, object)`` for each ``products`` entry and each ``terms.OnDemand`` /
    ``terms.Reserved`` entry, built one at a time from ijson's events; top-level scalars go
    into ``meta``."""
    builder: Any = None
    depth = 0
    current: tuple[str, str] = ("", "")
    pending: tuple[str, str] | None = None
    for prefix, event, value in ijson.parse(fh, use_float=False):
        if builder is not None:
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            if depth == 0:
                yield current[0], current[1], builder.value
                builder = None
        elif pending is not None:  # the value of a products / terms entry starts
            current, pending = pending, None
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
            depth = 1 if event in ("start_map", "start_array") else 0
            if depth == 0:
                yield current[0], current[1], builder.value
                builder = None
        elif event == "map_key" and prefix in ("products", "terms.OnDemand", "terms.Reserved"):
            pending = (prefix, value)
        elif prefix == "" and event not in ("start_map", "end_map", "map_key"):
            raise DataError(f"the file is a JSON {event.removeprefix('start_')}, not an object: "
                            "not an AWS Price List offer file", path=str(path))
        elif event in ("string", "number") and prefix and "." not in prefix:
            meta[prefix] = str(value)


def _json_product(obj: dict) -> dict:
    attrs = obj.get("attributes") or {}
    rec = dict.fromkeys(_FIELDS, "")
    rec["Product Family"] = str(obj.get("productFamily", ""))
    for key, col in _JSON_ATTRIBUTES.items():
        rec[col] = str(attrs.get(key, ""))
    return rec


def _json_dimensions(path: Path, term_type: str, sku: str, terms):
    if not isinstance(terms, dict):
        raise DataError(f"terms.{term_type}[{sku!r}] must be an object", path=str(path))
    for code, term in terms.items():
        dims = term.get("priceDimensions") if isinstance(term, dict) else None
        if not isinstance(dims, dict):
            raise DataError(f"terms.{term_type}[{sku!r}][{code!r}]: no 'priceDimensions' "
                            "object", path=str(path))
        for dim_key, dim in dims.items():
            yield code, term, dim_key, dim


# -- the classifier: one record at a time, one price per item at the end -------------------------


class _Import:
    """Classifies offer-file records as they stream past; :meth:`finish` builds the book."""

    def __init__(self, path: Path, region: str | None, engine: str):
        self.path, self.region, self.engine = path, region, engine
        self.region_given = region is not None
        self.preferred = {engine, engine.removeprefix("Aurora ")}
        self.as_of = "unknown"
        self.regions: dict[str, object] = {}
        self.skipped: list[tuple] = []
        self.counts: Counter = Counter()
        self.cands: dict[tuple[str, str], list] = {}
        self.io_opt: dict[str, list] = {}
        self.terms: dict[tuple, dict] = {}

    # -- errors and counts ---------------------------------------------------------------------

    def fail(self, message: str, where) -> DataError:
        if isinstance(where, int) or where is None:
            return DataError(message, path=str(self.path), line=where)
        return DataError(f"{where}: {message}", path=str(self.path))

    def count(self, reason: str) -> None:
        self.counts[reason] += 1

    def skip(self, rec: dict, where, order, reason: str) -> None:
        self.skipped.append((order, where, rec["usageType"], rec["Database Engine"], reason))
        self.counts[reason] += 1

    def metadata(self, offer_code, published, line) -> None:
        if offer_code != "AmazonRDS":
            raise self.fail(f"OfferCode must be 'AmazonRDS', got {offer_code!r} (an AWS Price "
                            "List offer file of Amazon RDS, which prices Aurora)", line)
        self.as_of = str(published or "")[:10] or "unknown"

    def wants_region(self, reg: str, where) -> bool:
        """Whether rows of ``reg`` are kept (the first region seen, when none was given)."""
        if reg and reg not in self.regions:
            self.regions[reg] = where
            if not self.region_given:
                if len(self.regions) > 1:
                    first, second = list(self.regions)[:2]
                    raise self.fail(f"the offer file holds more than one region ({first}, "
                                    f"{second}, ...): an all-region file needs `region` "
                                    "(--region)", where)
                self.region = reg
        return bool(reg) and reg == self.region

    # -- one record ----------------------------------------------------------------------------

    def add(self, rec: dict, where, order) -> None:
        if not self.wants_region(rec["Region Code"], where):
            self.count("another region" if rec["Region Code"] else "no Region Code")
            return
        term_type = rec["TermType"]
        if term_type not in ("OnDemand", "Reserved"):
            self.count(f"term type {term_type!r}")
            return
        if rec["StartingRange"] not in ("", "0"):
            self.count("a higher price tier (StartingRange > 0)")
            return
        if rec["Currency"] not in ("", "USD"):
            self.count(f"currency {rec['Currency']!r}")
            return
        text = rec["PricePerUnit"]
        try:
            price = float(text)
        except ValueError:
            price = math.nan
        if math.isnan(price):
            raise self.fail(f"column 'PricePerUnit': {text!r} is not a number", where)
        upfront = term_type == "Reserved" and rec["Unit"] == "Quantity"
        top = MAX_UPFRONT_USD if upfront else MAX_UNIT_PRICE_USD
        if not (math.isfinite(price) and 0.0 <= price <= top):
            # the one price rule; an upfront fee has its own ceiling (a one-off amount)
            rule = (f"must be at most {top:g} USD (an upfront fee)" if upfront and price > top
                    and math.isfinite(price) else price_violations(price)[0])
            raise self.fail(f"column 'PricePerUnit' {rule}, got {text!r}", where)
        for col, cap in (("vCPU", _MAX_VCPU), ("Memory", _MAX_MEMORY_GIB)):
            raw = rec[col].replace("GiB", "").strip()
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    value = math.nan
                if not 0.0 < value <= cap:
                    raise self.fail(f"column {col!r} must be a positive number at most {cap:g}, "
                                    f"got {rec[col]!r}", where)
        rec["price"] = price
        rec["base"] = _base_usage(rec["usageType"])
        rec["rank"] = 0 if rec["Database Engine"] in self.preferred else 1
        if term_type == "Reserved":
            self._reserved(rec, where, order)
        else:
            self._on_demand(rec, where, order)

    def _is_io_optimized(self, rec: dict) -> bool:
        return (rec["base"].startswith("InstanceUsageIOOptimized:")
                or any(_IO_OPT_MARK.search(rec[c]) for c in _IO_OPT_FIELDS))

    def _on_demand(self, rec: dict, where, order) -> None:
        base, family, unit = rec["base"], rec["Product Family"], rec["Unit"]
        engine_r = rec["Database Engine"]
        is_aurora = engine_r.startswith("Aurora")
        marked = any(_IO_OPT_MARK.search(rec[c]) for c in _IO_OPT_FIELDS)
        vcpu = mem = np.nan
        cls = ""
        if base in _AURORA_USAGE:
            item = _AURORA_USAGE[base]
        elif family == "Aurora Global Database":
            # no verified usageType name: match by family and unit, never by a guessed name
            if unit != "IOs":
                return self.skip(rec, where, order,
                                 f"Aurora Global Database row with unit {unit!r}, not 'IOs'")
            item = "global_write_io_per_million"
        elif base.startswith(("InstanceUsage:db.", "InstanceUsageIOOptimized:db.")):
            cls = base.split(":", 1)[1]
            if engine_r not in _ENGINES_KEPT:
                return self.skip(rec, where, order, f"engine {engine_r!r} is neither Aurora "
                                                    "nor RDS MySQL/PostgreSQL")
            if rec["Deployment Option"] not in ("Single-AZ", ""):
                return self.skip(rec, where, order, f"deployment option "
                                                    f"{rec['Deployment Option']!r} (Single-AZ only)")
            if marked or base.startswith("InstanceUsageIOOptimized:"):
                if not is_aurora:
                    return self.skip(rec, where, order,
                                     "I/O-Optimized marker on a non-Aurora instance")
                if unit != "Hrs":
                    return self.skip(rec, where, order, f"I/O-Optimized instance row with unit "
                                                        f"{unit!r}, not 'Hrs'")
                self.io_opt.setdefault(cls, []).append((rec, where, order))
                return None
            item = "instance_hour" if is_aurora else "rds_instance_hour"
            vcpu = float(rec["vCPU"]) if rec["vCPU"].strip() else np.nan
            mem_text = rec["Memory"].replace("GiB", "").strip()
            mem = float(mem_text) if mem_text else np.nan
        else:
            return self.skip(rec, where, order, "usage type not used by the price book")
        if unit != _EXPECTED_UNIT[item]:
            return self.skip(rec, where, order,
                             f"unit {unit!r} for {item} (expected {_EXPECTED_UNIT[item]!r})")
        if marked and item in ("acu_hour", "storage_gb_month", "global_write_io_per_million"):
            return self.skip(rec, where, order, f"I/O-Optimized marker on a row mapped to {item}")
        self.cands.setdefault((item, cls), []).append((rec, where, order, vcpu, mem))
        return None

    def _reserved(self, rec: dict, where, order) -> None:
        lease, option = rec["LeaseContractLength"], rec["PurchaseOption"]
        for col, value in (("LeaseContractLength", lease), ("PurchaseOption", option)):
            if not value.strip():
                raise self.fail(f"column {col!r}: a Reserved row must have one (e.g. "
                                f"{'1yr' if col.startswith('Lease') else 'Partial Upfront'!r})",
                                where)
        base, engine_r = rec["base"], rec["Database Engine"]
        if not base.startswith(("InstanceUsage:db.", "InstanceUsageIOOptimized:db.")):
            return self.skip(rec, where, order, "reserved row not for an instance")
        if not engine_r.startswith("Aurora"):
            return self.skip(rec, where, order, f"reserved {engine_r or 'non-Aurora'} instance "
                                                "(the book's reserved rates are Aurora's)")
        if self._is_io_optimized(rec):
            return self.skip(rec, where, order, "reserved I/O-Optimized instance (the book's "
                                                "reserved rates are Aurora Standard's)")
        if rec["Deployment Option"] not in ("Single-AZ", ""):
            return self.skip(rec, where, order, f"deployment option "
                                                f"{rec['Deployment Option']!r} (Single-AZ only)")
        if rec["OfferingClass"] not in ("", "standard"):
            return self.skip(rec, where, order, f"offering class {rec['OfferingClass']!r} "
                                                "(standard only)")
        if lease not in LEASE_LENGTHS or option not in PURCHASE_OPTIONS:
            return self.skip(rec, where, order, f"lease {lease!r}, purchase option {option!r} "
                                                "is not a term the bill models")
        term = f"{LEASE_LENGTHS[lease]}-{PURCHASE_OPTIONS[option]}"
        if term not in RESERVED_TERMS:
            return self.skip(rec, where, order, f"term {term} is not one of RESERVED_TERMS")
        part = {"Quantity": "upfront", "Hrs": "hourly"}.get(rec["Unit"])
        if part is None:
            return self.skip(rec, where, order, f"reserved row with unit {rec['Unit']!r} (not "
                                                "'Quantity' or 'Hrs')")
        key = (rec["SKU"], rec["OfferTermCode"])
        got = self.terms.setdefault(key, {"rows": [], "term": term,
                                          "cls": base.split(":", 1)[1]})
        got["rows"].append((part, rec, where, order))
        return None

    # -- the book ------------------------------------------------------------------------------

    def finish(self) -> pd.DataFrame:
        region = self.region
        if region is None or region not in self.regions:
            regions = sorted(self.regions)
            near = suggest(region, regions) if region else []
            json_form = _is_json(self.path)
            what = "attribute 'regionCode'" if json_form else "column 'Region Code'"
            raise self.fail(
                (f"{what}: region {region!r} has no rows in the offer file, which would give "
                 "an empty price book" if region else
                 f"{what}: no region in the offer file (an empty price book)")
                + f" (its regions: {', '.join(regions) or 'none'})"
                + (f"; did you mean {near[0]!r}?" if near else ""),
                "products" if json_form else 6)
        out: dict[tuple[str, str, str], dict] = {}
        self._finish_on_demand(out)
        self._finish_premium(out)
        self._finish_reserved(out)
        book = pd.DataFrame(list(out.values()), columns=_COLUMNS)
        skipped = sorted(self.skipped, key=lambda s: s[0])
        book.attrs["skipped"] = pd.DataFrame([s[1:] for s in skipped],
                                             columns=["line", "usage_type", "engine", "reason"])
        book.attrs["skipped_counts"] = dict(self.counts.most_common())
        book.attrs["region"] = region
        return book

    def _row(self, item, cls, vcpu, mem, usd, source, **reserved) -> dict:
        return dict(region=self.region, item=item, instance_class=cls, vcpu=vcpu,
                    memory_gib=mem, unit=_UNITS[item], usd=usd, as_of=self.as_of,
                    source=source, confidence="verified",
                    term=reserved.get("term", ""), upfront_usd=reserved.get("upfront", np.nan),
                    recurring_hourly_usd=reserved.get("hourly", np.nan))

    def _source(self, rec, extra="") -> str:
        return (f"AWS Price List offer file AmazonRDS, published {self.as_of}, SKU {rec['SKU']}"
                f"{extra} ({rec['usageType']})")

    def _finish_on_demand(self, out: dict) -> None:
        # one price per item: the preferred engine's rows must agree, else skip (never guess)
        for (item, cls), rows in self.cands.items():
            rows.sort(key=lambda x: (x[0]["rank"], x[2]))
            best = [x for x in rows if x[0]["rank"] == rows[0][0]["rank"]]
            prices = sorted({x[0]["price"] for x in best})
            if len(prices) > 1:
                for rec, where, order, *_ in rows:
                    self.skip(rec, where, order,
                              f"ambiguous: {len(prices)} different {item} prices for "
                              f"{cls or 'the region'} ({', '.join(f'{v:g}' for v in prices)})")
                continue
            rec, _, _, vcpu, mem = best[0]
            usd = rec["price"] * (1e6 if item in _PER_MILLION else 1.0)
            out[(item, cls, "")] = self._row(item, cls, vcpu, mem, usd, self._source(rec))
            for rec, where, order, *_ in rows[len(best):]:
                self.skip(rec, where, order, f"{item} {cls} also listed for the preferred "
                                             f"engine {self.engine!r}".replace("  ", " "))

    def _finish_premium(self, out: dict) -> None:
        # the I/O-Optimized instance premium: ratio to the same class's Standard price
        ratios = []
        for cls, rows in self.io_opt.items():
            rows.sort(key=lambda x: (x[0]["rank"], x[2]))
            best = [x for x in rows if x[0]["rank"] == rows[0][0]["rank"]]
            prices = {x[0]["price"] for x in best}
            std = out.get(("instance_hour", cls, ""))
            if len(prices) > 1 or std is None or std["usd"] <= 0:
                why = ("ambiguous: different I/O-Optimized prices" if len(prices) > 1 else
                       "no Standard price for the class to compare with")
                for rec, where, order in rows:
                    self.skip(rec, where, order, f"I/O-Optimized {cls}: {why}")
                continue
            ratios.append(prices.pop() / std["usd"])
        if ratios:
            spread = max(ratios) / min(ratios)
            out[("io_optimized_instance_premium", "", "")] = self._row(
                "io_optimized_instance_premium", "", np.nan, np.nan,
                round(float(np.median(ratios)), 4),
                f"AWS Price List offer file AmazonRDS, published {self.as_of}: median "
                f"I/O-Optimized/Standard instance price ratio over {len(ratios)} class(es) "
                f"(max/min {spread:.4f})")

    def _finish_reserved(self, out: dict) -> None:
        # a term's upfront (Quantity) and hourly (Hrs) rows -> one effective rate per term
        found: dict[tuple[str, str], list] = {}
        for (sku, code), got in self.terms.items():
            rows, term, cls = got["rows"], got["term"], got["cls"]
            parts: dict[str, list] = {"upfront": [], "hourly": []}
            for part, rec, _, _ in rows:
                parts[part].append(rec["price"])
            why = None
            if len(parts["upfront"]) > 1 or len(parts["hourly"]) > 1:
                why = (f"ambiguous: term {code} of SKU {sku} has {len(parts['upfront'])} upfront "
                       f"and {len(parts['hourly'])} hourly rows")
            elif not parts["upfront"] and not term.endswith("no-upfront"):
                why = f"{term} term {code} of SKU {sku} has no upfront (Quantity) row"
            elif not parts["hourly"] and not term.endswith("all-upfront"):
                why = f"{term} term {code} of SKU {sku} has no hourly (Hrs) row"
            if why:
                for _, rec, where, order in rows:
                    self.skip(rec, where, order, why)
                continue
            upfront = parts["upfront"][0] if parts["upfront"] else 0.0
            hourly = parts["hourly"][0] if parts["hourly"] else 0.0
            first = min(rows, key=lambda r: r[3])
            found.setdefault((cls, term), []).append(
                (first[1]["rank"], first[3], upfront, hourly, first[1], code, rows))
        for (cls, term), cands in found.items():
            cands.sort(key=lambda c: (c[0], c[1]))
            best = [c for c in cands if c[0] == cands[0][0]]
            rates = sorted({(c[2], c[3]) for c in best})
            if len(rates) > 1:
                for c in cands:
                    for _, rec, where, order in c[6]:
                        self.skip(rec, where, order, f"ambiguous: {len(rates)} different {term} "
                                                     f"reserved rates for {cls}")
                continue
            _, _, upfront, hourly, rec, code, _ = best[0]
            vcpu = float(rec["vCPU"]) if rec["vCPU"].strip() else np.nan
            mem_text = rec["Memory"].replace("GiB", "").strip()
            mem = float(mem_text) if mem_text else np.nan
            out[(RESERVED_ITEM, cls, term)] = self._row(
                RESERVED_ITEM, cls, vcpu, mem, effective_hourly_usd(upfront, hourly, term),
                self._source(rec, f", term {code} ({rec['LeaseContractLength']} "
                                  f"{rec['PurchaseOption']})"),
                term=term, upfront=upfront, hourly=hourly)
            for c in cands[len(best):]:
                for _, r, where, order in c[6]:
                    self.skip(r, where, order, f"{term} reserved {cls} also listed for the "
                                               f"preferred engine {self.engine!r}")
