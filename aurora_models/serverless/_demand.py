"""Demand: load traces to ACU, daily shapes, seeded synthetic workloads, measured series."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from .. import _budget
from .._rng import as_generator
from .._validate import (
    check_array,
    check_bool,
    check_nonnegative,
    check_positive,
    check_probability,
)
from ..data import read_csv_checked
from ..exceptions import DataError, ParameterTypeError, ParameterValueError

# ------------------------------------------------------------------------------------------
# Demand


#: Below this coefficient of variation gamma noise is 1 to double precision (its variance is
#: under 1e-12), and 1 / cv**2 would overflow: no noise is drawn.
NO_NOISE_CV = 1e-6

def _check_trace(trace) -> pd.Series:
    if not isinstance(trace, pd.Series) or not isinstance(trace.index, pd.DatetimeIndex):
        raise ParameterTypeError("`trace` must be a pandas Series with a DatetimeIndex, got "
                        f"{type(trace).__name__}")
    idx = trace.index
    if idx.size < 2:
        raise ParameterValueError(f"`trace` must have at least 2 samples, got {idx.size}")
    dup = idx.duplicated()
    if dup.any():
        i = int(np.argmax(dup))
        raise ParameterValueError(f"`trace` timestamps must be unique, got {idx[i]} twice (position {i})")
    back = np.diff(idx.asi8) < 0
    if back.any():
        i = int(np.argmax(back)) + 1
        raise ParameterValueError(f"`trace` timestamps must be increasing, got {idx[i]} after "
                         f"{idx[i - 1]} (position {i})")
    values = trace.to_numpy(dtype=float)
    nan = ~np.isfinite(values)
    if nan.any():
        i = int(np.argmax(nan))
        raise ParameterValueError(f"`trace` must be finite, got {values[i]} at {idx[i]} (position {i}); "
                         "fill gaps explicitly, e.g. data.load_trace(name, fill_gaps=...)")
    check_array("trace", values, nonnegative=True)
    return trace


def demand_from_trace(trace: pd.Series, *, acu_per_unit: float, base_acu: float = 0.0,
                      step_s: float = 60.0, allow_gaps: bool = False) -> np.ndarray:
    """ACU demand from a load trace: ``base_acu + acu_per_unit * value``, resampled.

    Parameters
    ----------
    trace : pandas.Series
        Requests/s, CPU %, ... with a DatetimeIndex (unique, increasing, no NaN).
    acu_per_unit : float
        ACU per unit of the trace, e.g. ``1 / 200`` for 200 requests/s per ACU, or
        ``reference_acu / 100`` for CPU % of an instance of ``reference_acu`` ACU.
    base_acu : float
        Load-independent ACU (buffer pool, background work).
    step_s : float
        Output step, seconds; values are interpolated linearly in time.
    allow_gaps : bool
        Interpolate across missing samples (spacing above 1.5x the usual step). Default False:
        a trace with gaps raises, so gaps are filled only on purpose.

    Returns
    -------
    numpy.ndarray
        Demand in ACU at ``0, step_s, 2 step_s, ...`` from the first timestamp.

    Examples
    --------
    >>> from aurora_models.data import load_trace
    >>> s = load_trace("elb_request_count", fill_gaps="interpolate")
    >>> d = demand_from_trace(s, acu_per_unit=1 / 200, base_acu=1.0, step_s=300)
    >>> len(d), bool(d.min() >= 1.0)
    (4040, True)
    """
    trace = _check_trace(trace)
    a = float(check_nonnegative("acu_per_unit", acu_per_unit))
    b = float(check_nonnegative("base_acu", base_acu))
    step_s = float(check_positive("step_s", step_s))
    check_bool("allow_gaps", allow_gaps)
    t = (trace.index - trace.index[0]).total_seconds().to_numpy()
    dt = np.diff(t)
    usual = float(np.median(dt))
    gaps = dt > 1.5 * usual
    if gaps.any() and not allow_gaps:
        raise ParameterValueError(f"`trace` has {int(gaps.sum())} gap(s) (longest {dt.max():g} s against "
                         f"a {usual:g} s step); pass allow_gaps=True or fill them with "
                         "data.load_trace(name, fill_gaps=...)")
    steps = t[-1] / step_s + 1
    _budget.check("demand_from_trace", "step_s", step_s, memory_bytes=steps * 8 * 3,
                  work=steps * 4, detail=f"over the trace's {t[-1] / 86_400:,.4g} days")
    grid = np.arange(0.0, t[-1] + step_s / 2, step_s)
    return b + a * np.interp(grid, t, trace.to_numpy(dtype=float))


def daily_shape(trace: pd.Series, *, step_s: float = 60.0) -> np.ndarray:
    """The trace's average day, normalised to mean 1, at ``step_s`` resolution.

    Parameters
    ----------
    trace : pandas.Series
        A load trace with a DatetimeIndex (unique, increasing, no NaN).
    step_s : float
        Output step, seconds (one day holds ``86400 / step_s`` of them).

    Returns
    -------
    numpy.ndarray
        ``86400 / step_s`` values (mean 1), interpolated periodically from the mean by time of
        day of the samples.

    Examples
    --------
    >>> from aurora_models.data import load_trace
    >>> shape = daily_shape(load_trace("elb_request_count"), step_s=3600)
    >>> len(shape), round(float(shape.mean()), 6)
    (24, 1.0)
    """
    trace = _check_trace(trace)
    step_s = float(check_positive("step_s", step_s))
    steps = 86_400.0 / step_s
    _budget.check("daily_shape", "step_s", step_s, memory_bytes=steps * 8 * 3, work=steps * 4,
                  detail="one day")
    t = cast(pd.DatetimeIndex, trace.index)  # _check_trace: a datetime index
    sec = (t.hour * 3600 + t.minute * 60 + t.second).to_numpy()
    prof = pd.Series(trace.to_numpy(dtype=float)).groupby(sec).mean()
    x, y = prof.index.to_numpy(dtype=float), prof.to_numpy()
    grid = np.arange(0.0, 86_400.0, step_s)
    out = np.interp(grid, x, y, period=86_400.0)
    if out.mean() <= 0:
        raise ParameterValueError("`trace` must have a positive mean")
    return out / out.mean()


def synthetic_demand(*, days: float = 30.0, step_s: float = 60.0, mean_acu: float = 4.0,
                     daily_amplitude: float = 0.5, weekly_amplitude: float = 0.2,
                     noise_cv: float = 0.1, spikes=(), shape=None, rng=None) -> np.ndarray:
    """Seeded synthetic demand: daily and weekly cycles, noise and spikes.

    Parameters
    ----------
    days : float
        Length of the series, days (> 0).
    step_s : float
        Length of one step, seconds (> 0).
    mean_acu : float
        Average demand before spikes, ACU.
    daily_amplitude : float
        Daily cycle ``1 + A sin(2 pi (h - 9) / 24)`` (peak at 15:00), ``A`` in [0, 1].
        Ignored when ``shape`` is given.
    weekly_amplitude : float
        Saturdays and Sundays run at ``1 - W`` of weekdays, ``W`` in [0, 1].
    noise_cv : float
        Independent gamma noise per step with this coefficient of variation (mean 1).
    spikes : sequence of (start_hour, duration_hours, factor)
        Multiply demand by ``factor`` over each window (e.g. ``[(36, 1, 10)]`` a 10x hour).
    shape : array_like, optional
        A daily shape (e.g. :func:`daily_shape` of a real trace) of ``86400 / step_s`` values.
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    numpy.ndarray
        Demand in ACU (>= 0), ``days * 86400 / step_s`` values.

    Examples
    --------
    >>> d = synthetic_demand(days=7, noise_cv=0.0, weekly_amplitude=0.0, rng=1)
    >>> len(d), round(float(d.mean()), 6), round(float(d.max()), 6)
    (10080, 4.0, 6.0)
    """
    days = float(check_positive("days", days))
    step_s = float(check_positive("step_s", step_s))
    mean_acu = float(check_nonnegative("mean_acu", mean_acu))
    a = float(check_probability("daily_amplitude", daily_amplitude))
    w = float(check_probability("weekly_amplitude", weekly_amplitude))
    cv = float(check_nonnegative("noise_cv", noise_cv))
    gen = as_generator(rng)
    steps = days * 86_400 / step_s
    _budget.check("synthetic_demand", "days", days, memory_bytes=64.0 * steps,
                  work=20.0 * steps, detail=f"{steps:.3g} steps of {step_s:g} s")
    n = round(steps)
    t = np.arange(n) * step_s
    hour = (t / 3600.0) % 24.0
    if shape is None:
        day = 1.0 + a * np.sin(2 * np.pi * (hour - 9.0) / 24.0)
    else:
        shape = check_array("shape", shape, nonnegative=True)
        per_day = round(86_400 / step_s)
        if shape.size != per_day:
            raise ParameterValueError(f"`shape` must have 86400 / step_s = {per_day} values, "
                             f"got {shape.size}")
        day = shape[np.arange(n) % per_day]
    weekday = (t // 86_400).astype(np.int64) % 7
    week = np.where(weekday >= 5, 1.0 - w, 1.0)
    d = mean_acu * day * week
    if cv > NO_NOISE_CV:
        k = 1.0 / cv**2
        d = d * gen.gamma(k, 1.0 / k, size=n)
    for spike in spikes:
        if len(spike) != 3:
            raise ParameterValueError("`spikes` entries must be (start_hour, duration_hours, factor), "
                             f"got {spike!r}")
        start, dur, factor = (float(check_nonnegative("spikes", v)) for v in spike)
        win = (t >= start * 3600) & (t < (start + dur) * 3600)
        d[win] *= factor
    return d


# ------------------------------------------------------------------------------------------
# Measured demand (a calibrated scenario's workload, ``workload.source = "measured"``)

#: The columns of a measured-demand file (``aurora-models calibrate`` writes it).
MEASURED_COLUMNS = ("timestamp", "writes_per_s", "reads_per_s")


@dataclass(frozen=True)
class MeasuredDemand:
    """Request rates measured at a regular period: the series a calibrated scenario replays.

    Parameters
    ----------
    period_s : float
        The interval between rows, seconds (each row is the mean rate over its interval).
    start : pandas.Timestamp
        The first row's time (UTC).
    writes_per_s, reads_per_s : numpy.ndarray
        Mean writes and reads per second in each interval.
    source : str
        The file.
    """

    period_s: float
    start: pd.Timestamp
    writes_per_s: np.ndarray = field(repr=False)
    reads_per_s: np.ndarray = field(repr=False)
    source: str = ""

    @property
    def days(self) -> float:
        """The length of the series, days."""
        return self.writes_per_s.size * self.period_s / 86_400.0


def load_measured_demand(path: str | Path) -> MeasuredDemand:
    """Read a measured-demand CSV (``timestamp, writes_per_s, reads_per_s``), once per file.

    Parameters
    ----------
    path : str or Path
        The file; its timestamps (ISO, UTC) must be increasing and evenly spaced, its rates
        finite and non-negative.

    Returns
    -------
    MeasuredDemand
        The series (cached by path, size and modification time: a batch of thousands of
        draws reads it once).

    Raises
    ------
    DataError
        Missing or malformed file, a rate that is negative or not a number, fewer than two
        rows, or uneven spacing (a gap is not filled on our own: the file's writer decides), each
        naming the file, the line and the column.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise DataError("file not found (the measured demand that `workload.demand_file` "
                        "names)", path=str(p)) from None
    return _load_measured(str(p.resolve()), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_measured(path: str, _size: int, _mtime: int) -> MeasuredDemand:
    frame = read_csv_checked(path, {"timestamp": "datetime", "writes_per_s": "float",
                                    "reads_per_s": "float"}, min_rows=2)
    t = pd.DatetimeIndex(frame["timestamp"])
    if t.tz is None:
        t = t.tz_localize("UTC")
    dt = np.diff(((t - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(float))
    if not (dt > 0).all():
        i = int(np.argmin(dt > 0)) + 1
        raise DataError(f"`timestamp` must increase, got {t[i]} after {t[i - 1]}", path=path,
                        line=i + 2)
    period = float(dt[0])
    uneven = np.flatnonzero(np.abs(dt - period) > 1e-6 * period)
    if uneven.size:
        i = int(uneven[0]) + 1
        raise DataError(f"`timestamp` must be evenly spaced ({period:g} s from the first two "
                        f"rows), got {dt[i - 1]:g} s before {t[i]} (fill or cut the gap "
                        "yourself)", path=path, line=i + 2)
    out = {}
    for col in ("writes_per_s", "reads_per_s"):
        v = frame[col].to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(v) | (v < 0))
        if bad.size:
            i = int(bad[0])
            raise DataError(f"`{col}` must be a finite rate >= 0, got {v[i]!r}", path=path,
                            line=i + 2)
        out[col] = v
    return MeasuredDemand(period_s=period, start=t[0], source=path, **out)


def replay(series: np.ndarray, *, period_s: float, step_s: float, n_steps: int,
           name: str = "series") -> np.ndarray:
    """A measured series at another step: held over finer steps, averaged over coarser ones.

    Parameters
    ----------
    series : numpy.ndarray
        Mean values over intervals of ``period_s`` seconds.
    period_s, step_s : float
        The series' interval and the wanted step, seconds; one must be a whole multiple of the
        other.
    n_steps : int
        How many steps to return (from the start); the series must cover them.
    name : str
        What the series is, for the messages.

    Returns
    -------
    numpy.ndarray
        ``n_steps`` values: each a mean over its step (a held value is the mean of its interval).
    """
    if abs(period_s - step_s) <= 1e-9 * period_s:
        vals = series
    elif period_s > step_s and abs(period_s / step_s - round(period_s / step_s)) < 1e-9:
        vals = np.repeat(series, round(period_s / step_s))
    elif step_s > period_s and abs(step_s / period_s - round(step_s / period_s)) < 1e-9:
        k = round(step_s / period_s)
        m = series.size // k
        vals = series[: m * k].reshape(m, k).mean(axis=1)
    else:
        raise ParameterValueError(f"`step_s` must divide or be a whole multiple of the "
                                  f"{name}'s {period_s:g} s interval, got {step_s:g}")
    if vals.size < n_steps:
        have = vals.size * step_s / 86_400.0
        raise ParameterValueError(f"the {name} covers {have:.4g} days, fewer than the "
                                  f"{n_steps * step_s / 86_400.0:.4g} asked (`workload.days`)")
    return vals[:n_steps]
