"""`aurora-models sensitivity` and `estimate --uncertainty`, end to end in a subprocess."""

import json
import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "aurora_models.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_sensitivity_writes_a_ranked_table_and_the_report(tmp_path):
    out = tmp_path / "sens"
    r = run("sensitivity", "--n", "2", "--outputs", "downtime_minutes_per_year",
            "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "output,rank,input,mu_star,mu_star_conf,sigma"
    assert lines[1].startswith("downtime_minutes_per_year,1,failures.")
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html", "sensitivity.csv", "sensitivity.json",
        "sensitivity_downtime_minutes_per_year.png"]


def test_sensitivity_user_errors_are_one_line_exit_2(tmp_path):
    r = run("sensitivity", "--outputs", "bill_serverless_standrd")
    assert r.returncode == 2
    assert r.stderr.startswith("error: unknown output 'bill_serverless_standrd' (did you mean "
                               "'bill_serverless_standard'?")
    assert len(r.stderr.splitlines()) == 1
    bad = tmp_path / "bad.toml"
    from aurora_models import scenario as sc

    bad.write_text(sc.template_text() + '\n[uncertainty]\n"failures.az_outage_hours" = '
                   '{ dist = "lognormal", p5 = 3, p95 = 1 }\n')
    r = run("sensitivity", str(bad))
    assert r.returncode == 2 and "lognormal needs p5 < p95" in r.stderr
    assert f"bad.toml:{len(sc.template_text().splitlines()) + 3}:" in r.stderr


def test_estimate_uncertainty_adds_assumption_intervals():
    r = run("estimate", "--trials", "200", "--uncertainty", "2", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    u = doc["assumption_uncertainty"]
    assert "not Monte Carlo error" in u["interval"]
    rows = {o["output"]: o for o in u["outputs"]}
    assert rows["downtime_minutes_per_year"]["p5"] < rows["downtime_minutes_per_year"]["p95"]
    bill = next(r for r in u["rows"] if r["metric"] == "serverless_standard")
    assert bill["status"] == "varies" and bill["p5"] < bill["p95"]
    r = run("estimate", "--trials", "200", "--uncertainty", "3")
    assert r.returncode == 2 and "power of 2" in r.stderr
    r = run("estimate", "--trials", "200", "--uncertainty", "8", "--bill")
    assert r.returncode == 2 and "--bill" in r.stderr


def test_estimate_uncertainty_rows_in_the_table_csv_and_report(tmp_path):
    r = run("estimate", "--trials", "200", "--uncertainty", "8", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "MC 95 % CI" in r.stdout and "assumptions 90 %" in r.stdout
    assert "Assumption uncertainty:" not in r.stdout  # no separate block any more
    csv_head = (tmp_path / "o" / "summary.csv").read_text().splitlines()[0]
    assert csv_head.endswith("assumption_status,assumption_median,assumption_p5,"
                             "assumption_p95,p_cheapest")
    assert "assumptions 90 %" in (tmp_path / "o" / "report.html").read_text()
    doc = json.loads((tmp_path / "o" / "estimate.json").read_text())
    assert doc["assumption_uncertainty"]["n"] == 8
