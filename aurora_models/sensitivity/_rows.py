"""The assumption interval of every summary row from a
:func:`~aurora_models.sensitivity.propagate_scenario` result.

A summary row names the output that measures it (:attr:`aurora_models._section.Row.output`):
an :class:`~aurora_models._section.Output` of the section's manifest, or a
:class:`~aurora_models._section.Derived` one (availability from the downtime), whose transform
is applied to every sampled vector before the quantiles (so a decreasing transform keeps
p5 <= p95). A row whose unit differs from its output's is left unmapped rather than wrong; a row
no output measures is ``not propagated``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..scenario._estimate import ASSUMPTION_UNCERTAINTY_JSON
from ._scenario import recentred

__all__ = ["ASSUMPTION_UNCERTAINTY_JSON", "JSON_SCHEMA", "AssumptionIntervals", "RowInterval",
           "assumption_intervals", "row_intervals", "targets"]


def targets(output: str, rows: Sequence) -> list[int]:
    """The positions of the summary ``rows`` that ``output`` measures (a row names its output,
    :attr:`aurora_models._section.Row.output`)."""
    return [i for i, r in enumerate(rows) if _output_of(r) == output]


def _output_of(row) -> str | None:
    return row[6] if len(row) > 6 else None


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
    """One :class:`RowInterval` per summary row (``rows``: :class:`~aurora_models._section.Row`
    s, each naming its output) from a
    :class:`~aurora_models.sensitivity._scenario.ScenarioPropagation`."""
    prop = propagation.propagation
    units: Mapping[str, str] = propagation.units
    derived = getattr(propagation, "derived", {})
    columns = {o: j for j, o in enumerate(prop.outputs)}
    out: list[RowInterval] = []
    for r in rows:
        output = _output_of(r)
        transform = None
        source = output
        if output in derived:
            source, unit, transform = derived[output]
        else:
            unit = units.get(output) if output is not None else None
        if output is None or source not in columns or unit != r[5]:
            out.append(RowInterval(NOT_PROPAGATED))  # a renamed unit: better unmapped than wrong
            continue
        y = np.asarray(prop.Y[:, columns[source]], dtype=float)
        if transform is not None:
            y = transform(y)
        iv = _interval(y, output)
        if r[0] == "cost":
            p = propagation.p_cheapest.get(r[1])
            if p is not None:
                iv = RowInterval(iv.status, iv.median, iv.p5, iv.p95, iv.output, p)
        out.append(iv)
    return out


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
    #: Keys the file sets whose declared spread was sampled around the file's value
    #: (``{key, value, distribution}``; an ``[uncertainty]`` entry replaces it).
    recentred: tuple[dict, ...] = ()

    #: How the interval is labelled apart from the Monte Carlo one.
    LABEL = "assumptions 90 %"
    DEFINITION = ("median and 90 % interval over the assumptions' distributions "
                  "(not Monte Carlo error)")

    def header(self) -> str:
        """One line: what the assumption columns are."""
        text = (f"Assumption intervals ({self.LABEL}): median [5 %, 95 %] of each row over "
                f"{self.n} quasi-random draws of {len(self.inputs)} uncertain inputs, not "
                f"Monte Carlo error; {self.infeasible} infeasible draw"
                f"{'s' if self.infeasible != 1 else ''}; 'fixed': no sampled input moves the "
                f"row; 'not propagated': not an output of the analysis")
        if self.recentred:
            text += ("; values the file sets, sampled with the declared spread around them "
                     "(an [uncertainty] entry replaces it): "
                     + ", ".join(f"{r['key']} = {r['value']:g} as {r['distribution']}"
                                 for r in self.recentred))
        return text

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
            "recentred": [dict(r) for r in self.recentred],
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
    sampled = set(prop.names)
    return AssumptionIntervals(
        n=int(Y.shape[0]), inputs=tuple(prop.names),
        infeasible=int(np.isnan(Y).all(axis=1).sum()) if Y.size else 0,
        rows=tuple(row_intervals(propagation, rows)), p_cheapest=dict(propagation.p_cheapest),
        p_meets_objectives=float(propagation.p_meets_objectives), objectives=", ".join(obj),
        outputs=outputs,
        recentred=tuple(r for r in recentred(scenario) if r["key"] in sampled))


_NUM = {"type": ["number", "null"]}
#: JSON Schema of the estimate document's ``assumption_uncertainty`` object (since schema 1.3;
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
        "recentred": {"type": "array", "items": {
            "type": "object", "required": ["key", "value", "distribution"],
            "properties": {"key": {"type": "string"}, "value": {"type": "number"},
                           "distribution": {"type": "string"}}}},
    },
}
