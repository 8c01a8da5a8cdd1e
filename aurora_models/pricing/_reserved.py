"""The reserved-instance terms AWS sells for Aurora and the registered default discount of each.

A pricing fact, below the model families (the Serverless cost curves' default reserved discount
is the default term's) and the bill (``[pricing] reserved_term`` chooses among them). The
assumptions keep their ``billing.reserved_discount_*`` names: the bill is where they apply.
"""

from __future__ import annotations

from .._assumptions import register
from ..units import HOURS_PER_YEAR

#: Reserved-instance terms AWS sells for Aurora (No Upfront only as a 1-year term).
RESERVED_TERMS = ("1y-no-upfront", "1y-partial-upfront", "1y-all-upfront",
                  "3y-partial-upfront", "3y-all-upfront")
#: The term assumed when a scenario names none: the commonest commitment.
DEFAULT_RESERVED_TERM = "1y-partial-upfront"


def _register_term_discounts() -> dict[str, float]:
    why = ("Aurora-specific RI rates are not in the price data; third parties quote ~30-40 % "
           "for a 1-year term and AWS 'up to 69 %' for RDS RIs (3-year all upfront) "
           "(aurora_facts.md §4.4, [S]/[V]); {}")
    values = {"1y-no-upfront": (0.30, "the low end of the 1-year range", (0.2, 0.4)),
              "1y-partial-upfront": (0.35, "the middle of the 1-year range", (0.25, 0.45)),
              "1y-all-upfront": (0.38, "the upper part of the 1-year range", (0.28, 0.48)),
              "3y-partial-upfront": (0.55, "between the 1-year range and AWS's 69 % ceiling",
                                     (0.45, 0.65)),
              "3y-all-upfront": (0.60, "below AWS's 69 % ceiling (Aurora rates are lower)",
                                 (0.5, 0.69))}
    return {term: register(f"billing.reserved_discount_{term.replace('-', '_')}", d, "-",
                           rationale=why.format(note),
                           uncertainty={"dist": "uniform", "low": lo, "high": hi,
                                        "rationale": "the quoted range of the term"})
            for term, (d, note, (lo, hi)) in values.items()}


#: Default reserved discount per term (ASSUMPTION; registered with the source of its range).
RESERVED_DISCOUNTS = _register_term_discounts()

#: Hours in a reserved term: 365-day years (8,760 hours a year), as AWS counts them: the RDS
#: API gives a 1-year reserved DB instance offering a ``Duration`` of 31,536,000 s and a 3-year
#: one 94,608,000 s (``DescribeReservedDBInstancesOfferings``, ``ReservedDBInstancesOffering``);
#: the package's :data:`~aurora_models.units.HOURS_PER_YEAR`; 8,760 / 12 = 730 is its billing month.
RESERVED_TERM_HOURS = {term: HOURS_PER_YEAR * (1 if term.startswith("1y") else 3)
                       for term in RESERVED_TERMS}
#: The offer file's ``LeaseContractLength`` and ``PurchaseOption`` -> the term's two halves.
LEASE_LENGTHS = {"1yr": "1y", "3yr": "3y"}
PURCHASE_OPTIONS = {"No Upfront": "no-upfront", "Partial Upfront": "partial-upfront",
                    "All Upfront": "all-upfront"}


def effective_hourly_usd(upfront_usd: float, recurring_hourly_usd: float, term: str) -> float:
    """A reserved term's effective hourly rate: ``upfront / hours of the term + recurring``.

    Parameters
    ----------
    upfront_usd : float
        The one-off fee paid when the term starts, USD.
    recurring_hourly_usd : float
        The hourly charge through the term, USD per hour.
    term : str
        One of :data:`RESERVED_TERMS`; its hours are :data:`RESERVED_TERM_HOURS` (8,760 a
        year).

    Returns
    -------
    float
        The effective rate, USD per hour.

    Examples
    --------
    >>> round(effective_hourly_usd(1000.0, 0.05, "1y-partial-upfront"), 6)
    0.164155
    """
    return float(upfront_usd) / RESERVED_TERM_HOURS[term] + float(recurring_hourly_usd)
