"""The bill: every line of an Aurora bill, per option and region, as quantity x unit price.

- :class:`Usage`: the cluster as configured and what a month of it consumes.
- :func:`bill_options`: one :class:`Bill` per deployment option (:data:`OPTIONS`, ids that never
  change), each a tuple of :class:`LineItem` (``quantity x unit_price_usd = amount_usd``), the
  missing dimensions named, monthly and 12-month totals.
- :func:`bill_totals`: the options' monthly totals for a batch of usages at once (the
  uncertainty analyses), equal to :func:`bill_options`' per usage.
- :func:`backup_billed_gib`: AWS's backup rule, ``V (1 + c (R - 1))`` capped at ``V R``,
  minus the free ``V``.
- :func:`bills_frame`: the ``bill.csv`` rows; :func:`diff_bills`: per option and line deltas.
- :func:`reserved_terms`: every reserved term of the configured classes side by side (upfront,
  recurring, effective rate, month, term, saving).
- :func:`optimal_commitment` / :func:`simulate_optimal_commitment`: the commitment level that
  minimises expected cost (the d-quantile of the hourly spend), closed form and Monte Carlo;
  :func:`commitment_cost`; :func:`eligible_hourly_spend` and :func:`savings_plan_commitment`:
  a cluster's Database Savings Plan.
"""

from __future__ import annotations

from ._bill import (
    OPTION_LABELS,
    OPTIONS,
    Bill,
    LineItem,
    Usage,
    backup_billed_gib,
    bill_by_region,
    bill_options,
    bill_totals,
    bills_frame,
    configured_change,
    diff_bills,
)
from ._commitments import (
    Commitment,
    commitment_cost,
    eligible_hourly_spend,
    optimal_commitment,
    reserved_terms,
    savings_plan_commitment,
    simulate_optimal_commitment,
)
from ._keys import RESERVED_DISCOUNTS, RESERVED_TERMS

__all__ = ["OPTIONS", "OPTION_LABELS", "RESERVED_DISCOUNTS", "RESERVED_TERMS", "Bill",
           "Commitment", "LineItem", "Usage", "backup_billed_gib", "bill_by_region",
           "bill_options", "bill_totals", "bills_frame", "commitment_cost", "configured_change",
           "diff_bills", "eligible_hourly_spend", "optimal_commitment", "reserved_terms",
           "savings_plan_commitment", "simulate_optimal_commitment"]
