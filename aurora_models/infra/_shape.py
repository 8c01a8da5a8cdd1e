"""The infrastructure as read from a plan or a template, and the scenario text written from it.

The two readers (``_terraform``, ``_cloudformation``) produce :class:`ClusterIn` records in a
neutral vocabulary (``engine``, ``storage_type``, ``min_acu``, ...), each attribute carrying the
name it has in its own language (``engine`` / ``Engine``) for the comments and messages. This
module turns a primary and its Global Database secondaries into the ``[cluster]`` and
``[regions]`` keys of a scenario (:class:`Infrastructure`), and writes the scenario TOML with the
usage the user gives.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._optional import require
from ..exceptions import InfraError
from ..scenario._spec import FILE_KEYS

__all__ = [
    "USAGE_ALIASES",
    "ClusterIn",
    "Infrastructure",
    "InstanceIn",
    "Unknown",
    "build",
]


class Unknown:
    """A value not known before apply (Terraform ``after_unknown``) or not resolvable from the
    template (an unresolved intrinsic); ``why`` says which."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"Unknown({self.why!r})"


@dataclass
class InstanceIn:
    """One DB instance of a cluster: its address and class (``db.serverless`` or a class)."""

    address: str
    instance_class: Any
    class_name: str  # "instance_class" / "DBInstanceClass"
    unsupported: list[str] = field(default_factory=list)


@dataclass
class ClusterIn:
    """One Aurora cluster in the neutral vocabulary, with each attribute's native name."""

    address: str
    region: Any  # str or Unknown
    region_origin: str
    attrs: dict[str, Any]
    names: dict[str, str]  # neutral -> native attribute name
    instances: list[InstanceIn] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    identifier: Any = None  # cluster_identifier / DBClusterIdentifier (for the scenario name)


#: infracost's ``aws_rds_cluster`` usage keys (infracost/infracost,
#: ``internal/resources/aws/rds_cluster.go``, ``RDSCluster`` usage schema) that mean what a
#: scenario key means, accepted at the top of a usage file. Left out on purpose:
#: ``write_requests_per_sec`` / ``read_requests_per_sec`` (infracost's are monthly averages, a
#: scenario's rates are the daily peak), ``backup_snapshot_size_gb`` (infracost's is the backup
#: storage beyond the free allowance, not ``manual_snapshot_gib``), ``capacity_units_per_hr`` and
#: ``average_statements_per_hr`` (simulated here; Serverless v1 statements).
USAGE_ALIASES: dict[str, str] = {
    "storage_gb": "cluster.volume_gib",
    "backtrack_window_hrs": "cluster.backtrack_window_hours",
    "snapshot_export_size_gb": "cluster.snapshot_export_gib_per_month",
}

#: infracost usage keys that look like a scenario key but mean something else.
_REFUSED_ALIASES = {
    "write_requests_per_sec": "monthly average write rate, not the daily peak "
                              "(workload.writes_per_s)",
    "read_requests_per_sec": "monthly average read rate, not the daily peak "
                             "(workload.reads_per_s)",
    "backup_snapshot_size_gb": "backup storage beyond the free allowance, not "
                               "cluster.manual_snapshot_gib",
}

#: The usage keys a scenario requires (the infrastructure does not say them).
REQUIRED_USAGE = {
    "cluster.volume_gib": "cluster volume size, GiB (infracost: storage_gb)",
    "workload.writes_per_s": "writes per second at the daily peak",
    "workload.reads_per_s": "reads per second at the daily peak",
}

_ENGINES = {"aurora-mysql": "mysql", "aurora-postgresql": "postgresql"}
_STORAGE = {None: "standard", "": "standard", "aurora": "standard",
            "aurora-iopt1": "io-optimized"}


@dataclass(frozen=True)
class Infrastructure:
    """The infrastructure keys of one scenario, read from a plan or a template.

    One primary cluster and its Global Database secondaries become ``[cluster]`` and
    ``[regions]`` keys; each value remembers the resource and attribute it came from. Values
    unknown before apply and attributes the models do not represent are listed, never guessed.

    Parameters
    ----------
    source : str
        The plan or template file (the primary's).
    address : str
        The primary cluster's address (Terraform) or logical id (CloudFormation).
    name : str
        The cluster identifier, or the address when it has none (the scenario's name).
    values : tuple of (str, object, str)
        ``(table.key, value, origin)`` for every key read, ``origin`` naming resource and
        attribute.
    unknown : tuple of str
        Values not known from the file (computed at apply, unresolved), one line each.
    unsupported : tuple of str
        Attributes set in the file that no scenario key represents, one line each.

    See Also
    --------
    aurora_models.infra.from_terraform : Read a ``terraform show -json`` plan.
    aurora_models.infra.from_cloudformation : Read a CloudFormation template.

    Examples
    --------
    >>> from aurora_models.infra import Infrastructure
    >>> infra = Infrastructure(source="plan.json", address="aws_rds_cluster.db", name="db",
    ...                        values=(("cluster.capacity", "serverless", "db: instance_class"),),
    ...                        unknown=(), unsupported=())
    >>> infra.keys()
    {'cluster.capacity': 'serverless'}
    """

    source: str
    address: str
    name: str
    values: tuple[tuple[str, Any, str], ...]
    unknown: tuple[str, ...]
    unsupported: tuple[str, ...]

    def keys(self) -> dict[str, Any]:
        """The scenario keys read, ``{"table.key": value}``.

        Returns
        -------
        dict
            ``"cluster.engine"`` -> ``"postgresql"`` and so on, in the order read.
        """
        return {k: v for k, v, _ in self.values}

    def to_toml(self, usage: str | Path | dict | None = None, *,
                usage_source: str = "usage") -> str:
        """The scenario file: these infrastructure keys and the usage, commented.

        Parameters
        ----------
        usage : str, Path, dict or None
            A usage TOML file (or its parsed tables): ``[workload]``, ``[scenario]``,
            ``[failures]``, ``[pricing]``, ``[uncertainty]`` tables and the ``[cluster]`` keys
            the infrastructure does not say (``volume_gib``, ...), or a whole base scenario
            (its infrastructure keys are replaced, and the header says which). Top-level
            infracost usage keys (``storage_gb``, ``backtrack_window_hrs``,
            ``snapshot_export_size_gb``) are read as the scenario keys they mean. None: the
            required usage keys are written as commented ``REQUIRED`` lines to fill in.
        usage_source : str
            The usage file's name for the comments when ``usage`` is a dict.

        Returns
        -------
        str
            TOML text; every infrastructure value carries a comment naming the resource and
            attribute it came from, and the header lists the unknown values and the
            unsupported attributes. With the required usage present it loads with
            :func:`aurora_models.scenario.loads`.

        Raises
        ------
        InfraError
            An unreadable usage file, or a top-level key that is neither a table nor an
            infracost usage key.
        """
        return _write_toml(self, usage, usage_source)


def _req(c: ClusterIn, key: str, source: str, *, what: str) -> Any:
    v = c.attrs.get(key)
    name = c.names.get(key, key)
    if isinstance(v, Unknown):
        raise InfraError(f"is not known from the file ({v.why}); {what} must be known: give "
                         "it a literal value (or a known variable or parameter)",
                         source=source, resource=c.address, attribute=name)
    return v


def _engine(c: ClusterIn, source: str) -> str:
    raw = _req(c, "engine", source, what="the engine")
    name = c.names["engine"]
    if raw is None:
        raise InfraError("is not set; an Aurora cluster needs 'aurora-mysql' or "
                         "'aurora-postgresql'", source=source, resource=c.address,
                         attribute=name)
    if raw not in _ENGINES:
        why = ("is Aurora MySQL 1 (MySQL 5.6), out of support and not modelled" if raw == "aurora"
               else "is not an Aurora engine (a Multi-AZ DB cluster of RDS is not modelled)")
        raise InfraError(f"{raw!r} {why}; expected 'aurora-mysql' or 'aurora-postgresql'",
                         source=source, resource=c.address, attribute=name)
    return _ENGINES[raw]


def _capacity(c: ClusterIn, source: str, *, headless_ok: bool):
    """("serverless" | "provisioned" | None, class or None, instance count)."""
    if not c.instances:
        if headless_ok:
            return None, None, 0
        raise InfraError("has no DB instance (aws_rds_cluster_instance / AWS::RDS::DBInstance "
                         "naming it): a primary cluster needs a writer", source=source,
                         resource=c.address)
    classes = []
    for inst in c.instances:
        if isinstance(inst.instance_class, Unknown) or inst.instance_class is None:
            why = (inst.instance_class.why if isinstance(inst.instance_class, Unknown)
                   else "not set")
            raise InfraError(f"is unknown ({why}); the instance class decides Serverless v2 or "
                             "provisioned and must be known", source=source,
                             resource=inst.address, attribute=inst.class_name)
        classes.append(inst.instance_class)
    kinds = {cls == "db.serverless" for cls in classes}
    if len(kinds) > 1:
        first = next(i for i in c.instances if i.instance_class != c.instances[0].instance_class)
        raise InfraError(f"is {first.instance_class!r} beside {c.instances[0].instance_class!r} "
                         f"in the same cluster {c.address}: a scenario's cluster is all "
                         "Serverless v2 or all provisioned", source=source,
                         resource=first.address, attribute=first.class_name)
    if kinds == {True}:
        return "serverless", None, len(classes)
    distinct = sorted(set(classes))
    if len(distinct) > 1:
        other = next(i for i in c.instances if i.instance_class != classes[0])
        raise InfraError(f"is {other.instance_class!r} beside {classes[0]!r} in the same "
                         f"cluster {c.address}: a scenario's cluster has one instance class",
                         source=source, resource=other.address, attribute=other.class_name)
    return "provisioned", classes[0], len(classes)


def _region(c: ClusterIn, source: str) -> str:
    if isinstance(c.region, Unknown) or not c.region:
        why = c.region.why if isinstance(c.region, Unknown) else "not found"
        raise InfraError(f"is unknown ({why}); give the provider a known region",
                         source=source, resource=c.address, attribute="region")
    return str(c.region)


def _fmt(v: Any) -> str:
    """A value as the file wrote it (JSON spelling: null, true, "text")."""
    import json

    return json.dumps(v)


def build(primary: ClusterIn, secondaries: list[ClusterIn], *, source: str,
          notes: list[str] | None = None) -> Infrastructure:
    """The scenario keys of ``primary`` and its secondaries (see the module docstring)."""
    values: list[tuple[str, Any, str]] = []
    unknown: list[str] = []
    unsupported: list[str] = list(notes or [])
    a = primary.address

    def origin(c: ClusterIn, key: str, raw: Any) -> str:
        if raw is None or raw == "":
            return f"{c.address}: {c.names.get(key, key)} not set (AWS's default)"
        return f"{c.address}: {c.names.get(key, key)} = {_fmt(raw)}"

    def optional(key: str, c: ClusterIn = primary) -> Any:
        v = c.attrs.get(key)
        if isinstance(v, Unknown):
            unknown.append(f"{c.address}: `{c.names.get(key, key)}` unknown ({v.why}): its "
                           "scenario key is left unset")
            return None
        return v

    engine = _engine(primary, source)
    values.append(("cluster.engine", engine, origin(primary, "engine", primary.attrs["engine"])))
    version = optional("engine_version")
    if version is not None:
        values.append(("cluster.engine_version", str(version),
                       origin(primary, "engine_version", version)))
    mode = optional("engine_mode")
    if mode == "serverless":
        raise InfraError("is 'serverless' (Aurora Serverless v1, end of life): not modelled; "
                         "Serverless v2 is engine_mode 'provisioned' with db.serverless "
                         "instances", source=source, resource=a,
                         attribute=primary.names["engine_mode"])
    if mode not in (None, "", "provisioned"):
        unsupported.append(f"{a}: `{primary.names['engine_mode']}` = {mode!r}: not modelled "
                           "(read as a provisioned-mode cluster)")
    capacity, cls, n = _capacity(primary, source, headless_ok=False)
    first = primary.instances[0]
    values.append(("cluster.capacity", capacity,
                   f"{len(primary.instances)} instance(s), e.g. {first.address}: "
                   f"{first.class_name} = {_fmt(first.instance_class)}"))
    if cls is not None:
        values.append(("cluster.instance_class", cls,
                       f"{first.address}: {first.class_name} = {_fmt(cls)}"))
    values.append(("cluster.replicas", n - 1, f"{n} instances of {a}: one writer, "
                                               f"{n - 1} reader(s)"))
    storage = optional("storage_type")
    if storage is not None or "storage_type" in primary.attrs:
        if storage not in _STORAGE and not isinstance(primary.attrs.get("storage_type"), Unknown):
            raise InfraError(f"is {storage!r}: not an Aurora storage type (expected 'aurora' "
                             "or 'aurora-iopt1' for I/O-Optimized)", source=source, resource=a,
                             attribute=primary.names["storage_type"])
        if not isinstance(primary.attrs.get("storage_type"), Unknown):
            values.append(("cluster.storage", _STORAGE[storage],
                           origin(primary, "storage_type", storage)))
    for key, scen in (("min_acu", "cluster.min_acu"), ("max_acu", "cluster.max_acu")):
        v = optional(key)
        if v is not None:
            values.append((scen, float(v), origin(primary, key, v)))
    if capacity == "serverless" and primary.attrs.get("max_acu") is None:
        unknown.append(f"{a}: `{primary.names['max_acu']}` not set (a Serverless v2 cluster "
                       "needs a scaling configuration): cluster.min_acu/max_acu left unset")
    pause = optional("auto_pause_s")
    if pause is not None:
        unsupported.append(f"{a}: `{primary.names['auto_pause_s']}` = {pause}: the pause delay "
                           "is not modelled (min_acu = 0 pauses at once when idle)")
    retention = optional("backup_retention")
    if retention is not None:
        values.append(("cluster.backup_retention_days", int(retention),
                       origin(primary, "backup_retention", retention)))
    backtrack = optional("backtrack_s")
    if backtrack:
        values.append(("cluster.backtrack_window_hours", float(backtrack) / 3600,
                       origin(primary, "backtrack_s", backtrack) + " s"))
    region = _region(primary, source)
    values.append(("regions.primary", region, primary.region_origin))
    unsupported.extend(primary.unsupported)
    for inst in primary.instances:
        unsupported.extend(inst.unsupported)
    if secondaries:
        regions, counts, classes = [], [], []
        for s in secondaries:
            s_engine = _engine(s, source)
            if s_engine != engine:
                raise InfraError(f"is {s.attrs['engine']!r}, the primary {a} runs "
                                 f"{primary.attrs['engine']!r}: a Global Database has one engine",
                                 source=source, resource=s.address, attribute=s.names["engine"])
            s_cap, s_cls, s_n = _capacity(s, source, headless_ok=True)
            if s_cap is not None and s_cap != capacity:
                inst = s.instances[0]
                raise InfraError(f"makes the secondary {s_cap} and the primary {capacity}: "
                                 "a scenario's secondaries have the primary's capacity type",
                                 source=source, resource=inst.address, attribute=inst.class_name)
            regions.append(_region(s, source))
            counts.append(s_n)
            classes.append(s_cls or cls)
            for key in ("min_acu", "max_acu"):
                sv = optional(key, s)
                if s_cap == "serverless" and sv is not None and sv != primary.attrs.get(key):
                    unsupported.append(f"{s.address}: `{s.names[key]}` = {sv}: a secondary's "
                                       "own ACU range is not modelled (the primary's is used)")
            unsupported.extend(s.unsupported)
            for inst in s.instances:
                unsupported.extend(inst.unsupported)
        if len(set(regions)) < len(regions) or region in regions:
            dup = next(r for r in regions if regions.count(r) > 1 or r == region)
            raise InfraError(f"two clusters of the Global Database are in {dup}: each region "
                             "holds one", source=source, resource=a, attribute="region")
        values.append(("regions.secondaries", regions,
                       "; ".join(f"{s.address}: {s.region_origin}" for s in secondaries)))
        values.append(("regions.secondary_instances", counts,
                       "instances per secondary: " + ", ".join(
                           f"{s.address} {c}" for s, c in zip(secondaries, counts, strict=True))))
        if capacity == "provisioned" and any(c != cls for c in classes):
            values.append(("regions.secondary_instance_class", classes,
                           "instance_class of each secondary's instances"))
    ident = primary.identifier
    name = ident if isinstance(ident, str) and ident else a
    return Infrastructure(source=source, address=a, name=name, values=tuple(values),
                          unknown=tuple(unknown), unsupported=tuple(dict.fromkeys(unsupported)))


# --- writing the scenario -------------------------------------------------------------------

_TABLES = ("scenario", "cluster", "regions", "workload", "failures", "pricing", "users", "uncertainty",
           "provenance")


def _read_usage(usage: str | Path | dict | None, usage_source: str) -> tuple[dict, str]:
    if usage is None:
        return {}, usage_source
    if isinstance(usage, dict):
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in usage.items()}, usage_source
    p = Path(usage)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"usage file not found: {p}") from None
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise InfraError(f"malformed TOML: {exc}", source=str(p)) from None
    # a path the usage file names relative to itself stays right wherever the scenario goes
    for key in FILE_KEYS:
        t, _, k = key.partition(".")
        v = raw.get(t, {}).get(k) if isinstance(raw.get(t), dict) else None
        if isinstance(v, str) and not Path(v).is_absolute():
            raw[t][k] = str((p.parent / v).resolve())
    return raw, str(p)


def _write_toml(infra: Infrastructure, usage: Any, usage_source: str) -> str:
    tomlkit = require("tomlkit", extra="iac", feature="writing a scenario from infrastructure")

    raw, src = _read_usage(usage, usage_source)
    tables: dict[str, dict[str, tuple[Any, str | None]]] = {t: {} for t in _TABLES}
    replaced = []
    for key, value in raw.items():
        if key in USAGE_ALIASES:
            t, k = USAGE_ALIASES[key].split(".")
            tables[t][k] = (value, f"{src}: {key} (infracost's usage key)")
        elif isinstance(value, dict) and key in tables:
            for k, v in value.items():
                tables[key][k] = (v, None)
        elif key in _REFUSED_ALIASES:
            raise InfraError(f"is infracost's {_REFUSED_ALIASES[key]}; give the scenario's own "
                             "key instead", source=src, attribute=key)
        else:
            raise InfraError(f"is neither a scenario table ({', '.join(_TABLES)}) nor an "
                             f"infracost usage key ({', '.join(USAGE_ALIASES)})", source=src,
                             attribute=key)
    infra_keys = infra.keys()
    for full, v, why in infra.values:
        t, k = full.split(".")
        if k in tables[t] and tables[t][k][0] != v:
            replaced.append(f"{full} (was {tables[t][k][0]!r})")
        tables[t][k] = (v, why)
    for full in ("cluster.engine_version", "cluster.instance_class", "cluster.min_acu",
                 "cluster.max_acu", "cluster.storage", "regions.secondaries",
                 "regions.secondary_instances", "regions.secondary_instance_class",
                 "regions.secondary_acu"):
        t, k = full.split(".")
        if full not in infra_keys and k in tables[t] and full.startswith("regions."):
            # a base scenario's secondaries are not this infrastructure's
            replaced.append(f"{full} (was {tables[t][k][0]!r}, removed)")
            del tables[t][k]
    sc = tables["scenario"]
    sc.setdefault("name", (infra.name, f"{infra.address}"))
    sc.setdefault("description", (f"read from {Path(infra.source).name} ({infra.address})",
                                  None))
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"aurora-models scenario written from {infra.source} "
                            f"(cluster {infra.address})."))
    doc.add(tomlkit.comment("[cluster] and [regions] come from the infrastructure: each value "
                            "names its resource and attribute."))
    doc.add(tomlkit.comment(f"The usage comes from {src}." if usage is not None else
                            "No usage file was given: fill in the REQUIRED lines "
                            "(uncomment them) before `aurora-models estimate`."))
    for line in replaced:
        doc.add(tomlkit.comment(f"replaced by the infrastructure: {line}"))
    for line in infra.unknown:
        doc.add(tomlkit.comment(f"UNKNOWN: {line}"))
    for line in infra.unsupported:
        doc.add(tomlkit.comment(f"UNSUPPORTED: {line}"))
    missing = [k for k in REQUIRED_USAGE if k.split(".")[1] not in tables[k.split(".")[0]]]
    for name in _TABLES:
        entries = tables[name]
        todo = [k for k in missing if k.startswith(name + ".")]
        if not entries and not todo:
            continue
        table = tomlkit.table()
        for k, (v, note) in entries.items():
            table.add(k, v)
            if note:
                table[k].comment(note)
        for full in todo:
            table.add(tomlkit.comment(f"{full.split('.')[1]} =    # REQUIRED usage: "
                                      f"{REQUIRED_USAGE[full]}"))
        doc.add(tomlkit.nl())
        doc.add(name, table)
    return tomlkit.dumps(doc)


def region_of_zone(zone: str) -> str | None:
    """``eu-west-1a`` -> ``eu-west-1`` (an availability zone name ends in a letter)."""
    m = re.fullmatch(r"([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]", zone or "")
    return m.group(1) if m else None


def region_of_arn(arn: Any) -> str | None:
    """The region field of an ARN (``arn:aws:rds:REGION:ACCOUNT:cluster:NAME``)."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" and parts[3] else None
