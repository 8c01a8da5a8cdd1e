"""Tests of aurora_models.availability.

References: scipy.stats.lognorm for the fitted failover distributions; hand-written compound
Poisson sums for the closed form; an Erlang C written out from its factorial definition (mpmath)
for reader sizing; Monte Carlo against the closed form within 4.5 standard errors at fixed seeds.
"""

import math

import mpmath
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import aurora_models as am
from aurora_models import availability as av
from aurora_models import data, quorum

# A fixed, small storage term so that most tests do not depend on the quorum model's numbers.
STORAGE = av.StorageUnavailability(p_unavailable=2e-8, events_per_year=1e-3)
NO_EVENTS = dict(instance_failure_rate_per_year=0.0, maintenance_events_per_year=0.0,
                 failures=quorum.FailureModel(az_outage_rate_per_year=0.0),
                 ebs_volume_failure_rate_per_year=0.0)
NO_CLIENT = av.ClientConfig(dns_ttl_s=0.0, retry_interval_s=0.0)
MIN_PER_YEAR = 8760 * 60


def lognorm(d):
    return stats.lognorm(s=d.sigma, scale=d.median_s)


# --------------------------------------------------------------------------- failover fits


def test_failover_fits_reproduce_the_cited_quantiles():
    # Aurora: "often < 30 s" = P50, "typically < 60 s" = P90 (UG Concepts.AuroraHighAvailability)
    a = lognorm(av.AURORA.failover)
    assert a.ppf(0.5) == pytest.approx(30.0, rel=1e-12)
    assert a.ppf(0.9) == pytest.approx(60.0, rel=1e-12)
    # Aurora without a replica: "< 10 minutes" = P90
    assert lognorm(av.AURORA_NO_REPLICA.recovery).ppf(0.9) == pytest.approx(600.0, rel=1e-12)
    # RDS Multi-AZ DB instance: "60-120 s" = P10-P90
    m = lognorm(av.RDS_MULTI_AZ_INSTANCE.failover)
    assert (m.ppf(0.1), m.ppf(0.9)) == pytest.approx((60.0, 120.0), rel=1e-12)
    # Multi-AZ DB cluster: "< 35 s" = P90
    assert lognorm(av.RDS_MULTI_AZ_CLUSTER.failover).ppf(0.9) == pytest.approx(35.0, rel=1e-12)


def test_lognormal_moments_and_sampling_match_scipy():
    d = av.LognormalDuration(median_s=30.0, sigma=0.6)
    ref = lognorm(d)
    assert d.mean_s == pytest.approx(ref.mean(), rel=1e-12)
    assert d.second_moment_s2 == pytest.approx(ref.moment(2), rel=1e-12)
    x = d.sample(200_000, rng=3)
    assert x.mean() == pytest.approx(ref.mean(), abs=4.5 * ref.std() / math.sqrt(x.size))
    assert d.quantile(0.0) == 0.0 and d.quantile(1.0) == math.inf


def test_registry_lists_the_availability_defaults_and_the_az_rate_from_the_data():
    reg = am.assumptions("availability").set_index("name")
    for name in ("aurora_failover", "rds_multi_az_instance_failover",
                 "dns_ttl_s", "instance_failure_rate_per_year", "proxy_recovery_reduction"):
        assert f"availability.{name}" in reg.index
    # The AZ incident rate has one home, the quorum model's registered default.
    assert "availability.az_outage_rate_per_year" not in reg.index
    assert av.FailureRates().az_outage_rate_per_year == am.assumptions("quorum").set_index(
        "name").loc["quorum.az_outage_rate_per_year", "value"]
    assert reg.loc["availability.aurora_failover", "kind"] == "cited"
    assert reg.loc["availability.instance_failure_rate_per_year", "kind"] == "assumption"
    inc = data.load_az_incidents()
    rate = (inc["region_code"] == "us-east-1").sum() / inc.attrs["window_years"] / 6
    assert av.FailureRates().az_outage_rate_per_year == pytest.approx(rate, rel=1e-6)
    assert 0.7 < rate < 0.8  # 22 incidents / 4.93 years / 6 AZs


# --------------------------------------------------------------------------- closed form


def test_closed_form_single_component_by_hand():
    rates = av.FailureRates(**{**NO_EVENTS, "instance_failure_rate_per_year": 2.0})
    got = av.annual_downtime(av.RDS_SINGLE_AZ, rates=rates, client=NO_CLIENT).mean.value
    assert got == pytest.approx(2.0 * lognorm(av.RDS_SINGLE_AZ.recovery).mean() / 60, rel=1e-12)
    # With a standby, the event is a failover unless the standby is itself down (tiny).
    dep = av.RDS_MULTI_AZ_INSTANCE
    x = 2.0 * lognorm(dep.recovery).mean() / (MIN_PER_YEAR * 60)
    q = x / (1 + x)  # long-run probability that the standby is itself being replaced
    got = av.annual_downtime(dep, rates=rates, client=NO_CLIENT).mean.value
    assert got == pytest.approx(
        2.0 * ((1 - q) * lognorm(dep.failover).mean() + q * lognorm(dep.recovery).mean()) / 60,
        rel=1e-12)


def test_dns_and_retry_add_half_their_length_per_event_and_proxy_cuts_failovers():
    rates = av.FailureRates(**{**NO_EVENTS, "maintenance_events_per_year": 3.0})
    base = av.annual_downtime(av.AURORA, rates=rates, client=NO_CLIENT,
                              storage=STORAGE).mean.value
    ttl = av.annual_downtime(av.AURORA, rates=rates, storage=STORAGE,
                             client=av.ClientConfig(dns_ttl_s=30.0,
                                                    retry_interval_s=4.0)).mean.value
    storage_min = STORAGE.p_unavailable * MIN_PER_YEAR
    assert (ttl - base) == pytest.approx(3.0 * (15.0 + 2.0) / 60, rel=1e-3)
    proxy = av.annual_downtime(av.AURORA, rates=rates, storage=STORAGE,
                               client=av.PROXY_CLIENT).mean.value
    direct = av.annual_downtime(av.AURORA, rates=rates, storage=STORAGE).mean.value
    assert (proxy - storage_min) == pytest.approx((1 - 0.79) * (direct - storage_min), rel=1e-3)


def test_components_sum_to_total_and_nines():
    frame = av.downtime_components(av.AURORA, storage=STORAGE)
    assert list(frame.index) == ["instance failure", "maintenance", "AZ outage", "storage",
                                 "total"]
    parts = frame["downtime_minutes_per_year"].drop("total")
    assert parts.sum() == pytest.approx(frame.loc["total", "downtime_minutes_per_year"])
    assert frame.loc["storage", "downtime_minutes_per_year"] == pytest.approx(
        STORAGE.p_unavailable * MIN_PER_YEAR)
    t = frame.loc["total"]
    assert t["nines"] == pytest.approx(-math.log10(1 - t["availability"]))
    assert av.nines(52.56) == pytest.approx(4.0)


def test_failover_speed_ranking_of_the_presets():
    d = {dep.name: av.annual_downtime(dep, storage=STORAGE).mean.value
         for dep in (*av.DEPLOYMENTS, av.AURORA_NO_REPLICA)}
    order = sorted(d, key=d.get)
    assert order == ["RDS Multi-AZ cluster", "Aurora (1 replica)", "RDS Multi-AZ instance",
                     "Aurora (0 replicas)", "RDS Single-AZ"]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 14), st.floats(0.1, 20.0))
def test_downtime_decreases_with_replicas_down_to_the_storage_floor(n, fail_rate):
    rates = av.FailureRates(instance_failure_rate_per_year=fail_rate)
    a = av.annual_downtime(av.aurora(n), rates=rates, storage=STORAGE).mean.value
    b = av.annual_downtime(av.aurora(n + 1), rates=rates, storage=STORAGE).mean.value
    floor = STORAGE.p_unavailable * MIN_PER_YEAR
    assert floor < b <= a
    if n == 0:
        assert b < 0.5 * a  # the first replica turns a recreate into a failover


def test_storage_term_comes_from_the_quorum_model():
    from aurora_models import quorum

    su = av.storage_unavailability()
    p = quorum.steady_state_probability(quorum.AURORA, quorum.FailureModel(),
                                        event="write_unavailable")
    assert su.p_unavailable == pytest.approx(float(p.value))
    frame = av.downtime_components(av.AURORA)
    assert frame.loc["storage", "downtime_minutes_per_year"] == pytest.approx(
        float(p.value) * MIN_PER_YEAR)


def test_storage_term_scales_with_the_volume_and_the_failure_model():
    from aurora_models import quorum

    fm = quorum.FailureModel()
    p_group = float(quorum.steady_state_probability(quorum.AURORA, fm,
                                                    event="write_unavailable").value)
    n = quorum.n_protection_groups(2000.0, fm.segment_size_bytes)
    assert n > 100
    big = av.storage_unavailability(fm, volume_gib=2000.0)
    assert big.p_unavailable == pytest.approx(n * p_group, rel=1e-12)
    p_year = float(quorum.volume_event_probability(2000.0, quorum.AURORA, fm,
                                                   event="write_unavailable").value)
    assert big.events_per_year == pytest.approx(-math.log1p(-p_year), rel=1e-12)
    # A harsher storage failure model raises the storage term.
    worse = av.storage_unavailability(quorum.FailureModel(copy_failure_rate_per_year=1.0),
                                      volume_gib=2000.0)
    assert worse.p_unavailable > 1.5 * big.p_unavailable
    # The decision table asks for the workload's volume, not one protection group.
    w = av.Workload(storage_gib=2000.0)
    t = av.decision_table(w).set_index("deployment")
    expect = av.annual_downtime(av.aurora(0), storage=big).mean.value
    assert t.loc["Aurora (0 replicas)", "annual_downtime_minutes"] == pytest.approx(expect)
    with pytest.raises(ValueError, match=r"`volume_gib` must be positive"):
        av.storage_unavailability(volume_gib=0.0)
    with pytest.raises(TypeError, match=r"`failures` must be a quorum.FailureModel"):
        av.storage_unavailability("default")


def test_az_outage_duration_has_one_home():
    from aurora_models import quorum

    assert av.FailureRates().az_outage.mean_s == pytest.approx(
        quorum.FailureModel().az_outage_hours * 3600, rel=1e-12)
    d = av.FailureRates().with_az_outage_hours(5.0).az_outage
    assert d.mean_s == pytest.approx(5 * 3600, rel=1e-12)
    assert d.quantile(0.9) / d.quantile(0.5) == pytest.approx(4.0, rel=1e-12)


# --------------------------------------------------------------------------- failover time


@pytest.mark.parametrize("dep", [*av.DEPLOYMENTS, av.AURORA_NO_REPLICA], ids=lambda d: d.name)
@pytest.mark.parametrize("client", [av.DIRECT_CLIENT, av.PROXY_CLIENT,
                                    av.ClientConfig(dns_ttl_s=30.0, retry_interval_s=2.0)],
                         ids=["direct", "proxy", "slow-dns"])
def test_failover_quantiles_against_monte_carlo(dep, client):
    # Independent check: draw server-side outages and the client's uniform delays directly.
    gen = np.random.default_rng(11)
    n = 200_000
    dur = dep.failover if dep.has_standby else dep.recovery
    x = dur.median_s * np.exp(dur.sigma * gen.standard_normal(n))
    if not (client.proxy and not dep.has_standby):
        x = x + client.dns_ttl_s * gen.random(n) + client.retry_interval_s * gen.random(n)
        if client.proxy:
            x = x * (1 - client.reduction(dep.family))
    for q in (0.5, 0.9, 0.99):
        t = av.failover_time_s(dep, q=q, client=client)
        frac = (x <= t).mean()
        assert abs(frac - q) < 4.5 * math.sqrt(q * (1 - q) / n), (q, frac)


def test_failover_quantile_of_a_fixed_duration_is_the_uniform_sum_by_hand():
    fixed = av.Deployment(name="fixed", kind="aurora", replicas=1,
                          failover=av.LognormalDuration(median_s=20.0, sigma=0.0),
                          recovery=av.AURORA.recovery, readable_standbys=True)
    # 20 s + U(0, 4) + U(0, 4): a triangle on [20, 28]; its median is 24, its P12.5 is 22.
    c = av.ClientConfig(dns_ttl_s=4.0, retry_interval_s=4.0)
    assert av.failover_time_s(fixed, q=0.5, client=c) == pytest.approx(24.0, rel=1e-9)
    assert av.failover_time_s(fixed, q=0.125, client=c) == pytest.approx(22.0, rel=1e-9)
    assert av.failover_time_s(fixed, q=0.5, client=NO_CLIENT) == pytest.approx(20.0)
    # The old "server quantile + full TTL + full retry" is an upper bound, never reached.
    assert av.failover_time_s(av.AURORA) < av.AURORA.failover.quantile(0.9) + 6.0
    with pytest.raises(ValueError, match=r"`q` must be in \(0, 1\), got 1.0"):
        av.failover_time_s(av.AURORA, q=1.0)


# --------------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("dep", [*av.DEPLOYMENTS, av.AURORA_NO_REPLICA], ids=lambda d: d.name)
@pytest.mark.parametrize("client", [av.DIRECT_CLIENT, av.PROXY_CLIENT], ids=["direct", "proxy"])
def test_monte_carlo_agrees_with_closed_form(dep, client):
    exact = av.downtime_components(dep, client=client, storage=STORAGE)
    sim = av.simulate_annual_downtime(dep, client=client, storage=STORAGE, n_trials=20_000,
                                      rng=20240)
    assert abs(sim.mean.zscore(exact.loc["total", "downtime_minutes_per_year"])) < 4.5
    assert abs(sim.incidents.zscore(exact.loc["total", "events_per_year"])) < 4.5
    # The closed-form standard deviation of one year matches the sample's (sd of sd ~ 1-5 %).
    assert sim.annual_minutes.std(ddof=1) == pytest.approx(
        exact.loc["total", "sd_minutes_per_year"], rel=0.2)
    p50, p99 = sim.quantile(0.5), sim.quantile(0.99)
    assert 0 < p50.standard_error and p50.value < p99.value


def test_simulation_is_reproducible_and_quantile_error_is_honest():
    a = av.simulate_annual_downtime(av.AURORA, storage=STORAGE, n_trials=4000, rng=7)
    b = av.simulate_annual_downtime(av.AURORA, storage=STORAGE, n_trials=4000, rng=7)
    np.testing.assert_array_equal(a.annual_minutes, b.annual_minutes)
    # The P50 of independent runs scatters by about its reported standard error.
    meds = [av.simulate_annual_downtime(av.AURORA, storage=STORAGE, n_trials=4000, rng=s)
            .quantile(0.5) for s in range(12)]
    spread = np.std([m.value for m in meds], ddof=1)
    se = np.mean([m.standard_error for m in meds])
    assert 0.4 < spread / se < 2.5
    frame = a.to_frame()
    assert list(frame.index) == ["mean minutes", "sd minutes", "incidents", "P50 minutes",
                                 "P99 minutes"]


# --------------------------------------------------------------------------- reader sizing


def mmk_mean_response_ms(lam, s_ms, k, n):
    """Reference: M/M/k per reader, Erlang C from its factorial definition (mpmath)."""
    mpmath.mp.dps = 40
    per = mpmath.mpf(lam) / n
    mu = 1000 / mpmath.mpf(s_ms)
    a = per / mu
    if a >= k:
        return math.inf
    top = a ** k / mpmath.factorial(k) * k / (k - a)
    c = top / (sum(a ** j / mpmath.factorial(j) for j in range(k)) + top)
    return float(s_ms + 1000 * c / (k * mu - per))


@pytest.mark.parametrize("lam,s,k,target", [(1500, 10, 4, 15), (800, 4, 2, 6), (5000, 2, 8, 2.5),
                                            (120, 25, 16, 26)])
def test_readers_needed_against_reference_erlang_c(lam, s, k, target):
    n = av.readers_needed(lam, s, target, workers_per_reader=k)
    assert mmk_mean_response_ms(lam, s, k, n) <= target
    assert n == 1 or mmk_mean_response_ms(lam, s, k, n - 1) > target
    assert av.reader_latency_ms(lam, s, n, workers_per_reader=k) == pytest.approx(
        mmk_mean_response_ms(lam, s, k, n), rel=1e-9)


def test_percentile_objective_and_its_exponential_floor():
    n = av.readers_needed(2000.0, 5.0, 40.0, workers_per_reader=4, objective="p99")
    lat = av.reader_latency_ms(2000.0, 5.0, n, workers_per_reader=4, objective="p99")
    prev = av.reader_latency_ms(2000.0, 5.0, n - 1, workers_per_reader=4, objective="p99")
    assert lat <= 40.0 < prev
    assert n >= av.readers_needed(2000.0, 5.0, 40.0, workers_per_reader=4)  # p99 needs more
    with pytest.raises(ValueError, match=r"at least 23.03 ms .*4.605 mean service times"):
        av.readers_needed(10.0, 5.0, 23.0, objective="p99")
    # Just above the floor is feasible with enough idle readers.
    assert av.readers_needed(1.0, 5.0, 23.2, objective="p99", workers_per_reader=8) >= 1


def test_readers_needed_cap_and_bad_input():
    with pytest.raises(ValueError, match=r"needs more than 15 readers .*Aurora maximum is 15"):
        av.readers_needed(100_000.0, 10.0, 20.0, workers_per_reader=4)
    with pytest.raises(ValueError, match=r"`latency_objective_ms` \(mean\) must exceed the "
                                         r"service time 10 ms, got 8.0"):
        av.readers_needed(100.0, 10.0, 8.0)
    with pytest.raises(ValueError, match=r"`reads_per_s` must be non-negative, got -1.0"):
        av.readers_needed(-1.0, 10.0, 20.0)
    with pytest.raises(ValueError, match=r"`objective` must be 'mean' or 'pNN'"):
        av.readers_needed(10.0, 10.0, 20.0, objective="p999x")
    with pytest.raises(ValueError, match=r"`workers_per_reader` must be an integer in \[1, "):
        av.readers_needed(10.0, 10.0, 20.0, workers_per_reader=0)
    assert av.readers_needed(0.0, 10.0, 20.0) == 0


@settings(max_examples=30, deadline=None)
@given(st.floats(1.0, 5000.0), st.floats(1.0, 3.0))
def test_readers_needed_is_monotone_in_load(lam, factor):
    kw = dict(workers_per_reader=8)
    try:
        hi = av.readers_needed(lam * factor, 4.0, 6.0, **kw)
    except ValueError:
        return
    assert av.readers_needed(lam, 4.0, 6.0, **kw) <= hi


def test_survive_failover_and_failover_latency():
    n = av.readers_needed(1500.0, 10.0, 15.0, workers_per_reader=4)
    m = av.readers_needed(1500.0, 10.0, 15.0, workers_per_reader=4, survive_failover=True)
    assert m >= n and m >= 2
    f = av.failover_latency(1500.0, 10.0, m, workers_per_reader=4)
    assert f.during_failover_ms <= 15.0 and f.normal_ms <= f.during_failover_ms
    assert f.utilisation_during_failover == pytest.approx(f.utilisation_normal * m / (m - 1))
    g = av.failover_latency(1500.0, 10.0, 4, workers_per_reader=4)  # 3 left: overloaded
    assert not g.stable_during_failover and g.during_failover_ms == math.inf


def test_read_capacity_is_where_latency_meets_the_objective():
    cap = av.read_capacity_per_s(3, 10.0, 15.0, workers_per_reader=4)
    assert av.reader_latency_ms(cap, 10.0, 3, workers_per_reader=4) == pytest.approx(15.0,
                                                                                     rel=1e-6)
    assert av.read_capacity_per_s(3, 10.0, 40.0, objective="p99") == 0.0  # below 46 ms floor


# --------------------------------------------------------------------------- decision table

MODEST = av.Workload(name="modest steady", engine="postgresql", reads_per_s=150.0,
                     read_service_time_ms=5.0, read_latency_objective_ms=20.0,
                     max_annual_downtime_minutes=600.0, max_failover_s=1800.0,
                     storage_gib=200.0, io_millions_per_month=50.0)
DEMANDING = av.Workload(name="read-heavy, fast failover", engine="mysql",
                        instance_class="db.r6g.xlarge", reads_per_s=6000.0,
                        read_service_time_ms=2.0, read_latency_objective_ms=10.0,
                        read_objective="p99", max_annual_downtime_minutes=10.0,
                        max_failover_s=70.0, storage_gib=2000.0, io_millions_per_month=2000.0)


def test_standard_rds_wins_a_modest_steady_workload():
    t = av.decision_table(MODEST, storage=STORAGE)
    assert t.attrs["recommendation"] == "RDS Single-AZ"
    assert t.loc[t["recommended"], "monthly_cost_usd"].item() == t["monthly_cost_usd"].min()
    assert t.attrs["binding_constraints"] == []


def test_demanding_workload_picks_aurora_and_names_the_binding_constraints():
    t = av.decision_table(DEMANDING, storage=STORAGE).set_index("deployment")
    rec = t.attrs["recommendation"]
    assert rec.startswith("Aurora (")
    assert t.loc["RDS Multi-AZ instance", "fails_on"] == "failover time, read latency"
    assert "read latency" in t.attrs["binding_constraints"]
    n = t.loc[rec, "replicas"]
    assert n == av.readers_needed(6000.0, 2.0, 10.0, workers_per_reader=4, objective="p99")


def test_costs_come_from_the_price_book():
    from aurora_models import pricing

    pb = pricing.load()
    t = av.decision_table(MODEST, storage=STORAGE, price_book=pb).set_index("deployment")
    cls = MODEST.instance_class
    aur = t.index[t.index.str.startswith("Aurora")][0]
    inst = t.loc[aur, "instances"]
    assert t.loc[aur, "monthly_cost_usd"] == pytest.approx(
        inst * pb.instance_hour_usd(cls) * 730 + 200 * pb.storage_gb_month_usd()
        + 50 * pb.io_per_million_usd)
    assert t.loc["RDS Multi-AZ instance", "monthly_cost_usd"] == pytest.approx(
        pb.rds_instance_hour_usd(cls, "multi-az-instance") * 730
        + 200 * pb.rds_storage_gb_month_usd("multi-az-instance"))
    dearer = pb.with_price("rds_storage_gb_month", 10.0)
    t2 = av.decision_table(MODEST, storage=STORAGE, price_book=dearer)
    assert t2.attrs["recommendation"].startswith("Aurora")


def test_engine_serverless_and_global_requirements():
    t = av.decision_table(av.Workload(engine="oracle", max_failover_s=200.0), storage=STORAGE)
    assert t.attrs["recommendation"] == "RDS Multi-AZ instance"
    by = t.set_index("deployment")
    assert by.loc["RDS Multi-AZ cluster", "fails_on"] == "engine"
    assert by.loc["Aurora (1 replica)", "fails_on"] == "engine"
    assert by.loc["RDS Single-AZ", "fails_on"] == "failover time"
    assert t.attrs["binding_constraints"] == ["failover time"]  # only Single-AZ was cheaper
    t = av.decision_table(av.Workload(needs_global=True, needs_serverless=True), storage=STORAGE)
    assert t.attrs["recommendation"] == "Aurora (0 replicas)"
    assert set(t.attrs["binding_constraints"]) == {"serverless", "global database"}
    nothing = av.decision_table(av.Workload(engine="sqlserver", needs_global=True),
                                storage=STORAGE)
    assert nothing.attrs["recommendation"] is None and not nothing["recommended"].any()


# --------------------------------------------------------------------------- bad input


def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"`replicas` must be an integer in \[0, 15\], got 16"):
        av.aurora(16)
    with pytest.raises(ValueError, match=r"`replicas` must be an integer in \[0, 15\], got -1"):
        av.AURORA.with_replicas(-1)
    with pytest.raises(ValueError, match=r"`instance_failure_rate_per_year` must be "
                                         r"a number in \[0, 365\], got -0.5"):
        av.FailureRates(instance_failure_rate_per_year=-0.5)
    with pytest.raises(ValueError, match=r"`engine` must be one of 'mysql', 'postgresql', "
                                         r"'mariadb', 'oracle', 'sqlserver', 'db2', got 'db3'"):
        av.Workload(engine="db3")
    with pytest.raises(ValueError, match=r"`dns_ttl_s` must be a number in \[0, 2,147,483,647\], "
                                         r"got -5.0"):
        av.ClientConfig(dns_ttl_s=-5.0)
    with pytest.raises(ValueError, match=r"`n_trials` must be an integer in \[1, "):
        av.simulate_annual_downtime(av.AURORA, storage=STORAGE, n_trials=0)
    with pytest.raises(ValueError, match=r"`instance_class` must be one of .*got 'db.x9.huge'"):
        av.decision_table(av.Workload(instance_class="db.x9.huge"), storage=STORAGE)
    with pytest.raises(TypeError, match="`deployment` must be a Deployment"):
        av.annual_downtime("aurora")
    with pytest.raises(ValueError, match=r"`replicas` must be an integer in \[1, 1\], got 2"):
        av.Deployment(name="x", kind="rds-multi-az-instance", replicas=2,
                      failover=av.AURORA.failover, recovery=av.AURORA.recovery,
                      readable_standbys=False)
    with pytest.raises(ValueError, match=r"`kind` must be one of"):
        av.Deployment(name="x", kind="dynamo", replicas=0, failover=av.AURORA.failover,
                      recovery=av.AURORA.recovery, readable_standbys=False)
    with pytest.raises(ValueError, match=r"0 < q1 < q2 < 1"):
        av.LognormalDuration.from_quantiles(0.9, 60.0, 0.5, 30.0)


def test_frames_are_plain_dataframes():
    assert isinstance(av.downtime_components(av.RDS_SINGLE_AZ), pd.DataFrame)


def test_rds_multi_az_instance_wins_a_modest_workload_that_needs_a_standby():
    # Production-grade but relaxed: 1 h a year and a 200 s failover. Single-AZ misses both;
    # the Multi-AZ instance meets them more cheaply than Aurora with one replica.
    w = av.Workload(engine="mysql", reads_per_s=150.0, read_service_time_ms=5.0,
                    read_latency_objective_ms=20.0, storage_gib=200.0,
                    io_millions_per_month=50.0, max_failover_s=200.0,
                    max_annual_downtime_minutes=60.0)
    t = av.decision_table(w).set_index("deployment")
    assert t.attrs["recommendation"] == "RDS Multi-AZ instance"
    assert t.attrs["binding_constraints"] == ["annual downtime", "failover time"]
    assert t.loc["RDS Multi-AZ instance", "monthly_cost_usd"] < t.loc[
        "Aurora (1 replica)", "monthly_cost_usd"]


# --------------------------------------------------------------------------- every standby down


def _ctmc_downtime_minutes(dep, rates, storage, eps=1e-5):
    """Annual downtime from a CTMC of the k standbys and the writer, built here by hand.

    States (i, w): i standbys down (each fails at the instance rate and is replaced at rate
    1 / E[recovery], independently), w the writer's state: up, or down in one outage kind with
    an exponential duration of the branch's mean. The writer's event rates are scaled by eps,
    so that it is up almost always: the down fraction is eps x (minutes per year of the closed
    form) / minutes per year + O(eps^2). Rule under test: a writer event fails over when at
    least one standby is up, and otherwise plays out as it does with no standby (replace after
    a crash, restart for maintenance, the AZ branch, restore after an EBS loss).
    """
    from aurora_models.availability._params import RESTART, RESTORE

    year_s = MIN_PER_YEAR * 60.0
    k = dep.replicas
    lam_s = rates.instance_failure_rate_per_year / year_s
    mu_r = 1.0 / dep.recovery.mean_s
    az_alone = rates.az_outage if dep.kind == "rds-single-az" else dep.recovery
    events = [(rates.instance_failure_rate_per_year, dep.recovery.mean_s),
              (rates.maintenance_events_per_year, RESTART.mean_s),
              (rates.az_outage_rate_per_year, az_alone.mean_s)]
    if dep.family == "rds":
        events.append((rates.ebs_volume_failure_rate_per_year, RESTORE.mean_s))
    kinds = ["up", "failover"] + [f"alone{j}" for j in range(len(events))]
    means = {"failover": dep.failover.mean_s}
    means.update({f"alone{j}": m for j, (_, m) in enumerate(events)})
    if dep.family == "aurora":
        kinds.append("storage")
        means["storage"] = storage.p_unavailable * year_s / storage.events_per_year
    idx = {(i, w): n for n, (i, w) in enumerate((i, w) for i in range(k + 1) for w in kinds)}
    q = np.zeros((len(idx), len(idx)))
    for (i, w), a in idx.items():
        if i < k:
            q[a, idx[(i + 1, w)]] += (k - i) * lam_s
        if i > 0:
            q[a, idx[(i - 1, w)]] += i * mu_r
        if w == "up":
            for j, (rate, _) in enumerate(events):
                target = "failover" if i < k else f"alone{j}"
                q[a, idx[(i, target)]] += eps * rate / year_s
            if dep.family == "aurora":
                q[a, idx[(i, "storage")]] += eps * storage.events_per_year / year_s
        else:
            q[a, idx[(i, "up")]] += 1.0 / means[w]
    np.fill_diagonal(q, -q.sum(axis=1))
    lhs = np.vstack([q.T, np.ones(len(idx))])
    rhs = np.zeros(len(idx) + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
    down = 1.0 - sum(pi[idx[(i, "up")]] for i in range(k + 1))
    return down / eps * MIN_PER_YEAR


@pytest.mark.parametrize("dep", [av.aurora(1), av.aurora(2), av.RDS_MULTI_AZ_INSTANCE,
                                 av.RDS_MULTI_AZ_CLUSTER, av.RDS_SINGLE_AZ],
                         ids=lambda d: d.name)
def test_every_standby_down_rule_matches_an_independent_ctmc(dep):
    from dataclasses import replace

    # Slow replacements (mean 0.05 year) so that every standby is down a large fraction of the
    # time (x = 1: each standby down half the time), and frequent maintenance and EBS losses,
    # so that the rule for the all-down case moves the total by far more than the tolerance.
    dep = replace(dep, recovery=dep.recovery.scaled(0.05 * MIN_PER_YEAR * 60.0
                                                    / dep.recovery.mean_s))
    rates = av.FailureRates(instance_failure_rate_per_year=20.0, maintenance_events_per_year=50.0,
                            failures=quorum.FailureModel(az_outage_rate_per_year=2.0),
                            ebs_volume_failure_rate_per_year=5.0)
    got = av.annual_downtime(dep, rates=rates, client=NO_CLIENT, storage=STORAGE)
    ref = _ctmc_downtime_minutes(dep, rates, STORAGE)
    assert got.mean.value == pytest.approx(ref, rel=1e-3)
    sim = av.simulate_annual_downtime(dep, rates=rates, client=NO_CLIENT, storage=STORAGE,
                                      n_trials=20_000, rng=4242)
    assert abs(sim.mean.zscore(ref)) < 4.5
