"""One interface for every recommender the course trains: ``fit``, ``score``, ``recommend``.

WMF (:class:`cbrec_lab.cf.WMF`), BPR-MF and VBPR (:mod:`cbrec_lab.models.pairwise`), the content-based
recommender and the weighted hybrid (:mod:`cbrec_lab.recommend`) share the base class :class:`Recommender`, in
the spirit of Cornac's ``Recommender`` and the ``implicit`` package's models:

- ``fit(interactions, ...) -> self`` learns from a users × items matrix of implicit feedback (non-zero entries are
  the pairs seen) and remembers those pairs in ``seen_``;
- ``score(users=None, items=None)`` returns a dense float matrix, one row per user, one column per item (all items,
  or the ``items`` asked for, in their order), higher is better;
- ``recommend(users=None, k=10, exclude_seen=True)`` returns each user's top-``k`` item indices, best first, ties
  broken by the lower item index (:func:`cbrec_lab.ranking.top_k`), without the pairs ``fit`` saw.

Users and items are row and column indices of the matrix given to ``fit`` (map ids to indices first). The same
names mean the same things in every model: ``n_factors`` (latent dimension), ``regularization`` (the
penalty's weight ``λ``), and the fitted attributes end with an underscore (``user_factors_``,
``item_factors_``, ``seen_``).

Examples
--------
>>> import numpy as np
>>> class ItemPopularity(Recommender):
...     def fit(self, interactions):
...         self._remember(interactions)
...         self.popularity_ = np.asarray(self.seen_.sum(axis=0), dtype=float).ravel()
...         return self
...     def _score(self, users, items):
...         return np.tile(self.popularity_[items], (len(users), 1))
>>> model = ItemPopularity().fit([[1, 1, 0, 0], [0, 1, 0, 1], [0, 0, 0, 1]])
>>> model.score([0]).tolist()
[[1.0, 2.0, 0.0, 2.0]]
>>> model.recommend([0, 2], k=2).tolist()
[[3, 2], [1, 0]]
"""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp

from .checks import interactions_to_csr, positive_int
from .exceptions import ParameterError
from .ranking import top_k

__all__ = ["Recommender"]

#: Users scored at a time by :meth:`Recommender.recommend` (bounds its memory to this many dense score rows).
RECOMMEND_BATCH = 1024


def _indices(values, *, size: int, name: str, source: str) -> np.ndarray:
    """``values`` as a 1-D int64 array of indices in ``0 … size − 1`` (a scalar gives one index)."""
    array = np.asarray(values)
    if array.ndim > 1:
        raise ParameterError(f"{name} must be a 1-D sequence of {source} indices, got shape {array.shape}.")
    array = array.reshape(-1)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ParameterError(f"{name} must be integer {source} indices, got dtype {array.dtype}: {array[:10]!r}.")
    outside = array[(array < 0) | (array >= size)]
    if outside.size:
        raise ParameterError(
            f"{name} must be {source} indices 0–{size - 1} of the matrix given to fit, got {outside[:10].tolist()}; "
            "map ids to indices first (negative indices are not allowed)."
        )
    return array.astype(np.int64)


class Recommender:
    """Base class of the course's recommenders (see the module docstring for the contract).

    A subclass implements ``fit``, which calls :meth:`_remember` with the feedback it learns from and returns
    ``self``, and ``_score(users, items)``, which gets validated int64 index arrays (``items`` of every item when
    :meth:`score` is called without ``items``) and returns a ``(len(users), len(items))`` array. Validation,
    the ``seen_`` matrix and top-``k`` lists are written once, here.

    Attributes
    ----------
    seen_ : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=bool]
        The user–item pairs that ``fit`` learnt from (the non-zero entries of its ``interactions``): the items
        that :meth:`recommend` leaves out by default. None before ``fit``.
    """

    seen_: sp.csr_matrix | None = None

    def fit(self, interactions, *args, **kwargs) -> Self:
        """Learn from a users × items matrix of implicit feedback (non-zero entries are the pairs seen).

        Returns
        -------
        self
        """
        raise NotImplementedError(f"{type(self).__name__} must implement fit(interactions, ...).")

    def _score(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement _score(users, items).")

    # ----------------------------------------------------------------------------------------- shared plumbing
    def _remember(self, interactions, *, name: str = "interactions") -> sp.csr_matrix:
        """Keep the non-zero pairs of ``interactions`` as ``seen_`` (boolean CSR) and return them."""
        self.seen_ = interactions_to_csr(interactions, name=name, binary=True, dtype=bool)
        return self.seen_

    def _fitted(self) -> sp.csr_matrix:
        if self.seen_ is None:
            raise ParameterError(f"This {type(self).__name__} is not fitted yet: call fit(interactions, ...) first.")
        return self.seen_

    @property
    def n_users(self) -> int:
        """Rows of the matrix given to ``fit``."""
        return self._fitted().shape[0]

    @property
    def n_items(self) -> int:
        """Columns of the matrix given to ``fit``."""
        return self._fitted().shape[1]

    def _users(self, users) -> np.ndarray:
        """Validated user rows (all users for None)."""
        n_users = self.n_users
        if users is None:
            return np.arange(n_users, dtype=np.int64)
        return _indices(users, size=n_users, name="users", source="user row")

    def _items(self, items) -> np.ndarray:
        """Validated item columns (all items for None)."""
        n_items = self.n_items
        if items is None:
            return np.arange(n_items, dtype=np.int64)
        return _indices(items, size=n_items, name="items", source="item column")

    # ------------------------------------------------------------------------------------------ the interface
    def score(self, users=None, items=None) -> np.ndarray:
        """Scores of items for users, higher is better.

        Parameters
        ----------
        users : int or sequence of int, optional
            Rows of the matrix given to ``fit`` (default: every user, in order).
        items : int or sequence of int, optional
            Columns of that matrix (default: every item, in order).

        Returns
        -------
        numpy.ndarray [shape=(len(users), n_items) or (len(users), len(items)), dtype=float]

        Raises
        ------
        ParameterError
            If the model is not fitted, or ``users``/``items`` hold a non-integer or an index outside the matrix
            given to ``fit`` (a negative index would otherwise silently wrap around).
        """
        return self._score(self._users(users), self._items(items))

    def recommend(self, users=None, k: int = 10, *, exclude_seen: bool = True) -> np.ndarray:
        """Each user's top-``k`` items, best first, ties broken by the lower item index.

        Parameters
        ----------
        users : int or sequence of int, optional
            Rows of the matrix given to ``fit`` (default: every user).
        k : int > 0
            Length of the lists.
        exclude_seen : bool
            Leave out the items each user had in the matrix given to ``fit`` (``seen_``).

        Returns
        -------
        numpy.ndarray [shape=(len(users), k), dtype=int64]
            Item indices; ``-1`` fills the places of users with fewer than ``k`` items left to recommend.

        Raises
        ------
        ParameterError
            If ``k`` is not a positive integer, or as :meth:`score`.

        See Also
        --------
        cbrec_lab.ranking.top_k : the ranking used here.
        """
        k = positive_int(k, name="k")
        users = self._users(users)
        seen = self.seen_
        out = np.full((users.size, k), -1, dtype=np.int64)
        for start in range(0, users.size, RECOMMEND_BATCH):
            batch = users[start : start + RECOMMEND_BATCH]
            scores = np.asarray(self.score(batch), dtype=np.float64)
            out[start : start + batch.size] = top_k(scores, k, exclude=seen[batch] if exclude_seen else None)
        return out
