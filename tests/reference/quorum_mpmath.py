"""Reference values for the quorum CTMC, computed with mpmath at 60 significant digits.

Run from the repository root:  .venv/bin/python tests/reference/quorum_mpmath.py
It writes tests/reference/quorum_mpmath.json. Nothing here imports aurora_models: the chain is
built again from the model's rules (stated in aurora_models.quorum.FailureModel), by a
breadth-first search from the all-up state, and solved with mpmath's own ``expm`` and
``lu_solve``:

- P(event within T) = 1 - sum(exp(Q_SS T)[start, :])   (60 digits leave >= 35 after cancelling)
- mean time to event = ((-Q_SS)^{-1} 1)[start]
- steady-state P(event) from pi Q = 0, sum(pi) = 1 on the full chain (availability events).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import mpmath as mp

mp.mp.dps = 60
HOURS_PER_YEAR = 8760

BASE = dict(copy_failure_rate_per_year=0.015, transient_failure_rate_per_year=0.0,
            az_outage_rate_per_year=1.0)
DEFAULTS = dict(copy_failure_rate_per_year=0.0157, transient_failure_rate_per_year=1.0,
                segment_size_bytes=1e10, repair_bandwidth_gbit_per_s=10.0, detection_s=2.0,
                az_outage_rate_per_year=22 / (1802 / 365.25) / 6, az_outage_hours=2.0,
                az_loss_rate_per_year=0.0, max_azs_down=1)
AURORA = ((2, 2, 2), 4, 3)
TWO_OF_THREE = ((1, 1, 1), 2, 2)
DEGRADED = ((2, 2), 3, 2)
MIRRORED = ((1, 1), 2, 1)

CASES = [
    ("aurora_read_ref", AURORA, "read_unavailable", BASE, 8760),
    ("aurora_write_ref", AURORA, "write_unavailable", BASE, 8760),
    ("aurora_loss_ref", AURORA, "data_loss", BASE, 8760),
    ("aurora_write_default", AURORA, "write_unavailable", {}, 8760),
    ("aurora_read_default", AURORA, "read_unavailable", {}, 8760),
    ("aurora_read_overlap", AURORA, "read_unavailable", dict(BASE, max_azs_down=None), 8760),
    ("aurora_loss_azloss", AURORA, "data_loss", dict(BASE, az_loss_rate_per_year=0.01), 8760),
    ("aurora_read_1h", AURORA, "read_unavailable", BASE, 1.0),
    ("two_of_three_loss", TWO_OF_THREE, "data_loss", BASE, 8760),
    ("two_of_three_write", TWO_OF_THREE, "write_unavailable", {}, 8760),
    ("degraded_loss", DEGRADED, "data_loss", BASE, 8760),
    ("degraded_read", DEGRADED, "read_unavailable", dict(BASE, copy_failure_rate_per_year=0.05), 100),
    ("mirrored_read", MIRRORED, "read_unavailable", {}, 8760),
]


def build(layout, event, params):
    """Lumped chain by BFS: state = sorted tuple of (copies, up, failed) per AZ."""
    p = dict(DEFAULTS, **params)
    cpa, vw, vr = layout
    durable = event == "data_loss"
    lam = mp.mpf(p["copy_failure_rate_per_year"])
    if not durable:
        lam += mp.mpf(p["transient_failure_rate_per_year"])
    lam /= HOURS_PER_YEAR
    repair_s = 8 * mp.mpf(p["segment_size_bytes"]) / (mp.mpf(p["repair_bandwidth_gbit_per_s"]) * 10**9)
    repair_s += mp.mpf(p["detection_s"])
    mu = 3600 / repair_s
    down = mp.mpf(p["az_outage_rate_per_year"]) / HOURS_PER_YEAR
    up = 1 / mp.mpf(p["az_outage_hours"])
    loss = mp.mpf(p["az_loss_rate_per_year"]) / HOURS_PER_YEAR
    max_down = p["max_azs_down"] or len(cpa)
    start = tuple(sorted((c, 1, 0) for c in cpa))

    def moves(s):
        avail = sum(c - k for c, u, k in s if u)
        n_down = sum(1 - u for _, u, _ in s)
        for a, (c, u, k) in enumerate(s):
            out = []
            if k < c:
                out.append(((c, u, k + 1), lam * (c - k)))
            if u and k > 0 and (avail >= 1 or not durable):
                out.append(((c, u, k - 1), mu * k))
            if u and n_down < max_down:
                out.append(((c, 0, k), down))
            if not u:
                out.append(((c, 1, k), up))
            if loss > 0 and k < c:
                out.append(((c, 1, c), loss))
            for new, rate in out:
                t = list(s)
                t[a] = new
                yield tuple(sorted(t)), rate

    def is_event(s):
        if durable:
            return sum(k for _, _, k in s) > sum(cpa) - vr
        avail = sum(c - k for c, u, k in s if u)
        return avail < (vw if event == "write_unavailable" else vr)

    index, order, edges = {start: 0}, [start], []
    i = 0
    while i < len(order):
        s = order[i]
        for t, rate in moves(s):
            if t not in index:
                index[t] = len(order)
                order.append(t)
            edges.append((i, index[t], rate))
        i += 1
    n = len(order)
    q = mp.zeros(n, n)
    for a, b, rate in edges:
        if a != b:
            q[a, b] += rate
    for a in range(n):
        q[a, a] = -sum(q[a, b] for b in range(n) if b != a)
    return q, [is_event(s) for s in order]


def solve(layout, event, params, horizon):
    q, ev = build(layout, event, params)
    n = q.rows
    keep = [i for i in range(n) if not ev[i]]
    m = len(keep)
    qs = mp.matrix(m, m)
    for a, i in enumerate(keep):
        for b, j in enumerate(keep):
            qs[a, b] = q[i, j]
    e = mp.expm(qs * horizon)
    prob = 1 - mp.fsum(e[0, b] for b in range(m))
    mtt = mp.lu_solve(-qs, mp.matrix([1] * m))[0]
    out = {"probability": prob, "mean_time_hours": mtt}
    if event != "data_loss":
        a = q.T
        for j in range(n):
            a[n - 1, j] = 1
        rhs = mp.matrix([0] * (n - 1) + [1])
        pi = mp.lu_solve(a, rhs)
        out["steady_state"] = mp.fsum(pi[i] for i in range(n) if ev[i])
    return out


def main():
    rows = []
    for name, layout, event, params, horizon in CASES:
        t0 = time.time()
        res = solve(layout, event, params, horizon)
        rows.append({
            "name": name,
            "copies_per_az": list(layout[0]), "write_quorum": layout[1], "read_quorum": layout[2],
            "event": event, "failures": params, "horizon_hours": horizon,
            **{k: mp.nstr(v, 30) for k, v in res.items()},
        })
        print(f"{name:24s} P={mp.nstr(res['probability'], 8):>16s}  {time.time() - t0:.1f} s")
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps({"dps": mp.mp.dps, "cases": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
