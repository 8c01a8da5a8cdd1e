"""Scaling policies (Serverless v2 and a v1-style comparison) and the capacity result."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._format import repr_text
from .._params import Rule, declared, param
from .._validate import (
    check_bool,
    check_nonnegative,
    check_positive,
    check_probability,
    check_range,
)
from ..exceptions import ParameterValueError
from ._defaults import (
    _BLOCK,
    _TOL,
    MAX_ACU_LIMIT,
)

# ------------------------------------------------------------------------------------------
# Policies


def _acu_order(values) -> str | None:
    if values["min_acu"] > values["max_acu"]:
        return (f"`min_acu` must be at most `max_acu` ({values['max_acu']:g}), "
                f"got {values['min_acu']:g}")
    return None


#: min_acu <= max_acu: checked by ScalingPolicy and by a scenario's [cluster] table alike.
ACU_ORDER = Rule("acu_order", ("min_acu", "max_acu"), _acu_order,
                 doc="`min_acu` must be at most `max_acu`")

_API = "RDS API ServerlessV2ScalingConfiguration"


@declared("serverless")
@dataclass(frozen=True, kw_only=True)
class ScalingPolicy:
    """Serverless v2 scaling behaviour of one instance.

    Parameters
    ----------
    min_acu : float
        Minimum capacity, 0 (auto-pause) or a multiple of 0.5 (cited: API reference).
    max_acu : float
        Maximum capacity, a multiple of 0.5 in [1, 256] (cited; 0.5 is not allowed as maximum).
    scale_up_delay_s : float
        Reaction delay: capacity reaches a higher demand this long after it appears
        (assumption, default 5 s).
    scale_down : {"additive", "proportional"}
        Bounded scale-down: ``scale_down_acu_per_s`` ACU per second, or a fraction
        ``scale_down_fraction_per_s`` of the current capacity per second (assumptions).
    scale_down_acu_per_s, scale_down_fraction_per_s : float
        Scale-down rates (defaults 0.1 ACU/s and 0.5 %/s, assumptions).
    extra_delay_s_per_halving : float
        Capacity-dependent delay (option, default 0): the guide says larger capacities scale
        faster, so the delay is ``scale_up_delay_s + extra * log2(delay_reference_acu / c)``
        for a current capacity ``c`` below ``delay_reference_acu``.
    delay_reference_acu : float
        Capacity from which only the base delay applies (default 8 ACU).
    seconds_until_auto_pause : float
        Idle time before a ``min_acu = 0`` instance pauses, in [300, 86400] (cited, default 300).
    resume_s, resume_after_deep_sleep_s, deep_sleep_after_s : float
        Resume takes ``resume_s`` (15 s), or ``resume_after_deep_sleep_s`` (30 s) after a pause
        longer than ``deep_sleep_after_s`` (24 h) (cited).

    Examples
    --------
    >>> ScalingPolicy(min_acu=0.5, max_acu=64).scale_up_delay_s
    5.0
    >>> ScalingPolicy(min_acu=0.7, max_acu=64)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `min_acu` must be a multiple of 0.5, got 0.7
    """

    __rules__ = (ACU_ORDER,)

    min_acu: float = param(
        0.5, "ACU", low=0.0, high=MAX_ACU_LIMIT, step=0.5, scenario="cluster.min_acu",
        doc="Serverless v2 minimum capacity per instance (0 = auto-pause)",
        source=f"{_API}: MinCapacity 0-{MAX_ACU_LIMIT:g} in steps of 0.5")
    max_acu: float = param(
        MAX_ACU_LIMIT, "ACU", low=1.0, high=MAX_ACU_LIMIT, step=0.5, scenario="cluster.max_acu",
        doc="Serverless v2 maximum capacity per instance",
        source=f"{_API}: MaxCapacity 1-{MAX_ACU_LIMIT:g} in steps of 0.5")
    scale_up_delay_s: float = param(
        5.0, "s", low=0.0, high=600.0, scenario="cluster.scale_up_delay_s",
        doc="Serverless v2 scale-up reaction delay (resolved within a simulation step)",
        rationale="AWS publishes no scale-up rate, only that larger capacities scale faster "
                  "(Aurora User Guide, Serverless v2 scaling) and that capacity is measured "
                  "every second; third parties say 'seconds'; the architecture guide's 'minimum "
                  "to maximum in under a second' has no AWS source; bounded at 10 minutes",
        uncertainty={"dist": "loguniform", "low": 0.5, "high": 30.0,
                     "rationale": "from the guide's 'under a second' to half a minute; notebook "
                                  "03 shows unserved demand and the bill across it"})
    scale_down: str = param("additive", choices=("additive", "proportional"),
                            doc="bounded scale-down rule",
                            rationale="AWS describes scale-down only as gradual")
    scale_down_acu_per_s: float = param(0.1, "ACU/s", low=0.0, low_open=True, high=1e6,
        scenario="cluster.scale_down_acu_per_s",
        doc="additive scale-down rate (a large value scales down at once)",
        rationale="AWS publishes no scale-down rate, only 'conservative'; 64 -> 0.5 ACU in "
                  "~10 min",
        uncertainty={"dist": "loguniform", "low": 0.03, "high": 0.3,
                     "rationale": "'conservative' with no rate: 64 -> 0.5 ACU in ~3.5 to ~35 "
                                  "min"})
    scale_down_fraction_per_s: float = param(0.005, "1/s", low=0.0, low_open=True, high=1.0, high_open=True,
        doc="proportional scale-down rate",
        rationale="proportional alternative: capacity halves in ~2.3 min when demand drops",
        uncertainty={"dist": "loguniform", "low": 0.0015, "high": 0.015,
                     "rationale": "no published rate: capacity halves in ~0.8 to ~8 min"})
    extra_delay_s_per_halving: float = param(
        0.0, "s", low=0.0, high=600.0, doc="extra delay per halving of capacity below the "
        "reference", rationale="option (off): the guide says larger capacities scale faster",
        uncertainty={"dist": "uniform", "low": 0.0, "high": 5.0,
                     "rationale": "'larger capacities scale faster' with no rate: off to 5 s "
                                  "more per halving (the base delay's order)"})
    delay_reference_acu: float = param(
        8.0, "ACU", low=0.0, low_open=True, high=MAX_ACU_LIMIT,
        doc="capacity from which only the base delay applies",
        rationale="used only with extra_delay_s_per_halving > 0",
        uncertainty={"dist": "loguniform", "low": 2.0, "high": 32.0,
                     "rationale": "the capacity from which scaling is fast is unstated: a "
                                  "factor of 4 either side of 8 ACU"})
    seconds_until_auto_pause: float = param(300.0, "s", low=300.0, high=86_400.0, doc="idle time before auto-pause",
        source="RDS API SecondsUntilAutoPause: 300-86,400 s, default 300")
    resume_s: float = param(15.0, "s", low=0.0, high=3600.0, doc="resume time",
                            source="Aurora User Guide, auto-pause: resume takes about 15 s")
    resume_after_deep_sleep_s: float = param(30.0, "s", low=0.0, high=3600.0, doc="resume time after a long pause",
        source="Aurora User Guide, auto-pause: 30 s or longer after 24 h paused")
    deep_sleep_after_s: float = param(86_400.0, "s", low=0.0, high=30 * 86_400.0,
        doc="pause length after which resume is slower",
        source="Aurora User Guide, auto-pause: 'paused for more than 24 h'")

    @property
    def auto_pause(self) -> bool:
        """True when ``min_acu == 0``."""
        return self.min_acu == 0.0


@dataclass(frozen=True, kw_only=True)
class V1ScalingPolicy:
    """Serverless v1-style scaling, for comparison (every value a stated assumption).

    v1 capacity came in powers of two; it doubled or halved at scaling points when utilisation
    crossed thresholds, with cooldowns, and resumed from pause with a cold start.

    Parameters
    ----------
    min_acu, max_acu : float
        Powers of two in [1, 256].
    scale_up_threshold, scale_down_threshold : float
        Peak demand / capacity over a decision interval above which capacity doubles (0.7),
        below which it halves (0.3).
    decision_interval_s : float
        Scaling decisions are taken at the end of each interval (60 s).
    scale_down_cooldown_after_up_s, scale_down_cooldown_s : float
        No halving within 900 s of a doubling or 310 s of a halving.
    auto_pause : bool
        Pause after ``seconds_until_auto_pause`` (300 s) of zero demand.
    cold_start_s : float
        Capacity 0 for this long after demand returns to a paused cluster (25 s).
    """

    min_acu: float = 1.0
    max_acu: float = MAX_ACU_LIMIT  # v1's limit was also 256 ACU
    scale_up_threshold: float = 0.7
    scale_down_threshold: float = 0.3
    decision_interval_s: float = 60.0
    scale_down_cooldown_after_up_s: float = 900.0
    scale_down_cooldown_s: float = 310.0
    auto_pause: bool = True
    seconds_until_auto_pause: float = 300.0
    cold_start_s: float = 25.0

    def __post_init__(self) -> None:
        for name in ("min_acu", "max_acu"):
            v = float(check_range(name, getattr(self, name), 1.0, MAX_ACU_LIMIT))
            if not math.log2(v).is_integer():
                raise ParameterValueError(f"`{name}` must be a power of two in [1, {MAX_ACU_LIMIT:g}], "
                                 f"got {v:g}")
            object.__setattr__(self, name, v)
        if self.min_acu > self.max_acu:
            raise ParameterValueError(f"`min_acu` must be at most `max_acu` ({self.max_acu:g}), "
                             f"got {self.min_acu:g}")
        check_probability("scale_up_threshold", self.scale_up_threshold)
        check_probability("scale_down_threshold", self.scale_down_threshold)
        if self.scale_down_threshold >= self.scale_up_threshold:
            raise ParameterValueError("`scale_down_threshold` must be below `scale_up_threshold` "
                             f"({self.scale_up_threshold:g}), got {self.scale_down_threshold:g}")
        check_positive("decision_interval_s", self.decision_interval_s)
        for name in ("scale_down_cooldown_after_up_s", "scale_down_cooldown_s",
                     "seconds_until_auto_pause", "cold_start_s"):
            check_nonnegative(name, getattr(self, name))
        check_bool("auto_pause", self.auto_pause)


# ------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, kw_only=True)
class CapacityResult:
    """Simulated capacity and its totals.

    Attributes
    ----------
    capacity_acu, demand_acu : numpy.ndarray
        Per-step capacity (multiples of 0.5; 0 while paused or resuming) and demand, in ACU.
        With a reaction delay that is not a whole number of steps, ``capacity_acu`` is the
        series at the delay rounded to the nearest step; the totals below resolve the delay
        within the step (see :func:`simulate_capacity`).
    step_s : float
    acu_hours : float
        Metered capacity, ``sum(capacity) * step_s / 3600`` (per-second metering) at a whole
        delay; at a fractional delay the time-weighted mixture of the two whole-step series.
    under_provisioned_s : float
        Time with capacity below demand (by more than 1e-9 ACU); a constant reaction delay is
        resolved within the step, a capacity-dependent one to the nearest step.
    under_provisioned_acu_s : float
        ``sum(demand - capacity) * step_s`` over those steps (the same mixture).
    n_pauses : int
    paused_s : float
    """

    capacity_acu: np.ndarray = field(repr=False)
    demand_acu: np.ndarray = field(repr=False)
    step_s: float
    acu_hours: float
    under_provisioned_s: float
    under_provisioned_acu_s: float
    n_pauses: int
    paused_s: float

    @property
    def hours(self) -> float:
        """Length of the simulated period, hours."""
        return len(self.capacity_acu) * self.step_s / 3600.0

    @property
    def mean_acu(self) -> float:
        """Time-average capacity, ACU."""
        return self.acu_hours / self.hours

    def _facts(self) -> list[tuple[str, str]]:
        peak = float(self.capacity_acu.max()) if self.capacity_acu.size else 0.0
        demand = float(self.demand_acu.max()) if self.demand_acu.size else 0.0
        return [("simulated", f"{self.hours:,.4g} h at {self.step_s:g} s steps"),
                ("ACU-hours", f"{self.acu_hours:,.6g} (mean {self.mean_acu:.4g} ACU)"),
                ("peak", f"capacity {peak:.4g} ACU, demand {demand:.4g} ACU"),
                ("under-provisioned", f"{self.under_provisioned_s:,.6g} s "
                                      f"({self.under_provisioned_acu_s:,.6g} ACU-s short)"),
                ("pauses", f"{self.n_pauses} ({self.paused_s:,.6g} s paused)")]

    def __repr__(self) -> str:

        return repr_text("CapacityResult: " + "; ".join(f"{k} {v}" for k, v in self._facts()[:2]),
                         [f"{k}: {v}" for k, v in self._facts()[2:]])

    def _repr_html_(self) -> str:
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import repr_html

        return repr_html("CapacityResult", facts=self._facts())

    def to_frame(self) -> pd.DataFrame:
        """Per-step ``time_s``, ``demand_acu``, ``capacity_acu``."""
        t = np.arange(len(self.capacity_acu)) * self.step_s
        return pd.DataFrame({"time_s": t, "demand_acu": self.demand_acu,
                             "capacity_acu": self.capacity_acu})


def _finish(units: np.ndarray, demand: np.ndarray, step_s: float, n_pauses: int,
            paused_steps: int) -> CapacityResult:
    """Totals from half-ACU ``units`` (converted to ACU in place), block by block."""
    acu_hours = float(units.sum()) * step_s / 7200.0
    cap = units
    cap *= 0.5
    n_short, short_sum = 0, 0.0
    for i in range(0, cap.size, _BLOCK):
        short = demand[i:i + _BLOCK] - cap[i:i + _BLOCK]
        short = short[short > _TOL]
        n_short += short.size
        short_sum += float(short.sum())
    return CapacityResult(
        capacity_acu=cap, demand_acu=demand, step_s=step_s, acu_hours=acu_hours,
        under_provisioned_s=n_short * step_s, under_provisioned_acu_s=short_sum * step_s,
        n_pauses=int(n_pauses), paused_s=float(paused_steps) * step_s)
