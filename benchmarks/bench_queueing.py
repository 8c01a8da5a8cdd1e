"""Benchmark: vectorized Lindley recursion vs the same M/M/1 queue written with SimPy.

Both are fed the same interarrival and service draws (rounded to a 2**-20 s grid so that every
clock sum is exact); the script prints the speed ratio (measured
side by side in one run) and the largest absolute difference between the waiting times.

Run: ``.venv/bin/python benchmarks/bench_queueing.py [n_customers]`` (default 1,000,000).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import simpy

from aurora_models import queueing


def simpy_waits(interarrival_s: np.ndarray, service_s: np.ndarray) -> np.ndarray:
    """FIFO single server in SimPy; customer k arrives interarrival_s[k] after customer k-1."""
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    waits = np.empty(interarrival_s.size)
    gaps = interarrival_s.tolist()
    serv = service_s.tolist()

    def customer(k):
        arrived = env.now
        with server.request() as req:
            yield req
            waits[k] = env.now - arrived
            yield env.timeout(serv[k])

    def source():
        for k in range(len(gaps)):
            if k:
                yield env.timeout(gaps[k])
            env.process(customer(k))

    env.process(source())
    env.run()
    return waits


def main(n: int = 1_000_000, rho: float = 0.9, seed: int = 2017) -> None:
    rng = np.random.default_rng(seed)
    lam, mu = rho, 1.0
    # Draws are rounded to multiples of 2**-20 s (about 1 us): sums of such numbers below 2**33 s
    # are exact in binary floating point, so SimPy's clock (a running sum of 1e6 draws, ~1e6 s)
    # carries no rounding drift and the comparison tests the recursion, not float summation order.
    # Unrounded, both agree to ~1e-8 s, the drift of a clock at 1e6 s.
    tick = 2.0**-20
    a = np.round(rng.exponential(1 / lam, n) / tick) * tick
    s = np.round(rng.exponential(1 / mu, n) / tick) * tick

    t0 = time.perf_counter()
    w_vec = queueing.lindley_waits(a, s)
    t_vec = time.perf_counter() - t0

    t0 = time.perf_counter()
    w_sim = simpy_waits(a, s)
    t_sim = time.perf_counter() - t0

    diff = float(np.max(np.abs(w_vec - w_sim)))
    print(f"M/M/1, rho={rho}, {n:,} customers, same draws")
    print(f"  vectorized Lindley: {t_vec:.3f} s")
    print(f"  SimPy:              {t_sim:.3f} s")
    print(f"  speed ratio:        {t_sim / t_vec:.0f}x")
    print(f"  max |difference|:   {diff:.3g} s (mean wait {w_vec.mean():.4g} s, "
          f"M/M/1 theory {rho / (mu - lam):.4g} s)")
    if diff > 1e-9:
        raise SystemExit(f"waiting times differ by {diff:.3g} > 1e-9")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
