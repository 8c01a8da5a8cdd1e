"""Every public docstring is a valid numpydoc docstring that documents what it should (issue 25).

The public objects are those of ``tests/public_api.py`` (the list the API reference publishes).
Four checks, each failing with the list of every object and what is wrong with it:

- numpydoc's own validation (``numpydoc.validate.validate``), restricted to :data:`CHECKS`;
- parameters named for a physical quantity (``_s``, ``_gib``, ``_usd``, ``_per_year``, ...: the
  naming rules of DESIGN.md and ``aurora_models/units.py``) state their unit;
- every closed form ``X`` and its Monte Carlo sibling ``simulate_X`` name each other in See Also;
- the docstring is valid reStructuredText, and its ``:func:``/``:class:``/... roles name objects
  that exist (the API reference is built with warnings as errors).
"""

from __future__ import annotations

import importlib
import inspect
import io
import re
import sys

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")
docscrape = pytest.importorskip("numpydoc.docscrape")
docutils_core = pytest.importorskip("docutils.core")
from docutils import nodes  # noqa: E402
from docutils.parsers.rst import roles  # noqa: E402
from public_api import public_objects, sibling_pairs  # noqa: E402

#: The numpydoc checks every public docstring passes. Left out, and why:
#:
#: - ES01 (an extended summary): a one-line summary says all there is to say of many small
#:   functions and properties; requiring a second paragraph would produce filler.
#: - SA01 (a See Also section): only meaningful between related objects; the one relation the
#:   package promises (closed form and Monte Carlo sibling) is checked by
#:   :func:`test_siblings_name_each_other_in_see_also`, and a See Also on every property would be
#:   filler.
#: - GL02 (closing quotes on a line of their own): layout of the source, invisible in the rendered
#:   page and in ``help()``; the codebase closes some docstrings on their last line of text.
#: - EX01 (an Examples section) is checked for public functions and classes only (below): a
#:   method's or property's example is its class's example.
CHECKS = frozenset({
    "GL01", "GL03", "GL05", "GL06", "GL07", "GL08", "GL09", "GL10",
    "SS01", "SS02", "SS03", "SS04", "SS05", "SS06",
    "PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "PR07", "PR08", "PR09", "PR10",
    "RT01", "RT02", "RT03", "RT04", "RT05",
    "YD01",
    "SA02", "SA03", "SA04",
})

OBJECTS = public_objects()


def _is_function_or_class(qualname: str, obj) -> bool:
    """A module-level function or a class (``EX01`` applies): not a method or a property."""
    if inspect.isclass(obj):
        return True
    return inspect.isfunction(obj) and "." not in obj.__qualname__


def numpydoc_errors(qualname: str, obj) -> list[str]:
    """``"CODE message"`` for each of the :data:`CHECKS` (and EX01) the docstring fails."""
    result = numpydoc_validate.validate(qualname)
    codes = set(CHECKS)
    if _is_function_or_class(qualname, obj):
        codes.add("EX01")
    return [f"{code} {msg}" for code, msg in result["errors"] if code in codes]


def _report(failures: dict[str, list[str]]) -> str:
    lines = [f"{len(failures)} public objects fail:"]
    for qualname, errors in sorted(failures.items()):
        lines.append(f"  {qualname}")
        lines.extend(f"      {e}" for e in errors)
    return "\n".join(lines)


def test_public_docstrings_pass_numpydoc_validation():
    failures = {}
    for qualname, obj in OBJECTS:
        errors = numpydoc_errors(qualname, obj)
        if errors:
            failures[qualname] = errors
    assert not failures, _report(failures)


# --- units ---------------------------------------------------------------------------------

#: A name part that makes a parameter a physical quantity, and how its unit may be written in the
#: parameter's type or description (case-insensitive, whole words). Parts are the ``_``-separated
#: words of the name after its first: ``az_outage_rate_per_year`` has ``year``,
#: ``lag_growth_s_per_s`` has ``s``; a one-word name (``s``, ``days``) has none.
UNIT_WORDS: dict[str, str] = {
    "s": r"seconds?|s",
    "ms": r"milliseconds?|ms",
    "us": r"microseconds?|µs|us",
    "minutes": r"minutes?|min",
    "hours": r"hours?|h",
    "hour": r"hours?|h",
    "day": r"days?",
    "days": r"days?",
    "month": r"months?",
    "months": r"months?",
    "year": r"years?|annual",
    "gib": r"GiB",
    "gb": r"GB",
    "gbps": r"Gbit/s|Gbps",
    "gbit": r"Gbit(?:/s)?",
    "bytes": r"bytes?",
    "usd": r"USD|\$|dollars?",
    "acu": r"ACUs?",
    "millions": r"millions?",
}


def unit_errors(qualname: str, obj) -> list[str]:
    """Parameters whose name carries a unit and whose docstring entry does not state it."""
    target = obj.fget if isinstance(obj, property) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    doc = docscrape.NumpyDocString(inspect.getdoc(obj) or "")
    documented = {}
    for p in doc["Parameters"]:
        for name in p.name.split(","):
            documented[name.strip().lstrip("*")] = f"{p.type} {' '.join(p.desc)}"
    errors = []
    for name in signature.parameters:
        text = documented.get(name)
        if text is None:
            continue  # an undocumented parameter is numpydoc's PR01
        for part in name.split("_")[1:]:  # a suffix or infix: ``s`` alone is a series
            pattern = UNIT_WORDS.get(part)
            if pattern and not re.search(rf"(?<![\w'’])(?:{pattern})(?!\w)", text, re.I):
                errors.append(f"`{name}` does not state its unit ({part!r}: one of "
                              f"{pattern.replace('|', ', ')})")
    return errors


def test_quantities_state_their_units():
    failures = {q: e for q, o in OBJECTS if inspect.isroutine(o) or inspect.isclass(o)
                if (e := unit_errors(q, o))}
    assert not failures, _report(failures)


def test_the_unit_check_fails_on_a_missing_unit():
    def f(delay_s, cost_usd, rate_per_year, n):
        """Toy.

        Parameters
        ----------
        delay_s : float
            Delay, in seconds.
        cost_usd : float
            Cost of the thing.
        rate_per_year : float
            Events a year (annual rate).
        n : int
            A count.
        """

    errors = unit_errors("f", f)
    assert len(errors) == 1 and errors[0].startswith("`cost_usd` does not state its unit")


# --- See Also between siblings ---------------------------------------------------------------

def see_also_names(obj) -> set[str]:
    """The last dotted component of every name in the See Also section of ``obj``."""
    doc = docscrape.NumpyDocString(inspect.getdoc(obj) or "")
    return {name.lstrip("~").split(".")[-1] for names, _ in doc["See Also"] for name, _ in names}


def test_siblings_name_each_other_in_see_also():
    pairs = sibling_pairs()
    assert pairs, "no closed form / simulate_ pair found: the pair discovery is broken"
    missing = {}
    for family, name in pairs:
        module = importlib.import_module(f"aurora_models.{family}")
        for a, b in ((name, "simulate_" + name), ("simulate_" + name, name)):
            if b not in see_also_names(getattr(module, a)):
                missing.setdefault(f"aurora_models.{family}.{a}", []).append(
                    f"See Also does not list `{b}`")
    assert not missing, _report(missing)


# --- reStructuredText and cross-references ---------------------------------------------------

ROLES = ("func", "class", "meth", "mod", "data", "attr", "exc", "obj")
for _role in (*ROLES, "math", "ref", "doc"):
    roles.register_generic_role(_role, nodes.literal)

_ROLE = re.compile(r":(" + "|".join(ROLES) + r"):`([^`]+)`")


def _resolve(path: str):
    """The object at a dotted path (the longest importable module prefix, then attributes).
    A dataclass field without a default (not a class attribute) counts as found. Only the
    package and modules already imported are looked in."""
    parts = path.split(".")
    if parts[0] != "aurora_models" and parts[0] not in sys.modules:
        return None  # never import a top-level module a docstring happens to name
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            fields = getattr(obj, "__dataclass_fields__", {})
            if hasattr(obj, attr):
                obj = getattr(obj, attr)
            elif attr in fields:
                obj = fields[attr]
            else:
                return None
        return obj
    return None


def reference_errors(qualname: str, obj) -> list[str]:
    """Roles whose target is no object: tried as written, then (as Sphinx does when it documents
    ``qualname``) relative to the class (for a class, itself), its module, then the package."""
    doc = inspect.getdoc(obj) or ""
    parts = qualname.split(".")
    # a class's own docstring is read in its scope (Sphinx sets the current class)
    scopes = [".".join(parts[:i]) for i in range(len(parts) - (0 if inspect.isclass(obj) else 1),
                                                 0, -1)]
    errors = []
    for role, text in _ROLE.findall(doc):
        target = re.sub(r"^.*<(.+)>$", r"\1", text).lstrip("~!.").removesuffix("()")
        if not any(_resolve(f"{scope}.{target}" if scope else target) is not None
                   for scope in ("", *scopes)):
            errors.append(f":{role}:`{text}` names no object")
    return errors


def rst_errors(obj) -> list[str]:
    """docutils' warnings and errors on the docstring (unbalanced backticks, broken lists...)."""
    stream = io.StringIO()
    # ``*args`` and ``**kwargs`` as parameter names: numpydoc escapes them, docutils would read
    # the stars as emphasis
    doc = re.sub(r"(?m)^(\s*)(\*\*?)(?=\w)", lambda m: m[1] + m[2].replace("*", "\\*"),
                 inspect.getdoc(obj) or "")
    docutils_core.publish_doctree(doc, settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": stream})
    return [line.replace("<string>:", "line ") for line in stream.getvalue().splitlines()
            if line.startswith("<string>:")]


def test_docstrings_are_valid_rst_with_resolvable_roles():
    failures = {q: e for q, o in OBJECTS if (e := rst_errors(o) + reference_errors(q, o))}
    assert not failures, _report(failures)


def test_the_rst_checks_fail_on_broken_markup():
    def f():
        """Toy with ``an unclosed literal and :func:`no_such_function_anywhere`.

        See :class:`aurora_models.results.Estimate` and :func:`sweep`.
        """

    assert any("end-string" in e for e in rst_errors(f))
    assert reference_errors("aurora_models.f", f) == [
        ":func:`no_such_function_anywhere` names no object"]


def _toy_closed_form(delay_s, n=1):
    """toy: no period, no parameters, no returns, no examples

    See Also
    --------
    aurora_models.quorum.simulate_event_probability : A sibling.
    """
    return delay_s * n


def test_the_numpydoc_and_see_also_checks_fail_on_a_bad_docstring():
    codes = {e.split()[0] for e in numpydoc_errors(f"{__name__}._toy_closed_form",
                                                   _toy_closed_form)}
    assert {"SS02", "SS03", "PR01", "RT01", "EX01"} <= codes
    assert see_also_names(_toy_closed_form) == {"simulate_event_probability"}
