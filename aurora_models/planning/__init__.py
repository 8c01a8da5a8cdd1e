"""A year in the life of the cluster: the bill month by month, the storage configuration over
time, and right-sizing.

- **The year**: :func:`month_usages` moves the volume on by its growth (negative: dynamic
  resizing shrinks it) and gives each month its season's demand; :func:`bill_months` bills
  them; :func:`year_plan` adds the cheapest storage policy.
- **Storage over time**: :func:`storage_policy`, a dynamic programme over the months under
  AWS's rule (one switch to I/O-Optimized every 30 days, back to Standard at any time), and
  :func:`search_storage_policy`, its brute-force check.
- **Right-sizing**: :func:`right_size` gives a class's utilisation at the daily and event peak
  (:func:`class_capacity_acu`) and the cheapest class that holds the event peak.
- **Scenario input**: ``workload.seasonality`` and ``cluster.io_optimized_switched_days_ago``
  (:class:`YearKeys`).
"""

from ._params import YearKeys, projection_months
from ._rightsize import ClassFit, class_capacity_acu, right_size
from ._storage_policy import StoragePolicy, search_storage_policy, storage_policy
from ._year import YearPlan, bill_months, month_usages, seasonal, year_plan

__all__ = ["ClassFit", "StoragePolicy", "YearKeys", "YearPlan", "bill_months",
           "class_capacity_acu", "month_usages", "projection_months", "right_size",
           "search_storage_policy", "seasonal", "storage_policy", "year_plan"]
