"""LINE-style network embedding (Tang et al. 2015) of a heterogeneous song–keyword–image network (Hsia et al.).

**The network.** Vertices are songs, keywords and images; there are two kinds of undirected, weighted
edges (:func:`song_keyword_image_network`):

- *song–keyword*: a song is linked to each keyword in its text (title, lyrics), weighted by tf-idf over the
  songs, :math:`w_{sk} = \\mathrm{tf}(k, s) \\cdot \\mathrm{idf}(k)` with the smoothed
  :math:`\\mathrm{idf}(k) = \\ln\\frac{1 + N}{1 + \\mathrm{df}(k)} + 1` (:func:`tfidf_weights`);
- *image–keyword*: an image is linked to the keyword(s) it was collected for, weighted by the same formula
  over the images (an image is a document whose words are its keywords).

Keywords are the most frequent content words of the songs' texts (:func:`frequent_keywords`; Hsia et al. kept
72). Songs are linked to images only through keywords, two hops away.

**LINE.** Every vertex :math:`i` gets a vector :math:`\\vec u_i \\in \\mathbb R^d`; an undirected edge is two
directed arcs of the same weight. *First-order proximity* asks linked vertices to have similar vectors,

.. math:: p_1(v_i, v_j) = \\sigma(\\vec u_i^{\\top} \\vec u_j), \\qquad
          O_1 = -\\sum_{(i, j) \\in E} w_{ij} \\log p_1(v_i, v_j);

*second-order proximity* asks vertices with similar neighbourhoods to have similar vectors, through a second,
*context* vector :math:`\\vec u'_j` per vertex,

.. math:: p_2(v_j \\mid v_i) = \\frac{\\exp(\\vec u_j'^{\\top} \\vec u_i)}{\\sum_k \\exp(\\vec u_k'^{\\top} \\vec u_i)},
          \\qquad O_2 = -\\sum_{(i, j) \\in E} w_{ij} \\log p_2(v_j \\mid v_i).

Both are optimised as in the paper: **edge sampling** draws arcs with probability proportional to their weight
(an :class:`AliasTable`, O(1) per draw) and treats each drawn arc as a binary edge; **negative sampling**
replaces :math:`\\log p_2` by

.. math:: \\log \\sigma(\\vec u_j'^{\\top} \\vec u_i) + \\sum_{k=1}^{K}
          \\mathbb E_{v_n \\sim P_n(v)} \\left[ \\log \\sigma(-\\vec u_n'^{\\top} \\vec u_i) \\right],
          \\qquad P_n(v) \\propto d_v^{3/4},

with :math:`d_v` the weighted out-degree (for first order, :math:`\\vec u'` is :math:`\\vec u`); and
**SGD** with the learning rate :math:`\\rho_t = \\rho_0 (1 - t/T)` (floored at :math:`10^{-4} \\rho_0`) over
:math:`T` sampled arcs. The step for an arc :math:`(i, j)` with negatives :math:`n_1 \\dots n_K` and labels
:math:`y = (1, 0, \\dots, 0)` (:func:`line_sgd_step`):

.. math:: g_c = \\rho_t \\, (y_c - \\sigma(\\vec u_c'^{\\top} \\vec u_i)), \\qquad
          \\vec u'_c \\mathrel{+}= g_c \\vec u_i, \\qquad
          \\vec u_i \\mathrel{+}= \\sum_c g_c \\vec u'_c.

**Deviations from the reference implementation**, all documented where they matter: the C++ code updates one
arc at a time in several asynchronous threads; :func:`train_line` updates a mini-batch of ``batch_size``
sampled arcs at once (gradients computed from the same parameters and added with ``np.add.at``, i.e. the
Hogwild updates of the threads made deterministic). A negative that equals the arc's target is skipped (as
word2vec does; the C++ LINE code does not check). :func:`line_embedding` concatenates the L2-normalised
first- and second-order vectors, as the paper recommends ("LINE(1st+2nd)").

References
----------
1. Tang, J., Qu, M., Wang, M., Zhang, M., Yan, J., & Mei, Q. (2015). LINE: Large-scale information network
   embedding. *WWW*, 1067–1077. https://doi.org/10.1145/2736277.2741093
2. Hsia, C.-C., Lai, K.-H., Chen, Y., Wang, C.-J., & Tsai, M.-F. Representation learning for image-based music
   recommendation. Poster (National Chengchi University, Academia Sinica, KKBOX).
3. Walker, A. J. (1977). An efficient method for generating discrete random variables with general
   distributions. *ACM TOMS*, 3(3), 253–256; Vose, M. D. (1991). A linear algorithm for generating random
   numbers with a given distribution. *IEEE TSE*, 17(9), 972–975.
4. Mikolov, T., Sutskever, I., Chen, K., Corrado, G., & Dean, J. (2013). Distributed representations of words
   and phrases and their compositionality. *NIPS*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import expit, log_expit

from ..checks import positive_int
from ..exceptions import ParameterError

__all__ = [
    "VERTEX_KINDS",
    "AliasTable",
    "HeterogeneousNetwork",
    "frequent_keywords",
    "tfidf_weights",
    "song_keyword_image_network",
    "noise_distribution",
    "line_sgd_step",
    "LineEmbedding",
    "train_line",
    "line_embedding",
]

#: The kinds of vertex of the song–keyword–image network.
VERTEX_KINDS = ("song", "keyword", "image")


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer or a numpy Generator, got {seed!r}.")
    return np.random.default_rng(int(seed))


# ----------------------------------------------------------------------------------------------- sampling
class AliasTable:
    """Walker's alias method (Vose's construction): draws from a discrete distribution in O(1) per draw.

    The table has one column per outcome ``i``, holding a threshold :math:`q_i \\in [0, 1]` and an alias
    :math:`a_i`. A draw picks a column :math:`i` uniformly and a uniform :math:`u`, and returns :math:`i` when
    :math:`u < q_i`, else :math:`a_i`; so outcome :math:`j` has probability
    :math:`\\frac1n\\big(q_j + \\sum_{i: a_i = j} (1 - q_i)\\big) = w_j / \\sum_k w_k`. Building it is O(n).

    Parameters
    ----------
    weights : array-like [shape=(n,)]
        Non-negative, finite, not all zero (need not sum to one).

    Examples
    --------
    >>> table = AliasTable([1.0, 3.0])
    >>> np.round(table.probabilities, 3).tolist()
    [0.25, 0.75]
    >>> table.sample(5, seed=0).shape
    (5,)
    """

    def __init__(self, weights) -> None:
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1 or w.size == 0:
            raise ParameterError(f"weights must be a non-empty 1-D array, got shape {w.shape}.")
        if not np.isfinite(w).all() or (w < 0).any():
            raise ParameterError("weights must be finite and non-negative.")
        total = w.sum()
        if total <= 0:
            raise ParameterError("weights must not all be zero.")
        n = w.size
        scaled = w * (n / total)
        threshold = np.ones(n)
        alias = np.arange(n)
        small = [i for i in range(n) if scaled[i] < 1.0]
        large = [i for i in range(n) if scaled[i] >= 1.0]
        while small and large:  # O(n): every pass settles one column
            s, g = small.pop(), large.pop()
            threshold[s], alias[s] = scaled[s], g
            scaled[g] -= 1.0 - scaled[s]
            (small if scaled[g] < 1.0 else large).append(g)
        # What is left (rounding) keeps threshold 1: it is its own outcome.
        self.threshold = threshold
        self.alias = alias

    def __len__(self) -> int:
        return self.threshold.size

    @property
    def probabilities(self) -> np.ndarray:
        """The distribution the table draws from, computed back from the table (equals the normalised weights)."""
        n = len(self)
        p = self.threshold.copy()
        np.add.at(p, self.alias, 1.0 - self.threshold)
        return p / n

    def sample(self, size: int, *, seed: int | np.random.Generator = 0) -> np.ndarray:
        """``size`` independent draws (outcome indices, ``int64``)."""
        size = positive_int(size, name="size")
        rng = _rng(seed)
        column = rng.integers(len(self), size=size)
        keep = rng.random(size) < self.threshold[column]
        return np.where(keep, column, self.alias[column])


# ------------------------------------------------------------------------------------------------ network
@dataclass(frozen=True)
class HeterogeneousNetwork:
    """An undirected, weighted network whose vertices have a kind (song, keyword, image).

    Attributes
    ----------
    names : tuple of str
        Vertex names (song ids, keywords, image ids), unique; the vertex index is the position.
    kinds : np.ndarray [shape=(n_vertices,), dtype=object]
        One of :data:`VERTEX_KINDS` per vertex.
    edges : np.ndarray [shape=(n_edges, 2), dtype=int64]
        Each undirected edge once, as vertex indices.
    weights : np.ndarray [shape=(n_edges,), dtype=float64]
        Positive edge weights.
    """

    names: tuple[str, ...]
    kinds: np.ndarray
    edges: np.ndarray
    weights: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.names)
        if len(set(self.names)) != n:
            raise ParameterError("vertex names must be unique.")
        if len(self.kinds) != n or not set(self.kinds) <= set(VERTEX_KINDS):
            raise ParameterError(f"kinds must give one of {VERTEX_KINDS} for each of the {n} vertices.")
        edges = np.asarray(self.edges)
        if edges.ndim != 2 or edges.shape[1] != 2 or len(self.weights) != len(edges):
            raise ParameterError(f"edges must have shape (n_edges, 2) with one weight each, got {edges.shape}.")
        if len(edges) and (edges.min() < 0 or edges.max() >= n or (edges[:, 0] == edges[:, 1]).any()):
            raise ParameterError("edges must join two different vertices given by index.")
        weights = np.asarray(self.weights, dtype=np.float64)
        if not np.isfinite(weights).all() or (weights <= 0).any():
            raise ParameterError("edge weights must be finite and positive.")

    @property
    def n_vertices(self) -> int:
        return len(self.names)

    def index(self, names) -> np.ndarray:
        """Vertex indices of names (a ``ParameterError`` names the first unknown one)."""
        lookup = {name: i for i, name in enumerate(self.names)}
        try:
            return np.array([lookup[name] for name in names], dtype=np.int64)
        except KeyError as err:
            raise ParameterError(f"the network has no vertex {err.args[0]!r}.") from None

    def vertices(self, kind: str) -> np.ndarray:
        """Indices of the vertices of one kind, in order."""
        if kind not in VERTEX_KINDS:
            raise ParameterError(f"kind must be one of {VERTEX_KINDS}, got {kind!r}.")
        return np.flatnonzero(self.kinds == kind)

    def arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each undirected edge as two directed arcs ``(source, target, weight)`` (LINE's convention)."""
        e = np.asarray(self.edges, dtype=np.int64)
        w = np.asarray(self.weights, dtype=np.float64)
        return np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]]), np.concatenate([w, w])

    def degree(self) -> np.ndarray:
        """Weighted degree :math:`d_v = \\sum_j w_{vj}` of every vertex."""
        source, _, weight = self.arcs()
        return np.bincount(source, weights=weight, minlength=self.n_vertices)

    def weight_matrix(self, rows: str, columns: str) -> pd.DataFrame:
        """Edge weights between two kinds of vertex as a dense table (0 where there is no edge).

        E.g. ``weight_matrix("song", "keyword")``: the tf-idf weight of every keyword in every song.
        """
        import scipy.sparse as sp

        a, b = self.vertices(rows), self.vertices(columns)
        source, target, weight = self.arcs()
        table = sp.csr_matrix((weight, (source, target)), shape=(self.n_vertices, self.n_vertices))
        names = np.asarray(self.names, dtype=object)
        return pd.DataFrame(
            table[a][:, b].toarray(), index=pd.Index(names[a], name=rows), columns=pd.Index(names[b], name=columns)
        )

    def edge_table(self) -> pd.DataFrame:
        """The edges as a DataFrame: ``source``, ``target`` (names), ``kind`` (``"song–keyword"``, ...),
        ``weight``."""
        names = np.asarray(self.names, dtype=object)
        a, b = self.edges[:, 0], self.edges[:, 1]
        return pd.DataFrame(
            {
                "source": names[a],
                "target": names[b],
                "kind": [f"{x}–{y}" for x, y in zip(self.kinds[a], self.kinds[b], strict=True)],
                "weight": self.weights,
            }
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{int((self.kinds == k).sum())} {k}s" for k in VERTEX_KINDS)
        return f"HeterogeneousNetwork({counts}, {len(self.edges)} edges)"


def _documents(documents, *, name: str) -> list[list[str]]:
    if isinstance(documents, str) or not isinstance(documents, Sequence | pd.Series):
        raise ParameterError(
            f"{name} must be a sequence of token lists (one per document), got {type(documents).__name__}."
        )
    out = []
    for i, doc in enumerate(documents):
        if isinstance(doc, str) or not all(isinstance(t, str) for t in doc):
            raise ParameterError(f"{name}[{i}] must be a list of str tokens, got {doc!r}.")
        out.append(list(doc))
    return out


def frequent_keywords(documents, n_keywords: int = 72, *, always: Sequence[str] = ()) -> list[str]:
    """The ``n_keywords`` most frequent tokens of tokenised documents (Hsia et al. kept 72).

    Frequency is the number of occurrences over all documents; ties go to the alphabetically first token.
    Tokens in ``always`` that occur at least once are kept whatever their rank (e.g. the keywords that have
    images); the others fill the remaining places.

    Parameters
    ----------
    documents : sequence of list of str
        Content words of each document, already tokenised and without stop words.
    n_keywords : int > 0
    always : sequence of str

    Returns
    -------
    list of str
        At most ``n_keywords`` (fewer when the documents have fewer distinct tokens), most frequent first.
    """
    docs = _documents(documents, name="documents")
    n_keywords = positive_int(n_keywords, name="n_keywords")
    if isinstance(always, str):
        raise ParameterError(f"always must be a sequence of words, got the string {always!r}.")
    counts = Counter(token for doc in docs for token in doc)
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    required = set(always)
    kept = [t for t in ranked if t in required]
    if len(kept) > n_keywords:
        raise ParameterError(
            f"{len(kept)} 'always' keywords occur in the documents, more than n_keywords={n_keywords}."
        )
    others = [t for t in ranked if t not in required][: n_keywords - len(kept)]
    chosen = set(kept) | set(others)
    return [t for t in ranked if t in chosen]


def tfidf_weights(documents, keywords: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """tf-idf of each keyword in each document, as the non-zero entries ``(document, keyword, weight)``.

    .. math:: w_{dk} = \\mathrm{tf}(k, d) \\left(\\ln\\frac{1 + N}{1 + \\mathrm{df}(k)} + 1\\right)

    with :math:`\\mathrm{tf}(k, d)` the count of ``k`` in document ``d``, :math:`N` the number of documents and
    :math:`\\mathrm{df}(k)` the number of documents containing ``k`` (the smoothed idf of scikit-learn's
    ``TfidfTransformer``: positive even for a keyword in every document). Tokens outside ``keywords`` are
    ignored.

    Returns
    -------
    document, keyword : np.ndarray [dtype=int64]
        Document index and keyword position (in ``keywords``) of every non-zero weight, by document then keyword.
    weight : np.ndarray [dtype=float64]
    """
    docs = _documents(documents, name="documents")
    position = {k: i for i, k in enumerate(keywords)}
    if len(position) != len(keywords):
        raise ParameterError("keywords must be unique.")
    pairs = Counter((d, position[t]) for d, doc in enumerate(docs) for t in doc if t in position)
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    keys = sorted(pairs)
    document = np.array([d for d, _ in keys], dtype=np.int64)
    keyword = np.array([k for _, k in keys], dtype=np.int64)
    tf = np.array([pairs[key] for key in keys], dtype=np.float64)
    df = np.bincount(keyword, minlength=len(position))
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    return document, keyword, tf * idf[keyword]


def song_keyword_image_network(
    song_ids: Sequence[str],
    song_tokens,
    image_ids: Sequence[str],
    image_keywords,
    *,
    keywords: Sequence[str],
) -> HeterogeneousNetwork:
    """The heterogeneous network of Hsia et al.: songs and images joined through keywords, tf-idf weighted.

    Songs with none of the keywords are left out (Hsia et al. kept the songs that contain at least one
    keyword); every image must have at least one keyword of ``keywords``.

    Parameters
    ----------
    song_ids : sequence of str
    song_tokens : sequence of list of str
        Content words of each song (title, lyrics), aligned with ``song_ids``.
    image_ids : sequence of str
    image_keywords : sequence of str or of list of str
        The keyword(s) each image was collected for.
    keywords : sequence of str
        The keyword vertices (e.g. :func:`frequent_keywords`).

    Returns
    -------
    HeterogeneousNetwork
        Vertices in the order songs (kept ones, in input order), keywords, images.

    Raises
    ------
    ParameterError
        For misaligned inputs, duplicate ids, or an image without a keyword of ``keywords``.
    """
    song_ids, image_ids, keywords = list(song_ids), list(image_ids), list(keywords)
    songs = _documents(song_tokens, name="song_tokens")
    images = [[k] if isinstance(k, str) else list(k) for k in image_keywords]
    images = _documents(images, name="image_keywords")
    if len(songs) != len(song_ids) or len(images) != len(image_ids):
        raise ParameterError(
            f"{len(song_ids)} song ids with {len(songs)} token lists and {len(image_ids)} image ids with "
            f"{len(images)} keyword lists: they must be aligned."
        )
    if not keywords:
        raise ParameterError("keywords must not be empty.")
    s_doc, s_key, s_w = tfidf_weights(songs, keywords)
    i_doc, i_key, i_w = tfidf_weights(images, keywords)
    unmatched = sorted(set(range(len(image_ids))) - set(i_doc.tolist()))
    if unmatched:
        first = unmatched[0]
        raise ParameterError(
            f"{len(unmatched)} image(s) have no keyword among the keywords, e.g. {image_ids[first]!r} "
            f"({images[first]}); leave them out or add their keyword."
        )
    kept = np.unique(s_doc)  # songs with at least one keyword
    song_vertex = np.full(len(song_ids), -1)
    song_vertex[kept] = np.arange(len(kept))
    n_songs, n_keywords = len(kept), len(keywords)
    names = tuple([song_ids[i] for i in kept] + keywords + image_ids)
    kinds = np.array(["song"] * n_songs + ["keyword"] * n_keywords + ["image"] * len(image_ids), dtype=object)
    edges = np.concatenate(
        [
            np.column_stack([song_vertex[s_doc], n_songs + s_key]),
            np.column_stack([n_songs + n_keywords + i_doc, n_songs + i_key]),
        ]
    ).astype(np.int64)
    return HeterogeneousNetwork(names=names, kinds=kinds, edges=edges, weights=np.concatenate([s_w, i_w]))


# --------------------------------------------------------------------------------------------------- LINE
def noise_distribution(network: HeterogeneousNetwork, power: float = 0.75) -> np.ndarray:
    """LINE's negative-sampling distribution :math:`P_n(v) \\propto d_v^{power}` (weighted degree, 3/4)."""
    if isinstance(power, bool) or not isinstance(power, Real) or not 0 <= power <= 1:
        raise ParameterError(f"power must be a number in [0, 1], got {power!r}.")
    p = network.degree() ** float(power)
    p[network.degree() == 0] = 0.0
    return p / p.sum()


def line_sgd_step(
    vertex: np.ndarray,
    context: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    negatives: np.ndarray,
    learning_rate: float,
) -> float:
    """One SGD step of LINE on a mini-batch of sampled arcs, in place; returns the batch's mean loss.

    For each arc :math:`i \\to j` with negatives :math:`n_1 \\dots n_K` (labels :math:`y = 1, 0, \\dots, 0`):
    :math:`g_c = \\rho (y_c - \\sigma(\\vec u_c'^{\\top}\\vec u_i))`, then :math:`\\vec u'_c \\mathrel{+}= g_c
    \\vec u_i` and :math:`\\vec u_i \\mathrel{+}= \\sum_c g_c \\vec u'_c`, all from the parameters before the
    step. Updates of a vertex that occurs several times in the batch add up. A negative equal to the arc's
    target is skipped. The loss is :math:`-\\log\\sigma(\\vec u_j'^{\\top}\\vec u_i) -
    \\sum_k \\log\\sigma(-\\vec u_{n_k}'^{\\top}\\vec u_i)` per arc.

    Parameters
    ----------
    vertex : np.ndarray [shape=(n_vertices, d)]
        :math:`\\vec u`, updated in place.
    context : np.ndarray [shape=(n_vertices, d)]
        :math:`\\vec u'` (second order), updated in place; pass ``vertex`` itself for first order.
    sources, targets : np.ndarray [shape=(batch,), dtype=int]
    negatives : np.ndarray [shape=(batch, K), dtype=int]
    learning_rate : float
        :math:`\\rho` for this step.

    Notes
    -----
    The inner loop of :func:`train_line`: it does not validate its arguments (``train_line`` does).
    """
    u = vertex[sources]  # (B, d)
    contexts = np.concatenate([targets[:, None], negatives], axis=1)  # (B, 1 + K): the target, then negatives
    c = context[contexts]  # (B, 1 + K, d)
    score = np.einsum("bd,bkd->bk", u, c)
    labels = np.zeros_like(score)
    labels[:, 0] = 1.0
    active = np.ones_like(score)
    active[:, 1:] = negatives != targets[:, None]  # skip a negative that is the target
    g = learning_rate * (labels - expit(score)) * active  # (B, 1 + K)
    grad_u = np.einsum("bk,bkd->bd", g, c)
    grad_c = g[:, :, None] * u[:, None, :]
    np.add.at(context, contexts.ravel(), grad_c.reshape(-1, u.shape[1]))
    np.add.at(vertex, sources, grad_u)
    loss = -(log_expit(score[:, 0]) + (log_expit(-score[:, 1:]) * active[:, 1:]).sum(axis=1))
    return float(loss.mean())


@dataclass(frozen=True)
class LineEmbedding:
    """Vectors learned by :func:`train_line`.

    Attributes
    ----------
    vectors : np.ndarray [shape=(n_vertices, d), dtype=float64]
        The vertex vectors :math:`\\vec u` (the embedding).
    context : np.ndarray or None
        The context vectors :math:`\\vec u'` (second order only).
    order : int
        1 or 2.
    history : pandas.DataFrame
        ``samples`` (arcs seen so far), ``learning_rate`` and ``loss`` (mean over the last report interval).
    """

    vectors: np.ndarray
    context: np.ndarray | None
    order: int
    history: pd.DataFrame


def train_line(
    network: HeterogeneousNetwork,
    *,
    order: int = 2,
    dim: int = 64,
    negatives: int = 5,
    samples: int = 200_000,
    learning_rate: float = 0.025,
    batch_size: int = 128,
    reports: int = 50,
    seed: int | np.random.Generator = 0,
) -> LineEmbedding:
    """Learn LINE vectors of first or second order with edge sampling, negative sampling and decaying SGD.

    Initialisation as in the reference code: :math:`\\vec u \\sim U(-0.5/d, 0.5/d)`, :math:`\\vec u' = 0`.
    ``samples`` arcs are drawn (with replacement, probability ∝ weight) in mini-batches of ``batch_size``;
    the learning rate of the batch starting at arc :math:`t` is :math:`\\rho_0 \\max(1 - t/T, 10^{-4})`.

    Parameters
    ----------
    network : HeterogeneousNetwork
    order : {1, 2}
        First-order (linked vertices close) or second-order (shared neighbours → close) proximity.
    dim : int > 0
        :math:`d` (the paper's default 128 per order; smaller suits small networks).
    negatives : int > 0
        :math:`K` (LINE's default 5).
    samples : int > 0
        :math:`T`, arcs sampled in total.
    learning_rate : float > 0
        :math:`\\rho_0` (LINE's default 0.025).
    batch_size : int > 0
        Arcs per vectorised step (see the module's deviations).
    reports : int > 0
        Rows of ``history``.
    seed : int or numpy.random.Generator

    Returns
    -------
    LineEmbedding

    Raises
    ------
    ParameterError
        For bad arguments or a network without edges.
    """
    if not isinstance(network, HeterogeneousNetwork):
        raise ParameterError(f"network must be a HeterogeneousNetwork, got {type(network).__name__}.")
    if order not in (1, 2) or isinstance(order, bool):
        raise ParameterError(f"order must be 1 or 2, got {order!r}.")
    dim = positive_int(dim, name="dim")
    negatives = positive_int(negatives, name="negatives")
    samples = positive_int(samples, name="samples")
    batch_size = positive_int(batch_size, name="batch_size")
    reports = positive_int(reports, name="reports")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real) or not learning_rate > 0:
        raise ParameterError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    if len(network.edges) == 0:
        raise ParameterError("the network has no edges to learn from.")
    rng = _rng(seed)
    sources, targets, weights = network.arcs()
    arc_table = AliasTable(weights)
    noise_table = AliasTable(noise_distribution(network))
    vertex = (rng.random((network.n_vertices, dim)) - 0.5) / dim
    context = vertex if order == 1 else np.zeros_like(vertex)
    history, losses = [], []
    every = max(1, -(-samples // batch_size) // reports)
    for step, start in enumerate(range(0, samples, batch_size)):
        size = min(batch_size, samples - start)
        rate = learning_rate * max(1.0 - start / samples, 1e-4)
        arcs = arc_table.sample(size, seed=rng)
        noise = noise_table.sample(size * negatives, seed=rng).reshape(size, negatives)
        losses.append(line_sgd_step(vertex, context, sources[arcs], targets[arcs], noise, rate))
        if (step + 1) % every == 0 or start + size == samples:
            history.append({"samples": start + size, "learning_rate": rate, "loss": float(np.mean(losses))})
            losses = []
    return LineEmbedding(
        vectors=vertex, context=None if order == 1 else context, order=order, history=pd.DataFrame(history)
    )


def line_embedding(first: LineEmbedding | np.ndarray, second: LineEmbedding | np.ndarray) -> np.ndarray:
    """LINE(1st+2nd): the L2-normalised first- and second-order vectors, concatenated (Tang et al., 4.3).

    Each half has unit length, so the squared Euclidean distance of two vertices is
    :math:`4 - 2(\\cos_1 + \\cos_2)`: both proximities count equally.
    """
    halves = []
    for part in (first, second):
        v = np.asarray(part.vectors if isinstance(part, LineEmbedding) else part, dtype=np.float64)
        if v.ndim != 2:
            raise ParameterError(f"expected (n_vertices, d) vectors, got shape {v.shape}.")
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        halves.append(v / np.where(norm > 0, norm, 1.0))
    if halves[0].shape[0] != halves[1].shape[0]:
        raise ParameterError(f"{halves[0].shape[0]} and {halves[1].shape[0]} vertices: not the same network.")
    return np.concatenate(halves, axis=1)
