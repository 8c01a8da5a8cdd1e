"""The seam between a scenario and the model families: each family's manifest.

A family's ``_section.py`` exports ``SECTIONS``, a tuple of :class:`Section` objects, and is
named once in :data:`aurora_models._registry.FAMILIES`. A section is the family's whole
manifest: what it declares (the parameter classes whose ``scenario=`` keys the file may set),
the assumption modules it rests on, what it consumes, how it runs (``run``, ``run_batch``), the
named :class:`Output` s an analysis reads from its result, the headline rows (each naming the
output it shows), the priced lines it adds to every deployment option's bill and the
documentation of its part of the JSON document. The scenario, sensitivity, JSON and
documentation layers iterate the registry and name no family.

Adapters keep model logic in the family. A section may also offer ``run_batch``: the same
result for a batch of parameter vectors at once (:class:`BatchContext`), for the uncertainty
and sensitivity analyses (:mod:`aurora_models.sensitivity`); it must equal ``run`` on each
vector, which ``tests/test_sensitivity.py`` checks against plain estimates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ._rng import spawn_seeds
from .results import Estimate

__all__ = ["AddedLine", "BatchContext", "Context", "Dated", "Derived", "Fact", "LineTable",
           "Output", "Row", "Section", "SectionResult", "View", "plain"]


class Row(NamedTuple):
    """One headline number: ``section, metric, value, ci_low, ci_high, unit``, and the name of
    the :class:`Output` (or :class:`Derived` output) an analysis measures it by (None: no
    analysis output measures it)."""

    section: str
    metric: str
    value: Any
    ci_low: Any
    ci_high: Any
    unit: str
    output: str | None = None


@dataclass(frozen=True)
class Output:
    """A scalar an uncertainty or sensitivity analysis reads from a section's result.

    ``path`` leads to the number: each step is an attribute (or a mapping's key), or
    ``(key, value)``, the element of a list whose ``key`` is ``value``. With ``each=(list,
    key)`` the output is one per element of the result's ``list`` (an option, a region):
    ``name`` and the path then hold ``{}``, replaced by the element's ``key``. ``scale``
    converts to ``unit`` (seconds to ms: 1e3). A unit starting with ``probability`` is analysed
    as log10 (it spans decades).
    """

    name: str
    path: tuple
    unit: str
    scale: float = 1.0
    each: tuple[str, str] | None = None
    #: How it reads for people (``{}``: the element's key, or a function of the key); default
    #: the name.
    label: str | Callable[[str], str] = ""

    def label_of(self, name: str) -> str | None:
        """The label of output ``name`` if this declaration gives it, else None."""
        if self.each is None:
            if name != self.name:
                return None
            return self.label(name) if callable(self.label) else (self.label or self.name)
        head, _, tail = self.name.partition("{}")
        if name.startswith(head) and name.endswith(tail) and len(name) > len(head) + len(tail):
            key = name[len(head):len(name) - len(tail)]
            return self.label(key) if callable(self.label) else (self.label or self.name).format(key)
        return None

    def expand(self, result) -> list[tuple[str, tuple]]:
        """``(name, path)`` of each output this declaration gives on ``result``."""
        if self.each is None:
            return [(self.name, self.path)]
        items, key = self.each
        out = []
        for e in (result.get(items) if isinstance(result, Mapping)
                  else getattr(result, items, None)) or ():
            v = e[key]
            path = tuple((s[0], v) if isinstance(s, tuple) and s[1] == "{}" else s
                         for s in self.path)
            out.append((self.name.format(v), path))
        return out


@dataclass(frozen=True)
class Derived:
    """An output computed from another for the headline rows (availability from downtime):
    ``transform`` maps the sampled values of ``of`` to ``unit`` (applied per vector, so a
    decreasing transform keeps p5 <= p95). Not an input of a sensitivity analysis."""

    name: str
    of: str
    unit: str
    transform: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, kw_only=True)
class AddedLine:
    """A priced line a family adds to the bills (:attr:`Section.bill_lines`).

    ``id`` is stable (a diff pairs lines by option, region and id); ``quantity`` is per month
    (an array over a batch in the batch form); ``unit_price_usd`` None means the price data
    lacks it (the line is then missing, never zero). ``options``: the option ids it applies to
    (None: every option).
    """

    id: str
    region: str
    line: str
    quantity: Any
    unit: str
    unit_price_usd: float | None
    component: str = "other"
    options: tuple[str, ...] | None = None


class Fact(NamedTuple):
    """One line of a report's summary (and of a result's repr): ``label: text``. ``rank``
    orders the summary across sections (lower first; ties in section order)."""

    label: str
    text: str
    rank: float = 100.0


@dataclass(frozen=True, kw_only=True)
class LineTable:
    """A table of text cells a section spells out under the headline rows (a bill, line by
    line): in every text format when ``shown``, in the report always (folded unless shown).

    ``right``: the columns the text table right-aligns; ``numeric``: the columns the report
    right-aligns and keeps unbroken; ``wrap``: the column (a label) a narrow text table wraps,
    the columns between it and the last then going to a line of their own under it.
    ``summary``: the report's line for the folded table (default the title)."""

    title: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    summary: str = ""
    right: frozenset[int] = frozenset()
    numeric: frozenset[int] = frozenset()
    wrap: int = 0
    shown: bool = True


@dataclass(frozen=True, kw_only=True)
class Dated:
    """Data a section's figures rest on that ages (the price book): ``what`` (``prices
    us-east-1``), its date ``as_of`` (ISO) and ``source``; the report gives its age."""

    what: str
    as_of: str
    source: str


@dataclass(frozen=True, kw_only=True)
class View:
    """How a section's part of the JSON document reads (:attr:`Section.view`): what the
    renderers add to its headline rows, in every format.

    - ``labels``: how a row's metric reads (default the metric itself);
    - ``best``: the metric of the row marked as the best choice, ``best_word`` saying why
      (``cheapest``); ``missed``: ``{metric: message}`` of the rows whose objective is missed;
    - ``text_lines`` then ``lines``: the lines under the table of the text formats; the
      report shows ``lines`` only (the rest is in its summary, ``facts``);
    - ``facts``: the report's summary lines (:class:`Fact`); ``dated``: what ages
      (:class:`Dated`); ``tables``: the section's own tables (:class:`LineTable`), under
      ``tables_heading`` in the text formats (the shown ones) and ``report_heading`` in the
      report (all of them); ``footer``: lines after them in the terminal table.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    best: str | None = None
    best_word: str = "cheapest"
    missed: Mapping[str, str] = field(default_factory=dict)
    text_lines: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    dated: tuple[Dated, ...] = ()
    tables: tuple[LineTable, ...] = ()
    tables_heading: str = ""
    report_heading: str = ""
    footer: tuple[str, ...] = ()

    def label(self, metric: str) -> str:
        """The row's label: its metric as it reads, ``(cheapest)`` added to the best."""
        text = self.labels.get(metric, metric)
        return text + (f" ({self.best_word})" if metric == self.best else "")


class SectionResult:
    """Base of the typed results: ``to_dict()`` is the section's part of the JSON document.

    Subclasses are frozen dataclasses; fields holding an :class:`Estimate` serialize as
    ``{value, standard_error, ci_low, ci_high, ...}``; fields in ``_private`` (arrays kept for
    the plots) are left out.
    """

    _private: tuple[str, ...] = ()
    #: Set by ``@dataclass`` on each subclass (for the type checker: the base is none).
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import fields

        return {f.name: plain(getattr(self, f.name)) for f in fields(self)
                if f.name not in self._private}


def plain(x):
    """JSON-ready plain Python: Estimates as dicts, numpy scalars as Python, inf/NaN as None."""
    if isinstance(x, Estimate):
        d = x.to_dict(0.95)
        d.pop("ci_level", None)
        return plain(d)
    if isinstance(x, SectionResult):
        return x.to_dict()
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_asdict"):  # a named tuple: its fields by name
        return plain(x._asdict())
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
            self._streams.update(enumerate(spawn_seeds(self.seed, STREAMS)))
        return self._streams[index]

    def __getitem__(self, name: str) -> SectionResult:
        return self.results[name]


#: Child seed streams spawned per run; each section that draws takes a fixed slot, so adding
#: a section never changes another's draws.
STREAMS = 5


@dataclass(frozen=True, kw_only=True)
class Section:
    """One registered section: a family's manifest.

    - ``run(ctx)`` returns the section's result; ``run_batch(bctx)``, where given, the results
      of a batch of parameter vectors at once (a list aligned with the batch), equal to ``run``
      on each; ``consumes`` names the upstream sections it reads.
    - ``rows(doc)``: the headline rows of its JSON part (so a saved JSON document renders the
      same), each naming the output that measures it.
    - ``declares``: the parameter classes (``@declared``) whose scenario keys it reads; the
      scenario file's keys, schema and docs are collected from them, in registry order.
    - ``assumptions``: the assumptions-registry modules its defaults come from (the JSON's
      ``assumptions.models`` lists these for the sections that ran).
    - ``outputs`` / ``derived``: what an analysis reads from its result (:class:`Output`) and
      computes from those for the rows (:class:`Derived`).
    - ``bill_lines(result, usage)``: priced lines (:class:`AddedLine`) added to the bills of
      the options they name, from the section's result and the bill's
      :class:`~aurora_models.billing.Usage`; ``bill_lines_batch(results, usages)``, where given,
      the same for a batch (one list per vector), equal to ``bill_lines`` on each. The section
      that builds the bills (``collects_bill_lines``) consumes every section that has them, so
      their lines count in every total and in the cheapest option.
    - ``view(doc)``: how its JSON part reads beyond the rows (:class:`View`: labels, the
      best row, missed objectives, lines under the table, the report's summary, its own
      tables), so every renderer iterates the sections a result has and names none.
    - ``json``: the documentation of its JSON part (``docs/scenario_format.md`` is generated
      from it); ``place``: where its part stands in the JSON document and the tables (ties in
      registry order).
    """

    name: str
    title: str
    run: Callable[[Context], SectionResult]
    rows: Callable[[Mapping[str, Any]], list[Row]] = lambda doc: []
    view: Callable[[Mapping[str, Any]], View] | None = None
    consumes: tuple[str, ...] = ()
    run_batch: Callable[[BatchContext], Sequence[SectionResult]] | None = None
    declares: tuple[type, ...] = ()
    assumptions: tuple[str, ...] = ()
    outputs: tuple[Output, ...] = ()
    derived: tuple[Derived, ...] = ()
    bill_lines: Callable[[SectionResult, Any], list[AddedLine]] | None = None
    bill_lines_batch: Callable[[list, list], list[list[AddedLine]]] | None = None
    json: str = ""
    place: float = 100.0
    #: This section builds the bills: it also consumes every section with ``bill_lines``.
    collects_bill_lines: bool = False


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
