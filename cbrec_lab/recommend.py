"""Content-based artwork recommendation: the scorers of the UGallery study (Messina et al. 2019) and their hybrid.

Every scorer returns a dense float matrix of shape ``(n_cases, n_items)`` — one row per evaluation case
(one user at one moment, e.g. the :class:`cbrec_lab.evaluation.ReplayCases` of a replay), one column per item,
higher is better. The scorers do not know which items are on sale: the evaluation
(:func:`cbrec_lab.evaluation.evaluate_replay`) ranks the available items only. ``P_u`` is the user's profile
(the items bought before the case), given as a users × items matrix whose non-zero entries mark the items
(values are not used as weights).

Methods (numbering of the paper's section 4)
--------------------------------------------
- **MPCAV** (Most Popular Curated Attribute Value, :func:`mpcav_scores`): items whose curated attribute values
  (medium, colours, tags, …) are popular among the purchases seen so far.
- **PMPCAV** (its personalised version, :func:`pmpcav_scores`): items whose attribute values are frequent
  among the user's own purchases.
- **FA** (Favourite Artist, :func:`favourite_artist_scores`): items by the artists the user bought from.
- **CNN / HVF** (:func:`content_scores`): cosine similarity of visual feature vectors — learned (CNN
  embeddings) or hand-crafted (attractiveness, LBP) — aggregated over the profile by maximum, average or the
  average of the top ``K``.
- **Hybrid** (:func:`hybrid_scores`, :class:`HybridRecommender`): a weighted sum of per-case min–max
  normalised scores, with the weights chosen on validation cases.
- Baselines: :func:`random_scores`, :func:`most_popular_scores`.

The content scorer and the hybrid also come as :class:`cbrec_lab.recommender.Recommender` s, to be fitted once
and asked for any users and items: :class:`ContentRecommender` (item features, the users' items seen in
``fit``) and :class:`HybridRecommender` (a weighted sum of fitted recommenders). Hybrid weights are tuned on
validation cases by :func:`cbrec_lab.evaluation.tune_hybrid_weights`.

References
----------
1. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2019). Content-based artwork
   recommendation: integrating painting metadata with neural and manually-engineered visual features.
   *User Modeling and User-Adapted Interaction*, 29(2), 251–290. https://doi.org/10.1007/s11257-018-9206-9
2. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2018). Exploring content-based artwork
   recommendation with metadata and visual features. arXiv:1706.05786.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .checks import positive_int
from .exceptions import ParameterError
from .recommender import Recommender

__all__ = [
    "AGGREGATIONS",
    "attribute_matrix",
    "content_scores",
    "favourite_artist_scores",
    "pmpcav_scores",
    "mpcav_scores",
    "most_popular_scores",
    "random_scores",
    "NORMALISATIONS",
    "normalise_scores",
    "hybrid_scores",
    "ContentRecommender",
    "HybridRecommender",
]

#: Aggregations of :func:`content_scores`.
AGGREGATIONS = ("max", "average", "top_k")

#: Largest number of float64 similarities :func:`content_scores` holds at once (32 MiB).
_CHUNK_ELEMENTS = 1 << 22


# --------------------------------------------------------------------------------------------- validation
def _binary_profile(profile, *, name: str = "profile") -> sp.csr_matrix:
    """A cases × items matrix as CSR of ones (non-zero entries mark the items)."""
    if sp.issparse(profile):
        matrix = sp.csr_matrix(profile, dtype=np.float64, copy=True)
    else:
        array = np.asarray(profile)
        if array.ndim != 2:
            raise ParameterError(
                f"{name} must be a 2-D (n_cases, n_items) matrix (scipy.sparse or numpy), got shape {array.shape}."
            )
        if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            raise ParameterError(f"{name} must hold numbers or booleans, got dtype {array.dtype}.")
        matrix = sp.csr_matrix(array.astype(np.float64))
    if matrix.ndim != 2:
        raise ParameterError(f"{name} must be a 2-D (n_cases, n_items) matrix, got shape {matrix.shape}.")
    if not np.isfinite(matrix.data).all():
        raise ParameterError(f"{name} holds NaN or infinite entries; mark the items with 1 and the rest with 0.")
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _check_n_items(n_items: int, n_rows: int, *, name: str, rows_name: str) -> None:
    if n_rows != n_items:
        raise ParameterError(
            f"{rows_name} has {n_rows} row(s) but the profile has {n_items} item column(s): give one row per item, "
            f"in the order of the profile's columns ({name})."
        )


def _dense_scores(scores, *, name: str) -> np.ndarray:
    if sp.issparse(scores):
        raise ParameterError(f"{name} must be a dense numpy array, got a scipy.sparse matrix: use .toarray().")
    array = np.asarray(scores)
    if array.ndim != 2:
        raise ParameterError(f"{name} must be a 2-D (n_cases, n_items) array, got shape {array.shape}.")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or np.iscomplexobj(array):
        raise ParameterError(f"{name} must hold real numbers, got dtype {array.dtype}.")
    return array.astype(np.float64)


# ------------------------------------------------------------------------------------------- attributes
def attribute_matrix(attribute_values, *, sep: str | None = ";") -> tuple[sp.csr_matrix, list[str]]:
    """One-hot (or multi-hot) incidence of items × attribute values.

    Parameters
    ----------
    attribute_values : sequence of str, pandas.Series, pandas.DataFrame or mapping of str to sequence
        One value per item (e.g. the medium), or for a set-valued attribute the values joined by ``sep``
        (e.g. colours ``"red;blue"``). A DataFrame or a mapping gives several attributes at once (its columns);
        their values are kept apart (``"medium=oil"`` and ``"tags=oil"`` are different columns). Missing or
        empty values give no column.
    sep : str or None
        Separator of set-valued attributes; ``None`` never splits (e.g. artist names).

    Returns
    -------
    (matrix, labels) : scipy.sparse.csr_matrix [shape=(n_items, n_values)], list of str
        ``matrix[i, v] = 1`` when item ``i`` has value ``v`` (once, even if listed twice); ``labels[v]`` is
        ``"attribute=value"`` (``"value"`` for a single unnamed attribute).

    Examples
    --------
    >>> matrix, labels = attribute_matrix(["red;blue", "blue", ""])
    >>> labels
    ['red', 'blue']
    >>> matrix.toarray().tolist()
    [[1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    """
    if sep is not None and (not isinstance(sep, str) or sep == ""):
        raise ParameterError(f"sep must be a non-empty string or None, got {sep!r}.")
    if isinstance(attribute_values, pd.DataFrame):
        columns = {str(name): attribute_values[name] for name in attribute_values.columns}
        prefix = True
    elif isinstance(attribute_values, Mapping):
        columns = {str(name): values for name, values in attribute_values.items()}
        prefix = True
    else:
        columns = {"": attribute_values}
        prefix = False
    if not columns:
        raise ParameterError("attribute_values has no attribute (an empty DataFrame or mapping); give at least one.")
    lengths = (
        {name: len(values) for name, values in columns.items()}
        if all(hasattr(values, "__len__") and not isinstance(values, str) for values in columns.values())
        else None
    )
    if lengths is None:
        raise ParameterError(
            "attribute_values must be one value per item (a list, an array or a pandas Series), or a DataFrame / "
            f"mapping of such columns, got {type(attribute_values).__name__}."
        )
    if len(set(lengths.values())) != 1:
        raise ParameterError(f"every attribute needs one value per item, got lengths {lengths}.")
    n_items = next(iter(lengths.values()))
    frames = []
    for name, values in columns.items():
        series = pd.Series(np.asarray(values, dtype=object)).reset_index(drop=True)
        series = series.where(series.notna(), "").astype(str)
        if sep is not None:
            series = series.str.split(sep).explode()
        series = series.str.strip()
        series = series[series != ""]
        label = f"{name}=" if prefix else ""
        frames.append(pd.DataFrame({"item": series.index.to_numpy(), "label": label + series.to_numpy(dtype=str)}))
    pairs = pd.concat(frames, ignore_index=True)
    codes, labels = pd.factorize(pairs["label"])
    matrix = sp.csr_matrix(
        (np.ones(codes.size), (pairs["item"].to_numpy(dtype=np.int64), codes)), shape=(n_items, labels.size)
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix, [str(label) for label in labels]


def _value_overlap_scores(history: sp.csr_matrix, incidence: sp.csr_matrix) -> np.ndarray:
    """``Σ_v [v ∈ V(i)] · #{j ∈ H_u : v ∈ V(j)} / |H_u|`` for every row ``u`` and item ``i``.

    0 for the rows with an empty history ``H_u``.
    """
    counts = (history @ incidence).tocsr()  # cases × values: how many history items carry each value
    sizes = np.asarray(history.sum(axis=1)).ravel()
    scores = (counts @ incidence.T).toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(sizes[:, None] > 0, scores / sizes[:, None], 0.0)
    return scores


# ----------------------------------------------------------------------------------------------- scorers
def pmpcav_scores(profile, attribute_values, *, sep: str | None = ";") -> np.ndarray:
    """PMPCAV: how often the item's curated attribute values occur among the user's own purchases.

    With ``V_a(i)`` the set of values of attribute ``a`` of item ``i`` (one medium; several colours or tags)
    and ``P_u`` the profile,

        score(u, i) = Σ_a Σ_{v ∈ V_a(i)} |{j ∈ P_u : v ∈ V_a(j)}| / |P_u|

    i.e. for a single-valued attribute the share of the user's purchases that have the item's value, and for
    several attributes ("PMPCAV (All)") the sum over them. The item whose values the user bought most often
    comes first; items sharing none score 0. A user with an empty profile gets all zeros.

    Deviation from the paper: Messina et al. (2019) rank by the user's most frequent value(s); here the
    ranking is graded by the frequency of every value, which orders the items sharing the most frequent value
    first and breaks the remaining ties by the less frequent values. Dividing by ``|P_u|`` does not change a
    user's ranking; it keeps the scores in ``[0, n_values(i)]``.

    Parameters
    ----------
    profile : scipy.sparse matrix or np.ndarray [shape=(n_cases, n_items)]
        Non-zero entries mark the items of each user's profile.
    attribute_values : sequence of str, pandas.Series, pandas.DataFrame or mapping
        One value (or ``sep``-joined set of values) per item, rows in the order of the profile's columns; a
        DataFrame or mapping sums over several attributes (see :func:`attribute_matrix`).
    sep : str or None
        Separator of set-valued attributes (``None``: never split).

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]

    Examples
    --------
    >>> pmpcav_scores([[1, 1, 1, 0, 0]], ["oil", "ink", "oil", "ink;oil", "pastel"]).round(3).tolist()
    [[0.667, 0.333, 0.667, 1.0, 0.0]]

    References
    ----------
    1. Messina et al. (2019), section 4, "Personalized most popular curated attribute value".
    """
    history = _binary_profile(profile)
    incidence, _ = attribute_matrix(attribute_values, sep=sep)
    _check_n_items(history.shape[1], incidence.shape[0], name="attribute_values", rows_name="attribute_values")
    return _value_overlap_scores(history, incidence)


def favourite_artist_scores(profile, artists) -> np.ndarray:
    """FA: the share of the user's purchases made from the item's artist.

        score(u, i) = |{j ∈ P_u : artist(j) = artist(i)}| / |P_u|

    Items by the artist the user bought most from come first; items by artists the user never bought score
    0; an empty profile gives all zeros. (The count without the division ranks the same way.) Artist names
    are taken whole (never split).

    Parameters
    ----------
    profile : scipy.sparse matrix or np.ndarray [shape=(n_cases, n_items)]
        Non-zero entries mark the items of each user's profile.
    artists : sequence of str [shape=(n_items,)]
        The artist of every item, in the order of the profile's columns.

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]

    Examples
    --------
    >>> favourite_artist_scores([[1, 1, 1, 0, 0]], ["A", "A", "B", "A", "C"]).round(3).tolist()
    [[0.667, 0.667, 0.333, 0.667, 0.0]]

    References
    ----------
    1. Messina et al. (2019), section 4, "Personalized favorite artist".
    """
    if isinstance(artists, (pd.DataFrame, Mapping)):
        raise ParameterError(
            f"artists must be one artist name per item (a list or a Series), got a {type(artists).__name__}."
        )
    return pmpcav_scores(profile, artists, sep=None)


def mpcav_scores(history, attribute_values, *, sep: str | None = ";") -> np.ndarray:
    """MPCAV: the popularity of the item's curated attribute values among all purchases seen before the case.

    The non-personalised version of :func:`pmpcav_scores`, with the user's profile replaced by the market's
    history ``H_u``: every item sold (to anyone) before the case's time,

        score(u, i) = Σ_a Σ_{v ∈ V_a(i)} |{j ∈ H_u : v ∈ V_a(j)}| / |H_u|

    For a single attribute (e.g. "MPCAV (Medium)") items with the globally most popular value come first,
    then those with the second most popular one, and so on. Counting only purchases *before* the case keeps
    the replay honest (no future purchase informs the ranking). A case with an empty history gets all zeros.

    Parameters
    ----------
    history : scipy.sparse matrix or np.ndarray [shape=(n_cases, n_items)]
        Non-zero entries mark the purchases seen before each case: in a replay,
        :meth:`cbrec_lab.evaluation.ReplayCases.sold_before`. (For a static split, one row of training
        purchases repeated for every case.)
    attribute_values, sep
        As in :func:`pmpcav_scores`.

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]

    Examples
    --------
    >>> mpcav_scores([[1, 1, 1, 0, 0]], ["oil", "oil", "ink", "ink", "pastel"]).round(3).tolist()
    [[0.667, 0.667, 0.333, 0.333, 0.0]]

    References
    ----------
    1. Messina et al. (2019), section 4, "Most popular curated attribute value".
    """
    return pmpcav_scores(history, attribute_values, sep=sep)


def _unit_rows(features) -> np.ndarray:
    if sp.issparse(features):
        features = features.toarray()
    array = np.asarray(features.to_numpy() if isinstance(features, pd.DataFrame) else features)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ParameterError(f"features must be a 2-D (n_items, d) array with d ≥ 1, got shape {array.shape}.")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or np.iscomplexobj(array):
        raise ParameterError(f"features must hold real numbers, got dtype {array.dtype}.")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        bad = np.unique(np.argwhere(~np.isfinite(array))[:, 0])[:10].tolist()
        raise ParameterError(f"features hold NaN or infinite values in item row(s) {bad}; impute or drop them first.")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.divide(array, norms, out=np.zeros_like(array), where=norms > 0)


def content_scores(profile, features, *, aggregation: str = "max", k: int = 3) -> np.ndarray:
    """CNN / HVF: cosine similarity of the item to the user's purchases, aggregated over the profile.

    With ``sim(i, j) = cos(V_i, V_j) = V_i · V_j / (‖V_i‖ ‖V_j‖)`` on the rows of ``features``,

        max:      score(u, i) = max_{j ∈ P_u} sim(i, j)
        average:  score(u, i) = (1 / |P_u|) Σ_{j ∈ P_u} sim(i, j)
        top_k:    score(u, i) = (1 / min(K, |P_u|)) Σ_{r=1}^{min(K, |P_u|)} max^{(r)}_{j ∈ P_u} sim(i, j)

    where ``max^{(r)}`` is the ``r``-th largest value (the average of the ``K`` most similar purchases).
    ``top_k`` with ``K = 1`` is ``max``, and with ``K ≥ |P_u|`` it is ``average``.

    Conventions: a feature row of norm 0 has similarity 0 to every item (never NaN); a user with an empty
    profile gets all-zero scores. The average is computed as ``(Σ_j V̂_j) · V̂_i / |P_u|`` with unit rows
    ``V̂``; max and top-K gather the similarities of each case's profile items in chunks of cases, holding
    at most about 4·10⁶ similarities at once.

    Parameters
    ----------
    profile : scipy.sparse matrix or np.ndarray [shape=(n_cases, n_items)]
        Non-zero entries mark the items of each user's profile.
    features : np.ndarray or pandas.DataFrame [shape=(n_items, d)]
        One feature vector per item (CNN embedding, attractiveness, LBP histogram, …), rows in the order of
        the profile's columns; finite. Standardise columns of different units first (cosine is not
        scale-free across dimensions).
    aggregation : {"max", "average", "top_k"}
    k : int > 0
        ``K`` of ``top_k`` (checked for every aggregation, used by ``top_k`` only).

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]
        In ``[-1, 1]``.

    Examples
    --------
    >>> features = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> content_scores([[1, 1, 0]], features, aggregation="max").round(3).tolist()
    [[1.0, 1.0, 0.707]]
    >>> content_scores([[1, 1, 0]], features, aggregation="average").round(3).tolist()
    [[0.5, 0.5, 0.707]]

    References
    ----------
    1. Messina et al. (2019), section 4, equations of the CNN and HVF scores.
    """
    if aggregation not in AGGREGATIONS:
        raise ParameterError(f"aggregation must be one of {AGGREGATIONS}, got {aggregation!r}.")
    k = positive_int(k, name="k")
    history = _binary_profile(profile)
    unit = _unit_rows(features)
    _check_n_items(history.shape[1], unit.shape[0], name="features", rows_name="features")
    return _content_scores(history, unit, aggregation, k)


def _content_scores(history: sp.csr_matrix, unit: np.ndarray, aggregation: str, k: int) -> np.ndarray:
    """:func:`content_scores` of a checked binary profile and unit feature rows."""
    n_cases, n_items = history.shape
    sizes = np.diff(history.indptr)
    scores = np.zeros((n_cases, n_items))
    if aggregation == "average":
        centroid = history @ unit  # Σ_j V̂_j per case
        with np.errstate(divide="ignore", invalid="ignore"):
            centroid = np.where(sizes[:, None] > 0, centroid / sizes[:, None], 0.0)
        return centroid @ unit.T

    depth = 1 if aggregation == "max" else k
    order = np.flatnonzero(sizes > 0)
    order = order[np.argsort(sizes[order], kind="stable")]  # similar profile lengths share a chunk
    start = 0
    while start < order.size:
        # the chunk's longest profile is its last; grow while chunk × longest × n_items fits the budget
        longest = sizes[order[start]]
        stop = start + 1
        while stop < order.size and (stop + 1 - start) * max(longest, sizes[order[stop]]) * n_items <= _CHUNK_ELEMENTS:
            longest = max(longest, sizes[order[stop]])
            stop += 1
        rows = order[start:stop]
        width = int(sizes[rows].max())
        lengths = sizes[rows]
        slots = np.arange(width)
        filled = slots[None, :] < lengths[:, None]  # (chunk, width)
        positions = history.indptr[rows][:, None] + np.minimum(slots[None, :], lengths[:, None] - 1)
        members = history.indices[positions]  # profile items, padded by repeating the last one
        # one 2-D product (a batched 3-D matmul is an order of magnitude slower in numpy), then (chunk, width, n_items)
        similarity = (unit[members.ravel()] @ unit.T).reshape(len(rows), width, n_items)
        similarity[~filled] = -np.inf
        if aggregation == "max":
            scores[rows] = similarity.max(axis=1)
        else:
            top = min(depth, width)
            if top < width:
                similarity = -np.partition(-similarity, top - 1, axis=1)[:, :top]
            taken = np.where(np.isfinite(similarity), similarity, 0.0).sum(axis=1)
            scores[rows] = taken / np.minimum(depth, lengths)[:, None]
        start = stop
    return scores


def random_scores(n_cases: int, n_items: int, *, seed: int = 0) -> np.ndarray:
    """The Random baseline: independent uniform scores in ``[0, 1)``, reproducible from ``seed``.

    Examples
    --------
    >>> random_scores(2, 3, seed=0).shape
    (2, 3)
    """
    n_cases = positive_int(n_cases, name="n_cases")
    n_items = positive_int(n_items, name="n_items")
    seed = positive_int(seed, name="seed", minimum=0)
    return np.random.default_rng(seed).random((n_cases, n_items))


def most_popular_scores(popularity, n_cases: int) -> np.ndarray:
    """A non-personalised baseline: the same item popularity (e.g. the favourites count) for every case.

    In a one-of-a-kind inventory item purchase counts are useless (each item sells at most once and then
    leaves); an observable signal such as favourites or views takes their place.

    Parameters
    ----------
    popularity : array-like [shape=(n_items,)]
        Finite, higher is more popular.
    n_cases : int > 0

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]
    """
    n_cases = positive_int(n_cases, name="n_cases")
    values = np.asarray(popularity.to_numpy() if isinstance(popularity, pd.Series) else popularity)
    if values.ndim != 1 or values.size == 0 or not np.issubdtype(values.dtype, np.number):
        raise ParameterError(
            f"popularity must be a non-empty 1-D array of numbers (one per item), got shape {values.shape} "
            f"and dtype {values.dtype}."
        )
    values = values.astype(np.float64)
    if not np.isfinite(values).all():
        raise ParameterError("popularity holds NaN or infinite values; fill them (e.g. with 0) first.")
    return np.repeat(values[None, :], n_cases, axis=0)


# ------------------------------------------------------------------------------------------------ hybrid
def _available_mask(available, shape: tuple[int, int]) -> np.ndarray:
    if available is None:
        return np.ones(shape, dtype=bool)
    available = getattr(available, "available", available)  # ReplayCases: their availability mask
    mask = np.asarray(available.toarray() if sp.issparse(available) else available)
    if mask.shape != shape:
        raise ParameterError(
            f"available must have the shape of the scores {shape}, got shape {mask.shape}; for a subset of replay "
            "cases use cases.available of that subset."
        )
    return mask.astype(bool)


#: Normalisations of :func:`normalise_scores`.
NORMALISATIONS = ("minmax", "zscore")


def normalise_scores(scores, available=None, *, method: str = "minmax") -> np.ndarray:
    """Put every case's scores on a common scale over its available items, before they are mixed.

        minmax: s'(u, i) = (s(u, i) − min_{j ∈ A_u} s(u, j)) / (max_{j ∈ A_u} s(u, j) − min_{j ∈ A_u} s(u, j))
        zscore:  s'(u, i) = (s(u, i) − mean_{j ∈ A_u} s(u, j)) / std_{j ∈ A_u} s(u, j)

    over the available items ``A_u`` of the case (all items when ``available`` is None). A row whose available
    scores are all equal (or with no available item) becomes 0; unavailable items are set to 0 (they are
    never ranked). Min–max keeps each case's ranking and maps it onto ``[0, 1]``.

    Parameters
    ----------
    scores : np.ndarray [shape=(n_cases, n_items)]
        Finite on the available items; entries of unavailable items are ignored (NaN allowed there).
    available : np.ndarray [shape=(n_cases, n_items), dtype=bool], ReplayCases or None
    method : {"minmax", "zscore"}

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]

    Examples
    --------
    >>> normalise_scores(np.array([[2.0, 4.0, 3.0], [1.0, 1.0, 1.0]])).tolist()
    [[0.0, 1.0, 0.5], [0.0, 0.0, 0.0]]
    """
    if method not in NORMALISATIONS:
        raise ParameterError(f"method must be one of {NORMALISATIONS}, got {method!r}.")
    scores = _dense_scores(scores, name="scores")
    mask = _available_mask(available, scores.shape)
    bad = mask & ~np.isfinite(scores)
    if bad.any():
        case, item = np.argwhere(bad)[0]
        raise ParameterError(
            f"scores must be finite on the available items, got {scores[case, item]!r} at case {case}, item {item} "
            f"({int(bad.sum())} in total); replace NaN/inf first."
        )
    counts = mask.sum(axis=1, keepdims=True)
    if method == "minmax":
        low = np.where(mask, scores, np.inf).min(axis=1, keepdims=True)
        high = np.where(mask, scores, -np.inf).max(axis=1, keepdims=True)
        centre, spread = low, high - low
    else:
        safe = np.maximum(counts, 1)
        centre = np.where(mask, scores, 0.0).sum(axis=1, keepdims=True) / safe
        spread = np.sqrt((np.where(mask, scores - centre, 0.0) ** 2).sum(axis=1, keepdims=True) / safe)
    usable = (counts > 0) & (spread > 0) & np.isfinite(spread)
    with np.errstate(divide="ignore", invalid="ignore"):
        normalised = (scores - centre) / spread
    return np.where(mask & usable, normalised, 0.0)


def _check_weights(weights, names: Sequence[str]) -> dict[str, float]:
    if not isinstance(weights, Mapping):
        raise ParameterError(f"weights must be a mapping of method name to weight, got {type(weights).__name__}.")
    unknown = [name for name in weights if name not in names]
    if unknown:
        raise ParameterError(f"weights name method(s) {unknown} that are not among the scores {list(names)}.")
    checked = {}
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, Real) or not np.isfinite(weight) or weight < 0:
            raise ParameterError(
                f"weight of {name!r} must be a finite non-negative number, got {weight!r}; use 0 to leave a method out."
            )
        checked[name] = float(weight)
    if not any(checked.values()):
        raise ParameterError(f"at least one weight must be positive, got {dict(weights)!r}.")
    return checked


def _check_score_dict(score_dict) -> dict[str, np.ndarray]:
    if not isinstance(score_dict, Mapping) or not score_dict:
        raise ParameterError(
            "score_dict must be a non-empty mapping of method name to (n_cases, n_items) score matrix, got "
            f"{score_dict!r:.80}."
        )
    arrays = {str(name): _dense_scores(scores, name=f"score_dict[{name!r}]") for name, scores in score_dict.items()}
    shapes = {name: array.shape for name, array in arrays.items()}
    if len(set(shapes.values())) != 1:
        raise ParameterError(f"every score matrix needs the same shape, got {shapes}.")
    return arrays


def hybrid_scores(score_dict, weights, *, available=None, method: str = "minmax") -> np.ndarray:
    """Hybrid: a weighted sum of normalised scores, ``score(u, i) = Σ_m w_m · s'_m(u, i)``.

    Each method's scores are first normalised per case over the available items (:func:`normalise_scores`),
    so that methods on different scales (shares, cosines) mix as the weights say. Methods of ``score_dict``
    missing from ``weights`` get weight 0. The weights are used as given (not rescaled).

    Parameters
    ----------
    score_dict : mapping of str to np.ndarray [shape=(n_cases, n_items)]
        E.g. ``{"FA": ..., "CNN": ..., "PMPCAV": ...}``.
    weights : mapping of str to float ≥ 0
        At least one positive.
    available : np.ndarray [shape=(n_cases, n_items), dtype=bool], ReplayCases or None
        The items each case can be recommended; the normalisation looks at them only.
    method : {"minmax", "zscore"}

    Returns
    -------
    np.ndarray [shape=(n_cases, n_items), dtype=float64]

    Examples
    --------
    >>> hybrid_scores({"a": np.array([[0.0, 2.0]]), "b": np.array([[5.0, 1.0]])}, {"a": 0.75, "b": 0.25}).tolist()
    [[0.25, 0.75]]

    References
    ----------
    1. Messina et al. (2019), section 4, "Hybrid recommendations".
    """
    arrays = _check_score_dict(score_dict)
    checked = _check_weights(weights, list(arrays))
    shape = next(iter(arrays.values())).shape
    mask = _available_mask(available, shape)
    total = np.zeros(shape)
    for name, weight in checked.items():
        if weight > 0:
            total += weight * normalise_scores(arrays[name], mask, method=method)
    return total


# ------------------------------------------------------------------------------------------- recommenders
class ContentRecommender(Recommender):
    """CNN / HVF as a :class:`~cbrec_lab.recommender.Recommender`: :func:`content_scores` of the users' items.

    ``fit(interactions)`` keeps each user's items (the non-zero entries, as ``seen_``); ``score(users, items)``
    is the similarity of every item's features to those items, aggregated over the user's items as in
    :func:`content_scores`; ``recommend(users, k)`` leaves the user's own items out. Nothing is learnt: the
    features are the model. In a replay the rows are the cases (one user at one moment), e.g.
    ``ContentRecommender(features).fit(cases.profile)``.

    Parameters
    ----------
    item_features : np.ndarray or pandas.DataFrame [shape=(n_items, d)]
        One feature vector per item, rows in the order of the interaction matrix's columns (see
        :func:`content_scores`).
    aggregation : {"max", "average", "top_k"}
    n_similar : int > 0
        ``K`` of ``top_k``: how many of the user's most similar items are averaged (``k`` of
        :func:`content_scores`; here ``k`` is the length of :meth:`recommend`'s lists).

    Attributes
    ----------
    seen_ : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=bool]
        The users' items (their profiles).

    Examples
    --------
    >>> features = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> model = ContentRecommender(features, aggregation="average").fit([[1, 1, 0], [0, 1, 0]])
    >>> model.score(items=[2]).round(3).tolist()
    [[0.707], [0.707]]
    >>> model.recommend(k=2).tolist()
    [[2, -1], [2, 0]]
    """

    def __init__(self, item_features, *, aggregation: str = "max", n_similar: int = 3):
        if aggregation not in AGGREGATIONS:
            raise ParameterError(f"aggregation must be one of {AGGREGATIONS}, got {aggregation!r}.")
        self.item_features = item_features
        self.aggregation = aggregation
        self.n_similar = positive_int(n_similar, name="n_similar")
        self._unit = _unit_rows(item_features)

    def __repr__(self) -> str:
        return (
            f"ContentRecommender(item_features=<{self._unit.shape[0]} × {self._unit.shape[1]}>, "
            f"aggregation={self.aggregation!r}, n_similar={self.n_similar})"
        )

    def fit(self, interactions) -> ContentRecommender:
        """Keep the users' items: the non-zero entries of a users × items matrix.

        Parameters
        ----------
        interactions : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)]
            One column per row of ``item_features``.

        Returns
        -------
        self
        """
        seen = self._remember(interactions)
        try:
            _check_n_items(seen.shape[1], self._unit.shape[0], name="item_features", rows_name="item_features")
        except ParameterError:
            self.seen_ = None
            raise
        return self

    def _score(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        history = self.seen_[users].astype(np.float64)
        scores = _content_scores(history, self._unit, self.aggregation, self.n_similar)
        return scores if items.size == scores.shape[1] and (items == np.arange(items.size)).all() else scores[:, items]


class HybridRecommender(Recommender):
    """A weighted sum of recommenders' normalised scores, ``score(u, i) = Σ_m w_m · s'_m(u, i)`` (Messina et al.).

    :func:`hybrid_scores` as a :class:`~cbrec_lab.recommender.Recommender`: each component's scores for the
    requested users and items are normalised per user over those items (:func:`normalise_scores`) and summed
    with the weights. The normalisation looks at the items scored, so ``score(users, items)`` of a subset (e.g.
    the items on sale) normalises over that subset.

    Parameters
    ----------
    components : mapping of str to Recommender
        E.g. ``{"CNN": ContentRecommender(cnn), "WMF": WMF()}``; all fitted on matrices of the same shape.
    weights : mapping of str to float ≥ 0
        At least one positive; components missing here get weight 0 (e.g. the weights of
        :func:`cbrec_lab.evaluation.tune_hybrid_weights`).
    method : {"minmax", "zscore"}
        The normalisation.

    Attributes
    ----------
    seen_ : scipy.sparse.csr_matrix [shape=(n_users, n_items), dtype=bool]
        The pairs of the matrix given to ``fit``.

    Examples
    --------
    >>> features = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> hybrid = HybridRecommender({"max": ContentRecommender(features), "avg": ContentRecommender(
    ...     features, aggregation="average")}, {"max": 0.75, "avg": 0.25}).fit([[1, 1, 0]])
    >>> hybrid.score().round(3).tolist()
    [[0.75, 0.75, 0.25]]
    """

    def __init__(self, components, weights, *, method: str = "minmax"):
        if not isinstance(components, Mapping) or not components:
            raise ParameterError(
                f"components must be a non-empty mapping of name to Recommender, got {components!r:.80}."
            )
        wrong = {name: type(model).__name__ for name, model in components.items() if not isinstance(model, Recommender)}
        if wrong:
            raise ParameterError(f"every component must be a cbrec_lab Recommender, got {wrong}.")
        if method not in NORMALISATIONS:
            raise ParameterError(f"method must be one of {NORMALISATIONS}, got {method!r}.")
        self.components = dict(components)
        self.weights = _check_weights(weights, list(self.components))
        self.method = method

    def __repr__(self) -> str:
        return f"HybridRecommender(components={self.components!r}, weights={self.weights!r}, method={self.method!r})"

    def fit(self, interactions, *, refit: bool = True) -> HybridRecommender:
        """Fit every component on ``interactions`` (or, with ``refit=False``, take them as fitted).

        Parameters
        ----------
        interactions : scipy.sparse matrix or np.ndarray [shape=(n_users, n_items)]
            Implicit feedback; its non-zero entries become ``seen_``.
        refit : bool
            True calls ``component.fit(interactions)`` on every component with a positive weight. False leaves
            them as they are: fit first the components whose ``fit`` needs more (VBPR's item features) and
            pass the matrix they were fitted on.

        Returns
        -------
        self

        Raises
        ------
        ParameterError
            With ``refit=False``, a component that is not fitted or was fitted on a matrix of another shape.
        """
        seen = self._remember(interactions)
        for name, model in self._used():
            if refit:
                model.fit(interactions)
            elif model.seen_ is None or model.seen_.shape != seen.shape:
                self.seen_ = None
                shape = None if model.seen_ is None else model.seen_.shape
                raise ParameterError(
                    f"component {name!r} must be fitted on a users × items matrix of shape {seen.shape} (that of "
                    f"interactions) when refit=False, got {'no fit' if shape is None else f'shape {shape}'}."
                )
        return self

    def _used(self):
        return [(name, self.components[name]) for name, weight in self.weights.items() if weight > 0]

    def _score(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        total = np.zeros((users.size, items.size))
        for name, model in self._used():
            total += self.weights[name] * normalise_scores(model.score(users, items), method=self.method)
        return total
