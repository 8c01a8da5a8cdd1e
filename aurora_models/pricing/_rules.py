"""Rules shared by every price source: the one price check, names with a did-you-mean, engines."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence

import numpy as np

from .._assumptions import register
from ..exceptions import ParameterTypeError, ParameterValueError
from ..units import HOURS_PER_MONTH  # noqa: F401  (re-exported by the price book; its home is units)
from ._specs import instance_specs

#: Largest unit price a price row may hold, USD (per hour, GB-month, million requests, ...).
MAX_UNIT_PRICE_USD = register(
    "pricing.max_unit_price_usd", 10_000.0, "USD per unit",
    rationale="the dearest on-demand unit price in AWS's 2025-12-05 RDS price list is $133.95 "
              "per hour (SQL Server EE db.r6i.32xlarge Multi-AZ, sa-east-1); a price 75x that "
              "is a unit or parsing error (1e308 and inf would make every bill inf)")

#: Aurora engines as the scenario file names them -> the price book's engine.
AURORA_ENGINES = {"mysql": "aurora-mysql", "postgresql": "aurora-postgresql"}

#: Price-book engines: both Aurora engines, and the RDS engines priced for comparison.
ENGINES = ("aurora-mysql", "aurora-postgresql", "rds-mysql", "rds-postgresql",
           "rds-oracle-se2", "rds-oracle-se2-byol", "rds-sqlserver-ex", "rds-sqlserver-web",
           "rds-sqlserver-se", "rds-sqlserver-ee")

# other accepted spellings: the scenario's Aurora engine names, and the price list's own names of
# the RDS engines (``oracle-se2`` is RDS, since Aurora has no Oracle edition)
_ALIASES = {
    **AURORA_ENGINES,
    **{e.removeprefix("rds-"): e for e in ENGINES if e.startswith("rds-")
       and e.removeprefix("rds-") not in AURORA_ENGINES},
}


class MissingPriceError(LookupError, ValueError):
    """The price data has no price for what was asked (a dimension, class or region pair).

    Raised instead of ever using 0. Attributes: ``item`` (the missing dimension), ``region``,
    ``engine`` and ``instance_class`` (or ``""``), so a bill can list what it could not price.
    """

    def __init__(self, message: str, *, item: str = "", region: str = "", engine: str = "",
                 instance_class: str = ""):
        super().__init__(message)
        self.item, self.region, self.engine = item, region, engine
        self.instance_class = instance_class


# ------------------------------------------------------------------------------------------
# The price rule: one check for files, the offer-file importer and PriceBook.with_price


def price_violations(values) -> np.ndarray:
    """The rule each price breaks, as strings (``""`` where the price is acceptable).

    A price must be a finite number, non-negative, and at most :data:`MAX_UNIT_PRICE_USD`.
    Works on a scalar or an array, so files (every row at once) and single prices share it.

    >>> list(price_violations([0.12, -1.0, float("inf"), 1e308, float("nan")]))
    ['', 'must be non-negative', 'must be finite', 'must be at most 10000 USD per unit', 'must be finite']
    """
    x = np.atleast_1d(np.asarray(values, dtype=float))
    out = np.full(x.shape, "", dtype=object)
    finite = np.isfinite(x)
    out[~finite] = "must be finite"
    out[finite & (x < 0)] = "must be non-negative"
    out[finite & (x > MAX_UNIT_PRICE_USD)] = f"must be at most {MAX_UNIT_PRICE_USD:g} USD per unit"
    return out


def check_price(name: str, value) -> float:
    """``value`` as a float if it obeys the price rule, else ValueError naming ``name``.

    >>> check_price("usd", 0.2)
    0.2
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ParameterTypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    rule = price_violations(x)[0]
    if rule:
        raise ParameterValueError(f"`{name}` {rule}, got {x!r}")
    return x


# ------------------------------------------------------------------------------------------
# Names with a did-you-mean


def suggest(value: str, valid: Iterable[str]) -> list[str]:
    """The valid name closest to ``value``, if any is close (``r6g.xlarge`` -> ``db.r6g.xlarge``)."""
    valid = list(valid)
    out = []
    for guess in (value.strip().lower(), "db." + value.strip().lower()):
        if guess in valid and guess not in out:
            out.append(guess)
    if not out:
        out = difflib.get_close_matches(value.lower(), valid, n=1, cutoff=0.6)
    return out[:1]


def check_name(name: str, value, valid: Sequence[str], *, what: str = "") -> str:
    """``value`` if it is one of ``valid``; else ValueError listing them, with a did-you-mean.

    >>> check_name("region", "us-west2", ["us-east-1", "us-west-2"])
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.ParameterValueError: `region` must be one of 'us-east-1', 'us-west-2', got 'us-west2'; did you mean 'us-west-2'?
    """
    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be a str, got {type(value).__name__} {value!r}")
    if value in valid:
        return value
    listed = ", ".join(map(repr, valid)) or "none"
    msg = f"`{name}` must be one of {what + ' (' + listed + ')' if what else listed}, got {value!r}"
    near = suggest(value, valid)
    if near:
        msg += f"; did you mean {near[0]!r}?"
    raise ParameterValueError(msg)


def check_instance_class(name: str, value) -> str:
    """``value`` if it is a DB instance class of the cited specification table; else a one-line
    error naming ``name``, with a did-you-mean (``r6g.large`` -> ``db.r6g.large``)."""

    if not isinstance(value, str):
        raise ParameterTypeError(f"`{name}` must be a DB instance class name, got {type(value).__name__} "
                        f"{value!r}")
    classes = instance_specs().index
    if value not in classes:
        near = suggest(value, classes)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise ParameterValueError(f"`{name}` must be a DB instance class ({len(classes)} known; "
                         f"`aurora-models prices` lists them), got {value!r}{hint}")
    return value


def canonical_engine(engine) -> str:
    """The price-book engine for ``engine`` (``"mysql"`` -> ``"aurora-mysql"``).

    >>> canonical_engine("postgresql"), canonical_engine("sqlserver-se")
    ('aurora-postgresql', 'rds-sqlserver-se')
    """
    if isinstance(engine, str) and engine in _ALIASES:
        return _ALIASES[engine]
    return check_name("engine", engine, list(ENGINES) + list(_ALIASES))
