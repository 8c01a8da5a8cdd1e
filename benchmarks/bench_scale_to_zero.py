"""Scale to zero: the paused-fraction closed form, its Monte Carlo sibling and the capacity
simulator, against numpy's raw RNG throughput, side by side in one run.

Run: ``.venv/bin/python benchmarks/bench_scale_to_zero.py [--cycles 200000] [--days 30]``

Prints, best of 3 runs each: closed-form calls per second; Monte Carlo pause cycles per second
(``simulate_paused_fraction``); the capacity simulator's steps per second on a Poisson
connection-attempt demand at 1 s resolution (``simulate_capacity``), with the paused fraction
each gives; and numpy's raw exponential draws per second. Absolute times drift on shared
machines: the ratios to the raw RNG rate are the figures to quote.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from aurora_models.serverless import (
    ScalingPolicy,
    paused_fraction,
    simulate_capacity,
    simulate_paused_fraction,
)


def best(fn, repeat=3):
    out, t = None, float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - t0)
    return out, t


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=200_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--attempts-per-hour", type=float, default=6.0)
    a = ap.parse_args(argv)
    lam, pol = a.attempts_per_hour, ScalingPolicy(min_acu=0.0, max_acu=4.0)
    gen = np.random.default_rng(1)
    n_steps = a.days * 86_400
    demand = np.where(gen.poisson(lam / 3600.0, size=n_steps) > 0, 0.5, 0.0)

    calls = 2_000
    _, t_closed = best(lambda: [paused_fraction(lam, policy=pol, resume_in_cycle=False)
                                for _ in range(calls)])
    closed = paused_fraction(lam, policy=pol, resume_in_cycle=False)
    mc, t_mc = best(lambda: simulate_paused_fraction(lam, policy=pol, resume_in_cycle=False,
                                                     n_trials=a.cycles, rng=2))
    sim, t_sim = best(lambda: simulate_capacity(demand, pol))
    raw_n = 10_000_000
    _, t_raw = best(lambda: np.random.default_rng(3).exponential(size=raw_n))

    raw = raw_n / t_raw
    rows = [("closed form (calls)", calls / t_closed, closed.paused_fraction.value, ""),
            ("simulate_paused_fraction (cycles)", a.cycles / t_mc, mc.paused_fraction.value,
             f"+- {mc.paused_fraction.standard_error:.2g}"),
            ("simulate_capacity (1 s steps)", n_steps / t_sim, sim.paused_s / n_steps,
             f"{sim.n_pauses} pauses"),
            ("numpy exponential draws", raw, float("nan"), "")]
    print(f"lambda = {lam:g} attempts/h, T = {pol.seconds_until_auto_pause:g} s, "
          f"resume {pol.resume_s:g} s")
    print(f"{'what':36} {'per second':>14} {'/ raw RNG':>10} {'paused':>8}")
    for name, rate, frac, note in rows:
        print(f"{name:36} {rate:14.4g} {rate / raw:10.3g} {frac:8.4f} {note}")


if __name__ == "__main__":
    main()
