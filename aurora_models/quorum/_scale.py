"""Volume and fleet scale: many protection groups sharing AZs and storage nodes."""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import replace
from functools import lru_cache

import numpy as np

from .. import _budget, markov
from .._rng import as_generator
from .._validate import check_choice, check_int_range, check_positive, check_range
from ..exceptions import AuroraModelsWarning, ParameterTypeError, ParameterValueError
from ..results import Estimate
from ..units import HOURS_PER_YEAR
from ._layout import QuorumLayout
from ._model import (
    _AZ_DOWN,
    _AZ_LOSS,
    FailureModel,
    _base_rates,
    _block,
    _check_inputs,
    _event_probabilities,
    _generators,
    _groups,
    _Params,
    _params,
)

__all__ = [
    "MAX_VOLUME_GIB",
    "OLD_ENGINE_MAX_VOLUME_GIB",
    "n_protection_groups",
    "placement_loss_probability",
    "simulate_placement_loss_probability",
    "volume_event_probability",
]

#: Largest Aurora volume, 128 TiB (binary; Aurora user guide), in GiB.
MAX_VOLUME_GIB = 128 * 1024
#: Largest volume on older engine versions, 64 TiB: Aurora MySQL before 1.23.0 / 2.09.0 (the
#: 128 TiB limit came with 1.23.0, 2.09.0 and 3.01.0; Aurora user guide 2023 and AWS Knowledge
#: Center, aurora_facts.md §6). A 256 TiB figure for recent versions is not confirmed by a
#: source we can cite, so 128 TiB stays the limit of every current version.
OLD_ENGINE_MAX_VOLUME_GIB = 64 * 1024


def n_protection_groups(volume_gib: float, segment_size_bytes: float = 1e10) -> int:
    """Protection groups of a volume: ``ceil(volume_gib * 2**30 / segment_size_bytes)``.

    ``volume_gib`` is binary (GiB, as the user guide's 128 TiB limit); segments are decimal bytes
    (10 GB = 1e10 bytes, as in the paper).

    Parameters
    ----------
    volume_gib : float
        Volume size in GiB (binary), in (0, 128 TiB].
    segment_size_bytes : float
        Segment (protection group) size in bytes (default 1e10, decimal 10 GB).

    Returns
    -------
    int
        The number of groups (at least 1).

    Examples
    --------
    >>> n_protection_groups(128 * 1024)       # 128 TiB
    14074
    >>> n_protection_groups(64e12 / 2**30)    # the paper's 64 TB: 6,400 groups, 38,400 segments
    6400
    """
    v = float(check_range("volume_gib", volume_gib, 0.0, MAX_VOLUME_GIB, low_inclusive=False))
    seg = float(check_positive("segment_size_bytes", segment_size_bytes))
    return max(1, math.ceil(round(v * 2**30 / seg, 9)))


#: The 40-point Gauss-Laguerre rule of the AZ-outage duration (nodes, weights).
_LAGUERRE = np.polynomial.laguerre.laggauss(40)


@lru_cache(maxsize=64)
def _episode_block(layout: QuorumLayout, event: str, pattern: tuple):
    """Coefficients of the chain during one AZ outage (the AZ state held fixed), its event
    states, and the start state of each copies-per-AZ count (one AZ down, every copy up)."""
    blk = _block(layout, event, 1, pattern)
    ups = np.array([[u for u, _ in s] for s in blk.states])
    same = (ups[:, None, :] == ups[None, :, :]).all(axis=2)
    np.fill_diagonal(same, False)
    coef = blk.coef * same.ravel()          # the AZ state is held fixed during the episode
    cpa = sorted(layout.copies_per_az)
    targets = {}
    for c in set(cpa):
        for idx, s in enumerate(blk.states):
            if sum(1 - u for u, _ in s) == 1 and all(k == 0 for _, k in s):
                down = next(b for b, (u, _) in enumerate(s) if u == 0)
                if cpa[down] == c:
                    targets[c] = idx
    return coef, blk.event, targets


def _episode_probabilities(layout, rates, event, duration_h):
    """P(a group hits `event` while one AZ is down for `duration_h[i, j]`), per AZ copy count.

    ``rates`` are the models' base rates (B, 5); returns ``{c: array (B, J)}``.
    """
    frozen = rates.copy()     # az_outage_rate 1/year (any positive), max_azs_down 1, no AZ loss
    frozen[:, _AZ_DOWN] = 1.0 / HOURS_PER_YEAR
    frozen[:, _AZ_LOSS] = 0.0
    out = {c: np.empty(duration_h.shape) for c in set(layout.copies_per_az)}
    for idx, _, pattern in _groups(frozen, np.ones(len(frozen), dtype=np.int64)):
        coef, event_states, targets = _episode_block(layout, event, pattern)
        q = _generators(coef, frozen[idx])
        for c, target in targets.items():
            if event_states[target]:
                out[c][idx] = 1.0
            elif np.any(q[0, target] > 0):  # one zero-pattern: the same for every item
                out[c][idx] = markov.absorption_probability_within(
                    q, event_states, duration_h[idx], initial=target)
            else:
                out[c][idx] = 0.0
    return out


def _check_volume(layout, failures, volume_gib, horizon_hours, *, stacklevel):
    """Checks and the slow-repair warning of the volume functions (checked failure models)."""
    v = float(check_range("volume_gib", volume_gib, 0.0, MAX_VOLUME_GIB, low_inclusive=False))
    horizon = float(check_positive("horizon_hours", horizon_hours))
    for f in failures:
        if f.az_loss_rate_per_year > 0:
            raise ParameterValueError("`failures.az_loss_rate_per_year` must be 0 for "
                             f"volume_event_probability, got {f.az_loss_rate_per_year!r}")
        if layout.n_azs > 1 and f.max_azs_down != 1:
            raise ParameterValueError(
                "`failures.max_azs_down` must be 1 for volume_event_probability (outages of one "
                "AZ at a time; overlapping outages are not modelled at volume scale), got "
                f"{f.max_azs_down!r}")
    slow = [f for f in failures if f.az_outage_rate_per_year > 0
            and f.repair_s > 0.01 * 3600.0 * f.az_outage_hours]
    if slow:
        f = slow[0]
        more = (f" ({len(slow)} of {len(failures)} failure models; the first shown)"
                if len(slow) > 1 or len(failures) > 1 else "")
        warnings.warn(
            f"volume_event_probability: repair time {f.repair_s:.4g} s is more than 1% of "
            f"the mean AZ outage ({f.az_outage_hours:.4g} h); the AZ-conditioning "
            "approximation ignores copy failures straddling an outage and may be off by more "
            f"than 1% (use event_probability for one group){more}", AuroraModelsWarning,
            stacklevel=stacklevel + 1)
    return v, horizon


def _volume_probabilities(v: float, layout: QuorumLayout, p: _Params, event: str,
                          horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """``(P(event in the volume), groups)`` for each of the B checked models of ``p``.

    The Laguerre nodes of every model are one stack of horizons of the model's episode chain.
    """
    segs, inverse = np.unique(p.segment_bytes, return_inverse=True)
    g = np.array([n_protection_groups(v, s) for s in segs], dtype=float)[inverse]
    rate_h = p.az_rate / HOURS_PER_YEAR
    up_fraction = 1.0 / (1.0 + rate_h * layout.n_azs * p.az_hours)
    horizon_up = horizon * up_fraction
    no_az = replace(p, az_rate=np.zeros_like(p.az_rate))
    p0 = _event_probabilities(layout, no_az, event, horizon_up)
    with np.errstate(divide="ignore"):
        log_surv = np.where(p0 < 1, g * np.log1p(-np.minimum(p0, 1.0)), -np.inf)
    on = np.flatnonzero(rate_h > 0)
    if on.size:
        x, w = _LAGUERRE
        d = x[None, :] * p.az_hours[on, None]
        h = _episode_probabilities(layout, _base_rates(p, event)[on], event, d)
        gon = g[on, None]
        for c in layout.copies_per_az:
            hc = np.minimum(h[c], 1.0)
            with np.errstate(divide="ignore"):
                hit = -np.expm1(gon * np.log1p(-hc))
            log_surv[on] -= rate_h[on] * horizon_up[on] * (hit @ w)
    return -np.expm1(log_surv), g


def volume_event_probability(volume_gib: float, layout: QuorumLayout, failures: FailureModel, *,
                             event: str, horizon_hours: float = 8760.0) -> Estimate:
    """Probability that *some* protection group of a volume has ``event`` within the horizon.

    Parameters
    ----------
    volume_gib : float
        Volume size in GiB (binary), in (0, MAX_VOLUME_GIB] (128 TiB).
    layout : QuorumLayout
        Copies per AZ and the write and read quorums of every group.
    failures : FailureModel
        Failure and repair rates; ``failures.az_loss_rate_per_year`` must be 0 and
        ``failures.max_azs_down`` must be 1 (outages one AZ at a time, the default).
    event : {"write_unavailable", "read_unavailable", "data_loss"}
        As for :func:`event_probability`.
    horizon_hours : float
        Horizon in hours (> 0; default one year).

    Returns
    -------
    Estimate
        ``method="approximation"`` (CTMC per group with AZ conditioning; see Notes for its
        error).

    Raises
    ------
    ValueError
        For a volume above 128 TiB, a permanent AZ-loss rate (not modelled at volume scale), or
        overlapping AZ outages (``max_azs_down`` other than 1 with two or more AZs: two AZs down
        at once is a common cause this formula leaves out, and for Aurora reads it is the
        dominant one, so the result would be too small by orders of magnitude).

    Warns
    -----
    AuroraModelsWarning
        When the repair time exceeds 1% of the mean AZ outage, where the approximation's
        relative error exceeds about 1%.

    Notes
    -----
    AZ outages are shared by every group, so groups are independent only *given* the AZ
    process. The volume has ``G = ceil(bytes / segment bytes)`` groups. Conditioning on the AZ
    process (outages of one AZ at a time, starting at rate ``Lambda = sum_a rate_a`` while every
    AZ is up, durations ``D ~ Exp(mean d)``; the long-run fraction of time with every AZ up is
    ``f = 1 / (1 + Lambda d)`` and ``T_up = f T``):

    ``P(no event) = (1 - p0)^G * exp(-Lambda T_up * E_D[1 - (1 - h(D))^G])``

    where ``p0`` is a group's event probability within ``T_up`` with AZ outages switched off,
    and ``h(D)`` the
    probability that a group starting with every copy up has the event while one AZ is down for
    ``D`` (CTMC with the AZ state held fixed, solved exactly; ``h = 1`` when the outage alone
    causes the event, as for ``MIRRORED_MULTI_AZ`` writes). ``E_D`` is a 40-point Gauss-Laguerre
    rule. Each complement is formed as ``-expm1(G log1p(-h))``. Neglected: copy failures that
    straddle an outage's start or end, and the randomness of the up time ``T_up``. Measured
    against the exact CTMC of one group (:func:`event_probability`) and of two groups sharing
    the AZ process (a joint chain built in ``tests/test_quorum.py``): relative error below 2e-3
    at the defaults (10 s repairs, 2 h outages); it grows like the ratio of repair time to
    outage duration (about -8% with 610 s repairs, hence the warning) and stays below 1% for
    outages up to 24 h or AZs down 5% of the time.

    Examples
    --------
    >>> from aurora_models.quorum import AURORA, MIRRORED_MULTI_AZ, FailureModel
    >>> fm = FailureModel()
    >>> one = volume_event_probability(10, AURORA, fm, event="read_unavailable")
    >>> big = volume_event_probability(128 * 1024, AURORA, fm, event="read_unavailable")
    >>> f"{one.value:.3g} {big.value:.3g}"
    '3.99e-09 2.81e-05'
    >>> volume_event_probability(10, MIRRORED_MULTI_AZ, fm, event="write_unavailable").value > 0.5
    True
    """
    event = _check_inputs(layout, failures, event)
    v, horizon = _check_volume(layout, (failures,), volume_gib, horizon_hours, stacklevel=2)
    prob, groups = _volume_probabilities(v, layout, _params((failures,), layout), event, horizon)
    return _volume_estimate(float(prob[0]), event, v, int(groups[0]), horizon)


def _volume_estimate(p: float, event: str, v: float, g: int, horizon: float) -> Estimate:
    """The Estimate :func:`volume_event_probability` returns for the probability ``p``."""
    return Estimate(value=p, method="approximation",
                    quantity=f"P({event} in a {v:g} GiB volume ({g} groups) within {horizon:g} h)",
                    unit="probability", bounds=(0.0, 1.0))


def _threshold(layout, event):
    return layout.n_copies - (layout.write_quorum if event == "write_unavailable" else layout.read_quorum)


def _check_fleet(layout, nodes_per_az, n_failed_nodes, n_groups, event):
    if not isinstance(layout, QuorumLayout):
        raise ParameterTypeError(f"`layout` must be a QuorumLayout, got {type(layout).__name__}")
    n = check_int_range("nodes_per_az", nodes_per_az, max(layout.copies_per_az))
    f = check_int_range("n_failed_nodes", n_failed_nodes, 0, n * layout.n_azs)
    g = check_int_range("n_groups", n_groups, 1)
    ev = check_choice("event", event, ["write_unavailable", "read_unavailable", "data_loss"])
    return n, f, g, ev


def placement_loss_probability(layout: QuorumLayout, *, nodes_per_az: int, n_failed_nodes: int,
                               n_groups: int, event: str = "data_loss",
                               placement: str = "random") -> Estimate:
    """Exact probability that ``n_failed_nodes`` simultaneous node failures hit some group.

    Parameters
    ----------
    layout : QuorumLayout
        Copies per AZ and the write and read quorums of every group.
    nodes_per_az : int
        Storage nodes in each AZ (>= the largest copies-per-AZ).
    n_failed_nodes : int
        Nodes failed at once (a power event), uniformly among all ``nodes_per_az * n_azs``.
    n_groups : int
        Protection groups placed on the fleet.
    event : str
        ``"write_unavailable"`` (a group loses more than ``V - Vw`` copies) or ``"data_loss"`` /
        ``"read_unavailable"`` (more than ``V - Vr``).
    placement : {"random", "copyset"}
        ``random``: each group picks its copies-per-AZ nodes uniformly in each AZ, independently.
        ``copyset``: the nodes of each AZ are cut into fixed blocks of the group's copies in that
        AZ; copyset ``j`` is block ``j`` of every AZ, and groups fill copysets round-robin.

    Returns
    -------
    Estimate
        Exact (``method="exact"``).

    See Also
    --------
    simulate_placement_loss_probability : The Monte Carlo sibling.

    Notes
    -----
    Random placement: given the failed counts ``f_a`` per AZ (multivariate hypergeometric),
    groups are independent and each loses ``sum_a Hypergeom(N, c_a, f_a)`` copies, so
    ``P = sum_f P(f) [1 - (1 - q(f))^G]``. Copysets: with ``U`` copysets in use (disjoint,
    ``V`` nodes each), the failure sets that spare every copyset are counted exactly with the
    polynomial ``(sum_{j<=t} C(V, j) x^j)^U (1 + x)^(M - U V)`` in integer arithmetic, and
    ``P = 1 - count / C(M, F)`` is formed from exact integers. Fewer copysets make a loss rarer
    but larger (Cidon et al., "Copysets", USENIX ATC 2013).

    Examples
    --------
    >>> from aurora_models.quorum import AURORA
    >>> r = placement_loss_probability(AURORA, nodes_per_az=100, n_failed_nodes=30, n_groups=5000)
    >>> c = placement_loss_probability(AURORA, nodes_per_az=100, n_failed_nodes=30, n_groups=5000,
    ...                                placement="copyset")
    >>> c.value < r.value
    True
    """
    n, f, g, event = _check_fleet(layout, nodes_per_az, n_failed_nodes, n_groups, event)
    placement = check_choice("placement", placement, ["random", "copyset"])
    t = _threshold(layout, event)
    a = layout.n_azs
    m = n * a
    total = math.comb(m, f)
    if placement == "copyset":
        s = min(n // c for c in layout.copies_per_az)
        u = min(g, s)
        v = layout.n_copies
        block = [math.comb(v, j) for j in range(min(t, v) + 1)]
        poly = [1]
        for _ in range(u):
            new = [0] * (len(poly) + len(block) - 1)
            for i, x in enumerate(poly):
                if x:
                    for j, y in enumerate(block):
                        new[i + j] += x * y
            poly = new[: f + 1]
        rest = m - u * v
        good = sum(poly[i] * math.comb(rest, f - i) for i in range(min(len(poly), f + 1)))
        p = (total - good) / total
    else:
        p = 0.0
        cpa = layout.copies_per_az
        for fa in itertools.product(range(min(n, f) + 1), repeat=a):
            if sum(fa) != f:
                continue
            w = math.prod(math.comb(n, x) for x in fa) / total
            pmf = np.array([1.0])
            for c, x in zip(cpa, fa, strict=True):
                hyp = np.array([math.comb(x, j) * math.comb(n - x, c - j) for j in range(c + 1)],
                               dtype=float) / math.comb(n, c)
                pmf = np.convolve(pmf, hyp)
            q = float(pmf[t + 1:].sum())
            if q > 0:
                p += w * (-math.expm1(g * math.log1p(-q)) if q < 1 else 1.0)
    return Estimate(value=min(1.0, p), method="exact", unit="probability", bounds=(0.0, 1.0),
                    quantity=f"P(some group {event}; {f} of {m} nodes fail, {placement})")


def simulate_placement_loss_probability(layout: QuorumLayout, *, nodes_per_az: int,
                                        n_failed_nodes: int, n_groups: int,
                                        event: str = "data_loss", placement: str = "random",
                                        n_trials: int = 1000, rng=None) -> Estimate:
    """Monte Carlo estimate of :func:`placement_loss_probability` over placements and failures.

    Each trial draws the failed nodes and, for ``random``, a fresh placement of every group;
    the check is vectorized over groups.

    Parameters
    ----------
    layout : QuorumLayout
        Copies per AZ and the write and read quorums of every group.
    nodes_per_az : int
        Storage nodes in each AZ.
    n_failed_nodes : int
        Nodes failed at once, uniformly among all nodes.
    n_groups : int
        Protection groups placed on the fleet.
    event : str
        ``"write_unavailable"``, ``"read_unavailable"`` or ``"data_loss"``, as for
        :func:`placement_loss_probability`.
    placement : {"random", "copyset"}
        How groups are placed, as for :func:`placement_loss_probability`.
    n_trials : int
        Independent trials (>= 2).
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    Estimate
        The fraction of trials in which some group has the event, with its standard error.

    See Also
    --------
    placement_loss_probability : The exact closed form.

    Examples
    --------
    >>> from aurora_models.quorum import AURORA
    >>> e = simulate_placement_loss_probability(AURORA, nodes_per_az=50, n_failed_nodes=20,
    ...                                         n_groups=500, n_trials=200, rng=0)
    >>> 0 <= e.value <= 1
    True
    """
    n, f, g, event = _check_fleet(layout, nodes_per_az, n_failed_nodes, n_groups, event)
    placement = check_choice("placement", placement, ["random", "copyset"])
    trials = check_int_range("n_trials", n_trials, 2)
    a = layout.n_azs
    cells = float(n_groups) * float(nodes_per_az)  # one (groups x nodes) draw per AZ and trial
    _budget.check("simulate_placement_loss_probability", "n_groups", n_groups,
                  memory_bytes=8.0 * _budget.size(trials) + 32.0 * cells,
                  detail=f"x {nodes_per_az} nodes per AZ")
    _budget.check("simulate_placement_loss_probability", "n_trials", trials,
                  work=2.0 * a * _budget.size(trials) * cells,
                  detail=f"{n_groups} groups x {nodes_per_az} nodes per AZ")
    gen = as_generator(rng)
    t = _threshold(layout, event)
    m = n * a
    hits = np.zeros(trials)
    s = min(n // c for c in layout.copies_per_az)
    for i in range(trials):
        failed = np.zeros(m, dtype=bool)
        failed[gen.choice(m, f, replace=False)] = True
        failed = failed.reshape(a, n)
        lost = np.zeros(g, dtype=np.int64)
        for az, c in enumerate(layout.copies_per_az):
            if placement == "random":
                nodes = np.argsort(gen.random((g, n)), axis=1)[:, :c]
            else:
                j = np.arange(g) % s
                nodes = j[:, None] * c + np.arange(c)[None, :]
            lost += failed[az][nodes].sum(axis=1)
        hits[i] = float((lost > t).any())
    return Estimate.from_samples(hits, method="monte_carlo", unit="probability", bounds=(0.0, 1.0),
                                 quantity=f"P(some group {event}; {f} of {m} nodes fail, {placement})")
