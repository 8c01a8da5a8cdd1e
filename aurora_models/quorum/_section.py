"""The durability section of a scenario: the volume's quorum, its data-loss and write risk."""

from __future__ import annotations

from dataclasses import dataclass

from .._section import Context, Row, Section, SectionResult
from ..results import Estimate

__all__ = ["DURABILITY", "DurabilityResult", "failure_model"]


def failure_model(scenario):
    """The scenario's :class:`FailureModel` (its ``[failures]`` keys, declared on it)."""
    from ._model import FailureModel

    fl = scenario["failures"]
    return FailureModel(**{k: fl[k] for k in FailureModel.__params__ if k in fl})


@dataclass(frozen=True, kw_only=True)
class DurabilityResult(SectionResult):
    """Quorum durability of the scenario's volume over its horizon."""

    layout: str
    protection_groups: int
    p_data_loss_volume: Estimate
    p_data_loss_per_group: Estimate
    p_data_loss_per_group_monte_carlo: Estimate
    p_storage_write_unavailable_volume: Estimate
    durability_volume: float


def _run(ctx: Context) -> DurabilityResult:
    from . import (
        AURORA,
        event_probability,
        n_protection_groups,
        simulate_event_probability,
        volume_event_probability,
    )

    s = ctx.scenario
    fm = failure_model(s)
    horizon, volume_gib = s["scenario"]["horizon_hours"], s["cluster"]["volume_gib"]
    volume = volume_event_probability(volume_gib, AURORA, fm, event="data_loss",
                                      horizon_hours=horizon)
    return DurabilityResult(
        layout=str(AURORA),
        protection_groups=n_protection_groups(volume_gib, fm.segment_size_bytes),
        p_data_loss_volume=volume,
        p_data_loss_per_group=event_probability(AURORA, fm, event="data_loss",
                                                horizon_hours=horizon),
        p_data_loss_per_group_monte_carlo=None if ctx.evaluation else simulate_event_probability(
            AURORA, fm, event="data_loss", horizon_hours=horizon, n_trials=ctx.n_trials,
            rng=ctx.stream(1)),  # an analysis reads the closed forms only
        p_storage_write_unavailable_volume=volume_event_probability(
            volume_gib, AURORA, fm, event="write_unavailable", horizon_hours=horizon),
        durability_volume=1.0 - volume.value)


def _rows(d) -> list[Row]:
    def est(metric, e):
        return Row("durability", metric, e["value"], e["ci_low"], e["ci_high"], e["unit"])

    return [est("P(data loss in horizon), volume", d["p_data_loss_volume"]),
            est("P(data loss), one protection group (exact)", d["p_data_loss_per_group"]),
            est("P(data loss), one protection group (Monte Carlo)",
                d["p_data_loss_per_group_monte_carlo"]),
            est("P(storage write unavailable), volume", d["p_storage_write_unavailable_volume"])]


DURABILITY = Section("durability", "Durability (quorum)", _run, _rows)
