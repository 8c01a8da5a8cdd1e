"""The seam between a scenario and the model families: one small adapter per family.

A family registers :class:`Section` objects (``quorum.SECTIONS`` ...). Each turns the
scenario's declared parameters, and the upstream sections' results it names in ``consumes``,
into a typed :class:`SectionResult` (a frozen dataclass of :class:`~aurora_models.Estimate` s and
tables) that knows its JSON form and its headline rows. ``aurora_models.scenario`` only orders
the registered sections by what they consume, runs them and renders the rows: adding a family to
the CLI is its own adapter plus one registration line.

Adapters keep model logic in the family. A section may also offer ``run_batch``: the same
result for a batch of parameter vectors at once (:class:`BatchContext`), for the uncertainty
and sensitivity analyses (:mod:`aurora_models.sensitivity`); it must equal ``run`` on each
vector, which ``tests/test_sensitivity_batch.py`` checks section by section.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = ["BatchContext", "Context", "Row", "Section", "SectionResult", "plain"]


class Row(NamedTuple):
    """One headline number: ``section, metric, value, ci_low, ci_high, unit``."""

    section: str
    metric: str
    value: Any
    ci_low: Any
    ci_high: Any
    unit: str


class SectionResult:
    """Base of the typed results: ``to_dict()`` is the section's part of the JSON document.

    Subclasses are frozen dataclasses; fields holding an :class:`Estimate` serialize as
    ``{value, standard_error, ci_low, ci_high, ...}``; fields in ``_private`` (arrays kept for
    the plots) are left out.
    """

    _private: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import fields

        return {f.name: plain(getattr(self, f.name)) for f in fields(self)
                if f.name not in self._private}


def plain(x):
    """JSON-ready plain Python: Estimates as dicts, numpy scalars as Python, inf/NaN as None."""
    from .results import Estimate

    if isinstance(x, Estimate):
        d = x.to_dict(0.95)
        d.pop("ci_level", None)
        return plain(d)
    if isinstance(x, SectionResult):
        return x.to_dict()
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating | float):
        v = float(x)
        return v if math.isfinite(v) else None
    return x


@dataclass
class Context:
    """What a section sees: the validated scenario, the run settings, upstream results."""

    scenario: Any
    n_trials: int
    seed: int
    results: dict[str, SectionResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: One evaluation of an uncertainty or sensitivity analysis: sections skip what serves only
    #: the spread of the point estimate (the bill's other demand draws); the values the
    #: analysis reads are the same as in a full estimate.
    evaluation: bool = False
    _streams: dict[int, Any] = field(default_factory=dict)

    def stream(self, index: int):
        """The ``index``-th child seed of the run's seed (a fixed slot per section)."""
        if not self._streams:
            from ._rng import spawn_seeds

            self._streams.update(enumerate(spawn_seeds(self.seed, STREAMS)))
        return self._streams[index]

    def __getitem__(self, name: str) -> SectionResult:
        return self.results[name]


#: Child seed streams spawned per run; each section that draws takes a fixed slot, so adding
#: a section never changes another's draws.
STREAMS = 5


@dataclass(frozen=True)
class Section:
    """One registered adapter.

    ``run(ctx)`` returns the section's result; ``rows(doc)`` the headline rows of its JSON
    part (so a saved JSON document renders the same); ``consumes`` names upstream sections.
    ``run_batch(bctx)``, where given, returns the results of a batch of parameter vectors at
    once (a list aligned with the batch), equal to ``run`` on each.
    """

    name: str
    title: str
    run: Callable[[Context], SectionResult]
    rows: Callable[[Mapping[str, Any]], list[Row]] = lambda doc: []
    consumes: tuple[str, ...] = ()
    run_batch: Callable[[BatchContext], list[SectionResult]] | None = None


@dataclass
class BatchContext:
    """What :attr:`Section.run_batch` sees: a base scenario, the batch's values of the
    scenario keys the section reads (``{"table.key": array of shape (B,)}``; every other key
    has its value in ``scenario``), and each consumed section's results, aligned with the
    batch. Seeds and trials as in :class:`Context`; always an evaluation
    (:attr:`Context.evaluation`)."""

    scenario: Any
    values: Mapping[str, np.ndarray]
    size: int
    n_trials: int
    seed: int
    results: Mapping[str, list[SectionResult]] = field(default_factory=dict)
    #: Kept by the caller across its batches (of one scenario and seed): a section may store
    #: what its vectors share there (``memo.setdefault(section_name, {})``).
    memo: dict = field(default_factory=dict)

    def value(self, table: str, key: str) -> np.ndarray:
        """The key's values over the batch (shape (B,)): sampled, or the scenario's own."""
        v = self.values.get(f"{table}.{key}")
        return np.full(self.size, self.scenario[table][key], dtype=float) if v is None else v

    def context(self, i: int) -> Context:
        """The scalar :class:`Context` of the batch's ``i``-th vector (a section without a
        batch form of some part runs that part through it)."""
        changes = {k.replace(".", "__", 1): float(v[i]) for k, v in self.values.items()}
        s = self.scenario.replace(**changes) if changes else self.scenario
        return Context(scenario=s, n_trials=self.n_trials, seed=self.seed, evaluation=True,
                       results={c: r[i] for c, r in self.results.items()})
