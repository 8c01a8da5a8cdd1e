"""A result's sections as every format shows them: each registered section the JSON document
has, its headline rows and its :class:`~aurora_models._section.View`; the report's summary,
rows and lines from them. Works on the document alone (a saved ``estimate.json`` renders the
same), so the renderers (:mod:`._render`) and the result's own reprs (:mod:`._estimate`) share
it without importing each other."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .._format import ci_text, shown_unit
from .._format import value_text as _fmt
from .._section import Row, View
from ..exceptions import ParameterValueError
from ._sections import registered

__all__ = ["MC_LABEL", "Intervals", "Line", "Part", "asm", "estimate_rows", "facts", "lines",
           "parts", "price_age", "summary_context"]


class RowIntervalLike(Protocol):
    """A row's assumption interval (:class:`~aurora_models.sensitivity._rows.RowInterval`)."""

    status: str
    median: float | None
    p5: float | None
    p95: float | None
    p_cheapest: float | None


class Intervals(Protocol):
    """What the renderers read of ``estimate --uncertainty``'s intervals
    (:class:`~aurora_models.sensitivity._rows.AssumptionIntervals`)."""

    LABEL: str

    @property
    def rows(self) -> Sequence[RowIntervalLike]: ...

    def header(self) -> str: ...

    def objectives_line(self) -> str: ...

    def to_dict(self, rows: Sequence[Any]) -> dict[str, Any]: ...


#: Column titles of the two intervals (the Monte Carlo one alone without ``--uncertainty``).
MC_LABEL = "MC 95 % CI"


@dataclass(frozen=True)
class Part:
    """A section a result has: its name, title, headline rows and view."""

    name: str
    title: str
    rows: list[Row]
    view: View


def parts(doc: Mapping[str, Any]) -> list[Part]:
    """The registered sections present in ``doc``, in document order (their rows together
    are :func:`~aurora_models.scenario.summary_rows`)."""
    out = []
    for s in registered():
        if s.name in doc:
            part = doc[s.name]
            out.append(Part(s.name, s.title, s.rows(part),
                             s.view(part) if s.view is not None else View()))
    return out


@dataclass(frozen=True)
class Line:
    """One headline row as every format shows it."""

    part: Part
    row: Row
    iv: RowIntervalLike | None  # its assumption interval (``--uncertainty``)

    @property
    def best(self) -> bool:
        return self.row.metric == self.part.view.best

    @property
    def missed(self) -> bool:
        return self.row.metric in self.part.view.missed

    @property
    def label(self) -> str:
        return self.part.view.label(self.row.metric)

    @property
    def value(self) -> str:
        return _fmt(self.row.value, self.row.unit)

    @property
    def ci(self) -> str:
        return ci_text(self.row.ci_low, self.row.ci_high, self.row.unit)

    @property
    def unit(self) -> str:
        return shown_unit(self.row.unit)


def lines(parts: list[Part], uncertainty: Intervals | None) -> list[Line]:
    rows = [(p, r) for p in parts for r in p.rows]
    ivs = [None] * len(rows) if uncertainty is None else uncertainty.rows
    if len(ivs) != len(rows):
        raise ParameterValueError("`uncertainty` must be of this result's rows "
                                  f"({len(rows)} rows, got {len(ivs)} intervals)")
    return [Line(p, r, iv) for (p, r), iv in zip(rows, ivs, strict=True)]


def asm(iv: RowIntervalLike, unit: str) -> str:
    """A row's assumption interval as shown: ``median [p5, p95]``, ``fixed``, ``infeasible``
    or ``not propagated``; a cost row adds the share of draws in which its option is the
    cheapest."""
    if iv.status == "varies":
        text = f"{_fmt(iv.median, unit)} [{_fmt(iv.p5, unit)}, {_fmt(iv.p95, unit)}]"
    elif iv.status == "fixed":
        text = "fixed"
    else:
        text = iv.status
    if iv.p_cheapest is not None:
        text += f"; P(cheapest) {iv.p_cheapest:.0%}"
    return text


#: Column titles of the two intervals (the Monte Carlo one alone without ``--uncertainty``).
MC_LABEL = "MC 95 % CI"


def price_age(as_of: str, today: datetime.date | None = None) -> str:
    """How old the price book is on ``today`` (default the system's date), in words, with the
    way to refresh it when it is older than half a year."""
    today = datetime.date.today() if today is None else today
    try:
        days = (today - datetime.date.fromisoformat(str(as_of)[:10])).days
    except ValueError:
        return f"as of {as_of}"
    text = f"as of {as_of}, {days:,} day{'s' if days != 1 else ''} before this report"
    if days > 183:
        text += (" (older than half a year: refresh it from AWS's price list with "
                 "pricing.import_offer_file and [pricing] offer_file)")
    return text


def facts(parts: list[Part]) -> list[tuple[str, str]]:
    """The report's summary: every section's facts by rank, then the missed objectives."""
    ranked = sorted((f for p in parts for f in p.view.facts), key=lambda f: f.rank)
    return ([(f.label, f.text) for f in ranked]
            + [("OBJECTIVE MISSED", f"objective missed: {m}") for p in parts
               for m in p.view.missed.values()])


def estimate_rows(lines: list[Line]) -> list[dict[str, str]]:
    """The report's estimates table, one dict per row (the template's cells)."""
    return [{"cls": "cheap" if ln.best else "missed" if ln.missed else "",
             "title": ln.part.title, "label": ln.label, "value": ln.value, "ci": ln.ci,
             "unit": ln.unit,
             "asm": "" if ln.iv is None else asm(ln.iv, ln.row.unit),
             "asm_cls": "" if ln.iv is None else ("n" if ln.iv.status == "varies" else "q")}
            for ln in lines]


def summary_context(doc: Mapping[str, Any], uncertainty: Intervals | None = None,
                    today: datetime.date | None = None) -> dict[str, Any]:
    """What the report's template (``report.html.j2``) and a result's ``_repr_html_`` show of
    the document: plain values, escaped by the template (the report adds its figures)."""
    ps = parts(doc)
    return {
        "scenario": doc["scenario"],
        "facts": facts(ps),
        "dated": [{"what": d.what, "age": price_age(d.as_of, today), "source": d.source}
                  for p in ps for d in p.view.dated],
        "asm_label": "" if uncertainty is None else uncertainty.LABEL,
        "mc_label": MC_LABEL,
        "asm_notes": [] if uncertainty is None else [uncertainty.header(),
                                                     uncertainty.objectives_line()],
        "rows": estimate_rows(lines(ps, uncertainty)),
        "lines": [line for p in ps for line in p.view.lines] + list(doc["notes"]),
        "table_groups": [(p.view.report_heading, p.view.tables) for p in ps if p.view.tables],
        "assumptions": [(a["key"], str(a["value"]), a["unit"])
                        for a in doc["assumptions"]["scenario"]],
    }
