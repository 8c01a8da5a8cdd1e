"""The one place that builds numpy random generators.

Every stochastic function takes ``rng`` (a ``Generator``, a ``SeedSequence``, an int seed or None)
and normalises it with :func:`as_generator`. Batches and parallel tasks draw independent streams
with :func:`spawn`, so results depend on the seed only, not on how work was split.
"""

from __future__ import annotations

import numbers

import numpy as np

from .exceptions import ParameterTypeError, ParameterValueError

__all__ = ["RNGLike", "as_generator", "spawn", "spawn_seeds"]

RNGLike = np.random.Generator | np.random.SeedSequence | int | None


def as_generator(rng: RNGLike = None) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Parameters
    ----------
    rng : Generator, SeedSequence, int or None
        A Generator is returned unchanged (so callers can share one stream); a SeedSequence or a
        non-negative int seeds a new PCG64 generator; None seeds one from fresh OS entropy.

    Raises
    ------
    TypeError
        For any other type (a legacy ``RandomState`` included: we never touch global state).
    ValueError
        For a negative integer seed.

    Examples
    --------
    >>> g = as_generator(42)
    >>> float(round(g.random(), 6)) == float(round(as_generator(42).random(), 6))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ParameterValueError(f"`rng` must be a non-negative integer seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise ParameterTypeError(
        "`rng` must be a numpy Generator, a SeedSequence, an int seed or None, "
        f"got {type(rng).__name__}"
    )


def spawn_seeds(rng: RNGLike, n: int) -> list[np.random.SeedSequence]:
    """Return ``n`` independent child ``SeedSequence`` objects derived from ``rng``.

    Seeds (rather than generators) are what to send to other processes: they are small and
    picklable. A Generator argument spawns from its bit generator's seed sequence, which
    advances it, so two calls give different children.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ParameterValueError(f"`n` must be a non-negative integer, got {n!r}")
    if isinstance(rng, np.random.Generator):
        return rng.bit_generator.seed_seq.spawn(int(n))
    if isinstance(rng, np.random.SeedSequence):
        return rng.spawn(int(n))
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ParameterValueError(f"`rng` must be a non-negative integer seed, got {rng}")
        return np.random.SeedSequence(rng).spawn(int(n))
    raise ParameterTypeError(
        "`rng` must be a numpy Generator, a SeedSequence, an int seed or None, "
        f"got {type(rng).__name__}"
    )


def spawn(rng: RNGLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` independent generators derived from ``rng`` (see :func:`spawn_seeds`).

    Examples
    --------
    >>> a, b = spawn(7, 2)
    >>> bool(a.random() != b.random())
    True
    """
    return [np.random.default_rng(s) for s in spawn_seeds(rng, n)]
