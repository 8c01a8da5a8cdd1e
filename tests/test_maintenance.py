"""Planned changes as mechanisms (issue 29 item 4): patching with and without zero-downtime
patching, in-place and blue/green major upgrades, each a compound-Poisson component."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import availability
from aurora_models import scenario as sc
from aurora_models import sensitivity as sa
from aurora_models.availability import (
    AURORA,
    AURORA_NO_REPLICA,
    FailureRates,
    annual_downtime,
    downtime_components,
    simulate_annual_downtime,
)
from aurora_models.availability._params import SWITCHOVER, ZDP_PAUSE

ZDP = FailureRates(zero_downtime_patching=True)
IN_PLACE = FailureRates(major_upgrades_per_year=0.5)
BLUE_GREEN = FailureRates(zero_downtime_patching=True, major_upgrades_per_year=0.5,
                          upgrade_method="blue_green")


def test_the_default_is_one_maintenance_row_as_before():
    # defaults: no ZDP, no major upgrade: the maintenance row of a failover (or a restart)
    rows = downtime_components(AURORA)
    assert list(rows.index) == ["instance failure", "maintenance", "AZ outage", "storage",
                                "total"]
    assert rows.loc["maintenance", "events_per_year"] == 4.0


def test_one_row_per_kind():
    assert list(downtime_components(AURORA, rates=BLUE_GREEN).index) == [
        "instance failure", "maintenance: OS patches (restart)",
        "maintenance: engine patches (ZDP)", "major upgrade: blue/green switchover",
        "AZ outage", "storage", "total"]
    assert "major upgrade: in place" in downtime_components(AURORA, rates=IN_PLACE).index


def test_zdp_row_by_hand():
    # E[D_zdp] = (1 - f) E[Z] + f E[D_patch]: E[Z] has no client terms (connections kept)
    base = downtime_components(AURORA_NO_REPLICA).loc["maintenance", "mean_outage_s"]
    rows = downtime_components(AURORA_NO_REPLICA, rates=ZDP)
    f = ZDP.zdp_fallback_probability
    want = (1 - f) * ZDP_PAUSE.mean_s + f * base
    assert rows.loc["maintenance: engine patches (ZDP)", "mean_outage_s"] == pytest.approx(want)
    assert rows.loc["maintenance: OS patches (restart)", "mean_outage_s"] == pytest.approx(base)
    assert rows.loc["maintenance: engine patches (ZDP)", "events_per_year"] == 2.0


def test_switchover_reads_aws_under_a_minute_as_p90():
    assert SWITCHOVER.quantile(0.9) == pytest.approx(60.0)
    assert ZDP_PAUSE.quantile(0.1) == pytest.approx(5.0)
    assert ZDP_PAUSE.quantile(0.9) == pytest.approx(60.0)


def test_blue_green_beats_in_place():
    bg = replace_rates(IN_PLACE, upgrade_method="blue_green")
    assert annual_downtime(AURORA, rates=bg).mean.value < \
        annual_downtime(AURORA, rates=IN_PLACE).mean.value


def replace_rates(r, **kw):
    from dataclasses import replace
    return replace(r, **kw)


@pytest.mark.parametrize("rates", [ZDP, IN_PLACE, BLUE_GREEN], ids=["zdp", "in_place", "bg"])
@pytest.mark.parametrize("dep", [AURORA, AURORA_NO_REPLICA], ids=["replica", "alone"])
def test_closed_form_matches_monte_carlo(rates, dep):
    exact = annual_downtime(dep, rates=rates)
    sim = simulate_annual_downtime(dep, rates=rates, n_trials=40_000, rng=11)
    assert abs(sim.mean.value - exact.mean.value) <= 4.5 * sim.mean.standard_error
    assert abs(sim.sd.value - exact.sd.value) <= 4.5 * sim.sd.standard_error


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 12.0), st.floats(0.0, 12.0), st.floats(0.0, 6.0), st.floats(0.0, 6.0),
       st.booleans(), st.sampled_from(["in_place", "blue_green"]))
def test_downtime_is_monotone_in_each_count(m1, m2, u1, u2, zdp, method):
    lo_m, hi_m = sorted((m1, m2))
    lo_u, hi_u = sorted((u1, u2))

    def down(m, u):
        r = FailureRates(maintenance_events_per_year=m, major_upgrades_per_year=u,
                         zero_downtime_patching=zdp, upgrade_method=method)
        return annual_downtime(AURORA, rates=r).mean.value

    assert down(lo_m, lo_u) <= down(hi_m, lo_u) * (1 + 1e-12)
    assert down(lo_m, lo_u) <= down(lo_m, hi_u) * (1 + 1e-12)


def test_zdp_lowers_the_downtime_and_its_fallback_raises_it():
    assert annual_downtime(AURORA, rates=ZDP).mean.value < annual_downtime(AURORA).mean.value
    always = replace_rates(ZDP, zdp_fallback_probability=1.0)
    assert annual_downtime(AURORA, rates=always).mean.value == pytest.approx(
        annual_downtime(AURORA).mean.value)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match=r"`upgrade_method` must be one of"):
        FailureRates(upgrade_method="rolling")
    with pytest.raises(ValueError, match=r"`zdp_fallback_probability` must be"):
        FailureRates(zdp_fallback_probability=1.5)


def _scenario(**kw):
    return sc.load().replace(workload__days=3, workload__step_s=60, **kw)


def test_zdp_inputs_are_sampled_only_with_zdp():
    off = sa.distributions(_scenario())
    assert not {"failures.engine_patch_share", "failures.zdp_fallback_probability",
                "failures.zdp_pause_median_s", "failures.switchover_median_s",
                "failures.in_place_upgrade_median_s"} & set(off)
    on = sa.distributions(_scenario(regions__secondaries=[],
                                    failures__zero_downtime_patching=True))
    assert {"failures.engine_patch_share", "failures.zdp_fallback_probability",
            "failures.zdp_pause_median_s"} <= set(on)


def test_a_global_database_patches_by_restart():
    s = _scenario(failures__zero_downtime_patching=True)
    assert s["regions"]["secondaries"]  # the bundled scenario is a Global Database
    r = sc.estimate(s, n_trials=200)
    assert any("zero-downtime patching" in n for n in r.notes)
    base = sc.estimate(_scenario(), n_trials=200)
    assert r.to_dict()["availability"]["annual_downtime_minutes"]["value"] == \
        base.to_dict()["availability"]["annual_downtime_minutes"]["value"]


def test_sobol_ranks_the_new_inputs_where_maintenance_was():
    s = _scenario(regions__secondaries=[], failures__zero_downtime_patching=True,
                  failures__major_upgrades_per_year=0.5, failures__upgrade_method="in_place")
    names = [n for n in sa.distributions(s) if n.startswith("failures.")]
    assert "failures.in_place_upgrade_median_s" in names
    model = sa.ScenarioModel.of(s, names)
    res = sa.sobol(lambda X: model(X)[:, [model.outputs.index("downtime_minutes_per_year")]],
                   [sa.distributions(s)[n] for n in names], outputs=["downtime"], n=64, seed=3)
    ranked = list(res.ranked("downtime")["input"])
    # the in-place upgrade's outage now leads, ahead of the patch count
    assert ranked[0] == "failures.in_place_upgrade_median_s"
    st_ = res.ranked("downtime").set_index("input")["ST"]
    for new in ("failures.zdp_fallback_probability", "failures.engine_patch_share",
                "failures.zdp_pause_median_s"):
        assert new in st_.index
    assert st_["failures.zdp_fallback_probability"] > 0.0


def test_green_copy_is_billed_only_with_blue_green():
    base = sc.estimate(_scenario(), n_trials=200)
    bg = sc.estimate(_scenario(failures__major_upgrades_per_year=0.5,
                               failures__upgrade_method="blue_green"), n_trials=200)
    ip = sc.estimate(_scenario(failures__major_upgrades_per_year=0.5), n_trials=200)
    tot = {r: {o["option"]: o["total_usd"] for o in x.to_dict()["cost"]["options"]}
           for r, x in (("base", base), ("bg", bg), ("ip", ip))}
    assert tot["ip"] == tot["base"]
    for option, usd in tot["base"].items():
        assert tot["bg"][option] > usd, option
    # quantity x unit price: 2 instances (writer + 1 replica) ... of the configured class
    lines = [li for b in bg.bills for li in b.lines if li.id.startswith("blue_green_")] \
        if hasattr(bg, "bills") else []
    for li in lines:
        assert li.quantity > 0 and math.isfinite(li.quantity)
    assert availability.FailureRates(major_upgrades_per_year=0.5, upgrade_method="blue_green"
                                     ).green_hours_per_year == pytest.approx(36.0)
