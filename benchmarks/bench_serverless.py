"""Serverless v2 simulator throughput: vectorized vs a plain per-step loop, in the same run.

Run: ``.venv/bin/python benchmarks/bench_serverless.py [--days 365] [--reference-days 2]``

Prints simulated steps per second (best of 3 runs) for one year at 1-second resolution
(vectorized) and for a plain Python per-step loop of the same model (timed on a shorter slice,
since it runs ~0.5 microsecond per step), checks that both give the same capacity series and
totals on that slice, and prints the ratio. Absolute times drift on shared machines; the ratio
is the figure to quote.

The plain loop is a fair plain-Python implementation: it takes the same numpy array, returns
the same things as ``simulate_capacity`` (capacity series, ACU-hours, under-provisioned time and
ACU-seconds, pauses, including the deep-sleep resume), keeps everything in local variables and
does one pass with no per-step function calls beyond ``math.ceil``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from aurora_models import serverless


def plain_loop(demand, policy, step_s=1.0):
    """The simulator's model, one step at a time (additive scale-down, constant delay).

    Returns ``(capacity_acu, acu_hours, under_provisioned_s, under_provisioned_acu_s,
    n_pauses, paused_s)``.
    """
    d = demand.tolist()
    n = len(d)
    floor = max(1, round(2 * policy.min_acu))
    top = round(2 * policy.max_acu)
    k = math.floor(policy.scale_up_delay_s / step_s + 0.5)
    r = max(round(policy.scale_down_acu_per_s * 2 * step_s * 1000), 1)
    n_idle = math.ceil(policy.seconds_until_auto_pause / step_s - 1e-9)
    n_resume = math.ceil(policy.resume_s / step_s - 1e-9)
    n_resume_deep = math.ceil(policy.resume_after_deep_sleep_s / step_s - 1e-9)
    deep_s = policy.deep_sleep_after_s
    auto = policy.min_acu == 0
    ceil = math.ceil
    out = [0.0] * n
    c = -1  # capacity in 1/1000 half-ACU; -1: none (start, or after a pause)
    run = pause_len = resume_until = n_pauses = paused_steps = n_short = 0
    paused = False
    units_sum, short_sum = 0.0, 0.0
    d0 = d[0]
    for t in range(n):
        x = d[t]
        if auto:
            if x <= 0.0:
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
                    resume_until = t + (n_resume_deep if pause_len * step_s > deep_s
                                        else n_resume)
            if paused or t < resume_until:
                c = -1
                if x > 1e-9:
                    n_short += 1
                    short_sum += x
                continue
        a = d[t - k] if t >= k else d0
        u = ceil(2.0 * a - 1e-9)
        u = floor if u < floor else (top if u > top else u)
        u *= 1000
        if c < 0 or c - r <= u:
            c = u
        else:
            c -= r
        cap = ((c + 999) // 1000) * 0.5
        out[t] = cap
        units_sum += cap
        gap = x - cap
        if gap > 1e-9:
            n_short += 1
            short_sum += gap
    return (np.array(out), units_sum * step_s / 3600.0, n_short * step_s, short_sum * step_s,
            n_pauses, paused_steps * step_s)


def _best(fn, repeats: int = 3) -> float:
    """Best wall time of ``repeats`` calls (the first call also pays for page faults)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--reference-days", type=float, default=2.0)
    args = parser.parse_args()
    day = serverless.synthetic_demand(days=1, step_s=1.0, mean_acu=6.0, noise_cv=0.3, rng=0)
    day[2 * 3600:3 * 3600] = 0.0  # an idle hour: the auto-pause case pauses once a day
    demand = np.tile(day, math.ceil(args.days))[: round(args.days * 86400)]
    n_ref = round(args.reference_days * 86400)
    ref_in = np.ascontiguousarray(demand[:n_ref])
    for label, policy in [("additive, min 0.5", serverless.ScalingPolicy(min_acu=0.5, max_acu=64)),
                          ("additive, auto-pause", serverless.ScalingPolicy(min_acu=0, max_acu=64))]:
        t_vec = _best(lambda policy=policy: serverless.simulate_capacity(demand, policy))
        t_ref = _best(lambda policy=policy: plain_loop(ref_in, policy))
        res = serverless.simulate_capacity(ref_in, policy)
        cap, acu_h, under_s, under_acu_s, n_pauses, paused_s = plain_loop(ref_in, policy)
        same = (np.array_equal(cap, res.capacity_acu) and math.isclose(acu_h, res.acu_hours)
                and under_s == res.under_provisioned_s and n_pauses == res.n_pauses
                and paused_s == res.paused_s
                and math.isclose(under_acu_s, res.under_provisioned_acu_s, rel_tol=1e-9))
        vec_rate, ref_rate = demand.size / t_vec, n_ref / t_ref
        print(f"{label}: vectorized {demand.size:,} steps in {t_vec:.2f} s "
              f"({vec_rate:,.0f} steps/s); plain loop {n_ref:,} steps in {t_ref:.2f} s "
              f"({ref_rate:,.0f} steps/s); ratio {vec_rate / ref_rate:.0f}x; "
              f"identical on the slice: {same}")

if __name__ == "__main__":
    main()
