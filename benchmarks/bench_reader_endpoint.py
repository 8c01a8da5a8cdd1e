"""Benchmark: the reader endpoint model, as ratios measured side by side in one run.

Three sizes of DNS answers over the readers (120 over 3, 2,000 over 5, 20,000 over 15: the
direct-convolution and FFT branches of the exact occupancy distribution), each timed, alternated
and repeated:

- ``availability.reader_endpoint`` (exact: the max-load distribution, the overload tail, the
  traffic-weighted M/M/k mixture and its p99);
- ``availability.simulate_reader_endpoint`` at 10,000 trials (every answer drawn);
- numpy's raw throughput drawing the same number of reader indices
  (``Generator.integers(0, R, size=(10_000, n))``): the floor any simulation of the assignment
  pays.

Prints the medians and the ratios; no target.

    .venv/bin/python benchmarks/bench_reader_endpoint.py [--runs N]     (default 5)
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from aurora_models import availability as av

CASES = (
    (3, av.ConnectionPools(pools=6, connections_per_pool=20, connections_per_answer=1)),
    (5, av.ConnectionPools(pools=200, connections_per_pool=10, connections_per_answer=1)),
    (15, av.ConnectionPools(pools=1000, connections_per_pool=20, connections_per_answer=1)),
)
TRIALS = 10_000


def _time(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    av.reader_endpoint(2, 10.0, 10.0, av.ConnectionPools(pools=2))  # warm: scipy imports
    print(f"{'readers':>7} {'answers':>8} {'exact s':>9} {'MC s':>9} {'numpy s':>9} "
          f"{'MC/exact':>9} {'MC/numpy':>9}")
    for readers, pools in CASES:
        lam = 0.6 * readers * 2 * 100.0  # even-split utilisation 0.6 at 10 ms on 2 workers
        gen = np.random.default_rng(1)
        exact = _time(lambda r=readers, x=lam, p=pools: av.reader_endpoint(r, x, 10.0, p), runs)
        mc = _time(lambda r=readers, x=lam, p=pools: av.simulate_reader_endpoint(
            r, x, 10.0, p, n_trials=TRIALS, rng=1), runs)
        raw = _time(lambda r=readers, p=pools, g=gen: g.integers(0, r, size=(TRIALS, p.lookups)),
                    runs)
        print(f"{readers:>7} {pools.lookups:>8} {exact:>9.4f} {mc:>9.4f} {raw:>9.4f} "
              f"{mc / exact:>9.2f} {mc / raw:>9.2f}")


if __name__ == "__main__":
    main()
