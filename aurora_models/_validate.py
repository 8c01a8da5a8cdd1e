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
from collections.abc import Callable, Iterable
from typing import Any, SupportsInt, TypeAlias, cast, overload

import numpy as np
import numpy.typing as npt

from .exceptions import ParameterTypeError, ParameterValueError

#: What the scalar-or-array checks return for an array: float64 (a :class:`_Checked` view).
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: The arguments those checks return as an array (for the type checker; anything else that is
#: not a number is refused or, like an object with ``__array__``, converted).
ArrayLike: TypeAlias = np.ndarray | list[Any] | tuple[Any, ...]

__all__ = [
    "check_array",
    "check_bool",
    "check_choice",
    "check_finite",
    "check_index_array",
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
        text = str(int(value)) if abs(int(value)) < 10 ** 30 else None
        if text is None:  # a huge int: its size, not its 10**k digits
            digits = len(str(abs(int(value))))
            return f"{'a negative' if value < 0 else 'an'} integer of {digits} digits"
        return text
    if isinstance(value, numbers.Real):
        try:
            return repr(float(value))
        except (OverflowError, ValueError):
            return repr(value)
    text = " ".join(repr(value).split())  # one line
    return text if len(text) <= 80 else text[:77] + "..."


class _Checked(np.ndarray):
    """A checked float array that remembers its parameter's name.

    Arithmetic on it gives plain ndarrays; only a conversion to a scalar (``float(x)``, the
    mistake of passing a list where one number belongs) is intercepted, to name the parameter
    instead of numpy's "only 0-dimensional arrays can be converted to Python scalars".
    """

    _name: str = "value"

    def __array_finalize__(self, obj) -> None:
        self._name = getattr(obj, "_name", "value")

    def __array_wrap__(self, obj, context=None, return_scalar=False):
        out = obj.view(np.ndarray) if isinstance(obj, np.ndarray) else obj
        return out[()] if return_scalar and isinstance(out, np.ndarray) else out

    def _scalar(self, kind):
        if self.ndim > 0:
            raise ParameterTypeError(f"`{self._name}` must be a single real number, got an array of "
                            f"shape {self.shape}")
        return kind(self.view(np.ndarray)[()])

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __reduce__(self):  # pickle as a plain array (executors ship arguments)
        return self.view(np.ndarray).__reduce__()

    def __repr__(self) -> str:  # shown as the plain array it is
        return repr(self.view(np.ndarray))


def _named(name: str, arr: FloatArray) -> FloatArray:
    out = arr.view(_Checked)
    out._name = name
    return out


def _real(name: str, value: Any) -> float | FloatArray:
    """A real scalar as float, or an array of reals as a float ndarray; TypeError otherwise.

    An integer beyond float range becomes +-inf (so the finiteness rules refuse it by name
    instead of ``float()`` raising OverflowError).
    """
    if isinstance(value, bool | np.bool_):
        raise ParameterTypeError(f"`{name}` must be a real number, got bool {value!r}")
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:
            return -math.inf if value < 0 else math.inf
    if isinstance(value, np.ndarray | list | tuple) or (
            hasattr(value, "__array__") and not isinstance(value, str | bytes)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError, OverflowError):
            raise ParameterTypeError(f"`{name}` must be a real number or a rectangular array of them, "
                            f"got a ragged {type(value).__name__}") from None
        if arr.dtype.kind == "O" and arr.size and all(
                isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)
                for v in arr.flat):
            arr = np.array([_real(name, v) for v in arr.flat]).reshape(arr.shape)
        if arr.size == 0:
            raise ParameterValueError(f"`{name}` must be a real number or a non-empty array of them, "
                             f"got an empty {type(value).__name__}")
        if arr.dtype.kind not in "iuf":
            raise ParameterTypeError(f"`{name}` must contain real numbers, got dtype {arr.dtype}")
        return _named(name, arr.astype(float))
    raise ParameterTypeError(f"`{name}` must be a real number, got {type(value).__name__} {_fmt(value)}")


def _first_bad(name: str, arr: np.ndarray, bad: np.ndarray, rule: str) -> None:
    if bad.any():
        idx = np.unravel_index(int(np.argmax(bad)), arr.shape)
        where = idx[0] if len(idx) == 1 else idx
        raise ParameterValueError(f"`{name}` must be {rule}, got {_fmt(arr[idx])} at index {where}")


def _check(name: str, value: Any, ok: Callable[[Any], Any], rule: str) -> float | FloatArray:
    x = _real(name, value)
    if isinstance(x, np.ndarray):
        with np.errstate(invalid="ignore"):
            _first_bad(name, x, ~ok(x), rule)
        return x
    if not ok(x):
        raise ParameterValueError(f"`{name}` must be {rule}, got {_fmt(value)}")
    return x


@overload
def check_finite(name: str, value: float) -> float: ...
@overload
def check_finite(name: str, value: ArrayLike) -> FloatArray: ...
@overload
def check_finite(name: str, value: object) -> float | FloatArray: ...
def check_finite(name: str, value: Any) -> float | FloatArray:
    """Return ``value`` as float (or float array) after checking it is finite.

    >>> check_finite("x", float("nan"))
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `x` must be finite, got nan
    """
    return _check(name, value, np.isfinite, "finite")


@overload
def check_positive(name: str, value: float, *, allow_zero: bool = ...,
                   allow_inf: bool = ...) -> float: ...
@overload
def check_positive(name: str, value: ArrayLike, *, allow_zero: bool = ...,
                   allow_inf: bool = ...) -> FloatArray: ...
@overload
def check_positive(name: str, value: object, *, allow_zero: bool = ...,
                   allow_inf: bool = ...) -> float | FloatArray: ...
def check_positive(
    name: str, value: Any, *, allow_zero: bool = False, allow_inf: bool = False
) -> float | FloatArray:
    """Return ``value`` after checking it is > 0 (>= 0 with ``allow_zero``) and finite.

    >>> check_positive("rate_per_year", -1)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `rate_per_year` must be positive, got -1
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
            raise ParameterValueError(f"`{name}` must be {rule.split(' and')[0]}, got {_fmt(value)}") from None
        raise exc from None


@overload
def check_nonnegative(name: str, value: float, *, allow_inf: bool = ...) -> float: ...
@overload
def check_nonnegative(name: str, value: ArrayLike, *, allow_inf: bool = ...) -> FloatArray: ...
@overload
def check_nonnegative(name: str, value: object, *,
                      allow_inf: bool = ...) -> float | FloatArray: ...
def check_nonnegative(name: str, value: Any, *, allow_inf: bool = False) -> float | FloatArray:
    """Return ``value`` after checking it is >= 0 and finite (``allow_inf`` admits +inf)."""
    return check_positive(name, value, allow_zero=True, allow_inf=allow_inf)


@overload
def check_probability(name: str, value: float) -> float: ...
@overload
def check_probability(name: str, value: ArrayLike) -> FloatArray: ...
@overload
def check_probability(name: str, value: object) -> float | FloatArray: ...
def check_probability(name: str, value: Any) -> float | FloatArray:
    """Return ``value`` after checking it lies in [0, 1].

    >>> check_probability("p_copy", 1.5)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `p_copy` must be a probability in [0, 1], got 1.5
    """
    return _check(name, value, lambda x: (x >= 0) & (x <= 1), "a probability in [0, 1]")


@overload
def check_range(name: str, value: float, low: float = ..., high: float = ..., *,
                low_inclusive: bool = ..., high_inclusive: bool = ...) -> float: ...
@overload
def check_range(name: str, value: ArrayLike, low: float = ..., high: float = ..., *,
                low_inclusive: bool = ..., high_inclusive: bool = ...) -> FloatArray: ...
@overload
def check_range(name: str, value: object, low: float = ..., high: float = ..., *,
                low_inclusive: bool = ..., high_inclusive: bool = ...) -> float | FloatArray: ...
def check_range(
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float | FloatArray:
    """Return ``value`` after checking ``low <= value <= high`` (bounds inclusive or not).

    >>> check_range("rpo_s", 5, 20, math.inf)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `rpo_s` must be in [20, inf], got 5
    """
    lo_b, hi_b = ("[" if low_inclusive else "("), ("]" if high_inclusive else ")")
    rule = f"in {lo_b}{_fmt_bound(low)}, {_fmt_bound(high)}{hi_b}"
    if low == -math.inf and high == math.inf and low_inclusive and high_inclusive:
        rule = "a number (not NaN)"

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
    aurora_models.exceptions.ParameterValueError: `read_quorum` must be an integer in [1, 6], got 7
    """
    lo = "-inf" if low is None else str(low)
    hi = "inf" if high is None else str(high)
    rule = f"an integer in [{lo}, {hi}]"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ParameterTypeError(f"`{name}` must be {rule}, got {type(value).__name__} {_fmt(value)}")
    if not isinstance(value, numbers.Integral):
        try:
            whole = math.isfinite(value) and float(value).is_integer()
        except (OverflowError, ValueError):
            whole = False
        if not whole:
            raise ParameterValueError(f"`{name}` must be {rule}, got {_fmt(value)}")
    v = int(cast(SupportsInt, value))  # a whole Real: int() takes it (typeshed's ABC omits it)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ParameterValueError(f"`{name}` must be {rule}, got {_fmt(v)}")
    return v


def check_multiple_of(name: str, value: Any, step: float, *, rel_tol: float = 1e-9) -> float:
    """Return ``value`` after checking it is a whole multiple of ``step`` (e.g. 0.5 ACU).

    >>> check_multiple_of("min_acu", 0.7, 0.5)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `min_acu` must be a multiple of 0.5, got 0.7
    """
    x = check_finite(name, value)
    q = x / step
    if abs(q - round(q)) > rel_tol * max(1.0, abs(q)):
        raise ParameterValueError(f"`{name}` must be a multiple of {step:g}, got {_fmt(x)}")
    return x


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` after checking it is one of ``choices``.

    >>> check_choice("method", "brute", ["naive", "importance"])
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `method` must be one of 'naive', 'importance', got 'brute'
    """
    options = list(choices)
    try:
        if value in options:
            return value
    except (TypeError, ValueError):  # unhashable, incomparable, or an array (ambiguous truth)
        pass
    listed = ", ".join(repr(c) for c in options)
    raise ParameterValueError(f"`{name}` must be one of {listed}, got {value!r}")


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` after checking it is a bool (not merely truthy)."""
    if not isinstance(value, bool | np.bool_):
        raise ParameterTypeError(f"`{name}` must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_index_array(name: str, values: Any, n: int) -> npt.NDArray[np.intp]:
    """Return ``values`` as a flat int ndarray after checking every entry is an index in [0, n).

    >>> check_index_array("rows", ["0"], 2)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterTypeError: `rows` must be an array of integers, got list ['0']
    """
    bad_type = ParameterTypeError(f"`{name}` must be an array of integers, got {type(values).__name__} "
                         f"{_fmt(values)}")
    if isinstance(values, str | bytes | bool | np.bool_):
        raise bad_type
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        raise bad_type from None
    if arr.size == 0:
        return np.zeros(0, dtype=np.intp)
    if arr.dtype.kind not in "iu":
        raise bad_type
    arr = arr.ravel()
    _first_bad(name, arr, (arr < 0) | (arr >= n), f"a state index in [0, {n - 1}]")
    return arr.astype(np.intp)


def check_array(
    name: str,
    values: Any,
    *,
    ndim: int = 1,
    min_size: int = 1,
    nonnegative: bool = False,
    positive: bool = False,
    scalar_ok: bool = False,
) -> FloatArray:
    """Return ``values`` as a float ndarray after checking shape, finiteness and sign.

    ``scalar_ok`` lets a single number stand for a 1-element array (``ndim=1`` only).

    >>> check_array("demand_acu", [1.0, float("nan")])
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `demand_acu` must be finite, got nan at index 1
    """
    bad_type = ParameterTypeError(f"`{name}` must be an array of real numbers, got "
                         f"{type(values).__name__} {_fmt(values)}")
    if isinstance(values, str | bytes | bool | np.bool_):
        raise bad_type
    try:
        arr = np.asarray(values)
        if arr.dtype.kind not in "iuf":
            if arr.dtype.kind != "O" or any(isinstance(v, str | bytes | bool | np.bool_)
                                            for v in arr.flat):
                raise bad_type
        arr = arr.astype(float, copy=False)
    except (TypeError, ValueError, OverflowError):
        raise bad_type from None
    if scalar_ok and arr.ndim == 0 and ndim == 1:  # one number stands for a 1-element array
        arr = arr.reshape(1)
    if arr.ndim != ndim:
        raise ParameterValueError(f"`{name}` must be a {ndim}-dimensional array, got {arr.ndim} dimensions")
    if arr.size < min_size:
        raise ParameterValueError(f"`{name}` must have at least {min_size} element(s), got {arr.size}")
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
