"""Collaborative filtering on implicit feedback: weighted matrix factorisation (WMF) trained by alternating
least squares, through the ``implicit`` package.

Hu, Koren & Volinsky (2008), as the thesis writes it: from play counts ``r_ui`` define the preference
``p_ui = 1(r_ui > 0)`` and the confidence

    c_ui = 1 + α · log(1 + r_ui / ε)          (``confidence="log"``, the thesis's choice)
    c_ui = 1 + α · r_ui                        (``confidence="linear"``, the paper's first proposal)

and minimise ``Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)`` over user factors ``x_u`` and
item factors ``y_i``. Unobserved pairs have ``p_ui = 0`` and ``c_ui = 1``.

``implicit``'s ALS solves exactly this objective when it is given the confidences ``c_ui`` of the observed
pairs (it adds ``(c_ui − 1) y_i y_iᵀ`` to the shared ``YᵀY`` for each observed pair), so the library passes it
``c_ui`` and not the raw counts — passing counts would mean ``c_ui = r_ui``. Its CUDA implementation is used
when ``implicit`` was built with CUDA and a GPU is present.

References
----------
1. Hu, Y., Koren, Y., & Volinsky, C. (2008). Collaborative filtering for implicit feedback datasets. *ICDM*.
   https://doi.org/10.1109/ICDM.2008.22
2. Takács, G., Pilászy, I., & Tikk, D. (2011). Applications of the conjugate gradient method for implicit
   feedback collaborative filtering. *RecSys* (the solver ``implicit`` uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import scipy.sparse as sp

from .checks import positive_int
from .exceptions import ParameterError
from .recommender import Recommender

__all__ = ["confidence", "WMF"]


def confidence(plays, *, alpha: float = 40.0, epsilon: float = 1.0, kind: str = "log") -> sp.csr_matrix:
    """Confidence ``c_ui`` of every observed user–item pair (the sparsity pattern of ``plays`` is kept).

    Parameters
    ----------
    plays : scipy.sparse matrix [shape=(n_users, n_items)]
        Non-negative play counts ``r_ui``; zeros are unobserved.
    alpha : float
        Scale ``α > 0``.
    epsilon : float
        ``ε > 0`` of the logarithmic form (ignored by the linear form).
    kind : {"log", "linear"}
        ``1 + α log(1 + r/ε)`` or ``1 + α r``.

    Returns
    -------
    scipy.sparse.csr_matrix [dtype=float32]
    """
    if kind not in ("log", "linear"):
        raise ParameterError(f"confidence kind must be 'log' or 'linear', got {kind!r}.")
    if not alpha > 0 or not epsilon > 0:
        raise ParameterError(f"alpha and epsilon must be positive, got alpha={alpha!r}, epsilon={epsilon!r}.")
    matrix = sp.csr_matrix(plays, dtype=np.float32, copy=True)
    matrix.eliminate_zeros()
    if matrix.nnz and (matrix.data.min() < 0 or not np.isfinite(matrix.data).all()):
        raise ParameterError("Play counts must be finite and non-negative.")
    if kind == "log":
        matrix.data = 1 + alpha * np.log1p(matrix.data / epsilon)
    else:
        matrix.data = 1 + alpha * matrix.data
    return matrix


@dataclass
class WMF(Recommender):
    """Weighted matrix factorisation of implicit feedback (see the module docstring for the objective).

    A :class:`cbrec_lab.recommender.Recommender`: ``fit(plays)``, ``score(users, items)`` (the predicted
    preferences ``x_uᵀ y_i``), ``recommend(users, k)``.

    Parameters
    ----------
    n_factors : int
        Latent dimension (50 in the thesis).
    regularization : float
        ``λ``.
    iterations : int
        ALS sweeps.
    alpha, epsilon, confidence : float, float, str
        The confidence function, see :func:`confidence`.
    seed : int
        Initialisation seed: the same seed and data give the same factors.
    use_gpu : bool or None
        ``None`` uses the GPU when ``implicit`` has CUDA support and finds a device.

    Raises
    ------
    ParameterError
        At construction, if ``n_factors`` or ``iterations`` is not a positive integer or ``regularization`` is
        negative or not finite.

    Attributes
    ----------
    user_factors_ : numpy.ndarray [shape=(n_users, n_factors)]
    item_factors_ : numpy.ndarray [shape=(n_items, n_factors)]
    seen_ : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=bool]
        The pairs with plays in the matrix given to ``fit``, left out by :meth:`recommend` by default.
    """

    n_factors: int = 50
    regularization: float = 0.1
    iterations: int = 15
    alpha: float = 40.0
    epsilon: float = 1.0
    confidence: str = "log"
    seed: int = 0
    use_gpu: bool | None = None
    user_factors_: np.ndarray | None = field(default=None, init=False, repr=False)
    item_factors_: np.ndarray | None = field(default=None, init=False, repr=False)
    seen_: sp.csr_matrix | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # checked here, not in fit(): implicit answers factors=0 with a page of BLAS errors
        for name in ("n_factors", "iterations"):
            positive_int(getattr(self, name), name=name)
        if (
            isinstance(self.regularization, bool)
            or not isinstance(self.regularization, Real)
            or not (np.isfinite(self.regularization) and self.regularization >= 0)
        ):
            raise ParameterError(f"WMF: regularization must be a finite number ≥ 0, got {self.regularization!r}.")

    def fit(self, plays) -> WMF:
        """Learn user and item factors from a users × items play-count matrix.

        Parameters
        ----------
        plays : scipy.sparse matrix or array_like [shape=(n_users, n_items)]
            Non-negative play counts ``r_ui``; zeros are unobserved.

        Returns
        -------
        self
        """
        import implicit
        from threadpoolctl import threadpool_limits

        plays = sp.csr_matrix(plays)
        if plays.ndim != 2 or min(plays.shape) == 0:
            raise ParameterError(f"plays must be a non-empty users × items matrix, got shape {plays.shape}.")
        weights = confidence(plays, alpha=self.alpha, epsilon=self.epsilon, kind=self.confidence)
        gpu = implicit.gpu.HAS_CUDA if self.use_gpu is None else self.use_gpu
        with threadpool_limits(1, "blas"):  # implicit parallelises itself; nested BLAS threads only slow it
            model = implicit.als.AlternatingLeastSquares(
                factors=self.n_factors,
                regularization=self.regularization,
                iterations=self.iterations,
                random_state=self.seed,
                use_gpu=gpu,
            )
            model.fit(weights, show_progress=False)
        if gpu:
            model = model.to_cpu()
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float32)
        self._remember(plays, name="plays")
        return self

    def _score(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted preferences ``x_uᵀ y_i``."""
        return self.user_factors_[users] @ self.item_factors_[items].T

    def similar_items(self, item: int, *, n: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The ``n`` items whose factors have the highest cosine with ``item``'s (itself excluded).

        Returns
        -------
        (indices, cosines) : numpy.ndarray, numpy.ndarray
            Best first; ties broken by the lower index.
        """
        self._fitted()
        factors = self.item_factors_
        if not 0 <= item < len(factors):
            raise ParameterError(f"item must be a row of the item factors (0–{len(factors) - 1}), got {item!r}.")
        norms = np.linalg.norm(factors, axis=1)
        cosine = factors @ factors[item] / np.maximum(norms * norms[item], 1e-12)
        cosine[item] = -np.inf
        order = np.lexsort((np.arange(len(cosine)), -cosine))[:n]
        return order, cosine[order]
