"""End-to-end tests of `aurora-models estimate` and `scenario init`, in a subprocess."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aurora_models import scenario as sc

SCHEMA_KEYS = {"schema_version", "scenario", "workload", "durability", "availability",
               "failover", "serverless", "cost", "commitments", "year", "rightsizing",
               "readers", "alternatives", "global_database", "users", "assumptions", "notes"}


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "aurora_models.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def default_json():
    proc = run("estimate", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_default_run_prints_the_table():
    proc = run("estimate", "--trials", "1000")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Gaming leaderboard (leaderboard.toml): 1,000 trials")
    for word in ("Durability", "Availability", "Failover", "Monthly cost", "Serverless v2",
                 "Readers", "Global Database", "(cheapest)", "assumptions:"):
        assert word in out
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


def test_json_schema(default_json):
    doc = default_json
    assert set(doc) == SCHEMA_KEYS
    assert doc["schema_version"] == sc.SCHEMA_VERSION == "1.8"
    est_keys = {"quantity", "value", "standard_error", "ci_low", "ci_high", "n_trials", "method",
                "unit"}
    assert set(doc["availability"]["annual_downtime_minutes_monte_carlo"]) == est_keys
    assert doc["scenario"]["trials"] == 20_000
    a = doc["availability"]
    assert a["availability_ci_low"] <= a["availability"] <= a["availability_ci_high"]
    assert doc["cost"]["cheapest"] in {o["option"] for o in doc["cost"]["options"]}
    assert {"option", "total_usd", "total_usd_mean", "total_usd_ci_low", "total_usd_ci_high",
            "cheapest"} <= set(doc["cost"]["options"][0])
    assert doc["global_database"]["secondaries"][0]["secondary"] == "eu-west-1"
    assert {"key", "value", "unit", "kind", "source"} <= set(doc["assumptions"]["scenario"][0])
    assert len(doc["assumptions"]["models"]) > 10


def test_json_agrees_with_the_python_api(default_json):
    doc = sc.estimate(sc.load()).to_dict()
    assert json.loads(json.dumps(doc)) == default_json | {"scenario": doc["scenario"]}


def test_seed_changes_monte_carlo_only():
    a = json.loads(run("estimate", "--format", "json", "--trials", "500", "--seed", "1").stdout)
    b = json.loads(run("estimate", "--format", "json", "--trials", "500", "--seed", "2").stdout)
    key = "annual_downtime_minutes_monte_carlo"
    assert a["availability"][key]["value"] != b["availability"][key]["value"]
    assert a["durability"]["p_data_loss_volume"] == b["durability"]["p_data_loss_volume"]


def test_csv_parses():
    proc = run("estimate", "--format", "csv", "--trials", "500")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0]) == ["section", "metric", "value", "ci_low", "ci_high", "unit"]
    assert {r["section"] for r in rows} >= {"durability", "availability", "cost", "readers"}
    assert all(float(r["value"]) >= 0 for r in rows)


def test_markdown_has_a_table():
    proc = run("estimate", "--format", "markdown", "--trials", "500")
    assert proc.returncode == 0, proc.stderr
    assert "| section | metric | value | 95% CI | unit |" in proc.stdout
    assert "| --- | --- | --- | --- | --- |" in proc.stdout
    assert "**" in proc.stdout  # the cheapest option is highlighted


def test_out_writes_plots_and_report(tmp_path):
    out = tmp_path / "report"
    proc = run("estimate", "--trials", "500", "--out", str(out), "--progress")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bill.csv", "capacity.png", "cost.png", "downtime.png", "estimate.json",
                     "report.html", "summary.csv"]
    assert (out / "cost.png").read_bytes()[:4] == b"\x89PNG"
    report = (out / "report.html").read_text()
    assert "Gaming leaderboard" in report
    # Self-contained: the plots are embedded, each with a caption; the headline comes first.
    assert report.count("src='data:image/png;base64,") == 3 and "src='cost.png'" not in report
    assert report.count("<figcaption>") == 3
    assert report.index("<h2>Summary</h2>") < report.index("<h2>Estimates</h2>")
    doc = json.loads((out / "estimate.json").read_text())
    assert "12 months" in report
    for line in ("configured: ", "Aurora vs RDS"):
        assert line in report
    # bill.csv: one row per line of every option's bill, ids not labels.
    with (out / "bill.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["scenario", "option", "region", "line", "quantity", "unit",
                             "unit_price_usd", "amount_usd", "configured", "cheapest"]
    assert {r["option"] for r in rows} == {b["option"] for b in doc["cost"]["bills"]}
    for r in rows:
        assert float(r["amount_usd"]) == pytest.approx(float(r["quantity"])
                                                       * float(r["unit_price_usd"]), rel=1e-12)
    conf = next(b for b in doc["cost"]["bills"] if b["configured"])
    assert sum(float(r["amount_usd"]) for r in rows if r["option"] == conf["option"]) == \
        pytest.approx(conf["total_usd"], rel=1e-12)
    summary = (out / "summary.csv").read_text().splitlines()
    assert summary[0] == "section,metric,value,ci_low,ci_high,unit"
    assert "[####################]" in proc.stderr  # the progress bar was asked for


def test_scenario_init_writes_a_template_that_runs(tmp_path):
    proc = run("scenario", "init", "mine.toml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "mine.toml").read_text() == sc.template_text()
    again = run("scenario", "init", "mine.toml", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    proc = run("estimate", "mine.toml", "--trials", "500", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario"]["source"] == "mine.toml"


BAD = {
    "missing key": (("reads_per_s = 20000", ""), "missing required key `workload.reads_per_s`"),
    "wrong type": (("replicas = 2 ", 'replicas = "2"'), "`cluster.replicas` must be an integer"),
    "unknown region": (('primary = "us-east-1"', 'primary = "us-east-9"'),
                       "`regions.primary` must be a known AWS region code"),
    "invalid range": (("max_acu = 128", "max_acu = 512"), "`cluster.max_acu` must be a number in [1, 256]"),
    "malformed toml": (("volume_gib = 200", "volume_gib = 200 GiB"), "malformed TOML in "
                                                                     "`volume_gib`"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_exit_2_one_line_no_output(tmp_path, case):
    (old, new), expected = BAD[case]
    text = sc.template_text()
    assert old in text
    bad = text.replace(old, new, 1)
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    # The expected line: the changed key's line, or the table header for a removed key.
    marker = new.split("=")[0].strip() + " =" if new else "[workload]"
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if ln.startswith(marker))
    out = tmp_path / "out"
    proc = run("estimate", str(path), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {path}:{line}: "), lines[0]
    assert expected in lines[0]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]


def test_missing_file_and_bad_trials(tmp_path):
    proc = run("estimate", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2 and "scenario file not found" in proc.stderr
    proc = run("estimate", "--trials", "5")
    assert proc.returncode == 2 and "`--trials` must be an integer in [100, 10,000,000], got 5" in proc.stderr
    assert Path(tmp_path).exists()


def test_bill_lines_price_book_diff_and_prices(tmp_path):
    from aurora_models.data import dataset_path

    # --price-book: a dated us-east-1 price-book file with the ACU rate changed
    book = tmp_path / "book.csv"
    lines = dataset_path("aurora_price_book").read_text().splitlines()
    assert lines[1].startswith("us-east-1,acu_hour,") and ",0.12," in lines[1]
    lines[1] = lines[1].replace(",0.12,", ",0.2,")
    book.write_text("\n".join(lines) + "\n")
    proc = run("estimate", "--trials", "100", "--format", "csv", "--bill",
               "--price-book", str(book))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    writer = [r for r in rows if r["option"] == "serverless_standard"
              and r["line"].startswith("compute: writer")]
    assert writer and float(writer[0]["unit_price_usd"]) == 0.2
    # the dated file has no eu-west-1 storage: named, never a zero line
    assert not any(r["region"] == "eu-west-1" and r["line"].startswith("secondary storage")
                   for r in rows)
    table = run("estimate", "--trials", "100", "--price-book", str(book)).stdout
    assert "NOT PRICED: storage_gb_month in eu-west-1" in table
    assert run("estimate", "--price-book", str(tmp_path / "nope.csv")).returncode == 2
    # diff: a file with itself is all zeros; a change shows on its line
    base = tmp_path / "base.toml"
    base.write_text(sc.template_text())
    new = tmp_path / "new.toml"
    new.write_text(sc.template_text().replace("volume_gib = 200 ", "volume_gib = 300 "))
    proc = run("diff", str(base), str(base), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    diff = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert diff and all(float(r["delta_usd"]) == 0 == float(r["delta_12_months_usd"])
                        for r in diff)
    proc = run("diff", str(base), str(new), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    storage = next(r for r in doc["rows"] if r["option"] == "serverless_standard"
               and r["line"] == "storage (Standard)")
    assert storage["delta_usd"] == pytest.approx(100 * 0.10)
    for fmt in ("table", "markdown"):
        assert "TOTAL" in run("diff", str(base), str(new), "--format", fmt).stdout
    # prices: what the book holds, as-of date and source; bad names are one-line errors
    proc = run("prices", "--region", "us-west-2", "--class", "r6g.xlarge")
    assert proc.returncode == 0, proc.stderr
    assert "as of 2025-12-0" in proc.stdout and "aws-price-watcher" in proc.stdout
    assert "0.519" in proc.stdout
    bad = run("prices", "--region", "us-west2")
    assert bad.returncode == 2 and "did you mean 'us-west-2'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
