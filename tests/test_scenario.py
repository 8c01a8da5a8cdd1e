"""Scenario parsing and validation: every error names the key and its line."""

import re

import pytest

from aurora_models import scenario as sc

BASE = """\
[scenario]
name = "t"

[cluster]
capacity = "serverless"
replicas = 1
volume_gib = 100

[regions]
primary = "us-east-1"
secondaries = []

[workload]
writes_per_s = 100
reads_per_s = 1000
"""


def test_bundled_scenario_loads_with_its_documented_numbers():
    s = sc.load()
    assert s.name == "Gaming leaderboard"
    assert s["workload"]["writes_per_s"] == 2000 and s["workload"]["reads_per_s"] == 20000
    assert s["workload"]["events"] == ((62.0, 2.0, 10.0),)
    assert s["regions"]["secondaries"] == ("eu-west-1",)
    assert s["cluster"]["volume_gib"] == 200


def test_template_is_the_bundled_file_and_every_number_is_commented():
    text = sc.template_text()
    assert text == sc.default_path().read_text(encoding="utf-8")
    assert text.count("ASSUMPTION") >= 10


def test_defaults_filled_in():
    s = sc.loads(BASE)
    assert s["scenario"]["trials"] == 20_000
    # The declared default, and the file did not set it.
    from aurora_models.quorum import FailureModel

    assert s["failures"]["copy_failure_rate_per_year"] == FailureModel().copy_failure_rate_per_year
    assert not s.is_set("failures.copy_failure_rate_per_year")


@pytest.mark.parametrize("old,new,line,pattern", [
    ("replicas = 1", "replicas = 16", 6, r"`cluster.replicas` must be an integer in \[0, 15\], got 16"),
    ("replicas = 1", 'replicas = "two"', 6, r"`cluster.replicas` must be an integer"),
    ("volume_gib = 100", "volume_gib = -5", 7, r"`cluster.volume_gib` must be a number in \[1, 131,072\]"),
    ('primary = "us-east-1"', 'primary = "mars-north-1"', 10,
     r"`regions.primary` must be a known AWS region code .*got 'mars-north-1'"),
    ("secondaries = []", 'secondaries = ["us-east-1"]', 11,
     r"`regions.secondaries` must not contain the primary"),
    ("reads_per_s = 1000\n", "reads_per_s = 1000\nwrites_per_sec = 3\n", 16,
     r"unknown key `workload.writes_per_sec`"),
    ("reads_per_s = 1000\n", "", 13, r"missing required key `workload.reads_per_s`"),
    ('capacity = "serverless"', 'capacity = "serverles"', 5,
     r"`cluster.capacity` must be one of 'serverless', 'provisioned'"),
    ("writes_per_s = 100", "writes_per_s = ", 14, r"malformed TOML in `writes_per_s`"),
    ("reads_per_s = 1000\n", 'reads_per_s = 1000\nread_objective = "p0"\n', 16,
     r"`workload.read_objective` must be 'mean' or a percentile 'pNN' .*got 'p0'"),
    ("reads_per_s = 1000\n", "reads_per_s = 1000\nread_service_time_ms = 0.2\n"
     "read_objective = \"p99\"\nread_latency_objective_ms = 0.5\n", 18,
     r"`workload.read_latency_objective_ms` must exceed 0.921 ms \(p99: 4.605 x "
     r"`workload.read_service_time_ms` = 0.2 ms; .*got 0.5"),
    ("reads_per_s = 1000\n", "reads_per_s = 1000\nread_objective = \"mean\"\n"
     "read_service_time_ms = 0.2\nread_latency_objective_ms = 0.2\n", 18,
     r"`workload.read_latency_objective_ms` must exceed 0.2 ms \(the mean"),
    ("[regions]", "[[regions]]", 9, r"`regions` must be a table \[regions\], got list"),
])
def test_bad_values_name_key_and_line(old, new, line, pattern):
    text = BASE.replace(old, new)
    with pytest.raises(sc.ScenarioError, match=pattern) as info:
        sc.loads(text, source="s.toml")
    msg = str(info.value)
    assert msg.startswith(f"s.toml:{line}: "), msg
    assert "\n" not in msg
    assert info.value.line == line


def test_missing_table_points_at_line_one():
    text = BASE.split("[workload]")[0]
    with pytest.raises(sc.ScenarioError, match=r"^s.toml:1: missing required key "
                                               r"`workload.writes_per_s` .*no \[workload\]"):
        sc.loads(text, source="s.toml")


def test_min_above_max_acu():
    text = BASE.replace("volume_gib = 100", "volume_gib = 100\nmin_acu = 8\nmax_acu = 4")
    with pytest.raises(sc.ScenarioError, match=r":8: `cluster.min_acu` must be at most"):
        sc.loads(text, source="s.toml")


def test_event_outside_simulated_days():
    text = BASE + "days = 1\nevents = [{start_hour = 23, duration_hours = 2, factor = 10}]\n"
    with pytest.raises(sc.ScenarioError, match=r":17: `workload.events\[0\]` ends at hour 25"):
        sc.loads(text, source="s.toml")


def test_replace_validates_like_the_file():
    s = sc.load().replace(cluster__replicas=3)
    assert s["cluster"]["replicas"] == 3
    with pytest.raises(sc.ScenarioError, match=r"`cluster.replicas` must be an integer"):
        sc.load().replace(cluster__replicas=99)


def test_estimate_is_deterministic_and_consistent():
    s = sc.load().replace(scenario__trials=2000)
    a, b = sc.estimate(s), sc.estimate(s)
    assert a.to_dict() == b.to_dict()
    doc = a.to_dict()
    # Monte Carlo vs closed form within 5 standard errors (downtime and quorum data loss).
    mc = doc["availability"]["annual_downtime_minutes_monte_carlo"]
    closed = doc["availability"]["annual_downtime_minutes"]["value"]
    assert abs(mc["value"] - closed) < 5 * mc["standard_error"]
    dl = doc["durability"]
    mc = dl["p_data_loss_per_group_monte_carlo"]
    assert abs(mc["value"] - dl["p_data_loss_per_group"]["value"]) < 5 * mc["standard_error"]
    # Cost: options sorted, exactly one cheapest, and it is the first.
    totals = [o["total_usd"] for o in doc["cost"]["options"]]
    assert totals == sorted(totals)
    assert [o["cheapest"] for o in doc["cost"]["options"]].count(True) == 1
    assert doc["cost"]["options"][0]["option"] == doc["cost"]["cheapest"]
    # The 10x event multiplies the noise-free peak: event peak about 10x the daily peak.
    w = doc["workload"]
    assert 8 < w["event_peak_writes_per_s"] / w["daily_peak_writes_per_s"] < 12


def test_no_secondaries_means_no_global_section_entries():
    doc = sc.estimate(sc.load().replace(regions__secondaries=[], scenario__trials=500)).to_dict()
    assert doc["global_database"] == {"configured": False, "primary": "us-east-1",
                                      "secondaries": []}


def test_trace_workload_runs():
    s = sc.load().replace(workload__source="trace", scenario__trials=500)
    doc = sc.estimate(s).to_dict()
    assert doc["workload"]["source"] == "trace"
    assert doc["serverless"]["writer"]["peak_capacity_acu"] > 0


def test_render_formats():
    r = sc.estimate(sc.load().replace(scenario__trials=500))
    assert re.search(r"\*  +Serverless v2, [\w/ -]+ \(cheapest\)", sc.render(r, "table"))
    # CSV keeps the option ids, so rows join across runs.
    assert "(cheapest)" not in sc.render(r, "csv")
    assert f"cost,{r.sections['cost']['cheapest']}," in sc.render(r, "csv")
    assert "| --- |" in sc.render(r, "markdown")
    with pytest.raises(ValueError, match="`format` must be one of"):
        sc.render(r, "yaml")


def test_availability_objectives_drive_the_decision():
    # Bad value: the key and its line.
    text = BASE + "max_failover_s = -1\n"
    with pytest.raises(sc.ScenarioError, match=r"^s.toml:16: `workload.max_failover_s` must be "
                                               r"a number in \(0, 86,400 or inf\], got -1"):
        sc.loads(text, source="s.toml")
    relaxed = sc.load().replace(scenario__trials=500, workload__max_failover_s=float("inf"),
                                workload__max_annual_downtime_minutes=float("inf"))
    strict = relaxed.replace(workload__max_failover_s=10.0)
    loose = sc.estimate(relaxed).to_dict()["alternatives"]
    tight = sc.estimate(strict).to_dict()["alternatives"]
    # With no availability objective, failover time cannot be what binds; with a 10 s objective
    # (below every deployment's P90 failover) nothing qualifies and the result says so.
    assert "failover time" not in loose["binding_constraints"]
    assert loose["recommendation"] is not None
    assert tight["recommendation"] is None
    assert "failover time" in tight["binding_constraints"]
    assert "no deployment meets every objective" in sc.render(sc.estimate(strict), "table")


def test_failure_overrides_reach_the_availability_model():
    from aurora_models import availability as av
    from aurora_models import quorum

    base = sc.load().replace(scenario__trials=500)
    doc = sc.estimate(base).to_dict()["availability"]
    fm = quorum.FailureModel()
    storage = av.storage_unavailability(fm, volume_gib=base["cluster"]["volume_gib"])
    dep = av.aurora(base["cluster"]["replicas"])
    assert doc["annual_downtime_minutes"]["value"] == pytest.approx(
        av.annual_downtime(dep, storage=storage).mean.value, rel=1e-12)
    changed = base.replace(failures__az_outage_rate_per_year=5.0, failures__az_outage_hours=6.0,
                           failures__copy_failure_rate_per_year=2.0,
                           failures__instance_failure_rate_per_year=3.0)
    got = sc.estimate(changed).to_dict()["availability"]["annual_downtime_minutes"]["value"]
    fm = quorum.FailureModel(az_outage_rate_per_year=5.0, az_outage_hours=6.0,
                             copy_failure_rate_per_year=2.0)
    rates = av.FailureRates(instance_failure_rate_per_year=3.0, failures=fm)
    storage = av.storage_unavailability(fm, volume_gib=base["cluster"]["volume_gib"])
    assert got == pytest.approx(av.annual_downtime(dep, rates=rates, storage=storage).mean.value,
                                rel=1e-12)
    assert got > 2 * doc["annual_downtime_minutes"]["value"]


def test_a_model_refusing_a_value_names_the_file_and_the_step():
    s = sc.load().replace(workload__reads_per_s=2e9, scenario__trials=500)
    with pytest.raises(sc.ScenarioError, match=r"^leaderboard.toml: the cost step failed: "
                                               r"`memory_gib` must be at most"):
        sc.estimate(s)


def test_cost_spread_over_demand_draws():
    from aurora_models import pricing, serverless

    # the secondary headless and every player at the primary: the bill recomputed below
    s = sc.load().replace(scenario__trials=500, users__regions=[],
                          regions__secondary_instances=0)
    doc = sc.estimate(s).to_dict()
    cost = doc["cost"]
    assert cost["demand_draws"] == 10
    for o in cost["options"]:
        assert o["total_usd_ci_low"] <= o["total_usd_mean"] <= o["total_usd_ci_high"]
        # Demand noise moves a month's bill by well under 1 % (the assumptions dominate).
        assert o["total_usd_ci_high"] - o["total_usd_ci_low"] < 0.01 * o["total_usd"]
    # Independent recomputation of the first draw's bill through the public functions.
    from aurora_models._rng import spawn_seeds

    d = sc.demand_series(s, rng=spawn_seeds(s["scenario"]["seed"], 5)[0])
    wl = s["workload"]
    month = 730 * 3600 / (d["acu"].size * wl["step_s"])
    w_io = (d["writes_per_s"] * wl["io_per_write"]).sum() * wl["step_s"] * month / 1e6
    io = w_io + (d["reads_per_s"] * wl["io_per_read"]).sum() * wl["step_s"] * month / 1e6
    bill = serverless.monthly_cost(
        d["acu"], pricing.load("us-east-1"), step_s=wl["step_s"],
        policy=serverless.ScalingPolicy(min_acu=0.5, max_acu=128.0), storage_gib=200.0,
        io_millions_per_month=io, n_readers=2,
        read_share=float(d["read_acu"].sum() / d["acu"].sum()),
        options=["serverless_standard", "serverless_io_optimized"])
    # The eu-west-1 secondary (headless by default) adds its own storage and the replicated
    # write I/O at eu-west-1's rates.
    eu = pricing.load("eu-west-1")
    got = {o["option"]: o["total_usd"] for o in cost["options"]}
    for opt, total in bill["total_usd"].items():
        secondary = (200.0 * eu.storage_gb_month_usd(io_optimized=opt.endswith("optimized"))
                     + w_io * eu.global_write_io_per_million_usd)
        assert got[opt] == pytest.approx(float(total) + secondary, rel=1e-12)


def test_scale_up_delay_key_reaches_the_simulation():
    s = sc.load()
    assert s["cluster"]["scale_up_delay_s"] == 5.0  # the registered default (not set in the file)
    assert not s.is_set("cluster.scale_up_delay_s")

    def writer(delay_s):
        doc = sc.estimate(s.replace(cluster__scale_up_delay_s=delay_s),
                          only=("serverless",)).to_dict()
        return doc["serverless"]["writer"]

    slow, fast = writer(25.0), writer(2.0)
    assert slow["under_provisioned_s_per_month"] > fast["under_provisioned_s_per_month"] > 0
    with pytest.raises(sc.ScenarioError, match=r"`cluster.scale_up_delay_s` must be a number "
                                               r"in \[0, 600\]"):
        s.replace(cluster__scale_up_delay_s=-1.0)


def test_the_bill_responds_to_the_scale_up_delay_continuously_and_only_at_the_edges():
    """The delay is resolved within the 10 s step, so the bill is not flat in it (the old
    rounding gave one bill for every delay in 5-15 s). The dynamics are time-invariant: a
    later scale-up shifts the capacity curve, so the ACU-hours change only by what enters and
    leaves the simulated week at its ends (cents), while the demand not served grows with the
    delay; that is why the delay ranks low for the bill and high for the shortfall."""
    s = sc.load()

    def run(delay_s):
        doc = sc.estimate(s.replace(cluster__scale_up_delay_s=delay_s), n_trials=100,
                          only=("cost",)).to_dict()
        bill = {o["option"]: o["total_usd"] for o in doc["cost"]["options"]}
        return bill["serverless_standard"], doc["serverless"]["writer"]

    (b6, w6), (b7, w7), (b14, w14) = run(6.0), run(7.0), run(14.0)
    assert b6 != b7 != b14  # continuous, not one value per rounded step
    assert abs(b14 - b6) < 1.0  # dollars on a ~$3,000 bill: only the week's ends move
    assert w14["under_provisioned_s_per_month"] > 1.5 * w6["under_provisioned_s_per_month"]
    assert w6["under_provisioned_s_per_month"] < w7["under_provisioned_s_per_month"]
