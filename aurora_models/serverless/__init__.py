"""Aurora Serverless v2: ACU capacity simulation, demand, cost curves and break-evens.

The simulator turns a demand series (ACU needed, one sample per ``step_s``) into the capacity
Aurora would bill under a :class:`ScalingPolicy`. It works in integer half-ACU units and is
vectorized: a capacity that jumps up to the (delayed) demand and decays at a bounded additive
rate is a running maximum of a shifted series (proportional decay: the same in log space), so a
year at 1-second resolution takes well under a second. Scale to zero: :func:`paused_fraction`
(closed form under Poisson connection attempts) and :func:`simulate_paused_fraction`.

Every default is a cited fact or a stated assumption in the registry
(``aurora_models.assumptions("serverless")``). Prices come only from a
:class:`~aurora_models.pricing.PriceBook`.
"""

from __future__ import annotations

from ._cost import (
    CostDistribution,
    break_even_utilization,
    break_even_utilization_for_peak,
    monthly_cost,
    monthly_cost_distribution,
    simulate_monthly_cost,
)
from ._demand import daily_shape, demand_from_trace, synthetic_demand
from ._pause import PauseResult, paused_fraction, simulate_paused_fraction
from ._policy import CapacityResult, ScalingPolicy, V1ScalingPolicy
from ._simulate import simulate_capacity, simulate_capacity_v1

__all__ = [
    "CapacityResult",
    "CostDistribution",
    "PauseResult",
    "ScalingPolicy",
    "V1ScalingPolicy",
    "break_even_utilization",
    "break_even_utilization_for_peak",
    "daily_shape",
    "demand_from_trace",
    "monthly_cost",
    "monthly_cost_distribution",
    "paused_fraction",
    "simulate_capacity",
    "simulate_capacity_v1",
    "simulate_monthly_cost",
    "simulate_paused_fraction",
    "synthetic_demand",
]
