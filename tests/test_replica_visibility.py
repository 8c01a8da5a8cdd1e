"""In-region read-after-write visibility (issue 28 item 3): the M/G/1 sojourn distribution of
``queueing`` and the replica-lag distribution of ``write_path`` built on it.

References used below, each derived by hand here (not read from the code under test):

- M/M/1: the sojourn time is exponential with rate ``mu - lambda``.
- M/E2/1 (gamma service of shape 2, squared CV 1/2): the Pollaczek-Khinchine transform of the
  sojourn, ``T*(s) = (1 - rho) s S*(s) / (s - lambda + lambda S*(s))`` with
  ``S*(s) = (2 mu / (2 mu + s))^2``, reduces to ``4 mu (mu - lambda) / (s^2 + (4 mu - lambda) s
  + 4 mu (mu - lambda))``: T is the sum of two independent exponentials whose rates r1, r2 are
  the negated roots of that quadratic, ``P(T <= t) = 1 - (r2 e^{-r1 t} - r1 e^{-r2 t}) /
  (r2 - r1)``.
- M/D/1: Erlang's (Crommelin's) waiting-time series, evaluated with mpmath at 60 digits,
  shifted by the constant service time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import queueing
from aurora_models.exceptions import UnstableSystemError
from aurora_models.write_path import (
    AURORA_REPLICA,
    MYSQL_BINLOG_REPLICA,
    ReplicaLagParams,
    replica_lag,
    replica_visibility,
    replica_visibility_probability,
    replica_visibility_quantile,
    simulate_replica_visibility,
)

mpmath = pytest.importorskip("mpmath")


def _me2_cdf(t, lam, es):
    """M/E2/1 sojourn CDF by the hand derivation in the module docstring."""
    mu = 1.0 / es
    b, c = 4 * mu - lam, 4 * mu * (mu - lam)
    disc = math.sqrt(b * b - 4 * c)
    r1, r2 = (b - disc) / 2, (b + disc) / 2
    t = np.asarray(t, dtype=float)
    return 1.0 - (r2 * np.exp(-r1 * t) - r1 * np.exp(-r2 * t)) / (r2 - r1)


def _md1_sojourn_mpmath(t, lam, d):
    """P(W + D <= t) in M/D/1 from Crommelin's series, in mpmath at 60 digits."""
    mpmath.mp.dps = 60
    w = mpmath.mpf(t) - mpmath.mpf(d)
    if w < 0:
        return 0.0
    lam, d = mpmath.mpf(lam), mpmath.mpf(d)
    total = mpmath.mpf(0)
    for k in range(int(mpmath.floor(w / d)) + 1):
        x = lam * (k * d - w)
        total += x**k / mpmath.factorial(k) * mpmath.exp(-x)
    return float((1 - lam * d) * total)


# -- queueing.mg1_sojourn_cdf -------------------------------------------------------------------


@pytest.mark.parametrize(("lam", "es"), [(500.0, 1e-3), (3_000.0, 250e-6), (9_000.0, 1e-4)])
def test_exponential_service_is_the_mm1_sojourn(lam, es):
    t = np.linspace(0.0, 20 * es, 41)
    expected = 1.0 - np.exp(-(1.0 / es - lam) * t)
    np.testing.assert_allclose(queueing.mg1_sojourn_cdf(t, lam, es, 1.0), expected, atol=1e-15)
    # the numerical (FFT) route, a hair away from cs2 = 1, meets the same closed form (what is
    # left after the Richardson step is second order in the grid width: ~2e-6 at rho = 0.9)
    np.testing.assert_allclose(queueing.mg1_sojourn_cdf(t, lam, es, 1.0 + 1e-9), expected,
                               atol=1e-5)


@pytest.mark.parametrize(("lam", "es"), [(500.0, 1e-3), (3_000.0, 250e-6), (9_000.0, 1e-4)])
def test_erlang2_service_matches_the_hand_derived_hypoexponential(lam, es):
    t = np.linspace(0.0, 15 * es / (1 - lam * es), 61)
    got = queueing.mg1_sojourn_cdf(t, lam, es, 0.5)
    np.testing.assert_allclose(got, _me2_cdf(t, lam, es), atol=1e-5)  # the stated ~1e-6


@pytest.mark.parametrize(("lam", "d"), [(500.0, 1e-3), (3_000.0, 250e-6)])
def test_constant_service_matches_crommelin_in_mpmath(lam, d):
    ts = [0.5 * d, d, 1.3 * d, 2.0 * d, 3.7 * d, 8.0 * d]
    ref = [_md1_sojourn_mpmath(t, lam, d) for t in ts]
    np.testing.assert_allclose(queueing.mg1_sojourn_cdf(ts, lam, d, 0.0), ref, atol=1e-12)
    # the numerical route just off cs2 = 0 converges to the same steps (away from the jumps)
    off = [1.3 * d, 2.5 * d, 3.7 * d]
    np.testing.assert_allclose(queueing.mg1_sojourn_cdf(off, lam, d, 1e-6),
                               [_md1_sojourn_mpmath(t, lam, d) for t in off], atol=1e-4)


def test_no_arrivals_leaves_the_service_time():
    from scipy import stats

    t = np.linspace(0.0, 5e-3, 11)
    for cs2 in (0.25, 4.0):
        k = 1.0 / cs2
        expected = stats.gamma.cdf(t, k, scale=1e-3 / k)
        np.testing.assert_allclose(queueing.mg1_sojourn_cdf(t, 0.0, 1e-3, cs2), expected,
                                   atol=1e-5)  # the stated ~1e-6 (linear interpolation)


def test_gamma_service_matches_a_lindley_simulation():
    """cs2 = 4 (heavier than exponential) against 2M Lindley waits, batch-means errors."""
    lam, es, cs2 = 600.0, 1e-3, 4.0
    gen = np.random.default_rng(20261207)
    n, nb = 2_000_000, 40
    gaps = gen.exponential(1.0 / lam, n)
    k = 1.0 / cs2
    s = gen.gamma(k, es / k, n)
    soj = (queueing.lindley_waits(gaps, s) + s)[n // 100:]
    t = np.array([0.5e-3, 2e-3, 5e-3, 10e-3, 20e-3])
    frac = np.array([(b[:, None] <= t).mean(axis=0) for b in np.array_split(soj, nb)])
    p, se = frac.mean(axis=0), frac.std(axis=0, ddof=1) / math.sqrt(nb)
    z = (queueing.mg1_sojourn_cdf(t, lam, es, cs2) - p) / se
    assert np.all(np.abs(z) < 4.5), z


def test_mean_of_the_distribution_is_pollaczek_khinchine():
    lam, es = 3_000.0, 250e-6
    for cs2 in (0.3, 2.0, 9.0):
        x = np.linspace(0.0, 0.5, 400_001)
        sf = 1.0 - queueing.mg1_sojourn_cdf(x, lam, es, cs2)
        mean = float(np.sum(0.5 * (sf[1:] + sf[:-1]) * np.diff(x)))
        pk = es + queueing.mg1_mean_wait(lam, es, es * es * (1 + cs2))
        assert mean == pytest.approx(pk, rel=2e-3)


@pytest.mark.parametrize("cs2", [0.0, 0.2, 1.0, 3.0, 100.0])
def test_cdf_is_a_distribution(cs2):
    t = np.concatenate([[0.0], np.geomspace(1e-7, 50.0, 400)])
    f = queueing.mg1_sojourn_cdf(t, 800.0, 1e-3, cs2)
    assert np.all((f >= 0) & (f <= 1))
    assert np.all(np.diff(f) >= -1e-15)
    assert f[0] == 0.0 and f[-1] == pytest.approx(1.0, abs=1e-9)
    assert isinstance(queueing.mg1_sojourn_cdf(1e-3, 800.0, 1e-3, cs2), float)


@settings(max_examples=40, deadline=None)
@given(rho=st.floats(0.0, 0.95), es_us=st.floats(5.0, 5_000.0),
       cs2=st.one_of(st.just(0.0), st.just(1.0), st.floats(0.05, 20.0)),
       delay_ms=st.floats(0.0, 5.0))
def test_any_replica_gives_a_monotone_curve_and_its_inverse(rho, es_us, cs2, delay_ms):
    params = ReplicaLagParams(engine="mysql_binlog", apply_us_per_write=es_us,
                              fixed_delay_ms=delay_ms, apply_cs2=cs2)
    rate = rho / (es_us * 1e-6)
    q = np.array([0.5, 0.99, 0.999])
    tq = replica_visibility_quantile(q, rate, params)
    assert np.all(tq >= delay_ms) and np.all(np.diff(tq) >= 0)
    t = np.linspace(0.0, tq[-1] * 1.5, 64)
    p = replica_visibility_probability(t, rate, params)
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p) >= -1e-12)
    assert np.all(replica_visibility_probability(tq, rate, params) >= q - 1e-5)


@pytest.mark.parametrize("cs2", [0.0, 0.5, 1.0, 4.0])
def test_quantile_inverts_the_cdf(cs2):
    lam, es = 3_000.0, 250e-6
    q = np.array([0.1, 0.5, 0.9, 0.99, 0.999])
    x = queueing.mg1_sojourn_quantile(q, lam, es, cs2)
    # the generalised inverse: F(x) >= q, and F just below x is <= q (M/D/1 has an atom of
    # 1 - rho = 0.25 at the service time, the quantile of every q below it)
    assert np.all(queueing.mg1_sojourn_cdf(x, lam, es, cs2) >= q - 2e-6)
    assert np.all(queueing.mg1_sojourn_cdf(x * (1 - 1e-9), lam, es, cs2) <= q + 2e-6)
    if cs2 == 0.0:
        assert x[0] == es
    assert queueing.mg1_sojourn_quantile(0.0, lam, es, cs2) == 0.0
    assert queueing.mg1_sojourn_quantile(1.0, lam, es, cs2) == math.inf


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match=r"`t_s` must be non-negative, got -1"):
        queueing.mg1_sojourn_cdf(-1.0, 10.0, 1e-3)
    with pytest.raises(ValueError, match=r"`service_cs2` must be at most 100 .*got 101.0"):
        queueing.mg1_sojourn_cdf(1.0, 10.0, 1e-3, 101.0)
    with pytest.raises(ValueError, match=r"`service_mean` must be positive, got 0"):
        queueing.mg1_sojourn_cdf(1.0, 10.0, 0.0)
    with pytest.raises(ValueError, match=r"`arrival_rate` must be non-negative, got -5"):
        queueing.mg1_sojourn_cdf(1.0, -5.0, 1e-3)
    with pytest.raises(TypeError, match=r"`t_s` must be a real number"):
        queueing.mg1_sojourn_cdf("soon", 10.0, 1e-3)
    with pytest.raises(ValueError, match=r"`q` must be a probability in \[0, 1\], got 1.5"):
        queueing.mg1_sojourn_quantile(1.5, 10.0, 1e-3)
    with pytest.raises(UnstableSystemError, match=r"utilisation is 1.2 \(>= 1\)"):
        queueing.mg1_sojourn_cdf(1.0, 1_200.0, 1e-3, 2.0)


# -- write_path: the in-region replica ----------------------------------------------------------

PRESETS = [pytest.param(AURORA_REPLICA, 10_000.0, id="aurora-10k"),
           pytest.param(MYSQL_BINLOG_REPLICA, 3_000.0, id="mysql-3k")]


@pytest.mark.parametrize(("params", "rate"), PRESETS)
def test_exponential_apply_is_a_shifted_exponential(params, rate):
    """Both presets apply in exponential time (cs2 = 1): lag = d + Exp(mu - lambda), by hand."""
    assert params.apply_cs2 == 1.0
    d, mu = params.delay_ms, 1e3 / params.apply_us_per_write  # per ms
    theta = mu - rate / 1e3
    t = d + np.array([-0.5, 0.0, 0.01, 0.1, 0.5, 1.0, 3.0])
    t = t[t >= 0]
    expected = np.where(t > d, 1.0 - np.exp(-theta * (t - d)), 0.0)
    np.testing.assert_allclose(replica_visibility_probability(t, rate, params), expected,
                               atol=1e-14)
    for q in (0.5, 0.99, 0.999):
        assert replica_visibility_quantile(q, rate, params) == pytest.approx(
            d + math.log(1.0 / (1.0 - q)) / theta, rel=1e-12)


@pytest.mark.parametrize(("params", "rate"), [
    *PRESETS,
    pytest.param(ReplicaLagParams(engine="mysql_binlog", apply_us_per_write=250.0,
                                  fixed_delay_ms=0.5, apply_cs2=4.0), 2_000.0, id="gamma-cs2-4"),
    pytest.param(ReplicaLagParams(engine="aurora", apply_us_per_write=96.63, fixed_delay_ms=2.5,
                                  apply_cs2=0.0), 8_000.0, id="constant-apply"),
])
def test_simulation_agrees_with_the_closed_form(params, rate):
    d = params.delay_ms
    es_ms = params.apply_us_per_write / 1e3
    t = d + es_ms * np.array([0.5, 1.0, 2.0, 5.0, 10.0])
    mc = simulate_replica_visibility(t, rate, params, n_writes=400_000, n_batches=40, rng=7)
    cf = replica_visibility(t, rate, params)
    assert list(mc.columns) == list(cf.columns)
    se = mc["standard_error"].to_numpy()
    diff = mc["p_visible"].to_numpy() - cf["p_visible"].to_numpy()
    ok = np.abs(diff) < np.maximum(4.5 * se, 1e-12)
    assert ok.all(), (diff / np.where(se > 0, se, 1.0)).round(2).tolist()
    assert (mc["method"] == "monte_carlo").all() and (cf["standard_error"] == 0).all()


@pytest.mark.parametrize("params", [AURORA_REPLICA, MYSQL_BINLOG_REPLICA,
                                    ReplicaLagParams(engine="mysql_binlog", fixed_delay_ms=1.0,
                                                     apply_us_per_write=200.0, apply_cs2=2.5)])
def test_mean_of_the_curve_is_replica_lags_mean(params):
    """Two routes to the mean lag: the integral of the curve's survival and replica_lag (P-K)."""
    rate = 2_500.0
    hi = replica_visibility_quantile(1 - 1e-12, rate, params)
    t = np.linspace(0.0, hi, 200_001)
    sf = 1.0 - replica_visibility_probability(t, rate, params)
    mean = float(np.sum(0.5 * (sf[1:] + sf[:-1]) * np.diff(t)))
    assert mean == pytest.approx(float(replica_lag([rate], params)["mean_lag_ms"][0]), rel=1e-3)


def test_t99_and_t999_on_the_presets():
    """Aurora's replica sees a write within about its fixed delay; the binlog replica's tail grows
    with load (the numbers a report quotes, from the hand formula)."""
    a = replica_visibility_quantile([0.99, 0.999], 5_000.0, AURORA_REPLICA)
    assert np.all(np.diff(a) > 0) and a[0] < AURORA_REPLICA.delay_ms + 0.2
    m = replica_visibility_quantile([0.99, 0.999], 3_500.0, MYSQL_BINLOG_REPLICA)
    assert m[1] == pytest.approx(MYSQL_BINLOG_REPLICA.delay_ms + math.log(1000) / 0.5)


def test_curve_is_monotone_and_bounded():
    t = np.linspace(0.0, 20.0, 501)
    for params in (AURORA_REPLICA, MYSQL_BINLOG_REPLICA):
        p = replica_visibility_probability(t, 3_000.0, params)
        assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p) >= 0)
        assert p[0] == 0.0 and p[-1] == pytest.approx(1.0)
        # more load, a later curve
        assert np.all(replica_visibility_probability(t, 3_900.0, params) <= p + 1e-15)


def test_unstable_load_is_an_error_naming_the_rate():
    with pytest.raises(UnstableSystemError, match=r"`writes_per_s` = 5000: the replica's apply "
                                                  r"queue .* utilisation 1.25 \(>= 1\)"):
        replica_visibility_probability(5.0, 5_000.0, MYSQL_BINLOG_REPLICA)
    with pytest.raises(UnstableSystemError, match=r"`writes_per_s` = 5000"):
        simulate_replica_visibility(5.0, 5_000.0, MYSQL_BINLOG_REPLICA, rng=1)
    with pytest.raises(UnstableSystemError, match=r"visibility quantile does not exist"):
        replica_visibility_quantile(0.99, 5_000.0, MYSQL_BINLOG_REPLICA)


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match=r"`t_ms` must be non-negative, got -1"):
        replica_visibility_probability(-1.0, 100.0)
    with pytest.raises(ValueError, match=r"`writes_per_s` must be non-negative, got -3"):
        replica_visibility(1.0, -3.0)
    with pytest.raises(TypeError, match=r"`params` must be a ReplicaLagParams, got dict"):
        replica_visibility(1.0, 100.0, {"engine": "aurora"})
    with pytest.raises(ValueError, match=r"`writes_per_s` must be positive for a simulation"):
        simulate_replica_visibility(1.0, 0.0, rng=1)
    with pytest.raises(ValueError, match=r"`n_batches` must be an integer in \[2, 2\], got 3"):
        simulate_replica_visibility(1.0, 100.0, n_writes=200, n_batches=3, rng=1)


def test_same_seed_same_result():
    a = simulate_replica_visibility([3.0], 5_000.0, n_writes=5_000, rng=3)
    b = simulate_replica_visibility([3.0], 5_000.0, n_writes=5_000, rng=3)
    assert a.equals(b)
