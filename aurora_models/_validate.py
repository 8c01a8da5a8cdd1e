"""Input checks shared by every public function: one place for the rules and the messages.

Each check takes the parameter's public name first, returns the value converted to the type the
models use (float, int or float ndarray), and raises with a message of one shape::

    `read_quorum` must be an integer in [1, 6], got 7

``TypeError`` is for a value of the wrong kind (a string where a number belongs), ``ValueError``
for a value of the right kind outside its rule. Array checks name the first offending index, so a
NaN in a year of per-second demand is found without a debugger.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_bool",
    "check_choice",
    "check_finite",
    "check_int_range",
    "check_multiple_of",
    "check_nonnegative",
    "check_positive",
    "check_probability",
    "check_range",
]


def _fmt(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return repr(value)


def _real(name: str, value: Any) -> float | np.ndarray:
    """A real scalar as float, or an array of reals as a float ndarray; TypeError otherwise."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"`{name}` must be a real number, got bool {value!r}")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray | list | tuple):
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"`{name}` must contain real numbers, got dtype {arr.dtype}")
        return arr.astype(float)
    raise TypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r}")


def _first_bad(name: str, arr: np.ndarray, bad: np.ndarray, rule: str) -> None:
    if bad.any():
        idx = np.unravel_index(int(np.argmax(bad)), arr.shape)
        where = idx[0] if len(idx) == 1 else idx
        raise ValueError(f"`{name}` must be {rule}, got {_fmt(arr[idx])} at index {where}")


def _check(name: str, value: Any, ok, rule: str) -> float | np.ndarray:
    x = _real(name, value)
    if isinstance(x, np.ndarray):
        with np.errstate(invalid="ignore"):
            _first_bad(name, x, ~ok(x), rule)
        return x
    if not ok(x):
        raise ValueError(f"`{name}` must be {rule}, got {_fmt(value)}")
    return x


def check_finite(name: str, value: Any) -> float | np.ndarray:
    """Return ``value`` as float (or float array) after checking it is finite.

    >>> check_finite("x", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: `x` must be finite, got nan
    """
    return _check(name, value, np.isfinite, "finite")


def check_positive(
    name: str, value: Any, *, allow_zero: bool = False, allow_inf: bool = False
) -> float | np.ndarray:
    """Return ``value`` after checking it is > 0 (>= 0 with ``allow_zero``) and finite.

    >>> check_positive("rate_per_year", -1)
    Traceback (most recent call last):
    ...
    ValueError: `rate_per_year` must be positive, got -1
    """
    rule = "non-negative" if allow_zero else "positive"
    if not allow_inf:
        rule += " and finite"

    def ok(x):
        good = (x >= 0) if allow_zero else (x > 0)
        return good & (np.isfinite(x) | allow_inf) & ~np.isnan(x)

    try:
        return _check(name, value, ok, rule)
    except ValueError as exc:
        # Keep the short form for the common case (a negative or zero value).
        x = _real(name, value)
        if not isinstance(x, np.ndarray) and not math.isnan(x) and math.isfinite(x):
            raise ValueError(f"`{name}` must be {rule.split(' and')[0]}, got {_fmt(value)}") from None
        raise exc from None


def check_nonnegative(name: str, value: Any, *, allow_inf: bool = False) -> float | np.ndarray:
    """Return ``value`` after checking it is >= 0 and finite (``allow_inf`` admits +inf)."""
    return check_positive(name, value, allow_zero=True, allow_inf=allow_inf)


def check_probability(name: str, value: Any) -> float | np.ndarray:
    """Return ``value`` after checking it lies in [0, 1].

    >>> check_probability("p_copy", 1.5)
    Traceback (most recent call last):
    ...
    ValueError: `p_copy` must be a probability in [0, 1], got 1.5
    """
    return _check(name, value, lambda x: (x >= 0) & (x <= 1), "a probability in [0, 1]")


def check_range(
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float | np.ndarray:
    """Return ``value`` after checking ``low <= value <= high`` (bounds inclusive or not).

    >>> check_range("rpo_s", 5, 20, math.inf)
    Traceback (most recent call last):
    ...
    ValueError: `rpo_s` must be in [20, inf], got 5
    """
    lo_b, hi_b = ("[" if low_inclusive else "("), ("]" if high_inclusive else ")")
    rule = f"in {lo_b}{_fmt_bound(low)}, {_fmt_bound(high)}{hi_b}"

    def ok(x):
        above = (x >= low) if low_inclusive else (x > low)
        below = (x <= high) if high_inclusive else (x < high)
        return above & below

    return _check(name, value, ok, rule)


def _fmt_bound(b: float) -> str:
    return f"{b:g}" if isinstance(b, float) else str(b)


def check_int_range(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as int after checking it is an integer in ``[low, high]``.

    >>> check_int_range("read_quorum", 7, 1, 6)
    Traceback (most recent call last):
    ...
    ValueError: `read_quorum` must be an integer in [1, 6], got 7
    """
    lo = "-inf" if low is None else str(low)
    hi = "inf" if high is None else str(high)
    rule = f"an integer in [{lo}, {hi}]"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be {rule}, got {type(value).__name__} {value!r}")
    if not isinstance(value, numbers.Integral):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise ValueError(f"`{name}` must be {rule}, got {_fmt(value)}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ValueError(f"`{name}` must be {rule}, got {v}")
    return v


def check_multiple_of(name: str, value: Any, step: float, *, rel_tol: float = 1e-9) -> float:
    """Return ``value`` after checking it is a whole multiple of ``step`` (e.g. 0.5 ACU).

    >>> check_multiple_of("min_acu", 0.7, 0.5)
    Traceback (most recent call last):
    ...
    ValueError: `min_acu` must be a multiple of 0.5, got 0.7
    """
    x = check_finite(name, value)
    q = x / step
    if abs(q - round(q)) > rel_tol * max(1.0, abs(q)):
        raise ValueError(f"`{name}` must be a multiple of {step:g}, got {_fmt(x)}")
    return x


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` after checking it is one of ``choices``.

    >>> check_choice("method", "brute", ["naive", "importance"])
    Traceback (most recent call last):
    ...
    ValueError: `method` must be one of 'naive', 'importance', got 'brute'
    """
    options = list(choices)
    try:
        if value in options:
            return value
    except TypeError:  # unhashable or incomparable value
        pass
    listed = ", ".join(repr(c) for c in options)
    raise ValueError(f"`{name}` must be one of {listed}, got {value!r}")


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` after checking it is a bool (not merely truthy)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"`{name}` must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_array(
    name: str,
    values: Any,
    *,
    ndim: int = 1,
    min_size: int = 1,
    nonnegative: bool = False,
    positive: bool = False,
) -> np.ndarray:
    """Return ``values`` as a float ndarray after checking shape, finiteness and sign.

    >>> check_array("demand_acu", [1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: `demand_acu` must be finite, got nan at index 1
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be an array of real numbers, got {type(values).__name__}") from None
    if arr.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-dimensional array, got {arr.ndim} dimensions")
    if arr.size < min_size:
        raise ValueError(f"`{name}` must have at least {min_size} element(s), got {arr.size}")
    # Fast path: two reductions and no temporaries (min/max propagate NaN, so both finite means
    # every element is). Only a failing array pays for locating the first bad index.
    lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        _first_bad(name, arr, ~np.isfinite(arr), "finite")
    if positive and lo <= 0:
        _first_bad(name, arr, arr <= 0, "positive")
    elif nonnegative and lo < 0:
        _first_bad(name, arr, arr < 0, "non-negative")
    return arr
