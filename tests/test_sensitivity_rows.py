"""`estimate --uncertainty`: every summary row with its assumption interval (sensitivity._rows),
in every format, labelled apart from the Monte Carlo interval."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import jsonschema
import numpy as np
import pytest

from aurora_models import scenario as sc
from aurora_models.scenario._estimate import summary_rows
from aurora_models.scenario._render import _html
from aurora_models.sensitivity import propagate_scenario
from aurora_models.sensitivity._rows import (
    FIXED,
    JSON_SCHEMA,
    NOT_PROPAGATED,
    VARIES,
    assumption_intervals,
    row_intervals,
    targets,
)


@pytest.fixture(scope="module")
def case():
    s = sc.load()
    result = sc.estimate(s, n_trials=100)
    rows = summary_rows(result.to_dict())
    prop = propagate_scenario(s, n=8)
    return SimpleNamespace(scenario=s, result=result, rows=rows, prop=prop,
                           ivs=assumption_intervals(prop, rows, s))


def _by(case, section, metric):
    i = next(i for i, r in enumerate(case.rows) if r[0] == section and r[1] == metric)
    return case.ivs.rows[i]


#: Written by hand (not read from the manifests it checks): the rows each output measures.
EXPECTED_ROWS = {
    "downtime_minutes_per_year": {("availability", "expected downtime (closed form)"),
                                  ("availability", "expected downtime (Monte Carlo)")},
    "p_data_loss": {("durability", "P(data loss in horizon), volume")},
    "p_write_unavailable": {("durability", "P(storage write unavailable), volume")},
    "failover_p50_s": {("failover", "client-observed outage P50")},
    "failover_p90_s": {("failover", "client-observed outage P90")},
    "failover_p99_s": {("failover", "client-observed outage P99")},
    "readers_at_event_peak": {("readers", "needed at event peak")},
    "writer_demand_not_served": {("serverless", "writer demand not served (scale-up lag)")},
    "bill_serverless_standard": {("cost", "serverless_standard")},
    "bill_provisioned_reserved": {("cost", "provisioned_reserved")},
    "lag_p99_ms_eu-west-1": {("global_database", "eu-west-1 lag p99 at event peak")},
    "rpo_writes_at_risk_eu-west-1": {("global_database",
                                      "eu-west-1 writes at risk (mean, event peak)")},
}


def test_every_output_maps_to_a_row_and_moved_fixed_and_unmapped_rows_say_so(case):
    for o in case.prop.propagation.outputs:
        assert targets(o, case.rows), o
    for o, want in EXPECTED_ROWS.items():
        assert {(case.rows[i][0], case.rows[i][1]) for i in targets(o, case.rows)} == want, o
    assert {(r[0], r[1]) for r in case.rows if r.output == "availability"} == {
        ("availability", "availability per year")}
    bill = _by(case, "cost", "serverless_standard")
    assert bill.status == VARIES and bill.p5 < bill.median < bill.p95
    assert bill.p_cheapest == case.prop.p_cheapest["serverless_standard"]
    assert _by(case, "failover", "client-observed outage P50").status == FIXED
    assert _by(case, "serverless", "writer peak capacity").status == NOT_PROPAGATED
    # availability is 1 - minutes/525600 of the downtime draws, its interval in order
    av, dt = (_by(case, "availability", m) for m in ("availability per year",
                                                     "expected downtime (closed form)"))
    assert av.p5 <= av.median <= av.p95
    assert av.median == pytest.approx(1 - dt.median / 525_600, rel=1e-12)
    assert av.p5 == pytest.approx(1 - dt.p95 / 525_600, rel=1e-12)


def test_unknown_outputs_and_changed_units_are_ignored(case):
    p = case.prop.propagation
    Y = np.column_stack([p.Y, np.arange(len(p.Y), dtype=float)])
    fake = SimpleNamespace(
        propagation=SimpleNamespace(outputs=(*p.outputs, "something_new"), Y=Y),
        units={**case.prop.units, "p_data_loss": "percent"},
        p_cheapest=case.prop.p_cheapest, derived=case.prop.derived)
    ivs = row_intervals(fake, case.rows)
    i = next(i for i, r in enumerate(case.rows) if r[1] == "P(data loss in horizon), volume")
    assert ivs[i].status == NOT_PROPAGATED
    assert ivs[:i] + ivs[i + 1:] == list(case.ivs.rows[:i] + case.ivs.rows[i + 1:])


def test_table_and_markdown_label_both_intervals(case):
    for fmt in ("table", "markdown"):
        text = sc.render(case.result, fmt, uncertainty=case.ivs)
        assert "MC 95 % CI" in text and "assumptions 90 %" in text, fmt
        assert "not Monte Carlo error" in text and "P(meets objectives" in text
        line = next(ln for ln in text.splitlines() if "Serverless v2, Aurora Standard" in ln
                    and "$" in ln)
        assert "P(cheapest)" in line
        fo = next(ln for ln in text.splitlines() if "client-observed outage P50" in ln)
        assert "fixed" in fo
        cap = next(ln for ln in text.splitlines() if "writer peak capacity" in ln)
        assert "not propagated" in cap
    # without the option the table is what it was
    assert "assumptions 90 %" not in sc.render(case.result, "table")


def test_csv_has_the_assumption_columns(case):
    rows = list(csv.DictReader(io.StringIO(sc.render(case.result, "csv",
                                                     uncertainty=case.ivs))))
    assert {"assumption_median", "assumption_p5", "assumption_p95",
            "assumption_status"} <= set(rows[0])
    bill = next(r for r in rows if r["metric"] == "serverless_standard")
    assert float(bill["assumption_p5"]) < float(bill["assumption_p95"])
    assert bill["p_cheapest"] != ""
    fixed = next(r for r in rows if r["metric"] == "client-observed outage P50")
    assert fixed["assumption_status"] == "fixed"
    assert fixed["assumption_p5"] == fixed["assumption_p95"] == fixed["assumption_median"]
    assert next(r for r in rows if r["metric"] == "writer peak capacity")[
        "assumption_status"] == "not propagated"


def test_json_validates_against_the_documented_shape(case):
    doc = json.loads(sc.render(case.result, "json", uncertainty=case.ivs))
    assert doc["schema_version"] == sc.SCHEMA_VERSION
    u = doc["assumption_uncertainty"]
    jsonschema.validate(u, JSON_SCHEMA)
    assert [(r["section"], r["metric"]) for r in u["rows"]] == [r[:2] for r in case.rows]
    bill = next(r for r in u["rows"] if r["metric"] == "serverless_standard")
    assert bill["status"] == "varies" and bill["p5"] < bill["p95"]
    assert bill["output"] == "bill_serverless_standard"
    assert next(r for r in u["rows"] if r["metric"] == "writer peak capacity")["median"] is None
    assert u["n"] == 8 and u["infeasible"] == 0 and "not Monte Carlo error" in u["interval"]


def test_html_report_shows_both_interval_columns(case):
    page = _html(case.result, uncertainty=case.ivs)
    assert "<th>MC 95 % CI</th>" in page and "assumptions 90 %: median [5 %, 95 %]" in page
    assert "<td class=q>fixed</td>" in page and "<td class=q>not propagated</td>" in page
    assert "P(cheapest)" in page and "P(meets objectives" in page
    plain = _html(case.result)
    assert "<th>95% CI</th>" in plain and "assumptions 90 %" not in plain
