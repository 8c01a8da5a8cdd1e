"""Sensitivity results for the CLI: ranked tables in every format, plots and an HTML page
(written at once through :func:`aurora_models._output.staged_output`)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import numpy as np

from .._output import staged_output
from .._registry import sections
from ..scenario._render import REPORT_CSS
from ..scenario._spec import spec
from ._analysis import SensitivityResult

__all__ = ["render_sensitivity", "render_uncertainty", "write_sensitivity"]

FORMATS = ("table", "json", "csv", "markdown")


def _frame(result: SensitivityResult):
    f = result.to_frame()
    f.insert(1, "rank", f.groupby("output").cumcount() + 1)
    return f


def render_sensitivity(result: SensitivityResult, fmt: str = "table") -> str:
    """The ranked table per output (``table``, ``markdown``, ``csv`` or ``json``)."""
    f = _frame(result)
    head = (f"{result.method} sensitivity: {result.evaluations} evaluations over "
            f"{len(result.names)} uncertain inputs"
            + (f", {result.infeasible} infeasible (censored)" if result.infeasible else ""))
    if fmt == "csv":
        return f.to_csv(index=False, float_format="%.6g")
    if fmt == "json":
        doc = {"method": result.method, "evaluations": result.evaluations,
               "infeasible": result.infeasible, "inputs": list(result.names),
               "fixed": list(result.fixed),
               "outputs": {o: json.loads(result.ranked(o).drop(columns="output")
                                         .to_json(orient="records"))
                           for o in result.outputs}}
        return json.dumps(doc, indent=2) + "\n"
    cols = [c for c in f.columns if c not in ("output",)]
    out = [head, ""]
    for o in result.outputs:
        t = f[f["output"] == o][cols]
        if o in result.fixed:
            out += [f"### {o}\n" if fmt == "markdown" else o,
                    "fixed: no sampled input moves it (every evaluation gave the same value)", ""]
            continue
        if fmt == "markdown":
            out.append(f"### {o}\n")
            out.append("| " + " | ".join(cols) + " |")
            out.append("|" + "---|" * len(cols))
            for row in t.itertuples(index=False):
                out.append("| " + " | ".join(_fmt(x) for x in row) + " |")
        else:
            out.append(o)
            out.append(t.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        out.append("")
    return "\n".join(out)


def _fmt(x) -> str:
    return f"{x:.4g}" if isinstance(x, float | np.floating) else str(x)


def render_uncertainty(frame, fmt: str, n: int) -> str:
    """The assumption intervals of ``propagate_scenario(...).to_frame()`` as a block labelled
    apart from the Monte Carlo intervals."""
    title = (f"Assumption uncertainty: median and 90 % interval over {n} quasi-random draws "
             f"of the uncertain inputs (not Monte Carlo error)")
    f = frame.rename(columns={"median": "assumption_median", "p5": "assumption_p5",
                              "p95": "assumption_p95"})
    if fmt == "csv":
        return f.to_csv(index=False, float_format="%.6g")
    if fmt == "markdown":
        rows = [f"\n**{title}**\n", "| output | median | 5 % | 95 % | unit |",
                "|---|---|---|---|---|"]
        rows += [f"| {r.output} | {_fmt(r.assumption_median)} | {_fmt(r.assumption_p5)} | "
                 f"{_fmt(r.assumption_p95)} | {r.unit} |" for r in f.itertuples()]
        return "\n".join(rows) + "\n"
    return ("\n" + title + "\n" + f.to_string(index=False, float_format=lambda x: f"{x:.4g}",
                                              na_rep="") + "\n")


def write_sensitivity(result: SensitivityResult, out_dir: str | Path) -> list[Path]:
    """``sensitivity.csv``, ``sensitivity.json``, one PNG per output (Sobol bars with their
    intervals, or a Morris tornado) and ``report.html`` (plots embedded), all at once."""
    import matplotlib

    images = {}
    with staged_output(out_dir) as stage:
        with matplotlib.rc_context({"figure.dpi": 100}):
            import matplotlib.pyplot as plt

            for o in result.outputs:
                if o in result.fixed:
                    continue
                index = "ST" if result.method == "sobol" else "mu_star"
                moving = int((result.ranked(o)[index].astype(float).abs() > 1e-6).sum())
                top = max(1, min(10, moving))  # the inputs that move it (the page folds the rest)
                fig, ax = plt.subplots(figsize=(7, 0.35 * top + 1.4))
                try:
                    result.plot(o, ax=ax, top=top)
                    fig.tight_layout()
                    name = f"sensitivity_{_safe(o)}.png"
                    fig.savefig(stage.path(name))
                finally:
                    plt.close(fig)
                images[o] = (name, stage.path(name).read_bytes())
        stage.write_text("sensitivity.csv", render_sensitivity(result, "csv"))
        stage.write_text("sensitivity.json", render_sensitivity(result, "json"))
        stage.write_text("report.html", _page(result, images))
    return list(stage.written)


def _page(result: SensitivityResult, images: dict) -> str:
    """The HTML page: the estimate report's style, outputs and inputs by their labels (the
    key beside), each output's ranked table with the inputs that do not move it folded."""
    index = "ST" if result.method == "sobol" else "mu_star"
    what = ("total-order Sobol index ST (share of the output's variance an input accounts "
            "for, with its interactions), S1 first order, +- the 95 % bootstrap half-width"
            if result.method == "sobol" else
            "Morris mu* (mean absolute elementary effect, in the output's unit over the "
            "central 95 % of each input's distribution), sigma its spread")
    fixed = [o for o in result.outputs if o in result.fixed]
    body = [f"<h1>Which assumptions matter: {result.method.title()} sensitivity</h1>",
            f"<p>{result.evaluations:,} scenario evaluations over {len(result.names)} uncertain "
            f"inputs" + (f", {result.infeasible} infeasible (censored)" if result.infeasible
                         else "") + f". Ranked by {html.escape(what)}.</p>"]
    for o in result.outputs:
        if o in result.fixed:
            continue
        t = result.ranked(o).drop(columns="output")
        moves = t[index].astype(float).abs() > 1e-6
        body.append(f"<h2>{html.escape(output_label(o))} <code>{html.escape(o)}</code></h2>")

        def table(rows):
            head = "<tr><th>input</th>" + "".join(f"<th>{html.escape(c)}</th>"
                                                  for c in rows.columns if c != "input") + "</tr>"
            cells = "".join(
                "<tr><td>" + html.escape(input_label(r["input"])) + f" <code>"
                f"{html.escape(r['input'])}</code></td>"
                + "".join(f"<td class=n>{_fmt(r[c])}</td>" for c in rows.columns if c != "input")
                + "</tr>" for _, r in rows.iterrows())
            return f"<table>{head}{cells}</table>"

        body.append(table(t[moves]))
        if (~moves).any():
            body.append(f"<details><summary>{int((~moves).sum())} inputs that do not move it "
                        f"({index} below 1e-6)</summary>{table(t[~moves])}</details>")
        _, png = images[o]
        body.append(f"<img alt='{html.escape(result.method.title())} indices of "
                    f"{html.escape(output_label(o))}, by input' "
                    f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>")
    if fixed:
        body.append("<h2>Outputs no sampled input moves</h2><p>" + ", ".join(
            f"{html.escape(output_label(o))} <code>{html.escape(o)}</code>" for o in fixed)
            + ": every evaluation gave the same value.</p>")
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Which assumptions "
            f"matter: {result.method} sensitivity (aurora-models)</title><style>{REPORT_CSS}"
            "</style></head><body>" + "\n".join(body) + "</body></html>\n")


def output_label(name: str) -> str:
    """An analysis output as it reads for people (the manifests' labels; ``log10(x)``: the
    label of ``x`` on a log scale)."""
    inner = name[6:-1] if name.startswith("log10(") and name.endswith(")") else name
    for sec in sections():
        for out in sec.outputs:
            label = out.label_of(inner)
            if label is not None:
                return f"log10 {label}" if inner != name else label
    return name


def input_label(key: str) -> str:
    """A sampled scenario key as it reads for people: its declaration's ``doc``."""
    table, _, k = key.partition(".")
    p = spec().get(table, {}).get(k)
    return p.doc if p is not None and p.doc else key


def _safe(name: str) -> str:
    """A file-name part: ``log10(p_data_loss)`` -> ``log10_p_data_loss``."""
    import re

    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
