"""The registered scenario sections, in output order, read from the family registry
(:mod:`aurora_models._registry`): the scenario layer names no family.
"""

from __future__ import annotations

from .._registry import sections
from .._section import Section

__all__ = ["ordered", "registered"]


def registered() -> list[Section]:
    """Every registered section, in the order of the JSON document."""
    return sections()


def ordered(sections: list[Section]) -> list[Section]:
    """``sections`` in run order: each after what it consumes, otherwise as registered.

    Raises
    ------
    ValueError
        A section consumes one that is not registered, or the dependencies form a cycle.
    """
    names = {s.name for s in sections}
    for s in sections:
        missing = [c for c in s.consumes if c not in names]
        if missing:
            raise ValueError(f"section {s.name!r} consumes unregistered section(s) "
                             f"{', '.join(map(repr, missing))}")
    done: list[Section] = []
    pending = list(sections)
    while pending:
        ready = next((s for s in pending if all(c in {d.name for d in done}
                                                 for c in s.consumes)), None)
        if ready is None:
            raise ValueError("scenario sections consume each other in a cycle: "
                             + ", ".join(s.name for s in pending))
        done.append(ready)
        pending.remove(ready)
    return done
