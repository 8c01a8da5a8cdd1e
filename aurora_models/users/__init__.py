"""Where the users are: latency by user region, routing, write forwarding.

- **Routing** (in :mod:`aurora_models.global_db`, the family of the regions):
  :func:`~aurora_models.global_db.route` sends each user region's reads to its nearest region
  with instances (by the bundled p50 round trips) and its writes to the primary, or through its
  secondary with Global Database write forwarding.
- **Latency**: :func:`read_latency` and :func:`write_latency` give the exact mean and quantiles
  of a read, a direct write and a forwarded write (network trips, the reader's M/M/c queue, the
  quorum commit; the whole laws, a :class:`SumDistribution`, from
  :func:`read_latency_law`, :func:`write_latency_law`); :func:`simulate_read_latency` and
  :func:`simulate_write_latency` are their Monte Carlo siblings.
- **Scenario input**: the ``[users]`` table (:class:`Users`, each user region a
  :class:`~aurora_models.global_db.UserRegion`).
"""

from ._latency import (
    read_latency,
    read_latency_law,
    simulate_read_latency,
    simulate_write_latency,
    write_latency,
    write_latency_law,
)
from ._params import Users
from ._parts import SumDistribution

__all__ = ["SumDistribution", "Users", "read_latency", "read_latency_law",
           "simulate_read_latency", "simulate_write_latency", "write_latency",
           "write_latency_law"]
