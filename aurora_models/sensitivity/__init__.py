"""Uncertainty of the assumptions, propagated and ranked by global sensitivity (SALib)."""

from ._dist import DISTRIBUTIONS, Distribution, make

__all__ = ["DISTRIBUTIONS", "Distribution", "make"]
