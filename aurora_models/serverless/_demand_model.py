"""The workload's demand: request rates over time and what they cost in ACU and I/O.

:class:`DemandModel` is the scenario's ``[workload]`` load description, declared once; its
:meth:`~DemandModel.series` turns it into per-step writes, reads and ACU demand (the model logic
that used to live in the scenario layer), and :meth:`~DemandModel.io_millions_per_month` the
billed I/O of a series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._params import Rule, declared, param
from .._validate import check_nonnegative, check_positive, check_range
from ..data import load_trace
from ..exceptions import ParameterTypeError, ParameterValueError
from ..units import SECONDS_PER_MONTH
from ._defaults import MAX_ACU_LIMIT
from ._demand import daily_shape, load_measured_demand, replay, synthetic_demand

__all__ = ["EVENTS_WITHIN_DAYS", "MEASURED_FILE", "DemandModel", "ReaderLoad"]

_TRACES = ("elb_request_count", "nyc_taxi_30min", "rds_cpu_utilization")
_EVENT_KEYS = ("start_hour", "duration_hours", "factor")


#: The largest load multiplier of an event: a thousandfold burst (a flash sale, a launch) is far
#: beyond the published Serverless v2 and instance ranges (0.5-256 ACU); larger factors are a
#: typo, and would only be refused deep in the bill under an internal name.
MAX_EVENT_FACTOR = 1000.0


def _factor(key: str, v) -> float:
    return check_range(key, v, 0.0, MAX_EVENT_FACTOR, low_inclusive=False)


def _events(name: str, value: Any) -> tuple[tuple[float, float, float], ...]:
    def num(key, v, check):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ParameterTypeError(f"`{key}` must be a number, got {type(v).__name__} {v!r}")
        return float(check(key, v))

    if not isinstance(value, list | tuple):
        raise ParameterTypeError(f"`{name}` must be a list of tables {{start_hour, duration_hours, "
                        f"factor}}, got {type(value).__name__}")
    out = []
    for i, ev in enumerate(value):
        if isinstance(ev, tuple) and len(ev) == 3:
            ev = dict(zip(_EVENT_KEYS, ev, strict=True))
        if not isinstance(ev, dict):
            raise ParameterTypeError(f"`{name}[{i}]` must be a table {{start_hour, duration_hours, "
                            f"factor}}, got {type(ev).__name__} {ev!r}")
        unknown = set(ev) - {*_EVENT_KEYS, "name"}
        if unknown:
            raise ParameterValueError(f"`{name}[{i}]` has unknown key(s) {', '.join(sorted(unknown))}")
        missing = set(_EVENT_KEYS) - set(ev)
        if missing:
            raise ParameterValueError(f"`{name}[{i}]` is missing {', '.join(sorted(missing))}")
        if "name" in ev and not isinstance(ev["name"], str):
            raise ParameterTypeError(f"`{name}[{i}].name` must be a string, got "
                            f"{type(ev['name']).__name__} {ev['name']!r}")
        out.append((num(f"{name}[{i}].start_hour", ev["start_hour"], check_nonnegative),
                    num(f"{name}[{i}].duration_hours", ev["duration_hours"], check_positive),
                    num(f"{name}[{i}].factor", ev["factor"], _factor)))
    return tuple(out)


def _events_within(v) -> str | None:
    horizon_h = v["days"] * 24.0
    for i, (start, dur, _) in enumerate(v["events"]):
        if start + dur > horizon_h + 1e-9:
            return (f"`events[{i}]` ends at hour {start + dur:g}, after the {horizon_h:g} h of "
                    f"`days`")
    # The daily peak is the peak outside events: some time must be left outside them.
    covered, end = 0.0, 0.0
    for start, dur, _ in sorted(v["events"]):
        covered += max(0.0, start + dur - max(start, end))
        end = max(end, start + dur)
    if v["events"] and covered >= horizon_h - 1e-9:
        return (f"`events` cover all {horizon_h:g} h of `days`: leave some time outside events "
                f"(the daily peak is measured there)")
    return None


#: Every event ends within the simulated days.
EVENTS_WITHIN_DAYS = Rule("events_within_days", ("events", "days"), _events_within)

#: The smallest non-zero request rate: one request in 1,000 s. Below it a simulated queue's
#: gaps overflow double precision, and no workload is that quiet at its daily peak.
MIN_RATE_PER_S = 1e-3


def _rates(v) -> str | None:
    for key in ("writes_per_s", "reads_per_s"):
        if 0.0 < v[key] < MIN_RATE_PER_S:
            return (f"`{key}` must be 0 or at least {MIN_RATE_PER_S:g} (one request in "
                    f"1,000 s), got {v[key]!r}")
    return None


#: A rate is zero (a read-only or write-only workload) or at least MIN_RATE_PER_S.
RATES_ZERO_OR_REAL = Rule("rates_zero_or_real", ("writes_per_s", "reads_per_s"), _rates)

def _demand_file(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterTypeError(f"`{name}` must be a path string, got {type(value).__name__} "
                                 f"{value!r}")
    return value


def _measured_file(v) -> str | None:
    if v["source"] == "measured" and v["demand_file"] is None:
        return ("`source` = \"measured\" replays a measured series: set `demand_file` (written "
                "by `aurora-models calibrate`)")
    return None


#: A measured workload names its series.
MEASURED_FILE = Rule("measured_file", ("source", "demand_file"), _measured_file)

_EVENT_SCHEMA = {"type": "array", "items": {
    "type": "object", "additionalProperties": False,
    "required": list(_EVENT_KEYS),
    "properties": {"name": {"type": "string"},
                   "start_hour": {"type": "number", "minimum": 0},
                   "duration_hours": {"type": "number", "exclusiveMinimum": 0},
                   "factor": {"type": "number", "exclusiveMinimum": 0,
                              "maximum": MAX_EVENT_FACTOR}}}}


#: The fields of :class:`DemandModel` that turn request rates into load and I/O: they leave
#: the demand draw (:meth:`DemandModel.rates`) unchanged.
PER_OPERATION = ("base_acu", "vcpu_ms_per_write", "vcpu_ms_per_read", "io_per_write",
                 "io_per_read", "write_io_share", "acu_per_vcpu")


@declared("workload")
@dataclass(frozen=True, kw_only=True)
class DemandModel:
    """Request rates over the simulated days and what one request costs (``[workload]``).

    The daily shape comes from :func:`synthetic_demand` (mean 1; ``source = "trace"`` uses
    :func:`daily_shape` of a bundled trace), scaled so that the noise-free daily peak equals
    ``writes_per_s`` / ``reads_per_s``; each event multiplies both rates by its factor over its
    window. ``source = "measured"`` replays ``demand_file`` (a measured series, written by
    ``aurora-models calibrate``) from its start for ``days``, at ``step_s`` (held or averaged),
    each rate scaled so that its peak outside the events equals ``writes_per_s`` /
    ``reads_per_s`` (calibrate writes the measured peaks: the series then replays as measured);
    it adds no noise and ignores the synthetic shape's keys. ACU demand is
    ``base_acu + acu_per_vcpu * (writes * vcpu_ms_per_write + reads * vcpu_ms_per_read) / 1000``.
    """

    __rules__ = (EVENTS_WITHIN_DAYS, RATES_ZERO_OR_REAL, MEASURED_FILE)

    source: str = param("synthetic", choices=("synthetic", "trace", "measured"),
                        scenario="workload.source", user_input=True,
                        doc="synthetic daily cycle, a bundled trace's day, or your measured "
                            "series (demand_file)")
    trace: str = param("elb_request_count", choices=_TRACES, scenario="workload.trace",
                       user_input=True, doc="bundled trace used when source = 'trace'")
    demand_file: str | None = param(
        None, type="custom", checker=_demand_file, nullable=True, scenario="workload.demand_file",
        user_input=True,
        doc="measured request rates (CSV timestamp, writes_per_s, reads_per_s) replayed when "
            "source = 'measured', written by `aurora-models calibrate`; a relative path is "
            "relative to the scenario file")
    writes_per_s: float = param(None, "writes/s", low=0.0, high=1e9,
                                scenario="workload.writes_per_s", user_input=True,
                                doc="writes per second at the daily peak")
    reads_per_s: float = param(None, "reads/s", low=0.0, high=1e10,
                               scenario="workload.reads_per_s", user_input=True,
                               doc="reads per second at the daily peak")
    days: float = param(7.0, "days", low=1.0, high=31.0, scenario="workload.days",
                        user_input=True, doc="simulated days (scaled to a 730-hour month)")
    step_s: float = param(60.0, "s", low=1.0, high=3600.0, scenario="workload.step_s",
                          user_input=True, doc="demand resolution")
    daily_amplitude: float = param(0.6, "-", low=0.0, high=1.0,
                                   scenario="workload.daily_amplitude", user_input=True,
                                   doc="daily cycle 1 + a sin(...)")
    weekly_amplitude: float = param(0.0, "-", low=0.0, high=1.0,
                                    scenario="workload.weekly_amplitude", user_input=True,
                                    doc="weekly cycle amplitude")
    noise_cv: float = param(0.05, "-", low=0.0, high=10.0, scenario="workload.noise_cv",
                            user_input=True, doc="step-to-step noise, coefficient of variation")
    events: tuple = param((), type="custom", checker=_events, scenario="workload.events",
                          user_input=True, json_schema_extra=_EVENT_SCHEMA,
                          doc="load events: {name, start_hour, duration_hours, factor}")
    base_acu: float = param(1.0, "ACU", low=0.0, high=1e4, scenario="workload.base_acu",
                            uncertainty={"dist": "uniform", "low": 0.5, "high": 2.0,
                                         "rationale": "buffer pool and background work"},
                            user_input=True, doc="load-independent ACU per cluster")
    vcpu_ms_per_write: float = param(0.5, "vCPU ms", low=0.0, low_open=True, high=1e4,
                                     scenario="workload.vcpu_ms_per_write", user_input=True,
                                     uncertainty={"dist": "lognormal", "p5": 0.2, "p95": 1.5,
                                                  "rationale": "an indexed upsert: 0.2-1.5 ms"},
                                     doc="CPU per write")
    vcpu_ms_per_read: float = param(0.2, "vCPU ms", low=0.0, low_open=True, high=1e4,
                                    scenario="workload.vcpu_ms_per_read", user_input=True,
                                    uncertainty={"dist": "lognormal", "p5": 0.08, "p95": 0.5,
                                                 "rationale": "a cached top-N to a short rank scan"},
                                    doc="CPU per read")
    io_per_write: float = param(1.0, "I/Os", low=0.0, high=1e4, scenario="workload.io_per_write",
                                uncertainty={"dist": "lognormal", "p5": 0.5, "p95": 3.0,
                                             "rationale": "batched to index-heavy writes"},
                                user_input=True, doc="billed I/Os per write (Aurora Standard)")
    write_io_share: float = param(
        1.0, "", low=0.0, high=1.0, scenario="workload.write_io_share", user_input=True,
        doc="share of a write's billed I/Os that are write I/Os, the ones a Global Database "
            "replicates and bills again in each secondary (1: every I/O of a write is a write "
            "I/O, an upper bound; the page reads a write makes are read I/Os; aurora-models "
            "calibrate measures it from VolumeWriteIOPs)")
    io_per_read: float = param(0.02, "I/Os", low=0.0, high=1e4, scenario="workload.io_per_read",
                               uncertainty={"dist": "loguniform", "low": 0.005, "high": 0.2,
                                            "rationale": "99.5 % to 80 % buffer-pool hits"},
                               user_input=True, doc="billed I/Os per read")
    acu_per_vcpu: float = param(4.0, "ACU/vCPU", low=0.25, high=64.0,
                                scenario="cluster.acu_per_vcpu", user_input=True,
                                uncertainty={"dist": "triangular", "low": 3.0, "mode": 4.0,
                                             "high": 6.0,
                                             "rationale": "how much memory a busy vCPU "
                                                          "brings with it"},
                                doc="ACU per busy vCPU (1 ACU ~ 2 GiB, r-classes 8 GiB/vCPU; at least 0.25: a vCPU "
                                    "with under 0.5 GiB is no database instance)")

    def series(self, *, rng=None) -> dict[str, np.ndarray]:
        """Per-step ``time_h``, ``writes_per_s``, ``reads_per_s``, ``acu``, ``read_acu`` and
        ``in_event`` (a mask of the event windows) of one demand draw."""
        rates = self.rates(rng=rng)
        return {**rates, **self.loads(rates)}

    def rates(self, *, rng=None) -> dict[str, np.ndarray]:
        """Per-step ``time_h``, ``writes_per_s``, ``reads_per_s`` and ``in_event`` of one
        demand draw: everything of :meth:`series` that the per-operation costs
        (:data:`PER_OPERATION`) do not change."""
        if self.source == "measured":
            return self._measured_rates()
        shape = None
        if self.source == "trace":
            shape = daily_shape(load_trace(self.trace, fill_gaps="interpolate"),
                                step_s=self.step_s)
        base = synthetic_demand(
            days=self.days, step_s=self.step_s, mean_acu=1.0,
            daily_amplitude=self.daily_amplitude, weekly_amplitude=self.weekly_amplitude,
            noise_cv=self.noise_cv, spikes=list(self.events), shape=shape, rng=rng)
        peak = float(shape.max()) if shape is not None else 1.0 + self.daily_amplitude
        unit = base / peak
        t_h = np.arange(unit.size) * self.step_s / 3600.0
        in_event = np.zeros(unit.size, dtype=bool)
        for start, dur, _ in self.events:
            in_event |= (t_h >= start) & (t_h < start + dur)
        return {"time_h": t_h, "writes_per_s": self.writes_per_s * unit,
                "reads_per_s": self.reads_per_s * unit, "in_event": in_event}

    def _measured_rates(self) -> dict[str, np.ndarray]:
        m = load_measured_demand(self.demand_file)  # type: ignore[arg-type]  # MEASURED_FILE
        n = round(self.days * 86_400 / self.step_s)
        t_h = np.arange(n) * self.step_s / 3600.0
        in_event = np.zeros(n, dtype=bool)
        factor = np.ones(n)
        for start, dur, f in self.events:
            win = (t_h >= start) & (t_h < start + dur)
            in_event |= win
            factor[win] *= f
        out = {"time_h": t_h, "in_event": in_event}
        for key in ("writes_per_s", "reads_per_s"):
            measured = replay(getattr(m, key), period_s=m.period_s, step_s=self.step_s,
                              n_steps=n, name=f"demand file's {key}")
            target = getattr(self, key)
            peak = float(measured[~in_event].max())
            if target > 0 and peak <= 0:
                raise ParameterValueError(f"`workload.{key}` = {target:g} scales a measured "
                                          f"series that is zero throughout ({m.source})")
            out[key] = measured * (target / peak if peak > 0 else 0.0) * factor
        return out

    def loads(self, rates: dict[str, np.ndarray], *, out=None) -> dict[str, np.ndarray]:
        """Per-step ``acu`` and ``read_acu`` of the request rates :meth:`rates` drew (into
        ``out = (acu, read_acu)`` arrays where given)."""
        # two scaled copies and two in-place adds (the batch of an analysis derives one per
        # vector): acu = base + acu_per_vcpu (writes ms_w + reads ms_r) / 1000
        acu, read_acu = (None, None) if out is None else out
        read_acu = np.multiply(rates["reads_per_s"],
                               self.acu_per_vcpu * self.vcpu_ms_per_read / 1e3, out=read_acu)
        acu = np.multiply(rates["writes_per_s"],
                          self.acu_per_vcpu * self.vcpu_ms_per_write / 1e3, out=acu)
        acu += read_acu
        acu += self.base_acu
        return {"acu": acu, "read_acu": read_acu}

    def months_per_series(self, series: dict[str, np.ndarray]) -> float:
        """How many series fit in a 730-hour month (the bill's scale factor)."""
        return SECONDS_PER_MONTH / (series["acu"].size * self.step_s)

    def io_millions_per_month(self, series: dict[str, np.ndarray]) -> tuple[float, float]:
        """Billed I/O and replicated write I/O per month, millions, of one demand series."""
        scale = self.step_s * self.months_per_series(series) / 1e6
        writes = float(series["writes_per_s"].sum()) * self.io_per_write * scale
        reads = float(series["reads_per_s"].sum()) * self.io_per_read * scale
        return writes + reads, writes * self.write_io_share


@declared("serverless")
@dataclass(frozen=True, kw_only=True)
class ReaderLoad:
    """What each reader holds besides its share of the reads (``workload.reader_base_acu``).

    :class:`DemandModel`'s ``base_acu`` is the writer's: the readers' demand is their share of
    the reads' ACU. A Serverless v2 reader keeps its own buffer pool and background work too;
    ``aurora-models calibrate`` measures it from the readers' capacity at no load.
    """

    reader_base_acu: float = param(
        0.0, "ACU", low=0.0, high=MAX_ACU_LIMIT, scenario="workload.reader_base_acu",
        user_input=True,
        doc="load-independent ACU of each reader (its buffer pool and background work) on top "
            "of its share of the reads (0: a reader carries its reads only; at most the "
            "largest Serverless v2 instance)")
