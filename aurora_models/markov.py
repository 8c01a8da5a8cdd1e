"""Continuous-time Markov chain helpers that stay accurate for stiff chains and tiny probabilities.

Storage chains mix repairs in seconds with failures in years, and the quantities asked of them
(a data-loss probability of 1e-15 in a year) are far below the rounding error of ``1 - survival``.
Every routine here therefore works with non-negative quantities only:

- :func:`generator` builds a dense generator whose diagonal is minus the sum of the off-diagonal
  rates (so rows sum to zero by construction);
- :func:`stationary_distribution` is the Grassmann-Taksar-Heyman (GTH) elimination, which uses no
  subtraction and gives every stationary probability to high *relative* accuracy;
- :func:`mean_time_to_absorption` turns a first-passage time into a stationary solve (the chain is
  restarted at its initial state on absorption) and applies GTH;
- :func:`absorption_probability_within` computes ``P(absorbed by t)`` directly, as an entry of the
  transition matrix of the chain with an absorbing state, using uniformization and repeated
  squaring of non-negative matrices.

``stationary_distribution`` and ``absorption_probability_within`` also take a stack of
generators ``(B, n, n)`` and solve it in one vectorised pass (a sensitivity analysis's batch of
parameter sets).

Only the off-diagonal entries of a generator are ever read: the diagonal is implied.
"""

from __future__ import annotations

import numpy as np

from . import _budget
from ._validate import check_array, check_index_array, check_int_range, check_positive
from .exceptions import ParameterValueError

__all__ = [
    "absorption_probability_within",
    "generator",
    "mean_time_to_absorption",
    "stationary_distribution",
]


def generator(n_states: int, rows, cols, rates) -> np.ndarray:
    """Dense generator matrix from a list of transitions ``rows[i] -> cols[i]`` at ``rates[i]``.

    Parameters
    ----------
    n_states : int
        Number of states.
    rows, cols : array_like of int
        Source and target of each transition; repeated pairs add up; self-loops are ignored.
    rates : array_like of float
        Non-negative rates (any time unit, used consistently).

    Returns
    -------
    numpy.ndarray
        ``Q`` with ``Q[i, j]`` the rate i -> j and ``Q[i, i] = -sum_{j != i} Q[i, j]``.

    Examples
    --------
    >>> generator(2, [0, 1], [1, 0], [2.0, 3.0])
    array([[-2.,  2.],
           [ 3., -3.]])
    """
    n = check_int_range("n_states", n_states, 1)
    _budget.check("generator", "n_states", n, memory_bytes=16.0 * _budget.size(n) * _budget.size(n))
    rows = check_index_array("rows", rows, n)
    cols = check_index_array("cols", cols, n)
    rates = check_array("rates", rates, min_size=0, nonnegative=True, scalar_ok=True)
    if not (rows.shape == cols.shape == rates.shape):
        raise ParameterValueError("`rows`, `cols` and `rates` must have the same length")
    q = np.zeros((n, n))
    keep = rows != cols
    np.add.at(q, (rows[keep], cols[keep]), rates[keep])
    q[np.diag_indices(n)] = -q.sum(axis=1)
    return q


def _rates(q, *, batch: bool = False) -> np.ndarray:
    """Off-diagonal rate matrix (diagonal zeroed) of a square generator or a stack, checked."""
    r = np.array(q, dtype=float, copy=True)
    ndims = (2, 3) if batch else (2,)
    if r.ndim not in ndims or r.shape[-1] != r.shape[-2]:
        what = "a square matrix or a stack of them (B, n, n)" if batch else "a square matrix"
        raise ParameterValueError(f"`q` must be {what}, got shape {r.shape}")
    diag = np.arange(r.shape[-1])
    r[..., diag, diag] = 0.0
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ParameterValueError("`q` must have non-negative, finite off-diagonal rates")
    return r


def stationary_distribution(q) -> np.ndarray:
    """Stationary distribution of an irreducible CTMC by GTH elimination.

    Parameters
    ----------
    q : array_like, shape (n, n) or (B, n, n)
        Generator, or a stack of ``B`` generators of the same size solved together (only the
        off-diagonal rates are used).

    Returns
    -------
    numpy.ndarray, shape (n,) or (B, n)
        ``pi`` with ``pi @ Q = 0`` and ``pi.sum() == 1`` (per item of a stack), each entry to
        high relative accuracy.

    Raises
    ------
    ValueError
        If the chain (any chain of a stack) is reducible (GTH meets a state with no way back to
        the states kept).

    Notes
    -----
    Grassmann-Taksar-Heyman: states are censored one at a time, the rate matrix of the censored
    chain is ``R[i, j] + R[i, k] R[k, j] / s_k`` with ``s_k`` the sum of the rates out of ``k`` to
    the states kept. Only additions, multiplications and divisions of non-negative numbers occur,
    so tiny probabilities (1e-200) keep full relative precision; Gaussian elimination on
    ``pi Q = 0`` cannot promise this because the diagonal mixes signs. A stack is eliminated in
    one pass, each step vectorised over the batch axis.

    References
    ----------
    W. K. Grassmann, M. I. Taksar, D. P. Heyman, "Regenerative analysis and steady state
    distributions for Markov chains", Operations Research 33(5), 1985.

    Examples
    --------
    >>> q = generator(2, [0, 1], [1, 0], [1e-12, 1.0])
    >>> stationary_distribution(q)
    array([1.e+00, 1.e-12])
    >>> stationary_distribution(np.stack([q, 2 * q.T])).shape
    (2, 2)
    """
    a = _rates(q, batch=True)
    single = a.ndim == 2
    if single:
        a = a[None]
    n = a.shape[1]
    for k in range(n - 1):
        scale = a[:, k, k + 1:].sum(axis=1)
        if np.any(scale <= 0.0):
            raise ParameterValueError(
                "`q` must be irreducible: state "
                f"{k} has no transition to the states not yet eliminated")
        a[:, k + 1:, k] /= scale[:, None]
        a[:, k + 1:, k + 1:] += a[:, k + 1:, k, None] * a[:, None, k, k + 1:]
    x = np.zeros(a.shape[:2])
    x[:, n - 1] = 1.0
    for k in range(n - 2, -1, -1):
        x[:, k] = np.einsum("bi,bi->b", x[:, k + 1:], a[:, k + 1:, k])
    x /= x.sum(axis=1, keepdims=True)
    return x[0] if single else x


def _transient_block(r, absorbing, initial: int):
    """Rates among transient states reachable from ``initial``, and their exit rates.

    ``r`` is a checked stack of rate matrices ``(B, n, n)``; the reachable states are those of
    the union of the stack's nonzero patterns. Returns ``(r_ss (B, m, m), exit_rates (B, m),
    start)``, or three Nones when ``initial`` is absorbing.
    """
    n = r.shape[1]
    absorbing = np.asarray(absorbing)
    if absorbing.dtype == bool:
        if absorbing.shape != (n,):
            raise ParameterValueError(f"`absorbing` must be a boolean mask of length {n}")
        mask = absorbing.copy()
    else:
        mask = np.zeros(n, dtype=bool)
        mask[absorbing.astype(int)] = True
    initial = check_int_range("initial", initial, 0, n - 1)
    if mask[initial]:
        return None, None, None
    pattern = r > 0
    union = pattern.any(axis=0) if pattern.shape[0] > 1 else pattern[0]
    # States reachable from `initial` without passing through the absorbing set.
    seen = np.zeros(n, dtype=bool)
    seen[initial] = True
    frontier = np.array([initial])
    while frontier.size:
        nxt = np.flatnonzero(union[frontier].any(axis=0) & ~seen & ~mask)
        seen[nxt] = True
        frontier = nxt
    idx = np.flatnonzero(seen)
    start = int(np.searchsorted(idx, initial))
    rows = r[:, idx]
    exit_rates = rows[:, :, mask].sum(axis=2)
    r_ss = rows[:, :, idx]
    if pattern.shape[0] == 1 or np.array_equal(union, pattern.all(axis=0)):
        reachable = bool(np.any(exit_rates[0] > 0))
    else:  # patterns differ: every item must reach the target on its own
        sub = r_ss > 0
        reach = np.zeros(exit_rates.shape, dtype=bool)
        reach[:, start] = True
        for _ in range(idx.size):
            new = reach | (reach[:, :, None] & sub).any(axis=1)
            if np.array_equal(new, reach):
                break
            reach = new
        reachable = bool(np.all((reach & (exit_rates > 0)).any(axis=1)))
    if not reachable:
        raise ValueError("the absorbing states cannot be reached from `initial`")
    return r_ss, exit_rates, start


def mean_time_to_absorption(q, absorbing, *, initial: int = 0) -> float:
    """Mean time until the chain first enters ``absorbing``, starting in state ``initial``.

    Parameters
    ----------
    q : array_like, shape (n, n)
        Generator (off-diagonal rates used).
    absorbing : array_like of int or bool mask
        The target states.
    initial : int
        Start state.

    Returns
    -------
    float
        Mean first-passage time, in the time unit of ``q`` (0 if ``initial`` is a target).

    Notes
    -----
    Restart the chain at ``initial`` with rate ``nu`` whenever it reaches the target set ``A``.
    The restarted chain is irreducible on the reachable states and regenerative, so by the
    renewal-reward theorem ``pi_A = (1/nu) / (E[tau] + 1/nu)``, i.e.
    ``E[tau] = sum_{i not in A} pi_i / (nu pi_A)``: a ratio of GTH stationary probabilities,
    free of subtraction, accurate to a few ulps times the number of states even when
    ``E[tau]`` is 1e25 times the fastest holding time.

    Examples
    --------
    >>> q = generator(3, [0, 1, 1], [1, 0, 2], [1.0, 1e6, 1.0])
    >>> round(mean_time_to_absorption(q, [2]), 1)  # 1e6 + 2 expected
    1000002.0
    """
    r_ss, exit_rates, start = _transient_block(_rates(q)[None], absorbing, initial)
    if r_ss is None:
        return 0.0
    r_ss, exit_rates = r_ss[0], exit_rates[0]
    m = r_ss.shape[0]
    nu = float(max(r_ss.sum(axis=1).max(), exit_rates.max()))
    big = np.zeros((m + 1, m + 1))
    big[:m, :m] = r_ss
    big[:m, m] = exit_rates
    big[m, start] = nu
    pi = stationary_distribution(big)
    return float(pi[:m].sum() / (nu * pi[m]))


#: Terms of the uniformization series (Lambda h <= 1/2: the tail is below 1e-60), evaluated as
#: a polynomial in P**_PS_STEP (Paterson-Stockmeyer): 11 matrix products instead of 40.
_SERIES_TERMS = 40
_PS_STEP = 6
_PS_BLOCKS = -(-(_SERIES_TERMS + 1) // _PS_STEP)


def _normalise(a: np.ndarray) -> np.ndarray:
    """Divide the rows (last axis) of ``a`` by their sums, in place."""
    a /= np.matmul(a, np.ones(a.shape[-1]))[..., None]
    return a


def _series_coefficients(x: np.ndarray) -> np.ndarray:
    """``x**n / n!`` for n = 0 .. _PS_STEP * _PS_BLOCKS - 1 (zero past _SERIES_TERMS), last axis."""
    c = np.zeros((_PS_STEP * _PS_BLOCKS, *x.shape))
    c[0] = 1.0
    for n in range(1, _SERIES_TERMS + 1):
        np.multiply(c[n - 1], x / n, out=c[n])
    return np.moveaxis(c, 0, -1)


def absorption_probability_within(q, absorbing, t, *, initial: int = 0):
    """``P(tau <= t)``: probability of entering ``absorbing`` by time ``t`` from ``initial``.

    Parameters
    ----------
    q : array_like, shape (n, n) or (B, n, n)
        Generator, or a stack of ``B`` generators solved together (off-diagonal rates used).
        The items of a stack share ``absorbing`` and ``initial``; the transient states kept are
        those reachable from ``initial`` in the union of the items' nonzero patterns (states an
        item cannot reach carry no probability for it).
    absorbing : array_like of int or bool mask
        The target states.
    t : float or array_like
        Horizon(s), in the time unit of ``q`` (> 0). With a 2-D ``q``: a scalar, or an array of
        horizons of the one chain. With a stack: a scalar (shared), shape ``(B,)`` (one horizon
        per item) or ``(B, J)`` (``J`` horizons per item).
    initial : int
        Start state.

    Returns
    -------
    float or numpy.ndarray
        The probability, with small relative error even when it is 1e-300: a float for a 2-D
        ``q`` and scalar ``t``; else an array of shape ``t.shape`` (2-D ``q``), ``(B,)``
        (stack, scalar or ``(B,)`` ``t``) or ``(B, J)``.

    Raises
    ------
    ValueError
        For a horizon <= 0, a ``t`` whose shape does not fit the stack, or a target that some
        item cannot reach.

    Notes
    -----
    The target set is merged into one absorbing state, so ``P(tau <= t)`` is the entry
    ``[initial, absorbing]`` of ``exp(A t)``, ``A`` the generator of the absorbed chain; no
    ``1 - survival`` is formed. ``exp(A h)`` for ``h = T / 2**k`` with ``Lambda h <= 1/2``
    (``Lambda`` the largest exit rate, ``T`` the item's longest horizon) is the uniformization
    series ``exp(-Lambda h) sum_n (Lambda h)^n / n! P^n`` with ``P = I + A / Lambda``
    non-negative, truncated at 40 terms (tail < 1e-60), evaluated as a polynomial in ``P^6``
    whose coefficients are combinations of ``I, P, ..., P^5`` (Paterson-Stockmeyer: 11 matrix
    products, all of non-negative matrices) and normalised to unit row sums (it is
    stochastic); it is then squared ``k`` times, normalising the rows after each product so that
    no rounding of a scale factor is raised to the power ``2**k``. With one horizon per item the
    answer is the entry of ``exp(A h)^(2**k)``. Several horizons ``t_j`` of one item share these
    squares: ``t_j = (N_j + f_j) h`` with ``N_j`` an integer and ``0 <= f_j < 1``, and the row
    ``e_initial exp(A t_j)`` is the row series for ``exp(A f_j h)`` (the rows
    ``e_initial P^n`` weighted by ``(Lambda f_j h)^n / n!``) times the squares
    ``exp(A 2**s h)`` of the set bits ``s`` of ``N_j`` (row-vector products only, each row
    normalised). Sums and products of non-negative matrices are accurate entrywise in relative
    terms, so the result's relative error grows only like ``2**k`` ulps in the worst case (about
    1e-8 for a year of 10 s repairs) where ``scipy.linalg.expm`` gives an absolute error near
    1e-16. Every item of a stack keeps its own ``Lambda`` and ``k`` (the same steps as alone);
    the series and the squarings are stacked matrix products over the batch axis (items in
    decreasing order of ``k``, the last squarings on a prefix of the stack); the reachable
    states are computed once for the stack. Cost ``O(B (11 + k) n^3 + B J (40 + k) n^2)``.

    Examples
    --------
    >>> q = generator(2, [0], [1], [1e-20])       # one exponential clock, rate 1e-20
    >>> p = absorption_probability_within(q, [1], 1.0)
    >>> bool(abs(p / -np.expm1(-1e-20) - 1) < 1e-12)
    True
    >>> absorption_probability_within(np.stack([q, 2 * q]), [1], 1.0).shape
    (2,)
    """
    r = _rates(q, batch=True)
    single = r.ndim == 2
    if single:
        r = r[None]
    b = r.shape[0]
    t_arr = np.asarray(check_positive("t", t), dtype=float)
    if single:
        out_shape = t_arr.shape
        tt = t_arr.reshape(1, -1)
    elif t_arr.ndim == 0:
        out_shape = (b,)
        tt = np.full((b, 1), float(t_arr))
    elif t_arr.ndim in (1, 2) and t_arr.shape[0] == b:
        out_shape = t_arr.shape
        tt = t_arr.reshape(b, -1)
    else:
        raise ParameterValueError(f"`t` must be a scalar or of shape ({b},) or ({b}, J) for a stack of "
                         f"{b} generators, got shape {t_arr.shape}")
    r_ss, exit_rates, start = _transient_block(r, absorbing, initial)
    if r_ss is None:
        res = np.ones(tt.shape)
    else:
        res = _absorbed_within(r_ss, exit_rates, start, tt)
    if single and t_arr.ndim == 0:
        return float(res[0, 0])
    return res.reshape(out_shape)


def _absorbed_within(r_ss, exit_rates, start, tt):
    """The solve of :func:`absorption_probability_within` on checked blocks: shape (B, J)."""
    b, m = exit_rates.shape
    out = r_ss.sum(axis=2) + exit_rates
    lam = out.max(axis=1)
    horizon = tt.max(axis=1)
    lt = lam * horizon
    k = np.zeros(b, dtype=np.int64)
    big = lt > 0.5
    k[big] = np.ceil(np.log2(lt[big] / 0.5)).astype(np.int64)
    h = horizon / np.exp2(k)
    # Items in decreasing order of k, so that the squarings still needed are on a prefix.
    order = np.argsort(-k, kind="stable")
    if not np.array_equal(order, np.arange(b)):
        r_ss, exit_rates, out, lam, k, h, tt = (a[order] for a in
                                                (r_ss, exit_rates, out, lam, k, h, tt))
    m1 = m + 1
    p = np.zeros((b, m1, m1))
    p[:, :m, :m] = r_ss / lam[:, None, None]
    p[:, :m, m] = exit_rates / lam[:, None]
    diag = np.arange(m)
    p[:, diag, diag] = 1.0 - out / lam[:, None]
    p[:, m, m] = 1.0
    x = lam * h
    # Powers P^0 .. P^_PS_STEP; the series is sum_r (sum_l c_{6r+l} P^l) (P^6)^r, by Horner.
    powers = np.empty((b, _PS_STEP + 1, m1, m1))
    powers[:, 0] = np.eye(m1)
    powers[:, 1] = p
    for n in range(2, _PS_STEP + 1):
        powers[:, n] = np.matmul(powers[:, n - 1], p)
    top = powers[:, _PS_STEP]
    low = powers[:, :_PS_STEP].reshape(b, _PS_STEP, m1 * m1)
    coef = _series_coefficients(x).reshape(b, _PS_BLOCKS, _PS_STEP)
    blocks = np.matmul(coef, low).reshape(b, _PS_BLOCKS, m1, m1)
    acc = blocks[:, -1]
    for r in range(_PS_BLOCKS - 2, -1, -1):
        acc = np.matmul(acc, top)
        acc += blocks[:, r]
    # exp(A h) is stochastic: normalise rows instead of multiplying by exp(-x), whose rounding
    # error would otherwise be raised to the power 2**k.
    e = _normalise(acc)
    y = tt / h[:, None]                       # horizons in steps h: in [0, 2**k]
    whole = np.floor(y)
    frac = y - whole
    j = tt.shape[1]
    v = np.zeros((b, j, m1))
    v[:, :, start] = 1.0
    if np.any(frac > 0):
        # Row series for exp(A f h): rows e_start P^n (n <= 40) times (x f)^n / n!.
        rows = np.empty((b, _PS_BLOCKS, _PS_STEP, m1))
        rows[:, 0] = powers[:, :_PS_STEP, start, :]
        for r in range(1, _PS_BLOCKS):
            rows[:, r] = np.matmul(rows[:, r - 1], top)
        v = _normalise(np.matmul(_series_coefficients(x[:, None] * frac),
                                 rows.reshape(b, _PS_BLOCKS * _PS_STEP, m1)))
    kmax = int(k[0]) if b else 0
    for s in range(kmax + 1):
        live = int(np.count_nonzero(k >= s))  # items with squares up to 2**s h
        bits = (np.floor(whole[:live] / 2.0**s) % 2.0) == 1.0
        if bits.any():
            w = _normalise(np.matmul(v[:live], e[:live]))
            v[:live][bits] = w[bits]
        if s < kmax:
            na = int(np.count_nonzero(k > s))
            e[:na] = _normalise(np.matmul(e[:na], e[:na]))
    res = np.minimum(1.0, v[:, :, m])
    if not np.array_equal(order, np.arange(b)):
        res = res[np.argsort(order)]
    return res
