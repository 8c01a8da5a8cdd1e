"""When one writer cannot serve the writer's demand: the limits and the event factor at which the
writer outgrows them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import pricing
from .._numeric import bracketed_root
from .._params import params_of, replaced
from .._rng import spawn_seeds
from .._section import STREAMS
from .._validate import check_positive
from ..exceptions import ParameterTypeError, ParameterValueError
from ..global_db._routing import routing_of
from ..pricing import PriceBook, instance_specs
from ..serverless._defaults import GIB_PER_ACU, MAX_ACU_LIMIT, VCPU_PER_ACU
from ..serverless._demand_model import MAX_EVENT_FACTOR, DemandModel
from ..serverless._split import writer_reader_factors

__all__ = ["WriterLimit", "event_factor_to_outgrow", "largest_writer", "writer_demand",
           "writer_limit"]


def largest_writer(price_book: PriceBook) -> tuple[str, float]:
    """The largest instance class a region sells for one writer, in ACU-equivalents.

    A class holds ``min(memory_gib / 2, vcpu / 0.25)`` ACU (1 ACU ~ 2 GiB with its share of a
    vCPU, the bill's sizing rule); previous-generation classes are left out, as the bill
    sizes.

    Parameters
    ----------
    price_book : PriceBook
        The region's book (:func:`aurora_models.pricing.load`).

    Returns
    -------
    tuple
        ``(instance_class, acu)``: the class and its ACU-equivalents (ACU).

    See Also
    --------
    writer_limit : The writer's demand against it and against 256 ACU.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> largest_writer(pricing.load("us-east-1", engine="aurora-postgresql"))
    ('db.r8g.48xlarge', 768.0)
    """
    if not isinstance(price_book, PriceBook):
        raise ParameterTypeError(f"`price_book` must be a PriceBook, got "
                                 f"{type(price_book).__name__}")
    classes = price_book.instance_classes()
    gen = classes["instance_class"].map(instance_specs()["generation"])
    classes = classes[gen != "previous"]
    acu = np.minimum(classes["memory_gib"].to_numpy(float) / GIB_PER_ACU,
                     classes["vcpu"].to_numpy(float) / VCPU_PER_ACU)
    # the largest; of equals, the cheapest (the table is sorted by price)
    i = int(np.argmax(acu))
    return str(classes["instance_class"].iloc[i]), float(acu[i])


def _demand_model(scenario) -> DemandModel:
    keys = {k: str(p.scenario).partition(".") for k, p in params_of(DemandModel).items()}
    return DemandModel(**{k: scenario[t][key] for k, (t, _, key) in keys.items()})


def writer_demand(scenario, *, event_factor: float | None = None,
                  seed: int | None = None) -> dict[str, Any]:
    """The writer's ACU demand of a scenario's seeded demand draw, as the estimate has it.

    The writer carries its share of the cluster's demand (the capacity section's split:
    ``acu x (1 - readers' share)``, or the primary's reads too without readers), drawn from the
    workload's first seed stream, so the event peak is the estimate's writer peak demand.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`aurora_models.scenario.load`).
    event_factor : float, optional
        Every event's load factor set to this (dimensionless, in (0, 1000]); default the
        file's own.
    seed : int, optional
        The run's seed (default the file's ``scenario.seed``).

    Returns
    -------
    dict
        ``daily_peak_acu`` (outside the events), ``event_peak_acu`` (the whole draw's peak),
        ``writer_factor`` (its share of the demand) and ``series`` (the writer's ACU per step).

    See Also
    --------
    event_factor_to_outgrow : The event factor at which this peak reaches a limit.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> d = writer_demand(scenario.load())
    >>> d["event_peak_acu"] > d["daily_peak_acu"] > 0
    True
    """
    dm = _demand_model(scenario)
    if event_factor is not None:
        f = float(check_positive("event_factor", event_factor))
        if f > MAX_EVENT_FACTOR:
            raise ParameterValueError(f"`event_factor` must be at most {MAX_EVENT_FACTOR:g}, got "
                                      f"{f:g}")
        dm = replaced(dm, events=tuple((s, d, f) for s, d, _ in dm.events))
    seed = int(scenario["scenario"]["seed"] if seed is None else seed)
    d = dm.series(rng=spawn_seeds(seed, STREAMS)[0])  # the workload section's stream
    primary = scenario["regions"]["primary"]
    wf = writer_reader_factors(d, scenario["cluster"]["replicas"],
                               routing_of(scenario).share_of(primary))[0]
    series = d["acu"] * wf
    daily = ~d["in_event"]
    return {"daily_peak_acu": float(series[daily].max()), "event_peak_acu": float(series.max()),
            "writer_factor": float(wf), "series": series}


@dataclass(frozen=True, kw_only=True)
class WriterLimit:
    """The writer's demand against what one writer serves.

    Parameters
    ----------
    daily_peak_acu, event_peak_acu : float
        The writer's demand at its daily peak (outside events) and at its event peak, ACU.
    largest_class : str
        The largest instance class the region sells (:func:`largest_writer`).
    largest_class_acu : float
        Its ACU-equivalents, ACU.
    serverless_max_acu : float
        What one Serverless v2 instance scales to, ACU (256).

    See Also
    --------
    writer_limit : Builds it.

    Examples
    --------
    >>> w = WriterLimit(daily_peak_acu=100.0, event_peak_acu=900.0, largest_class="db.x",
    ...                 largest_class_acu=768.0, serverless_max_acu=256.0)
    >>> w.one_writer_serves("daily"), w.one_writer_serves("event"), round(w.excess_acu("event"))
    (True, False, 132)
    """

    daily_peak_acu: float
    event_peak_acu: float
    largest_class: str
    largest_class_acu: float
    serverless_max_acu: float

    def _peak(self, at: str) -> float:
        if at not in ("daily", "event"):
            raise ParameterValueError(f"`at` must be 'daily' or 'event', got {at!r}")
        return self.daily_peak_acu if at == "daily" else self.event_peak_acu

    def one_writer_serves(self, at: str) -> bool:
        """Whether one writer (the largest class) holds the peak.

        Parameters
        ----------
        at : {"daily", "event"}
            Which peak.

        Returns
        -------
        bool
            The peak is at most the largest class's ACU-equivalents.
        """
        return self._peak(at) <= self.largest_class_acu

    def excess_acu(self, at: str, limit: str = "instance") -> float:
        """By how much the peak exceeds a limit (0 when it does not).

        Parameters
        ----------
        at : {"daily", "event"}
            Which peak.
        limit : {"instance", "serverless"}
            The largest class, or 256 ACU.

        Returns
        -------
        float
            ACU above the limit.
        """
        cap = {"instance": self.largest_class_acu,
               "serverless": self.serverless_max_acu}.get(limit)
        if cap is None:
            raise ParameterValueError(f"`limit` must be 'instance' or 'serverless', got "
                                      f"{limit!r}")
        return max(0.0, self._peak(at) - cap)

    def to_dict(self) -> dict[str, Any]:
        """The limits and, at each peak, what exceeds them (the JSON's form).

        Returns
        -------
        dict
            The fields, and per peak ``exceeds_largest_class``, ``exceeds_serverless_max``,
            ``excess_over_largest_class_acu``, ``excess_over_serverless_max_acu`` and
            ``one_writer_serves``.
        """
        out: dict[str, Any] = {
            "largest_class": self.largest_class, "largest_class_acu": self.largest_class_acu,
            "serverless_max_acu": self.serverless_max_acu}
        for at in ("daily", "event"):
            peak = self._peak(at)
            out[f"{at}_peak"] = {
                "writer_demand_acu": peak,
                "exceeds_largest_class": peak > self.largest_class_acu,
                "exceeds_serverless_max": peak > self.serverless_max_acu,
                "excess_over_largest_class_acu": self.excess_acu(at, "instance"),
                "excess_over_serverless_max_acu": self.excess_acu(at, "serverless"),
                "one_writer_serves": self.one_writer_serves(at)}
        return out


def writer_limit(daily_peak_acu: float, event_peak_acu: float,
                 price_book: PriceBook) -> WriterLimit:
    """The writer's peaks against the largest class of a region and 256 ACU.

    Parameters
    ----------
    daily_peak_acu, event_peak_acu : float
        The writer's demand at its daily and event peaks, ACU.
    price_book : PriceBook
        The region's book (its classes).

    Returns
    -------
    WriterLimit
        The peaks and the limits.

    See Also
    --------
    writer_demand : The peaks of a scenario.

    Examples
    --------
    >>> from aurora_models import pricing
    >>> w = writer_limit(40.0, 300.0, pricing.load())
    >>> w.one_writer_serves("event"), w.excess_acu("event", "serverless")
    (True, 44.0)
    """
    cls, acu = largest_writer(price_book)
    return WriterLimit(daily_peak_acu=float(daily_peak_acu), event_peak_acu=float(event_peak_acu),
                       largest_class=cls, largest_class_acu=acu,
                       serverless_max_acu=float(MAX_ACU_LIMIT))


def event_factor_to_outgrow(scenario, *, limit: str | float = "instance",
                            seed: int | None = None, price_book: PriceBook | None = None,
                            rtol: float = 1e-6) -> float:
    """The event load factor at which the writer's event-peak demand reaches one writer's limit.

    Every event of the scenario is given the factor F (the bundled leaderboard's 10x in-game
    event is F = 10); the writer's event peak ``W(F) = max_t acu_F(t) x w(F)`` of the seeded
    draw (:func:`writer_demand`) grows with F, and the root of ``W(F) = limit`` is found by a
    bracketed secant search on (0, 1000]. Above this factor one writer cannot serve the
    event: the options are to shard (Aurora Limitless Database) or to go distributed (Aurora
    DSQL).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario with at least one event.
    limit : {"instance", "serverless"} or float
        The largest class the region sells (ACU-equivalents), 256 ACU (one Serverless v2
        writer), or a limit in ACU.
    seed : int, optional
        The run's seed (default the file's).
    price_book : PriceBook, optional
        The book of the largest class (default the bundled book of the pricing region).
    rtol : float
        Relative tolerance on F.

    Returns
    -------
    float
        F (dimensionless); ``inf`` when even F = 1000 stays within the limit, 0 when the
        daily peak alone exceeds it.

    Raises
    ------
    ValueError
        If the scenario has no events, or ``limit`` is not one of the above.

    See Also
    --------
    writer_demand : The writer's peaks at one factor.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> f = event_factor_to_outgrow(scenario.load())
    >>> 10 < f < 1000
    True
    """
    if not scenario["workload"]["events"]:
        raise ParameterValueError("`workload.events` must hold at least one event: without one "
                                  "the event factor changes nothing")
    if isinstance(limit, str):
        if limit == "serverless":
            cap = float(MAX_ACU_LIMIT)
        elif limit == "instance":
            if price_book is None:
                region = scenario["pricing"]["region"] or scenario["regions"]["primary"]
                price_book = pricing.load(region, engine=f"aurora-{scenario['cluster']['engine']}")
            cap = largest_writer(price_book)[1]
        else:
            raise ParameterValueError(f"`limit` must be 'instance', 'serverless' or a number of "
                                      f"ACU, got {limit!r}")
    elif isinstance(limit, bool) or not isinstance(limit, int | float):
        raise ParameterTypeError(f"`limit` must be 'instance', 'serverless' or a number, got "
                                 f"{type(limit).__name__}")
    else:
        cap = float(check_positive("limit", limit))

    def gap(f: float) -> float:
        return writer_demand(scenario, event_factor=f, seed=seed)["event_peak_acu"] - cap

    lo = 1e-3
    if writer_demand(scenario, event_factor=lo, seed=seed)["daily_peak_acu"] > cap:
        return 0.0
    g_lo, g_hi = gap(lo), gap(MAX_EVENT_FACTOR)
    if g_hi <= 0.0:
        return math.inf
    if g_lo >= 0.0:
        return lo
    return bracketed_root(gap, lo, MAX_EVENT_FACTOR, rtol=rtol)
