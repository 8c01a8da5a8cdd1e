"""The cluster as configured and its regions: the shared inputs every model family reads.

These are the architect's own choices (kind ``input``), declared once; their limits come from
the family that owns each fact (15 replicas from :mod:`availability`, 128 TiB from
:mod:`quorum`, 10 secondary regions from :mod:`global_db`), so a limit is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._params import Rule, declared, param
from .exceptions import ParameterTypeError, ParameterValueError

__all__ = ["Cluster", "Regions", "region_codes"]


def region_codes() -> list[str]:
    """The AWS region codes the package knows (the inter-region latency data's index, read
    once by :func:`aurora_models.global_db.regions`)."""
    from .global_db._link import regions

    return regions()


def _primary(name: str, value: Any) -> str:
    """A primary region: any region of the latency data or of the price book (the latency
    matrix is needed only for a configured secondary's link, checked there)."""
    from .pricing import known_regions

    return _region(name, value, extra=tuple(known_regions()))


def _region(name: str, value: Any, *, extra: tuple[str, ...] = ()) -> str:
    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be a region code string, got {type(value).__name__} "
                        f"{value!r}")
    codes = region_codes()
    if value not in codes and value not in extra:
        codes = sorted({*codes, *extra})
        import difflib

        near = difflib.get_close_matches(value, codes, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ParameterValueError(f"`{name}` must be a known AWS region code (one of the {len(codes)} of "
                         f"the latency data, e.g. 'us-east-1', 'eu-west-1'), got {value!r}{hint}")
    return value


def _secondaries(name: str, value: Any) -> tuple[str, ...]:
    from .global_db._link import MAX_SECONDARIES

    if not isinstance(value, list | tuple):
        raise ParameterTypeError(f"`{name}` must be a list of region codes, got {type(value).__name__} "
                        f"{value!r}")
    if len(value) > MAX_SECONDARIES:
        raise ParameterValueError(f"`{name}` must hold at most {MAX_SECONDARIES} regions, got "
                         f"{len(value)}")
    return tuple(_region(f"{name}[{i}]", v) for i, v in enumerate(value))


def _instance_class(name: str, value: Any) -> str:
    from .pricing._rules import check_instance_class

    return check_instance_class(name, value)


def _max_replicas() -> int:
    from .availability._params import MAX_REPLICAS

    return MAX_REPLICAS


def _max_volume_gib() -> float:
    from .quorum._scale import MAX_VOLUME_GIB

    return float(MAX_VOLUME_GIB)


def _max_secondaries() -> int:
    from .global_db._link import MAX_SECONDARIES

    return MAX_SECONDARIES


@declared("cluster")
@dataclass(frozen=True, kw_only=True)
class Cluster:
    """An Aurora cluster as the architect configures it (the scenario's ``[cluster]``)."""

    engine: str = param("mysql", choices=("mysql", "postgresql"), scenario="cluster.engine",
                        doc="Aurora MySQL- or PostgreSQL-compatible", user_input=True)
    capacity: str = param(None, choices=("serverless", "provisioned"),
                          scenario="cluster.capacity", user_input=True,
                          doc="Serverless v2 instances or provisioned instance classes")
    instance_class: str = param("db.r6g.2xlarge", type="custom", checker=_instance_class,
                                rule_text="a DB instance class (`aurora-models prices`)",
                                json_schema_extra={"type": "string"},
                                scenario="cluster.instance_class",
                                user_input=True,
                                doc="provisioned instance class (compared against Serverless)")
    replicas: int = param(None, "readers", type="int", low=0, high=_max_replicas(),
                          scenario="cluster.replicas", user_input=True,
                          doc="Aurora Replicas (readers) besides the writer")
    storage: str = param("standard", choices=("standard", "io-optimized"),
                         scenario="cluster.storage", user_input=True,
                         doc="storage configuration billed today")
    volume_gib: float = param(None, "GiB", low=1.0, high=_max_volume_gib(),
                              scenario="cluster.volume_gib", user_input=True,
                              doc="cluster volume size")


def _distinct_regions(v) -> str | None:
    if v["primary"] in v["secondaries"]:
        return f"`secondaries` must not contain the primary region {v['primary']!r}"
    if len(set(v["secondaries"])) != len(v["secondaries"]):
        return "`secondaries` must not repeat a region"
    return None


#: Secondary regions differ from the primary and from one another.
DISTINCT_REGIONS = Rule("distinct_regions", ("secondaries", "primary"), _distinct_regions)


def _linked_primary(v) -> str | None:
    if v["secondaries"] and v["primary"] not in region_codes():
        return (f"`primary` {v['primary']!r} is priced but not in the inter-region latency data, "
                f"which a Global Database secondary's link needs: drop `secondaries` or pick a "
                f"primary of the latency data")
    return None


#: A primary outside the latency data runs alone (no secondary link to model).
LINKED_PRIMARY = Rule("linked_primary", ("primary", "secondaries"), _linked_primary)


@declared("cluster")
@dataclass(frozen=True, kw_only=True)
class Regions:
    """The primary region and the Global Database secondaries (the scenario's ``[regions]``)."""

    __rules__ = (DISTINCT_REGIONS, LINKED_PRIMARY)

    primary: str = param(None, type="custom", checker=_primary, scenario="regions.primary",
                         user_input=True, doc="AWS region code of the primary cluster",
                         json_schema_extra={"type": "string"})
    secondaries: tuple[str, ...] = param(
        (), type="custom", checker=_secondaries, scenario="regions.secondaries", user_input=True,
        doc=f"Global Database secondary regions (at most {_max_secondaries()})",
        json_schema_extra={"type": "array", "items": {"type": "string"},
                           "maxItems": _max_secondaries(), "uniqueItems": True})
