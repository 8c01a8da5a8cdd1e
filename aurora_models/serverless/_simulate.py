"""The vectorized Serverless v2 capacity simulator and the v1-style loop."""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np

from .._validate import (
    check_array,
    check_positive,
)
from ..exceptions import ParameterTypeError
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
    """A delay in whole steps, rounded to the nearest (the state-dependent delay's resolution,
    and the step series :func:`simulate_capacity` reports)."""
    return math.floor(seconds / step_s + 0.5)


def _split_delay(seconds: float, step_s: float) -> tuple[int, float]:
    """A delay as ``(k0, f)``: ``k0`` whole steps and a fraction ``0 <= f < 1`` of a step
    (a fraction within 1e-9 of a whole step is that whole step)."""
    x = seconds / step_s
    k0 = math.floor(x + 0.5)
    if abs(x - k0) <= 1e-9:
        return k0, 0.0
    k0 = math.floor(x)
    return k0, x - k0


def _demand_array(values) -> np.ndarray:
    """``check_array("demand_acu", values, nonnegative=True)`` with a one-reduction fast path
    for a float64 vector: NaN and negatives fail ``min >= 0``; ``+inf`` makes the shortfall sum
    infinite, which :func:`simulate_capacity` checks afterwards (:func:`_reject_inf`)."""
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1 \
            and values.size and values.min() >= 0.0:
        return values
    return check_array("demand_acu", values, nonnegative=True)


def _reject_inf(demand: np.ndarray, short_sum: float) -> None:
    if not math.isfinite(short_sum):  # only an infinite demand makes the shortfall infinite
        check_array("demand_acu", demand, nonnegative=True)
        raise AssertionError("unreachable: check_array rejects infinite demand")


def _forced_zero(demand: np.ndarray, policy: ScalingPolicy, step_s: float):
    """Runs of steps forced to 0 ACU (paused, then resuming), merged and sorted.

    Returns ``(starts, ends, n_pauses, paused_steps)``; the pause mask is never materialised:
    the kernel iterates over the live runs between these intervals.
    """
    n = demand.size
    empty = np.zeros(0, dtype=np.int64)
    if not policy.auto_pause:
        return empty, empty, 0, 0
    idle = demand <= 0.0
    change = np.flatnonzero(idle[1:] != idle[:-1]) + 1
    bounds = np.concatenate((np.zeros(int(idle[0]), dtype=np.intp), change,
                             np.full(int(idle[-1]), n, dtype=np.intp)))
    starts, ends = bounds[0::2], bounds[1::2]  # idle runs [start, end)
    p = starts + _steps(policy.seconds_until_auto_pause, step_s)
    ok = p < ends
    p, b = p[ok], ends[ok]
    if p.size == 0:
        return empty, empty, 0, 0
    deep = (b - p) * step_s > policy.deep_sleep_after_s
    nr = np.where(deep, _steps(policy.resume_after_deep_sleep_s, step_s),
                  _steps(policy.resume_s, step_s))
    r_end = np.minimum(b + nr, n)
    # a resume delay longer than the next idle timeout can overlap the next pause: merge
    hi = np.maximum.accumulate(r_end)
    new = np.r_[True, p[1:] > hi[:-1]]
    last = np.r_[np.flatnonzero(new)[1:] - 1, p.size - 1]
    return p[new], hi[last], int(p.size), int((b - p).sum())


def _live_runs(n: int, z_starts: np.ndarray, z_ends: np.ndarray) -> list[tuple[int, int]]:
    """Complement of the forced-zero runs in ``[0, n)`` (non-empty runs only)."""
    if not z_starts.size:
        return [(0, n)] if n else []
    bounds = np.r_[0, np.ravel(np.column_stack((z_starts, z_ends))), n].tolist()
    return [(a, b) for a, b in zip(bounds[0::2], bounds[1::2], strict=True) if b > a]


def _arrivals(target: np.ndarray, k, floor: float) -> np.ndarray:
    """Upward target seen at each step: sample ``s`` arrives at step ``s + k_s``.

    Steps before the first sample's arrival hold ``target[0]`` (the instance starts sized for
    the first sample); steps that no sample reaches hold ``floor``.
    """
    n = target.size
    a = np.full(n, floor, dtype=float)
    a[: min(int(k[0]), n)] = target[0]
    for kv in np.unique(k).tolist():
        if kv >= n:
            continue
        src = np.where(k[: n - kv] == kv, target[: n - kv], floor)
        np.maximum(a[kv:], src, out=a[kv:])
    return a


_INT32_MAX = 2**31 - 1


def _kernel(demand: np.ndarray, runs, policy: ScalingPolicy, step_s: float, *, k: int = 0,
            arrived: np.ndarray | None = None, keep: bool = True, work: bool = False,
            compiled: bool = False, later: list | None = None):
    """``c_t = max(a_t, decay(c_{t-1}))`` over each live run (restarting at its start).

    The upward target ``a_t`` is the delayed demand ``clip(ceil(2 d_{t-k} - tol), f, top)``
    (half-ACU units, computed block by block), or the given ``arrived`` units. Returns the
    capacity in ACU (0 outside the runs; None unless ``keep``), the metered half-ACU-steps, and
    the number and sum (ACU x steps) of under-provisioned steps inside the runs. ``compiled``:
    the numba loop where it applies, which also appends to ``later`` the shortfall count and
    sum of the series one step later (see :func:`_shifted`).

    Additive decay runs in int32 units of 1/1000 half-ACU: per block, the running maximum of
    ``1000 a_s + r s`` minus ``r t`` is the capacity, ``ceil(c / 1000)`` an integer division;
    every intermediate is an exact integer (the block size keeps it below 2**31).
    Proportional decay is the same in log space (float64).
    """
    n = demand.size
    if not keep:
        out = None
    elif work:  # a work array (see simulate_capacity's ``work_arrays``)
        out = _scratch("capacity", n, np.float64)
        if runs != [(0, n)]:  # steps outside the live runs hold 0
            out.fill(0.0)
    else:
        out = np.zeros(n)
    floor = max(1, round(2 * policy.min_acu))
    top = round(2 * policy.max_acu)
    lo, hi = float(floor), float(top)  # float bounds: np.clip with ints is 3x slower
    additive = policy.scale_down == "additive"
    r: float  # thousandths of a half-ACU per step (additive), or a log decay (proportional)
    if additive:
        r = max(round(policy.scale_down_acu_per_s * 2 * step_s * 1000), 1)
        # a decay of (top - floor) half-ACU per step already drops any capacity to the target
        # in one step, so a larger r gives the same series; capping it keeps int32 exact
        r = min(r, max((top - floor) * 1000, 1))
        block = min(_BLOCK, (_INT32_MAX - 1000 * top - 1000) // r)
        rt = np.multiply(_scratch("arange", block, np.int32, _arange), np.int32(r),
                         out=_scratch("rt", block, np.int32))
        # ceil(c / 1000) = (c + 999) // 1000 for c >= 0
        up = np.subtract(999, rt, out=_scratch("up", block, np.int32))
        ibuf = _scratch("i", block, np.int32)
    else:
        r = math.log1p(-policy.scale_down_fraction_per_s) * step_s  # log decay per step (< 0)
        block = _BLOCK
        rt = np.arange(block, dtype=float) * r
    if compiled and additive and arrived is None and runs == [(0, n)]:
        from ._compiled import additive_run  # light: numba loads only for the compiled path

        if additive_run is not None:  # one pass instead of a dozen (see _compiled)
            o = out if out is not None else _scratch("o_run", n, np.float64)
            units, n_short, short_sum, n_later, sum_later = additive_run(
                demand, k, floor, top, r, _TOL, o)
            if later is not None:
                later += [n_later, sum_later]
            return out, units, n_short, short_sum
    fbuf = _scratch("f", block, np.float64)
    obuf = None if keep else _scratch("o", block, np.float64)
    lt = _scratch("lt", block, np.bool_)
    d0 = demand[0]
    units_sum, n_short, short_sum = 0.0, 0, 0.0
    for s0, e0 in runs:
        carry: float | None = None  # capacity at the previous step, in working units
        for i in range(s0, e0, block):
            j = min(i + block, e0)
            m = j - i
            x = fbuf[:m]
            if arrived is not None:
                x[:] = arrived[i:j]
            else:
                if i >= k:
                    np.multiply(demand[i - k:j - k], 2.0, out=x)
                else:  # the instance starts sized for the first sample
                    h = min(k - i, m)
                    x[:h] = 2.0 * d0
                    np.multiply(demand[: m - h], 2.0, out=x[h:])
                x -= _TOL
                np.ceil(x, out=x)
                np.clip(x, lo, hi, out=x)
            o = out[i:j] if out is not None else obuf[:m]  # type: ignore[index]  # obuf: set when out is not
            if additive:
                y = ibuf[:m]
                np.multiply(x, 1000.0, out=y, casting="unsafe")  # exact: integer-valued
                y += rt[:m]
                if carry is not None and carry - r > y[0]:
                    y[0] = carry - r
                np.maximum.accumulate(y, out=y)
                carry = int(y[-1]) - int(rt[m - 1])
                y += up[:m]
                np.floor_divide(y, 1000, out=y)
                np.multiply(y, 0.5, out=o)
            else:
                np.log(x, out=x)
                x -= rt[:m]
                if carry is not None and carry + r > x[0]:
                    x[0] = carry + r
                np.maximum.accumulate(x, out=x)
                x += rt[:m]
                carry = float(x[-1])
                np.exp(x, out=x)
                x -= 1e-6
                np.ceil(x, out=x)
                np.multiply(x, 0.5, out=o)
            units_sum += float(o.sum())
            # shortfall only where capacity < demand (one comparison finds them)
            dem = demand[i:j]
            np.less(o, dem, out=lt[:m])
            if lt[:m].any():
                idx = np.flatnonzero(lt[:m])
                gap = dem[idx] - o[idx]
                gap = gap[gap > _TOL]
                n_short += gap.size
                short_sum += float(gap.sum())
    return out, 2.0 * units_sum, n_short, short_sum


def _shifted(cap: np.ndarray, demand: np.ndarray, units: float, keep: bool,
             work: bool = False, known=None):
    """The kernel's outputs for the series one step later than ``cap`` (whose metered
    half-ACU-steps are ``units``): ``cap[0], cap[0], cap[1], ..., cap[n-2]`` (the series
    itself only if ``keep``; in a work array if ``work``); ``known``: its shortfall count
    and sum, already counted by the compiled kernel."""
    n = cap.size
    later_units = units + 2.0 * (float(cap[0]) - float(cap[-1]))
    if known is not None:
        later = None
        if keep:
            later = _scratch("capacity_later", n, np.float64) if work else np.empty(n)
            later[0] = cap[0]
            later[1:] = cap[:-1]
        return later, later_units, int(known[0]), float(known[1])
    gap = _scratch("gap", n, np.float64)
    gap[0] = demand[0] - cap[0]
    np.subtract(demand[1:], cap[:-1], out=gap[1:])
    short = _scratch("short", n, np.bool_)
    np.greater(gap, _TOL, out=short)
    later = None
    if keep:
        later = _scratch("capacity_later", n, np.float64) if work else np.empty(n)
        later[0] = cap[0]
        later[1:] = cap[:-1]
    np.multiply(gap, short, out=gap)  # the under-provisioned steps' gaps, zero elsewhere
    return later, later_units, int(np.count_nonzero(short)), float(gap.sum())


#: Per-thread work arrays of the kernels, reused across calls: a fresh array of a few hundred
#: KiB costs a page fault per 4 KiB on first touch, as much as the arithmetic on it.
_SCRATCH = threading.local()


def _arange(a: np.ndarray) -> None:
    a[:] = np.arange(a.size, dtype=a.dtype)


def _scratch(slot: str, n: int, dtype, fill=None) -> np.ndarray:
    """A work array of ``n`` elements for ``slot`` (this thread's, reused; ``fill(array)``
    initialises a new one, whose contents then persist)."""
    pool = _SCRATCH.__dict__.setdefault("pool", {})
    a = pool.get(slot)
    if a is None or a.size < n or a.dtype != dtype:
        a = pool[slot] = np.empty(max(n, 1), dtype=dtype)
        if fill is not None:
            fill(a)
    return a[:n]


def _delay_steps(cap_acu: np.ndarray, policy: ScalingPolicy, step_s: float) -> np.ndarray:
    c = np.maximum(cap_acu, 0.5)
    extra = policy.extra_delay_s_per_halving * np.maximum(
        0.0, np.log2(policy.delay_reference_acu / c))
    return np.floor((policy.scale_up_delay_s + extra) / step_s + 0.5).astype(np.int64)


def _sequential_capacity(demand: np.ndarray, z_starts, z_ends, policy: ScalingPolicy,
                         step_s: float):
    """Capacity-dependent delay, exactly, one step at a time (the fallback of the fixed point).

    Sample ``t`` reaches the scaler at ``t + delay(c_t)`` and capacity follows the same decay
    rule as the vectorized kernel. Used when the fixed-point passes stop converging quickly
    (adversarial series gain only a few steps a pass); costs about a microsecond a step.
    Returns capacity in ACU, the sum of half-ACU units, and the shortfall count and sum on
    live steps.
    """
    n = demand.size
    floor = max(1, round(2 * policy.min_acu))
    top = round(2 * policy.max_acu)
    target = np.clip(np.ceil(2.0 * demand - _TOL), floor, top).astype(np.int64).tolist()
    forced = np.zeros(n, dtype=bool)
    for a, b in zip(z_starts.tolist(), z_ends.tolist(), strict=True):
        forced[a:b] = True
    forced_at = forced.tolist()
    # delay in steps for every capacity a step can have (0 .. top half-ACU units)
    caps = np.arange(top + 1) / 2.0
    delay = np.maximum(_delay_steps(caps, policy, step_s), 1).tolist()
    additive = policy.scale_down == "additive"
    r = max(round(policy.scale_down_acu_per_s * 2 * step_s * 1000), 1)
    q = math.exp(math.log1p(-policy.scale_down_fraction_per_s) * step_s)
    seen = [floor] * n
    for t in range(min(delay[target[0]], n)):
        seen[t] = target[0]
    units = [0] * n
    c: Any = None  # the capacity: an int (additive, thousandths of a unit), a float, or unset
    x: float
    for t in range(n):
        if forced_at[t]:
            u, c = 0, None
        elif additive:
            x = seen[t] * 1000
            c = x if c is None or x > c - r else c - r
            u = -(-c // 1000)
        else:
            x = float(seen[t])
            c = x if c is None or x > c * q else c * q
            u = math.ceil(c - 1e-6)
        units[t] = u
        j = t + delay[u]
        if j < n and target[t] > seen[j]:
            seen[j] = target[t]
    u_arr = np.asarray(units, dtype=float)
    live = ~np.asarray(forced)
    gap = demand[live] - u_arr[live] / 2.0
    gap = gap[gap > _TOL]
    return u_arr / 2.0, float(u_arr.sum()), int(gap.size), float(gap.sum())


def simulate_capacity(demand_acu, policy: ScalingPolicy, *, step_s: float = 1.0,
                      work_arrays: bool = False, compiled: bool = False) -> CapacityResult:
    """Serverless v2 capacity for a demand series.

    Parameters
    ----------
    demand_acu : array_like
        ACU needed at each step (finite, >= 0).
    policy : ScalingPolicy
    step_s : float
        Seconds per sample (1 s is AWS's metering; coarser steps are fine for cost).
    work_arrays : bool
        Return the capacity series in this thread's work array, valid until the next call
        (an analysis reads the totals and the peak at once: a fresh array per call costs a
        page fault per 4 KiB). Default False: a new array.
    compiled : bool
        Run the recursion compiled with numba where it applies (additive scale-down, no
        auto-pause; :mod:`~aurora_models.serverless._compiled`): for analyses, which run it
        thousands of times in one process; a single call does not repay loading it. The
        results equal the numpy kernel's (the shortfall sum to rounding). Default False.

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
    ``f = max(1, 2 min_acu)``. With a delay of ``k`` whole steps the upward target seen at step
    ``t`` is ``a_t = u_{t-k}`` (``u_0`` before the first sample arrives: the instance starts
    sized for it). Capacity follows

        c_t = max(a_t, c_{t-1} - r)    (additive, r = 2 * scale_down_acu_per_s * step_s)

    whose solution is the running maximum ``c_t = max_{s<=t}(a_s + r s) - r t``, computed
    block by block in int32 arithmetic (``r`` to 1/1000 half-ACU; exact), then rounded up to a
    half-ACU. Proportional
    decay ``c_t = max(a_t, q c_{t-1})`` is the same in log space. With ``min_acu = 0``, a run
    of zero demand longer than the idle timeout pauses the instance (0 ACU); when demand
    returns, capacity stays 0 for the resume delay and then restarts from the target.

    Resolution: the demand is constant within a step. A constant reaction delay (the default,
    ``extra_delay_s_per_halving = 0``) is resolved exactly within a step: for a delay of
    ``k0 + f`` steps (``0 <= f < 1``) the dynamics are time-invariant, so on continuous time the
    capacity is the zero-delay series shifted by ``(k0 + f) * step_s``: within step ``t`` it is
    the ``(k0 + 1)``-step series' ``c'_t`` for the first ``f * step_s`` and the ``k0``-step
    series' ``c_t`` for the rest. The kernel runs at both whole delays (when ``f > 0``) and
    ``acu_hours``, ``under_provisioned_s`` and ``under_provisioned_acu_s`` are
    ``f x (k0 + 1)-step total + (1 - f) x k0-step total``: continuous and piecewise linear in
    the delay, equal to the whole-step result at a whole number of steps (so a 5 s delay at
    10 s steps counts half a step of shortfall per scale-up). Each of the two series is metered
    in half-ACUs. ``capacity_acu`` is the series of the nearest whole delay
    (``round(scale_up_delay_s / step_s)``), so its sum differs from ``acu_hours`` by up to half a
    step's jump per scale-up (outside resumes, the k0-step series is the capacity from
    ``f * step_s`` into each step to the same point of the next). At a resume from pause each
    series restarts from its own delayed target at the first live step; where the sample the
    (k0 + 1)-step series restarts from exceeds the next by more than a step's scale-down, that
    series carries its decay into the following steps while the k0-step series does not, and
    the totals are there the linear interpolation of the two whole-step results rather than an
    exact time shift (exact again with a scale-down that sheds any drop within one step). The
    tests check the 10 s totals against a 0.5 s simulation of the same demand.

    The idle timeout and the resume delay are rounded up to whole steps (a resume overstated
    by up to one step). A shortfall counts where ``demand - capacity > 1e-9`` ACU (below that it
    is rounding).

    With ``extra_delay_s_per_halving > 0`` the delay of the sample at step ``s`` depends on the
    capacity ``c_s`` when it is observed; it is rounded to the nearest whole step, at least one
    (not resolved within a step: use a step at or below the delay). Since ``c_s`` depends only
    on earlier samples, the vectorized pass is repeated with the delays of the previous pass
    until nothing changes (a few passes; each as fast as the whole-step constant-delay case).
    Should a series converge slowly (each pass fixing only a few steps), the result is finished
    by an exact step-by-step pass instead, about a microsecond a step.

    Examples
    --------
    >>> demand = [0.5] * 10 + [64.0] * 20 + [0.5] * 700
    >>> r = simulate_capacity(demand, ScalingPolicy(min_acu=0.5, max_acu=64))
    >>> r.capacity_acu[[9, 14, 15, 35, 40]].tolist()
    [0.5, 0.5, 64.0, 64.0, 63.5]
    >>> round(r.under_provisioned_s), round(r.acu_hours, 3)
    (5, 6.081)

    At 10 s steps the same 5 s delay is half a step, and the totals agree:

    >>> coarse = [0.5] + [64.0] * 2 + [0.5] * 70
    >>> r10 = simulate_capacity(coarse, ScalingPolicy(min_acu=0.5, max_acu=64), step_s=10)
    >>> round(r10.under_provisioned_s, 6), round(r10.under_provisioned_acu_s, 6)
    (5.0, 317.5)
    """
    if not isinstance(policy, ScalingPolicy):
        raise ParameterTypeError(f"`policy` must be a ScalingPolicy, got {type(policy).__name__}")
    step_s = float(check_positive("step_s", step_s))
    demand = _demand_array(demand_acu)
    z_starts, z_ends, n_pauses, paused = _forced_zero(demand, policy, step_s)
    n = demand.size
    runs = _live_runs(n, z_starts, z_ends)
    # forced-zero steps: all of their demand is unserved
    z_short, z_sum = 0, 0.0
    for a, b in zip(z_starts.tolist(), z_ends.tolist(), strict=True):
        dz = demand[a:b]
        dz = dz[dz > _TOL]
        z_short, z_sum = z_short + dz.size, z_sum + float(dz.sum())
    if policy.extra_delay_s_per_halving == 0:
        # constant delay of k0 + f steps: within step t capacity is the (k0 + 1)-step series'
        # for the first f of the step and the k0-step series' after (time-invariant dynamics),
        # so the totals mix the two series' totals; capacity_acu is the nearest one's.
        k0, f = _split_delay(policy.scale_up_delay_s, step_s)
        near = _delay(policy.scale_up_delay_s, step_s)
        # one live run from the first step and k0 + 1 < n: the (k0 + 1)-step series is the
        # k0-step series one step later (both start sized for the first sample), so it is
        # read off the first instead of simulated again; additive decay only, whose integer
        # arithmetic makes the two identical (the proportional kernel's float rounding
        # depends on the position within a block)
        shift = (f > 0.0 and runs == [(0, n)] and k0 + 1 < n
                 and policy.scale_down == "additive")
        known: list = []  # the next step's shortfall, where the compiled loop counts it
        cap, units_sum, n_short, short_sum = _kernel(
            demand, runs, policy, step_s, k=min(k0, n),
            keep=f == 0.0 or near == k0 or shift, work=work_arrays, compiled=compiled,
            later=known)
        if f > 0.0:
            if shift:
                cap1, units1, n1, sum1 = _shifted(cap, demand, units_sum, keep=near != k0,
                                                  work=work_arrays, known=known or None)
            else:
                cap1, units1, n1, sum1 = _kernel(demand, runs, policy, step_s,
                                                 k=min(k0 + 1, n), keep=near != k0,
                                                 compiled=compiled)
            if near != k0:
                cap = cap1
            # a + f (b - a): exactly a (or b) where the two series agree
            units_sum += f * (units1 - units_sum)
            n_short += f * (n1 - n_short)
            short_sum += f * (sum1 - short_sum)
    else:
        # state-dependent delay, in whole steps: iterate to the fixed point (causal, so it is
        # reached)
        cap, units_sum, n_short, short_sum = _kernel(
            demand, runs, policy, step_s, k=min(_delay(policy.scale_up_delay_s, step_s), n))
        floor = max(1, round(2 * policy.min_acu))
        target = np.clip(np.ceil(2.0 * demand - _TOL), floor, round(2 * policy.max_acu))
        for _ in range(_MAX_PASSES):
            ks = np.maximum(_delay_steps(cap, policy, step_s), 1)
            new, units_sum, n_short, short_sum = _kernel(
                demand, runs, policy, step_s, arrived=_arrivals(target, ks, floor))
            if np.array_equal(new, cap):
                break
            cap = new
        else:
            # Slow convergence (each pass fixes only a few more steps): finish exactly, in order.
            cap, units_sum, n_short, short_sum = _sequential_capacity(
                demand, z_starts, z_ends, policy, step_s)
    n_short += z_short
    short_sum += z_sum
    _reject_inf(demand, short_sum)
    return CapacityResult(
        capacity_acu=cap, demand_acu=demand, step_s=step_s, acu_hours=units_sum * step_s / 7200.0,
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
        raise ParameterTypeError(f"`policy` must be a V1ScalingPolicy, got {type(policy).__name__}")
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
