"""The year month by month, the storage policy under the 30-day rule, right-sizing, and a
shrinking volume (issue 29 items 2, 3 and 7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import pricing, scenario
from aurora_models.billing import Usage, bill_options
from aurora_models.exceptions import ParameterValueError
from aurora_models.planning import (
    bill_months,
    class_capacity_acu,
    month_usages,
    right_size,
    search_storage_policy,
    storage_policy,
    year_plan,
)
from aurora_models.planning._storage_policy import SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS

# -- the storage policy: the dynamic programme against every sequence ---------------------------

_costs = st.lists(st.floats(0.0, 1000.0, allow_nan=False), min_size=1, max_size=10)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_programme_matches_a_brute_force_search_on_short_periods(data):
    """Periods of 1-40 days make the 30-day rule bind: the optimum is the search's."""
    s = data.draw(_costs)
    n = len(s)
    o = data.draw(st.lists(st.floats(0.0, 1000.0, allow_nan=False), min_size=n, max_size=n))
    days = data.draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    initial = data.draw(st.sampled_from(["standard", "io-optimized"]))
    since = data.draw(st.one_of(st.none(), st.floats(0.0, 60.0)))
    dp = storage_policy(s, o, days=days, initial=initial, days_since_switch=since)
    bf = search_storage_policy(s, o, days=days, initial=initial, days_since_switch=since)
    assert dp.total_usd == pytest.approx(bf.total_usd, rel=1e-12, abs=1e-9)
    # the programme's own sequence is feasible and costs what it says
    assert math.fsum(oo if c == "io-optimized" else ss
                     for c, ss, oo in zip(dp.configs, s, o, strict=True)) == pytest.approx(
        dp.total_usd, rel=1e-12, abs=1e-9)
    t, last, prev = 0.0, -(30.0 if since is None else since), initial
    for c, d in zip(dp.configs, days, strict=True):
        if c == "io-optimized" and prev == "standard":
            assert t - last >= SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS
            last = t
        prev, t = c, t + d
    assert dp.total_usd <= dp.always_standard_usd + 1e-9


def test_the_search_over_twelve_months_agrees_with_the_programme():
    """All 4,096 sequences of a year of 730-hour months, on random bills."""
    rng = np.random.default_rng(29)
    for _ in range(20):
        s, o = rng.uniform(50, 150, 12), rng.uniform(50, 150, 12)
        since = float(rng.uniform(0, 40))
        dp = storage_policy(s, o, days_since_switch=since)
        bf = search_storage_policy(s, o, days_since_switch=since)
        assert dp.total_usd == pytest.approx(bf.total_usd, rel=1e-12)
        assert dp.configs == bf.configs


def test_with_months_the_rule_binds_only_at_the_start():
    """Closed form: periods of 15 days or more keep any two switches to I/O-Optimized 30 days
    apart, so the policy is each month's cheaper configuration (but the first month, which a
    recent switch may bar)."""
    rng = np.random.default_rng(7)
    s, o = rng.uniform(50, 150, 24), rng.uniform(50, 150, 24)
    p = storage_policy(s, o, days=[15.0] * 24)
    assert p.configs == tuple("io-optimized" if b < a else "standard" for a, b in zip(s, o,
                                                                                     strict=True))
    barred = storage_policy([100.0, 100.0], [50.0, 50.0], days_since_switch=10.0)
    assert barred.configs == ("standard", "io-optimized")
    assert barred.always_io_optimized_usd is None


def test_the_rule_binds_on_weekly_periods():
    """I/O-Optimized pays in weeks 1 and 3 only: the rule forbids the second switch (14 days
    later), so the policy keeps I/O-Optimized through week 2 when that is cheaper than
    Standard in week 3."""
    s = [100.0, 100.0, 100.0, 100.0]
    o = [10.0, 120.0, 10.0, 120.0]
    p = storage_policy(s, o, days=[7.0] * 4)
    assert p.configs == ("io-optimized", "io-optimized", "io-optimized", "standard")
    assert p.total_usd == pytest.approx(10 + 120 + 10 + 100)
    greedy = sum(min(a, b) for a, b in zip(s, o, strict=True))
    assert p.total_usd > greedy  # the rule costs something here


def test_policy_inputs_are_checked():
    with pytest.raises(ParameterValueError, match="equal-length"):
        storage_policy([1.0, 2.0], [1.0])
    with pytest.raises(ParameterValueError, match="`days`"):
        storage_policy([1.0], [1.0], days=[0.0])
    with pytest.raises(ParameterValueError, match="`initial`"):
        storage_policy([1.0], [1.0], initial="gp3")
    with pytest.raises(ParameterValueError, match="`standard_usd` must be finite"):
        storage_policy([math.nan], [1.0])
    with pytest.raises(ParameterValueError, match="at most 20"):
        search_storage_policy([1.0] * 21, [1.0] * 21)


# -- the year -----------------------------------------------------------------------------------

def _usage(**kw) -> Usage:
    base = dict(region="us-east-1", instance_class="db.r6g.large", volume_gib=100.0,
                io_millions_per_month=500.0)
    return Usage(**{**base, **kw})


def test_twelve_alike_months_sum_to_the_bills_twelve_month_total():
    """Without seasons, the months add up to bill_options' 12-month total (linear in the
    volume: the months' average volumes average to volume + 6 x growth)."""
    u = _usage(storage_growth_gib_per_month=25.0)
    f = bill_months(month_usages(u), options=["provisioned_standard"])
    total = bill_options(u, options=["provisioned_standard"])[0].total_12_months_usd
    assert f["provisioned_standard"].sum() == pytest.approx(total, rel=1e-12)
    assert f["volume_gib"].tolist() == [100.0 + 25.0 * (m + 0.5) for m in range(12)]


def test_a_shrinking_volume_bills_less_each_month():
    u = _usage(storage_growth_gib_per_month=-5.0)
    f = bill_months(month_usages(u), options=["provisioned_standard"])
    assert np.all(np.diff(f["provisioned_standard"]) < 0)
    assert f["volume_gib"].iloc[-1] == pytest.approx(100.0 - 5.0 * 11.5)
    with pytest.raises(ParameterValueError, match="at or above 0"):
        _usage(storage_growth_gib_per_month=-10.0)
    with pytest.raises(ParameterValueError, match="stay above 0"):
        month_usages(_usage(storage_growth_gib_per_month=-8.0), months=24)


def test_seasons_scale_the_consumption_and_move_the_policy():
    """A quiet half year and a busy one: Standard while quiet, I/O-Optimized while busy."""
    seasons = [0.2] * 6 + [3.0] * 6
    u = _usage(io_millions_per_month=1000.0)
    plan = year_plan(month_usages(u, seasonality=seasons), seasonality=seasons)
    assert plan.policy.configs == ("standard",) * 6 + ("io-optimized",) * 6
    assert plan.policy.total_usd < min(plan.policy.always_standard_usd,
                                       plan.policy.always_io_optimized_usd)
    f = plan.months
    assert (f["demand_multiplier"] == seasons).all()
    # each month's bill is that month's usage billed on its own
    one = bill_options(month_usages(u, seasonality=seasons)[8],
                       options=["provisioned_io_optimized"])[0].total_usd
    assert f["io_optimized_usd"].iloc[8] == pytest.approx(one, rel=1e-12)


def test_month_usages_checks_its_inputs():
    with pytest.raises(ParameterValueError, match="`months`"):
        month_usages(_usage(), months=0)
    with pytest.raises(ParameterValueError, match="`seasonality`"):
        month_usages(_usage(), seasonality=[1.0, -1.0])


# -- right-sizing -------------------------------------------------------------------------------

def test_class_capacity_is_the_smaller_of_memory_and_cpu():
    book = pricing.load("us-east-1")
    assert class_capacity_acu(book, "db.r6g.xlarge") == 16.0  # 32 GiB / 2, 4 vCPU / 0.25
    assert class_capacity_acu(book, "db.r6g.2xlarge") == 32.0


def test_a_provisioned_saas_writer_at_13_acu_gets_a_smaller_class():
    """The issue's example: a writer peaking at 13 ACU on a 32-ACU class is 41 % used at its
    event peak; the cheapest class holding 13 x 1.2 = 15.6 ACU is a 16-ACU xlarge, never a
    burstable class."""
    book = pricing.load("us-east-1")
    f = right_size("writer", 9.0, 13.0, book=book, instance_class="db.r6g.2xlarge")
    assert f.event_utilisation == pytest.approx(13.0 / 32.0)
    assert f.daily_utilisation == pytest.approx(9.0 / 32.0)
    assert f.suggested_capacity_acu >= 13.0 * 1.2
    assert not f.suggested.startswith("db.t")
    assert f.saving_usd_month > 0
    # the cheapest qualifying class: no cheaper non-burstable class holds 15.6 ACU
    classes = book.instance_classes()
    rate = dict(zip(classes["instance_class"], classes["usd_per_hour"], strict=True))
    for c in classes["instance_class"]:
        if c.startswith("db.t") or rate[c] >= rate[f.suggested]:
            continue
        gen = pricing.instance_specs()["generation"].get(c)
        if gen == "previous":
            continue
        assert class_capacity_acu(book, c) < 15.6, c


def test_no_class_holds_a_peak_beyond_the_largest():
    f = right_size("writer", 900.0, 1000.0, book=pricing.load("us-east-1"),
                   instance_class="db.r6g.large")
    assert f.suggested is None and f.event_utilisation > 1


# -- the estimate's sections --------------------------------------------------------------------

@pytest.fixture(scope="module")
def leaderboard():
    return scenario.estimate(scenario.load(), n_trials=500).to_dict()


def test_the_year_of_the_bundled_scenario_adds_up_to_its_twelve_months(leaderboard):
    """No seasons, no growth: the configured storage's year is the cost section's 12 months."""
    y, c = leaderboard["year"], leaderboard["cost"]
    assert len(y["months"]) == 12
    assert y["configured_usd"] == pytest.approx(c["configured_total_12_months_usd"], rel=1e-12)
    io = next(o for o in c["options"] if o["option"] == "serverless_io_optimized")
    assert y["always_io_optimized_usd"] == pytest.approx(io["total_12_months_usd"], rel=1e-12)
    assert y["policy_usd"] <= min(y["always_standard_usd"], y["always_io_optimized_usd"])


def test_seasons_in_a_scenario_resimulate_the_capacity():
    """A doubled month is not twice the bill: the capacity is simulated again (the Serverless
    floor and the readers' base do not double), so the month's ACU-hours grow by less."""
    r = scenario.estimate(scenario.load().replace(workload__seasonality=[1.0, 2.0]),
                          n_trials=500).to_dict()
    m = r["year"]["months"]
    assert [x["demand_multiplier"] for x in m[:4]] == [1.0, 2.0, 1.0, 2.0]
    assert m[0]["standard_usd"] == pytest.approx(m[2]["standard_usd"])
    assert m[0]["standard_usd"] < m[1]["standard_usd"] < 2 * m[0]["standard_usd"]


def test_a_recent_switch_bars_io_optimized_in_month_one():
    s = scenario.load().replace(cluster__io_optimized_switched_days_ago=12.0)
    y = scenario.estimate(s, n_trials=500).to_dict()["year"]
    assert y["months"][0]["policy"] == "standard"
    assert y["always_io_optimized_usd"] is None


def test_shrinking_needs_dynamic_resizing():
    s = scenario.load().replace(cluster__storage_growth_gib_per_month=-5.0)
    y = scenario.estimate(s, n_trials=500).to_dict()["year"]
    assert y["months"][-1]["volume_gib"] == pytest.approx(200.0 - 5.0 * 11.5)
    with pytest.raises(scenario.ScenarioError, match="dynamic resizing"):
        s.replace(cluster__engine="mysql", cluster__engine_version="2.10.2")
    with pytest.raises(scenario.ScenarioError, match="at or above 0"):
        scenario.load().replace(cluster__storage_growth_gib_per_month=-20.0)


def test_rightsizing_of_the_provisioned_fixture():
    path = "tests/fixtures/scenarios/provisioned_frankfurt.toml"
    r = scenario.estimate(scenario.load(path), n_trials=200).to_dict()
    roles = {x["role"]: x for x in r["rightsizing"]["roles"]}
    w = roles["writer"]
    assert w["configured"] == "db.r6g.xlarge" and w["capacity_acu"] == 16.0
    assert w["event_utilisation"] == pytest.approx(w["event_peak_acu"] / 16.0)
    assert w["suggested_capacity_acu"] >= w["event_peak_acu"] * 1.2
    # the reader must also keep the read objective: it needs its 4 vCPUs (readers section)
    assert roles["each reader"]["suggested"] == "db.r6g.xlarge"


def test_the_capacity_plot_draws_a_provisioned_class():
    import matplotlib.pyplot as plt

    path = "tests/fixtures/scenarios/provisioned_frankfurt.toml"
    r = scenario.estimate(scenario.load(path), n_trials=200, only=("serverless", "rightsizing"))
    ax = scenario.plot_capacity(r)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)
    assert "writer and each reader: db.r6g.xlarge (16 ACU-equivalent)" in labels
    ax = scenario.plot_capacity(scenario.estimate(scenario.load(), n_trials=200,
                                                  only=("serverless", "rightsizing")))
    assert not any("ACU-equivalent" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(ax.figure)
