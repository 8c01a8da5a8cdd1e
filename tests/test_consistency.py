"""Write forwarding's read consistency on a Global Database secondary (issue 28 item 3).

References derived by hand here: on a link without batching or episodes and with exponential
redo sizes the lag is ``L = d + Exp(theta)``, ``theta = mu - lambda`` (the M/M/1 sojourn, see
``global_db.lag``), so

- EVENTUAL / SESSION (others' write): ``P(visible at t) = 1 - exp(-theta (t - d))``, t >= d;
- SESSION (own write) waits ``(L - t)^+``: ``P(W <= w) = 1 - exp(-theta (t + w - d))`` and
  ``E[W] = exp(-theta (t - d)) / theta`` for ``t >= d``;
- GLOBAL: a read at ``t = 0`` waits the whole lag of its own write, ``W = L``; otherwise the
  wait's survival is the integral over the age of the latest commit, written out again here and
  evaluated with scipy's ``quad``; and every case against the simulation.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from aurora_models.exceptions import UnstableSystemError
from aurora_models.global_db import (
    CONSISTENCY_GUARANTEES,
    CONSISTENCY_LEVELS,
    ReadAfterWrite,
    ReplicationLink,
    lag,
    read_after_write,
    read_visibility,
    read_wait_cdf,
    simulate_read_after_write,
    visibility_probability,
)

#: The M/M/1 link: no batching, no episodes, exponential redo sizes (the default).
MM1 = ReplicationLink(primary="us-east-1", secondary="eu-west-1", degradation=None,
                      batch_interval_ms=0.0)
#: The default link without episodes (batching every 10 ms: the lattice solution).
BATCHED = ReplicationLink(primary="us-east-1", secondary="eu-west-1", degradation=None)
RATE = 3_000.0


def _theta_d(link, rate):
    """(theta per ms, d ms) of the M/M/1 link's lag, from the link's own figures."""
    return 1e-3 * (1.0 / link.service_mean_s - rate), 1e3 * link.fixed_delay_s


def test_eventual_is_the_lag_cdf_and_session_others_too():
    theta, d = _theta_d(MM1, RATE)
    t = d + np.array([-5.0, 0.0, 0.01, 0.05, 0.2, 1.0])
    expected = np.where(t > d, 1.0 - np.exp(-theta * (t - d)), 0.0)
    for level, own in (("eventual", True), ("eventual", False), ("session", False)):
        got = read_visibility(MM1, t, writes_per_s=RATE, level=level, own_write=own)
        np.testing.assert_allclose(got, expected, atol=1e-12)
    np.testing.assert_allclose(read_visibility(BATCHED, t, writes_per_s=RATE),
                               visibility_probability(BATCHED, t, writes_per_s=RATE))


def test_session_own_and_global_always_see_the_write():
    t = np.array([0.0, 1.0, 30.0])
    assert np.all(read_visibility(MM1, t, writes_per_s=RATE, level="session") == 1.0)
    assert np.all(read_visibility(MM1, t, writes_per_s=RATE, level="global",
                                  own_write=False) == 1.0)


def test_session_wait_is_the_residual_lag_by_hand():
    theta, d = _theta_d(MM1, RATE)
    for t in (0.0, d - 1.0, d + 0.01, d + 0.1):
        w = np.array([0.0, 0.01, 0.05, 0.3])
        expected = np.clip(1.0 - np.exp(-theta * np.maximum(t + w - d, 0.0)), 0.0, 1.0)
        got = read_wait_cdf(MM1, w, t_ms=t, writes_per_s=RATE, level="session")
        np.testing.assert_allclose(got, expected, atol=1e-12)
    t = d + 0.02
    r = read_after_write(MM1, t_ms=t, writes_per_s=RATE, level="session")
    assert r.mean_wait.value == pytest.approx(math.exp(-theta * (t - d)) / theta, rel=1e-4)
    # the q-quantile of (L - t)^+ : 0 below P(L <= t), else d + Q_Exp(q) - t
    p0 = 1.0 - math.exp(-theta * (t - d))
    for q, e in r.wait_quantiles.items():
        ref = 0.0 if q <= p0 else d - math.log1p(-q) / theta - t
        assert e.value == pytest.approx(ref, abs=1e-7)
    assert r.p_visible.is_exact and r.mean_wait.method == "exact"


def test_global_wait_is_the_hand_written_integral():
    """P(W > w) = int_0^t lam e^(-lam a) S(a + w) da + e^(-lam t) S(t + w), by scipy's quad."""
    from scipy.integrate import quad

    theta, d = _theta_d(MM1, 20.0)
    lam = 20.0 / 1e3  # per ms

    def surv(x):
        return 1.0 if x <= d else math.exp(-theta * (x - d))

    for t in (0.0, 10.0, 40.0, math.inf):
        for w in (0.0, 5.0, 20.0, 34.0):
            upper = t if math.isfinite(t) else 200.0 / lam
            # split where the survival starts to fall and just after (its decay length is
            # 1 / theta = 0.02 ms, which quad on one long interval would miss)
            cuts = [x for x in (d - w, d - w + 1.0) if 0.0 < x < upper]
            edges = [0.0, *cuts, upper]
            body = sum(quad(lambda a, w=w: lam * math.exp(-lam * a) * surv(a + w), lo, hi,
                            limit=200)[0] for lo, hi in itertools.pairwise(edges))
            tail = math.exp(-lam * t) * surv(t + w) if math.isfinite(t) else 0.0
            got = read_wait_cdf(MM1, w, t_ms=t, writes_per_s=20.0, level="global")
            assert 1.0 - got == pytest.approx(body + tail, abs=2e-5), (t, w)


def test_global_right_after_the_commit_waits_the_whole_lag():
    """t = 0: the read's own write is the latest commit, so the wait is its lag, exactly."""
    r = read_after_write(BATCHED, t_ms=0.0, writes_per_s=RATE, level="global")
    ref = lag(BATCHED, writes_per_s=RATE, include_degradation=False)
    assert r.mean_wait.value == pytest.approx(1e3 * ref.mean_s, rel=1e-4)
    for q, e in r.wait_quantiles.items():
        assert e.value == pytest.approx(1e3 * ref.quantiles_s[q], rel=1e-4)


CASES = [
    pytest.param(MM1, "eventual", 34.9, True, RATE, id="mm1-eventual"),
    pytest.param(BATCHED, "eventual", 40.0, True, RATE, id="batched-eventual"),
    pytest.param(BATCHED, "session", 20.0, True, RATE, id="batched-session-own"),
    pytest.param(BATCHED, "session", 40.0, False, RATE, id="batched-session-other"),
    pytest.param(BATCHED, "session", 40.0, True, RATE, id="batched-session-own-late"),
    pytest.param(BATCHED, "global", 20.0, True, RATE, id="batched-global"),
    pytest.param(BATCHED, "global", 20.0, True, 20.0, id="batched-global-sparse"),
    pytest.param(BATCHED, "global", math.inf, True, 20.0, id="batched-global-random-read"),
    pytest.param(MM1, "global", 10.0, False, 50.0, id="mm1-global"),
]


@pytest.mark.parametrize(("link", "level", "t", "own", "rate"), CASES)
def test_simulation_agrees_with_the_closed_form(link, level, t, own, rate):
    cf = read_after_write(link, t_ms=t, writes_per_s=rate, level=level, own_write=own)
    mc = simulate_read_after_write(link, t_ms=t, writes_per_s=rate, level=level,
                                   own_write=own, n_writes=40_000, n_replications=20, rng=2026)
    assert isinstance(mc, ReadAfterWrite) and mc.p_visible.method == "monte_carlo"
    pairs = [(cf.p_visible, mc.p_visible), (cf.mean_wait, mc.mean_wait)]
    pairs += [(cf.wait_quantiles[q], mc.wait_quantiles[q]) for q in cf.wait_quantiles]
    for exact, est in pairs:
        if est.standard_error == 0.0:  # every replication gave the same value (0 or 1)
            assert est.value == pytest.approx(exact.value, abs=1e-6), (exact, est)
        else:
            assert abs(est.zscore(exact.value)) < 4.5, (exact, est)


def test_stronger_levels_wait_longer_and_see_more():
    waits, seen = [], []
    for level in CONSISTENCY_LEVELS:
        r = read_after_write(BATCHED, t_ms=30.0, writes_per_s=RATE, level=level)
        waits.append(r.mean_wait.value)
        seen.append(r.p_visible.value)
        assert r.guarantee == CONSISTENCY_GUARANTEES[level]
    assert waits[0] == 0.0 < waits[1] < waits[2]
    assert seen[0] < seen[1] == seen[2] == 1.0


def test_wait_cdf_is_a_distribution():
    w = np.linspace(0.0, 100.0, 201)
    for level in CONSISTENCY_LEVELS:
        for t in (0.0, 25.0, math.inf):
            f = read_wait_cdf(BATCHED, w, t_ms=t, writes_per_s=RATE, level=level)
            assert np.all((f >= 0) & (f <= 1)) and np.all(np.diff(f) >= -1e-12)
            assert f[-1] == pytest.approx(1.0, abs=1e-9)


def test_episodes_make_it_an_approximation():
    link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    r = read_after_write(link, t_ms=20.0, writes_per_s=RATE, level="session")
    assert r.mean_wait.method == "approximation" and "fluid" in r.method
    off = read_after_write(link, t_ms=20.0, writes_per_s=RATE, level="session",
                           include_degradation=False)
    assert off.mean_wait.method == "exact" and off.mean_wait.value < r.mean_wait.value


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match=r"`level` must be one of 'eventual', 'session', "
                                         r"'global', got 'strong'"):
        read_visibility(MM1, 1.0, writes_per_s=RATE, level="strong")
    with pytest.raises(TypeError, match=r"`level` must be a string"):
        read_after_write(MM1, t_ms=1.0, writes_per_s=RATE, level=2)
    with pytest.raises(TypeError, match=r"`link` must be a ReplicationLink, got str"):
        read_visibility("us-east-1", 1.0, writes_per_s=RATE)
    with pytest.raises(ValueError, match=r"`t_ms` must be non-negative, got -1"):
        read_after_write(MM1, t_ms=-1.0, writes_per_s=RATE)
    with pytest.raises(ValueError, match=r"`wait_ms` must be non-negative"):
        read_wait_cdf(MM1, -2.0, t_ms=1.0, writes_per_s=RATE, level="global")
    with pytest.raises(ValueError, match=r"`quantiles` must be in \(0, 1\), got 1"):
        read_after_write(MM1, t_ms=1.0, writes_per_s=RATE, quantiles=(0.5, 1.0))
    with pytest.raises(TypeError, match=r"`own_write` must be"):
        read_visibility(MM1, 1.0, writes_per_s=RATE, own_write="yes")
    with pytest.raises(ValueError, match=r"`writes_per_s` must be positive, got 0"):
        simulate_read_after_write(MM1, t_ms=1.0, writes_per_s=0.0, rng=1)
    with pytest.raises(UnstableSystemError, match=r"read consistency wait does not exist"):
        read_after_write(MM1, t_ms=1.0, writes_per_s=2 * MM1.capacity_writes_per_s)


def test_level_is_case_insensitive_like_the_parameter():
    a = read_after_write(BATCHED, t_ms=20.0, writes_per_s=RATE, level="GLOBAL")
    assert a.level == "global"


def test_same_seed_same_result():
    kw = dict(t_ms=20.0, writes_per_s=RATE, level="global", n_writes=2_000, n_replications=3)
    a = simulate_read_after_write(BATCHED, rng=4, **kw).to_frame()
    b = simulate_read_after_write(BATCHED, rng=4, **kw).to_frame()
    assert a.equals(b)


def test_session_wait_falls_with_time_since_the_write_and_global_waits_at_most_the_lag():
    means = [read_after_write(BATCHED, t_ms=t, writes_per_s=RATE, level="session").mean_wait_ms
             for t in (0.0, 20.0, 35.0, 45.0, 60.0)]
    assert np.all(np.diff(means[:-1]) < 0) and means[-1] < 1e-6
    full = 1e3 * lag(BATCHED, writes_per_s=RATE, include_degradation=False).mean_s
    assert means[0] == pytest.approx(full, rel=1e-4)  # right after the commit: the whole lag
    g = read_after_write(BATCHED, t_ms=math.inf, writes_per_s=RATE, level="global")
    assert 0.0 < g.mean_wait_ms <= full
    assert "GLOBAL read inf ms after its own write" in str(g)
