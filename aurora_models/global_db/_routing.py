"""Which region serves each user region: nearest readers for reads, the primary for writes.

The Global Database's regions as the users meet them: the ``[users]`` table's user regions
(:mod:`aurora_models.users`) routed over the primary and its secondaries.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..data import load_interregion_rtt
from ..exceptions import ParameterValueError
from ._link import latency_region, stand_in_note

__all__ = ["Route", "Routing", "UserRegion", "route", "routing_of", "rtt_ms", "secondary_counts"]


class UserRegion(NamedTuple):
    """One user region: where the users are and their shares of the reads and writes.

    Parameters
    ----------
    region : str
        A region code of the latency data (or a declared stand-in).
    reads, writes : float
        The region's share of all reads and of all writes, in [0, 1].

    See Also
    --------
    aurora_models.users.Users : The ``[users]`` table that lists them.

    Examples
    --------
    >>> UserRegion("eu-central-1", 0.3, 0.2).reads
    0.3
    """

    region: str
    reads: float
    writes: float


@functools.lru_cache(maxsize=1)
def _matrix():
    return load_interregion_rtt()


def rtt_ms(a: str, b: str) -> float:
    """The p50 round trip between two regions, ms (0 within one region).

    The bundled CloudPing matrix (``data/network/interregion_rtt_p50_ms.csv``); a region the
    capture lacks uses its declared stand-in (``global_db.latency_stand_in_regions``).

    Parameters
    ----------
    a, b : str
        Region codes.

    Returns
    -------
    float
        Milliseconds; 0 when ``a == b`` (the in-region trip is not in the matrix).

    Raises
    ------
    ParameterValueError
        When a region has neither measurements nor a stand-in.

    See Also
    --------
    route : Uses it to pick each user region's serving region.

    Examples
    --------
    >>> round(rtt_ms("eu-central-1", "eu-west-1"), 1), round(rtt_ms("eu-central-1", "us-east-1"), 1)
    (26.9, 92.6)
    """
    if a == b:
        return 0.0
    m = _matrix()
    x, y = latency_region(a), latency_region(b)
    for code, given in ((x, a), (y, b)):
        if code not in m.index:
            raise ParameterValueError(f"region {given!r} is not in the inter-region latency data "
                                      "and has no declared stand-in: its users' latency cannot be "
                                      "computed")
    return 0.0 if x == y else float(m.loc[x, y])


@dataclass(frozen=True)
class Route:
    """How one user region reaches the cluster.

    Parameters
    ----------
    user_region : str
        Where the users are.
    reads, writes : float
        Their shares of all reads and of all writes, in [0, 1].
    read_region : str
        The nearest region with instances: it serves their reads.
    read_rtt_ms : float
        The p50 round trip to it, milliseconds (0 within the region).
    write_region : str
        Where their writes go: the primary, or the read region when it is a secondary and
        write forwarding is on.
    forwarded : bool
        Their writes are forwarded by a secondary.
    stand_in : str, optional
        Why a region's round trips are another's (a region the latency data lacks).

    See Also
    --------
    route : Builds them.

    Examples
    --------
    >>> Route("eu-central-1", 0.3, 0.2, "eu-west-1", 26.86, "us-east-1", False).read_region
    'eu-west-1'
    """

    user_region: str
    reads: float
    writes: float
    read_region: str
    read_rtt_ms: float
    write_region: str
    forwarded: bool
    stand_in: str | None = None


@dataclass(frozen=True)
class Routing:
    """The routes of every user region and each serving region's share of the reads.

    Parameters
    ----------
    primary : str
        The primary region.
    routes : tuple of Route
        One per user region (one for the primary's users when no user regions are given).
    read_share : dict of str to float
        Each serving region's share of all reads (the primary always listed).
    configured : bool
        User regions were given (False: every user at the primary).

    See Also
    --------
    route : Builds it.

    Examples
    --------
    >>> r = Routing(primary="us-east-1", routes=(), read_share={"us-east-1": 1.0},
    ...             configured=False)
    >>> r.share_of("us-east-1"), r.share_of("eu-west-1")
    (1.0, 0.0)
    """

    primary: str
    routes: tuple[Route, ...]
    read_share: dict[str, float]
    configured: bool

    def share_of(self, region: str) -> float:
        """Return the share of all reads that ``region`` serves.

        Parameters
        ----------
        region : str
            A region code.

        Returns
        -------
        float
            In [0, 1]; 0 for a region that serves none.
        """
        return self.read_share.get(region, 0.0)


def route(primary: str, secondaries: Sequence[str], instances: Sequence[int],
          users: Sequence[UserRegion] = (), *, write_forwarding: bool = False) -> Routing:
    """Send each user region's reads to its nearest region with instances, writes to the primary.

    "Nearest" is the smallest p50 round trip of the bundled matrix (:func:`rtt_ms`): the
    primary serves reads always (its readers, or its writer without them), a secondary only
    when it has instances (a headless secondary serves no reads). Ties go to the primary,
    then to the secondaries in the scenario's order. Writes go to the primary; with write
    forwarding, a user region read from a secondary writes through it.

    Parameters
    ----------
    primary : str
        The primary region.
    secondaries : sequence of str
        The Global Database secondaries.
    instances : sequence of int
        Each secondary's instance count (0: headless).
    users : sequence of UserRegion
        The user regions and their shares; empty: every user at the primary.
    write_forwarding : bool
        Global Database write forwarding on the secondaries.

    Returns
    -------
    Routing
        One :class:`Route` per user region, and each serving region's share of the reads.

    Raises
    ------
    ParameterValueError
        When a region lacks latency data, or ``instances`` does not match ``secondaries``.

    See Also
    --------
    rtt_ms : The round trips compared.

    Examples
    --------
    >>> from aurora_models.global_db import UserRegion, route
    >>> r = route("us-east-1", ["eu-west-1"], [2],
    ...           [UserRegion("us-east-1", 0.7, 0.8), UserRegion("eu-central-1", 0.3, 0.2)])
    >>> [(x.user_region, x.read_region, x.write_region) for x in r.routes]
    [('us-east-1', 'us-east-1', 'us-east-1'), ('eu-central-1', 'eu-west-1', 'us-east-1')]
    >>> r.read_share
    {'us-east-1': 0.7, 'eu-west-1': 0.3}
    """
    secondaries, instances = list(secondaries), [int(n) for n in instances]
    if len(instances) != len(secondaries):
        raise ParameterValueError(f"`instances` must hold one count per secondary "
                                  f"({len(secondaries)}), got {len(instances)}")
    configured = bool(users)
    users = list(users) or [UserRegion(primary, 1.0, 1.0)]
    serving = [primary] + [s for s, n in zip(secondaries, instances, strict=True) if n > 0]
    routes, share = [], {primary: 0.0}
    for u in users:
        best, best_rtt = primary, math.inf
        for region in serving:
            t = rtt_ms(u.region, region)
            if t < best_rtt:
                best, best_rtt = region, t
        forwarded = bool(write_forwarding and best != primary)
        notes = [n for n in (stand_in_note(u.region), stand_in_note(best)) if n]
        routes.append(Route(user_region=u.region, reads=u.reads, writes=u.writes,
                            read_region=best, read_rtt_ms=best_rtt,
                            write_region=best if forwarded else primary, forwarded=forwarded,
                            stand_in="; ".join(notes) or None))
        share[best] = share.get(best, 0.0) + u.reads
    return Routing(primary=primary, routes=tuple(routes), read_share=share, configured=configured)


def secondary_counts(regions: Mapping[str, Any]) -> list[int]:
    """Each secondary's instance count from a scenario's ``[regions]`` table.

    Parameters
    ----------
    regions : mapping
        The ``[regions]`` table (``secondaries``, ``secondary_instances``: one count or one per
        secondary).

    Returns
    -------
    list of int
        One count per secondary.

    See Also
    --------
    routing_of : Uses it.

    Examples
    --------
    >>> secondary_counts({"secondaries": ("eu-west-1", "ap-south-1"), "secondary_instances": 2})
    [2, 2]
    """
    n = regions["secondary_instances"]
    secs = regions["secondaries"]
    return [int(x) for x in n] if isinstance(n, list | tuple) else [int(n)] * len(secs)


def routing_of(scenario) -> Routing:
    """The routing of a scenario: its ``[users]`` over its ``[regions]``.

    Parameters
    ----------
    scenario : Scenario or mapping
        A validated scenario (its ``regions`` and ``users`` tables).

    Returns
    -------
    Routing
        As :func:`route` gives it.

    See Also
    --------
    route : The routing itself.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> routing_of(scenario.load()).read_share   # the bundled game: a third of it in Europe
    {'us-east-1': 0.67, 'eu-west-1': 0.33}
    """
    reg, us = scenario["regions"], scenario["users"]
    return route(reg["primary"], reg["secondaries"], secondary_counts(reg), us["regions"],
                 write_forwarding=us["write_forwarding"])
