"""A latency as a sum of independent parts: exact CDF by convolution, and its Monte Carlo twin.

A user's read is a network trip plus the reader's queue and service; a write is trips plus the
quorum commit; a forwarded write adds the secondary's trip to the primary. Each part is a
distribution with a CDF (for the closed form) and a sampler (for the simulation). The sum of
independent parts has the convolution of their laws: :func:`sum_cdf` computes it on a grid
(the parts' probability masses per cell, multiplied by FFT), which is exact up to the cell
width; :func:`sample_sum` draws each part and adds. Constants shift the sum, never enter the
grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import queueing
from .._rng import as_generator
from ..write_path._latency import _lognorm_cdf

__all__ = ["Part", "SumDistribution", "constant", "lognormal", "mmc_response", "sample_sum",
           "sum_distribution"]

#: Fewest cells of the convolution grid (a power of two, for the FFT) ...
GRID = 1 << 15
#: ... and most: the grid grows until a cell is at most :data:`CELL_MS` wide, up to this.
MAX_GRID = 1 << 22
CELL_MS = 0.005
#: A part's support is cut where its survival function falls below this; its mass above is
#: put in the last cell, so no probability is lost and every quantile below
#: ``1 - (random parts) x TAIL`` is exact to the cell (a Global Database wait has stalls of
#: seconds in its far tail: cutting there keeps the cells fine where the quantiles are).
TAIL = 1e-5


@dataclass(frozen=True)
class Part:
    """One independent part of a latency, in milliseconds.

    ``cdf(t_ms)`` takes an array; ``sample(rng, n)`` returns ``n`` draws; ``mean_ms`` is exact;
    ``shift_ms`` is set (and ``cdf`` ignored) for a constant.
    """

    name: str
    mean_ms: float
    cdf: Callable[[np.ndarray], np.ndarray] | None = None
    sample: Callable[[np.random.Generator, int], np.ndarray] | None = None
    shift_ms: float | None = None

    def upper_ms(self) -> float:
        """A point beyond which the part has less than ``TAIL`` (1e-10) of its mass, ms."""
        if self.shift_ms is not None:
            return self.shift_ms
        assert self.cdf is not None
        hi = max(self.mean_ms, 1e-6) * 2.0
        while 1.0 - float(self.cdf(np.array([hi]))[0]) > TAIL:
            hi *= 2.0
        return hi


def constant(name: str, value_ms: float) -> Part:
    """A fixed delay (a round trip the data gives as one number, an access latency)."""
    v = float(value_ms)

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, v)

    return Part(name=name, mean_ms=v, shift_ms=v, sample=sample)


def lognormal(name: str, median_ms: float, sigma: float) -> Part:
    """A network round trip: lognormal around its median (``sigma``: the log's spread)."""
    med, sig = float(median_ms), float(sigma)
    if sig == 0.0:
        return constant(name, med)
    mu = math.log(med)

    def cdf(t):
        with np.errstate(over="ignore"):  # a tiny sigma: a step, the z-scores +-inf
            return _lognorm_cdf(t, med, sig)

    return Part(name=name, mean_ms=med * math.exp(sig * sig / 2.0), cdf=cdf,
                sample=lambda rng, n: rng.lognormal(mu, sig, n))


def mmc_response(name: str, servers: int, arrival_rate: float, service_ms: float) -> Part:
    """The response time (wait + service) of an M/M/c reader, FIFO, exponential service.

    The reader must be stable (utilisation < 1); :func:`aurora_models.queueing.stability`
    says so before this is called.
    """
    k, lam, mu = int(servers), float(arrival_rate), 1000.0 / float(service_ms)
    p_wait = queueing.erlang_c(k, lam / mu) if lam > 0 else 0.0
    theta = k * mu - lam
    mean = 1000.0 * (1.0 / mu + (queueing.mmc_mean_wait(k, lam, mu) if lam > 0 else 0.0))

    def cdf(t):
        t = np.asarray(t, float)
        return 1.0 - np.asarray(queueing.mmc_response_sf(np.maximum(t, 0.0) / 1000.0, k, lam, mu))

    def sample(rng, n):
        waits = np.where(rng.random(n) < p_wait, rng.exponential(1.0 / theta, n), 0.0)
        return 1000.0 * (waits + rng.exponential(1.0 / mu, n))

    return Part(name=name, mean_ms=mean, cdf=cdf, sample=sample)


@dataclass(frozen=True)
class SumDistribution:
    """The law of a sum of independent latency parts on a grid: ``P(X <= t)``, quantiles.

    Parameters
    ----------
    parts : tuple of Part
        The independent parts summed (network trips, a reader, a commit).
    grid_ms : numpy.ndarray
        Points of the CDF, milliseconds (increasing).
    cdf_values : numpy.ndarray
        ``P(X <= grid_ms)``, non-decreasing from 0 to 1.
    mean_ms : float
        The exact mean, milliseconds: the sum of the parts' means (not the grid's).

    See Also
    --------
    aurora_models.users.read_latency_law, aurora_models.users.write_latency_law : Build one.

    Examples
    --------
    >>> import numpy as np
    >>> d = SumDistribution(parts=(), grid_ms=np.array([0.0, 1.0, 2.0]),
    ...                     cdf_values=np.array([0.0, 0.5, 1.0]), mean_ms=1.0)
    >>> d.quantile(0.5), d.cdf(1.5)
    (1.0, 0.75)
    """

    parts: tuple[Part, ...]
    grid_ms: np.ndarray
    cdf_values: np.ndarray
    mean_ms: float

    def cdf(self, t_ms):
        """Return ``P(X <= t)`` (linear between grid points).

        Parameters
        ----------
        t_ms : float or array_like
            Times, milliseconds.

        Returns
        -------
        float or numpy.ndarray
            The probabilities.
        """
        t = np.asarray(t_ms, float)
        out = np.interp(t, self.grid_ms, self.cdf_values, left=0.0, right=1.0)
        return out if out.ndim else float(out)

    def quantile(self, q: float) -> float:
        """Return the ``q``-quantile (the grid's CDF inverted linearly).

        Parameters
        ----------
        q : float
            Probability, in [0, 1].

        Returns
        -------
        float
            Milliseconds.
        """
        i = int(np.searchsorted(self.cdf_values, q, side="left"))
        if i == 0:
            return float(self.grid_ms[0])
        if i >= self.cdf_values.size:
            return float(self.grid_ms[-1])
        c0, c1 = self.cdf_values[i - 1], self.cdf_values[i]
        x0, x1 = self.grid_ms[i - 1], self.grid_ms[i]
        return float(x0 + (x1 - x0) * ((q - c0) / (c1 - c0) if c1 > c0 else 0.0))

    def summary(self, quantiles: Sequence[float] = (0.5, 0.99)) -> dict[str, float]:
        """Return the mean and quantiles as plain numbers.

        Parameters
        ----------
        quantiles : sequence of float
            Probabilities, in [0, 1].

        Returns
        -------
        dict of str to float
            ``{"mean": ..., "p50": ..., "p99": ...}``, milliseconds.
        """
        out = {"mean": self.mean_ms}
        for q in quantiles:
            out[f"p{100 * q:g}"] = self.quantile(q)
        return out


def sum_distribution(parts: Sequence[Part], *, grid: int = GRID) -> SumDistribution:
    """The exact law of the sum of independent ``parts`` (to the grid's cell width).

    Each random part's mass per cell ``[i h, (i + 1) h)`` is taken at the cell's middle; the
    masses of all parts are multiplied in Fourier space; the constants shift the result. The
    grid spans the sum of the parts' upper points (each part's ``1 - TAIL`` point), with
    ``grid`` cells or more, up to :data:`MAX_GRID`, until a cell is :data:`CELL_MS` wide: the
    error of a quantile below ``1 - m TAIL`` (m random parts) is at most ``m h / 2``.
    """
    parts = tuple(parts)
    shift = math.fsum(p.shift_ms for p in parts if p.shift_ms is not None)
    random = [p for p in parts if p.shift_ms is None]
    mean = math.fsum(p.mean_ms for p in parts)
    if not random:
        return SumDistribution(parts=parts, grid_ms=np.array([shift, shift]),
                               cdf_values=np.array([1.0, 1.0]), mean_ms=mean)
    span = math.fsum(p.upper_ms() for p in random)
    while grid < MAX_GRID and span / grid > CELL_MS:
        grid *= 2
    h = span / grid
    edges = np.arange(grid + 1) * h
    size = 2 * grid  # zero-padded: the convolution of grid-long masses, cut back to grid
    spectrum = np.ones(size // 2 + 1, dtype=complex)
    for p in random:
        assert p.cdf is not None
        c = np.clip(np.asarray(p.cdf(edges), float), 0.0, 1.0)
        c = np.maximum.accumulate(c)
        mass = np.diff(c)
        mass[-1] += 1.0 - c[-1]  # the tail beyond the grid: kept, in the last cell
        mass[0] += c[0]
        spectrum *= np.fft.rfft(mass, size)
    total = np.fft.irfft(spectrum, size)[:grid]
    total = np.clip(total, 0.0, None)
    # each part's cell mass sits at its cell's middle: the sum of m parts at (i + m / 2) h
    centres = (np.arange(grid) + 0.5 * len(random)) * h + shift
    cdf = np.minimum(np.cumsum(total), 1.0)
    # the CDF at the upper edge of each mass point: P(X <= centre + h / 2)
    grid_ms = np.concatenate([[centres[0] - 0.5 * h], centres + 0.5 * h])
    return SumDistribution(parts=parts, grid_ms=grid_ms,
                           cdf_values=np.concatenate([[0.0], cdf]), mean_ms=mean)


def sample_sum(parts: Sequence[Part], n: int, rng=None) -> np.ndarray:
    """``n`` Monte Carlo draws of the sum of independent ``parts``, ms."""
    g = as_generator(rng)
    total = np.zeros(int(n))
    for p in parts:
        assert p.sample is not None
        total += p.sample(g, int(n))
    return total
