"""Scale to zero: the paused fraction of a ``min_acu = 0`` instance under Poisson connection
attempts, in closed form (a renewal argument) and by Monte Carlo over the renewal cycles.

AWS's rules (Aurora User Guide, 'Scaling to Zero ACUs with automatic pause and resume for
Aurora Serverless v2', https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/
aurora-serverless-v2-auto-pause.html, read 2026-12-08; aurora_facts.md section 3.3): an
instance pauses after ``SecondsUntilAutoPause`` (300-86,400 s) with no user connection, resumes
when a connection attempt arrives (about 15 s, 30 s or more after 24 h paused), and is not
charged for capacity while paused. The page's 20-minute minimum before pausing again applies to
an instance woken for administrative work, not to a user connection, so it is not in the cycle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _budget
from .._rng import as_generator
from .._validate import check_bool, check_int_range, check_positive
from ..exceptions import ParameterTypeError
from ..results import Estimate
from ._policy import ScalingPolicy

__all__ = ["PauseResult", "paused_fraction", "simulate_paused_fraction"]

_DEFAULT = ScalingPolicy(min_acu=0.0)


@dataclass(frozen=True, kw_only=True)
class PauseResult:
    """How a ``min_acu = 0`` instance spends its time, and what its users wait.

    Parameters
    ----------
    paused_fraction : Estimate
        Long-run fraction of time paused (0 ACU, not billed), from the pause to the next
        connection attempt.
    zero_capacity_fraction : Estimate
        Fraction of time at 0 ACU: paused or resuming.
    p_wait : Estimate
        Probability that a connection attempt finds the instance paused or resuming (and waits
        for the resume).
    mean_wait_s : Estimate
        Mean resume delay per connection attempt, seconds (0 for an attempt that finds the
        instance up).
    pauses_per_hour : Estimate
        Pauses (and resumes) per hour.
    method : str
        ``"exact"`` or ``"monte_carlo"``.

    See Also
    --------
    paused_fraction, simulate_paused_fraction : The functions that return it.

    Examples
    --------
    >>> r = paused_fraction(2.0)
    >>> r.method, round(r.paused_fraction.value, 4)
    ('exact', 0.8406)
    """

    paused_fraction: Estimate
    zero_capacity_fraction: Estimate
    p_wait: Estimate
    mean_wait_s: Estimate
    pauses_per_hour: Estimate
    method: str

    def to_frame(self):
        """Tabulate the five figures.

        Returns
        -------
        pandas.DataFrame
            One row per figure, columns ``value``, ``standard_error`` and ``unit``.
        """
        import pandas as pd

        rows = {k: getattr(self, k) for k in ("paused_fraction", "zero_capacity_fraction",
                                              "p_wait", "mean_wait_s", "pauses_per_hour")}
        return pd.DataFrame({k: {"value": e.value, "standard_error": e.standard_error,
                                 "unit": e.unit} for k, e in rows.items()}).T


def _check(attempts_per_hour, policy, resume_in_cycle):
    lam = check_positive("attempts_per_hour", attempts_per_hour)
    policy = _DEFAULT if policy is None else policy
    if not isinstance(policy, ScalingPolicy):
        raise ParameterTypeError(f"`policy` must be a ScalingPolicy, got {type(policy).__name__}")
    check_bool("resume_in_cycle", resume_in_cycle)
    return float(lam), policy


def _resume_moments(lam_s: float, policy: ScalingPolicy) -> tuple[float, float, float]:
    """``q = P(paused longer than the deep-sleep threshold)``, ``E[R]`` and ``E[R^2]``."""
    q = math.exp(-lam_s * policy.deep_sleep_after_s)
    r1, r2 = policy.resume_s, policy.resume_after_deep_sleep_s
    return q, (1.0 - q) * r1 + q * r2, (1.0 - q) * r1 ** 2 + q * r2 ** 2


def _est(value, quantity, unit, bounds, method="exact", se=0.0, n=0) -> Estimate:
    return Estimate(value=float(value), standard_error=float(se), n_trials=int(n), method=method,
                    quantity=quantity, unit=unit, bounds=bounds)


def _result(method, values, ses=(0.0,) * 5, n=0) -> PauseResult:
    p, z, w, m, c = values
    return PauseResult(
        method=method,
        paused_fraction=_est(p, "paused fraction of time", "fraction", (0.0, 1.0), method,
                             ses[0], n),
        zero_capacity_fraction=_est(z, "fraction of time at 0 ACU (paused or resuming)",
                                    "fraction", (0.0, 1.0), method, ses[1], n),
        p_wait=_est(w, "P(a connection attempt waits for a resume)", "probability", (0.0, 1.0),
                    method, ses[2], n),
        mean_wait_s=_est(m, "mean resume wait per connection attempt", "s", (0.0, math.inf),
                         method, ses[3], n),
        pauses_per_hour=_est(c, "pauses per hour", "1/h", (0.0, math.inf), method, ses[4], n))


def paused_fraction(attempts_per_hour: float, *, policy: ScalingPolicy | None = None,
                    resume_in_cycle: bool = True) -> PauseResult:
    """Long-run paused fraction of a ``min_acu = 0`` instance under Poisson connection attempts.

    Parameters
    ----------
    attempts_per_hour : float
        Rate ``lambda`` of connection attempts (each a short session), per hour (> 0).
    policy : ScalingPolicy, optional
        Its ``seconds_until_auto_pause`` (the idle timeout ``T``), ``resume_s`` (``r``, 15 s),
        ``resume_after_deep_sleep_s`` (30 s) after ``deep_sleep_after_s`` (24 h) paused.
        Default ``ScalingPolicy(min_acu=0)`` (the cited defaults).
    resume_in_cycle : bool
        True (default): a waiting connection is served when the resume ends and the idle clock
        starts then. False: the idle clock runs from the attempt itself, as in
        :func:`~aurora_models.serverless.simulate_capacity`, whose idle runs are read off the
        demand series (the resume then overlaps the idle timeout and leaves the cycle).

    Returns
    -------
    PauseResult
        Exact (``method="exact"``) paused and zero-capacity fractions, the probability that an
        attempt waits, the mean wait per attempt and the pauses per hour.
        :func:`simulate_paused_fraction` takes the same parameters and returns the same type.

    See Also
    --------
    simulate_paused_fraction : The Monte Carlo sibling.
    simulate_capacity : The capacity simulator, which pauses the same way.

    Notes
    -----
    A renewal argument, with ``lambda`` per second. A cycle starts when the instance pauses.

    1. It stays paused until the next attempt: ``P ~ Exp(lambda)``, ``E[P] = 1 / lambda``.
    2. It resumes for ``R``: ``r_deep`` if ``P`` exceeded the deep-sleep threshold ``D`` (probability
       ``q = exp(-lambda D)``), else ``r``: ``E[R] = (1 - q) r + q r_deep``.
    3. It stays up until an idle gap of ``T``. From an attempt, the next gap ``X ~ Exp(lambda)``
       either reaches ``T`` (probability ``exp(-lambda T)``, after ``T``) or not (after ``X``, and
       the search restarts), so the time ``A`` to the first gap of ``T`` satisfies
       ``E[A] = E[min(X, T)] + (1 - exp(-lambda T)) E[A]``:

       ``E[A] = (1 - exp(-lambda T)) / (lambda exp(-lambda T)) = (exp(lambda T) - 1) / lambda``.

    The cycle lasts ``E[C] = 1 / lambda + E[R] + (exp(lambda T) - 1) / lambda`` (``E[R]`` left out
    when ``resume_in_cycle`` is False), and by the renewal-reward theorem

    ``paused = (1 / lambda) / E[C] = 1 / (exp(lambda T) + lambda E[R])``, which is
    ``exp(-lambda T)`` with the idle clock from the attempt;
    ``zero capacity = (1 / lambda + E[R]) / E[C]``; ``pauses per hour = 3600 / E[C]``.

    A cycle holds ``lambda E[C]`` attempts (Wald), of which ``1 + lambda E[R]`` meet a paused or
    resuming instance: ``p_wait = (1 + lambda E[R]) / (lambda E[C])``, the zero-capacity fraction
    (Poisson arrivals see time averages); the attempt that wakes it waits ``R``, one arriving
    during the resume its remainder (``lambda R^2 / 2`` in all), so the mean wait per attempt is
    ``(E[R] + lambda E[R^2] / 2) / (lambda E[C])``. ``exp(lambda T)`` is taken as ``expm1`` + 1;
    a busy cluster (``lambda T`` in the hundreds) pauses a vanishing fraction of the time.

    References
    ----------
    Aurora User Guide, 'Scaling to Zero ACUs with automatic pause and resume for Aurora
    Serverless v2' (pause after ``SecondsUntilAutoPause`` with no user connections, 300-86,400 s;
    resume in about 15 s, 30 s or more after 24 h paused).

    Examples
    --------
    >>> r = paused_fraction(6.0)          # six connections an hour, T = 300 s
    >>> round(r.paused_fraction.value, 4), round(r.mean_wait_s.value, 3)
    (0.5975, 9.074)
    """
    lam, policy = _check(attempts_per_hour, policy, resume_in_cycle)
    s = lam / 3600.0
    _, er, er2 = _resume_moments(s, policy)
    x = s * policy.seconds_until_auto_pause
    grow = math.expm1(x) if x < 700.0 else math.inf
    cycle_s = (1.0 + grow) / s + (er if resume_in_cycle else 0.0)
    if math.isinf(cycle_s):  # never idle for T: never paused
        return _result("exact", (0.0, 0.0, 0.0, 0.0, 0.0))
    attempts = s * cycle_s
    return _result("exact", ((1.0 / s) / cycle_s, (1.0 / s + er) / cycle_s,
                             min(1.0, (1.0 + s * er) / attempts),
                             (er + s * er2 / 2.0) / attempts, 3600.0 / cycle_s))


def simulate_paused_fraction(attempts_per_hour: float, *, policy: ScalingPolicy | None = None,
                             resume_in_cycle: bool = True, n_trials: int = 20_000,
                             rng=None) -> PauseResult:
    """Monte Carlo of ``n_trials`` pause cycles of the model of :func:`paused_fraction`.

    Parameters
    ----------
    attempts_per_hour : float
        Rate of connection attempts, per hour (> 0).
    policy : ScalingPolicy, optional
        Idle timeout and resume times (default ``ScalingPolicy(min_acu=0)``).
    resume_in_cycle : bool
        Whether the idle clock starts when the resume ends (default) or at the attempt.
    n_trials : int
        Simulated cycles (1 to 10^8).
    rng : Generator, SeedSequence, int or None
        Seed of the random draws: a Generator (used as is), a SeedSequence or an int (the same
        value gives the same result), or None (fresh OS entropy).

    Returns
    -------
    PauseResult
        The type :func:`paused_fraction` returns: ratio estimates over the cycles with
        delta-method standard errors.

    See Also
    --------
    paused_fraction : The closed form.

    Notes
    -----
    Vectorised over cycles: the pause ``P ~ Exp(lambda)``, the resume (deep after ``D``), the
    attempts during the resume (Poisson) and their waits, then the busy period drawn as a
    geometric number ``K`` of gaps shorter than ``T`` (success probability ``exp(-lambda T)``),
    each a truncated exponential by inversion, summed per cycle with ``bincount``, plus ``T``.

    Examples
    --------
    >>> sim = simulate_paused_fraction(6.0, n_trials=4_000, rng=1)
    >>> sim.method, sim.paused_fraction.n_trials
    ('monte_carlo', 4000)
    """
    lam, policy = _check(attempts_per_hour, policy, resume_in_cycle)
    n = check_int_range("n_trials", n_trials, 1, 10 ** 8)
    s = lam / 3600.0
    t = policy.seconds_until_auto_pause
    p_gap = math.exp(-s * t)
    gaps = n * (1.0 - p_gap) / max(p_gap, 1e-300)
    _budget.check("simulate_paused_fraction", "n_trials", n, work=8.0 * (gaps + 4 * n),
                  memory_bytes=48.0 * (gaps + n),
                  detail=f"at {gaps / n:.3g} short gaps per busy period")
    gen = as_generator(rng)
    paused = gen.exponential(1.0 / s, size=n)
    resume = np.where(paused > policy.deep_sleep_after_s, policy.resume_after_deep_sleep_s,
                      policy.resume_s)
    k = gen.geometric(p_gap, size=n) - 1  # gaps shorter than T before the first of T
    group = np.repeat(np.arange(n), k)
    # X | X < T by inversion: -ln(1 - u (1 - e^{-lambda T})) / lambda
    short = -np.log1p(-gen.random(group.size) * -math.expm1(-s * t)) / s
    busy = np.bincount(group, weights=short, minlength=n) + t
    if resume_in_cycle:  # the resume comes first; attempts in it are served at its end
        during = gen.poisson(s * resume)
        at = gen.random(int(during.sum())) * np.repeat(resume, during)
        waited = np.bincount(np.repeat(np.arange(n), during),
                             weights=np.repeat(resume, during) - at, minlength=n)
        cycle = paused + resume + busy
        attempts = 1.0 + during + k
    else:  # the idle clock runs from the waking attempt: the busy period's first attempts
        ends = np.cumsum(short)  # arrive while it resumes
        first = np.concatenate(([0], np.cumsum(k)[:-1]))
        since = ends - np.repeat(np.r_[0.0, ends][first], k)  # from the waking attempt
        left = np.repeat(resume, k) - since
        caught = left > 0.0
        during = np.bincount(group, weights=caught, minlength=n)
        waited = np.bincount(group, weights=np.where(caught, left, 0.0), minlength=n)
        cycle = paused + busy
        attempts = 1.0 + k
    waits = resume + waited
    cols = [(paused, cycle), (paused + resume, cycle), (1.0 + during, attempts),
            (waits, attempts), (np.full(n, 3600.0), cycle)]
    values, ses = [], []
    for a, b in cols:
        r = float(a.sum() / b.sum())
        values.append(r)
        ses.append(float(np.std(a - r * b, ddof=1) / (b.mean() * math.sqrt(n)))
                   if n > 1 else math.inf)
    return _result("monte_carlo", values, ses, n)
