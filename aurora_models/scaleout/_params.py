"""Beyond one writer: the ``[scaleout]`` keys and the published figures of Aurora Limitless
Database and Aurora DSQL (each a cited fact, read on 2026-12-08, or a stated assumption)."""

from __future__ import annotations

from dataclasses import dataclass

from .._assumptions import register
from .._params import declared, param

__all__ = ["DSQL_DPUS_PER_TRANSACTION", "DSQL_DPU_PER_MILLION_USD", "DSQL_STORAGE_GB_MONTH_USD",
           "LIMITLESS_ACU_PRICE_RATIO", "LIMITLESS_MAX_ACU",
           "LIMITLESS_MIN_ACU", "LIMITLESS_NODES", "MIN_ACU_PER_NODE", "SHOW", "ScaleOut"]

#: Where each figure was read (2026-12-08).
UG_CLUSTER = ("Amazon Aurora User Guide, 'Creating a DB cluster that uses Aurora PostgreSQL "
              "Limitless Database', https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
              "limitless-cluster.html (read 2026-12-08)")
UG_LIMITS = ("Amazon Aurora User Guide, 'Aurora PostgreSQL Limitless Database requirements and "
             "considerations', https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
             "limitless-reqs-limits.html (read 2026-12-08)")
UG_ADD = ("Amazon Aurora User Guide, 'Adding a DB shard group to an existing Aurora PostgreSQL "
          "Limitless Database DB cluster', https://docs.aws.amazon.com/AmazonRDS/latest/"
          "AuroraUserGuide/limitless-shard-add.html (read 2026-12-08)")
API_SHARD = ("Amazon RDS API Reference, 'ModifyDBShardGroup' / 'DBShardGroup' "
             "(ComputeRedundancy), https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
             "API_DBShardGroup.html (read 2026-12-08)")
DSQL_PRICING = ("Amazon Aurora DSQL pricing, https://aws.amazon.com/rds/aurora/dsql/pricing/ "
                "(read 2026-12-08)")
DSQL_BILLING = ("Amazon Aurora DSQL User Guide, 'How billing works in Aurora DSQL', "
                "https://docs.aws.amazon.com/aurora-dsql/latest/userguide/billing-metering.html "
                "(read 2026-12-08)")

LIMITLESS_MIN_ACU = register(
    "scaleout.limitless_min_acu", 16.0, "ACU",
    source=f"{UG_ADD}: 'Enter the Minimum capacity (ACUs). Use a value of at least 16 ACUs'")
LIMITLESS_MAX_ACU = register(
    "scaleout.limitless_max_acu", 6144.0, "ACU",
    source=f"{UG_LIMITS}: 'You can set the maximum capacity of a DB shard group to 16-6144 "
           "ACUs. For capacity limits higher than 6144 ACUs, contact AWS'; "
           f"{UG_ADD}: 'Use a value from 16-6144 ACUs'")
#: ``(largest maximum capacity of the row, routers, shards)``: the User Guide's table of the
#: nodes a shard group is created with for its maximum capacity ("these values are subject
#: to change"); the last row reaches the published limit.
LIMITLESS_NODES = register(
    "scaleout.limitless_nodes",
    ((400.0, 2, 2), (500.0, 2, 3), (600.0, 2, 4), (700.0, 3, 4), (800.0, 3, 5), (900.0, 3, 6),
     (1000.0, 4, 6), (1100.0, 4, 7), (1200.0, 4, 8), (1300.0, 5, 8), (1400.0, 5, 9),
     (1500.0, 5, 10), (1600.0, 6, 10), (1700.0, 6, 11), (1800.0, 6, 12), (1900.0, 7, 12),
     (2000.0, 7, 13), (2100.0, 7, 14), (2200.0, 8, 14), (2300.0, 8, 15), (6144.0, 8, 16)),
    "(ACU, routers, shards)",
    source=f"{UG_CLUSTER}: 'Correlating DB shard group maximum capacity with the number of "
           "routers and shards created' (4 nodes, 2 routers, 2 shards for 16-400 ACU ... 24 "
           "nodes, 8 routers, 16 shards for 2301-6144 ACU)")
MIN_ACU_PER_NODE = register(
    "scaleout.limitless_default_min_acu_per_node", 4.0, "ACU/node",
    source=f"{UG_CLUSTER}: the table's default minimum capacity is 4 ACU per node (16 ACU for "
           "4 nodes ... 96 ACU for 24 nodes)")
#: USD per million DPUs, by region: the regions whose rate could be read (others: missing).
DSQL_DPU_PER_MILLION_USD = register(
    "scaleout.dsql_dpu_per_million_usd", (("us-east-1", 8.00), ("ap-northeast-1", 10.00)),
    "USD/million DPUs",
    source=f"{DSQL_PRICING}; its us-east-1 rate ($8.00 per 1M DPUs) as quoted by "
           "https://c.doit.com/blog/comparing-aurora-distributed-sql-vs-aurora-serverless-v2-a-"
           "practical-cost-analysis and https://blog.faridnsh.ninja/unraveling-aurora-dsql-"
           "pricing, its Tokyo rate ($10.00 per 1M) as quoted by https://dev.classmethod.jp/"
           "articles/amazon-aurora-dsql-ga-pricing-analysis (the search corpus holds the "
           "pricing page's text without its rate table)")
DSQL_STORAGE_GB_MONTH_USD = register(
    "scaleout.dsql_storage_gb_month_usd", (("us-east-1", 0.33), ("ap-northeast-1", 0.40)),
    "USD/GB-month",
    source=f"{DSQL_PRICING} ('storage, measured in GB-month ... You are only charged for one "
           "logical copy of your data per Region'); us-east-1 $0.33 and Tokyo $0.40 per "
           "GB-month as quoted by the same three pages")

LIMITLESS_ACU_PRICE_RATIO = register(
    "scaleout.limitless_acu_price_ratio_default", 1.0, "-",
    rationale="the Aurora pricing page's Limitless Database ACU-hour rate could not be read in "
              "the search corpora (2026-12-08); a shard group is sized and scales in ACUs "
              "'similar to how Aurora Serverless v2 works' and is I/O-Optimized only (User "
              "Guide), so the region's Serverless v2 I/O-Optimized ACU-hour rate stands in for it",
    uncertainty={"dist": "lognormal", "p5": 0.8, "p95": 1.25,
                 "rationale": "a Limitless rate a fifth below to a quarter above the "
                              "Serverless v2 I/O-Optimized rate"})
DSQL_DPUS_PER_TRANSACTION = register(
    "scaleout.dsql_dpus_per_transaction_default", 1.0 / 7.0, "DPUs",
    rationale="anchored on AWS's own reference on the DSQL pricing page: 100K DPUs run about "
              "700,000 TPC-C transactions (0.143 DPU each; quoted by https://c.doit.com/blog/"
              "comparing-aurora-distributed-sql-vs-aurora-serverless-v2-a-practical-cost-"
              "analysis); every request of the workload (a write or a read) is billed as one "
              "such transaction, which overstates a cached point read",
    uncertainty={"dist": "lognormal", "p5": 1.0 / 28.0, "p95": 4.0 / 7.0,
                 "rationale": "a quarter to four times the TPC-C average: point reads and "
                              "single-row upserts to multi-statement transactions"})

#: When the scale-out options are priced: only when one writer cannot serve the writer's
#: demand (``auto``), always, or never.
SHOW = ("auto", "always", "never")


@declared("scaleout")
@dataclass(frozen=True, kw_only=True)
class ScaleOut:
    """Beyond one writer: the ``[scaleout]`` table.

    When to price Aurora Limitless Database and Aurora DSQL, and the assumptions their bills
    rest on.

    Parameters
    ----------
    options : {"auto", "always", "never"}
        When the two scale-out options join the bill: ``auto`` (default) when the writer's
        demand at its event peak exceeds what one writer serves (the largest instance class
        the region sells, in ACU-equivalents, or 256 ACU for a Serverless v2 writer);
        ``always``; ``never``.
    limitless_compute_redundancy : int
        Standbys per shard (0, 1 or 2): each doubles or triples the shards, which scale with
        their writer (the RDS API's ComputeRedundancy; AWS's default 0).
    limitless_acu_price_ratio : float
        A Limitless shard group's ACU-hour price over the region's Serverless v2
        I/O-Optimized ACU-hour price (dimensionless; default the registered ASSUMPTION 1.0,
        whose spread an ``[uncertainty]`` entry samples).
    dsql_dpus_per_transaction : float
        DPUs one request (a write or a read) costs on Aurora DSQL, DPUs (default the
        registered ASSUMPTION 1/7, anchored on AWS's TPC-C reference).

    See Also
    --------
    aurora_models.scaleout.size_shard_group : The shard group sized from the demand.
    aurora_models.scaleout.dsql_usage : DSQL's month from the request rates.

    Examples
    --------
    >>> s = ScaleOut()
    >>> s.options, s.limitless_compute_redundancy, round(s.dsql_dpus_per_transaction, 4)
    ('auto', 0, 0.1429)
    """

    options: str = param(
        "auto", choices=SHOW, scenario="scaleout.options", user_input=True,
        doc="when Aurora Limitless Database and Aurora DSQL join the bill: auto (when the "
            "writer's event-peak demand exceeds one writer: the largest class or 256 ACU), "
            "always or never")
    limitless_compute_redundancy: int = param(
        0, "standbys per shard", type="int", low=0, high=2,
        scenario="scaleout.limitless_compute_redundancy",
        source=f"{API_SHARD}: '0 - ... without a standby ... This is the default value; 1 - "
               "... a standby ... in a different Availability Zone; 2 - ... two standby ... "
               f"in two different AZs'; {UG_CLUSTER}: 'If you set the compute redundancy to a "
               "nonzero value, the total number of shards will be doubled or tripled ... The "
               "nodes in compute standbys are scaled up and down to the same capacity as the "
               "writer'")
    # The two defaults are registered above (with their spreads, for the model's callers):
    # the scenario analysis samples them only where the file's [uncertainty] asks, so a
    # scenario whose writer fits one instance keeps its analysis' inputs.
    limitless_acu_price_ratio: float = param(
        LIMITLESS_ACU_PRICE_RATIO, "-", low=0.1, high=10.0,
        scenario="scaleout.limitless_acu_price_ratio", registered=False,
        rationale="registered as scaleout.limitless_acu_price_ratio_default")
    dsql_dpus_per_transaction: float = param(
        DSQL_DPUS_PER_TRANSACTION, "DPUs", low=1e-4, high=100.0,
        scenario="scaleout.dsql_dpus_per_transaction", registered=False,
        rationale="registered as scaleout.dsql_dpus_per_transaction_default")
