"""Cluster availability, failover and reader sizing: Aurora against the RDS alternatives.

- **Deployments** (:class:`Deployment`): presets :data:`AURORA` (one replica),
  :data:`AURORA_NO_REPLICA`, :func:`aurora`\\(n) for 0-15 replicas, :data:`RDS_MULTI_AZ_INSTANCE`,
  :data:`RDS_MULTI_AZ_CLUSTER`, :data:`RDS_SINGLE_AZ`. Failover durations are lognormal
  (:class:`LognormalDuration`) fitted to the user guides' phrases read as quantiles.
- **Downtime**: :func:`annual_downtime` (closed form) and :func:`simulate_annual_downtime`
  (Monte Carlo: also P50, P99), both an :class:`AnnualDowntime`; :func:`downtime_components`,
  :func:`nines`; event rates in :class:`FailureRates`, client effects (DNS TTL, retry, RDS Proxy) in :class:`ClientConfig`;
  Aurora storage write availability from :mod:`aurora_models.quorum`.
- **Reader sizing**: :func:`readers_needed`, :func:`reader_latency_ms`, :func:`failover_latency`,
  :func:`workers_per_reader`
  (M/M/k per reader, :mod:`aurora_models.queueing`).
- **Reader endpoint** (DNS answers over pooled connections, not an even split):
  :class:`ConnectionPools`, :func:`reader_endpoint` (exact occupancy distribution) and
  :func:`simulate_reader_endpoint`, both a :class:`ReaderEndpointLoad`;
  :func:`max_load_distribution`, :func:`sample_reader_shares`.
- **Decision**: :class:`Workload` and :func:`decision_table` (costs from :mod:`aurora_models.pricing`).

Every default is in ``am.assumptions("availability")`` with its source or rationale.
"""

from ._decision import Workload, decision_table, failover_time_s, read_capacity_per_s
from ._downtime import (
    AnnualDowntime,
    StorageUnavailability,
    annual_downtime,
    downtime_components,
    nines,
    simulate_annual_downtime,
    storage_unavailability,
)
from ._endpoint import (
    ConnectionPools,
    ReaderEndpointLoad,
    max_load_distribution,
    reader_endpoint,
    sample_reader_shares,
    simulate_reader_endpoint,
)
from ._params import (
    AURORA,
    AURORA_NO_REPLICA,
    DEPLOYMENTS,
    DIRECT_CLIENT,
    ENGINES,
    MAX_REPLICAS,
    PROXY_CLIENT,
    RDS_MULTI_AZ_CLUSTER,
    RDS_MULTI_AZ_INSTANCE,
    RDS_SINGLE_AZ,
    ClientConfig,
    Deployment,
    FailureRates,
    LognormalDuration,
    aurora,
)
from ._readers import (
    FailoverLatency,
    failover_latency,
    reader_latency_ms,
    readers_needed,
    workers_per_reader,
)

__all__ = [
    "AURORA",
    "AURORA_NO_REPLICA",
    "DEPLOYMENTS",
    "DIRECT_CLIENT",
    "ENGINES",
    "MAX_REPLICAS",
    "PROXY_CLIENT",
    "RDS_MULTI_AZ_CLUSTER",
    "RDS_MULTI_AZ_INSTANCE",
    "RDS_SINGLE_AZ",
    "AnnualDowntime",
    "ClientConfig",
    "ConnectionPools",
    "Deployment",
    "FailoverLatency",
    "FailureRates",
    "LognormalDuration",
    "ReaderEndpointLoad",
    "StorageUnavailability",
    "Workload",
    "annual_downtime",
    "aurora",
    "decision_table",
    "downtime_components",
    "failover_latency",
    "failover_time_s",
    "max_load_distribution",
    "nines",
    "read_capacity_per_s",
    "reader_endpoint",
    "reader_latency_ms",
    "readers_needed",
    "sample_reader_shares",
    "simulate_annual_downtime",
    "simulate_reader_endpoint",
    "storage_unavailability",
    "workers_per_reader",
]
