"""Uncertainty distributions of inputs: declared on a parameter, or written in a scenario's
``[uncertainty]`` table; each maps a unit-interval sample ``u`` to a value (its truncated
quantile function), so quasi-random and SALib designs on ``[0, 1]^D`` carry any distribution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .exceptions import ParameterTypeError, UserInputError

__all__ = ["DISTRIBUTIONS", "Distribution", "SensitivityInputError", "make"]


class SensitivityInputError(UserInputError, ValueError):
    """An inconsistent distribution spec or analysis setting (one line; CLI exit code 2).

    Examples
    --------
    >>> from aurora_models import sensitivity
    >>> try:
    ...     sensitivity.make("x", {"dist": "uniform", "low": 2, "high": 1})
    ... except sensitivity.SensitivityInputError as e:
    ...     print(isinstance(e, ValueError))
    True
    """


# Shown (and pickled) under its public home, where users catch it.
SensitivityInputError.__module__ = "aurora_models.sensitivity"

#: Each distribution's required keys (``rationale`` is optional on every one).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("p5", "p95"),
    "normal": ("mean", "sd"),
    "samples": ("values",),
    "fixed": ("value",),
}

_Z95 = 1.6448536269514722  # the standard normal's 95th percentile


@dataclass(frozen=True)
class Distribution:
    """One input's distribution, truncated to ``[lower, upper]`` (the parameter's bounds).

    ``ppf(u)`` is vectorised: ``u`` in ``[0, 1]`` (any shape) -> values.

    Parameters
    ----------
    name : str
        The input it belongs to (a scenario key such as ``"failures.az_outage_hours"``).
    dist : str
        One of :data:`DISTRIBUTIONS` (``"uniform"``, ``"loguniform"``, ``"triangular"``,
        ``"lognormal"``, ``"normal"``, ``"samples"``, ``"fixed"``: held at ``value``).
    args : tuple of (str, object)
        The distribution's parameters as pairs (``(("p5", 0.3), ("p95", 3.0))``).
    lower, upper : float
        The bounds it is truncated to (the parameter's range).
    rationale : str
        Why this distribution.

    See Also
    --------
    make : Builds one from a validated spec.

    Examples
    --------
    >>> from aurora_models.sensitivity import make
    >>> d = make("x", {"dist": "uniform", "low": 1.0, "high": 3.0})
    >>> d.median, d.describe(), d.ppf([0.0, 1.0]).tolist()
    (2.0, 'uniform(low=1, high=3)', [1.0, 3.0])
    """

    name: str
    dist: str
    args: tuple[tuple[str, Any], ...]
    lower: float = -math.inf
    upper: float = math.inf
    rationale: str = ""

    def _frozen(self):
        from scipy import stats

        a = dict(self.args)
        if self.dist == "uniform":
            return stats.uniform(a["low"], a["high"] - a["low"])
        if self.dist == "loguniform":
            return stats.loguniform(a["low"], a["high"])
        if self.dist == "triangular":
            width = a["high"] - a["low"]
            return stats.triang((a["mode"] - a["low"]) / width, loc=a["low"], scale=width)
        if self.dist == "lognormal":
            mu = 0.5 * (math.log(a["p5"]) + math.log(a["p95"]))
            sigma = (math.log(a["p95"]) - math.log(a["p5"])) / (2 * _Z95)
            return stats.lognorm(sigma, scale=math.exp(mu))
        if self.dist == "normal":
            return stats.norm(a["mean"], a["sd"])
        raise AssertionError(self.dist)

    def ppf(self, u) -> np.ndarray:
        """Return the quantiles at ``u`` of the distribution truncated to ``[lower, upper]``.

        Parameters
        ----------
        u : float or array_like
            Probabilities in [0, 1], any shape.

        Returns
        -------
        numpy.ndarray
            The values, of the shape of ``u``.
        """
        u = np.asarray(u, dtype=float)
        if self.dist == "fixed":  # held at one value (measured jointly with another input)
            return np.clip(np.full(u.shape, dict(self.args)["value"]), self.lower, self.upper)
        if self.dist == "samples":
            vals = np.sort(np.asarray(dict(self.args)["values"], dtype=float))
            return np.clip(np.quantile(vals, u), self.lower, self.upper)
        f = self._frozen()
        lo = f.cdf(self.lower) if math.isfinite(self.lower) else 0.0
        hi = f.cdf(self.upper) if math.isfinite(self.upper) else 1.0
        x = f.ppf(lo + u * (hi - lo))
        return np.clip(x, self.lower, self.upper)

    @property
    def median(self) -> float:
        """The median of the truncated distribution, ``ppf(0.5)``."""
        return float(self.ppf(0.5))

    def describe(self) -> str:
        """Describe the distribution in one line.

        Returns
        -------
        str
            ``lognormal(p5=0.3, p95=3)``; samples show their count and range.
        """
        a = dict(self.args)
        if self.dist == "samples":
            v = np.asarray(a["values"], dtype=float)
            return f"samples(n={v.size}, min={v.min():g}, max={v.max():g})"
        return f"{self.dist}(" + ", ".join(f"{k}={a[k]:g}" for k in DISTRIBUTIONS[self.dist]) + ")"


def _finite(x) -> bool:
    """A finite number (an int too large for a float is not: it would overflow the model)."""
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def make(name: str, spec: Mapping[str, Any], *, lower: float | None = None,
         upper: float | None = None) -> Distribution:
    """Validate one distribution spec (a ``{"dist": ..., ...}`` mapping) for input ``name``.

    Parameters
    ----------
    name : str
        The input's name, for the messages.
    spec : mapping
        ``{"dist": ..., <its parameters>, "rationale": ...}`` (rationale optional).
    lower, upper : float, optional
        The parameter's bounds: the distribution is truncated to them.

    Returns
    -------
    Distribution
        The validated distribution.

    Raises
    ------
    SensitivityInputError
        A ValueError, in one line naming ``name``: an unknown distribution, a missing or
        extra key, a non-number, p5 >= p95, low >= high, a mode outside ``[low, high]``, a
        non-positive lognormal or loguniform bound, sd <= 0, fewer than two samples, or a range
        that lies outside the parameter's bounds ``[lower, upper]``.

    Examples
    --------
    >>> make("failures.az_outage_hours", {"dist": "lognormal", "p5": 3, "p95": 1})
    Traceback (most recent call last):
    ...
    aurora_models.sensitivity.SensitivityInputError: `failures.az_outage_hours`: lognormal needs p5 < p95, got p5=3, p95=1
    """
    if not isinstance(spec, Mapping):
        raise ParameterTypeError(f"`{name}` must be a table {{ dist = ..., ... }}, got "
                        f"{type(spec).__name__}")
    dist = spec.get("dist")
    if dist not in DISTRIBUTIONS:
        raise SensitivityInputError(f"`{name}`: `dist` must be one of {', '.join(DISTRIBUTIONS)}, "
                         f"got {dist!r}")
    need = DISTRIBUTIONS[dist]
    extra = [k for k in spec if k not in (*need, "dist", "rationale")]
    if extra:
        raise SensitivityInputError(f"`{name}`: {dist} takes {', '.join(need)} (and rationale), got "
                         f"`{extra[0]}`")
    missing = [k for k in need if k not in spec]
    if missing:
        raise SensitivityInputError(f"`{name}`: {dist} needs {', '.join(need)}; `{missing[0]}` is missing")
    args: dict[str, Any] = {}
    for k in need:
        x = spec[k]
        if dist == "samples":
            ok = (isinstance(x, list | tuple | np.ndarray) and len(x) >= 2
                  and all(isinstance(e, int | float) and not isinstance(e, bool)
                          and _finite(e) for e in x))
            if not ok:
                raise SensitivityInputError(f"`{name}`: samples needs `values`, a list of at least two "
                                 f"finite numbers")
            args[k] = tuple(float(e) for e in x)
            continue
        if isinstance(x, bool) or not isinstance(x, int | float) or not _finite(x):
            shown = (f"an integer of {len(str(abs(x)))} digits" if isinstance(x, int)
                     and not isinstance(x, bool) and not _finite(x) else repr(x))
            raise SensitivityInputError(f"`{name}`: `{k}` must be a finite number, got {shown}")
        args[k] = float(x)
    a = args
    shown = ", ".join(f"{k}={a[k]:g}" for k in need) if dist != "samples" else ""
    if dist in ("uniform", "loguniform", "triangular") and not a["low"] < a["high"]:
        raise SensitivityInputError(f"`{name}`: {dist} needs low < high, got {shown}")
    if dist == "loguniform" and a["low"] <= 0:
        raise SensitivityInputError(f"`{name}`: loguniform needs low > 0, got {shown}")
    if dist == "triangular" and not a["low"] <= a["mode"] <= a["high"]:
        raise SensitivityInputError(f"`{name}`: triangular needs low <= mode <= high, got {shown}")
    if dist == "lognormal":
        if a["p5"] <= 0:
            raise SensitivityInputError(f"`{name}`: lognormal needs p5 > 0 (a positive quantity), "
                             f"got {shown}")
        if not a["p5"] < a["p95"]:
            raise SensitivityInputError(f"`{name}`: lognormal needs p5 < p95, got {shown}")
    if dist == "normal" and a["sd"] <= 0:
        raise SensitivityInputError(f"`{name}`: normal needs sd > 0, got {shown}")
    lo = -math.inf if lower is None else float(lower)
    hi = math.inf if upper is None else float(upper)
    d = Distribution(name=name, dist=dist, args=tuple(args.items()), lower=lo, upper=hi,
                     rationale=str(spec.get("rationale", "")))
    if dist == "fixed" and not lo <= a["value"] <= hi:
        raise SensitivityInputError(f"`{name}`: fixed value={a['value']:g} lies outside the "
                                    f"parameter's range [{lo:g}, {hi:g}]")
    if dist not in ("samples", "fixed"):
        f = d._frozen()
        inside = (f.cdf(hi) if math.isfinite(hi) else 1.0) - (f.cdf(lo) if math.isfinite(lo)
                                                              else 0.0)
        if not inside > 1e-9:
            raise SensitivityInputError(f"`{name}`: {d.describe()} lies outside the parameter's range "
                             f"[{lo:g}, {hi:g}]")
    return d
