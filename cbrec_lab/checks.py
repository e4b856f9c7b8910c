"""Argument checks shared by the whole library: counts, fractions, score arrays, item sets, users × items matrices.

Every public function of ``cbrec_lab`` checks its arguments before it works, and says what was wrong, repeats
the value and says what to do. The checks live here, once, so the same mistake gets the same message in every
lesson:

- :func:`positive_int` — a count (``k``, ``n_factors``, ``batch_size``): a Python or NumPy integer, never a
  ``bool`` (``True`` is an ``int`` in Python) or a float that happens to be whole.
- :func:`fraction` — a share of something (``test_fraction``, ``cold_fraction``), with or without its ends.
- :func:`interactions_to_csr` — a users × items interaction matrix (numpy, scipy.sparse, lists) as a canonical
  CSR matrix: zeros dropped, duplicates summed, indices sorted, NaN and infinity refused with their position.
- :func:`user_item_mask`, :func:`item_indices`, :func:`item_mask`, :func:`score_array` — the inputs of the
  rankings (:mod:`cbrec_lab.ranking`) and of the metrics (:mod:`cbrec_lab.metrics`).

A value of the wrong **type** raises :class:`ParameterTypeError` (a ``TypeError``); a value of the right type
outside its **range** raises :class:`~cbrec_lab.exceptions.ParameterError` (a ``ValueError``). Both derive from
``ParameterError``, so ``except ParameterError`` catches every refused argument.

Examples
--------
>>> positive_int(10, name="k")
10
>>> positive_int(None, name="max_items", allow_none=True) is None
True
>>> fraction(0.2, name="test_fraction")
0.2
>>> interactions_to_csr([[0, 2], [1, 0]]).toarray()
array([[0., 2.],
       [1., 0.]])
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from .exceptions import ParameterError, ParameterTypeError

__all__ = [
    "ParameterTypeError",
    "positive_int",
    "fraction",
    "interactions_to_csr",
    "user_item_mask",
    "item_indices",
    "item_mask",
    "score_array",
]


# ------------------------------------------------------------------------------------------------- numbers
def _int_kind(minimum: int, allow_none: bool) -> str:
    kind = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer ≥ {minimum}")
    return kind + (" or None" if allow_none else "")


def positive_int(value, *, name: str, minimum: int = 1, allow_none: bool = False) -> int | None:
    """``value`` as a Python ``int`` when it is an integer ``≥ minimum``; a specific error otherwise.

    Parameters
    ----------
    value
        The argument to check. Python and NumPy integers are accepted; ``bool``, floats (even ``3.0``) and
        strings are not: a count given as ``True`` or ``2.5`` is almost always a mistake worth hearing about.
    name : str
        The argument's name, repeated in the message (e.g. ``"k"``, ``"--per-genre"``).
    minimum : int
        Smallest value allowed: 1 (default, "a positive integer"), 0 ("a non-negative integer") or any other.
    allow_none : bool
        Whether ``None`` is accepted (and returned as ``None``), e.g. for "no limit".

    Returns
    -------
    int or None

    Raises
    ------
    ParameterTypeError
        ``value`` is a bool, a float, a string or anything else that is not an integer.
    ParameterError
        ``value`` is an integer below ``minimum``.

    Examples
    --------
    >>> positive_int(0, name="n_factors", minimum=0)
    0
    >>> positive_int(0, name="k")
    Traceback (most recent call last):
    ...
    cbrec_lab.exceptions.ParameterError: k must be a positive integer, got 0; pass a whole number ≥ 1.
    """
    if value is None and allow_none:
        return None
    kind = _int_kind(minimum, allow_none)
    if isinstance(value, bool) or not isinstance(value, Integral):
        whole_float = isinstance(value, float) and value.is_integer()
        hint = f"int({value!r})" if whole_float else f"e.g. {name}={max(minimum, 1)}"
        raise ParameterTypeError(
            f"{name} must be {kind}, got {value!r} of type {type(value).__name__}; pass a whole number ({hint})."
        )
    if value < minimum:
        raise ParameterError(f"{name} must be {kind}, got {value!r}; pass a whole number ≥ {minimum}.")
    return int(value)


def fraction(value, *, name: str, include_zero: bool = False, include_one: bool = False) -> float:
    """``value`` as a float when it is a real number between 0 and 1; a specific error otherwise.

    Parameters
    ----------
    value
        The argument to check: a Python or NumPy real number, not a bool.
    name : str
        The argument's name, repeated in the message.
    include_zero, include_one : bool
        Whether 0 and 1 themselves are allowed. By default both are refused: the interval is ``(0, 1)``.

    Returns
    -------
    float

    Raises
    ------
    ParameterTypeError
        ``value`` is a bool, a string or anything else that is not a real number.
    ParameterError
        ``value`` is NaN or outside the interval.

    Examples
    --------
    >>> fraction(0, name="cold_fraction", include_zero=True)
    0.0
    >>> fraction(1.0, name="test_fraction")
    Traceback (most recent call last):
    ...
    cbrec_lab.exceptions.ParameterError: test_fraction must be a number strictly between 0 and 1, got 1.0; ...
    """
    if include_zero or include_one:
        interval = f"in {'[' if include_zero else '('}0, 1{']' if include_one else ')'}"
    else:
        interval = "strictly between 0 and 1"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterTypeError(
            f"{name} must be a number {interval}, got {value!r} of type {type(value).__name__}; pass a float such "
            f"as {name}=0.2."
        )
    low_ok = value >= 0 if include_zero else value > 0
    high_ok = value <= 1 if include_one else value < 1
    if not (low_ok and high_ok):  # NaN fails both
        raise ParameterError(
            f"{name} must be a number {interval}, got {value!r}; it is a share, e.g. {name}=0.2 for 20 %."
        )
    return float(value)


# --------------------------------------------------------------------------------------- users × items
def _first_entry(matrix: sp.csr_matrix, bad: np.ndarray) -> tuple[int, int, int]:
    """(count, user, item) of the entries of a CSR matrix flagged in ``bad`` (a mask over ``matrix.data``)."""
    first = int(np.argmax(bad))
    user = int(np.searchsorted(matrix.indptr, first, side="right") - 1)
    return int(bad.sum()), user, int(matrix.indices[first])


def interactions_to_csr(
    interactions,
    *,
    name: str = "interactions",
    shape: tuple[int, int] | None = None,
    dtype=np.float64,
    binary: bool = False,
    non_negative: bool = False,
    require_entries: bool = False,
) -> sp.csr_matrix:
    """A users × items matrix (numpy, scipy.sparse or nested lists) as a new, canonical CSR matrix.

    The result never shares memory with the input; its explicit zeros are dropped, duplicate entries summed
    and the column indices of every row sorted, so two equal matrices have equal arrays.

    Parameters
    ----------
    interactions : scipy.sparse matrix or array-like [shape=(n_users, n_items)]
        Play counts, ratings, 0/1 or booleans; non-zero entries are interactions.
    name : str
        The argument's name, repeated in the messages.
    shape : tuple of int, optional
        The shape the matrix must have (e.g. that of a score matrix).
    dtype : numpy dtype or None
        Dtype of the result (float64 by default; ``bool`` for a pure membership matrix; ``None`` keeps the
        input's, e.g. integer play counts).
    binary : bool
        Set every interaction to 1 (``True``): counts become "played or not".
    non_negative : bool
        Refuse negative entries (play counts, ratings on a 0.. scale).
    require_entries : bool
        Refuse a matrix without any interaction.

    Returns
    -------
    scipy.sparse.csr_matrix [shape=(n_users, n_items)]

    Raises
    ------
    ParameterTypeError
        Not a matrix of numbers or booleans (strings, objects, a table).
    ParameterError
        Not 2-D, with an empty dimension, of another shape than ``shape``, with NaN or infinite entries
        (the message names the first), negative entries when ``non_negative``, or no entry when
        ``require_entries``.

    Examples
    --------
    >>> interactions_to_csr(np.array([[0, 3], [0, 0]]), binary=True, dtype=bool).toarray()
    array([[False,  True],
           [False, False]])
    """
    if sp.issparse(interactions):
        matrix = sp.csr_matrix(interactions, copy=True)
    else:
        try:
            array = np.asarray(interactions)
        except (TypeError, ValueError) as error:  # ragged lists
            raise ParameterError(
                f"{name} must be a users × items matrix, got {type(interactions).__name__}: {error}"
            ) from None
        if array.ndim != 2:
            raise ParameterError(
                f"{name} must be a 2-D users × items matrix (numpy or scipy.sparse), got shape {array.shape}."
            )
        if array.dtype.kind not in "biuf":
            raise ParameterTypeError(
                f"{name} must hold real numbers or booleans (non-zero entries mark interactions), got dtype "
                f"{array.dtype} from {type(interactions).__name__}; convert it, e.g. with .astype(float)."
            )
        matrix = sp.csr_matrix(array)
    if matrix.dtype.kind not in "biuf":
        raise ParameterTypeError(f"{name} must hold real numbers or booleans, got dtype {matrix.dtype}.")
    if 0 in matrix.shape:
        raise ParameterError(f"{name} must be a non-empty users × items matrix, got shape {matrix.shape}.")
    if shape is not None and matrix.shape != tuple(shape):
        raise ParameterError(f"{name} must have shape {tuple(shape)} (users × items), got shape {matrix.shape}.")
    bad = ~np.isfinite(matrix.data) if matrix.dtype.kind == "f" else np.zeros(matrix.nnz, dtype=bool)
    if non_negative and matrix.dtype.kind in "if":
        bad |= matrix.data < 0
    if bad.any():
        count, user, item = _first_entry(matrix, bad)
        value = matrix.data[bad][0].item()
        what, which, fix = (
            ("finite and non-negative", "NaN, infinite or negative", "np.nan_to_num(matrix.data).clip(0)")
            if non_negative
            else ("finite", "NaN or infinite", "np.nan_to_num(matrix.data)")
        )
        raise ParameterError(
            f"{name} must be {what}: {count} entries are not ({which}), the first {value!r} at user {user}, "
            f"item {item}. Clean or drop those entries (e.g. matrix.data = {fix}) first."
        )
    matrix.sum_duplicates()  # also sorts the indices
    matrix.eliminate_zeros()
    if binary:
        matrix.data = np.ones(matrix.nnz, dtype=matrix.dtype if dtype is None else dtype)
    elif dtype is not None:
        matrix = matrix.astype(dtype, copy=False)
    if require_entries and matrix.nnz == 0:
        raise ParameterError(f"{name} (shape {matrix.shape}) has no interaction: every entry is 0.")
    return matrix


def user_item_mask(matrix, shape: tuple[int, int], *, name: str):
    """A users × items relevance or exclusion matrix as CSR (sparse input) or a boolean array (dense input).

    Dense input stays dense (a batch of rows is read from it without conversion); non-zero entries mark
    items. NaN is refused rather than counted (``NaN != 0`` is true).

    Parameters
    ----------
    matrix : scipy.sparse matrix or array-like [shape=shape]
    shape : tuple of int
        ``(n_users, n_items)``, usually the shape of the scores.
    name : str
        The argument's name, repeated in the messages.

    Returns
    -------
    scipy.sparse.csr_matrix or np.ndarray [dtype=bool]

    Raises
    ------
    ParameterError
        Another shape, or NaN entries (the message names the first).
    """
    if sp.issparse(matrix):
        if matrix.shape != tuple(shape):
            raise ParameterError(f"{name} must have the shape of scores {tuple(shape)}, got shape {matrix.shape}.")
        matrix = sp.csr_matrix(matrix, copy=True)
        matrix.eliminate_zeros()
        if matrix.dtype.kind == "f" and np.isnan(matrix.data).any():
            _refuse_nan(name, *_first_entry(matrix, np.isnan(matrix.data)))
        return matrix
    array = np.asarray(matrix)
    if array.shape != tuple(shape):
        raise ParameterError(f"{name} must have the shape of scores {tuple(shape)}, got shape {array.shape}.")
    if np.issubdtype(array.dtype, np.inexact) and np.isnan(array).any():
        user, item = np.argwhere(np.isnan(array))[0]
        _refuse_nan(name, int(np.isnan(array).sum()), int(user), int(item))
    return array != 0


def _refuse_nan(name: str, count: int, user: int, item: int) -> None:
    raise ParameterError(
        f"{name} holds NaN ({count} in total, the first at user {user}, item {item}); NaN is neither relevant "
        "nor irrelevant. Mark each entry 0 or 1 (or a positive count), e.g. with np.nan_to_num, before evaluating."
    )


# --------------------------------------------------------------------------------------------- item sets
def item_indices(values, *, name: str) -> np.ndarray:
    """Sorted unique non-negative item indices from a set, a list, an index array or a 1-D boolean mask.

    Raises
    ------
    ParameterError
        Not 1-D, not integers, or a negative index.

    Examples
    --------
    >>> item_indices({3, 1, 3}, name="relevant")
    array([1, 3])
    """
    if isinstance(values, (set, frozenset)):
        values = sorted(values)
    array = np.asarray(values)
    if array.dtype == bool:
        if array.ndim != 1:
            raise ParameterError(f"{name} as a boolean mask must be 1-D, got shape {array.shape}.")
        return np.flatnonzero(array)
    array = array.ravel() if array.ndim == 0 else array
    if array.ndim != 1:
        raise ParameterError(f"{name} must be a 1-D collection of item indices, got shape {array.shape}.")
    if array.size == 0:
        return np.empty(0, dtype=np.int64)
    if not np.issubdtype(array.dtype, np.integer):
        raise ParameterError(f"{name} must hold integer item indices, got dtype {array.dtype}: {array[:10]!r}.")
    if array.min() < 0:
        raise ParameterError(f"{name} must hold non-negative item indices, got {int(array.min())}.")
    return np.unique(array.astype(np.int64))


def item_mask(values, n_items: int, *, name: str) -> np.ndarray:
    """A boolean mask of length ``n_items`` from item indices or a mask (``None`` marks nothing).

    Raises
    ------
    ParameterError
        A mask of another length, or an index ``≥ n_items`` (and the errors of :func:`item_indices`).

    Examples
    --------
    >>> item_mask([0, 2], 4, name="exclude")
    array([ True, False,  True, False])
    """
    mask = np.zeros(n_items, dtype=bool)
    if values is None:
        return mask
    array = np.asarray(sorted(values) if isinstance(values, (set, frozenset)) else values)
    if array.dtype == bool:
        if array.shape != (n_items,):
            raise ParameterError(
                f"{name} as a boolean mask must have one entry per item, shape ({n_items},), got shape {array.shape}."
            )
        return array.copy()
    indices = item_indices(array, name=name)
    if indices.size and indices[-1] >= n_items:
        raise ParameterError(
            f"{name} holds item index {indices[-1]}, but there are only {n_items} items (0–{n_items - 1})."
        )
    mask[indices] = True
    return mask


def score_array(scores, *, ndim: int) -> np.ndarray:
    """Scores as a float64 array of ``ndim`` dimensions (1: one user, 2: users × items), never empty.

    One user's scores (``ndim=1``) are also checked for NaN, which cannot be ranked; a score matrix is checked
    batch by batch by its users (the message then names the user).

    Raises
    ------
    ParameterError
        A scipy.sparse matrix, another number of dimensions, no item, a non-real dtype, NaN in 1-D scores.
    """
    if sp.issparse(scores):
        raise ParameterError("scores must be a dense numpy array, got a scipy.sparse matrix: use scores.toarray().")
    scores = np.asarray(scores)
    if scores.ndim != ndim or scores.shape[-1] == 0:
        shape = "(n_items,)" if ndim == 1 else "(n_users, n_items)"
        raise ParameterError(f"scores must be a non-empty array of shape {shape}, got shape {scores.shape}.")
    if not (np.issubdtype(scores.dtype, np.number) or scores.dtype == bool) or np.iscomplexobj(scores):
        raise ParameterError(f"scores must be real numbers, got dtype {scores.dtype}.")
    scores = scores.astype(np.float64, copy=False)
    if ndim == 1 and np.isnan(scores).any():
        bad = np.flatnonzero(np.isnan(scores))
        raise ParameterError(
            f"scores contain NaN at item(s) {bad[:10].tolist()}: a NaN cannot be ranked; "
            "replace it (e.g. with -inf) before ranking."
        )
    return scores
