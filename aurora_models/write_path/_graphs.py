"""Write paths as networkx graphs, and the per-transaction I/O and byte accounting on them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._assumptions import register
from .._params import declared, param
from .._validate import check_choice, check_int_range, check_positive
from ..availability._params import MAX_REPLICAS
from ..exceptions import ParameterTypeError, ParameterValueError
from ..quorum import AURORA, QuorumLayout

__all__ = [
    "AURORA_SYSBENCH",
    "DATA_KINDS",
    "LATENCY_DEFAULTS",
    "MYSQL_SYSBENCH",
    "POSTGRES_SYSBENCH",
    "HopLatency",
    "TransactionMix",
    "aurora_commit_hops",
    "aurora_path",
    "io_accounting",
    "io_summary",
    "mirrored_mysql_path",
    "postgres_sync_standby_path",
    "slow_down",
    "storage_node_pipeline",
    "sync_hops",
]

DATA_KINDS = ("redo", "binlog", "pages", "double_write", "frm", "wal", "metadata")

_SRC_T1 = "SIGMOD'17 Table 1 (§3.2): fitted so the model gives the published I/Os per transaction"

REDO_BYTES = register(
    "write_path.redo_bytes_per_statement", 250.0, "bytes",
    rationale="InnoDB redo for a one-row update/insert on SysBench's 120-byte rows: a few hundred "
              "bytes with headers and the secondary-index change")
BINLOG_BYTES = register(
    "write_path.binlog_bytes_per_statement", 300.0, "bytes",
    rationale="row-based binlog event with before/after images of a SysBench row plus headers")
INNODB_PAGE = register("write_path.innodb_page_bytes", 16384, "bytes",
                       source="MySQL InnoDB default innodb_page_size (16 KiB)")
PG_PAGE = register("write_path.postgres_page_bytes", 8192, "bytes",
                   source="PostgreSQL default BLCKSZ (8 KiB)")
COMMITS_PER_FLUSH = register(
    "write_path.mysql_commits_per_log_write", 1.0, "txn/write",
    rationale="no group commit assumed for mirrored MySQL 5.6 (innodb_flush_log_at_trx_commit=1, "
              "sync_binlog=1); Table 1 cannot separate it from page writes")
MYSQL_PAGE_WRITES = register(
    "write_path.mysql_page_writes_per_txn", 2.7, "pages/txn",
    fitted=_SRC_T1 + ": (7.4 - 1 redo - 1 binlog) / 2 (each page is also double-written)")
AURORA_BATCH = register(
    "write_path.aurora_txns_per_redo_batch", 6.0 / 0.95, "txn/batch",
    fitted=_SRC_T1 + ": 6 copies / 0.95 I/Os per transaction")
PG_PAGE_WRITES = register(
    "write_path.postgres_page_writes_per_txn", 2.7, "pages/txn",
    rationale="same page write-back rate as the fitted MySQL figure (no published breakdown)")
PG_FPI = register(
    "write_path.postgres_full_page_images_per_txn", 0.5, "pages/txn",
    rationale="WAL full-page images for pages first touched after a checkpoint; about half a page "
              "per SysBench transaction at checkpoint intervals of minutes on 100 GB")

PERSIST_MS = register(
    "write_path.persist_ms", 0.5, "ms",
    rationale="write plus flush on an SSD-backed storage node or EBS volume, median")
HOP_SIGMA = register(
    "write_path.hop_lognormal_sigma", 0.35, "-",
    rationale="lognormal shape of a production write hop (queueing and flush jitter); pings alone "
              "show a coefficient of variation near 5%, storage writes more")


def _num(name, value, *, positive=False):
    return float(check_positive(name, value, allow_zero=not positive))


#: At most 1 GiB of log per statement: MySQL's max_allowed_packet bounds one statement.
_MAX_STATEMENT_BYTES = 2.0 ** 30
#: At most a million of anything per transaction (statements, page writes, images).
_MAX_PER_TXN = 1e6


@declared("write_path")
@dataclass(frozen=True, kw_only=True)
class TransactionMix:
    """What one transaction writes. Defaults: SysBench write-only as in SIGMOD'17 Table 1.

    Parameters
    ----------
    statements_per_txn : float
        Write statements per transaction (SysBench write-only: 4).
    redo_bytes_per_statement, binlog_bytes_per_statement : float
        Log bytes per statement (assumptions).
    page_bytes : int
        Database page size, bytes (InnoDB 16 KiB; PostgreSQL 8 KiB).
    page_writes_per_txn : float
        Data pages written back per transaction after coalescing in the buffer cache (fitted to
        Table 1 for MySQL).
    commits_per_log_write : float
        Group-commit batching: transactions per redo (and binlog) write, >= 1.
    double_write : bool
        Whether each page write is preceded by a double-write copy (InnoDB default).
    binlog : bool
        Whether the binary log is written.
    frm_ios_per_txn : float
        Metadata (FRM) writes per transaction (0 for DML-only workloads).
    full_page_images_per_txn : float
        PostgreSQL WAL full-page images per transaction.
    txns_per_redo_batch : float
        Aurora boxcarring: transactions whose redo shares one network write to each copy (fitted
        to Table 1: 6 / 0.95).

    Examples
    --------
    >>> from aurora_models.write_path import MYSQL_SYSBENCH, TransactionMix
    >>> MYSQL_SYSBENCH.statements_per_txn, MYSQL_SYSBENCH.page_bytes
    (4.0, 16384)
    >>> TransactionMix(statements_per_txn=8.0).statements_per_txn
    8.0
    """

    # A default registered above under another name (or without a distribution) is declared
    # registered=False: the register() entry stays its one listing.
    statements_per_txn: float = param(
        4.0, "statements/txn", low=0.0, high=_MAX_PER_TXN,
        source="SysBench oltp_write_only defaults: 1 index update, 1 non-index update, 1 delete, "
               "1 insert per transaction")
    redo_bytes_per_statement: float = param(
        REDO_BYTES, "bytes", low=0.0, high=_MAX_STATEMENT_BYTES, registered=False,
        rationale="registered as write_path.redo_bytes_per_statement")
    binlog_bytes_per_statement: float = param(
        BINLOG_BYTES, "bytes", low=0.0, high=_MAX_STATEMENT_BYTES, registered=False,
        rationale="registered as write_path.binlog_bytes_per_statement")
    # 512 bytes to 64 KiB: the page sizes InnoDB (4-64 KiB) and PostgreSQL (1-32 KiB) allow.
    page_bytes: int = param(
        INNODB_PAGE, "bytes", low=512, high=65_536, registered=False,
        source="registered as write_path.innodb_page_bytes")
    page_writes_per_txn: float = param(
        MYSQL_PAGE_WRITES, "pages/txn", low=0.0, high=_MAX_PER_TXN, registered=False,
        fitted="registered as write_path.mysql_page_writes_per_txn")
    commits_per_log_write: float = param(
        COMMITS_PER_FLUSH, "txn/write", low=1.0, high=_MAX_PER_TXN, registered=False,
        rationale="registered as write_path.mysql_commits_per_log_write")
    double_write: bool = param(True, user_input=True,
                               doc="each page write preceded by a double-write copy")
    binlog: bool = param(True, user_input=True, doc="the binary log is written")
    frm_ios_per_txn: float = param(0.0, "I/Os/txn", low=0.0, high=_MAX_PER_TXN, user_input=True,
                                   doc="metadata (FRM) writes per transaction")
    full_page_images_per_txn: float = param(
        0.0, "pages/txn", low=0.0, high=_MAX_PER_TXN, user_input=True,
        doc="PostgreSQL WAL full-page images per transaction")
    txns_per_redo_batch: float = param(
        AURORA_BATCH, "txn/batch", low=1.0, high=_MAX_PER_TXN, registered=False,
        fitted="registered as write_path.aurora_txns_per_redo_batch")

    @property
    def redo_bytes_per_txn(self) -> float:
        """Logical redo generated by one transaction, bytes (the unit of write amplification)."""
        return self.statements_per_txn * self.redo_bytes_per_statement


MYSQL_SYSBENCH = TransactionMix()
AURORA_SYSBENCH = TransactionMix(binlog=False, double_write=False, page_writes_per_txn=0.0)
POSTGRES_SYSBENCH = TransactionMix(page_bytes=PG_PAGE, binlog=False, double_write=False,
                             page_writes_per_txn=PG_PAGE_WRITES,
                             full_page_images_per_txn=PG_FPI)


@declared("write_path")
@dataclass(frozen=True, kw_only=True)
class HopLatency:
    """Per-hop latency model: lognormal with median ``rtt + persist`` and shape ``sigma``.

    Parameters
    ----------
    same_az_rtt_ms, cross_az_rtt_ms : float
        Network round trip within one AZ and between AZs, ms (defaults from
        :func:`aurora_models.data.load_inter_az_latency`).
    persist_ms : float
        Median time to write and flush at the receiving end, ms (assumption).
    sigma : float
        Lognormal shape parameter of every hop (assumption).

    Examples
    --------
    >>> from aurora_models.write_path import HopLatency
    >>> h = HopLatency(same_az_rtt_ms=0.5, cross_az_rtt_ms=1.5, persist_ms=0.5)
    >>> h.median_ms(cross_az=True), h.median_ms(cross_az=False, persist=False)
    (2.0, 0.5)
    """

    # Round trips of at most a second: no path inside a region takes longer.
    same_az_rtt_ms: float = param(
        0.446, "ms", low=0.0, low_open=True, high=1000.0,
        source="data/network/inter_az_latency_published.csv: us-east-1b to us-east-1b, mean of "
               "pings (gist josephmisiti/10312241, 2014)")
    cross_az_rtt_ms: float = param(
        1.72, "ms", low=0.0, low_open=True, high=1000.0,
        source="data/network/inter_az_latency_published.csv: mean of the two us-east-1 cross-AZ "
               "means (1.328 and 2.112 ms)")
    # At most 10 s to write and flush: beyond that the storage has failed.
    persist_ms: float = param(PERSIST_MS, "ms", low=0.0, high=10_000.0, registered=False,
                              rationale="registered as write_path.persist_ms")
    # At most 10: a P90 of 3.6e5 times the median.
    sigma: float = param(HOP_SIGMA, "-", low=0.0, low_open=True, high=10.0, registered=False,
                         rationale="registered as write_path.hop_lognormal_sigma")

    def median_ms(self, *, cross_az: bool, persist: bool = True) -> float:
        """Median latency of one hop: the round trip plus, optionally, the persist time.

        Parameters
        ----------
        cross_az : bool
            The hop crosses AZs (``cross_az_rtt_ms``) or stays in one (``same_az_rtt_ms``).
        persist : bool
            Add ``persist_ms`` (the receiver writes and flushes before acknowledging).

        Returns
        -------
        float
            The median, milliseconds.
        """
        rtt = self.cross_az_rtt_ms if cross_az else self.same_az_rtt_ms
        return rtt + (self.persist_ms if persist else 0.0)


LATENCY_DEFAULTS = HopLatency()
#: The declared round trips (one home: the parameters above).
SAME_AZ_RTT = LATENCY_DEFAULTS.same_az_rtt_ms
CROSS_AZ_RTT = LATENCY_DEFAULTS.cross_az_rtt_ms


def _flows(kinds: dict[str, tuple[float, float]], commit_kinds=()) -> dict:
    return {k: {"ios_per_txn": float(i), "bytes_per_txn": float(b), "commit_path": k in commit_kinds}
            for k, (i, b) in kinds.items()}


def _edge(g, u, v, *, flows, synchronous, step=None, tier="storage", persist=True, note="",
          latency: HopLatency, internal_copy=False):
    cross = g.nodes[u]["az"] != g.nodes[v]["az"] and "region" not in (g.nodes[u]["az"],
                                                                      g.nodes[v]["az"])
    g.add_edge(u, v, flows=flows, data_kinds=tuple(flows),
               ios_per_txn=sum(f["ios_per_txn"] for f in flows.values()),
               bytes_per_txn=sum(f["bytes_per_txn"] for f in flows.values()),
               synchronous=bool(synchronous), internal_copy=bool(internal_copy),
               cross_az=bool(cross), step=step, tier=tier,
               latency_median_ms=latency.median_ms(cross_az=cross, persist=persist),
               latency_sigma=latency.sigma, note=note)


def _check_workload(workload, default):
    if workload is None:
        return default
    if not isinstance(workload, TransactionMix):
        raise ParameterTypeError(f"`workload` must be a TransactionMix, got {type(workload).__name__}")
    return workload


def _check_layout(layout):
    if layout is None:
        return AURORA
    if not isinstance(layout, QuorumLayout):
        raise ParameterTypeError(f"`layout` must be a quorum.QuorumLayout (e.g. quorum.AURORA), "
                        f"got {type(layout).__name__}")
    return layout


def _check_latency(latency):
    if latency is None:
        return LATENCY_DEFAULTS
    if not isinstance(latency, HopLatency):
        raise ParameterTypeError(f"`latency` must be a HopLatency, got {type(latency).__name__}")
    return latency


def mirrored_mysql_path(workload: TransactionMix | None = None, *, latency: HopLatency | None = None):
    """Mirrored MySQL's write path (SIGMOD'17 §3.1, Figure 2) as a networkx DiGraph.

    An active MySQL in AZ1 on EBS, an EBS mirror in AZ1, block-level software mirroring to a
    standby in AZ2 with its own EBS volume and mirror, and the binlog archived to S3.

    Parameters
    ----------
    workload : TransactionMix, optional
        What a transaction writes (default :data:`MYSQL_SYSBENCH`).
    latency : HopLatency, optional
        Per-hop latency model (default :data:`LATENCY_DEFAULTS`).

    Returns
    -------
    networkx.DiGraph
        Nodes carry ``role`` and ``az``. Edges carry ``flows`` (data kind -> ``ios_per_txn``,
        ``bytes_per_txn``, ``commit_path``), their totals, ``synchronous``, ``internal_copy``,
        ``cross_az``,
        ``step`` (the paper's step number), ``tier`` and a lognormal latency
        (``latency_median_ms``, ``latency_sigma``). ``graph.graph`` holds ``engine``,
        ``commit_rule="chain"``, ``log_writes_per_commit`` and the workload.

    Notes
    -----
    Every edge of the mirror chain carries all five kinds of data: redo log, binlog, data pages,
    double-write and FRM metadata. Per transaction: redo and binlog ``1/g`` writes each
    (``g`` = commits per log write), pages ``p`` writes, the same again for double-write.
    Table 1 counts only the primary's writes to its EBS volume (step 1).

    All five steps are ``synchronous``: the paper's "4/4 write quorum" waits for all four copies
    (EBS acknowledges step 1 only "when both are done", i.e. after its mirror copy, step 2; the
    standby's write is complete only when its EBS volume and that volume's mirror have it, steps 4
    and 5). The commit path is three *sequential* writes, which the paper calls "steps 1, 3 and 5":
    the primary's EBS write (steps 1-2), the block-level mirroring to the standby (3) and the
    standby's EBS write (4-5). EBS's copy to its AZ-local mirror (steps 2 and 5) is part of the
    EBS write it belongs to, so those edges carry ``internal_copy=True`` and :func:`sync_hops`
    does not count them as hops of their own: it gives 3. Their latency still counts: the commit
    latency of a chain (:func:`commit_latency`) is the sum over every synchronous edge, so a slow
    EBS mirror is on the commit path like any other copy. Step 3 is drawn from ``primary_ebs``
    because mirroring to the standby starts only once the local EBS write is acknowledged
    ("Next, the write is staged to the standby", §3.1); the bytes leave the primary instance.

    References
    ----------
    Verbitski et al., SIGMOD'17, §3.1 (Figure 2) and §3.2 (Table 1).

    Examples
    --------
    >>> g = mirrored_mysql_path()
    >>> sync_hops(g), sorted(g.edges["primary", "primary_ebs"]["data_kinds"])
    (3, ['binlog', 'double_write', 'frm', 'pages', 'redo'])
    """
    import networkx as nx

    w = _check_workload(workload, MYSQL_SYSBENCH)
    lat = _check_latency(latency)
    g: nx.DiGraph[str] = nx.DiGraph(engine="mirrored_mysql", commit_rule="chain", workload=w,
                   log_writes_per_commit=2 if w.binlog else 1, commit_blocks_worker=True)
    for node, role, az in [("primary", "database", "az1"), ("primary_ebs", "storage", "az1"),
                           ("primary_ebs_mirror", "storage_mirror", "az1"),
                           ("standby", "standby", "az2"), ("standby_ebs", "standby_storage", "az2"),
                           ("standby_ebs_mirror", "storage_mirror", "az2"),
                           ("s3", "archive", "region")]:
        g.add_node(node, role=role, az=az)
    logw = 1.0 / w.commits_per_log_write
    page_io = w.page_writes_per_txn
    kinds = {"redo": (logw, w.redo_bytes_per_txn)}
    if w.binlog:
        kinds["binlog"] = (logw, w.statements_per_txn * w.binlog_bytes_per_statement)
    kinds["pages"] = (page_io, page_io * w.page_bytes)
    if w.double_write:
        kinds["double_write"] = (page_io, page_io * w.page_bytes)
    kinds["frm"] = (w.frm_ios_per_txn, w.frm_ios_per_txn * w.page_bytes)
    commit = ("redo", "binlog")
    chain = [("primary", "primary_ebs", 1, False, "write to EBS"),
             ("primary_ebs", "primary_ebs_mirror", 2, True,
              "EBS copies to its AZ-local mirror before acknowledging step 1"),
             ("primary_ebs", "standby", 3, False, "block-level software mirroring to the standby"),
             ("standby", "standby_ebs", 4, False, "standby writes to its EBS volume"),
             ("standby_ebs", "standby_ebs_mirror", 5, True,
              "standby EBS copies to its mirror before acknowledging step 4")]
    for u, v, step, internal, note in chain:
        _edge(g, u, v, flows=_flows(kinds, commit), synchronous=True, step=step, note=note,
              persist=(v != "standby"), latency=lat, internal_copy=internal)
    if w.binlog:
        _edge(g, "primary", "s3", flows=_flows({"binlog": kinds["binlog"]}), synchronous=False,
              tier="archive", note="binlog archived to S3 for point-in-time restore", latency=lat)
    return g


def aurora_path(workload: TransactionMix | None = None, *, layout: QuorumLayout | None = None,
                latency: HopLatency | None = None, replicas: int = 2):
    """Build Aurora's write path (SIGMOD'17 §3.2, Figure 3) as a networkx DiGraph.

    The primary sends redo records only, batched per protection group, to the ``V`` storage
    copies of a :class:`~aurora_models.quorum.QuorumLayout` (``layout.copies_per_az`` copies in
    each AZ; the writer sits in the first AZ) and waits for ``layout.write_quorum``
    acknowledgements; it sends redo and metadata to ``replicas`` read replicas asynchronously.
    The layout is the one object that says how many copies there are, where, and how many a
    write waits for: a quorum that :class:`~aurora_models.quorum.QuorumLayout` rejects (e.g. a
    2-of-6 write quorum, which breaks Gifford's ``2 Vw > V``) cannot be built.

    Parameters
    ----------
    workload : TransactionMix, optional
        Default :data:`AURORA_SYSBENCH` (boxcarring fitted to Table 1).
    layout : aurora_models.quorum.QuorumLayout, optional
        Copies per AZ and write quorum (default :data:`aurora_models.quorum.AURORA`: 2+2+2,
        4 of 6).
    latency : HopLatency, optional
        Per-hop latency model.
    replicas : int
        Read replicas, 0-15 (2, placed in the other AZs in turn).

    Returns
    -------
    networkx.DiGraph
        As :func:`mirrored_mysql_path`, with ``graph.graph["commit_rule"] = "quorum"`` and
        ``write_quorum``. Storage nodes carry ``pipeline``: the 8 storage-node steps of §3.3
        (see :func:`storage_node_pipeline`).

    Raises
    ------
    TypeError
        If ``layout`` is not a QuorumLayout.
    ValueError
        If ``replicas`` is out of range.

    Notes
    -----
    Storage copies are numbered round-robin over the AZs (``storage1`` in the writer's AZ,
    ``storage2`` in the next, ...). Network writes per transaction from the database node:
    ``V / b`` with ``b`` the
    transactions per redo batch; each storage node receives ``1 / b``. Replica traffic is
    accounted on its own edges (``tier="replica"``) and is not part of Table 1's count.

    References
    ----------
    Verbitski et al., SIGMOD'17, §3.2-3.3 (Figures 3-4), §4.2.4.

    Examples
    --------
    >>> from aurora_models import quorum
    >>> g = aurora_path(layout=quorum.AURORA)
    >>> sync_hops(g), g.graph["write_quorum"], round(float(io_summary(g)["db_node_ios_per_txn"]), 2)
    (1, 4, 0.95)
    >>> sorted(d["az"] for n, d in aurora_path(layout=quorum.AURORA_DEGRADED).nodes(data=True)
    ...        if d["role"] == "storage")
    ['az1', 'az1', 'az2', 'az2']
    >>> aurora_path(layout=quorum.QuorumLayout(copies_per_az=(2, 2, 2), write_quorum=2,
    ...                                        read_quorum=5))
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `write_quorum` must exceed n_copies / 2 (Gifford: 2 * write_quorum > n_copies), got write_quorum=2 with n_copies=6
    """
    import networkx as nx

    w = _check_workload(workload, AURORA_SYSBENCH)
    lat = _check_latency(latency)
    lay = _check_layout(layout)
    replicas = check_int_range("replicas", replicas, 0, MAX_REPLICAS)
    copies, write_quorum, azs = lay.n_copies, lay.write_quorum, lay.n_azs
    g: nx.DiGraph[str] = nx.DiGraph(engine="aurora", commit_rule="quorum", write_quorum=write_quorum,
                   layout=lay, workload=w, log_writes_per_commit=1, commit_blocks_worker=False)
    g.add_node("primary", role="database", az="az1")
    batch = 1.0 / w.txns_per_redo_batch
    redo = {"redo": (batch, w.redo_bytes_per_txn)}
    pipeline = storage_node_pipeline()
    for i, a in enumerate(_placement(lay)):
        node = f"storage{i + 1}"
        g.add_node(node, role="storage", az=f"az{a + 1}",
                   pipeline=tuple(pipeline["step"][pipeline["foreground"]]))
        _edge(g, "primary", node, flows=_flows(redo, ("redo",)), synchronous=True,
              note=f"redo batch to copy {i + 1}; the commit waits for {write_quorum} of {copies}",
              latency=lat)
    for j in range(replicas):
        node = f"replica{j + 1}"
        g.add_node(node, role="replica", az=f"az{(j + 1) % azs + 1}")
        flows = _flows({"redo": (batch, w.redo_bytes_per_txn), "metadata": (batch, 0.0)})
        _edge(g, "primary", node, flows=flows, synchronous=False, tier="replica", persist=False,
              note="redo and metadata streamed asynchronously", latency=lat)
    return g


def _placement(lay: QuorumLayout) -> list[int]:
    """The AZ index of each storage copy, round-robin over the AZs (copy r of every AZ that
    holds more than r copies); the writer sits in AZ 0."""
    return [a for r in range(max(lay.copies_per_az))
            for a, c in enumerate(lay.copies_per_az) if c > r]


def aurora_commit_hops(*, layout: QuorumLayout | None = None,
                       latency: HopLatency | None = None) -> tuple[int, np.ndarray, np.ndarray]:
    """The storage writes Aurora's commit waits for, without building the graph.

    The same hops as :func:`aurora_path`'s synchronous storage edges (and
    :func:`~aurora_models.write_path.commit_hops` of it), for callers that need only the commit
    latency and not networkx (the scenario estimate's latency by user region).

    Parameters
    ----------
    layout : QuorumLayout, optional
        Copies per AZ and the write quorum (default :data:`aurora_models.quorum.AURORA`).
    latency : HopLatency, optional
        Round trips, persist time and spread (default :data:`LATENCY_DEFAULTS`).

    Returns
    -------
    tuple
        ``(k, medians_ms, sigmas)``: the acknowledgements awaited and each copy's lognormal
        median (ms) and shape.

    See Also
    --------
    aurora_path : The graph with these hops.

    Examples
    --------
    >>> k, med, sig = aurora_commit_hops()
    >>> k, med.size
    (4, 6)
    """
    lat = _check_latency(latency)
    lay = _check_layout(layout)
    placement = _placement(lay)
    med = np.array([lat.median_ms(cross_az=a != 0, persist=True) for a in placement])
    return int(lay.write_quorum), med, np.full(len(placement), float(lat.sigma))


def postgres_sync_standby_path(workload: TransactionMix | None = None, *,
                               latency: HopLatency | None = None):
    """PostgreSQL with a synchronous streaming standby in another AZ, both on EBS.

    WAL (with full-page images after each checkpoint) is flushed locally, streamed to the
    standby and flushed there before the commit returns (``synchronous_commit = on``); data pages
    are written back locally by the checkpointer and never cross the network to the standby.

    Parameters
    ----------
    workload : TransactionMix, optional
        Default :data:`POSTGRES_SYSBENCH`.
    latency : HopLatency, optional
        Per-hop latency model.

    Returns
    -------
    networkx.DiGraph
        Same attributes as :func:`mirrored_mysql_path`; :func:`sync_hops` gives 3 (local WAL
        flush, streaming to the standby, the standby's flush; each EBS write waits for its
        AZ-local mirror, ``internal_copy=True``).

    Examples
    --------
    >>> sync_hops(postgres_sync_standby_path())
    3
    """
    import networkx as nx

    w = _check_workload(workload, POSTGRES_SYSBENCH)
    lat = _check_latency(latency)
    g: nx.DiGraph[str] = nx.DiGraph(engine="postgres_sync_standby", commit_rule="chain", workload=w,
                   log_writes_per_commit=1, commit_blocks_worker=True)
    for node, role, az in [("primary", "database", "az1"), ("primary_ebs", "storage", "az1"),
                           ("primary_ebs_mirror", "storage_mirror", "az1"),
                           ("standby", "standby", "az2"), ("standby_ebs", "standby_storage", "az2"),
                           ("standby_ebs_mirror", "storage_mirror", "az2")]:
        g.add_node(node, role=role, az=az)
    logw = 1.0 / w.commits_per_log_write
    wal = (logw, w.redo_bytes_per_txn + w.full_page_images_per_txn * w.page_bytes)
    pages = (w.page_writes_per_txn, w.page_writes_per_txn * w.page_bytes)
    local = _flows({"wal": wal, "pages": pages}, ("wal",))
    wal_only = _flows({"wal": wal}, ("wal",))
    _edge(g, "primary", "primary_ebs", flows=local, synchronous=True, note="WAL flush; checkpoint "
          "writes pages in the background", latency=lat)
    _edge(g, "primary_ebs", "primary_ebs_mirror", flows=local, synchronous=True,
          internal_copy=True, note="EBS copies to its AZ-local mirror before acknowledging",
          latency=lat)
    _edge(g, "primary_ebs", "standby", flows=wal_only, synchronous=True, persist=False,
          note="WAL streamed to the synchronous standby", latency=lat)
    _edge(g, "standby", "standby_ebs", flows=local, synchronous=True,
          note="standby flushes WAL before replying; replays pages locally", latency=lat)
    _edge(g, "standby_ebs", "standby_ebs_mirror", flows=local, synchronous=True,
          internal_copy=True, note="EBS copies to its AZ-local mirror before acknowledging",
          latency=lat)
    return g


def storage_node_pipeline() -> pd.DataFrame:
    """The 8 steps of an Aurora storage node (SIGMOD'17 §3.3, Figure 4).

    Only steps 1 (receive and queue) and 2 (persist and acknowledge) are in the foreground path.

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (1-8), ``action`` and ``foreground`` (on the commit path).

    Examples
    --------
    >>> p = storage_node_pipeline()
    >>> len(p), int(p["foreground"].sum())
    (8, 2)
    """
    steps = ["receive log record, add to in-memory queue", "persist on disk and acknowledge",
             "sort records, identify gaps", "gossip with peers to fill gaps",
             "coalesce log records into data pages", "periodically stage log and pages to S3",
             "periodically garbage-collect old versions", "periodically validate page CRCs"]
    return pd.DataFrame({"step": range(1, 9), "action": steps,
                         "foreground": [True, True] + [False] * 6})


def _check_graph(graph):
    import networkx as nx

    if not isinstance(graph, nx.DiGraph):
        raise ParameterTypeError(f"`graph` must be a networkx DiGraph, got {type(graph).__name__}")
    if "database" not in {d.get("role") for _, d in graph.nodes(data=True)}:
        raise ParameterValueError("`graph` must have a node with role 'database' (build it with "
                         "mirrored_mysql_path, aurora_path or postgres_sync_standby_path)")
    return graph


def sync_hops(graph) -> int:
    """Sequential synchronous hops on the commit path.

    The largest number of hops on any directed path of the write graph, where an edge is a hop
    if it is ``synchronous`` (the commit waits for it) and not an ``internal_copy`` (a storage
    service's copy to its own AZ-local mirror, acknowledged as part of the write to that
    service): the longest path of the synchronous subgraph. 3 for mirrored MySQL (the paper's
    "steps 1, 3 and 5": EBS write with its mirror, mirroring to the standby, the standby's EBS
    write with its mirror), 1 for Aurora (the 4/6 quorum write is a single hop however many
    copies it goes to), 3 for PostgreSQL with a synchronous standby.

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a modified copy).

    Returns
    -------
    int
        The number of sequential synchronous hops.

    Examples
    --------
    >>> sync_hops(mirrored_mysql_path()), sync_hops(aurora_path())
    (3, 1)
    """
    import networkx as nx

    g = _check_graph(graph)
    h: nx.DiGraph[str] = nx.DiGraph()
    h.add_nodes_from(g)
    h.add_weighted_edges_from((u, v, _hop_weight(d)) for u, v, d in g.edges(data=True))
    return int(nx.dag_longest_path_length(h, weight="weight"))


def _hop_weight(d) -> int:
    return int(bool(d["synchronous"]) and not d.get("internal_copy", False))


def io_accounting(graph, *, by: str = "edge") -> pd.DataFrame:
    """Per-transaction I/Os and bytes on every edge of a write path.

    Parameters
    ----------
    graph : networkx.DiGraph
        From one of the builders (or a modified copy).
    by : {"edge", "kind", "edge_kind"}
        One row per edge, per data kind (summed over edges), or per (edge, kind).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (not for ``by="kind"``), ``data_kind`` (not for
        ``by="edge"``), ``ios_per_txn``, ``bytes_per_txn``, ``cross_az_bytes_per_txn`` and, per
        edge, ``step``, ``synchronous``, ``internal_copy``, ``cross_az``, ``tier``.

    Examples
    --------
    >>> io_accounting(aurora_path(), by="kind")[["data_kind", "ios_per_txn"]].round(3)
      data_kind  ios_per_txn
    0  metadata        0.317
    1      redo        1.267
    """
    g = _check_graph(graph)
    check_choice("by", by, ["edge", "kind", "edge_kind"])
    rows = []
    for u, v, d in g.edges(data=True):
        base = {"source": u, "target": v, "step": d["step"], "synchronous": d["synchronous"],
                "internal_copy": d.get("internal_copy", False), "cross_az": d["cross_az"],
                "tier": d["tier"]}
        if by == "edge":
            rows.append({**base, "data_kinds": ", ".join(d["data_kinds"]),
                         "ios_per_txn": d["ios_per_txn"], "bytes_per_txn": d["bytes_per_txn"],
                         "cross_az_bytes_per_txn": d["bytes_per_txn"] * d["cross_az"]})
            continue
        for kind, f in d["flows"].items():
            rows.append({**base, "data_kind": kind, "ios_per_txn": f["ios_per_txn"],
                         "bytes_per_txn": f["bytes_per_txn"],
                         "cross_az_bytes_per_txn": f["bytes_per_txn"] * d["cross_az"]})
    frame = pd.DataFrame(rows)
    if by == "kind":
        frame = (frame.groupby("data_kind", as_index=False)
                 [["ios_per_txn", "bytes_per_txn", "cross_az_bytes_per_txn"]].sum())
    return frame


def io_summary(graph) -> pd.Series:
    """Headline per-transaction figures of a write path.

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a modified copy).

    Returns
    -------
    pandas.Series
        - ``db_node_ios_per_txn``: writes the database node sends to its storage tier (what
          SIGMOD'17 Table 1 counts; replica and archive traffic excluded);
        - ``ios_per_storage_node_per_txn``: those writes divided over the storage endpoints that
          receive them (one EBS volume for MySQL, each of 6 copies for Aurora);
        - ``network_ios_per_txn``, ``network_bytes_per_txn``, ``cross_az_bytes_per_txn``: every
          edge, including mirrors, standby, replicas and archive;
        - ``sync_hops``;
        - ``write_amplification``: network bytes per byte of redo the transaction generates;
        - ``io_amplification``: network I/Os per database-node I/O.

    Examples
    --------
    >>> s = io_summary(mirrored_mysql_path())
    >>> round(float(s["db_node_ios_per_txn"]), 2), round(float(s["ios_per_storage_node_per_txn"]), 2)
    (7.4, 7.4)
    """
    g = _check_graph(graph)
    db = next(n for n, d in g.nodes(data=True) if d["role"] == "database")
    to_storage = [(v, d) for _, v, d in g.out_edges(db, data=True) if d["tier"] == "storage"]
    db_ios = sum(d["ios_per_txn"] for _, d in to_storage)
    per_node = db_ios / len(to_storage) if to_storage else 0.0
    edges = [d for _, _, d in g.edges(data=True)]
    net_bytes = sum(d["bytes_per_txn"] for d in edges)
    net_ios = sum(d["ios_per_txn"] for d in edges)
    redo = g.graph["workload"].redo_bytes_per_txn
    return pd.Series({
        "db_node_ios_per_txn": db_ios,
        "ios_per_storage_node_per_txn": per_node,
        "network_ios_per_txn": net_ios,
        "network_bytes_per_txn": net_bytes,
        "cross_az_bytes_per_txn": sum(d["bytes_per_txn"] for d in edges if d["cross_az"]),
        "sync_hops": float(sync_hops(g)),
        "write_amplification": net_bytes / redo if redo > 0 else math.nan,
        "io_amplification": net_ios / db_ios if db_ios > 0 else math.nan,
    }, name=g.graph.get("engine", "path"))


def slow_down(graph, *, nodes=(), az: str | None = None, factor: float = 10.0):
    """A copy of ``graph`` whose hops into ``nodes`` (or into every node of ``az``) are slower.

    Parameters
    ----------
    graph : networkx.DiGraph
        A write path from :func:`aurora_path`, :func:`mirrored_mysql_path` or
        :func:`postgres_sync_standby_path` (or a modified copy).
    nodes : iterable of str
        Target nodes whose incoming edges get ``factor`` times the median latency.
    az : str, optional
        Also slow every edge whose target lies in this AZ (except the database node's own AZ
        edges are included too: a slow AZ slows everything in it).
    factor : float
        Multiplier of the median latency, > 0.

    Returns
    -------
    networkx.DiGraph
        The modified copy (``graph`` is left unchanged).

    Examples
    --------
    >>> g = slow_down(aurora_path(), nodes=["storage3"], factor=10)
    >>> round(g.edges["primary", "storage3"]["latency_median_ms"] /
    ...       g.edges["primary", "storage1"]["latency_median_ms"], 2)
    23.47
    """
    g = _check_graph(graph).copy()
    factor = _num("factor", factor, positive=True)
    nodes = set(nodes)
    unknown = nodes - set(g)
    if unknown:
        raise ParameterValueError(f"`nodes` must name nodes of the graph, got {sorted(unknown)!r}")
    azs = {d["az"] for _, d in g.nodes(data=True)}
    if az is not None and az not in azs:
        raise ParameterValueError(f"`az` must be one of {sorted(azs)!r}, got {az!r}")
    for _, v, d in g.edges(data=True):
        if v in nodes or (az is not None and g.nodes[v]["az"] == az):
            d["latency_median_ms"] *= factor
    return g


