"""A bill as people read it: text cells of its lines, its title, and the table every renderer
spells out (:class:`~aurora_models._section.LineTable`). Works on the JSON form of a bill
(:meth:`~aurora_models.billing.Bill.to_dict`), so a saved document renders the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._format import qty, unit_price, usd
from .._section import LineTable

__all__ = ["BILL_HEAD", "bill_cells", "bill_table", "bill_title"]

#: The columns of a bill's table.
BILL_HEAD = ("region", "line", "quantity", "unit price", "amount")


def bill_cells(bill: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """One option's lines as text cells: region, line, ``quantity unit``, ``x $price``,
    ``= $amount``; then the monthly and 12-month totals and what could not be priced."""
    out = [(li["region"], li["line"], f"{qty(li['quantity'])} {li['unit']}",
            f"x {unit_price(li['unit_price_usd'])}", f"= {usd(li['amount_usd'])}")
           for li in bill["lines"]]
    out.append(("", "total per month", "", "", f"= {usd(bill['total_usd'])}"))
    out.append(("", "total over 12 months", "", "", f"= {usd(bill['total_12_months_usd'])}"))
    for m in bill["missing"]:
        out.append(("", f"NOT PRICED: {m}", "", "", ""))
    return out


def bill_title(bill: Mapping[str, Any]) -> str:
    """``Bill: label, term (instance classes) [configured, cheapest]``."""
    flags = [w for w, on in (("configured", bill["configured"]), ("cheapest", bill["cheapest"]))
             if on]
    term = f", term {bill['reserved_term']}" if bill.get("reserved_term") else ""
    return (f"Bill: {bill['label']}{term} ({bill['instance_classes']})"
            + (f" [{', '.join(flags)}]" if flags else ""))


def bill_table(bill: Mapping[str, Any]) -> LineTable:
    """The bill as a :class:`LineTable`: shown (spelled out in the text formats, open in the
    report) when it is the configured option's or the cheapest."""
    title = bill_title(bill)
    return LineTable(title=title, head=BILL_HEAD, rows=tuple(bill_cells(bill)),
                     summary=f"{title}: {usd(bill['total_usd'])} a month",
                     right=frozenset({2}), numeric=frozenset({2, 3, 4}), wrap=1,
                     shown=bool(bill["configured"] or bill["cheapest"]))
