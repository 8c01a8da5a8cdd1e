"""Batched quorum solves vs a loop of scalar calls, per failure model, in one run.

For B = 256 distinct failure models (copy failure rate, AZ outage rate and duration drawn at a
fixed seed over the sensitivity ranges), prints the time per model of

1. ``volume_event_probability(..., event="data_loss")`` in a loop vs the batched
   ``quorum._batch.volume_event_probabilities`` (aim: ratio >= 10);
2. ``availability.storage_unavailability`` in a loop vs ``storage_unavailabilities``
   (volume of 10,000 GiB; the scalar function's cache is cleared first).

Run: .venv/bin/python benchmarks/bench_quorum_batch.py
"""

import time
import warnings

import numpy as np

from aurora_models import quorum
from aurora_models.availability import _downtime
from aurora_models.quorum import _batch

B = 256
VOLUME_GIB = 10_000.0


def models(n, seed=0):
    gen = np.random.default_rng(seed)
    return [quorum.FailureModel(copy_failure_rate_per_year=float(c), az_outage_rate_per_year=float(a),
                                az_outage_hours=float(h))
            for c, a, h in zip(10 ** gen.uniform(-3, np.log10(0.2), n),
                               10 ** gen.uniform(np.log10(0.05), np.log10(5), n),
                               gen.uniform(0.3, 24, n), strict=True)]


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def report(name, t_loop, t_batch):
    print(f"{name}: scalar loop {1e3 * t_loop / B:.3f} ms/model, batch {1e3 * t_batch / B:.3f} "
          f"ms/model ({t_batch:.3f} s for {B}); speed-up {t_loop / t_batch:.1f}x (aim >= 10)")


def main():
    fms = models(B)
    warnings.simplefilter("ignore")  # the slow-repair warning is not what is measured
    layout, event = quorum.AURORA, "data_loss"
    t_loop, loop = best_of(lambda: [quorum.volume_event_probability(
        VOLUME_GIB, layout, f, event=event).value for f in fms], repeat=1)
    t_batch, batch = best_of(lambda: _batch.volume_event_probabilities(
        VOLUME_GIB, layout, fms, event=event))
    assert np.allclose(batch, loop, rtol=1e-12, atol=0)
    report("volume_event_probabilities(data_loss)", t_loop, t_batch)

    def scalar_storage():
        _downtime._storage_unavailability.cache_clear()
        return [_downtime.storage_unavailability(f, volume_gib=VOLUME_GIB) for f in fms]

    t_loop, loop = best_of(scalar_storage, repeat=1)
    t_batch, batch = best_of(lambda: _downtime.storage_unavailabilities(
        fms, volume_gib=VOLUME_GIB))
    assert all(abs(a.p_unavailable - b.p_unavailable) <= 1e-12 * b.p_unavailable
               and abs(a.events_per_year - b.events_per_year) <= 1e-12 * b.events_per_year
               for a, b in zip(batch, loop, strict=True))
    report("storage_unavailabilities", t_loop, t_batch)


if __name__ == "__main__":
    main()
