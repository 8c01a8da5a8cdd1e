"""Rendering per section (issue 24, item 1) and notebook reprs (issue 25, item 3).

Every renderer iterates the sections a result has: a partial result (``estimate(...,
only=...)``) renders in every format and in the HTML report. The HTML comes from the package's
jinja2 templates, which escape every value: a scenario name holding ``<script>`` is text in
every page and repr. Each result a notebook shows has a short ``repr`` and a well-formed,
escaped ``_repr_html_``.
"""

from __future__ import annotations

import csv
import datetime
import importlib.resources
import io
import json
from html.parser import HTMLParser

import numpy as np
import pytest

from aurora_models import scenario as sc
from aurora_models._format import value_text
from aurora_models._registry import sections
from aurora_models.exceptions import ParameterValueError
from aurora_models.scenario._render import _html

XSS = "<script>alert('x')</script>"
#: Elements without a closing tag.
VOID = {"meta", "img", "br", "hr", "input", "link"}


class _Checker(HTMLParser):
    """Tags balanced (each closed in order), no script element, text collected."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def well_formed(page: str) -> str:
    """``page`` parsed: every element closed in order, no ``<script>`` element; its text."""
    c = _Checker()
    c.feed(page)
    c.close()
    assert not c.stack, f"unclosed: {c.stack}"
    assert "script" not in c.tags
    return "".join(c.text)


@pytest.fixture(scope="module")
def full():
    return sc.estimate(sc.load(), n_trials=200)


ONLY = [("durability",), ("cost",), ("availability", "failover"), ("global_database",),
        ("alternatives",), ("workload",)]


@pytest.mark.parametrize("only", ONLY, ids="+".join)
def test_a_partial_result_renders_its_sections_in_every_format(only):
    r = sc.estimate(sc.load(), n_trials=200, only=only)
    doc = r.to_dict()
    present = [s for s in sections() if s.name in r.results]
    absent = [s for s in sections() if s.name not in r.results]
    rows = sc.summary_rows(doc)
    assert {row.section for row in rows} <= {s.name for s in present}
    texts = {fmt: sc.render(r, fmt, width=None) for fmt in sc.FORMATS}
    page = _html(r, today=datetime.date(2026, 1, 5))
    shown = {"table": texts["table"], "markdown": texts["markdown"], "html": well_formed(page)}
    for fmt, text in shown.items():
        for row in rows:  # every row's value is there (its label may be the option's)
            assert value_text(row.value, row.unit) in text, (fmt, row)
        for s in present:
            if s.rows(doc[s.name]):
                assert s.title in text, (fmt, s.name)
        for s in absent:  # no other section's title: nothing rendered from a missing part
            assert f"{s.title}  " not in text and f"| {s.title} |" not in text, (fmt, s.name)
    assert json.loads(texts["json"]).keys() - {"schema_version", "scenario", "assumptions",
                                                "notes"} == set(r.results)
    got = list(csv.DictReader(io.StringIO(texts["csv"])))
    assert [(g["section"], g["metric"]) for g in got] == [(x.section, x.metric) for x in rows]
    if "cost" in r.results:  # its bills and lines, in the text formats and the report
        assert "Bill: " in texts["table"] and "## Bill, line by line" in texts["markdown"]
        assert "Bills, line by line" in page and "total per month" in page
        assert "cheapest option:" in texts["table"] and "prices us-east-1 as of" in page
        assert sc.render_bill(r, "csv").startswith("scenario,option,")
    else:
        assert "Bill" not in texts["table"] and "Bill" not in texts["markdown"]
        assert "Bills, line by line" not in page and "prices " not in page
        with pytest.raises(ParameterValueError, match=r"`result` must have the bills \(its "
                                                      r"'cost' section\)"):
            sc.render_bill(r, "csv")
    if "alternatives" in r.results:
        assert "Aurora vs RDS (provisioned, daily peak)" in texts["table"]
        assert "Aurora vs RDS (provisioned, daily peak)" in page


def test_a_partial_report_writes_the_files_of_its_sections(tmp_path):
    r = sc.estimate(sc.load(), n_trials=200, only=("availability",))
    written = sc.write_report(r, tmp_path / "out", today=datetime.date(2026, 1, 5))
    assert sorted(p.name for p in written) == ["downtime.png", "estimate.json", "report.html",
                                               "summary.csv"]
    page = (tmp_path / "out" / "report.html").read_text()
    text = well_formed(page)
    assert "expected downtime (closed form)" in text and "Monthly cost" not in text
    assert page.count("<img ") == 1 and "alt='Simulated writer downtime" in page


def test_the_full_report_keeps_its_parts(full):
    page = _html(full, {"cost.png": b"\x89PNG"}, today=datetime.date(2026, 1, 5))
    text = well_formed(page)
    # the summary in its order: the budget owner's lines first, then the models'
    order = [text.index(k) for k in ("configured cluster", "cheapest option", "availability",
                                     "failover (client-observed)", "durability",
                                     "Aurora vs RDS")]
    assert order == sorted(order)
    assert "30 days before this report" in text
    # every bill, the latency by user region (shown: the bundled file has [users]), the
    # year month by month (shown), the right-sizing table (folded) and the reserved terms
    # (shown)
    assert page.count("<details") == len(full.sections["cost"]["bills"]) + 4
    assert page.count("<details open>") == 3 + len([b for b in full.sections["cost"]["bills"]
                                                    if b["configured"] or b["cheapest"]])
    assert "The year, month by month" in text and "Right-sizing" in text
    assert "Latency by user region" in text and "Reserved terms: 10 rows" in text
    assert "Database Savings Plan (1y-no-upfront" in text
    assert page.count("class=cheap") == 1
    assert page.count("<figure>") == 3 and page.count("<img ") == 1  # the one image given
    assert "data:image/png;base64,iVBORw==" in page


def _sobol_result(name: str):
    from aurora_models.sensitivity import make, sobol

    d = [make(x, {"dist": "uniform", "low": 0, "high": 1}) for x in ("a", name)]
    return sobol(lambda X: np.column_stack([X[:, 0] + 2 * X[:, 1], X[:, 0] * 0]), d,
                 outputs=[name, "flat"], n=16, seed=0)


def test_every_html_output_escapes_a_script_in_a_name(full, tmp_path):
    import nbformat

    from aurora_models.billing import Bill, LineItem
    from aurora_models.cli import index_html, report_html
    from aurora_models.sensitivity._render import _page

    s = sc.load().replace(scenario__name=XSS, scenario__description=f"about {XSS}",
                          scenario__trials=200)
    r = sc.estimate(s)
    res = _sobol_result(XSS)
    bill = Bill(option="x", label=XSS, configured=True, total_usd=1.0, lines=(LineItem(
        option="x", region="r", line=XSS, quantity=1.0, unit="u", unit_price_usd=1.0,
        amount_usd=1.0),))
    from aurora_models.results import Estimate

    pages = {"report": _html(r, today=datetime.date(2026, 1, 5)),
             "scenario repr": r._repr_html_(),
             "sensitivity page": _page(res, {}),
             "sensitivity repr": res._repr_html_(),
             "index": index_html([("a.html", f"01 · {XSS}", XSS)], XSS),
             "bill repr": bill._repr_html_(),
             "estimate repr": Estimate(value=1.0, quantity=XSS)._repr_html_()}
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 06 · Case study")]
    notebook_page = report_html(nb, title=f"06 · Case study: {XSS}", show_code=False)
    assert "<title>06 · Case study: &lt;script&gt;" in notebook_page  # nbconvert's page
    for what, page in pages.items():
        text = well_formed(page)
        assert XSS in text, what  # shown as text ...
        assert XSS not in page and "&lt;script&gt;" in page, what  # ... escaped
    # the page written by write_report too
    sc.write_report(r, tmp_path / "out")
    assert XSS in well_formed((tmp_path / "out" / "report.html").read_text())


def test_reprs_are_short_and_their_html_well_formed(full):
    from aurora_models import pricing, serverless
    from aurora_models.billing import Bill, LineItem
    from aurora_models.sensitivity import analyze, propagate, propagate_scenario

    s = sc.load()
    res = analyze(s, method="morris", n=2, outputs=["bill_serverless_standard",
                                                     "downtime_minutes_per_year"], seed=3)
    prop = propagate_scenario(s, n=8)
    plain = propagate(lambda X: X * 2, [serverless_dist()], outputs=["y"], n=8)
    demand = np.concatenate([np.full(60, 2.0), np.full(60, 8.0)])
    cap = serverless.simulate_capacity(demand, serverless.ScalingPolicy(min_acu=0.5,
                                                                          max_acu=16),
                                       step_s=10.0)
    dist = serverless.monthly_cost_distribution(pricing.load("us-east-1"), n_trials=20,
                                                days=2.0, rng=1)
    bill = Bill(option="provisioned_reserved", label="provisioned, reserved", configured=True,
                cheapest=True, total_usd=7723.0, total_12_months_usd=92676.0, lines=(LineItem(
                    option="provisioned_reserved", region="us-east-1", line="compute",
                    quantity=730.0, unit="instance-hours", unit_price_usd=1.0,
                    amount_usd=730.0),))
    cases = [
        (full, "ScenarioResult('Gaming leaderboard'", "cheapest option:"),
        (sc.estimate(s, n_trials=200, only=("durability",)), "ScenarioResult(",
         "1 section (durability)"),
        (res, "SensitivityResult(morris): 2 outputs", "bill_serverless_standard:"),
        (prop, "ScenarioPropagation: ", "P(meets objectives)"),
        (plain, "Propagation: 1 output over 1 uncertain input, 8 draws", "y: "),
        (pricing.load("us-east-1"), "PriceBook(region='us-east-1'", "rows="),
        (bill, "Bill('provisioned_reserved', configured, cheapest): $7,723.00 a month",
         "1 line"),
        (cap, "CapacityResult: simulated 0.3333 h at 10 s steps", "pauses: "),
        (dist, "CostDistribution: 20 trials", "monthly cost P95: "),
    ]
    for obj, head, inside in cases:
        text = repr(obj)
        assert len(text) < 1000, (type(obj).__name__, len(text))
        assert text.startswith(head) and inside in text, text
        page = obj._repr_html_()
        assert page.startswith("<div class='aurora-repr'>"), type(obj).__name__
        assert len(well_formed(page)) > 50
    # the key figures with their intervals
    assert "95 % CI" in dist._repr_html_() and "(95 % CI " in repr(dist)
    assert "95% CI" in full._repr_html_() and "class=cheap" in full._repr_html_()


def serverless_dist():
    from aurora_models.sensitivity import make

    return make("x", {"dist": "uniform", "low": 0, "high": 1})


def test_the_templates_ship_inside_the_package():
    from aurora_models._templates import environment

    folder = importlib.resources.files("aurora_models") / "templates"
    names = {p.name for p in folder.iterdir()}
    assert {"report.html.j2", "sensitivity.html.j2", "index.html.j2", "repr.html.j2",
            "_macros.html.j2", "report.css"} <= names
    assert (folder / "nbconvert" / "aurora_report.html.j2").is_file()
    assert environment().autoescape is True
    assert set(environment().list_templates()) >= {"report.html.j2", "index.css"}
