"""Careless and hostile scenario files: one line naming the key and its line, or handled."""

import pytest

from aurora_models import scenario as sc

MIN = '[regions]\nprimary = "us-east-1"\n[workload]\nwrites_per_s = 1\nreads_per_s = 1\n'
CLUSTER = '[cluster]\ncapacity = "serverless"\nreplicas = 1\nvolume_gib = 10\n'


def test_a_byte_order_mark_is_accepted():
    s = sc.loads("\ufeff" + sc.template_text())
    assert s.name == "Gaming leaderboard"


def test_inline_table_errors_point_at_the_inline_table():
    text = 'cluster = {capacity = "serverless", replicas = 99, volume_gib = 10}\n' + MIN
    with pytest.raises(sc.ScenarioError) as info:
        sc.loads(text, source="x.toml")
    assert str(info.value) == "x.toml:1: `cluster.replicas` must be an integer in [0, 15], got 99"


@pytest.mark.parametrize("key", ['"replicas"', "'replicas'"])
def test_quoted_keys_are_reported_at_their_own_line(key):
    text = CLUSTER.replace("replicas = 1", f"{key} = 99") + MIN
    with pytest.raises(sc.ScenarioError, match=r"^x.toml:3: `cluster.replicas`"):
        sc.loads(text, source="x.toml")


@pytest.mark.parametrize("value", [r"a\u001b[31mb", r"tab\there", r"bell\u0007"])
def test_control_characters_in_names_are_refused(value):
    text = f'[scenario]\nname = "{value}"\n' + CLUSTER + MIN
    with pytest.raises(sc.ScenarioError, match=r"^x.toml:2: `scenario.name` must not contain "
                                               r"control characters"):
        sc.loads(text, source="x.toml")


def test_an_event_name_must_be_a_string():
    text = CLUSTER + MIN + "events = [{name = 5, start_hour = 1, duration_hours = 1, factor = 2}]\n"
    with pytest.raises(sc.ScenarioError, match=r"`workload.events\[0\].name` must be a string"):
        sc.loads(text, source="x.toml")


def test_events_covering_every_day_are_refused_at_load():
    text = (CLUSTER + MIN + "days = 1\n"
            "events = [{start_hour = 0, duration_hours = 12, factor = 2},"
            " {start_hour = 10, duration_hours = 14, factor = 3}]\n")
    with pytest.raises(sc.ScenarioError, match=r"^x.toml:\d+: `workload.events` cover all 24 h of "
                                               r"`workload.days`"):
        sc.loads(text, source="x.toml")


def test_markdown_output_escapes_user_text():
    s = sc.load().replace(scenario__name="A | B <b>*x*</b>", scenario__trials=200)
    md = sc.render(sc.estimate(s), "markdown")
    assert md.splitlines()[0] == r"# A \| B \<b\>\*x\*\</b\>"
    assert "<b>" not in md


def test_zero_load_is_a_valid_scenario():
    s = sc.load().replace(workload__writes_per_s=0.0, workload__reads_per_s=0.0,
                          workload__base_acu=0.0, regions__secondaries=[],
                          scenario__trials=200)
    doc = sc.estimate(s).to_dict()
    assert doc["serverless"]["read_share"] == 0.0
    assert doc["workload"]["io_millions_per_month"] == 0.0


def test_a_read_only_workload_with_a_secondary_is_valid():
    s = sc.load().replace(workload__writes_per_s=0.0, scenario__trials=200)
    doc = sc.estimate(s).to_dict()
    sec = doc["global_database"]["secondaries"][0]
    assert sec["lag_event_peak"]["note"] == "no writes: nothing to replicate"
    assert sec["rpo_exposure_event_peak"]["writes_at_risk_mean"]["value"] == 0.0
