"""Scenario files: TOML -> a validated :class:`Scenario`, with errors that name the key and line."""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .. import pricing
from .._distributions import make
from .._params import Param, Rule, params_of
from .._registry import declared_classes, scenario_params
from ..exceptions import ParameterValueError, UserInputError
from ..pricing._rules import check_name

__all__ = ["Scenario", "ScenarioError", "default_path", "load", "loads", "rules", "spec",
           "template_text"]


class ScenarioError(UserInputError, ValueError):
    """A scenario file is malformed or holds an invalid value.

    The message is one line: ``FILE:LINE: `table.key` must be ..., got ...``.

    Parameters
    ----------
    message : str
        What is wrong (the rule and the value).
    source : str
        The file (or ``"<string>"``), prefixed to the message.
    line : int, optional
        The line of the key in the file.
    key : str
        The ``table.key`` at fault.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> try:
    ...     scenario.loads('[cluster]\\nreplicas = 16\\n', source="x.toml")
    ... except scenario.ScenarioError as e:
    ...     print(e.source, e.line, e.key)
    x.toml 2 cluster.replicas
    """

    def __init__(self, message: str, *, source: str = "", line: int | None = None,
                 key: str = "") -> None:
        self.source, self.line, self.key, self.detail = source, line, key, message
        where = f"{source}:{line}: " if line is not None else (f"{source}: " if source else "")
        super().__init__(where + message)


def spec() -> Mapping[str, Mapping[str, Param]]:
    """The scenario file's keys, derived from the declarations.

    Returns
    -------
    mapping
        ``{table: {key: Param}}``, tables in documentation order.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> list(scenario.spec())[:3]
    ['scenario', 'cluster', 'regions']
    """
    return scenario_params()


def rules() -> list[tuple[Rule, dict[str, str]]]:
    """The declared cross-key rules whose every key a scenario file sets.

    Returns
    -------
    list of (Rule, dict)
        Each rule with the mapping from its keys to their ``table.key``, sorted by name.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> [rule.name for rule, _ in scenario.rules()][:3]
    ['acu_order', 'auto_pause', 'byol_sold']
    """
    out: list[tuple[Rule, dict[str, str]]] = []
    for cls in declared_classes():
        params = params_of(cls)
        for rule in getattr(cls, "__rules__", ()):
            names = {k: k if "." in k else params[k].scenario or "" for k in rule.keys
                     if "." in k or (k in params and params[k].scenario)}
            if len(names) == len(rule.keys) and all(r is not rule for r, _ in out):
                out.append((rule, names))
    return sorted(out, key=lambda rn: rn[0].name)


def _freeze(x):
    if isinstance(x, dict):
        return MappingProxyType({k: _freeze(v) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # a named tuple is frozen as it is
        return x
    if isinstance(x, list | tuple):
        return tuple(_freeze(v) for v in x)
    return x


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A validated scenario: every key of the format, where it came from, and its key lines.

    Build it with :func:`load` or :func:`loads`; ``scenario[table][key]`` reads a value.

    Parameters
    ----------
    values : mapping
        ``values[table][key]`` for every key of the format (defaults filled in; ``None``
        means "the model's default"); frozen on construction.
    source : str
        Where it came from (a path, or ``"<string>"``).
    text : str
        The file's text (for the lines of error messages).
    given : frozenset of str
        The ``table.key`` names the file set.
    uncertainty : mapping
        The file's ``[uncertainty]`` table: ``{"table.key": {"dist": ..., ...}}``.
    provenance : mapping
        The file's ``[provenance]`` table: ``{"table.key": {"source": ..., ...}}``, where each
        measured value came from (``aurora-models calibrate`` writes it; the fields are listed
        in ``docs/scenario_format.md``).

    Examples
    --------
    >>> s = loads('[cluster]\\ncapacity = "serverless"\\nreplicas = 2\\nvolume_gib = 200\\n'
    ...           '[regions]\\nprimary = "us-east-1"\\n'
    ...           '[workload]\\nwrites_per_s = 100\\nreads_per_s = 1000\\n')
    >>> s["cluster"]["replicas"], s["scenario"]["trials"]
    (2, 20000)
    >>> loads('[cluster]\\nreplicas = 16\\n', source="x.toml")
    Traceback (most recent call last):
    ...
    aurora_models.scenario._spec.ScenarioError: x.toml:2: `cluster.replicas` must be an integer in [0, 15], got 16
    """

    values: Mapping[str, Mapping[str, Any]]
    source: str = "<string>"
    text: str = field(default="", repr=False)
    given: frozenset[str] = frozenset()
    #: The file's ``[uncertainty]`` table: ``{"table.key": {"dist": ..., ...}}`` (validated;
    #: :func:`aurora_models.sensitivity.distributions` merges it over the declared ones).
    uncertainty: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: The file's ``[provenance]`` table: ``{"table.key": {"source": ..., ...}}`` (validated).
    provenance: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Immutable all the way down: a nested assignment raises instead of skipping validation.
        object.__setattr__(self, "values", _freeze({t: dict(kv) for t, kv in
                                                    self.values.items()}))
        object.__setattr__(self, "given", frozenset(self.given))
        object.__setattr__(self, "uncertainty", _freeze(dict(self.uncertainty)))
        object.__setattr__(self, "provenance", _freeze(dict(self.provenance)))

    def __getitem__(self, table: str) -> Mapping[str, Any]:
        return self.values[table]

    def __reduce__(self):
        # picklable (process executors, dask workers) although its mappings are read-only views
        return (_rebuild, (_thaw(self.values), self.source, self.text, tuple(self.given),
                           _thaw(self.uncertainty), _thaw(self.provenance)))

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.values["scenario"]["name"]

    def is_set(self, key: str) -> bool:
        """Whether ``table.key`` was written in the file (not taken from the declaration).

        Parameters
        ----------
        key : str
            A ``table.key`` name.

        Returns
        -------
        bool
            True when the file set it.
        """
        return key in self.given

    def replace(self, **changes) -> Scenario:
        """Return a copy with ``table__key=value`` overrides, validated like the file.

        Only the changed keys and the cross-key rules that involve them are checked again
        (everything else was checked when this scenario was built), with the messages and
        lines a file with those values would give.

        Parameters
        ----------
        **changes
            ``table__key=value`` pairs (``scenario__trials=500``).

        Returns
        -------
        Scenario
            The changed copy.

        Examples
        --------
        >>> s = load().replace(scenario__trials=500)
        >>> s["scenario"]["trials"]
        500
        """
        table_keys = spec()
        parsed = []
        for name, value in changes.items():
            table, _, key = name.partition("__")
            if table not in table_keys or key not in table_keys[table]:
                raise ParameterValueError(f"`{name}` is not a scenario key (use table__key)")
            parsed.append((table, key, value))
        fail = _failer(self.source, self.text)
        values = {t: dict(kv) for t, kv in self.values.items()}
        for table, key, value in parsed:
            try:
                values[table][key] = table_keys[table][key].check(value, name=f"{table}.{key}")
            except (TypeError, ValueError) as exc:
                raise fail(str(exc), table, key) from None
        changed = {f"{t}.{k}" for t, k, _ in parsed}
        _check_rules(values, fail, touching=changed)
        if changed & {"pricing.region", "regions.primary"}:
            _check_region(values, fail)
        # a changed value is no longer the one its provenance describes
        kept = {k: v for k, v in self.provenance.items() if k not in changed}
        return Scenario(values=values, source=self.source, text=self.text,
                        given=self.given | changed, uncertainty=self.uncertainty,
                        provenance=kept)


def _rebuild(values, source, text, given, uncertainty, provenance) -> Scenario:
    return Scenario(values=values, source=source, text=text, given=frozenset(given),
                    uncertainty=uncertainty, provenance=provenance)


def _thaw(x):
    if isinstance(x, Mapping):
        return {k: _thaw(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # a named tuple pickles as it is
        return x
    if isinstance(x, tuple):
        return [_thaw(v) for v in x]
    return x


def uncertain_keys() -> dict[str, Param]:
    """The scenario keys an ``[uncertainty]`` table may name: every real key outside the run
    settings ``[scenario]`` (an integer key or a run setting takes no distribution)."""
    return {f"{t}.{k}": p for t, kv in spec().items() for k, p in kv.items()
            if p.type == "real" and t != "scenario"}


def _check_uncertainty(table: Any, fail) -> dict[str, Any]:

    if not isinstance(table, dict):
        raise fail(f"`uncertainty` must be a table [uncertainty], got {type(table).__name__}",
                   "uncertainty")
    keys = uncertain_keys()
    out = {}
    for name, value in table.items():
        if isinstance(value, dict) and "dist" not in value and name in spec():
            raise fail(f"write `\"{name}.KEY\" = {{ dist = ... }}` in [uncertainty], not a "
                       f"sub-table [uncertainty.{name}]", "uncertainty", name)
        t, _, k = name.partition(".")
        declared = spec().get(t, {}).get(k)
        if declared is not None and t == "scenario":
            raise fail(f"`uncertainty.{name}` is a run setting, not an assumption: it takes no "
                       f"distribution (set `{name}` itself)", "uncertainty", name)
        if declared is not None and declared.type == "int":
            raise fail(f"`uncertainty.{name}` is an integer key: it takes no distribution (a "
                       f"sampled value would not be whole; compare whole values with "
                       f"`aurora-models diff`)", "uncertainty", name)
        if name not in keys:
            near = difflib.get_close_matches(name, list(keys), n=1)
            hint = f"did you mean `{near[0]}`? " if near else ""
            raise fail(f"unknown key `uncertainty.{name}` ({hint}name a real-valued scenario key "
                       f"as \"table.key\")", "uncertainty", name)
        p = keys[name]
        try:
            make(name, value, lower=p.low, upper=p.high)
        except (TypeError, ValueError) as exc:
            raise fail(f"uncertainty {exc}", "uncertainty", name) from None
        out[name] = value
    return out


#: The fields of a ``[provenance]`` entry: ``source`` is required, the rest optional.
PROVENANCE_FIELDS: Mapping[str, str] = MappingProxyType({
    "source": "what the value was measured from, in words (metrics, statistic, period)",
    "method": "how it was fitted (e.g. least squares with HAC standard errors)",
    "metrics": "the CloudWatch metrics used (a list of names)",
    "files": "the files read (a list of paths)",
    "window": "the measured period, 'start/end' in ISO 8601",
    "period_s": "the data's interval, seconds",
    "n": "the number of data points used",
    "estimate": "the fitted value",
    "interval": "its 90 % interval [low, high]",
    "note": "anything else the reader should know (a diagnostic, an assumption used)",
})
_PROVENANCE_KIND = {"metrics": "strings", "files": "strings", "period_s": "number",
                    "n": "integer", "estimate": "number", "interval": "pair"}


def _check_provenance(table: Any, fail) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise fail(f"`provenance` must be a table [provenance], got {type(table).__name__}",
                   "provenance")
    keys = {f"{t}.{k}" for t, kv in spec().items() for k in kv}
    out = {}
    for name, entry in table.items():
        if name not in keys:
            near = difflib.get_close_matches(name, sorted(keys), n=1)
            hint = f"did you mean `{near[0]}`? " if near else ""
            raise fail(f"unknown key `provenance.{name}` ({hint}name a scenario key as "
                       f"\"table.key\")", "provenance", name)
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            raise fail(f"`provenance.{name}` must be a table {{ source = \"...\", ... }} with a "
                       f"string `source`", "provenance", name)
        for f, v in entry.items():
            if f not in PROVENANCE_FIELDS:
                raise fail(f"`provenance.{name}` has unknown field `{f}` (known: "
                           f"{', '.join(PROVENANCE_FIELDS)})", "provenance", name)
            kind = _PROVENANCE_KIND.get(f, "string")
            num = isinstance(v, int | float) and not isinstance(v, bool)
            ok = {"string": isinstance(v, str),
                  "strings": isinstance(v, list) and all(isinstance(e, str) for e in v),
                  "number": num and math.isfinite(v),
                  "integer": isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                  "pair": isinstance(v, list) and len(v) == 2
                  and all(isinstance(e, int | float) and not isinstance(e, bool)
                          and math.isfinite(e) for e in v)}[kind]
            if not ok:
                raise fail(f"`provenance.{name}.{f}` must be {_KIND_WORDS[kind]}, got {v!r}",
                           "provenance", name)
        out[name] = entry
    return out


_KIND_WORDS = {"string": "a string", "strings": "a list of strings", "number": "a finite number",
               "integer": "a whole number >= 0", "pair": "a pair [low, high] of finite numbers"}


def line_of(text: str, table: str, key: str | None = None) -> int | None:
    """1-based line of ``key`` inside ``[table]`` (or of the header itself), None if absent.

    tomllib reports no positions, so the source text is scanned: the table header, then the
    first ``key =`` line before the next header.
    """
    lines = text.splitlines()

    def name(n: str) -> str:  # a bare, "double-quoted" or 'single-quoted' key
        return r"""(?:%s|"%s"|'%s')""" % ((re.escape(n),) * 3)

    header = re.compile(r"^\s*\[\[?\s*" + name(table) + r"\s*\]\]?\s*(#.*)?$")
    any_header = re.compile(r"^\s*\[")
    start = next((i for i, ln in enumerate(lines) if header.match(ln)), None)
    if start is None:
        # dotted keys at top level (``cluster.replicas = 2``) or an inline table
        # (``cluster = {...}``), before any header
        pats = [re.compile(r"^\s*" + name(table) + r"\s*=")]
        if key is not None:
            pats.insert(0, re.compile(r"^\s*" + name(table) + r"\s*\.\s*" + name(key) + r"\s*="))
        for pat in pats:
            for i, ln in enumerate(lines):
                if any_header.match(ln):
                    break
                if pat.match(ln):
                    return i + 1
        return None
    if key is None:
        return start + 1
    pat = re.compile(r"^\s*" + name(key) + r"\s*=")
    for i in range(start + 1, len(lines)):
        if any_header.match(lines[i]):
            break
        if pat.match(lines[i]):
            return i + 1
    return start + 1


def _failer(source: str, text: str):
    """``fail(msg, table, key)``: the ScenarioError at the key's line of the file."""
    def fail(msg: str, table: str, key: str | None = None) -> ScenarioError:
        line = line_of(text, table, key) if text else None
        if line is None and text:
            line = 1  # the table is absent: point at the file's start
            msg += f" (the file has no [{table}] table)"
        return ScenarioError(msg, source=source, line=line,
                             key=f"{table}.{key}" if key else table)

    return fail


def _check_rules(values, fail, *, touching: set[str] | None = None) -> None:
    """The cross-key rules (each declared once beside its parameters); ``touching``: only
    those involving one of these ``table.key`` s."""
    for rule, names in rules():
        if touching is not None and not touching & set(names.values()):
            continue
        pairs = {k: names[k].partition(".") for k in rule.keys}
        try:
            rule.check({k: values[t][key] for k, (t, _, key) in pairs.items()}, names=names)
        except ValueError as exc:
            # at the line of the key the message names first (else the rule's first key)
            where = {k: re.search(rf"`{re.escape(names[k])}[`\[.]", str(exc)) for k in rule.keys}
            found = {k: m.start() for k, m in where.items() if m}
            first = min(found, key=found.__getitem__) if found else rule.keys[0]
            t, _, key = pairs[first]
            raise fail(str(exc), t, key) from None


def _check_region(values, fail) -> None:
    """A data rule (not a declaration): the price region has a price book. Whether the
    region sells the configured class is for the bill to report, with the nearest classes
    it does."""
    reg = values["regions"]
    pb_region = values["pricing"]["region"] or reg["primary"]
    table, key = ("pricing", "region") if values["pricing"]["region"] else ("regions", "primary")
    try:
        check_name(f"{table}.{key}", pb_region, pricing.known_regions(),
                   what="the regions of the price book")
    except ValueError as exc:
        raise fail(str(exc), table, key) from None


def _validate(raw: dict, *, source: str, text: str) -> Scenario:
    fail = _failer(source, text)
    table_keys = spec()
    raw = dict(raw)
    uncertainty = _check_uncertainty(raw.pop("uncertainty", {}), fail)
    provenance = _check_provenance(raw.pop("provenance", {}), fail)
    for table in raw:
        if table not in table_keys:
            raise fail(f"unknown table [{table}] (known: "
                       f"{', '.join('[' + t + ']' for t in table_keys)})", table)
        if not isinstance(raw[table], dict):
            raise fail(f"`{table}` must be a table [{table}], got {type(raw[table]).__name__}",
                       table)
    values: dict[str, dict[str, Any]] = {}
    given: set[str] = set()
    for table, keys in table_keys.items():
        have = raw.get(table, {})
        for key in have:
            if key not in keys:
                near = difflib.get_close_matches(key, list(keys), n=1)
                hint = f"did you mean `{table}.{near[0]}`? " if near else ""
                raise fail(f"unknown key `{table}.{key}` ({hint}known keys of [{table}]: "
                           f"{', '.join(keys)})", table, key)
        values[table] = {}
        for key, p in keys.items():
            if key in have:
                try:
                    values[table][key] = p.check(have[key], name=f"{table}.{key}")
                except (TypeError, ValueError) as exc:
                    raise fail(str(exc), table, key) from None
                given.add(f"{table}.{key}")
    # Every given value is checked before a missing key is reported (the first error a user
    # sees is about what they wrote).
    for table, keys in table_keys.items():
        for key, p in keys.items():
            if key in values[table]:
                continue
            if p.default is None and not p.nullable:
                raise fail(f"missing required key `{table}.{key}`", table)
            values[table][key] = p.default
    for name in provenance:
        if name not in given:
            raise fail(f"`provenance.{name}` describes a key the file does not set (set "
                       f"`{name}` or drop its provenance)", "provenance", name)
    _check_rules(values, fail)
    _check_region(values, fail)
    return Scenario(values=values, source=source, text=text, given=frozenset(given),
                    uncertainty=uncertainty, provenance=provenance)


#: The largest scenario file (characters of text): a scenario is a page of keys, and every
#: string in it is repeated on output lines.
MAX_TEXT_CHARS = 1 << 20
#: The deepest nesting of arrays and inline tables (tomllib recurses once per level; the
#: deepest the format uses is a list of inline tables in an array, 3).
MAX_NESTING = 32


def _check_size_and_nesting(text: str, source: str) -> None:
    """Refuse a text too large or nested too deep, before the TOML parser sees it.

    The scan skips strings (basic, literal and multi-line) and comments; ``[``/``{`` open a
    level and ``]``/``}`` close one (table headers are level 1 or 2 and close on their line).
    """
    if len(text) > MAX_TEXT_CHARS:
        raise ScenarioError(f"the scenario text must be at most {MAX_TEXT_CHARS:,} characters, "
                            f"got {len(text):,} (a scenario is a page of keys)", source=source)
    depth, line, i, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            quote = c * 3 if triple else c
            j = i + len(quote)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if text[j] == "\n":
                    if not triple:
                        break  # an unterminated string: the parser reports it
                    line += 1
                j += 1
            i = j + len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise ScenarioError(f"arrays and inline tables must nest at most {MAX_NESTING} "
                                    f"deep, got {MAX_NESTING + 1} levels here", source=source, line=line)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1


def loads(text: str, *, source: str = "<string>", base_dir: str | Path | None = None) -> Scenario:
    """Parse and validate scenario TOML text.

    Parameters
    ----------
    text : str
        The TOML text (a leading byte-order mark is dropped).
    source : str
        Where it came from, for the messages (a path, or ``"<string>"``).
    base_dir : str or Path, optional
        The folder that the file's relative paths (``pricing.offer_file``,
        ``workload.demand_file``) are relative to: the scenario file's own (:func:`load` passes
        it); None leaves them relative to the working directory.

    Returns
    -------
    Scenario
        The validated scenario, defaults filled in.

    Raises
    ------
    ScenarioError
        Malformed TOML, an unknown table or key, a missing required key, a value of the wrong
        type or out of range; the message names the file, the line and the key.

    Examples
    --------
    >>> s = loads('[cluster]\\ncapacity = "provisioned"\\nreplicas = 1\\nvolume_gib = 100\\n'
    ...           '[regions]\\nprimary = "eu-west-1"\\n'
    ...           '[workload]\\nwrites_per_s = 10\\nreads_per_s = 100\\n')
    >>> s["regions"]["primary"], s.is_set("cluster.replicas"), s.is_set("cluster.storage")
    ('eu-west-1', True, False)
    """
    # A byte-order mark (Windows editors add one) is not part of the TOML text.
    text = text.removeprefix("\ufeff")
    _check_size_and_nesting(text, source)
    try:
        raw = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or an integer beyond int's digit limit
        if not isinstance(exc, tomllib.TOMLDecodeError):
            raise ScenarioError(f"malformed TOML: {str(exc).splitlines()[0]}",
                                source=source) from None
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            line = int(m.group(1))
            bad = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
            k = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*=", bad)
            what = f" in `{k.group(1)}`" if k else ""
            raise ScenarioError(f"malformed TOML{what}: {msg[:m.start()].strip()} "
                                f"(column {m.group(2)})", source=source, line=line) from None
        raise ScenarioError(f"malformed TOML: {msg}", source=source) from None
    scenario = _validate(raw, source=source, text=text)
    if base_dir is None:
        return scenario
    values = {t: dict(kv) for t, kv in scenario.values.items()}
    for name in FILE_KEYS:
        table, _, key = name.partition(".")
        v = values[table][key]
        if v is not None and not Path(v).is_absolute():
            values[table][key] = str(Path(base_dir) / v)
    return dataclasses.replace(scenario, values=values)


#: The keys that name a file: a relative path in a scenario file is relative to that file.
FILE_KEYS = ("pricing.offer_file", "workload.demand_file")


def default_path():
    """The bundled leaderboard scenario (a file inside the installed package).

    Returns
    -------
    importlib.resources.abc.Traversable
        The file ``aurora_models/scenarios/leaderboard.toml``.

    Examples
    --------
    >>> default_path().name
    'leaderboard.toml'
    """
    return resources.files("aurora_models").joinpath("scenarios", "leaderboard.toml")


def template_text() -> str:
    """The commented template written by ``aurora-models scenario init`` (the bundled file).

    Returns
    -------
    str
        The text of :func:`default_path`.

    Examples
    --------
    >>> "[cluster]" in template_text()
    True
    """
    return default_path().read_text(encoding="utf-8")


def load(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario file (default: the bundled leaderboard scenario).

    Parameters
    ----------
    path : str or Path, optional
        The TOML file (at most a few MB).

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    FileNotFoundError
        When ``path`` is no file.
    ScenarioError
        As for :func:`loads`.

    Examples
    --------
    >>> s = load()
    >>> s.name, s["regions"]["primary"]
    ('Gaming leaderboard', 'us-east-1')
    """
    if path is None:
        return loads(template_text(), source="leaderboard.toml")
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"scenario file not found: {p}")
    size = p.stat().st_size
    if size > 4 * MAX_TEXT_CHARS:  # UTF-8: at most 4 bytes a character; not read at all
        raise ScenarioError(f"the scenario file must be at most {MAX_TEXT_CHARS:,} characters, "
                            f"got {size:,} bytes (a scenario is a page of keys)", source=str(p))
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason})", source=str(p)) from None
    return loads(text, source=str(p), base_dir=p.parent)
