"""Benchmark: the write path's import cost and its VDL-gated lag, measured side by side.

1. ``import aurora_models.write_path`` in a fresh interpreter beside ``import numpy, pandas``
   (median of 5 runs each): the ratio shows that importing the family computes nothing (the
   Aurora replica's delay, networkx and scipy.integrate wait until first use).
2. The VDL-gated replica lag: the vectorized running maximum of ``simulate_vdl_gated_lag``
   against the same recursion written as a plain Python loop over writes, on the same draws.

Run: ``.venv/bin/python benchmarks/bench_write_path.py [n_writes]`` (default 1,000,000).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np

from aurora_models import write_path


def _import_s(stmt: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", stmt], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _python_running_max(t, q):
    out = [0.0] * len(t)
    best = -float("inf")
    for i, (ti, qi) in enumerate(zip(t, q, strict=True)):
        best = max(best, ti + qi)
        out[i] = best - ti
    return out


def main(n_writes: int = 1_000_000) -> None:
    base = _import_s("import numpy, pandas")
    wp = _import_s("import aurora_models.write_path")
    print(f"import aurora_models.write_path: {wp:.3f} s; import numpy, pandas: {base:.3f} s; "
          f"ratio {wp / base:.2f}")

    rng = np.random.default_rng(1)
    t = np.cumsum(rng.exponential(0.1, n_writes))  # 10,000 writes/s, in ms
    q = write_path.sample_commit_latency(write_path.aurora_path(), n_trials=n_writes, rng=rng)
    t0 = time.perf_counter()
    vec = np.maximum.accumulate(t + q) - t
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = _python_running_max(t.tolist(), q.tolist())
    t_py = time.perf_counter() - t0
    diff = float(np.max(np.abs(vec - np.asarray(ref))))
    print(f"VDL running maximum over {n_writes:,} writes: vectorized {t_vec:.4f} s, plain Python "
          f"{t_py:.3f} s, ratio {t_py / t_vec:.0f}x; largest difference {diff:.3g} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
