"""Result objects shared by every model.

:class:`Estimate` is the common currency: an exact solve returns one with ``standard_error=0`` and
a Monte Carlo run returns one with its standard error and trial count, so the two can be compared
(``mc.zscore(exact.value)``) and swapped in notebooks and tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._validate import (
    check_choice,
    check_int_range,
    check_nonnegative,
    check_probability,
    check_range,
)
from .exceptions import ParameterTypeError, ParameterValueError

__all__ = ["METHODS", "ConfidenceInterval", "Estimate"]


class ConfidenceInterval(NamedTuple):
    """Lower and upper bounds of a confidence interval."""

    low: float
    high: float


#: How an :class:`Estimate` was obtained, one spelling each: an exact solve or closed form, a
#: stated approximation (its error documented where it is made), plain Monte Carlo, importance
#: sampling.
METHODS = ("exact", "approximation", "monte_carlo", "importance_sampling")


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """A number with its uncertainty and how it was obtained.

    Parameters
    ----------
    value : float
        The point estimate (or exact value).
    standard_error : float
        Standard error of ``value``; 0 for an exact result.
    n_trials : int
        Monte Carlo trials behind ``value``; 0 for an exact result.
    method : str
        How it was computed: one of :data:`METHODS` (``"exact"``, ``"approximation"``,
        ``"monte_carlo"``, ``"importance_sampling"``); one spelling each.
    quantity : str
        What it is, e.g. ``"p(data_loss within 8760 h)"``.
    unit : str
        Unit of ``value`` (``"probability"``, ``"hours"``, ``"USD/month"``, ...).
    bounds : tuple of float
        The range the quantity can take; confidence intervals are clipped to it (a probability's
        interval never goes below 0).

    Examples
    --------
    >>> e = Estimate(value=0.25, standard_error=0.01, n_trials=10_000, method="monte_carlo",
    ...              quantity="p(x)", unit="probability", bounds=(0.0, 1.0))
    >>> lo, hi = e.confidence_interval(0.95)
    >>> round(lo, 4), round(hi, 4)
    (0.2304, 0.2696)
    >>> Estimate(value=1e-12, method="exact").confidence_interval()
    ConfidenceInterval(low=1e-12, high=1e-12)
    """

    value: float
    standard_error: float = 0.0
    n_trials: int = 0
    method: str = "exact"
    quantity: str = ""
    unit: str = ""
    bounds: tuple[float, float] = field(default=(-math.inf, math.inf))

    def __post_init__(self) -> None:
        value = check_range("value", self.value, low_inclusive=True)
        if not isinstance(value, float):
            value = float(value)  # an array: TypeError naming `value`
        se = check_nonnegative("standard_error", self.standard_error, allow_inf=True)
        n = check_int_range("n_trials", self.n_trials, 0)
        for name in ("method", "quantity", "unit"):
            if not isinstance(getattr(self, name), str):
                raise ParameterTypeError(f"`{name}` must be a string, got "
                                f"{type(getattr(self, name)).__name__} {getattr(self, name)!r}")
        check_choice("method", self.method, METHODS)
        try:
            low, high = self.bounds
        except (TypeError, ValueError):
            raise ParameterTypeError(f"`bounds` must be a pair (low, high), got {self.bounds!r}") from None
        low = float(check_range("bounds[0]", low))
        high = float(check_range("bounds[1]", high, low))
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "standard_error", float(se))
        object.__setattr__(self, "n_trials", n)
        object.__setattr__(self, "bounds", (low, high))

    @property
    def is_exact(self) -> bool:
        """True when the value carries no sampling error."""
        return self.standard_error == 0.0 and self.n_trials == 0

    @property
    def relative_standard_error(self) -> float:
        """``standard_error / |value|`` (inf when the value is 0 and the error is not)."""
        if self.value == 0.0:
            return 0.0 if self.standard_error == 0.0 else math.inf
        return self.standard_error / abs(self.value)

    def confidence_interval(self, level: float = 0.95) -> ConfidenceInterval:
        """Two-sided normal-approximation interval at ``level``, clipped to ``bounds``.

        For an exact result the interval is the point itself.
        """
        level = check_range("level", level, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
        from statistics import NormalDist

        z = NormalDist().inv_cdf(0.5 + level / 2.0)
        lo, hi = self.value - z * self.standard_error, self.value + z * self.standard_error
        return ConfidenceInterval(max(lo, self.bounds[0]), min(hi, self.bounds[1]))

    def zscore(self, reference: float) -> float:
        """How many standard errors ``value`` lies from ``reference`` (0 if both are equal)."""
        diff = self.value - float(reference)
        if diff == 0.0:
            return 0.0
        if self.standard_error == 0.0:
            return math.copysign(math.inf, diff)
        return diff / self.standard_error

    @classmethod
    def from_samples(
        cls, samples, *, method: str, quantity: str = "", unit: str = "", bounds=(-math.inf, math.inf)
    ) -> Estimate:
        """The sample mean of i.i.d. ``samples`` with its standard error ``s / sqrt(n)``."""
        x = np.asarray(samples, dtype=float).ravel()
        n = x.size
        if n == 0:
            raise ParameterValueError("`samples` must have at least 1 element, got 0")
        se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
        return cls(value=float(x.mean()), standard_error=se, n_trials=n, method=method,
                   quantity=quantity, unit=unit, bounds=bounds)

    @classmethod
    def from_quantile(
        cls, samples, q: float, *, method: str, quantity: str = "", unit: str = "",
        bounds=(-math.inf, math.inf)
    ) -> Estimate:
        """The sample ``q``-quantile of i.i.d. ``samples`` with a distribution-free standard error.

        The 95 % interval of the quantile is ``[X_(j), X_(k)]`` (1-based order statistics) with
        ``j = floor(n q - z s)``, ``k = ceil(n q + z s)``, ``s = sqrt(n q (1 - q))``, ``z = 1.96``
        (the binomial count of samples below the quantile); the standard error reported is the
        interval's width divided by ``2 z``, so ``confidence_interval(0.95)`` spans about the
        same range.

        Examples
        --------
        >>> e = Estimate.from_quantile(np.arange(1000.0), 0.5, method="monte_carlo")
        >>> e.value, round(e.standard_error, 1)
        (499.5, 15.8)
        """
        from statistics import NormalDist

        q = float(check_probability("q", q))
        x = np.sort(np.asarray(samples, dtype=float).ravel())
        n = x.size
        if n == 0:
            raise ParameterValueError("`samples` must have at least 1 element, got 0")
        z = NormalDist().inv_cdf(0.975)
        half = z * math.sqrt(n * q * (1.0 - q))
        lo = x[min(n - 1, max(0, math.floor(n * q - half) - 1))]
        hi = x[min(n - 1, max(0, math.ceil(n * q + half) - 1))]
        return cls(value=float(np.quantile(x, q)), standard_error=float(hi - lo) / (2 * z),
                   n_trials=n, method=method, quantity=quantity, unit=unit, bounds=bounds)

    def to_dict(self, level: float = 0.95) -> dict:
        """Plain-Python mapping (JSON-ready) with the interval at ``level``."""
        lo, hi = self.confidence_interval(level)
        return {
            "quantity": self.quantity,
            "value": self.value,
            "standard_error": self.standard_error,
            "ci_low": lo,
            "ci_high": hi,
            "ci_level": level,
            "n_trials": self.n_trials,
            "method": self.method,
            "unit": self.unit,
        }

    def to_frame(self, level: float = 0.95):
        """One-row ``pandas.DataFrame`` of :meth:`to_dict`."""
        import pandas as pd

        return pd.DataFrame([self.to_dict(level)])

    def __str__(self) -> str:
        name = f"{self.quantity} = " if self.quantity else ""
        unit = f" {self.unit}" if self.unit and self.unit != "probability" else ""
        if self.is_exact:
            return f"{name}{self.value:.6g}{unit} ({self.method})"
        lo, hi = self.confidence_interval()
        return (f"{name}{self.value:.6g}{unit} ± {self.standard_error:.3g} "
                f"(95% CI {lo:.4g} to {hi:.4g}; {self.method}, n={self.n_trials:,})")

    def _repr_html_(self) -> str:
        # light: the templates load jinja2 only when a notebook shows an Estimate
        from ._templates import render_template

        return render_template("estimate.html.j2", rows=self._display_rows())

    def _display_rows(self) -> list[tuple[str, str]]:
        lo, hi = self.confidence_interval()
        rows = [("quantity", self.quantity or "-"), ("value", f"{self.value:.6g}")]
        if not self.is_exact:
            rows += [("standard error", f"{self.standard_error:.3g}"),
                     ("95% CI", f"[{lo:.4g}, {hi:.4g}]"),
                     ("trials", f"{self.n_trials:,}")]
        rows += [("method", self.method), ("unit", self.unit or "-")]
        return rows
