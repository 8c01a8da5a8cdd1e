"""The assumptions registry: every model default is declared once, here or in its module.

A model module declares each default with :func:`register` at import time and uses the returned
value as its default, so the number in the code and the number in the registry cannot drift::

    COPY_AFR = register("quorum.copy_afr", 0.0157, "1/year",
                        source="Backblaze Drive Stats 2024 fleet AFR (data/failures/...)")

Exactly one of ``source`` (a citation), ``fitted`` (what the value was fitted to) or
``rationale`` (why we assume it; the entry is then marked ``assumption``) must be given.
Parameters declared on a model's dataclass (:func:`aurora_models._params.param`) register here
through :func:`register_param`, with their allowed range and scenario key. :func:`aurora_models._registry.assumptions`
returns the whole registry as a DataFrame, so a notebook or the CLI can show what an estimate
rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, overload

__all__ = ["USER_INPUT", "Assumption", "centred", "register", "register_param", "scaled"]


@dataclass(frozen=True, kw_only=True)
class Assumption:
    """One registered default: a cited fact or a stated assumption."""

    name: str
    value: Any
    unit: str
    kind: str  # "cited", "fitted", "assumption" or "user input"
    source: str
    module: str
    range: str = ""
    scenario_key: str = ""
    uncertainty: str = ""


_REGISTRY: dict[str, Assumption] = {}

def register(
    name: str,
    value: Any,
    unit: str,
    *,
    source: str | None = None,
    fitted: str | None = None,
    rationale: str | None = None,
    uncertainty: dict | None = None,
) -> Any:
    """Declare a default and return its value.

    Parameters
    ----------
    name : str
        Dotted name, ``"<module>.<parameter>"``, unique across the package.
    value : object
        The default (a number, or a small tuple).
    unit : str
        Its unit (``"s"``, ``"1/year"``, ``"USD/ACU-hour"``, ``"-"`` for dimensionless).
    source : str, optional
        Citation for a fact: paper and section, AWS page, or data file in ``data/``.
    fitted : str, optional
        What the value was fitted to (a figure used to fit is not also a prediction).
    rationale : str, optional
        One line on why the value is assumed, when no source exists.
    uncertainty : dict, optional
        The spread of an assumption or a fit, as for ``param(..., uncertainty=...)``
        (``{"dist": ..., ..., "rationale": ...}``): listed by :func:`assumptions`; the
        scenario analysis samples only scenario keys, so a registered default's distribution
        documents its spread for the model's own callers (``tests/test_declarations.py``
        checks each is a valid distribution).

    Raises
    ------
    ValueError
        If not exactly one of ``source``/``fitted``/``rationale`` is given, or ``name`` is
        registered again with a different value.
    """
    given = [(k, t) for k, t in (("cited", source), ("fitted", fitted),
                                 ("assumption", rationale)) if t is not None]
    if len(given) != 1:
        raise ValueError(f"assumption {name!r}: give exactly one of `source`, `fitted` or "
                         "`rationale`")
    if "." not in name:
        raise ValueError(f"assumption name must be '<module>.<parameter>', got {name!r}")
    kind, text = given[0]
    if uncertainty is not None:
        if not isinstance(uncertainty, dict) or "dist" not in uncertainty \
                or "rationale" not in uncertainty:
            raise ValueError(f"assumption {name!r}: `uncertainty` must be a dict with 'dist' and "
                             f"'rationale', got {uncertainty!r}")
        uncertainty = centred(dict(uncertainty), value)
        REGISTERED_UNCERTAINTY[name] = dict(uncertainty)
    _add(Assumption(name=name, value=value, unit=unit, kind=kind, source=text,
                    module=name.split(".", 1)[0], uncertainty=_describe(uncertainty)))
    return value


#: The distributions of registered defaults (``register(..., uncertainty=...)``), by name.
REGISTERED_UNCERTAINTY: dict[str, dict] = {}


#: The ``kind`` of a user input (the scenario file's own figure) listed for its distribution.
USER_INPUT = "user input"


def register_param(p) -> None:
    """Register a declared parameter (:class:`aurora_models._params.Param`).

    A user input (``param(..., user_input=True)``) is registered only when it declares an
    ``uncertainty``: kind ``user input``, its default the value used when the scenario file
    does not set it, and its distribution the spread the sensitivity analysis samples (moved to
    the file's value where the file sets one: :func:`aurora_models.sensitivity.distributions`).
    """
    kind, source = p.kind, p.source
    if kind == "input":
        kind = USER_INPUT
        where = f"scenario key {p.scenario}" if p.scenario else "a model argument"
        source = (f"the user's figure ({where}): {p.doc}; default and distribution apply "
                  f"where the file gives none" if p.doc else
                  f"the user's figure ({where}); default and distribution apply where the "
                  f"file gives none")
    _add(Assumption(name=p.qualname, value=p.default, unit=p.unit, kind=kind, source=source,
                    module=p.family, range=p.rule(), scenario_key=p.scenario or "",
                    uncertainty=_describe(p.uncertainty)))


def _median(spec: dict) -> float:
    """The median of a distribution spec (closed forms; the declarations layer has no scipy)."""
    import math

    d = spec["dist"]
    if d == "uniform":
        return 0.5 * (spec["low"] + spec["high"])
    if d == "loguniform":
        return math.sqrt(spec["low"] * spec["high"])
    if d == "lognormal":
        return math.sqrt(spec["p5"] * spec["p95"])
    if d == "normal":
        return float(spec["mean"])
    if d == "triangular":
        a, c, b = spec["low"], spec["mode"], spec["high"]
        if c >= (a + b) / 2:
            return a + math.sqrt((b - a) * (c - a) / 2)
        return b - math.sqrt((b - a) * (b - c) / 2)
    if d == "samples":
        import statistics

        return float(statistics.median(spec["values"]))
    raise ValueError(f"unknown distribution {d!r}")


#: The spec keys that are locations (scaled when a distribution is centred).
_LOCATIONS = ("low", "mode", "high", "p5", "p95", "mean", "sd")


def scaled(spec: dict, factor: float) -> dict:
    """``spec`` with every location (low, mode, high, p5, p95, mean, sd, the samples) times
    ``factor``: the same relative spread about a moved centre."""
    out = dict(spec)
    for k in _LOCATIONS:
        if k in out and isinstance(out[k], int | float):
            out[k] = out[k] * factor
    if "values" in out:
        out["values"] = tuple(v * factor for v in out["values"])
    return out


@overload
def centred(spec: dict, default: Any) -> dict: ...
@overload
def centred(spec: None, default: Any) -> None: ...
def centred(spec: dict | None, default: Any) -> dict | None:
    """``spec`` moved so that its median is ``default``, its relative spread kept: every
    location (low, mode, high, p5, p95, mean, sd, or the samples) times ``default / median``.

    A declared distribution says how far the truth may lie from the default, so the point
    estimate and the median of its assumption interval agree. A default that is unset, zero or
    negative has no such scale: the spec is kept (a zero default at a physical bound, "none on
    record", is a one-sided assumption whose distribution says how far above it the truth may
    be)."""
    if not spec or not isinstance(default, int | float) or isinstance(default, bool) \
            or not default > 0:
        return spec
    import math

    m = _median(spec)
    if not (m > 0 and math.isfinite(m)) or abs(m - default) <= 1e-12 * default:
        return spec
    f = default / m
    out = scaled(spec, f)
    note = f"centred on the default {default:g} (the declared spread x {f:.3g})"
    out["rationale"] = f"{out['rationale']}; {note}" if out.get("rationale") else note
    return out


def _describe(u) -> str:
    if not u:
        return ""
    args = ", ".join(f"{k}={v:g}" for k, v in u.items() if isinstance(v, int | float))
    return f"{u['dist']}({args})" + (f": {u['rationale']}" if u.get("rationale") else "")


def _add(entry: Assumption) -> None:
    name = entry.name
    old = _REGISTRY.get(name)
    if old is not None and old != entry:
        raise ValueError(f"assumption {name!r} is already registered with value {old.value!r}")
    _REGISTRY[name] = entry
