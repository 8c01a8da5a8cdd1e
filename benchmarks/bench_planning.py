"""Benchmark: the storage policy's dynamic programme against the brute-force search, and the year.

Side by side in one run, each timed, alternated and repeated:

- ``planning.storage_policy`` on 12 and 16 months (the dynamic programme);
- ``planning.search_storage_policy`` on the same bills (all 4,096 and 65,536 sequences);
- ``storage_policy`` on 365 daily periods (the 30-day rule binding), which no search can do;
- a plain-Python greedy pass over the 12 months (the floor: one comparison per month);
- the estimate's year section on the bundled scenario with twelve distinct seasons (each
  season's Serverless capacity simulated again) and without seasons.

Prints the medians and the ratios; no target.

    .venv/bin/python benchmarks/bench_planning.py [--runs N]     (default 5)
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from aurora_models import planning, scenario


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    rng = np.random.default_rng(29)
    s12, o12 = rng.uniform(50, 150, 12).tolist(), rng.uniform(50, 150, 12).tolist()
    s16, o16 = rng.uniform(50, 150, 16).tolist(), rng.uniform(50, 150, 16).tolist()
    sd, od = rng.uniform(1, 5, 365).tolist(), rng.uniform(1, 5, 365).tolist()
    seasons = [0.3, 0.3, 0.4, 0.6, 1.0, 1.5, 1.45, 1.1, 0.65, 0.45, 0.35, 1.2]
    seasonal = scenario.load().replace(workload__seasonality=seasons)
    flat = scenario.load()
    jobs = {
        "greedy, 12 months (plain Python)": lambda: [min(a, b) for a, b in zip(s12, o12,
                                                                                strict=True)],
        "programme, 12 months": lambda: planning.storage_policy(s12, o12),
        "search, 12 months (4,096)": lambda: planning.search_storage_policy(s12, o12),
        "programme, 16 months": lambda: planning.storage_policy(s16, o16),
        "search, 16 months (65,536)": lambda: planning.search_storage_policy(s16, o16),
        "programme, 365 days": lambda: planning.storage_policy(sd, od, days=[1.0] * 365),
        "year section, 12 seasons": lambda: scenario.estimate(seasonal, n_trials=200,
                                                              only=("year",)),
        "year section, no seasons": lambda: scenario.estimate(flat, n_trials=200,
                                                              only=("year",)),
    }
    for fn in jobs.values():  # warm up: imports, caches
        fn()
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(runs):
        for name, fn in jobs.items():
            times[name].append(_time(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["greedy, 12 months (plain Python)"]
    print(f"median of {runs} runs")
    for name, t in med.items():
        print(f"  {name:36s} {1e3 * t:10.3f} ms   {t / floor:10.1f} x the greedy pass")
    print(f"  search / programme: 12 months {med['search, 12 months (4,096)'] / med['programme, 12 months']:.0f}x, "
          f"16 months {med['search, 16 months (65,536)'] / med['programme, 16 months']:.0f}x")
    print(f"  12 seasons / none: "
          f"{med['year section, 12 seasons'] / med['year section, no seasons']:.1f}x")


if __name__ == "__main__":
    main()
