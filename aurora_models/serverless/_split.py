"""How the cluster's ACU demand splits between the writer and the readers (the capacity
section's split, shared with the families that read the writer's demand)."""

from __future__ import annotations

__all__ = ["read_share", "writer_reader_factors"]


def read_share(series: dict, replicas: int) -> float:
    """The readers' share of the cluster's ACU demand (0 without readers)."""
    total = float(series["acu"].sum())
    return float(series["read_acu"].sum()) / total if replicas and total > 0 else 0.0


def writer_reader_factors(d, replicas: int, primary_share: float) -> tuple[float, float, float]:
    """The writer's share of the cluster's ACU demand, the primary readers' (all of them), and
    the reads' (to split among the secondaries that serve some). Without ``[users]``
    (``primary_share`` 1) the first two are the cluster's own split, to the last bit."""
    total = float(d["acu"].sum())
    reads = float(d["read_acu"].sum()) / total if total > 0 else 0.0
    if replicas:  # the readers carry the primary's reads, the secondaries the rest
        share = read_share(d, replicas)
        return 1.0 - share, share * primary_share, reads
    # no readers: the writer carries the primary's reads
    return 1.0 - reads * (1.0 - primary_share), 0.0, reads
