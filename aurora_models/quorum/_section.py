"""The durability section of a scenario: the volume's quorum, its data-loss and write risk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._params import params_of, replaced
from .._section import BatchContext, Context, Fact, Output, Row, Section, SectionResult, View
from ..results import Estimate
from . import (
    AURORA,
    event_probability,
    n_protection_groups,
    simulate_event_probability,
    steady_state_probability,
    volume_event_probability,
)
from ._batch import event_probabilities, volume_event_probabilities
from ._model import FailureModel, _event_estimate
from ._scale import _volume_estimate

__all__ = ["DURABILITY", "SECTIONS", "DurabilityResult", "failure_model"]


def failure_model(scenario):
    """The scenario's :class:`FailureModel` (its ``[failures]`` keys, declared on it)."""
    fl = scenario["failures"]
    return FailureModel(**{k: fl[k] for k in params_of(FailureModel) if k in fl})


@dataclass(frozen=True, kw_only=True)
class DurabilityResult(SectionResult):
    """Quorum durability of the scenario's volume over its horizon."""

    layout: str
    protection_groups: int
    p_data_loss_volume: Estimate
    p_data_loss_per_group: Estimate
    p_data_loss_per_group_monte_carlo: Estimate | None  # None in an analysis' evaluation
    p_storage_write_unavailable_volume: Estimate
    durability_volume: float
    #: The expected time the volume cannot write in the horizon, minutes (the groups'
    #: steady-state unavailability x horizon), and the mean length of one such episode, s
    #: (that time over the expected episodes); None in an analysis' evaluation.
    write_unavailable_minutes: float | None = None
    write_unavailable_episode_mean_s: float | None = None


def _run(ctx: Context) -> DurabilityResult:
    s = ctx.scenario
    fm = failure_model(s)
    horizon, volume_gib = s["scenario"]["horizon_hours"], s["cluster"]["volume_gib"]
    volume = volume_event_probability(volume_gib, AURORA, fm, event="data_loss",
                                      horizon_hours=horizon)
    write = volume_event_probability(volume_gib, AURORA, fm, event="write_unavailable",
                                     horizon_hours=horizon)
    minutes = episode_s = None
    if not ctx.evaluation:  # the duration beside the probability (an analysis reads neither)
        import math

        groups = n_protection_groups(volume_gib, fm.segment_size_bytes)
        minutes = 60.0 * horizon * min(1.0, groups * steady_state_probability(
            AURORA, fm, event="write_unavailable").value)
        episodes = -math.log1p(-min(write.value, 1.0 - 1e-16))  # expected count, Poisson
        episode_s = 60.0 * minutes / episodes if episodes > 0 else None
    return DurabilityResult(
        layout=str(AURORA),
        protection_groups=n_protection_groups(volume_gib, fm.segment_size_bytes),
        p_data_loss_volume=volume,
        p_data_loss_per_group=event_probability(AURORA, fm, event="data_loss",
                                                horizon_hours=horizon),
        p_data_loss_per_group_monte_carlo=None if ctx.evaluation else simulate_event_probability(
            AURORA, fm, event="data_loss", horizon_hours=horizon, n_trials=ctx.n_trials,
            rng=ctx.stream(1)),  # an analysis reads the closed forms only
        p_storage_write_unavailable_volume=write, durability_volume=1.0 - volume.value,
        write_unavailable_minutes=minutes, write_unavailable_episode_mean_s=episode_s)


def _run_batch(b: BatchContext) -> list[DurabilityResult]:
    """The batch's durability in stacked CTMC solves (:mod:`~aurora_models.quorum._batch`):
    the sampled ``[failures]`` keys change only the failure model."""
    fields = {f"failures.{k}": k for k in params_of(FailureModel)}
    if set(b.values) - set(fields):  # the horizon or the volume is sampled
        return [_run(b.context(i)) for i in range(b.size)]
    fm0 = failure_model(b.scenario)
    fms = [replaced(fm0, **{fields[k]: float(v[i]) for k, v in b.values.items()})
           for i in range(b.size)]
    horizon, volume_gib = b.scenario["scenario"]["horizon_hours"], b.scenario["cluster"]["volume_gib"]
    loss = volume_event_probabilities(volume_gib, AURORA, fms, event="data_loss",
                                      horizon_hours=horizon)
    group = event_probabilities(AURORA, fms, event="data_loss", horizon_hours=horizon)
    write = volume_event_probabilities(volume_gib, AURORA, fms, event="write_unavailable",
                                       horizon_hours=horizon)
    out = []
    for i, fm in enumerate(fms):
        g = n_protection_groups(volume_gib, fm.segment_size_bytes)
        volume = _volume_estimate(float(loss[i]), "data_loss", float(volume_gib), g,
                                  float(horizon))
        out.append(DurabilityResult(
            layout=str(AURORA), protection_groups=g, p_data_loss_volume=volume,
            p_data_loss_per_group=_event_estimate(float(group[i]), "data_loss", float(horizon)),
            p_data_loss_per_group_monte_carlo=None,
            p_storage_write_unavailable_volume=_volume_estimate(
                float(write[i]), "write_unavailable", float(volume_gib), g, float(horizon)),
            durability_volume=1.0 - volume.value))
    return out


def _rows(d) -> list[Row]:
    def est(metric, e, output=None):
        return Row("durability", metric, e["value"], e["ci_low"], e["ci_high"], e["unit"],
                   output)

    return [est("P(data loss in horizon), volume", d["p_data_loss_volume"], "p_data_loss"),
            est("P(data loss), one protection group (exact)", d["p_data_loss_per_group"]),
            est("P(data loss), one protection group (Monte Carlo)",
                d["p_data_loss_per_group_monte_carlo"]),
            est("P(storage write unavailable), volume", d["p_storage_write_unavailable_volume"],
                "p_write_unavailable"),
            *([Row("durability", "expected storage write unavailability in horizon",
                   d["write_unavailable_minutes"], None, None, "minutes"),
               Row("durability", "mean storage write-unavailable episode",
                   d["write_unavailable_episode_mean_s"], None, None, "s")]
              if d.get("write_unavailable_minutes") is not None else [])]


def _view(d: Mapping[str, Any]) -> View:
    if "p_data_loss_volume" not in d:
        return View()
    return View(facts=(Fact("durability", f"P(data loss in the horizon) "
                                          f"{d['p_data_loss_volume']['value']:.3g} "
                                          f"({d['layout']})", 50),))


DURABILITY = Section(
    name="durability", title="Durability (quorum)", run=_run, rows=_rows, run_batch=_run_batch,
    view=_view,
    declares=(FailureModel,), assumptions=("quorum",), place=20,
    outputs=(Output("p_write_unavailable", ("p_storage_write_unavailable_volume", "value"),
                    "probability/horizon", label="P(storage write unavailable), volume"),
             Output("p_data_loss", ("p_data_loss_volume", "value"), "probability/horizon",
                    label="P(data loss in horizon), volume")),
    json="`layout, protection_groups, durability_volume`, Estimates `p_data_loss_volume`, "
         "`p_data_loss_per_group` (exact CTMC), `p_data_loss_per_group_monte_carlo` "
         "(importance sampling), `p_storage_write_unavailable_volume`; "
         "`write_unavailable_minutes` (the expected time in the horizon the volume cannot "
         "write: its groups' steady-state unavailability x the horizon) and "
         "`write_unavailable_episode_mean_s` (that time over the expected episodes)")

SECTIONS = (DURABILITY,)
