"""Exceptions and warnings raised by aurora-models.

Wrong values raise the built-in ``ValueError`` and wrong types ``TypeError`` (as scipy.stats does);
the classes here cover what those do not say: a malformed data file, a solver that did not
converge, a queue with no steady state.
"""

from __future__ import annotations

__all__ = [
    "AuroraModelsWarning",
    "ConvergenceError",
    "DataError",
    "UnstableSystemError",
]


class DataError(ValueError):
    """A bundled or user-supplied data file is malformed.

    The message names the file and, where it applies, the line (1-based, header = line 1) and the
    column, so the file can be fixed without reading our code.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line


class ConvergenceError(RuntimeError):
    """A numerical method (root finder, quadrature, iterative solve) did not reach its tolerance."""


class UnstableSystemError(ValueError):
    """A steady-state quantity was asked of a system that has none (utilisation >= 1).

    Functions that can describe an unstable system (for instance by its growth rate) return an
    explicit result instead of raising; this is for those that cannot.
    """


class AuroraModelsWarning(UserWarning):
    """Base class of the warnings aurora-models emits (a model used outside its stated range)."""
