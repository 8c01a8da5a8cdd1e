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
from ..exceptions import ParameterTypeError, ParameterValueError
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
    transient_failure_rate_per_year: float = param(
        1.0, "1/year", low=0.0, high=1000.0, scenario="failures.transient_failure_rate_per_year",
        doc="transient unavailability rate of one copy",
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
        2.0, "s", low=0.0, high=86_400.0, scenario="failures.detection_s",
        doc="time to detect a failure and start the copy",
        rationale="detection and set-up, so that 8 s of transfer + 2 s gives the paper's 10 s "
                  "window",
        uncertainty={"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 10.0,
                     "rationale": "the paper's 10 s window leaves ~2 s; a few missed "
                                  "heartbeats could make it 10 s"})
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
        raise ParameterTypeError(f"`layout` must be a QuorumLayout, got {type(layout).__name__}")
    if not isinstance(failures, FailureModel):
        raise ParameterTypeError(f"`failures` must be a FailureModel, got {type(failures).__name__}")
    return check_choice("event", event, EVENTS)


def _check_batch(layout, failures, event):
    """:func:`_check_inputs` for a sequence of failure models: the event, then each model once."""
    if not isinstance(layout, QuorumLayout):
        raise ParameterTypeError(f"`layout` must be a QuorumLayout, got {type(layout).__name__}")
    if isinstance(failures, FailureModel):
        raise ParameterTypeError("`failures` must be a sequence of FailureModel, got a FailureModel")
    failures = tuple(failures)
    for f in failures:
        if not isinstance(f, FailureModel):
            raise ParameterTypeError(f"`failures` must be a FailureModel, got {type(f).__name__}")
    return failures, check_choice("event", event, EVENTS)


# --- the lumped chain as a linear combination of base rates --------------------------------------

#: The base rates (per hour) whose linear combination is a chain's generator: copy failure
#: (permanent, plus transient for availability events), repair, AZ down, AZ up, AZ loss.
_COPY, _REPAIR, _AZ_DOWN, _AZ_UP, _AZ_LOSS = range(5)
_N_RATES = 5
_FAILURE_RATES = (_COPY, _AZ_DOWN, _AZ_LOSS)


@dataclass(frozen=True)
class _Params:
    """The fields of B failure models as arrays of shape (B,)."""

    copy: np.ndarray
    transient: np.ndarray
    repair_s: np.ndarray
    az_rate: np.ndarray
    az_hours: np.ndarray
    az_loss: np.ndarray
    segment_bytes: np.ndarray
    max_down: np.ndarray     # int; None resolved by the layout's AZ count

    @property
    def size(self) -> int:
        return self.copy.size


def _params(failures, layout: QuorumLayout) -> _Params:
    """Arrays of the fields of a sequence of checked failure models."""
    cols = np.array([(f.copy_failure_rate_per_year, f.transient_failure_rate_per_year,
                      f.segment_size_bytes, f.repair_bandwidth_gbit_per_s, f.detection_s,
                      f.az_outage_rate_per_year, f.az_outage_hours, f.az_loss_rate_per_year)
                     for f in failures], dtype=float).reshape(-1, 8).T
    copy, transient, size, bw, detect, az_rate, az_hours, az_loss = cols
    repair_s = 8.0 * size / (bw * 1e9) + detect          # FailureModel.repair_s
    max_down = np.array([f.max_azs_down or layout.n_azs for f in failures], dtype=np.int64)
    return _Params(copy, transient, repair_s, az_rate, az_hours, az_loss, size, max_down)


def _base_rates(p: _Params, event: str) -> np.ndarray:
    """Base rates per hour, shape (B, 5), in the order of ``_COPY ... _AZ_LOSS``."""
    lam = p.copy if event == "data_loss" else p.copy + p.transient
    return np.stack([lam / HOURS_PER_YEAR, 3600.0 / p.repair_s, p.az_rate / HOURS_PER_YEAR,
                     1.0 / p.az_hours, p.az_loss / HOURS_PER_YEAR], axis=1)


@dataclass(frozen=True)
class _Structure:
    states: tuple            # each a tuple of (up, k) per AZ, AZs sorted by copy count
    coef: np.ndarray         # (5, n, n): generator off-diagonal = sum_r rate_r coef[r]
    event: np.ndarray        # bool (n,): states where the event holds
    initial: int


def _order(local):
    """Sort key of a local AZ state: up states first, then by failed copies."""
    return (-local[0], local[1])


@lru_cache(maxsize=64)
def _structure(layout: QuorumLayout, event: str, max_down: int) -> _Structure:
    """Every state of the lumped CTMC of one protection group, and its rate coefficients.

    Per AZ the state is (up, k): whether the AZ is up and how many of its copies are failed
    (``durability``: permanently lost; availability: failed either way). AZs with the same number
    of copies are exchangeable, so the global state is the multiset of their local states.
    ``coef[r, i, j]`` is the multiplicity of base rate ``r`` in the rate ``i -> j``.
    """
    durability = event == "data_loss"
    cpa = sorted(layout.copies_per_az)
    groups = [(c, len(list(g))) for c, g in itertools.groupby(cpa)]
    per_az = [c for c, m in groups for _ in range(m)]
    bounds = np.cumsum([0] + [m for _, m in groups])

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

    n = len(states)
    coef = np.zeros((_N_RATES, n, n))
    for i, s in enumerate(states):
        avail = sum(c - k for (u, k), c in zip(s, per_az, strict=True) if u)
        can_go_down = sum(1 - u for u, _ in s) < max_down
        for a, ((u, k), c) in enumerate(zip(s, per_az, strict=True)):
            moves = []
            if k < c:
                moves.append(((u, k + 1), _COPY, c - k))
            if u and k > 0 and (avail >= 1 or not durability):
                moves.append(((u, k - 1), _REPAIR, k))
            if u and can_go_down:
                moves.append(((0, k), _AZ_DOWN, 1))
            elif not u:
                moves.append(((1, k), _AZ_UP, 1))
            if k < c:
                moves.append(((1, c), _AZ_LOSS, 1))
            for new, rate, mult in moves:
                t = list(s)
                t[a] = new
                j = index[canon(t)]
                if j != i:
                    coef[rate, i, j] += mult
    lost = np.array([sum(k for _, k in s) for s in states])
    avail = np.array([sum(c - k for (u, k), c in zip(s, per_az, strict=True) if u)
                      for s in states])
    if durability:
        ev = lost > layout.max_lost_for_data
    elif event == "write_unavailable":
        ev = avail < layout.write_quorum
    else:
        ev = avail < layout.read_quorum
    init = index[tuple((1, 0) for _ in per_az)]
    return _Structure(tuple(states), coef, ev, init)


@dataclass(frozen=True)
class _Block:
    """The states of a structure reachable when the base rates ``pattern`` are nonzero."""

    states: tuple
    coef: np.ndarray         # (5, m * m), C-contiguous: q.ravel() = rates @ coef
    is_failure: np.ndarray   # bool (m, m): transition i -> j is a failure (vs a repair)
    event: np.ndarray        # bool (m,)
    initial: int


@lru_cache(maxsize=256)
def _block(layout: QuorumLayout, event: str, max_down: int, pattern: tuple) -> _Block:
    st = _structure(layout, event, max_down)
    on = np.array(pattern, dtype=bool)
    adj = (st.coef[on] > 0).any(axis=0)
    # Keep the states reachable from the all-up state (max_azs_down and zero rates prune some).
    seen = np.zeros(adj.shape[0], dtype=bool)
    seen[st.initial] = True
    frontier = np.array([st.initial])
    while frontier.size:
        nxt = np.flatnonzero(adj[frontier].any(axis=0) & ~seen)
        seen[nxt] = True
        frontier = nxt
    keep = np.flatnonzero(seen)
    coef = np.ascontiguousarray(st.coef[:, keep][:, :, keep])
    fail = [r for r in _FAILURE_RATES if pattern[r]]
    is_failure = np.asarray((coef[fail] > 0).any(axis=0))
    return _Block(tuple(st.states[i] for i in keep), coef.reshape(_N_RATES, -1), is_failure,
                  st.event[keep], int(np.searchsorted(keep, st.initial)))


def _generators(coef: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Generators ``(B, m, m)`` of rates ``(B, 5)``: one matrix product, diagonal filled."""
    m = math.isqrt(coef.shape[1])
    q = (rates @ coef).reshape(-1, m, m)
    diag = np.arange(m)
    q[:, diag, diag] = -q.sum(axis=2)
    return q


def _groups(rates: np.ndarray, max_down: np.ndarray):
    """Yield ``(indices, max_down, pattern)`` for the items sharing AZ bound and zero-pattern.

    The reachable states depend on which base rates are zero, so each group gets its own block
    and a batch gives every item the states (and the result) it would get alone.
    """
    code = (rates > 0) @ (1 << np.arange(_N_RATES)) + (max_down << _N_RATES)
    uniq, inverse = np.unique(code, return_inverse=True)
    if uniq.size == 1:
        yield slice(None), int(max_down[0]), tuple(bool(x) for x in rates[0] > 0)
        return
    for g in range(uniq.size):
        idx = np.flatnonzero(inverse == g)
        yield idx, int(max_down[idx[0]]), tuple(bool(x) for x in rates[idx[0]] > 0)


@dataclass(frozen=True)
class _Chain:
    states: tuple            # each a tuple of (up, k) per AZ, AZs sorted by copy count
    q: np.ndarray            # generator, per hour
    is_failure: np.ndarray   # bool (n, n): transition i -> j is a failure (vs a repair)
    event: np.ndarray        # bool (n,): states where the event holds
    initial: int


@lru_cache(maxsize=64)
def _chain(layout: QuorumLayout, failures: FailureModel, event: str) -> _Chain:
    """The lumped CTMC of one protection group for ``event`` (the states reachable from all-up).

    The generator is the combination of the structure's coefficient matrices with the model's
    base rates (:func:`_structure`, :func:`_block`), as for a batch.
    """
    p = _params((failures,), layout)
    rates = _base_rates(p, event)
    (_, max_down, pattern), = _groups(rates, p.max_down)
    blk = _block(layout, event, max_down, pattern)
    return _Chain(blk.states, _generators(blk.coef, rates)[0], blk.is_failure, blk.event,
                  blk.initial)


def _event_probabilities(layout: QuorumLayout, p: _Params, event: str,
                         horizons: np.ndarray) -> np.ndarray:
    """P(event within horizons[i]) for each of the B checked models of ``p``: shape (B,)."""
    rates = _base_rates(p, event)
    out = np.empty(p.size)
    for idx, max_down, pattern in _groups(rates, p.max_down):
        blk = _block(layout, event, max_down, pattern)
        q = _generators(blk.coef, rates[idx])
        out[idx] = markov.absorption_probability_within(q, blk.event, horizons[idx],
                                                        initial=blk.initial)
    return out


def _steady_state_probabilities(layout: QuorumLayout, p: _Params, event: str) -> np.ndarray:
    """Steady-state P(event) for each of the B checked models of ``p``: shape (B,)."""
    rates = _base_rates(p, event)
    out = np.empty(p.size)
    for idx, max_down, pattern in _groups(rates, p.max_down):
        blk = _block(layout, event, max_down, pattern)
        pi = markov.stationary_distribution(_generators(blk.coef, rates[idx]))
        out[idx] = np.minimum(1.0, pi[:, blk.event].sum(axis=1))
    return out


def _check_steady_event(event):
    if event == "data_loss":
        raise ParameterValueError("`event` must be 'write_unavailable' or 'read_unavailable' for a "
                         "steady state (data loss is absorbing), got 'data_loss'")


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
    p = float(_event_probabilities(layout, _params((failures,), layout), event,
                                   np.array([horizon_hours]))[0])
    return _event_estimate(p, event, horizon_hours)


def _event_estimate(p: float, event: str, horizon_hours: float) -> Estimate:
    """The Estimate :func:`event_probability` returns for the probability ``p``."""
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
    _check_steady_event(event)
    p = float(_steady_state_probabilities(layout, _params((failures,), layout), event)[0])
    return Estimate(value=p, method="exact",
                    quantity=f"steady-state P({event})", unit="probability", bounds=(0.0, 1.0))
