"""Exceptions and warnings raised by aurora-models.

A wrong input raises :class:`ParameterValueError` (a ``ValueError``) or
:class:`ParameterTypeError` (a ``TypeError``), as scipy.stats raises the built-ins; both are
:class:`UserInputError` s, so the CLI tells a user error (one line, exit 2) from a bug (a
traceback, exit 1) by the exception's class, wherever the check lives. The other classes say
what those do not: a malformed data file, a budget exceeded, a solver that did not converge, a
queue with no steady state, an optional dependency that is not installed.
"""

from __future__ import annotations

__all__ = [
    "AuroraModelsWarning",
    "BudgetError",
    "ConvergenceError",
    "DataError",
    "MissingDependencyError",
    "ParameterTypeError",
    "ParameterValueError",
    "UnstableSystemError",
    "UserInputError",
]


class UserInputError(Exception):
    """Marker base: the caller's input (a value, a file, a budget) is at fault, not the code.

    The CLI reports these as one line with exit code 2; any other exception is a bug and keeps
    its traceback (exit code 1). Concrete classes also derive from ``ValueError`` or
    ``TypeError``, so ``except ValueError`` keeps working.
    """


class ParameterValueError(UserInputError, ValueError):
    """A parameter's value breaks its rule: ``"`read_quorum` must be an integer in [1, 6],
    got 7"`` (the message names the parameter, the rule and the value)."""


class ParameterTypeError(UserInputError, TypeError):
    """A parameter's value is of the wrong kind (a string where a number belongs)."""


class DataError(UserInputError, ValueError):
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


class BudgetError(UserInputError, ValueError):
    """An input would make an entry exceed the work or memory budget (see ``aurora_models.budget``).

    Raised before anything is allocated. ``parameter`` is the input the cost scales with,
    ``estimate`` and ``limit`` the estimated and allowed cost (bytes or steps).
    """

    def __init__(self, message: str, *, parameter: str = "", estimate: float = 0.0,
                 limit: float = 0.0):
        super().__init__(message)
        self.parameter, self.estimate, self.limit = parameter, estimate, limit


class MissingDependencyError(UserInputError, ImportError):
    """A feature needs an optional dependency that is not installed.

    The message names the feature, the missing module and the extra that brings it, as the
    ``pip install`` line to run (``pip install 'aurora-arch-models[report]'``); ``extra`` holds
    the extra's name and ``name`` (as on any ``ImportError``) the missing module. An
    ``ImportError``, so ``except ImportError`` keeps working; a ``UserInputError``, so the CLI
    reports it in one line with exit code 2.
    """

    def __init__(self, message: str, *, extra: str, name: str | None = None):
        super().__init__(message, name=name)
        self.extra = extra


class ConvergenceError(RuntimeError):
    """A numerical method (root finder, quadrature, iterative solve) did not reach its tolerance."""


class UnstableSystemError(UserInputError, ValueError):
    """A steady-state quantity was asked of a system that has none (utilisation >= 1).

    Functions that can describe an unstable system (for instance by its growth rate) return an
    explicit result instead of raising; this is for those that cannot.
    """


class AuroraModelsWarning(UserWarning):
    """Base class of the warnings aurora-models emits (a model used outside its stated range)."""
