"""The cluster as configured and its regions: the shared inputs every model family reads.

These are the architect's own choices (kind ``input``), declared once; their limits come from
the family that owns each fact (15 replicas from :mod:`availability`, 128 TiB from
:mod:`quorum`, 10 secondary regions from :mod:`global_db`), so a limit is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._params import Rule, declared, param
from .availability._params import MAX_REPLICAS
from .data import check_region, region_codes
from .exceptions import ParameterTypeError, ParameterValueError
from .global_db._link import LATENCY_STAND_INS, MAX_SECONDARIES, latency_region
from .pricing import known_regions
from .pricing._rules import check_instance_class
from .quorum._scale import MAX_VOLUME_GIB, OLD_ENGINE_MAX_VOLUME_GIB

__all__ = ["Cluster", "Regions", "engine_version", "max_volume_gib", "region_codes",
           "supports_auto_pause", "supports_dynamic_resizing", "supports_write_forwarding"]


def _primary(name: str, value: Any) -> str:
    """A primary region: any region of the latency data or of the price book (the latency
    matrix is needed only for a configured secondary's link, checked there)."""
    return _region(name, value, extra=tuple(known_regions()))


#: A region code of the latency data (the one check, in :mod:`aurora_models.data`).
_region = check_region


def _secondaries(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise ParameterTypeError(f"`{name}` must be a list of region codes, got {type(value).__name__} "
                        f"{value!r}")
    if len(value) > MAX_SECONDARIES:
        raise ParameterValueError(f"`{name}` must hold at most {MAX_SECONDARIES} regions, got "
                         f"{len(value)}")
    stand_ins = tuple(c for c, _ in LATENCY_STAND_INS)
    return tuple(_region(f"{name}[{i}]", v, extra=stand_ins) for i, v in enumerate(value))


def engine_version(engine: str, version: str | None) -> tuple[int, ...] | None:
    """Parse an engine version into numbers (the long MySQL form gives the same).

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        The Aurora engine.
    version : str or None
        The engine version (``"3.08.0"``, ``"8.0.mysql_aurora.3.08.0"``, ``"16.4"``); None:
        unset.

    Returns
    -------
    tuple of int or None
        The version's numbers; None when unset.

    Examples
    --------
    >>> from aurora_models.cluster import engine_version
    >>> engine_version("mysql", "8.0.mysql_aurora.3.08.0"), engine_version("postgresql", "16.4")
    ((3, 8, 0), (16, 4))
    """
    if version is None:
        return None
    tail = version.rsplit("mysql_aurora.", 1)[-1] if engine == "mysql" else version
    return tuple(int(x) for x in tail.split("."))


#: The first versions of each major that support auto-pause (``min_acu = 0``): Aurora MySQL
#: 3.08.0; Aurora PostgreSQL 16.3, 15.7, 14.12, 13.15 (Aurora user guide,
#: aurora-serverless-v2-auto-pause; aurora_facts.md §3.3).
_AUTO_PAUSE_FROM: dict[str, dict[int, tuple[int, ...]]] = {
    "mysql": {3: (3, 8, 0)}, "postgresql": {13: (13, 15), 14: (14, 12), 15: (15, 7), 16: (16, 3)}}


def supports_auto_pause(engine: str, version: str | None) -> bool:
    """Whether the engine version can pause at 0 ACU (an unset version: a current one can).

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        The Aurora engine.
    version : str or None
        The engine version (``"3.08.0"``, ``"8.0.mysql_aurora.3.08.0"``, ``"16.4"``); None:
        unset.

    Returns
    -------
    bool
        True from Aurora MySQL 3.08.0 and PostgreSQL 16.3, 15.7, 14.12, 13.15.

    Examples
    --------
    >>> from aurora_models.cluster import supports_auto_pause
    >>> supports_auto_pause("mysql", "3.07.1"), supports_auto_pause("postgresql", "16.3")
    (False, True)
    """
    v = engine_version(engine, version)
    if v is None:
        return True
    first = _AUTO_PAUSE_FROM[engine].get(v[0])
    if first is None:  # a major after the table's (PostgreSQL 17 ...) has it; before, not
        return v[0] > max(_AUTO_PAUSE_FROM[engine])
    return v >= first


#: First versions whose volume shrinks when data is dropped (dynamic resizing), per engine
#: major; every Aurora PostgreSQL version has it (Aurora User Guide, "Managing performance and
#: scaling for Aurora DB clusters", Storage scaling:
#: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Performance.html,
#: read 2026-12-08: Aurora MySQL 3 all versions, 2.11 and higher; earlier versions reuse the
#: freed space but the volume never shrinks).
_DYNAMIC_RESIZING_FROM: dict[int, tuple[int, ...]] = {2: (2, 11), 3: (3,)}


def supports_dynamic_resizing(engine: str, version: str | None) -> bool:
    """Whether the billed volume shrinks when data is removed (an unset version: a current one).

    Dynamic resizing follows ``DROP TABLE``, ``TRUNCATE``, ``DROP PARTITION`` and the like;
    deleted rows free space only after the table is rebuilt (``OPTIMIZE TABLE``, pg_repack).

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        The Aurora engine.
    version : str or None
        The engine version (``"3.08.0"``, ``"2.10.2"``, ``"16.4"``); None: unset.

    Returns
    -------
    bool
        True on every Aurora PostgreSQL version and Aurora MySQL 2.11 and later.

    Examples
    --------
    >>> from aurora_models.cluster import supports_dynamic_resizing
    >>> supports_dynamic_resizing("mysql", "2.10.2"), supports_dynamic_resizing("mysql", "3.04.0")
    (False, True)
    """
    if engine == "postgresql":
        return True
    v = engine_version(engine, version)
    if v is None:
        return True
    first = _DYNAMIC_RESIZING_FROM.get(v[0])
    return v[0] > 3 if first is None else v >= first


#: First versions with Global Database write forwarding, per major (Aurora User Guide: "Using
#: write forwarding in an Aurora MySQL global database", 2.08.1 and higher; "... in an Aurora
#: PostgreSQL global database", 14.9, 15.4 and every 16 or later minor).
_WRITE_FORWARDING_FROM: dict[str, dict[int, tuple[int, ...]]] = {
    "mysql": {2: (2, 8, 1), 3: (3,)}, "postgresql": {14: (14, 9), 15: (15, 4), 16: (16,)}}


def supports_write_forwarding(engine: str, version: str | None) -> bool:
    """Whether the engine version can forward writes from a Global Database secondary.

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        The Aurora engine.
    version : str or None
        The engine version; None (unset): a current version, which can.

    Returns
    -------
    bool
        True from Aurora MySQL 2.08.1 and Aurora PostgreSQL 14.9, 15.4 and 16.

    See Also
    --------
    supports_auto_pause : The same question for auto-pause.

    Examples
    --------
    >>> from aurora_models.cluster import supports_write_forwarding
    >>> supports_write_forwarding("postgresql", "15.3"), supports_write_forwarding("mysql", "3.04.0")
    (False, True)
    """
    v = engine_version(engine, version)
    if v is None:
        return True
    first = _WRITE_FORWARDING_FROM[engine].get(v[0])
    if first is None:  # a later major has it; an earlier one (MySQL 1, PostgreSQL 13) not
        return v[0] > max(_WRITE_FORWARDING_FROM[engine])
    return v >= first


def max_volume_gib(engine: str, version: str | None) -> float:
    """The cluster volume limit of an engine version, GiB.

    128 TiB, or 64 TiB on Aurora MySQL before 1.23.0 / 2.09.0.

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        The Aurora engine.
    version : str or None
        The engine version (``"3.08.0"``, ``"8.0.mysql_aurora.3.08.0"``, ``"16.4"``); None:
        unset.

    Returns
    -------
    float
        The limit, GiB.

    Examples
    --------
    >>> from aurora_models.cluster import max_volume_gib
    >>> max_volume_gib("mysql", "2.08.3") / 1024, max_volume_gib("mysql", None) / 1024
    (64.0, 128.0)
    """
    v = engine_version(engine, version)
    if engine == "mysql" and v is not None and (v < (1, 23) or (2,) <= v < (2, 9)):
        return float(OLD_ENGINE_MAX_VOLUME_GIB)
    return float(MAX_VOLUME_GIB)


#: Major versions Aurora ships per engine (MySQL-compatible 1 = MySQL 5.6, 2 = 5.7, 3 = 8.0;
#: PostgreSQL-compatible follows the PostgreSQL major).
_MAJORS = {"mysql": range(1, 4), "postgresql": range(9, 18)}


def _engine_version(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be an engine version string such as '3.08.0' "
                                 f"(MySQL) or '16.4' (PostgreSQL), got {type(value).__name__} "
                                 f"{value!r}")
    if not re.fullmatch(r"(8\.0\.mysql_aurora\.)?\d{1,2}(\.\d{1,3}){1,2}", value):
        raise ParameterValueError(f"`{name}` must be an engine version such as '3.08.0' "
                                  f"(MySQL) or '16.4' (PostgreSQL), got {value!r}")
    return value


def _version_fits(v) -> str | None:
    if v["engine_version"] is None:
        return None
    version = engine_version(v["engine"], v["engine_version"])
    assert version is not None  # a set version parses (checked on construction)
    major = version[0]
    if major not in _MAJORS[v["engine"]] or ("mysql_aurora" in v["engine_version"]
                                              and v["engine"] != "mysql"):
        return (f"`engine_version` must be a version of Aurora {v['engine']} (majors "
                f"{_MAJORS[v['engine']].start}-{_MAJORS[v['engine']].stop - 1}), got "
                f"{v['engine_version']!r}")
    return None


def _volume_fits(v) -> str | None:
    if v["volume_gib"] is None or _version_fits(v):
        return None
    limit = max_volume_gib(v["engine"], v["engine_version"])
    if v["volume_gib"] > limit:
        return (f"`volume_gib` must be at most {limit:,.0f} GiB ({limit / 1024:g} TiB) on Aurora "
                f"{v['engine']} {v['engine_version']}, got {v['volume_gib']:g}")
    return None


#: The engine version is one of the engine's; the volume fits the version's limit.
ENGINE_VERSION = Rule("engine_version", ("engine_version", "engine"), _version_fits)
VOLUME_LIMIT = Rule("volume_limit", ("volume_gib", "engine", "engine_version"), _volume_fits)


#: Configurations AWS does not pause, with its rule (Aurora User Guide, 'Scaling to Zero ACUs
#: with automatic pause and resume for Aurora Serverless v2', https://docs.aws.amazon.com/
#: AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html, read 2026-12-08;
#: aurora_facts.md section 3.3).
NO_PAUSE = (
    ("cluster.rds_proxy", "RDS Proxy holds open connections to the cluster, so its instances "
                          "never pause"),
    ("cluster.logical_replication", "with logical or binlog replication on, the writer (and the "
                                    "readers of failover tiers 0 and 1) do not pause"),
    ("cluster.zero_etl", "a zero-ETL integration keeps the writer from pausing"),
)


def _auto_pause(v) -> str | None:
    if v["cluster.min_acu"] != 0:
        return None
    if v["regions.secondaries"]:
        return ("`cluster.min_acu` must be at least 0.5 in a Global Database (AWS does not "
                "auto-pause the global primary's writer or any secondary cluster), got 0")
    for key, why in NO_PAUSE:
        if v[key]:
            return (f"`cluster.min_acu` must be at least 0.5 with `{key}` = true (AWS does not "
                    f"auto-pause: {why}), got 0")
    if not supports_auto_pause(v["cluster.engine"], v["cluster.engine_version"]):
        return (f"`cluster.min_acu` must be at least 0.5 on Aurora {v['cluster.engine']} "
                f"{v['cluster.engine_version']} (auto-pause needs MySQL 3.08.0, PostgreSQL "
                f"16.3, 15.7, 14.12 or 13.15 or later), got 0")
    return None


def _write_forwarding(v) -> str | None:
    if not v["users.write_forwarding"]:
        return None
    if not v["regions.secondaries"]:
        return ("`users.write_forwarding` needs a Global Database secondary to forward from "
                "(`regions.secondaries` is empty), got true")
    if not supports_write_forwarding(v["cluster.engine"], v["cluster.engine_version"]):
        first = {"mysql": "2.08.1 or later", "postgresql": "14.9, 15.4, 16 or later"}
        return (f"`users.write_forwarding` needs Aurora {v['cluster.engine']} "
                f"{first[v['cluster.engine']]} (Global Database write forwarding), got "
                f"`cluster.engine_version` {v['cluster.engine_version']!r}")
    return None


#: Write forwarding needs a secondary and an engine version that has it.
WRITE_FORWARDING = Rule("write_forwarding", ("users.write_forwarding", "regions.secondaries",
                                             "cluster.engine", "cluster.engine_version"),
                        _write_forwarding)


#: ``min_acu = 0`` (auto-pause) only where AWS pauses: no Global Database, a version that can.
AUTO_PAUSE = Rule("auto_pause", ("cluster.min_acu", "regions.secondaries", "cluster.engine",
                                 "cluster.engine_version", *(k for k, _ in NO_PAUSE)),
                  _auto_pause)


@declared("cluster")
@dataclass(frozen=True, kw_only=True)
class Cluster:
    """An Aurora cluster as the architect configures it (the scenario's ``[cluster]``).

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        Aurora MySQL- or PostgreSQL-compatible.
    engine_version : str, optional
        Aurora engine version (unset: a current one); sets the volume limit and whether
        ``min_acu = 0`` (auto-pause) is available.
    capacity : {"serverless", "provisioned"}
        Serverless v2 instances or provisioned instance classes.
    instance_class : str
        Provisioned instance class (compared against Serverless).
    replicas : int
        Aurora Replicas (readers) besides the writer, 0-15.
    storage : {"standard", "io-optimized"}
        Storage configuration billed today.
    volume_gib : float
        Cluster volume size, GiB (at most the version's limit, :func:`max_volume_gib`).
    rds_proxy, logical_replication, zero_etl : bool
        Connections through RDS Proxy (the availability figures are then the proxy's:
        ``availability.PROXY_CLIENT``); logical (PostgreSQL) or binlog (MySQL) replication on;
        a zero-ETL integration. AWS does not auto-pause any of them: with ``min_acu = 0`` they
        are refused (:data:`NO_PAUSE`, the rule ``auto_pause``).

    Examples
    --------
    >>> from aurora_models.cluster import Cluster
    >>> Cluster(capacity="serverless", replicas=1, volume_gib=500.0).engine
    'mysql'
    >>> Cluster(capacity="provisioned", replicas=0, volume_gib=100_000.0,
    ...         engine_version="2.08.3")
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `volume_gib` must be at most 65,536 GiB (64 TiB) on Aurora mysql 2.08.3, got 100000
    """

    __rules__ = (ENGINE_VERSION, VOLUME_LIMIT)

    engine: str = param("mysql", choices=("mysql", "postgresql"), scenario="cluster.engine",
                        doc="Aurora MySQL- or PostgreSQL-compatible", user_input=True)
    engine_version: str | None = param(
        None, type="custom", checker=_engine_version, nullable=True,
        scenario="cluster.engine_version", user_input=True,
        rule_text="an engine version such as '3.08.0' (MySQL) or '16.4' (PostgreSQL)",
        json_schema_extra={"type": "string"},
        doc="Aurora engine version (unset: a current one); sets the volume limit and whether "
            "min_acu = 0 (auto-pause) is available")
    capacity: str = param(None, choices=("serverless", "provisioned"),
                          scenario="cluster.capacity", user_input=True,
                          doc="Serverless v2 instances or provisioned instance classes")
    instance_class: str = param("db.r6g.2xlarge", type="custom", checker=check_instance_class,
                                rule_text="a DB instance class (`aurora-models prices`)",
                                json_schema_extra={"type": "string"},
                                scenario="cluster.instance_class",
                                user_input=True,
                                doc="provisioned instance class (compared against Serverless)")
    replicas: int = param(None, "readers", type="int", low=0, high=MAX_REPLICAS,
                          scenario="cluster.replicas", user_input=True,
                          doc="Aurora Replicas (readers) besides the writer")
    storage: str = param("standard", choices=("standard", "io-optimized"),
                         scenario="cluster.storage", user_input=True,
                         doc="storage configuration billed today")
    volume_gib: float = param(None, "GiB", low=1.0, high=float(MAX_VOLUME_GIB),
                              scenario="cluster.volume_gib", user_input=True,
                              doc="cluster volume size")
    rds_proxy: bool = param(False, scenario="cluster.rds_proxy", user_input=True,
                            doc="applications connect through RDS Proxy (no auto-pause; the "
                                "downtime and failover figures are through the proxy)")
    logical_replication: bool = param(
        False, scenario="cluster.logical_replication", user_input=True,
        doc="logical (PostgreSQL) or binlog (MySQL) replication is on (no auto-pause)")
    zero_etl: bool = param(False, scenario="cluster.zero_etl", user_input=True,
                           doc="a zero-ETL integration from the cluster (no auto-pause)")


def _distinct_regions(v) -> str | None:
    if v["primary"] in v["secondaries"]:
        return f"`secondaries` must not contain the primary region {v['primary']!r}"
    if len(set(v["secondaries"])) != len(v["secondaries"]):
        return "`secondaries` must not repeat a region"
    return None


#: Secondary regions differ from the primary and from one another.
DISTINCT_REGIONS = Rule("distinct_regions", ("secondaries", "primary"), _distinct_regions)


def _linked_primary(v) -> str | None:
    if v["secondaries"] and latency_region(v["primary"]) not in region_codes():
        return (f"`primary` {v['primary']!r} is priced but not in the inter-region latency data, "
                f"which a Global Database secondary's link needs: drop `secondaries` or pick a "
                f"primary of the latency data")
    return None


#: A primary outside the latency data runs alone (no secondary link to model).
LINKED_PRIMARY = Rule("linked_primary", ("primary", "secondaries"), _linked_primary)


@declared("cluster")
@dataclass(frozen=True, kw_only=True)
class Regions:
    """The primary region and the Global Database secondaries (the scenario's ``[regions]``).

    Parameters
    ----------
    primary : str
        AWS region code of the primary cluster.
    secondaries : tuple of str
        Global Database secondary regions (at most 10, distinct, not the primary).

    Examples
    --------
    >>> from aurora_models.cluster import Regions
    >>> Regions(primary="us-east-1", secondaries=["eu-west-1"]).secondaries
    ('eu-west-1',)
    """

    __rules__ = (DISTINCT_REGIONS, LINKED_PRIMARY, AUTO_PAUSE, WRITE_FORWARDING)

    primary: str = param(None, type="custom", checker=_primary, scenario="regions.primary",
                         user_input=True, doc="AWS region code of the primary cluster",
                         json_schema_extra={"type": "string"})
    secondaries: tuple[str, ...] = param(
        (), type="custom", checker=_secondaries, scenario="regions.secondaries", user_input=True,
        doc=f"Global Database secondary regions (at most {MAX_SECONDARIES})",
        json_schema_extra={"type": "array", "items": {"type": "string"},
                           "maxItems": MAX_SECONDARIES, "uniqueItems": True})
