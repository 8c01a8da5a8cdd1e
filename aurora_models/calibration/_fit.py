"""Your cluster's measured inputs, fitted from its CloudWatch metrics (issue 26, item 3).

How each input is measured (the ``source`` of its ``[provenance]`` entry says it again):

- **Demand** is the request rates, not the capacity: ``ACUUtilization`` is the capacity over
  the maximum, and the capacity is what the scaling policy supplied (late on the way up, slow on
  the way down), so replaying it would replay the policy. Writes per second are the writer's
  ``DMLThroughput`` (Aurora MySQL) or ``CommitThroughput`` (Aurora PostgreSQL publishes no
  per-statement rate: each committed transaction counts as one write); reads per second are
  every instance's ``SelectThroughput`` (MySQL) or the readers' ``CommitThroughput``
  (PostgreSQL: a read-only transaction commits too; reads on the writer are not separable there
  and are taken as none). The series is replayed by the capacity simulation at its own period.
- **I/O per write and per read**: the billed I/O count of each interval (``VolumeReadIOPs`` +
  ``VolumeWriteIOPs``, counts per 5 minutes) regressed on the writes and reads counted in the
  same interval, through the origin (the model bills I/O per operation and nothing else), with
  Newey-West standard errors (:mod:`._regression`).
- **vCPU-ms per write and per read**: each instance's busy vCPUs (``CPUUtilization`` times its
  vCPUs: the class's, or for Serverless v2 the vCPUs of the maximum capacity, ``max_acu /
  acu_per_vcpu``, as AWS defines the metric there) regressed on the writes and reads it served,
  one intercept for the writer and one for the readers, pooled over the instances. On
  Serverless v2 only ``acu_per_vcpu x vCPU-ms`` is measured (the CPU is a share of the maximum
  capacity), so ``acu_per_vcpu`` is held at the value used (``fixed`` in ``[uncertainty]``).
  ``base_acu`` is the writer's intercept in ACU: the CPU it burns with no load.
- **Storage**: ``VolumeBytesUsed`` averaged over the window (what a month of it bills) and its
  growth, the slope of a straight line in time.
- **Checks, not fits**: the measured ACU-hours (bounds from the capacity statistics), the
  Global Database lag against the model's link at the measured write rate, the observed
  capacity range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import cloudwatch, pricing
from .._validate import check_choice, check_range
from ..exceptions import ParameterValueError
from ..scenario import Scenario
from ..units import SECONDS_PER_MONTH
from ._regression import LinearFit, fit_hac

__all__ = ["Calibration", "FittedInput", "calibrate"]

_WRITES = {"mysql": "DMLThroughput", "postgresql": "CommitThroughput"}
_READS = {"mysql": "SelectThroughput", "postgresql": "CommitThroughput"}
_GIB = float(2**30)


@dataclass(frozen=True, kw_only=True)
class FittedInput:
    """One scenario key measured from the metrics, with its interval and where it came from.

    Parameters
    ----------
    key : str
        The scenario key (``"workload.io_per_write"``).
    value : float
        The estimate written to the scenario, in the key's unit.
    se : float or None
        Its standard error (None: a direct measurement, no sampling distribution).
    low, high : float or None
        Its interval at the calibration's level (None with ``se``).
    unit : str
        The key's unit.
    source : str
        What it was measured from, in words.
    method : str
        How it was fitted.
    metrics : tuple of str
        The CloudWatch metrics used.
    n : int
        Data points used.
    note : str
        Diagnostics (R squared, condition number) and assumptions used.
    kind : {"measured", "held", "given"}
        ``measured`` from the metrics (it gets a ``[provenance]`` entry), ``held`` at the value
        a measurement was converted with, ``given`` by the caller or the base scenario.

    See Also
    --------
    Calibration : Holds one per measured key.

    Examples
    --------
    >>> f = FittedInput(key="workload.io_per_write", value=1.6, se=0.01, low=1.58, high=1.62,
    ...                 unit="I/Os", source="VolumeReadIOPs + VolumeWriteIOPs on the writes")
    >>> f.low < f.value < f.high
    True
    """

    key: str
    value: float | int | str
    se: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = "-"
    source: str
    method: str = ""
    metrics: tuple[str, ...] = ()
    n: int = 0
    note: str = ""
    kind: str = "measured"


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """What :func:`calibrate` measured: the fitted inputs, the demand series, the checks.

    Parameters
    ----------
    inputs : tuple of FittedInput
        The scenario keys measured, in scenario order.
    demand : pandas.DataFrame
        ``timestamp, writes_per_s, reads_per_s`` at the data's period: the workload replayed.
    checks : pandas.DataFrame
        ``check, measured, model, unit, note``: figures compared, not fitted.
    base : Scenario
        The scenario whose other keys the calibrated one keeps.
    level : float
        The intervals' two-sided level.
    period_s : int
        The demand's period, seconds.
    window : str
        ``start/end`` of the data used (ISO 8601, UTC).
    files : tuple of str
        The files the metrics came from.
    fits : mapping
        The regressions behind the inputs, by name (``"io"``, ``"cpu"``, ``"capacity"``,
        ``"storage"``).

    See Also
    --------
    calibrate : Builds it.
    write_scenario : Writes its scenario.

    Examples
    --------
    >>> from aurora_models import calibration
    >>> cal = calibration.calibrate(calibration.example_metrics(), writer="shop-writer")
    >>> cal.period_s, cal["cluster.replicas"].value
    (300, 2)
    """

    inputs: tuple[FittedInput, ...]
    demand: pd.DataFrame = field(repr=False)
    checks: pd.DataFrame = field(repr=False)
    base: Scenario = field(repr=False)
    level: float
    period_s: int
    window: str
    files: tuple[str, ...] = ()
    fits: Mapping[str, LinearFit] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> FittedInput:
        for f in self.inputs:
            if f.key == key:
                return f
        raise KeyError(key)

    def to_frame(self) -> pd.DataFrame:
        """The fitted inputs as a table.

        Returns
        -------
        pandas.DataFrame
            One row per key: ``key, value, se, low, high, unit, n, source, method, note``.
        """
        return pd.DataFrame([{"key": f.key, "value": f.value, "se": f.se, "low": f.low,
                              "high": f.high, "unit": f.unit, "n": f.n, "source": f.source,
                              "method": f.method, "note": f.note} for f in self.inputs])


# --------------------------------------------------------------------------------------------
# Selecting series


def _dims(text: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in text.split(",") if "=" in p)


def _instances(frame: pd.DataFrame, metric: str) -> dict[str, str]:
    """Instance id -> dimensions string of ``metric``'s per-instance series."""
    rows = frame[frame["metric"] == metric]["dimensions"].unique()
    out = {}
    for d in rows:
        inst = _dims(d).get("DBInstanceIdentifier")
        if inst is not None:
            out[inst] = d
    return out


def _stat(frame: pd.DataFrame, metric: str, dims: str, prefer=("Average",)) -> str:
    have = set(frame[(frame["metric"] == metric) & (frame["dimensions"] == dims)]["statistic"])
    for s in prefer:
        if s in have:
            return s
    raise ParameterValueError(f"{metric} ({dims or 'no dimensions'}) has statistics "
                              f"{sorted(have)}: the calibration needs {' or '.join(prefer)}")


def _cluster_dims(frame: pd.DataFrame, metric: str) -> str | None:
    dims = [d for d in frame[frame["metric"] == metric]["dimensions"].unique()
            if "DBInstanceIdentifier" not in _dims(d) and "Role" not in _dims(d)]
    if not dims:
        return None
    if len(dims) > 1:
        raise ParameterValueError(f"{metric} is given for {len(dims)} clusters ({', '.join(dims)})"
                                  ": calibrate one cluster at a time")
    return dims[0]


def _level_series(frame, metric, dims, prefer=("Average",)) -> pd.Series:
    return cloudwatch.series(frame, metric, statistic=_stat(frame, metric, dims, prefer),
                             dimensions=dims)


def _rate_series(frame, metric, dims) -> pd.Series:
    stat = _stat(frame, metric, dims, ("Average", "Sum"))
    return cloudwatch.rate_per_s(frame, metric, statistic=stat, dimensions=dims)


def _common_period(parts: Mapping[str, pd.Series]) -> int:
    periods = {name: int(s.attrs["period_s"]) for name, s in parts.items()}
    if len(set(periods.values())) > 1:
        shown = ", ".join(f"{k} {v} s" for k, v in periods.items())
        raise ParameterValueError("the throughput and CPU series must share one period: got "
                                  f"{shown} (query them at one period)")
    return next(iter(periods.values()))


def _epoch_s(index: pd.Index) -> np.ndarray:
    """Seconds since 1970 (whatever the index's resolution: pandas 3 keeps the parsed one)."""
    t = pd.DatetimeIndex(index)
    return ((t - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(float)


def _check_even(index: pd.Index, period: int, what: str) -> None:
    dt = np.diff(_epoch_s(index))
    bad = np.flatnonzero(np.abs(dt - period) > 1e-6)
    if bad.size:
        i = int(bad[0])
        raise ParameterValueError(
            f"{what} has a gap: {dt[i]:g} s between {index[i]} and {index[i + 1]} against its "
            f"{period} s period (the demand is replayed as measured: export a gap-free window)")


# --------------------------------------------------------------------------------------------
# The calibration


def calibrate(frame: pd.DataFrame, *, base: Scenario | None = None, engine: str | None = None,
              writer: str | None = None, instance_class: str | None = None,
              max_acu: float | None = None, level: float = 0.9) -> Calibration:
    """Fit a scenario's workload and per-operation costs to a cluster's CloudWatch metrics.

    Parameters
    ----------
    frame : pandas.DataFrame
        The metrics, from :func:`aurora_models.cloudwatch.read_metric_data`,
        :func:`~aurora_models.cloudwatch.read_metric_statistics` or
        :func:`~aurora_models.cloudwatch.read_csv` (concatenate several): at least the
        throughput of the engine (``CommitThroughput``; Aurora MySQL ``DMLThroughput`` and
        ``SelectThroughput``) per instance, with ``CPUUtilization`` per instance and
        ``VolumeReadIOPs`` + ``VolumeWriteIOPs`` for the per-operation costs.
    base : Scenario, optional
        The scenario whose other keys (regions, failures, pricing, objectives) the calibrated
        one keeps (default: the bundled one without its ``[users]`` regions and secondary
        readers, which are its game's, not the measured cluster's).
    engine : {"mysql", "postgresql"}, optional
        Default: the base scenario's.
    writer : str, optional
        The writer's ``DBInstanceIdentifier``; needed when several instances report throughput.
    instance_class : str, optional
        A provisioned cluster's class (its vCPUs convert CPU to vCPU-ms); default the base's.
    max_acu : float, optional
        A Serverless v2 cluster's maximum ACU per instance; default: measured as
        ``ServerlessDatabaseCapacity / ACUUtilization`` where both are given, else the base's.
    level : float
        Two-sided level of the reported intervals, in (0, 1) (default 0.9).

    Returns
    -------
    Calibration
        The fitted inputs with intervals, the demand series and the checks;
        :meth:`~aurora_models.calibration.write_scenario` writes the scenario.

    Raises
    ------
    ParameterValueError
        A metric the engine needs is missing, several instances without ``writer``, series at
        different periods, a gap in the throughput, fewer than a day of data, or regressors
        that cannot be separated; each in one line naming the metric.

    See Also
    --------
    write_scenario : Writes the calibrated scenario and its demand series.
    aurora_models.cloudwatch.read_metric_data : Reads the ``get-metric-data`` output.

    Notes
    -----
    The intervals are Newey-West intervals, valid as the series grows; export a week or more.
    On generated exports (``tests/test_calibration.py``) the 90 % intervals held the truth in
    87.5 % of 160 fits on weeks, but in 82 % of 200 fits on two-day exports, where the errors
    of the I/O per write came out 11 % too small (a known small-sample bias of the estimator).

    Examples
    --------
    >>> from aurora_models import calibration
    >>> frame = calibration.example_metrics()
    >>> cal = calibration.calibrate(frame, writer="shop-writer")
    >>> lo, hi = cal["workload.io_per_write"].low, cal["workload.io_per_write"].high
    >>> lo < cal["workload.io_per_write"].value < hi
    True
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterValueError("`frame` must be a frame of aurora_models.cloudwatch's "
                                  f"readers, got {type(frame).__name__}")
    level = float(check_range("level", level, 0.0, 1.0, low_inclusive=False,
                              high_inclusive=False))
    if base is None:
        from .. import scenario as _scenario  # light: the bundled file, only when none is given

        # the bundled game's players and its EU readers are not the measured cluster's
        base = _scenario.load().replace(users__regions=[], regions__secondary_instances=0)
    engine_source = "given" if engine is not None else "the base scenario"
    engine = engine or base["cluster"]["engine"]
    check_choice("engine", engine, _WRITES)
    serverless = "ServerlessDatabaseCapacity" in set(frame["metric"])
    wmetric, rmetric = _WRITES[engine], _READS[engine]

    # -- who is the writer ------------------------------------------------------------------
    inst = _instances(frame, wmetric)
    if not inst:
        raise ParameterValueError(f"the metrics hold no per-instance {wmetric} (the writes of "
                                  f"Aurora {engine}): add it to the export")
    if writer is None:
        if len(inst) > 1:
            raise ParameterValueError(f"{wmetric} is given for {len(inst)} instances "
                                      f"({', '.join(sorted(inst))}): say which is the writer "
                                      "(`writer=`, --writer)")
        writer = next(iter(inst))
    if writer not in inst:
        raise ParameterValueError(f"`writer` {writer!r} has no {wmetric} series (instances: "
                                  f"{', '.join(sorted(inst))})")
    readers = sorted(set(_instances(frame, rmetric)) - {writer})

    # -- demand ---------------------------------------------------------------------------
    parts: dict[str, pd.Series] = {"writes": _rate_series(frame, wmetric, inst[writer])}
    r_inst = _instances(frame, rmetric)
    reads_of = {}
    for i in readers:
        reads_of[i] = _rate_series(frame, rmetric, r_inst[i])
    if engine == "mysql" and writer in r_inst:
        reads_of[writer] = _rate_series(frame, rmetric, r_inst[writer])
    parts.update({f"reads {i}": s for i, s in reads_of.items()})
    period = _common_period(parts)
    index = parts["writes"].index
    for s in parts.values():
        index = index.intersection(s.index)
    _check_even(index, period, f"{wmetric} / {rmetric}")
    if len(index) * period < 86_400:
        raise ParameterValueError(f"the throughput covers {len(index) * period / 3600:.3g} h: "
                                  "calibration needs at least a day (the daily cycle decides "
                                  "the bill)")
    W = parts["writes"].reindex(index).to_numpy(float)
    R_i = {i: s.reindex(index).to_numpy(float) for i, s in reads_of.items()}
    R = np.sum(list(R_i.values()), axis=0) if R_i else np.zeros_like(W)
    days_max = 31.0
    keep = min(len(index), int(days_max * 86_400 // period))
    window = f"{index[0].isoformat()}/{(index[keep - 1] + pd.Timedelta(seconds=period)).isoformat()}"
    demand = pd.DataFrame({"timestamp": index[:keep], "writes_per_s": W[:keep],
                           "reads_per_s": R[:keep]})
    files = tuple(sorted(frame["source"].unique()))
    n_days = keep * period / 86_400
    demand_source = (f"the writer's {wmetric} (writes) and "
                     + (f"the readers' {rmetric}" if engine == "postgresql"
                        else f"every instance's {rmetric}") + f" (reads), {period} s averages")
    inputs: list[FittedInput] = [
        FittedInput(key="workload.source", value="measured", source=demand_source,
                    metrics=(wmetric, rmetric), n=keep),
        FittedInput(key="workload.days", value=round(n_days, 6), unit="days",
                    source=f"the measured window ({keep} periods of {period} s)", n=keep),
        FittedInput(key="workload.step_s", value=float(period), unit="s",
                    source="the metrics' period", n=keep),
        FittedInput(key="workload.writes_per_s", value=_sig(W[:keep].max()), unit="writes/s",
                    source=f"the peak of the measured writes ({demand_source})",
                    metrics=(wmetric,), n=keep),
        FittedInput(key="workload.reads_per_s", value=_sig(R[:keep].max()), unit="reads/s",
                    source=f"the peak of the measured reads ({demand_source})",
                    metrics=(rmetric,), n=keep,
                    note="" if R_i else "no reader reported reads: reads taken as none"),
        FittedInput(key="cluster.engine", value=engine, source=engine_source, n=0,
                    kind="given"),
        FittedInput(key="cluster.capacity", value="serverless" if serverless else "provisioned",
                    source=("ServerlessDatabaseCapacity is reported" if serverless else
                            "no ServerlessDatabaseCapacity: provisioned instances"),
                    metrics=("ServerlessDatabaseCapacity",) if serverless else (), n=0),
        FittedInput(key="cluster.replicas", value=len(readers), unit="readers",
                    source=f"the instances besides the writer reporting {rmetric}",
                    metrics=(rmetric,), n=0,
                    note=", ".join(readers) if readers else "no readers"),
    ]
    checks: list[dict[str, Any]] = []
    fits: dict[str, LinearFit] = {}
    ctx = dict(window=window, level=level)

    # -- vCPUs per instance ------------------------------------------------------------------
    acu_per_vcpu = float(base["cluster"]["acu_per_vcpu"])
    vcpus, vcpu_source = None, ""
    if serverless:
        cap_dims = _instances(frame, "ServerlessDatabaseCapacity").get(writer)
        util_dims = _instances(frame, "ACUUtilization").get(writer)
        measured_max = None
        if max_acu is None and cap_dims and util_dims:
            cap = _level_series(frame, "ServerlessDatabaseCapacity", cap_dims)
            util = _level_series(frame, "ACUUtilization", util_dims)
            both = cap.index.intersection(util.index)
            u = util.reindex(both).to_numpy(float)
            c = cap.reindex(both).to_numpy(float)
            ok = u > 0
            if ok.any():
                measured_max = float(np.median(c[ok] / (u[ok] / 100.0)))
                max_acu = round(measured_max * 2) / 2
        src = ("ServerlessDatabaseCapacity / ACUUtilization (median)" if measured_max
               else ("given" if max_acu is not None else "the base scenario"))
        max_acu = float(base["cluster"]["max_acu"] if max_acu is None else max_acu)
        inputs.append(FittedInput(key="cluster.max_acu", value=max_acu, unit="ACU", source=src,
                                  metrics=("ServerlessDatabaseCapacity", "ACUUtilization")
                                  if measured_max else (), n=0,
                                  note=f"median ratio {measured_max:.4g}" if measured_max
                                  else "", kind="measured" if measured_max else "given"))
        vcpus = max_acu / acu_per_vcpu
        vcpu_source = (f"Serverless v2: CPUUtilization is a share of the CPU at max_acu = "
                       f"{max_acu:g}, taken as {vcpus:g} vCPUs (acu_per_vcpu = {acu_per_vcpu:g})")
    else:
        cls = instance_class or base["cluster"]["instance_class"]
        specs = pricing.instance_specs()
        if cls not in specs.index:
            raise ParameterValueError(f"`instance_class` {cls!r} is not in the instance table "
                                      "(`aurora-models prices`)")
        vcpus = float(specs.at[cls, "vcpu"])  # type: ignore[arg-type]  # a number column
        vcpu_source = f"{cls}: {vcpus:g} vCPUs (pricing.instance_specs)"
        inputs.append(FittedInput(key="cluster.instance_class", value=cls,
                                  source="given" if instance_class else "the base scenario",
                                  kind="given"))

    # -- CPU per operation -------------------------------------------------------------------
    cpu_inst = _instances(frame, "CPUUtilization")
    served = [writer, *readers]
    if all(i in cpu_inst for i in served):
        rows_X, rows_y, groups = [], [], []
        for g, i in enumerate(served):
            cpu = _level_series(frame, "CPUUtilization", cpu_inst[i])
            if int(cpu.attrs["period_s"]) != period:
                raise ParameterValueError(f"CPUUtilization of {i} is at {cpu.attrs['period_s']} "
                                          f"s, the throughput at {period} s: query one period")
            both = index[:keep].intersection(cpu.index)
            pos = index.get_indexer(both)
            busy = cpu.reindex(both).to_numpy(float) / 100.0 * vcpus * 1000.0  # vCPU-ms/s
            w = W[pos] if i == writer else np.zeros(both.size)
            r = R_i[i][pos] if i in R_i else np.zeros(both.size)
            is_w = np.full(both.size, 1.0 if i == writer else 0.0)
            cols = [is_w, 1.0 - is_w, w, r] if readers else [is_w, w, r]
            rows_X.append(np.column_stack(cols))
            rows_y.append(busy)
            groups.append(np.full(both.size, g))
        names = (("writer_idle", "reader_idle") if readers else ("writer_idle",)) + (
            "vcpu_ms_per_write", "vcpu_ms_per_read")
        X, y = np.vstack(rows_X), np.concatenate(rows_y)
        drop = [j for j in range(X.shape[1]) if not X[:, j].any()]
        kept = [j for j in range(X.shape[1]) if j not in drop]
        fit = fit_hac(X[:, kept], y, tuple(names[j] for j in kept),
                      groups=np.concatenate(groups), level=level, what="CPU fit")
        fits["cpu"] = fit
        method = (f"least squares pooled over {len(served)} instance(s), an idle intercept for "
                  f"the writer{' and for the readers' if readers else ''}; Newey-West standard "
                  f"errors ({fit.lags} lags, within each instance)")
        diag = (f"R^2 {fit.r2:.3f}, condition {fit.condition:.3g}; {vcpu_source}")
        for key, name in (("workload.vcpu_ms_per_write", "vcpu_ms_per_write"),
                          ("workload.vcpu_ms_per_read", "vcpu_ms_per_read")):
            if name not in fit.names:
                continue
            est, se, lo, hi = fit[name]
            inputs.append(_fitted(key, est, se, lo, hi, "vCPU ms", fit.n, ctx,
                                  source=f"CPUUtilization ({period} s) on {demand_source}",
                                  method=method, metrics=("CPUUtilization", wmetric, rmetric),
                                  note=diag, positive=True))
        to_acu = acu_per_vcpu / 1000.0
        cap_inst = _instances(frame, "ServerlessDatabaseCapacity")
        if serverless and all(i in cap_inst for i in served):
            # Load-independent ACU is what the instances hold with no load: memory (the
            # buffer pool) as well as idle CPU, so it is read from the capacity, not the CPU.
            # The model splits the cluster's demand between the writer and the readers, so
            # base_acu is the cluster's: the sum of the instances' intercepts.
            rows_X, rows_y, groups = [], [], []
            for g, i in enumerate(served):
                cap = _level_series(frame, "ServerlessDatabaseCapacity", cap_inst[i])
                both = index[:keep].intersection(cap.index)
                pos = index.get_indexer(both)
                dummies = np.zeros((both.size, len(served)))
                dummies[:, g] = 1.0
                w = W[pos] if i == writer else np.zeros(both.size)
                r = R_i[i][pos] if i in R_i else np.zeros(both.size)
                rows_X.append(np.column_stack([dummies, w, r]))
                rows_y.append(cap.reindex(both).to_numpy(float))
                groups.append(np.full(both.size, g))
            Xc = np.vstack(rows_X)
            names_c = (*(f"idle {i}" for i in served), "acu_per_write", "acu_per_read")
            kept_c = [j for j in range(Xc.shape[1]) if Xc[:, j].any()]
            cfit = fit_hac(Xc[:, kept_c], np.concatenate(rows_y),
                           tuple(names_c[j] for j in kept_c), groups=np.concatenate(groups),
                           level=level, what="capacity fit")
            fits["capacity"] = cfit
            method_c = (f"least squares pooled over {len(served)} instances, one intercept "
                        f"each; Newey-West standard errors ({cfit.lags} lags, within each "
                        "instance)")
            note_c = f"R^2 {cfit.r2:.3f}; intercepts " + ", ".join(
                f"{nm[5:]} {c:.4g}" for nm, c in zip(cfit.names, cfit.coef, strict=True)
                if nm.startswith("idle "))
            t_half = float(cfit.high[0] - cfit.coef[0]) / float(cfit.se[0])
            for key, members, what in (
                    ("workload.base_acu", [writer], "the writer's"),
                    ("workload.reader_base_acu", readers, "each reader's (their mean)")):
                idx = [cfit.names.index(f"idle {i}") for i in members
                       if f"idle {i}" in cfit.names]
                if not idx:
                    continue
                weights = np.full(len(idx), 1.0 / len(idx))
                est = float(weights @ cfit.coef[idx])
                se = float(np.sqrt(weights @ cfit.cov[np.ix_(idx, idx)] @ weights))
                inputs.append(_fitted(
                    key, est, se, est - t_half * se, est + t_half * se, "ACU", cfit.n, ctx,
                    source=(f"{what} ServerlessDatabaseCapacity at no load: the intercept of a "
                            "pooled regression of each instance's capacity on the writes and "
                            "reads it served (memory as well as idle CPU)"),
                    method=method_c, metrics=("ServerlessDatabaseCapacity", wmetric, rmetric),
                    note=note_c))
            per_k = cfit["acu_per_write"][0] * 1000.0 if "acu_per_write" in cfit.names \
                else float("nan")
            cpu_k = to_acu * fit["vcpu_ms_per_write"][0] * 1000.0 if \
                "vcpu_ms_per_write" in fit.names else float("nan")
            checks.append({"check": "writer ACU per 1,000 writes/s: capacity vs CPU",
                           "measured": per_k, "model": cpu_k, "unit": "ACU",
                           "note": "the capacity's slope (the scaling policy's headroom "
                                   "included) against acu_per_vcpu x vCPU-ms per write; the "
                                   "capacity simulation adds its own scaling on top of the "
                                   "CPU figure"})
        else:
            est, se, lo, hi = fit["writer_idle"]
            inputs.append(_fitted("workload.base_acu", est * to_acu, se * to_acu, lo * to_acu,
                                  hi * to_acu, "ACU", fit.n, ctx,
                                  source=("the writer's CPU at no load (the CPU fit's "
                                          f"intercept), in ACU at acu_per_vcpu = "
                                          f"{acu_per_vcpu:g}"),
                                  method=method, metrics=("CPUUtilization",), note=diag))
        if serverless:
            inputs.append(FittedInput(
                key="cluster.acu_per_vcpu", value=acu_per_vcpu, unit="ACU/vCPU",
                source=("held: on Serverless v2 the CPU is measured as a share of max_acu, so "
                        "only acu_per_vcpu x vCPU-ms is measured; the vCPU-ms were converted "
                        f"with {acu_per_vcpu:g}"), n=0, kind="held"))

    # -- I/O per operation -------------------------------------------------------------------
    io_dims = {m: _cluster_dims(frame, m) for m in ("VolumeReadIOPs", "VolumeWriteIOPs")}
    have_io = [m for m, d in io_dims.items() if d is not None]
    if len(have_io) == 1:
        missing = ({"VolumeReadIOPs", "VolumeWriteIOPs"} - set(have_io)).pop()
        raise ParameterValueError(f"{missing} is missing: billed I/O is VolumeReadIOPs + "
                                  "VolumeWriteIOPs (add both to the export)")
    if have_io:
        counts = []
        for m in ("VolumeReadIOPs", "VolumeWriteIOPs"):
            s = _rate_series(frame, m, io_dims[m])
            counts.append(s * int(s.attrs["period_s"]))
        q = int(counts[0].attrs["period_s"])
        if int(counts[1].attrs["period_s"]) != q or q % period:
            raise ParameterValueError("VolumeReadIOPs and VolumeWriteIOPs must share one period, "
                                      f"a multiple of the throughput's {period} s")
        io = (counts[0] + counts[1]).dropna()
        k = q // period
        t0 = _epoch_s(io.index)[0]
        bins = np.floor((_epoch_s(index[:keep]) - t0) / q).astype(np.int64)
        frame_d = pd.DataFrame({"bin": bins, "w": W[:keep] * period, "r": R[:keep] * period})
        agg = frame_d.groupby("bin").agg(w=("w", "sum"), r=("r", "sum"), c=("w", "size"))
        agg = agg[agg["c"] == k]  # whole intervals only
        io_bins = np.floor((_epoch_s(io.index) - t0) / q).astype(np.int64)
        io_s = pd.Series(io.to_numpy(float), index=io_bins)
        common = agg.index.intersection(io_s.index)
        Xio = agg.loc[common, ["w", "r"]].to_numpy(float)
        yio = io_s.loc[common].to_numpy(float)
        io_cols = [j for j in range(2) if Xio[:, j].any()]
        io_names = ("io_per_write", "io_per_read")
        fit = fit_hac(Xio[:, io_cols], yio, tuple(io_names[j] for j in io_cols), level=level,
                      what="I/O fit")
        fits["io"] = fit
        method = (f"least squares through the origin on {fit.n} intervals of {q} s; "
                  f"Newey-West standard errors ({fit.lags} lags)")
        diag = f"R^2 {fit.r2:.3f}, condition {fit.condition:.3g}"
        for key, name in (("workload.io_per_write", "io_per_write"),
                          ("workload.io_per_read", "io_per_read")):
            if name in fit.names:
                est, se, lo, hi = fit[name]
                inputs.append(_fitted(key, est, se, lo, hi, "I/Os", fit.n, ctx,
                                      source=(f"VolumeReadIOPs + VolumeWriteIOPs (counts per "
                                              f"{q} s) on the writes and reads counted in each "
                                              f"interval ({demand_source})"),
                                      method=method,
                                      metrics=("VolumeReadIOPs", "VolumeWriteIOPs", wmetric,
                                               rmetric),
                                      note=diag, positive=False, period_s=q))
        if "io_per_write" in fit.names:
            inputs.extend(_write_io_share(Xio[:, 0], counts[1], io_bins, common, fit, level,
                                          ctx, q, wmetric))

    # -- storage ---------------------------------------------------------------------------
    vdims = _cluster_dims(frame, "VolumeBytesUsed")
    if vdims is not None:
        vb = _level_series(frame, "VolumeBytesUsed", vdims) / _GIB
        t_days = (_epoch_s(vb.index) - _epoch_s(vb.index)[0]) / 86_400
        inputs.append(FittedInput(key="cluster.volume_gib", value=_sig(max(1.0, float(vb.mean()))),
                                  unit="GiB", source=f"VolumeBytesUsed averaged over the window "
                                  f"({vb.size} points): what the window's storage bills",
                                  metrics=("VolumeBytesUsed",), n=int(vb.size)))
        if vb.size >= 4 and t_days[-1] > 0:
            fit = fit_hac(np.column_stack([np.ones(vb.size), t_days]), vb.to_numpy(float),
                          ("gib", "gib_per_day"), level=level, what="storage growth fit")
            fits["storage"] = fit
            est, se, lo, hi = (x * SECONDS_PER_MONTH / 86_400 for x in fit["gib_per_day"])
            note = f"R^2 {fit.r2:.3f}"
            if est < 0:
                note += f"; the volume shrank ({est:.3g} GiB/month): no growth written"
            inputs.append(_fitted("cluster.storage_growth_gib_per_month", max(est, 0.0), se,
                                  lo, hi, "GiB/month", fit.n, ctx,
                                  source="the slope of VolumeBytesUsed over the window",
                                  method=f"straight line, Newey-West standard errors "
                                         f"({fit.lags} lags)",
                                  metrics=("VolumeBytesUsed",), note=note, positive=False))

    # -- checks ----------------------------------------------------------------------------
    checks += _capacity_checks(frame, writer, readers, index[:keep], period)
    checks += _lag_checks(frame, base, float(W[:keep].mean()))
    order = {k: i for i, k in enumerate(_KEY_ORDER)}
    inputs.sort(key=lambda f: order.get(f.key, len(order)))
    return Calibration(inputs=tuple(inputs), demand=demand,
                       checks=pd.DataFrame(checks, columns=["check", "measured", "model",
                                                            "unit", "note"]),
                       base=base, level=level, period_s=period, window=window, files=files,
                       fits=fits)


_KEY_ORDER = ("cluster.engine", "cluster.capacity", "cluster.instance_class", "cluster.max_acu",
              "cluster.replicas", "cluster.acu_per_vcpu", "cluster.volume_gib",
              "cluster.storage_growth_gib_per_month", "workload.source", "workload.days",
              "workload.step_s", "workload.writes_per_s", "workload.reads_per_s",
              "workload.base_acu", "workload.reader_base_acu", "workload.vcpu_ms_per_write", "workload.vcpu_ms_per_read",
              "workload.io_per_write", "workload.io_per_read")


def _write_io_share(writes, write_counts, io_bins, common, io_fit, level, ctx, q, wmetric):
    """``workload.write_io_share``: write I/Os per write over billed I/Os per write.

    ``VolumeWriteIOPs`` is regressed on the writes alone, through the origin (reads make no
    write I/O); the share is that slope over the I/O fit's. Its standard error is the delta
    method's with the two fits taken as independent (they share the writes, so it is a
    conservative figure when the errors are positively correlated).
    """
    wc = pd.Series(write_counts.to_numpy(float), index=io_bins).loc[common].to_numpy(float)
    if not np.isfinite(wc).all():
        return []
    wfit = fit_hac(writes[:, None], wc, ("write_io_per_write",), level=level,
                   what="write I/O fit")
    b, b_se, _, b_hi = wfit["write_io_per_write"]
    a, a_se = io_fit["io_per_write"][:2]
    if a <= 0 or b_se <= 0:
        return []
    share = b / a
    se = abs(share) * math.hypot(b_se / b if b else 0.0, a_se / a)
    z = (b_hi - b) / b_se  # the fit's own t multiplier at ``level``
    lo, hi = share - z * se, share + z * se
    value = min(1.0, share)
    note = (f"write I/Os per write {b:.4g} over billed I/Os per write {a:.4g}; "
            f"R^2 {wfit.r2:.3f}")
    if share > 1.0:
        note += f"; the estimate {share:.4g} is above the key's range: 1 written"
    return [FittedInput(key="workload.write_io_share", value=_sig(max(0.0, value)),
                        se=float(se), low=float(lo), high=float(hi), unit="",
                        source=(f"VolumeWriteIOPs (counts per {q} s) on the writes counted in "
                                "each interval, over the I/O fit's I/Os per write"),
                        method=(f"ratio of two least-squares slopes through the origin on "
                                f"{wfit.n} intervals; delta-method standard error, "
                                f"Newey-West ({wfit.lags} lags)"),
                        metrics=("VolumeWriteIOPs", "VolumeReadIOPs", wmetric), n=wfit.n,
                        note=note)]


def _fitted(key, est, se, lo, hi, unit, n, ctx, *, source, method, metrics, note,
            positive=False, period_s=None) -> FittedInput:
    """A regression coefficient as a scenario value (clipped into the key's range)."""
    floor = 1e-6 if positive else 0.0
    value = est
    if est < floor:
        value = floor
        note += (f"; the estimate {est:.4g} is below the key's range: {floor:g} written")
    return FittedInput(key=key, value=_sig(value), se=float(se), low=float(lo), high=float(hi),
                       unit=unit, source=source, method=method, metrics=tuple(metrics), n=int(n),
                       note=note)


def _sig(x: float) -> float:
    """Seven significant digits: far inside any interval here, and a readable file."""
    return float(f"{x:.7g}")


def _capacity_checks(frame, writer, readers, index, period) -> list[dict[str, Any]]:
    out = []
    inst = _instances(frame, "ServerlessDatabaseCapacity")
    for i in [writer, *readers]:
        if i not in inst:
            continue
        sel = frame[(frame["metric"] == "ServerlessDatabaseCapacity")
                    & (frame["dimensions"] == inst[i])
                    & (frame["timestamp"] >= index[0])
                    & (frame["timestamp"] < index[-1] + pd.Timedelta(seconds=period))]
        b = cloudwatch.billed_acu_hours_bounds(sel, dimensions=inst[i])
        role = "writer" if i == writer else "reader"
        out.append({"check": f"ACU-hours of {i} ({role}) over the window",
                    "measured": b.average_acu_hours, "model": None, "unit": "ACU-hours",
                    "note": f"billed between {b.lower_acu_hours:.6g} and "
                            f"{b.upper_acu_hours:.6g} (Minimum / Maximum x period)"})
    return out


def _lag_checks(frame, base: Scenario, writes_per_s: float) -> list[dict[str, Any]]:
    if "AuroraGlobalDBReplicationLag" not in set(frame["metric"]):
        return []
    secondaries = base["regions"]["secondaries"]
    if not secondaries:
        return [{"check": "Global Database lag", "measured": None, "model": None, "unit": "ms",
                 "note": "AuroraGlobalDBReplicationLag is given but the base scenario has no "
                         "secondary region: not compared"}]
    from .. import global_db  # light: only when a lag series is given

    sel = frame[frame["metric"] == "AuroraGlobalDBReplicationLag"]
    dims = sorted(sel["dimensions"].unique())
    lag = cloudwatch.series(sel, "AuroraGlobalDBReplicationLag",
                            statistic=_stat(sel, "AuroraGlobalDBReplicationLag", dims[0]),
                            dimensions=dims[0])
    link = global_db.ReplicationLink(primary=base["regions"]["primary"],
                                     secondary=secondaries[0])
    model = global_db.lag(link, writes_per_s=writes_per_s, quantiles=(0.5, 0.99))
    out = []
    for q, name in ((0.5, "p50"), (0.99, "p99")):
        measured = float(np.quantile(lag.to_numpy(float), q))
        out.append({"check": f"Global Database lag {name} to {secondaries[0]}",
                    "measured": measured, "model": model.quantiles_s[q] * 1000.0, "unit": "ms",
                    "note": f"the {lag.attrs['statistic']} of each {lag.attrs['period_s']} s "
                            f"period ({dims[0]}) against the model's per-write lag at the "
                            f"measured mean {writes_per_s:.4g} writes/s: a period's average "
                            "is narrower than the per-write distribution"})
    return out

