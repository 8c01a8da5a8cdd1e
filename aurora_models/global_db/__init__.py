"""Aurora Global Database: cross-region replication lag, RPO/RTO, rds.global_db_rpo, visibility.

Public names
------------
- :class:`ReplicationLink` (with :class:`Degradation`): one primary -> secondary redo stream.
- :func:`lag` (closed form) and :func:`simulate_lag` (Monte Carlo, Poisson or trace-driven
  writes): the same parameters, one :class:`LagResult` of Estimates (mean and percentiles);
  an unstable link is an explicit result.
- :func:`rpo_exposure`: data at risk on an unplanned failover, at a random failure instant.
- :func:`rpo_blocking`: the ``rds.global_db_rpo`` trade-off (fraction of time commits block and
  the added commit latency, one or more secondaries).
- :func:`recovery_timeline`: switchover vs failover (detach and promote) outage timelines.
- :func:`visibility_probability`: P(a read in the secondary t ms after commit sees the write).
- Write forwarding's read consistency (:data:`CONSISTENCY_LEVELS`: EVENTUAL, SESSION, GLOBAL):
  :func:`read_visibility` and :func:`read_wait_cdf` (curves), :func:`read_after_write` and
  :func:`simulate_read_after_write` (a :class:`ReadAfterWrite` of Estimates: P(visible), the
  read's wait, its quantiles).
- :func:`compare_regions`: lag, RPO exposure and replicated write I/O cost per candidate.
- :func:`route` (:func:`routing_of` for a scenario): where each user region's reads and writes
  go, the nearest region with instances by :func:`rtt_ms`, the bundled p50 round trips; each
  user region a :class:`UserRegion`, each route a :class:`Route` (the latencies they meet:
  :mod:`aurora_models.users`).

Facts used (research/aurora_facts.md section 5, VALIDATION.md row 10): lag "typically under a
second" (which the bandwidth, batching and apply defaults are FITTED to, so it is not a
prediction here), up to 10 secondary regions, switchover RPO 0 with an outage proportional to lag,
unplanned failover RPO of seconds, ``rds.global_db_rpo`` minimum 20 s, blocking commits only when
every secondary is behind.
"""

from ._consistency import (
    CONSISTENCY_GUARANTEES,
    CONSISTENCY_LEVELS,
    ReadAfterWrite,
    read_after_write,
    read_visibility,
    read_wait_cdf,
    simulate_read_after_write,
)
from ._lag import LagResult, LagSamples, lag, simulate_lag, visibility_probability
from ._link import DEFAULT_DEGRADATION, MAX_SECONDARIES, Degradation, ReplicationLink, regions
from ._routing import Route, Routing, UserRegion, route, routing_of, rtt_ms, secondary_counts
from ._rpo import (
    RPO_MIN_S,
    RecoveryTimeline,
    RPOBlocking,
    RPOExposure,
    compare_regions,
    recovery_timeline,
    rpo_blocking,
    rpo_exposure,
)

__all__ = [
    "CONSISTENCY_GUARANTEES",
    "CONSISTENCY_LEVELS",
    "DEFAULT_DEGRADATION",
    "MAX_SECONDARIES",
    "RPO_MIN_S",
    "Degradation",
    "LagResult",
    "LagSamples",
    "RPOBlocking",
    "RPOExposure",
    "ReadAfterWrite",
    "RecoveryTimeline",
    "ReplicationLink",
    "Route",
    "Routing",
    "UserRegion",
    "compare_regions",
    "lag",
    "read_after_write",
    "read_visibility",
    "read_wait_cdf",
    "recovery_timeline",
    "regions",
    "route",
    "routing_of",
    "rpo_blocking",
    "rpo_exposure",
    "rtt_ms",
    "secondary_counts",
    "simulate_lag",
    "simulate_read_after_write",
    "visibility_probability",
]
