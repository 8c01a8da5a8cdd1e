"""Parameters of the availability model: durations, deployments, failure rates, client behaviour.

Every default is registered in the assumptions registry (``availability.*``). Failover durations are
lognormal distributions fitted to the phrases of the AWS user guides, each phrase read as a stated
quantile (see :class:`LognormalDuration` and the module constants).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from statistics import NormalDist

import numpy as np

from .._assumptions import register
from .._params import declared, param
from .._rng import as_generator
from .._validate import check_choice, check_int_range, check_positive, check_probability
from ..exceptions import ParameterTypeError, ParameterValueError
from ..quorum._model import FailureModel
from ..units import (
    MINUTES_PER_YEAR,  # noqa: F401  (used by _downtime)
    SECONDS_PER_YEAR,
)

__all__ = [
    "AURORA",
    "AURORA_NO_REPLICA",
    "DEPLOYMENTS",
    "DIRECT_CLIENT",
    "ENGINES",
    "PROXY_CLIENT",
    "RDS_MULTI_AZ_CLUSTER",
    "RDS_MULTI_AZ_INSTANCE",
    "RDS_SINGLE_AZ",
    "ClientConfig",
    "Deployment",
    "FailureRates",
    "LognormalDuration",
    "aurora",
]

MAX_REPLICAS = 15

#: Database engines a workload can ask for.
ENGINES = ("mysql", "postgresql", "mariadb", "oracle", "sqlserver", "db2")

_UG_AURORA = "Aurora User Guide, Concepts.AuroraHighAvailability (UG-2023 287c6040)"
_UG_RDS_MAZ = "RDS User Guide, Concepts.MultiAZ.Failover"
_UG_RDS_MAZC = "RDS User Guide, multi-az-db-clusters-concepts-failover; FailoverDBCluster API"


@declared("availability")
@dataclass(frozen=True, kw_only=True)
class LognormalDuration:
    """A positive duration with a lognormal distribution: ``ln T ~ N(ln median_s, sigma^2)``.

    Parameters
    ----------
    median_s : float
        Median duration, seconds (> 0).
    sigma : float
        Shape: standard deviation of ``ln T`` (>= 0; 0 is a fixed duration).

    Notes
    -----
    ``E[T] = median exp(sigma^2 / 2)``, ``E[T^2] = median^2 exp(2 sigma^2)``,
    ``t_q = median exp(sigma z_q)`` with ``z_q`` the standard normal quantile.

    Examples
    --------
    >>> d = LognormalDuration.from_quantiles(0.5, 30.0, 0.9, 60.0)
    >>> round(d.sigma, 4), round(d.quantile(0.9), 6)
    (0.5409, 60.0)
    """

    # Required (None: not given). The presets below are registered as (median, sigma) pairs.
    # At most a year: an outage longer than that is no longer a duration to model.
    median_s: float = param(None, "s", low=0.0, low_open=True, high=SECONDS_PER_YEAR,
                            user_input=True, doc="median duration")
    # At most 10: the P90 would be 3.6e5 times the median.
    sigma: float = param(None, "-", low=0.0, high=10.0, user_input=True,
                         doc="standard deviation of ln T (0: a fixed duration)")

    @classmethod
    def from_quantiles(cls, q1: float, t1_s: float, q2: float, t2_s: float) -> LognormalDuration:
        """Build the lognormal whose ``q1`` and ``q2`` quantiles are ``t1_s`` and ``t2_s``.

        ``sigma = ln(t2/t1) / (z_q2 - z_q1)``, ``median = t1 exp(-sigma z_q1)``.

        Parameters
        ----------
        q1 : float
            The lower probability, in (0, 1).
        t1_s : float
            The duration at ``q1``, seconds (> 0).
        q2 : float
            The upper probability, ``q1 < q2 < 1``.
        t2_s : float
            The duration at ``q2``, seconds (> ``t1_s``).

        Returns
        -------
        LognormalDuration
            The fitted distribution.
        """
        q1 = check_probability("q1", q1)
        q2 = check_probability("q2", q2)
        t1 = check_positive("t1_s", t1_s)
        t2 = check_positive("t2_s", t2_s)
        if not 0.0 < q1 < q2 < 1.0:
            raise ParameterValueError(f"`q1` and `q2` must satisfy 0 < q1 < q2 < 1, got {q1!r} and {q2!r}")
        if not t2 > t1:
            raise ParameterValueError(f"`t2_s` must be greater than `t1_s`, got {t2!r} <= {t1!r}")
        z1, z2 = NormalDist().inv_cdf(q1), NormalDist().inv_cdf(q2)
        sigma = math.log(t2 / t1) / (z2 - z1)
        return cls(median_s=t1 * math.exp(-sigma * z1), sigma=sigma)

    @classmethod
    def from_quantile(cls, q: float, t_s: float, *, sigma: float) -> LognormalDuration:
        """Build the lognormal with shape ``sigma`` whose ``q`` quantile is ``t_s`` seconds.

        Parameters
        ----------
        q : float
            Probability in (0, 1).
        t_s : float
            The duration at that quantile, seconds (> 0).
        sigma : float
            Standard deviation of ``ln T`` (>= 0).

        Returns
        -------
        LognormalDuration
            The distribution, median ``t_s exp(-sigma z_q)``.
        """
        q = check_probability("q", q)
        if not 0.0 < q < 1.0:
            raise ParameterValueError(f"`q` must be in (0, 1), got {q!r}")
        sigma = check_positive("sigma", sigma, allow_zero=True)
        return cls(median_s=check_positive("t_s", t_s) * math.exp(-sigma * NormalDist().inv_cdf(q)),
                   sigma=sigma)

    @property
    def mean_s(self) -> float:
        """E[T], seconds."""
        return self.median_s * math.exp(self.sigma ** 2 / 2.0)

    @property
    def second_moment_s2(self) -> float:
        """E[T^2], seconds squared."""
        return self.median_s ** 2 * math.exp(2.0 * self.sigma ** 2)

    def quantile(self, q: float) -> float:
        """Return the ``q`` quantile.

        Parameters
        ----------
        q : float
            Probability in [0, 1].

        Returns
        -------
        float
            The duration, seconds (0 at ``q = 0``, inf at ``q = 1``).
        """
        q = check_probability("q", q)
        if q in (0.0, 1.0):
            return 0.0 if q == 0.0 else math.inf
        return self.median_s * math.exp(self.sigma * NormalDist().inv_cdf(q))

    def sample(self, size, *, rng=None) -> np.ndarray:
        """Draw ``size`` independent durations.

        Parameters
        ----------
        size : int or tuple of int
            Shape of the output.
        rng : Generator, SeedSequence, int or None
            Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the
            same value gives the same result), or None (fresh OS entropy).

        Returns
        -------
        numpy.ndarray
            Durations, seconds.
        """
        gen = as_generator(rng)
        return self.median_s * np.exp(self.sigma * gen.standard_normal(size))

    def scaled(self, factor: float) -> LognormalDuration:
        """Return the same shape with every quantile multiplied by ``factor``.

        Parameters
        ----------
        factor : float
            Multiplier of the median (> 0).

        Returns
        -------
        LognormalDuration
            The scaled distribution (same ``sigma``).
        """
        return replace(self, median_s=self.median_s * check_positive("factor", factor))


def _dur(name: str, d: LognormalDuration, **cite) -> LognormalDuration:
    register(f"availability.{name}", (round(d.median_s, 6), round(d.sigma, 6)),
             "(median s, lognormal sigma)", **cite)
    return d


# ---- failover and recovery durations (server side) --------------------------------------------
_Z90 = NormalDist().inv_cdf(0.9)

#: Aurora failover to a replica: "often less than 30 seconds" read as the median, "typically ...
#: less than 60 seconds" as the 90th percentile.
AURORA_FAILOVER = _dur(
    "aurora_failover", LognormalDuration.from_quantiles(0.5, 30.0, 0.9, 60.0),
    source=f"{_UG_AURORA}: 'typically restored in less than 60 seconds, and often less than 30 "
           "seconds'; read as P50 = 30 s, P90 = 60 s")
#: Aurora with no replica: the writer is recreated, "typically ... less than 10 minutes" read as
#: the 90th percentile, with the spread of the replica failover (one phrase fixes one quantile).
AURORA_RECREATE = _dur(
    "aurora_recreate", LognormalDuration.from_quantile(0.9, 600.0, sigma=AURORA_FAILOVER.sigma),
    source=f"{_UG_AURORA}: no replica, instance recreated 'typically ... less than 10 minutes'; "
           "read as P90 = 600 s; sigma assumed equal to the replica failover's")
#: RDS Multi-AZ DB instance: "typically 60-120 seconds" read as the 10th-90th percentiles.
RDS_MULTI_AZ_INSTANCE_FAILOVER = _dur(
    "rds_multi_az_instance_failover", LognormalDuration.from_quantiles(0.1, 60.0, 0.9, 120.0),
    source=f"{_UG_RDS_MAZ}: 'typically 60-120 seconds'; read as P10 = 60 s, P90 = 120 s")
#: RDS Multi-AZ DB cluster: "typically under 35 seconds" read as the 90th percentile, with the
#: spread of Aurora's replica failover (also a promotion of a readable copy).
RDS_MULTI_AZ_CLUSTER_FAILOVER = _dur(
    "rds_multi_az_cluster_failover",
    LognormalDuration.from_quantile(0.9, 35.0, sigma=AURORA_FAILOVER.sigma),
    source=f"{_UG_RDS_MAZC}: 'typically under 35 seconds'; read as P90 = 35 s; sigma assumed "
           "equal to Aurora's replica failover")
#: Single-AZ RDS: the instance is replaced on a new host and the EBS volume re-attached.
RDS_SINGLE_AZ_REPLACE = _dur(
    "rds_single_az_replace", LognormalDuration.from_quantiles(0.5, 600.0, 0.9, 1200.0),
    rationale="no AWS figure; host replacement plus crash recovery without Aurora's fast "
              "restart, assumed P50 = 10 min, P90 = 20 min")
#: A planned restart of a single instance (patching without a standby).
RESTART = _dur(
    "restart", LognormalDuration.from_quantiles(0.5, 60.0, 0.9, 180.0),
    rationale="no AWS figure; reboot with crash recovery, assumed P50 = 60 s, P90 = 180 s")
#: Restore of a Single-AZ RDS database from backup after losing its EBS volume.
RESTORE = _dur(
    "restore_from_backup", LognormalDuration.from_quantiles(0.5, 3600.0, 0.9, 3.0 * 3600.0),
    rationale="no AWS figure; point-in-time restore of a modest database, assumed P50 = 1 h, "
              "P90 = 3 h")


#: Sources of the planned-change kinds (read 2026-12-08 through the search tool).
_UG_UPDATES = ("Aurora User Guide, 'Amazon Aurora updates', https://docs.aws.amazon.com/AmazonRDS/"
               "latest/AuroraUserGuide/Aurora.Updates.html (read 2026-12-08)")
_UG_ZDP = ("Aurora User Guide, 'Using zero-downtime patching', https://docs.aws.amazon.com/"
           "AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Updates.ZDP.html (read 2026-12-08)")
_UG_BLUE_GREEN = ("Aurora User Guide, 'Overview of Amazon Aurora Blue/Green Deployments', "
                  "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
                  "blue-green-deployments-overview.html, and 'Switching a blue/green deployment "
                  "in Amazon Aurora', .../blue-green-deployments-switching.html (read 2026-12-08)")
_UG_MAJOR = ("Aurora User Guide, 'Upgrading the major version of an Amazon Aurora MySQL DB "
             "cluster', https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
             "AuroraMySQL.Updates.MajorVersionUpgrade.html (read 2026-12-08)")

#: Zero-downtime patching: "a drop in throughput lasting for a few seconds to approximately one
#: minute", read as P10 = 5 s, P90 = 60 s (the RDS "60-120 seconds" is read the same way).
ZDP_PAUSE = LognormalDuration.from_quantiles(0.1, 5.0, 0.9, 60.0)
#: A blue/green switchover: "typically takes under a minute", read as P90 = 60 s, with the
#: spread of the replica failover (one phrase fixes one quantile): median 30 s.
SWITCHOVER = LognormalDuration.from_quantile(0.9, 60.0, sigma=AURORA_FAILOVER.sigma)
#: An in-place major version upgrade: the cluster is shut down for the upgrade, which "can take
#: substantial time"; AWS gives no figure. Assumed P50 = 20 min, P90 = 60 min.
IN_PLACE_UPGRADE = LognormalDuration.from_quantiles(0.5, 1200.0, 0.9, 3600.0)


def _sampled_with_zdp(value) -> bool:
    """The zero-downtime patching inputs act only when it is on (and there is patching)."""
    return bool(value("failures.zero_downtime_patching")) and \
        value("failures.maintenance_events_per_year") > 0


def _sampled_with(method: str):
    def when(value) -> bool:
        return value("failures.upgrade_method") == method and \
            value("failures.major_upgrades_per_year") > 0
    when.__doc__ = f"The {method} upgrade inputs act only with that method and upgrades."
    return when


def _median_spread(median_s: float, why: str) -> dict:
    return {"dist": "lognormal", "p5": median_s / 2.0, "p95": median_s * 2.0,
            "rationale": f"{why}: a factor of two either side of the reading"}


PROXY_REDUCTION = register(
    "availability.proxy_recovery_reduction", (0.79, 0.32), "(Aurora, RDS) fraction",
    source="AWS Database Blog, 'Improving application availability with Amazon RDS Proxy': "
           "client recovery time after failover cut by up to 79 % (Aurora MySQL) and 32 % (RDS "
           "for MySQL); the 'up to' figures are applied as stated (optimistic)")


@declared("availability")
@dataclass(frozen=True, kw_only=True)
class FailureRates:
    """Rates of the events that take a writer down, per year.

    Parameters
    ----------
    instance_failure_rate_per_year : float
        Unplanned loss of the writer instance (and of each replica), per instance-year.
    maintenance_events_per_year : float
        Planned events that restart the writer, per year.
    ebs_volume_failure_rate_per_year : float
        Loss of an RDS EBS volume, per volume-year (RDS deployments only).
    az_outage_p90_over_p50 : float
        Spread of an AZ incident's duration: its P90 over its P50 (lognormal).
    zero_downtime_patching : bool
        Engine patches are applied with zero-downtime patching (ZDP): connections are kept and
        the engine restart costs a brief pause (lognormal ``zdp_pause_median_s``,
        ``zdp_pause_sigma``); OS patches still restart (ZDP does not apply to them), and ZDP
        falls back to a restart with probability ``zdp_fallback_probability``.
    engine_patch_share : float
        Share of ``maintenance_events_per_year`` that are engine patches (ZDP applies), the
        rest being OS patches; read only with ZDP.
    zdp_fallback_probability : float
        Probability that ZDP finds no safe point (long transactions, temporary tables or
        locks, pending parameter changes) and the patch falls back to a restart.
    zdp_pause_median_s, zdp_pause_sigma : float
        The ZDP pause: median (s) and lognormal shape.
    major_upgrades_per_year : float
        Major version upgrades per year (default 0: none planned in the year).
    upgrade_method : {"in_place", "blue_green"}
        How a major upgrade is applied: in place (the cluster is down for the upgrade) or
        through a blue/green deployment (production sees only the switchover).
    in_place_upgrade_median_s, in_place_upgrade_sigma : float
        The in-place upgrade's outage: median (s) and lognormal shape.
    switchover_median_s, switchover_sigma : float
        A blue/green switchover's outage: median (s) and lognormal shape.
    green_hours_per_deployment : float
        Hours the green copy of the cluster runs per blue/green deployment (its bill line).
    failures : quorum.FailureModel
        The one home of the AZ parameters: ``az_outage_rate_per_year`` (incidents taking down
        the writer's AZ, per AZ-year) and ``az_outage_hours`` (their mean duration, what a
        Single-AZ deployment waits out). The storage term uses the same object.

    Examples
    --------
    >>> r = FailureRates(failures=FailureModel(az_outage_hours=3.0))
    >>> round(r.az_outage.mean_s / 3600, 9), r.az_outage_rate_per_year == r.failures.az_outage_rate_per_year
    (3.0, True)
    """

    instance_failure_rate_per_year: float = param(
        1.0, "1/year", low=0.0, high=365.0, scenario="failures.instance_failure_rate_per_year",
        uncertainty={"dist": "lognormal", "p5": 0.2, "p95": 5.0,
                     "rationale": "no public figure: an order of magnitude either side"},
        doc="unplanned loss of a database instance, per instance-year",
        rationale="no public figure; order of magnitude for unplanned loss of a database "
                  "instance (host failure or engine crash needing recovery); bounded at one a day")
    maintenance_events_per_year: float = param(
        4.0, "1/year", low=0.0, high=365.0, scenario="failures.maintenance_events_per_year",
        uncertainty={"dist": "triangular", "low": 1.0, "mode": 4.0, "high": 12.0,
                     "rationale": "yearly to monthly patching, quarterly most likely"},
        doc="planned events that restart the writer, per year",
        rationale="quarterly OS patch or minor-version upgrade; each costs one failover with a "
                  "standby, one restart without; bounded at one a day")
    ebs_volume_failure_rate_per_year: float = param(
        0.002, "1/year", low=0.0, high=10.0, doc="loss of an RDS EBS volume, per volume-year",
        rationale="AWS's design annual failure rate for gp2/gp3 EBS volumes, 0.1-0.2 %; upper "
                  "end (not in research/aurora_facts.md)",
        uncertainty={"dist": "uniform", "low": 0.001, "high": 0.002,
                     "rationale": "AWS's stated 0.1-0.2 % design AFR, no figure within it "
                                  "preferred"})
    az_outage_p90_over_p50: float = param(
        4.0, "-", low=1.0, high=100.0, doc="AZ incident duration: P90 / P50",
        rationale="the AZ incident data have no durations; mean = quorum.az_outage_hours (one "
                  "home), spread assumed P90 = 4 x P50",
        uncertainty={"dist": "triangular", "low": 2.0, "mode": 4.0, "high": 10.0,
                     "rationale": "no duration data: from a narrow spread (P90 twice the "
                                  "median) to a heavy tail (ten times)"})
    zero_downtime_patching: bool = param(
        False, scenario="failures.zero_downtime_patching", user_input=True,
        doc="apply engine patches with zero-downtime patching (connections kept; OS patches "
            "still restart; not on a Global Database)")
    engine_patch_share: float = param(
        0.5, "-", low=0.0, high=1.0, scenario="failures.engine_patch_share",
        doc="share of the maintenance events that are engine patches (ZDP applies; the rest "
            "are OS patches, to which it does not)",
        rationale=f"no public split; half the patches assumed engine patches ({_UG_ZDP}: 'ZDP "
                  "doesn't apply to operating system (OS) patches and upgrades')",
        uncertainty={"dist": "uniform", "low": 0.25, "high": 0.75,
                     "rationale": "mostly OS to mostly engine patches"},
        sampled_when=_sampled_with_zdp)
    zdp_fallback_probability: float = param(
        0.2, "-", low=0.0, high=1.0, scenario="failures.zdp_fallback_probability",
        doc="probability that zero-downtime patching falls back to a restart",
        rationale=f"no public rate; {_UG_ZDP}: ZDP is best effort and reverts to the standard "
                  "behaviour (a restart) when long-running queries or transactions, temporary "
                  "tables, user or table locks (DDL) or pending parameter changes leave no "
                  "suitable window; assumed one patch in five",
        uncertainty={"dist": "uniform", "low": 0.05, "high": 0.35,
                     "rationale": "a quiet cluster to a busy one with long transactions"},
        sampled_when=_sampled_with_zdp)
    zdp_pause_median_s: float = param(
        round(ZDP_PAUSE.median_s, 6), "s", low=0.0, low_open=True, high=3600.0,
        scenario="failures.zdp_pause_median_s", doc="median pause of a ZDP engine restart",
        source=f"{_UG_ZDP}: 'The database engine restart can cause a drop in throughput lasting "
               "for a few seconds to approximately one minute'; read as P10 = 5 s, P90 = 60 s",
        uncertainty=_median_spread(round(ZDP_PAUSE.median_s, 6), "a phrase read as two quantiles"),
        sampled_when=_sampled_with_zdp)
    zdp_pause_sigma: float = param(
        round(ZDP_PAUSE.sigma, 6), "-", low=0.0, high=10.0, doc="lognormal shape of the ZDP pause",
        source=f"{_UG_ZDP}: 'a few seconds to approximately one minute' read as P10 = 5 s, "
               "P90 = 60 s")
    major_upgrades_per_year: float = param(
        0.0, "1/year", low=0.0, high=12.0, scenario="failures.major_upgrades_per_year",
        doc="major version upgrades per year (0: none planned in the year)",
        rationale="a scenario plans its own upgrades (Aurora majors every few years: about "
                  "0.3-0.5 a year for a cluster kept current); none by default, so the "
                  "default downtime is the patching alone; bounded at one a month",
        uncertainty={"dist": "uniform", "low": 0.0, "high": 0.5,
                     "rationale": "none to one major upgrade every two years; a zero default "
                                  "is taken as known, so the analysis samples it only from a "
                                  "scenario's [uncertainty] entry"},
        sampled_when=lambda value: value("failures.major_upgrades_per_year") > 0)
    upgrade_method: str = param(
        "in_place", choices=("in_place", "blue_green"), scenario="failures.upgrade_method",
        user_input=True,
        doc="how a major upgrade is applied: in place (the cluster is down) or through a "
            "blue/green deployment (a switchover; the green copy is billed)")
    in_place_upgrade_median_s: float = param(
        round(IN_PLACE_UPGRADE.median_s, 6), "s", low=0.0, low_open=True, high=SECONDS_PER_YEAR / 12,
        scenario="failures.in_place_upgrade_median_s",
        doc="median outage of an in-place major version upgrade",
        rationale=f"no AWS figure; {_UG_MAJOR}: the in-place upgrade 'involves shutting down "
                  "your DB cluster while the operation takes place' and 'can take substantial "
                  "time'; assumed P50 = 20 min, P90 = 60 min",
        uncertainty=_median_spread(round(IN_PLACE_UPGRADE.median_s, 6), "no AWS figure"),
        sampled_when=_sampled_with("in_place"))
    in_place_upgrade_sigma: float = param(
        round(IN_PLACE_UPGRADE.sigma, 6), "-", low=0.0, high=10.0,
        doc="lognormal shape of an in-place upgrade's outage",
        rationale="assumed P90 = 3 x P50 (P50 = 20 min, P90 = 60 min)",
        uncertainty={"dist": "uniform", "low": 0.45, "high": 1.25,
                     "rationale": "P90 from about 1.8 to 5 times the median"})
    switchover_median_s: float = param(
        round(SWITCHOVER.median_s, 6), "s", low=0.0, low_open=True, high=3600.0,
        scenario="failures.switchover_median_s",
        doc="median outage of a blue/green switchover",
        source=f"{_UG_BLUE_GREEN}: 'The switchover typically takes under a minute with no data "
               "loss'; read as P90 = 60 s with the replica failover's sigma (median 30 s); "
               "guardrails check both environments first and a switchover longer than its "
               "timeout (30-3,600 s, default 300 s) is rolled back",
        uncertainty=_median_spread(round(SWITCHOVER.median_s, 6), "one phrase read as a quantile"),
        sampled_when=_sampled_with("blue_green"))
    switchover_sigma: float = param(
        round(SWITCHOVER.sigma, 6), "-", low=0.0, high=10.0,
        doc="lognormal shape of a blue/green switchover's outage",
        rationale="assumed equal to the replica failover's (availability.aurora_failover)",
        uncertainty={"dist": "uniform", "low": 0.3, "high": 0.78,
                     "rationale": "P90 from about 1.5 to 2.7 times the median"})
    green_hours_per_deployment: float = param(
        72.0, "h", low=0.0, high=8760.0, scenario="failures.green_hours_per_deployment",
        doc="hours the green copy of the cluster runs per blue/green deployment",
        rationale=f"no AWS figure; the green environment copies the cluster's topology and "
                  f"instances ({_UG_BLUE_GREEN}) and lives from its creation through the "
                  "upgrade, the tests and the switchover until the old environment is deleted: "
                  "assumed three days",
        uncertainty={"dist": "lognormal", "p5": 24.0, "p95": 216.0,
                     "rationale": "a day to nine days of testing on green"},
        sampled_when=_sampled_with("blue_green"))
    failures: FailureModel = field(default_factory=FailureModel)

    def __post_init__(self) -> None:
        if not isinstance(self.failures, FailureModel):
            raise ParameterTypeError("`failures` must be a quorum.FailureModel, got "
                            f"{type(self.failures).__name__}")

    @property
    def az_outage_rate_per_year(self) -> float:
        """Incidents taking down the writer's AZ, per AZ-year (``failures``' value).

        Every incident is counted as taking the writer's AZ down, which is conservative: most
        of the 22 posted us-east-1 incidents were partial impairments.
        """
        return self.failures.az_outage_rate_per_year

    @property
    def az_outage(self) -> LognormalDuration:
        """How long an AZ incident lasts: lognormal, mean ``failures.az_outage_hours``."""
        sigma = math.log(self.az_outage_p90_over_p50) / _Z90
        mean_s = self.failures.az_outage_hours * 3600.0
        return LognormalDuration(median_s=mean_s * math.exp(-sigma ** 2 / 2.0), sigma=sigma)

    @property
    def zdp_pause(self) -> LognormalDuration:
        """The pause of a zero-downtime-patching engine restart (lognormal)."""
        return LognormalDuration(median_s=self.zdp_pause_median_s, sigma=self.zdp_pause_sigma)

    @property
    def in_place_upgrade(self) -> LognormalDuration:
        """The outage of an in-place major version upgrade (lognormal)."""
        return LognormalDuration(median_s=self.in_place_upgrade_median_s,
                                 sigma=self.in_place_upgrade_sigma)

    @property
    def switchover(self) -> LognormalDuration:
        """The outage of a blue/green switchover (lognormal)."""
        return LognormalDuration(median_s=self.switchover_median_s, sigma=self.switchover_sigma)

    @property
    def green_hours_per_year(self) -> float:
        """Hours a green copy of the cluster runs in a year (0 unless blue/green upgrades)."""
        if self.upgrade_method != "blue_green":
            return 0.0
        return self.major_upgrades_per_year * self.green_hours_per_deployment

    def with_az_outage_hours(self, hours: float) -> FailureRates:
        """Return the same rates with the mean AZ outage duration set to ``hours``.

        The shape (``az_outage_p90_over_p50``) is kept.

        Parameters
        ----------
        hours : float
            Mean AZ outage duration, hours (``failures.az_outage_hours``).

        Returns
        -------
        FailureRates
            The copy (validated again).

        Examples
        --------
        >>> round(FailureRates().with_az_outage_hours(3.0).az_outage.mean_s / 3600, 9)
        3.0
        """
        return replace(self, failures=self.failures.replace(az_outage_hours=hours))


@declared("availability")
@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """What a client adds to (or, through RDS Proxy, removes from) each server-side outage.

    Parameters
    ----------
    dns_ttl_s : float
        TTL of the endpoint's DNS record (Aurora: 5 s). After a failover the client's cached
        record is stale for a uniform time in ``[0, dns_ttl_s]``.
    retry_interval_s : float
        Interval between connection attempts, seconds; the first success comes a uniform time in
        ``[0, retry_interval_s]`` after the endpoint is ready.
    proxy : bool
        Connect through RDS Proxy: a failover's client-observed outage (server-side failover
        plus DNS staleness plus retry wait) is multiplied by ``1 - proxy_recovery_reduction``;
        an outage with no failover (replacement, restart, storage) is the server-side outage
        alone (the proxy holds the connections, so no DNS or retry delay).
    proxy_recovery_reduction : float or None
        Fractional cut of client recovery time by the proxy; None takes the cited value for the
        deployment's family (0.79 Aurora, 0.32 RDS).

    Notes
    -----
    The cited cuts are AWS's *best case* ("up to 79 %" on Aurora MySQL, "up to 32 %" on RDS
    for MySQL, one test in the AWS Database Blog); no absolute failover time through the proxy
    is published. Applied to every failover they make the proxy rows **optimistic**: treat
    them as a lower bound on downtime, and pass a smaller ``proxy_recovery_reduction`` (0
    keeps only the removal of DNS and retry delays from non-failover outages) for a
    conservative estimate.

    Examples
    --------
    >>> from aurora_models.availability import ClientConfig
    >>> ClientConfig(proxy=True).reduction("aurora"), ClientConfig().reduction("aurora")
    (0.79, 0.0)
    """

    # At most 2**31 - 1 s, the largest TTL DNS allows (RFC 2181 section 8).
    dns_ttl_s: float = param(
        5.0, "s", low=0.0, high=2.0 ** 31 - 1,
        source="AWS re:Post Knowledge Center, aurora-mysql-redirected-endpoint-writer: Aurora DNS "
               "zones use a 5-second TTL")
    # At most an hour: a client retrying less often is down, not retrying.
    retry_interval_s: float = param(
        1.0, "s", low=0.0, high=3600.0,
        rationale="a client that retries its connection once a second",
        uncertainty={"dist": "loguniform", "low": 0.1, "high": 10.0,
                     "rationale": "tight retry loops to a back-off of seconds"})
    proxy: bool = param(False, user_input=True, doc="connect through RDS Proxy")
    proxy_recovery_reduction: float | None = param(
        None, "-", low=0.0, high=1.0, high_open=True, nullable=True, user_input=True,
        doc="fractional cut of client recovery time by the proxy; unset: the cited value "
            "(availability.proxy_recovery_reduction)")

    def reduction(self, family: str) -> float:
        """Return the proxy's cut of client recovery time for a deployment family.

        Parameters
        ----------
        family : {"aurora", "rds"}
            The deployment's family (:attr:`Deployment.family`).

        Returns
        -------
        float
            ``proxy_recovery_reduction`` if set, else the cited cut of the family; 0 without a
            proxy.
        """
        if not self.proxy:
            return 0.0
        if self.proxy_recovery_reduction is not None:
            return self.proxy_recovery_reduction
        return PROXY_REDUCTION[0] if family == "aurora" else PROXY_REDUCTION[1]


DIRECT_CLIENT = ClientConfig()
PROXY_CLIENT = ClientConfig(proxy=True)

_KINDS = ("aurora", "rds-multi-az-instance", "rds-multi-az-cluster", "rds-single-az")


@dataclass(frozen=True, kw_only=True)
class Deployment:
    """A database deployment: how many instances, how the writer is replaced, what it offers.

    Parameters
    ----------
    name : str
        Label used in tables.
    kind : str
        One of ``'aurora'``, ``'rds-multi-az-instance'``, ``'rds-multi-az-cluster'``,
        ``'rds-single-az'``.
    replicas : int
        Aurora replicas (0-15) or RDS standbys (1 for a Multi-AZ instance, 2 for a Multi-AZ
        cluster, 0 for Single-AZ).
    failover : LognormalDuration
        Server-side outage when the writer fails over to a standby or replica.
    recovery : LognormalDuration
        Server-side outage when the writer must be replaced with no standby.
    readable_standbys : bool
        Whether the standbys/replicas serve reads.
    engines : tuple of str
        Engines offered.
    serverless : bool
        An on-demand capacity option exists (Aurora Serverless v2).
    cross_region : str
        Cross-Region option (``'global database'`` or ``'cross-region read replica'``).

    Examples
    --------
    >>> aurora(3).replicas, aurora(3).instances, RDS_MULTI_AZ_INSTANCE.instances
    (3, 4, 2)
    """

    name: str
    kind: str
    replicas: int
    failover: LognormalDuration
    recovery: LognormalDuration
    readable_standbys: bool
    engines: tuple[str, ...] = field(default=("mysql", "postgresql"))
    serverless: bool = False
    cross_region: str = "cross-region read replica"

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, _KINDS)
        fixed = {"rds-multi-az-instance": 1, "rds-multi-az-cluster": 2, "rds-single-az": 0}
        if self.kind == "aurora":
            object.__setattr__(self, "replicas",
                               check_int_range("replicas", self.replicas, 0, MAX_REPLICAS))
        else:
            object.__setattr__(self, "replicas", check_int_range(
                "replicas", self.replicas, fixed[self.kind], fixed[self.kind]))
        for name in ("failover", "recovery"):
            if not isinstance(getattr(self, name), LognormalDuration):
                raise ParameterTypeError(f"`{name}` must be a LognormalDuration")
        if isinstance(self.engines, str) or not isinstance(self.engines, tuple | list):
            raise ParameterTypeError(f"`engines` must be a tuple of engine names, got "
                            f"{type(self.engines).__name__} {self.engines!r:.60}")
        for e in self.engines:
            check_choice("engines", e, ENGINES)
        object.__setattr__(self, "engines", tuple(self.engines))

    @property
    def family(self) -> str:
        """``'aurora'`` or ``'rds'``."""
        return "aurora" if self.kind == "aurora" else "rds"

    @property
    def instances(self) -> int:
        """Billed instances: the writer plus replicas or standbys."""
        return 1 + self.replicas

    @property
    def has_standby(self) -> bool:
        """Whether a failed writer can fail over instead of being replaced."""
        return self.replicas > 0

    @property
    def read_servers(self) -> int:
        """Instances that serve reads: the readable replicas, else the writer alone."""
        return self.replicas if (self.readable_standbys and self.replicas > 0) else 1

    @property
    def pricing_deployment(self) -> str:
        """The deployment name the price book uses for RDS (``'single-az'``, ...)."""
        return self.kind.removeprefix("rds-")

    def with_replicas(self, replicas: int) -> Deployment:
        """Return this Aurora deployment with another replica count.

        Parameters
        ----------
        replicas : int
            Aurora Replicas, 0-15.

        Returns
        -------
        Deployment
            The copy, renamed (``"Aurora (2 replicas)"``); a non-Aurora kind raises ValueError.
        """
        if self.kind != "aurora":
            raise ParameterValueError(f"`replicas` can only be changed for kind 'aurora', got {self.kind!r}")
        replicas = check_int_range("replicas", replicas, 0, MAX_REPLICAS)
        return replace(self, replicas=replicas, name=_aurora_name(replicas))


def _aurora_name(replicas: int) -> str:
    return f"Aurora ({replicas} replica{'s' if replicas != 1 else ''})"


def aurora(replicas: int = 1) -> Deployment:
    """An Aurora provisioned cluster with ``replicas`` Aurora Replicas (0-15).

    Parameters
    ----------
    replicas : int
        Aurora Replicas, 0-15 (each a failover target and a reader).

    Returns
    -------
    Deployment
        Kind ``"aurora"``, with the cited failover and recreate durations.

    Raises
    ------
    ValueError
        If ``replicas`` is outside [0, 15].

    Examples
    --------
    >>> aurora(16)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `replicas` must be an integer in [0, 15], got 16
    """
    replicas = check_int_range("replicas", replicas, 0, MAX_REPLICAS)
    return Deployment(name=_aurora_name(replicas), kind="aurora", replicas=replicas,
                      failover=AURORA_FAILOVER, recovery=AURORA_RECREATE, readable_standbys=True,
                      engines=("mysql", "postgresql"), serverless=True,
                      cross_region="global database")


#: Aurora with one replica in another AZ (the usual production shape).
AURORA = aurora(1)
#: Aurora with the writer alone (storage still spans three AZs).
AURORA_NO_REPLICA = aurora(0)
#: RDS Multi-AZ DB instance: one synchronous, non-readable standby.
RDS_MULTI_AZ_INSTANCE = Deployment(
    name="RDS Multi-AZ instance", kind="rds-multi-az-instance", replicas=1,
    failover=RDS_MULTI_AZ_INSTANCE_FAILOVER, recovery=RDS_SINGLE_AZ_REPLACE,
    readable_standbys=False, engines=ENGINES)
#: RDS Multi-AZ DB cluster: a writer and two readable standbys (MySQL and PostgreSQL only).
RDS_MULTI_AZ_CLUSTER = Deployment(
    name="RDS Multi-AZ cluster", kind="rds-multi-az-cluster", replicas=2,
    failover=RDS_MULTI_AZ_CLUSTER_FAILOVER, recovery=RDS_SINGLE_AZ_REPLACE,
    readable_standbys=True, engines=("mysql", "postgresql"))
#: Single-AZ RDS: one instance, one EBS volume.
RDS_SINGLE_AZ = Deployment(
    name="RDS Single-AZ", kind="rds-single-az", replicas=0, failover=RDS_SINGLE_AZ_REPLACE,
    recovery=RDS_SINGLE_AZ_REPLACE, readable_standbys=False, engines=ENGINES)

#: The four presets compared by default.
DEPLOYMENTS = (AURORA, RDS_MULTI_AZ_INSTANCE, RDS_MULTI_AZ_CLUSTER, RDS_SINGLE_AZ)
