"""Commitments: reserved terms side by side, and how much of a Database Savings Plan to buy.

- :func:`reserved_terms`: every reserved term of the configured classes, upfront and recurring
  parts, the effective rate, a month's and the term's cost, the saving against on-demand.
- :func:`optimal_commitment` and its Monte Carlo sibling :func:`simulate_optimal_commitment`:
  the commitment level that minimises the expected cost of an hourly spend curve.
- :func:`commitment_cost`: the expected hourly cost of a commitment level.
- :func:`eligible_hourly_spend` and :func:`savings_plan_commitment`: a cluster's hourly
  on-demand spend that a Database Savings Plan covers, and the plan it calls for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np

from .. import pricing
from .._assumptions import register
from .._rng import as_generator
from .._validate import check_int_range, check_range
from ..exceptions import ParameterTypeError, ParameterValueError
from ..pricing._reserved import RESERVED_TERM_HOURS, RESERVED_TERMS
from ..pricing._savings_plans import (
    SAVINGS_PLAN_DISCOUNTS,
    SAVINGS_PLAN_TERMS,
    savings_plan_eligible,
)
from ..results import Estimate
from ..units import HOURS_PER_MONTH
from ._bill import Usage, _reserved_rate_kind

__all__ = ["Commitment", "commitment_cost", "eligible_hourly_spend", "optimal_commitment",
           "reserved_terms", "savings_plan_commitment", "simulate_optimal_commitment"]

#: Share of a Partial Upfront term's cost paid upfront where no offer file gives the split
#: (ASSUMPTION): the effective rate, and so every bill, does not depend on it.
PARTIAL_UPFRONT_SHARE = register(
    "billing.reserved_partial_upfront_share", 0.5, "-",
    rationale="AWS's Partial Upfront reserved terms charge about half the term's cost upfront "
              "(aws/agent-toolkit-for-aws, commitment-pricing-mechanics.md: 'Half upfront + "
              "monthly', '~50% of term cost', read 2026-12-08); only the split of the "
              "reserved-term table's upfront and recurring columns rests on it",
    uncertainty={"dist": "uniform", "low": 0.4, "high": 0.6,
                 "rationale": "'about half': ten points either side"})

#: Commitment levels the Monte Carlo search tries, from 0 to the largest hourly spend.
GRID_LEVELS = 2001
#: Hours in the block the bootstrap resamples (a day keeps the daily cycle whole).
HOURS_PER_DAY = 24


def _rate(u: Usage, book, cls: str, io_opt: bool, term: str) -> tuple[float, float, float, str]:
    """``(upfront, recurring, effective, source)`` of one instance of ``cls`` for ``term``,
    priced as the bill's ``provisioned_reserved`` option prices it (the scenario's own rate or
    discount for its own term only)."""
    on_demand = book.instance_hour_usd(cls, io_optimized=io_opt)
    if term != u.reserved_term:  # the scenario's rate and discount are of its own term
        u = replace(u, reserved_term=term, reserved_discount=None, reserved_hourly_usd=None)
    how = _reserved_rate_kind(u, book, cls, io_opt)
    if how == "book":
        r = book.reserved(cls, term)
        return (r.upfront_usd, r.recurring_hourly_usd, r.effective_hourly_usd,
                f"offer file: {r.source}")
    if how == "hourly":
        eff = float(cast(float, u.reserved_hourly_usd))
        src = "scenario effective hourly rate (split assumed)"
    else:
        d = u.discount
        eff = on_demand * (1.0 - d)
        src = (f"scenario discount {d:.0%} (split assumed)" if u.reserved_discount is not None
               else f"ASSUMPTION: registered {d:.0%} discount "
                    f"(billing.reserved_discount_{term.replace('-', '_')})")
    hours = RESERVED_TERM_HOURS[term]
    share = (0.0 if term.endswith("no-upfront") else 1.0 if term.endswith("all-upfront")
             else PARTIAL_UPFRONT_SHARE)
    return share * eff * hours, (1.0 - share) * eff, eff, src


def reserved_terms(usage: Usage, book=None, *, price_file=None) -> Any:
    """Every reserved term of the cluster's provisioned classes, side by side.

    For the configured class (the writer and readers; for a Serverless cluster the provisioned
    class it is compared against) and each secondary region's class, one row per term of
    :data:`~aurora_models.pricing.RESERVED_TERMS`: ``effective = upfront / term hours +
    recurring`` (8,760 hours a year), a month's cost ``730 x effective``, the term's total
    ``upfront + recurring x term hours`` and the saving against the on-demand rate.

    The rates are those of the bill's ``provisioned_reserved`` option
    (:func:`bill_options`), first that applies: the scenario's ``reserved_hourly_usd`` or
    ``reserved_discount`` (for its own ``reserved_term`` only); the price book's reserved rate
    of an imported offer file (:func:`aurora_models.pricing.import_offer_file`: its upfront and
    recurring parts as AWS lists them; Aurora Standard rates, so not under I/O-Optimized); else
    the term's registered discount (``billing.reserved_discount_*``, an assumption with its
    sources), split into upfront and recurring by the payment option (No Upfront: none upfront,
    All Upfront: all of it, Partial Upfront: ``billing.reserved_partial_upfront_share``).

    Parameters
    ----------
    usage : Usage
        The cluster as configured.
    book : PriceBook, optional
        The primary region's price book (default: loaded for ``usage.region``; secondaries
        load their own regions').
    price_file : str or Path, optional
        A price file for :func:`aurora_models.pricing.load` (default: the bundled snapshot).

    Returns
    -------
    pandas.DataFrame
        One row per (region, class, term): ``role, region, instance_class, instances, term,
        upfront_usd, recurring_hourly_usd, effective_hourly_usd, on_demand_hourly_usd,
        monthly_usd, term_total_usd, saving_share, saving_usd_per_month, source``; per
        instance except ``instances`` and ``saving_usd_per_month`` (all of them). A class the
        region does not sell is left out.

    Raises
    ------
    ParameterTypeError
        If ``usage`` is not a :class:`Usage`.

    See Also
    --------
    bill_options : The ``provisioned_reserved`` option billed at the configured term.

    Examples
    --------
    >>> from aurora_models.billing import Usage, reserved_terms
    >>> t = reserved_terms(Usage(region="us-east-1", instance_class="db.r6g.large"))
    >>> t[["term", "upfront_usd", "effective_hourly_usd"]].round(4).values.tolist()[:2]
    [['1y-no-upfront', 0.0, 0.182], ['1y-partial-upfront', 740.22, 0.169]]
    """
    import pandas as pd

    if not isinstance(usage, Usage):
        raise ParameterTypeError(f"`usage` must be a Usage, got {type(usage).__name__}")
    load = (lambda r: pricing.load(r, engine=usage.engine)) if price_file is None else (
        lambda r: pricing.load(r, engine=usage.engine, path=price_file, missing_ok=True))
    books = {usage.region: book if book is not None else load(usage.region)}
    io_opt = usage.storage == "io-optimized"
    groups = [("writer and readers", usage.region, usage.instance_class, 1 + usage.replicas)]
    for sec, n, cls in zip(usage.secondaries, usage.secondary_counts(),
                           usage.per_secondary("secondary_instance_class", None), strict=True):
        if n:
            groups.append(("secondary", sec, cls or usage.instance_class, n))
    rows = []
    for role, region, cls, n in groups:
        if region not in books:
            books[region] = load(region)
        b = books[region]
        try:
            on_demand = b.instance_hour_usd(cls, io_optimized=io_opt)
        except pricing.MissingPriceError:
            continue
        for term in RESERVED_TERMS:
            up, rec, eff, src = _rate(usage, b, cls, io_opt, term)
            hours = RESERVED_TERM_HOURS[term]
            rows.append({"role": role, "region": region, "instance_class": cls, "instances": n,
                         "term": term, "upfront_usd": up, "recurring_hourly_usd": rec,
                         "effective_hourly_usd": eff, "on_demand_hourly_usd": on_demand,
                         "monthly_usd": eff * HOURS_PER_MONTH,
                         "term_total_usd": up + rec * hours,
                         "saving_share": 1.0 - eff / on_demand if on_demand > 0 else 0.0,
                         "saving_usd_per_month": (on_demand - eff) * HOURS_PER_MONTH * n,
                         "source": src})
    cols = ["role", "region", "instance_class", "instances", "term", "upfront_usd",
            "recurring_hourly_usd", "effective_hourly_usd", "on_demand_hourly_usd",
            "monthly_usd", "term_total_usd", "saving_share", "saving_usd_per_month", "source"]
    return pd.DataFrame(rows, columns=cols)


# -- how much to commit ------------------------------------------------------------------------


def _spend(name: str, value) -> np.ndarray:
    s = np.asarray(value, dtype=float)
    if s.ndim != 1 or s.size == 0:
        raise ParameterValueError(f"`{name}` must be a non-empty 1-D array of USD per hour, got "
                                  f"shape {s.shape}")
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ParameterValueError(f"`{name}` must hold finite USD per hour >= 0, got "
                                  f"{float(s[~(np.isfinite(s) & (s >= 0))][0])!r}")
    return s


def _discount(d) -> float:
    return float(check_range("discount", d, 0.0, 1.0, high_inclusive=False))


def commitment_cost(hourly_spend, commitment_usd_per_hour, discount: float):
    """The expected hourly cost of a commitment: ``(1 - d) x + E[(S - x)^+]``.

    ``x`` is the commitment in on-demand-equivalent USD per hour (AWS's plan commitment is the
    discounted ``(1 - d) x``, paid every hour whether used or not); the hour's on-demand
    eligible spend ``S`` beyond ``x`` is billed on demand. The expectation is the mean over
    the hours of ``hourly_spend``.

    Parameters
    ----------
    hourly_spend : array_like
        The on-demand eligible spend of each hour, USD per hour.
    commitment_usd_per_hour : float or array_like
        The commitment level(s) x, on-demand-equivalent USD per hour.
    discount : float
        The plan's discount d on the on-demand rate, in [0, 1).

    Returns
    -------
    float or numpy.ndarray
        The expected cost, USD per hour (the shape of ``commitment_usd_per_hour``).

    Raises
    ------
    ParameterValueError
        If the spend is empty or negative, a level negative, the discount outside [0, 1).

    See Also
    --------
    optimal_commitment : The level that minimises it.

    Examples
    --------
    >>> commitment_cost([1.0, 3.0], 1.0, 0.3)  # 0.7 + (0 + 2) / 2
    1.7
    """
    s = np.sort(_spend("hourly_spend", hourly_spend))
    d = _discount(discount)
    x = np.asarray(commitment_usd_per_hour, dtype=float)
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ParameterValueError("`commitment_usd_per_hour` must be finite USD per hour >= 0, "
                                  f"got {x!r}")
    above = np.concatenate([np.cumsum(s[::-1])[::-1], [0.0]])  # sum of s[k:]
    k = np.searchsorted(s, x, side="right")
    excess = (above[k] - (s.size - k) * x) / s.size
    out = (1.0 - d) * x + excess
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """The commitment level that minimises the expected cost of an hourly spend curve.

    Parameters
    ----------
    discount : float
        The discount d on the on-demand rate.
    commitment_usd_per_hour : Estimate
        The optimum x*, on-demand-equivalent USD per hour (exact for the closed form, with its
        standard error for the Monte Carlo search).
    plan_commitment_usd_per_hour : float
        What AWS calls the commitment: ``(1 - d) x*``, USD per hour at the plan's rates.
    expected_cost_usd_per_hour : float
        The expected hourly cost at x*, USD per hour.
    on_demand_usd_per_hour : float
        The mean hourly spend, all on demand (no commitment), USD per hour.
    at_mean_cost_usd_per_hour : float
        The expected hourly cost committing at the mean spend, USD per hour.
    saving_vs_none_usd_per_month : float
        The saving against no commitment, USD per 730-hour month.
    saving_vs_mean_usd_per_month : float
        The saving against committing at the mean, USD per month.
    coverage : float
        Share of the on-demand spend the commitment covers, ``E[min(S, x*)] / E[S]``.
    hours : int
        Hours in the spend curve.

    Examples
    --------
    >>> c = optimal_commitment([1.0, 2.0, 3.0, 4.0], 0.5)
    >>> c.commitment_usd_per_hour.value, c.plan_commitment_usd_per_hour
    (2.0, 1.0)
    """

    discount: float
    commitment_usd_per_hour: Estimate
    plan_commitment_usd_per_hour: float
    expected_cost_usd_per_hour: float
    on_demand_usd_per_hour: float
    at_mean_cost_usd_per_hour: float
    saving_vs_none_usd_per_month: float
    saving_vs_mean_usd_per_month: float
    coverage: float
    hours: int

    def to_dict(self) -> dict[str, Any]:
        """The result as a plain mapping (the JSON document's form).

        Returns
        -------
        dict
            Every field by name; the commitment as ``value, standard_error, method``.
        """
        e = self.commitment_usd_per_hour
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        out["commitment_usd_per_hour"] = e.value
        out["commitment_standard_error"] = e.standard_error
        out["method"] = e.method
        return out


def _result(s: np.ndarray, d: float, x: float, se: float, n_trials: int,
            method: str) -> Commitment:
    mean = float(s.mean())
    cost = commitment_cost(s, x, d)
    at_mean = commitment_cost(s, mean, d)
    covered = float(np.minimum(s, x).mean())
    return Commitment(
        discount=d,
        commitment_usd_per_hour=Estimate(value=x, standard_error=se, n_trials=n_trials,
                                         method=method, quantity="optimal commitment",
                                         unit="USD/hour", bounds=(0.0, math.inf)),
        plan_commitment_usd_per_hour=(1.0 - d) * x, expected_cost_usd_per_hour=cost,
        on_demand_usd_per_hour=mean, at_mean_cost_usd_per_hour=at_mean,
        saving_vs_none_usd_per_month=(mean - cost) * HOURS_PER_MONTH,
        saving_vs_mean_usd_per_month=(at_mean - cost) * HOURS_PER_MONTH,
        coverage=covered / mean if mean > 0 else 1.0, hours=int(s.size))


def optimal_commitment(hourly_spend, discount: float) -> Commitment:
    """The commitment that minimises the expected cost: the d-quantile of the hourly spend.

    A commitment of ``x`` USD per hour of on-demand-equivalent eligible spend at discount ``d``
    costs, in an hour whose on-demand eligible spend is ``S``, ``C(x) = (1 - d) x + (S -
    x)^+``: the commitment is paid whether used or not, the spend beyond it on demand. Its
    expectation ``E C(x) = (1 - d) x + E[(S - x)^+]`` is convex in ``x``, and since
    ``d/dx E[(S - x)^+] = -P(S > x)``, its derivative is ``(1 - d) - P(S > x)``: negative
    while ``P(S > x) > 1 - d``, positive after. The minimum is where ``P(S > x*) = 1 - d``,
    i.e. ``F(x*) = d``: x* is the d-quantile of the hourly spend. Over the hours of a spend
    curve (an empirical distribution) it is the smallest spend ``s`` with ``F(s) >= d`` (the
    inverted-CDF quantile); ``d = 0`` gives ``x* = 0`` (a commitment without discount saves
    nothing), a constant spend is committed in full.

    Parameters
    ----------
    hourly_spend : array_like
        The on-demand eligible spend of each hour, USD per hour (each hour weighs the same).
    discount : float
        The plan's discount d on the on-demand rate, in [0, 1).

    Returns
    -------
    Commitment
        The optimum x* (exact), AWS's plan commitment ``(1 - d) x*``, the expected hourly cost and the
        savings against no commitment and against committing at the mean spend.

    Raises
    ------
    ParameterValueError
        If the spend is empty or negative, or the discount outside [0, 1).

    See Also
    --------
    simulate_optimal_commitment : The same optimum searched on resampled days.
    commitment_cost : The expected cost of any level.

    Examples
    --------
    >>> import numpy as np
    >>> spend = np.r_[np.full(18, 1.0), np.full(6, 3.0)]   # 18 quiet hours, 6 busy ones
    >>> optimal_commitment(spend, 0.3).commitment_usd_per_hour.value  # F(1) = 0.75 >= 0.3
    1.0
    >>> optimal_commitment(spend, 0.8).commitment_usd_per_hour.value  # F(1) = 0.75 < 0.8
    3.0
    """
    s = _spend("hourly_spend", hourly_spend)
    d = _discount(discount)
    x = 0.0 if d == 0.0 else float(np.quantile(s, d, method="inverted_cdf"))
    return _result(s, d, x, 0.0, 0, "exact")


def _day_excess(days: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """``E[i, g] = sum_h (S[i, h] - grid[g])^+`` per day, in chunks of days (bounded memory)."""
    out = np.empty((days.shape[0], grid.size))
    step = max(1, 2_000_000 // (days.shape[1] * grid.size))
    for i in range(0, days.shape[0], step):
        out[i:i + step] = np.maximum(days[i:i + step, :, None] - grid, 0.0).sum(axis=1)
    return out


def simulate_optimal_commitment(hourly_spend, discount: float, *, n_trials: int = 400,
                                rng=None) -> Commitment:
    """The cost-minimising commitment searched on resampled days (a bootstrap over days).

    The spend curve is cut into days (24 hours, which keep the daily cycle whole); each trial
    draws as many days with replacement, and finds the level of a grid of
    ``GRID_LEVELS`` (2,001) levels from 0 to the largest hourly spend that minimises the trial's
    mean cost ``(1 - d) x + mean[(S - x)^+]``. The estimate is the level minimising the
    trials' mean cost (a bootstrap average of the cost curve, whose expectation is the given
    curve's), and its standard error the standard deviation of the trials' own minimisers: the
    bootstrap standard error, as ``scipy.stats.bootstrap`` gives it, how far the optimum
    moves from one week like this one to the next. The closed form :func:`optimal_commitment`
    (the d-quantile) lies within it, up to the grid's step.

    Parameters
    ----------
    hourly_spend : array_like
        The on-demand eligible spend of each hour, USD per hour; whole days (a multiple of 24
        hours, at least two days).
    discount : float
        The plan's discount d on the on-demand rate, in [0, 1).
    n_trials : int, optional
        Resampled curves.
    rng : Generator, SeedSequence, int or None, optional
        The random source (:func:`aurora_models._rng.as_generator`).

    Returns
    -------
    Commitment
        As :func:`optimal_commitment`, its commitment a Monte Carlo estimate; costs and savings
        are those of that level on the curve as given.

    Raises
    ------
    ParameterValueError
        If the spend is not whole days, fewer than two, or negative; the discount outside
        [0, 1); ``n_trials`` below 2.

    See Also
    --------
    optimal_commitment : The closed form.

    Examples
    --------
    >>> import numpy as np
    >>> day = np.r_[np.full(18, 1.0), np.full(6, 3.0)]
    >>> c = simulate_optimal_commitment(np.tile(day, 7), 0.3, n_trials=50, rng=1)
    >>> round(c.commitment_usd_per_hour.value, 2), c.commitment_usd_per_hour.standard_error
    (1.0, 0.0)
    """
    s = _spend("hourly_spend", hourly_spend)
    d = _discount(discount)
    n = check_int_range("n_trials", n_trials, 2)
    if s.size % HOURS_PER_DAY or s.size < 2 * HOURS_PER_DAY:
        raise ParameterValueError(f"`hourly_spend` must hold whole days (a multiple of "
                                  f"{HOURS_PER_DAY} hours, at least two days), got {s.size} "
                                  f"hours")
    g = as_generator(rng)
    days = s.reshape(-1, HOURS_PER_DAY)
    k = days.shape[0]
    grid = np.linspace(0.0, float(s.max()), GRID_LEVELS)
    excess = _day_excess(days, grid)  # (days, levels)
    counts = g.multinomial(k, np.full(k, 1.0 / k), size=n)  # (trials, days)
    cost = (1.0 - d) * grid + counts @ excess / s.size  # (trials, levels)
    best = grid[np.argmin(cost, axis=1)]  # each resampled curve's optimum
    x = float(grid[np.argmin(cost.mean(axis=0))])  # the optimum of the mean cost
    se = float(best.std(ddof=1))  # the bootstrap standard error (scipy.stats.bootstrap's)
    return _result(s, d, x, se, n, "monte_carlo")


# -- a cluster's Database Savings Plan ---------------------------------------------------------


def _hourly_mean(series, step_s: float) -> np.ndarray:
    """An ACU series of ``step_s`` steps as the mean of each whole hour (a partial last hour is
    dropped)."""
    a = np.asarray(series, dtype=float)
    per = 3600.0 / float(step_s)
    if per < 1 or abs(per - round(per)) > 1e-9:
        raise ParameterValueError(f"`step_s` must divide an hour, got {step_s!r}")
    per_i = round(per)
    hours = a.size // per_i
    if hours == 0:
        raise ParameterValueError(f"the ACU series must span an hour at least, got {a.size} "
                                  f"steps of {step_s:g} s")
    return a[:hours * per_i].reshape(hours, per_i).mean(axis=1)


def eligible_hourly_spend(usage: Usage, bill, *, writer_acu=None, reader_acu=None,
                          step_s: float | None = None) -> dict[str, Any]:
    """A bill's hourly on-demand compute spend that a Database Savings Plan covers.

    Serverless v2 compute follows the simulated capacity: the writer's and each reader's ACU
    series aggregated to hours (the mean ACU of each hour), times the line's price per
    ACU-hour; a Global Database secondary's Serverless instances are billed at their mean ACU
    (constant). A provisioned instance's spend is its constant hourly rate, covered when its
    class is of generation 7 or later (:func:`aurora_models.pricing.savings_plan_eligible`).
    Storage, I/O, backups and transfer are not covered. Without series the Serverless lines
    are spread evenly over the month's hours.

    Parameters
    ----------
    usage : Usage
        The cluster (its classes and counts).
    bill : Bill or dict
        The option's bill (:func:`bill_options`), or its ``to_dict()``.
    writer_acu : array_like, optional
        The writer's simulated capacity, ACU per step.
    reader_acu : array_like, optional
        One reader's simulated capacity, ACU per step.
    step_s : float, optional
        The series' step, seconds (required with a series).

    Returns
    -------
    dict
        ``hourly_usd`` (numpy array, USD per hour), ``usage_type`` (``"serverless"`` or
        ``"provisioned"``), ``covered`` and ``excluded`` (the lines, with the reason).

    Raises
    ------
    ParameterValueError
        If a series is given without ``step_s``.

    See Also
    --------
    savings_plan_commitment : The plan this spend calls for.

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_options
    >>> u = Usage(region="us-east-1", instance_class="db.r7g.large", volume_gib=100.0)
    >>> b = bill_options(u, options=["provisioned_standard"])[0]
    >>> e = eligible_hourly_spend(u, b)
    >>> e["usage_type"], round(float(e["hourly_usd"].mean()), 4), e["hourly_usd"].size
    ('provisioned', 0.276, 730)
    """
    doc = bill if isinstance(bill, dict) else bill.to_dict()
    if (writer_acu is not None or reader_acu is not None) and step_s is None:
        raise ParameterValueError("`step_s` must be given with an ACU series")
    serverless = doc["option"].startswith("serverless")
    step = float(step_s) if step_s is not None else 0.0
    hours = None
    if serverless and writer_acu is not None:
        hours = _hourly_mean(writer_acu, step).size
    n = hours or int(HOURS_PER_MONTH)
    total = np.zeros(n)
    covered, excluded = [], []
    for li in doc["lines"]:
        if li["id"] not in ("compute.writer", "compute.readers", "secondary.compute"):
            continue
        per_hour = li["amount_usd"] / HOURS_PER_MONTH
        if li["unit"] == "ACU-hours":
            series = {"compute.writer": writer_acu, "compute.readers": reader_acu}.get(li["id"])
            if series is not None:
                h = _hourly_mean(series, step)[:n]
                count = usage.replicas if li["id"] == "compute.readers" else 1
                total += h * count * li["unit_price_usd"]
            else:
                total += per_hour
            covered.append(f"{li['line']} ({li['region']})")
            continue
        # the line names its class ("compute: writer, db.r7g.large")
        cls = next((w for w in li["line"].replace(",", " ").split() if w.startswith("db.")), "")
        ok, why = savings_plan_eligible(cls)
        if ok:
            total += per_hour
            covered.append(f"{li['line']} ({li['region']})")
        else:
            excluded.append(f"{li['line']} ({li['region']}): {why}")
    return {"hourly_usd": total, "usage_type": "serverless" if serverless else "provisioned",
            "covered": covered, "excluded": excluded}


def savings_plan_commitment(usage: Usage, bill, *, writer_acu=None, reader_acu=None,
                            step_s: float | None = None,
                            discount: float | None = None) -> dict[str, Any]:
    """The Database Savings Plan a cluster's configured bill calls for.

    The eligible hourly spend (:func:`eligible_hourly_spend`) and its optimum
    (:func:`optimal_commitment`: the d-quantile) at the usage type's registered discount
    (``billing.savings_plan_discount_serverless`` or ``..._provisioned``, assumptions on AWS's
    quoted ranges). AWS applies a plan to the usage with the highest savings percentage first
    (Savings Plans User Guide, "Understanding how Savings Plans apply to your AWS usage"); a
    configured Aurora cluster's compute is all Serverless v2 or all provisioned, so one
    discount applies to all of it and that order does not arise here (mixed usage is not
    modelled). One term is sold: 1 year, No Upfront
    (:data:`~aurora_models.pricing.SAVINGS_PLAN_TERMS`).

    Parameters
    ----------
    usage : Usage
        The cluster.
    bill : Bill or dict
        The configured option's bill.
    writer_acu : array_like, optional
        The writer's simulated capacity, ACU per step.
    reader_acu : array_like, optional
        One reader's simulated capacity, ACU per step.
    step_s : float, optional
        The series' step, seconds.
    discount : float, optional
        The plan's discount (default: the usage type's registered one).

    Returns
    -------
    dict
        ``term, usage_type, discount, discount_source, covered, excluded`` and, when some
        spend is eligible, the :meth:`Commitment.to_dict` fields plus ``monthly_cost_usd``
        (the expected month at x*) and ``on_demand_monthly_usd`` (the eligible spend with no
        plan); ``eligible`` False when none is.

    See Also
    --------
    optimal_commitment : The rule.

    Examples
    --------
    >>> from aurora_models.billing import Usage, bill_options
    >>> u = Usage(region="us-east-1", instance_class="db.r7g.large", volume_gib=100.0)
    >>> plan = savings_plan_commitment(u, bill_options(u, options=["provisioned_standard"])[0])
    >>> plan["eligible"], plan["commitment_usd_per_hour"], round(plan["saving_vs_none_usd_per_month"], 2)
    (True, 0.276, 32.24)
    """
    spend = eligible_hourly_spend(usage, bill, writer_acu=writer_acu, reader_acu=reader_acu,
                                  step_s=step_s)
    kind = spend["usage_type"]
    d = SAVINGS_PLAN_DISCOUNTS[kind] if discount is None else _discount(discount)
    out: dict[str, Any] = {
        "term": SAVINGS_PLAN_TERMS[0], "usage_type": kind, "discount": d,
        "discount_source": (f"ASSUMPTION: billing.savings_plan_discount_{kind}, within AWS's "
                            f"quoted range" if discount is None else "given"),
        "covered": spend["covered"], "excluded": spend["excluded"],
        "eligible": bool(spend["covered"]) and float(spend["hourly_usd"].max()) > 0}
    if not out["eligible"]:
        return out
    c = optimal_commitment(spend["hourly_usd"], d)
    out.update(c.to_dict())
    out["monthly_cost_usd"] = c.expected_cost_usd_per_hour * HOURS_PER_MONTH
    out["on_demand_monthly_usd"] = c.on_demand_usd_per_hour * HOURS_PER_MONTH
    return out
