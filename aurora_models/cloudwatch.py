"""Your own cluster's CloudWatch metrics, read into one tidy table (issue 26, items 2 and 4).

Three formats, one result:

- :func:`read_metric_data` reads the output of ``aws cloudwatch get-metric-data`` (one or more
  pages) together with the ``--metric-data-queries`` file it was run with. The results carry
  only ``Id``, ``Label``, ``Timestamps``, ``Values``, ``StatusCode`` (and ``Messages``); the
  metric, its dimensions, the period, the statistic and the unit are in the queries'
  ``MetricStat``, so both files are needed and each ``Id`` must appear in both.
- :func:`read_metric_statistics` reads the output of ``aws cloudwatch get-metric-statistics``
  (``Label`` and ``Datapoints``, each with ``Timestamp``, ``Unit`` and the statistics asked for).
  That output does not say the period or the dimensions: pass them.
- :func:`read_csv` reads a plain CSV with columns ``timestamp, metric, statistic, period_s,
  value`` (``period`` is accepted for ``period_s``) and optionally ``unit`` and ``dimensions``.

Each returns a :class:`pandas.DataFrame` with the columns of :data:`COLUMNS`: ``timestamp``
(UTC, ascending within a series), ``metric``, ``statistic``, ``period_s``, ``unit``, ``value``,
``dimensions`` (``"Name=Value"`` pairs, sorted, joined by ``,``; empty where the file names
none) and ``source`` (the file). Rows are sorted by metric, dimensions, statistic, period and
time. :data:`METRICS` says, for each Aurora metric read, its unit, the interval AWS publishes it
at, the statistics that make sense for it, what it counts, the engines it applies to and the
page of AWS's documentation that says so; a file whose unit or period does not match is refused,
naming the metric. :func:`series` gives one metric as a time series and :func:`rate_per_s` turns a count or
rate metric into a per-second series
(``VolumeReadIOPs`` is a count per 5-minute interval, not a rate), and
:func:`billed_acu_hours_bounds` bounds the ACU-hours billed from coarse
``ServerlessDatabaseCapacity`` statistics.

Every malformed file raises :class:`~aurora_models.exceptions.DataError` naming the file (and
the line, where there is one) and the field. Nothing is fetched over the network: run the AWS
CLI yourself and pass its output here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ._validate import check_choice
from .data import read_csv_checked
from .exceptions import DataError, ParameterTypeError, ParameterValueError

__all__ = [
    "ASSUMPTION",
    "COLUMNS",
    "METRICS",
    "POSTGRESQL_INSTEAD",
    "AcuHoursBounds",
    "Metric",
    "billed_acu_hours_bounds",
    "rate_per_s",
    "read_csv",
    "read_metric_data",
    "read_metric_statistics",
    "series",
]

#: The columns of every frame this module returns, in order.
COLUMNS = ("timestamp", "metric", "statistic", "period_s", "unit", "value", "dimensions",
           "source")

# AWS's pages, as cited below (read in the awsdocs/amazon-aurora-user-guide sources and the
# CloudWatch API reference; see data/cloudwatch/README.md for what each says).
AURORA_METRICS_URL = ("https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
                      "Aurora.AuroraMonitoring.Metrics.html")
SERVERLESS_METRICS_URL = ("https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
                          "aurora-serverless-v2.setting-capacity.html"
                          "#aurora-serverless-v2.viewing.monitoring")
MONITORING_TOOLS_URL = ("https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
                        "MonitoringOverview.html")
GET_METRIC_DATA_URL = ("https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/"
                       "API_GetMetricData.html")
METRIC_DATA_RESULT_URL = ("https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/"
                          "API_MetricDataResult.html")
DATAPOINT_URL = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Datapoint.html"
REPOST_ACU_COST_URL = ("https://repost.aws/questions/QUeuhCDZEfQpyt1HPMF7wsfg/calculating-costs-"
                       "from-cloudwatch-serverlessdatabasecapacity-does-not-match-values-from-"
                       "cost-explorer-for-aurora-rds")

Kind = Literal["level", "rate", "count_per_interval"]
_BOTH = ("aurora-mysql", "aurora-postgresql")
_LEVEL_STATS = ("Average", "Minimum", "Maximum", "SampleCount")
_COUNT_STATS = ("Sum", "Average", "Minimum", "Maximum", "SampleCount")
_PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d+)?|100)$")


@dataclass(frozen=True, kw_only=True)
class Metric:
    """What AWS documents about one ``AWS/RDS`` metric.

    Parameters
    ----------
    name : str
        The metric's name as CloudWatch spells it (``VolumeReadIOPs``: lower-case ``s``).
    unit : str
        The CloudWatch unit (``Count``, ``Percent``, ``Count/Second``, ``Bytes``,
        ``Milliseconds``).
    kind : {"level", "rate", "count_per_interval"}
        ``level``: a value at a moment (capacity, connections, bytes, lag, percent);
        ``rate``: an average per second; ``count_per_interval``: a count over each
        ``published_period_s`` interval.
    published_period_s : int
        The interval AWS publishes the metric at, seconds; a query's period must be a multiple of it.
    statistics : tuple of str
        The statistics that make sense for the metric (percentiles ``pNN`` too for levels and
        rates).
    counts : str
        What the value measures, in our words, from AWS's description.
    engines : tuple of str
        ``aurora-mysql`` and/or ``aurora-postgresql`` (AWS's "Applies to" column).
    level : str
        ``cluster`` or ``instance`` (the table AWS lists it in), with any role it is limited to.
    source : str
        The AWS documentation page.
    note : str
        What the page says about the unit and the interval, and where it is silent.
    namespace : str
        ``AWS/RDS``.

    Examples
    --------
    >>> m = METRICS["VolumeReadIOPs"]
    >>> m.unit, m.kind, m.published_period_s
    ('Count', 'count_per_interval', 300)
    """

    name: str
    unit: str
    kind: Kind
    published_period_s: int
    statistics: tuple[str, ...]
    counts: str
    engines: tuple[str, ...]
    level: str
    source: str
    note: str
    namespace: str = "AWS/RDS"

    def allows(self, statistic: str) -> bool:
        """Whether ``statistic`` makes sense for this metric.

        Parameters
        ----------
        statistic : str
            A CloudWatch statistic (``Average``, ``Sum``, ``Maximum``, ``p99``...).

        Returns
        -------
        bool
            True when the metric lists it, or it is a percentile of a level or a rate.
        """
        if statistic in self.statistics:
            return True
        return self.kind != "count_per_interval" and bool(_PERCENTILE.match(statistic))


_EVERY_MINUTE = ("the table gives no interval; AWS's monitoring overview says Aurora sends "
                 "its metrics to CloudWatch every minute, so periods are multiples of 60 s")


def _m(name, unit, kind, period, counts, engines, level, source, note) -> Metric:
    stats = _COUNT_STATS if kind == "count_per_interval" else _LEVEL_STATS
    return Metric(name=name, unit=unit, kind=kind, published_period_s=period, statistics=stats,
                  counts=counts, engines=engines, level=level, source=source, note=note)


#: The Aurora metrics this module reads, by name (issue 26 item 2's list). Each entry's unit
#: and interval are AWS's (``source``); see ``data/cloudwatch/README.md`` for the citations.
METRICS: Mapping[str, Metric] = MappingProxyType({m.name: m for m in (
    _m("ServerlessDatabaseCapacity", "Count", "level", 60,
       "Serverless v2 capacity in ACUs: per instance, or at cluster level the average of the "
       "instances' values", _BOTH, "cluster and instance", SERVERLESS_METRICS_URL,
       "the cluster table gives unit Count; the Serverless v2 page says the value is computed "
       "every second and that the bill is computed from this metric; published each minute "
       "(monitoring overview)"),
    _m("ACUUtilization", "Percent", "level", 60,
       "ServerlessDatabaseCapacity divided by the cluster's maximum ACU, as a percentage",
       _BOTH, "instance", SERVERLESS_METRICS_URL,
       "the instance table says 'Percentage' (CloudWatch's unit name is Percent); computed "
       "every second, published each minute"),
    _m("CPUUtilization", "Percent", "level", 60,
       "percent of CPU used (Serverless v2: of the CPU available at the maximum ACU)", _BOTH,
       "instance", AURORA_METRICS_URL, "unit 'Percentage' (Percent); " + _EVERY_MINUTE),
    _m("VolumeReadIOPs", "Count", "count_per_interval", 300,
       "billed read I/O operations on the cluster volume, summed over all instances, per "
       "5-minute interval (divide by 300 for a per-second rate)", _BOTH, "cluster",
       AURORA_METRICS_URL,
       "unit 'Count per 5 minutes'; reported at 5-minute intervals; AWS's example: 13,686 in "
       "an interval is 45.62 per second"),
    _m("VolumeWriteIOPs", "Count", "count_per_interval", 300,
       "write I/O operations to the cluster volume per 5-minute interval (billed like "
       "VolumeReadIOPs)", _BOTH, "cluster", AURORA_METRICS_URL,
       "unit 'Count per 5 minutes'; reported at 5-minute intervals"),
    _m("CommitThroughput", "Count/Second", "rate", 60,
       "average commit operations per second", _BOTH, "instance", AURORA_METRICS_URL,
       "unit 'Count per second'; " + _EVERY_MINUTE),
    _m("DMLThroughput", "Count/Second", "rate", 60,
       "average inserts, updates and deletes per second", ("aurora-mysql",), "instance",
       AURORA_METRICS_URL, "Aurora MySQL only; unit 'Count per second'; " + _EVERY_MINUTE),
    _m("SelectThroughput", "Count/Second", "rate", 60,
       "average select queries per second", ("aurora-mysql",), "instance", AURORA_METRICS_URL,
       "Aurora MySQL only; unit 'Count per second'; " + _EVERY_MINUTE),
    _m("VolumeBytesUsed", "Bytes", "level", 60,
       "storage used by the cluster volume, as billed", _BOTH, "cluster", AURORA_METRICS_URL,
       "unit Bytes (the console shows GiB); " + _EVERY_MINUTE),
    _m("DatabaseConnections", "Count", "level", 60,
       "client network connections to the instance", _BOTH, "instance", AURORA_METRICS_URL,
       "unit Count; " + _EVERY_MINUTE),
    _m("AuroraReplicaLag", "Milliseconds", "level", 60,
       "for a replica, the lag replicating updates from the primary instance", _BOTH,
       "instance (replicas)", AURORA_METRICS_URL, "unit Milliseconds; " + _EVERY_MINUTE),
    _m("AuroraGlobalDBReplicationLag", "Milliseconds", "level", 60,
       "in a Global Database, the lag replicating updates from the primary Region", _BOTH,
       "cluster (secondary Regions)", AURORA_METRICS_URL,
       "unit Milliseconds; " + _EVERY_MINUTE),
)})

#: What the PostgreSQL path uses where a metric is Aurora MySQL only (AWS's "Applies to").
POSTGRESQL_INSTEAD: Mapping[str, str] = MappingProxyType({
    "DMLThroughput": "CommitThroughput (both engines): transactions, not statements; Aurora "
                     "PostgreSQL publishes no per-statement DML rate",
    "SelectThroughput": "CommitThroughput (both engines); Aurora PostgreSQL publishes no "
                        "select rate",
})

_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


# --------------------------------------------------------------------------------------------
# Reading


def _load_json(path: Path) -> Any:
    if not path.exists():
        raise DataError("file not found", path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the file ({exc})", path=str(path)) from None
    if not text.strip():
        raise DataError("empty file: expected the JSON that the AWS CLI printed", path=str(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        end = exc.pos >= len(text.rstrip())
        why = "truncated JSON (the file ends inside a value)" if end else f"invalid JSON ({exc.msg})"
        raise DataError(why, path=str(path), line=exc.lineno) from None


def _timestamp(value: Any, *, path: Path, what: str, line: int | None = None) -> pd.Timestamp:
    """An ISO 8601 timestamp (``Z``, an offset, or none: read as UTC, CloudWatch's clock) or
    epoch seconds, as a UTC :class:`pandas.Timestamp`."""
    if isinstance(value, bool):
        raise DataError(f"{what}: {value!r} is not a timestamp", path=str(path), line=line)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise DataError(f"{what}: {value!r} is not a timestamp", path=str(path), line=line)
        try:
            return pd.Timestamp(datetime.fromtimestamp(value, tz=UTC))
        except (OverflowError, OSError, ValueError):
            raise DataError(f"{what}: {value!r} seconds since 1970 is out of range",
                            path=str(path), line=line) from None
    if not isinstance(value, str):
        raise DataError(f"{what}: {value!r} is not a timestamp", path=str(path), line=line)
    text = value.strip()
    try:
        t = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" and text else text)
    except ValueError:
        raise DataError(f"{what}: {value!r} is not an ISO 8601 timestamp", path=str(path),
                        line=line) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    try:
        return pd.Timestamp(t).tz_convert("UTC")
    except (OverflowError, ValueError):  # pandas' range: years 1677-2262
        raise DataError(f"{what}: {value!r} is out of range", path=str(path),
                        line=line) from None


def _timestamps(values: list, *, path: Path, what: str) -> pd.DatetimeIndex:
    """A series' timestamps at once (ISO 8601 strings, the AWS CLI's output); anything else,
    or a string pandas cannot read, one by one through :func:`_timestamp` for its message."""
    if values and all(isinstance(v, str) for v in values):
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(values, utc=True, format="ISO8601"))
            if not idx.isna().any():  # an empty string parses as NaT
                return idx
        except (ValueError, OverflowError):
            pass  # the loop below names the first bad one
    return pd.DatetimeIndex([_timestamp(t, path=path, what=f"{what}, field Timestamps[{j}]")
                             for j, t in enumerate(values)])


def _finite_values(values: list, *, path: Path, what: str) -> np.ndarray:
    """A series' values as floats; the first that is no finite number is named."""
    arr = None
    if all(type(v) in (int, float) for v in values):
        try:
            arr = np.asarray(values, dtype=float)
        except OverflowError:  # an integer beyond a double
            arr = None
    if arr is None or not np.isfinite(arr).all():
        for j, v in enumerate(values):
            try:
                bad = isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
            except OverflowError:
                bad = True
            if bad:
                raise DataError(f"{what}: field Values[{j}] {v!r} is not a finite number",
                                path=str(path))
    return cast(np.ndarray, arr)


def _dimensions(value: Any, *, path: Path, what: str) -> str:
    """``[{"Name": .., "Value": ..}]``, a ``{name: value}`` mapping or a ``"A=b,C=d"`` string,
    as the canonical sorted ``"A=b,C=d"``."""
    if value is None or value == "":
        return ""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, str):
        for part in value.split(","):
            name, sep, val = part.strip().partition("=")
            if not sep or not name.strip() or not val.strip():
                raise DataError(f"{what}: {part.strip()!r} is not Name=Value", path=str(path))
            pairs.append((name.strip(), val.strip()))
    elif isinstance(value, Mapping):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    elif isinstance(value, list):
        for d in value:
            if not isinstance(d, Mapping) or "Name" not in d or "Value" not in d:
                raise DataError(f"{what}: each dimension needs Name and Value, got {d!r}",
                                path=str(path))
            pairs.append((str(d["Name"]), str(d["Value"])))
    else:
        raise DataError(f"{what}: {value!r} is not a list of dimensions", path=str(path))
    for name, val in pairs:
        if "," in name + val or "=" in name:
            raise DataError(f"{what}: dimension {name}={val} has a ',' or '=' in it",
                            path=str(path))
    return ",".join(f"{n}={v}" for n, v in sorted(pairs))


def _check_metric(name: Any, *, path: Path, what: str, line: int | None = None) -> Metric:
    if name not in METRICS:
        raise DataError(f"{what}: metric {name!r} is not one this reader knows (known: "
                        f"{', '.join(METRICS)})", path=str(path), line=line)
    return METRICS[name]


def _check_period(metric: Metric, period: Any, *, path: Path, what: str,
                  line: int | None = None) -> int:
    if isinstance(period, bool) or not isinstance(period, (int, float)) or period != period:
        raise DataError(f"{what}: {metric.name} period {period!r} is not a number of seconds",
                        path=str(path), line=line)
    p = metric.published_period_s
    if period <= 0 or period % p != 0:
        raise DataError(f"{what}: {metric.name} is published at {p} s intervals ({metric.note}); "
                        f"a period of {period:g} s is not a multiple of {p} s", path=str(path),
                        line=line)
    return int(period)


def _check_unit(metric: Metric, unit: Any, *, path: Path, what: str,
                line: int | None = None) -> str:
    if unit in (None, ""):
        return metric.unit
    if unit != metric.unit:
        raise DataError(f"{what}: {metric.name} is in {metric.unit} ({metric.source}), but the "
                        f"file says unit {unit!r}", path=str(path), line=line)
    return metric.unit


def _check_statistic(metric: Metric, stat: Any, *, path: Path, what: str,
                     line: int | None = None) -> str:
    if not isinstance(stat, str) or not metric.allows(stat):
        allowed = ", ".join(metric.statistics)
        if metric.kind != "count_per_interval":
            allowed += " or a percentile pNN"
        raise DataError(f"{what}: statistic {stat!r} does not make sense for {metric.name} "
                        f"(a {metric.kind.replace('_', ' ')}; use {allowed})", path=str(path),
                        line=line)
    return stat


def _check_spacing(frame: pd.DataFrame) -> None:
    """Within each series, timestamps are distinct and a whole number of periods apart."""
    keys = ["metric", "dimensions", "statistic", "period_s"]
    for (metric, dims, stat, period), g in frame.groupby(keys, sort=False):
        t = g["timestamp"]
        dup = t.duplicated()
        if dup.any():
            row = g[dup].iloc[0]
            raise DataError(f"{metric} {stat} ({dims or 'no dimensions'}): timestamp "
                            f"{row['timestamp'].isoformat()} appears twice (pages that overlap, "
                            "or the same file given twice)", path=row["source"])
        gaps = t.sort_values().diff().dt.total_seconds().dropna()
        off = gaps[(gaps % period) != 0]
        if len(off):
            raise DataError(f"{metric} {stat} ({dims or 'no dimensions'}): timestamps "
                            f"{off.iloc[0]:g} s apart, not a multiple of the period "
                            f"{period} s: the period given does not match the data",
                            path=g["source"].iloc[0])


def _finish(rows: list[dict] | list[pd.DataFrame]) -> pd.DataFrame:
    """The rows (dicts, or frames of whole series) as one checked, sorted frame."""
    if rows and isinstance(rows[0], pd.DataFrame):
        frame = pd.concat(rows, ignore_index=True)[list(COLUMNS)]
    else:
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if frame.empty:
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["value"] = frame["value"].astype(float)
    frame["period_s"] = frame["period_s"].astype(np.int64)
    _check_spacing(frame)
    frame = frame.sort_values(["metric", "dimensions", "statistic", "period_s", "timestamp"],
                              kind="stable").reset_index(drop=True)
    return frame


def _paths(value: Any, name: str) -> list[Path]:
    if isinstance(value, (str, Path)):
        return [Path(value)]
    if isinstance(value, Iterable):
        out = [Path(v) for v in value]
        if out:
            return out
        raise ParameterValueError(f"`{name}` must name at least one file, got none")
    raise ParameterTypeError(f"`{name}` must be a path or a list of paths, got "
                             f"{type(value).__name__}")


def _queries(path: Path) -> dict[str, dict]:
    """The MetricStat queries of a ``--metric-data-queries`` file (a JSON list) or of a
    ``--cli-input-json`` file (an object with ``MetricDataQueries``), by Id."""
    doc = _load_json(path)
    if isinstance(doc, Mapping):
        if "MetricDataQueries" not in doc:
            raise DataError("field MetricDataQueries is missing (expected the list passed as "
                            "--metric-data-queries, or an object holding it)", path=str(path))
        doc = doc["MetricDataQueries"]
    if not isinstance(doc, list) or not doc:
        raise DataError("field MetricDataQueries must be a non-empty list of queries",
                        path=str(path))
    out: dict[str, dict] = {}
    for i, q in enumerate(doc):
        what = f"MetricDataQueries[{i}]"
        if not isinstance(q, Mapping) or not isinstance(q.get("Id"), str):
            raise DataError(f"{what}: field Id is missing", path=str(path))
        qid = q["Id"]
        what = f"query {qid!r}"
        if qid in out:
            raise DataError(f"{what}: Id appears twice", path=str(path))
        returned = q.get("ReturnData", True)
        stat = q.get("MetricStat")
        if stat is None:
            if "Expression" in q and returned is False:
                continue  # an input to an expression that returns nothing: nothing to read
            raise DataError(f"{what}: field MetricStat is missing (expressions and Metrics "
                            "Insights queries do not name one metric, so they cannot be "
                            "checked; query the metrics themselves)", path=str(path))
        if not isinstance(stat, Mapping) or not isinstance(stat.get("Metric"), Mapping):
            raise DataError(f"{what}: field MetricStat.Metric is missing", path=str(path))
        m = stat["Metric"]
        if m.get("Namespace") != "AWS/RDS":
            raise DataError(f"{what}: field MetricStat.Metric.Namespace is "
                            f"{m.get('Namespace')!r}; these metrics are in AWS/RDS",
                            path=str(path))
        metric = _check_metric(m.get("MetricName"), path=path,
                               what=f"{what}, field MetricStat.Metric.MetricName")
        if "Period" not in stat:
            raise DataError(f"{what}: field MetricStat.Period is missing", path=str(path))
        period = _check_period(metric, stat["Period"], path=path,
                               what=f"{what}, field MetricStat.Period")
        statistic = _check_statistic(metric, stat.get("Stat"), path=path,
                                     what=f"{what}, field MetricStat.Stat")
        unit = _check_unit(metric, stat.get("Unit"), path=path,
                           what=f"{what}, field MetricStat.Unit")
        dims = _dimensions(m.get("Dimensions"), path=path,
                           what=f"{what}, field MetricStat.Metric.Dimensions")
        out[qid] = {"metric": metric.name, "statistic": statistic, "period_s": period,
                    "unit": unit, "dimensions": dims, "returned": returned is not False}
    return out


def read_metric_data(results: str | Path | Iterable[str | Path],
                     queries: str | Path) -> pd.DataFrame:
    """Read ``aws cloudwatch get-metric-data`` output (one or more pages) with its queries.

    Parameters
    ----------
    results : path or list of paths
        The JSON the command printed: ``{"MetricDataResults": [{"Id", "Label", "Timestamps",
        "Values", "StatusCode", "Messages"}], "NextToken": ...}``. Give every page: each page
        but the last carries a ``NextToken`` (the CLI pages for you unless it was run with
        ``--max-items`` or ``--no-paginate``), and the pages are merged.
    queries : path
        The ``--metric-data-queries`` file (a JSON list of ``MetricDataQuery``) or a
        ``--cli-input-json`` file holding ``MetricDataQueries``.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`, one row per data point, ascending in time within each
        series (AWS returns newest first by default: ``ScanBy`` ``TimestampDescending``).
        ``unit`` is the query's ``Unit`` or, where the query gives none, the documented unit.

    Raises
    ------
    DataError
        Naming the file and the field: unreadable or truncated JSON; a query with no
        ``MetricStat``, outside ``AWS/RDS``, of a metric not in :data:`METRICS`, at a period
        that is not a multiple of the published interval, with the wrong unit or a statistic
        that does not make sense; a result ``Id`` with no query or a returned query with no
        result; ``Timestamps`` and ``Values`` of different lengths; a ``StatusCode`` of
        ``InternalError`` or ``Forbidden``; an export whose pages all carry a ``NextToken``
        (pages missing) or whose last page still says ``PartialData``; a timestamp twice in a
        series (overlapping pages) or spaced by other than whole periods.

    Examples
    --------
    The period of each query is checked against the interval AWS publishes the metric at:

    >>> METRICS["VolumeReadIOPs"].published_period_s, METRICS["VolumeReadIOPs"].unit
    (300, 'Count')
    """
    files = _paths(results, "results")
    qpath = Path(queries)
    spec = _queries(qpath)
    chunks: list[pd.DataFrame] = []
    seen: set[str] = set()
    last_pages: list[Path] = []
    for path in files:
        doc = _load_json(path)
        if not isinstance(doc, Mapping) or not isinstance(doc.get("MetricDataResults"), list):
            raise DataError("field MetricDataResults is missing (expected the JSON that "
                            "`aws cloudwatch get-metric-data` printed)", path=str(path))
        more = bool(doc.get("NextToken"))
        if not more:
            last_pages.append(path)
        for i, r in enumerate(doc["MetricDataResults"]):
            if not isinstance(r, Mapping) or not isinstance(r.get("Id"), str):
                raise DataError(f"MetricDataResults[{i}]: field Id is missing", path=str(path))
            rid = r["Id"]
            what = f"result {rid!r}"
            if rid not in spec:
                raise DataError(f"{what}: field Id matches no query in {qpath} (the queries file "
                                "is not the one these results were run with)", path=str(path))
            status = r.get("StatusCode", "Complete")
            if status in ("InternalError", "Forbidden"):
                raise DataError(f"{what}: field StatusCode is {status}: CloudWatch did not "
                                "return this metric's data", path=str(path))
            if status == "PartialData" and not more:
                raise DataError(f"{what}: field StatusCode is PartialData on a page with no "
                                "NextToken: the export is incomplete", path=str(path))
            if status not in ("Complete", "PartialData"):
                raise DataError(f"{what}: field StatusCode {status!r} is not one of Complete, "
                                "PartialData, InternalError, Forbidden", path=str(path))
            ts, vs = r.get("Timestamps"), r.get("Values")
            if not isinstance(ts, list) or not isinstance(vs, list):
                raise DataError(f"{what}: fields Timestamps and Values must be lists",
                                path=str(path))
            if len(ts) != len(vs):
                raise DataError(f"{what}: {len(ts)} Timestamps but {len(vs)} Values (the "
                                "numbers always match in AWS's output)", path=str(path))
            q = spec[rid]
            seen.add(rid)
            values = _finite_values(vs, path=path, what=what)
            chunks.append(pd.DataFrame({
                "timestamp": _timestamps(ts, path=path, what=what), "metric": q["metric"],
                "statistic": q["statistic"], "period_s": q["period_s"], "unit": q["unit"],
                "value": values, "dimensions": q["dimensions"], "source": str(path)}))
    if not last_pages:
        raise DataError("every page has a NextToken: the last page of the export is missing "
                        "(run the command again without --max-items, or give every page)",
                        path=str(files[-1]))
    missing = [qid for qid, q in spec.items() if q["returned"] and qid not in seen]
    if missing:
        raise DataError(f"query Id {', '.join(map(repr, missing))} has no result in "
                        f"{', '.join(map(str, files))} (the queries file is not the one these "
                        "results were run with)", path=str(qpath))
    return _finish(chunks)


def read_metric_statistics(path: str | Path, *, period_s: int, metric: str | None = None,
                           dimensions: str | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read ``aws cloudwatch get-metric-statistics`` output.

    Parameters
    ----------
    path : str or Path
        The JSON the command printed: ``{"Label": ..., "Datapoints": [{"Timestamp", "Unit",
        "Average", "Minimum", "Maximum", "Sum", "SampleCount", "ExtendedStatistics"}]}``.
    period_s : int
        The ``--period`` the command was run with, seconds (the output does not say it).
    metric : str, optional
        The metric's name; default the output's ``Label`` (the CLI labels it with the metric).
    dimensions : str or mapping, optional
        The ``--dimensions`` (``"DBInstanceIdentifier=my-writer"`` or a mapping); the output
        does not say them.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`: one row per data point and statistic present
        (percentiles from ``ExtendedStatistics`` as ``pNN``), ascending in time (AWS returns
        the datapoints in no stated order).

    Raises
    ------
    DataError
        Unreadable or truncated JSON, no ``Datapoints``, a metric not in :data:`METRICS`, a
        ``Unit`` that is not the metric's, a period that is not a multiple of the published
        interval or that the timestamps contradict, a statistic that makes no sense for the
        metric, a datapoint with no timestamp or no statistic.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> out = {"Label": "CPUUtilization", "Datapoints": [
    ...     {"Timestamp": "2026-01-01T00:05:00Z", "Average": 41.0, "Unit": "Percent"},
    ...     {"Timestamp": "2026-01-01T00:00:00Z", "Average": 38.5, "Unit": "Percent"}]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cpu.json"
    >>> _ = path.write_text(json.dumps(out))
    >>> f = read_metric_statistics(path, period_s=300, dimensions="DBInstanceIdentifier=w")
    >>> f["value"].tolist(), int(f["period_s"].iloc[0])
    ([38.5, 41.0], 300)
    """
    path = Path(path)
    doc = _load_json(path)
    if not isinstance(doc, Mapping) or not isinstance(doc.get("Datapoints"), list):
        raise DataError("field Datapoints is missing (expected the JSON that `aws cloudwatch "
                        "get-metric-statistics` printed)", path=str(path))
    name = metric if metric is not None else doc.get("Label")
    m = _check_metric(name, path=path, what="field Label" if metric is None else "`metric`")
    period = _check_period(m, period_s, path=path, what="`period_s`")
    dims = _dimensions(dimensions, path=path, what="`dimensions`")
    rows: list[dict] = []
    for i, dp in enumerate(doc["Datapoints"]):
        what = f"Datapoints[{i}]"
        if not isinstance(dp, Mapping) or "Timestamp" not in dp:
            raise DataError(f"{what}: field Timestamp is missing", path=str(path))
        t = _timestamp(dp["Timestamp"], path=path, what=f"{what}, field Timestamp")
        unit = _check_unit(m, dp.get("Unit"), path=path, what=f"{what}, field Unit")
        stats = {s: dp[s] for s in _STATISTICS if s in dp}
        ext = dp.get("ExtendedStatistics") or {}
        if not isinstance(ext, Mapping):
            raise DataError(f"{what}: field ExtendedStatistics must be an object",
                            path=str(path))
        stats.update(ext)
        if not stats:
            raise DataError(f"{what}: no statistic (Average, Minimum, Maximum, Sum, SampleCount "
                            "or ExtendedStatistics)", path=str(path))
        for s, v in stats.items():
            _check_statistic(m, s, path=path, what=f"{what}, field {s}")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise DataError(f"{what}: field {s} {v!r} is not a finite number",
                                path=str(path))
            rows.append({"timestamp": t, "metric": m.name, "statistic": s, "period_s": period,
                         "unit": unit, "value": float(v), "dimensions": dims,
                         "source": str(path)})
    if not rows:
        raise DataError("field Datapoints is empty: no data in the requested time range",
                        path=str(path))
    return _finish(rows)


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a plain CSV of CloudWatch statistics.

    Parameters
    ----------
    path : str or Path
        Header ``timestamp, metric, statistic, period_s, value`` (``period`` is accepted for
        ``period_s``), optionally ``unit`` and ``dimensions`` (``Name=Value`` pairs joined by
        ``,`` -- quote the field); any order; ISO 8601 timestamps (``Z``, an offset, or none:
        read as UTC).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`, ascending in time within each series.

    Raises
    ------
    DataError
        Naming the file and the line: a missing column, a metric not in :data:`METRICS`, a
        period that is not a multiple of the published interval, a unit that is not the
        metric's, a statistic that makes no sense for it, a value that does not parse, a
        timestamp twice in a series.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acu.csv"
    >>> rows = ["timestamp,metric,statistic,period_s,value",
    ...         "2026-01-01T00:01:00Z,ServerlessDatabaseCapacity,Average,60,2.5",
    ...         "2026-01-01T00:00:00Z,ServerlessDatabaseCapacity,Average,60,2.0"]
    >>> _ = path.write_text("\\n".join(rows))
    >>> read_csv(path)["value"].tolist()
    [2.0, 2.5]
    """
    path = Path(path)
    header = _csv_header(path)
    period_col = "period_s" if "period_s" in header else "period"
    columns = {"timestamp": "str", "metric": "str", "statistic": "str", period_col: "float",
               "value": "float"}
    for optional in ("unit", "dimensions"):
        if optional in header:
            columns[optional] = "str?"
    raw = read_csv_checked(path, columns)
    rows: list[dict] = []
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2
        m = _check_metric(rec["metric"], path=path, what="column metric", line=line)
        period = _check_period(m, rec[period_col], path=path, what=f"column {period_col}",
                               line=line)
        stat = _check_statistic(m, rec["statistic"], path=path, what="column statistic",
                                line=line)
        unit = _check_unit(m, rec.get("unit"), path=path, what="column unit", line=line)
        if not math.isfinite(rec["value"]):
            raise DataError(f"column value: {rec['value']!r} is not a finite number",
                            path=str(path), line=line)
        try:
            dims = _dimensions(rec.get("dimensions") or "", path=path, what="column dimensions")
        except DataError as exc:
            raise DataError(str(exc).split(": ", 1)[1], path=str(path), line=line) from None
        rows.append({"timestamp": _timestamp(rec["timestamp"], path=path,
                                             what="column timestamp", line=line),
                     "metric": m.name, "statistic": stat, "period_s": period, "unit": unit,
                     "value": float(rec["value"]), "dimensions": dims, "source": str(path)})
    return _finish(rows)


def _csv_header(path: Path) -> list[str]:
    if not path.exists():
        raise DataError("file not found", path=str(path))
    try:
        with path.open(encoding="utf-8") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the file ({exc})", path=str(path)) from None
    header = [c.strip() for c in first.strip().split(",")]
    if "period_s" not in header and "period" not in header:
        raise DataError(f"missing column 'period_s' (or 'period'); the header has "
                        f"{', '.join(map(repr, header))}", path=str(path), line=1)
    return header


# --------------------------------------------------------------------------------------------
# Helpers for calibration


def _select(frame: pd.DataFrame, metric: str, dimensions: str | Mapping[str, str] | None,
            statistic: str | None = None) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame) or not set(COLUMNS) <= set(frame.columns):
        raise ParameterTypeError("`frame` must be a frame returned by this module's readers "
                                 f"(columns {', '.join(COLUMNS)})")
    check_choice("metric", metric, sorted(METRICS))
    sel = frame[frame["metric"] == metric]
    if dimensions is not None:
        dims = _dimensions(dimensions, path=Path("<dimensions>"), what="`dimensions`")
        sel = sel[sel["dimensions"] == dims]
    if statistic is not None:
        sel = sel[sel["statistic"] == statistic]
    if sel.empty:
        raise ParameterValueError(f"`frame` has no {metric} rows"
                                  + (f" with statistic {statistic}" if statistic else "")
                                  + (f" and dimensions {dimensions!r}" if dimensions else ""))
    return sel


def series(frame: pd.DataFrame, metric: str, *, statistic: str = "Average",
           dimensions: str | Mapping[str, str] | None = None) -> pd.Series:
    """One metric's values as a series, in the metric's own unit.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from this module's readers.
    metric : str
        A metric of :data:`METRICS`.
    statistic : str
        Which statistic (default ``Average``).
    dimensions : str or mapping, optional
        Which series; required when the frame holds the metric for several dimension sets.

    Returns
    -------
    pandas.Series
        Indexed by timestamp (UTC, ascending), named after the metric; ``attrs`` hold
        ``unit``, ``period_s``, ``statistic`` and ``dimensions``.

    Raises
    ------
    ParameterValueError
        No rows, or rows for several dimension sets or periods without a way to choose.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-01T00:00Z", "2026-01-01T00:01Z"]),
    ...     "metric": "DatabaseConnections", "statistic": "Average", "period_s": 60,
    ...     "unit": "Count", "value": [12.0, 15.0], "dimensions": "", "source": "x"})
    >>> s = series(f, "DatabaseConnections")
    >>> s.tolist(), s.attrs["unit"]
    ([12.0, 15.0], 'Count')
    """
    sel = _select(frame, metric, dimensions, statistic)
    if sel["dimensions"].nunique() > 1 or sel["period_s"].nunique() > 1:
        raise ParameterValueError(
            f"`frame` holds {metric} {statistic} for {sel['dimensions'].nunique()} dimension "
            f"set(s) at {sel['period_s'].nunique()} period(s); pick one with `dimensions` "
            f"(one of {sorted(sel['dimensions'].unique())}) or filter the frame by period_s")
    out = pd.Series(sel["value"].to_numpy(), index=pd.DatetimeIndex(sel["timestamp"]),
                    name=metric).sort_index()
    out.attrs.update(unit=METRICS[metric].unit, period_s=int(sel["period_s"].iloc[0]),
                     statistic=statistic, dimensions=sel["dimensions"].iloc[0])
    return out


def rate_per_s(frame: pd.DataFrame, metric: str, *, statistic: str = "Average",
               dimensions: str | Mapping[str, str] | None = None) -> pd.Series:
    """One metric as a per-second rate series.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from :func:`read_metric_data`, :func:`read_metric_statistics` or
        :func:`read_csv`.
    metric : str
        A ``count_per_interval`` or ``rate`` metric of :data:`METRICS`.
    statistic : str
        Which statistic's rows to convert (default ``Average``).
    dimensions : str or mapping, optional
        Which series; required when the frame holds the metric for several dimension sets.

    Returns
    -------
    pandas.Series
        Indexed by timestamp (UTC, ascending), named ``"<metric>_per_s"``. For a count per
        interval (``VolumeReadIOPs``: a count per 300 s), ``Sum`` over a period of ``P`` seconds
        is divided by ``P``; ``Average``, ``Minimum``, ``Maximum`` (of the interval counts) by
        the interval. A rate metric is returned as it is (``Average``, ``Minimum``, ``Maximum``,
        percentiles).

    Raises
    ------
    ParameterValueError
        A level metric (capacity, connections, bytes, lag: not a count), a statistic that
        is not a rate (``SampleCount``; ``Sum`` of a rate), rows for several dimension sets or
        periods without ``dimensions`` to choose, or no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-01T00:00Z"]),
    ...     "metric": ["VolumeReadIOPs"], "statistic": ["Sum"], "period_s": [300],
    ...     "unit": ["Count"], "value": [13686.0], "dimensions": [""], "source": ["x"]})
    >>> round(float(rate_per_s(f, "VolumeReadIOPs", statistic="Sum").iloc[0]), 2)
    45.62
    """
    m = METRICS[check_choice("metric", metric, sorted(METRICS))]
    if m.kind == "level":
        raise ParameterValueError(f"`metric` {metric} is a level ({m.counts}), not a count or a "
                                  "rate: it has no per-second rate")
    if statistic == "SampleCount" or (m.kind == "rate" and statistic == "Sum"):
        raise ParameterValueError(f"`statistic` {statistic} of {metric} is not a rate")
    level = series(frame, metric, statistic=statistic, dimensions=dimensions)
    period = level.attrs["period_s"]
    if m.kind == "count_per_interval":
        divisor = period if statistic == "Sum" else m.published_period_s
    else:
        divisor = 1
    out = (level / divisor).rename(f"{metric}_per_s")
    out.attrs = {**level.attrs, "unit": "Count/Second"}
    return out


@dataclass(frozen=True, kw_only=True)
class AcuHoursBounds:
    """ACU-hours billed, bounded from coarse ``ServerlessDatabaseCapacity`` statistics.

    Parameters
    ----------
    lower_acu_hours, upper_acu_hours : float
        ACU-hours: ``sum(Minimum x period) / 3600`` and ``sum(Maximum x period) / 3600``: whatever the
        capacity did within a period, every second of it lay between the period's Minimum and
        Maximum, so the capacity billed per second lies between these.
    average_acu_hours : float
        ``sum(Average x period) / 3600``: equal to the billed ACU-hours when each Average is
        the time-average of the per-second capacity over its whole period (the assumption).
    rounded_up_acu_hours : float
        ACU-hours: ``sum(ceil_half(Average) x period) / 3600``: each period's Average rounded up to a
        0.5 ACU, as though billing rounded the period's average up to the 0.5-ACU grid.
    rounding_acu_hours : float
        ``rounded_up_acu_hours - average_acu_hours``, in ``[0, 0.5 x hours x n_series)``: how
        far rounding each period's Average up to the 0.5-ACU grid moves the Average-based
        estimate. Where the per-second capacity is on the grid already (the capacity
        simulation's assumption; AWS says scaling steps are as small as 0.5 ACU and that the
        capacity is a floating-point number), the metered values need no rounding, so this is
        the most the rounding explanation can account for, not a correction to add; the bounds
        above hold either way.
    hours : float
        The time covered: distinct period start times x period / 3600 (per series).
    period_s : int
        The statistics' period, seconds (60 or 300).
    n_periods : int
        Periods read, over all series.
    n_series : int
        The dimension sets (instances) summed.
    assumption : str
        The sampling assumption behind ``average_acu_hours`` and the bounds.

    See Also
    --------
    billed_acu_hours_bounds : Computes them from a reader's frame.

    Examples
    --------
    >>> b = AcuHoursBounds(lower_acu_hours=1.0, upper_acu_hours=3.0, average_acu_hours=2.0,
    ...                    rounded_up_acu_hours=2.2, rounding_acu_hours=0.2, hours=1.0,
    ...                    period_s=60, n_periods=60, n_series=1, assumption="")
    >>> b.contains(2.5), b.contains(3.5)
    (True, False)
    """

    lower_acu_hours: float
    upper_acu_hours: float
    average_acu_hours: float
    rounded_up_acu_hours: float
    rounding_acu_hours: float
    hours: float
    period_s: int
    n_periods: int
    n_series: int
    assumption: str = field(repr=False)

    def contains(self, acu_hours: float) -> bool:
        """Whether ``acu_hours`` lies within ``[lower, upper]`` (to 1e-9 relative).

        Parameters
        ----------
        acu_hours : float
            ACU-hours to test (from a bill or a simulation), ACU-hours.

        Returns
        -------
        bool
            True when it lies between the bounds.
        """
        tol = 1e-9 * max(1.0, abs(self.upper_acu_hours))
        return self.lower_acu_hours - tol <= acu_hours <= self.upper_acu_hours + tol

    def to_frame(self) -> pd.DataFrame:
        """The bounds and the estimates as a table.

        Returns
        -------
        pandas.DataFrame
            One row per quantity (lower, Average, Average rounded up, upper): columns
            ``quantity``, ``acu_hours``.
        """
        return pd.DataFrame({
            "quantity": ["lower (Minimum x t)", "Average x t", "Average rounded up to 0.5 ACU",
                         "upper (Maximum x t)"],
            "acu_hours": [self.lower_acu_hours, self.average_acu_hours,
                          self.rounded_up_acu_hours, self.upper_acu_hours]})


ASSUMPTION = (
    "Each period's Minimum and Maximum are the extremes of the capacity over the whole period "
    "(CloudWatch computes them from the per-second values; AWS says the capacity is measured "
    "every second but does not say how its 1-minute datapoint aggregates them: check that "
    "SampleCount is the period in seconds); the Average is the time-average of the per-second "
    "capacity over the period; billing is per second of capacity (secondary sources; AWS's "
    "pages say only ACU-hours computed from this metric); periods missing from the data are "
    "not counted.")


def billed_acu_hours_bounds(frame: pd.DataFrame, *,
                            dimensions: str | Mapping[str, str] | None = None) -> AcuHoursBounds:
    """Bound the ACU-hours billed, from 1- or 5-minute ``ServerlessDatabaseCapacity``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from this module's readers with ``ServerlessDatabaseCapacity`` rows of the
        statistics ``Minimum``, ``Maximum`` and ``Average``, at one period, each period with
        all three.
    dimensions : str or mapping, optional
        One series (``"DBInstanceIdentifier=my-writer"``); default every instance-level series
        in the frame, summed (the cluster bills the sum of its instances).

    Returns
    -------
    AcuHoursBounds
        The lower and upper bounds, the Average-based estimate and its rounding effect.

    Raises
    ------
    ParameterValueError
        No capacity rows, several periods, a period missing one of the three statistics, a
        Minimum above the Average or the Average above the Maximum, a cluster-level series
        (``DBClusterIdentifier`` without ``DBInstanceIdentifier``: AWS documents it as the
        average of the instances' capacities, so ``x t`` it is not what the cluster bills).

    Notes
    -----
    Let period ``k`` of length ``t_k`` have Minimum ``m_k``, Maximum ``M_k`` and Average
    ``a_k``, and the billed capacity at second ``s`` be ``c_s``. Since ``m_k <= c_s <= M_k``
    within the period,

        sum_k m_k t_k  <=  sum_s c_s  <=  sum_k M_k t_k

    and, when ``a_k`` is the mean of ``c_s`` over period ``k``, ``sum_s c_s = sum_k a_k t_k``.
    The re:Post question "calculating costs from CloudWatch ServerlessDatabaseCapacity does not
    match values from Cost Explorer" ([1]_) was answered with per-second billing and 0.5-ACU
    steps against 1- or 5-minute averages: a 10 s spike is billed at its peak but averaged into
    the minute. The bounds are what such statistics can honestly say; the Average-based
    estimate needs the assumption above; ``rounding_acu_hours`` is the most that rounding each
    period's Average up to a 0.5 ACU can add (``< 0.5 x hours`` per series).

    References
    ----------
    .. [1] https://repost.aws/questions/QUeuhCDZEfQpyt1HPMF7wsfg/

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.to_datetime(["2026-01-01T00:00Z"] * 3)
    >>> f = pd.DataFrame({"timestamp": t, "metric": "ServerlessDatabaseCapacity",
    ...     "statistic": ["Minimum", "Maximum", "Average"], "period_s": 60, "unit": "Count",
    ...     "value": [2.0, 16.0, 4.33], "dimensions": "", "source": "x"})
    >>> b = billed_acu_hours_bounds(f)
    >>> round(b.lower_acu_hours, 4), round(b.average_acu_hours, 4), round(b.upper_acu_hours, 4)
    (0.0333, 0.0722, 0.2667)
    """
    sel = _select(frame, "ServerlessDatabaseCapacity", dimensions)
    sel = sel[sel["statistic"].isin(["Minimum", "Maximum", "Average"])]
    if sel.empty:
        raise ParameterValueError("`frame` has no ServerlessDatabaseCapacity Minimum, Maximum "
                                  "or Average rows")
    periods = sorted(sel["period_s"].unique())
    if len(periods) != 1:
        raise ParameterValueError(f"`frame` holds ServerlessDatabaseCapacity at periods "
                                  f"{periods} s; filter it to one")
    for dims in sel["dimensions"].unique():
        names = {p.partition("=")[0] for p in dims.split(",") if p}
        if "DBClusterIdentifier" in names and "DBInstanceIdentifier" not in names:
            raise ParameterValueError(
                f"series {dims!r} is cluster-level: AWS documents cluster-level "
                "ServerlessDatabaseCapacity as the average of the instances' values "
                f"({SERVERLESS_METRICS_URL}), not their sum; use the instance-level series")
    wide = sel.pivot_table(index=["dimensions", "timestamp"], columns="statistic",
                           values="value", aggfunc="first")
    missing = [s for s in ("Minimum", "Maximum", "Average") if s not in wide.columns]
    if missing or wide.isna().any().any():
        what = ", ".join(missing) if missing else "some statistic"
        raise ParameterValueError(f"every period needs Minimum, Maximum and Average; {what} is "
                                  "missing for some period")
    lo, hi, avg = (wide[s].to_numpy() for s in ("Minimum", "Maximum", "Average"))
    tol = 1e-9 * np.maximum(1.0, np.abs(hi))
    bad = (lo > avg + tol) | (avg > hi + tol)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        dims, ts = wide.index[i]
        raise ParameterValueError(f"period {ts.isoformat()} ({dims or 'no dimensions'}): "
                                  f"Minimum {lo[i]:g} <= Average {avg[i]:g} <= Maximum {hi[i]:g} "
                                  "does not hold")
    p = int(periods[0])
    rounded = np.ceil(2.0 * avg - 1e-9) / 2.0
    to_h = p / 3600.0
    average = float(avg.sum()) * to_h
    rounded_up = float(rounded.sum()) * to_h
    return AcuHoursBounds(
        lower_acu_hours=float(lo.sum()) * to_h, upper_acu_hours=float(hi.sum()) * to_h,
        average_acu_hours=average, rounded_up_acu_hours=rounded_up,
        rounding_acu_hours=rounded_up - average,
        hours=wide.index.get_level_values(1).nunique() * to_h,
        period_s=p, n_periods=len(wide), n_series=int(wide.index.get_level_values(0).nunique()),
        assumption=ASSUMPTION)
