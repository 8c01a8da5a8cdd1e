"""Benchmark: the commitment optimum, closed form against the Monte Carlo search, side by side.

On the bundled leaderboard's simulated week of eligible Serverless v2 spend (168 hours) and on a
year of hourly spend (8,760 hours, the same week repeated with noise), each timed, alternated
and repeated:

- ``billing.optimal_commitment``: the d-quantile (a sort);
- ``billing.simulate_optimal_commitment`` at 400 resampled curves (a bootstrap over days, a
  2,001-level grid);
- numpy's raw rate drawing the same resampling (``Generator.multinomial``, 400 draws over the
  days), the floor of the search;
- the whole ``commitments`` section of the bundled scenario (``estimate(only=("commitments",))``,
  which also runs the workload, capacity and cost sections it consumes).

Prints the medians and the ratios; no target.

    .venv/bin/python benchmarks/bench_commitments.py [--runs N]     (default 5)
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from aurora_models import billing, scenario

TRIALS = 400
D = 0.30


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _week() -> np.ndarray:
    r = scenario.estimate(scenario.load().replace(scenario__trials=200))
    cap, wl = r.results["serverless"], r.results["workload"]
    bill = next(b for b in r.results["cost"].bills if b["configured"])
    usage = billing.Usage(region="us-east-1", engine="aurora-postgresql", capacity="serverless",
                          replicas=2)
    return billing.eligible_hourly_spend(
        usage, bill, writer_acu=cap.simulations["writer"].capacity_acu,
        reader_acu=cap.simulations["reader"].capacity_acu, step_s=wl.step_s)["hourly_usd"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    rng = np.random.default_rng(1)
    week = _week()
    year = np.tile(week, 53)[:8760] * rng.lognormal(0.0, 0.1, 8760)
    s = scenario.load()
    jobs = {
        "week: closed form": lambda: billing.optimal_commitment(week, D),
        "week: Monte Carlo 400": lambda: billing.simulate_optimal_commitment(
            week, D, n_trials=TRIALS, rng=2),
        "week: numpy multinomial (raw)": lambda: rng.multinomial(7, np.full(7, 1 / 7),
                                                                  size=TRIALS),
        "year: closed form": lambda: billing.optimal_commitment(year, D),
        "year: Monte Carlo 400": lambda: billing.simulate_optimal_commitment(
            year, D, n_trials=TRIALS, rng=2),
        "year: numpy multinomial (raw)": lambda: rng.multinomial(365, np.full(365, 1 / 365),
                                                                  size=TRIALS),
        "commitments section, bundled scenario": lambda: scenario.estimate(
            s, n_trials=200, only=("commitments",)),
    }
    for fn in jobs.values():  # warm up: imports, caches
        fn()
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(runs):
        for name, fn in jobs.items():
            times[name].append(_time(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"median of {runs} runs")
    for name, t in med.items():
        raw = med[("year" if name.startswith("year") else "week") + ": numpy multinomial (raw)"]
        print(f"  {name:40s} {1e3 * t:9.3f} ms   {t / raw:8.1f} x numpy's raw draws")
    for span in ("week", "year"):
        print(f"  {span}: Monte Carlo / closed form = "
              f"{med[f'{span}: Monte Carlo 400'] / med[f'{span}: closed form']:.1f}")
    exact = billing.optimal_commitment(week, D).commitment_usd_per_hour
    mc = billing.simulate_optimal_commitment(week, D, n_trials=TRIALS, rng=2)
    print(f"  week: x* = {exact.value:.4f} USD/hour exact, {mc.commitment_usd_per_hour.value:.4f}"
          f" +/- {mc.commitment_usd_per_hour.standard_error:.4f} Monte Carlo")


if __name__ == "__main__":
    main()
