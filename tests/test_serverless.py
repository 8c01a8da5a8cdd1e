"""Tests of the Serverless v2 capacity simulator, demand helpers, cost curves and Monte Carlo."""

from __future__ import annotations

import dataclasses
import math
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import pricing, serverless
from aurora_models.data import dataset_path, load_trace
from aurora_models.serverless import ScalingPolicy, V1ScalingPolicy, simulate_capacity


@pytest.fixture(scope="module")
def pb():
    return pricing.load("us-east-1")


# -- plain per-step reference (the model's definition, written as a loop) -----------------


def reference_capacity(demand, policy, step_s=1.0, k=None):
    """Half-ACU units per step, number of pauses, paused steps: one step at a time (a constant
    delay of ``k`` whole steps, by default the delay rounded to the nearest step)."""
    n = len(demand)
    floor = max(1, round(2 * policy.min_acu))
    top = round(2 * policy.max_acu)
    target = [min(max(math.ceil(2 * x - 1e-9), floor), top) for x in demand]

    zero = [False] * n
    n_pauses = paused_steps = 0
    if policy.min_acu == 0:
        n_idle = math.ceil(policy.seconds_until_auto_pause / step_s - 1e-9)
        run, paused, pause_len, resume_until = 0, False, 0, 0
        for t in range(n):
            if demand[t] <= 0:
                run += 1
                if run > n_idle:
                    if not paused:
                        paused, pause_len, n_pauses = True, 0, n_pauses + 1
                    pause_len += 1
                    paused_steps += 1
            else:
                run = 0
                if paused:
                    paused = False
                    wait = (policy.resume_after_deep_sleep_s
                            if pause_len * step_s > policy.deep_sleep_after_s else policy.resume_s)
                    resume_until = t + math.ceil(wait / step_s - 1e-9)
            zero[t] = paused or t < resume_until

    def run_caps(arrived):
        out, c = [], None
        if policy.scale_down == "additive":
            r = max(round(policy.scale_down_acu_per_s * 2 * step_s * 1000), 1)
        else:
            q = math.exp(math.log1p(-policy.scale_down_fraction_per_s) * step_s)
        for t in range(n):
            if zero[t]:
                out.append(0)
                c = None
                continue
            if policy.scale_down == "additive":
                x = arrived[t] * 1000
                c = x if c is None else max(x, c - r)
                out.append(math.ceil(c / 1000))
            else:
                x = float(arrived[t])
                c = x if c is None else max(x, c * q)
                out.append(math.ceil(c - 1e-6))
        return out

    if k is None:
        k = math.floor(policy.scale_up_delay_s / step_s + 0.5)
    if policy.extra_delay_s_per_halving == 0:
        return np.array(run_caps([target[max(t - k, 0)] for t in range(n)])), n_pauses, \
            paused_steps

    def delay(u):  # steps, from the capacity (half-ACU units) when the sample is observed
        c = max(u, 1) / 2
        extra = policy.extra_delay_s_per_halving * max(0.0, math.log2(
            policy.delay_reference_acu / c))
        return max(1, math.floor((policy.scale_up_delay_s + extra) / step_s + 0.5))

    # state-dependent delay, one step at a time: sample t arrives at t + delay(c_t)
    arrived = [floor] * n
    for t in range(min(delay(target[0]), n)):
        arrived[t] = target[0]
    r = max(round(policy.scale_down_acu_per_s * 2 * step_s * 1000), 1)
    q = math.exp(math.log1p(-policy.scale_down_fraction_per_s) * step_s)
    units, c = [], None
    for t in range(n):
        if zero[t]:
            u, c = 0, None
        elif policy.scale_down == "additive":
            x = arrived[t] * 1000
            c = x if c is None else max(x, c - r)
            u = math.ceil(c / 1000)
        else:
            c = float(arrived[t]) if c is None else max(float(arrived[t]), c * q)
            u = math.ceil(c - 1e-6)
        units.append(u)
        j = t + delay(u)
        if j < n:
            arrived[j] = max(arrived[j], target[t])
    return np.array(units), n_pauses, paused_steps


def _totals(demand, units, step_s):
    """ACU-hours, under-provisioned seconds and ACU-seconds of a half-ACU series."""
    short = np.asarray(demand) - units / 2
    short = short[short > 1e-9]  # shortfalls below 1e-9 ACU are rounding, not under-provisioning
    return np.array([units.sum() * step_s / 7200, short.size * step_s, short.sum() * step_s])


def _check_against_reference(demand, policy, step_s):
    got = simulate_capacity(demand, policy, step_s=step_s)
    units, n_pauses, paused = reference_capacity(list(demand), policy, step_s)
    np.testing.assert_array_equal(got.capacity_acu * 2, units)
    assert got.n_pauses == n_pauses and got.paused_s == paused * step_s
    want = _totals(demand, units, step_s)
    x = policy.scale_up_delay_s / step_s
    k0 = math.floor(x)
    if policy.extra_delay_s_per_halving == 0 and x > k0:
        # a constant delay of k0 + f steps: the time-weighted mixture of the two whole delays
        lo, hi = (_totals(demand, reference_capacity(list(demand), policy, step_s, k=k)[0],
                          step_s) for k in (k0, k0 + 1))
        want = (1 - (x - k0)) * lo + (x - k0) * hi
    assert got.acu_hours == pytest.approx(want[0], rel=1e-12)
    assert got.under_provisioned_s == pytest.approx(want[1], rel=1e-12, abs=1e-9)
    assert got.under_provisioned_acu_s == pytest.approx(want[2], rel=1e-12, abs=1e-9)
    return got


demand_values = st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0, 3.3, 8.0, 20.0, 64.0, 300.0])


@st.composite
def demand_series(draw):
    # piecewise-constant runs, so pauses, jumps and tails all occur
    runs = draw(st.lists(st.tuples(demand_values, st.integers(1, 400)), min_size=1, max_size=12))
    return np.concatenate([np.full(k, v) for v, k in runs])


policies = st.builds(
    ScalingPolicy,
    min_acu=st.sampled_from([0.0, 0.5, 1.0, 2.5]),
    max_acu=st.sampled_from([4.0, 16.0, 64.0, 256.0]),
    scale_up_delay_s=st.sampled_from([0.0, 1.0, 5.0, 12.5]),
    scale_down=st.sampled_from(["additive", "proportional"]),
    scale_down_acu_per_s=st.sampled_from([0.05, 0.1, 0.37, 2.0]),
    scale_down_fraction_per_s=st.sampled_from([0.003, 0.02, 0.2]),
    extra_delay_s_per_halving=st.sampled_from([0.0, 0.0, 2.0]),
    resume_s=st.sampled_from([15.0, 40.0, 900.0]),  # 900 s: resume overlaps the next pause
    deep_sleep_after_s=st.sampled_from([600.0, 86_400.0]),
)


@settings(max_examples=120, deadline=None)
@given(demand=demand_series(), policy=policies, step_s=st.sampled_from([1.0, 2.0, 7.0]))
def test_vectorized_equals_reference(demand, policy, step_s):
    r = _check_against_reference(demand, policy, step_s)
    cap = r.capacity_acu
    live = cap > 0
    # capacity is a multiple of 0.5 within [max(min, 0.5), max] whenever not paused
    assert np.all(cap * 2 == np.round(cap * 2))
    assert np.all(cap[live] >= max(policy.min_acu, 0.5)) and np.all(cap <= policy.max_acu)
    if not policy.auto_pause:
        assert live.all() and r.n_pauses == 0


def test_reference_agrees_on_a_long_noisy_day():
    d = serverless.synthetic_demand(days=0.25, step_s=1.0, mean_acu=6, noise_cv=0.5,
                                    spikes=[(2, 0.5, 10)], rng=3)
    d[3000:3900] = 0.0
    for policy in (ScalingPolicy(min_acu=0, max_acu=128),
                   ScalingPolicy(min_acu=0.5, max_acu=64, scale_down="proportional"),
                   ScalingPolicy(min_acu=1, max_acu=32, extra_delay_s_per_halving=3)):
        _check_against_reference(d, policy, 1.0)


def test_reference_agrees_with_instant_scale_down():
    # a decay rate above (max - floor) per step is capped inside the int32 kernel: same series
    rng = np.random.default_rng(4)
    d = np.repeat(rng.choice([0.0, 0.5, 3.3, 20.0, 300.0], size=300), rng.integers(1, 30, 300))
    for rate, step_s in [(5000.0, 7.0), (1000.0, 3600.0), (60.0, 1.0)]:
        for min_acu in (0.0, 0.5):
            _check_against_reference(d, ScalingPolicy(min_acu=min_acu, max_acu=256,
                                                      scale_down_acu_per_s=rate), step_s)


def test_capacity_dependent_delay_converges_with_fast_scale_down():
    # The fixed point gains only a few steps a pass here (capacity falls to the floor between
    # arrivals); the exact sequential pass finishes it, and it must agree with the reference.
    d = np.r_[3.3, 8.0, np.full(400, 3.3)]
    policy = ScalingPolicy(min_acu=0, max_acu=16, scale_up_delay_s=0, scale_down_acu_per_s=5000,
                           extra_delay_s_per_halving=2.0)
    _check_against_reference(d, policy, 1.0)


def test_step_0p5_to_64_shows_delay_and_tail():
    demand = np.r_[np.full(60, 0.5), np.full(600, 64.0), np.full(1200, 0.5)]
    r = simulate_capacity(demand, ScalingPolicy(min_acu=0.5, max_acu=64))
    cap = r.capacity_acu
    # reaction delay: 5 s (assumption) at 0.5 ACU, then the full 64 ACU
    assert np.all(cap[60:65] == 0.5) and cap[65] == 64.0
    assert r.under_provisioned_s == 5.0
    assert r.under_provisioned_acu_s == pytest.approx(5 * 63.5)
    # scale-down tail: holds 64 for the delay, then loses 0.1 ACU/s (not ceil(2 d) / 2)
    drop = 660
    assert np.all(cap[drop:drop + 6] == 64.0)
    tail = cap[drop + 5:]
    assert np.all(np.diff(tail) <= 0)
    first_floor = drop + 5 + int(np.argmax(tail == 0.5))
    assert first_floor - drop == pytest.approx(5 + 63.5 / 0.1, abs=1)
    assert cap[drop + 305] == pytest.approx(64 - 0.1 * 300, abs=0.5)
    naive = np.ceil(2 * demand) / 2
    assert r.acu_hours > naive.sum() / 3600 + 60 * 0.5 * 63.5 / 3600 * 0.9


def test_proportional_tail_is_exponential():
    demand = np.r_[np.full(10, 64.0), np.full(2000, 0.5)]
    p = ScalingPolicy(min_acu=0.5, max_acu=64, scale_down="proportional",
                      scale_down_fraction_per_s=0.01, scale_up_delay_s=0)
    cap = simulate_capacity(demand, p).capacity_acu
    expected = 64 * 0.99 ** 100
    assert cap[110] == math.ceil(2 * expected) / 2


def test_capacity_dependent_delay_is_longer_from_small_capacity():
    base = ScalingPolicy(min_acu=0.5, max_acu=64)
    slow = ScalingPolicy(min_acu=0.5, max_acu=64, extra_delay_s_per_halving=2.0,
                         delay_reference_acu=8.0)
    d = np.r_[np.full(50, 0.5), np.full(100, 32.0)]
    k_base = int(np.argmax(simulate_capacity(d, base).capacity_acu == 32)) - 50
    k_slow = int(np.argmax(simulate_capacity(d, slow).capacity_acu == 32)) - 50
    assert k_base == 5 and k_slow == 5 + 8  # 0.5 ACU is 4 halvings below 8 ACU: +8 s
    d_big = np.r_[np.full(50, 16.0), np.full(100, 32.0)]
    k_big = int(np.argmax(simulate_capacity(d_big, slow).capacity_acu == 32)) - 50
    assert k_big == 5


def test_auto_pause_and_resume():
    p = ScalingPolicy(min_acu=0, max_acu=16)
    d = np.r_[np.full(100, 2.0), np.zeros(1000), np.full(100, 2.0)]
    r = simulate_capacity(d, p)
    cap = r.capacity_acu
    assert r.n_pauses == 1 and r.paused_s == 700
    assert cap[399] > 0 and cap[400] == 0  # paused after 300 s idle
    assert np.all(cap[1100:1115] == 0) and cap[1115] == 2.0  # 15 s resume
    assert r.under_provisioned_s >= 15
    # deep sleep: paused for more than 24 h -> 30 s resume (10 s steps)
    d2 = np.r_[np.full(10, 1.0), np.zeros(9000), np.full(20, 1.0)]
    cap2 = simulate_capacity(d2, p, step_s=10).capacity_acu
    assert np.all(cap2[9010:9013] == 0) and cap2[9013] == 1.0
    # a minimum of 0.5 never pauses
    assert simulate_capacity(d, ScalingPolicy(min_acu=0.5, max_acu=16)).n_pauses == 0


def test_delay_is_resolved_within_a_step():
    d = np.r_[np.full(5, 1.0), np.full(20, 8.0)]
    p = ScalingPolicy(min_acu=0.5, max_acu=16)  # 5 s delay
    for step_s in (60.0, 10.0, 7.0, 3.0, 2.0, 1.0, 0.5):
        r = simulate_capacity(d, p, step_s=step_s)
        # one scale-up from 1 to 8 ACU: 5 s short of 7 ACU, whatever the step
        assert r.under_provisioned_s == pytest.approx(5.0, rel=1e-12)
        assert r.under_provisioned_acu_s == pytest.approx(35.0, rel=1e-12)
        # capacity_acu is the series at the nearest whole delay (2.5 steps -> 3)
        k = math.floor(5.0 / step_s + 0.5)
        assert np.all(r.capacity_acu[5:5 + k] == 1.0) and np.all(r.capacity_acu[5 + k:] == 8.0)
    # demand above max_acu is short for the whole step
    assert simulate_capacity(np.r_[d, 40.0], p, step_s=60).under_provisioned_s == \
        pytest.approx(65.0, rel=1e-12)


def _coarse_and_fine(demand, policy, delay_s, step_s=10.0, fine_s=0.5):
    """The totals at ``step_s`` with a fractional delay, and at ``fine_s`` (demand repeated,
    the delay a whole number of fine steps)."""
    p = dataclasses.replace(policy, scale_up_delay_s=delay_s)
    coarse = simulate_capacity(demand, p, step_s=step_s)
    fine = simulate_capacity(np.repeat(demand, round(step_s / fine_s)), p, step_s=fine_s)
    return coarse, fine


def _assert_same_totals(coarse, fine):
    assert coarse.acu_hours == pytest.approx(fine.acu_hours, rel=1e-9)
    assert coarse.under_provisioned_s == pytest.approx(fine.under_provisioned_s, rel=1e-9,
                                                       abs=1e-9)
    assert coarse.under_provisioned_acu_s == pytest.approx(fine.under_provisioned_acu_s,
                                                           rel=1e-9, abs=1e-9)
    assert (coarse.n_pauses, coarse.paused_s) == (fine.n_pauses, fine.paused_s)


DELAYS_FINE = (0.5, 3.0, 5.0, 7.5, 10.0, 12.0, 19.5, 25.5, 30.0)


@pytest.mark.parametrize("min_acu", [0.5, 0.0])
def test_fractional_delay_equals_a_fine_step_simulation(min_acu):
    # Demand constant on a 10 s grid, and an instantaneous scale-down (capacity is the delayed
    # target at every step, at either resolution): the 10 s totals at a fractional delay are
    # exactly those of a 0.5 s simulation whose delay is a whole number of its steps. With
    # min_acu = 0 the idle hour pauses; the idle timeout and the 20 s resume are whole steps
    # at both resolutions.
    rng = np.random.default_rng(7)
    d = rng.choice([0.3, 1.0, 2.5, 8.0, 20.0, 64.0, 200.0], size=1500)
    d[400:800] = 0.0
    d[1000:1040] = 0.0
    policy = ScalingPolicy(min_acu=min_acu, max_acu=128, scale_down_acu_per_s=1e6,
                           resume_s=20.0)
    for delay_s in DELAYS_FINE:
        coarse, fine = _coarse_and_fine(d, policy, delay_s)
        _assert_same_totals(coarse, fine)
        if min_acu == 0:
            assert coarse.n_pauses == 2


def test_fractional_delay_equals_a_fine_step_simulation_with_gradual_scale_down():
    # The exact condition for a finite scale-down: every drop of the target between two 10 s
    # samples is at most what the fine step sheds (here 0.5 ACU per 0.5 s step), so neither
    # simulation decays through a step. Rises are arbitrary.
    rng = np.random.default_rng(11)
    d = [2.0]
    for _ in range(2000):
        d.append(d[-1] + (rng.choice([0.5, 1.0, 8.0, 30.0]) if rng.random() < 0.3
                          else -0.5 if d[-1] > 0.5 else 0.0))
    d = np.minimum(d, 128.0)
    policy = ScalingPolicy(min_acu=0.5, max_acu=128, scale_down_acu_per_s=1.0)
    for delay_s in DELAYS_FINE:
        _assert_same_totals(*_coarse_and_fine(d, policy, delay_s))


def test_delay_response_is_continuous_and_monotone():
    # spikes 4-10 steps long on a baseline, 10 s steps: shortfall rises with the delay
    # without plateaus over 0.5-30 s, ACU-hours move continuously, and whole steps give the
    # whole-step (reference) results
    rng = np.random.default_rng(3)
    d = np.full(4000, 2.0)
    for start in rng.choice(np.arange(20, 3900, 40), size=60, replace=False):
        d[start:start + rng.integers(4, 11)] = rng.choice([6.0, 20.0, 60.0])
    base = ScalingPolicy(min_acu=0.5, max_acu=64)

    def totals(delay_s):
        r = simulate_capacity(d, dataclasses.replace(base, scale_up_delay_s=delay_s), step_s=10)
        return np.array([r.acu_hours, r.under_provisioned_s, r.under_provisioned_acu_s])

    grid = np.r_[np.geomspace(0.5, 30.0, 61), 10.0, 20.0, 30.0]
    grid.sort()
    t = np.array([totals(x) for x in grid])
    assert np.all(np.diff(t[:, 1]) >= 0) and np.all(np.diff(t[:, 2]) >= 0)
    t4, t5, t6 = totals(4.0), totals(5.0), totals(6.0)
    assert t4[1] < t5[1] < t6[1] and t4[2] < t5[2] < t6[2]
    # linear between whole steps: 5 s is the midpoint of 0 and 10 s
    np.testing.assert_allclose(t5, (totals(0.0) + totals(10.0)) / 2, rtol=1e-12)
    for k in (1, 2, 3):  # continuous across each whole step
        np.testing.assert_allclose(totals(10.0 * k - 1e-6), totals(10.0 * k), rtol=1e-6)
        np.testing.assert_allclose(totals(10.0 * k + 1e-6), totals(10.0 * k), rtol=1e-6)
        p = dataclasses.replace(base, scale_up_delay_s=10.0 * k)
        units = reference_capacity(list(d), p, 10.0)[0]
        np.testing.assert_array_equal(totals(10.0 * k), _totals(d, units, 10.0))


def test_year_at_one_second_runs():
    day = serverless.synthetic_demand(days=1, step_s=1.0, rng=0)
    d = np.tile(day, 365)
    r = simulate_capacity(d, ScalingPolicy(min_acu=0, max_acu=64))
    assert r.capacity_acu.size == 365 * 86400
    assert r.mean_acu >= d.mean()


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    (dict(min_acu=8, max_acu=4), ValueError, r"`min_acu` must be at most `max_acu` \(4\), got 8"),
    (dict(min_acu=0.7, max_acu=4), ValueError, r"`min_acu` must be a multiple of 0.5, got 0.7"),
    (dict(min_acu=0.5, max_acu=4.2), ValueError, r"`max_acu` must be a multiple of 0.5, got 4.2"),
    (dict(min_acu=0.5, max_acu=300), ValueError, r"`max_acu` must be a number in \[1, 256\], a multiple of 0.5, got 300"),
    (dict(min_acu=0.5, max_acu=0.5), ValueError, r"`max_acu` must be a number in \[1, 256\], a multiple of 0.5, got 0.5"),
    (dict(min_acu=-1, max_acu=4), ValueError, r"`min_acu` must be a number in \[0, 256\], a multiple of 0.5, got -1"),
    (dict(scale_down="linear"), ValueError, r"`scale_down` must be one of 'additive'"),
    (dict(scale_down_acu_per_s=0), ValueError, r"`scale_down_acu_per_s` must be a number in \(0, 1,000,000\], got 0"),
    (dict(seconds_until_auto_pause=60), ValueError,
     r"`seconds_until_auto_pause` must be a number in \[300, 86,400\], got 60"),
    (dict(min_acu="1"), TypeError, r"`min_acu` must be a number in \[0, 256\], a multiple of 0.5, got str '1'"),
])
def test_policy_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ScalingPolicy(**kwargs)


def test_simulate_bad_input():
    p = ScalingPolicy()
    with pytest.raises(ValueError, match=r"`demand_acu` must be non-negative, got -1.0 at index 1"):
        simulate_capacity([1.0, -1.0], p)
    with pytest.raises(ValueError, match=r"`demand_acu` must be finite, got nan at index 2"):
        simulate_capacity([1.0, 1.0, np.nan], p)
    for policy in (p, ScalingPolicy(min_acu=0, max_acu=4)):  # fast path: inf found afterwards
        with pytest.raises(ValueError, match=r"`demand_acu` must be finite, got inf at index 400"):
            simulate_capacity(np.r_[np.zeros(400), np.inf, 1.0], policy)
        with pytest.raises(ValueError, match=r"`demand_acu` must be finite, got nan at index 1"):
            simulate_capacity(np.array([1.0, np.nan]), policy)
    with pytest.raises(ValueError, match=r"`step_s` must be positive, got 0"):
        simulate_capacity([1.0], p, step_s=0)
    with pytest.raises(TypeError, match="`policy` must be a ScalingPolicy, got dict"):
        simulate_capacity([1.0], {"min_acu": 1})


# -- v1 ----------------------------------------------------------------------------------


def test_v1_doubles_and_cools_down():
    d = np.r_[np.full(120, 0.5), np.full(1800, 6.0), np.full(3000, 0.2)]
    r = serverless.simulate_capacity_v1(d, V1ScalingPolicy(), step_s=1.0)
    cap = r.capacity_acu
    assert set(np.unique(cap)) <= {1.0, 2.0, 4.0, 8.0, 16.0}
    assert cap[119] == 1 and cap[179] == 1 and cap[180] == 2 and cap[240] == 4
    last_up = int(np.flatnonzero(np.diff(cap) > 0)[-1]) + 1
    first_down = int(np.flatnonzero(np.diff(cap) < 0)[0]) + 1
    assert first_down - last_up >= 900
    assert r.under_provisioned_s >= 180  # v1 scales once a minute, one doubling at a time


def test_v1_pause_and_cold_start():
    d = np.r_[np.full(60, 1.0), np.zeros(600), np.full(120, 1.0)]
    r = serverless.simulate_capacity_v1(d, V1ScalingPolicy(), step_s=1.0)
    assert r.n_pauses == 1
    assert np.all(r.capacity_acu[660:685] == 0) and r.capacity_acu[685] == 1
    with pytest.raises(ValueError, match=r"`min_acu` must be a power of two in \[1, 256\], got 3"):
        V1ScalingPolicy(min_acu=3)


# -- demand ------------------------------------------------------------------------------


def test_demand_from_trace_and_gaps():
    raw = load_trace("elb_request_count")
    with pytest.raises(ValueError, match=r"`trace` has 8 gap\(s\)"):
        serverless.demand_from_trace(raw, acu_per_unit=0.01)
    d = serverless.demand_from_trace(raw, acu_per_unit=0.01, base_acu=0.5, step_s=300,
                                     allow_gaps=True)
    filled = serverless.demand_from_trace(load_trace("elb_request_count", fill_gaps="interpolate"),
                                          acu_per_unit=0.01, base_acu=0.5, step_s=300)
    np.testing.assert_allclose(d, filled)
    assert d[0] == pytest.approx(0.5 + 0.01 * raw.iloc[0])


def test_trace_bad_input():
    idx = pd.DatetimeIndex(["2024-01-01 00:00", "2024-01-01 00:05", "2024-01-01 00:10"])
    f = serverless.demand_from_trace
    with pytest.raises(ValueError, match=r"`trace` must be finite, got nan at 2024-01-01 00:05:00"):
        f(pd.Series([1.0, np.nan, 2.0], index=idx), acu_per_unit=1)
    with pytest.raises(ValueError, match="`trace` timestamps must be unique"):
        f(pd.Series([1.0, 2.0, 3.0], index=idx[[0, 1, 1]]), acu_per_unit=1)
    with pytest.raises(ValueError, match="`trace` timestamps must be increasing"):
        f(pd.Series([1.0, 2.0, 3.0], index=idx[[0, 2, 1]]), acu_per_unit=1)
    with pytest.raises(ValueError, match="`trace` must be non-negative"):
        f(pd.Series([1.0, -2.0, 3.0], index=idx), acu_per_unit=1)
    with pytest.raises(TypeError, match="DatetimeIndex"):
        f(pd.Series([1.0, 2.0]), acu_per_unit=1)


def test_daily_shape_and_synthetic():
    shape = serverless.daily_shape(load_trace("nyc_taxi_30min"), step_s=60)
    assert shape.size == 1440 and shape.mean() == pytest.approx(1.0)
    assert shape.max() / shape.min() > 3  # taxi demand: a strong daily cycle
    d = serverless.synthetic_demand(days=7, step_s=60, mean_acu=2, shape=shape, noise_cv=0,
                                    weekly_amplitude=0, spikes=[(30, 1, 10)], rng=1)
    base = serverless.synthetic_demand(days=7, step_s=60, mean_acu=2, shape=shape, noise_cv=0,
                                       weekly_amplitude=0, rng=1)
    win = slice(30 * 60, 31 * 60)
    np.testing.assert_allclose(d[win], 10 * base[win])
    np.testing.assert_array_equal(d[:win.start], base[:win.start])
    a = serverless.synthetic_demand(days=2, rng=5)
    np.testing.assert_array_equal(a, serverless.synthetic_demand(days=2, rng=5))
    assert not np.array_equal(a, serverless.synthetic_demand(days=2, rng=6))
    assert a.std() / a.mean() > 0.2


# -- cost --------------------------------------------------------------------------------


def test_constant_4_acu_month(pb):
    bill = serverless.monthly_cost(np.full(730, 4.0), pb, step_s=3600, storage_gib=0)
    assert bill.loc["serverless_standard", "total_usd"] == pytest.approx(4 * 0.12 * 730)
    assert bill.loc["serverless_io_optimized", "compute_usd"] == pytest.approx(4 * 0.16 * 730)
    assert bill.loc["provisioned", "instance_classes"] == "1 x db.r6g.large"  # 4.8 ACU = 9.6 GiB
    assert bill.loc["provisioned", "compute_usd"] == pytest.approx(0.26 * 730)
    assert bill.loc["provisioned_reserved", "compute_usd"] == pytest.approx(0.26 * 730 * 0.65)


def test_bill_breakdown(pb):
    d = np.full(24 * 60, 2.0)
    bill = serverless.monthly_cost(d, pb, storage_gib=500, backup_gib=800,
                                   io_millions_per_month=300,
                                   replicated_write_io_millions_per_month=50,
                                   secondary_regions=["us-east-1", "us-east-2"], n_readers=2,
                                   read_share=0.5)
    std, opt = bill.loc["serverless_standard"], bill.loc["serverless_io_optimized"]
    assert std["storage_usd"] == pytest.approx(50.0) and opt["storage_usd"] == 112.5
    assert std["io_usd"] == pytest.approx(60.0) and opt["io_usd"] == 0
    assert std["backup_usd"] == pytest.approx(300 * 0.021)
    assert std["replicated_io_usd"] == pytest.approx(2 * 50 * 0.20)
    # writer 1 ACU + 2 readers 0.5 ACU each, constant: 2 ACU x 730 h
    assert std["acu_hours"] == pytest.approx(2 * 730)
    mixed = bill.loc["provisioned_writer_serverless_readers"]
    assert mixed["instance_classes"].startswith("1 x db.t4g.medium + 2 x serverless")
    parts = ["compute_usd", "storage_usd", "io_usd", "backup_usd", "replicated_io_usd"]
    np.testing.assert_allclose(bill[parts].sum(axis=1), bill["total_usd"])


def test_prices_come_from_the_book(tmp_path, pb):
    path = tmp_path / "book.csv"
    shutil.copy(dataset_path("aurora_price_book"), path)
    text = path.read_text().replace("us-east-1,acu_hour,,,,USD per ACU-hour,0.12,",
                                    "us-east-1,acu_hour,,,,USD per ACU-hour,0.24,")
    path.write_text(text)
    changed = pricing.load(path=path)
    d = np.full(100, 3.0)
    a = serverless.monthly_cost(d, pb, storage_gib=0, options=["serverless_standard"])
    b = serverless.monthly_cost(d, changed, storage_gib=0, options=["serverless_standard"])
    assert b["total_usd"].iloc[0] == pytest.approx(2 * a["total_usd"].iloc[0])
    assert serverless.break_even_utilization(changed, "db.r6g.large") == pytest.approx(0.26 / 1.92)


def test_break_even_utilization(pb):
    # VALIDATION.md row 9: ~27 % for db.r6g.large
    u = serverless.break_even_utilization(pb, "db.r6g.large")
    assert u == pytest.approx(0.26 / (8 * 0.12)) and round(u, 2) == 0.27
    assert 1 / u == pytest.approx(3.69, abs=0.01)
    cls, u9 = serverless.break_even_utilization_for_peak(pb, 9.0)
    # 9 ACU ~ 18 GiB and 2.25 vCPUs: db.x2g.large (2 vCPUs, 32 GiB) is cheaper but too small
    assert cls == "db.r6g.xlarge" and u9 == pytest.approx(0.519 / (0.12 * 9))
    cls8, u8 = serverless.break_even_utilization_for_peak(pb, 8.0)
    assert cls8 == "db.r6g.large" and u8 == pytest.approx(u)
    with pytest.raises(ValueError, match="`peak_acu` must be positive, got -1"):
        serverless.break_even_utilization_for_peak(pb, -1)
    with pytest.raises(ValueError, match=r"`memory_gib` must be at most 1536"):
        serverless.break_even_utilization_for_peak(pb, 2000.0)


def test_break_even_matches_simulated_bills(pb):
    # a square wave whose average is exactly the break-even share of a db.r6g.large
    u = serverless.break_even_utilization(pb, "db.r6g.large")
    hours = 1000
    high = round(hours * u * 8 / 8)  # hours at 8 ACU; the rest at 0 with auto-pause
    d = np.r_[np.full(high, 8.0), np.zeros(hours - high)]
    policy = ScalingPolicy(min_acu=0, max_acu=8, scale_up_delay_s=0, scale_down_acu_per_s=1000,
                           resume_s=0)
    bill = serverless.monthly_cost(d, pb, step_s=3600, storage_gib=0, headroom=0, policy=policy,
                                   options=["serverless_standard", "provisioned"])
    s, p = bill["total_usd"]
    assert s == pytest.approx(p, rel=0.01)


def test_monthly_cost_bad_input(pb):
    with pytest.raises(ValueError, match="`n_readers` must be at least 1"):
        serverless.monthly_cost([1.0], pb, options=["provisioned_writer_serverless_readers"])
    with pytest.raises(ValueError, match=r"`reserved_discount` must be in \[0, 1\), got 1"):
        serverless.monthly_cost([1.0], pb, reserved_discount=1.0)
    with pytest.raises(ValueError, match="`options` must be one of"):
        serverless.monthly_cost([1.0], pb, options=["spot"])
    with pytest.raises(ValueError, match="`demand_acu` must be non-negative"):
        serverless.monthly_cost([-1.0], pb)


# -- Monte Carlo -------------------------------------------------------------------------


def test_monte_carlo_cost_distribution(pb):
    kw = dict(n_trials=40, days=3, spike_probability_per_day=0.3, rng=11,
              policy=ScalingPolicy(min_acu=0.5, max_acu=16))
    dist = serverless.monthly_cost_distribution(pb, **kw)
    again = serverless.monthly_cost_distribution(pb, **kw)
    np.testing.assert_array_equal(dist.cost_usd, again.cost_usd)
    assert dist.cost_p50.value <= dist.cost_p95.value
    assert dist.cost_p50.standard_error > 0 and dist.cost_p50.n_trials == 40
    assert dist.cost_mean.standard_error == pytest.approx(dist.cost_usd.std(ddof=1) / np.sqrt(40))
    assert dist.under_provisioned_p95.value > 0  # 10x spikes exceed max_acu
    assert dist.to_frame()["quantity"].iloc[0].startswith("P50 monthly cost")
    # with no randomness left, every trial bills the deterministic closed form
    flat = serverless.monthly_cost_distribution(pb, n_trials=5, days=1, noise_cv=0,
                                            spike_probability_per_day=0, daily_amplitude=0,
                                            weekly_amplitude=0, mean_acu=4, storage_gib=0, rng=1)
    assert flat.cost_mean.value == pytest.approx(4 * 0.12 * 730)
    assert flat.cost_mean.standard_error == 0


additive_policies = st.builds(
    ScalingPolicy,
    min_acu=st.sampled_from([0.5, 1.0, 2.5]),  # no auto-pause: the compiled loop's case
    max_acu=st.sampled_from([4.0, 16.0, 64.0, 256.0]),
    scale_up_delay_s=st.sampled_from([0.0, 1.0, 5.0, 12.5, 30.0]),
    scale_down_acu_per_s=st.sampled_from([0.05, 0.1, 0.37, 2.0]),
)


@settings(max_examples=80, deadline=None)
@given(demand=demand_series(), policy=additive_policies, step_s=st.sampled_from([1.0, 2.0, 10.0]))
def test_compiled_recursion_equals_the_numpy_kernel(demand, policy, step_s):
    """serverless._compiled (numba, the analyses' path) against the numpy kernel: the same
    series and metered ACU-hours and under-provisioned seconds, the shortfall ACU-seconds to
    rounding (step-order vs block-wise sums), at whole and fractional delays."""
    pytest.importorskip("numba")
    a = simulate_capacity(demand, policy, step_s=step_s)
    b = simulate_capacity(demand, policy, step_s=step_s, compiled=True)
    c = simulate_capacity(demand, policy, step_s=step_s, compiled=True, work_arrays=True)
    for r in (b, c):
        np.testing.assert_array_equal(r.capacity_acu, a.capacity_acu)
        assert r.acu_hours == a.acu_hours and r.under_provisioned_s == a.under_provisioned_s
        assert r.under_provisioned_acu_s == pytest.approx(a.under_provisioned_acu_s, rel=1e-12,
                                                          abs=1e-9)


def test_compiled_falls_back_to_numpy_without_numba(monkeypatch):
    from aurora_models.serverless import _compiled

    demand = np.r_[np.full(50, 1.0), np.full(30, 40.0), np.full(200, 2.0)]
    policy = ScalingPolicy(min_acu=0.5, max_acu=64, scale_up_delay_s=5.0)
    want = simulate_capacity(demand, policy, step_s=10.0)
    monkeypatch.setattr(_compiled, "additive_run", None)
    got = simulate_capacity(demand, policy, step_s=10.0, compiled=True)
    np.testing.assert_array_equal(got.capacity_acu, want.capacity_acu)
    assert got.under_provisioned_acu_s == want.under_provisioned_acu_s
