"""Queueing results shared by every model that has a queue: one home, no rivals.

Planned public names (filled in by the write-path issue, reused by Global Database lag and reader
sizing):

- ``lindley_waits(interarrival_s, service_s)``: waiting times of a FIFO single-server queue,
  ``W_0 = 0``, ``W_n = max(0, W_{n-1} + S_{n-1} - A_n)``, vectorized as a running minimum of a
  cumulative sum (no Python loop per customer).
- ``mg1_mean_wait(arrival_rate, service_mean, service_second_moment)``: Pollaczek-Khinchine.
- M/G/1 waiting-time tail approximations; ``kingman_mean_wait`` for G/G/1.
- ``erlang_c(servers, offered_load)``: probability of waiting in M/M/k, and M/M/k waiting-time
  percentiles.
- An explicit unstable result (utilisation >= 1, with the backlog growth rate) instead of a number.
"""

from __future__ import annotations

__all__: list[str] = []
