"""Derived views of the scenario format: its JSON Schema, the keys table and the JSON-output
table of the docs.

The keys come from the parameter declarations (:func:`aurora_models._registry.scenario_params`),
the JSON-output table from the registered sections' manifests (``Section.json``), so the
committed ``docs/scenario.schema.json`` and the generated sections of
``docs/scenario_format.md`` can be regenerated (``aurora-models scenario schema``,
``aurora-models scenario docs``) and a test fails when either is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._distributions import DISTRIBUTIONS, make
from .._registry import sections
from ._estimate import (
    ASSUMPTION_UNCERTAINTY_JSON,
    ASSUMPTIONS_JSON,
    NOTES_JSON,
    SCENARIO_JSON,
    SCHEMA_HISTORY,
    SCHEMA_VERSION,
)
from ._spec import _PROVENANCE_KIND, PROVENANCE_FIELDS, rules, spec, uncertain_keys

__all__ = ["DOC_BEGIN", "DOC_END", "JSON_BEGIN", "JSON_END", "json_markdown", "json_schema",
           "keys_markdown", "update_docs"]

DOC_BEGIN = "<!-- BEGIN keys: generated from the declarations by `aurora-models scenario docs` -->"
DOC_END = "<!-- END keys -->"
JSON_BEGIN = ("<!-- BEGIN json: generated from the sections' manifests by "
              "`aurora-models scenario docs` -->")
JSON_END = "<!-- END json -->"
SCHEMA_ID = "https://aurora-models.invalid/scenario.schema.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, as TOML parses it.

    Editors with TOML schema support (Taplo, Even Better TOML) complete and check keys with
    it: add ``#:schema ./scenario.schema.json`` at the top of a scenario file.

    Returns
    -------
    dict
        The schema: one object per table, its keys' types, ranges and defaults.

    Examples
    --------
    >>> from aurora_models import scenario
    >>> s = scenario.json_schema()
    >>> s["$schema"], "cluster" in s["properties"]
    ('https://json-schema.org/draft/2020-12/schema', True)
    """
    tables = {}
    required_tables = []
    for table, keys in spec().items():
        props = {key: p.json_schema() for key, p in keys.items()}
        required = [k for k, p in keys.items() if p.default is None and not p.nullable]
        tables[table] = {"type": "object", "additionalProperties": False,
                         "properties": props, **({"required": required} if required else {})}
        if required:
            required_tables.append(table)
    tables["uncertainty"] = _uncertainty_schema()
    tables["provenance"] = _provenance_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "aurora-models scenario",
            "description": "A scenario file of `aurora-models estimate` (docs/scenario_format.md). "
                           "Cross-key rules: " + "; ".join(_rule_text(r, n) for r, n in rules()),
            "type": "object", "additionalProperties": False, "properties": tables,
            "required": required_tables}


def _uncertainty_schema() -> dict[str, Any]:
    """``[uncertainty]``: ``"table.key" = { dist = ..., ... }`` for any numeric scenario key."""
    variants = []
    for dist, need in DISTRIBUTIONS.items():
        props: dict[str, Any] = {"dist": {"const": dist}, "rationale": {"type": "string"}}
        for k in need:
            props[k] = ({"type": "array", "items": {"type": "number"}, "minItems": 2}
                        if dist == "samples" else {"type": "number"})
        variants.append({"type": "object", "additionalProperties": False,
                         "properties": props, "required": ["dist", *need]})
    return {"type": "object",
            "description": "uncertainty distributions of scenario keys (sensitivity analysis, "
                           "`estimate --uncertainty`); each overrides the declared one",
            "propertyNames": {"enum": sorted(uncertain_keys())},
            "additionalProperties": {"oneOf": variants}}


_PROVENANCE_JSON: dict[str, dict[str, Any]] = {"string": {"type": "string"},
                    "strings": {"type": "array", "items": {"type": "string"}},
                    "number": {"type": "number"},
                    "integer": {"type": "integer", "minimum": 0},
                    "pair": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                             "maxItems": 2}}


def _provenance_schema() -> dict[str, Any]:
    """``[provenance]``: ``"table.key" = { source = ..., ... }`` for any scenario key."""
    props = {f: {**_PROVENANCE_JSON[_PROVENANCE_KIND.get(f, "string")], "description": doc}
             for f, doc in PROVENANCE_FIELDS.items()}
    return {"type": "object",
            "description": "where each measured value came from (`aurora-models calibrate` "
                           "writes it); each key must be set in the file",
            "propertyNames": {"enum": sorted(f"{t}.{k}" for t, kv in spec().items() for k in kv)},
            "additionalProperties": {"type": "object", "additionalProperties": False,
                                     "properties": props, "required": ["source"]}}


def _provenance_markdown() -> list[str]:
    out = ["### [provenance]", "",
           "`\"table.key\" = { source = \"...\", ... }` for any key the file sets: where a "
           "measured value came from. `aurora-models calibrate` writes one entry per value it "
           "measured; `estimate` reports the entry beside the value (JSON "
           "`assumptions.scenario`, kind `measured`), and a value changed with "
           "`Scenario.replace` loses its entry. Fields (`source` required):", ""]
    out += [f"- `{f}`: {doc}" for f, doc in PROVENANCE_FIELDS.items()]
    return [*out, ""]


def _uncertainty_markdown() -> list[str]:
    out = ["### [uncertainty]", "",
           "`\"table.key\" = { dist = ..., ... }` for any real-valued key above (not an integer key, not a `[scenario]` run setting), truncated to the "
           "key's range; it replaces the declared distribution (listed here) of "
           "`aurora-models sensitivity` and `estimate --uncertainty`. Distributions: "
           + ", ".join(f"`{d}` ({', '.join(k)})" for d, k in DISTRIBUTIONS.items())
           + "; each may carry a `rationale`.", "",
           "| key | declared distribution | rationale |", "| --- | --- | --- |"]
    for name, p in uncertain_keys().items():
        if p.uncertainty:
            d = make(name, p.uncertainty, lower=p.low, upper=p.high)
            out.append(f"| `{name}` | {d.describe()} | {d.rationale} |")
    return [*out, ""]


def _rule_text(rule, names) -> str:
    return f"{rule.name} ({', '.join(names[k] for k in rule.keys)})"


def keys_markdown() -> str:
    """The keys section of ``docs/scenario_format.md``: one table per file table."""
    out = [DOC_BEGIN, ""]
    for table, keys in spec().items():
        out += [f"### [{table}]", "", "| key | allowed | default | unit | kind | meaning |",
                "| --- | --- | --- | --- | --- | --- |"]
        for key, p in keys.items():
            meaning = p.doc.replace("|", "\\|")
            if p.kind != "input":
                meaning += f" ({p.source})".replace("|", "\\|")
            out.append(f"| `{table}.{key}` | {p.rule().replace('|', '/')} | "
                       f"{p.shown_default()} | {p.unit} | {p.kind} | {meaning} |")
        out.append("")
    out += _uncertainty_markdown()
    out += _provenance_markdown()
    out += ["Rules over several keys, each declared once beside its parameters:", ""]
    out += [f"- `{r.name}`: {', '.join('`' + n[k] + '`' for k in r.keys)}" for r, n in rules()]
    out += ["", DOC_END]
    return "\n".join(out)


def json_markdown() -> str:
    """The JSON-output section of ``docs/scenario_format.md``: the document's own parts and
    each registered section's, in the document's order."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    history = "; ".join(f"{v}: {t}" for v, t in SCHEMA_HISTORY)
    out = [JSON_BEGIN, "", f"## JSON output (`--format json`, `estimate.json`), "
           f"`schema_version = \"{SCHEMA_VERSION}\"`", "",
           "A key is added only with a new minor version; a key is renamed or removed only with "
           "a new major version. Non-finite numbers are written as `null`. An *Estimate* object "
           "is `{quantity, value, standard_error, ci_low, ci_high, n_trials, method, unit}` "
           "(95 % interval; exact results have `standard_error = 0`, `n_trials = 0`, `ci_low = "
           "ci_high = value`).", "", "| key | contents |", "| --- | --- |",
           f"| `schema_version` | \"{SCHEMA_VERSION}\" ({cell(history)}) |",
           f"| `scenario` | {cell(SCENARIO_JSON)} |"]
    for sec in sections():
        if not sec.json:
            raise RuntimeError(f"section {sec.name!r} documents no JSON part (Section.json)")
        out.append(f"| `{sec.name}` | {cell(sec.json)} |")
    out += [f"| `assumptions` | {cell(ASSUMPTIONS_JSON)} |", f"| `notes` | {cell(NOTES_JSON)} |",
            f"| `assumption_uncertainty` | {cell(ASSUMPTION_UNCERTAINTY_JSON)} |", "", JSON_END]
    return "\n".join(out)


def update_docs(path: str | Path, *, check: bool = False) -> bool:
    """Rewrite the generated sections (keys, JSON output) of the format doc at ``path``.

    With ``check=True`` nothing is written; returns whether the file is up to date.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = text
    for begin, end_mark, build in ((DOC_BEGIN, DOC_END, keys_markdown),
                                   (JSON_BEGIN, JSON_END, json_markdown)):
        start, end = new.index(begin), new.index(end_mark) + len(end_mark)
        new = new[:start] + build() + new[end:]
    if check:
        return new == text
    path.write_text(new, encoding="utf-8")
    return True


def schema_text() -> str:
    """The committed form of the schema (sorted, indented, newline-terminated)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
