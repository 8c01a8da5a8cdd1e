"""What the sensitivity page and a :class:`~aurora_models.sensitivity.SensitivityResult`'s
``_repr_html_`` show: outputs and inputs by their labels, each output's ranked inputs. Reads
the result by its attributes (it imports no analysis module: the result's repr uses it)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._registry import sections
from ..scenario._spec import spec

__all__ = ["input_label", "output_label", "page_context"]


def _fmt(x: Any) -> str:
    return f"{x:.4g}" if isinstance(x, float | np.floating) else str(x)


def page_context(result: Any, images: Mapping[str, tuple[str, bytes]] | None = None,
                 *, top: int | None = None) -> dict[str, Any]:
    """What the sensitivity page (``templates/sensitivity.html.j2``) and the result's
    ``_repr_html_`` show: outputs and inputs by their labels (the key beside), each output's
    ranked inputs, those that do not move it apart; ``top``: at most so many moving inputs per
    output."""
    index = result.key
    what = ("total-order Sobol index ST (share of the output's variance an input accounts "
            "for, with its interactions), S1 first order, +- the 95 % bootstrap half-width"
            if result.method == "sobol" else
            "Morris mu* (mean absolute elementary effect, in the output's unit over the "
            "central 95 % of each input's distribution), sigma its spread")
    images = images or {}
    outputs = []
    for o in result.outputs:
        if o in result.fixed:
            continue
        t = result.ranked(o).drop(columns="output")
        moves = t[index].astype(float).abs() > 1e-6
        head = [c for c in t.columns if c != "input"]

        def rows(frame: Any, head: list[str] = head) -> list[tuple[str, str, list[str]]]:
            return [(input_label(r["input"]), r["input"], [_fmt(r[c]) for c in head])
                    for _, r in frame.iterrows()]

        moving = t[moves] if top is None else t[moves].head(top)
        png = images.get(o)
        outputs.append({"name": o, "label": output_label(o), "head": head, "moving": rows(moving),
                        "still": rows(t[~moves]) if top is None else [],
                        "png": base64.b64encode(png[1]).decode() if png else ""})
    return {"method": result.method, "evaluations": result.evaluations,
            "n_inputs": len(result.names), "infeasible": result.infeasible, "what": what,
            "index": index, "outputs": outputs,
            "fixed": [(output_label(o), o) for o in result.outputs if o in result.fixed]}


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
