"""Answers that tell the truth about the user's own system (billing and eligibility)."""

from __future__ import annotations

import numpy as np
import pytest

from aurora_models import billing, pricing, serverless
from aurora_models import scenario as sc


def _secondary_compute(doc) -> dict[str, float]:
    return {b["option"]: sum(li["amount_usd"] for li in b["lines"]
                             if li["id"] == "secondary.compute")
            for b in doc["cost"]["bills"]}


def test_a_secondary_is_billed_from_its_own_inputs_not_the_primary_readers():
    base = sc.load().replace(regions__secondaries=["us-east-2", "ap-southeast-2"],
                             regions__secondary_instances=1, scenario__trials=200)
    fewer = base.replace(cluster__replicas=1)
    a, b = (_secondary_compute(sc.estimate(s, only=("cost",)).to_dict()) for s in (base, fewer))
    assert a["serverless_standard"] > 0
    assert a == b
    # unset: billed at max(min_acu, 0.5) ACU for 730 hours in each secondary region
    bill = next(x for x in sc.estimate(base, only=("cost",)).to_dict()["cost"]["bills"]
                if x["option"] == "serverless_standard")
    q = [li["quantity"] for li in bill["lines"] if li["id"] == "secondary.compute"]
    assert q == [pytest.approx(0.5 * 730.0)] * 2
    given = base.replace(regions__secondary_acu=3.0)
    bill = next(x for x in sc.estimate(given, only=("cost",)).to_dict()["cost"]["bills"]
                if x["option"] == "serverless_standard")
    assert [li["quantity"] for li in bill["lines"] if li["id"] == "secondary.compute"] == \
        [pytest.approx(3.0 * 730.0)] * 2


def test_monthly_cost_prices_replicated_write_io_at_each_secondarys_rate():
    pb = pricing.load("us-east-1")
    rates = [pricing.load(r).global_write_io_per_million_usd
             for r in ("ap-southeast-2", "eu-west-1")]
    assert rates != [pb.global_write_io_per_million_usd] * 2  # the case that mattered
    bill = serverless.monthly_cost(np.full(60, 4.0), pb, replicated_write_io_millions_per_month=100,
                                   secondary_regions=["ap-southeast-2", "eu-west-1"],
                                   options=["serverless_standard"])
    assert bill["replicated_io_usd"].iloc[0] == pytest.approx(100 * sum(rates))


def test_replicated_write_io_on_io_optimized_is_a_marked_switchable_assumption():
    u = billing.Usage(region="us-east-1", capacity="provisioned", instance_class="db.r6g.large",
                      secondaries=("eu-west-1",), write_io_millions_per_month=10.0)

    def line(usage, option):
        b = next(x for x in billing.bill_options(usage) if x.option == option)
        return [li for li in b.lines if li.id == "secondary.replicated_write_io"]

    std, opt = line(u, "provisioned_standard"), line(u, "provisioned_io_optimized")
    assert "ASSUMPTION" not in std[0].line and "ASSUMPTION" in opt[0].line
    assert std[0].amount_usd == opt[0].amount_usd
    off = billing.Usage(**{**u.__dict__, "replicated_write_io_on_io_optimized": False})
    assert line(off, "provisioned_io_optimized") == []
    assert line(off, "provisioned_standard") == std
    s = sc.load().replace(regions__replicated_write_io_on_io_optimized=False)
    assert not s["regions"]["replicated_write_io_on_io_optimized"]


def test_the_alternatives_say_which_rds_engine_they_priced():
    for engine, name in (("postgresql", "RDS for PostgreSQL"), ("mysql", "RDS for MySQL")):
        s = sc.load().replace(cluster__engine=engine, scenario__trials=100)
        note = sc.estimate(s, only=("alternatives",)).to_dict()["alternatives"]["note"]
        assert f"priced as {name}" in note


def test_auto_pause_only_where_aws_pauses():
    text = sc.template_text().replace("min_acu = 0.5", "min_acu = 0")
    with pytest.raises(sc.ScenarioError, match=r"`cluster.min_acu` must be at least 0.5 in a "
                                               r"Global Database"):
        sc.loads(text, source="x.toml")  # the template has a secondary
    alone = text.replace('secondaries = ["eu-west-1"]', "secondaries = []")
    assert sc.loads(alone)["cluster"]["min_acu"] == 0
    old = alone.replace('engine = "postgresql"', 'engine = "postgresql"\nengine_version = "16.1"')
    with pytest.raises(sc.ScenarioError, match=r"on Aurora postgresql 16.1 \(auto-pause needs"):
        sc.loads(old, source="x.toml")
    assert sc.loads(old.replace('"16.1"', '"16.3"'))["cluster"]["min_acu"] == 0


def test_the_volume_limit_follows_the_engine_version():
    base = sc.template_text().replace('engine = "postgresql"', 'engine = "mysql"')
    old = base.replace('engine = "mysql"', 'engine = "mysql"\nengine_version = "2.07.2"')
    with pytest.raises(sc.ScenarioError, match=r"at most 65,536 GiB \(64 TiB\) on Aurora mysql "
                                               r"2.07.2, got 70000"):
        sc.loads(old.replace("volume_gib = 200", "volume_gib = 70000"), source="x.toml")
    new = old.replace('"2.07.2"', '"8.0.mysql_aurora.3.08.0"')
    assert sc.loads(new.replace("volume_gib = 200", "volume_gib = 70000"))[
        "cluster"]["volume_gib"] == 70000
    with pytest.raises(sc.ScenarioError, match=r"must be a version of Aurora mysql"):
        sc.loads(base.replace('engine = "mysql"', 'engine = "mysql"\nengine_version = "16.4"'))
    with pytest.raises(sc.ScenarioError, match=r"`cluster.engine_version` must be an engine "
                                               r"version"):
        sc.loads(base.replace('engine = "mysql"', 'engine = "mysql"\nengine_version = "latest"'))
