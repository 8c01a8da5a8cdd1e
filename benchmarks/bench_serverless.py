"""Serverless v2 simulator throughput: vectorized vs a plain per-step loop, in the same run.

Run: ``.venv/bin/python benchmarks/bench_serverless.py [--days 365]``

Prints simulated steps per second (best of 3 runs) for one year at 1-second resolution
(vectorized) and for a plain Python per-step loop of the same recursion (timed on a shorter slice, since it runs
~1 microsecond per step), checks that both give the same capacity on that slice, and prints the
ratio. Absolute times drift on shared machines; the ratio is the figure to quote.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from aurora_models import serverless


def plain_loop(demand, policy, step_s=1.0):
    """c_t = max(a_t, c_{t-1} - r) with auto-pause, one step at a time (half-ACU units)."""
    n = len(demand)
    floor = max(1, round(2 * policy.min_acu))
    top = round(2 * policy.max_acu)
    k = math.floor(policy.scale_up_delay_s / step_s + 0.5)
    r = max(round(policy.scale_down_acu_per_s * 2 * step_s * 1000), 1)
    n_idle = math.ceil(policy.seconds_until_auto_pause / step_s - 1e-9)
    n_resume = math.ceil(policy.resume_s / step_s - 1e-9)
    target = [min(max(math.ceil(2 * x - 1e-9), floor), top) for x in demand]
    out = [0] * n
    c = None
    run, paused, resume_until = 0, False, 0
    for t in range(n):
        if policy.min_acu == 0:
            if demand[t] <= 0:
                run += 1
                paused = paused or run > n_idle
            else:
                run = 0
                if paused:  # (no deep-sleep branch: the benchmark pauses are short)
                    paused, resume_until = False, t + n_resume
        if paused or t < resume_until:
            c = None
            continue
        x = target[t - k if t >= k else 0] * 1000
        c = x if c is None else max(x, c - r)
        out[t] = -(-c // 1000)
    return np.array(out) / 2


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
    ref_in = demand[:n_ref].tolist()
    for label, policy in [("additive, min 0.5", serverless.ScalingPolicy(min_acu=0.5, max_acu=64)),
                          ("additive, auto-pause", serverless.ScalingPolicy(min_acu=0, max_acu=64))]:
        t_vec = _best(lambda policy=policy: serverless.simulate_capacity(demand, policy))
        res = serverless.simulate_capacity(demand, policy)
        t_ref = _best(lambda policy=policy: plain_loop(ref_in, policy))
        ref = plain_loop(ref_in, policy)
        same = np.array_equal(ref, res.capacity_acu[:n_ref])
        vec_rate, ref_rate = demand.size / t_vec, n_ref / t_ref
        print(f"{label}: vectorized {demand.size:,} steps in {t_vec:.2f} s "
              f"({vec_rate:,.0f} steps/s); plain loop {n_ref:,} steps in {t_ref:.2f} s "
              f"({ref_rate:,.0f} steps/s); ratio {vec_rate / ref_rate:.0f}x; "
              f"identical on the slice: {same}")


if __name__ == "__main__":
    main()
