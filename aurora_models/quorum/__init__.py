"""Quorum durability and availability of Aurora's storage (SIGMOD'17 §2, SIGMOD'18 §4).

- :class:`QuorumLayout` with presets :data:`AURORA`, :data:`TWO_OF_THREE`,
  :data:`MIRRORED_MULTI_AZ`, :data:`AURORA_DEGRADED`; :func:`tolerance_table`;
  :func:`snapshot_unavailability` (point-in-time, exact in log space).
- :class:`FailureModel` and the exact CTMC solves :func:`event_probability`,
  :func:`mean_time_to_event`, :func:`steady_state_probability`, for the events
  ``"write_unavailable"``, ``"read_unavailable"`` and ``"data_loss"``.
- Monte Carlo siblings: :func:`simulate_event_probability` (naive or importance sampling) and
  :func:`simulate_snapshot_unavailability`.
- Scale: :func:`n_protection_groups`, :func:`volume_event_probability`,
  :func:`placement_loss_probability` and :func:`simulate_placement_loss_probability`.
"""

from ._layout import (
    AURORA,
    AURORA_DEGRADED,
    EVENTS,
    MIRRORED_MULTI_AZ,
    TWO_OF_THREE,
    QuorumLayout,
    snapshot_unavailability,
    tolerance_table,
)
from ._model import (
    FailureModel,
    event_probability,
    mean_time_to_event,
    steady_state_probability,
)
from ._monte_carlo import simulate_event_probability, simulate_snapshot_unavailability
from ._scale import (
    MAX_VOLUME_GIB,
    n_protection_groups,
    placement_loss_probability,
    simulate_placement_loss_probability,
    volume_event_probability,
)

__all__ = [
    "AURORA",
    "AURORA_DEGRADED",
    "EVENTS",
    "MAX_VOLUME_GIB",
    "MIRRORED_MULTI_AZ",
    "TWO_OF_THREE",
    "FailureModel",
    "QuorumLayout",
    "event_probability",
    "mean_time_to_event",
    "n_protection_groups",
    "placement_loss_probability",
    "simulate_event_probability",
    "simulate_placement_loss_probability",
    "simulate_snapshot_unavailability",
    "snapshot_unavailability",
    "steady_state_probability",
    "tolerance_table",
    "volume_event_probability",
]
