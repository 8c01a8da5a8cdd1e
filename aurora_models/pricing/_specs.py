"""The DB instance classes' vCPU and memory, from AWS's documentation: the lowest module of
the price book (the rules and the book check class names against it, the loaders join it)."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from ..data import _require, dataset_path, read_csv_checked


@functools.lru_cache(maxsize=8)
def _bundled(name: str) -> Path:
    """Path of a bundled data set (the catalogue is read once per process)."""
    return dataset_path(name)


_SPEC_COLUMNS = {"instance_class": "str", "family": "str", "size": "str", "vcpu": "float",
                 "memory_gib": "float", "generation": "str", "source": "str"}


@functools.lru_cache(maxsize=1)
def instance_specs() -> pd.DataFrame:
    """vCPU and memory of every DB instance class in the price data, from AWS's documentation.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``instance_class``; columns ``family``, ``size``, ``vcpu``, ``memory_gib``,
        ``generation`` (``current``/``previous``), ``source`` (the AWS documentation page). See ``data/pricing/instance_class_specs.md``.

    Examples
    --------
    >>> instance_specs().loc["db.r6g.xlarge", ["vcpu", "memory_gib"]].astype(float).tolist()
    [4.0, 32.0]
    """
    path = _bundled("instance_class_specs")
    frame = read_csv_checked(path, _SPEC_COLUMNS)
    _require(frame, (frame["vcpu"] > 0) & (frame["memory_gib"] > 0), path,
             "columns 'vcpu' and 'memory_gib' must be positive")
    _require(frame, ~frame["instance_class"].duplicated(), path, "duplicate instance_class")
    _require(frame, frame["generation"].isin(["current", "previous"]), path,
             "column 'generation' must be 'current' or 'previous'")
    return frame.set_index("instance_class")
