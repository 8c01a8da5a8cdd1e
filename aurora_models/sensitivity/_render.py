"""Sensitivity results for the CLI: ranked tables in every format, plots and an HTML page
(written at once through :func:`aurora_models._output.staged_output`)."""

from __future__ import annotations

import json
from pathlib import Path

from .._output import staged_output
from ._analysis import SensitivityResult
from ._page import _fmt, page_context
from ._page import input_label as input_label
from ._page import output_label as output_label

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
    """The HTML page, from ``templates/sensitivity.html.j2`` (the estimate report's style)."""
    # light: the templates load jinja2 only when a page is written
    from .._templates import render_template

    return render_template("sensitivity.html.j2", **page_context(result, images))


def _safe(name: str) -> str:
    """A file-name part: ``log10(p_data_loss)`` -> ``log10_p_data_loss``."""
    import re

    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
