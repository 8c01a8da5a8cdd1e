"""The registry of model families: registering a family is one line in :data:`FAMILIES`.

Each entry names a module (the family's ``_section.py``) that exports ``SECTIONS``, a tuple of
:class:`~aurora_models._section.Section` manifests. Everything the scenario, sensitivity, JSON
and documentation layers need of a family is read from there:

- :func:`sections`: every registered section, in the order of the JSON document (``place``);
- :func:`declared_classes`: the parameter classes whose keys a scenario file may set: the
  :data:`CORE` ones (the file's own settings, the cluster and its regions), then each section's
  ``declares`` in registry order, which is the order of the keys in a table (documentation,
  schema, and the order in which an analysis samples its inputs);
- :func:`scenario_params`: ``{table: {key: Param}}`` collected from those classes.

Nothing here depends on import order: a declaration is found because a registered manifest
names its class, not because some module happened to be imported first. The registry is read at
call time (a test or a plugin may extend ``FAMILIES``); results are cached per value of it.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._assumptions import _REGISTRY
from ._params import _DECLARED, Param, _same, params_of
from ._validate import check_choice

__all__ = ["CORE", "FAMILIES", "TABLES", "assumption_modules", "assumptions", "declared_classes", "families",
           "family_module", "family_name", "scenario_params", "sections"]

#: The registered families, one line each: a module exporting ``SECTIONS``. The order is the
#: order of their declarations within a table (the ACU range, then the demand, then the
#: failure model, then the availability rates: the documented key order).
FAMILIES: tuple[str, ...] = (
    "aurora_models.serverless._section",
    "aurora_models.quorum._section",
    "aurora_models.availability._section",
    "aurora_models.global_db._section",
    "aurora_models.users._section",
    "aurora_models.planning._section",
)

#: Modules whose declarations every family shares: the file's ``[scenario]`` settings, the
#: cluster and its regions (listed first in their tables).
CORE: tuple[str, ...] = ("aurora_models.scenario._settings", "aurora_models.cluster")

#: The scenario file's tables in documentation order; a family's own new table follows them,
#: in registry order.
TABLES: tuple[str, ...] = ("scenario", "cluster", "regions", "workload", "failures", "pricing")

_CACHE: dict[tuple, dict[str, Any]] = {}


def _cached(name: str, build):
    key = (FAMILIES, CORE)
    if key not in _CACHE:  # the registry changed (a plugin, a test's toy family): start over
        _CACHE.clear()
    entry = _CACHE.setdefault(key, {})
    if name not in entry:
        entry[name] = build()
    return entry[name]


def family_name(module: str) -> str:
    """The name a family is reached by (``am.<name>``): its package inside aurora_models
    (``aurora_models.quorum._section`` -> ``quorum``), else the registered module's top-level
    package or module (``rds_proxy._section`` or ``rds_proxy`` -> ``rds_proxy``)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "aurora_models" and len(parts) > 1 else parts[0]


def family_module(name: str) -> str | None:
    """The importable module of the registered family called ``name`` (None: no such family)."""
    for m in FAMILIES:
        if family_name(m) == name:
            return ".".join(m.split(".")[:2]) if m.startswith("aurora_models.") else \
                m.split(".")[0]
    return None


def families() -> list[Any]:
    """The registered family modules (imported)."""
    return _cached("families", lambda: [importlib.import_module(m) for m in FAMILIES])


def _registered() -> list[Any]:
    out = []
    for module in families():
        try:
            out += list(module.SECTIONS)
        except AttributeError:
            raise RuntimeError(f"registered family {module.__name__!r} exports no SECTIONS") \
                from None
    names = [s.name for s in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise RuntimeError(f"section name(s) registered twice: {', '.join(dup)}")
    return out


def sections() -> list[Any]:
    """Every registered section, in the order of the JSON document (by ``place``, ties in
    registry order)."""
    def build():
        import dataclasses

        found = sorted(_registered(), key=lambda s: s.place)
        billing = tuple(s.name for s in found if s.bill_lines is not None)
        return [dataclasses.replace(s, consumes=s.consumes + tuple(
                    b for b in billing if b not in s.consumes and b != s.name))
                if s.collects_bill_lines and billing else s for s in found]

    return _cached("sections", build)


def declared_classes() -> list[type]:
    """The declared parameter classes a scenario exposes: :data:`CORE`, then every
    registered section's ``declares`` (registry order), each once."""

    def build() -> list[type]:
        out: list[type] = []
        for m in CORE:
            importlib.import_module(m)
            out += [c for c in _DECLARED if c.__module__ == m and c not in out]
        for sec in _registered():
            out += [c for c in sec.declares if c not in out]
        for c in out:
            if not hasattr(c, "__params__"):
                raise RuntimeError(f"{c.__name__} is listed in `declares` but not @declared")
        return out

    return _cached("declared", build)


def scenario_params() -> dict[str, MappingProxyType[str, Param]]:
    """Every parameter a scenario file exposes, ``{table: {key: Param}}``: tables in
    :data:`TABLES` order (then new ones), keys in declaration order.

    A parameter declared on two classes with the same scenario key (one concept shown in two
    models) appears once; two different declarations of one key are an error.
    """

    def build() -> dict[str, MappingProxyType[str, Param]]:
        tables: dict[str, dict] = {t: {} for t in TABLES}
        for cls in declared_classes():
            for p in params_of(cls).values():
                if not p.scenario:
                    continue
                table, _, key = p.scenario.partition(".")
                have = tables.setdefault(table, {}).get(key)
                if have is not None and have is not p and not _same(have, p):
                    raise RuntimeError(f"scenario key {p.scenario!r} is declared twice "
                                       f"({have.qualname} and {p.qualname})")
                tables[table].setdefault(key, p)
        return {t: MappingProxyType(kv) for t, kv in tables.items() if kv}

    return _cached("params", build)


def assumption_modules(names=None) -> list[str]:
    """The assumptions-registry modules of the sections named (default: all), in order."""
    out: list[str] = []
    for sec in sections():
        if names is None or sec.name in names:
            out += [m for m in sec.assumptions if m not in out]
    return out


#: The package's own directory: its public modules are listed from the file system.
_PACKAGE_PATH = [str(Path(__file__).parent)]

# Modules that declare no defaults, or must not be imported just to list them (plotting pulls in
# matplotlib, cli the argument parser).
_SKIP = {"cli", "plotting", "data"}


#: Registry modules whose entries are all declared in one package module (the rest need all).
_MODULE_HOMES = {"quorum": "quorum", "availability": "availability", "serverless": "serverless",
                 "global_db": "global_db", "pricing": "pricing", "units": "units",
                 "write_path": "write_path", "cluster": "cluster", "workload": "serverless",
                 "scenario": "scenario"}


def _import_models(names=None) -> None:
    """Import the model modules (all, or ``names``) so that their declarations register."""
    if names is None:
        names = [info.name for info in pkgutil.iter_modules(_PACKAGE_PATH)
                 if not info.name.startswith("_") and info.name not in _SKIP]
    for name in names:
        importlib.import_module(f"aurora_models.{name}")


def assumptions(module: str | None = None):
    """Every registered default as a DataFrame.

    Parameters
    ----------
    module : str, optional
        Only the entries of this model module (``"quorum"``, ``"serverless"``, ...).

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``value``, ``unit``, ``kind`` (``cited``, ``fitted``,
        ``assumption``, or ``user input``: a scenario input listed for its declared
        distribution, its value the default used when the file does not set it), ``source``
        (the citation, what it was fitted to, the rationale of an assumption, or what the user
        input is), ``module``, ``range`` (the declared allowed values) and ``scenario_key``
        (where a scenario file sets it, if it does) and ``uncertainty`` (the distribution the
        sensitivity analysis samples, where one is declared).

    Examples
    --------
    >>> import aurora_models as am
    >>> am.assumptions("units")[["name", "value", "unit", "kind"]]
                        name  value   unit   kind
    0  units.hours_per_month  730.0  hours  cited
    """
    import pandas as pd  # third-party and heavy: only when the table is asked for

    # One module's entries need only that module (and what it imports) to register.
    _import_models(None if module is None or module not in _MODULE_HOMES else
                   [_MODULE_HOMES[module]])
    if module is None or module in ("workload", "billing", "cluster", "scenario"):
        declared_classes()  # the registered families' declarations a package import leaves lazy
    rows = [vars(a) for a in _REGISTRY.values() if module is None or a.module == module]
    if module is not None and not rows:
        check_choice("module", module, sorted({a.module for a in _REGISTRY.values()}))
    frame = pd.DataFrame(rows, columns=["name", "value", "unit", "kind", "source", "module",
                                       "range", "scenario_key", "uncertainty"])
    return frame.sort_values("name", ignore_index=True)
