"""The bundled data sets and their loaders.

Every file under ``data/`` has a ``NAME.md`` provenance file beside it and an entry in
``data/catalog.toml``; :func:`list_datasets` shows them. Loaders check columns, types, units and
ranges and raise :class:`~aurora_models.exceptions.DataError` naming the file and the line (the
header is line 1) of the first bad value. Each loader takes an optional ``path`` so a user's own
file in the same format goes through the same checks.

The data ship inside the wheel (as ``aurora_models/_data``); in a checkout they are read from the
repository's ``data/`` folder. Nothing is fetched over the network.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _budget
from ._optional import DISTRIBUTION
from ._validate import check_choice
from .exceptions import DataError, ParameterTypeError, ParameterValueError

__all__ = [
    "TRACES",
    "TraceGaps",
    "check_region",
    "data_root",
    "dataset_path",
    "list_datasets",
    "load_az_incidents",
    "load_drive_afr",
    "load_inter_az_latency",
    "load_interregion_rtt",
    "load_published_prices",
    "load_trace",
    "read_csv_checked",
    "region_codes",
    "trace_gaps",
]

# name -> (catalogue entry, unit of `value`)
TRACES: dict[str, str] = {
    "elb_request_count": "requests per 5 min",
    "nyc_taxi_30min": "passengers per 30 min",
    "rds_cpu_utilization": "percent CPU",
}


def data_root() -> Path:
    """The folder holding the data sets: inside the installed package, else the checkout's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "catalog.toml").is_file():
            return candidate
    raise DataError("cannot find the bundled data (no _data/catalog.toml in the package and no "
                    f"data/catalog.toml in the checkout); reinstall {DISTRIBUTION}")


def _catalog() -> dict[str, dict[str, str]]:
    path = data_root() / "catalog.toml"
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"malformed catalogue: {exc}", path=str(path)) from None


def dataset_path(name: str) -> Path:
    """Absolute path of the bundled data set ``name`` (see :func:`list_datasets`).

    >>> dataset_path("interregion_rtt").name
    'interregion_rtt_p50_ms.csv'
    """
    catalog = _catalog()
    check_choice("name", name, sorted(catalog))
    return data_root() / catalog[name]["path"]


def list_datasets() -> pd.DataFrame:
    """The bundled data sets with their provenance.

    Returns
    -------
    pandas.DataFrame
        One row per data set: ``name``, ``path`` (relative to the data folder), ``description``,
        ``source``, ``date``, ``licence``, ``provenance`` (the provenance file's name).

    Examples
    --------
    >>> "interregion_rtt" in set(list_datasets()["name"])
    True
    """
    rows = []
    for name, entry in _catalog().items():
        rows.append({
            "name": name,
            "path": entry["path"],
            "description": entry["description"],
            "source": entry["source"],
            "date": entry["date"],
            "licence": entry["licence"],
            "provenance": Path(entry["path"]).with_suffix(".md").name,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Checked CSV reading


def read_csv_checked(
    path: str | Path,
    columns: dict[str, str],
    *,
    datetime_format: str | None = None,
    min_rows: int = 1,
) -> pd.DataFrame:
    """Read a CSV and check that ``columns`` are present and parse as declared.

    Parameters
    ----------
    path : str or Path
        The file.
    columns : dict
        Column name -> kind: ``"str"``, ``"float"``, ``"int"``, ``"datetime"``; a trailing ``?``
        allows blanks (read as NaN / NaT / empty string).
    datetime_format : str, optional
        ``strftime`` format of datetime columns (parsing is strict when given).
    min_rows : int
        Fewest data rows accepted (default 1: a header alone is refused).

    Raises
    ------
    DataError
        Missing, unreadable or empty file, missing column, too few rows, or a value that does
        not parse, with the file and line.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", path=str(path))
    if not path.is_file():
        raise DataError("not a regular file", path=str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise DataError("empty file: expected a header line and data rows",
                        path=str(path)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        detail = " ".join(str(exc).split())
        raise DataError(f"not a readable CSV file ({detail})", path=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from None
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(map(repr, missing))}; the header has "
            f"{', '.join(map(repr, raw.columns))}", path=str(path), line=1)
    if len(raw) < min_rows:
        raise DataError(f"{len(raw)} data row(s) after the header; at least {min_rows} needed",
                        path=str(path), line=1)
    out = pd.DataFrame(index=raw.index)
    for col, kind in columns.items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        text = raw[col].str.strip()
        blank = text == ""
        parsed: pd.Series
        if kind == "str":
            parsed = text
            bad = blank & (not optional)  # not `~optional`: ~ on a bool is -2 (deprecated)
        elif kind in ("float", "int"):
            parsed = pd.to_numeric(text.where(~blank, None), errors="coerce")
            bad = parsed.isna() & ~blank
            if kind == "int":
                bad |= parsed.notna() & (parsed % 1 != 0)
            if not optional:
                bad |= blank
            parsed = parsed.astype(float)
        elif kind == "datetime":
            parsed = pd.to_datetime(text.where(~blank, None), format=datetime_format,
                                    errors="coerce")
            bad = parsed.isna() & ~blank
            if not optional:
                bad |= blank
        else:  # pragma: no cover - a programming error, not a data error
            raise ValueError(f"unknown column kind {kind!r}")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            shown = raw[col].iloc[i]
            raise DataError(f"column {col!r}: {shown!r} is not a valid {kind}"
                            + (" (blank not allowed)" if shown.strip() == "" else ""),
                            path=str(path), line=i + 2)
        out[col] = parsed
    return out


def _increasing(times: pd.Series, *, strict: bool = True) -> np.ndarray:
    """Row mask: True where a timestamp is after (or, not strict, not before) the previous one."""
    steps = np.diff(pd.DatetimeIndex(times).asi8)
    ok = steps > 0 if strict else steps >= 0
    return np.concatenate([[True], ok])


def _require(frame: pd.DataFrame, ok, path: Path, message: str) -> None:
    """Raise DataError at the first row where ``ok`` is False."""
    ok = np.asarray(ok, dtype=bool)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise DataError(message, path=str(path), line=i + 2)


# --------------------------------------------------------------------------------------------
# Network


def load_interregion_rtt(path: str | Path | None = None) -> pd.DataFrame:
    """Median round-trip latency between AWS regions, as a square matrix in milliseconds.

    Source: CloudPing.co p50 over one year (snapshot 2025-05-29); see
    ``data/network/interregion_rtt_p50_ms.md``. A one-way delay is about half the value.

    Returns
    -------
    pandas.DataFrame
        Index ``from_region``, columns ``to_region`` (the same region codes, sorted), values in ms.

    Raises
    ------
    DataError
        Missing columns, non-numeric or non-positive latencies, duplicate pairs, or pairs missing
        from the square.

    Examples
    --------
    >>> rtt = load_interregion_rtt()
    >>> rtt.shape
    (32, 32)
    >>> 60 < float(rtt.loc["us-east-1", "eu-west-1"]) < 80
    True
    """
    path = Path(path) if path is not None else dataset_path("interregion_rtt")
    frame = read_csv_checked(path, {"from_region": "str", "to_region": "str", "p50_ms": "float"})
    _require(frame, (frame["p50_ms"] > 0) & (frame["p50_ms"] < 2000), path,
             "column 'p50_ms': latency must be in (0, 2000) ms")
    dup = frame.duplicated(["from_region", "to_region"])
    _require(frame, ~dup, path, "duplicate (from_region, to_region) pair")
    matrix = frame.pivot(index="from_region", columns="to_region", values="p50_ms")
    regions = sorted(set(frame["from_region"]) | set(frame["to_region"]))
    matrix = matrix.reindex(index=regions, columns=regions)
    if matrix.isna().any().any():
        a, b = next((r, c) for r in regions for c in regions if pd.isna(matrix.loc[r, c]))
        raise DataError(f"pair ({a!r}, {b!r}) is missing: the matrix must be complete",
                        path=str(path))
    matrix.index.name, matrix.columns.name = "from_region", "to_region"
    matrix.attrs.update(unit="ms", statistic="p50 round trip", source=str(path.name))
    return matrix


@functools.lru_cache(maxsize=1)
def _region_index() -> tuple[str, ...]:
    return tuple(load_interregion_rtt().index)


def region_codes() -> list[str]:
    """The AWS region codes the package knows: the index of the bundled inter-region latency
    matrix (:func:`load_interregion_rtt`), read once.

    Examples
    --------
    >>> len(region_codes()), "eu-west-1" in region_codes()
    (32, True)
    """
    return list(_region_index())


def check_region(name: str, value: Any, *, extra: tuple[str, ...] = ()) -> str:
    """``value`` if it is a region code of the latency data (or one of ``extra``); else a
    one-line error naming ``name``, with a did-you-mean."""
    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be a region code string, got "
                                 f"{type(value).__name__} {value!r}")
    codes = region_codes()
    if value not in codes and value not in extra:
        known = sorted({*codes, *extra})
        near = difflib.get_close_matches(value, known, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ParameterValueError(f"`{name}` must be a known AWS region code (one of the "
                                  f"{len(known)} of the latency data, e.g. 'us-east-1', "
                                  f"'eu-west-1'), got {value!r}{hint}")
    return value


def load_inter_az_latency(path: str | Path | None = None) -> pd.DataFrame:
    """Published same-AZ and cross-AZ round-trip latency figures (ms), one row per quotation.

    Source: see ``data/network/inter_az_latency_published.md``.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_id``, ``published``, ``region``, ``endpoint_a``, ``endpoint_b``,
        ``statistic``, ``value_ms`` (NaN for the qualitative statement), ``method``, ``note``,
        and ``same_az`` (True when both ends are one AZ; generic AZ-to-AZ statements are False).

    Examples
    --------
    >>> lat = load_inter_az_latency()
    >>> bool((lat["value_ms"].dropna() < 10).all())
    True
    """
    path = Path(path) if path is not None else dataset_path("inter_az_latency")
    frame = read_csv_checked(path, {
        "source_id": "str", "published": "str", "region": "str", "endpoint_a": "str",
        "endpoint_b": "str", "statistic": "str", "value_ms": "float?", "method": "str",
        "note": "str?"})
    v = frame["value_ms"]
    _require(frame, v.isna() | ((v > 0) & (v < 100)), path,
             "column 'value_ms': an intra-region round trip must be in (0, 100) ms")
    _require(frame, v.notna() | (frame["statistic"] == "bound_text"), path,
             "column 'value_ms': blank is allowed only for statistic 'bound_text'")
    # Generic statements name both ends "AZ" and are about two different AZs.
    frame["same_az"] = (frame["endpoint_a"] == frame["endpoint_b"]) & (frame["endpoint_a"] != "AZ")
    frame.attrs.update(unit="ms", source=str(path.name))
    return frame


# --------------------------------------------------------------------------------------------
# Failures


def load_drive_afr(
    period_type: Literal["year", "quarter", "lifetime"] | None = None,
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Backblaze fleet annualised failure rates of data hard drives.

    Source: Backblaze Drive Stats reports; see ``data/failures/backblaze_drive_afr.md``.

    Parameters
    ----------
    period_type : {"year", "quarter", "lifetime"}, optional
        Keep only rows of this kind (default: all rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``period_type``, ``afr_percent``, ``afr`` (fraction per year),
        ``drives_in_analysis``, ``drive_days``, ``failures`` (NaN where not published),
        ``source_url``.

    Examples
    --------
    >>> years = load_drive_afr("year")
    >>> float(years.loc[years["period"] == "2024", "afr_percent"].iloc[0])
    1.57
    """
    if period_type is not None:
        check_choice("period_type", period_type, ["year", "quarter", "lifetime"])
    path = Path(path) if path is not None else dataset_path("drive_afr")
    frame = read_csv_checked(path, {
        "period": "str", "period_type": "str", "afr_percent": "float",
        "drives_in_analysis": "int?", "drive_days": "int?", "failures": "int?",
        "source_url": "str"})
    _require(frame, frame["period_type"].isin(["year", "quarter", "lifetime"]), path,
             "column 'period_type' must be 'year', 'quarter' or 'lifetime'")
    _require(frame, (frame["afr_percent"] > 0) & (frame["afr_percent"] < 100), path,
             "column 'afr_percent' must be a percentage in (0, 100)")
    frame["afr"] = frame["afr_percent"] / 100.0
    if period_type is not None:
        frame = frame[frame["period_type"] == period_type].reset_index(drop=True)
    frame.attrs.update(unit="percent per year", source=str(path.name))
    return frame


def load_az_incidents(path: str | Path | None = None) -> pd.DataFrame:
    """AZ-scoped incidents AWS posted on its public Service Health Dashboard, 2018-05 to 2023-04.

    Source: see ``data/failures/aws_az_incidents_2018_2023.md`` (publicly posted incidents only;
    mostly partial impairments; no durations).

    Returns
    -------
    pandas.DataFrame
        Columns ``first_post_utc`` (tz-aware UTC timestamps), ``region_label``, ``region_code``,
        ``services_posted``, ``mentions_power`` (bool). ``attrs["window_years"]`` is the length
        of the observation window (4.93 years).

    Examples
    --------
    >>> inc = load_az_incidents()
    >>> len(inc), int((inc["region_code"] == "us-east-1").sum())
    (62, 22)
    """
    path = Path(path) if path is not None else dataset_path("az_incidents")
    frame = read_csv_checked(path, {
        "first_post_utc": "datetime", "region_label": "str", "region_code": "str",
        "services_posted": "int", "mentions_power": "int"}, datetime_format="%Y-%m-%dT%H:%MZ")
    frame["first_post_utc"] = frame["first_post_utc"].dt.tz_localize("UTC")
    _require(frame, frame["mentions_power"].isin([0, 1]), path,
             "column 'mentions_power' must be 0 or 1")
    _require(frame, frame["services_posted"] >= 1, path,
             "column 'services_posted' must be at least 1")
    _require(frame, _increasing(frame["first_post_utc"], strict=False), path,
             "column 'first_post_utc' must be in time order")
    frame["mentions_power"] = frame["mentions_power"].astype(bool)
    frame["services_posted"] = frame["services_posted"].astype(int)
    start, end = pd.Timestamp("2018-05-10", tz="UTC"), pd.Timestamp("2023-04-16", tz="UTC")
    frame.attrs.update(window_start=str(start.date()), window_end=str(end.date()),
                       window_years=(end - start).days / 365.25, source=str(path.name))
    return frame


# --------------------------------------------------------------------------------------------
# Prices


def load_published_prices(path: str | Path | None = None) -> pd.DataFrame:
    """The four us-east-1 list prices read from public pages (``confidence`` = ``secondary``).

    The full, dated price book is :func:`aurora_models.pricing.load`; these rows are its cited
    inputs. Source per row in the ``source`` column.

    Examples
    --------
    >>> p = load_published_prices()
    >>> float(p.set_index("usage_type").loc["Aurora:ServerlessV2Usage", "usd"])
    0.12
    """
    path = Path(path) if path is not None else dataset_path("list_prices_published")
    frame = read_csv_checked(path, {
        "region": "str", "item": "str", "usage_type": "str", "unit": "str", "usd": "float",
        "as_of": "str", "source": "str", "corroborating_source": "str?", "confidence": "str"})
    _require(frame, frame["usd"] >= 0, path, "column 'usd' must be non-negative")
    _require(frame, frame["confidence"].isin(["verified", "secondary"]), path,
             "column 'confidence' must be 'verified' or 'secondary'")
    return frame


# --------------------------------------------------------------------------------------------
# Traces


@dataclass(frozen=True)
class TraceGaps:
    """Missing intervals in a regularly sampled trace.

    Attributes
    ----------
    step : pandas.Timedelta
        The sampling interval (the most common spacing).
    count : int
        Number of gaps (places where consecutive samples are more than one step apart).
    missing_samples : int
        Samples missing in all gaps together.
    longest : pandas.Timedelta
        Longest missing stretch (0 when there is no gap).
    table : pandas.DataFrame
        One row per gap: ``after`` (last sample before it), ``before`` (first after),
        ``missing_samples``.
    """

    step: pd.Timedelta
    count: int
    missing_samples: int
    longest: pd.Timedelta
    table: pd.DataFrame


def trace_gaps(series: pd.Series) -> TraceGaps:
    """Find the gaps in a trace sampled at a regular interval.

    Examples
    --------
    >>> gaps = trace_gaps(load_trace("elb_request_count"))
    >>> gaps.count, str(gaps.step), str(gaps.longest)
    (8, '0 days 00:05:00', '0 days 00:05:00')
    """
    idx = series.index
    if not isinstance(idx, pd.DatetimeIndex) or len(idx) < 2:
        raise ParameterValueError("`series` must have a DatetimeIndex with at least 2 samples")
    diffs = pd.Series(idx[1:] - idx[:-1])
    step = diffs.mode().iloc[0]
    k = (diffs / step).round().astype(int).to_numpy()
    where = np.flatnonzero(k > 1)
    table = pd.DataFrame({
        "after": idx[:-1][where], "before": idx[1:][where], "missing_samples": k[where] - 1})
    missing = int(table["missing_samples"].sum())
    longest = step * int(table["missing_samples"].max()) if len(table) else pd.Timedelta(0)
    return TraceGaps(step=step, count=len(table), missing_samples=missing, longest=longest,
                     table=table)


def load_trace(
    name: str,
    *,
    fill_gaps: Literal["interpolate", "ffill", "zero"] | None = None,
    path: str | Path | None = None,
) -> pd.Series:
    """A real load trace as a time series.

    Parameters
    ----------
    name : {"elb_request_count", "nyc_taxi_30min", "rds_cpu_utilization"}
        Which bundled trace (see :data:`TRACES` for units, :func:`list_datasets` for sources).
    fill_gaps : {"interpolate", "ffill", "zero"}, optional
        Gaps (missing samples) are left as they are by default and reported in
        ``series.attrs["gaps"]`` and ``series.attrs["longest_gap"]``. With a method, the series is
        put on its regular grid and missing samples are filled: ``"interpolate"`` linearly in
        time, ``"ffill"`` with the previous value, ``"zero"`` with 0; ``attrs["filled"]`` then
        counts the samples added.
    path : str or Path, optional
        Read this file (same format) instead of the bundled one.

    Returns
    -------
    pandas.Series
        Float values with a ``DatetimeIndex`` named ``timestamp``; ``attrs`` carry ``name``,
        ``unit``, ``step``, ``gaps``, ``longest_gap`` and ``filled``.

    Raises
    ------
    DataError
        Unparseable, duplicate or unsorted timestamps, or a negative or missing value, with the
        line of the first offence; an empty file or fewer than 2 samples.
    ValueError
        Unknown trace name (the message lists the valid ones) or fill method.
    BudgetError
        Filling would add more samples than the work or memory budget allows (a gap of decades
        at a five-minute step); checked before the grid is built.

    Examples
    --------
    >>> s = load_trace("elb_request_count")
    >>> len(s), s.attrs["gaps"]
    (4032, 8)
    >>> filled = load_trace("elb_request_count", fill_gaps="interpolate")
    >>> len(filled), filled.attrs["filled"]
    (4040, 8)
    """
    check_choice("name", name, list(TRACES))
    if fill_gaps is not None:
        check_choice("fill_gaps", fill_gaps, ["interpolate", "ffill", "zero"])
    path = Path(path) if path is not None else dataset_path(name)
    frame = read_csv_checked(path, {"timestamp": "datetime", "value": "float"},
                             datetime_format="%Y-%m-%d %H:%M:%S", min_rows=2)
    ts = frame["timestamp"]
    _require(frame, np.isfinite(frame["value"]), path, "column 'value' must be finite")
    _require(frame, frame["value"] >= 0, path, "column 'value' must be non-negative")
    _require(frame, ~ts.duplicated(), path, "duplicate timestamp")
    _require(frame, _increasing(ts), path, "timestamps must be in increasing order")
    series = pd.Series(frame["value"].to_numpy(), index=pd.DatetimeIndex(ts, name="timestamp"),
                       name=name)
    gaps = trace_gaps(series)
    filled = 0
    if fill_gaps is not None and gaps.count:
        rows = _budget.size(len(series) + gaps.missing_samples)
        _budget.check("load_trace", "fill_gaps", fill_gaps, memory_bytes=rows * 8 * 4,
                      work=rows * 4, detail=f"{gaps.missing_samples:,} missing samples of "
                      f"{gaps.step} in {path.name}, longest gap {gaps.longest}")
        grid = pd.date_range(series.index[0], series.index[-1], freq=gaps.step, name="timestamp")
        series = series.reindex(grid)
        filled = int(series.isna().sum())
        if fill_gaps == "interpolate":
            series = series.interpolate(method="time")
        elif fill_gaps == "ffill":
            series = series.ffill()
        else:
            series = series.fillna(0.0)
    series.attrs.update(name=name, unit=TRACES[name], step=gaps.step, gaps=gaps.count,
                        longest_gap=gaps.longest, filled=filled, source=str(path.name))
    return series
