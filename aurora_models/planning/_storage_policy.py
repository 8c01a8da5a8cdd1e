"""The storage configuration over time: when to be on Aurora Standard and when on I/O-Optimized.

AWS lets a cluster switch to I/O-Optimized once every 30 days and back to Standard at any time
(Amazon Aurora User Guide, *Amazon Aurora storage*, "Storage configurations for Amazon Aurora
DB clusters", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.StorageReliability.html,
read 2026-12-08). With growth and seasonality the cheaper configuration changes from month to
month, and the cheapest *feasible* sequence is a small dynamic programme: :func:`storage_policy`.
:func:`search_storage_policy` is its independent check, every sequence tried.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_nonnegative
from ..exceptions import ParameterValueError
from ..units import HOURS_PER_MONTH

__all__ = ["SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS", "StoragePolicy", "search_storage_policy",
           "storage_policy"]

#: Days that must pass between two switches to I/O-Optimized (cited: the module's source).
SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS = 30.0
#: The two configurations, in the order of a policy's ``configs`` codes (0, 1).
CONFIGS = ("standard", "io-optimized")
#: Brute force tries 2^n sequences: up to 20 periods (a million).
MAX_SEARCH_PERIODS = 20


@dataclass(frozen=True, kw_only=True)
class StoragePolicy:
    """The cheapest feasible storage configuration of each period, and what it saves.

    Parameters
    ----------
    configs : tuple of str
        ``"standard"`` or ``"io-optimized"`` for each period.
    total_usd : float
        The policy's cost over the periods, USD.
    always_standard_usd, always_io_optimized_usd : float
        The cost of staying on one configuration throughout, USD (the second is None when the
        30-day rule forbids switching to it at the start).
    switches_to_io_optimized : int
        How many times the policy switches to I/O-Optimized.

    Examples
    --------
    >>> p = storage_policy([100.0, 100.0], [90.0, 120.0])
    >>> p.configs, p.saving_vs_best_fixed_usd
    (('io-optimized', 'standard'), 10.0)
    """

    configs: tuple[str, ...]
    total_usd: float
    always_standard_usd: float
    always_io_optimized_usd: float | None
    switches_to_io_optimized: int

    @property
    def saving_vs_best_fixed_usd(self) -> float:
        """What the policy saves against the cheaper of the two fixed configurations, USD."""
        fixed = [c for c in (self.always_standard_usd, self.always_io_optimized_usd)
                 if c is not None]
        return min(fixed) - self.total_usd


def _inputs(standard_usd, io_optimized_usd, days, initial, days_since_switch):
    s = np.asarray(standard_usd, dtype=float)
    o = np.asarray(io_optimized_usd, dtype=float)
    if s.ndim != 1 or s.shape != o.shape or s.size == 0:
        raise ParameterValueError(f"`standard_usd` and `io_optimized_usd` must be equal-length, "
                                  f"non-empty 1-d sequences, got shapes {s.shape} and {o.shape}")
    for name, a in (("standard_usd", s), ("io_optimized_usd", o)):
        if not np.isfinite(a).all():
            raise ParameterValueError(f"`{name}` must be finite, got {a.tolist()}")
    d = np.full(s.size, HOURS_PER_MONTH / 24.0) if days is None else np.asarray(days, dtype=float)
    if d.shape != s.shape or not (np.isfinite(d).all() and (d > 0).all()):
        raise ParameterValueError(f"`days` must hold one positive length per period, days, got "
                                  f"{np.asarray(days).tolist()}")
    if initial not in CONFIGS:
        raise ParameterValueError(f"`initial` must be one of {', '.join(map(repr, CONFIGS))}, "
                                  f"got {initial!r}")
    since = (SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS if days_since_switch is None
             else min(check_nonnegative("days_since_switch", days_since_switch),
                      SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS))
    return s, o, d, CONFIGS.index(initial), since


def _policy(s, o, seq: tuple[int, ...], start: int, since: float) -> StoragePolicy:
    """The :class:`StoragePolicy` of sequence ``seq`` (codes of :data:`CONFIGS`): its cost
    summed as the fixed configurations' are, and how often it switches to I/O-Optimized."""
    barred = start == 0 and since < SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS
    switches = sum(1 for prev, cur in zip((start, *seq), seq, strict=False) if cur and not prev)
    return StoragePolicy(configs=tuple(CONFIGS[c] for c in seq),
                         total_usd=math.fsum(o[i] if c else s[i] for i, c in enumerate(seq)),
                         always_standard_usd=math.fsum(s),
                         always_io_optimized_usd=None if barred else math.fsum(o),
                         switches_to_io_optimized=switches)


def storage_policy(standard_usd: Sequence[float], io_optimized_usd: Sequence[float], *,
                   days: Sequence[float] | None = None, initial: str = "standard",
                   days_since_switch: float | None = None) -> StoragePolicy:
    """The cheapest sequence of storage configurations under AWS's 30-day rule.

    A decision is taken at the start of each period (a month of the projection): Standard or
    I/O-Optimized for the whole period, costing ``standard_usd[i]`` or ``io_optimized_usd[i]``.
    A switch to I/O-Optimized needs 30 days since the previous one; a switch back is free at
    any time. The state of the dynamic programme is the configuration and the days since the
    last switch to I/O-Optimized, capped at 30 (beyond it the rule no longer binds), so the
    days are kept exactly: months are not 30 days.

    When every two consecutive periods together last at least 30 days (months always do),
    two switches to I/O-Optimized are always far enough apart (a switch back comes between
    them), so the rule binds only through the start (``days_since_switch``), and the policy is
    the cheaper configuration of each period: the closed form the tests check. Shorter periods
    (weeks, days) make the rule bind and the programme earn its keep.

    Parameters
    ----------
    standard_usd, io_optimized_usd : sequence of float
        The bill of each period on Aurora Standard and on I/O-Optimized, USD.
    days : sequence of float, optional
        The length of each period, days (default: the package's 730-hour month, 30.42 days).
    initial : {"standard", "io-optimized"}
        The configuration before the first period.
    days_since_switch : float, optional
        Days since the cluster last switched to I/O-Optimized (None: 30 or more, no bar).

    Returns
    -------
    StoragePolicy
        The configuration of each period, its cost, and the costs of never switching.

    See Also
    --------
    search_storage_policy : The same optimum by trying every sequence.

    Examples
    --------
    >>> p = storage_policy([100, 100, 90], [95, 120, 80])
    >>> p.configs, p.total_usd, p.always_standard_usd, p.always_io_optimized_usd
    (('io-optimized', 'standard', 'io-optimized'), 275.0, 290.0, 295.0)

    A switch to I/O-Optimized 10 days ago bars another one for 20 days:

    >>> storage_policy([100, 100], [50, 50], days=[20, 20], days_since_switch=10).configs
    ('standard', 'io-optimized')
    """
    s, o, d, start, since = _inputs(standard_usd, io_optimized_usd, days, initial,
                                    days_since_switch)
    limit = SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS
    # best[(config, days since the last switch to I/O-Optimized, capped)] = (cost, sequence)
    best: dict[tuple[int, float], tuple[float, tuple[int, ...]]] = {(start, since): (0.0, ())}
    for i in range(s.size):
        nxt: dict[tuple[int, float], tuple[float, tuple[int, ...]]] = {}
        for (config, gap), (cost, seq) in best.items():
            for choice in (0, 1):
                switch_in = choice == 1 and config == 0
                if switch_in and gap < limit:
                    continue  # the 30-day rule
                g = min((0.0 if switch_in else gap) + d[i], limit)
                c = cost + (o[i] if choice else s[i])
                key = (choice, g)
                if key not in nxt or c < nxt[key][0]:
                    nxt[key] = (c, (*seq, choice))
        best = nxt
    _, seq = min(best.values())
    return _policy(s, o, seq, start, since)


def search_storage_policy(standard_usd: Sequence[float], io_optimized_usd: Sequence[float], *,
                          days: Sequence[float] | None = None, initial: str = "standard",
                          days_since_switch: float | None = None) -> StoragePolicy:
    """:func:`storage_policy` by brute force: every sequence tried (up to 20 periods).

    Each of the 2^n sequences is checked against the 30-day rule by its switch times.

    Parameters
    ----------
    standard_usd, io_optimized_usd : sequence of float
        The bill of each period on Aurora Standard and on I/O-Optimized, USD.
    days : sequence of float, optional
        The length of each period, days (default a 730-hour month).
    initial : {"standard", "io-optimized"}
        The configuration before the first period.
    days_since_switch : float, optional
        Days since the last switch to I/O-Optimized (None: no bar).

    Returns
    -------
    StoragePolicy
        The cheapest feasible sequence (ties: the first in lexicographic order).

    See Also
    --------
    storage_policy : The dynamic programme this checks.

    Examples
    --------
    >>> search_storage_policy([100, 100, 90], [95, 120, 80]).total_usd
    275.0
    """
    s, o, d, start, since = _inputs(standard_usd, io_optimized_usd, days, initial,
                                    days_since_switch)
    if s.size > MAX_SEARCH_PERIODS:
        raise ParameterValueError(f"`standard_usd` must have at most {MAX_SEARCH_PERIODS} "
                                  f"periods for a brute-force search, got {s.size}")
    starts = np.concatenate([[0.0], np.cumsum(d)[:-1]])
    found: tuple[float, tuple[int, ...]] | None = None
    for seq in itertools.product((0, 1), repeat=s.size):
        last = -since  # time of the last switch to I/O-Optimized
        ok, prev = True, start
        for i, c in enumerate(seq):
            if c and not prev:
                if starts[i] - last < SWITCH_TO_IO_OPTIMIZED_EVERY_DAYS:
                    ok = False
                    break
                last = starts[i]
            prev = c
        if not ok:
            continue
        cost = math.fsum(o[i] if c else s[i] for i, c in enumerate(seq))
        if found is None or cost < found[0]:
            found = (cost, seq)
    assert found is not None  # always Standard is feasible
    return _policy(s, o, found[1], start, since)
