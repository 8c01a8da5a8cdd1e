"""The bill reconciled: an AWS Cost and Usage Report (CUR 2.0) against the model's bill.

- :func:`read_cur` reads a CUR 2.0 export (CSV, gzip CSV as AWS delivers it, or Parquet with
  the ``cur`` extra), checks its columns by name and keeps the AmazonRDS lines.
- :func:`reconcile` pairs the report's Aurora lines with a :class:`~aurora_models.billing.Bill`'s
  line ids (by region and usage type) and returns a :class:`Reconciliation`: model vs actual per
  line and in total, every line it cannot map listed (never dropped), and tax, credit, fee and
  reserved-instance lines apart from usage.

The usage-type names are read through the price book's one table
(``aurora_models.pricing._usage_types``); their sources are in
``data/pricing/aurora_usage_types.md``.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ._optional import require
from .billing import Bill
from .exceptions import DataError, ParameterTypeError, ParameterValueError
from .pricing._usage_types import parse_usage_type
from .units import HOURS_PER_MONTH

__all__ = ["CUR_COLUMNS", "USAGE_LINE_TYPES", "Reconciliation", "read_cur", "reconcile"]

#: The CUR 2.0 columns the reader needs (AWS Data Exports, "Line item columns").
CUR_COLUMNS = ("line_item_product_code", "line_item_usage_type", "line_item_operation",
               "line_item_resource_id", "line_item_usage_amount", "pricing_unit",
               "line_item_unblended_cost", "line_item_usage_start_date")
#: Read when present: without it every line is taken as ``Usage``.
_OPTIONAL = ("line_item_line_item_type",)
#: ``line_item_line_item_type`` values that are usage (compared with the model); every other
#: type (``Tax``, ``Credit``, ``Refund``, ``Fee``, ``RIFee``, ``SavingsPlanRecurringFee``...)
#: is listed apart as another charge.
USAGE_LINE_TYPES = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage")
_NUMBERS = ("line_item_usage_amount", "line_item_unblended_cost")

# price item -> (reconciliation kind, bill line ids in the primary region, in a secondary,
# bill unit, the CUR quantity's factor to the bill's unit, scales with the period's hours)
_KINDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], float, bool]] = {
    "acu_hour": ("acu_hours", ("compute.writer", "compute.readers"), ("secondary.compute",), 1.0,
                 True),
    "instance_hour": ("instance_hours", ("compute.writer", "compute.readers"), ("secondary.compute",),
                      1.0, True),
    "storage_gb_month": ("storage", ("storage",), ("secondary.storage",), 1.0, False),
    "io_per_million": ("io", ("io",), (), 1e-6, True),
    "backup_gb_month": ("backup", ("backup.automated", "backup.manual"), (), 1.0, False),
    "global_write_io_per_million": ("replicated_write_io", (),
                                    ("secondary.replicated_write_io",), 1e-6, True),
    "transfer": ("transfer", (), ("transfer",), 1.0, True),
}
_KINDS["acu_hour_io_optimized"] = _KINDS["acu_hour"]
_KINDS["instance_hour_io_optimized"] = _KINDS["instance_hour"]
_KINDS["storage_gb_month_io_optimized"] = _KINDS["storage_gb_month"]
_BYTES_PER_GIB = 2.0 ** 30


def _open_text(path: Path):
    with path.open("rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if gz:
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _parse_date(text: str, path: str, line: int) -> datetime:
    t = text.strip().replace("Z", "+00:00")
    try:
        d = datetime.fromisoformat(t)
    except ValueError:
        raise DataError(f"`line_item_usage_start_date` must be an ISO 8601 date-time "
                        f"(2026-01-01T00:00:00Z), got {text!r}", path=path, line=line) from None
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def _check_row(rec: dict, path: str, line: int) -> dict:
    for col in _NUMBERS:
        v = rec[col]
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise DataError(f"`{col}` must be a number, got {v!r}", path=path, line=line) from None
        if not math.isfinite(x):
            raise DataError(f"`{col}` must be finite, got {v!r}", path=path, line=line)
        rec[col] = x
    if rec["line_item_usage_amount"] < 0:
        raise DataError(f"`line_item_usage_amount` must be >= 0, got {rec['line_item_usage_amount']!r}",
                        path=path, line=line)
    rec["line_item_usage_start_date"] = _parse_date(str(rec["line_item_usage_start_date"]),
                                                    path, line)
    rec["line_item_line_item_type"] = rec.get("line_item_line_item_type") or "Usage"
    rec["line"] = line
    return rec


def _missing(columns: Iterable[str], path: str) -> None:
    have = set(columns)
    missing = [c for c in CUR_COLUMNS if c not in have]
    if missing:
        raise DataError("not a CUR 2.0 export: missing column"
                        f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                        path=path, line=1)


def _read_csv(path: Path) -> list[dict]:
    where = str(path)
    rows = []
    try:
        with _open_text(path) as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except StopIteration:
                raise DataError("empty file (no header row)", path=where, line=1) from None
            _missing(header, where)
            keep = [(c, header.index(c)) for c in (*CUR_COLUMNS, *_OPTIONAL) if c in header]
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(header):
                    raise DataError(f"{len(row)} fields where the header has {len(header)} "
                                    "(a truncated or malformed file)", path=where, line=line)
                rows.append(_check_row({c: row[i] for c, i in keep}, where, line))
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason})", path=where) from None
    except (EOFError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise DataError(f"truncated or corrupt gzip file ({exc})", path=where) from None
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc})", path=where) from None
    return rows


def _read_parquet(path: Path) -> list[dict]:
    pq = require("pyarrow.parquet", extra="cur", feature="reading a Parquet CUR export")
    where = str(path)
    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid (an Exception) on a bad file
        raise DataError(f"not a readable Parquet file ({exc})", path=where) from None
    _missing(schema.names, where)
    cols = [c for c in (*CUR_COLUMNS, *_OPTIONAL) if c in schema.names]
    table = pq.read_table(path, columns=cols).to_pylist()
    out = []
    for i, rec in enumerate(table, start=1):
        rec = {k: ("" if v is None else v) for k, v in rec.items()}
        if isinstance(rec["line_item_usage_start_date"], datetime):
            rec["line_item_usage_start_date"] = rec["line_item_usage_start_date"].isoformat()
        out.append(_check_row(rec, where, i))  # Parquet "line": the row, 1-based
    return out


def read_cur(path: str | Path) -> pd.DataFrame:
    """Read a CUR 2.0 export and keep its AmazonRDS lines.

    Parameters
    ----------
    path : str or Path
        A CUR 2.0 export: CSV, gzip CSV (``.csv.gz``, as AWS delivers it; recognised by its
        content) or Parquet (``.parquet``; needs pyarrow, the ``cur`` extra). Columns are read by
        name (the export has some hundred, in any order): :data:`CUR_COLUMNS`, and
        ``line_item_line_item_type`` when present.

    Returns
    -------
    pandas.DataFrame
        One row per AmazonRDS line (``line_item_product_code == "AmazonRDS"``), the columns of
        :data:`CUR_COLUMNS` (the usage amount and cost as floats, the start date a UTC
        timestamp), ``line_item_line_item_type`` (``"Usage"`` where the export has no such
        column) and ``line`` (the file's line, header = 1). ``attrs["other_products"]`` counts
        the lines of other services and ``attrs["other_products_usd"]`` sums their cost.

    Raises
    ------
    DataError
        One line naming the file and the line: a missing column (all of them named), a field
        count that differs from the header's (a truncated file), a usage amount or cost that
        is not a finite number (a negative usage amount), a start date that is not ISO 8601,
        a file that is not UTF-8 text or a corrupt gzip/Parquet file, a file with no
        AmazonRDS line.
    MissingDependencyError
        A Parquet file without pyarrow (``pip install 'aurora-arch-models[cur]'``).

    See Also
    --------
    reconcile : The lines against a bill.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> head = ",".join(CUR_COLUMNS)
    >>> row = ("AmazonRDS,Aurora:StorageUsage,CreateDBInstance:0016,arn:aws:rds:us-east-1:1:"
    ...        "cluster:c,100,GB-Mo,10.0,2026-01-01T00:00:00Z")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "cur.csv"
    ...     _ = p.write_text(head + "\\n" + row + "\\n")
    ...     cur = read_cur(p)
    >>> cur[["line_item_usage_type", "line_item_usage_amount", "line"]].values.tolist()
    [['Aurora:StorageUsage', 100.0, 2]]
    """
    if not isinstance(path, str | Path):
        raise ParameterTypeError(f"`path` must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    with path.open("rb") as fh:
        parquet = fh.read(4) == b"PAR1"
    rows = _read_parquet(path) if parquet or path.suffix == ".parquet" else _read_csv(path)
    rds = [r for r in rows if r["line_item_product_code"] == "AmazonRDS"]
    others = [r for r in rows if r["line_item_product_code"] != "AmazonRDS"]
    if not rds:
        raise DataError(f"no AmazonRDS line in {len(rows)} line{'s' if len(rows) != 1 else ''} "
                        "(`line_item_product_code`)", path=str(path))
    frame = pd.DataFrame(rds, columns=[*CUR_COLUMNS, *_OPTIONAL, "line"])
    frame["line_item_usage_start_date"] = pd.to_datetime(frame["line_item_usage_start_date"],
                                                         utc=True)
    frame.attrs["other_products"] = len(others)
    frame.attrs["other_products_usd"] = math.fsum(r["line_item_unblended_cost"] for r in others)
    frame.attrs["path"] = str(path)
    return frame


@dataclass(frozen=True)
class Reconciliation:
    """The model's bill against a Cost and Usage Report, per line and in total.

    Parameters
    ----------
    option : str
        The deployment option reconciled (the bill's).
    period_start, period_end : str
        The billing period, ISO dates (the calendar months of the usage start dates).
    period_hours : float
        Hours in the billing period (720 in a 30-day month, 744 in a 31-day one).
    scale : float
        ``period_hours / 730``: the factor on the model's hourly-metered lines (compute, I/O,
        replicated writes, transfer; GiB-month lines are monthly in both).
    lines : pandas.DataFrame
        One row per region and kind (``instance_hours``, ``acu_hours``, ``storage``, ``io``, ``backup``,
        ``replicated_write_io``, ``transfer``): ``region, kind, line_ids, usage_types, unit,
        model_quantity, actual_quantity, model_usd, actual_usd, difference_usd,
        relative_difference`` (``difference = actual - model``; relative to the model, NaN
        where the model has nothing).
    unmapped : pandas.DataFrame
        Every usage line that maps to no bill line (usage type, operation, resource, amount,
        unit, cost, reason, the file's line).
    other_charges : pandas.DataFrame
        Tax, credit, refund, fee and reserved-instance fee lines (line type, usage type, cost,
        the file's line), never mixed into usage.
    model_total_usd : float
        The model's bill over the period (every line scaled), USD.
    actual_mapped_usd : float
        The report's cost of the mapped lines, USD.
    actual_unmapped_usd : float
        The report's cost of the unmapped usage lines, USD.
    other_charges_usd : float
        The other charges' sum, USD (credits negative).
    other_products : int
        Lines of other services in the file (not AmazonRDS), left aside.

    See Also
    --------
    reconcile : The function that returns it.

    Examples
    --------
    >>> r = Reconciliation(option="provisioned_standard", period_start="2026-01-01",
    ...                    period_end="2026-02-01", period_hours=744.0, scale=744 / 730)
    >>> r.actual_usage_usd, r.difference_usd
    (0.0, 0.0)
    """

    option: str
    period_start: str
    period_end: str
    period_hours: float
    scale: float
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmapped: pd.DataFrame = field(default_factory=pd.DataFrame)
    other_charges: pd.DataFrame = field(default_factory=pd.DataFrame)
    model_total_usd: float = 0.0
    actual_mapped_usd: float = 0.0
    actual_unmapped_usd: float = 0.0
    other_charges_usd: float = 0.0
    other_products: int = 0

    @property
    def actual_usage_usd(self) -> float:
        """The report's Aurora usage cost, mapped and unmapped, USD."""
        return self.actual_mapped_usd + self.actual_unmapped_usd

    @property
    def difference_usd(self) -> float:
        """Actual usage minus the model over the period, USD."""
        return self.actual_usage_usd - self.model_total_usd

    def to_frame(self) -> pd.DataFrame:
        """Tabulate the reconciliation: the lines, then the unmapped lines and a total row.

        Returns
        -------
        pandas.DataFrame
            The columns of :attr:`lines`; each unmapped usage type is a row of kind
            ``unmapped`` (actual only), the other charges one row of kind ``other_charges``,
            and a last row of kind ``total``.
        """
        rows = self.lines.to_dict(orient="records")
        for r in self.unmapped.to_dict(orient="records"):
            rows.append({"region": r["region"] or "", "kind": "unmapped", "line_ids": "",
                         "usage_types": r["usage_type"], "unit": r["pricing_unit"],
                         "model_quantity": 0.0, "actual_quantity": r["usage_amount"],
                         "model_usd": 0.0, "actual_usd": r["unblended_cost"],
                         "difference_usd": r["unblended_cost"],
                         "relative_difference": float("nan")})
        if len(self.other_charges):
            rows.append({"region": "", "kind": "other_charges", "line_ids": "",
                         "usage_types": ", ".join(sorted(set(self.other_charges["line_item_type"]))),
                         "unit": "", "model_quantity": float("nan"),
                         "actual_quantity": float("nan"),
                         "model_usd": 0.0, "actual_usd": self.other_charges_usd,
                         "difference_usd": self.other_charges_usd,
                         "relative_difference": float("nan")})
        rows.append({"region": "", "kind": "total", "line_ids": "", "usage_types": "usage",
                     "unit": "USD", "model_quantity": float("nan"),
                     "actual_quantity": float("nan"), "model_usd": self.model_total_usd,
                     "actual_usd": self.actual_usage_usd, "difference_usd": self.difference_usd,
                     "relative_difference": _relative(self.actual_usage_usd,
                                                      self.model_total_usd)})
        return pd.DataFrame(rows, columns=list(self.lines.columns) or _LINE_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        """The reconciliation as a plain mapping (the JSON document's form).

        Returns
        -------
        dict
            The period, the totals, ``lines``, ``unmapped`` and ``other_charges`` as lists of
            records (NaN as None).
        """
        def records(frame):
            return [{k: (None if isinstance(v, float) and math.isnan(v) else v)
                     for k, v in r.items()} for r in frame.to_dict(orient="records")]
        return {"option": self.option, "period_start": self.period_start,
                "period_end": self.period_end, "period_hours": self.period_hours,
                "scale": self.scale, "model_total_usd": self.model_total_usd,
                "actual_usage_usd": self.actual_usage_usd,
                "actual_mapped_usd": self.actual_mapped_usd,
                "actual_unmapped_usd": self.actual_unmapped_usd,
                "difference_usd": self.difference_usd,
                "other_charges_usd": self.other_charges_usd,
                "other_products": self.other_products,
                "lines": records(self.lines), "unmapped": records(self.unmapped),
                "other_charges": records(self.other_charges)}

    def __repr__(self) -> str:
        return (f"Reconciliation({self.option!r}, {self.period_start}..{self.period_end}): "
                f"model ${self.model_total_usd:,.2f}, actual ${self.actual_usage_usd:,.2f} "
                f"({len(self.lines)} lines, {len(self.unmapped)} unmapped, "
                f"{len(self.other_charges)} other charges)")


_LINE_COLUMNS = ["region", "kind", "line_ids", "usage_types", "unit", "model_quantity",
                 "actual_quantity", "model_usd", "actual_usd", "difference_usd",
                 "relative_difference"]


def _relative(actual: float, model: float) -> float:
    return (actual - model) / model if model else float("nan")


def _bill_dict(bill: Any, option: str | None) -> dict:
    """The bill to reconcile as a dict: a Bill, a bill's dict, or an estimate's configured (or
    ``option``) bill."""
    if isinstance(bill, Bill):
        doc = bill.to_dict()
    elif isinstance(bill, Mapping) and "lines" in bill:
        doc = dict(bill)
    else:
        sections = getattr(bill, "sections", None)
        cost = sections.get("cost") if isinstance(sections, Mapping) else None
        if not cost or "bills" not in cost:
            raise ParameterTypeError("`bill` must be a Bill, a bill's dict or a scenario "
                                     f"estimate with a cost section, got {type(bill).__name__}")
        bills = cost["bills"]
        pick = [b for b in bills if (b["option"] == option if option else b["configured"])]
        if not pick:
            raise ParameterValueError(f"`option` must be one of the estimate's options "
                                      f"{[b['option'] for b in bills]}, got {option!r}")
        return pick[0]
    if option is not None and doc["option"] != option:
        raise ParameterValueError(f"`option` must be the bill's option {doc['option']!r}, "
                                  f"got {option!r}")
    return doc


def _period(cur: pd.DataFrame) -> tuple[datetime, datetime]:
    """The calendar months the usage start dates fall in: [first month, month after last)."""
    first = cur["line_item_usage_start_date"].min().to_pydatetime()
    last = cur["line_item_usage_start_date"].max().to_pydatetime()
    start = datetime(first.year, first.month, 1, tzinfo=UTC)
    end_month = datetime(last.year, last.month, 1, tzinfo=UTC) + timedelta(days=32)
    return start, datetime(end_month.year, end_month.month, 1, tzinfo=UTC)


def reconcile(bill: Any, cur: pd.DataFrame | str | Path, *, option: str | None = None,
              primary_region: str | None = None) -> Reconciliation:
    """Compare the model's bill with a Cost and Usage Report, line by line.

    Each Aurora line of the report is read by its usage type (region prefix and name: the
    price book's one table) and paired with the bill's line ids of its region and kind:

    ========================================  ===================  =================================
    usage type (after the region prefix)      kind                 bill line ids
    ========================================  ===================  =================================
    ``Aurora:ServerlessV2Usage``,             acu_hours            ``compute.writer``,
    ``Aurora:ServerlessV2IOOptimizedUsage``                        ``compute.readers`` (primary);
                                                                   ``secondary.compute``
    ``InstanceUsage:db.*``,                   instance_hours       the same
    ``InstanceUsageIOOptimized:db.*``
    ``Aurora:StorageUsage``,                  storage              ``storage``,
    ``Aurora:IO-OptimizedStorageUsage``                            ``secondary.storage``
    ``Aurora:StorageIOUsage`` (I/Os / 1e6)    io                   ``io``
    ``Aurora:BackupUsage``                    backup               ``backup.automated``,
                                                                   ``backup.manual``
    ``Aurora:GlobalDBReplicatedWriteIO``      replicated_write_io  ``secondary.replicated_write_io``
    (name assumed)
    ``<from>-<to>-AWS-Out-Bytes``             transfer             ``transfer`` (destination)
    ========================================  ===================  =================================

    The report does not say which instance is the writer (a failover swaps them), so the
    writer's and readers' compute are compared together. The period is the calendar months of
    the usage start dates (``period_hours``); the model's month is 730 hours, so its
    hourly-metered lines are scaled by ``period_hours / 730``, its GiB-month lines are not.

    Parameters
    ----------
    bill : Bill, dict or scenario estimate
        The model's bill: a :class:`~aurora_models.billing.Bill`, its ``to_dict()``, or the
        result of :func:`aurora_models.scenario.estimate` (its configured bill, or ``option``).
    cur : pandas.DataFrame, str or Path
        :func:`read_cur`'s frame, or a file it reads.
    option : str, optional
        The deployment option of an estimate to reconcile (default: the configured one).
    primary_region : str, optional
        The cluster's primary region (default: the region of the bill's ``compute.writer`` or
        ``storage`` line).

    Returns
    -------
    Reconciliation
        Model vs actual per line (USD, quantities in the bill's units) and in total, the
        unmapped lines and the other charges.

    Raises
    ------
    ParameterTypeError
        ``bill`` is none of the accepted kinds.
    ParameterValueError
        ``option`` is not one of the estimate's (or the bill's) options.
    DataError
        ``cur`` is a file :func:`read_cur` refuses.

    See Also
    --------
    read_cur : The report's reader.
    aurora_models.billing.bill_options : The model's bills.

    Examples
    --------
    >>> import pandas as pd
    >>> from aurora_models.billing import Usage, bill_options
    >>> bill = bill_options(Usage(region="us-east-1", instance_class="db.r6g.large",
    ...                           volume_gib=100.0), options=["provisioned_standard"])[0]
    >>> cur = pd.DataFrame({"line_item_usage_type": ["InstanceUsage:db.r6g.large",
    ...                                              "Aurora:StorageUsage"],
    ...                     "line_item_operation": ["CreateDBInstance:0016"] * 2,
    ...                     "line_item_resource_id": ["db-1", "cluster-1"],
    ...                     "line_item_usage_amount": [720.0, 100.0],
    ...                     "pricing_unit": ["Hrs", "GB-Mo"],
    ...                     "line_item_unblended_cost": [187.2, 10.0],
    ...                     "line_item_usage_start_date": pd.to_datetime(
    ...                         ["2026-06-01", "2026-06-30"], utc=True),
    ...                     "line_item_line_item_type": ["Usage"] * 2, "line": [2, 3]})
    >>> r = reconcile(bill, cur)
    >>> r.period_hours, round(r.model_total_usd, 2), round(r.actual_usage_usd, 2)
    (720.0, 197.2, 197.2)
    >>> r.lines[["kind", "model_quantity", "actual_quantity"]].values.tolist()
    [['instance_hours', 720.0, 720.0], ['io', 0.0, 0.0], ['storage', 100.0, 100.0]]
    """
    doc = _bill_dict(bill, option)
    if not isinstance(cur, pd.DataFrame):
        cur = read_cur(cur)
    missing = [c for c in CUR_COLUMNS if c not in cur.columns and c != "line_item_product_code"]
    if missing:
        raise ParameterValueError(f"`cur` must have the columns of read_cur, missing "
                                  f"{', '.join(missing)}")
    if not len(cur):
        raise ParameterValueError("`cur` must hold at least one line, got an empty frame")
    lines = doc["lines"]
    if primary_region is None:
        first = [li for li in lines if li["id"] in ("compute.writer", "storage")]
        primary_region = first[0]["region"] if first else (lines[0]["region"] if lines else "")
    start, end = _period(cur)
    hours = (end - start).total_seconds() / 3600.0
    scale = hours / HOURS_PER_MONTH

    def scaled(li) -> float:
        # a GiB-month line (storage, backups) is monthly in both; the others are per 730 hours
        return 1.0 if "month" in li["unit"] else scale

    types = (cur["line_item_line_item_type"] if "line_item_line_item_type" in cur.columns
             else pd.Series("Usage", index=cur.index)).fillna("Usage").replace("", "Usage")
    usage = cur[types.isin(USAGE_LINE_TYPES)]
    other = cur[~types.isin(USAGE_LINE_TYPES)]

    groups: dict[tuple[str, str], dict] = {}
    unmapped = []
    for rec in usage.to_dict(orient="records"):
        ut = str(rec["line_item_usage_type"])
        parsed = parse_usage_type(ut)
        reason = None
        if parsed.item is None:
            reason = "not an Aurora usage type of the bill"
        elif parsed.region is None:
            reason = "unknown region prefix"
        else:
            kind, prim, sec, factor, _ = _KINDS[parsed.item]
            region = parsed.instance_class if parsed.item == "transfer" else parsed.region
            ids = prim if region == primary_region else sec
            if parsed.item == "transfer" and parsed.region != primary_region:
                ids = ()
            billed = {li["id"] for li in lines if li["region"] == region}
            if region is None or not billed.intersection(ids):
                reason = (f"the {doc['option']} bill has no {kind} line in "
                          f"{region or 'an unknown region'}")
        if reason is not None:
            unmapped.append({"usage_type": ut,
                             "region": parsed.region if parsed.item is not None else None,
                             "operation": rec["line_item_operation"],
                             "resource_id": rec["line_item_resource_id"],
                             "usage_amount": rec["line_item_usage_amount"],
                             "pricing_unit": rec["pricing_unit"],
                             "unblended_cost": rec["line_item_unblended_cost"],
                             "reason": reason, "line": rec.get("line")})
            continue
        g = groups.setdefault((str(region), kind), {"ids": ids, "types": set(), "qty": [], "usd": []})
        g["types"].add(ut)
        if parsed.item == "transfer":
            factor = 1.0 / _BYTES_PER_GIB if rec["pricing_unit"].lower() == "bytes" else 1.0
        g["qty"].append(rec["line_item_usage_amount"] * factor)
        g["usd"].append(rec["line_item_unblended_cost"])

    # the model's side: every bill line, in the group of its region and kind
    kind_of = {}
    for kind, prim, sec, _, _ in _KINDS.values():
        for i in prim:
            kind_of[(True, i)] = kind
        for i in sec:
            kind_of[(False, i)] = kind
    model: dict[tuple[str, str], dict] = {}
    for li in lines:
        kind = kind_of.get((li["region"] == primary_region, li["id"]), li["id"])
        if kind == "instance_hours" and li["unit"] == "ACU-hours":  # never add mixed units
            kind = "acu_hours"
        m = model.setdefault((li["region"], kind), {"ids": [], "qty": [], "usd": [], "unit": ""})
        m["ids"].append(li["id"])
        m["qty"].append(li["quantity"] * scaled(li))
        m["usd"].append(li["amount_usd"] * scaled(li))
        m["unit"] = li["unit"]
    out: list[dict[str, Any]] = []
    for key in sorted(set(model) | set(groups), key=lambda k: (k[0] != primary_region, k)):
        mine, theirs = model.get(key), groups.get(key)  # at least one of the two
        model_usd = math.fsum(mine["usd"]) if mine else 0.0
        actual_usd = math.fsum(theirs["usd"]) if theirs else 0.0
        row_ids: list[str] = (list(dict.fromkeys(mine["ids"])) if mine
                              else list(theirs["ids"]) if theirs else [])
        out.append({"region": key[0], "kind": key[1], "line_ids": "+".join(row_ids),
                    "usage_types": ", ".join(sorted(theirs["types"])) if theirs else "",
                    "unit": mine["unit"] if mine else "",
                    "model_quantity": math.fsum(mine["qty"]) if mine else 0.0,
                    "actual_quantity": math.fsum(theirs["qty"]) if theirs else 0.0,
                    "model_usd": model_usd, "actual_usd": actual_usd,
                    "difference_usd": actual_usd - model_usd,
                    "relative_difference": _relative(actual_usd, model_usd)})
    other_frame = pd.DataFrame(
        [{"line_item_type": t, "usage_type": r["line_item_usage_type"],
          "unblended_cost": r["line_item_unblended_cost"], "line": r.get("line")}
         for t, r in zip(other.get("line_item_line_item_type", types[other.index]),
                         other.to_dict(orient="records"), strict=True)],
        columns=["line_item_type", "usage_type", "unblended_cost", "line"])
    unmapped_frame = pd.DataFrame(unmapped, columns=["usage_type", "region", "operation",
                                                     "resource_id", "usage_amount",
                                                     "pricing_unit", "unblended_cost",
                                                     "reason", "line"])
    return Reconciliation(
        option=doc["option"], period_start=start.date().isoformat(),
        period_end=end.date().isoformat(), period_hours=hours, scale=scale,
        lines=pd.DataFrame(out, columns=_LINE_COLUMNS), unmapped=unmapped_frame,
        other_charges=other_frame,
        model_total_usd=math.fsum(li["amount_usd"] * scaled(li) for li in lines),
        actual_mapped_usd=math.fsum(math.fsum(g["usd"]) for g in groups.values()),
        actual_unmapped_usd=math.fsum(u["unblended_cost"] for u in unmapped),
        other_charges_usd=math.fsum(other_frame["unblended_cost"]),
        other_products=int(cur.attrs.get("other_products", 0)))
