"""Quorum layouts, what they tolerate, and snapshot (point-in-time) unavailability."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from .._params import Rule, declared, param
from .._validate import check_int_range, check_probability
from ..exceptions import ParameterTypeError, ParameterValueError
from ..results import Estimate

__all__ = [
    "AURORA",
    "AURORA_DEGRADED",
    "EVENTS",
    "MIRRORED_MULTI_AZ",
    "TWO_OF_THREE",
    "QuorumLayout",
    "snapshot_unavailability",
    "tolerance_table",
]

#: The three events every exact and Monte Carlo function understands.
EVENTS = ("write_unavailable", "read_unavailable", "data_loss")

#: The most AZs a layout spans: no AWS region has more than 6 (us-east-1).
MAX_AZS = 6
#: The most copies of a protection group in one AZ (Aurora keeps 2; the exact solves enumerate
#: every per-AZ count of lost copies, so the layout's size is bounded).
MAX_COPIES_PER_AZ = 16


def _copies_per_az(name: str, value) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ParameterTypeError(
            f"`{name}` must be a sequence of integers, got {type(value).__name__} {value!r}"
        )
    cpa = tuple(
        check_int_range(f"{name}[{i}]", c, 1, MAX_COPIES_PER_AZ) for i, c in enumerate(value)
    )
    if not cpa:
        raise ParameterValueError(f"`{name}` must list at least one AZ, got ()")
    if len(cpa) > MAX_AZS:
        raise ParameterValueError(f"`{name}` must list at most {MAX_AZS} AZs (the most of any AWS region), "
                         f"got {len(cpa)}")
    return cpa


def _at_most_copies(key: str):
    def test(v):
        n = sum(v["copies_per_az"])
        return None if v[key] <= n else f"`{key}` must be at most n_copies ({n}), got {v[key]}"
    return Rule(f"{key}_at_most_copies", (key, "copies_per_az"), test,
                doc=f"{key} <= n_copies")


def _two_write_quorums_meet(v):
    w, n = v["write_quorum"], sum(v["copies_per_az"])
    if 2 * w > n:
        return None
    return (f"`write_quorum` must exceed n_copies / 2 (Gifford: 2 * write_quorum > n_copies), "
            f"got write_quorum={w} with n_copies={n}")


def _read_meets_write(v):
    r, w, n = v["read_quorum"], v["write_quorum"], sum(v["copies_per_az"])
    if r + w > n:
        return None
    return (f"`read_quorum` must exceed n_copies - write_quorum (Gifford: read_quorum + "
            f"write_quorum > n_copies), got read_quorum={r}, write_quorum={w} with n_copies={n}")


#: Gifford's rules and the quorums' bound by the copies, in the order they are checked.
QUORUM_RULES = (
    _at_most_copies("write_quorum"),
    _at_most_copies("read_quorum"),
    Rule("two_write_quorums_meet", ("write_quorum", "copies_per_az"), _two_write_quorums_meet,
         doc="2 * write_quorum > n_copies"),
    Rule("read_meets_write", ("read_quorum", "write_quorum", "copies_per_az"),
         _read_meets_write, doc="read_quorum + write_quorum > n_copies"),
)


@declared("quorum")
@dataclass(frozen=True, kw_only=True)
class QuorumLayout:
    """Copies of one protection group per Availability Zone, and the write and read quorums.

    Parameters
    ----------
    copies_per_az : tuple of int
        Copies in each AZ (each in [1, 16]; 1 to 6 AZs). ``V = sum(copies_per_az)``.
    write_quorum : int
        ``Vw``, copies that must acknowledge a write, in [1, V].
    read_quorum : int
        ``Vr``, copies a read (or a repair) must reach, in [1, V].

    Raises
    ------
    ValueError
        If a count is not a positive integer, or Gifford's rules fail: ``Vr + Vw > V`` (every
        read quorum meets every write quorum) and ``2 Vw > V`` (two write quorums meet).
    TypeError
        If ``copies_per_az`` is not a sequence of integers.

    Notes
    -----
    Gifford (1979) weighted voting with unit votes. Aurora uses V = 6 (2 per AZ in 3 AZs),
    Vw = 4, Vr = 3 (Verbitski et al., SIGMOD 2017, §2.1).

    Examples
    --------
    >>> AURORA.n_copies, AURORA.n_azs
    (6, 3)
    >>> QuorumLayout(copies_per_az=(2, 2, 2), write_quorum=3, read_quorum=3)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `write_quorum` must exceed n_copies / 2 (Gifford: 2 * write_quorum > n_copies), got write_quorum=3 with n_copies=6
    """

    __rules__ = QUORUM_RULES

    # The layout is what the caller models (Aurora's is the default and the preset AURORA, with
    # its source there): user inputs, not registered assumptions.
    copies_per_az: tuple[int, ...] = param(
        (2, 2, 2), "copies", type="custom", checker=_copies_per_az, user_input=True,
        rule_text=f"1 to {MAX_AZS} integers in [1, {MAX_COPIES_PER_AZ}]",
        doc="copies of a protection group in each AZ")
    write_quorum: int = param(4, "copies", low=1, high=MAX_AZS * MAX_COPIES_PER_AZ,
                              user_input=True, doc="Vw, copies that acknowledge a write")
    read_quorum: int = param(3, "copies", low=1, high=MAX_AZS * MAX_COPIES_PER_AZ,
                             user_input=True, doc="Vr, copies a read or a repair reaches")

    @property
    def n_copies(self) -> int:
        """``V``, the number of copies."""
        return sum(self.copies_per_az)

    @property
    def n_azs(self) -> int:
        """Number of AZs."""
        return len(self.copies_per_az)

    @property
    def max_lost_for_data(self) -> int:
        """``V - Vr``: copies that may be lost while the survivors still meet every write quorum."""
        return self.n_copies - self.read_quorum

    def __str__(self) -> str:
        cpa = "+".join(map(str, self.copies_per_az))
        return f"{cpa} (V={self.n_copies}, Vw={self.write_quorum}, Vr={self.read_quorum})"


#: Aurora: 6 copies, 2 in each of 3 AZs, 4/6 writes, 3/6 reads (SIGMOD'17 §2.1).
AURORA = QuorumLayout(copies_per_az=(2, 2, 2), write_quorum=4, read_quorum=3)

#: The 3-copy, 2-of-3 layout over 3 AZs that SIGMOD'17 §2.1 judges inadequate (AZ+1 loses reads).
TWO_OF_THREE = QuorumLayout(copies_per_az=(1, 1, 1), write_quorum=2, read_quorum=2)

#: Mirrored two-AZ storage, the paper's "4/4" view of Figure 2 reduced to one copy per AZ: every
#: copy must acknowledge a write (Vw = V = 2) and one copy serves reads. Real RDS Multi-AZ keeps
#: writing on the primary alone when the standby fails (it then runs unprotected), so its write
#: *availability* is better than this layout's; its durability window is what this models.
MIRRORED_MULTI_AZ = QuorumLayout(copies_per_az=(1, 1), write_quorum=2, read_quorum=1)

#: The 3-of-4 write quorum Aurora switches to after the extended loss of an AZ (SIGMOD'18 §4.1):
#: the 4 copies of the two surviving AZs, Vw = 3, Vr = 2.
AURORA_DEGRADED = QuorumLayout(copies_per_az=(2, 2), write_quorum=3, read_quorum=2)


def _lost_vectors(layout: QuorumLayout):
    """Every per-AZ count of lost copies, as an (m, n_azs) int array."""
    ranges = [range(c + 1) for c in layout.copies_per_az]
    return np.array(list(itertools.product(*ranges)), dtype=int).reshape(-1, layout.n_azs)


def tolerance_table(layout: QuorumLayout):
    """Which failure scenarios each quorum survives, by exhaustive enumeration.

    Parameters
    ----------
    layout : QuorumLayout
        Copies per AZ and the write and read quorums.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``"any k copies"`` for k = 0..V, ``"one AZ"``, ``"one AZ + k"`` for
        k = 1..2 (when the other AZs hold that many copies), and ``"two AZs"`` when there are
        three or more AZs. Columns ``scenario``, ``n_lost`` (copies lost in the worst case),
        ``write_available`` and ``read_available``: True when the quorum survives *every* way the
        scenario can happen. ``read_available`` is also the data-durability test: a read quorum
        of survivors can rebuild every write.

    Notes
    -----
    Every vector of per-AZ lost-copy counts is enumerated (copies in an AZ are exchangeable, so
    this covers every subset of failed copies); a scenario survives when the worst vector
    consistent with it leaves at least ``Vw`` (resp. ``Vr``) copies.

    Examples
    --------
    >>> t = tolerance_table(AURORA).set_index("scenario")
    >>> bool(t.loc["any 2 copies", "write_available"]), bool(t.loc["one AZ", "write_available"])
    (True, True)
    >>> bool(t.loc["one AZ + 1", "write_available"]), bool(t.loc["one AZ + 1", "read_available"])
    (False, True)
    >>> bool(tolerance_table(TWO_OF_THREE).set_index("scenario").loc["one AZ + 1", "read_available"])
    False
    """
    import pandas as pd

    if not isinstance(layout, QuorumLayout):
        raise ParameterTypeError(f"`layout` must be a QuorumLayout, got {type(layout).__name__}")
    cpa = np.array(layout.copies_per_az)
    lost = _lost_vectors(layout)
    left = layout.n_copies - lost.sum(axis=1)
    rows = []

    def add(name, sel):
        if not sel.any():
            return
        rows.append({
            "scenario": name,
            "n_lost": int(lost[sel].sum(axis=1).max()),
            "write_available": bool((left[sel] >= layout.write_quorum).all()),
            "read_available": bool((left[sel] >= layout.read_quorum).all()),
        })

    total = lost.sum(axis=1)
    for k in range(layout.n_copies + 1):
        add(f"any {k} copies" if k != 1 else "any 1 copy", total == k)
    whole = lost == cpa  # AZ i entirely lost
    for extra in range(3):
        # some AZ i is entirely lost and exactly `extra` copies are lost elsewhere
        sel = np.zeros(len(lost), dtype=bool)
        for i in range(layout.n_azs):
            sel |= whole[:, i] & (total - cpa[i] == extra)
        add("one AZ" if extra == 0 else f"one AZ + {extra}", sel)
    if layout.n_azs >= 3:
        two = np.zeros(len(lost), dtype=bool)
        for i, j in itertools.combinations(range(layout.n_azs), 2):
            two |= whole[:, i] & whole[:, j] & (total == cpa[i] + cpa[j])
        add("two AZs", two)
    return pd.DataFrame(rows, columns=["scenario", "n_lost", "write_available", "read_available"])


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _log1m(x: float) -> float:
    return math.log1p(-x) if x < 1 else -math.inf


def _logsumexp(v: np.ndarray) -> float:
    v = np.asarray(v, dtype=float)
    if v.size == 0:
        return -math.inf
    m = float(v.max())
    if m == -math.inf:
        return -math.inf
    return m + math.log(float(np.exp(v - m).sum()))


def available_count_logpmf(layout: QuorumLayout, *, p_copy: float, p_az: float) -> np.ndarray:
    """``log P(A = a)`` for a = 0..V, ``A`` the number of available copies at a random instant.

    Copies are unavailable independently with probability ``p_copy``; an AZ is down (taking every
    copy in it) independently with probability ``p_az``. Computed in log space with per-AZ
    binomial terms and a log-space convolution, so no probability underflows above 1e-300 and no
    complement is formed by subtraction.
    """
    lp, lq = _log(p_copy), _log1m(p_copy)
    laz, lup = _log(p_az), _log1m(p_az)
    dist = np.array([0.0])  # log pmf of the running sum, support 0..len-1
    for c in layout.copies_per_az:
        per = np.empty(c + 1)
        for j in range(c + 1):  # j available copies in this AZ
            lb = math.lgamma(c + 1) - math.lgamma(j + 1) - math.lgamma(c - j + 1)
            term = lup + lb + (j * lq if j else 0.0) + ((c - j) * lp if c - j else 0.0)
            per[j] = np.logaddexp(term, laz) if j == 0 else term
        new = np.full(dist.size + c, -math.inf)
        for j in range(c + 1):
            new[j:j + dist.size] = np.logaddexp(new[j:j + dist.size], dist + per[j])
        dist = new
    return dist


def snapshot_unavailability(layout: QuorumLayout, *, p_copy: float, p_az: float) -> dict:
    """Probability that write and read quorums are unavailable at a random instant.

    Parameters
    ----------
    layout : QuorumLayout
        Copies per AZ and the write and read quorums.
    p_copy : float
        Probability a given copy is unavailable (failed or being repaired), independently.
    p_az : float
        Probability a given AZ is down, independently; a down AZ takes all its copies.

    Returns
    -------
    dict of Estimate
        ``{"write_unavailable": P(A < Vw), "read_unavailable": P(A < Vr)}``, exact, with ``A``
        the number of available copies (the Monte Carlo sibling returns the same keys).

    Raises
    ------
    ValueError
        If a probability is outside [0, 1].

    See Also
    --------
    simulate_snapshot_unavailability : The Monte Carlo sibling.
    steady_state_probability : The exact long-run probability from the failure and repair CTMC.

    Notes
    -----
    ``P(A = a) = sum over AZ states`` of products of binomial terms; each term is formed as a
    log (``log1p(-p)`` for ``log(1-p)``) and summed with logsumexp, so results are accurate in
    relative terms down to about 1e-300 (``1 - (1 - p)**n`` would return 0 below 1e-16).

    Examples
    --------
    >>> s = snapshot_unavailability(AURORA, p_copy=1e-60, p_az=1e-100)
    >>> f"{s['write_unavailable'].value:.4g}"  # an AZ (1e-100) and 1 of 4 other copies (4e-60), x3
    '1.2e-159'
    >>> snapshot_unavailability(TWO_OF_THREE, p_copy=0.5, p_az=0.0)["read_unavailable"].value
    0.5
    """
    if not isinstance(layout, QuorumLayout):
        raise ParameterTypeError(f"`layout` must be a QuorumLayout, got {type(layout).__name__}")
    p_copy = float(check_probability("p_copy", p_copy))
    p_az = float(check_probability("p_az", p_az))

    logpmf = available_count_logpmf(layout, p_copy=p_copy, p_az=p_az)
    return {name: Estimate(value=min(1.0, math.exp(_logsumexp(logpmf[:quorum]))),
                           method="exact", quantity=f"snapshot P({name})", unit="probability",
                           bounds=(0.0, 1.0))
            for name, quorum in (("write_unavailable", layout.write_quorum),
                                 ("read_unavailable", layout.read_quorum))}
