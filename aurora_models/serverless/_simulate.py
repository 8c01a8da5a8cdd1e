"""The vectorized Serverless v2 capacity simulator and the v1-style loop."""

from __future__ import annotations

import math

import numpy as np

from .._validate import (
    check_array,
    check_positive,
)
from ..exceptions import ConvergenceError
from ._defaults import (
    _BLOCK,
    _MAX_PASSES,
    _TOL,
)
from ._policy import CapacityResult, ScalingPolicy, V1ScalingPolicy, _finish

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
