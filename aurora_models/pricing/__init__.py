"""The price book: AWS list prices for every region and engine, and the offer-file importer.

Every model reads prices only through a :class:`PriceBook`, so a refreshed snapshot (or a
changed row) changes every bill without code changes.

- :func:`load` reads the bundled AWS price list (published 2025-12-05, 34 commercial regions,
  ``data/pricing/aurora_prices_multiregion.csv``) for one region and engine: both Aurora
  engines, and the RDS engines (MySQL, PostgreSQL, Oracle SE2 licence-included and BYOL, SQL
  Server Express/Web/SE/EE; Single-AZ and Multi-AZ; gp3) for comparison. It also reads a file
  of the same format, or a price-book file such as one written by :func:`import_offer_file`.
- :func:`instance_specs` is the cited vCPU and memory table of every class in the data.
- :func:`load_transfer` prices inter-region data transfer by (from, to) region.
- :func:`import_offer_file` reads AWS's public AmazonRDS offer file (the CSV, or a regional
  JSON; Price List Bulk API), streamed, on-demand and reserved terms, and writes a price-book
  file; :meth:`PriceBook.reserved` gives a class's reserved rate per term of
  :data:`RESERVED_TERMS` (effective hourly = upfront / :data:`RESERVED_TERM_HOURS` + hourly).
- :func:`savings_plan_eligible` and :data:`SAVINGS_PLAN_DISCOUNTS`: Database Savings Plans
  (December 2025): the one term sold, the eligible usage (Serverless v2, instance generation 7
  and later) and the registered discount per usage type.
- :func:`extended_support_year` and :func:`extended_support_price`: RDS Extended Support, the
  end of standard support of each major version and the surcharge per vCPU-hour or ACU-hour.
- :func:`io_optimized_break_even_share` derives AWS's "I/O-Optimized pays from 25 % I/O spend"
  rule and shows where it holds.

Every row carries ``source`` and ``confidence``: ``verified`` (AWS's own page or Price List
API read directly), ``secondary`` (AWS's feed captured by a third party, or a third-party page),
or ``assumption`` (no source; the rationale is in ``source``). A price the data lacks for a
region is never zero: it raises :class:`MissingPriceError` and is listed in
:attr:`PriceBook.missing`. One rule checks every price, wherever it comes from: finite,
non-negative, at most :data:`MAX_UNIT_PRICE_USD`.
"""

from __future__ import annotations

from ._book import (
    CLASS_ITEMS,
    ITEMS,
    RESERVED_COLUMNS,
    RESERVED_ITEM,
    PriceBook,
    ReservedRate,
    io_optimized_break_even_share,
)
from ._extended_support import (
    EXTENDED_SUPPORT_DATES,
    EXTENDED_SUPPORT_PRICES,
    EXTENDED_SUPPORT_REGIONS,
    extended_support_price,
    extended_support_year,
)
from ._load import (
    TransferPrices,
    instance_specs,
    known_engines,
    known_regions,
    load,
    load_transfer,
)
from ._offer import import_offer_file, offer_file_kind
from ._reserved import RESERVED_TERM_HOURS, RESERVED_TERMS, effective_hourly_usd
from ._rules import (
    AURORA_ENGINES,
    ENGINES,
    HOURS_PER_MONTH,
    MAX_UNIT_PRICE_USD,
    MissingPriceError,
    check_price,
    price_violations,
)
from ._savings_plans import (
    SAVINGS_PLAN_DISCOUNTS,
    SAVINGS_PLAN_MIN_GENERATION,
    SAVINGS_PLAN_TERMS,
    savings_plan_eligible,
)

__all__ = [
    "AURORA_ENGINES",
    "CLASS_ITEMS",
    "ENGINES",
    "EXTENDED_SUPPORT_DATES",
    "EXTENDED_SUPPORT_PRICES",
    "EXTENDED_SUPPORT_REGIONS",
    "HOURS_PER_MONTH",
    "ITEMS",
    "MAX_UNIT_PRICE_USD",
    "RESERVED_COLUMNS",
    "RESERVED_ITEM",
    "RESERVED_TERMS",
    "RESERVED_TERM_HOURS",
    "SAVINGS_PLAN_DISCOUNTS",
    "SAVINGS_PLAN_MIN_GENERATION",
    "SAVINGS_PLAN_TERMS",
    "MissingPriceError",
    "PriceBook",
    "ReservedRate",
    "TransferPrices",
    "check_price",
    "effective_hourly_usd",
    "extended_support_price",
    "extended_support_year",
    "import_offer_file",
    "instance_specs",
    "io_optimized_break_even_share",
    "known_engines",
    "known_regions",
    "load",
    "load_transfer",
    "offer_file_kind",
    "price_violations",
    "savings_plan_eligible",
]
