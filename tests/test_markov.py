"""Tests of aurora_models.markov against mpmath at 50 digits."""

import math

import mpmath as mp
import numpy as np
import pytest

from aurora_models import markov


def _stiff_chain():
    """Birth-death chain 0..4 with slow failures (1e-4) and fast repairs (1e3); 4 absorbs."""
    n = 5
    rows, cols, rates = [], [], []
    for i in range(n - 1):
        rows.append(i); cols.append(i + 1); rates.append(1e-4 * (4 - i))  # noqa: E702
        if i > 0:
            rows.append(i); cols.append(i - 1); rates.append(1e3 * i)  # noqa: E702
    return markov.generator(n, rows, cols, rates)


def _mp(q):
    """The generator in mpmath, its diagonal summed again at full precision."""
    n = len(q)
    m = mp.matrix([[mp.mpf(float(q[i][j])) if i != j else 0 for j in range(n)] for i in range(n)])
    for i in range(n):
        m[i, i] = -mp.fsum(m[i, j] for j in range(n))
    return m


def test_generator_rows_sum_to_zero():
    q = markov.generator(3, [0, 0, 1, 2], [1, 1, 2, 0], [1.0, 2.0, 3.0, 4.0])
    assert q[0, 1] == 3.0
    np.testing.assert_allclose(q.sum(axis=1), 0.0, atol=0)


def test_generator_rejects_negative_rate():
    with pytest.raises(ValueError, match="non-negative"):
        markov.generator(2, [0], [1], [-1.0])


def test_absorption_within_matches_mpmath_expm():
    mp.mp.dps = 60
    q = _stiff_chain()
    qm = _mp(q)
    sub = qm[0:4, 0:4]
    for t in (1.0, 1e3, 1e6):
        exact = 1 - mp.fsum(mp.expm(sub * t)[0, j] for j in range(4))
        got = markov.absorption_probability_within(q, [4], t)
        assert float(exact) < 1e-12
        assert abs(got / float(exact) - 1) < 1e-8, (t, got, exact)


def test_naive_expm_cancels_where_ours_does_not():
    """1 - survival from scipy's expm loses the answer that the direct solve keeps."""
    from scipy.linalg import expm

    q = _stiff_chain()
    t = 1.0
    naive = 1 - expm(q[:4, :4] * t)[0].sum()
    ours = markov.absorption_probability_within(q, [4], t)
    assert ours > 1e-30
    assert abs(naive / ours - 1) > 1e-3 or naive <= 0


def test_mean_time_matches_mpmath():
    mp.mp.dps = 60
    q = _stiff_chain()
    sub = _mp(q)[0:4, 0:4]
    exact = mp.lu_solve(-sub, mp.matrix([1, 1, 1, 1]))[0]
    got = markov.mean_time_to_absorption(q, [4])
    assert abs(got / float(exact) - 1) < 1e-10


def test_stationary_gth_matches_mpmath_for_tiny_probabilities():
    mp.mp.dps = 60
    q = _stiff_chain()
    q[4, 0] = 1.0  # make it irreducible
    q[4, 4] = -1.0
    qm = _mp(q)
    a = qm.T
    for j in range(5):
        a[4, j] = 1
    pi = mp.lu_solve(a, mp.matrix([0, 0, 0, 0, 1]))
    got = markov.stationary_distribution(q)
    for i in range(5):
        assert abs(got[i] / float(pi[i]) - 1) < 1e-10
    assert got[4] < 1e-15


def test_stationary_rejects_reducible_chain():
    q = markov.generator(3, [0, 1], [1, 0], [1.0, 1.0])
    with pytest.raises(ValueError, match="irreducible"):
        markov.stationary_distribution(q)


def test_unreachable_target_raises_and_start_in_target_is_certain():
    q = markov.generator(3, [0, 1], [1, 0], [1.0, 1.0])
    with pytest.raises(ValueError, match="cannot be reached"):
        markov.absorption_probability_within(q, [2], 1.0)
    assert markov.absorption_probability_within(q, [0], 1.0) == 1.0
    assert markov.mean_time_to_absorption(q, [0]) == 0.0


def test_horizon_must_be_positive():
    q = _stiff_chain()
    with pytest.raises(ValueError, match="`t` must be positive"):
        markov.absorption_probability_within(q, [4], 0.0)


def test_single_clock_is_exponential_cdf():
    q = markov.generator(2, [0], [1], [2.5])
    got = markov.absorption_probability_within(q, [1], 0.7)
    assert math.isclose(got, -math.expm1(-1.75), rel_tol=1e-13)
