"""Monthly bills, break-even utilisation and the Monte Carlo cost distribution."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _budget, pricing
from .._format import repr_text
from .._rng import spawn
from .._validate import (
    check_array,
    check_bool,
    check_choice,
    check_int_range,
    check_nonnegative,
    check_positive,
    check_probability,
    check_range,
)
from ..availability._params import MAX_REPLICAS
from ..exceptions import ParameterTypeError, ParameterValueError
from ..global_db._link import MAX_SECONDARIES
from ..pricing import PriceBook
from ..results import Estimate
from ._defaults import (
    GIB_PER_ACU,
    HEADROOM,
    HOURS_PER_MONTH,
    RESERVED_DISCOUNT,
    VCPU_PER_ACU,
)
from ._demand import NO_NOISE_CV, synthetic_demand
from ._policy import ScalingPolicy
from ._simulate import simulate_capacity

# ------------------------------------------------------------------------------------------
# Cost


def break_even_utilization(price_book: PriceBook, instance_class: str, *,
                           io_optimized: bool = False) -> float:
    """Average Serverless v2 utilisation (of the class's ACU-equivalents) at equal cost.

    Returns
    -------
    float
        ``instance_hour_usd / (acu_hour_usd * memory_gib / 2)``: Serverless v2 is cheaper when
        the average capacity used is below this share of the instance's capacity.

    Notes
    -----
    1 ACU ~ 2 GiB, so db.r6g.large (16 GiB) is 8 ACU-equivalents: $0.26 against
    8 x $0.12 = $0.96 gives 27 % in us-east-1. Ignores the 0.5 ACU floor, scale-down tails,
    reserved instances, and Multi-AZ.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> round(break_even_utilization(pricing.load(), "db.r6g.large"), 4)
    0.2708
    """
    if not isinstance(price_book, PriceBook):
        raise ParameterTypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    check_bool("io_optimized", io_optimized)
    inst = price_book.instance_hour_usd(instance_class, io_optimized=io_optimized)
    return inst / (price_book.acu_hour_usd(io_optimized=io_optimized)
                   * price_book.instance_acu(instance_class))


def break_even_utilization_for_peak(price_book: PriceBook, peak_acu: float, *,
                                    headroom: float = 0.0,
                                    io_optimized: bool = False) -> tuple[str, float]:
    """Break-even when the instance must be a whole class sized for ``peak_acu``.

    Returns
    -------
    (str, float)
        The cheapest class with ``2 * peak_acu * (1 + headroom)`` GiB and
        ``0.25 * peak_acu * (1 + headroom)`` vCPUs (an ACU's memory and CPU), and the average demand,
        as a share of ``peak_acu``, below which Serverless v2 is cheaper:
        ``instance_hour_usd / (acu_hour_usd * peak_acu)``.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> cls, u = break_even_utilization_for_peak(pricing.load(), 9.0)
    >>> cls, round(u, 4)
    ('db.r6g.xlarge', 0.4806)
    """
    if not isinstance(price_book, PriceBook):
        raise ParameterTypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    peak = float(check_positive("peak_acu", peak_acu))
    h = float(check_nonnegative("headroom", headroom))
    cls = price_book.cheapest_instance_class(GIB_PER_ACU * peak * (1 + h),
                                             vcpu=VCPU_PER_ACU * peak * (1 + h),
                                             io_optimized=io_optimized)
    inst = price_book.instance_hour_usd(cls, io_optimized=io_optimized)
    return cls, inst / (price_book.acu_hour_usd(io_optimized=io_optimized) * peak)


_OPTIONS = ("serverless_standard", "serverless_io_optimized", "provisioned",
            "provisioned_reserved", "provisioned_writer_serverless_readers")


def monthly_cost(demand_acu, price_book: PriceBook, *, step_s: float = 60.0,
                 policy: ScalingPolicy | None = None, storage_gib: float = 100.0,
                 io_millions_per_month: float = 0.0, backup_gib: float = 0.0,
                 replicated_write_io_millions_per_month: float = 0.0,
                 secondary_regions=(), n_readers: int = 0, read_share: float = 0.5,
                 headroom: float = HEADROOM, reserved_discount: float = RESERVED_DISCOUNT,
                 options=None) -> pd.DataFrame:
    """Monthly bill of one cluster under each deployment option, broken down.

    Parameters
    ----------
    demand_acu : array_like
        Cluster demand in ACU, one value per ``step_s``; scaled to a 730-hour month.
    price_book : PriceBook
    step_s : float
    policy : ScalingPolicy, optional
        Serverless v2 policy (default ``ScalingPolicy()``: 0.5-256 ACU).
    storage_gib, backup_gib : float
        Cluster storage and backup storage, GiB (AWS bills per GiB-month, which its price
        list writes "GB-month"); backup beyond the free allowance (= ``storage_gib``) is billed.
    io_millions_per_month : float
        I/O requests per month, millions (billed on Aurora Standard only).
    replicated_write_io_millions_per_month, secondary_regions :
        Global Database replicated write I/O, billed in each secondary region at that region's
        rate (AWS's rule; a region code is priced from the bundled price list, a
        :class:`~aurora_models.pricing.PriceBook` as given), on both storage configurations (an ASSUMPTION for I/O-Optimized:
        ``billing.replicated_write_io_on_io_optimized``).
    n_readers : int
        Readers besides the writer; with readers, the writer carries ``1 - read_share`` of
        demand and each reader ``read_share / n_readers``.
    headroom : float
        Provisioned classes are the cheapest with ``2 GiB * peak * (1 + headroom)``.
    reserved_discount : float
        Reserved-instance discount on provisioned compute, in [0, 1).
    options : sequence of str, optional
        Any of ``serverless_standard``, ``serverless_io_optimized``, ``provisioned``,
        ``provisioned_reserved``, ``provisioned_writer_serverless_readers`` (needs readers).
        Default: all that apply (the last one only when ``n_readers >= 1``).

    Returns
    -------
    pandas.DataFrame
        Index ``option``; columns ``instance_classes``, ``acu_hours``, ``compute_usd``,
        ``storage_usd``, ``io_usd``, ``backup_usd``, ``replicated_io_usd``, ``total_usd``.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> bill = monthly_cost([4.0] * 60, pricing.load(), storage_gib=0.0,
    ...                     options=["serverless_standard"])
    >>> round(float(bill.loc["serverless_standard", "compute_usd"]), 2)  # 4 x 0.12 x 730
    350.4
    """
    if not isinstance(price_book, PriceBook):
        raise ParameterTypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    demand = check_array("demand_acu", demand_acu, nonnegative=True)
    step_s = float(check_positive("step_s", step_s))
    policy = ScalingPolicy() if policy is None else policy
    if not isinstance(policy, ScalingPolicy):
        raise ParameterTypeError(f"`policy` must be a ScalingPolicy, got {type(policy).__name__}")
    storage = float(check_nonnegative("storage_gib", storage_gib))
    io = float(check_nonnegative("io_millions_per_month", io_millions_per_month))
    backup = float(check_nonnegative("backup_gib", backup_gib))
    rep = float(check_nonnegative("replicated_write_io_millions_per_month",
                                  replicated_write_io_millions_per_month))
    if isinstance(secondary_regions, str) or not hasattr(secondary_regions, "__iter__"):
        raise ParameterTypeError(f"`secondary_regions` must be a list of region codes, got "
                                 f"{type(secondary_regions).__name__} {secondary_regions!r}")
    secondary_regions = list(secondary_regions)
    check_int_range("len(secondary_regions)", len(secondary_regions), 0, MAX_SECONDARIES)

    # each secondary's replicated write I/O at its own region's rate
    rep_rate = sum((r if isinstance(r, PriceBook) else pricing.load(r, engine=price_book.engine)
                    ).global_write_io_per_million_usd for r in secondary_regions) if rep else 0.0
    n_read = check_int_range("n_readers", n_readers, 0, MAX_REPLICAS)
    share = float(check_probability("read_share", read_share))
    h = float(check_nonnegative("headroom", headroom))
    disc = float(check_range("reserved_discount", reserved_discount, 0.0, 1.0,
                             high_inclusive=False))
    if options is None:
        options = _OPTIONS if n_read else _OPTIONS[:4]
    options = [check_choice("options", o, _OPTIONS) for o in options]
    if "provisioned_writer_serverless_readers" in options and n_read == 0:
        raise ParameterValueError("`n_readers` must be at least 1 for option "
                         "'provisioned_writer_serverless_readers', got 0")

    month = HOURS_PER_MONTH / (demand.size * step_s / 3600.0)
    roles = [("writer", demand * (1 - share) if n_read else demand, 1)]
    if n_read:
        roles.append(("reader", demand * share / n_read, n_read))
    sims = {}

    def serverless_acu_hours(role, d):
        if role not in sims:
            sims[role] = simulate_capacity(d, policy, step_s=step_s).acu_hours * month
        return sims[role]

    def provisioned(d, io_opt):
        peak = max(float(d.max()), 0.5) * (1 + h)
        cls = price_book.cheapest_instance_class(GIB_PER_ACU * peak, vcpu=VCPU_PER_ACU * peak)
        return cls, price_book.instance_hour_usd(cls, io_optimized=io_opt) * HOURS_PER_MONTH

    rows = []
    for opt in options:
        io_opt = opt == "serverless_io_optimized"
        classes, acu_h, compute = [], 0.0, 0.0
        for role, d, count in roles:
            use_serverless = opt.startswith("serverless") or (
                opt == "provisioned_writer_serverless_readers" and role == "reader")
            if use_serverless:
                ah = serverless_acu_hours(role, d) * count
                acu_h += ah
                compute += ah * price_book.acu_hour_usd(io_optimized=io_opt)
                classes.append(f"{count} x serverless")
            else:
                cls, usd = provisioned(d, False)
                if opt == "provisioned_reserved":
                    usd *= 1 - disc
                compute += usd * count
                classes.append(f"{count} x {cls}")
        rows.append(dict(
            option=opt, instance_classes=" + ".join(classes), acu_hours=acu_h,
            compute_usd=compute,
            storage_usd=storage * price_book.storage_gb_month_usd(io_optimized=io_opt),
            io_usd=0.0 if io_opt else io * price_book.io_per_million_usd,
            backup_usd=max(backup - storage, 0.0) * price_book.backup_gb_month_usd,
            replicated_io_usd=rep * rep_rate))
    frame = pd.DataFrame(rows).set_index("option")
    parts = ["compute_usd", "storage_usd", "io_usd", "backup_usd", "replicated_io_usd"]
    frame["total_usd"] = frame[parts].sum(axis=1)
    frame["total_usd_standard_error"] = 0.0  # exact for this demand; the sibling's is not
    frame["n_trials"] = 0
    return frame


def simulate_monthly_cost(demand_acu, price_book: PriceBook, *, step_s: float = 60.0,
                          policy: ScalingPolicy | None = None, storage_gib: float = 100.0,
                          io_millions_per_month: float = 0.0, backup_gib: float = 0.0,
                          replicated_write_io_millions_per_month: float = 0.0,
                          secondary_regions=(), n_readers: int = 0,
                          read_share: float = 0.5, headroom: float = HEADROOM,
                          reserved_discount: float = RESERVED_DISCOUNT, options=None,
                          noise_cv: float = 0.1, n_trials: int = 100,
                          rng=None) -> pd.DataFrame:
    """Monte Carlo sibling of :func:`monthly_cost`: the same parameters and the same table.

    ``demand_acu`` is taken as the mean demand of each step; each trial multiplies it by
    independent gamma noise with mean 1 and coefficient of variation ``noise_cv`` and bills the
    result with :func:`monthly_cost`. Every cost column is the mean over trials;
    ``total_usd_standard_error`` is ``sd / sqrt(n_trials)`` of the total and ``n_trials`` the
    trials. With ``noise_cv = 0`` every trial is :func:`monthly_cost` of ``demand_acu``.

    Examples
    --------
    >>> import numpy as np
    >>> from aurora_models import pricing
    >>> pb = pricing.load()
    >>> d = np.full(1440, 4.0)
    >>> exact = monthly_cost(d, pb, options=["serverless_standard"])
    >>> mc = simulate_monthly_cost(d, pb, options=["serverless_standard"], noise_cv=0.0,
    ...                            n_trials=3, rng=1)
    >>> list(mc.columns) == list(exact.columns), float(mc["total_usd"].iloc[0] - exact["total_usd"].iloc[0])
    (True, 0.0)
    """
    demand = check_array("demand_acu", demand_acu, nonnegative=True)
    cv = float(check_nonnegative("noise_cv", noise_cv))
    n = check_int_range("n_trials", n_trials, 2, None)
    _budget.check("simulate_monthly_cost", "n_trials", n,
                  work=40.0 * _budget.size(n) * demand.size,
                  memory_bytes=160.0 * demand.size, detail=f"{demand.size} steps each")
    kw = dict(step_s=step_s, policy=policy, storage_gib=storage_gib,
              io_millions_per_month=io_millions_per_month, backup_gib=backup_gib,
              replicated_write_io_millions_per_month=replicated_write_io_millions_per_month,
              secondary_regions=secondary_regions, n_readers=n_readers,
              read_share=read_share, headroom=headroom, reserved_discount=reserved_discount,
              options=options)
    frames = []
    for gen in spawn(rng, n):
        noisy = (demand if cv <= NO_NOISE_CV
                 else demand * gen.gamma(1.0 / cv**2, cv**2, demand.size))
        frames.append(monthly_cost(noisy, price_book, **kw))
    first = frames[0]
    numeric = [c for c in first.columns if c not in ("instance_classes", "n_trials",
                                                     "total_usd_standard_error")]
    stack = np.stack([f[numeric].to_numpy(dtype=float) for f in frames])
    out = first.copy()
    out[numeric] = stack.mean(axis=0)
    totals = stack[:, :, numeric.index("total_usd")]
    out["total_usd_standard_error"] = totals.std(axis=0, ddof=1) / math.sqrt(n)
    out["n_trials"] = n
    # The classes sized to each trial's peak may differ; name the most frequent.
    out["instance_classes"] = [pd.Series([f.loc[o, "instance_classes"] for f in frames]).mode()[0]
                               for o in first.index]
    return out


# ------------------------------------------------------------------------------------------
# Monte Carlo


@dataclass(frozen=True, kw_only=True)
class CostDistribution:
    """Monte Carlo distribution of monthly cost and under-provisioned time.

    Attributes
    ----------
    cost_usd, under_provisioned_s : numpy.ndarray
        One value per trial (USD per month; seconds per month).
    cost_p50, cost_p95, cost_mean, under_provisioned_p50, under_provisioned_p95 : Estimate
        Quantiles carry an order-statistic standard error (see :func:`monthly_cost_distribution`).
    """

    cost_usd: np.ndarray = field(repr=False)
    under_provisioned_s: np.ndarray = field(repr=False)
    cost_p50: Estimate
    cost_p95: Estimate
    cost_mean: Estimate
    under_provisioned_p50: Estimate
    under_provisioned_p95: Estimate

    def _estimates(self) -> list[tuple[str, Estimate, str]]:
        return [("monthly cost P50", self.cost_p50, "USD"), ("monthly cost P95", self.cost_p95,
                                                             "USD"),
                ("monthly cost mean", self.cost_mean, "USD"),
                ("under-provisioned P50", self.under_provisioned_p50, "s/month"),
                ("under-provisioned P95", self.under_provisioned_p95, "s/month")]

    def __repr__(self) -> str:

        def line(name: str, e: Estimate, unit: str) -> str:
            lo, hi = e.confidence_interval()
            return f"{name}: {e.value:,.6g} {unit} (95 % CI {lo:,.6g} to {hi:,.6g})"

        return repr_text(f"CostDistribution: {self.cost_usd.size:,} trials",
                         [line(*x) for x in self._estimates()])

    def _repr_html_(self) -> str:
        # light: the templates load jinja2 only when a notebook shows it
        from .._templates import repr_html

        rows = []
        for name, e, unit in self._estimates():
            lo, hi = e.confidence_interval()
            rows.append([name, f"{e.value:,.6g}", f"{e.standard_error:.3g}",
                         f"[{lo:,.6g}, {hi:,.6g}]", unit])
        return repr_html(f"CostDistribution: {self.cost_usd.size:,} trials", grids=[{
            "head": ["quantity", "value", "standard error", "95 % CI", "unit"], "rows": rows,
            "numeric": (1, 2, 3)}])

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate (value, standard error, 95 % interval)."""
        ests = [self.cost_p50, self.cost_p95, self.cost_mean, self.under_provisioned_p50,
                self.under_provisioned_p95]
        return pd.concat([e.to_frame() for e in ests], ignore_index=True)


def _quantile_estimate(x: np.ndarray, p: float, quantity: str, unit: str) -> Estimate:
    """Sample quantile with the distribution-free order-statistic standard error."""
    return Estimate.from_quantile(x, p, method="monte_carlo", quantity=quantity, unit=unit,
                                  bounds=(0.0, math.inf))


def monthly_cost_distribution(price_book: PriceBook, *, n_trials: int = 200,
                          policy: ScalingPolicy | None = None, option: str = "serverless_standard",
                          step_s: float = 60.0, days: float = 30.0, mean_acu: float = 4.0,
                          daily_amplitude: float = 0.5, weekly_amplitude: float = 0.2,
                          noise_cv: float = 0.2, spike_probability_per_day: float = 0.1,
                          spike_factor: float = 10.0, spike_hours: float = 1.0,
                          storage_gib: float = 100.0, io_millions_per_month: float = 0.0,
                          rng=None) -> CostDistribution:
    """Distribution of the monthly bill and under-provisioned time over stochastic demand.

    Each trial draws :func:`synthetic_demand` (its own spawned seed) with, on each day and
    independently with ``spike_probability_per_day``, one ``spike_factor`` x spike of
    ``spike_hours`` starting at a uniform time, then bills it with :func:`monthly_cost`.

    Returns
    -------
    CostDistribution
        P50 and P95 with order-statistic standard errors; the mean with ``sd / sqrt(n)``.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> dist = monthly_cost_distribution(pricing.load(), n_trials=20, days=2, rng=7)
    >>> bool(dist.cost_p95.value >= dist.cost_p50.value > 0)
    True
    """
    if not isinstance(price_book, PriceBook):
        raise ParameterTypeError(f"`price_book` must be a PriceBook, got {type(price_book).__name__}")
    n = check_int_range("n_trials", n_trials, 2, None)
    check_choice("option", option, _OPTIONS[:4])
    p_spike = float(check_probability("spike_probability_per_day", spike_probability_per_day))
    days = float(check_positive("days", days))
    step_s = float(check_positive("step_s", step_s))
    steps = days * 86_400.0 / step_s
    _budget.check("monthly_cost_distribution", "n_trials", n,
                  work=40.0 * _budget.size(n) * steps,
                  memory_bytes=16.0 * _budget.size(n) + 160.0 * steps,
                  detail=f"{steps:.3g} steps of {step_s:g} s each")
    policy = ScalingPolicy() if policy is None else policy
    costs, under = np.empty(n), np.empty(n)
    for i, gen in enumerate(spawn(rng, n)):
        n_days = math.ceil(days)
        hit = gen.random(n_days) < p_spike
        starts = (np.arange(n_days) + gen.random(n_days)) * 24.0
        spikes = [(float(s), spike_hours, spike_factor) for s in starts[hit]]
        d = synthetic_demand(days=days, step_s=step_s, mean_acu=mean_acu,
                             daily_amplitude=daily_amplitude, weekly_amplitude=weekly_amplitude,
                             noise_cv=noise_cv, spikes=spikes, rng=gen)
        bill = monthly_cost(d, price_book, step_s=step_s, policy=policy, storage_gib=storage_gib,
                            io_millions_per_month=io_millions_per_month, options=[option])
        costs[i] = bill["total_usd"].iloc[0]
        if option.startswith("serverless"):
            r = simulate_capacity(d, policy, step_s=step_s)
            under[i] = r.under_provisioned_s * HOURS_PER_MONTH / r.hours
        else:
            under[i] = 0.0
    unit = "USD/month"
    mean = Estimate(value=float(costs.mean()), standard_error=float(costs.std(ddof=1) / math.sqrt(n)),
                    n_trials=n, method="monte_carlo", quantity=f"mean monthly cost ({option})",
                    unit=unit, bounds=(0.0, math.inf))
    return CostDistribution(
        cost_usd=costs, under_provisioned_s=under,
        cost_p50=_quantile_estimate(costs, 0.5, f"P50 monthly cost ({option})", unit),
        cost_p95=_quantile_estimate(costs, 0.95, f"P95 monthly cost ({option})", unit),
        cost_mean=mean,
        under_provisioned_p50=_quantile_estimate(under, 0.5, "P50 under-provisioned time",
                                                 "s/month"),
        under_provisioned_p95=_quantile_estimate(under, 0.95, "P95 under-provisioned time",
                                                 "s/month"))
