"""Write path: network-hop write amplification, commit latency, throughput and replica lag.

The SIGMOD'17 argument as models a user can change: write paths as networkx graphs
(:func:`mirrored_mysql_path`, :func:`aurora_path` on a :class:`aurora_models.quorum.QuorumLayout`,
:func:`postgres_sync_standby_path`), their per-transaction accounting (:func:`io_accounting`,
:func:`io_summary`, :func:`sync_hops`), Table 1 (:func:`table1_comparison`, and what would give
its 35x: :func:`table1_levers`, :func:`table1_counts_inputs`), commit latency of a 4/6 quorum vs a
sequential chain (:func:`commit_latency`, :func:`simulate_commit_latency`), a bounds-based
throughput model (:func:`throughput`, :func:`throughput_ratios`, :func:`concurrency_for_ratio`)
and in-region replica lag (:func:`replica_lag`, :func:`table4_comparison`; Table 4's load-dependent
part: :func:`fit_replica_lag`, :func:`vdl_gated_lag`, :func:`fit_vdl_gated_lag`,
:func:`table4_validation`), and in-region read-after-write visibility: the replica-lag
*distribution* (:func:`replica_visibility`, :func:`simulate_replica_visibility`,
:func:`replica_visibility_probability`, :func:`replica_visibility_quantile`).

Importing this package computes nothing and imports neither networkx nor scipy's integrators:
the graphs are built, and the Aurora replica's delay (:func:`aurora_replica_delay_ms`) computed,
on first use.
"""
from ._graphs import *  # noqa: F403
from ._graphs import __all__ as _g
from ._latency import *  # noqa: F403
from ._latency import __all__ as _l
from ._replica_lag import *  # noqa: F403
from ._replica_lag import __all__ as _r
from ._throughput import *  # noqa: F403
from ._throughput import __all__ as _t
from ._visibility import *  # noqa: F403
from ._visibility import __all__ as _v

__all__ = [*_g, *_l, *_t, *_r, *_v]
