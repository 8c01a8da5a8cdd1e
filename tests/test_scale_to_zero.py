"""Scale to zero (issue 29 item 5): the configurations AWS does not pause, and the paused
fraction under Poisson connection attempts against its Monte Carlo sibling and the capacity
simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import scenario as sc
from aurora_models.serverless import (
    ScalingPolicy,
    paused_fraction,
    simulate_capacity,
    simulate_paused_fraction,
)

FIELDS = ("paused_fraction", "zero_capacity_fraction", "p_wait", "mean_wait_s",
          "pauses_per_hour")


def _alone(**kw):
    return sc.load().replace(regions__secondaries=[], **kw)


@pytest.mark.parametrize("key", ["rds_proxy", "logical_replication", "zero_etl"])
def test_configurations_aws_does_not_pause_are_refused(key):
    with pytest.raises(sc.ScenarioError, match=rf"`cluster.min_acu` must be at least 0.5 with "
                                               rf"`cluster.{key}` = true \(AWS does not "
                                               rf"auto-pause"):
        _alone(cluster__min_acu=0.0, **{f"cluster__{key}": True})
    _alone(cluster__min_acu=0.5, **{f"cluster__{key}": True})  # no pause asked: fine


def test_defaults_leave_auto_pause_available():
    assert _alone(cluster__min_acu=0.0)["cluster"]["min_acu"] == 0.0


@pytest.mark.parametrize("lam", [0.5, 3.0, 12.0, 40.0])
@pytest.mark.parametrize("resume_in_cycle", [True, False])
def test_closed_form_matches_its_sibling(lam, resume_in_cycle):
    exact = paused_fraction(lam, resume_in_cycle=resume_in_cycle)
    sim = simulate_paused_fraction(lam, resume_in_cycle=resume_in_cycle, n_trials=40_000, rng=5)
    for f in FIELDS:
        e, m = getattr(exact, f), getattr(sim, f)
        assert abs(m.value - e.value) <= 4.5 * m.standard_error + 1e-12, f


def test_the_renewal_formula_by_hand():
    # idle clock from the attempt: paused = exp(-lambda T) exactly
    pol = ScalingPolicy(min_acu=0.0, seconds_until_auto_pause=600.0)
    r = paused_fraction(4.0, policy=pol, resume_in_cycle=False)
    assert r.paused_fraction.value == pytest.approx(math.exp(-4.0 / 3600 * 600))
    # with the resume in the cycle: 1 / (exp(lambda T) + lambda E[R])
    lam = 4.0 / 3600
    q = math.exp(-lam * 86_400)
    er = 15 * (1 - q) + 30 * q
    r = paused_fraction(4.0, policy=pol)
    assert r.paused_fraction.value == pytest.approx(1 / (math.exp(lam * 600) + lam * er))
    assert r.p_wait.value == pytest.approx(r.zero_capacity_fraction.value)  # PASTA


def test_closed_form_matches_the_capacity_simulator():
    # the simulator driven by Poisson connection attempts (a 1 s session each); its idle runs
    # are read off the demand, so the resume overlaps the timeout (resume_in_cycle=False)
    pol = ScalingPolicy(min_acu=0.0, max_acu=4.0)
    lam, days, blocks = 6.0, 5, 12
    rng = np.random.default_rng(7)
    fracs = []
    for _ in range(blocks):
        n = days * 86_400
        demand = np.where(rng.poisson(lam / 3600.0, size=n) > 0, 0.5, 0.0)
        fracs.append(simulate_capacity(demand, pol).paused_s / n)
    mean, se = float(np.mean(fracs)), float(np.std(fracs, ddof=1) / math.sqrt(blocks))
    exact = paused_fraction(lam, policy=pol, resume_in_cycle=False).paused_fraction.value
    assert abs(mean - exact) <= 4.5 * se + 2 * lam / 3600  # + the 1 s step's discretisation


@settings(max_examples=50, deadline=None)
@given(st.floats(0.01, 500.0), st.floats(0.01, 500.0), st.floats(300.0, 86_400.0))
def test_paused_fraction_falls_with_traffic_and_timeout(l1, l2, t):
    lo, hi = sorted((l1, l2))
    pol = ScalingPolicy(min_acu=0.0, seconds_until_auto_pause=t)
    a, b = paused_fraction(lo, policy=pol), paused_fraction(hi, policy=pol)
    for r in (a, b):
        for f in ("paused_fraction", "zero_capacity_fraction", "p_wait"):
            assert 0.0 <= getattr(r, f).value <= 1.0
    assert b.paused_fraction.value <= a.paused_fraction.value + 1e-15
    longer = ScalingPolicy(min_acu=0.0, seconds_until_auto_pause=min(86_400.0, 2 * t))
    assert paused_fraction(lo, policy=longer).paused_fraction.value <= \
        a.paused_fraction.value + 1e-15


def test_a_busy_cluster_never_pauses():
    r = paused_fraction(1e6)
    assert r.paused_fraction.value == 0.0 and r.mean_wait_s.value == 0.0


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match=r"`attempts_per_hour` must be"):
        paused_fraction(0.0)
    with pytest.raises(TypeError, match=r"`policy` must be a ScalingPolicy, got dict"):
        paused_fraction(1.0, policy={})
    with pytest.raises(ValueError, match=r"`n_trials` must be an integer in \[1, 100000000\]"):
        simulate_paused_fraction(1.0, n_trials=0)
