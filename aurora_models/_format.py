"""How numbers read in tables, reports and reprs: one home for every renderer and manifest.

Plain functions of plain values (the JSON document's numbers), so a family's manifest
(:attr:`aurora_models._section.Section.view`) and the scenario's renderers format alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["ci_text", "qty", "repr_text", "shown_unit", "unit_price", "usd", "value_text"]


def value_text(value: Any, unit: str) -> str:
    """A headline value as the tables show it: dollars, a share as a percentage, a count of
    readers in words, else four significant digits (``n/a`` for None)."""
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


def ci_text(lo: Any, hi: Any, unit: str) -> str:
    """The interval as shown, or nothing when it would say nothing (``[$726, $726]``)."""
    if lo is None or hi is None:
        return ""
    a, b = value_text(lo, unit), value_text(hi, unit)
    if a == b:
        return ""
    return f"[{a}, {b}]"


def shown_unit(unit: str) -> str:
    """The unit column as people read it: a share is already shown as a percentage, a count
    of readers says so in its value (csv and json keep the unit as it is)."""
    return "" if unit in ("readers", "fraction") else unit


def usd(x: float | None) -> str:
    """Dollars and cents (``n/a`` for None)."""
    return "n/a" if x is None else f"${x:,.2f}"


def qty(x: float) -> str:
    """A bill line's quantity: six significant digits, whole numbers from a million."""
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


def unit_price(price_usd: float) -> str:
    """A unit price as AWS lists it: cents at least, up to five decimals ($0.10, $0.225,
    $0.86515, $1,234.50)."""
    text = f"{price_usd:,.5f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


#: A repr's lines are cut to this width, and it has at most this many (a notebook's repr
#: says what the object is and its headline numbers; the HTML repr and ``to_frame`` the rest).
REPR_WIDTH = 110
REPR_LINES = 8


def repr_text(head: str, lines: Iterable[str] = ()) -> str:
    """A short repr: ``head``, then up to :data:`REPR_LINES` indented ``lines``, each cut to
    :data:`REPR_WIDTH` characters (``...`` where cut)."""
    def cut(text: str) -> str:
        return text if len(text) <= REPR_WIDTH else text[:REPR_WIDTH - 3].rstrip() + "..."

    body = list(lines)
    more = len(body) - REPR_LINES
    shown = [*body[:REPR_LINES - 1], f"... and {more + 1} more"] if more > 0 else body
    return "\n".join([cut(head), *(cut(f"  {line}") for line in shown)])
