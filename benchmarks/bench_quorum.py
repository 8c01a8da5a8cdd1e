"""Quorum benchmarks, measured side by side in one run (ratios, not absolute times).

1. Naive snapshot Monte Carlo: copy-state draws per second as a ratio to numpy's raw float32
   uniform generation rate (aim >= 0.25).
2. Importance sampling vs naive on a ~1e-9 event: work-normalised variance reduction
   ``(p (1 - p) * t_naive_per_trial) / (se_is**2 * n_is * t_is_per_trial)`` (aim >= 1e4); the
   naive variance is the exact Bernoulli variance, since a naive run at 1e-9 would see no hits.

Run: .venv/bin/python benchmarks/bench_quorum.py
"""

import time

import numpy as np

from aurora_models import quorum
from aurora_models.quorum._monte_carlo import _draw_available


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    n = 2_000_000
    gen = np.random.default_rng(0)
    layout = quorum.AURORA
    draws = n * (layout.n_copies + layout.n_azs)
    t_raw = best_of(lambda: gen.random(draws, dtype=np.float32))
    t_mc = best_of(lambda: _draw_available(layout, 0.01, 0.001, n, gen))
    print(f"copy-state draws/s: {draws / t_mc:.3g}; raw uniforms/s: {draws / t_raw:.3g}; "
          f"ratio {t_raw / t_mc:.2f} (aim >= 0.25)")

    fm = quorum.FailureModel()  # defaults: read unavailability in a year is about 2e-9
    event, horizon = "read_unavailable", 8760.0
    exact = quorum.event_probability(layout, fm, event=event, horizon_hours=horizon).value
    n_is = 20_000
    t0 = time.perf_counter()
    est = quorum.simulate_event_probability(layout, fm, event=event, horizon_hours=horizon,
                                            n_trials=n_is, rng=1)
    t_is = (time.perf_counter() - t0) / n_is
    n_nv = 2_000
    t0 = time.perf_counter()
    quorum.simulate_event_probability(layout, fm, event=event, horizon_hours=horizon,
                                      n_trials=n_nv, method="monte_carlo", rng=2)
    t_nv = (time.perf_counter() - t0) / n_nv
    var_is = est.standard_error**2 * n_is
    gain = (exact * (1 - exact) * t_nv) / (var_is * t_is)
    print(f"event p = {exact:.3g}; IS estimate {est.value:.3g} (rel SE {est.relative_standard_error:.3f}, "
          f"z {est.zscore(exact):.2f}); work-normalised variance reduction {gain:.3g} (aim >= 1e4)")


if __name__ == "__main__":
    main()
