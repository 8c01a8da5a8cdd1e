"""Aurora Serverless v2: ACU capacity simulation, demand, cost curves and break-evens.

The simulator turns a demand series (ACU needed, one sample per ``step_s``) into the capacity
Aurora would bill under a :class:`ScalingPolicy`. It works in integer half-ACU units and is
vectorized: a capacity that jumps up to the (delayed) demand and decays at a bounded additive
rate is a running maximum of a shifted series (proportional decay: the same in log space), so a
year at 1-second resolution takes well under a second.

Every default is a cited fact or a stated assumption in the registry
(``aurora_models.assumptions("serverless")``). Prices come only from a
:class:`~aurora_models.pricing.PriceBook`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._assumptions import register
from ._rng import as_generator, spawn
from ._validate import (
    check_array,
    check_bool,
    check_choice,
    check_int_range,
    check_multiple_of,
    check_nonnegative,
    check_positive,
    check_probability,
    check_range,
)
from .exceptions import ConvergenceError
from .pricing import PriceBook
from .results import Estimate

__all__ = [
    "CapacityResult",
    "CostDistribution",
    "ScalingPolicy",
    "V1ScalingPolicy",
    "break_even_utilization",
    "break_even_utilization_for_peak",
    "daily_shape",
    "demand_from_trace",
    "monthly_cost",
    "simulate_capacity",
    "simulate_capacity_v1",
    "simulate_monthly_cost",
    "synthetic_demand",
]

_UG = "Aurora User Guide (Serverless v2), aurora_facts.md §3"
MAX_ACU_LIMIT = register("serverless.max_acu_limit", 256.0, "ACU",
                         source="RDS API ServerlessV2ScalingConfiguration: 256 (128 older versions)")
GIB_PER_ACU = register("serverless.gib_per_acu", 2.0, "GiB/ACU", source=_UG + ".1: 1 ACU ~ 2 GiB")
SCALE_UP_DELAY_S = register(
    "serverless.scale_up_delay_s", 5.0, "s",
    rationale="AWS publishes no scale-up rate; the guide and third parties say 'seconds'")
SCALE_DOWN_ACU_PER_S = register(
    "serverless.scale_down_acu_per_s", 0.1, "ACU/s",
    rationale="AWS publishes no scale-down rate, only 'conservative'; 64 -> 0.5 ACU in ~10 min")
SCALE_DOWN_FRACTION_PER_S = register(
    "serverless.scale_down_fraction_per_s", 0.005, "1/s",
    rationale="proportional alternative: capacity halves in ~2.3 min when demand drops")
AUTO_PAUSE_S = register("serverless.seconds_until_auto_pause", 300.0, "s",
                        source="RDS API SecondsUntilAutoPause: 300-86,400 s, default 300")
RESUME_S = register("serverless.resume_s", 15.0, "s",
                    source="Aurora User Guide, auto-pause: resume takes about 15 s")
RESUME_DEEP_S = register("serverless.resume_after_deep_sleep_s", 30.0, "s",
                         source="Aurora User Guide, auto-pause: 30 s or longer after 24 h paused")
DEEP_SLEEP_AFTER_S = register("serverless.deep_sleep_after_s", 86_400.0, "s",
                              source="Aurora User Guide, auto-pause: 'paused for more than 24 h'")
HOURS_PER_MONTH = register("serverless.hours_per_month", 730.0, "h",
                           source="AWS pricing pages bill a month as 730 hours")
HEADROOM = register("serverless.provisioned_headroom", 0.2, "-",
                    rationale="provisioned instances sized for peak with 20 % spare capacity")
RESERVED_DISCOUNT = register(
    "serverless.reserved_discount", 0.35, "-",
    source="third party: Aurora 1-year RIs save about 30-40 % (aurora_facts.md §4.4, [S])")
_TOL = 1e-9
_MAX_PASSES = 200


# ------------------------------------------------------------------------------------------
# Policies


def _check_acu(name: str, value, *, low: float) -> float:
    x = float(check_range(name, value, low, MAX_ACU_LIMIT))
    return float(check_multiple_of(name, x, 0.5))


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
    ValueError: `min_acu` must be a multiple of 0.5, got 0.7
    """

    min_acu: float = 0.5
    max_acu: float = MAX_ACU_LIMIT
    scale_up_delay_s: float = SCALE_UP_DELAY_S
    scale_down: str = "additive"
    scale_down_acu_per_s: float = SCALE_DOWN_ACU_PER_S
    scale_down_fraction_per_s: float = SCALE_DOWN_FRACTION_PER_S
    extra_delay_s_per_halving: float = 0.0
    delay_reference_acu: float = 8.0
    seconds_until_auto_pause: float = AUTO_PAUSE_S
    resume_s: float = RESUME_S
    resume_after_deep_sleep_s: float = RESUME_DEEP_S
    deep_sleep_after_s: float = DEEP_SLEEP_AFTER_S

    def __post_init__(self) -> None:
        s = object.__setattr__
        s(self, "min_acu", _check_acu("min_acu", self.min_acu, low=0.0))
        s(self, "max_acu", _check_acu("max_acu", self.max_acu, low=1.0))
        if self.min_acu > self.max_acu:
            raise ValueError(f"`min_acu` must be at most `max_acu` ({self.max_acu:g}), "
                             f"got {self.min_acu:g}")
        s(self, "scale_up_delay_s", float(check_nonnegative("scale_up_delay_s",
                                                            self.scale_up_delay_s)))
        check_choice("scale_down", self.scale_down, ["additive", "proportional"])
        s(self, "scale_down_acu_per_s", float(check_positive("scale_down_acu_per_s",
                                                             self.scale_down_acu_per_s)))
        s(self, "scale_down_fraction_per_s", float(check_range(
            "scale_down_fraction_per_s", self.scale_down_fraction_per_s, 0.0, 1.0,
            low_inclusive=False, high_inclusive=False)))
        s(self, "extra_delay_s_per_halving", float(check_nonnegative(
            "extra_delay_s_per_halving", self.extra_delay_s_per_halving)))
        s(self, "delay_reference_acu", float(check_positive("delay_reference_acu",
                                                            self.delay_reference_acu)))
        s(self, "seconds_until_auto_pause", float(check_range(
            "seconds_until_auto_pause", self.seconds_until_auto_pause, 300.0, 86_400.0)))
        for name in ("resume_s", "resume_after_deep_sleep_s", "deep_sleep_after_s"):
            s(self, name, float(check_nonnegative(name, getattr(self, name))))

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
    max_acu: float = 256.0
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
            v = float(check_range(name, getattr(self, name), 1.0, 256.0))
            if not math.log2(v).is_integer():
                raise ValueError(f"`{name}` must be a power of two in [1, 256], got {v:g}")
            object.__setattr__(self, name, v)
        if self.min_acu > self.max_acu:
            raise ValueError(f"`min_acu` must be at most `max_acu` ({self.max_acu:g}), "
                             f"got {self.min_acu:g}")
        check_probability("scale_up_threshold", self.scale_up_threshold)
        check_probability("scale_down_threshold", self.scale_down_threshold)
        if self.scale_down_threshold >= self.scale_up_threshold:
            raise ValueError("`scale_down_threshold` must be below `scale_up_threshold` "
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
    step_s : float
    acu_hours : float
        Metered capacity, ``sum(capacity) * step_s / 3600`` (per-second metering).
    under_provisioned_s : float
        Time with capacity below demand.
    under_provisioned_acu_s : float
        ``sum(max(demand - capacity, 0)) * step_s``.
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
        np.maximum(short, 0.0, out=short)
        n_short += int(np.count_nonzero(short > _TOL))
        short_sum += float(short.sum())
    return CapacityResult(
        capacity_acu=cap, demand_acu=demand, step_s=step_s, acu_hours=acu_hours,
        under_provisioned_s=n_short * step_s, under_provisioned_acu_s=short_sum * step_s,
        n_pauses=int(n_pauses), paused_s=float(paused_steps) * step_s)


_BLOCK = 1 << 15  # cache-sized blocks: running maxima carry across them


# ------------------------------------------------------------------------------------------
# Serverless v2 simulator


def _steps(seconds: float, step_s: float) -> int:
    return math.ceil(seconds / step_s - 1e-9)


def _delay(seconds: float, step_s: float) -> int:
    """A delay in whole steps, rounded to the nearest (at coarse steps a 5 s delay is 0 steps,
    rather than a full step that would overstate under-provisioning)."""
    return math.floor(seconds / step_s + 0.5)


def _pause_mask(demand: np.ndarray, policy: ScalingPolicy, step_s: float):
    """Steps forced to 0 ACU (paused or resuming), the number of pauses and paused steps."""
    n = demand.size
    zero = np.zeros(n, dtype=bool)
    if not policy.auto_pause:
        return zero, 0, 0
    idle = demand <= 0.0
    edges = np.diff(np.concatenate(([0], idle.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    p = starts + _steps(policy.seconds_until_auto_pause, step_s)
    ok = p < ends
    p, b = p[ok], ends[ok]
    deep = (b - p) * step_s > policy.deep_sleep_after_s
    nr = np.where(deep, _steps(policy.resume_after_deep_sleep_s, step_s),
                  _steps(policy.resume_s, step_s))
    r_end = np.minimum(b + nr, n)
    diff = np.zeros(n + 1, dtype=np.int64)
    np.add.at(diff, p, 1)
    np.add.at(diff, r_end, -1)
    zero = np.cumsum(diff[:n]) > 0
    return zero, int(p.size), int((b - p).sum())


def _arrivals(target: np.ndarray, k, floor: float) -> np.ndarray:
    """Upward target seen at each step: sample ``s`` arrives at step ``s + k_s``.

    Steps before the first sample's arrival hold ``target[0]`` (the instance starts sized for
    the first sample); with a varying delay, steps that no sample reaches hold ``floor``.
    """
    n = target.size
    if np.isscalar(k):
        k = min(int(k), n)
        a = np.empty_like(target)
        a[k:] = target[: n - k]
        a[:k] = target[0]
        return a
    a = np.full(n, floor, dtype=float)
    a[: min(int(k[0]), n)] = target[0]
    for kv in np.unique(k).tolist():
        if kv >= n:
            continue
        src = np.where(k[: n - kv] == kv, target[: n - kv], floor)
        np.maximum(a[kv:], src, out=a[kv:])
    return a


def _decay_max(a: np.ndarray, zero: np.ndarray, policy: ScalingPolicy, step_s: float, *,
               demand: np.ndarray | None = None, bounds: tuple[float, float] | None = None):
    """``c_t = max(a_t, decay(c_{t-1}))`` restarted after each forced-zero run; 0 where forced.

    ``a`` holds half-ACU units as floats, or (with ``bounds = (floor, top)``) the delayed
    demand in ACU, turned into units block by block. Work is done in cache-sized blocks, the
    running maximum carried across them in block-local coordinates. Additive decay runs in
    units of 1/1000 half-ACU: every intermediate is an integer below 2**53, so float64
    arithmetic is exact. With ``demand``, also returns the number of under-provisioned steps
    and the sum of the shortfall (ACU x steps).
    """
    n = a.size
    out = np.zeros(n)
    live = ~zero
    edges = np.diff(np.concatenate(([0], live.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    additive = policy.scale_down == "additive"
    d = 1000.0
    if additive:
        r = -max(float(round(policy.scale_down_acu_per_s * 2.0 * step_s * d)), 1.0)
    else:
        r = math.log1p(-policy.scale_down_fraction_per_s) * step_s  # log decay per step (< 0)
    t_loc = np.arange(_BLOCK, dtype=float) * r
    n_short, short_sum = 0, 0.0
    if demand is not None and zero.any():
        dz = demand[zero]
        n_short, short_sum = int(np.count_nonzero(dz > _TOL)), float(dz.sum())
    for s0, e0 in zip(starts.tolist(), ends.tolist(), strict=True):
        carry = -math.inf  # capacity at the previous step, in working coordinates
        for i in range(s0, e0, _BLOCK):
            j = min(i + _BLOCK, e0)
            t = t_loc[: j - i]
            if bounds is None:
                x = a[i:j] * d if additive else np.log(a[i:j])
            else:
                x = a[i:j] * 2.0
                x -= _TOL
                np.ceil(x, out=x)
                np.clip(x, bounds[0], bounds[1], out=x)
                if additive:
                    x *= d
                else:
                    np.log(x, out=x)
            x -= t
            if carry + r > x[0]:
                x[0] = carry + r
            np.maximum.accumulate(x, out=x)
            x += t
            carry = float(x[-1])
            if additive:
                x /= d
            else:
                np.exp(x, out=x)
                x -= 1e-6
            np.ceil(x, out=x)
            out[i:j] = x
            if demand is not None:
                x *= -0.5
                x += demand[i:j]
                np.maximum(x, 0.0, out=x)
                n_short += int(np.count_nonzero(x > _TOL))
                short_sum += float(x.sum())
    return out, n_short, short_sum


def _delay_steps(units: np.ndarray, policy: ScalingPolicy, step_s: float) -> np.ndarray:
    c = np.maximum(units, 1) / 2.0
    extra = policy.extra_delay_s_per_halving * np.maximum(
        0.0, np.log2(policy.delay_reference_acu / c))
    return np.floor((policy.scale_up_delay_s + extra) / step_s + 0.5).astype(np.int64)


def simulate_capacity(demand_acu, policy: ScalingPolicy, *, step_s: float = 1.0) -> CapacityResult:
    """Serverless v2 capacity for a demand series.

    Parameters
    ----------
    demand_acu : array_like
        ACU needed at each step (finite, >= 0).
    policy : ScalingPolicy
    step_s : float
        Seconds per sample (1 s is AWS's metering; coarser steps are fine for cost).

    Returns
    -------
    CapacityResult

    Raises
    ------
    ValueError
        NaN, infinite or negative demand (index named), non-positive ``step_s``.
    TypeError
        ``policy`` is not a :class:`ScalingPolicy`.

    Notes
    -----
    In half-ACU units, the target is ``u_t = clip(ceil(2 d_t), f, 2 max_acu)`` with floor
    ``f = max(1, 2 min_acu)``. The upward target seen at step ``t`` is ``a_t = u_{t-k}``,
    ``k = round(scale_up_delay_s / step_s)`` (nearest whole step, so at 1-minute steps a 5 s
    delay is instantaneous and under-provisioning counts only demand above ``max_acu``). Capacity follows

        c_t = max(a_t, c_{t-1} - r)    (additive, r = 2 * scale_down_acu_per_s * step_s)

    whose solution is the running maximum ``c_t = max_{s<=t}(a_s + r s) - r t``, computed in
    integer arithmetic (``r`` to 1/1000 half-ACU), then rounded up to a half-ACU. Proportional
    decay ``c_t = max(a_t, q c_{t-1})`` is the same in log space. With ``min_acu = 0``, a run
    of zero demand longer than the idle timeout pauses the instance (0 ACU); when demand
    returns, capacity stays 0 for the resume delay and then restarts from the target.

    With ``extra_delay_s_per_halving > 0`` the delay of the sample at step ``s`` (at least one
    step) depends on the capacity ``c_s`` when it is observed. Since ``c_s`` depends only on
    earlier samples, the vectorized pass is repeated with the delays of the previous pass
    until nothing changes (a few passes; each as fast as the constant-delay case).

    Examples
    --------
    >>> demand = [0.5] * 10 + [64.0] * 20 + [0.5] * 700
    >>> r = simulate_capacity(demand, ScalingPolicy(min_acu=0.5, max_acu=64))
    >>> r.capacity_acu[[9, 14, 15, 35, 40]].tolist()
    [0.5, 0.5, 64.0, 64.0, 63.5]
    >>> round(r.under_provisioned_s), round(r.acu_hours, 3)
    (5, 6.081)
    """
    if not isinstance(policy, ScalingPolicy):
        raise TypeError(f"`policy` must be a ScalingPolicy, got {type(policy).__name__}")
    step_s = float(check_positive("step_s", step_s))
    demand = check_array("demand_acu", demand_acu, nonnegative=True)
    floor = max(1, round(2 * policy.min_acu))
    top = round(2 * policy.max_acu)
    zero, n_pauses, paused = _pause_mask(demand, policy, step_s)
    n, k = demand.size, min(_delay(policy.scale_up_delay_s, step_s), demand.size)
    shifted = demand if k == 0 else np.concatenate((np.full(k, demand[0]), demand[: n - k]))
    units, n_short, short_sum = _decay_max(shifted, zero, policy, step_s, demand=demand,
                                           bounds=(floor, top))
    if policy.extra_delay_s_per_halving > 0:
        # state-dependent delay: iterate to the fixed point (causal, so it is reached)
        target = np.clip(np.ceil(2.0 * demand - _TOL), floor, top)
        for _ in range(_MAX_PASSES):
            ks = np.maximum(_delay_steps(units, policy, step_s), 1)
            new, n_short, short_sum = _decay_max(_arrivals(target, ks, floor), zero, policy,
                                                 step_s, demand=demand)
            if np.array_equal(new, units):
                break
            units = new
        else:
            raise ConvergenceError(f"capacity-dependent delay did not settle in {_MAX_PASSES} "
                                   "passes; use a coarser step_s or a constant delay")
    acu_hours = float(units.sum()) * step_s / 7200.0
    units *= 0.5
    return CapacityResult(
        capacity_acu=units, demand_acu=demand, step_s=step_s, acu_hours=acu_hours,
        under_provisioned_s=n_short * step_s, under_provisioned_acu_s=short_sum * step_s,
        n_pauses=int(n_pauses), paused_s=float(paused) * step_s)


def simulate_capacity_v1(demand_acu, policy: V1ScalingPolicy, *,
                         step_s: float = 1.0) -> CapacityResult:
    """Serverless v1-style capacity: doubling/halving at decision points, cooldowns, cold start.

    Parameters
    ----------
    demand_acu : array_like
    policy : V1ScalingPolicy
    step_s : float

    Returns
    -------
    CapacityResult

    Notes
    -----
    Capacity is constant within a decision interval. At its end, if the interval's peak demand
    exceeds ``scale_up_threshold * C`` capacity doubles (up to ``max_acu``); if it is below
    ``scale_down_threshold * C`` and both cooldowns have passed it halves. After
    ``seconds_until_auto_pause`` of zero demand the cluster pauses; the first demand then
    waits ``cold_start_s`` at 0 ACU and restarts at ``min_acu``. One Python iteration per
    decision interval (525,600 a year at 60 s).

    Examples
    --------
    >>> r = simulate_capacity_v1([1.0] * 120 + [6.0] * 600, V1ScalingPolicy(), step_s=1.0)
    >>> sorted(set(r.capacity_acu.tolist()))
    [1.0, 2.0, 4.0, 8.0, 16.0]
    """
    if not isinstance(policy, V1ScalingPolicy):
        raise TypeError(f"`policy` must be a V1ScalingPolicy, got {type(policy).__name__}")
    step_s = float(check_positive("step_s", step_s))
    demand = check_array("demand_acu", demand_acu, nonnegative=True)
    n = demand.size
    m = max(1, _steps(policy.decision_interval_s, step_s))
    n_idle = _steps(policy.seconds_until_auto_pause, step_s)
    n_cold = _steps(policy.cold_start_s, step_s)
    units = np.zeros(n)
    c = policy.min_acu
    last_up = last_down = -(10**12)
    paused, idle, resume_until, n_pauses, paused_steps = False, 0, 0, 0, 0
    for i in range(0, n, m):
        j = min(i + m, n)
        block = demand[i:j]
        if paused:
            pos = np.flatnonzero(block > 0)
            if pos.size == 0:
                paused_steps += j - i
                continue
            paused, c = False, policy.min_acu
            paused_steps += int(pos[0])
            resume_until = i + int(pos[0]) + n_cold
        units[i:j] = round(2 * c)
        if resume_until > i:
            units[i:min(resume_until, j)] = 0
        peak = float(block.max())
        if peak > policy.scale_up_threshold * c and c < policy.max_acu:
            c, last_up = min(2 * c, policy.max_acu), j
        elif (peak < policy.scale_down_threshold * c and c > policy.min_acu
              and (j - last_up) * step_s >= policy.scale_down_cooldown_after_up_s
              and (j - last_down) * step_s >= policy.scale_down_cooldown_s):
            c, last_down = c / 2, j
        nz = np.flatnonzero(block > 0)
        idle = idle + (j - i) if nz.size == 0 else (j - i) - 1 - int(nz[-1])
        if policy.auto_pause and idle >= n_idle and j < n:
            paused, n_pauses, c = True, n_pauses + 1, policy.min_acu
    return _finish(units, demand, step_s, n_pauses, paused_steps)


# ------------------------------------------------------------------------------------------
# Demand


def _check_trace(trace) -> pd.Series:
    if not isinstance(trace, pd.Series) or not isinstance(trace.index, pd.DatetimeIndex):
        raise TypeError("`trace` must be a pandas Series with a DatetimeIndex, got "
                        f"{type(trace).__name__}")
    idx = trace.index
    if idx.size < 2:
        raise ValueError(f"`trace` must have at least 2 samples, got {idx.size}")
    dup = idx.duplicated()
    if dup.any():
        i = int(np.argmax(dup))
        raise ValueError(f"`trace` timestamps must be unique, got {idx[i]} twice (position {i})")
    back = np.diff(idx.asi8) < 0
    if back.any():
        i = int(np.argmax(back)) + 1
        raise ValueError(f"`trace` timestamps must be increasing, got {idx[i]} after "
                         f"{idx[i - 1]} (position {i})")
    values = trace.to_numpy(dtype=float)
    nan = ~np.isfinite(values)
    if nan.any():
        i = int(np.argmax(nan))
        raise ValueError(f"`trace` must be finite, got {values[i]} at {idx[i]} (position {i}); "
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
        raise ValueError(f"`trace` has {int(gaps.sum())} gap(s) (longest {dt.max():g} s against "
                         f"a {usual:g} s step); pass allow_gaps=True or fill them with "
                         "data.load_trace(name, fill_gaps=...)")
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
    sec = (trace.index.hour * 3600 + trace.index.minute * 60 + trace.index.second).to_numpy()
    prof = pd.Series(trace.to_numpy(dtype=float)).groupby(sec).mean()
    x, y = prof.index.to_numpy(dtype=float), prof.to_numpy()
    grid = np.arange(0.0, 86_400.0, step_s)
    out = np.interp(grid, x, y, period=86_400.0)
    if out.mean() <= 0:
        raise ValueError("`trace` must have a positive mean")
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
    n = round(days * 86_400 / step_s)
    t = np.arange(n) * step_s
    hour = (t / 3600.0) % 24.0
    if shape is None:
        day = 1.0 + a * np.sin(2 * np.pi * (hour - 9.0) / 24.0)
    else:
        shape = check_array("shape", shape, nonnegative=True)
        per_day = round(86_400 / step_s)
        if shape.size != per_day:
            raise ValueError(f"`shape` must have 86400 / step_s = {per_day} values, "
                             f"got {shape.size}")
        day = shape[np.arange(n) % per_day]
    weekday = (t // 86_400).astype(np.int64) % 7
    week = np.where(weekday >= 5, 1.0 - w, 1.0)
    d = mean_acu * day * week
    if cv > 0:
        k = 1.0 / cv**2
        d = d * gen.gamma(k, 1.0 / k, size=n)
    for spike in spikes:
        if len(spike) != 3:
            raise ValueError("`spikes` entries must be (start_hour, duration_hours, factor), "
                             f"got {spike!r}")
        start, dur, factor = (float(check_nonnegative("spikes", v)) for v in spike)
        win = (t >= start * 3600) & (t < (start + dur) * 3600)
        d[win] *= factor
    return d


# ------------------------------------------------------------------------------------------
# Cost


def break_even_utilization(price_book: PriceBook, instance_class: str, *,
                           io_optimized: bool = False) -> float:
    """Average Serverless v2 utilisation (of the class's ACU-equivalents) at equal cost.

    Returns
    -------
    float
        ``instance_hour_usd / (acu_hour_usd * memory_gib / 2)``: Serverless v2 is cheaper when
        the average capacity used is below this share of the instance's capacity.

    Notes
    -----
    1 ACU ~ 2 GiB, so db.r6g.large (16 GiB) is 8 ACU-equivalents: $0.26 against
    8 x $0.12 = $0.96 gives 27 % in us-east-1. Ignores the 0.5 ACU floor, scale-down tails,
    reserved instances, and Multi-AZ.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> round(break_even_utilization(pricing.load(), "db.r6g.large"), 4)
    0.2708
    """
    if not isinstance(price_book, PriceBook):
        raise TypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    check_bool("io_optimized", io_optimized)
    inst = price_book.instance_hour_usd(instance_class, io_optimized=io_optimized)
    return inst / (price_book.acu_hour_usd(io_optimized=io_optimized)
                   * price_book.instance_acu(instance_class))


def break_even_utilization_for_peak(price_book: PriceBook, peak_acu: float, *,
                                    headroom: float = 0.0,
                                    io_optimized: bool = False) -> tuple[str, float]:
    """Break-even when the instance must be a whole class sized for ``peak_acu``.

    Returns
    -------
    (str, float)
        The cheapest class with ``2 * peak_acu * (1 + headroom)`` GiB, and the average demand,
        as a share of ``peak_acu``, below which Serverless v2 is cheaper:
        ``instance_hour_usd / (acu_hour_usd * peak_acu)``.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> cls, u = break_even_utilization_for_peak(pricing.load(), 9.0)
    >>> cls, round(u, 4)
    ('db.r6g.xlarge', 0.4806)
    """
    if not isinstance(price_book, PriceBook):
        raise TypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    peak = float(check_positive("peak_acu", peak_acu))
    h = float(check_nonnegative("headroom", headroom))
    cls = price_book.cheapest_instance_class(GIB_PER_ACU * peak * (1 + h),
                                             io_optimized=io_optimized)
    inst = price_book.instance_hour_usd(cls, io_optimized=io_optimized)
    return cls, inst / (price_book.acu_hour_usd(io_optimized=io_optimized) * peak)


_OPTIONS = ("serverless_standard", "serverless_io_optimized", "provisioned",
            "provisioned_reserved", "provisioned_writer_serverless_readers")


def monthly_cost(demand_acu, price_book: PriceBook, *, step_s: float = 60.0,
                 policy: ScalingPolicy | None = None, storage_gb: float = 100.0,
                 io_millions_per_month: float = 0.0, backup_gb: float = 0.0,
                 replicated_write_io_millions_per_month: float = 0.0,
                 n_secondary_regions: int = 0, n_readers: int = 0, read_share: float = 0.5,
                 headroom: float = HEADROOM, reserved_discount: float = RESERVED_DISCOUNT,
                 options=None) -> pd.DataFrame:
    """Monthly bill of one cluster under each deployment option, broken down.

    Parameters
    ----------
    demand_acu : array_like
        Cluster demand in ACU, one value per ``step_s``; scaled to a 730-hour month.
    price_book : PriceBook
    step_s : float
    policy : ScalingPolicy, optional
        Serverless v2 policy (default ``ScalingPolicy()``: 0.5-256 ACU).
    storage_gb, backup_gb : float
        Cluster storage; backup beyond the free allowance (= ``storage_gb``) is billed.
    io_millions_per_month : float
        I/O requests per month, millions (billed on Aurora Standard only).
    replicated_write_io_millions_per_month, n_secondary_regions :
        Global Database replicated write I/O, billed per secondary region (both configs).
    n_readers : int
        Readers besides the writer; with readers, the writer carries ``1 - read_share`` of
        demand and each reader ``read_share / n_readers``.
    headroom : float
        Provisioned classes are the cheapest with ``2 GiB * peak * (1 + headroom)``.
    reserved_discount : float
        Reserved-instance discount on provisioned compute, in [0, 1).
    options : sequence of str, optional
        Any of ``serverless_standard``, ``serverless_io_optimized``, ``provisioned``,
        ``provisioned_reserved``, ``provisioned_writer_serverless_readers`` (needs readers).
        Default: all that apply (the last one only when ``n_readers >= 1``).

    Returns
    -------
    pandas.DataFrame
        Index ``option``; columns ``instance_classes``, ``acu_hours``, ``compute_usd``,
        ``storage_usd``, ``io_usd``, ``backup_usd``, ``replicated_io_usd``, ``total_usd``.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> bill = monthly_cost([4.0] * 60, pricing.load(), storage_gb=0.0,
    ...                     options=["serverless_standard"])
    >>> round(float(bill.loc["serverless_standard", "compute_usd"]), 2)  # 4 x 0.12 x 730
    350.4
    """
    if not isinstance(price_book, PriceBook):
        raise TypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    demand = check_array("demand_acu", demand_acu, nonnegative=True)
    step_s = float(check_positive("step_s", step_s))
    policy = ScalingPolicy() if policy is None else policy
    if not isinstance(policy, ScalingPolicy):
        raise TypeError(f"`policy` must be a ScalingPolicy, got {type(policy).__name__}")
    storage = float(check_nonnegative("storage_gb", storage_gb))
    io = float(check_nonnegative("io_millions_per_month", io_millions_per_month))
    backup = float(check_nonnegative("backup_gb", backup_gb))
    rep = float(check_nonnegative("replicated_write_io_millions_per_month",
                                  replicated_write_io_millions_per_month))
    n_sec = check_int_range("n_secondary_regions", n_secondary_regions, 0, 5)
    n_read = check_int_range("n_readers", n_readers, 0, 15)
    share = float(check_probability("read_share", read_share))
    h = float(check_nonnegative("headroom", headroom))
    disc = float(check_range("reserved_discount", reserved_discount, 0.0, 1.0,
                             high_inclusive=False))
    if options is None:
        options = _OPTIONS if n_read else _OPTIONS[:4]
    options = [check_choice("options", o, _OPTIONS) for o in options]
    if "provisioned_writer_serverless_readers" in options and n_read == 0:
        raise ValueError("`n_readers` must be at least 1 for option "
                         "'provisioned_writer_serverless_readers', got 0")

    month = HOURS_PER_MONTH / (demand.size * step_s / 3600.0)
    roles = [("writer", demand * (1 - share) if n_read else demand, 1)]
    if n_read:
        roles.append(("reader", demand * share / n_read, n_read))
    sims = {}

    def serverless_acu_hours(role, d):
        if role not in sims:
            sims[role] = simulate_capacity(d, policy, step_s=step_s).acu_hours * month
        return sims[role]

    def provisioned(d, io_opt):
        cls = price_book.cheapest_instance_class(GIB_PER_ACU * max(float(d.max()), 0.5) * (1 + h))
        return cls, price_book.instance_hour_usd(cls, io_optimized=io_opt) * HOURS_PER_MONTH

    rows = []
    for opt in options:
        io_opt = opt == "serverless_io_optimized"
        classes, acu_h, compute = [], 0.0, 0.0
        for role, d, count in roles:
            use_serverless = opt.startswith("serverless") or (
                opt == "provisioned_writer_serverless_readers" and role == "reader")
            if use_serverless:
                ah = serverless_acu_hours(role, d) * count
                acu_h += ah
                compute += ah * price_book.acu_hour_usd(io_optimized=io_opt)
                classes.append(f"{count} x serverless")
            else:
                cls, usd = provisioned(d, False)
                if opt == "provisioned_reserved":
                    usd *= 1 - disc
                compute += usd * count
                classes.append(f"{count} x {cls}")
        rows.append(dict(
            option=opt, instance_classes=" + ".join(classes), acu_hours=acu_h,
            compute_usd=compute,
            storage_usd=storage * price_book.storage_gb_month_usd(io_optimized=io_opt),
            io_usd=0.0 if io_opt else io * price_book.io_per_million_usd,
            backup_usd=max(backup - storage, 0.0) * price_book.backup_gb_month_usd,
            replicated_io_usd=(rep * n_sec * price_book.global_write_io_per_million_usd
                               if n_sec and rep else 0.0)))
    frame = pd.DataFrame(rows).set_index("option")
    parts = ["compute_usd", "storage_usd", "io_usd", "backup_usd", "replicated_io_usd"]
    frame["total_usd"] = frame[parts].sum(axis=1)
    return frame


# ------------------------------------------------------------------------------------------
# Monte Carlo


@dataclass(frozen=True, kw_only=True)
class CostDistribution:
    """Monte Carlo distribution of monthly cost and under-provisioned time.

    Attributes
    ----------
    cost_usd, under_provisioned_s : numpy.ndarray
        One value per trial (USD per month; seconds per month).
    cost_p50, cost_p95, cost_mean, under_provisioned_p50, under_provisioned_p95 : Estimate
        Quantiles carry an order-statistic standard error (see :func:`simulate_monthly_cost`).
    """

    cost_usd: np.ndarray = field(repr=False)
    under_provisioned_s: np.ndarray = field(repr=False)
    cost_p50: Estimate
    cost_p95: Estimate
    cost_mean: Estimate
    under_provisioned_p50: Estimate
    under_provisioned_p95: Estimate

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate (value, standard error, 95 % interval)."""
        ests = [self.cost_p50, self.cost_p95, self.cost_mean, self.under_provisioned_p50,
                self.under_provisioned_p95]
        return pd.concat([e.to_frame() for e in ests], ignore_index=True)


def _quantile_estimate(x: np.ndarray, p: float, quantity: str, unit: str) -> Estimate:
    """Sample quantile with the distribution-free order-statistic standard error.

    The 95 % interval of the p-quantile is ``[x_(j), x_(k)]`` with ``j, k = n p -/+ 1.96
    sqrt(n p (1 - p))``; the standard error is its width / (2 x 1.96).
    """
    n = x.size
    xs = np.sort(x)
    half = 1.96 * math.sqrt(n * p * (1 - p))
    j = int(np.clip(math.floor(n * p - half), 0, n - 1))
    k = int(np.clip(math.ceil(n * p + half), 0, n - 1))
    se = float(xs[k] - xs[j]) / (2 * 1.96)
    return Estimate(value=float(np.quantile(x, p)), standard_error=se, n_trials=n,
                    method="monte_carlo", quantity=quantity, unit=unit,
                    bounds=(0.0, math.inf))


def simulate_monthly_cost(price_book: PriceBook, *, n_trials: int = 200,
                          policy: ScalingPolicy | None = None, option: str = "serverless_standard",
                          step_s: float = 60.0, days: float = 30.0, mean_acu: float = 4.0,
                          daily_amplitude: float = 0.5, weekly_amplitude: float = 0.2,
                          noise_cv: float = 0.2, spike_probability_per_day: float = 0.1,
                          spike_factor: float = 10.0, spike_hours: float = 1.0,
                          storage_gb: float = 100.0, io_millions_per_month: float = 0.0,
                          rng=None) -> CostDistribution:
    """Distribution of the monthly bill and under-provisioned time over stochastic demand.

    Each trial draws :func:`synthetic_demand` (its own spawned seed) with, on each day and
    independently with ``spike_probability_per_day``, one ``spike_factor`` x spike of
    ``spike_hours`` starting at a uniform time, then bills it with :func:`monthly_cost`.

    Returns
    -------
    CostDistribution
        P50 and P95 with order-statistic standard errors; the mean with ``sd / sqrt(n)``.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> dist = simulate_monthly_cost(pricing.load(), n_trials=20, days=2, rng=7)
    >>> bool(dist.cost_p95.value >= dist.cost_p50.value > 0)
    True
    """
    if not isinstance(price_book, PriceBook):
        raise TypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    n = check_int_range("n_trials", n_trials, 2, None)
    check_choice("option", option, _OPTIONS[:4])
    p_spike = float(check_probability("spike_probability_per_day", spike_probability_per_day))
    policy = ScalingPolicy() if policy is None else policy
    costs, under = np.empty(n), np.empty(n)
    for i, gen in enumerate(spawn(rng, n)):
        n_days = math.ceil(days)
        hit = gen.random(n_days) < p_spike
        starts = (np.arange(n_days) + gen.random(n_days)) * 24.0
        spikes = [(float(s), spike_hours, spike_factor) for s in starts[hit]]
        d = synthetic_demand(days=days, step_s=step_s, mean_acu=mean_acu,
                             daily_amplitude=daily_amplitude, weekly_amplitude=weekly_amplitude,
                             noise_cv=noise_cv, spikes=spikes, rng=gen)
        bill = monthly_cost(d, price_book, step_s=step_s, policy=policy, storage_gb=storage_gb,
                            io_millions_per_month=io_millions_per_month, options=[option])
        costs[i] = bill["total_usd"].iloc[0]
        if option.startswith("serverless"):
            r = simulate_capacity(d, policy, step_s=step_s)
            under[i] = r.under_provisioned_s * HOURS_PER_MONTH / r.hours
        else:
            under[i] = 0.0
    unit = "USD/month"
    mean = Estimate(value=float(costs.mean()), standard_error=float(costs.std(ddof=1) / math.sqrt(n)),
                    n_trials=n, method="monte_carlo", quantity=f"mean monthly cost ({option})",
                    unit=unit, bounds=(0.0, math.inf))
    return CostDistribution(
        cost_usd=costs, under_provisioned_s=under,
        cost_p50=_quantile_estimate(costs, 0.5, f"P50 monthly cost ({option})", unit),
        cost_p95=_quantile_estimate(costs, 0.95, f"P95 monthly cost ({option})", unit),
        cost_mean=mean,
        under_provisioned_p50=_quantile_estimate(under, 0.5, "P50 under-provisioned time",
                                                 "s/month"),
        under_provisioned_p95=_quantile_estimate(under, 0.95, "P95 under-provisioned time",
                                                 "s/month"))
