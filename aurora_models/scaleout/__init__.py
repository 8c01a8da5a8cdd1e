"""Beyond one writer: when the writer outgrows one instance, and what the alternatives cost.

- **The limit**: :func:`writer_demand` gives the writer's demand of a scenario's seeded draw
  at its daily and event peaks (the capacity section's split), :func:`writer_limit` sets them
  against the largest class the region sells (:func:`largest_writer`, in ACU-equivalents) and
  256 ACU (one Serverless v2 writer), and :func:`event_factor_to_outgrow` finds the event
  factor at which one writer no longer serves the event.
- **Aurora Limitless Database**: :func:`size_shard_group` sizes a shard group (maximum and
  minimum capacity, routers and shards, standbys) for the demand, from the User Guide's
  published table and limits (:data:`LIMITLESS_NODES`, 16-6,144 ACU).
- **Aurora DSQL**: :func:`dsql_usage` gives the month's DPUs and GB-months, priced at the
  published rates of :func:`dsql_rates`.
- **Scenario input**: the ``[scaleout]`` table (:class:`ScaleOut`): when the options are
  priced (``options``), the shard group's compute redundancy, the Limitless price ratio and
  DPUs per transaction (declared assumptions).

Both options are PostgreSQL-compatible only: from Aurora MySQL each is a migration, and the
bill never marks a migration as the cheapest option.
"""

from ._limits import (
    WriterLimit,
    event_factor_to_outgrow,
    largest_writer,
    writer_demand,
    writer_limit,
)
from ._params import (
    DSQL_DPU_PER_MILLION_USD,
    DSQL_DPUS_PER_TRANSACTION,
    DSQL_STORAGE_GB_MONTH_USD,
    LIMITLESS_ACU_PRICE_RATIO,
    LIMITLESS_MAX_ACU,
    LIMITLESS_MIN_ACU,
    LIMITLESS_NODES,
    ScaleOut,
)
from ._sizing import (
    DsqlMonth,
    ShardGroup,
    dsql_rates,
    dsql_usage,
    shard_group_nodes,
    size_shard_group,
)

__all__ = ["DSQL_DPUS_PER_TRANSACTION", "DSQL_DPU_PER_MILLION_USD", "DSQL_STORAGE_GB_MONTH_USD",
           "LIMITLESS_ACU_PRICE_RATIO", "LIMITLESS_MAX_ACU",
           "LIMITLESS_MIN_ACU", "LIMITLESS_NODES", "DsqlMonth", "ScaleOut", "ShardGroup",
           "WriterLimit", "dsql_rates", "dsql_usage", "event_factor_to_outgrow",
           "largest_writer", "shard_group_nodes", "size_shard_group", "writer_demand",
           "writer_limit"]
