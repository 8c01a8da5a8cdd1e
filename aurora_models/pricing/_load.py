"""Loaders: the bundled 34-region snapshot, snapshot files, instance specifications, transfer."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import _require, read_csv_checked
from ..exceptions import DataError, ParameterValueError
from ._book import (
    CLASS_ITEMS,
    COLUMNS,
    CONFIDENCE,
    ITEMS,
    RESERVED_COLUMNS,
    RESERVED_ITEM,
    UNITS,
    PriceBook,
    engine_kind,
)
from ._offer import offer_file_kind
from ._reserved import RESERVED_TERM_HOURS, RESERVED_TERMS
from ._rules import ENGINES, MissingPriceError, canonical_engine, check_name, price_violations
from ._specs import _bundled, instance_specs

# -- the price rule on a file: one check, the first bad row named -------------------------------


def _require_prices(frame: pd.DataFrame, column: str, path: Path) -> None:
    rules = price_violations(frame[column].to_numpy(dtype=float))
    bad = np.flatnonzero(rules != "")
    if bad.size:
        i = int(bad[0])
        raise DataError(f"column {column!r} {rules[i]}, got {frame[column].iat[i]!r}",
                        path=str(path), line=i + 2)


# -- the bundled snapshot (multi-region format) ------------------------------------------------

_MULTI_COLUMNS = {"region": "str", "engine": "str", "storage_config": "str", "dimension": "str",
                  "instance_class": "str?", "term": "str", "usd": "float", "unit": "str",
                  "source": "str", "as_of": "str"}
_DATA_ENGINES = ("aurora-mysql", "aurora-postgresql", "mysql", "postgresql", "oracle-se2",
                 "oracle-se2-byol", "sqlserver-ex", "sqlserver-web", "sqlserver-se",
                 "sqlserver-ee", "any")
# (engine kind in the data, storage_config, dimension) -> price-book item
_AURORA_MAP = {
    ("standard", "acu_hour"): "acu_hour",
    ("io-optimized", "acu_hour"): "acu_hour_io_optimized",
    ("standard", "storage_gb_month"): "storage_gb_month",
    ("io-optimized", "storage_gb_month"): "storage_gb_month_io_optimized",
    ("standard", "io_per_million"): "io_per_million",
    ("n/a", "backup_gb_month"): "backup_gb_month",
    ("n/a", "replicated_write_io_per_million"): "global_write_io_per_million",
    ("n/a", "backtrack_per_million"): "backtrack_per_million",
    ("n/a", "snapshot_export_gb"): "snapshot_export_gb",
    ("n/a", "data_api_per_million_first_1b"): "data_api_per_million",
    ("standard", "instance_hour"): "instance_hour",
    ("io-optimized", "instance_hour"): "instance_hour_io_optimized",
}
_RDS_MAP = {
    ("n/a", "instance_hour"): "rds_instance_hour",
    ("n/a", "instance_hour_multi_az"): "rds_instance_hour_multi_az",
    ("n/a", "storage_gp3_gb_month"): "rds_storage_gb_month",
    ("n/a", "storage_gp3_gb_month_multi_az"): "rds_storage_gb_month_multi_az",
    ("n/a", "backup_gb_month"): "rds_backup_gb_month",
    ("n/a", "gp3_extra_iops_month"): "rds_gp3_extra_iops_month",
    ("n/a", "gp3_extra_throughput_mibps_month"): "rds_gp3_extra_throughput_mibps_month",
}
_ANY_MAP = {("n/a", "data_transfer_out_internet_gb_first_10tb"): "data_transfer_out_internet_gb"}
_CLUSTER_FACTOR_SOURCE = (
    "ASSUMPTION: an RDS Multi-AZ DB cluster (writer + 2 readable standbys) bills 3 instances; "
    "AWS's price list snapshot has no Multi-AZ DB cluster rows")
_CONFIDENCE_OF_SNAPSHOT = "secondary"  # AWS's own feed, captured by a third party


@dataclass(frozen=True, kw_only=True, eq=False)
class _Snapshot:
    """A parsed price file: per (region, data engine) arrays of row positions, built once."""

    path: Path
    frame: pd.DataFrame = field(repr=False)
    groups: dict = field(repr=False)
    columns: dict = field(repr=False, default_factory=dict)
    regions: tuple[str, ...] = ()
    as_of: str = ""
    multi: bool = True


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return _resolved(str(path)), st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=64)
def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def _is_multi(path: Path) -> bool:
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    kind = offer_file_kind(path)
    if kind is not None:
        # AWS's own offer file is not a price book: it is imported once (dated, its skipped
        # rows reported), never on the fly at every load (the all-region CSV is hundreds of MB)
        raise DataError(f"this is an AWS Price List offer file ({kind.upper()}), not a price "
                        f"book: import it first with `aurora-models import-prices {path} "
                        "--region REGION --out book.csv` (or pricing.import_offer_file) and "
                        "give that book", path=str(path), line=1 if kind == "csv" else None)
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        header = next(csv.reader(fh), [])
    return "dimension" in header and "storage_config" in header


def _read_multi(path: Path) -> pd.DataFrame:
    """The multi-region file, checked like :func:`~aurora_models.data.read_csv_checked` (columns
    present, required cells not blank, ``usd`` a number; file and line named), but without
    stripping every cell, which costs more than the parse on 24,000 rows."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"not a readable CSV file ({exc})", path=str(path)) from None
    missing = [c for c in _MULTI_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(map(repr, missing))}; the header has "
                        f"{', '.join(map(repr, raw.columns))}", path=str(path), line=1)
    for col, kind in _MULTI_COLUMNS.items():
        if not kind.endswith("?"):
            _require(raw, raw[col].str.strip() != "" if col == "usd" else raw[col] != "",
                     path, f"column {col!r}: blank not allowed")
    usd = pd.to_numeric(raw["usd"], errors="coerce")
    bad = usd.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"column 'usd': {raw['usd'].iat[i]!r} is not a valid float",
                        path=str(path), line=i + 2)
    out = raw[list(_MULTI_COLUMNS)].copy()
    out["usd"] = usd.astype(float)
    return out


@functools.lru_cache(maxsize=8)
def _snapshot(key: tuple[str, int, int]) -> _Snapshot:
    path = Path(key[0])
    if _is_multi(path):
        frame = _read_multi(path)
        _require_prices(frame, "usd", path)
        _require(frame, frame["engine"].isin(_DATA_ENGINES), path,
                 "column 'engine' must be one of " + ", ".join(_DATA_ENGINES))
        _require(frame, frame["term"] == "on-demand", path, "column 'term' must be 'on-demand'")
        key_cols = frame[["region", "engine", "storage_config", "dimension", "instance_class"]]
        _require(frame, ~key_cols.duplicated(), path,
                 "duplicate (region, engine, storage_config, dimension, instance_class) row")
        groups = frame.groupby(["region", "engine"], sort=False).indices
        columns = {c: frame[c].to_numpy(dtype=object) for c in frame.columns if c != "usd"}
        columns["usd"] = frame["usd"].to_numpy(dtype=float)
        return _Snapshot(path=path, frame=frame, groups=groups, columns=columns,
                         regions=tuple(sorted(frame["region"].unique())),
                         as_of=str(frame["as_of"].max()), multi=True)
    frame = _read_book_file(path)
    groups = frame.groupby("region", sort=False).indices
    return _Snapshot(path=path, frame=frame, groups=groups,
                     regions=tuple(sorted(frame["region"].unique())),
                     as_of=str(frame["as_of"].max()), multi=False)


# -- a book-format file (the older dated snapshot, or one written by import_offer_file) ----------

_BOOK_COLUMNS = {
    "region": "str", "item": "str", "instance_class": "str?", "vcpu": "float?",
    "memory_gib": "float?", "unit": "str", "usd": "float", "as_of": "str", "source": "str",
    "confidence": "str",
}
# optional: a book with reserved rates (written by import_offer_file) has all three
_RESERVED_BOOK_COLUMNS = {"term": "str?", "upfront_usd": "float?", "recurring_hourly_usd": "float?"}


def _read_book_file(path: Path) -> pd.DataFrame:
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        header = next(csv.reader(fh), [])
    reserved_cols = [c for c in RESERVED_COLUMNS if c in header]
    columns = dict(_BOOK_COLUMNS)
    if reserved_cols:  # all three or none: a file without them is a book of on-demand prices
        columns.update(_RESERVED_BOOK_COLUMNS)
    frame = read_csv_checked(path, columns)
    if not reserved_cols:
        for c in RESERVED_COLUMNS:
            frame[c] = "" if c == "term" else np.nan
    _require_prices(frame, "usd", path)
    _require(frame, frame["confidence"].isin(CONFIDENCE), path,
             "column 'confidence' must be 'verified', 'secondary' or 'assumption'")
    every = (*ITEMS, *CLASS_ITEMS, RESERVED_ITEM)
    known = frame["item"].isin(every)
    _require(frame, known, path, "column 'item' must be one of " + ", ".join(every))
    is_class = frame["item"].isin((*CLASS_ITEMS, RESERVED_ITEM))
    _require(frame, ~is_class | (frame["instance_class"] != ""), path,
             "column 'instance_class' is required for instance_hour rows")
    _check_reserved_rows(frame, path, bool(reserved_cols))
    key = frame[["region", "item", "instance_class", "term"]]
    _require(frame, ~key.duplicated(), path,
             "duplicate (region, item, instance_class, term) row")
    return frame


def _check_reserved_rows(frame: pd.DataFrame, path: Path, has_columns: bool) -> None:
    """A reserved row has its term and both parts, and its ``usd`` is their effective rate;
    no other row has a term."""
    is_res = (frame["item"] == RESERVED_ITEM).to_numpy()
    if is_res.any() and not has_columns:
        i = int(np.flatnonzero(is_res)[0])
        raise DataError(f"column(s) {', '.join(map(repr, RESERVED_COLUMNS))} are needed by "
                        f"{RESERVED_ITEM} rows", path=str(path), line=i + 2)
    term = frame["term"].to_numpy(dtype=object)
    _require(frame, ~is_res | frame["term"].isin(RESERVED_TERMS), path,
             "column 'term' must be one of " + ", ".join(RESERVED_TERMS) + f" on {RESERVED_ITEM} "
             "rows")
    _require(frame, is_res | (frame["term"] == ""), path,
             f"column 'term' is only for {RESERVED_ITEM} rows (blank elsewhere)")
    for col in ("upfront_usd", "recurring_hourly_usd"):
        v = frame[col].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(v) & (v >= 0)
        _require(frame, ~is_res | ok, path,
                 f"column {col!r} must be a finite non-negative number on {RESERVED_ITEM} rows")
    if is_res.any():
        hours = np.array([RESERVED_TERM_HOURS.get(t, np.nan) for t in term])
        want = frame["upfront_usd"].to_numpy(dtype=float) / hours + \
            frame["recurring_hourly_usd"].to_numpy(dtype=float)
        usd = frame["usd"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            off = is_res & ~(np.abs(usd - want) <= 1e-6 * np.maximum(1.0, np.abs(want)))
        if off.any():
            i = int(np.flatnonzero(off)[0])
            raise DataError(f"column 'usd' of a {RESERVED_ITEM} row must be upfront_usd / hours "
                            f"of the term + recurring_hourly_usd = {want[i]:.6g} (8,760 hours "
                            f"a year), got {usd[i]!r}", path=str(path), line=i + 2)


def _with_specs(rows: pd.DataFrame) -> pd.DataFrame:
    """Fill ``vcpu`` / ``memory_gib`` of instance rows from the specification table."""
    specs = instance_specs()
    cls = rows["instance_class"]
    for col in ("vcpu", "memory_gib"):
        spec = cls.map(specs[col])
        rows[col] = rows[col].where(rows[col].notna(), spec) if col in rows else spec
    return rows


def _book_rows(snap: _Snapshot, region: str, engine: str) -> pd.DataFrame:
    """The price-book rows of (region, engine) from a multi-region snapshot."""
    col = snap.columns
    if engine_kind(engine) == "aurora":
        plan = [(engine, _AURORA_MAP), (engine.removeprefix("aurora-"), _RDS_MAP)]
    else:
        plan = [(engine.removeprefix("rds-"), _RDS_MAP)]
    plan.append(("any", _ANY_MAP))
    specs = instance_specs()
    vcpu_of, mem_of = specs["vcpu"].to_dict(), specs["memory_gib"].to_dict()
    out: dict[str, list] = {c: [] for c in COLUMNS}
    for data_engine, mapping in plan:
        for i in snap.groups.get((region, data_engine), ()):
            cfg, dim = col["storage_config"][i], col["dimension"][i]
            item = mapping.get((cfg, dim))
            if item is None:
                continue
            cls = col["instance_class"][i]
            out["item"].append(item)
            out["instance_class"].append(cls)
            out["vcpu"].append(vcpu_of.get(cls, np.nan))
            out["memory_gib"].append(mem_of.get(cls, np.nan))
            out["unit"].append(UNITS[item])
            out["usd"].append(float(col["usd"][i]))
            out["source"].append(f"AWS price list {col['as_of'][i]} ({data_engine}, {cfg}, {dim}), "
                                 f"captured by {col['source'][i]}")
            out["confidence"].append(_CONFIDENCE_OF_SNAPSHOT)

    def add(item, usd, source, confidence):
        for c, v in zip(COLUMNS, (item, "", np.nan, np.nan, UNITS[item], usd, source, confidence),
                        strict=True):
            out[c].append(v)

    price = {(it, c): u for it, c, u in zip(out["item"], out["instance_class"], out["usd"],
                                            strict=True)}
    ratio = [price[("instance_hour_io_optimized", c)] / price[("instance_hour", c)]
             for (it, c) in price if it == "instance_hour_io_optimized"
             and price.get(("instance_hour", c), 0) > 0]
    if ratio:
        add("io_optimized_instance_premium", round(float(np.median(ratio)), 4),
            f"derived: median I/O-Optimized / Standard instance price over {len(ratio)} {region} "
            f"classes (range {min(ratio):.4f}-{max(ratio):.4f})", _CONFIDENCE_OF_SNAPSHOT)
    if engine in ("rds-mysql", "rds-postgresql") or engine_kind(engine) == "aurora":
        add("rds_multi_az_cluster_factor", 3.0, _CLUSTER_FACTOR_SOURCE, "assumption")
    return pd.DataFrame(out, columns=COLUMNS)


# -- public loaders ----------------------------------------------------------------------------


def _snapshot_for(path) -> _Snapshot:
    p = Path(path) if path is not None else _bundled("aurora_prices_multiregion")
    if not p.is_file():
        raise DataError("file not found", path=str(p))
    return _snapshot(_file_key(p))


def known_regions(*, path: str | Path | None = None) -> list[str]:
    """The regions the price data covers (sorted): the 34 commercial regions by default.

    Parameters
    ----------
    path : str or Path, optional
        Another price file (as for :func:`load`); default the bundled price list.

    Returns
    -------
    list of str
        The region codes.

    Examples
    --------
    >>> len(known_regions()), "us-west-2" in known_regions()
    (34, True)
    """
    return list(_snapshot_for(path).regions)


def known_engines() -> list[str]:
    """The price-book engines (:data:`ENGINES`); ``"mysql"``/``"postgresql"`` mean Aurora's.

    Returns
    -------
    list of str
        The engine names :func:`load` accepts in canonical form.

    Examples
    --------
    >>> known_engines()[:2]
    ['aurora-mysql', 'aurora-postgresql']
    """
    return list(ENGINES)


@functools.lru_cache(maxsize=512)
def _cached_book(key: tuple[str, int, int], region: str, engine: str,
                 fallback: str | None) -> PriceBook:
    snap = _snapshot(key)
    if snap.multi:
        rows = _book_rows(snap, region, engine)
    else:
        if engine_kind(engine) != "aurora":
            raise ParameterValueError(f"`engine` must be an Aurora engine for a price-book file "
                             f"({snap.path.name} has no engine column), got {engine!r}")
        rows = _with_specs(snap.frame.iloc[snap.groups[region]].copy())[COLUMNS
                                                                         + RESERVED_COLUMNS]
    if fallback is not None:
        other = _cached_book(key, fallback, engine, None).rows
        have = set(zip(rows["item"], rows["instance_class"], strict=True))
        keep = [(i, c) not in have for i, c in zip(other["item"], other["instance_class"],
                                                   strict=True)]
        extra = other[keep].copy()
        extra["source"] = f"FALLBACK from {fallback} (no {region} price in the snapshot): " + \
            extra["source"]
        extra["confidence"] = "assumption"
        rows = pd.concat([rows, extra], ignore_index=True)
    as_of = snap.as_of if snap.multi else str(
        snap.frame["as_of"].iloc[snap.groups[region]].max())
    return PriceBook(region=region, as_of=as_of, rows=rows.reset_index(drop=True), engine=engine)


def load(region: str = "us-east-1", *, engine: str = "aurora-mysql",
         path: str | Path | None = None, fallback: str | None = None,
         missing_ok: bool = False) -> PriceBook:
    """The price book of one region and engine.

    Parameters
    ----------
    region : str
        AWS region code; one of :func:`known_regions` (the 34 commercial regions).
    engine : str
        One of :data:`ENGINES`: ``"aurora-mysql"`` (default), ``"aurora-postgresql"``, or an
        RDS engine for comparison (``"rds-mysql"``, ``"rds-postgresql"``, ``"rds-oracle-se2"``
        licence included, ``"rds-oracle-se2-byol"``, ``"rds-sqlserver-ex|web|se|ee"``). The
        scenario file's ``"mysql"``/``"postgresql"`` mean the Aurora engines; the price list's
        RDS names without ``rds-`` (``"sqlserver-se"``) are accepted too. An Aurora book also
        holds the same engine's RDS prices (``rds_*`` items) for the Aurora-vs-RDS comparison.
    path : str or Path, optional
        Another price file: one in the bundled 34-region format, or a price-book file (e.g.
        written by :func:`import_offer_file`, or the older dated us-east-1 capture
        ``dataset_path("aurora_price_book")``). Default: the bundled AWS price list of
        2025-12-05 (``data/pricing/aurora_prices_multiregion.csv``).
    fallback : str, optional
        Fill items the region lacks from this region's rows, explicitly: such rows get
        ``confidence = "assumption"`` and a ``source`` starting ``"FALLBACK from <region>"``.
        Default: no fallback (a missing item raises :class:`MissingPriceError` when asked for,
        and is listed in :attr:`PriceBook.missing`).
    missing_ok : bool
        With a ``path`` that lacks ``region`` (a file of other regions only, as
        ``import_offer_file`` writes), an empty book (every price missing, by name) instead of
        the error; ``region`` must still be an AWS region.

    Returns
    -------
    PriceBook
        Cached per (file, region, engine, fallback): the file is parsed and indexed once.

    Raises
    ------
    ValueError
        Unknown region or engine (the message lists the valid ones, with a did-you-mean).
    DataError
        Malformed file (file and line named), including a price that is not finite, negative
        or above :data:`MAX_UNIT_PRICE_USD`.

    Examples
    --------
    >>> pb = load("us-west-2", engine="postgresql")
    >>> pb.engine, pb.acu_hour_usd(), pb.storage_gb_month_usd(io_optimized=True)
    ('aurora-postgresql', 0.12, 0.225)
    >>> load("eu-south-1").missing
    ('global_write_io_per_million', 'backtrack_per_million')
    >>> load("eu-south-1", engine="postgresql").missing
    ('global_write_io_per_million',)
    """
    engine = canonical_engine(engine)
    snap = _snapshot_for(path)
    if missing_ok and region not in snap.regions and path is not None:
        # a file that prices other regions only (one imported offer file): an AWS region it
        # lacks is a book with nothing in it, every price missing by name, never zero
        check_name("region", region, _snapshot_for(None).regions)
        return PriceBook(region=region, as_of=snap.as_of if snap.multi else "",
                         rows=pd.DataFrame(columns=COLUMNS), engine=engine)
    check_name("region", region, snap.regions)
    if fallback is not None:
        check_name("fallback", fallback, snap.regions)
    return _cached_book(_file_key(snap.path), region, engine, fallback)


# -- inter-region data transfer ------------------------------------------------------------------

_TRANSFER_COLUMNS = {"from_region": "str", "to_region": "str", "usd": "float", "unit": "str",
                     "source": "str", "as_of": "str"}


@dataclass(frozen=True, kw_only=True, eq=False)
class TransferPrices:
    """Inter-region data transfer prices, USD per GB, by (from_region, to_region).

    Build it with :func:`load_transfer`. ``missing`` lists the ordered pairs of known regions
    that the price list does not price; asking for one raises :class:`MissingPriceError`.

    Parameters
    ----------
    as_of : str
        Date of the price list (ISO date).
    citation : str
        The sources of the prices.
    regions : tuple of str
        The regions priced, sorted.
    missing : tuple of (str, str)
        The ordered pairs of those regions that have no price.
    prices : dict
        ``{(from_region, to_region): usd_per_gb}``.

    Examples
    --------
    >>> from aurora_models.pricing import load_transfer
    >>> t = load_transfer()
    >>> len(t.regions), t.to_frame().columns.tolist()
    (34, ['from_region', 'to_region', 'usd_per_gb'])
    """

    as_of: str
    citation: str
    regions: tuple[str, ...]
    missing: tuple[tuple[str, str], ...]
    prices: dict = field(repr=False)

    def usd_per_gb(self, from_region: str, to_region: str) -> float:
        """The price of sending data from ``from_region`` to ``to_region``.

        Parameters
        ----------
        from_region : str
            The sending region.
        to_region : str
            The receiving region (a different one).

        Returns
        -------
        float
            USD per GB.

        Raises
        ------
        MissingPriceError
            For a pair the price list does not price (see ``missing``).

        Examples
        --------
        >>> t = load_transfer()
        >>> t.usd_per_gb("us-east-1", "us-east-2"), t.usd_per_gb("us-east-1", "eu-west-1")
        (0.01, 0.02)
        """
        check_name("from_region", from_region, self.regions)
        check_name("to_region", to_region, self.regions)
        if from_region == to_region:
            raise ParameterValueError(f"`to_region` must differ from `from_region`, got {to_region!r}")
        try:
            return self.prices[(from_region, to_region)]
        except KeyError:
            raise MissingPriceError(
                f"AWS's price list has no inter-region transfer price from {from_region} to "
                f"{to_region} (missing pairs: "
                f"{', '.join(f'{a} -> {b}' for a, b in self.missing)})",
                item="inter_region_transfer_gb", region=from_region) from None

    def to_frame(self) -> pd.DataFrame:
        """Tabulate the priced pairs.

        Returns
        -------
        pandas.DataFrame
            ``from_region, to_region, usd_per_gb``, one row per priced pair.
        """
        return pd.DataFrame([(a, b, u) for (a, b), u in self.prices.items()],
                            columns=["from_region", "to_region", "usd_per_gb"])


@functools.lru_cache(maxsize=4)
def _transfer(key: tuple[str, int, int]) -> TransferPrices:
    path = Path(key[0])
    frame = read_csv_checked(path, _TRANSFER_COLUMNS)
    _require_prices(frame, "usd", path)
    _require(frame, frame["from_region"] != frame["to_region"], path,
             "`from_region` and `to_region` must differ")
    _require(frame, ~frame[["from_region", "to_region"]].duplicated(), path,
             "duplicate (from_region, to_region) row")
    prices = {(a, b): float(u) for a, b, u in zip(frame["from_region"], frame["to_region"],
                                                    frame["usd"], strict=True)}
    regions = tuple(sorted(set(frame["from_region"]) | set(frame["to_region"])))
    missing = tuple((a, b) for a in regions for b in regions if a != b and (a, b) not in prices)
    sources = sorted(set(frame["source"]))
    return TransferPrices(as_of=str(frame["as_of"].max()), citation="; ".join(sources),
                          regions=regions, missing=missing, prices=prices)


def load_transfer(*, path: str | Path | None = None) -> TransferPrices:
    """Inter-region data transfer prices (AWS price list of 2025-12-05, 34 regions).

    Parameters
    ----------
    path : str or Path, optional
        Another transfer price file (``from_region, to_region, usd, unit, source, as_of``);
        default the bundled ``data/pricing/interregion_transfer.csv``.

    Returns
    -------
    TransferPrices
        Cached per file: it is parsed once.

    Raises
    ------
    DataError
        A missing or malformed file (file and line named).

    Examples
    --------
    >>> load_transfer().missing
    (('ap-southeast-3', 'ap-northeast-3'), ('ap-southeast-3', 'sa-east-1'))
    """
    p = Path(path) if path is not None else _bundled("interregion_transfer")
    if not p.is_file():
        raise DataError("file not found", path=str(p))
    return _transfer(_file_key(p))
