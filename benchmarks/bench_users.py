"""Benchmark: latency by user region, exact convolution against Monte Carlo, side by side.

For the guide's Frankfurt user (a read served in Ireland; a write forwarded by Ireland to
Virginia), each timed, alternated and repeated:

- ``users.read_latency`` / ``users.write_latency``: the exact law by FFT convolution of the
  parts (round trip, reader M/M/c or quorum commit) and its quantiles;
- ``users.simulate_read_latency`` / ``simulate_write_latency`` at 200,000 draws;
- numpy's raw rate drawing the same number of lognormal round trips
  (``Generator.lognormal(size=200_000)``), the floor of any simulation;
- the whole "latency by user region" section of the bundled scenario (``estimate(only=
  ("users",))``, with write forwarding and SESSION consistency).

Prints the medians and the ratios; no target.

    .venv/bin/python benchmarks/bench_users.py [--runs N]     (default 5)
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from aurora_models import scenario, users

N = 200_000
READ = dict(reads_per_s=1200.0, servers=2, service_ms=1.0)


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    rng = np.random.default_rng(1)
    s = scenario.load().replace(users__write_forwarding=True)
    jobs = {
        "read, exact": lambda: users.read_latency("eu-central-1", "eu-west-1", **READ),
        "read, Monte Carlo 200k": lambda: users.simulate_read_latency(
            "eu-central-1", "eu-west-1", **READ, n_trials=N, rng=2),
        "forwarded write, exact": lambda: users.write_latency("eu-central-1", "us-east-1",
                                                              via="eu-west-1"),
        "forwarded write, Monte Carlo 200k": lambda: users.simulate_write_latency(
            "eu-central-1", "us-east-1", via="eu-west-1", n_trials=N, rng=3),
        "numpy lognormal 200k (raw)": lambda: rng.lognormal(3.3, 0.05, N),
        "users section of the bundled scenario": lambda: scenario.estimate(
            s, n_trials=200, only=("users",)),
    }
    for fn in jobs.values():  # warm up: imports, caches
        fn()
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(runs):
        for name, fn in jobs.items():
            times[name].append(_time(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    raw = med["numpy lognormal 200k (raw)"]
    print(f"median of {runs} runs")
    for name, t in med.items():
        print(f"  {name:40s} {1e3 * t:9.2f} ms   {t / raw:8.1f} x numpy's raw draws")
    print(f"  read: Monte Carlo / exact = "
          f"{med['read, Monte Carlo 200k'] / med['read, exact']:.2f}; forwarded write: "
          f"{med['forwarded write, Monte Carlo 200k'] / med['forwarded write, exact']:.2f}")


if __name__ == "__main__":
    main()
