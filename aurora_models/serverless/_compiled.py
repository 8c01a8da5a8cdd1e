"""The Serverless v2 capacity recursion compiled with numba, for analyses that run it thousands
of times (:func:`~aurora_models.serverless.simulate_capacity` with ``compiled=True``).

The numpy kernel of ``_simulate`` needs about a dozen passes over the series per block, one of
them a running maximum; this loop makes one. It covers the common case, additive scale-down over
one live run (no auto-pause), with the numpy kernel's arithmetic: the target
``a_t = clip(ceil(2 d_{t-k} - tol), floor, top)`` half-ACU (``d_0`` before the first sample
arrives), capacity ``w_t = max(1000 a_t, w_{t-1} - r)`` in integer 1/1000 half-ACU, billed
``ceil(w_t / 1000) / 2`` ACU. The metered units are sums of half-integers (exact in any order);
the shortfall sum is accumulated in step order, so it can differ from the numpy kernel's
block-wise sum in the last bits (``tests/test_serverless.py`` checks both to 1e-12).

Importing this module imports numba (about 0.4 s) and loads the cached machine code: the single
estimate of ``aurora-models estimate`` never does; an analysis does once per process.
"""

from __future__ import annotations

import math

try:
    from numba import njit
except ImportError:  # numba missing: the numpy kernel serves (slower, same results)
    njit = None  # type: ignore[assignment]  # no compiler: callers test for None

__all__ = ["additive_run"]


def _additive_run(demand, k, floor, top, r, tol, out):
    n = demand.size
    d0 = demand[0]
    w = -1  # before the run (afterwards w >= 1000, as every target is >= 1 half-ACU)
    units = 0.0
    n_short = n_later = 0
    short_sum = later_sum = 0.0
    prev = 0.0
    for t in range(n):
        src = demand[t - k] if t >= k else d0
        a = math.ceil(2.0 * src - tol)
        if a < floor:
            a = floor
        elif a > top:
            a = top
        target = 1000 * a
        w = w - r if w >= 0 and w - r > target else target
        o = 0.5 * ((w + 999) // 1000)
        out[t] = o
        units += o
        d = demand[t]
        gap = d - o
        if gap > tol:
            n_short += 1
            short_sum += gap
        # the series one step later (capacity o_{t-1}; o_0 at the first step)
        gap = d - (prev if t else o)
        if gap > tol:
            n_later += 1
            later_sum += gap
        prev = o
    return 2.0 * units, n_short, short_sum, n_later, later_sum


#: ``additive_run(demand, k, floor, top, r, tol, out) -> (half-ACU-steps, n_short,
#: short_sum, n_short_later, short_sum_later)``, writing the capacity (ACU) into ``out``;
#: ``*_later`` are the shortfall of the series one step later (the k + 1 delay, see
#: ``_simulate._shifted``). None without numba.
additive_run = None if njit is None else njit(cache=True, nogil=True)(_additive_run)
