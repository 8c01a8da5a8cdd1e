"""Amazon RDS Extended Support for Aurora: the end of standard support of each major version, and
the surcharge per vCPU-hour (provisioned) and per ACU-hour (Serverless v2) by year.

A pricing fact, below the bill (which adds the lines). Sources, read 2026-12-08 through the
search tool:

- [ES-USE] AWS, Aurora User Guide, "Using Amazon RDS Extended Support",
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/extended-support.html: "the
  Aurora end of standard support date for Aurora MySQL version 2 is October 31, 2024 ...
  Starting December 1, 2024, Amazon Aurora automatically charges you"; Extended Support lasts
  "up to 3 years past the Aurora end of standard support date ... (3 years and 4 months for
  Aurora MySQL version 2)".
- [ES-CHARGES] AWS, Aurora User Guide, "Amazon RDS Extended Support charges",
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/extended-support-charges.html:
  charges begin "the day after the Aurora end of standard support date"; "Aurora PostgreSQL 11
  enters Extended Support on March 1, 2024, but charges don't start until April 1, 2024";
  Aurora PostgreSQL 12's end of standard support is February 28, 2025.
- [CLOUDYALI] CloudYali, "RDS Extended Support: how to lower the bill while you wait for the
  upgrade", https://www.cloudyali.io/blogs/rds-extended-support-cost-levers: provisioned
  "$0.10 per vCPU per hour during years one and two ... $0.20 per vCPU per hour in year
  three"; Aurora Serverless v2 "$0.085 [per ACU-hour] in years one and two and $0.17 in year
  three (us-east-1 and us-east-2; rates vary slightly by region)"; PostgreSQL 11 entered year
  3 on March 1, 2026; PostgreSQL 13 "joined the year 1 band on March 1, 2026".
- [USAGE-AI] Usage.ai, "RDS Extended Support Pricing: Staying on Old Engine Versions" (May
  2026), https://www.usage.ai/blogs/aws/reserved-instances/rds/extended-support/: "$0.100 per
  vCPU-hour in US East for the first two years. In year 3, it doubles to $0.200"; PostgreSQL 12
  year 3 from March 1, 2027.

The Aurora pricing page itself was not in the stored corpora: the prices are the secondary
sources' (two agree for provisioned instances, one gives Serverless v2), for US East only; the
bill names an Extended Support price elsewhere as not priced, never zero. Majors whose end of
standard support none of these pages gives (Aurora MySQL 3, Aurora PostgreSQL 14 and later)
are billed no Extended Support.
"""

from __future__ import annotations

import datetime as dt

from .._assumptions import register
from ._rules import MissingPriceError

__all__ = ["EXTENDED_SUPPORT_DATES", "EXTENDED_SUPPORT_PRICES", "EXTENDED_SUPPORT_REGIONS",
           "extended_support_price", "extended_support_year"]

_SRC = ("Aurora User Guide, 'Using Amazon RDS Extended Support' and 'Amazon RDS Extended "
        "Support charges' (docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
        "extended-support.html, extended-support-charges.html); CloudYali, 'RDS Extended "
        "Support: how to lower the bill'; Usage.ai, 'RDS Extended Support Pricing' (May 2026); "
        "read 2026-12-08")

_DATE_SOURCES = {
    ("mysql", 2): "October 31, 2024, charged from December 1, 2024, 3 years 4 months of "
                  "Extended Support, no year-3 rate known [Using Amazon RDS Extended Support]",
    ("postgresql", 11): "Extended Support from March 1, 2024, charged from April 1, 2024 "
                        "[Extended Support charges]; year 3 from March 1, 2026 [CloudYali]",
    ("postgresql", 12): "end of standard support February 28, 2025 [Extended Support "
                        "charges]; year 3 from March 1, 2027 [Usage.ai]",
    ("postgresql", 13): "year 1 from March 1, 2026 [CloudYali]; year 3 two years later and the "
                        "end three years after standard support, the User Guide's rule",
}
_DATES = {("mysql", 2): ("2024-10-31", "2024-12-01", "", "2028-02-29"),
          ("postgresql", 11): ("2024-02-29", "2024-04-01", "2026-03-01", "2027-02-28"),
          ("postgresql", 12): ("2025-02-28", "2025-03-01", "2027-03-01", "2028-02-29"),
          ("postgresql", 13): ("2026-02-28", "2026-03-01", "2028-03-01", "2029-02-28")}

#: ``(engine, major) -> (end of standard support, charges from, year 3 from, end of Extended
#: Support)``, ISO dates, each registered (``billing.extended_support_<engine>_<major>``) with
#: its source; year 3 ``""``: no year-3 rate known (Aurora MySQL 2, billed at the year 1-2 rate
#: throughout).
EXTENDED_SUPPORT_DATES: dict[tuple[str, int], tuple[str, str, str, str]] = {
    key: register(f"billing.extended_support_{key[0]}_{key[1]}", dates, "ISO dates",
                  source=_DATE_SOURCES[key] + "; " + _SRC)
    for key, dates in _DATES.items()}

_PRICE_SOURCE = {"provisioned": "$0.100 per vCPU-hour in years 1-2, $0.200 in year 3, US East "
                                "[CloudYali, Usage.ai]",
                 "serverless": "Aurora Serverless v2: $0.085 per ACU-hour in years 1-2, $0.17 in "
                               "year 3, us-east-1 and us-east-2 [CloudYali]"}
_PRICES = {("provisioned", "1-2"): 0.100, ("provisioned", "3"): 0.200,
           ("serverless", "1-2"): 0.085, ("serverless", "3"): 0.170}
#: Regions the sources price (US East).
EXTENDED_SUPPORT_REGIONS = ("us-east-1", "us-east-2")

#: ``(kind, years) -> USD`` per vCPU-hour (``provisioned``) or ACU-hour (``serverless``),
#: ``years`` ``"1-2"`` or ``"3"``, in :data:`EXTENDED_SUPPORT_REGIONS`; each registered
#: (``billing.extended_support_<kind>_year_<years>``) with its source.
EXTENDED_SUPPORT_PRICES: dict[tuple[str, str], float] = {
    (kind, years): register(
        f"billing.extended_support_{kind}_year_{years.replace('-', '_')}", usd,
        "USD/vCPU-hour" if kind == "provisioned" else "USD/ACU-hour",
        source=_PRICE_SOURCE[kind] + "; " + _SRC)
    for (kind, years), usd in _PRICES.items()}


def _major(engine: str, version: str) -> int:
    """The major version (``"8.0.mysql_aurora.3.08.0"`` and ``"3.08.0"`` give 3)."""
    tail = version.rsplit("mysql_aurora.", 1)[-1] if engine == "mysql" else version
    return int(tail.split(".")[0])


def extended_support_year(engine: str, version: str | None, on: str | dt.date) -> str | None:
    """Which Extended Support band an engine version is billed in on a date.

    Parameters
    ----------
    engine : {"mysql", "postgresql"}
        The Aurora engine (``"aurora-mysql"`` accepted).
    version : str or None
        The engine version (``"2.11.2"``, ``"12.19"``); None: unset (no surcharge).
    on : str or datetime.date
        The date billed (ISO ``YYYY-MM-DD``).

    Returns
    -------
    str or None
        ``"1-2"`` or ``"3"``; None in standard support, before the charges start, after the
        end of Extended Support (AWS then upgrades the engine), or for a major the data has no
        date for (Aurora MySQL 3, PostgreSQL 14 and later).

    See Also
    --------
    extended_support_price : The price of the band.

    Examples
    --------
    >>> extended_support_year("postgresql", "12.19", "2026-06-01")
    '1-2'
    >>> extended_support_year("postgresql", "11.21", "2026-06-01"), extended_support_year(
    ...     "mysql", "3.08.0", "2026-06-01")
    ('3', None)
    """
    eng = engine.removeprefix("aurora-")
    if version is None:
        return None
    dates = EXTENDED_SUPPORT_DATES.get((eng, _major(eng, version)))
    if dates is None:
        return None
    day = on if isinstance(on, dt.date) else dt.date.fromisoformat(on)
    charged, end = dt.date.fromisoformat(dates[1]), dt.date.fromisoformat(dates[3])
    if day < charged or day > end:
        return None
    return "3" if dates[2] and day >= dt.date.fromisoformat(dates[2]) else "1-2"


def extended_support_price(region: str, kind: str, years: str) -> float:
    """The Extended Support surcharge of a region, USD per vCPU-hour or per ACU-hour.

    Parameters
    ----------
    region : str
        The region billed.
    kind : {"provisioned", "serverless"}
        Per vCPU-hour of a provisioned instance, or per ACU-hour of Serverless v2.
    years : {"1-2", "3"}
        The band (:func:`extended_support_year`).

    Returns
    -------
    float
        USD per vCPU-hour or per ACU-hour.

    Raises
    ------
    MissingPriceError
        Where the sources give no price (outside US East): the bill names it, never zero.

    Examples
    --------
    >>> extended_support_price("us-east-1", "provisioned", "3")
    0.2
    """
    if region in EXTENDED_SUPPORT_REGIONS:
        return EXTENDED_SUPPORT_PRICES[(kind, years)]
    raise MissingPriceError(f"no Extended Support price for {kind} usage (year {years}) in "
                            f"{region}: the sources give US East only",
                            item=f"Extended Support, {kind}, year {years}", region=region)
