"""Tests of the reader endpoint model (aurora_models.availability, issue 28 item 5).

References: the max-load distribution against a hand enumeration of every assignment of the DNS
answers to the readers (exact fractions, ``itertools.product``); the traffic-weighted share
distribution against the same enumeration; the latency mixture against M/M/1 formulas written
out here (``P(T > t) = exp(-(mu - lambda) t)``, mean ``1 / (mu - lambda)``) for a case small
enough to list by hand; Monte Carlo against the closed form within 4.5 standard errors at fixed
seeds; hypothesis invariants (shares sum to 1, max share >= 1/R, penalty >= 0, the even split
as the limit of many answers).
"""

import itertools
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from aurora_models import availability as av
from aurora_models.availability import _endpoint
from aurora_models.exceptions import ParameterTypeError, ParameterValueError

Z = 4.5


def _enumerate(n: int, r: int):
    """Exact pmf of the max load and the traffic-weighted load of a read, over all r**n
    equally likely assignments of n answers to r readers."""
    max_pmf, weighted = Counter(), Counter()
    total = Fraction(1, r**n)
    for assignment in itertools.product(range(r), repeat=n):
        loads = Counter(assignment)
        max_pmf[max(loads.values())] += total
        for load in loads.values():
            weighted[load] += total * Fraction(load, n)
    return max_pmf, weighted


# ------------------------------------------------------------------------ occupancy, exact


@pytest.mark.parametrize(("n", "r"), [(1, 1), (1, 3), (3, 2), (4, 3), (6, 3), (5, 4), (7, 2),
                                      (2, 5), (8, 3)])
def test_max_load_distribution_matches_a_hand_enumeration(n, r):
    ref, _ = _enumerate(n, r)
    m, p = av.max_load_distribution(n, r)
    got = dict(zip(m.tolist(), p.tolist(), strict=True))
    assert set(got) == set(ref)
    for k, v in ref.items():
        assert got[k] == pytest.approx(float(v), abs=1e-14)


@pytest.mark.parametrize(("n", "r"), [(3, 2), (6, 3), (5, 4), (8, 3)])
def test_the_weighted_share_a_read_meets_matches_the_enumeration(n, r):
    _, ref = _enumerate(n, r)
    j, w = _endpoint._weighted_share_pmf(n, r)
    got = dict(zip(j.tolist(), w.tolist(), strict=True))
    assert set(got) == set(ref)
    for k, v in ref.items():
        assert got[k] == pytest.approx(float(v), abs=1e-14)


def test_the_fft_path_agrees_with_direct_convolution():
    # a vector long enough for the FFT branch, against repeated direct convolution
    v = _endpoint._poisson_pmf(400.0, 460)
    r, n = 10, 4000
    direct = np.ones(1)
    for _ in range(r):
        direct = np.convolve(direct, v)[: n + 1]
    assert len(v) * r > 4096
    assert _endpoint._power_at(v, r, n) == pytest.approx(float(direct[n]), rel=1e-9)


def test_a_large_case_against_monte_carlo():
    # FFT branch (15 readers, 20,000 answers) against the simulated assignment
    pools = av.ConnectionPools(pools=1000, connections_per_pool=20, connections_per_answer=1)
    m, p = av.max_load_distribution(pools.lookups, 15)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    exact = float(np.dot(m, p)) / pools.lookups
    mc = av.simulate_reader_endpoint(15, 1000.0, 10.0, pools, n_trials=2000, rng=11)
    assert abs(mc.expected_max_share.zscore(exact)) < Z
    assert exact > 1 / 15


# ---------------------------------------------------------------- latency, by hand (M/M/1)


def test_two_pools_two_readers_by_hand():
    """Two answers over two readers: both on one reader (p = 1/2) or one each (p = 1/2).
    A read meets a reader with both answers (rate lambda) with probability 1/2, else one with
    rate lambda / 2."""
    lam, s_ms = 40.0, 10.0
    mu = 1000.0 / s_ms
    pools = av.ConnectionPools(pools=2, connections_per_pool=5)
    r = av.reader_endpoint(2, lam, s_ms, pools, workers_per_reader=1)
    assert r.max_share_values.tolist() == [0.5, 1.0]
    assert r.max_share_probabilities.tolist() == pytest.approx([0.5, 0.5], abs=1e-15)
    assert r.expected_max_share.value == pytest.approx(0.75, abs=1e-15)
    assert r.p_overload.value == 0.0

    def sf(t):
        return 0.5 * math.exp(-(mu - lam) * t) + 0.5 * math.exp(-(mu - lam / 2) * t)

    p99 = optimize.brentq(lambda t: sf(t) - 0.01, 0.0, 1.0, xtol=1e-14)
    assert r.latency_ms.value == pytest.approx(1000.0 * p99, rel=1e-9)
    assert r.even_latency_ms == pytest.approx(1000.0 * math.log(100) / (mu - lam / 2), rel=1e-9)
    assert r.penalty_ms > 0
    mean = av.reader_endpoint(2, lam, s_ms, pools, workers_per_reader=1, objective="mean")
    assert mean.latency_ms.value == pytest.approx(
        1000.0 * (0.5 / (mu - lam) + 0.5 / (mu - lam / 2)), rel=1e-12)
    # at lambda = mu, a reader with both answers is overloaded: half the draws, half the reads
    over = av.reader_endpoint(2, mu, s_ms, pools, workers_per_reader=1)
    assert over.p_overload.value == pytest.approx(0.5, abs=1e-15)
    assert over.query_share_overloaded.value == pytest.approx(0.5, abs=1e-15)
    assert over.latency_ms.value == math.inf and math.isfinite(over.even_latency_ms)
    assert over.penalty_ms == math.inf


def test_one_reader_is_the_even_split():
    pools = av.ConnectionPools(pools=7, connections_per_pool=4)
    r = av.reader_endpoint(1, 150.0, 10.0, pools)
    assert r.max_share_values.tolist() == [1.0] and r.expected_max_share.value == 1.0
    assert r.latency_ms.value == pytest.approx(r.even_latency_ms, rel=1e-9)
    assert r.even_latency_ms == pytest.approx(av.reader_latency_ms(150.0, 10.0, 1,
                                                                   objective="p99"))
    assert r.penalty_ms == pytest.approx(0.0, abs=1e-6)


def test_whole_pool_answers_are_lumpier_than_per_connection_answers():
    whole = av.reader_endpoint(3, 300.0, 10.0, av.ConnectionPools(pools=12, connections_per_pool=10))
    each = av.reader_endpoint(3, 300.0, 10.0, av.ConnectionPools(
        pools=12, connections_per_pool=10, connections_per_answer=1))
    assert whole.lookups == 12 and each.lookups == 120
    assert whole.expected_max_share.value > each.expected_max_share.value > 1 / 3
    assert whole.p_overload.value > each.p_overload.value
    assert whole.latency_ms.value > each.latency_ms.value > each.even_latency_ms
    assert whole.even_latency_ms == each.even_latency_ms


# ------------------------------------------------------------------ Monte Carlo sibling


@pytest.mark.parametrize(("readers", "lam", "pools"), [
    (3, 300.0, av.ConnectionPools(pools=6, connections_per_pool=20)),
    (3, 400.0, av.ConnectionPools(pools=6, connections_per_pool=20, connections_per_answer=1)),
    (5, 600.0, av.ConnectionPools(pools=40, connections_per_pool=8, connections_per_answer=2)),
    (2, 120.0, av.ConnectionPools(pools=9, connections_per_pool=3)),
])
def test_monte_carlo_agrees_with_the_closed_form(readers, lam, pools):
    exact = av.reader_endpoint(readers, lam, 10.0, pools)
    mc = av.simulate_reader_endpoint(readers, lam, 10.0, pools, n_trials=20_000, rng=2026)
    assert exact.expected_max_share.is_exact and not mc.expected_max_share.is_exact
    for name in ("expected_max_share", "p_overload", "query_share_overloaded"):
        e, m = getattr(exact, name), getattr(mc, name)
        if m.standard_error == 0.0:  # no draw overloaded: the exact value must be tiny
            assert e.value < 1e-3, name
        else:
            assert abs(m.zscore(e.value)) < Z, (name, m, e.value)
    if math.isfinite(exact.latency_ms.value):
        assert abs(mc.latency_ms.zscore(exact.latency_ms.value)) < Z
    else:
        assert mc.latency_ms.value == math.inf
    # the empirical distribution of the heaviest share against the exact one, at the values
    # drawn often enough (expected count >= 20) for the binomial's normal limit
    exact_p = dict(zip(exact.max_share_values.tolist(), exact.max_share_probabilities.tolist(),
                       strict=True))
    for v, f in zip(mc.max_share_values.tolist(), mc.max_share_probabilities.tolist(),
                    strict=True):
        p = exact_p[v]
        if p * 20_000 < 20:
            continue
        assert abs(f - p) < Z * math.sqrt(p * (1 - p) / 20_000) + 1e-12


def test_monte_carlo_mean_objective_agrees():
    # 150 reads/s of 10 ms on 2 workers: even all on one reader is stable, so the mean is finite
    pools = av.ConnectionPools(pools=30, connections_per_pool=4, connections_per_answer=2)
    exact = av.reader_endpoint(4, 150.0, 10.0, pools, objective="mean")
    mc = av.simulate_reader_endpoint(4, 150.0, 10.0, pools, objective="mean", n_trials=20_000,
                                     rng=7)
    assert math.isfinite(exact.latency_ms.value) and exact.penalty_ms > 0
    assert abs(mc.latency_ms.zscore(exact.latency_ms.value)) < Z
    # at 500 reads/s a draw can overload a reader (P > 0, however small): the mean is unbounded
    assert av.reader_endpoint(4, 500.0, 10.0, pools, objective="mean").latency_ms.value == math.inf


def test_one_trial_has_an_unbounded_standard_error():
    pools = av.ConnectionPools(pools=30, connections_per_pool=2, connections_per_answer=1)
    r = av.simulate_reader_endpoint(3, 100.0, 10.0, pools, n_trials=1, rng=5)
    for e in (r.expected_max_share, r.p_overload, r.query_share_overloaded, r.latency_ms):
        assert e.n_trials == 1 and e.standard_error == math.inf


def test_no_reads_is_the_idle_reader():
    pools = av.ConnectionPools(pools=3)
    r = av.reader_endpoint(3, 0.0, 10.0, pools)
    assert r.p_overload.value == 0.0 and r.query_share_overloaded.value == 0.0
    assert r.latency_ms.value == pytest.approx(10.0 * math.log(100.0), rel=1e-9)  # -ln(0.01) S
    assert r.penalty_ms == pytest.approx(0.0, abs=1e-6)


def test_same_seed_same_result():
    pools = av.ConnectionPools(pools=5, connections_per_pool=6)
    a = av.sample_reader_shares(4, pools, n_trials=50, rng=3)
    b = av.sample_reader_shares(4, pools, n_trials=50, rng=3)
    assert np.array_equal(a, b)


# --------------------------------------------------------------------------- invariants


def _pools(draw):
    c = draw(st.integers(1, 24))
    g = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
    return av.ConnectionPools(pools=draw(st.integers(1, 40)), connections_per_pool=c,
                              connections_per_answer=g)


@settings(max_examples=40, deadline=None)
@given(readers=st.integers(1, 8), data=st.data(), rho=st.floats(0.05, 0.9),
       k=st.integers(1, 4))
def test_invariants(readers, data, rho, k):
    pools = _pools(data.draw)
    s_ms = 10.0
    lam = rho * readers * k * 1000.0 / s_ms  # even-split utilisation rho
    r = av.reader_endpoint(readers, lam, s_ms, pools, workers_per_reader=k)
    assert r.max_share_probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    assert (r.max_share_probabilities >= 0).all()
    assert r.max_share_values.min() >= 1 / readers - 1e-12
    assert r.expected_max_share.value >= 1 / readers - 1e-12
    assert 0.0 <= r.p_overload.value <= 1.0
    assert r.even_utilisation == pytest.approx(rho)
    if math.isfinite(r.latency_ms.value):
        assert r.penalty_ms >= -1e-9 * r.even_latency_ms
    shares = av.sample_reader_shares(readers, pools, n_trials=20, rng=1)
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert (shares.max(axis=1) >= 1 / readers - 1e-12).all()


def test_many_answers_recover_the_even_split():
    gaps, penalties = [], []
    for pools in (10, 100, 1000, 3000):
        p = av.ConnectionPools(pools=pools, connections_per_pool=10, connections_per_answer=1)
        r = av.reader_endpoint(3, 400.0, 10.0, p)
        gaps.append(r.expected_max_share.value - 1 / 3)
        penalties.append(r.penalty_ms)
    assert all(a > b > 0 for a, b in itertools.pairwise(gaps))
    assert all(a > b >= 0 for a, b in itertools.pairwise(penalties))
    # 30,000 connections: within 1 % of the even split's share and of its p99
    assert gaps[-1] < 0.01 and penalties[-1] < 0.01 * r.even_latency_ms


# --------------------------------------------------------------------------- bad input


def test_bad_input_names_the_parameter_the_rule_and_the_value():
    with pytest.raises(ParameterValueError, match=r"`pools` must be .*got 0"):
        av.ConnectionPools(pools=0)
    with pytest.raises(ParameterValueError,
                       match=r"`connections_per_answer` must divide `connections_per_pool` = 10 "
                             r".*got 4"):
        av.ConnectionPools(connections_per_pool=10, connections_per_answer=4)
    with pytest.raises(ParameterValueError, match=r"`connections_per_answer` must divide .*got 20"):
        av.ConnectionPools(connections_per_pool=10, connections_per_answer=20)
    with pytest.raises(ParameterValueError, match=r"DNS answers\) must be at most 200000, got "
                                                  r"1000000"):
        av.ConnectionPools(pools=100_000, connections_per_pool=10, connections_per_answer=1)
    pools = av.ConnectionPools(pools=3)
    with pytest.raises(ParameterValueError, match=r"`readers` must be .*got 16"):
        av.reader_endpoint(16, 100.0, 10.0, pools)
    with pytest.raises(ParameterValueError, match=r"`readers` must be .*got 0"):
        av.simulate_reader_endpoint(0, 100.0, 10.0, pools)
    with pytest.raises(ParameterValueError, match=r"`reads_per_s` must be .*got -1"):
        av.reader_endpoint(2, -1.0, 10.0, pools)
    with pytest.raises(ParameterValueError, match=r"`objective` must be 'mean' or 'pNN'"):
        av.reader_endpoint(2, 1.0, 10.0, pools, objective="p100")
    with pytest.raises(ParameterTypeError, match=r"`pools` must be a ConnectionPools, got int 5"):
        av.reader_endpoint(2, 1.0, 10.0, 5)
    with pytest.raises(ParameterTypeError, match=r"`pools` must be a ConnectionPools"):
        av.sample_reader_shares(2, {"pools": 3})
    with pytest.raises(ParameterValueError, match=r"`n_trials` must be .*got 0"):
        av.simulate_reader_endpoint(2, 1.0, 10.0, pools, n_trials=0)
    with pytest.raises(ParameterValueError, match=r"`lookups` must be .*got 0"):
        av.max_load_distribution(0, 3)
