"""Uncertainty of the assumptions, propagated and ranked by global sensitivity (SALib).

- :func:`make` / :class:`Distribution`: one input's distribution, truncated to its bounds;
  declared on the parameter (``param(..., uncertainty={...})``) or in a scenario's
  ``[uncertainty]`` table.
- :func:`propagate` (``scipy.stats.qmc``), :func:`morris`, :func:`sobol` (SALib ProblemSpec) on
  any ``func(X) -> Y``; :func:`evaluate` maps it in fixed chunks on an optional executor.
"""

from ._analysis import Propagation, SensitivityResult, evaluate, morris, propagate, sobol
from ._dist import DISTRIBUTIONS, Distribution, make

__all__ = ["DISTRIBUTIONS", "Distribution", "Propagation", "SensitivityResult", "evaluate",
           "make", "morris", "propagate", "sobol"]
