"""Failure model, the lumped protection-group CTMC, and its exact solves."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .. import markov
from .._params import declared, param
from .._validate import check_choice, check_positive
from ..results import Estimate
from ..units import HOURS_PER_YEAR
from ._layout import EVENTS, QuorumLayout

__all__ = [
    "FailureModel",
    "event_probability",
    "mean_time_to_event",
    "steady_state_probability",
]


#: us-east-1 AZ-scoped incidents in data/failures/aws_az_incidents_2018_2023.csv: 22 in a window of
#: 1802 days (2018-05-10 to 2023-04-16, 365.25-day years) over 6 AZs.
_AZ_RATE = 22 / (1802 / 365.25) / 6

@declared("quorum")
@dataclass(frozen=True, kw_only=True)
class FailureModel:
    """Failure and repair rates of the copies and AZs of one protection group.

    Parameters
    ----------
    copy_failure_rate_per_year : float
        Permanent failure rate of one copy (its disk), per year (default 0.0157, Backblaze 2024).
    transient_failure_rate_per_year : float
        Rate of transient unavailability of one copy, per year (assumption, default 1).
    segment_size_bytes : float
        Segment size in bytes (default 1e10, decimal 10 GB as in the paper).
    repair_bandwidth_gbit_per_s : float
        Bandwidth of a re-replication, Gbit/s (default 10).
    detection_s : float
        Time to detect a failure and start the copy, seconds (default 2).
    az_outage_rate_per_year : float
        Outages per AZ per year (default about 0.743, from the AZ incident data).
    az_outage_hours : float
        Mean outage duration in hours (assumption, default 2).
    az_loss_rate_per_year : float
        Rate of *permanent* loss of an AZ with all its copies, per AZ per year (default 0).
    max_azs_down : int or None
        At most this many AZs are down at once (default 1: an AZ does not fail while another is
        down, the paper's AZ+1 design point). None lets outages overlap independently, which
        makes two AZs down at once (about 1e-3 a year at the defaults) the dominant cause of
        lost read quorum.

    Notes
    -----
    Every holding time is exponential. Repair time = transfer (``8 * size / bandwidth``, 8 s for
    10 GB at 10 Gbps) + detection (2 s): the paper's 10 s. A lost or unavailable copy is rebuilt
    (or returns) at rate ``1 / repair_s`` while its own AZ is up; a permanently lost copy needs an
    intact peer in an up AZ to copy from. Copies keep failing while their AZ is down, but nothing
    in a down AZ is repaired. A transient failure makes a copy unavailable for one repair time and
    loses no data; a permanent AZ loss loses every copy in the AZ, which are then rebuilt.
    """

    copy_failure_rate_per_year: float = param(
        0.0157, "1/year", low=0.0, high=100.0, scenario="failures.copy_failure_rate_per_year",
        uncertainty={"dist": "lognormal", "p5": 0.005, "p95": 0.05,
                     "rationale": "drive AFRs of 0.5-5 %/year (Backblaze models and years); "
                                  "SSD storage nodes are not drives"},
        doc="permanent failure rate of one copy",
        source="Backblaze Drive Stats 2024 fleet AFR 1.57% (data/failures/backblaze_drive_afr.csv, "
               "row 2024); a disk stand-in for Aurora's SSD storage nodes; bounded at 100/year "
               "(a failure every 3.7 days is no longer a storage node)")
    transient_failure_rate_per_year: float = param(
        1.0, "1/year", low=0.0, high=1000.0, doc="transient unavailability rate of one copy",
        rationale="node restarts and network blips, about one per copy-year; the drive data covers "
                  "permanent failures only; swept in notebook 01",
        uncertainty={"dist": "lognormal", "p5": 0.25, "p95": 4.0,
                     "rationale": "no public figure: a factor of 4 either side of one per "
                                  "copy-year"})
    segment_size_bytes: float = param(
        float(10**10), "bytes", low=1e6, high=1e12, doc="segment (protection group) size",
        source="SIGMOD'17 §2.2: 10 GB segments")
    repair_bandwidth_gbit_per_s: float = param(
        10.0, "Gbit/s", low=0.0, low_open=True, high=400.0, doc="bandwidth of a re-replication",
        source="SIGMOD'17 §2.2: a 10 GB segment is repaired in 10 s on a 10 Gbps link")
    detection_s: float = param(
        2.0, "s", low=0.0, high=86_400.0, doc="time to detect a failure and start the copy",
        rationale="detection and set-up, so that 8 s of transfer + 2 s gives the paper's 10 s "
                  "window",
        uncertainty={"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 10.0,
                     "rationale": "the paper's 10 s window leaves ~2 s; a few missed "
                                  "heartbeats could make it 10 s"})
    az_outage_rate_per_year: float = param(
        _AZ_RATE, "1/year per AZ", low=0.0, high=365.0,
        scenario="failures.az_outage_rate_per_year",
        uncertainty={"dist": "lognormal", "p5": 0.25, "p95": 2.0,
                     "rationale": "22 incidents is a small count; other regions and years "
                                  "differ by a factor of ~3 either way"},
        doc="outages per Availability Zone per year",
        source="22 us-east-1 AZ-scoped incidents in 4.93 years over 6 AZs "
               "(data/failures/aws_az_incidents_2018_2023.csv); bounded at one a day")
    az_outage_hours: float = param(
        2.0, "hours", low=0.01, high=720.0, scenario="failures.az_outage_hours",
        uncertainty={"dist": "lognormal", "p5": 0.5, "p95": 8.0,
                     "rationale": "no duration data; public AZ incidents last from half an "
                                  "hour to most of a working day"},
        doc="mean duration of an AZ outage (exponential)",
        rationale="the incident data have no durations; 2 h mean, exponential; swept in "
                  "notebook 01; bounded between 36 s (shorter is no AZ outage, and the CTMC's "
                  "rates would overflow) and 30 days")
    az_loss_rate_per_year: float = param(
        0.0, "1/year per AZ", low=0.0, high=10.0, doc="permanent loss of a whole AZ",
        rationale="no permanent loss of a whole AZ is on public record; optional stress parameter",
        uncertainty={"dist": "uniform", "low": 0.0, "high": 0.003,
                     "rationale": "none on record in ~1,000 public AZ-years: from zero to the "
                                  "rule-of-three bound 3/1,000 per AZ-year"})
    max_azs_down: int | None = param(
        1, "AZs", low=1, high=6, nullable=True, doc="AZs down at once (None: overlap freely)",
        rationale="outages of two AZs at once are region-scale events outside this model (the "
                  "paper designs for AZ+1); set None for independent, overlapping AZ outages")

    @property
    def transfer_s(self) -> float:
        """Seconds to copy one segment: ``8 * segment_size_bytes / (bandwidth * 1e9)``."""
        return 8.0 * self.segment_size_bytes / (self.repair_bandwidth_gbit_per_s * 1e9)

    @property
    def repair_s(self) -> float:
        """Mean repair time in seconds: transfer + detection."""
        return self.transfer_s + self.detection_s

    def replace(self, **changes) -> FailureModel:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def _check_inputs(layout, failures, event):
    if not isinstance(layout, QuorumLayout):
        raise TypeError(f"`layout` must be a QuorumLayout, got {type(layout).__name__}")
    if not isinstance(failures, FailureModel):
        raise TypeError(f"`failures` must be a FailureModel, got {type(failures).__name__}")
    return check_choice("event", event, EVENTS)


@dataclass(frozen=True)
class _Chain:
    states: tuple            # each a tuple of (up, k) per AZ, AZs sorted by copy count
    q: np.ndarray            # generator, per hour
    is_failure: np.ndarray   # bool (n, n): transition i -> j is a failure (vs a repair)
    event: np.ndarray        # bool (n,): states where the event holds
    initial: int


def _order(local):
    """Sort key of a local AZ state: up states first, then by failed copies."""
    return (-local[0], local[1])


@lru_cache(maxsize=64)
def _chain(layout: QuorumLayout, failures: FailureModel, event: str) -> _Chain:
    """The lumped CTMC of one protection group for ``event``.

    Per AZ the state is (up, k): whether the AZ is up and how many of its copies are failed
    (``durability``: permanently lost; availability: failed either way). AZs with the same number
    of copies are exchangeable, so the global state is the multiset of their local states.
    """
    durability = event == "data_loss"
    cpa = sorted(layout.copies_per_az)
    groups = [(c, len(list(g))) for c, g in itertools.groupby(cpa)]
    per_az = [c for c, m in groups for _ in range(m)]
    bounds = np.cumsum([0] + [m for _, m in groups])
    group_of = np.repeat(np.arange(len(groups)), [m for _, m in groups])

    def local(c):
        return [(u, k) for u in (1, 0) for k in range(c + 1)]

    states = [
        tuple(itertools.chain.from_iterable(parts))
        for parts in itertools.product(
            *(itertools.combinations_with_replacement(local(c), m) for c, m in groups))
    ]
    index = {s: i for i, s in enumerate(states)}

    def canon(s):
        s = list(s)
        for gi in range(len(groups)):
            s[bounds[gi]:bounds[gi + 1]] = sorted(s[bounds[gi]:bounds[gi + 1]], key=_order)
        return tuple(s)

    lam = failures.copy_failure_rate_per_year
    if not durability:
        lam += failures.transient_failure_rate_per_year
    lam /= HOURS_PER_YEAR
    mu = 3600.0 / failures.repair_s
    az_down = failures.az_outage_rate_per_year / HOURS_PER_YEAR
    az_up = 1.0 / failures.az_outage_hours
    az_loss = failures.az_loss_rate_per_year / HOURS_PER_YEAR
    max_down = failures.max_azs_down or len(per_az)
    rows, cols, rates, fail = [], [], [], []
    for i, s in enumerate(states):
        avail = sum(c - k for (u, k), c in zip(s, per_az, strict=True) if u)
        can_go_down = sum(1 - u for u, _ in s) < max_down
        for a, ((u, k), c) in enumerate(zip(s, per_az, strict=True)):
            moves = []
            if k < c:
                moves.append(((u, k + 1), lam * (c - k), True))
            if u and k > 0 and (avail >= 1 or not durability):
                moves.append(((u, k - 1), mu * k, False))
            if u and can_go_down:
                moves.append(((0, k), az_down, True))
            elif not u:
                moves.append(((1, k), az_up, False))
            if az_loss > 0 and k < c:
                moves.append(((1, c), az_loss, True))
            for new, rate, is_fail in moves:
                if rate <= 0:
                    continue
                t = list(s)
                t[a] = new
                rows.append(i)
                cols.append(index[canon(t)])
                rates.append(rate)
                fail.append(is_fail)
    n = len(states)
    q = markov.generator(n, rows, cols, rates)
    is_failure = np.zeros((n, n), dtype=bool)
    is_failure[np.array(rows)[fail], np.array(cols)[fail]] = True
    lost = np.array([sum(k for _, k in s) for s in states])
    avail = np.array([sum(c - k for (u, k), c in zip(s, per_az, strict=True) if u)
                      for s in states])
    if durability:
        ev = lost > layout.max_lost_for_data
    elif event == "write_unavailable":
        ev = avail < layout.write_quorum
    else:
        ev = avail < layout.read_quorum
    del group_of
    init = index[tuple((1, 0) for _ in per_az)]
    # Keep the states reachable from the all-up state (max_azs_down prunes some).
    seen = np.zeros(n, dtype=bool)
    seen[init] = True
    frontier = np.array([init])
    while frontier.size:
        nxt = np.flatnonzero((is_failure[frontier] | (q[frontier] > 0)).any(axis=0) & ~seen)
        seen[nxt] = True
        frontier = nxt
    keep = np.flatnonzero(seen)
    q = q[np.ix_(keep, keep)]
    return _Chain(tuple(states[i] for i in keep), q, is_failure[np.ix_(keep, keep)], ev[keep],
                  int(np.searchsorted(keep, init)))


def event_probability(layout: QuorumLayout, failures: FailureModel, *, event: str,
                      horizon_hours: float = 8760.0) -> Estimate:
    """Exact probability that ``event`` occurs at least once within ``horizon_hours``.

    Parameters
    ----------
    layout : QuorumLayout
    failures : FailureModel
    event : {"write_unavailable", "read_unavailable", "data_loss"}
        ``write_unavailable``: fewer than Vw copies available; ``read_unavailable``: fewer than
        Vr available; ``data_loss``: more than ``V - Vr`` copies permanently lost at once.
    horizon_hours : float
        Horizon in hours (> 0; default one year).

    Returns
    -------
    Estimate
        Exact (``method="exact"``, a CTMC solve), a probability with ``bounds=(0, 1)``; every group starts with
        all copies and AZs up.

    Raises
    ------
    ValueError
        For an unknown event or a horizon <= 0.

    Notes
    -----
    The CTMC of :class:`FailureModel` is lumped by symmetry (per AZ: up/down and number of failed
    copies; AZs with equal copy counts exchangeable): 56 states for Aurora. The event states
    are made absorbing and the probability is the [start, absorbed] entry of the transition
    matrix, computed by :func:`aurora_models.markov.absorption_probability_within`
    (uniformization + squaring of non-negative matrices: no ``1 - survival``). Verified against
    mpmath ``expm`` at 60 digits: relative error below 1e-14 for probabilities 1e-3 to 1e-23
    (``tests/reference/quorum_mpmath.py``).

    References
    ----------
    A. Verbitski et al., "Amazon Aurora: Design Considerations for High Throughput Cloud-Native
    Relational Databases", SIGMOD 2017, §2.1-2.2.

    Examples
    --------
    >>> from aurora_models.quorum import AURORA, FailureModel
    >>> fm = FailureModel(copy_failure_rate_per_year=0.015, transient_failure_rate_per_year=0,
    ...                   az_outage_rate_per_year=1.0)
    >>> p = event_probability(AURORA, fm, event="read_unavailable")
    >>> f"{p.value:.3g}"
    '5.86e-13'
    """
    event = _check_inputs(layout, failures, event)
    horizon_hours = float(check_positive("horizon_hours", horizon_hours))
    ch = _chain(layout, failures, event)
    p = markov.absorption_probability_within(ch.q, ch.event, horizon_hours, initial=ch.initial)
    return Estimate(value=p, method="exact", quantity=f"P({event} within {horizon_hours:g} h)",
                    unit="probability", bounds=(0.0, 1.0))


def mean_time_to_event(layout: QuorumLayout, failures: FailureModel, *, event: str) -> Estimate:
    """Exact mean time in hours until ``event`` first occurs, from the all-up state.

    Notes
    -----
    First-passage time of the lumped CTMC, by the regenerative GTH solve of
    :func:`aurora_models.markov.mean_time_to_absorption` (no subtraction).

    Examples
    --------
    >>> from aurora_models.quorum import MIRRORED_MULTI_AZ, FailureModel
    >>> fm = FailureModel(transient_failure_rate_per_year=0, az_outage_rate_per_year=0)
    >>> t = mean_time_to_event(MIRRORED_MULTI_AZ, fm, event="write_unavailable")
    >>> f"{t.value / 8760:.4g} years"       # 1 / (2 x 0.0157)
    '31.85 years'
    """
    event = _check_inputs(layout, failures, event)
    ch = _chain(layout, failures, event)
    t = markov.mean_time_to_absorption(ch.q, ch.event, initial=ch.initial)
    return Estimate(value=t, method="exact", quantity=f"mean time to {event}", unit="hours",
                    bounds=(0.0, math.inf))


def steady_state_probability(layout: QuorumLayout, failures: FailureModel, *,
                             event: str) -> Estimate:
    """Long-run fraction of time during which ``event`` holds (availability events only).

    Raises
    ------
    ValueError
        For ``event="data_loss"``, which the model cannot leave (lost data is not restored).

    Notes
    -----
    Sum of the GTH stationary probabilities of the event states of the lumped chain; accurate in
    relative terms however small (compare :func:`snapshot_unavailability`, which ignores the
    correlation between a failure and the repairs it starts).

    Examples
    --------
    >>> from aurora_models.quorum import AURORA, FailureModel
    >>> s = steady_state_probability(AURORA, FailureModel(), event="write_unavailable")
    >>> 0 < s.value < 1e-9
    True
    """
    event = _check_inputs(layout, failures, event)
    if event == "data_loss":
        raise ValueError("`event` must be 'write_unavailable' or 'read_unavailable' for a "
                         "steady state (data loss is absorbing), got 'data_loss'")
    ch = _chain(layout, failures, event)
    pi = markov.stationary_distribution(ch.q)
    return Estimate(value=float(min(1.0, pi[ch.event].sum())), method="exact",
                    quantity=f"steady-state P({event})", unit="probability", bounds=(0.0, 1.0))
