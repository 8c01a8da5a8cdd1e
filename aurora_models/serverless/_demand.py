"""Demand: load traces to ACU, daily shapes, seeded synthetic workloads."""

from __future__ import annotations

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
from ..exceptions import ParameterTypeError, ParameterValueError

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
        Output step; values are interpolated linearly in time.
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
    step_s : float
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
