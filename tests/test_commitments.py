"""Commitments (issue 29 item 1): reserved terms side by side, Database Savings Plans, and the
commitment level that minimises expected cost (the d-quantile rule and its Monte Carlo search)."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_models import pricing
from aurora_models import scenario as sc
from aurora_models.billing import (
    Usage,
    bill_options,
    commitment_cost,
    eligible_hourly_spend,
    optimal_commitment,
    reserved_terms,
    savings_plan_commitment,
    simulate_optimal_commitment,
)
from aurora_models.billing._commitments import GRID_LEVELS
from aurora_models.pricing import RESERVED_TERM_HOURS, RESERVED_TERMS, savings_plan_eligible

CSV_FILE = Path(__file__).parent / "fixtures" / "offer_file_rds_reserved.csv"
# the fixture's Aurora MySQL db.r6g.large terms in us-east-1 (tests/test_offer.py's R6G_LARGE)
R6G_LARGE = {"1y-no-upfront": (0.0, 0.182), "1y-partial-upfront": (788.0, 0.09),
             "1y-all-upfront": (1492.0, 0.0), "3y-partial-upfront": (1640.0, 0.062),
             "3y-all-upfront": (3090.0, 0.0)}
BASE = dict(region="us-east-1", instance_class="db.r6g.large", replicas=1, volume_gib=100.0)


# -- reserved terms side by side -------------------------------------------------------------


def _writer_price(usage, **kw):
    bill = next(b for b in bill_options(usage, options=["provisioned_reserved"], **kw))
    return next(li.unit_price_usd for li in bill.lines if li.id == "compute.writer")


@pytest.mark.parametrize("change", [{}, {"reserved_discount": 0.42},
                                    {"reserved_hourly_usd": 0.2},
                                    {"storage": "io-optimized"},
                                    {"reserved_term": "3y-all-upfront"}])
def test_the_default_path_reproduces_the_reserved_bill_line(change):
    u = Usage(**BASE, **change)
    t = reserved_terms(u)
    assert list(t["term"]) == list(RESERVED_TERMS)
    row = t.set_index("term").loc[u.reserved_term]
    assert row["effective_hourly_usd"] == _writer_price(u)  # exactly the bill's rate
    assert row["instances"] == 2 and row["role"] == "writer and readers"
    # every term: effective = upfront / hours + recurring, month and term from it
    for r in t.itertuples():
        hours = RESERVED_TERM_HOURS[r.term]
        assert r.effective_hourly_usd == pytest.approx(r.upfront_usd / hours
                                                       + r.recurring_hourly_usd, rel=1e-12)
        assert r.monthly_usd == pytest.approx(730.0 * r.effective_hourly_usd)
        assert r.term_total_usd == pytest.approx(r.effective_hourly_usd * hours)
        assert r.saving_share == pytest.approx(1 - r.effective_hourly_usd
                                               / r.on_demand_hourly_usd)
    no_up = t.set_index("term").loc["1y-no-upfront"]
    all_up = t.set_index("term").loc["3y-all-upfront"]
    assert no_up["upfront_usd"] == 0.0 and all_up["recurring_hourly_usd"] == 0.0
    if not change:  # the registered discounts, named as assumptions
        assert t["source"].str.startswith("ASSUMPTION: registered").all()


def test_the_offer_files_rates_come_through_unchanged(tmp_path):
    book_file = tmp_path / "book.csv"
    pricing.import_offer_file(CSV_FILE, "us-east-1", output_path=book_file)
    u = Usage(**BASE)
    t = reserved_terms(u, price_file=book_file).set_index("term")
    for term, (up, rec) in R6G_LARGE.items():
        assert (t.loc[term, "upfront_usd"], t.loc[term, "recurring_hourly_usd"]) == (up, rec)
        assert t.loc[term, "source"].startswith("offer file")
        assert t.loc[term, "effective_hourly_usd"] == pytest.approx(
            up / RESERVED_TERM_HOURS[term] + rec)
    assert t.loc[u.reserved_term, "effective_hourly_usd"] == _writer_price(
        u, price_file=book_file)
    # under I/O-Optimized the book's (Standard) rates do not apply: the registered discount
    io = reserved_terms(replace(u, storage="io-optimized"), price_file=book_file)
    assert io["source"].str.startswith("ASSUMPTION").all()


def test_secondaries_get_rows_of_their_own_region_and_class():
    u = Usage(**BASE, secondaries=("eu-west-1",), secondary_instances=2,
              secondary_instance_class="db.r6g.xlarge")
    t = reserved_terms(u)
    sec = t[t["role"] == "secondary"]
    assert set(sec["region"]) == {"eu-west-1"} and set(sec["instance_class"]) == {"db.r6g.xlarge"}
    assert (sec["instances"] == 2).all() and len(sec) == len(RESERVED_TERMS)
    with pytest.raises(TypeError, match=r"`usage` must be a Usage, got dict"):
        reserved_terms(BASE)


# -- the commitment optimum ------------------------------------------------------------------

spends = st.lists(st.floats(0.0, 100.0, allow_nan=False), min_size=1, max_size=60)
discounts = st.floats(0.0, 0.95)


@settings(max_examples=150, deadline=None)
@given(spends, discounts, st.lists(st.floats(0.0, 120.0), min_size=1, max_size=20))
def test_the_cost_at_the_optimum_is_at_most_the_cost_at_any_other_level(s, d, levels):
    best = optimal_commitment(s, d)
    x = best.commitment_usd_per_hour.value
    at_best = commitment_cost(s, x, d)
    assert at_best == pytest.approx(best.expected_cost_usd_per_hour)
    others = np.r_[levels, s, 0.0]
    assert np.all(at_best <= commitment_cost(s, others, d) + 1e-9)


@settings(max_examples=150, deadline=None)
@given(spends, discounts, discounts)
def test_the_optimum_is_monotone_in_the_discount(s, d1, d2):
    lo, hi = sorted((d1, d2))
    assert (optimal_commitment(s, lo).commitment_usd_per_hour.value
            <= optimal_commitment(s, hi).commitment_usd_per_hour.value)


@given(spends)
def test_no_discount_no_commitment(s):
    c = optimal_commitment(s, 0.0)
    assert c.commitment_usd_per_hour.value == 0.0
    assert c.saving_vs_none_usd_per_month == pytest.approx(0.0, abs=1e-9)


def test_the_optimum_is_the_d_quantile_by_hand():
    # 10 hours at 1..10 USD: F(k) = k / 10, the 0.35-quantile is 4 (F(3) = 0.3 < 0.35 <= F(4))
    s = np.arange(1.0, 11.0)
    c = optimal_commitment(s, 0.35)
    assert c.commitment_usd_per_hour.value == 4.0
    assert c.plan_commitment_usd_per_hour == pytest.approx(0.65 * 4.0)
    # by hand: 0.65 x 4 + mean((s - 4)^+) = 2.6 + (1+2+...+6)/10 = 4.7
    assert c.expected_cost_usd_per_hour == pytest.approx(4.7)
    assert c.on_demand_usd_per_hour == 5.5
    assert c.saving_vs_none_usd_per_month == pytest.approx((5.5 - 4.7) * 730)
    # committing at the mean (5.5): 0.65 x 5.5 + (0.5+1.5+...+4.5)/10 = 3.575 + 1.25
    assert c.saving_vs_mean_usd_per_month == pytest.approx((3.575 + 1.25 - 4.7) * 730)
    assert commitment_cost(s, [0.0, 10.0], 0.35).tolist() == pytest.approx([5.5, 6.5])
    flat = optimal_commitment(np.full(48, 2.0), 0.2)  # a constant spend is committed in full
    assert flat.commitment_usd_per_hour.value == 2.0 and flat.coverage == 1.0


def _bundled():
    r = sc.estimate(sc.load().replace(scenario__trials=200))
    return r, r.results["commitments"]


def test_the_monte_carlo_search_finds_the_d_quantile_within_its_standard_error():
    r, com = _bundled()
    cap, wl = r.results["serverless"], r.results["workload"]
    bill = next(b for b in r.results["cost"].bills if b["configured"])
    usage = Usage(region="us-east-1", engine="aurora-postgresql", capacity="serverless",
                  instance_class="db.r6g.8xlarge", replicas=2)
    spend = eligible_hourly_spend(usage, bill, writer_acu=cap.simulations["writer"].capacity_acu,
                                  reader_acu=cap.simulations["reader"].capacity_acu,
                                  step_s=wl.step_s)["hourly_usd"]
    assert spend.size == 168  # a simulated week, hour by hour
    for d in (0.16, 0.30, 0.35):
        exact = optimal_commitment(spend, d).commitment_usd_per_hour
        mc = simulate_optimal_commitment(spend, d, n_trials=400, rng=7).commitment_usd_per_hour
        step = spend.max() / (GRID_LEVELS - 1)
        # the week's days are alike (the hour's noise averages out): the optimum barely moves
        # from one resampled week to the next, so the grid's step is what is left
        assert abs(mc.value - exact.value) <= mc.standard_error + step, d
    # a curve whose hours do vary: a standard error of its own, the quantile within it
    noisy = np.random.default_rng(11).gamma(3.0, 1.0, 24 * 14)
    for d in (0.1, 0.3, 0.6):
        exact = optimal_commitment(noisy, d).commitment_usd_per_hour
        mc = simulate_optimal_commitment(noisy, d, n_trials=400, rng=7).commitment_usd_per_hour
        assert 0 < mc.standard_error < 0.5 and abs(mc.value - exact.value) <= mc.standard_error
    # the estimate's plan is the closed form on the same curve
    p = com.savings_plan
    assert p["eligible"] and p["usage_type"] == "serverless" and p["hours"] == 168
    assert p["commitment_usd_per_hour"] == optimal_commitment(
        spend, p["discount"]).commitment_usd_per_hour.value
    assert p["on_demand_monthly_usd"] == pytest.approx(sum(
        li["amount_usd"] for li in bill["lines"]
        if li["id"] in ("compute.writer", "compute.readers", "secondary.compute")))
    assert p["saving_vs_none_usd_per_month"] > p["saving_vs_mean_usd_per_month"] > 0


def test_a_constant_spend_is_found_exactly_by_the_search():
    s = np.full(24 * 5, 3.5)
    mc = simulate_optimal_commitment(s, 0.2, n_trials=20, rng=1)
    assert mc.commitment_usd_per_hour.value == 3.5 and mc.commitment_usd_per_hour.standard_error == 0
    a = simulate_optimal_commitment(np.arange(48.0), 0.3, n_trials=30, rng=3)
    b = simulate_optimal_commitment(np.arange(48.0), 0.3, n_trials=30, rng=3)
    assert a == b  # same seed, same result


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"`discount` must be .*got 1.0"):
        optimal_commitment([1.0], 1.0)
    with pytest.raises(ValueError, match=r"`hourly_spend` must hold finite USD per hour >= 0, "
                                         r"got -1.0\b"):
        optimal_commitment([1.0, -1.0], 0.2)
    with pytest.raises(ValueError, match=r"`hourly_spend` must be a non-empty 1-D array"):
        optimal_commitment([], 0.2)
    with pytest.raises(ValueError, match=r"`hourly_spend` must hold whole days .* got 30 hours"):
        simulate_optimal_commitment(np.ones(30), 0.2)
    with pytest.raises(ValueError, match=r"`n_trials` must be"):
        simulate_optimal_commitment(np.ones(48), 0.2, n_trials=1)
    with pytest.raises(ValueError, match=r"`commitment_usd_per_hour` must be finite"):
        commitment_cost([1.0], -2.0, 0.2)


# -- Database Savings Plans ------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "ok"), [("db.serverless", True), ("db.r7g.large", True),
                                         ("db.r8g.2xlarge", True), ("db.r7i.xlarge", True),
                                         ("db.m7g.large", True), ("db.r6g.large", False),
                                         ("db.r5.large", False), ("db.x2g.large", False),
                                         ("db.t4g.medium", False), ("db.r6i.large", False)])
def test_eligibility_by_generation(cls, ok):
    assert savings_plan_eligible(cls)[0] is ok
    with pytest.raises(TypeError, match=r"`instance_class` must be a string"):
        savings_plan_eligible(7)


def test_a_provisioned_plan_commits_the_eligible_instances_in_full():
    u = Usage(region="us-east-1", instance_class="db.r7g.large", replicas=1, volume_gib=100.0)
    bill = bill_options(u, options=["provisioned_standard"])[0]
    p = savings_plan_commitment(u, bill)
    rate = pricing.load().instance_hour_usd("db.r7g.large")
    assert p["usage_type"] == "provisioned" and p["discount"] == pricing.SAVINGS_PLAN_DISCOUNTS[
        "provisioned"]
    assert p["commitment_usd_per_hour"] == pytest.approx(2 * rate)  # constant: all of it
    assert p["saving_vs_none_usd_per_month"] == pytest.approx(2 * rate * 730 * p["discount"])
    old = replace(u, instance_class="db.r6g.large")
    none = savings_plan_commitment(old, bill_options(old, options=["provisioned_standard"])[0])
    assert not none["eligible"] and "generation 6" in none["excluded"][0]


def test_the_estimate_shows_the_commitments():
    r, com = _bundled()
    text = sc.render(r, "table", width=100)
    assert "Database Savings Plan (1y-no-upfront" in text and "Reserved terms" in text
    md = sc.render(r, "markdown")
    assert "### Reserved terms" in md and "commit $" in md
    doc = r.to_dict()
    assert doc["schema_version"] == "1.8"
    terms = doc["commitments"]["reserved_terms"]
    assert {t["term"] for t in terms} == set(RESERVED_TERMS)
    assert doc["commitments"]["savings_plan"]["commitment_usd_per_hour"] == \
        com.savings_plan["commitment_usd_per_hour"]


# -- RDS Extended Support --------------------------------------------------------------------


@pytest.mark.parametrize(("engine", "version", "day", "band"), [
    ("postgresql", "12.19", "2025-02-28", None),   # the last day of standard support
    ("postgresql", "12.19", "2025-03-01", "1-2"),  # charged from the day after
    ("postgresql", "12.19", "2027-02-28", "1-2"),
    ("postgresql", "12.19", "2027-03-01", "3"),
    ("postgresql", "12.19", "2028-03-01", None),   # past the end: AWS upgrades the engine
    ("postgresql", "11.21", "2024-03-15", None),   # enrolled March 1, charged from April 1
    ("postgresql", "11.21", "2024-04-01", "1-2"),
    ("aurora-mysql", "5.7.mysql_aurora.2.11.2", "2027-06-01", "1-2"),  # no year-3 rate known
    ("mysql", "2.12.0", "2024-11-15", None),        # charged from December 1, 2024
    ("mysql", "8.0.mysql_aurora.3.08.0", "2030-01-01", None),  # no date in the sources
    ("postgresql", "16.4", "2030-01-01", None),
    ("postgresql", None, "2030-01-01", None)])
def test_the_extended_support_band_by_date(engine, version, day, band):
    assert pricing.extended_support_year(engine, version, day) == band


def _es_lines(bill):
    return [li for li in bill.lines if "extended_support" in li.id]


def test_extended_support_lines_are_quantity_times_the_cited_price():
    u = Usage(region="us-east-1", engine="aurora-postgresql", engine_version="12.19",
              billing_date="2027-06-01", instance_class="db.r6g.xlarge", replicas=2,
              writer_acu_hours=900.0, reader_acu_hours_each=400.0, volume_gib=100.0,
              secondaries=("us-east-2", "eu-west-1"), secondary_instances=1)
    prov, serv = bill_options(u, options=["provisioned_standard", "serverless_standard"])
    vcpu = pricing.load().instance_spec("db.r6g.xlarge")[0]
    got = {(li.id, li.region): li for li in _es_lines(prov)}
    assert got[("extended_support.writer", "us-east-1")].quantity == 730 * vcpu
    assert got[("extended_support.readers", "us-east-1")].quantity == 2 * 730 * vcpu
    assert got[("secondary.extended_support", "us-east-2")].quantity == 730 * vcpu
    for li in got.values():
        assert li.unit == "vCPU-hours" and li.unit_price_usd == 0.200  # year 3 of PG 12
        assert li.amount_usd == li.quantity * li.unit_price_usd and "year 3" in li.line
    # Serverless: the ACU-hours billed, at the ACU-hour surcharge
    s = {(li.id, li.region): li for li in _es_lines(serv)}
    assert s[("extended_support.writer", "us-east-1")].quantity == 900.0
    assert s[("extended_support.readers", "us-east-1")].quantity == 800.0
    assert all(li.unit == "ACU-hours" and li.unit_price_usd == 0.17 for li in s.values())
    # eu-west-1 has no price in the sources: named, never zero
    assert any("Extended Support" in m and "eu-west-1" in m for m in prov.missing)
    assert not any(li.region == "eu-west-1" for li in _es_lines(prov))
    # the same cluster on a current version, or before the charges start: no line
    for v in ({"engine_version": "16.4"}, {"billing_date": "2025-02-01"}):
        assert not _es_lines(bill_options(replace(u, **v), options=["provisioned_standard"])[0])


def test_the_billing_date_defaults_to_today_and_is_checked():
    import datetime as dt

    day, how = Usage(region="us-east-1").billed_on()
    assert day == dt.datetime.now(dt.UTC).date() and how.startswith("today's date")
    assert Usage(region="us-east-1", billing_date="2026-03-01").billed_on()[0] == dt.date(2026,
                                                                                          3, 1)
    with pytest.raises(ValueError, match=r"`billing_date` must be an ISO date such as "
                                         r"'2026-12-08' \(YYYY-MM-DD\), got '2026-13-01'"):
        Usage(region="us-east-1", billing_date="2026-13-01")
    with pytest.raises(ValueError, match=r"`pricing.billing_date` must be an ISO date"):
        sc.load().replace(pricing__billing_date="1 March")


def test_the_bundled_scenario_has_no_extended_support_and_an_old_engine_does():
    r, _ = _bundled()
    assert not any("extended_support" in li["id"] for b in r.results["cost"].bills
                   for li in b["lines"])
    old = sc.load().replace(scenario__trials=200, cluster__engine_version="12.19",
                            pricing__billing_date="2026-06-01")
    bills = sc.estimate(old, only=("cost",)).results["cost"].bills
    conf = next(b for b in bills if b["configured"])
    lines = [li for li in conf["lines"] if "extended_support" in li["id"]]
    assert {li["id"] for li in lines} == {"extended_support.writer", "extended_support.readers"}
    assert all(li["unit_price_usd"] == 0.085 for li in lines)  # year 1-2, us-east-1
    assert any("Extended Support" in m for m in conf["missing"])  # the eu-west-1 secondary
