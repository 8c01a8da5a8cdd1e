"""Time constants, in one home: every module converts years, months and hours with these.

A year is 365 days (8,760 hours), the convention of annual failure rates and of availability
"minutes per year"; a billing month is 730 hours, the convention of AWS's price list.
"""

from __future__ import annotations

from ._assumptions import register

__all__ = ["HOURS_PER_MONTH", "HOURS_PER_YEAR", "MINUTES_PER_YEAR", "SECONDS_PER_MONTH",
           "SECONDS_PER_YEAR"]

#: Hours in a 365-day year (annual rates, downtime per year).
HOURS_PER_YEAR = 8760.0
MINUTES_PER_YEAR = HOURS_PER_YEAR * 60.0
SECONDS_PER_YEAR = MINUTES_PER_YEAR * 60.0
#: Hours in a billing month: every monthly bill in the package multiplies hourly prices by this.
HOURS_PER_MONTH = register(
    "units.hours_per_month", 730.0, "hours",
    source="AWS pricing pages and calculator bill a month as 730 hours (8,760 / 12)")
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
