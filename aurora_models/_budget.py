"""The one work budget: entries whose cost grows with a count refuse it before they start.

An entry whose memory or work scales with something the caller chooses (``n_trials``, a horizon
times a rate, the points of a grid) estimates both *before* allocating anything and calls
:func:`check`, which raises :class:`~aurora_models.exceptions.BudgetError` (a ``ValueError``) with
one line naming the parameter, the estimate and how to raise the limit.

Two limits, both overridable:

- **memory**: bytes the entry may hold at once, default 2 GiB;
- **work**: elementary steps (one random draw, or one element of one vectorised array pass),
  default 2e9: about a minute of vectorised numpy on one core, a few minutes at worst.

Override them for a block with the context manager ``aurora_models.budget(memory_gib=...,
work=...)`` (``None`` keeps the current value; ``math.inf`` lifts a limit), or for a whole process
(and the worker processes of an executor, which do not see a context manager) with the environment
variables ``AURORA_MODELS_MEMORY_GIB`` and ``AURORA_MODELS_WORK``. The context manager wins over
the environment.

The budget only decides *whether* an entry runs, never *how*: Monte Carlo entries generate in
chunks of a fixed size that does not depend on the budget, so raising it changes no result.

Examples
--------
>>> import aurora_models as am
>>> with am.budget(memory_gib=0.5, work=1e6):
...     am.budget_limits()
BudgetLimits(memory_bytes=536870912, work=1000000.0)
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
from collections.abc import Iterator
from typing import NamedTuple

from .exceptions import BudgetError, ParameterTypeError, ParameterValueError

__all__ = ["DEFAULT_MEMORY_GIB", "DEFAULT_WORK", "BudgetLimits", "budget", "budget_limits",
           "check", "size"]

#: Default memory budget, GiB.
DEFAULT_MEMORY_GIB = 2.0
#: Default work budget, elementary steps (random draws or array-element updates).
DEFAULT_WORK = 2e9

_GIB = 1 << 30
_ENV_MEMORY = "AURORA_MODELS_MEMORY_GIB"
_ENV_WORK = "AURORA_MODELS_WORK"

_override: contextvars.ContextVar[tuple[float | None, float | None]] = contextvars.ContextVar(
    "aurora_models_budget", default=(None, None))


class BudgetLimits(NamedTuple):
    """The limits in force: bytes of memory and elementary steps of work."""

    memory_bytes: float
    work: float


def _limit(name: str, value, *, env: str = "") -> float:
    """A limit as a positive float (inf allowed); ValueError/TypeError naming ``name``."""
    import numbers

    where = f"the environment variable {env}" if env else f"`{name}`"
    if isinstance(value, str) and env:
        try:
            value = float(value)
        except ValueError:
            raise ParameterValueError(f"{where} must be a positive number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterTypeError(f"{where} must be a positive number, got {type(value).__name__} "
                        f"{value!r}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not x > 0:  # also NaN
        raise ParameterValueError(f"{where} must be a positive number, got {value!r}")
    return x


def budget_limits() -> BudgetLimits:
    """The limits in force here: context manager, else environment, else defaults.

    The environment variables are ``AURORA_MODELS_MEMORY_GIB`` and ``AURORA_MODELS_WORK``; the
    defaults 2 GiB and 2e9 steps.

    Returns
    -------
    BudgetLimits
        ``memory_bytes`` (an int, or inf) and ``work`` (elementary steps).

    Examples
    --------
    >>> import aurora_models as am
    >>> with am.budget(memory_gib=1, work=1e6):
    ...     am.budget_limits()
    BudgetLimits(memory_bytes=1073741824, work=1000000.0)
    """
    mem_gib, work = _override.get()
    if mem_gib is None:
        env = os.environ.get(_ENV_MEMORY)
        mem_gib = DEFAULT_MEMORY_GIB if env is None else _limit("memory_gib", env, env=_ENV_MEMORY)
    if work is None:
        env = os.environ.get(_ENV_WORK)
        work = DEFAULT_WORK if env is None else _limit("work", env, env=_ENV_WORK)
    mem = mem_gib * _GIB
    return BudgetLimits(int(mem) if math.isfinite(mem) else math.inf, float(work))


@contextlib.contextmanager
def budget(*, memory_gib: float | None = None, work: float | None = None) -> Iterator[BudgetLimits]:
    """Run a block under other limits (``None`` keeps the current one; ``math.inf`` lifts it).

    Parameters
    ----------
    memory_gib : float, optional
        Memory an entry may hold at once, GiB (default 2).
    work : float, optional
        Elementary steps an entry may take (default 2e9).

    Yields
    ------
    BudgetLimits
        The limits in force inside the block.

    Notes
    -----
    The limits live in a context variable: they apply to this thread (and asyncio task), not to
    executor workers; for those set ``AURORA_MODELS_MEMORY_GIB`` / ``AURORA_MODELS_WORK``.

    Examples
    --------
    >>> import math
    >>> import aurora_models as am
    >>> with am.budget(work=math.inf) as limits:
    ...     limits.work
    inf
    """
    cur_mem, cur_work = _override.get()
    new = (cur_mem if memory_gib is None else _limit("memory_gib", memory_gib),
           cur_work if work is None else _limit("work", work))
    token = _override.set(new)
    try:
        yield budget_limits()
    finally:
        _override.reset(token)


def _fmt_bytes(b: float) -> str:
    if not math.isfinite(b):
        return "unbounded memory"
    for unit, size in (("TiB", 1 << 40), ("GiB", _GIB), ("MiB", 1 << 20)):
        if b >= size:
            return f"{b / size:.3g} {unit}"
    return f"{b / 1024:.3g} KiB"


def check(entry: str, param: str, value, *, memory_bytes: float = 0.0, work: float = 0.0,
          detail: str = "") -> None:
    """Refuse to start ``entry`` when its estimated memory or work exceeds the budget.

    Parameters
    ----------
    entry : str
        The public function (``"simulate_annual_downtime"``), for the message.
    param : str
        The parameter the cost scales with (``"n_trials"``), named in the message.
    value
        Its value (shown in the message).
    memory_bytes, work : float
        The estimates: peak bytes held at once, elementary steps.
    detail : str, optional
        What else the cost scales with, shown after the value (``"at 1e+07 events/year"``).

    Raises
    ------
    BudgetError
        A ``ValueError`` with one line: the parameter, the estimate, the limit and how to raise it.

    Examples
    --------
    >>> check("f", "n_trials", 10, memory_bytes=80, work=10)
    >>> check("f", "n_trials", 10**12, memory_bytes=8e12)
    Traceback (most recent call last):
    ...
    aurora_models.exceptions.BudgetError: `n_trials` = 1000000000000 would make f hold about 7.28 TiB at once, over the memory budget of 2 GiB; reduce `n_trials` or raise the budget with aurora_models.budget(memory_gib=...) or AURORA_MODELS_MEMORY_GIB
    """
    limits = budget_limits()
    shown = value if isinstance(value, str) else _show(value)
    if detail:
        shown += f" ({detail})"
    if not memory_bytes <= limits.memory_bytes:  # NaN estimates are refused too
        raise BudgetError(
            f"`{param}` = {shown} would make {entry} hold about {_fmt_bytes(memory_bytes)} at "
            f"once, over the memory budget of {_fmt_bytes(limits.memory_bytes)}; reduce `{param}` "
            f"or raise the budget with aurora_models.budget(memory_gib=...) or {_ENV_MEMORY}",
            parameter=param, estimate=memory_bytes, limit=limits.memory_bytes)
    if not work <= limits.work:
        raise BudgetError(
            f"`{param}` = {shown} would make {entry} take about {work:.3g} steps, over the work "
            f"budget of {limits.work:.3g}; reduce `{param}` or raise the budget with "
            f"aurora_models.budget(work=...) or {_ENV_WORK}",
            parameter=param, estimate=work, limit=limits.work)


def size(n) -> float:
    """A count as float for cost arithmetic (an int beyond float range is inf, never an error)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf


def _show(value) -> str:
    import numbers

    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):g}"
    return str(value)
