"""One declaration per parameter: name, type, unit, range, default, kind and scenario key.

A model family declares each parameter once, as a field of its frozen parameter dataclass::

    @declared("quorum")
    @dataclass(frozen=True, kw_only=True)
    class FailureModel:
        az_outage_hours: float = param(
            2.0, "hours", low=0, low_open=True, high=24 * 30,
            rationale="the incident data have no durations; 2 h mean",
            scenario="failures.az_outage_hours")

Everything else is derived from that declaration, so a limit is never written twice:

- validation on construction (:func:`declared` runs :meth:`Param.check` on every declared field
  before the class's own ``__post_init__``), and batch validation (:func:`check_batch`);
- the scenario file's keys, types, ranges and defaults
  (:func:`aurora_models._registry.scenario_params`), its JSON Schema
  and ``docs/scenario_format.md`` (``aurora_models.scenario.schema``);
- the assumptions registry (:func:`aurora_models.assumptions`);
- hypothesis strategies in the tests (``tests/strategies.py`` reads :attr:`Param.low` ...).

Rules that involve several parameters (``min_acu <= max_acu``) are :class:`Rule` objects declared
beside the dataclass and checked by it and by the scenario loader alike.

Kinds: ``cited`` (``source=``: paper, AWS page or data file), ``fitted`` (``fitted=``: what the
value was fitted to; a figure used to fit is not also a prediction), ``assumption``
(``rationale=``) and ``input`` (the user's own figure, e.g. writes per second: no default claim).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, SupportsInt, TypeVar, cast, dataclass_transform, overload

import numpy as np

from . import _validate as v
from ._assumptions import centred, register_param
from .exceptions import ParameterTypeError, ParameterValueError

__all__ = ["KINDS", "Param", "Rule", "check_batch", "declared", "like", "param", "params_of"]

KINDS = ("cited", "fitted", "assumption", "input")
TYPES = ("real", "int", "choice", "str", "bool", "custom")

#: The longest string a ``str`` parameter takes (a name, a description, a file path): a text
#: repeated on every output line must not make a run's work scale with its length.
MAX_STR_LEN = 4096

#: Every dataclass decorated with :func:`declared`, in import order.
_DECLARED: list[type] = []

_T = TypeVar("_T")


@dataclass(frozen=True, kw_only=True)
class Param:
    """The single declaration of one parameter.

    ``low``/``high`` bound a ``real`` or ``int`` (``low_open``/``high_open`` make them strict;
    ``allow_inf`` admits +inf as "no limit"); ``step`` requires a whole multiple (0.5 ACU);
    ``choices`` lists a ``choice``'s values; ``nullable`` admits None ("not set").
    ``checker`` validates a ``custom`` value (a list of regions, a table of events).
    ``uncertainty`` is reserved for the distribution the sensitivity analysis samples;
    ``sampled_when(value)``, where given, says whether it is sampled in a scenario (``value``
    reads a ``table.key`` of it): an input that does nothing there (the zero-downtime patching
    inputs of a scenario without it) is not sampled.
    ``registered=False`` keeps the parameter out of the assumptions registry: its default is
    registered under another name (``register(...)`` in its module) or is no claim to list.
    """

    name: str = ""
    family: str = ""
    default: Any
    unit: str = "-"
    type: str = "real"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    allow_inf: bool = False
    step: float | None = None
    choices: tuple | None = None
    nullable: bool = False
    kind: str
    source: str
    scenario: str | None = None
    doc: str = ""
    checker: Callable[[str, Any], Any] | None = None
    rule_text: str = ""  # a custom type's allowed values in words (default: ``doc``)
    json_schema_extra: Mapping[str, Any] | None = None
    uncertainty: Any = None
    sampled_when: Callable[[Callable[[str], Any]], bool] | None = None
    #: False keeps the declaration out of the assumptions registry: a copy of another
    #: declaration (:func:`like`), or a default registered under another name.
    registered: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name!r}: kind must be one of {KINDS}, got "
                             f"{self.kind!r}")
        if self.type not in TYPES:
            raise ValueError(f"parameter {self.name!r}: type must be one of {TYPES}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"parameter {self.name!r}: a choice needs `choices`")
        if self.type == "custom" and self.checker is None:
            raise ValueError(f"parameter {self.name!r}: a custom type needs `checker`")

    @property
    def _choices(self) -> tuple[Any, ...]:
        """A choice's values (``__post_init__`` refused a choice without them)."""
        return self.choices or ()

    @property
    def qualname(self) -> str:
        """``family.name``: the parameter's name in the assumptions registry."""
        return f"{self.family}.{self.name}"

    # ---- the rule in words -------------------------------------------------------------
    def rule(self) -> str:
        """The allowed values in words (``"a number in (0, 720]"``)."""
        if self.type == "choice":
            return "one of " + ", ".join(repr(c) for c in self._choices)
        if self.type in ("str", "bool", "custom"):
            return {"str": f"a string of at most {MAX_STR_LEN} characters",
                    "bool": "true or false"}.get(
                self.type, self.rule_text or self.doc or "see the format")
        what = "an integer" if self.type == "int" else "a number"
        lo = "-inf" if self.low is None else _num(self.low)
        hi = "inf" if self.high is None else _num(self.high)
        if self.high is not None and self.allow_inf:
            hi += " or inf"
        text = (f"{what} in {'(' if self.low_open else '['}{lo}, {hi}"
                f"{')' if self.high_open else ']'}")
        if self.step is not None:
            text += f", a multiple of {_num(self.step)}"
        return text

    # ---- validation ----------------------------------------------------------------------
    def check(self, value: Any, *, name: str | None = None, batch: bool = False) -> Any:
        """Return ``value`` converted to the model's type, or raise naming ``name``.

        With ``batch=True`` a real or integer parameter also accepts a 1-d array (a leading
        batch axis of parameter sets); the error names the first offending index.
        """
        name = name or self.name
        if value is None:
            if self.nullable:
                return None
            raise ParameterTypeError(f"`{name}` must be {self.rule()}, got None")
        if self.type == "custom":
            assert self.checker is not None  # __post_init__: a custom type has one
            return self.checker(name, value)
        if self.type == "bool":
            return v.check_bool(name, value)
        if self.type == "str":
            if not isinstance(value, str):
                raise ParameterTypeError(f"`{name}` must be a string, got {type(value).__name__} "
                                f"{_shown(value)}")
            if len(value) > MAX_STR_LEN:
                raise ParameterValueError(f"`{name}` must be {self.rule()}, got {len(value):,} "
                                          f"characters ({value[:20]!r}...)")
            bad = next((c for c in value if ord(c) < 32 or 127 <= ord(c) < 160), None)
            if bad is not None:  # ANSI escapes and control characters never reach a terminal
                raise ParameterValueError(f"`{name}` must not contain control characters, got "
                                 f"{bad!r} in {value!r}")
            return value
        if self.type == "choice":
            if not isinstance(value, type(self._choices[0])) or isinstance(value, bool):
                raise ParameterTypeError(f"`{name}` must be {self.rule()}, got "
                                f"{type(value).__name__} {value!r}")
            return v.check_choice(name, value, self._choices)
        if batch and isinstance(value, np.ndarray | list | tuple):
            return self._check_array(name, value)
        if self.type == "int":
            return self._check_int(name, value)
        return self._check_real(name, value)

    def _bounds_ok(self, x):
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        above = (x > lo) if self.low_open else (x >= lo)
        below = (x < hi) if self.high_open else (x <= hi)
        if self.allow_inf:
            below = below | (x == math.inf)
        if isinstance(x, np.ndarray):
            return above & below & ~np.isnan(x)
        return bool(above and below) and x == x  # a Python int of any size, or a float

    def _check_real(self, name: str, value: Any) -> float:
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise ParameterTypeError(f"`{name}` must be {self.rule()}, got {type(value).__name__} "
                            f"{value!r}")
        try:
            x = float(value)
        except OverflowError:
            x = -math.inf if value < 0 else math.inf
        if not self._bounds_ok(x) or (math.isinf(x) and not (x > 0 and self.allow_inf)):
            raise ParameterValueError(f"`{name}` must be {self.rule()}, got {_shown(value)}")
        if self.step is not None and math.isfinite(x):
            v.check_multiple_of(name, x, self.step)
        return x

    def _check_int(self, name: str, value: Any) -> int:
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise ParameterTypeError(f"`{name}` must be {self.rule()}, got {type(value).__name__} "
                            f"{value!r}")
        if not isinstance(value, numbers.Integral):
            if not (math.isfinite(value) and float(value).is_integer()):
                raise ParameterValueError(f"`{name}` must be {self.rule()}, got {_shown(value)}")
        n = int(cast(SupportsInt, value))  # a whole Real: int() takes it (typeshed's ABC omits it)
        if not self._bounds_ok(n):
            raise ParameterValueError(f"`{name}` must be {self.rule()}, got {n}")
        return n

    def _check_array(self, name: str, value: Any) -> np.ndarray:
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf" or arr.ndim != 1:
            raise ParameterTypeError(f"`{name}` must be {self.rule()} or a 1-d array of them, got "
                            f"{type(value).__name__} of dtype {arr.dtype} and shape {arr.shape}")
        arr = arr.astype(float)
        bad = ~self._bounds_ok(arr)
        if not self.allow_inf:
            bad |= np.isinf(arr)
        if self.type == "int":
            bad |= np.isfinite(arr) & (arr != np.round(arr))
        if self.step is not None:
            q = arr / self.step
            bad |= np.isfinite(q) & (np.abs(q - np.round(q)) > 1e-9 * np.maximum(1, np.abs(q)))
        if bad.any():
            i = int(np.argmax(bad))
            x = arr[i]
            shown = _shown(int(x) if self.type == "int" and float(x).is_integer() else x)
            raise ParameterValueError(f"`{name}` must be {self.rule()}, got {shown} at index {i}")
        return arr.astype(int) if self.type == "int" else arr

    # ---- derived views ---------------------------------------------------------------------
    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of one value (as a scenario file holds it)."""
        desc = self.doc or self.name
        if self.unit not in ("-", ""):
            desc += f" ({self.unit})"
        desc += f". {self.kind}: {self.source}"
        out: dict[str, Any]
        if self.type in ("real", "int"):
            out = {"type": "integer" if self.type == "int" else "number"}
            if self.low is not None:
                out["exclusiveMinimum" if self.low_open else "minimum"] = self.low
            if self.high is not None and not self.allow_inf:
                out["exclusiveMaximum" if self.high_open else "maximum"] = self.high
            if self.step is not None:
                out["multipleOf"] = self.step
        elif self.type == "choice":
            out = {"enum": list(self._choices)}
        elif self.type == "bool":
            out = {"type": "boolean"}
        else:
            out = {"type": "string"}
            if self.type == "str":
                out["maxLength"] = MAX_STR_LEN
        if self.json_schema_extra:
            # a custom value's own schema replaces the string default (an anyOf of numbers
            # and arrays must not also say "type": "string")
            out = {**({} if self.type == "custom" else out), **self.json_schema_extra}
        if self.nullable is False and _jsonable(self.default):
            out["default"] = self.default
        out["description"] = desc
        return out

    def shown_default(self) -> str:
        """The default as written in a scenario file (or ``required``)."""
        d = self.default
        if d is None:
            return "unset" if self.nullable else "required"
        if isinstance(d, str):
            return repr(d)
        if isinstance(d, float) and math.isinf(d):
            return "inf (none)"
        if isinstance(d, tuple | list):
            return "[]" if not d else repr(list(d))
        return _num(d) if isinstance(d, numbers.Real) and not isinstance(d, bool) else str(d)


def _num(x) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e16:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 10_000 else f"{x:g}"


def _shown(value) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        s = str(int(value))
        return s if len(s) <= 30 else f"{s[:12]}...({len(s)} digits)"
    if isinstance(value, numbers.Real):
        return repr(float(value))
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}...({len(text):,} characters)"


def _jsonable(x) -> bool:
    if isinstance(x, float):
        return math.isfinite(x)
    return isinstance(x, str | int | bool) or (isinstance(x, tuple | list) and len(x) == 0)


# ---- declaring ------------------------------------------------------------------------------
# Typed as the field's default (as typeshed types dataclasses.field), so a type checker reads
# `x: float = param(2.0, ...)` as a float field with a default. A None default (a required
# input, or "not set") is no value of a required field's type: that declaration reads as Any.
@overload
def param(default: None, unit: str = ..., *, source: str | None = ..., fitted: str | None = ...,
          rationale: str | None = ..., user_input: bool = ..., **spec: Any) -> Any: ...
@overload
def param(default: _T, unit: str = ..., *, source: str | None = ..., fitted: str | None = ...,
          rationale: str | None = ..., user_input: bool = ..., **spec: Any) -> _T: ...
def param(default: Any, unit: str = "-", *, source: str | None = None,
          fitted: str | None = None, rationale: str | None = None, user_input: bool = False,
          **spec: Any) -> Any:
    """Declare a dataclass field's parameter (see :class:`Param` for ``spec``'s keywords).

    Exactly one of ``source`` (cited), ``fitted`` (what it was fitted to), ``rationale``
    (assumption) or ``user_input=True`` (the user's own figure; ``spec['doc']`` says what it
    is) gives the kind.
    """
    given = [k for k, x in (("cited", source), ("fitted", fitted), ("assumption", rationale))
             if x is not None]
    if user_input:
        given.append("input")
    if len(given) != 1:
        raise ValueError("give exactly one of `source`, `fitted`, `rationale` or `user_input`")
    kind = given[0]
    text = {"cited": source, "fitted": fitted, "assumption": rationale,
            "input": "the user's figure (scenario file)"}[kind] or ""  # the one given: not None
    if "type" not in spec:
        if "choices" in spec:
            spec["type"] = "choice"
        elif isinstance(default, bool):
            spec["type"] = "bool"
        elif isinstance(default, int) and not isinstance(default, bool):
            spec["type"] = "int"
    if spec.get("uncertainty"):  # its median at the default (the declared relative spread)
        spec["uncertainty"] = centred(dict(spec["uncertainty"]), default)
    p = Param(default=default, unit=unit, kind=kind, source=text, **spec)
    mutable = isinstance(default, list | dict | set)
    if mutable:
        raise ValueError("a declared default must be immutable (use a tuple)")
    return dataclasses.field(default=default, metadata={"param": p})


def like(cls: type, name: str, **changes: Any) -> Any:
    """A field declared as ``cls``'s ``name`` (its type, unit, range, kind and source), for a
    class that takes the same quantity in another role (the bill's :class:`Usage` takes the
    cluster's volume). ``changes`` adjust the copy (an API default where the scenario requires
    the value: ``default=0``); the copy has no scenario key and is not listed again in the
    registry (the original is)."""
    p = dataclasses.replace(params_of(cls)[name], scenario=None, registered=False,
                            name="", family="", **changes)
    return dataclasses.field(default=p.default, metadata={"param": p})


# A type checker reads a decorated class as a frozen keyword-only dataclass (PEP 681). `param`
# and `like` are no field specifiers: typed as their default, they read as a field's default
# value (a field specifier's default must be a keyword argument, `param`'s is positional).
@dataclass_transform(kw_only_default=True, frozen_default=True,
                     field_specifiers=(dataclasses.field, dataclasses.Field))
def declared(family: str) -> Callable[[type[_T]], type[_T]]:
    """Class decorator: name the declared fields, register them, validate on construction.

    Apply above ``@dataclass(frozen=True, kw_only=True)`` (a class that is no dataclass yet is
    made that one). Every declared field is checked (and converted) before the class's own
    ``__post_init__`` runs, which keeps only the rules that are not per-field.
    """

    def wrap(cls_: type[_T]) -> type[_T]:
        if "__dataclass_fields__" not in vars(cls_):  # what a type checker reads it as
            cls_ = dataclass(frozen=True, kw_only=True)(cls_)
        # the attributes set below are no part of a type: the class as a plain object
        cls: Any = cls_

        params: dict[str, Param] = {}
        for f in dataclasses.fields(cls):
            p = f.metadata.get("param")
            if p is None:
                continue
            p = dataclasses.replace(p, name=f.name, family=family)
            params[f.name] = p
            # a user input with a declared spread is listed too (kind "user input")
            if p.registered and (p.kind != "input" or p.uncertainty):
                register_param(p)
        cls.__params__ = params
        own = getattr(cls, "__post_init__", None)
        cls.__own_checks__ = own  # for replaced(): the class's checks beyond the fields

        def __post_init__(self) -> None:
            for name, p in params.items():
                object.__setattr__(self, name, p.check(getattr(self, name)))
            for rule in getattr(cls, "__rules__", ()):
                if all(k in params for k in rule.keys):  # a scenario-level rule names
                    rule.check({k: getattr(self, k) for k in rule.keys})  # table.key instead
            if own is not None:
                own(self)

        if own is not None or hasattr(cls, "__post_init__"):
            cls.__post_init__ = __post_init__  # the generated __init__ calls it
        else:  # the generated __init__ calls no __post_init__: run the checks after it
            init = cls.__init__

            @functools.wraps(init, assigned=("__doc__",), updated=())  # __doc__, __wrapped__
            def __init__(self, *args, **kwargs) -> None:
                init(self, *args, **kwargs)
                __post_init__(self)

            cls.__init__ = __init__
        _DECLARED.append(cls)
        return cls

    return wrap


def params_of(cls_or_obj: Any) -> dict[str, Param]:
    """The declared parameters of a dataclass (or of an instance), by field name."""
    cls: Any = cls_or_obj if isinstance(cls_or_obj, type) else type(cls_or_obj)
    try:
        return dict(cls.__params__)
    except AttributeError:
        raise TypeError(f"{cls.__name__} declares no parameters (not @declared)") from None


@dataclass(frozen=True)
class Rule:
    """A named rule over several parameters, declared once beside them.

    ``test(values)`` gets a mapping of the ``keys`` and returns an error message (naming the
    first key's value) or None. The scenario loader reports it at the first key's line. A key
    may be a dataclass field or, for a rule across the file's tables, a ``table.key``.
    """

    name: str
    keys: tuple[str, ...]
    test: Callable[[Mapping[str, Any]], str | None]
    doc: str = ""

    def check(self, values: Mapping[str, Any], *, names: Mapping[str, str] | None = None) -> None:
        msg = self.test(values)
        if msg is None:
            return
        for k in self.keys:  # public names: `min_acu` in the API, `cluster.min_acu` in a file
            if names and k in names:
                msg = re.sub(rf"`{re.escape(k)}(?=[`\[.])", f"`{names[k]}", msg)
        raise ParameterValueError(msg)


def replaced(obj: _T, **changes: Any) -> _T:
    """``dataclasses.replace(obj, **changes)`` for a declared class, checking only what changed:
    the changed fields, the rules that involve them, and the class's own checks (``obj`` was
    checked when it was built). The same errors as the full replace; the batch forms of the
    scenario sections build one instance per vector with it."""
    cls: Any = type(obj)  # a declared class (its attributes are no part of its type)
    params = cls.__params__
    new = copy.copy(obj)
    for name, value in changes.items():
        if name not in {f.name for f in dataclasses.fields(cls)}:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        p = params.get(name)
        object.__setattr__(new, name, value if p is None else p.check(value))
    for rule in getattr(cls, "__rules__", ()):
        if all(k in params for k in rule.keys) and set(rule.keys) & set(changes):
            rule.check({k: getattr(new, k) for k in rule.keys})
    if cls.__own_checks__ is not None:
        cls.__own_checks__(new)
    return new


def check_batch(cls: type, n: int | None = None, **values: Any) -> dict[str, np.ndarray]:
    """Validate a batch of parameter vectors of ``cls`` (a leading axis of length ``n``).

    Scalars broadcast; every vector must have the same length. Returns float/int arrays of
    length ``n``; an error names the parameter and the first offending index.

    >>> from aurora_models.quorum import FailureModel
    >>> check_batch(FailureModel, az_outage_hours=[1.0, -2.0])
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `az_outage_hours` must be a number in [0.01, 720], got -2.0 at index 1
    """
    params = params_of(cls)
    out: dict[str, np.ndarray] = {}
    for name, value in values.items():
        if name not in params:
            raise ParameterTypeError(f"`{name}` is not a declared parameter of {cls.__name__} "
                            f"(declared: {', '.join(params)})")
        arr = params[name].check(value, batch=True)
        out[name] = np.atleast_1d(np.asarray(arr))
    sizes = {a.size for a in out.values() if a.size != 1}
    if len(sizes) > 1:
        raise ParameterValueError(f"batch vectors of {cls.__name__} must share one length, got "
                         f"{sorted(sizes)}")
    size = n if n is not None else (sizes.pop() if sizes else 1)
    return {k: np.broadcast_to(a, (size,)).copy() if a.size == 1 else a for k, a in out.items()}


def batch_instances(cls: type, **values: Any) -> list:
    """``cls`` built once per row of a validated batch (scalars broadcast)."""
    cols = check_batch(cls, **values)
    size = len(next(iter(cols.values()))) if cols else 1
    return [cls(**{k: a[i].item() for k, a in cols.items()}) for i in range(size)]


def _same(a: Param, b: Param) -> bool:
    fields = ("default", "unit", "type", "low", "high", "low_open", "high_open", "allow_inf",
              "step", "choices", "nullable")
    return all(getattr(a, f) == getattr(b, f) for f in fields)
