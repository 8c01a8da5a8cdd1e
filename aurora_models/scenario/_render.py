"""Presentation of a :class:`ScenarioResult`: text formats, plots and the one-page report.

Every renderer iterates the sections a result has (its registered manifests, in document
order): each section's rows and its :class:`~aurora_models._section.View` (labels, the best
row, missed objectives, lines, the report's summary, its own tables). None names a family, so
a partial result (``estimate(..., only=...)``) renders in every format. The report's HTML
comes from the package's jinja2 templates (``aurora_models/templates``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._format import unit_price as unit_price  # the report tests read it from here
from .._output import staged_output
from .._section import LineTable
from ..billing import bills_frame
from ..billing._bill import OPTION_LABELS as _BILL_LABELS
from ..billing._text import bill_cells as bill_lines
from ..exceptions import ParameterValueError
from ._estimate import ScenarioResult
from ._sections import registered
from ._views import MC_LABEL, Intervals, summary_context
from ._views import Line as _Line
from ._views import Part as _Part
from ._views import asm as _asm
from ._views import lines as _lines
from ._views import parts as _parts
from ._views import price_age as price_age  # the report tests read it from here

__all__ = ["FORMATS", "bill_lines", "plot_capacity", "plot_costs", "plot_downtime", "render",
           "render_bill", "write_report"]

FORMATS = ("table", "json", "csv", "markdown")

#: How the deployment options read in the plots (JSON and CSV keep the ids).
OPTION_LABELS = {
    **_BILL_LABELS,
    "provisioned": "provisioned",
    "configured_12_months": "configured option, 12 months",
}

def _md(text) -> str:
    """User text made inert in Markdown (no table breaks, emphasis, links or HTML)."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", str(text))


def _md_row(cells: Iterable[str]) -> str:
    """One Markdown table row (cells already escaped). A table is a few such lines: pandas'
    ``to_markdown`` would add ``tabulate`` and pad every cell, for nothing the tests need."""
    return "| " + " | ".join(cells) + " |"


def terminal_width() -> int | None:
    """The width the table format must fit: ``COLUMNS`` where set, else the terminal's; None
    (no limit) when the output is no terminal (a file, a pipe)."""
    import os
    import sys

    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return int(cols)
    try:
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        pass
    return None


#: The narrowest a wrapped text column gets (below it, lines wrap word by word anyway).
_MIN_WRAP = 16
#: The label width the table's narrow form keeps before it drops another column.
_WANT_LABEL = 24


def _natural_width(rows, indent: str = "") -> int:
    """The width of ``rows`` as unwrapped columns two spaces apart."""
    k = len(rows[0])
    return sum(max(len(r[i]) for r in rows) for i in range(k)) + 2 * (k - 1) + len(indent)


def fit_columns(rows: list[tuple[str, ...]], right: set[int], *, wrap: int, indent: str = "",
                width: int | None = None, widths: list[int] | None = None) -> list[str]:
    """Text rows as aligned columns (two spaces apart; ``right``: right-aligned columns),
    never wider than ``width``: the ``wrap`` column (a label) is wrapped on words to what the
    others leave, its continuation lines blank in the other columns."""
    k = len(rows[0])
    w = list(widths) if widths is not None else [max(len(r[i]) for r in rows) for i in range(k)]
    if width is not None:
        others = sum(w) - w[wrap] + 2 * (k - 1) + len(indent)
        w[wrap] = min(w[wrap], max(_MIN_WRAP, width - others))  # wrapped, never widened
    out = []
    for r in rows:
        parts = (textwrap.wrap(r[wrap], w[wrap]) or [""]) if len(r[wrap]) > w[wrap] else [r[wrap]]
        for n, part in enumerate(parts):
            cells = [part if i == wrap else (r[i] if n == 0 else "") for i in range(k)]
            line = indent + "  ".join(f"{c:>{w[i]}}" if i in right else f"{c:<{w[i]}}"
                                      for i, c in enumerate(cells))
            out.append(line.rstrip())
    return out


def _with_headings(cells, width: int) -> list[str]:
    """The summary rows under section headings, the table's narrow form: columns dropped until
    it fits ``width`` (first the section column, then the unit joins the value, then the
    intervals go to a line of their own below the value)."""
    def build(mode):
        groups = []
        for c in cells:
            marker, label, nums, unit = c[1], c[2], c[3:-1], c[-1]
            if mode == 0:
                rows = [(marker, label, *nums, unit)]
            elif mode == 1:
                rows = [(marker, label, f"{nums[0]} {unit}".strip(), *nums[1:])]
            else:
                rows = [(marker, label, f"{nums[0]} {unit}".strip())]
                rows += [("", "", x) for x in nums[1:] if x]
            groups.append((c[0], rows))
        return groups

    for mode in (0, 1, 2):
        groups = build(mode)
        rows = [r for _, g in groups for r in g]
        k = len(rows[0])
        label = max(len(r[1]) for r in rows)
        if _natural_width(rows, "  ") - label + _WANT_LABEL <= width or mode == 2:
            break
    w = [max(len(r[i]) for r in rows) for i in range(k)]
    w[1] = max(_MIN_WRAP, min(w[1], width - (sum(w) - w[1] + 2 * (k - 1) + 2)))
    out, last = [], None
    for section, g in groups:
        if section and section != last:
            out.append(section)
        last = section or last
        out += fit_columns(g, {2}, wrap=1, indent="  ", widths=w)
    return out


def _table_text(t: LineTable, width: int | None = None) -> list[str]:
    """A section's table (a bill) in the terminal: too wide, the columns between the label
    and the last go to a line of their own under the label (a bill's quantity and price)."""
    title = t.title + ":"
    head = textwrap.wrap(title, width) if width else [title]
    cells = list(t.rows)
    if width is None or _natural_width(cells, "  ") <= width:
        return head + fit_columns(cells, set(t.right), wrap=t.wrap, indent="  ", width=width)
    rows = []
    for r in cells:
        rows.append((*r[:t.wrap + 1], r[-1]))
        middle = r[t.wrap + 1:-1]
        if any(middle):
            rows.append(("",) * t.wrap + (f"  {' '.join(middle)}", ""))
    return head + fit_columns(rows, set(), wrap=t.wrap, indent="  ", width=width)


def _table_md(t: LineTable) -> list[str]:
    out = [f"### {_md(t.title)}", "", _md_row(t.head), _md_row("---" for _ in t.head)]
    out += [_md_row(_md(x) for x in c) for c in t.rows]
    return [*out, ""]


def _bills_part(doc: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The name and JSON part of the section that builds the bills (``collects_bill_lines``)."""
    for s in registered():
        if s.collects_bill_lines and s.name in doc:
            return s.name, doc[s.name]
    want = next((s.name for s in registered() if s.collects_bill_lines), "cost")
    raise ParameterValueError(f"`result` must have the bills (its {want!r} section) to render "
                              f"them, got a result of {', '.join(_section_names(doc)) or 'no'} "
                              f"section(s) only (estimate without `only`, or with only=({want!r},))")


def _section_names(doc: Mapping[str, Any]) -> list[str]:
    return [s.name for s in registered() if s.name in doc]


def render_bill(result, fmt: str = "csv") -> str:
    """Every line of every option's bill, as text.

    Parameters
    ----------
    result : ScenarioResult or dict
        An estimate (:func:`estimate`), or its JSON document.
    fmt : {"csv", "table", "json"}
        ``csv`` (the ``bill.csv`` columns), ``table`` (one block per option) or ``json``.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=100, only=("cost",))
    >>> scenario.render_bill(r).splitlines()[0]
    'scenario,option,region,line,quantity,unit,unit_price_usd,amount_usd,configured,cheapest'
    """
    doc = result.to_dict() if isinstance(result, ScenarioResult) else result
    name, part = _bills_part(doc)
    if fmt == "csv":
        return bills_frame(part["bills"], scenario=doc["scenario"]["name"]).to_csv(
            index=False, lineterminator="\n")
    if fmt == "json":
        return json.dumps(part["bills"], indent=2, allow_nan=False) + "\n"
    if fmt != "table":
        raise ParameterValueError(f"`format` must be one of 'csv', 'json', 'table' for the "
                                  f"bill, got {fmt!r}")
    view = next(p.view for p in _parts(doc) if p.name == name)
    out = []
    width = terminal_width()
    for t in view.tables:
        out += [*_table_text(t, width), ""]
    return "\n".join(out)


def missed_objectives(doc: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(section, metric, message)`` of each objective the configured cluster misses, for the
    row that shows it (from the sections' views, in document order)."""
    return [(p.name, m, f"objective missed: {msg}") for p in _parts(doc)
            for m, msg in p.view.missed.items()]


def _text_extra(doc: Mapping[str, Any], parts: list[_Part],
                uncertainty: Intervals | None) -> list[str]:
    """The lines under the table of the text formats: missed objectives, each section's
    lines, the objectives' probability over the assumptions, the notes, the assumptions."""
    extra = [f"OBJECTIVE MISSED: {msg}" for p in parts for msg in p.view.missed.values()]
    extra += [line for p in parts for line in (*p.view.text_lines, *p.view.lines)]
    if uncertainty is not None:
        extra.append(uncertainty.objectives_line())
    extra += [f"note: {n}" for n in doc["notes"]]
    n_asm = len(doc["assumptions"]["scenario"]) + len(doc["assumptions"]["models"])
    extra.append(f"assumptions: {n_asm} (scenario keys marked ASSUMPTION in the file and the "
                 "model registry; --format json lists them all)")
    return extra


def _head_line(doc: Mapping[str, Any]) -> str:
    sc = doc["scenario"]
    return (f"{sc['name']} ({sc['source']}): {sc['trials']:,} trials, seed {sc['seed']}, "
            f"horizon {sc['horizon_hours']:g} h")


def _render_json(doc: Mapping[str, Any], parts: list[_Part], lines: list[_Line],
                uncertainty: Intervals | None, width: int | None) -> str:
    if uncertainty is not None:
        doc = {**doc, "assumption_uncertainty": uncertainty.to_dict([ln.row for ln in lines])}
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"


def _render_csv(doc: Mapping[str, Any], parts: list[_Part], lines: list[_Line],
               uncertainty: Intervals | None, width: int | None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["section", "metric", "value", "ci_low", "ci_high", "unit"]
    if uncertainty is not None:
        head += ["assumption_status", "assumption_median", "assumption_p5",
                 "assumption_p95", "p_cheapest"]
    w.writerow(head)
    for ln in lines:
        cells = ["" if x is None else x for x in ln.row[:6]]
        iv = ln.iv
        if iv is not None:  # every row has one with ``uncertainty``
            cells += [iv.status, *("" if x is None else x
                                   for x in (iv.median, iv.p5, iv.p95, iv.p_cheapest))]
        w.writerow(cells)
    return buf.getvalue()


def _render_markdown(doc: Mapping[str, Any], parts: list[_Part], lines: list[_Line],
                    uncertainty: Intervals | None, width: int | None) -> str:
    out = [f"# {_md(doc['scenario']['name'])}", "", _md(_head_line(doc)), ""]
    if uncertainty is None:
        out += ["| section | metric | value | 95% CI | unit |", "| --- | --- | --- | --- | --- |"]
    else:
        out += [_md(uncertainty.header()), "",
                f"| section | metric | value | {MC_LABEL} | {uncertainty.LABEL}: median "
                "\\[5 %, 95 %\\] | unit |",
                "| --- | --- | --- | --- | --- | --- |"]
    for ln in lines:
        name = f"**{_md(ln.label)}**" if ln.best else _md(ln.label)
        if ln.missed:
            name += " **(objective missed)**"
        asm = "" if ln.iv is None else f"{_md(_asm(ln.iv, ln.row.unit))} | "
        out.append(f"| {_md(ln.part.title)} | {name} | {ln.value} | {ln.ci} | "
                   f"{asm}{_md(ln.unit)} |")
    out += ["", *(f"- {_md(e)}" for e in _text_extra(doc, parts, uncertainty))]
    for p in parts:
        shown = [t for t in p.view.tables if t.shown]
        if shown or p.view.tables_heading:
            out += ["", f"## {p.view.tables_heading}", ""]
            for t in shown:
                out += _table_md(t)
    out += ["", "## Scenario assumptions", "", "| key | value | unit |", "| --- | --- | --- |"]
    out += [f"| {a['key']} | {_md(a['value'])} | {_md(a['unit'])} |"
            for a in doc["assumptions"]["scenario"]]
    return "\n".join(out) + "\n"


def _render_table(doc: Mapping[str, Any], parts: list[_Part], lines: list[_Line],
                 uncertainty: Intervals | None, width: int | None) -> str:
    # the marker (* cheapest, ! objective missed) in a column of its own: a label wraps beside it
    cells: list[tuple[str, ...]] = [
        (ln.part.title, "*" if ln.best else "!" if ln.missed else "", ln.label, ln.value, ln.ci,
         ln.unit) for ln in lines]
    if uncertainty is not None:  # the assumption interval after the Monte Carlo one
        cells = [(*c[:5], "" if ln.iv is None else _asm(ln.iv, ln.row.unit), c[5])
                 for c, ln in zip(cells, lines, strict=True)]
        cells.insert(0, ("", "", "", "value", MC_LABEL,
                         f"{uncertainty.LABEL}: median [5 %, 95 %]", "unit"))
    head = _head_line(doc)
    out = [*(textwrap.wrap(head, width) if width else [head]), ""]
    if uncertainty is not None:
        out += [*textwrap.wrap(uncertainty.header(), min(width or 100, 100)), ""]
    if cells:
        blanked, last = [], None
        for c in cells:  # a section's name on its first row only
            blanked.append((c[0] if c[0] != last else "", *c[1:]))
            last = c[0]
        if width is None or _natural_width(blanked) <= width:
            out += fit_columns(blanked, {3}, wrap=2, width=width)
        else:  # too wide: each section a heading of its own, its rows beneath (one column less)
            out += _with_headings(cells, width)

    def para(text: str) -> list[str]:
        return textwrap.wrap(text, width, subsequent_indent="  ") if width else [text]

    out += ["", *(line for e in _text_extra(doc, parts, uncertainty) for line in para(e)), ""]
    for p in parts:
        for t in p.view.tables:
            if t.shown:
                out += [*_table_text(t, width), ""]
        out += [line for f in p.view.footer for line in para(f)]
    return "\n".join(out) + "\n"


_RENDERERS = {"table": _render_table, "json": _render_json, "csv": _render_csv,
              "markdown": _render_markdown}


def render(result: ScenarioResult | dict, fmt: str = "table", *, uncertainty=None,
           width: int | None = -1) -> str:
    """Render the result as text: a terminal table, Markdown, CSV or JSON.

    Each format shows the sections the result has (a partial result of
    ``estimate(..., only=...)`` renders the parts it has).

    Parameters
    ----------
    result : ScenarioResult or dict
        An estimate (:func:`estimate`), or its JSON document.
    fmt : {"table", "markdown", "csv", "json"}
        ``table`` (terminal), ``markdown``, ``csv`` (one row per headline number: section,
        metric, value, ci_low, ci_high, unit) or ``json`` (the full document).
    uncertainty : AssumptionIntervals, optional
        From ``estimate --uncertainty``
        (:class:`~aurora_models.sensitivity._rows.AssumptionIntervals`): every row also shows
        its assumption interval, labelled apart from the Monte Carlo interval (csv:
        ``assumption_status, assumption_median, assumption_p5, assumption_p95, p_cheapest``;
        json: ``assumption_uncertainty``).
    width : int or None
        The table format is never wider (labels wrap); None: no limit; default (-1) the
        terminal's (``COLUMNS``, else no limit when the output is no terminal).

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=100, only=("availability",))
    >>> scenario.render(r, "csv").splitlines()[0]
    'section,metric,value,ci_low,ci_high,unit'
    """
    doc = result.to_dict() if isinstance(result, ScenarioResult) else result
    if width == -1:
        width = terminal_width()
    parts = _parts(doc)
    lines = _lines(parts, uncertainty)
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ParameterValueError(f"`format` must be one of {', '.join(map(repr, FORMATS))}, "
                                  f"got {fmt!r}")
    return renderer(doc, parts, lines, uncertainty, width)


def plot_capacity(result: ScenarioResult, ax=None):
    """Hourly peak demand and capacity of the writer and of each reader (ACU).

    A provisioned cluster's configured classes are drawn at their ACU-equivalents.

    A week at 10-second steps is tens of thousands of points, drawn as a dense band; the hourly
    maximum keeps what matters (the daily cycle, the event and whether capacity keeps up) and
    reads at a glance. The event is shaded.

    Parameters
    ----------
    result : ScenarioResult
        An estimate that ran the ``serverless`` section.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new 8 x 3.5 in figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from aurora_models import scenario
    >>> s = scenario.load().replace(workload__days=3, workload__step_s=60)
    >>> r = scenario.estimate(s, n_trials=100, only=("serverless",))
    >>> ax = scenario.plot_capacity(r)
    >>> ax.get_ylabel()
    'ACU'
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    ax = ax or plt.subplots(figsize=(8, 3.5))[1]
    t = np.asarray(result.demand["time_h"])
    hour = np.floor(t).astype(int)
    hours = np.unique(hour)

    def hourly_max(x):
        out = np.full(hours.size, -np.inf)
        np.maximum.at(out, np.searchsorted(hours, hour), np.asarray(x))
        return out

    colours = {"writer": "tab:blue", "reader": "tab:red"}
    for role, c in result.capacity.items():
        if c is None:
            continue
        label = "writer" if role == "writer" else "each reader"
        ax.plot(hours, hourly_max(c.demand_acu), color=colours[role], lw=0.8, ls=":",
                label=f"{label} demand (hourly peak)")
        ax.plot(hours, hourly_max(c.capacity_acu), color=colours[role], lw=1.2,
                label=f"{label} capacity (hourly peak)")
    # a provisioned cluster: the configured class's capacity (the right-sizing section's)
    sizing = result.sections.get("rightsizing") or {}
    levels: dict[tuple[str, float], list[str]] = {}
    for x in sizing.get("roles", ()):
        if x["configured"] != "Serverless v2" and x["role"] in ("writer", "each reader"):
            levels.setdefault((x["configured"], x["capacity_acu"]), []).append(x["role"])
    for (cls, acu), roles in levels.items():
        ax.axhline(acu, color="0.3", lw=1.0, ls="--",
                   label=f"{' and '.join(roles)}: {cls} ({acu:g} ACU-equivalent)")
    in_event = np.asarray(result.demand["in_event"])
    if in_event.any():
        ax.fill_between(t, 0, 1, where=in_event, color="0.85", transform=ax.get_xaxis_transform(),
                        label="event", zorder=0)
    ax.set_xlabel("hour of the simulated period")
    ax.set_ylabel("ACU")
    ax.set_xlim(float(t[0]), float(t[-1]))
    ax.set_ylim(bottom=0)
    ax.set_title("Serverless v2 capacity profile")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    ax.figure.tight_layout()
    return ax


def plot_costs(result: ScenarioResult, ax=None):
    """Monthly cost per deployment option, stacked by component; the cheapest bar is marked.

    Parameters
    ----------
    result : ScenarioResult
        An estimate that ran the ``cost`` section.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new 8 x 3.5 in figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=100, only=("cost",))
    >>> ax = scenario.plot_costs(r)
    >>> ax.get_xlabel()
    'USD per month'
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(8, 3.5))[1]
    frame = result.cost_frame()
    left = [0.0] * len(frame)
    names = [OPTION_LABELS.get(o, o) for o in frame["option"]]
    for part in ("compute", "storage", "io", "backup", "replicated_io", "secondary",
                 "transfer", "other"):
        vals = frame[f"{part}_usd"].to_list()
        if not any(vals):
            continue
        ax.barh(names, vals, left=left, label=part.replace("_", " "))
        left = [a + b for a, b in zip(left, vals, strict=True)]
    for i, (tot, cheap) in enumerate(zip(frame["total_usd"], frame["cheapest"], strict=True)):
        ax.text(tot, i, f" ${tot:,.0f}" + (" (cheapest)" if cheap else ""), va="center",
                fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, float(frame["total_usd"].max()) * 1.25)  # room for the total labels
    ax.set_xlabel("USD per month")
    ax.set_title("Monthly cost per deployment option")
    # Below the axes, so it never covers a bar or a label.
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False)
    ax.figure.tight_layout()
    return ax


def plot_downtime(result: ScenarioResult, ax=None):
    """Histogram of simulated annual downtime (minutes per year).

    Parameters
    ----------
    result : ScenarioResult
        An estimate that ran the ``availability`` section.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: a new 8 x 3.5 in figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=100, only=("availability",))
    >>> ax = scenario.plot_downtime(r)
    >>> ax.get_ylabel()
    'simulated years'
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(8, 3.5))[1]
    ax.hist(result.downtime_years, bins=60, color="tab:blue", alpha=0.8)
    av = result.sections["availability"]
    mean = av["annual_downtime_minutes"]["value"]
    p99 = av["annual_downtime_minutes_p99"]["value"]
    ax.axvline(mean, color="k", ls="--", label=f"closed-form mean {mean:.3g} min")
    ax.axvline(p99, color="tab:red", ls=":", label=f"P99 year (Monte Carlo) {p99:.3g} min")
    ax.set_xlabel("writer downtime in a year, minutes")
    ax.set_ylabel("simulated years")
    ax.set_title(result.sections["availability"]["deployment"])
    ax.legend(fontsize=8)
    return ax




#: The report's figures: file name, function, caption, and the sections each needs (a partial
#: result gets the figures of the sections it has).
_PLOTS = (("capacity.png", plot_capacity,
           "Serverless v2 capacity against demand over the simulated period, writer and each "
           "reader (ACU)", ("workload", "serverless")),
          ("cost.png", plot_costs, "Monthly bill per deployment option, stacked by component; "
                                   "the cheapest complete bill is marked", ("cost",)),
          ("downtime.png", plot_downtime, "Simulated writer downtime per year (histogram) and "
                                          "the closed-form mean", ("availability",)))


def _plots(result: ScenarioResult) -> list[tuple[str, Any, str, tuple[str, ...]]]:
    return [p for p in _PLOTS if all(s in result.results for s in p[3])]


def write_report(result: ScenarioResult, out_dir: str | Path, *,
                 uncertainty=None, today=None) -> list[Path]:
    """Write the plots, the JSON document, the CSV tables and an HTML report into a folder.

    The files are the plots (PNG), ``estimate.json``, ``summary.csv`` (the headline rows),
    ``bill.csv`` (every line of every option's bill) and a self-contained ``report.html``
    (plots embedded). Everything is written through
    :func:`aurora_models._output.staged_output`: into a staging folder first, every target
    checked, then moved into place; a failure leaves no partial output. A partial result
    (``estimate(..., only=...)``) gets the plots of the sections it has, and ``bill.csv``
    when it has the bills.

    Parameters
    ----------
    result : ScenarioResult
        An estimate.
    out_dir : str or Path
        The output folder: it becomes a link to a new versioned folder beside it
        (``out -> .out.v1``), swapped in one step; a non-empty folder this writer did not make
        is refused.
    uncertainty : AssumptionIntervals, optional
        As for :func:`render`: the rows of the JSON, CSV and HTML files carry their
        assumption intervals.
    today : datetime.date, optional
        The date on which the report gives the price book's age (default the system's date).

    Returns
    -------
    list of pathlib.Path
        Exactly the paths written.

    Examples
    --------
    Rendering the three PNGs takes over a second, so the call is not run as a doctest
    (``tests/test_honest_output.py`` runs it):

    >>> import datetime, pathlib, tempfile
    >>> from aurora_models import scenario
    >>> r = scenario.estimate(scenario.load(), n_trials=100)
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     paths = scenario.write_report(r, pathlib.Path(d) / "out",
    ...                                   today=datetime.date(2026, 1, 1))
    ...     names = sorted(p.name for p in paths)
    >>> names  # doctest: +SKIP
    ['bill.csv', 'capacity.png', 'cost.png', 'downtime.png', 'estimate.json', 'report.html', 'summary.csv']
    """
    import matplotlib

    images = {}
    doc = result.to_dict()
    with staged_output(out_dir) as stage:
        with matplotlib.rc_context({"figure.dpi": 100}):
            import matplotlib.pyplot as plt

            for name, fn, _, _ in _plots(result):
                fig, ax = plt.subplots(figsize=(8, 3.5))
                try:
                    fn(result, ax=ax)
                    fig.tight_layout()
                    fig.savefig(stage.path(name))
                finally:
                    plt.close(fig)
                images[name] = stage.path(name).read_bytes()
        stage.write_text("estimate.json", render(doc, "json", uncertainty=uncertainty))
        stage.write_text("summary.csv", render(doc, "csv", uncertainty=uncertainty))
        if any(s.collects_bill_lines and s.name in doc for s in registered()):
            stage.write_text("bill.csv", render_bill(doc, "csv"))
        stage.write_text("report.html", _html(result, images, uncertainty=uncertainty,
                                              today=today))
    return stage.written


def report_context(result: ScenarioResult, images: Mapping[str, bytes] | None = None, *,
                   uncertainty: Intervals | None = None,
                   today: datetime.date | None = None) -> dict[str, Any]:
    """What the report's template (``report.html.j2``) shows: the document's summary
    (:func:`._views.summary_context`), the what-if line and the figures (PNG, base64)."""
    import base64

    images = images or {}
    return {**summary_context(result.to_dict(), uncertainty, today),
            "what_if": result.scenario["cluster"]["capacity"] != "serverless",
            "figures": [{"caption": cap,
                         "png": base64.b64encode(images[n]).decode() if n in images else ""}
                        for n, _, cap, _ in _plots(result)]}


def _html(result: ScenarioResult, images: Mapping[str, bytes] | None = None, *,
          uncertainty: Intervals | None = None,
          today: datetime.date | None = None) -> str:
    """The one-page report (``report.html``), from ``templates/report.html.j2``."""
    # light: the templates load jinja2 only when a report is written
    from .._templates import render_template

    return render_template("report.html.j2", **report_context(
        result, images, uncertainty=uncertainty, today=today))
