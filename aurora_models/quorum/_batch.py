"""Batched exact solves: one vectorised pass over B failure models (private).

A sensitivity analysis evaluates the quorum outputs for thousands of :class:`FailureModel`\\ s.
These functions take a sequence of models and return one array; each is the same computation as
its scalar sibling (which is the B = 1 case of the same code), so the results agree with
``[scalar(..., f, ...).value for f in failures]``. The generators of the B models are one matrix
product of their base rates with the chain's coefficient matrices; models are grouped by which
base rates are zero (this decides the reachable states), and each group is one stacked solve
(:func:`aurora_models.markov.absorption_probability_within`,
:func:`aurora_models.markov.stationary_distribution`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validate import check_positive
from ._layout import QuorumLayout
from ._model import (
    FailureModel,
    _check_batch,
    _check_steady_event,
    _event_probabilities,
    _params,
    _steady_state_probabilities,
)
from ._scale import _check_volume, _volume_probabilities

__all__: list[str] = []


def event_probabilities(layout: QuorumLayout, failures: Sequence[FailureModel], *, event: str,
                        horizon_hours: float = 8760.0) -> np.ndarray:
    """:func:`~aurora_models.quorum.event_probability` for each of B failure models.

    Parameters
    ----------
    layout : QuorumLayout
    failures : sequence of FailureModel
        The B models (any mix of fields).
    event : {"write_unavailable", "read_unavailable", "data_loss"}
    horizon_hours : float
        Horizon in hours (> 0), shared by the models.

    Returns
    -------
    numpy.ndarray, shape (B,)
        ``[event_probability(layout, f, event=event, horizon_hours=horizon_hours).value
        for f in failures]``, computed in one stacked solve per zero-pattern of the base rates.

    Raises
    ------
    TypeError, ValueError
        As :func:`~aurora_models.quorum.event_probability`, for the first model at fault.
    """
    failures, event = _check_batch(layout, failures, event)
    horizon = float(check_positive("horizon_hours", horizon_hours))
    p = _params(failures, layout)
    return _event_probabilities(layout, p, event, np.full(p.size, horizon))


def volume_event_probabilities(volume_gib: float, layout: QuorumLayout,
                               failures: Sequence[FailureModel], *, event: str,
                               horizon_hours: float = 8760.0) -> np.ndarray:
    """:func:`~aurora_models.quorum.volume_event_probability` for each of B failure models.

    Parameters
    ----------
    volume_gib : float
        Volume size in GiB (binary), in (0, 128 TiB].
    layout : QuorumLayout
    failures : sequence of FailureModel
        The B models; each must have ``az_loss_rate_per_year == 0`` and ``max_azs_down == 1``.
    event : {"write_unavailable", "read_unavailable", "data_loss"}
    horizon_hours : float
        Horizon in hours (> 0), shared by the models.

    Returns
    -------
    numpy.ndarray, shape (B,)
        The ``.value`` of ``volume_event_probability(volume_gib, layout, f, ...)`` for each
        model. The 40 Gauss-Laguerre nodes of every model are horizons of one stack of B episode
        chains (their squares shared), and the AZ-free group probabilities one stacked solve.

    Raises
    ------
    TypeError, ValueError
        As the scalar function, for the first model at fault.

    Warns
    -----
    AuroraModelsWarning
        Once per call when some model's repair time exceeds 1% of its mean AZ outage (the
        message shows the first such model and their count).
    """
    failures, event = _check_batch(layout, failures, event)
    v, horizon = _check_volume(layout, failures, volume_gib, horizon_hours, stacklevel=2)
    return _volume_probabilities(v, layout, _params(failures, layout), event, horizon)[0]


def steady_state_probabilities(layout: QuorumLayout, failures: Sequence[FailureModel], *,
                               event: str) -> np.ndarray:
    """:func:`~aurora_models.quorum.steady_state_probability` for each of B failure models.

    Returns
    -------
    numpy.ndarray, shape (B,)
        Long-run fraction of time with ``event``, per model (GTH, vectorised over the batch).

    Raises
    ------
    ValueError
        For ``event="data_loss"`` (absorbing), and as the scalar function otherwise.
    """
    failures, event = _check_batch(layout, failures, event)
    _check_steady_event(event)
    return _steady_state_probabilities(layout, _params(failures, layout), event)
