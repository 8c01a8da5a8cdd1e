"""Scenarios from Terraform plans and CloudFormation templates (issue 27 items 2 and 3).

The plans in tests/fixtures/infra/ are hand-built in HashiCorp's documented JSON format (no
terraform binary can run here; make_infra_fixtures.py writes them); the templates are
hand-written YAML and JSON. README.md there says what each holds. The expected scenarios are
written out below from the fixtures' own attribute values, not from the reader.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest

from aurora_models import MissingDependencyError, cli, infra
from aurora_models import scenario as sc
from aurora_models.infra import InfraError

FIX = Path(__file__).parent / "fixtures" / "infra"
USAGE = {"cluster": {"volume_gib": 500},
         "workload": {"writes_per_s": 300, "reads_per_s": 3000}}


def _plan(name: str) -> dict:
    return json.loads((FIX / name).read_text())


def _loaded(found: infra.Infrastructure, usage=None) -> sc.Scenario:
    return sc.loads(found.to_toml(usage if usage is not None else USAGE), source="out.toml")


# --- Terraform -------------------------------------------------------------------------------

def test_terraform_provisioned_cluster():
    (found,) = infra.from_terraform(FIX / "tf_provisioned.json")
    assert found.address == "aws_rds_cluster.orders" and found.name == "orders"
    assert found.keys() == {
        "cluster.engine": "mysql", "cluster.engine_version": "8.0.mysql_aurora.3.08.0",
        "cluster.capacity": "provisioned", "cluster.instance_class": "db.r6g.xlarge",
        "cluster.replicas": 2, "cluster.storage": "standard",
        "cluster.backup_retention_days": 7,
        "cluster.backtrack_window_hours": 24.0,  # backtrack_window = 86400 s
        "regions.primary": "us-east-1"}
    assert found.unknown == () and found.unsupported == ()
    s = _loaded(found)
    assert s["cluster"]["instance_class"] == "db.r6g.xlarge" and s["cluster"]["replicas"] == 2
    assert s["regions"]["secondaries"] == () and s["workload"]["reads_per_s"] == 3000


def test_terraform_serverless_cluster_region_from_a_variable():
    (found,) = infra.from_terraform(FIX / "tf_serverless.json")
    assert found.keys() == {
        "cluster.engine": "postgresql", "cluster.engine_version": "16.4",
        "cluster.capacity": "serverless", "cluster.replicas": 1,
        "cluster.storage": "io-optimized",  # storage_type = "aurora-iopt1"
        "cluster.min_acu": 0.5, "cluster.max_acu": 64.0,
        "cluster.backup_retention_days": 14, "regions.primary": "eu-west-1"}
    region = dict((k, why) for k, _, why in found.values)["regions.primary"]
    assert "var.region" in region
    s = _loaded(found)
    assert s["cluster"]["capacity"] == "serverless" and s["cluster"]["max_acu"] == 64


def test_terraform_global_database_with_two_secondaries():
    (found,) = infra.from_terraform(FIX / "tf_global.json")
    assert found.address == "aws_rds_cluster.primary"  # the member with master_username
    assert found.keys() == {
        "cluster.engine": "postgresql", "cluster.engine_version": "16.4",
        "cluster.capacity": "provisioned", "cluster.instance_class": "db.r6g.2xlarge",
        "cluster.replicas": 1, "cluster.storage": "standard",
        "cluster.backup_retention_days": 1, "regions.primary": "us-east-1",
        "regions.secondaries": ["eu-west-1", "ap-southeast-2"],  # providers aws.eu, aws.ap
        "regions.secondary_instances": [1, 2],
        "regions.secondary_instance_class": ["db.r6g.2xlarge", "db.r6g.large"]}
    s = _loaded(found)
    assert list(s["regions"]["secondaries"]) == ["eu-west-1", "ap-southeast-2"]
    # any member's address selects the deployment
    assert infra.from_terraform(FIX / "tf_global.json", address="aws_rds_cluster.ap") == [found]


def test_the_global_clusters_source_names_the_primary_and_primary_overrides():
    plan = _plan("tf_global.json")
    for r in plan["configuration"]["root_module"]["resources"]:
        r["expressions"].pop("master_username", None)
    for r in plan["planned_values"]["root_module"]["resources"]:
        r["values"].pop("master_username", None)
    with pytest.raises(InfraError, match=r"^<plan>: aws_rds_global_cluster.orders: cannot tell "
                                         r"which of .* is the primary .* pass --primary"):
        infra.from_terraform(plan)
    plan["configuration"]["root_module"]["resources"][0]["expressions"][
        "source_db_cluster_identifier"] = {"references": ["aws_rds_cluster.eu.arn",
                                                          "aws_rds_cluster.eu"]}
    (found,) = infra.from_terraform(plan)
    assert found.keys()["regions.primary"] == "eu-west-1"
    (found,) = infra.from_terraform(plan, primary="aws_rds_cluster.ap")
    assert found.keys()["regions.primary"] == "ap-southeast-2"
    assert found.keys()["regions.secondaries"] == ["us-east-1", "eu-west-1"]


def test_terraform_child_module_and_an_instance_linked_by_reference():
    (found,) = infra.from_terraform(FIX / "tf_module.json")
    assert found.address == "module.db.aws_rds_cluster.this"
    assert found.keys()["cluster.replicas"] == 1  # two instances, cluster_identifier unknown
    assert found.keys()["regions.primary"] == "ca-central-1"
    assert found.keys()["cluster.instance_class"] == "db.r7g.large"


def test_several_clusters_one_scenario_each_or_one_by_address():
    both = infra.from_terraform(FIX / "tf_several.json")
    assert [d.address for d in both] == ["aws_rds_cluster.billing", "aws_rds_cluster.search"]
    (search,) = infra.from_terraform(FIX / "tf_several.json", address="aws_rds_cluster.search")
    assert search.keys()["cluster.min_acu"] == 0.0 and search.keys()["cluster.replicas"] == 0
    assert any("seconds_until_auto_pause` = 600" in u for u in search.unsupported)
    with pytest.raises(InfraError, match=r"aws_rds_cluster.nope: `--address` names no Aurora "
                                         r"cluster of the file \(clusters: "
                                         r"aws_rds_cluster.billing, aws_rds_cluster.search\)"):
        infra.from_terraform(FIX / "tf_several.json", address="aws_rds_cluster.nope")


def test_no_aurora_cluster_is_one_line():
    path = FIX / "tf_no_aurora.json"
    with pytest.raises(InfraError) as e:
        infra.from_terraform(path)
    assert str(e.value) == (f"{path}: has no Aurora cluster (no aws_rds_cluster / "
                            "AWS::RDS::DBCluster with an Aurora engine)")


def test_a_computed_engine_names_the_resource_and_the_attribute(capsys):
    path = FIX / "tf_computed_engine.json"
    assert cli.main(["scenario", "from-terraform", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: {path}: aws_rds_cluster.reports: `engine` is not known from "
                          "the file (after_unknown: known only after apply)")


def test_unknown_values_and_unsupported_attributes_are_listed_not_guessed():
    (found,) = infra.from_terraform(FIX / "tf_unsupported.json")
    assert "cluster.engine_version" not in found.keys()
    assert found.unknown == ("aws_rds_cluster.events: `engine_version` unknown (after_unknown: "
                             "known only after apply): its scenario key is left unset",)
    listed = " | ".join(found.unsupported)
    for attr in ("seconds_until_auto_pause` = 900", "performance_insights_enabled` = true",
                 "enabled_cloudwatch_logs_exports` = [\"postgresql\"]",
                 "aws_rds_cluster_instance.events[0]: `monitoring_interval` = 60"):
        assert attr in listed
    text = found.to_toml(USAGE)
    assert "# UNKNOWN: aws_rds_cluster.events: `engine_version`" in text
    assert text.count("# UNSUPPORTED: ") == 4


@pytest.mark.parametrize(("edit", "message"), [
    (lambda p: p["planned_values"]["root_module"]["resources"][0]["values"].update(
        engine="mysql"), r"`engine` 'mysql' is not an Aurora engine"),
    (lambda p: p["planned_values"]["root_module"]["resources"][0]["values"].update(
        engine_mode="serverless"), r"`engine_mode` is 'serverless' \(Aurora Serverless v1"),
    (lambda p: p["planned_values"]["root_module"]["resources"][2]["values"].update(
        instance_class="db.serverless"),
     r"aws_rds_cluster_instance.orders\[1\]: `instance_class` is 'db.serverless' beside "
     r"'db.r6g.xlarge'"),
    (lambda p: p["planned_values"]["root_module"]["resources"][1]["values"].update(
        instance_class="db.r6g.large"), r"`instance_class` is 'db.r6g.xlarge' beside "
                                         r"'db.r6g.large' .* one instance class"),
    (lambda p: p["resource_changes"][1]["change"]["after_unknown"].update(instance_class=True),
     r"aws_rds_cluster_instance.orders\[0\]: `instance_class` is unknown"),
    (lambda p: p["planned_values"]["root_module"]["resources"][0]["values"].update(
        storage_type="gp3"), r"`storage_type` is 'gp3': not an Aurora storage type"),
    (lambda p: p.update(format_version="2.0"), r"has format_version '2.0': expected 1.x"),
])
def test_bad_plans_are_one_line_naming_resource_and_attribute(edit, message):
    plan = copy.deepcopy(_plan("tf_provisioned.json"))
    edit(plan)
    with pytest.raises(InfraError, match=message):
        infra.from_terraform(plan)


def test_a_cluster_without_instances_and_a_region_nowhere():
    plan = _plan("tf_provisioned.json")
    plan["planned_values"]["root_module"]["resources"] = \
        plan["planned_values"]["root_module"]["resources"][:1]
    with pytest.raises(InfraError, match=r"aws_rds_cluster.orders: has no DB instance"):
        infra.from_terraform(plan)
    plan = _plan("tf_provisioned.json")
    del plan["configuration"]["provider_config"]["aws"]["expressions"]
    (found,) = infra.from_terraform(plan)  # the availability zones tell it
    assert found.keys()["regions.primary"] == "us-east-1"
    del plan["planned_values"]["root_module"]["resources"][0]["values"]["availability_zones"]
    with pytest.raises(InfraError, match=r"aws_rds_cluster.orders: `region` is unknown "
                                         r"\(provider 'aws' sets no region"):
        infra.from_terraform(plan)


# --- the written scenario ---------------------------------------------------------------------

def test_every_infrastructure_value_names_where_it_came_from():
    (found,) = infra.from_terraform(FIX / "tf_global.json")
    text = found.to_toml(USAGE)
    body = text.split("\n[cluster]\n")[1].split("\n[workload]\n")[0]
    infra_lines = [ln for ln in body.splitlines() if "=" in ln and not ln.startswith("#")
                   and not ln.startswith("volume_gib")]
    assert len(infra_lines) == len(found.values)
    assert all(" # " in ln for ln in infra_lines)
    assert 'engine = "postgresql" # aws_rds_cluster.primary: engine = "aurora-postgresql"' in text


def test_without_usage_the_required_keys_are_lines_to_fill_in():
    (found,) = infra.from_terraform(FIX / "tf_provisioned.json")
    text = found.to_toml()
    for key in ("volume_gib", "writes_per_s", "reads_per_s"):
        assert re.search(rf"^# {key} =    # REQUIRED usage: ", text, re.M)
    with pytest.raises(sc.ScenarioError, match=r"missing required key"):
        sc.loads(text)
    filled = (text.replace("# volume_gib =    #", "volume_gib = 100 #")
              .replace("# writes_per_s =    #", "writes_per_s = 10 #")
              .replace("# reads_per_s =    #", "reads_per_s = 50 #"))
    s = sc.loads(filled)
    assert s["cluster"]["volume_gib"] == 100 and s["cluster"]["backup_retention_days"] == 7


def test_usage_file_with_infracost_keys_and_a_base_scenario(tmp_path):
    usage = tmp_path / "usage.toml"
    usage.write_text("storage_gb = 250\nbacktrack_window_hrs = 2\n"
                     "[workload]\nwrites_per_s = 5\nreads_per_s = 50\n")
    (found,) = infra.from_terraform(FIX / "tf_serverless.json")
    s = sc.loads(found.to_toml(usage))
    assert s["cluster"]["volume_gib"] == 250
    # a base scenario: its usage kept, its infrastructure replaced (and said so)
    text = found.to_toml(sc.default_path().read_text() and str(sc.default_path()))
    s = sc.loads(text)
    assert s["cluster"]["engine"] == "postgresql" and s["regions"]["primary"] == "eu-west-1"
    assert s["regions"]["secondaries"] == ()  # the base's eu-west-1 secondary is not in the plan
    assert s["workload"]["writes_per_s"] == 2000 and s.name == "Gaming leaderboard"
    assert "# replaced by the infrastructure: cluster.max_acu (was 128)" in text
    assert "regions.secondaries (was ['eu-west-1'], removed)" in text
    usage.write_text("[workload]\nwrites_per_s = 5\nreads_per_s = 50\nsource = 'measured'\n"
                     "demand_file = 'demand.csv'\n[cluster]\nvolume_gib = 9\n")
    text = found.to_toml(usage)  # a path relative to the usage file is made absolute
    assert f"demand_file = \"{(tmp_path / 'demand.csv').resolve()}\"" in text
    usage.write_text("write_requests_per_sec = 3\n")
    with pytest.raises(InfraError, match=r"`write_requests_per_sec` is infracost's monthly "
                                         r"average write rate, not the daily peak"):
        found.to_toml(usage)
    usage.write_text("writes = 3\n")
    with pytest.raises(InfraError, match=r"usage.toml: `writes` is neither a scenario table"):
        found.to_toml(usage)


def test_cli_writes_one_file_per_deployment_and_refuses_to_overwrite(tmp_path, capsys):
    plan = str(FIX / "tf_several.json")
    assert cli.main(["scenario", "from-terraform", plan]) == 2
    assert "pick one with --address or write one scenario each with --out DIR" in \
        capsys.readouterr().err
    usage = tmp_path / "usage.toml"
    usage.write_text("[cluster]\nvolume_gib = 10\n[workload]\nwrites_per_s = 1\n"
                     "reads_per_s = 2\n[scenario]\ntrials = 200\n")
    out = tmp_path / "scenarios"
    out.mkdir()
    assert cli.main(["scenario", "from-terraform", plan, "--usage", str(usage),
                     "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["billing.toml", "search.toml"]
    assert sc.load(out / "search.toml")["cluster"]["max_acu"] == 16
    err = capsys.readouterr().err
    assert "note: aws_rds_cluster.search: `serverlessv2_scaling_configuration." in err
    assert cli.main(["scenario", "from-terraform", plan, "--out", str(out)]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert cli.main(["scenario", "from-terraform", str(FIX / "tf_provisioned.json")]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# aurora-models scenario written from ")


def test_a_value_the_scenario_refuses_is_reported_before_writing(tmp_path, capsys):
    plan = _plan("tf_provisioned.json")
    plan["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "constant_value": "xx-nowhere-1"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    out = tmp_path / "s.toml"
    assert cli.main(["scenario", "from-terraform", str(path), "--out", str(out)]) == 2
    assert "`regions.primary` must be" in capsys.readouterr().err and not out.exists()


# --- CloudFormation --------------------------------------------------------------------------

def test_cloudformation_provisioned_yaml_with_short_form_tags():
    (found,) = infra.from_cloudformation(FIX / "cfn_provisioned.yaml", region="eu-central-1")
    assert found.name == "orders-prod"  # !Sub "orders-${Environment}", Default prod
    assert found.keys() == {
        "cluster.engine": "mysql", "cluster.engine_version": "8.0.mysql_aurora.3.08.0",
        "cluster.capacity": "provisioned", "cluster.instance_class": "db.r6g.xlarge",
        "cluster.replicas": 2,  # ReaderB exists under IsProd, found by its DBClusterIdentifier
        "cluster.storage": "standard",
        "cluster.backup_retention_days": 14,  # !FindInMap [Retention, prod, Days]
        "cluster.backtrack_window_hours": 24.0, "regions.primary": "eu-central-1"}
    (dev,) = infra.from_cloudformation(FIX / "cfn_provisioned.yaml", region="eu-central-1",
                                       parameters={"Environment": "dev",
                                                   "InstanceClass": "db.r7g.large"})
    keys = dev.keys()
    assert keys["cluster.replicas"] == 1 and keys["cluster.backup_retention_days"] == 1
    assert keys["cluster.instance_class"] == "db.r7g.large"
    assert "cluster.backtrack_window_hours" not in keys  # !Ref AWS::NoValue
    assert _loaded(found)["regions"]["primary"] == "eu-central-1"


def test_cloudformation_serverless_json():
    (found,) = infra.from_cloudformation(FIX / "cfn_serverless.json", region="us-east-1",
                                         parameters={"MaxAcu": "32"})
    assert found.keys() == {
        "cluster.engine": "postgresql", "cluster.engine_version": "16.4",
        "cluster.capacity": "serverless", "cluster.replicas": 1,
        "cluster.storage": "io-optimized", "cluster.min_acu": 0.5, "cluster.max_acu": 32.0,
        "cluster.backup_retention_days": 7, "regions.primary": "us-east-1"}
    assert found.unsupported == ("Reader: `EnablePerformanceInsights` = true: Performance "
                                 "Insights (billed separately); not modelled",)
    assert _loaded(found)["cluster"]["max_acu"] == 32


def test_cloudformation_global_database_with_two_secondary_stacks():
    secondary = FIX / "cfn_global_secondary.yaml"
    (found,) = infra.from_cloudformation(
        FIX / "cfn_global_primary.yaml", region="us-east-1",
        secondaries=[("eu-west-1", secondary), ("ap-northeast-1", secondary)],
        parameters={"Readers": "one"})
    assert found.name == "orders-us-east-1"  # !Sub with ${AWS::Region}
    assert found.keys() == {
        "cluster.engine": "postgresql", "cluster.engine_version": "16.4",
        "cluster.capacity": "provisioned", "cluster.instance_class": "db.r6g.2xlarge",
        "cluster.replicas": 1, "cluster.storage": "standard", "regions.primary": "us-east-1",
        "regions.secondaries": ["eu-west-1", "ap-northeast-1"],
        "regions.secondary_instances": [1, 1]}
    s = _loaded(found)
    assert list(s["regions"]["secondary_instances"]) == [1, 1]
    (headless,) = infra.from_cloudformation(
        FIX / "cfn_global_primary.yaml", region="us-east-1",
        secondaries=[("eu-west-1", secondary), ("ap-northeast-1", secondary)],
        parameters={"Readers": "none"})
    assert headless.keys()["regions.secondary_instances"] == [0, 0]  # HasReader false


def test_cloudformation_errors_name_the_logical_id_and_the_property():
    with pytest.raises(InfraError, match=r"cfn_computed_engine.yaml: Reports: `Engine` is not "
                                         r"known from the file \(Fn::ImportValue"):
        infra.from_cloudformation(FIX / "cfn_computed_engine.yaml", region="us-east-1")
    with pytest.raises(InfraError, match=r"cfn_no_aurora.yaml: has no Aurora cluster"):
        infra.from_cloudformation(FIX / "cfn_no_aurora.yaml", region="us-east-1")
    with pytest.raises(InfraError, match=r"Parameters: `Environment` must be one of "
                                         r"\['dev', 'prod'\], got 'test'"):
        infra.from_cloudformation(FIX / "cfn_provisioned.yaml", region="us-east-1",
                                  parameters={"Environment": "test"})
    template = {"Parameters": {"Env": {"Type": "String"}},
                "Conditions": {"Big": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
                "Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Condition": "Big",
                                     "Properties": {"Engine": "aurora-mysql"}}}}
    with pytest.raises(InfraError, match=r"<template>: Db: `Condition` cannot be evaluated "
                                         r"\(parameter Env has no Default"):
        infra.from_cloudformation(template, region="us-east-1")


def test_cloudformation_cli_with_parameters_and_secondaries(tmp_path, capsys):
    out = tmp_path / "g.toml"
    secondary = str(FIX / "cfn_global_secondary.yaml")
    assert cli.main(["scenario", "from-cloudformation", str(FIX / "cfn_global_primary.yaml"),
                     "--region", "us-east-1", "--secondary", f"eu-west-1={secondary}",
                     "--secondary", f"ap-south-1={secondary}", "--parameter", "Readers=none",
                     "--out", str(out)]) == 0
    text = out.read_text()
    assert "# volume_gib =    # REQUIRED usage" in text
    assert 'secondaries = ["eu-west-1", "ap-south-1"]' in text
    assert cli.main(["scenario", "from-cloudformation", str(FIX / "cfn_serverless.json"),
                     "--region", "us-east-1", "--parameter", "MaxAcu"]) == 2
    assert "`--parameter` must be KEY=VALUE, got 'MaxAcu'" in capsys.readouterr().err


def test_yaml_without_its_extra_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "yaml", None)  # an import of it fails
    with pytest.raises(MissingDependencyError, match=r"pip install 'aurora-arch-models\[iac\]'"):
        infra.from_cloudformation(FIX / "cfn_provisioned.yaml", region="us-east-1")


def test_a_state_is_read_like_a_plan():
    """``terraform show -json`` of a state holds ``values`` instead of ``planned_values``."""
    plan = _plan("tf_provisioned.json")
    state = {"format_version": "1.0", "values": plan["planned_values"]}
    (found,) = infra.from_terraform(state)
    assert found.keys()["regions.primary"] == "us-east-1"  # from the availability zones
    assert found.keys()["cluster.replicas"] == 2


def test_yaml_tags_in_all_their_forms(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "Parameters:\n  Suffix: {Type: String, Default: b}\n"
        "Resources:\n"
        "  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n"
        "      Engine: !Join ['-', [aurora, !Select [1, !Split [',', 'x,postgresql']]]]\n"
        "      DBClusterIdentifier: !Sub ['db-${S}-${!Literal}', {S: !Ref Suffix}]\n"
        "      EngineVersion: !GetAtt Other.Version\n"
        "  W:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
        "      DBClusterIdentifier: !Ref Db\n      DBInstanceClass: db.serverless\n")
    (found,) = infra.from_cloudformation(path, region="eu-north-1")
    assert found.keys()["cluster.engine"] == "postgresql"
    assert found.name == "db-b-${Literal}"
    assert found.unknown == ("Db: `EngineVersion` unknown (!GetAtt Other.Version is known only "
                             "after the stack is created): its scenario key is left unset",
                             "Db: `ServerlessV2ScalingConfiguration.MaxCapacity` not set (a "
                             "Serverless v2 cluster needs a scaling configuration): "
                             "cluster.min_acu/max_acu left unset")
    path.write_text("Resources:\n  Db: !Bogus x\n")
    with pytest.raises(InfraError, match=r"t.yaml: unknown tag !Bogus \(line 2\)"):
        infra.from_cloudformation(path, region="eu-north-1")


def test_the_global_scenario_from_a_plan_runs_and_bills_every_region():
    """End to end: the plan's Global Database is billed in its three regions, the secondaries
    with the instance counts and classes of their clusters (2 x db.r6g.large in Sydney)."""
    (found,) = infra.from_terraform(FIX / "tf_global.json")
    s = _loaded(found, {**USAGE, "scenario": {"trials": 200}})
    bills = {b["option"]: b for b in sc.estimate(s).to_dict()["cost"]["bills"]}
    lines = bills["provisioned_standard"]["lines"]
    assert {ln["region"] for ln in lines} == {"us-east-1", "eu-west-1", "ap-southeast-2"}
    sydney = [ln for ln in lines if ln["region"] == "ap-southeast-2"
              and ln["id"] == "secondary.compute"]
    assert len(sydney) == 1 and sydney[0]["quantity"] == 2 * 730  # instance-hours a month
    assert "db.r6g.large" in sydney[0]["line"]
