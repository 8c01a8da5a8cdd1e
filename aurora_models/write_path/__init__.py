"""Write path: network-hop write amplification, commit latency, throughput and replica lag.

The SIGMOD'17 argument as models a user can change: write paths as networkx graphs
(:func:`mirrored_mysql_path`, :func:`aurora_path`, :func:`postgres_sync_standby_path`), their
per-transaction accounting (:func:`io_accounting`, :func:`io_summary`, :func:`sync_hops`),
Table 1 (:func:`table1_comparison`), commit latency of a 4/6 quorum vs a sequential chain
(:func:`commit_latency`, :func:`simulate_commit_latency`), a closed-loop throughput model
(:func:`throughput`) and in-region replica lag (:func:`replica_lag`, :func:`table4_comparison`).
"""
from ._graphs import *  # noqa: F403
from ._graphs import __all__ as _g
from ._latency import *  # noqa: F403
from ._latency import __all__ as _l
from ._replica_lag import *  # noqa: F403
from ._replica_lag import __all__ as _r
from ._throughput import *  # noqa: F403
from ._throughput import __all__ as _t

__all__ = [*_g, *_l, *_t, *_r]
