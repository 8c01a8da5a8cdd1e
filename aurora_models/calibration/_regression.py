"""Least squares with autocorrelation-robust (Newey-West HAC) standard errors.

Monitoring series are autocorrelated: a busy five minutes is followed by another, so the
residuals of a fit of I/O counts on request counts are too, and ordinary least-squares standard
errors would be too narrow. The Newey-West estimator (Econometrica 55, 1987) weights the
residuals' autocovariances up to ``lags`` with the Bartlett kernel ``1 - l / (lags + 1)``, which
keeps the covariance positive semi-definite. Rows come in groups (one per instance of a pooled
fit): autocovariances are summed within a group only, and groups are taken as independent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..exceptions import ParameterValueError

__all__ = ["LinearFit", "fit_hac", "newey_west_lags"]


def newey_west_lags(n: int) -> int:
    """The usual automatic lag, ``floor(4 (n / 100) ** (2 / 9))`` (Newey and West 1994)."""
    return math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))


@dataclass(frozen=True)
class LinearFit:
    """Coefficients of ``y = X b + e`` with HAC standard errors and t intervals."""

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    cov: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float
    n: int
    lags: int
    r2: float
    condition: float

    def __getitem__(self, name: str) -> tuple[float, float, float, float]:
        """``(estimate, standard error, low, high)`` of one coefficient."""
        i = self.names.index(name)
        return (float(self.coef[i]), float(self.se[i]), float(self.low[i]),
                float(self.high[i]))


def fit_hac(X: np.ndarray, y: np.ndarray, names: tuple[str, ...], *, groups=None,
            lags: int | None = None, level: float = 0.9, what: str = "fit") -> LinearFit:
    """Ordinary least squares with Newey-West standard errors (small-sample scaled).

    Parameters
    ----------
    X : numpy.ndarray
        ``n x k`` regressors (add a column of ones for an intercept).
    y : numpy.ndarray
        ``n`` responses.
    names : tuple of str
        The ``k`` coefficients' names.
    groups : numpy.ndarray, optional
        A group label per row (rows of a group in time order, consecutive); default one group.
    lags : int, optional
        Autocovariance lags (default :func:`newey_west_lags` of the longest group).
    level : float
        Two-sided level of the t intervals (default 0.9).
    what : str
        What is fitted, for the messages.

    Returns
    -------
    LinearFit
        Estimates, standard errors, ``level`` intervals, R squared (about the mean of ``y``)
        and the condition number of the scaled regressors (large: they move together, and
        the intervals say how little the data separate them).

    Raises
    ------
    ParameterValueError
        Fewer rows than coefficients plus two, non-finite values, or regressors so collinear
        (or a column all zero) that no coefficient is determined.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    if n < k + 2:
        raise ParameterValueError(f"the {what} needs at least {k + 2} data points, got {n}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ParameterValueError(f"the {what} got a non-finite value")
    g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups)
    scale = np.sqrt((X * X).sum(axis=0))
    zero = np.flatnonzero(scale == 0)
    if zero.size:
        raise ParameterValueError(f"the {what} cannot estimate `{names[zero[0]]}`: its "
                                  "regressor is zero throughout")
    Xs = X / scale
    condition = float(np.linalg.cond(Xs))
    if not condition < 1e10:
        raise ParameterValueError(f"the {what} cannot separate {', '.join(names)}: the "
                                  f"regressors move together exactly (condition {condition:.3g})")
    bread = np.linalg.inv(Xs.T @ Xs)
    coef_s = bread @ (Xs.T @ y)
    e = y - Xs @ coef_s
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    bounds = list(zip(starts, np.r_[starts[1:], n], strict=True))
    L = newey_west_lags(max(b - a for a, b in bounds)) if lags is None else int(lags)
    meat = np.zeros((k, k))
    for a, b in bounds:
        u = Xs[a:b] * e[a:b, None]  # scores of this group
        meat += u.T @ u
        for lag in range(1, min(L, b - a - 1) + 1):
            w = 1.0 - lag / (L + 1.0)
            gam = u[lag:].T @ u[:-lag]
            meat += w * (gam + gam.T)
    cov_s = bread @ meat @ bread * (n / (n - k))
    coef = coef_s / scale
    cov = cov_s / np.outer(scale, scale)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    from scipy import stats  # scipy.stats loads scipy.optimize: only when a fit runs

    t = float(stats.t.ppf(0.5 + level / 2.0, n - k))
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((e * e).sum()) / ss_tot if ss_tot > 0 else 1.0
    return LinearFit(names=tuple(names), coef=coef, se=se, cov=cov, low=coef - t * se,
                     high=coef + t * se, level=level, n=n, lags=L, r2=r2, condition=condition)
