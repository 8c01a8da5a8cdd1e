"""Annual downtime of a deployment: closed form (compound Poisson) and Monte Carlo."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .. import _budget
from .._rng import as_generator
from .._validate import (
    check_int_range,
    check_nonnegative,
    check_positive,
    check_probability,
)
from ..exceptions import ParameterTypeError, ParameterValueError
from ..results import Estimate
from ._params import (
    DIRECT_CLIENT,
    MINUTES_PER_YEAR,
    RESTART,
    RESTORE,
    ClientConfig,
    Deployment,
    FailureRates,
    LognormalDuration,
)

__all__ = ["AnnualDowntime", "StorageUnavailability", "annual_downtime", "downtime_components",
           "nines", "simulate_annual_downtime", "storage_unavailability"]

from .. import quorum
from ..quorum._model import _event_probabilities, _params, _steady_state_probabilities
from ..quorum._scale import _check_volume, _volume_probabilities
from ..units import SECONDS_PER_YEAR as _SECONDS_PER_YEAR


@dataclass(frozen=True, kw_only=True)
class StorageUnavailability:
    """Aurora storage write unavailability, as the quorum model reports it.

    Parameters
    ----------
    p_unavailable : float
        Long-run fraction of time the volume cannot reach its write quorum.
    events_per_year : float
        Rate of write-unavailable episodes (the Monte Carlo draws exponential episode lengths
        with mean ``p_unavailable x year / events_per_year``).
    source : str
        Where the numbers came from.

    See Also
    --------
    storage_unavailability : Builds one from the quorum model.

    Examples
    --------
    >>> from aurora_models.availability import StorageUnavailability
    >>> StorageUnavailability(p_unavailable=1e-7, events_per_year=0.01).events_per_year
    0.01
    """

    p_unavailable: float
    events_per_year: float
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "p_unavailable",
                           float(check_probability("p_unavailable", self.p_unavailable)))

        object.__setattr__(self, "events_per_year",
                           float(check_nonnegative("events_per_year", self.events_per_year)))
        if self.p_unavailable > 0 and self.events_per_year == 0:
            raise ParameterValueError("`events_per_year` must be positive when `p_unavailable` is, got 0")


def storage_unavailability(failures=None, *, volume_gib: float | None = None
                           ) -> StorageUnavailability:
    """Aurora storage write unavailability from :mod:`aurora_models.quorum`.

    Parameters
    ----------
    failures : quorum.FailureModel, optional
        The storage failure model (default ``quorum.FailureModel()``, its cited defaults).
    volume_gib : float, optional
        Size of the cluster volume, GiB. None: one protection group (10 GB segment); a larger
        volume has ``quorum.n_protection_groups(volume_gib)`` groups and the writer stalls when
        *any* of them loses its write quorum.

    Returns
    -------
    StorageUnavailability
        The write-unavailable fraction of time and episode rate, with their source.

    Notes
    -----
    The one call site of the quorum model. ``p_unavailable = n_groups x p_group``, with
    ``p_group`` the steady-state probability that one 6-copy, 3-AZ group cannot form its 4/6
    write quorum (``quorum.steady_state_probability``); the union bound, accurate while episodes
    in different groups rarely overlap (``p_unavailable`` is capped at 1). The episode rate is
    ``-ln(1 - P(at least one episode in a year))`` with that probability from
    ``quorum.event_probability`` (one group) or ``quorum.volume_event_probability`` (the volume,
    which accounts for the groups' shared AZ outages).

    Examples
    --------
    >>> one = storage_unavailability()
    >>> big = storage_unavailability(volume_gib=10_000)
    >>> big.p_unavailable > 100 * one.p_unavailable
    True
    """
    fm = quorum.FailureModel() if failures is None else failures
    if not isinstance(fm, quorum.FailureModel):
        raise ParameterTypeError(f"`failures` must be a quorum.FailureModel, got {type(fm).__name__}")
    if volume_gib is not None:
        volume_gib = float(check_positive("volume_gib", volume_gib))
    return _storage_unavailability(fm, volume_gib)


def storage_unavailabilities(failures, *, volume_gib: float | None = None
                             ) -> list[StorageUnavailability]:
    """:func:`storage_unavailability` for each of B failure models, in one vectorised pass.

    Parameters
    ----------
    failures : sequence of quorum.FailureModel
        The B storage failure models.
    volume_gib : float, optional
        As for :func:`storage_unavailability` (shared by the models).

    Returns
    -------
    list of StorageUnavailability
        Length B, equal to ``[storage_unavailability(f, volume_gib=volume_gib) for f in
        failures]``: the steady-state and episode probabilities of all models are solved as
        stacks (``quorum._batch``).

    Raises
    ------
    TypeError, ValueError
        As :func:`storage_unavailability`, for the first model at fault.
    """
    if isinstance(failures, quorum.FailureModel):
        raise ParameterTypeError("`failures` must be a sequence of quorum.FailureModel, got a "
                        "FailureModel")
    fms = tuple(failures)
    for fm in fms:
        if not isinstance(fm, quorum.FailureModel):
            raise ParameterTypeError(f"`failures` must be a quorum.FailureModel, got {type(fm).__name__}")
    if volume_gib is not None:
        volume_gib = float(check_positive("volume_gib", volume_gib))
    return _storage_unavailabilities(fms, volume_gib, stacklevel=2)


@lru_cache(maxsize=32)
def _storage_unavailability(fm, volume_gib):
    return _storage_unavailabilities((fm,), volume_gib, stacklevel=3)[0]


def _storage_unavailabilities(fms, volume_gib, *, stacklevel):
    """The computation of :func:`storage_unavailabilities` on checked inputs."""
    event = "write_unavailable"
    params = _params(fms, quorum.AURORA)
    p_group = _steady_state_probabilities(quorum.AURORA, params, event)
    horizon = 8760.0
    if volume_gib is None:
        n_groups = np.ones(len(fms))
        p_year = _event_probabilities(quorum.AURORA, params, event, np.full(len(fms), horizon))
        where = ["one protection group"] * len(fms)
    else:
        v, horizon = _check_volume(quorum.AURORA, fms, volume_gib, horizon,
                                   stacklevel=stacklevel + 1)
        p_year, n_groups = _volume_probabilities(v, quorum.AURORA, params, event, horizon)
        where = [f"{volume_gib:g} GiB volume ({int(g)} protection groups)" for g in n_groups]
    rate = -np.log1p(-np.minimum(p_year, 1.0 - 1e-16))
    p_unavailable = np.minimum(1.0, n_groups * p_group)
    return [StorageUnavailability(p_unavailable=float(p), events_per_year=float(r),
                                  source=f"aurora_models.quorum: AURORA layout, {w}, {fm!r}")
            for p, r, w, fm in zip(p_unavailable, rate, where, fms, strict=True)]


@dataclass(frozen=True)
class _Branch:
    """One way an event can play out: probability, server-side duration, client effects."""

    p: float
    duration: LognormalDuration | None  # None: exponential with mean `exp_mean_s`
    failover: bool  # a failover to a standby (the proxy's cut applies)
    client: bool  # DNS/retry effects apply
    exp_mean_s: float = 0.0


@dataclass(frozen=True)
class _Component:
    name: str
    rate_per_year: float
    branches: tuple[_Branch, ...]


def _branch_moments(b: _Branch, client: ClientConfig, family: str) -> tuple[float, float]:
    """E[D] and E[D^2] of the client-observed outage of one branch, seconds."""
    if b.duration is None:
        return b.exp_mean_s, 2.0 * b.exp_mean_s ** 2
    m1, m2 = b.duration.mean_s, b.duration.second_moment_s2
    if not b.client:
        return m1, m2
    if client.proxy:
        if not b.failover:
            return m1, m2
        f = 1.0 - client.reduction(family)
    else:
        f = 1.0
    t, r = client.dns_ttl_s, client.retry_interval_s
    u1 = t / 2.0 + r / 2.0
    u2 = t * t / 3.0 + r * r / 3.0 + t * r / 2.0
    return f * (m1 + u1), f * f * (m2 + 2.0 * m1 * u1 + u2)


def _q_all_standbys_down(dep: Deployment, rates: FailureRates) -> float:
    """Long-run probability that every standby is down, ``(x / (1 + x))^k``.

    Each of the k standbys alternates independently between up (failing at the instance rate
    lambda) and being replaced (mean ``E[R]``, the deployment's recovery), an alternating
    renewal process, down a fraction ``x / (1 + x)`` of the time with ``x = lambda E[R]``.
    """
    x = rates.instance_failure_rate_per_year * dep.recovery.mean_s / _SECONDS_PER_YEAR
    return (x / (1.0 + x)) ** dep.replicas


def _components(dep: Deployment, rates: FailureRates, storage: StorageUnavailability | None):
    """The event types that take the writer down, with their rates and outcome branches."""
    lam = rates.instance_failure_rate_per_year
    # Long-run probability that one standby/replica is itself down (being replaced), and that
    # all of them are. Rule: with no standby up, the event plays out as it would in the same
    # deployment without a standby (`other`: replace after a crash, restart for maintenance,
    # restore after an EBS loss), never a blanket writer replacement.
    q_all = _q_all_standbys_down(dep, rates)

    def failover_or(other: _Branch) -> tuple[_Branch, ...]:
        if not dep.has_standby:
            return (other,)
        return (_Branch(1.0 - q_all, dep.failover, True, True),
                replace(other, p=q_all))

    replace_ = _Branch(1.0, dep.recovery, False, True)
    comps = [_Component("instance failure", lam, failover_or(replace_)),
             *_planned(rates, failover_or(_Branch(1.0, RESTART, False, True)))]
    if dep.kind == "rds-single-az":
        az = _Branch(1.0, rates.az_outage, False, True)
    else:  # Aurora storage survives an AZ; a lone writer is recreated in another AZ
        az = replace_
    comps.append(_Component("AZ outage", rates.az_outage_rate_per_year, failover_or(az)))
    if dep.family == "aurora":
        if storage is None:
            storage = storage_unavailability()
        mean_s = (storage.p_unavailable * _SECONDS_PER_YEAR / storage.events_per_year
                  if storage.events_per_year > 0 else 0.0)
        comps.append(_Component("storage", storage.events_per_year,
                                (_Branch(1.0, None, False, False, mean_s),)))
    else:
        comps.append(_Component("storage", rates.ebs_volume_failure_rate_per_year,
                                failover_or(_Branch(1.0, RESTORE, False, True))))
    return comps


def _planned(rates: FailureRates, restart: tuple[_Branch, ...]) -> list[_Component]:
    """The planned changes, one component per kind (a kind with no events is left out).

    ``restart`` is a patch applied the standard way (a failover with a standby, else a
    restart). Without zero-downtime patching every patch is one (the ``maintenance`` row);
    with it, OS patches still are (ZDP does not apply to them) and an engine patch is a ZDP
    pause (connections kept: no DNS or retry delay) or, with probability
    ``zdp_fallback_probability``, a standard one. A major upgrade takes the whole cluster
    down in place (every instance is upgraded: no standby helps), or is a blue/green
    switchover (the endpoints move to the green copy: DNS and retry delays apply, which
    RDS Proxy removes).
    """
    lam = rates.maintenance_events_per_year
    out = []
    if not rates.zero_downtime_patching:
        out.append(_Component("maintenance", lam, restart))
    else:
        share, fb = rates.engine_patch_share, rates.zdp_fallback_probability
        out.append(_Component("maintenance: OS patches (restart)", lam * (1.0 - share),
                              restart))
        out.append(_Component(
            "maintenance: engine patches (ZDP)", lam * share,
            (_Branch(1.0 - fb, rates.zdp_pause, False, False),
             *(replace(b, p=b.p * fb) for b in restart))))
    if rates.major_upgrades_per_year > 0:
        if rates.upgrade_method == "blue_green":
            out.append(_Component("major upgrade: blue/green switchover",
                                  rates.major_upgrades_per_year,
                                  (_Branch(1.0, rates.switchover, False, True),)))
        else:
            out.append(_Component("major upgrade: in place", rates.major_upgrades_per_year,
                                  (_Branch(1.0, rates.in_place_upgrade, False, True),)))
    return out


def nines(downtime_minutes_per_year):
    """Availability as a count of nines: ``-log10(downtime / minutes per year)``.

    Zero downtime gives inf nines (and more than a year of downtime, negative nines); a negative,
    NaN or non-numeric downtime is refused naming ``downtime_minutes_per_year``.

    Parameters
    ----------
    downtime_minutes_per_year : float or array_like
        Downtime, minutes per year (>= 0, inf allowed).

    Returns
    -------
    float or numpy.ndarray
        The nines, of the shape of the input.

    Examples
    --------
    >>> round(nines(52.56), 6)     # 99.99 %
    4.0
    """
    minutes = check_nonnegative("downtime_minutes_per_year", downtime_minutes_per_year,
                                allow_inf=True)
    frac = np.asarray(minutes, dtype=float) / MINUTES_PER_YEAR
    with np.errstate(divide="ignore"):
        out = -np.log10(frac)
    return float(out) if out.ndim == 0 else out


def downtime_components(deployment: Deployment, *, rates: FailureRates | None = None,
                        client: ClientConfig = DIRECT_CLIENT,
                        storage: StorageUnavailability | None = None):
    """Expected annual downtime of ``deployment`` by component (closed form).

    Parameters
    ----------
    deployment : Deployment
        A preset (:data:`AURORA`, :data:`RDS_MULTI_AZ_INSTANCE`, ...) or ``aurora(n)``.
    rates : FailureRates, optional
        Event rates (defaults: the registered assumptions and the AZ incident data).
    client : ClientConfig
        DNS TTL, retry interval, RDS Proxy (default: direct connections, 5 s TTL, 1 s retry).
    storage : StorageUnavailability, optional
        Aurora storage write unavailability; None asks :mod:`aurora_models.quorum` for one
        protection group with its default failure model.

    Returns
    -------
    pandas.DataFrame
        One row per component (``instance failure``, ``maintenance``, ``AZ outage``,
        ``storage``) and a ``total`` row; the planned changes have one row per kind
        (with zero-downtime patching ``maintenance: OS patches (restart)`` and
        ``maintenance: engine patches (ZDP)``; with major upgrades ``major upgrade: in place``
        or ``major upgrade: blue/green switchover``); columns ``events_per_year``, ``mean_outage_s``,
        ``downtime_minutes_per_year``, ``sd_minutes_per_year`` (standard deviation of one
        year's downtime), ``availability``, ``nines``.

    Examples
    --------
    >>> from aurora_models.availability import AURORA, downtime_components
    >>> list(downtime_components(AURORA).index)
    ['instance failure', 'maintenance', 'AZ outage', 'storage', 'total']
    """
    import pandas as pd

    dep, rates, client = _check(deployment, rates, client)
    rows = _component_rows(dep, rates, client, storage)
    frame = pd.DataFrame(rows, columns=["component", "events_per_year", "mean_outage_s",
                                        "downtime_minutes_per_year", "sd_minutes_per_year"])
    frame["availability"] = 1.0 - frame["downtime_minutes_per_year"] / MINUTES_PER_YEAR
    frame["nines"] = nines(frame["downtime_minutes_per_year"].to_numpy())
    frame.attrs.update(deployment=dep.name, proxy=client.proxy)
    return frame.set_index("component")


def _component_rows(dep, rates, client, storage) -> list[tuple]:
    """``(component, events_per_year, mean_outage_s, downtime_minutes_per_year,
    sd_minutes_per_year)`` per component, then the ``total`` row (the compound Poisson
    moments of :func:`annual_downtime`'s Notes)."""
    rows = []
    tot_rate = tot_mean = tot_var = 0.0
    for comp in _components(dep, rates, storage):
        m1 = sum(b.p * _branch_moments(b, client, dep.family)[0] for b in comp.branches)
        m2 = sum(b.p * _branch_moments(b, client, dep.family)[1] for b in comp.branches)
        mean_min = comp.rate_per_year * m1 / 60.0
        var_min2 = comp.rate_per_year * m2 / 3600.0
        tot_rate, tot_mean, tot_var = tot_rate + comp.rate_per_year, tot_mean + mean_min, \
            tot_var + var_min2
        rows.append((comp.name, comp.rate_per_year, m1, mean_min, math.sqrt(var_min2)))
    rows.append(("total", tot_rate, tot_mean * 60.0 / tot_rate if tot_rate else 0.0, tot_mean,
                 math.sqrt(tot_var)))
    return rows


def _check(deployment, rates, client) -> tuple[Deployment, FailureRates, ClientConfig]:
    if not isinstance(deployment, Deployment):
        raise ParameterTypeError("`deployment` must be a Deployment (e.g. availability.AURORA), got "
                        f"{type(deployment).__name__}")
    rates = FailureRates() if rates is None else rates
    if not isinstance(rates, FailureRates):
        raise ParameterTypeError(f"`rates` must be a FailureRates, got {type(rates).__name__}")
    if not isinstance(client, ClientConfig):
        raise ParameterTypeError(f"`client` must be a ClientConfig, got {type(client).__name__}")
    return deployment, rates, client


def annual_downtime(deployment: Deployment, *, rates: FailureRates | None = None,
                    client: ClientConfig = DIRECT_CLIENT,
                    storage: StorageUnavailability | None = None) -> AnnualDowntime:
    """Expected client-observed downtime of the writer in a year, minutes (closed form).

    Parameters
    ----------
    deployment : Deployment
        A preset (:data:`AURORA`, :data:`RDS_MULTI_AZ_INSTANCE`, ...) or :func:`aurora`\\(n).
    rates : FailureRates, optional
        Event rates (defaults: the registered assumptions and the AZ incident data).
    client : ClientConfig
        DNS TTL, retry interval, RDS Proxy (default: direct connections, 5 s TTL, 1 s retry).
    storage : StorageUnavailability, optional
        Aurora storage write unavailability; None asks :mod:`aurora_models.quorum` for one
        protection group with its default failure model. Pass
        ``storage_unavailability(failures, volume_gib=...)`` for a real volume: a larger volume
        has more groups, any of which can stall the writer.

    Returns
    -------
    AnnualDowntime
        Exact (``method="exact"``) mean minutes per year, standard deviation of one year's
        downtime and outages per year; :func:`downtime_components` gives them by component.
        :func:`simulate_annual_downtime` takes the same parameters and returns the same type.

    See Also
    --------
    simulate_annual_downtime : The Monte Carlo sibling (quantiles of one year's downtime).
    downtime_components : The same expectation by component.

    Notes
    -----
    Each event type c (instance failure, maintenance, AZ outage, storage) arrives as a Poisson
    process of rate ``lambda_c`` per year, independently of the others, and causes an outage
    ``D_c``; a year's downtime is compound Poisson, so

    ``E[downtime] = sum_c lambda_c E[D_c]``, ``Var[downtime] = sum_c lambda_c E[D_c^2]``.

    With a standby the event is a failover (lognormal ``F``) unless every standby is itself
    down, probability ``q^k`` with ``q = x / (1 + x)``, ``x = lambda_instance E[R]`` (years).
    Then the event plays out as it would in the same deployment with no standby:

    ``E[D_c] = (1 - q^k) E[F] + q^k E[D_c | no standby]``,

    with ``D_c | no standby`` a replacement ``R`` for an instance failure (and, for Aurora, an AZ
    outage: the writer is recreated in another AZ), a restart for maintenance, the AZ outage
    itself for a Single-AZ RDS writer, and a restore from backup for an EBS volume loss. Rationale:
    a standby that is down cannot change what the event does to the writer; maintenance is
    applied by restarting the writer when no standby can take over (the User Guides' Single-AZ
    behaviour), and a lost EBS volume has to be restored whether or not a standby once existed.
    ``tests/test_availability.py`` checks this against a continuous-time Markov chain of the
    standbys and the writer built independently in the test. The client adds a uniform DNS
    staleness ``U(0, TTL)`` and a uniform wait for its next retry ``U(0, retry)``; through RDS
    Proxy a failover's outage is multiplied by ``1 - reduction`` and other outages lose the
    client terms. Aurora storage contributes ``p_unavailable x year`` (quorum model).

    Planned changes are one component per kind: patches at
    ``maintenance_events_per_year``, played as above (failover, or restart with no standby);
    with zero-downtime patching the engine share ``s`` of them is split again, a ZDP pause
    ``Z`` (no client terms: connections are kept) with probability ``1 - f`` and the
    standard patch with ``f``:

    ``E[D_zdp] = (1 - f) E[Z] + f E[D_patch]``, rate ``s lambda_m``; the OS patches keep
    ``E[D_patch]`` at rate ``(1 - s) lambda_m``.

    A major upgrade (rate ``lambda_u``) is an in-place outage ``U`` of the whole cluster or a
    blue/green switchover ``W`` (client terms apply to both). Each ``Z, U, W`` is lognormal
    with its declared median and shape (:class:`FailureRates`).

    Availability ``A = 1 - E[downtime] / 525,600 min``; nines ``= -log10(1 - A)``.

    References
    ----------
    Aurora User Guide, Concepts.AuroraHighAvailability; RDS User Guide, Concepts.MultiAZ and
    Multi-AZ DB cluster failover; AWS Database Blog on RDS Proxy (see the assumptions registry,
    ``am.assumptions("availability")``).

    Examples
    --------
    >>> from aurora_models.availability import RDS_SINGLE_AZ, annual_downtime
    >>> e = annual_downtime(RDS_SINGLE_AZ).mean
    >>> e.unit, e.method
    ('minutes/year', 'exact')
    """
    _, events, _, mean_min, sd_min = _component_rows(*_check(deployment, rates, client),
                                                     storage)[-1]
    name = deployment.name
    return AnnualDowntime(
        deployment=name, method="exact",
        mean=Estimate(value=float(mean_min), method="exact",
                      quantity=f"annual downtime, {name}", unit="minutes/year",
                      bounds=(0.0, MINUTES_PER_YEAR)),
        sd=Estimate(value=float(sd_min), method="exact",
                    quantity=f"sd of one year's downtime, {name}", unit="minutes/year",
                    bounds=(0.0, math.inf)),
        incidents=Estimate(value=float(events), method="exact",
                           quantity=f"outages per year, {name}", unit="1/year",
                           bounds=(0.0, math.inf)))


@dataclass(frozen=True, kw_only=True, eq=False)
class AnnualDowntime:
    """Annual downtime of one deployment, exact or simulated: the same fields either way.

    :func:`annual_downtime` gives the exact moments, :func:`simulate_annual_downtime` Monte
    Carlo estimates with the simulated years.

    Parameters
    ----------
    deployment : str
        Name of the deployment.
    mean : Estimate
        Expected downtime in a year, minutes.
    sd : Estimate
        Standard deviation of one year's downtime, minutes (the spread between years, not an
        error).
    incidents : Estimate
        Outages per year.
    method : str
        ``"exact"`` or ``"monte_carlo"``.
    annual_minutes, incident_counts : numpy.ndarray or None
        The simulated years: downtime in minutes and outages of each (None for the closed
        form).

    See Also
    --------
    annual_downtime, simulate_annual_downtime : The functions that return it.

    Examples
    --------
    >>> from aurora_models.availability import AURORA, annual_downtime
    >>> d = annual_downtime(AURORA)
    >>> d.method, d.n_trials, list(d.to_frame().index)
    ('exact', 0, ['mean minutes', 'sd minutes', 'incidents'])
    """

    deployment: str
    mean: Estimate
    sd: Estimate
    incidents: Estimate
    method: str
    annual_minutes: np.ndarray | None = None
    incident_counts: np.ndarray | None = None

    @property
    def n_trials(self) -> int:
        """Simulated years (0 for the closed form)."""
        return 0 if self.annual_minutes is None else int(self.annual_minutes.size)

    def quantile(self, q: float) -> Estimate:
        """Estimate the ``q`` quantile of one year's downtime (simulations only).

        The standard error is half the width of the distribution-free 95 % interval from order
        statistics (:meth:`aurora_models.results.Estimate.from_quantile`), divided by 1.96.

        Parameters
        ----------
        q : float
            Probability in [0, 1].

        Returns
        -------
        Estimate
            The quantile, minutes per year, with its standard error.

        Raises
        ------
        ValueError
            For the closed form, which gives moments, not quantiles.
        """
        q = check_probability("q", q)
        if self.annual_minutes is None:
            raise ParameterValueError("`quantile` needs simulated years: use simulate_annual_downtime, "
                             "got a closed-form result")
        return Estimate.from_quantile(
            self.annual_minutes, q, method="monte_carlo",
            quantity=f"P{100 * q:g} annual downtime, {self.deployment}",
            unit="minutes/year", bounds=(0.0, MINUTES_PER_YEAR))

    def to_frame(self):
        """Tabulate the mean, standard deviation and incidents (and P50, P99 when simulated).

        Returns
        -------
        pandas.DataFrame
            One row per statistic, columns ``value`` and ``standard_error``.
        """
        import pandas as pd

        rows = {"mean minutes": self.mean, "sd minutes": self.sd, "incidents": self.incidents}
        if self.annual_minutes is not None:
            rows.update({"P50 minutes": self.quantile(0.5), "P99 minutes": self.quantile(0.99)})
        return pd.DataFrame({k: {"value": e.value, "standard_error": e.standard_error}
                             for k, e in rows.items()}).T


def simulate_annual_downtime(deployment: Deployment, *, rates: FailureRates | None = None,
                      client: ClientConfig = DIRECT_CLIENT,
                      storage: StorageUnavailability | None = None, n_trials: int = 10_000,
                      rng=None) -> AnnualDowntime:
    """Monte Carlo of ``n_trials`` independent years of the model of :func:`annual_downtime`.

    Parameters
    ----------
    deployment : Deployment
        A preset (:data:`AURORA`, :data:`RDS_MULTI_AZ_INSTANCE`, ...) or ``aurora(n)``.
    rates : FailureRates, optional
        Event rates (defaults: the registered assumptions and the AZ incident data).
    client : ClientConfig
        DNS TTL, retry interval, RDS Proxy (default: direct connections, 5 s TTL, 1 s retry).
    storage : StorageUnavailability, optional
        Aurora storage write unavailability; None asks :mod:`aurora_models.quorum` for one
        protection group with its default failure model.
    n_trials : int
        Simulated years (1 to 10^8).
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    AnnualDowntime
        The type :func:`annual_downtime` returns, with the simulated years kept:
        ``.mean`` agrees with the closed form within a few standard errors,
        ``.quantile(0.99)`` gives the tail the closed form does not.

    See Also
    --------
    annual_downtime : The exact closed form (moments by component).

    Notes
    -----
    Vectorised: Poisson counts per year and component, one draw per event of the branch
    (failover or replacement), of the lognormal duration and of the client's uniform delays,
    then a ``bincount`` per year. No Python loop over years or events.

    Examples
    --------
    >>> from aurora_models.availability import AURORA, simulate_annual_downtime
    >>> sim = simulate_annual_downtime(AURORA, n_trials=2_000, rng=1)
    >>> sim.n_trials
    2000
    """
    dep, rates, client = _check(deployment, rates, client)
    n = check_int_range("n_trials", n_trials, 1, 10 ** 8)
    comps = _components(dep, rates, storage)
    rate = sum(c.rate_per_year for c in comps)
    chunk = _downtime_chunk(rate)
    events = n * rate
    _budget.check("simulate_annual_downtime", "n_trials", n, work=8.0 * (events + n),
                  memory_bytes=16.0 * n + _EVENT_BYTES * min(n, chunk) * (rate + 1.0),
                  detail=f"at {rate:.3g} outages/year")
    gen = as_generator(rng)
    total = np.zeros(n)
    incidents = np.zeros(n, dtype=np.int64)
    # Years in chunks of a size fixed by the event rates alone (never by the budget), so the
    # working set stays bounded whatever n_trials is and the draws do not depend on the budget.
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        _simulate_years(comps, dep, client, gen, total[lo:hi], incidents[lo:hi])
    name = dep.name
    sd = float(total.std(ddof=1)) if n > 1 else math.inf
    if n > 1 and sd > 0:  # delta method: Var(s^2) ~ (m4 - s^4) / n
        m4 = float(((total - total.mean()) ** 4).mean())
        sd_se = math.sqrt(max(m4 - sd ** 4, 0.0) / n) / (2.0 * sd)
    else:
        sd_se = math.inf if n <= 1 else 0.0
    return AnnualDowntime(
        deployment=name, method="monte_carlo", annual_minutes=total, incident_counts=incidents,
        mean=Estimate.from_samples(total, method="monte_carlo",
                                   quantity=f"annual downtime, {name}", unit="minutes/year",
                                   bounds=(0.0, MINUTES_PER_YEAR)),
        sd=Estimate(value=sd, standard_error=sd_se, n_trials=n, method="monte_carlo",
                    quantity=f"sd of one year's downtime, {name}", unit="minutes/year",
                    bounds=(0.0, math.inf)),
        incidents=Estimate.from_samples(incidents, method="monte_carlo",
                                        quantity=f"outages per year, {name}", unit="1/year",
                                        bounds=(0.0, math.inf)))


#: Simulated years per chunk at ordinary rates; fewer when events are frequent (see below).
_YEARS_PER_CHUNK = 1 << 16
#: Events per chunk when rates are high: about 48 MiB of working arrays.
_EVENTS_PER_CHUNK = 1 << 20
#: Bytes held per event in a chunk (counts, year index, branch, duration, temporaries).
_EVENT_BYTES = 48.0


def _downtime_chunk(rate_per_year: float) -> int:
    """Years per chunk: a function of the total event rate only (results never depend on the budget)."""
    if rate_per_year * _YEARS_PER_CHUNK <= _EVENTS_PER_CHUNK:
        return _YEARS_PER_CHUNK
    return max(1, int(_EVENTS_PER_CHUNK // rate_per_year))


def _simulate_years(comps, dep, client, gen, total, incidents) -> None:
    """Add the downtime (minutes) and outage counts of ``total.size`` simulated years in place."""
    n = total.size
    for comp in comps:
        counts = gen.poisson(comp.rate_per_year, size=n)
        m = int(counts.sum())
        if m == 0:
            continue
        year = np.repeat(np.arange(n), counts)
        probs = np.array([b.p for b in comp.branches])
        which = gen.choice(len(comp.branches), size=m, p=probs / probs.sum())
        out = np.empty(m)
        for j, b in enumerate(comp.branches):
            sel = which == j
            k = int(sel.sum())
            if b.duration is None:
                d = gen.exponential(b.exp_mean_s, size=k) if b.exp_mean_s > 0 else np.zeros(k)
            else:
                d = b.duration.sample(k, rng=gen)
                if b.client and not (client.proxy and not b.failover):
                    d = d + client.dns_ttl_s * gen.random(k) + client.retry_interval_s * gen.random(k)
                    if client.proxy:
                        d = d * (1.0 - client.reduction(dep.family))
            out[sel] = d
        total += np.bincount(year, weights=out, minlength=n) / 60.0
        incidents += counts

