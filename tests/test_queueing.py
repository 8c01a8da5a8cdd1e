"""Tests of aurora_models.queueing against independent references.

References: a plain-Python Lindley loop; mpmath evaluations of the closed forms at 50 digits
(Erlang C from its factorial definition, the M/D/1 Crommelin sum); and simulation through the
Lindley recursion for Pollaczek-Khinchine (M/D/1 and M/M/1 at fixed seeds, 4.5 standard errors).
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import UnstableSystemError, queueing


def lindley_loop(a, s, w0=0.0):
    w = [w0]
    for k in range(1, len(a)):
        w.append(max(0.0, w[-1] + s[k - 1] - a[k]))
    return np.array(w)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0, 10)), min_size=1, max_size=300),
       st.floats(0, 5))
def test_lindley_matches_plain_loop(pairs, w0):
    a = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    np.testing.assert_allclose(queueing.lindley_waits(a, s, initial_wait_s=w0),
                               lindley_loop(a, s, w0), rtol=0, atol=1e-9)


def test_lindley_blocks_and_batches_agree_with_loop():
    rng = np.random.default_rng(1)
    n = 3 * 4096 + 17  # crosses block boundaries
    a = rng.exponential(1.0, size=(3, n))
    s = rng.exponential(0.95, size=(3, n))
    got = queueing.lindley_waits(a, s)
    for r in range(3):
        np.testing.assert_allclose(got[r], lindley_loop(a[r], s[r]), rtol=0, atol=1e-9)


def test_lindley_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        queueing.lindley_waits([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"`service_s` must be non-negative, got -1.0 at index 1"):
        queueing.lindley_waits([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError, match=r"`interarrival_s` must be finite, got nan at index 0"):
        queueing.lindley_waits([float("nan")], [1.0])


def simulated_mean_wait(rng, lam, service, n_reps=20, n=20_000, warmup=2_000):
    """Independent replications of the Lindley recursion: mean wait and its standard error."""
    a = rng.exponential(1 / lam, size=(n_reps, n))
    w = queueing.lindley_waits(a, service(rng, (n_reps, n)))[:, warmup:]
    means = w.mean(axis=1)
    return means.mean(), means.std(ddof=1) / math.sqrt(n_reps)


@pytest.mark.parametrize("kind", ["deterministic", "exponential"])
def test_pollaczek_khinchine_matches_simulation(kind):
    lam, es = 8.0, 0.1
    if kind == "deterministic":
        es2 = es**2
        service = lambda rng, size: np.full(size, es)  # noqa: E731
    else:
        es2 = 2 * es**2
        service = lambda rng, size: rng.exponential(es, size)  # noqa: E731
    exact = queueing.mg1_mean_wait(lam, es, es2)
    mean, se = simulated_mean_wait(np.random.default_rng(20261127), lam, service)
    assert abs(mean - exact) < 4.5 * se, (mean, exact, se)


def test_mm1_closed_forms_are_consistent():
    lam, mu = 8.0, 10.0
    # P(W > t) from the CDF, the M/G/1 exponential approximation (exact here) and M/M/c with c=1.
    t = np.array([0.0, 0.05, 0.3, 1.0])
    a = 1 - queueing.mm1_wait_cdf(t, lam, mu)
    b = queueing.mg1_wait_sf_approx(t, lam, 1 / mu, 2 / mu**2)
    c = queueing.mmc_wait_sf(t, 1, lam, mu)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(a, c, rtol=1e-12)
    q = queueing.mm1_wait_quantile(0.99, lam, mu)
    assert float(queueing.mm1_wait_cdf(q, lam, mu)) == pytest.approx(0.99, rel=1e-12)


def md1_cdf_mpmath(t, lam, d):
    mpmath.mp.dps = 60
    t, lam, d = mpmath.mpf(t), mpmath.mpf(lam), mpmath.mpf(d)
    total = mpmath.mpf(0)
    for k in range(int(mpmath.floor(t / d)) + 1):
        x = lam * (k * d - t)
        total += x**k / mpmath.factorial(k) * mpmath.exp(-x)
    return float((1 - lam * d) * total)


@pytest.mark.parametrize("t", [0.0, 0.05, 0.1, 0.25, 1.0, 3.7])
def test_md1_cdf_matches_mpmath(t):
    assert queueing.md1_wait_cdf(t, 9.0, 0.1) == pytest.approx(md1_cdf_mpmath(t, 9.0, 0.1),
                                                               rel=1e-12, abs=1e-15)


def test_md1_quantiles_match_simulation():
    lam, d = 8.0, 0.1
    rng = np.random.default_rng(7)
    n = 400_000
    w = queueing.lindley_waits(rng.exponential(1 / lam, n), np.full(n, d))[10_000:]
    for q in (0.5, 0.9, 0.99):
        exact = queueing.md1_wait_quantile(q, lam, d)
        # The empirical CDF at the exact quantile, with a batch-means standard error (the waits
        # are autocorrelated, so a binomial error would be too small).
        hits = (w <= exact).reshape(100, -1).mean(axis=1)
        se = hits.std(ddof=1) / math.sqrt(100)
        assert abs(hits.mean() - q) < 4.5 * se, (q, hits.mean(), se)
    assert queueing.md1_wait_quantile(0.1, lam, d) == 0.0  # P(W = 0) = 1 - rho = 0.2


def erlang_c_mpmath(c, a):
    mpmath.mp.dps = 50
    a = mpmath.mpf(a)
    top = a**c / mpmath.factorial(c) * c / (c - a)
    bottom = sum(a**k / mpmath.factorial(k) for k in range(c)) + top
    return float(top / bottom)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.5), (5, 4.0), (16, 12.3), (200, 190.0)])
def test_erlang_c_matches_mpmath(c, a):
    assert queueing.erlang_c(c, a) == pytest.approx(erlang_c_mpmath(c, a), rel=1e-10)


def test_mmc_response_quantile_inverts_sf_and_bounds():
    for c, lam, mu in [(1, 5.0, 10.0), (4, 30.0, 10.0), (3, 20.0, 10.0)]:  # theta == mu for the last
        q = queueing.mmc_response_quantile(0.99, c, lam, mu)
        assert float(queueing.mmc_response_sf(q, c, lam, mu)) == pytest.approx(0.01, rel=1e-9)
        assert q >= math.log(100) / mu  # never below the service-time quantile


def test_mmc_response_sf_matches_simulation():
    # M/M/2 by direct simulation of the response time: W from its mixture law, S exponential.
    rng = np.random.default_rng(11)
    c, lam, mu = 2, 15.0, 10.0
    pc = queueing.erlang_c(c, lam / mu)
    n = 200_000
    waits = np.where(rng.random(n) < pc, rng.exponential(1 / (c * mu - lam), n), 0.0)
    t = waits + rng.exponential(1 / mu, n)
    for x in (0.05, 0.2, 0.5):
        p = float(queueing.mmc_response_sf(x, c, lam, mu))
        emp = (t > x).mean()
        assert abs(emp - p) < 4.5 * math.sqrt(p * (1 - p) / n)


def test_kingman_reduces_to_pk_for_poisson_arrivals():
    lam, es = 3.0, 0.2
    for cs2 in (0.0, 0.5, 1.0, 3.0):
        assert queueing.kingman_mean_wait(lam, es, 1.0, cs2) == pytest.approx(
            queueing.mg1_mean_wait(lam, es, es**2 * (1 + cs2)), rel=1e-12)


def test_unstable_queues_say_so_with_growth_rate():
    st_ = queueing.stability(12.0, 0.125)
    assert not st_.stable and st_.backlog_growth_per_s == pytest.approx(0.5)
    with pytest.raises(UnstableSystemError, match=r"utilisation is 1.5 .*grows without bound by 0.5"):
        queueing.mg1_mean_wait(12.0, 0.125, 0.125**2)
    with pytest.raises(UnstableSystemError, match="Erlang C"):
        queueing.erlang_c(2, 2.0)
    with pytest.raises(UnstableSystemError):
        queueing.mm1_wait_quantile(0.5, 10.0, 10.0)


def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"`servers` must be an integer in \[1, inf\], got 0"):
        queueing.erlang_c(0, 0.5)
    with pytest.raises(ValueError, match=r"`arrival_rate` must be non-negative, got -1.0"):
        queueing.mg1_mean_wait(-1.0, 0.1, 0.01)
    with pytest.raises(ValueError, match="`service_second_moment` must be at least"):
        queueing.mg1_mean_wait(1.0, 0.1, 0.001)
    with pytest.raises(ValueError, match=r"`q` must be a probability in \[0, 1\], got 1.5"):
        queueing.mmc_response_quantile(1.5, 2, 1.0, 1.0)


def test_mmc_response_sf_is_finite_and_exact_near_saturation():
    # theta = c mu - lambda is tiny: the old form overflowed in exp(-(theta - mu) t).
    c, lam, mu = 4, 39.999, 10.0
    t = np.array([0.0, 1.0, 100.0, 10_000.0])
    mpmath.mp.dps = 50
    pc = mpmath.mpf(erlang_c_mpmath(c, lam / mu))
    theta = c * mu - mpmath.mpf(lam)
    for x, got in zip(t, queueing.mmc_response_sf(t, c, lam, mu), strict=True):
        x = mpmath.mpf(float(x))
        ref = mpmath.exp(-mu * x) + pc * mu * (mpmath.exp(-theta * x) - mpmath.exp(-mu * x)) / (mu - theta)
        assert np.isfinite(got) and got == pytest.approx(float(ref), rel=1e-9)
