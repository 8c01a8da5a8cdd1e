"""Which estimate row each output of :func:`~aurora_models.sensitivity.propagate_scenario`
measures, and the assumption interval of every summary row.

The outputs are named in :mod:`~aurora_models.sensitivity._scenario`; this mapping is keyed by
those names (an output it does not know is ignored, a row no output measures is
``not propagated``). Each entry names the row (``section``, ``metric``), the output's unit it
expects (a renamed unit leaves the row unmapped rather than wrong) and an optional transform
from the output to the row's unit, applied to every sampled vector before the quantiles (so a
decreasing transform keeps p5 <= p95).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["JSON_SCHEMA", "OUTPUT_ROWS", "PREFIX_ROWS", "AssumptionIntervals", "RowInterval", "RowTarget",
           "assumption_intervals", "row_intervals", "targets"]

MINUTES_PER_YEAR = 525_600.0


@dataclass(frozen=True)
class RowTarget:
    """One summary row an output measures."""

    section: str
    metric: str
    unit: str  #: the output's unit this entry expects
    transform: Callable[[np.ndarray], np.ndarray] | None = None


def _availability(minutes: np.ndarray) -> np.ndarray:
    return 1.0 - minutes / MINUTES_PER_YEAR


#: Fixed output names -> the rows they measure.
OUTPUT_ROWS: dict[str, tuple[RowTarget, ...]] = {
    "downtime_minutes_per_year": (
        RowTarget("availability", "availability per year", "minutes/year", _availability),
        RowTarget("availability", "expected downtime (closed form)", "minutes/year"),
        # the Monte Carlo row estimates the same expectation (its CI is the simulation's)
        RowTarget("availability", "expected downtime (Monte Carlo)", "minutes/year"),
    ),
    "p_data_loss": (
        RowTarget("durability", "P(data loss in horizon), volume", "probability/horizon"),),
    "p_write_unavailable": (
        RowTarget("durability", "P(storage write unavailable), volume", "probability/horizon"),),
    "failover_p50_s": (RowTarget("failover", "client-observed outage P50", "s"),),
    "failover_p90_s": (RowTarget("failover", "client-observed outage P90", "s"),),
    "failover_p99_s": (RowTarget("failover", "client-observed outage P99", "s"),),
    "readers_at_event_peak": (RowTarget("readers", "needed at event peak", "readers"),),
    "writer_demand_not_served": (
        RowTarget("serverless", "writer demand not served (scale-up lag)", "fraction"),),
}

#: Output name prefixes -> the rows of the rest of the name (an option id, a region).
PREFIX_ROWS: dict[str, Callable[[str], tuple[RowTarget, ...]]] = {
    "bill_": lambda option: (RowTarget("cost", option, "USD/month"),),
    "lag_p99_ms_": lambda region: (
        RowTarget("global_database", f"{region} lag p99 at event peak", "ms"),),
    "rpo_writes_at_risk_": lambda region: (
        RowTarget("global_database", f"{region} writes at risk (mean, event peak)", "writes"),),
}


def targets(output: str) -> tuple[RowTarget, ...]:
    """The rows ``output`` measures (empty for an output this mapping does not know)."""
    if output in OUTPUT_ROWS:
        return OUTPUT_ROWS[output]
    for prefix, make in PREFIX_ROWS.items():
        if output.startswith(prefix) and len(output) > len(prefix):
            return make(output[len(prefix):])
    return ()


#: ``RowInterval.status`` values.
VARIES, FIXED, INFEASIBLE, NOT_PROPAGATED = "varies", "fixed", "infeasible", "not propagated"


@dataclass(frozen=True)
class RowInterval:
    """The assumption interval of one summary row.

    ``status``: ``varies`` (median, p5, p95 over the feasible vectors), ``fixed`` (no sampled
    assumption moves it: every feasible vector gives the same value, ``median``), ``infeasible``
    (no vector could be evaluated) or ``not propagated`` (no output of the analysis measures the
    row: it is shown with its Monte Carlo interval only). ``output`` is the propagation output,
    ``p_cheapest`` the share of vectors in which a cost row's option is the cheapest.
    """

    status: str
    median: float | None = None
    p5: float | None = None
    p95: float | None = None
    output: str | None = None
    p_cheapest: float | None = None

    def to_dict(self) -> dict:
        out = {"status": self.status, "median": self.median, "p5": self.p5, "p95": self.p95,
               "output": self.output}
        if self.p_cheapest is not None:
            out["p_cheapest"] = self.p_cheapest
        return out


def _interval(y: np.ndarray, output: str) -> RowInterval:
    y = y[np.isfinite(y)]
    if not len(y):
        return RowInterval(INFEASIBLE, output=output)
    med, lo, hi = (float(v) for v in np.quantile(y, [0.5, 0.05, 0.95]))
    if float(np.max(y) - np.min(y)) <= 1e-12 * max(abs(med), 1e-300):
        return RowInterval(FIXED, med, med, med, output)
    return RowInterval(VARIES, med, lo, hi, output)


def row_intervals(propagation, rows: Sequence) -> list[RowInterval]:
    """One :class:`RowInterval` per summary row (``rows``: ``(section, metric, ...)``) from a
    :class:`~aurora_models.sensitivity._scenario.ScenarioPropagation`."""
    prop = propagation.propagation
    units: Mapping[str, str] = propagation.units
    by_row: dict[tuple[str, str], RowInterval] = {}
    for j, output in enumerate(prop.outputs):
        for t in targets(output):
            if units.get(output, t.unit) != t.unit:
                continue  # the output changed its unit: better unmapped than wrong
            y = np.asarray(prop.Y[:, j], dtype=float)
            if t.transform is not None:
                y = t.transform(y)
            iv = _interval(y, output)
            if t.section == "cost":
                p = propagation.p_cheapest.get(t.metric)
                if p is not None:
                    iv = RowInterval(iv.status, iv.median, iv.p5, iv.p95, iv.output, p)
            by_row[(t.section, t.metric)] = iv
    return [by_row.get((r[0], r[1]), RowInterval(NOT_PROPAGATED)) for r in rows]


@dataclass(frozen=True)
class AssumptionIntervals:
    """Everything ``estimate --uncertainty`` adds to the rows: the propagation's size, the
    interval of every summary row (aligned with ``rows``) and the derived probabilities."""

    n: int
    inputs: tuple[str, ...]
    infeasible: int
    rows: tuple[RowInterval, ...]
    p_cheapest: Mapping[str, float]
    p_meets_objectives: float
    objectives: str
    outputs: tuple[dict, ...]

    #: How the interval is labelled apart from the Monte Carlo one.
    LABEL = "assumptions 90 %"
    DEFINITION = ("median and 90 % interval over the assumptions' distributions "
                  "(not Monte Carlo error)")

    def header(self) -> str:
        """One line: what the assumption columns are."""
        return (f"Assumption intervals ({self.LABEL}): median [5 %, 95 %] of each row over "
                f"{self.n} quasi-random draws of {len(self.inputs)} uncertain inputs, not "
                f"Monte Carlo error; {self.infeasible} infeasible draw"
                f"{'s' if self.infeasible != 1 else ''}; 'fixed': no sampled input moves the "
                f"row; 'not propagated': not an output of the analysis")

    def objectives_line(self) -> str:
        if not self.objectives:
            return (f"P(meets objectives) over the assumptions: {self.p_meets_objectives:.0%} "
                    f"(the scenario sets no availability objective)")
        return (f"P(meets objectives: {self.objectives}) over the assumptions: "
                f"{self.p_meets_objectives:.0%}")

    def to_dict(self, rows: Sequence) -> dict:
        """The JSON ``assumption_uncertainty`` object (``docs/scenario_format.md``)."""
        return {
            "n": self.n, "interval": self.DEFINITION, "label": self.LABEL,
            "inputs": list(self.inputs), "infeasible": self.infeasible,
            "p_cheapest": dict(self.p_cheapest), "p_meets_objectives": self.p_meets_objectives,
            "objectives": self.objectives,
            "rows": [{"section": r[0], "metric": r[1], "unit": r[5], **iv.to_dict()}
                     for r, iv in zip(rows, self.rows, strict=True)],
            "outputs": [dict(o) for o in self.outputs],
        }


def assumption_intervals(propagation, rows: Sequence, scenario) -> AssumptionIntervals:
    """:class:`AssumptionIntervals` of a ``propagate_scenario`` result for the summary
    ``rows`` of the estimate of ``scenario``."""
    import json

    prop = propagation.propagation
    wl = scenario["workload"]
    obj = []
    if wl.get("max_annual_downtime_minutes") is not None:
        obj.append(f"downtime <= {wl['max_annual_downtime_minutes']:g} minutes/year")
    if wl.get("max_failover_s") is not None:
        obj.append(f"failover P90 <= {wl['max_failover_s']:g} s")
    Y = np.asarray(prop.Y, dtype=float)
    outputs = tuple(json.loads(propagation.to_frame().to_json(orient="records")))
    return AssumptionIntervals(
        n=int(Y.shape[0]), inputs=tuple(prop.names),
        infeasible=int(np.isnan(Y).all(axis=1).sum()) if Y.size else 0,
        rows=tuple(row_intervals(propagation, rows)), p_cheapest=dict(propagation.p_cheapest),
        p_meets_objectives=float(propagation.p_meets_objectives), objectives=", ".join(obj),
        outputs=outputs)


_NUM = {"type": ["number", "null"]}
#: JSON Schema of the estimate document's ``assumption_uncertainty`` object (schema 1.3;
#: ``docs/scenario_format.md``).
JSON_SCHEMA: dict = {
    "type": "object",
    "required": ["n", "interval", "label", "inputs", "infeasible", "p_cheapest",
                 "p_meets_objectives", "objectives", "rows", "outputs"],
    "properties": {
        "n": {"type": "integer", "minimum": 1},
        "interval": {"type": "string"},
        "label": {"type": "string"},
        "inputs": {"type": "array", "items": {"type": "string"}},
        "infeasible": {"type": "integer", "minimum": 0},
        "p_cheapest": {"type": "object",
                       "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}},
        "p_meets_objectives": {"type": "number", "minimum": 0, "maximum": 1},
        "objectives": {"type": "string"},
        "rows": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["section", "metric", "unit", "status", "median", "p5", "p95", "output"],
            "properties": {
                "section": {"type": "string"}, "metric": {"type": "string"},
                "unit": {"type": "string"},
                "status": {"enum": [VARIES, FIXED, INFEASIBLE, NOT_PROPAGATED]},
                "median": _NUM, "p5": _NUM, "p95": _NUM,
                "output": {"type": ["string", "null"]},
                "p_cheapest": {"type": "number", "minimum": 0, "maximum": 1}}}},
        "outputs": {"type": "array", "items": {
            "type": "object", "required": ["output", "median", "p5", "p95", "unit"],
            "properties": {"output": {"type": "string"}, "median": _NUM, "p5": _NUM,
                           "p95": _NUM, "unit": {"type": "string"}}}},
    },
}
