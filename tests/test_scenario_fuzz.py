"""Hostile scenario files through the CLI: exit 2, one line on stderr, nothing written.

The cases of issue 15 (runaway rates and durations, absurd sizes, malformed tables, terminal
escapes, huge seeds) and a hypothesis fuzz that puts hostile values into the bundled template.
"""

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aurora_models import cli
from aurora_models import scenario as sc

TEMPLATE = sc.template_text()
FAILURES = "[failures]\n"


def _with(old: str, new: str) -> str:
    assert old in TEMPLATE, old
    return TEMPLATE.replace(old, new, 1)


HOSTILE = {
    "maintenance 1e12": _with(FAILURES, FAILURES + "maintenance_events_per_year = 1e12\n"),
    "instance failures 1e7": _with(FAILURES, FAILURES + "instance_failure_rate_per_year = 1e7\n"),
    "AZ outages 1e6": _with(FAILURES, FAILURES + "az_outage_rate_per_year = 1e6\n"),
    "AZ outages 1e300": _with(FAILURES, FAILURES + "az_outage_rate_per_year = 1e300\n"),
    "copy failures 1e9": _with(FAILURES, FAILURES + "copy_failure_rate_per_year = 1e9\n"),
    "AZ outage 1e300 h": _with(FAILURES, FAILURES + "az_outage_hours = 1e300\n"),
    "AZ outage 1e-300 h": _with(FAILURES, FAILURES + "az_outage_hours = 1e-300\n"),
    "nan rate": _with(FAILURES, FAILURES + "copy_failure_rate_per_year = nan\n"),
    "inf rate": _with(FAILURES, FAILURES + "copy_failure_rate_per_year = inf\n"),
    "volume 200000 GiB": _with("volume_gib = 200 ", "volume_gib = 200000 "),
    "replicas 99": _with("replicas = 2 ", "replicas = 99 "),
    "replicas huge int": _with("replicas = 2 ", "replicas = 99999999999999999999999999 "),
    "replicas string": _with("replicas = 2 ", 'replicas = "two" '),
    "max_acu list": _with("max_acu = 128 ", "max_acu = [128] "),
    "eleven secondaries": _with('secondaries = ["eu-west-1"]',
                                'secondaries = ["eu-west-1", "eu-west-2", "eu-west-3", '
                                '"eu-central-1", "eu-north-1", "us-west-1", "us-west-2", '
                                '"us-east-2", "ca-central-1", "sa-east-1", "ap-south-1"]'),
    "events cover every day": _with("start_hour = 62, duration_hours = 2",
                                    "start_hour = 0, duration_hours = 168"),
    "event after the days": _with("start_hour = 62", "start_hour = 600"),
    "event name 5": _with('name = "in-game event"', "name = 5"),
    "ANSI escape in name": _with('name = "Gaming leaderboard"', 'name = "x\\u001b[2J"'),
    "seed beyond 64 bits": _with("seed = 20240601", "seed = 99999999999999999999999"),
    "trials 1e9": _with("trials = 20000", "trials = 1000000000"),
    "unknown key": _with("noise_cv = 0.05", "noise_vc = 0.05"),
    "unknown table": TEMPLATE + "\n[gpu]\nsize = 1\n",
    "inline table": "cluster = {capacity = 'serverless', replicas = -1, volume_gib = 10}\n"
                    + TEMPLATE.split("[cluster]")[0].split("[scenario]")[0],
    "malformed TOML": _with("days = 7", "days = = 7"),
    "binary": "\x00\x01\x02 not toml",
    "instance class typo": _with('instance_class = "db.r6g.8xlarge"', 'instance_class = "r6g.8xl"'),
    "region typo": _with('primary = "us-east-1"', 'primary = "us-east1"'),
    "objective unreachable": _with("read_latency_objective_ms = 5", "read_latency_objective_ms = 0.1"),
    # found by the fuzz below: an infinite reader worker count, overflowing queue gaps
    "ACU per vCPU 1e-300": _with("acu_per_vcpu = 4.0", "acu_per_vcpu = 1e-300"),
    "writes 1e-300 /s": _with("writes_per_s = 2000", "writes_per_s = 1e-300"),
}


def test_a_vanishing_noise_is_no_noise(tmp_path, capsys):
    # found by the fuzz below: 1 / cv**2 overflowed for cv = 1e-300
    rc, err, _ = _run(tmp_path, _with("noise_cv = 0.05", "noise_cv = 1e-300"), capsys)
    assert rc == 0, err


def _run(tmp_path: Path, text: str, capsys) -> tuple[int, str, Path]:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    rc = cli.main(["estimate", str(path), "--out", str(out), "--trials", "200"])
    return rc, capsys.readouterr().err, out


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_scenario_exits_2_with_one_line_and_writes_nothing(case, tmp_path, capsys):
    rc, err, out = _run(tmp_path, HOSTILE[case], capsys)
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "\x1b" not in err
    assert not out.exists()


_NUMBER = re.compile(r"^(\s*[a-z_]+\s*=\s*)(-?[0-9][0-9_.e+-]*)(\s*(#.*)?)$", re.M)
_KEYS = [m.start(2) for m in _NUMBER.finditer(TEMPLATE)]
_HOSTILE_VALUES = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "-1", "0", "1e308", "-1e308", "1e-308",
                     "99999999999999999999999999", '"x"', "[]", "[1, 2]", "true", "{}",
                     "1e12", "0.5", "3"]),
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr))


@pytest.mark.timeout(300)
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(_KEYS), value=_HOSTILE_VALUES)
def test_fuzzed_values_never_crash(where, value, tmp_path, capsys):
    """Any value in any numeric key: a result (exit 0) or one line (exit 2), never a bug."""
    m = _NUMBER.match(TEMPLATE, TEMPLATE.rfind("\n", 0, where) + 1)
    text = TEMPLATE[:m.start(2)] + value + TEMPLATE[m.end(2):]
    target = tmp_path / f"run{abs(hash((where, value)))}"
    target.mkdir()
    rc, err, out = _run(target, text, capsys)
    assert rc in (0, 2), err
    if rc == 2:
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
        assert not out.exists()


# ---- issue 21: text sizes, nesting, huge numbers, distributions on the wrong keys, bounds

UNCERTAINTY = "\n[uncertainty]\n"
ROUND_TWO = {
    "arrays nested 5000 deep": TEMPLATE + "\n[gpu]\nx = " + "[" * 5000 + "]" * 5000 + "\n",
    "inline tables nested 3000 deep": "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
    "a name of 10,000 characters": _with('name = "Gaming leaderboard"',
                                         'name = "' + "n" * 10_000 + '"'),
    "a file of 5 MB": TEMPLATE + "#" + "x" * 5_000_000 + "\n",
    "an integer of 5000 digits": _with("replicas = 2 ", "replicas = " + "9" * 5000 + " "),
    "an uncertainty bound of 400 digits": TEMPLATE + UNCERTAINTY
    + '"failures.az_outage_hours" = { dist = "uniform", low = 1, high = 1' + "0" * 400 + " }\n",
    "an uncertainty sample of 400 digits": TEMPLATE + UNCERTAINTY
    + '"failures.az_outage_hours" = { dist = "samples", values = [1, 2, 3' + "0" * 400 + "] }\n",
    "a distribution on scenario.seed": TEMPLATE + UNCERTAINTY
    + '"scenario.seed" = { dist = "uniform", low = 1, high = 100 }\n',
    "a distribution on scenario.trials": TEMPLATE + UNCERTAINTY
    + '"scenario.trials" = { dist = "uniform", low = 1000, high = 20000 }\n',
    "a distribution on scenario.horizon_hours": TEMPLATE + UNCERTAINTY
    + '"scenario.horizon_hours" = { dist = "uniform", low = 1000, high = 20000 }\n',
    "a distribution on cluster.replicas": TEMPLATE + UNCERTAINTY
    + '"cluster.replicas" = { dist = "uniform", low = 1, high = 3 }\n',
    "a reserved rate of 1e300 USD/hour": _with("[pricing]\n", "[pricing]\n"
                                               "reserved_hourly_usd = 1e300\n"),
    "a manual snapshot of 1.7e308 GiB": _with("[cluster]\n", "[cluster]\n"
                                              "manual_snapshot_gib = 1.7e308\n"),
    "a storage growth of 1e300 GiB/month": _with("[cluster]\n", "[cluster]\n"
                                                 "storage_growth_gib_per_month = 1e300\n"),
    "snapshot exports of 1e300 GiB/month": _with("[cluster]\n", "[cluster]\n"
                                                 "snapshot_export_gib_per_month = 1e300\n"),
    "a failover objective of 1e300 s": _with("max_failover_s = 90 ", "max_failover_s = 1e300 "),
    "a downtime objective of 1e300 minutes": _with("max_annual_downtime_minutes = 30 ",
                                                   "max_annual_downtime_minutes = 1e300 "),
}

#: What the one line must name (the key, or the rule).
ROUND_TWO_NAMES = {
    "arrays nested 5000 deep": "nest at most 32 deep",
    "inline tables nested 3000 deep": "nest at most 32 deep",
    "a name of 10,000 characters": "`scenario.name` must be a string of at most 4096",
    "a file of 5 MB": "at most 1,048,576 characters",
    "an integer of 5000 digits": "malformed TOML",
    "an uncertainty bound of 400 digits": "`high` must be a finite number, got an integer of 401",
    "an uncertainty sample of 400 digits": "`failures.az_outage_hours`: samples needs `values`",
    "a distribution on scenario.seed": "`uncertainty.scenario.seed` is a run setting",
    "a distribution on scenario.trials": "`uncertainty.scenario.trials` is a run setting",
    "a distribution on scenario.horizon_hours": "is a run setting",
    "a distribution on cluster.replicas": "`uncertainty.cluster.replicas` is an integer key",
    "a reserved rate of 1e300 USD/hour": "`pricing.reserved_hourly_usd` must be a number in [0, 1",
    "a manual snapshot of 1.7e308 GiB": "`cluster.manual_snapshot_gib` must be a number in",
    "a storage growth of 1e300 GiB/month": "`cluster.storage_growth_gib_per_month` must be",
    "snapshot exports of 1e300 GiB/month": "`cluster.snapshot_export_gib_per_month` must be",
    "a failover objective of 1e300 s": "`workload.max_failover_s` must be",
    "a downtime objective of 1e300 minutes": "`workload.max_annual_downtime_minutes` must be",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", sorted(ROUND_TWO))
def test_round_two_hostile_scenario_is_one_line_naming_the_key(case, tmp_path, capsys):
    rc, err, out = _run(tmp_path, ROUND_TWO[case], capsys)
    assert rc == 2, err[-2000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err[-2000:]
    assert ROUND_TWO_NAMES[case] in lines[0], lines[0][:500]
    assert len(lines[0]) < 1000 and not out.exists()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("region", ["ap-southeast-6", "ap-east-2"])
def test_a_priced_region_outside_the_latency_data_is_a_primary(region, tmp_path, capsys):
    text = _with('primary = "us-east-1"', f'primary = "{region}"')
    text = re.sub(r"^secondaries = .*$", "secondaries = []", text, flags=re.M)
    rc, err, out = _run(tmp_path, text, capsys)
    assert rc == 0, err
    assert region in (out / "bill.csv").read_text()


def test_a_priced_primary_outside_the_latency_data_runs_with_its_stand_in():
    text = _with('primary = "us-east-1"', 'primary = "ap-east-2"')
    s = sc.loads(text, source="s.toml")  # its latency is ap-east-1's, said in the output
    assert s["regions"]["primary"] == "ap-east-2" and s["regions"]["secondaries"]


@pytest.mark.timeout(120)
def test_the_documented_maximum_of_trials_is_refused_by_the_budget_first(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(_with("trials = 20000", "trials = 10000000"), encoding="utf-8")
    assert cli.main(["estimate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: `scenario.trials` = 10000000") and "work budget" in err, err
