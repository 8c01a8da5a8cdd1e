"""Beyond one writer (issue 29 item 6): the limit detected, the scale-out options sized and priced.

Figures from the sources cited in ``aurora_models/scaleout/_params.py`` (read 2026-12-08): the
User Guide's shard-group table (16-400 ACU: 2 routers + 2 shards ... 2301-6144 ACU: 8 + 16),
16 ACU minimum, 6,144 ACU maximum, compute redundancy doubling or tripling the shards; DSQL's
us-east-1 rates, $8.00 per million DPUs and $0.33 per GB-month.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from aurora_models import billing, pricing, scaleout
from aurora_models import scenario as sc
from aurora_models.exceptions import ParameterValueError

#: A write-heavy leaderboard: 40,000 writes/s at the daily peak, the 10x event takes the
#: writer's demand past the largest class (907.7 ACU against db.r8g.48xlarge's 768).
WRITE_HEAVY = dict(workload__writes_per_s=40_000, workload__reads_per_s=2_000,
                   scenario__trials=200)


@pytest.fixture(scope="module")
def bundled():
    return sc.estimate(sc.load().replace(scenario__trials=200))


@pytest.fixture(scope="module")
def heavy_pg():
    return sc.estimate(sc.load().replace(**WRITE_HEAVY))


@pytest.fixture(scope="module")
def heavy_mysql():
    return sc.estimate(sc.load().replace(cluster__engine="mysql", **WRITE_HEAVY))


def _bill(r, option):
    return next(b for b in r.sections["cost"]["bills"] if b["option"] == option)


# -- the limit ---------------------------------------------------------------------------------


def test_the_largest_class_is_the_largest_the_book_sizes():
    pb = pricing.load("us-east-1", engine="aurora-postgresql")
    cls, acu = scaleout.largest_writer(pb)
    vcpu, mem = pb.instance_spec(cls)
    assert acu == min(mem / 2.0, vcpu / 0.25)
    # the bill's sizing finds a class for this memory and vCPU, and none for a bit more
    assert pb.cheapest_instance_class(2.0 * acu, vcpu=0.25 * acu) == cls
    with pytest.raises(ValueError, match="must be at most"):
        pb.cheapest_instance_class(2.0 * acu + 1.0, vcpu=0.25 * acu + 0.25)


def test_the_writer_demand_is_the_capacity_sections(bundled):
    d = scaleout.writer_demand(sc.load())
    assert d["event_peak_acu"] == bundled.sections["serverless"]["writer"]["peak_demand_acu"]
    w = bundled.sections["scaleout"]["writer"]
    assert w["daily_peak"]["writer_demand_acu"] == d["daily_peak_acu"]
    assert w["event_peak"]["writer_demand_acu"] == d["event_peak_acu"]


def test_detection_says_by_how_much_and_that_one_writer_cannot_serve_it(heavy_pg):
    so = heavy_pg.sections["scaleout"]
    ev, daily = so["writer"]["event_peak"], so["writer"]["daily_peak"]
    assert ev["exceeds_largest_class"] and ev["exceeds_serverless_max"]
    assert not ev["one_writer_serves"] and not so["one_writer_serves"]
    assert ev["excess_over_largest_class_acu"] == pytest.approx(
        ev["writer_demand_acu"] - so["writer"]["largest_class_acu"])
    assert daily["one_writer_serves"] and daily["excess_over_largest_class_acu"] == 0.0
    assert any("event peak" in n and "one writer cannot serve it" in n for n in heavy_pg.notes)
    # the single-writer options: provisioned ones unavailable (not a failed bill), the
    # Serverless v2 writer billed as capped and flagged; none of them the cheapest
    for b in heavy_pg.sections["cost"]["bills"]:
        if b["option"] in billing.SCALE_OUT_OPTIONS:
            continue
        assert not b["cheapest"], b["option"]
        if b["option"].startswith("serverless"):
            writer = next(li for li in b["lines"] if li["id"] == "compute.writer")
            assert "NOT SERVED" in writer["line"] and "256 ACU" in writer["line"]
        else:
            assert "one writer cannot serve it" in b["unavailable"], b["option"]


def test_the_event_factor_to_outgrow_one_writer():
    s = sc.load()
    cap = scaleout.largest_writer(pricing.load("us-east-1", engine="aurora-postgresql"))[1]
    f = scaleout.event_factor_to_outgrow(s)
    assert 10 < f < 1000
    assert scaleout.writer_demand(s, event_factor=f)["event_peak_acu"] == pytest.approx(
        cap, rel=1e-5)
    f256 = scaleout.event_factor_to_outgrow(s, limit="serverless")
    assert f256 < f
    assert scaleout.event_factor_to_outgrow(s, limit=256.0) == f256
    # the estimate agrees on either side of each: beyond the largest class one writer cannot
    # serve it; this Serverless v2 cluster prices the scale-out options beyond 256 ACU
    events = s["workload"]["events"]

    def scale(factor):
        ev = [{"start_hour": a, "duration_hours": b, "factor": factor} for a, b, _ in events]
        return sc.estimate(s.replace(workload__events=ev, scenario__trials=200),
                           only=("scaleout",)).sections["scaleout"]

    for factor, beyond in ((0.99 * f, False), (1.01 * f, True)):
        assert scale(factor)["writer"]["event_peak"]["exceeds_largest_class"] is beyond
    for factor, shown in ((0.99 * f256, False), (1.01 * f256, True)):
        got = scale(factor)
        assert got["writer"]["event_peak"]["exceeds_serverless_max"] is shown
        assert got["shown"] is shown


def test_the_event_factor_needs_an_event_and_a_known_limit():
    with pytest.raises(ParameterValueError, match=r"`workload.events` must hold at least one"):
        scaleout.event_factor_to_outgrow(sc.load().replace(workload__events=[]))
    with pytest.raises(ParameterValueError, match=r"`limit` must be 'instance', 'serverless'"):
        scaleout.event_factor_to_outgrow(sc.load(), limit="biggest")
    assert scaleout.event_factor_to_outgrow(sc.load(), limit=1e9) == math.inf
    assert scaleout.event_factor_to_outgrow(sc.load(), limit=1.0) == 0.0


# -- the shard group against the published limits ---------------------------------------------


@pytest.mark.parametrize("acu, nodes", [(16, (2, 2)), (400, (2, 2)), (401, (2, 3)),
                                        (1000, (4, 6)), (2300, (8, 15)), (2301, (8, 16)),
                                        (6144, (8, 16))])
def test_the_nodes_follow_the_user_guides_table(acu, nodes):
    assert scaleout.shard_group_nodes(acu) == nodes


def test_the_shard_group_respects_the_limits():
    small = scaleout.size_shard_group([1.0, 2.0], headroom=0.2)
    assert small.max_acu == 16.0 and small.min_acu == 16.0 and small.within_limits
    assert small.acu_hours_per_month == pytest.approx(16.0 * 730)  # the minimum is billed
    big = scaleout.size_shard_group([7000.0], headroom=0.0)
    assert not big.within_limits and (big.routers, big.shards) == (8, 16)
    with pytest.raises(ValueError, match="`max_acu` must be at least 16"):
        scaleout.shard_group_nodes(8)
    with pytest.raises(ValueError, match="`compute_redundancy` must be"):
        scaleout.size_shard_group([100.0], compute_redundancy=3)


def test_standbys_scale_with_their_shards():
    d = np.array([100.0, 300.0, 50.0])
    g0 = scaleout.size_shard_group(d, headroom=0.0)
    g2 = scaleout.size_shard_group(d, headroom=0.0, compute_redundancy=2)
    # 300 ACU: 2 routers + 2 shards, minimum 16; two standbys per shard add 2 x 2/4 of it
    assert g0.mean_acu == pytest.approx(150.0)
    assert g2.standby_shards == 4
    assert g2.acu_hours_per_month == pytest.approx(g0.acu_hours_per_month * (1 + 2 * 2 / 4))


# -- the bill ----------------------------------------------------------------------------------


def test_each_scale_out_line_is_quantity_times_a_cited_unit_price(heavy_pg):
    pb = pricing.load("us-east-1", engine="aurora-postgresql")
    ratio = heavy_pg.scenario["scaleout"]["limitless_acu_price_ratio"]
    want = {("aurora_limitless", "limitless.compute"): pb.acu_hour_usd(io_optimized=True) * ratio,
            ("aurora_limitless", "limitless.storage"): pb.storage_gb_month_usd(io_optimized=True),
            ("aurora_dsql", "dsql.dpu"): 8.00, ("aurora_dsql", "dsql.storage"): 0.33}
    seen = set()
    for option in billing.SCALE_OUT_OPTIONS:
        b = _bill(heavy_pg, option)
        assert b["missing"] == [] and b["unavailable"] is None
        for li in b["lines"]:
            assert li["amount_usd"] == pytest.approx(li["quantity"] * li["unit_price_usd"])
            if (option, li["id"]) in want:
                assert li["unit_price_usd"] == pytest.approx(want[option, li["id"]])
                seen.add((option, li["id"]))
        assert b["total_usd"] == pytest.approx(sum(li["amount_usd"] for li in b["lines"]))
    assert seen == set(want)
    so = heavy_pg.sections["scaleout"]
    g = so["limitless"]
    compute = next(li for li in _bill(heavy_pg, "aurora_limitless")["lines"]
                   if li["id"] == "limitless.compute")
    assert compute["quantity"] == pytest.approx(g["acu_hours_per_month"])
    assert f"{g['routers']} routers + {g['shards']} shards" in compute["line"]
    assert g["max_acu"] >= g["peak_demand_acu"] * 1.2 and g["within_limits"]
    dpu = next(li for li in _bill(heavy_pg, "aurora_dsql")["lines"] if li["id"] == "dsql.dpu")
    wl = heavy_pg.sections["workload"]
    assert dpu["quantity"] == pytest.approx(
        (wl["mean_writes_per_s"] + wl["mean_reads_per_s"]) * 2_628_000
        * so["dsql"]["dpus_per_transaction"] / 1e6)


def test_a_postgresql_write_load_beyond_one_writer_gets_both_options(heavy_pg):
    cost = heavy_pg.sections["cost"]
    options = {o["option"]: o for o in cost["options"]}
    assert set(billing.SCALE_OUT_OPTIONS) <= set(options)
    assert not heavy_pg.sections["scaleout"]["migration"]
    # no single-writer option serves it: the cheapest is a scale-out estimate (the cluster
    # is PostgreSQL: neither is a migration)
    assert cost["cheapest"] in billing.SCALE_OUT_OPTIONS
    cheapest = min(billing.SCALE_OUT_OPTIONS, key=lambda o: options[o]["total_usd"])
    assert cost["cheapest"] == cheapest
    rows = heavy_pg.sections["alternatives"]["rows"]
    est = [r for r in rows if r.get("estimate")]
    assert [r["deployment"] for r in est] == ["Aurora Limitless Database (estimate)",
                                              "Aurora DSQL (estimate)"]
    assert est[0]["monthly_cost_usd"] == pytest.approx(options["aurora_limitless"]["total_usd"])
    assert not any(r["recommended"] for r in est)
    table = sc.render(heavy_pg, "table")
    assert "Aurora Limitless Database (estimate)" in table and "Beyond one writer" in table


def test_from_mysql_each_option_is_a_migration_never_marked_cheapest(heavy_mysql):
    so, cost = heavy_mysql.sections["scaleout"], heavy_mysql.sections["cost"]
    assert so["migration"] and so["limitless"]["migration"] and so["dsql"]["migration"]
    assert cost["cheapest"] not in billing.SCALE_OUT_OPTIONS
    for option in billing.SCALE_OUT_OPTIONS:
        b = _bill(heavy_mysql, option)
        assert b["missing"] == [] and not b["cheapest"]
        assert "a migration from Aurora MySQL" in b["lines"][0]["line"]
    rows = [r for r in heavy_mysql.sections["alternatives"]["rows"] if r.get("estimate")]
    assert all(r["fails_on"].startswith("engine") and not r["engine_supported"] for r in rows)
    assert any("a migration from Aurora MySQL" in n for n in heavy_mysql.notes)
    assert billing.is_migration("aurora_limitless", "aurora-mysql")
    assert not billing.is_migration("provisioned_standard", "aurora-mysql")


def test_a_scale_out_estimate_does_not_outrank_a_single_writer_that_serves():
    r = sc.estimate(sc.load().replace(scaleout__options="always", scenario__trials=200),
                    only=("cost",))
    cost = r.sections["cost"]
    assert set(billing.SCALE_OUT_OPTIONS) <= {o["option"] for o in cost["options"]}
    assert cost["cheapest"] not in billing.SCALE_OUT_OPTIONS


def test_a_region_without_a_published_dsql_rate_names_it_missing():
    r = sc.estimate(sc.load().replace(pricing__region="eu-west-1", **WRITE_HEAVY),
                    only=("cost",))
    b = _bill(r, "aurora_dsql")
    assert b["lines"] == [] and len(b["missing"]) == 2
    assert all("eu-west-1" in m for m in b["missing"])
    assert r.sections["cost"]["cheapest"] != "aurora_dsql"


def test_the_batch_totals_equal_the_bills(heavy_pg):
    res = heavy_pg.results["scaleout"]
    from aurora_models.scaleout._section import _bill_lines

    usage = billing.Usage(region="us-east-1", instance_class="db.r6g.large", volume_gib=200.0)
    added = _bill_lines(res, usage)
    bills = billing.bill_options(usage, added=added)
    assert [b.option for b in bills][-2:] == list(billing.SCALE_OUT_OPTIONS)
    totals = billing.bill_totals([usage], added=[added])
    assert totals[0] == pytest.approx([b.total_usd for b in bills])


# -- the bundled scenario is unchanged ---------------------------------------------------------


def test_the_bundled_leaderboard_prices_no_scale_out_option(bundled):
    so = bundled.sections["scaleout"]
    assert not so["shown"] and so["one_writer_serves"] and so["lines"] == []
    assert so["limitless"] is None and so["dsql"] is None
    cost = bundled.sections["cost"]
    assert not {o["option"] for o in cost["options"]} & set(billing.SCALE_OUT_OPTIONS)
    assert all(b["unavailable"] is None for b in cost["bills"])
    assert not [r for r in bundled.sections["alternatives"]["rows"] if r.get("estimate")]
    assert not any("beyond one" in n for n in bundled.notes)
    never = sc.estimate(sc.load().replace(scaleout__options="never", scenario__trials=200))
    assert never.sections["cost"] == cost


def test_bad_input_names_the_key():
    with pytest.raises(sc.ScenarioError, match=r"scaleout.options"):
        sc.load().replace(scaleout__options="sometimes")
    with pytest.raises(sc.ScenarioError, match=r"scaleout.limitless_compute_redundancy"):
        sc.load().replace(scaleout__limitless_compute_redundancy=3)


def test_an_analysis_whose_vectors_cross_the_limit_keeps_its_plan():
    """A vector may take the writer past 256 ACU where the scenario's own run does not: the
    section reads the same inputs either way, and the batch's bill is the estimate's."""
    from aurora_models import sensitivity as sa

    s = sc.load()
    f = scaleout.event_factor_to_outgrow(s, limit="serverless")
    ev = [{"start_hour": a, "duration_hours": b, "factor": 0.97 * f}
          for a, b, _ in s["workload"]["events"]]
    s = s.replace(workload__events=ev, scenario__trials=200)
    assert not sc.estimate(s, only=("scaleout",)).sections["scaleout"]["shown"]
    crossed = s.replace(workload__vcpu_ms_per_write=1.0)
    assert sc.estimate(crossed, only=("scaleout",)).sections["scaleout"]["shown"]
    m = sa.ScenarioModel.of(s, ["workload.vcpu_ms_per_write"])
    y = m(np.array([[0.5], [1.0]]))
    j = m.outputs.index("bill_serverless_standard")
    want = next(o["total_usd"] for o in sc.estimate(crossed).sections["cost"]["options"]
                if o["option"] == "serverless_standard")
    assert y[1, j] == pytest.approx(want, rel=1e-12)


def test_the_bundled_leaderboard_at_the_factor_that_outgrows_one_writer():
    """Notebook 10's question: at the event factor where the writer reaches the largest class,
    the estimate still runs (its readers outgrow every class too: those options are
    unavailable, not a failed bill) and prices both scale-out options."""
    s = sc.load()
    f = scaleout.event_factor_to_outgrow(s)
    ev = [{"start_hour": a, "duration_hours": b, "factor": f}
          for a, b, _ in s["workload"]["events"]]
    r = sc.estimate(s.replace(workload__events=ev, scenario__trials=200))
    so, cost = r.sections["scaleout"], r.sections["cost"]
    assert so["shown"] and not so["migration"]
    assert so["writer"]["event_peak"]["writer_demand_acu"] == pytest.approx(
        so["writer"]["largest_class_acu"], rel=1e-5)
    options = {o["option"]: o for o in cost["options"]}
    for o in billing.SCALE_OUT_OPTIONS:
        assert options[o]["complete"] and options[o]["total_usd"] > 0
        assert options[o]["total_usd"] == pytest.approx(so[o.split("_")[1]]["monthly_usd"])
    for o in ("provisioned_standard", "provisioned_io_optimized", "provisioned_reserved"):
        assert options[o]["unavailable"] and options[o]["total_usd"] is None
    assert cost["cheapest"] == min(billing.SCALE_OUT_OPTIONS,
                                   key=lambda o: options[o]["total_usd"])
