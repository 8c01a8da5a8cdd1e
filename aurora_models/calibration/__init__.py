"""Calibration: a scenario fitted to your cluster's CloudWatch metrics (issue 26, item 3).

- :func:`read_metrics` reads the exports (``get-metric-data`` pages with their queries file,
  ``get-metric-statistics`` output, the plain CSV) into one frame;
- :func:`calibrate` reconstructs the demand from the throughput metrics and fits the
  per-operation costs with their intervals (:class:`Calibration`, :class:`FittedInput`);
- :func:`write_scenario` writes the scenario (``workload.source = "measured"``, the fits in
  ``[uncertainty]``, their sources in ``[provenance]``) and the demand series beside it;
- :func:`example_metrics` is a generated example export (a made-up shop, its generator in
  ``aurora_models/examples/shop/``), used by notebook 08 and the tests.

``aurora-models calibrate METRICS... --queries Q --out my.toml`` is the command line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pandas as pd

from .. import cloudwatch
from ..exceptions import DataError
from ._fit import Calibration, FittedInput, calibrate
from ._write import scenario_text, write_scenario

__all__ = ["Calibration", "FittedInput", "calibrate", "example_dir", "example_metrics",
           "read_metrics", "scenario_text", "write_scenario"]


def read_metrics(paths: str | Path | Iterable[str | Path], *,
                 queries: str | Path | None = None,
                 period_s: int | None = None) -> pd.DataFrame:
    """Read CloudWatch exports of any of the three formats into one frame.

    Parameters
    ----------
    paths : path or iterable of paths
        ``get-metric-data`` result pages (JSON with ``MetricDataResults``: every page of one
        run, read together with ``queries``), ``get-metric-statistics`` outputs (JSON with
        ``Datapoints``; need ``period_s``) and plain CSVs (``.csv``), in any mix.
    queries : path, optional
        The ``--metric-data-queries`` file the ``get-metric-data`` pages were made with.
    period_s : int, optional
        The ``--period`` (seconds) the ``get-metric-statistics`` outputs were made with.

    Returns
    -------
    pandas.DataFrame
        The rows of every file, in :data:`aurora_models.cloudwatch.COLUMNS`.

    Raises
    ------
    DataError
        A file of no known format, ``get-metric-data`` pages without ``queries``, or any error
        of the readers (naming the file and the field).

    See Also
    --------
    aurora_models.cloudwatch.read_metric_data : Reads ``get-metric-data`` pages.
    calibrate : Fits a scenario to the frame.

    Examples
    --------
    >>> d = example_dir()
    >>> f = read_metrics(sorted(d.glob("metric_data_page*.json")), queries=d / "queries.json")
    >>> sorted(f["metric"].unique())[:3]
    ['ACUUtilization', 'AuroraGlobalDBReplicationLag', 'CPUUtilization']
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise DataError("no metric files given")
    pages, frames = [], []
    for p in map(Path, items):
        if p.suffix.lower() == ".csv":
            frames.append(cloudwatch.read_csv(p))
            continue
        try:
            head = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError("file not found", path=str(p)) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"not a CloudWatch JSON export ({exc})", path=str(p)) from None
        if isinstance(head, dict) and "MetricDataResults" in head:
            pages.append(p)
        elif isinstance(head, dict) and "Datapoints" in head:
            if period_s is None:
                raise DataError("a get-metric-statistics output does not say its period: pass "
                                "--period (period_s=) as the command used", path=str(p))
            frames.append(cloudwatch.read_metric_statistics(p, period_s=period_s))
        else:
            raise DataError("not a CloudWatch export: expected `MetricDataResults` "
                            "(get-metric-data) or `Datapoints` (get-metric-statistics)",
                            path=str(p))
    if pages:
        if queries is None:
            raise DataError("get-metric-data results name no metric: pass the "
                            "--metric-data-queries file they were made with (--queries)",
                            path=str(pages[0]))
        frames.append(cloudwatch.read_metric_data(pages, queries))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def example_dir() -> Path:
    """The folder of the generated example export (``aurora_models/examples/shop``).

    Returns
    -------
    pathlib.Path
        ``queries.json``, ``metric_data_page1.json``, ``metric_data_page2.json``,
        ``truth.json`` (the made-up workload's own values) and ``make_example.py``.

    See Also
    --------
    example_metrics : The files, read.

    Examples
    --------
    >>> (example_dir() / "queries.json").is_file()
    True
    """
    return Path(str(resources.files("aurora_models"))) / "examples" / "shop"


def example_metrics() -> pd.DataFrame:
    """The generated example export of a made-up cluster, read (a week at 5 minutes).

    Returns
    -------
    pandas.DataFrame
        The frame :func:`read_metrics` gives for the files in :func:`example_dir`: an Aurora
        PostgreSQL Serverless v2 cluster ``shop-cluster`` with a writer ``shop-writer`` and
        two readers. Generated, not measured: ``make_example.py`` beside the files says how.

    Examples
    --------
    >>> f = example_metrics()
    >>> int(f[f["metric"] == "CommitThroughput"]["timestamp"].nunique())
    2016
    """
    d = example_dir()
    return read_metrics(sorted(d.glob("metric_data_page*.json")), queries=d / "queries.json")
