"""The scenario's own settings (``[scenario]``): its name, horizon, trials and seed."""

from __future__ import annotations

from dataclasses import dataclass

from .._params import declared, param

__all__ = ["RunSettings"]


@declared("scenario")
@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """How a scenario is run."""

    name: str = param("scenario", type="str", scenario="scenario.name", user_input=True,
                      doc="shown in every output")
    description: str = param("", type="str", scenario="scenario.description", user_input=True,
                             doc="one line shown in reports")
    horizon_hours: float = param(8760.0, "hours", low=1.0, high=87_600.0,
                                 scenario="scenario.horizon_hours", user_input=True,
                                 doc="horizon of durability and availability (up to 10 years)")
    trials: int = param(20_000, "trials", low=100, high=10_000_000, scenario="scenario.trials",
                        user_input=True, doc="Monte Carlo trials (--trials overrides)")
    seed: int = param(2024, low=0, high=2**63 - 1, scenario="scenario.seed", user_input=True,
                      doc="seed of every random stream (--seed overrides)")
