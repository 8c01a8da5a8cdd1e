"""Read ``terraform show -json`` output (a plan, or a state) into :class:`ClusterIn` records.

The format is HashiCorp's "JSON Output Format" (format_version 1.x,
https://developer.hashicorp.com/terraform/internals/json-format): ``planned_values`` (a state's
``values``) holds ``root_module`` with ``resources`` and nested ``child_modules``; each
``resource_changes`` entry's ``change.after_unknown`` marks the values known only after apply;
``configuration`` holds ``provider_config`` (``aws``, ``aws.eu`` for an aliased provider, its
``expressions.region``), and per module the resources' ``provider_config_key`` and the
``expressions`` with their ``references``; ``variables`` holds the root module's input values.

The resources read are the AWS provider's ``aws_rds_cluster``, ``aws_rds_cluster_instance`` and
``aws_rds_global_cluster`` (https://registry.terraform.io/providers/hashicorp/aws/latest/docs).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..exceptions import InfraError
from ._shape import ClusterIn, InstanceIn, Unknown, region_of_arn, region_of_zone

__all__ = ["read_plan"]

CLUSTER, INSTANCE, GLOBAL = "aws_rds_cluster", "aws_rds_cluster_instance", "aws_rds_global_cluster"

#: Neutral name -> the aws_rds_cluster attribute (serverless ACU: the block's attributes).
_CLUSTER_ATTRS = {
    "engine": "engine", "engine_version": "engine_version", "engine_mode": "engine_mode",
    "storage_type": "storage_type", "backup_retention": "backup_retention_period",
    "global_id": "global_cluster_identifier", "backtrack_s": "backtrack_window",
    "min_acu": "serverlessv2_scaling_configuration.min_capacity",
    "max_acu": "serverlessv2_scaling_configuration.max_capacity",
    "auto_pause_s": "serverlessv2_scaling_configuration.seconds_until_auto_pause",
}

#: Attributes that change the bill or the models but have no scenario key: listed when set.
_UNSUPPORTED_CLUSTER = {
    "db_cluster_instance_class": "a Multi-AZ DB cluster's class (not Aurora)",
    "allocated_storage": "provisioned storage of a Multi-AZ DB cluster (Aurora storage grows)",
    "iops": "provisioned IOPS of a Multi-AZ DB cluster",
    "scaling_configuration": "Aurora Serverless v1 scaling (end of life)",
    "replication_source_identifier": "a cross-region read replica cluster (binlog), not a "
                                     "Global Database member",
    "enable_global_write_forwarding": "write forwarding from secondaries",
    "enable_local_write_forwarding": "local write forwarding",
    "performance_insights_enabled": "Performance Insights (billed separately)",
    "database_insights_mode": "CloudWatch Database Insights (billed separately)",
    "enabled_cloudwatch_logs_exports": "log exports to CloudWatch Logs (billed separately)",
    "cluster_scalability_type": "Aurora PostgreSQL Limitless Database",
}
_UNSUPPORTED_INSTANCE = {
    "performance_insights_enabled": "Performance Insights (billed separately)",
    "monitoring_interval": "Enhanced Monitoring (CloudWatch Logs, billed separately)",
    "promotion_tier": "failover priority (the model fails over to any reader)",
}


def _unset(v: Any) -> bool:
    return v in (None, False, "", 0, [], {})


def _get(values: dict, unknown: Any, path: str) -> Any:
    """The value at ``path`` (``a.b``: the first block of a nested block list), or Unknown."""
    v: Any = values
    u: Any = unknown
    for part in path.split("."):
        if u is True:
            return Unknown("after_unknown: known only after apply")
        if isinstance(v, list):
            v = v[0] if v else None
            u = u[0] if isinstance(u, list) and u else u
        if isinstance(u, list):
            u = u[0] if u else None
        v = v.get(part) if isinstance(v, dict) else None
        u = u.get(part) if isinstance(u, dict) else None
    if u is True:
        return Unknown("after_unknown: known only after apply")
    return v


def _modules(module: dict, path: tuple[str, ...] = ()):
    yield path, module
    for child in module.get("child_modules") or []:
        addr = child.get("address", "")
        # "module.a.module.b" -> ("a", "b") (instance keys such as module.a[0] kept)
        names = tuple(re.findall(r"module\.([^.\[]+(?:\[[^\]]*\])?)", addr))
        yield from _modules(child, names)


def _config_module(config: dict, path: tuple[str, ...]) -> dict:
    m = config.get("root_module") or {}
    for name in path:
        m = ((m.get("module_calls") or {}).get(re.sub(r"\[.*\]$", "", name)) or {}).get(
            "module") or {}
    return m


def _module_prefix(path: tuple[str, ...]) -> str:
    return "".join(f"module.{n}." for n in path)


class _Plan:
    def __init__(self, doc: dict, source: str) -> None:
        self.doc, self.source = doc, source
        self.config = doc.get("configuration") or {}
        self.variables = {k: (v or {}).get("value") for k, v in
                          (doc.get("variables") or {}).items()}
        self.after_unknown = {
            rc.get("address"): ((rc.get("change") or {}).get("after_unknown") or {})
            for rc in doc.get("resource_changes") or []}

    def config_resource(self, path: tuple[str, ...], address: str) -> dict:
        local = address[len(_module_prefix(path)):] if address.startswith("module.") else address
        base = re.sub(r"\[[^\]]*\]$", "", local)
        for r in _config_module(self.config, path).get("resources") or []:
            if r.get("address") == base:
                return r
        return {}

    def references(self, path: tuple[str, ...], address: str, attr: str) -> list[str]:
        expr = (self.config_resource(path, address).get("expressions") or {}).get(attr) or {}
        return [_module_prefix(path) + r for r in expr.get("references") or []]

    def constant(self, expr: dict, path: tuple[str, ...]) -> tuple[Any, str]:
        if "constant_value" in expr:
            return expr["constant_value"], "constant"
        for ref in expr.get("references") or []:
            if ref.startswith("var.") and not path and ref[4:] in self.variables:
                return self.variables[ref[4:]], ref
        refs = ", ".join(expr.get("references") or []) or "an expression"
        return Unknown(f"from {refs}, not known in the plan"), refs

    def region(self, path: tuple[str, ...], address: str, values: dict) -> tuple[Any, str]:
        key = self.config_resource(path, address).get("provider_config_key") or "aws"
        providers = self.config.get("provider_config") or {}
        cfg = providers.get(key) or providers.get(key.rsplit(":", 1)[-1])
        if cfg is not None:
            expr = (cfg.get("expressions") or {}).get("region")
            if expr:
                value, how = self.constant(expr, ())
                label = f"provider_config[{key!r}].expressions.region"
                if not isinstance(value, Unknown):
                    return value, f"{label} = {value!r}" + (f" ({how})" if how != "constant"
                                                            else "")
                from_values = self._region_from_values(values, address)
                return (from_values if from_values[0] else (value, label))
        found = self._region_from_values(values, address)
        if found[0]:
            return found
        return Unknown(f"provider {key!r} sets no region and the resource has no ARN or "
                       "availability zones"), "region"

    @staticmethod
    def _region_from_values(values: dict, address: str) -> tuple[Any, str]:
        r = region_of_arn(values.get("arn"))
        if r:
            return r, f"{address}: arn"
        zones = values.get("availability_zones") or []
        if isinstance(zones, list):
            found = {region_of_zone(z) for z in zones if isinstance(z, str)} - {None}
            if len(found) == 1:
                return found.pop(), f"{address}: availability_zones"
        return None, ""


def _load(plan: str | Path | dict, source: str | None) -> tuple[dict, str]:
    if isinstance(plan, dict):
        return plan, source or "<plan>"
    p = Path(plan)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"plan file not found: {p}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InfraError(f"is not JSON (line {exc.lineno}: {exc.msg}); give the output of "
                         "`terraform show -json PLANFILE`", source=str(p)) from None
    if not isinstance(doc, dict):
        raise InfraError("is not a Terraform JSON plan (an object expected)", source=str(p))
    return doc, str(p)


def read_plan(plan: str | Path | dict, *, source: str | None = None):
    """What a plan holds: ``(clusters, globals, membership, meta, notes, source, plan)``.

    ``clusters``: a ClusterIn per aws_rds_cluster address, its instances attached;
    ``globals``: per aws_rds_global_cluster address its identifier and source cluster;
    ``membership``: cluster address -> the global cluster it joins; ``meta``: per cluster its
    module path and values; ``notes``: instances no cluster claims."""
    doc, src = _load(plan, source)
    version = str(doc.get("format_version", ""))
    if not re.fullmatch(r"1(\.\d+)*", version):
        raise InfraError(f"has format_version {version or 'none'!r}: expected 1.x, the output of "
                         "`terraform show -json` (Terraform >= 1.0)", source=src)
    tree = doc.get("planned_values") or doc.get("values")
    if not isinstance(tree, dict) or "root_module" not in tree:
        raise InfraError("has no planned_values.root_module (nor a state's values): give the "
                         "output of `terraform show -json PLANFILE`", source=src)
    pl = _Plan(doc, src)
    clusters: dict[str, ClusterIn] = {}
    meta: dict[str, dict] = {}
    instances: list[tuple[tuple[str, ...], dict, dict]] = []
    globals_: dict[str, dict] = {}
    for path, module in _modules(tree["root_module"]):
        for r in module.get("resources") or []:
            if r.get("mode", "managed") != "managed":
                continue
            address, rtype = r.get("address", ""), r.get("type")
            values = r.get("values") or {}
            unknown = pl.after_unknown.get(address, {})
            if rtype == CLUSTER:
                attrs = {k: _get(values, unknown, a) for k, a in _CLUSTER_ATTRS.items()}
                region, how = pl.region(path, address, values)
                unsupported = [f"{address}: `{a}` = {json.dumps(values[a])}: {why}; not "
                               "modelled" for a, why in _UNSUPPORTED_CLUSTER.items()
                               if not _unset(values.get(a))]
                ident = _get(values, unknown, "cluster_identifier")
                clusters[address] = ClusterIn(
                    address=address, region=region, region_origin=how, attrs=attrs,
                    names=dict(_CLUSTER_ATTRS), unsupported=unsupported, identifier=ident)
                meta[address] = {"path": path, "values": values,
                                 "arn": values.get("arn")}
            elif rtype == INSTANCE:
                instances.append((path, r, unknown))
            elif rtype == GLOBAL:
                globals_[address] = {
                    "identifier": _get(values, unknown, "global_cluster_identifier"),
                    "source_refs": pl.references(path, address, "source_db_cluster_identifier"),
                    "source_value": values.get("source_db_cluster_identifier"),
                    "engine": values.get("engine"),
                }
    notes: list[str] = []
    by_ident = {c.identifier: a for a, c in clusters.items() if isinstance(c.identifier, str)}
    for path, r, unknown in instances:
        address, values = r["address"], r.get("values") or {}
        target = _get(values, unknown, "cluster_identifier")
        owner = by_ident.get(target) if isinstance(target, str) else None
        if owner is None:
            owner = _referenced(pl.references(path, address, "cluster_identifier"), clusters,
                                CLUSTER)
        if owner is None:
            notes.append(f"{address}: `cluster_identifier` names no cluster of the plan "
                         f"({target if isinstance(target, str) else 'unknown'}): instance left "
                         "out")
            continue
        inst = InstanceIn(address=address, instance_class=_get(values, unknown, "instance_class"),
                          class_name="instance_class")
        inst.unsupported = [f"{address}: `{a}` = {json.dumps(values[a])}: {why}; not modelled"
                            for a, why in _UNSUPPORTED_INSTANCE.items()
                            if not _unset(values.get(a))]
        clusters[owner].instances.append(inst)
    # Global membership: a reference to the global resource, or its identifier's value.
    membership: dict[str, str] = {}
    g_by_ident = {g["identifier"]: a for a, g in globals_.items()
                  if isinstance(g["identifier"], str)}
    for a, c in clusters.items():
        gid = c.attrs.get("global_id")
        ref = _referenced(pl.references(meta[a]["path"], a, "global_cluster_identifier"),
                          globals_, GLOBAL)
        if ref is None and isinstance(gid, str) and gid:
            ref = g_by_ident.get(gid, f"global cluster {gid!r}")
        if ref is None and isinstance(gid, Unknown):
            ref = "an unknown global cluster"
        if ref is not None:
            membership[a] = ref
    return clusters, globals_, membership, meta, notes, src, pl


def _referenced(refs: list[str], pool: dict, rtype: str) -> str | None:
    """The resource of ``pool`` a list of references names (``aws_rds_cluster.main.id``)."""
    for ref in refs:
        m = re.match(rf"((?:module\.[^.]+\.)*{rtype}\.[^.\[]+(?:\[[^\]]*\])?)", ref)
        if m and m.group(1) in pool:
            return m.group(1)
        if m:
            hits = [a for a in pool if re.sub(r"\[[^\]]*\]$", "", a) == m.group(1)]
            if len(hits) == 1:
                return hits[0]
    return None


def primary_of(members: list[str], group: str, clusters: dict, globals_: dict, meta: dict,
               pl: Any, src: str, primary: str | None) -> str:
    """The primary of a Global Database group (see ``from_terraform``'s Notes)."""
    if primary is not None:
        if primary not in members:
            raise InfraError(f"is not a member of {group} (members: {', '.join(members)})",
                             source=src, resource=primary, attribute="--primary")
        return primary
    g = globals_.get(group)
    if g is not None:
        ref = _referenced(g["source_refs"], clusters, CLUSTER)
        if ref in members:
            return ref
        arn = g["source_value"]
        hits = [a for a in members if isinstance(arn, str) and meta[a]["arn"] == arn]
        if len(hits) == 1:
            return hits[0]
    credentialed = [a for a in members
                    if not _unset(meta[a]["values"].get("master_username"))
                    or meta[a]["values"].get("manage_master_user_password")
                    or pl.references(meta[a]["path"], a, "master_username")
                    or "master_username" in (pl.config_resource(meta[a]["path"], a)
                                             .get("expressions") or {})]
    if len(credentialed) == 1:
        return credentialed[0]
    raise InfraError(f"cannot tell which of {', '.join(members)} is the primary (no "
                     "source_db_cluster_identifier, and not exactly one member sets "
                     "master_username): pass --primary ADDRESS", source=src, resource=group)
