"""Image-based music recommendation (Hsia et al.): the three-stage recommender, its baselines and hit rate@10.

The recommender (:func:`three_stage_lists`) follows the poster's three stages:

1. **image transformation** — the input image becomes a descriptor (a pretrained CNN's features; the caller
   computes it, e.g. with :func:`cbrec_lab.backbones.deep_features`);
2. **image retrieval** — the ``n_images`` (5) images of the collection nearest to it by Euclidean distance
   of descriptors (:func:`nearest_images`);
3. **music recommendation** — for each retrieved image in order, its ``per_image`` (2) best songs by a
   per-image song score: for the proposed model the negative Euclidean distance between the network
   embeddings of image and song (:func:`embedding_scores`); for keyword matching (KM) the tf-idf weight of the
   image's keyword in the song (:func:`keyword_match_scores`). 5 × 2 = 10 songs.

The poster does not say what happens when two retrieved images pick the same song; here each image takes its
best songs *not yet in the list*, so a list always has ``n_images × per_image`` distinct songs.

**Ground truth** (:func:`keyword_ground_truth`): the songs containing any of the top-``n`` words related to
the input image's keyword (from ConceptNet in the paper; see :mod:`cbrec_lab.datasets.word_associations`).
The top-``n`` list starts with the keyword itself, so with the poster's definition every song that contains the
keyword is relevant, and keyword matching, which recommends exactly those songs, hits whenever retrieval brings
back one image of the right keyword. By default the ground truth therefore **leaves out the songs that contain
the query's keyword** (the keyword, its word forms, or a word that stands for it): a hit is a related song that
a keyword match cannot reach, which is what a network embedding may add. ``exclude_query=False`` gives the
poster's definition.
**Hit rate@10** (:func:`hit_rates`) is the share of input images whose 10 songs hold at least one relevant
song — :func:`cbrec_lab.metrics.hit_rate_at_k`, averaged over the inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist

from .checks import positive_int
from .exceptions import ParameterError

__all__ = [
    "song_tokens",
    "nearest_images",
    "embedding_scores",
    "keyword_match_scores",
    "three_stage_lists",
    "popular_list",
    "word_forms",
    "keyword_ground_truth",
    "hit_rates",
    "hit_rate_table",
]


def _matrix(values, *, name: str) -> np.ndarray:
    m = np.asarray(values, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] == 0 or m.shape[1] == 0:
        raise ParameterError(f"{name} must be a non-empty 2-D array, got shape {m.shape}.")
    if not np.isfinite(m).all():
        raise ParameterError(f"{name} holds NaN or infinite values.")
    return m


def song_tokens(keywords: Sequence[str], *, normalise=None) -> list[list[str]]:
    """Each song's content words as a token list, each word replaced by ``normalise(word)`` when that is not None.

    Parameters
    ----------
    keywords : sequence of str
        Space-separated content words per song (the music kit's ``songs["keywords"]``: lower-case, letters
        only, at least three letters, stop words and tune-type names removed).
    normalise : callable, optional
        Maps a word to the keyword it stands for, or None to keep it (e.g.
        :func:`cbrec_lab.datasets.keyword_images.match_keyword`: *hills* → *mountain*).

    Examples
    --------
    >>> song_tokens(["little heathy hill", "love"], normalise={"hill": "mountain"}.get)
    [['little', 'heathy', 'mountain'], ['love']]
    """
    out = []
    for i, text in enumerate(keywords):
        if not isinstance(text, str):
            raise ParameterError(f"keywords[{i}] must be a string of words, got {text!r}.")
        words = text.split()
        out.append([(normalise(w) or w) if normalise is not None else w for w in words])
    return out


def nearest_images(query_descriptors, image_descriptors, *, k: int = 5, exclude=None) -> np.ndarray:
    """Stage 2: the ``k`` images nearest to each query by Euclidean distance of descriptors.

    Parameters
    ----------
    query_descriptors : array-like [shape=(n_queries, d)]
    image_descriptors : array-like [shape=(n_images, d)]
    k : int > 0
    exclude : array-like [shape=(n_queries,)] of int, optional
        One image index per query never to retrieve (its own image in a leave-one-out evaluation; −1: none).

    Returns
    -------
    np.ndarray [shape=(n_queries, k), dtype=int64]
        Nearest first; ties go to the lower index.
    """
    q = _matrix(query_descriptors, name="query_descriptors")
    x = _matrix(image_descriptors, name="image_descriptors")
    if q.shape[1] != x.shape[1]:
        raise ParameterError(f"descriptors of length {q.shape[1]} and {x.shape[1]}: use the same backbone for both.")
    k = positive_int(k, name="k")
    distance = cdist(q, x)
    available = len(x)
    if exclude is not None:
        exclude = np.asarray(exclude)
        if exclude.shape != (len(q),) or not np.issubdtype(exclude.dtype, np.integer) or (exclude >= len(x)).any():
            raise ParameterError(f"exclude must give one image index (or −1) per query, got shape {exclude.shape}.")
        rows = np.flatnonzero(exclude >= 0)
        distance[rows, exclude[rows]] = np.inf
        available -= int(rows.size > 0)
    if k > available:
        raise ParameterError(f"k={k} images requested, but only {available} can be retrieved.")
    order = np.lexsort((np.broadcast_to(np.arange(len(x)), distance.shape), distance), axis=1)
    return order[:, :k].astype(np.int64)


def embedding_scores(image_vectors, song_vectors) -> np.ndarray:
    """Stage-3 scores of the proposed model: :math:`-\\lVert \\vec e_{image} - \\vec e_{song} \\rVert_2`
    (higher is closer).

    Returns
    -------
    np.ndarray [shape=(n_images, n_songs)]
    """
    a = _matrix(image_vectors, name="image_vectors")
    b = _matrix(song_vectors, name="song_vectors")
    if a.shape[1] != b.shape[1]:
        raise ParameterError(f"image vectors of length {a.shape[1]} and song vectors of length {b.shape[1]}.")
    return -cdist(a, b)


def keyword_match_scores(image_keywords: Sequence[str], song_keyword_weights: pd.DataFrame) -> np.ndarray:
    """Stage-3 scores of keyword matching (KM): the tf-idf weight of the image's keyword in each song.

    Songs without the keyword score 0 (they only fill a list when fewer than ``per_image`` songs match). Pass
    the songs' popularity as ``tie_break`` to :func:`three_stage_lists` to rank equal weights by popularity.

    Parameters
    ----------
    image_keywords : sequence of str
        The keyword of each image.
    song_keyword_weights : pandas.DataFrame [shape=(n_songs, n_keywords)]
        tf-idf weights, one column per keyword.

    Returns
    -------
    np.ndarray [shape=(n_images, n_songs)]
    """
    if not isinstance(song_keyword_weights, pd.DataFrame):
        raise ParameterError("song_keyword_weights must be a DataFrame with one column per keyword.")
    unknown = sorted(set(image_keywords) - set(song_keyword_weights.columns))
    if unknown:
        raise ParameterError(f"no song-weight column for the image keyword(s) {unknown[:5]}.")
    weights = song_keyword_weights.to_numpy(dtype=np.float64)
    return weights[:, song_keyword_weights.columns.get_indexer(list(image_keywords))].T


def three_stage_lists(retrieved, song_scores, *, per_image: int = 2, tie_break=None) -> np.ndarray:
    """Stage 3: each retrieved image, nearest first, adds its ``per_image`` best songs not yet in the list.

    Parameters
    ----------
    retrieved : array-like [shape=(n_queries, n_images_retrieved), dtype=int]
        Stage 2's images per query (:func:`nearest_images`), indices into the rows of ``song_scores``.
    song_scores : array-like [shape=(n_images, n_songs)]
        Higher is better (:func:`embedding_scores`, :func:`keyword_match_scores`).
    per_image : int > 0
    tie_break : array-like [shape=(n_songs,)], optional
        Among equal scores, the higher value first (e.g. play counts); then the lower song index.

    Returns
    -------
    np.ndarray [shape=(n_queries, n_images_retrieved × per_image), dtype=int64]
        Song indices in recommendation order.
    """
    scores = _matrix(song_scores, name="song_scores")
    retrieved = np.asarray(retrieved)
    if retrieved.ndim != 2 or not np.issubdtype(retrieved.dtype, np.integer):
        raise ParameterError(f"retrieved must be a 2-D integer array (queries × images), got {retrieved.shape}.")
    if retrieved.size and (retrieved.min() < 0 or retrieved.max() >= scores.shape[0]):
        raise ParameterError(f"retrieved holds image indices outside [0, {scores.shape[0]}).")
    per_image = positive_int(per_image, name="per_image")
    n_queries, depth = retrieved.shape
    n_songs = scores.shape[1]
    if depth * per_image > n_songs:
        raise ParameterError(f"{depth} × {per_image} songs requested from only {n_songs} songs.")
    if tie_break is None:
        tie_break = np.zeros(n_songs)
    tie_break = np.asarray(tie_break, dtype=np.float64)
    if tie_break.shape != (n_songs,) or not np.isfinite(tie_break).all():
        raise ParameterError(f"tie_break must give one finite value per song ({n_songs}), got shape {tie_break.shape}.")
    lists = np.empty((n_queries, depth * per_image), dtype=np.int64)
    taken = np.zeros((n_queries, n_songs), dtype=bool)
    index = np.broadcast_to(np.arange(n_songs), taken.shape)
    second = np.broadcast_to(-tie_break, taken.shape)
    for r in range(depth):  # one stage per retrieved image (5), each vectorised over the queries
        s = np.where(taken, -np.inf, scores[retrieved[:, r]])  # songs already in the list sort last
        best = np.lexsort((index, second, -s), axis=1)[:, :per_image]
        lists[:, r * per_image : (r + 1) * per_image] = best
        taken[np.arange(n_queries)[:, None], best] = True
    return lists


def popular_list(popularity, n_queries: int, *, k: int = 10) -> np.ndarray:
    """The POP baseline: the ``k`` most popular songs (ties to the lower index), the same for every query."""
    pop = np.asarray(popularity, dtype=np.float64)
    if pop.ndim != 1 or pop.size < k or not np.isfinite(pop).all():
        raise ParameterError(f"popularity must be a finite 1-D array of at least k={k} songs, got shape {pop.shape}.")
    n_queries = positive_int(n_queries, name="n_queries")
    top = np.lexsort((np.arange(pop.size), -pop))[:k]
    return np.repeat(top[None, :], n_queries, axis=0)


def word_forms(word: str) -> set[str]:
    """A word and its singular forms for matching (``roses`` → {roses, rose}, ``berries`` → {berries, berry}).

    Examples
    --------
    >>> sorted(word_forms("hills"))
    ['hill', 'hills']
    """
    forms = {word}
    if len(word) > 3 and word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        forms.add(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    return forms


def keyword_ground_truth(
    query_keywords: Sequence[str],
    song_words: Sequence[Sequence[str]],
    related: Mapping[str, Sequence[str]],
    *,
    exclude_query: bool = True,
    stands_for: Callable[[str], str | None] | None = None,
) -> np.ndarray:
    """Relevant songs per query: the songs with any of the words related to the query image's keyword.

    A song word matches a related word when they are equal or when one of the song word's
    :func:`word_forms` equals it (``hills`` matches ``hill``).

    Parameters
    ----------
    query_keywords : sequence of str
        The keyword of each input image.
    song_words : sequence of sequence of str
        Every word of each song (e.g. the title's content words and tags, and the keywords they stand for).
    related : mapping of str to sequence of str
        The top-``n`` related words of each keyword (the keyword itself included where it belongs).
    exclude_query : bool, default True
        Leave out of a query's relevant songs every song that contains its keyword — the keyword itself, a word
        whose :func:`word_forms` include it, or a word that ``stands_for`` maps to it — and drop the keyword
        from its related words. A hit then counts a related song that keyword matching cannot reach. False:
        the poster's ground truth, in which every song with the keyword is relevant.
    stands_for : callable, optional
        Maps a song word to the keyword it stands for, or None (e.g.
        :func:`cbrec_lab.datasets.keyword_images.match_keyword`: *hills* → *mountain*); used only with
        ``exclude_query``.

    Returns
    -------
    np.ndarray [shape=(n_queries, n_songs), dtype=bool]

    Examples
    --------
    >>> words = [["snow", "winter"], ["winter", "cold"], ["sea"]]
    >>> keyword_ground_truth(["snow"], words, {"snow": ["snow", "winter"]}).tolist()
    [[False, True, False]]
    >>> keyword_ground_truth(["snow"], words, {"snow": ["snow", "winter"]}, exclude_query=False).tolist()
    [[True, True, False]]
    """
    missing = sorted(set(query_keywords) - set(related))
    if missing:
        raise ParameterError(f"no related words for the keyword(s) {missing[:5]}.")
    if len(song_words) == 0:
        raise ParameterError("song_words must not be empty.")
    if stands_for is not None and not callable(stands_for):
        raise ParameterError(f"stands_for must map a word to a keyword (a callable), got {stands_for!r}.")
    forms = [set().union(*(word_forms(w) for w in words)) if len(words) else set() for words in song_words]
    meant = forms  # the keywords each song contains, for the exclusion
    if stands_for is not None:
        meant = [f | {k for w in f if (k := stands_for(w)) is not None} for f in forms]

    def truth(key: str) -> np.ndarray:
        if not exclude_query:
            return np.array([bool(f & set(related[key])) for f in forms])
        words = set(related[key]) - {key}
        return np.array([bool(f & words) and key not in m for f, m in zip(forms, meant, strict=True)])

    by_keyword = {key: truth(key) for key in set(query_keywords)}
    return np.stack([by_keyword[key] for key in query_keywords])


def hit_rates(lists, relevant) -> np.ndarray:
    """Per query: 1.0 when its list holds a relevant song, 0.0 when not, NaN when the query has none.

    Parameters
    ----------
    lists : array-like [shape=(n_queries, k), dtype=int]
        Recommended song indices.
    relevant : array-like [shape=(n_queries, n_songs), dtype=bool]

    Returns
    -------
    np.ndarray [shape=(n_queries,)]
        The mean (``np.nanmean``) is hit rate@k.
    """
    lists = np.asarray(lists)
    relevant = np.asarray(relevant, dtype=bool)
    if lists.ndim != 2 or relevant.ndim != 2 or len(lists) != len(relevant):
        raise ParameterError(f"lists {lists.shape} and relevant {relevant.shape} must be 2-D with one row per query.")
    out_of_range = lists.size and (lists.min() < 0 or lists.max() >= relevant.shape[1])
    if not np.issubdtype(lists.dtype, np.integer) or out_of_range:
        raise ParameterError(f"lists must hold song indices in [0, {relevant.shape[1]}).")
    hits = relevant[np.arange(len(lists))[:, None], lists].any(axis=1).astype(np.float64)
    hits[~relevant.any(axis=1)] = np.nan
    return hits


def hit_rate_table(lists: Mapping[str, np.ndarray], relevant: Mapping[int, np.ndarray]) -> pd.DataFrame:
    """Hit rate@k of every model (columns) for every ground truth (rows, e.g. ``n`` = 5, 10, 50, 100).

    The poster's Table 1 shape. A query without relevant songs is left out of its row's mean.
    """
    if not lists or not relevant:
        raise ParameterError("hit_rate_table needs at least one model and one ground truth.")
    table = pd.DataFrame(
        {
            model: {n: float(np.nanmean(hit_rates(lst, rel))) for n, rel in relevant.items()}
            for model, lst in lists.items()
        }
    )
    table.index.name = "n"
    return table
