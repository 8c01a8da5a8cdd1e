"""Where the users are: the scenario's ``[users]`` table and the declared network assumptions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .._assumptions import register
from .._params import declared, param
from .._validate import check_range
from ..data import check_region
from ..exceptions import ParameterTypeError, ParameterValueError
from ..global_db._consistency import CONSISTENCY_LEVELS
from ..global_db._link import LATENCY_STAND_INS
from ..global_db._routing import UserRegion

__all__ = ["IN_REGION_RTT_MS", "RTT_LOG_SIGMA", "Users"]


RTT_LOG_SIGMA = register(
    "users.interregion_rtt_log_sigma", 0.05, "-",
    rationale="the bundled inter-region round trips are CloudPing p50s only: each trip is taken "
              "as lognormal around its p50 with log-spread 0.05 (p99 about 12 % above the "
              "median: long-haul backbone paths are stable, their spread is queueing at the "
              "ends)",
    uncertainty={"dist": "uniform", "low": 0.01, "high": 0.2,
                 "rationale": "from a quiet backbone to a p99 60 % above the median"})

IN_REGION_RTT_MS = register(
    "users.in_region_rtt_ms", 1.72, "ms",
    source="data/network/inter_az_latency_published.csv: the mean of the two us-east-1 cross-AZ "
           "means (1.328 and 2.112 ms), as write_path.cross_az_rtt_ms; a client in the serving "
           "region reaches its instance in another AZ (two AZs in three)")


_USER_KEYS = ("region", "reads", "writes")
_SHARE_TOL = 1e-6


def _user_regions(name: str, value: Any) -> tuple[UserRegion, ...]:
    if isinstance(value, tuple) and all(isinstance(u, UserRegion) for u in value):
        value = [{"region": u.region, "reads": u.reads, "writes": u.writes} for u in value]
    if not isinstance(value, list | tuple):
        raise ParameterTypeError(f"`{name}` must be a list of tables {{region, reads, writes}}, "
                                 f"got {type(value).__name__} {value!r}")
    codes = tuple(c for c, _ in LATENCY_STAND_INS)
    out, seen = [], set()
    for i, u in enumerate(value):
        if not isinstance(u, dict):
            raise ParameterTypeError(f"`{name}[{i}]` must be a table {{region, reads, writes}}, "
                                     f"got {type(u).__name__} {u!r}")
        unknown = set(u) - set(_USER_KEYS)
        if unknown:
            raise ParameterValueError(f"`{name}[{i}]` has unknown key(s) "
                                      f"{', '.join(sorted(unknown))} (keys: region, reads, writes)")
        missing = [k for k in _USER_KEYS if k not in u]
        if missing:
            raise ParameterValueError(f"`{name}[{i}]` is missing {', '.join(missing)}")
        region = check_region(f"{name}[{i}].region", u["region"], extra=codes)
        if region in seen:
            raise ParameterValueError(f"`{name}[{i}].region` must appear once, got {region!r} "
                                      "again")
        seen.add(region)
        shares = []
        for k in ("reads", "writes"):
            v = u[k]
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ParameterTypeError(f"`{name}[{i}].{k}` must be a number, got "
                                         f"{type(v).__name__} {v!r}")
            shares.append(float(check_range(f"{name}[{i}].{k}", v, 0.0, 1.0)))
        out.append(UserRegion(region, *shares))
    if out:
        for k in ("reads", "writes"):
            total = math.fsum(getattr(u, k) for u in out)
            if abs(total - 1.0) > _SHARE_TOL:
                raise ParameterValueError(f"`{name}`'s {k} shares must sum to 1, got {total:.6g}")
    return tuple(out)


_USERS_SCHEMA = {"type": "array", "items": {
    "type": "object", "additionalProperties": False, "required": list(_USER_KEYS),
    "properties": {"region": {"type": "string"},
                   "reads": {"type": "number", "minimum": 0, "maximum": 1},
                   "writes": {"type": "number", "minimum": 0, "maximum": 1}}}}


@declared("users")
@dataclass(frozen=True, kw_only=True)
class Users:
    """Where the users are and how their requests reach the cluster (the ``[users]`` table).

    Parameters
    ----------
    regions : tuple of UserRegion
        Each user region with its share of the reads and of the writes (each column sums to
        1). Empty (the default): every user at the primary, which is today's model.
    write_forwarding : bool
        Global Database write forwarding: users served by a secondary send their writes there,
        and it forwards them to the primary. Off: their writes go to the primary directly.
    consistency : {"eventual", "session", "global"}
        The read consistency level of the forwarding sessions.
    access_latency_ms : float
        The users' own round trip to the application in their region, ms (0: none counted).
    statements_per_write : int
        Round trips one write makes to the database (1: a single autocommit statement).
    read_after_write_gap_ms : float
        Time between a session's write returning and its next read, ms (0: at once).
    client_pools : int
        Application processes, each with its own connection pool, that connect to each serving
        region's reader endpoint.
    connections_per_pool : int
        Connections each pool keeps to the reader endpoint (a pool opens them at start-up,
        inside one DNS cache window: one reader each, see
        :class:`~aurora_models.availability.ConnectionPools`).

    See Also
    --------
    aurora_models.global_db.route : Where each user region's reads and writes go.

    Examples
    --------
    >>> u = Users(regions=[{"region": "us-east-1", "reads": 0.7, "writes": 0.8},
    ...                    {"region": "eu-central-1", "reads": 0.3, "writes": 0.2}])
    >>> [r.region for r in u.regions], u.consistency
    (['us-east-1', 'eu-central-1'], 'session')
    """

    regions: tuple = param((), type="custom", checker=_user_regions, scenario="users.regions",
                           user_input=True, json_schema_extra=_USERS_SCHEMA,
                           doc="user regions: a list of {region, reads, writes}, each the "
                               "region's share of the reads and of the writes (each sums to 1); "
                               "empty: every user at the primary")
    write_forwarding: bool = param(
        False, scenario="users.write_forwarding", user_input=True,
        doc="Global Database write forwarding: a secondary's users write through it (AWS: off "
            "until enabled on the secondary cluster)")
    consistency: str = param(
        "session", choices=CONSISTENCY_LEVELS, scenario="users.consistency", user_input=True,
        doc="read consistency of forwarding sessions: eventual, session (Aurora PostgreSQL's "
            "default) or global; Aurora MySQL has no default and forwards nothing until it is set")
    access_latency_ms: float = param(
        0.0, "ms", low=0.0, high=10_000.0, scenario="users.access_latency_ms", user_input=True,
        doc="the users' round trip to the application in their own region (0: not counted)")
    statements_per_write: int = param(
        1, "statements", type="int", low=1, high=50, scenario="users.statements_per_write",
        user_input=True, doc="database round trips of one write (1: one autocommit statement)")
    read_after_write_gap_ms: float = param(
        0.0, "ms", low=0.0, high=600_000.0, scenario="users.read_after_write_gap_ms",
        user_input=True,
        doc="time from a write's reply to the same session's next read (0: at once, the "
            "read-your-writes worst case)")
    client_pools: int = param(
        8, "pools", type="int", low=1, high=100_000, scenario="users.client_pools",
        rationale="an application tier of eight processes per serving region, each with its "
                  "own pool (no public figure; the readers' imbalance shrinks as it grows)",
        uncertainty={"dist": "loguniform", "low": 2, "high": 64,
                     "rationale": "from a pair of servers to a fleet of containers"})
    connections_per_pool: int = param(
        10, "connections", type="int", low=1, high=10_000, scenario="users.connections_per_pool",
        rationale="HikariCP's default maximumPoolSize of 10, opened at start-up inside one "
                  "5 s DNS TTL window, so one reader per pool",
        uncertainty={"dist": "loguniform", "low": 4, "high": 50,
                     "rationale": "a small pool to a large one per process"})
