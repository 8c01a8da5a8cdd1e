"""Read a CloudFormation template (YAML with its short-form tags, or JSON) into ClusterIn records.

Resources read (AWS CloudFormation User Guide, resource type reference):
``AWS::RDS::DBCluster`` (``Engine``, ``EngineVersion``, ``EngineMode``, ``StorageType``,
``ServerlessV2ScalingConfiguration``, ``BackupRetentionPeriod``, ``BacktrackWindow``,
``GlobalClusterIdentifier``), ``AWS::RDS::DBInstance`` (``DBClusterIdentifier``,
``DBInstanceClass``), ``AWS::RDS::GlobalCluster`` (``GlobalClusterIdentifier``,
``SourceDBClusterIdentifier``).

YAML's short forms (``!Ref X`` for ``{"Ref": X}``, ``!GetAtt A.B``, ``!Sub``, ``!Join``,
``!Select``, ``!Split``, ``!FindInMap``, ``!If``, ``!Equals``, ``!Not``, ``!And``, ``!Or``,
``!Condition``, ``!Base64``, ``!ImportValue``, ``!GetAZs``, ``!Cidr``) are read by a PyYAML
``SafeLoader`` subclass into the long form. Intrinsics are then resolved from the parameters
(the command line's values, else each parameter's ``Default``), the pseudo parameters
``AWS::Region`` (the stack's region), ``AWS::Partition`` and ``AWS::URLSuffix`` (from the region),
``AWS::NoValue``, the ``Mappings`` and the ``Conditions``. What cannot be known from the
template (``AWS::AccountId``, ``AWS::StackName``, ``AWS::StackId``, ``AWS::NotificationARNs``,
``Fn::GetAtt``, ``Fn::ImportValue``, ``Fn::GetAZs``, a parameter with no default) stays
:class:`Unknown`, and is listed or, for the engine or an instance class, an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .._optional import require
from ..exceptions import InfraError
from ._shape import ClusterIn, InstanceIn, Unknown

__all__ = ["Template"]

CLUSTER, INSTANCE, GLOBAL = "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::RDS::GlobalCluster"

_CLUSTER_ATTRS = {
    "engine": "Engine", "engine_version": "EngineVersion", "engine_mode": "EngineMode",
    "storage_type": "StorageType", "backup_retention": "BackupRetentionPeriod",
    "global_id": "GlobalClusterIdentifier", "backtrack_s": "BacktrackWindow",
    "min_acu": "ServerlessV2ScalingConfiguration.MinCapacity",
    "max_acu": "ServerlessV2ScalingConfiguration.MaxCapacity",
    "auto_pause_s": "ServerlessV2ScalingConfiguration.SecondsUntilAutoPause",
}
_NUMERIC = ("backup_retention", "backtrack_s", "min_acu", "max_acu", "auto_pause_s")
_UNSUPPORTED_CLUSTER = {
    "DBClusterInstanceClass": "a Multi-AZ DB cluster's class (not Aurora)",
    "AllocatedStorage": "provisioned storage of a Multi-AZ DB cluster",
    "Iops": "provisioned IOPS of a Multi-AZ DB cluster",
    "ScalingConfiguration": "Aurora Serverless v1 scaling (end of life)",
    "ReplicationSourceIdentifier": "a cross-region read replica cluster (binlog), not a Global "
                                   "Database member",
    "EnableGlobalWriteForwarding": "write forwarding from secondaries",
    "EnableLocalWriteForwarding": "local write forwarding",
    "PerformanceInsightsEnabled": "Performance Insights (billed separately)",
    "DatabaseInsightsMode": "CloudWatch Database Insights (billed separately)",
    "EnableCloudwatchLogsExports": "log exports to CloudWatch Logs (billed separately)",
    "ClusterScalabilityType": "Aurora PostgreSQL Limitless Database",
}
_UNSUPPORTED_INSTANCE = {
    "EnablePerformanceInsights": "Performance Insights (billed separately)",
    "MonitoringInterval": "Enhanced Monitoring (CloudWatch Logs, billed separately)",
    "PromotionTier": "failover priority (the model fails over to any reader)",
}
#: Pseudo parameters a template alone cannot know.
_UNKNOWABLE = ("AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs")

_TAGS = ("Ref", "Condition", "GetAtt", "Sub", "Join", "Select", "Split", "FindInMap", "If",
         "Equals", "Not", "And", "Or", "Base64", "ImportValue", "GetAZs", "Cidr", "Transform",
         "Length", "ToJsonString")

_NO_VALUE = object()


def _loader():
    yaml = require("yaml", extra="iac", feature="reading a YAML CloudFormation template")

    class CfnLoader(yaml.SafeLoader):
        """SafeLoader that reads CloudFormation's short-form tags into the long form."""

    def construct(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix not in _TAGS:
            raise InfraError(f"unknown tag !{suffix} (line {node.start_mark.line + 1})")
        if suffix == "Ref":
            return {"Ref": value}
        if suffix == "Condition":
            return {"Condition": value}
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{suffix}": value}

    CfnLoader.add_multi_constructor("!", construct)
    # CloudFormation reads AWSTemplateFormatVersion and dates as strings: keep them strings.
    CfnLoader.add_constructor("tag:yaml.org,2002:timestamp", CfnLoader.construct_yaml_str)
    return yaml, CfnLoader


def _parse(text: str, source: str) -> dict:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InfraError(f"is not valid JSON (line {exc.lineno}: {exc.msg})",
                             source=source) from None
    else:
        yaml, loader = _loader()
        try:
            doc = yaml.load(text, Loader=loader)
        except InfraError as exc:
            raise InfraError(str(exc), source=source) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise InfraError(f"is not valid YAML{where}: "
                             f"{getattr(exc, 'problem', None) or exc}", source=source) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Resources"), dict):
        raise InfraError("is not a CloudFormation template (no Resources mapping)",
                         source=source)
    return doc


def _partition(region: str) -> tuple[str, str]:
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


class Template:
    """One template deployed as a stack in ``region`` with the given parameter values."""

    def __init__(self, template: str | Path | dict, *, region: str,
                 parameters: dict[str, Any] | None = None, source: str | None = None) -> None:
        if isinstance(template, dict):
            self.doc, self.source = template, source or "<template>"
            if not isinstance(template.get("Resources"), dict):
                raise InfraError("is not a CloudFormation template (no Resources mapping)",
                                 source=self.source)
        else:
            p = Path(template)
            try:
                text = p.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise FileNotFoundError(f"template file not found: {p}") from None
            self.source = str(p)
            self.doc = _parse(text, self.source)
        self.region = region
        declared = self.doc.get("Parameters") or {}
        given = dict(parameters or {})
        self.params: dict[str, Any] = {}
        for name, decl in declared.items():
            decl = decl or {}
            if name in given:
                value: Any = given.pop(name)
            elif "Default" in decl:
                value = decl["Default"]
            else:
                value = Unknown(f"parameter {name} has no Default and no value was given "
                                f"(--parameter {name}=VALUE)")
            if isinstance(value, str) and str(decl.get("Type", "")).startswith(
                    ("List<", "CommaDelimitedList")):
                value = [v.strip() for v in value.split(",")]
            allowed = decl.get("AllowedValues")
            if allowed and not isinstance(value, Unknown) and value not in allowed and \
                    str(value) not in [str(a) for a in allowed]:
                raise InfraError(f"must be one of {allowed}, got {value!r}", source=self.source,
                                 resource="Parameters", attribute=name)
            self.params[name] = value
        self.unused_parameters = sorted(given)
        partition, suffix = _partition(region)
        self.pseudo = {"AWS::Region": region, "AWS::Partition": partition,
                       "AWS::URLSuffix": suffix}
        self.resources: dict[str, dict] = self.doc["Resources"]
        self._conditions: dict[str, Any] = {}

    # --- intrinsic functions -----------------------------------------------------------------

    def condition(self, name: str) -> Any:
        if name not in self._conditions:
            decl = (self.doc.get("Conditions") or {}).get(name)
            if decl is None:
                return Unknown(f"condition {name} is not declared")
            self._conditions[name] = Unknown(f"condition {name} refers to itself")
            self._conditions[name] = self.resolve(decl)
        return self._conditions[name]

    def resolve(self, v: Any) -> Any:
        """``v`` with every intrinsic resolved, or an :class:`Unknown` saying why not."""
        if isinstance(v, list):
            items = [self.resolve(x) for x in v]
            return [x for x in items if x is not _NO_VALUE]
        if not isinstance(v, dict):
            return v
        if len(v) != 1:
            out = {k: self.resolve(x) for k, x in v.items()}
            return {k: x for k, x in out.items() if x is not _NO_VALUE}
        (fn, arg), = v.items()
        if fn == "Ref":
            return self._ref(arg)
        if fn == "Condition":
            return self.condition(arg)
        if not fn.startswith("Fn::"):
            out = self.resolve(arg)
            return _NO_VALUE if out is _NO_VALUE else {fn: out}
        name = fn[4:]
        if name == "GetAtt":
            what = ".".join(arg) if isinstance(arg, list) else str(arg)
            return Unknown(f"!GetAtt {what} is known only after the stack is created")
        if name in ("ImportValue", "GetAZs", "Cidr", "Transform", "Base64", "ToJsonString",
                    "Length"):
            return Unknown(f"Fn::{name} is not resolved from the template")
        if name == "Sub":
            return self._sub(arg)
        if name == "If":
            cond, yes, no = arg
            c = self.condition(cond)
            if isinstance(c, Unknown):
                return c
            return self.resolve(yes if c else no)
        args = self.resolve(arg)
        unknown = _first_unknown(args)
        if unknown is not None:
            return unknown
        if name == "Join":
            sep, items = args
            return sep.join(str(x) for x in items)
        if name == "Select":
            i, items = args
            return items[int(i)]
        if name == "Split":
            sep, s = args
            return s.split(sep)
        if name == "FindInMap":
            m, k1, k2 = args
            try:
                return self.doc["Mappings"][m][k1][k2]
            except (KeyError, TypeError):
                return Unknown(f"Fn::FindInMap [{m}, {k1}, {k2}] is not in the Mappings")
        if name == "Equals":
            a, b = args
            return str(a) == str(b)
        if name == "Not":
            return not args[0]
        if name == "And":
            return all(args)
        if name == "Or":
            return any(args)
        return Unknown(f"Fn::{name} is not resolved")

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.params:
            return self.params[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name in _UNKNOWABLE:
            return Unknown(f"the pseudo parameter {name} is not known from the template")
        if name in self.resources:
            ident = self._name_of(name)
            return ident if ident is not None else _ResourceRef(name)
        return Unknown(f"!Ref {name} names no parameter or resource")

    def _name_of(self, logical: str) -> Any:
        """What ``!Ref`` of a cluster or global cluster returns: its identifier when given."""
        r = self.resources[logical]
        key = {CLUSTER: "DBClusterIdentifier", GLOBAL: "GlobalClusterIdentifier"}.get(
            str(r.get("Type")))
        props = r.get("Properties") or {}
        if key and key in props:
            v = self.resolve(props[key])
            if isinstance(v, str):
                return v.lower() if r.get("Type") == CLUSTER else v
        return None

    def _sub(self, arg: Any) -> Any:
        text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        local = self.resolve(local)
        problems: list[Unknown] = []

        def one(m: re.Match) -> str:
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                value = local[name]
            elif "." in name and not name.startswith("AWS::"):
                value = Unknown(f"${{{name}}} (an attribute) is known only after creation")
            else:
                value = self._ref(name)
            if isinstance(value, (Unknown, _ResourceRef)):
                problems.append(value if isinstance(value, Unknown) else
                                Unknown(f"${{{name}}} is a generated resource name"))
                return ""
            return str(value)

        out = re.sub(r"\$\{([^}]+)\}", one, text)
        return problems[0] if problems else out

    # --- resources ---------------------------------------------------------------------------

    def included(self, logical: str) -> bool:
        cond = self.resources[logical].get("Condition")
        if cond is None:
            return True
        c = self.condition(cond)
        if isinstance(c, Unknown):
            raise InfraError(f"cannot be evaluated ({c.why}): whether this resource exists is "
                             "unknown; give the parameter on the command line",
                             source=self.source, resource=logical, attribute="Condition")
        return bool(c)

    def of_type(self, rtype: str) -> list[str]:
        return [k for k, r in self.resources.items()
                if isinstance(r, dict) and r.get("Type") == rtype and self.included(k)]

    def prop(self, logical: str, path: str) -> Any:
        v: Any = self.resources[logical].get("Properties") or {}
        for part in path.split("."):
            v = self.resolve(v)
            if isinstance(v, Unknown):
                return v
            v = v.get(part) if isinstance(v, dict) else None
        v = self.resolve(v)
        return None if v is _NO_VALUE else v

    def clusters(self) -> dict[str, ClusterIn]:
        out: dict[str, ClusterIn] = {}
        for logical in self.of_type(CLUSTER):
            attrs = {k: (_number(self.prop(logical, a)) if k in _NUMERIC
                         else _plain(self.prop(logical, a)))
                     for k, a in _CLUSTER_ATTRS.items()}
            unsupported = []
            for a, why in _UNSUPPORTED_CLUSTER.items():
                v = self.prop(logical, a)
                if v not in (None, False, "", 0, [], {}):
                    shown = v.why if isinstance(v, Unknown) else json.dumps(v)
                    unsupported.append(f"{logical}: `{a}` = {shown}: {why}; not modelled")
            out[logical] = ClusterIn(
                address=logical, region=self.region,
                region_origin=f"the stack's region (--region {self.region})", attrs=attrs,
                names=dict(_CLUSTER_ATTRS), unsupported=unsupported,
                identifier=self.prop(logical, "DBClusterIdentifier"))
        names = {}
        for logical in out:
            ident = out[logical].identifier
            if isinstance(ident, str):
                names[ident.lower()] = logical
        for logical in self.of_type(INSTANCE):
            raw = (self.resources[logical].get("Properties") or {}).get("DBClusterIdentifier")
            if raw is None:
                continue  # an RDS instance outside any cluster
            target = self.resolve(raw)
            owner = None
            if isinstance(target, _ResourceRef):
                owner = target.logical if target.logical in out else None
            elif isinstance(target, str):
                owner = names.get(target.lower())
            if owner is None:
                continue
            inst = InstanceIn(address=logical,
                              instance_class=_plain(self.prop(logical, "DBInstanceClass")),
                              class_name="DBInstanceClass")
            for a, why in _UNSUPPORTED_INSTANCE.items():
                v = self.prop(logical, a)
                if v not in (None, False, "", 0, "0", [], {}):
                    inst.unsupported.append(f"{logical}: `{a}` = {json.dumps(v)}: {why}; "
                                            "not modelled")
            out[owner].instances.append(inst)
        return out

    def globals(self) -> dict[str, dict]:
        out = {}
        for logical in self.of_type(GLOBAL):
            src = (self.resources[logical].get("Properties") or {}).get(
                "SourceDBClusterIdentifier")
            src_ref = None
            if isinstance(src, dict) and "Ref" in src:
                src_ref = src["Ref"]
            elif isinstance(src, dict) and "Fn::GetAtt" in src:
                src_ref = src["Fn::GetAtt"][0]
            out[logical] = {"identifier": self.prop(logical, "GlobalClusterIdentifier"),
                            "source_ref": src_ref}
        return out

    def global_key(self, logical: str) -> Any:
        """The global cluster a DBCluster joins: a GlobalCluster's logical id, or its name."""
        raw = (self.resources[logical].get("Properties") or {}).get("GlobalClusterIdentifier")
        if raw is None:
            # the primary joins by the GlobalCluster's SourceDBClusterIdentifier
            for g_logical, g in self.globals().items():
                if g["source_ref"] == logical:
                    ident = g["identifier"]
                    return ident if isinstance(ident, str) else f"{self.source}#{g_logical}"
            return None
        if isinstance(raw, dict) and "Ref" in raw and raw["Ref"] in self.resources and \
                self.resources[raw["Ref"]].get("Type") == GLOBAL:
            ident = self._name_of(raw["Ref"])
            return ident if ident is not None else f"{self.source}#{raw['Ref']}"
        return self.resolve(raw)


class _ResourceRef:
    __slots__ = ("logical",)

    def __init__(self, logical: str) -> None:
        self.logical = logical


def _first_unknown(v: Any) -> Unknown | None:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, _ResourceRef):
        return Unknown(f"!Ref {v.logical} is a generated resource name")
    if isinstance(v, list):
        for x in v:
            u = _first_unknown(x)
            if u is not None:
                return u
    return None


def _plain(v: Any) -> Any:
    if isinstance(v, _ResourceRef):
        return Unknown(f"!Ref {v.logical} is a generated resource name")
    return v


def _number(v: Any) -> Any:
    """CloudFormation passes numbers as strings ("16"): read a numeric string as a number."""
    if isinstance(v, _ResourceRef):
        return Unknown(f"!Ref {v.logical} is a generated resource name")
    if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v):
        return float(v) if "." in v else int(v)
    return v
