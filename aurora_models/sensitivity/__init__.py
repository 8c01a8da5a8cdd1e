"""Uncertainty of the assumptions, propagated and ranked by global sensitivity (SALib).

- :func:`make` / :class:`Distribution`: one input's distribution, truncated to its bounds;
  declared on the parameter (``param(..., uncertainty={...})``) or in a scenario's
  ``[uncertainty]`` table.
- :func:`propagate` (``scipy.stats.qmc``), :func:`morris`, :func:`sobol` (SALib ProblemSpec) on
  any ``func(X) -> Y``; :func:`evaluate` maps it in fixed chunks on an optional executor.
- :func:`distributions`, :func:`propagate_scenario`, :func:`analyze`: the same for a scenario
  (:class:`ScenarioModel` says which outputs use the closed forms and which the simulation).
"""

from .._distributions import DISTRIBUTIONS, Distribution, SensitivityInputError, make
from ._analysis import Propagation, SensitivityResult, evaluate, morris, propagate, sobol
from ._scenario import ScenarioModel, analyze, distributions, propagate_scenario

__all__ = ["DISTRIBUTIONS", "Distribution", "Propagation", "ScenarioModel", "SensitivityInputError",
           "SensitivityResult",
           "analyze", "distributions", "evaluate", "make", "morris", "propagate",
           "propagate_scenario", "sobol"]
