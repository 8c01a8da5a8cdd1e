"""The public API of aurora_models, enumerated once (issue 25).

The docstring test (``tests/test_docstrings.py``), the sibling-pair test (``tests/test_pairs.py``)
and the Sphinx API reference (``docs/``) all read the public names from here, so that what is
validated, what is paired and what is published are the same list.

Public means:

- every name in ``aurora_models.__all__``;
- every name in the ``__all__`` of each public submodule: the modules and subpackages of
  ``aurora_models`` whose names do not start with ``_`` (``aurora_models._public_submodules``,
  read from the file system, plus the registered families);
- the public methods and properties (names not starting with ``_``) of the public classes: the
  attributes a class defines itself, or inherits from a class of the package that is not public
  itself (a private base's methods are documented on the public class that exposes them).

An object reachable under several public names (``aurora_models.Estimate`` is
``aurora_models.results.Estimate``) is listed once, under its first name in the order
``aurora_models`` then the submodules alphabetically.

Usage (from a test: ``tests/`` is on ``sys.path`` under pytest; from ``docs/conf.py``: put it there)::

    from public_api import public_objects, sibling_pairs

    for qualname, obj in public_objects():
        ...
"""

from __future__ import annotations

import inspect
from types import ModuleType

import aurora_models

__all__ = ["is_routine", "public_classes", "public_modules", "public_objects", "sibling_pairs"]

PACKAGE = "aurora_models"


def public_modules() -> list[tuple[str, ModuleType]]:
    """``(qualified name, module)`` for ``aurora_models`` and each public submodule, sorted."""
    out = [(PACKAGE, aurora_models)]
    for name in sorted(aurora_models._public_submodules()):
        out.append((f"{PACKAGE}.{name}", getattr(aurora_models, name)))
    return out


def _documentable(obj) -> bool:
    """A function or a class (not data: constants are documented by ``#:`` comments)."""
    return inspect.isclass(obj) or inspect.isroutine(obj)


def _members(cls: type) -> list[tuple[str, object]]:
    """The public methods and properties of ``cls``: its own, and those of private bases of the
    package (``Section``-like helpers); members of builtins and other libraries are left out."""
    seen: dict[str, object] = {}
    for klass in cls.__mro__:
        if not klass.__module__.startswith(PACKAGE):
            continue
        if klass is not cls and _is_public_class(klass):
            continue  # documented on that class
        for name, attr in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            if isinstance(attr, (staticmethod, classmethod)):
                attr = attr.__func__
            if isinstance(attr, property) or inspect.isfunction(attr):
                seen[name] = attr
    return sorted(seen.items())


_PUBLIC_CLASSES: set[int] | None = None


def _is_public_class(klass: type) -> bool:
    global _PUBLIC_CLASSES
    if _PUBLIC_CLASSES is None:
        _PUBLIC_CLASSES = {id(c) for _, c in public_classes()}
    return id(klass) in _PUBLIC_CLASSES


def _top_level(include_data: bool) -> list[tuple[str, object]]:
    out, seen = [], set()
    for modname, module in public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if not include_data and not _documentable(obj):
                continue
            key = id(obj) if _documentable(obj) else (modname, name)
            if key in seen:
                continue
            seen.add(key)
            out.append((f"{modname}.{name}", obj))
    return out


def public_classes() -> list[tuple[str, type]]:
    """``(qualified name, class)`` for every public class (exceptions included)."""
    return [(q, o) for q, o in _top_level(False) if inspect.isclass(o)]


def public_objects(*, include_data: bool = False) -> list[tuple[str, object]]:
    """Every public object as ``(qualified name, object)`` pairs.

    Functions and classes from the ``__all__`` lists, each class followed by its public methods
    and properties (``aurora_models.quorum.QuorumLayout.survives``). With ``include_data``, the
    module-level constants too (``aurora_models.quorum.AURORA``: an instance, not something with
    a docstring of its own). Properties are returned as the ``property`` object.
    """
    out = []
    for qualname, obj in _top_level(include_data):
        out.append((qualname, obj))
        if inspect.isclass(obj):
            out.extend((f"{qualname}.{name}", attr) for name, attr in _members(obj))
    return out


def is_routine(obj) -> bool:
    """A function or a method (not a class, a property or data)."""
    return inspect.isroutine(obj)


def sibling_pairs() -> list[tuple[str, str]]:
    """The closed form / Monte Carlo pairs: ``(family, X)`` for every ``X`` and ``simulate_X``
    both in one public submodule's ``__all__`` (``("quorum", "event_probability")``)."""
    out = []
    for modname, module in public_modules()[1:]:
        names = set(module.__all__)
        for name in module.__all__:
            if name.startswith("simulate_") and name[len("simulate_"):] in names:
                out.append((modname.split(".")[-1], name[len("simulate_"):]))
    return out
