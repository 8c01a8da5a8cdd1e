"""Sensitivity analysis throughput, measured side by side in one run.

Prints, for the bundled leaderboard scenario's uncertain inputs:

- scenario evaluations/s through the analysis path (``ScenarioModel`` on the rows of a Sobol
  design, as the analysis calls it: sections reused across rows whose inputs they read are
  equal), through a fair loop (the same evaluation one vector at a time, nothing reused) and
  through a plain loop of ``estimate`` calls (the same sections, which then also run the bill's
  other demand draws), and the ratios;
- the projected wall time of the leaderboard's Sobol analysis, ``(D + 2) N`` evaluations at
  N = 1,024 (second order off), at the measured rate on the cores given;
- for scale, the pipeline's overhead on a vectorised function (Ishigami, N = 4,096).

Targets of issue 13: >= 200 evaluations/s per core, >= 20x the loop, Sobol N = 1,024 in
<= 120 s on 2 cores. The scenario evaluation loops over rows, reusing unchanged sections (see the README).

    .venv/bin/python benchmarks/bench_sensitivity.py [--base 2] [--cores 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=2, help="Sobol base samples (a power of 2)")
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args()

    from aurora_models import scenario as sc
    from aurora_models.sensitivity import distributions, make, sobol
    from aurora_models.sensitivity._analysis import to_values
    from aurora_models.sensitivity._scenario import EVAL_TRIALS, SECTIONS, ScenarioModel

    s = sc.load()
    dists = distributions(s)
    model = ScenarioModel.of(s, list(dists))
    from SALib import ProblemSpec

    sp = ProblemSpec({"names": list(dists), "bounds": [[0, 1]] * len(dists)})
    sp.sample_sobol(args.base, calc_second_order=False, seed=1)  # the rows Sobol evaluates
    X = to_values(list(dists.values()), sp.samples)
    args.rows = len(X)

    t = time.perf_counter()
    Y = model(X)
    batch = time.perf_counter() - t

    t = time.perf_counter()
    for x in X:  # the fair loop: the same evaluation, one vector at a time, nothing reused
        model.__dict__.pop("_memo", None)
        model.row(x)
    fair = time.perf_counter() - t

    t = time.perf_counter()
    for x in X:  # a plain loop: one full estimate per vector, the same outputs read
        changes = {k.replace(".", "__", 1): float(v) for k, v in zip(dists, x, strict=True)}
        r = sc.estimate(s.replace(**changes), n_trials=EVAL_TRIALS, seed=model.seed,
                        only=SECTIONS)
        _ = r.to_dict()["cost"]["options"]
    loop = time.perf_counter() - t

    rate = args.rows / batch
    D, N = len(dists), 1024
    print(f"scenario: {D} uncertain inputs, {len(model.outputs)} outputs, {args.rows} vectors, "
          f"{int(np.isnan(Y).any(axis=1).sum())} infeasible")
    print(f"  analysis path : {rate:8.1f} evaluations/s (one core)")
    print(f"  fair loop     : {args.rows / fair:8.1f} evaluations/s (one vector at a time, "
          f"the same evaluation, no reuse)")
    print(f"  estimate loop : {args.rows / loop:8.1f} evaluations/s (a full estimate per vector)")
    print(f"  ratio         : {fair / batch:8.2f}x the fair loop (target >= 20x), "
          f"{loop / batch:.2f}x the estimate loop")
    print(f"  Sobol N={N}, second order off: {(D + 2) * N} evaluations, projected "
          f"{(D + 2) * N / rate / args.cores:,.0f} s on {args.cores} cores (target <= 120 s)")

    d = [make(f"x{i}", {"dist": "uniform", "low": -np.pi, "high": np.pi}) for i in (1, 2, 3)]

    def ishigami(Z):
        return np.sin(Z[:, 0]) + 7 * np.sin(Z[:, 1]) ** 2 + 0.1 * Z[:, 2] ** 4 * np.sin(Z[:, 0])

    t = time.perf_counter()
    r = sobol(ishigami, d, outputs=["y"], n=4096, seed=1)
    dt = time.perf_counter() - t
    print(f"Ishigami Sobol N=4096 ({r.evaluations} evaluations, sampling, bootstrap): "
          f"{dt:.2f} s, {r.evaluations / dt:,.0f} evaluations/s")


if __name__ == "__main__":
    main()
