"""The replication link between a primary and one secondary region, and its defaults."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import cast

from .._assumptions import register
from .._params import declared, param, params_of
from .._validate import check_nonnegative
from ..data import load_interregion_rtt, region_codes
from ..exceptions import ParameterTypeError, ParameterValueError
from ..queueing import Stability

__all__ = [
    "DEFAULT_DEGRADATION",
    "MAX_SECONDARIES",
    "Degradation",
    "ReplicationLink",
    "regions",
]

MAX_SECONDARIES = register(
    "global_db.max_secondary_regions", 10, "regions",
    source="Aurora User Guide (current), aurora-global-database: up to 10 secondary Regions "
           "(5 in the 2023 guide); research/aurora_facts.md section 5")

DEGRADATION_RATE_PER_HOUR = register(
    "global_db.degradation_rate_per_hour", 1.0 / 24.0, "1/hour",
    rationale="assumption, no public data: about one cross-region replication degradation "
              "episode a day; without episodes lag never approaches the 20 s RPO floor",
    uncertainty={"dist": "loguniform", "low": 1.0 / 168.0, "high": 1.0 / 4.0,
                 "rationale": "no data: from one a week to one every four hours"})

DEGRADATION_MEAN_DURATION_S = register(
    "global_db.degradation_mean_duration_s", 30.0, "s",
    rationale="assumption, no public data: episodes last tens of seconds on average "
              "(exponentially distributed)",
    uncertainty={"dist": "loguniform", "low": 5.0, "high": 300.0,
                 "rationale": "a network blip to a five-minute regional impairment"})

DEGRADATION_REMAINING_FRACTION = register(
    "global_db.degradation_remaining_fraction", 0.0, "-",
    rationale="assumption: the pessimistic case, a full stall of replication during an episode",
    uncertainty={"dist": "uniform", "low": 0.0, "high": 0.5,
                 "rationale": "from a full stall to half the bandwidth left"})

ONE_WAY_FRACTION_OF_RTT = register(
    "global_db.one_way_fraction_of_rtt", 0.5, "-",
    source="CloudPing p50 round trip (data/network/interregion_rtt_p50_ms.md): one-way delay "
           "is about half the round trip")


@functools.lru_cache(maxsize=1)
def _rtt():
    return load_interregion_rtt()


def regions() -> list[str]:
    """The region codes of the bundled inter-region latency matrix (32 regions).

    Returns
    -------
    list of str
        The codes, in the matrix's order (``data/network/interregion_rtt_p50_ms.csv``).

    Examples
    --------
    >>> len(regions()), "eu-west-1" in regions()
    (32, True)
    """
    return region_codes()  # the one list, read once (aurora_models.data)


#: Regions AWS prices that the bundled latency capture lacks, each measured as a stand-in: its
#: nearest captured region (ASSUMPTION, marked in the output wherever it is used).
LATENCY_STAND_INS = register(
    "global_db.latency_stand_in_regions", (("ap-east-2", "ap-east-1"),
                                           ("ap-southeast-6", "ap-southeast-2")), "-",
    rationale="the CloudPing capture of 2025-05-29 predates Asia Pacific (Taipei, ap-east-2) and "
              "(New Zealand, ap-southeast-6): each takes the round trips of its nearest "
              "captured region, Hong Kong (about 800 km away) and Sydney (about 2,200 km), so "
              "its lag is a few ms optimistic")


def latency_region(code: str) -> str:
    """The region whose measured round trips stand for ``code`` (itself when captured)."""
    return dict(LATENCY_STAND_INS).get(code, code)


def stand_in_note(code: str) -> str | None:
    """Why ``code``'s latency is another region's, or None when it is measured."""
    other = latency_region(code)
    if other == code:
        return None
    return (f"{code} is not in the latency data: its round trips are {other}'s "
            f"(global_db.latency_stand_in_regions, ASSUMPTION)")


def _check_region(name: str, value) -> str:
    codes = regions() + [c for c, _ in LATENCY_STAND_INS]
    if not isinstance(value, str) or value not in codes:
        raise ParameterValueError(f"`{name}` must be one of the {len(codes)} region codes of the latency "
                         f"data and its stand-ins ({', '.join(codes)}), got {value!r}")
    return value


@declared("global_db")
@dataclass(frozen=True, kw_only=True)
class Degradation:
    """Episodes during which replication to a secondary runs slower or stalls.

    Parameters
    ----------
    rate_per_hour : float
        Episodes start as a Poisson process at this rate per hour of healthy operation (> 0).
    mean_duration_s : float
        Mean episode length, seconds (> 0).
    remaining_fraction : float
        Fraction of the healthy bottleneck capacity left during an episode, in [0, 1);
        0 is a full stall.
    duration : {"exponential", "constant"}
        Distribution of episode lengths.

    Notes
    -----
    Episodes alternate with healthy periods (exponential, mean ``1 / rate``), so the long-run
    fraction of time degraded is ``p = r D / (1 + r D)`` and episodes start at
    ``r_eff = r / (1 + r D)`` per second of wall time. The defaults (one 30 s stall a day) are a
    stated assumption; no public data on Global Database degradation exists.

    Examples
    --------
    >>> d = Degradation(rate_per_hour=1.0, mean_duration_s=36.0)
    >>> round(d.fraction_degraded, 6)
    0.009901
    """

    # The defaults are registered above (global_db.degradation_*, with their distributions);
    # the declarations add the ranges and are not registered a second time.
    rate_per_hour: float = param(
        DEGRADATION_RATE_PER_HOUR, "1/hour", low=0.0, low_open=True, high=3600.0,
        registered=False, rationale="registered as global_db.degradation_rate_per_hour; at "
                                    "most one episode a second (beyond that it is noise)")
    mean_duration_s: float = param(
        DEGRADATION_MEAN_DURATION_S, "s", low=0.0, low_open=True, high=30 * 86_400.0,
        registered=False, rationale="registered as global_db.degradation_mean_duration_s; "
                                    "at most 30 days (longer is a lost region, not an episode)")
    remaining_fraction: float = param(
        DEGRADATION_REMAINING_FRACTION, "-", low=0.0, high=1.0, high_open=True,
        registered=False, rationale="registered as global_db.degradation_remaining_fraction")
    duration: str = param(
        "exponential", choices=("exponential", "constant"), user_input=True,
        doc="distribution of episode lengths")

    @property
    def rate_per_s(self) -> float:
        """Episode starts per second of healthy time."""
        return self.rate_per_hour / 3600.0

    @property
    def fraction_degraded(self) -> float:
        """Long-run fraction of time inside an episode, ``r D / (1 + r D)``."""
        rd = self.rate_per_s * self.mean_duration_s
        return rd / (1.0 + rd)

    @property
    def starts_per_s(self) -> float:
        """Episode starts per second of wall time, ``r / (1 + r D)``."""
        return self.rate_per_s / (1.0 + self.rate_per_s * self.mean_duration_s)

    @property
    def duration_second_moment_s2(self) -> float:
        """E[D^2]: ``2 D^2`` (exponential) or ``D^2`` (constant)."""
        d = self.mean_duration_s
        return 2.0 * d * d if self.duration == "exponential" else d * d

    def mean_excess(self, threshold_s, scale: float = 1.0):
        """Mean excess ``E[(scale D - threshold)^+]`` of the episode duration D (vectorized).

        Parameters
        ----------
        threshold_s : float or array_like
            The threshold, seconds (a negative one adds ``-threshold`` to the mean).
        scale : float
            Factor on the duration (the lag an episode adds grows as ``k D``).

        Returns
        -------
        float or numpy.ndarray
            The mean excess in seconds, of the shape of ``threshold_s``.
        """
        import numpy as np

        m = scale * self.mean_duration_s
        t = np.asarray(threshold_s, dtype=float)
        if self.duration == "exponential":
            out = np.where(t <= 0, m - t, m * np.exp(-np.maximum(t, 0.0) / m))
        else:
            out = np.maximum(m - t, 0.0)
        return out if out.ndim else float(out)

    def mean_excess_square(self, threshold_s: float, scale: float = 1.0) -> float:
        """Second moment of the excess, ``E[((scale D - threshold)^+)^2]``.

        Parameters
        ----------
        threshold_s : float
            The threshold, seconds (>= 0).
        scale : float
            Factor on the duration D.

        Returns
        -------
        float
            The second moment, seconds squared.
        """
        m = scale * self.mean_duration_s
        if self.duration == "exponential":
            return 2.0 * m * m * math.exp(-threshold_s / m)
        return max(m - threshold_s, 0.0) ** 2


DEFAULT_DEGRADATION = Degradation()


@declared("global_db")
@dataclass(frozen=True, kw_only=True)
class ReplicationLink:
    """Storage-level redo replication from a primary region to one secondary region.

    Parameters
    ----------
    primary, secondary : str
        Region codes of the bundled latency matrix (:func:`regions`); they must differ.
    one_way_ms : float, optional
        One-way propagation delay, ms. Default: half the CloudPing p50 round trip between the two
        regions (``data/network/interregion_rtt_p50_ms.csv``).
    redo_bytes_per_write : float
        Mean redo bytes one committed write generates (assumption, 1,024 bytes).
    redo_size : {"exponential", "constant"}
        Distribution of redo bytes per write: exponential (variable record sizes; the queue is
        then M/M/1 for Poisson writes) or constant (M/D/1).
    link_bandwidth_bytes_per_s : float
        Replication bandwidth to this secondary, bytes per second (FIT, see Notes).
    apply_bytes_per_s : float
        Redo apply capacity at the secondary, bytes per second (FIT).
    batch_interval_ms : float
        Redo is shipped at batch boundaries every this many ms (0: each write at once) (FIT).
    degradation : Degradation or None
        Episodes of reduced bandwidth or stalls (default :data:`DEFAULT_DEGRADATION`); None for
        a link that never degrades.

    Raises
    ------
    ValueError
        Unknown region (the message lists the valid codes), ``secondary == primary``,
        non-positive bandwidth, apply rate or redo size, negative delays.

    Notes
    -----
    A write's lag is ``L = B + W + S + d``: ``B`` the wait for the next batch boundary, ``W`` the
    queueing wait and ``S = bytes / c`` the service time at the bottleneck of rate
    ``c = min(bandwidth, apply)``, and ``d = one_way + E[bytes] / max(bandwidth, apply)`` a fixed
    delay (propagation plus the faster stage, taken at its mean). For constant sizes this
    reduction of the two-stage tandem to its bottleneck is exact (Friedman 1965); for variable
    sizes the faster stage is approximated by its mean.

    Bandwidth, apply rate and batch interval have no public source. They are a FIT: chosen so
    that lag is "typically under a second" as the Aurora User Guide states, which therefore is
    not a prediction of this model.

    References
    ----------
    H. D. Friedman, "Reduction methods for tandem queuing systems", Operations Research 13(1),
    1965. Aurora User Guide, "Using Amazon Aurora global databases".

    Examples
    --------
    >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1")
    >>> round(link.one_way_ms, 2)
    34.8
    >>> round(link.capacity_writes_per_s)
    48828
    """

    # Required, and checked against the latency data below (not declared: no default).
    primary: str
    secondary: str
    one_way_ms: float | None = param(
        None, "ms", low=0.0, high=1000.0, nullable=True, user_input=True,
        doc="one-way propagation delay; unset: half the CloudPing p50 round trip (at most 1 s: "
            "light in fibre crosses half the globe in about 100 ms)")
    # At most 1 GiB: MySQL's max_allowed_packet bounds what one statement can carry.
    redo_bytes_per_write: float = param(
        1024.0, "bytes", low=0.0, low_open=True, high=2.0 ** 30,
        rationale="typical redo volume of one small OLTP write (a row change plus log headers); "
                  "no public figure; scales the link utilisation only",
        uncertainty={"dist": "lognormal", "p5": 300.0, "p95": 4096.0,
                     "rationale": "a narrow counter update to a row change with index entries"})
    redo_size: str = param("exponential", choices=("exponential", "constant"), user_input=True,
                           doc="distribution of redo bytes per write (M/M/1 or M/D/1)")
    # At most 200 Gbit/s = 25e9 bytes/s: the fastest EC2 instance network.
    link_bandwidth_bytes_per_s: float = param(
        50e6, "bytes/s", low=0.0, low_open=True, high=25e9,
        fitted="FIT, not a measurement: storage-level replication bandwidth per secondary chosen "
               "so that lag is 'typically under a second' (AWS) at tens of thousands of writes/s",
        uncertainty={"dist": "loguniform", "low": 10e6, "high": 250e6,
                     "rationale": "any bandwidth keeping lag under a second at the fitted load "
                                  "fits the same AWS statement: a factor of 5 either way"})
    # At most 100 GB/s: four times the fastest network that could feed it.
    apply_bytes_per_s: float = param(
        100e6, "bytes/s", low=0.0, low_open=True, high=1e11,
        fitted="FIT, not a measurement: redo apply rate at the secondary storage, chosen above the "
               "link bandwidth so the network is the bottleneck, consistent with lag < 1 s",
        uncertainty={"dist": "loguniform", "low": 50e6, "high": 500e6,
                     "rationale": "above the link (the fit's premise) up to a fast storage apply"})
    # At most a minute: a longer batch could not keep lag 'typically under a second'.
    batch_interval_ms: float = param(
        10.0, "ms", low=0.0, high=60_000.0,
        fitted="FIT, not a measurement: redo is shipped in batches; a 10 ms interval adds 5 ms "
               "mean lag, small against one-way propagation and consistent with lag < 1 s",
        uncertainty={"dist": "loguniform", "low": 1.0, "high": 50.0,
                     "rationale": "per-commit shipping to a batch that still keeps lag well under "
                                  "a second"})
    # A nested dataclass: a type check below (not declared).
    degradation: Degradation | None = field(default=DEFAULT_DEGRADATION)

    def __post_init__(self) -> None:
        _check_region("primary", self.primary)
        _check_region("secondary", self.secondary)
        if self.secondary == self.primary:
            raise ParameterValueError(f"`secondary` must differ from `primary` ({self.primary!r}), got "
                             f"{self.secondary!r}")
        if self.one_way_ms is None:
            rtt = float(_rtt().loc[latency_region(self.primary), latency_region(self.secondary)])
            object.__setattr__(self, "one_way_ms", ONE_WAY_FRACTION_OF_RTT * rtt)
        if self.degradation is not None and not isinstance(self.degradation, Degradation):
            raise ParameterTypeError(f"`degradation` must be a Degradation or None, got "
                            f"{type(self.degradation).__name__}")

    @property
    def bottleneck_bytes_per_s(self) -> float:
        """``min(bandwidth, apply)``, bytes per second."""
        return min(self.link_bandwidth_bytes_per_s, self.apply_bytes_per_s)

    @property
    def service_mean_s(self) -> float:
        """Mean bottleneck service time of one write, ``E[bytes] / c``, seconds."""
        return self.redo_bytes_per_write / self.bottleneck_bytes_per_s

    @property
    def capacity_writes_per_s(self) -> float:
        """Healthy capacity in writes per second, ``c / E[bytes]``."""
        return 1.0 / self.service_mean_s

    @property
    def fixed_delay_s(self) -> float:
        """Propagation plus the faster stage's mean service time, seconds."""
        fast = max(self.link_bandwidth_bytes_per_s, self.apply_bytes_per_s)
        return self._one_way_s + self.redo_bytes_per_write / fast

    @property
    def _one_way_s(self) -> float:
        """``one_way_ms`` in seconds (never None once built: the latency data's when unset)."""
        return cast(float, self.one_way_ms) / 1e3

    @property
    def batch_interval_s(self) -> float:
        """``batch_interval_ms`` in seconds."""
        return self.batch_interval_ms / 1e3

    @property
    def mean_capacity_fraction(self) -> float:
        """Long-run capacity as a fraction of healthy, ``1 - p (1 - f)`` (1 with no episodes)."""
        d = self.degradation
        if d is None:
            return 1.0
        return 1.0 - d.fraction_degraded * (1.0 - d.remaining_fraction)

    def stability(self, writes_per_s: float) -> Stability:
        """Utilisation against the long-run capacity (episodes included) and lag growth.

        ``backlog_growth_per_s`` is the growth of a write's lag per second of wall time in an
        overload, ``(rho - cap) / cap`` with ``rho = lambda E[S]`` and ``cap`` the long-run
        capacity fraction.

        Parameters
        ----------
        writes_per_s : float
            Poisson commit rate on the primary, writes per second (>= 0).

        Returns
        -------
        aurora_models.queueing.Stability
            ``utilisation``, ``stable`` (utilisation < 1) and ``backlog_growth_per_s``.

        Examples
        --------
        >>> link = ReplicationLink(primary="us-east-1", secondary="eu-west-1", degradation=None)
        >>> link.stability(2 * link.capacity_writes_per_s).backlog_growth_per_s
        1.0
        """
        lam = check_nonnegative("writes_per_s", writes_per_s)
        rho = lam * self.service_mean_s
        cap = self.mean_capacity_fraction
        u = rho / cap
        growth = max(0.0, (rho - cap) / cap)
        return Stability(utilisation=float(u), stable=bool(u < 1.0),
                         backlog_growth_per_s=float(growth))


#: The declared default (one home: the parameter above); the bill's replicated-write volume.
REDO_BYTES_PER_WRITE = params_of(ReplicationLink)["redo_bytes_per_write"].default


def check_links(links) -> tuple[ReplicationLink, ...]:
    """1 to 10 links from one primary to distinct secondaries."""
    if isinstance(links, ReplicationLink):
        links = (links,)
    links = tuple(links)
    if not 1 <= len(links) <= MAX_SECONDARIES:
        raise ParameterValueError(f"`links` must hold 1 to {MAX_SECONDARIES} secondary regions (Aurora's "
                         f"limit), got {len(links)}")
    for ln in links:
        if not isinstance(ln, ReplicationLink):
            raise ParameterTypeError(f"`links` must contain ReplicationLink objects, got "
                            f"{type(ln).__name__}")
    primaries = {ln.primary for ln in links}
    if len(primaries) > 1:
        raise ParameterValueError(f"`links` must share one primary region, got {sorted(primaries)}")
    seen = [ln.secondary for ln in links]
    dup = sorted({s for s in seen if seen.count(s) > 1})
    if dup:
        raise ParameterValueError(f"`links` must go to distinct secondary regions, got {dup} twice")
    return links
