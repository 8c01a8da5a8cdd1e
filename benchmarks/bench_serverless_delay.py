"""Cost of the fractional scale-up delay: ``simulate_capacity`` at a delay that is not a whole
number of steps (two kernel passes, mixed) against a whole-step delay (one pass).

Run: ``.venv/bin/python benchmarks/bench_serverless_delay.py [--days 365] [--step-s 10]``

Prints the best of 5 runs for each case and the ratio (expected at most ~2x). Absolute times
drift on shared machines; the ratio is the figure to quote.
"""

from __future__ import annotations

import argparse
import dataclasses
import math

import numpy as np
from bench_serverless import _best  # this folder's best-of-N timer (scripts run from it)

from aurora_models import serverless


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--step-s", type=float, default=10.0)
    args = parser.parse_args()
    step = args.step_s
    day = serverless.synthetic_demand(days=1, step_s=step, mean_acu=6.0, noise_cv=0.3, rng=0)
    day[round(2 * 3600 / step):round(3 * 3600 / step)] = 0.0  # an idle hour (auto-pause case)
    demand = np.tile(day, math.ceil(args.days))[: round(args.days * 86400 / step)]
    for label, policy in [("additive, min 0.5", serverless.ScalingPolicy(min_acu=0.5, max_acu=64)),
                          ("additive, auto-pause", serverless.ScalingPolicy(min_acu=0, max_acu=64)),
                          ("proportional", serverless.ScalingPolicy(
                              min_acu=0.5, max_acu=64, scale_down="proportional"))]:
        whole = dataclasses.replace(policy, scale_up_delay_s=step)  # one step
        frac = dataclasses.replace(policy, scale_up_delay_s=0.5 * step)  # half a step
        t_whole = _best(lambda p=whole: serverless.simulate_capacity(demand, p, step_s=step))
        t_frac = _best(lambda p=frac: serverless.simulate_capacity(demand, p, step_s=step))
        print(f"{label}: {demand.size:,} steps of {step:g} s; whole-step delay "
              f"{t_whole * 1e3:.1f} ms, fractional delay {t_frac * 1e3:.1f} ms; "
              f"ratio {t_frac / t_whole:.2f}x")


if __name__ == "__main__":
    main()
