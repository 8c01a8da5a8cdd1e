"""Presentation of a :class:`ScenarioResult`: text formats, plots and the one-page report."""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
from pathlib import Path

from .._output import staged_output
from ..billing import bills_frame
from ..billing._bill import OPTION_LABELS as _BILL_LABELS
from ..exceptions import ParameterValueError
from ._estimate import ScenarioResult, summary_rows
from ._sections import registered

__all__ = ["FORMATS", "bill_lines", "plot_capacity", "plot_costs", "plot_downtime", "render",
           "render_bill", "write_report"]

FORMATS = ("table", "json", "csv", "markdown")


def _fmt(value, unit: str) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    v = float(value)
    if unit in ("USD/month", "USD/12 months", "USD"):
        return f"${v:,.0f}"
    if unit == "fraction" and 0.99 < v < 1:
        return f"{100 * v:.5f} %"
    if unit == "fraction":
        return f"{100 * v:.3g} %"
    if unit == "readers":
        return f"{int(v)} reader{'s' if int(v) != 1 else ''}"
    return f"{v:.4g}"


#: How the deployment options read in tables and reports (JSON and CSV keep the ids).
OPTION_LABELS = {
    **_BILL_LABELS,
    "provisioned": "provisioned",
    "configured_12_months": "configured option, 12 months",
}


def _title(section: str) -> str:
    """A section's title as the tables show it (its registered adapter's title)."""
    return _titles().get(section, section)


@functools.lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    return {s.name: s.title for s in registered()}


def _label(section: str, metric: str, cheapest: str | None) -> str:
    if section != "cost":
        return metric
    text = OPTION_LABELS.get(metric, metric)
    return text + (" (cheapest)" if metric == cheapest else "")


def _shown_unit(unit: str) -> str:
    """The unit column as people read it: a share is already shown as a percentage, a count
    of readers says so in its value (csv and json keep the unit as it is)."""
    return "" if unit in ("readers", "fraction") else unit


def _md(text) -> str:
    """User text made inert in Markdown (no table breaks, emphasis, links or HTML)."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", str(text))


def _ci(lo, hi, unit: str, value) -> str:
    """The interval as shown, or nothing when it would say nothing (``[$726, $726]``)."""
    if lo is None or hi is None:
        return ""
    a, b = _fmt(lo, unit), _fmt(hi, unit)
    if a == b:
        return ""
    return f"[{a}, {b}]"



def _decision_line(alt: dict) -> str:
    """The Aurora-vs-RDS outcome in words, with the objectives that ruled out cheaper options."""
    binding = ", ".join(alt["binding_constraints"]) or "none"
    if alt["recommendation"] is None:
        return ("Aurora vs RDS (provisioned, daily peak): no deployment meets every objective "
                f"(binding: {binding})")
    return (f"Aurora vs RDS (provisioned, daily peak): {alt['recommendation']} "
            f"(objectives that ruled out cheaper options: {binding})")

def _usd(x) -> str:
    return "n/a" if x is None else f"${x:,.2f}"


def _qty(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


def unit_price(usd: float) -> str:
    """A unit price as AWS lists it: cents at least, up to five decimals ($0.10, $0.225,
    $0.86515, $1,234.50)."""
    text = f"{usd:,.5f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def bill_lines(bill: dict) -> list[tuple[str, str, str, str, str]]:
    """One option's lines as text cells: region, line, ``quantity unit``, ``x $price``,
    ``= $amount``; then the monthly and 12-month totals and what could not be priced."""
    out = [(li["region"], li["line"], f"{_qty(li['quantity'])} {li['unit']}",
            f"x {unit_price(li['unit_price_usd'])}", f"= {_usd(li['amount_usd'])}")
           for li in bill["lines"]]
    out.append(("", "total per month", "", "", f"= {_usd(bill['total_usd'])}"))
    out.append(("", "total over 12 months", "", "", f"= {_usd(bill['total_12_months_usd'])}"))
    for m in bill["missing"]:
        out.append(("", f"NOT PRICED: {m}", "", "", ""))
    return out


def _bill_title(bill: dict) -> str:
    flags = [w for w, on in (("configured", bill["configured"]), ("cheapest", bill["cheapest"]))
             if on]
    term = f", term {bill['reserved_term']}" if bill.get("reserved_term") else ""
    return (f"Bill: {bill['label']}{term} ({bill['instance_classes']})"
            + (f" [{', '.join(flags)}]" if flags else ""))


def _shown_bills(doc: dict) -> list[dict]:
    """The bills the text formats spell out: the configured option, and the cheapest."""
    return [b for b in doc.get("cost", {}).get("bills", []) if b["configured"] or b["cheapest"]]


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
    import textwrap

    k = len(rows[0])
    w = list(widths) if widths is not None else [max(len(r[i]) for r in rows) for i in range(k)]
    if width is not None:
        others = sum(w) - w[wrap] + 2 * (k - 1) + len(indent)
        w[wrap] = max(_MIN_WRAP, min(w[wrap], width - others))
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


def _table_bill(bill: dict, width: int | None = None) -> list[str]:
    import textwrap

    title = _bill_title(bill) + ":"
    head = textwrap.wrap(title, width) if width else [title]
    cells = bill_lines(bill)
    if width is None or _natural_width(cells, "  ") <= width:
        return head + fit_columns(cells, {2}, wrap=1, indent="  ", width=width)
    # too wide: the quantity and the price on a line of their own under the line's text
    rows = []
    for region, line, qty, price, amount in cells:
        rows.append((region, line, amount))
        if qty:
            rows.append(("", f"  {qty} {price}", ""))
    return head + fit_columns(rows, set(), wrap=1, indent="  ", width=width)


def _md_bill(bill: dict) -> list[str]:
    out = [f"### {_md(_bill_title(bill))}", "", "| region | line | quantity | unit price | amount |",
           "| --- | --- | --- | --- | --- |"]
    out += [f"| {' | '.join(_md(x) for x in c)} |" for c in bill_lines(bill)]
    return [*out, ""]


def render_bill(result, fmt: str = "csv") -> str:
    """Every line of every option's bill: ``csv`` (the ``bill.csv`` columns) or ``table``."""
    doc = result.to_dict() if isinstance(result, ScenarioResult) else result
    if fmt == "csv":
        return bills_frame(doc["cost"]["bills"], scenario=doc["scenario"]["name"]).to_csv(
            index=False, lineterminator="\n")
    if fmt == "json":
        return json.dumps(doc["cost"]["bills"], indent=2, allow_nan=False) + "\n"
    out = []
    width = terminal_width()
    for b in doc["cost"]["bills"]:
        out += [*_table_bill(b, width), ""]
    return "\n".join(out)


def _cheapest_label(cost: dict) -> str:
    if cost["cheapest"] is None:
        return "none (every bill misses a price, see the notes)"
    return OPTION_LABELS.get(cost["cheapest"], cost["cheapest"])


def _configured_line(cost: dict) -> str:
    label = OPTION_LABELS.get(cost["configured"], cost["configured"])
    if cost.get("configured_unavailable"):
        return f"configured: {label} is unavailable as written: {cost['configured_unavailable']}"
    conf = next((o for o in cost["options"] if o["option"] == cost["configured"]), {})
    gaps = len(conf.get("missing", []))
    return (f"configured: {label} at ${cost['configured_total_usd']:,.0f}/month, "
            f"${cost['configured_total_12_months_usd']:,.0f} over 12 months"
            + (f" (incomplete: {gaps} dimension{'s' if gaps != 1 else ''} not priced)"
               if gaps else ""))


def _asm(iv, unit: str) -> str:
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


def render(result: ScenarioResult | dict, fmt: str = "table", *, uncertainty=None,
           width: int | None = -1) -> str:
    """The result as text: ``table`` (terminal), ``markdown``, ``csv`` (one row per headline
    number: section, metric, value, ci_low, ci_high, unit) or ``json`` (the full document).

    ``uncertainty``: an :class:`~aurora_models.sensitivity._rows.AssumptionIntervals` (from
    ``estimate --uncertainty``): every row also shows its assumption interval, labelled apart
    from the Monte Carlo interval (csv: ``assumption_status, assumption_median, assumption_p5,
    assumption_p95, p_cheapest``; json: ``assumption_uncertainty``).

    ``width``: the table format is never wider (labels wrap); default the terminal's
    (:func:`terminal_width`: ``COLUMNS``, else no limit when the output is no terminal)."""
    doc = result.to_dict() if isinstance(result, ScenarioResult) else result
    if width == -1:
        width = terminal_width()
    rows = summary_rows(doc)
    ivs = None if uncertainty is None else uncertainty.rows
    if ivs is not None and len(ivs) != len(rows):
        raise ParameterValueError("`uncertainty` must be of this result's rows "
                         f"({len(rows)} rows, got {len(ivs)} intervals)")
    if fmt == "json":
        if uncertainty is not None:
            doc = {**doc, "assumption_uncertainty": uncertainty.to_dict(rows)}
        return json.dumps(doc, indent=2, allow_nan=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        head = ["section", "metric", "value", "ci_low", "ci_high", "unit"]
        if ivs is not None:
            head += ["assumption_status", "assumption_median", "assumption_p5",
                     "assumption_p95", "p_cheapest"]
        w.writerow(head)
        for i, r in enumerate(rows):
            cells = ["" if x is None else x for x in r[:6]]
            if ivs is not None:
                iv = ivs[i]
                cells += [iv.status, *("" if x is None else x
                                       for x in (iv.median, iv.p5, iv.p95, iv.p_cheapest))]
            w.writerow(cells)
        return buf.getvalue()
    sc = doc["scenario"]
    head = (f"{sc['name']} ({sc['source']}): {sc['trials']:,} trials, seed {sc['seed']}, "
            f"horizon {sc['horizon_hours']:g} h")
    # a partial result (``estimate(..., only=...)``) renders the parts it has
    cost = doc.get("cost") or {"cheapest": None}
    missed = {(s, m): msg for s, m, msg in missed_objectives(doc)}
    extra = [f"OBJECTIVE MISSED: {msg[len('objective missed: '):]}" for msg in missed.values()]
    if "cost" in doc:
        extra += [f"cheapest option: {_cheapest_label(cost)} "
                  f"(prices {cost['region']}, as of {cost['price_book_as_of']}, "
                  f"{cost['price_source']})", _configured_line(cost)]
    if "alternatives" in doc:
        extra.append(_decision_line(doc["alternatives"]))
    if uncertainty is not None:
        extra.append(uncertainty.objectives_line())
    if "global_database" in doc and not doc["global_database"]["configured"]:
        extra.append("Global Database: no secondaries configured")
    extra += [f"note: {n}" for n in doc["notes"]]
    n_asm = len(doc["assumptions"]["scenario"]) + len(doc["assumptions"]["models"])
    extra.append(f"assumptions: {n_asm} (scenario keys marked ASSUMPTION in the file and the "
                 "model registry; --format json lists them all)")
    if fmt == "markdown":
        out = [f"# {_md(sc['name'])}", "", _md(head), ""]
        if ivs is None:
            out += ["| section | metric | value | 95% CI | unit |", "| --- | --- | --- | --- | --- |"]
        else:
            out += [_md(uncertainty.header()), "",
                    f"| section | metric | value | {MC_LABEL} | {uncertainty.LABEL}: median \\[5 %, 95 %\\] "
                    "| unit |",
                    "| --- | --- | --- | --- | --- | --- |"]
        for i, (s, m, v, lo, hi, u, _) in enumerate(rows):
            name = (f"**{_md(_label(s, m, cost['cheapest']))}**" if s == "cost" and
                    m == cost["cheapest"] else _md(_label(s, m, None)))
            if (s, m) in missed:
                name += " **(objective missed)**"
            asm = "" if ivs is None else f"{_md(_asm(ivs[i], u))} | "
            out.append(f"| {_md(_title(s))} | {name} | {_fmt(v, u)} | {_ci(lo, hi, u, v)} | "
                       f"{asm}{_md(_shown_unit(u))} |")
        out += ["", *(f"- {_md(e)}" for e in extra), "", "## Bill, line by line", ""]
        for b in _shown_bills(doc):
            out += _md_bill(b)
        out += ["", "## Scenario assumptions", "", "| key | value | unit |", "| --- | --- | --- |"]
        out += [f"| {a['key']} | {_md(a['value'])} | {_md(a['unit'])} |"
                for a in doc["assumptions"]["scenario"]]
        return "\n".join(out) + "\n"
    if fmt != "table":
        raise ParameterValueError(f"`format` must be one of {', '.join(map(repr, FORMATS))}, got {fmt!r}")
    # the marker (* cheapest, ! objective missed) in a column of its own: a label wraps beside it
    cells = [(_title(s), "*" if s == "cost" and m == cost["cheapest"] else
              "!" if (s, m) in missed else "", _label(s, m, cost["cheapest"]), _fmt(v, u),
              _ci(lo, hi, u, v), _shown_unit(u)) for s, m, v, lo, hi, u, _ in rows]
    if ivs is not None:  # the assumption interval after the Monte Carlo one
        cells = [(*c[:5], _asm(iv, r[5]), c[5]) for c, iv, r in zip(cells, ivs, rows, strict=True)]
        cells.insert(0, ("", "", "", "value", MC_LABEL,
                         f"{uncertainty.LABEL}: median [5 %, 95 %]", "unit"))
    import textwrap

    blanked, last = [], None
    for c in cells:  # a section's name on its first row only
        blanked.append((c[0] if c[0] != last else "", *c[1:]))
        last = c[0]
    out = [*(textwrap.wrap(head, width) if width else [head]), ""]
    if ivs is not None:
        out += [*textwrap.wrap(uncertainty.header(), min(width or 100, 100)), ""]
    if width is None or _natural_width(blanked) <= width:
        out += fit_columns(blanked, {3}, wrap=2, width=width)
    else:  # too wide: each section a heading of its own, its rows beneath (one column less)
        out += _with_headings(cells, width)

    def para(text):
        return textwrap.wrap(text, width, subsequent_indent="  ") if width else [text]

    out += ["", *(line for e in extra for line in para(e)), ""]
    for b in _shown_bills(doc):
        out += [*_table_bill(b, width), ""]
    out += para("(every option's lines: --format json, or `estimate --format csv --bill`)")
    return "\n".join(out) + "\n"


def plot_capacity(result: ScenarioResult, ax=None):
    """Hourly peak demand and capacity of the writer and of each reader (ACU).

    A week at 10-second steps is tens of thousands of points, drawn as a dense band; the hourly
    maximum keeps what matters (the daily cycle, the event and whether capacity keeps up) and
    reads at a glance. The event is shaded.
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
    """Monthly cost per deployment option, stacked by component; the cheapest bar is marked."""
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
    """Histogram of simulated annual downtime (minutes per year)."""
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


_PLOTS = (("capacity.png", plot_capacity,
           "Serverless v2 capacity against demand over the simulated period, writer and each "
           "reader (ACU)"),
          ("cost.png", plot_costs, "Monthly bill per deployment option, stacked by component; "
                                   "the cheapest complete bill is marked"),
          ("downtime.png", plot_downtime, "Simulated writer downtime per year (histogram) and "
                                          "the closed-form mean"))


def write_report(result: ScenarioResult, out_dir: str | Path, *,
                 uncertainty=None, today=None) -> list[Path]:
    """Write the plots (PNG), ``estimate.json``, ``summary.csv`` (the headline rows),
    ``bill.csv`` (every line of every option's bill) and a self-contained ``report.html``
    (plots embedded) into ``out_dir``; with ``uncertainty`` (see :func:`render`) the rows of
    all three carry their assumption intervals. The report gives the price book's age on
    ``today`` (a :class:`datetime.date`; default the system's date).

    Everything is written through :func:`aurora_models._output.staged_output`: into a staging
    folder first, every target checked, then moved into place; a failure leaves no partial output.
    Returns exactly the paths written.
    """
    import matplotlib

    images = {}
    with staged_output(out_dir) as stage:
        with matplotlib.rc_context({"figure.dpi": 100}):
            import matplotlib.pyplot as plt

            for name, fn, _ in _PLOTS:
                fig, ax = plt.subplots(figsize=(8, 3.5))
                try:
                    fn(result, ax=ax)
                    fig.tight_layout()
                    fig.savefig(stage.path(name))
                finally:
                    plt.close(fig)
                images[name] = stage.path(name).read_bytes()
        stage.write_text("estimate.json", render(result, "json", uncertainty=uncertainty))
        stage.write_text("summary.csv", render(result, "csv", uncertainty=uncertainty))
        stage.write_text("bill.csv", render_bill(result, "csv"))
        stage.write_text("report.html", _html(result, images, uncertainty=uncertainty,
                                              today=today))
    return stage.written


def missed_objectives(doc: dict) -> list[tuple[str, str, str]]:
    """``(section, metric, message)`` of each objective the configured cluster misses, for the
    row that shows it."""
    out = []
    fo, av = doc.get("failover", {}), doc.get("availability", {})
    if fo.get("meets_objective") is False:
        out.append(("failover", "client-observed outage P90",
                    f"objective missed: failover P90 {fo['p90_s']:.3g} s > "
                    f"{fo['objective_p90_s']:g} s (workload.max_failover_s)"))
    if av.get("meets_objective") is False:
        out.append(("availability", "expected downtime (closed form)",
                    f"objective missed: expected downtime "
                    f"{av['annual_downtime_minutes']['value']:.3g} minutes/year > "
                    f"{av['objective_minutes_per_year']:g} "
                    f"(workload.max_annual_downtime_minutes)"))
    return out


def _headline(doc: dict) -> list[tuple[str, str]]:
    """The report's first table: what a budget owner reads first."""
    cost = doc["cost"]
    conf = OPTION_LABELS.get(cost["configured"], cost["configured"])
    out = []
    if cost.get("configured_unavailable"):
        out.append(("configured cluster", f"{conf}: unavailable as written "
                                          f"({cost['configured_unavailable']})"))
    else:
        out.append(("configured cluster", f"{conf}: ${cost['configured_total_usd']:,.0f} a month, "
                                          f"${cost['configured_total_12_months_usd']:,.0f} over "
                                          f"12 months"))
    cheap = next((o for o in cost["options"] if o["option"] == cost["cheapest"]), None)
    if cheap is not None:
        saving = cost["configured_total_usd"] - cheap["total_usd"]
        out.append(("cheapest option", f"{cheap['label']}: ${cheap['total_usd']:,.0f} a month"
                    + (f", saves ${saving:,.0f} a month (${12 * saving:,.0f} a year)"
                       if saving > 0.5 else " (the configured cluster)")))
    av = doc.get("availability", {})
    if "availability" in av:
        out.append(("availability", f"{_fmt(av['availability'], 'fraction')} a year "
                                    f"({_fmt(av['annual_downtime_minutes']['value'], '')} "
                                    f"minutes of downtime, {av['deployment']})"))
    fo = doc.get("failover", {})
    if "p50_s" in fo:
        out.append(("failover (client-observed)", f"P50 {fo['p50_s']:.0f} s, "
                                                  f"P99 {fo['p99_s']:.0f} s"))
    du = doc.get("durability", {})
    if "p_data_loss_volume" in du:
        out.append(("durability", f"P(data loss in the horizon) "
                                  f"{du['p_data_loss_volume']['value']:.3g} ({du['layout']})"))
    if "alternatives" in doc:
        out.append(("Aurora vs RDS", _decision_line(doc["alternatives"])))
    out += [("OBJECTIVE MISSED", m) for _, _, m in missed_objectives(doc)]
    return out


#: The style of every HTML page the package writes (estimate and sensitivity reports).
REPORT_CSS = ("body{font-family:sans-serif;max-width:60em;margin:auto;padding:0 1em}"
              "td,th{padding:2px 8px}th{text-align:left}td.n{text-align:right;white-space:nowrap}"
              "tr.cheap{font-weight:bold;background:#e6f4e6}"
              "tr.missed{font-weight:bold;background:#fbe3e3}figcaption{font-size:90%;color:#444}"
              "table{border-collapse:collapse}tr:nth-child(even){background:#f6f6f6}"
              "details>summary{cursor:pointer;color:#333}img{max-width:100%}"
              "code{font-size:90%}p.note{color:#555;font-size:90%}")


def _html_bill(bill: dict) -> str:
    body = "".join("<tr>" + "".join(f"<td{' class=n' if k >= 2 else ''}>{html.escape(c)}</td>"
                                    for k, c in enumerate(cells)) + "</tr>"
                   for cells in bill_lines(bill))
    opened = " open" if bill["configured"] or bill["cheapest"] else ""
    return (f"<details{opened}><summary>{html.escape(_bill_title(bill))}: "
            f"{html.escape(_usd(bill['total_usd']))} a month</summary><table><tr><th>region</th>"
            f"<th>line</th><th>quantity</th><th>unit price</th><th>amount</th></tr>{body}"
            "</table></details>")


def price_age(as_of: str, today=None) -> str:
    """How old the price book is on ``today`` (default the system's date), in words, with the
    way to refresh it when it is older than half a year."""
    import datetime

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


def _html(result: ScenarioResult, images: dict[str, bytes] | None = None, *,
          uncertainty=None, today=None) -> str:
    import base64

    doc = result.to_dict()
    cheap = doc["cost"]["cheapest"]
    summary = summary_rows(doc)
    ivs = [None] * len(summary) if uncertainty is None else uncertainty.rows

    def asm(iv, u):
        if iv is None:
            return ""
        cls = "n" if iv.status == "varies" else "q"
        return f"<td class={cls}>{html.escape(_asm(iv, u))}</td>"

    missed = {(s, m) for s, m, _ in missed_objectives(doc)}
    rows = "".join(
        f"<tr{' class=cheap' if s == 'cost' and m == cheap else ' class=missed' if (s, m) in missed else ''}>"
        f"<td>{html.escape(_title(s))}</td>"
        f"<td>{html.escape(_label(s, m, cheap))}</td><td class=n>{html.escape(_fmt(v, u))}</td>"
        f"<td{'' if iv is None else ' class=ci'}>{html.escape(_ci(lo, hi, u, v))}</td>"
        f"{asm(iv, u)}<td>{html.escape(_shown_unit(u))}</td></tr>"
        for (s, m, v, lo, hi, u, _), iv in zip(summary, ivs, strict=True))
    wide = ("" if uncertainty is None else  # a fourth number column: a wider page
            "body{max-width:80em}td.n,td.q,td.ci{white-space:nowrap}"
            "td.q{color:#777;font-style:italic;text-align:right}p.asm{font-size:90%;color:#333}")
    if uncertainty is None:
        est_head, est_note = "<th>95% CI</th>", ""
    else:
        est_head = (f"<th>{html.escape(MC_LABEL)}</th>"
                    f"<th>{html.escape(uncertainty.LABEL)}: median [5 %, 95 %]</th>")
        est_note = (f"<p class=asm>{html.escape(uncertainty.header())}.</p>"
                    f"<p class=asm>{html.escape(uncertainty.objectives_line())}.</p>")
    head = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in _headline(doc))
    asm = "".join(f"<tr><td>{html.escape(a['key'])}</td><td>{html.escape(str(a['value']))}</td>"
                  f"<td>{html.escape(a['unit'])}</td></tr>" for a in doc["assumptions"]["scenario"])
    extra = [_configured_line(doc["cost"]), _decision_line(doc["alternatives"])]
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in [*extra, *doc["notes"]])
    images = images or {}
    imgs = "".join(
        "<figure>"
        + (f"<img src='data:image/png;base64,{base64.b64encode(images[n]).decode()}' "
           f"alt='{html.escape(cap)}' style='max-width:100%'>" if n in images else "")
        + f"<figcaption>{html.escape(cap)}</figcaption></figure>"
        for n, _, cap in _PLOTS)
    bills = "".join(_html_bill(b) for b in doc["cost"]["bills"])
    whatif = ("" if result.scenario["cluster"]["capacity"] == "serverless" else
              "<p><i>The cluster is provisioned: its Serverless v2 capacity section and the "
              "Serverless options are a what-if.</i></p>")
    sc = doc["scenario"]
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(sc['name'])}: aurora-models estimate</title><style>"
        f"{REPORT_CSS}{wide}</style></head>"
        f"<body><h1>{html.escape(sc['name'])}</h1><p>{html.escape(sc['description'])}</p>"
        f"<h2>Summary</h2><table>{head}</table>{whatif}"
        f"<p>{sc['trials']:,} Monte Carlo trials, seed {sc['seed']}, horizon "
        f"{sc['horizon_hours']:g} h; prices {html.escape(doc['cost']['region'])} "
        f"{html.escape(price_age(doc['cost']['price_book_as_of'], today))} "
        f"({html.escape(doc['cost']['price_source'])}).</p>"
        f"<h2>Estimates</h2>{est_note}"
        f"<table><tr><th>section</th><th>metric</th><th>value</th>{est_head}<th>unit</th>"
        f"</tr>{rows}</table><ul>{notes}</ul><h2>Bills, line by line</h2>{bills}{imgs}"
        "<h2>Scenario assumptions</h2><table><tr><th>key</th><th>value</th><th>unit</th></tr>"
        f"{asm}</table><p>Model defaults: <code>aurora-models assumptions</code>; full "
        "document: estimate.json; every bill line: bill.csv.</p></body></html>\n")
