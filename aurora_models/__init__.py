"""aurora-models: closed-form and Monte Carlo models of Amazon Aurora.

Model families live in submodules, imported on first use so that ``import aurora_models`` stays
light (no matplotlib, networkx or scipy submodules):

- :mod:`aurora_models.quorum` - quorum layouts, durability and availability (with :mod:`markov`)
- :mod:`aurora_models.write_path` - network I/O and synchronous hops per commit, commit latency
- :mod:`aurora_models.queueing` - Lindley recursion, M/G/1, Kingman, Erlang C (shared)
- :mod:`aurora_models.pricing` - the dated price book and the AWS offer-file importer
- :mod:`aurora_models.serverless` - Serverless v2 capacity simulation and cost curves
- :mod:`aurora_models.global_db` - Global Database lag, RPO/RTO, read visibility
- :mod:`aurora_models.availability` - failover, downtime, reader sizing, deployment decisions
- :mod:`aurora_models.data` - the bundled data sets with their provenance
- :mod:`aurora_models.sensitivity` - assumption uncertainty, propagated; Morris and Sobol (SALib)

:func:`sweep` evaluates any model function over a parameter grid, in process or on a
``concurrent.futures`` / dask executor, with per-point seeds so results do not depend on where
they ran. :func:`budget` sets the work and memory limits every entry that scales with a count
checks before it starts.

Examples
--------
>>> import aurora_models as am
>>> am.Estimate(value=0.5, method="exact").is_exact
True
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from . import _registry
from ._budget import budget, budget_limits
from ._registry import assumptions
from ._sweep import sweep
from .exceptions import (
    AuroraModelsWarning,
    BudgetError,
    ConvergenceError,
    DataError,
    InfraError,
    MissingDependencyError,
    ParameterTypeError,
    ParameterValueError,
    UnstableSystemError,
    UserInputError,
)
from .results import ConfidenceInterval, Estimate

__version__ = "0.1.0"

def _public_submodules() -> frozenset[str]:
    """The package's public modules (every module or subpackage not starting with ``_``) and
    the registered families' packages: ``am.billing`` works in a fresh interpreter because it
    is a module of the package, not because a list names it. Read from the file system, so
    nothing is imported."""
    names = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}
    return frozenset(names | {_registry.family_name(f) for f in _registry.FAMILIES})


_SUBMODULES = _public_submodules()

__all__ = [
    "AuroraModelsWarning",
    "BudgetError",
    "ConfidenceInterval",
    "ConvergenceError",
    "DataError",
    "Estimate",
    "InfraError",
    "MissingDependencyError",
    "ParameterTypeError",
    "ParameterValueError",
    "UnstableSystemError",
    "UserInputError",
    "__version__",
    "assumptions",
    "budget",
    "budget_limits",
    "list_datasets",
    "sweep",
]


def list_datasets():
    """The bundled data sets with their provenance (see :func:`aurora_models.data.list_datasets`).

    Returns
    -------
    pandas.DataFrame
        One row per data set: ``name``, ``path``, ``description``, ``source``, ``date``,
        ``licence``, ``provenance``.

    Examples
    --------
    >>> import aurora_models as am
    >>> "interregion_rtt" in set(am.list_datasets()["name"])
    True
    """
    from .data import list_datasets as _list  # light: data loads pandas

    return _list()


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
    else:  # a family registered outside the package (a plugin, a test's toy family)
        path = _registry.family_module(name)
        if path is None:
            raise AttributeError(f"module 'aurora_models' has no attribute {name!r}")
        module = importlib.import_module(path)
    globals()[name] = module
    return module


def __dir__():
    return sorted(set(globals()) | _SUBMODULES |
                  {_registry.family_name(f) for f in _registry.FAMILIES})


if TYPE_CHECKING:  # pragma: no cover
    from . import (  # noqa: F401
        availability,
        billing,
        cluster,
        data,
        global_db,
        markov,
        plotting,
        pricing,
        queueing,
        quorum,
        scenario,
        sensitivity,
        serverless,
        units,
        widgets,
        write_path,
    )
