"""Benchmark: calibrating from a CloudWatch export, as ratios measured side by side in one run.

Three timings on the bundled example export (a week at 5 minutes, 22 series, 42,504 values;
``aurora_models/examples/shop``), alternated and repeated:

- ``calibration.read_metrics`` (both pages and the queries file, every unit and period checked,
  merged and sorted) against ``json.load`` of the same two pages (no checking at all);
- ``calibration.calibrate`` on the read frame (the demand, four regressions with HAC errors,
  the checks);
- our HAC fit (``calibration._regression.fit_hac``) against statsmodels' ``OLS(...).fit(
  cov_type="HAC")`` on one regression the size of the example's pooled CPU fit (6,048 rows,
  three coefficients, its lags), when statsmodels is installed (the ``reference`` group); both
  give the same standard errors (tests/test_calibration.py).

Prints the medians and the ratios; no target.

    .venv/bin/python benchmarks/bench_calibration.py [--runs N]     (default 7)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from aurora_models import calibration
from aurora_models.calibration._regression import fit_hac


def _time(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    runs = ap.parse_args().runs
    d = calibration.example_dir()
    pages = sorted(d.glob("metric_data_page*.json"))
    frame = calibration.example_metrics()  # warm: imports and caches outside the timings

    def read():
        return calibration.read_metrics(pages, queries=d / "queries.json")

    def raw():
        return [json.loads(p.read_text()) for p in pages]

    def fit():
        return calibration.calibrate(frame, writer="shop-writer")

    t_read, t_raw, t_fit = [], [], []
    for _ in range(runs):  # alternated, so drift hits all three alike
        t_read.append(_time(read, 1))
        t_raw.append(_time(raw, 1))
        t_fit.append(_time(fit, 1))
    r, j, c = (statistics.median(x) for x in (t_read, t_raw, t_fit))
    print(f"read_metrics (checked, merged)   {r * 1e3:8.1f} ms")
    print(f"json.load of the same pages      {j * 1e3:8.1f} ms   ratio {r / j:5.2f}")
    print(f"calibrate (4 HAC fits, checks)   {c * 1e3:8.1f} ms   {len(frame):,} values")

    cal = fit()
    cpu = cal.fits["cpu"]
    rng = np.random.default_rng(1)
    n = cpu.n
    X = np.column_stack([np.ones(n), rng.gamma(2, 100, n), rng.gamma(2, 1000, n)])
    y = X @ [150.0, 0.8, 0.12] + rng.normal(0, 10, n)
    ours = _time(lambda: fit_hac(X, y, ("c", "w", "r"), lags=cpu.lags), runs)
    try:
        import statsmodels.api as sm
    except ImportError:
        print(f"fit_hac, {n:,} rows                {ours * 1e3:8.2f} ms   (statsmodels not "
              "installed: no ratio)")
        return
    ref = _time(lambda: sm.OLS(y, X).fit(cov_type="HAC",
                                         cov_kwds={"maxlags": cpu.lags}), runs)
    print(f"fit_hac, {n:,} rows                {ours * 1e3:8.2f} ms")
    print(f"statsmodels OLS HAC, same rows   {ref * 1e3:8.2f} ms   ratio {ours / ref:5.2f}")


if __name__ == "__main__":
    main()
