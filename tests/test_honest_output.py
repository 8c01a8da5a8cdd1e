"""Answers that tell the truth about the user's own system (billing and eligibility)."""

from __future__ import annotations

import re

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


def _cli(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "aurora_models.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_diff_leads_with_the_configured_bill_and_hides_unchanged_rows(tmp_path):
    import csv
    import io
    import json

    base = tmp_path / "base.toml"
    base.write_text(sc.template_text())
    new = tmp_path / "io.toml"
    new.write_text(sc.template_text().replace('storage = "standard"', 'storage = "io-optimized"'))
    assert new.read_text() != base.read_text()
    doc = json.loads(_cli("diff", str(base), str(new), "--format", "json", cwd=tmp_path).stdout)
    head = doc["configured"]
    assert (head["base_option"], head["new_option"]) == ("serverless_standard",
                                                         "serverless_io_optimized")
    assert head["delta_usd"] == pytest.approx(head["new_usd"] - head["base_usd"])
    # unchanged lines and options are hidden; a line whose text changed is one row
    assert all(abs(r["delta_usd"]) >= 0.005 or abs(r["delta_12_months_usd"]) >= 0.005
               or r["line"] == "TOTAL" for r in doc["rows"])
    storage = [r for r in doc["rows"] if r["option"] == "provisioned_reserved"
               and r["region"] == "us-east-1" and r["line"].startswith("storage")]
    assert [r["line"] for r in storage] == ["storage (Standard) -> storage (I/O-Optimized)"]
    table = _cli("diff", str(base), str(new), cwd=tmp_path).stdout
    first = next(line for line in table.splitlines()[1:] if line.strip())
    assert first.startswith("configured (Serverless v2, Aurora Standard -> Serverless v2, "
                            "I/O-Optimized): $")
    assert "/month" in first
    rows = list(csv.DictReader(io.StringIO(
        _cli("diff", str(base), str(new), "--format", "csv", cwd=tmp_path).stdout)))
    assert rows[0]["option"] == "configured"
    every = json.loads(_cli("diff", str(base), str(new), "--format", "json", "--all",
                            cwd=tmp_path).stdout)
    assert len(every["rows"]) > len(doc["rows"])
    md = _cli("diff", str(base), str(new), "--format", "markdown", cwd=tmp_path).stdout
    assert "**configured (" in md


def test_a_missed_objective_is_marked_on_the_configured_cluster():
    s = sc.load().replace(workload__max_failover_s=60.0, scenario__trials=200)
    r = sc.estimate(s)
    fo = r.to_dict()["failover"]
    assert fo["p90_s"] > 60 and fo["meets_objective"] is False and fo["objective_p90_s"] == 60
    table = sc.render(r, "table")
    assert re.search(r"!  +client-observed outage P90", table)
    assert "OBJECTIVE MISSED: failover P90 63.1 s > 60 s (workload.max_failover_s)" in table
    assert "(objective missed)" in sc.render(r, "markdown")
    from aurora_models.scenario._render import _html

    page = _html(r)
    assert "class=missed" in page and "OBJECTIVE MISSED" in page
    ok = sc.estimate(sc.load().replace(scenario__trials=200))
    assert "OBJECTIVE MISSED" not in sc.render(ok, "table")


def test_every_declared_distribution_has_its_median_at_the_default():
    """The point estimate and the median of its assumption interval agree: each declared
    distribution is centred on its default (the declared relative spread kept). A default of
    zero at the parameter's lower bound ("none on record") is a one-sided assumption."""
    import aurora_models as am
    from aurora_models._assumptions import _REGISTRY, REGISTERED_UNCERTAINTY
    from aurora_models._params import _DECLARED, params_of
    from aurora_models.sensitivity import make

    am.assumptions()
    checked, one_sided = 0, []
    for cls in _DECLARED:
        for p in params_of(cls).values():
            if not p.uncertainty or not p.registered or p.default is None:
                continue
            median = make(p.qualname, dict(p.uncertainty), lower=p.low, upper=p.high).median
            if p.default == 0:
                assert p.low == 0, p.qualname
                one_sided.append(p.qualname)
                continue
            assert median == pytest.approx(p.default, rel=1e-8), p.qualname
            checked += 1
    for name, spec in REGISTERED_UNCERTAINTY.items():
        value = _REGISTRY[name].value
        if value == 0:
            one_sided.append(name)
            continue
        assert make(name, dict(spec)).median == pytest.approx(value, rel=1e-8), name
        checked += 1
    assert checked > 30
    assert sorted(one_sided) == ["availability.major_upgrades_per_year",
                                 "global_db.degradation_remaining_fraction",
                                 "quorum.az_loss_rate_per_year",
                                 "serverless.extra_delay_s_per_halving"]


def test_the_output_says_which_values_the_file_set_were_sampled():
    from aurora_models.sensitivity import propagate_scenario
    from aurora_models.sensitivity._rows import assumption_intervals

    s = sc.load()
    prop = propagate_scenario(s, n=8)
    rows = sc.summary_rows(sc.estimate(s, n_trials=100).to_dict())
    iv = assumption_intervals(prop, rows, s)
    keys = {r["key"] for r in iv.recentred}
    assert {"workload.vcpu_ms_per_write", "workload.io_per_write"} <= keys
    assert "failures.az_outage_hours" not in keys  # not set by the file: its declaration
    assert "workload.vcpu_ms_per_write = 0.5 as lognormal(" in iv.header()
    assert iv.to_dict(rows)["recentred"][0]["distribution"]


@pytest.mark.parametrize("width", [50, 64, 80, 100, 132])
def test_the_table_is_never_wider_than_the_terminal(width):
    from aurora_models.sensitivity import propagate_scenario
    from aurora_models.sensitivity._rows import assumption_intervals

    s = sc.load().replace(scenario__trials=200)
    r = sc.estimate(s)
    texts = [sc.render(r, "table", width=width)]
    if width == 80:
        rows = sc.summary_rows(r.to_dict())
        texts.append(sc.render(r, "table", width=width, uncertainty=assumption_intervals(
            propagate_scenario(s, n=8), rows, s)))
    for text in texts:
        assert max(len(line) for line in text.splitlines()) <= width
        # nothing is lost: every label's words are there (a wrapped label continues below)
        words = text.split()
        for label in ("P(storage write unavailable), volume", "writer demand not served"):
            assert all(w in words for w in label.split()), label
        assert "OBJECTIVE MISSED" not in text


def test_unit_prices_show_cents_at_least():
    from aurora_models.scenario._render import unit_price

    assert [unit_price(x) for x in (0.1, 0.86515, 0.12, 0.225, 1234.5, 0.0)] == [
        "$0.10", "$0.86515", "$0.12", "$0.225", "$1,234.50", "$0.00"]


def test_reports_give_the_price_books_age_on_a_fixed_day(tmp_path):
    import datetime

    from aurora_models.scenario._render import price_age

    assert price_age("2025-12-06", datetime.date(2025, 12, 16)) == \
        "as of 2025-12-06, 10 days before this report"
    old = price_age("2025-12-06", datetime.date(2026, 12, 7))
    assert old.startswith("as of 2025-12-06, 366 days before this report (older than half")
    r = sc.estimate(sc.load().replace(scenario__trials=200))
    sc.write_report(r, tmp_path / "out", today=datetime.date(2026, 1, 5))
    page = (tmp_path / "out" / "report.html").read_text()
    assert "30 days before this report" in page
