"""Optional dependencies: which extra brings which module, and the one error when one is missing.

The distribution is published as :data:`DISTRIBUTION` (the import package stays
``aurora_models`` and the command ``aurora-models``; an unrelated project holds the name
``aurora-models`` on the package index). Each optional feature names its extra here, so every
install hint reads the same:

======================  ===============================================  =====================
extra                   modules                                          for
======================  ===============================================  =====================
``report``              papermill, nbconvert, nbclient, ipykernel, ...   ``aurora-models report``
``widgets``             ipywidgets                                       ``widgets.*_explorer()``
``distributed``         distributed (dask)                               ``--scheduler``, dask clients
``fast``                numba                                            the analyses' compiled kernel
``offers``              ijson                                            JSON offer files (import-prices)
``iac``                 tomlkit, yaml (PyYAML)                           ``scenario from-terraform/-cloudformation``
``notebooks``           all of the above and JupyterLab                  an analyst's environment
======================  ===============================================  =====================

Examples
--------
>>> install_hint("report")
"pip install 'aurora-arch-models[report]'"
>>> require("math", extra="report", feature="this").pi > 3
True
>>> require("no_such_module_xyz", extra="widgets", feature="an explorer")
Traceback (most recent call last):
...
aurora_models.exceptions.MissingDependencyError: an explorer needs no_such_module_xyz, which is not installed: pip install 'aurora-arch-models[widgets]'
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from .exceptions import MissingDependencyError

__all__ = ["DISTRIBUTION", "EXTRAS", "check_installed", "install_hint", "require"]

#: The name to ``pip install`` (the import package is ``aurora_models``).
DISTRIBUTION = "aurora-arch-models"

#: extra -> the top-level modules a feature of that extra imports (checked without importing).
EXTRAS: dict[str, tuple[str, ...]] = {
    # executing a notebook (nbclient, a python3 kernel) and rendering it (nbconvert); the
    # explorer cells of notebooks 01-05 run too, so ipywidgets is part of a report
    "report": ("nbformat", "nbclient", "jupyter_client", "nbconvert", "papermill", "ipykernel",
               "ipywidgets"),
    "widgets": ("ipywidgets",),
    "distributed": ("dask", "distributed"),
    "fast": ("numba",),
    # streaming AWS's JSON offer files (the CSV form needs nothing beyond the core)
    "offers": ("ijson",),
    # reading a Parquet CUR 2.0 export (`aurora-models reconcile`)
    "cur": ("pyarrow",),
    # scenarios from Terraform plans and CloudFormation templates (aurora_models.infra)
    "iac": ("tomlkit", "yaml"),
}


def install_hint(extra: str) -> str:
    """The command that installs ``extra``: ``pip install 'aurora-arch-models[EXTRA]'``."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def _message(feature: str, module: str, extra: str) -> str:
    return f"{feature} needs {module}, which is not installed: {install_hint(extra)}"


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingDependencyError` naming ``extra``.

    ``feature`` starts the message (``"`aurora-models report`"``, ``"an explorer"``).
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = (exc.name or module).split(".")[0]
        raise MissingDependencyError(_message(feature, missing, extra), extra=extra,
                                     name=missing) from None


def check_installed(extra: str, *, feature: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise :class:`MissingDependencyError` unless every module of ``extra`` (or ``modules``)
    is installed; nothing is imported (a feature checks before it starts work)."""
    for module in EXTRAS[extra] if modules is None else modules:
        if importlib.util.find_spec(module) is None:
            raise MissingDependencyError(_message(feature, module, extra), extra=extra,
                                         name=module)
