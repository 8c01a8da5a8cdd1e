"""Exceptions and warnings raised by aurora-models.

A wrong input raises :class:`ParameterValueError` (a ``ValueError``) or
:class:`ParameterTypeError` (a ``TypeError``), as scipy.stats raises the built-ins; both are
:class:`UserInputError` s, so the CLI tells a user error (one line, exit 2) from a bug (a
traceback, exit 1) by the exception's class, wherever the check lives. The other classes say
what those do not: a malformed data file, a plan or template that cannot become a scenario, a
budget exceeded, a solver that did not converge, a queue with no steady state, an optional
dependency that is not installed.
"""

from __future__ import annotations

__all__ = [
    "AuroraModelsWarning",
    "BudgetError",
    "ConvergenceError",
    "DataError",
    "InfraError",
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

    Examples
    --------
    >>> import aurora_models as am
    >>> try:
    ...     am.quorum.n_protection_groups(-1.0)
    ... except am.UserInputError as e:
    ...     print(type(e).__name__, isinstance(e, ValueError))
    ParameterValueError True
    """


class ParameterValueError(UserInputError, ValueError):
    """A parameter's value breaks its rule (the message names the parameter, rule and value).

    For instance ``"`read_quorum` must be an integer in [1, 6], got 7"``.

    Examples
    --------
    >>> from aurora_models.availability import aurora
    >>> aurora(16)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `replicas` must be an integer in [0, 15], got 16
    """


class ParameterTypeError(UserInputError, TypeError):
    """A parameter's value is of the wrong kind (a string where a number belongs).

    Examples
    --------
    >>> from aurora_models.availability import aurora
    >>> try:
    ...     aurora("two")
    ... except TypeError as e:
    ...     print(type(e).__name__)
    ParameterTypeError
    """


class DataError(UserInputError, ValueError):
    """A bundled or user-supplied data file is malformed.

    The message names the file and, where it applies, the line (1-based, header = line 1) and the
    column, so the file can be fixed without reading our code.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str, optional
        The file, prefixed to the message.
    line : int, optional
        The line (1-based, header = line 1), after the path.

    Examples
    --------
    >>> from aurora_models import DataError
    >>> str(DataError("column `usd` is missing", path="prices.csv", line=1))
    'prices.csv, line 1: column `usd` is missing'
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


class InfraError(UserInputError, ValueError):
    """A plan or template cannot become a scenario (one line: file, resource, attribute, why).

    Parameters
    ----------
    message : str
        What is wrong and what to do.
    source : str
        The plan or template file, prefixed to the message.
    resource : str
        The resource address (Terraform) or logical id (CloudFormation) at fault, if any.
    attribute : str
        The attribute at fault, if any.

    Examples
    --------
    >>> from aurora_models.exceptions import InfraError
    >>> e = InfraError("is unknown until apply", source="plan.json",
    ...                resource="aws_rds_cluster.main", attribute="engine")
    >>> str(e)
    'plan.json: aws_rds_cluster.main: `engine` is unknown until apply'
    """

    def __init__(self, message: str, *, source: str = "", resource: str = "",
                 attribute: str = "") -> None:
        self.source, self.resource, self.attribute = source, resource, attribute
        where = "".join(f"{p}: " for p in (source, resource) if p)
        what = f"`{attribute}` " if attribute else ""
        super().__init__(f"{where}{what}{message}")


class BudgetError(UserInputError, ValueError):
    """An input would make an entry exceed the work or memory budget (see ``aurora_models.budget``).

    Raised before anything is allocated. ``parameter`` is the input the cost scales with,
    ``estimate`` and ``limit`` the estimated and allowed cost (bytes or steps).

    Parameters
    ----------
    message : str
        What was asked and what the budget allows.
    parameter : str
        The input the cost scales with (``"n_trials"``).
    estimate : float
        The estimated cost, bytes or steps.
    limit : float
        The allowed cost, bytes or steps.

    Examples
    --------
    >>> import aurora_models as am
    >>> with am.budget(memory_gib=0.001):
    ...     try:
    ...         am.quorum.simulate_snapshot_unavailability(am.quorum.AURORA, p_copy=0.1,
    ...                                                    p_az=0.01, n_trials=10**7)
    ...     except am.BudgetError as e:
    ...         print(e.parameter, e.estimate > e.limit)
    n_trials True
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

    Parameters
    ----------
    message : str
        The feature, the missing module and the ``pip install`` line.
    extra : str
        The extra that brings the module (``"report"``).
    name : str, optional
        The missing module.

    Examples
    --------
    >>> from aurora_models import MissingDependencyError
    >>> e = MissingDependencyError("needs papermill", extra="report", name="papermill")
    >>> isinstance(e, ImportError), e.extra, e.name
    (True, 'report', 'papermill')
    """

    def __init__(self, message: str, *, extra: str, name: str | None = None):
        super().__init__(message, name=name)
        self.extra = extra


class ConvergenceError(RuntimeError):
    """A numerical method (root finder, quadrature, iterative solve) did not reach its tolerance.

    Examples
    --------
    >>> from aurora_models import ConvergenceError
    >>> issubclass(ConvergenceError, RuntimeError)
    True
    """


class UnstableSystemError(UserInputError, ValueError):
    """A steady-state quantity was asked of a system that has none (utilisation >= 1).

    Functions that can describe an unstable system (for instance by its growth rate) return an
    explicit result instead of raising; this is for those that cannot.

    Examples
    --------
    >>> import aurora_models as am
    >>> try:
    ...     am.queueing.erlang_c(1, 2.0)
    ... except am.UnstableSystemError as e:
    ...     print(str(e).split(":")[0])
    Erlang C does not exist
    """


class AuroraModelsWarning(UserWarning):
    """Base class of the warnings aurora-models emits (a model used outside its stated range).

    Examples
    --------
    >>> import warnings
    >>> import aurora_models as am
    >>> fm = am.quorum.FailureModel(detection_s=600.0)      # repair > 1 % of an AZ outage
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = am.quorum.volume_event_probability(100.0, am.quorum.AURORA, fm,
    ...                                           event="write_unavailable")
    >>> [issubclass(w.category, am.AuroraModelsWarning) for w in caught]
    [True]
    """
