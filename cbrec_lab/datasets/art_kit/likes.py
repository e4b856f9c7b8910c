"""Likes ("favourites") of the art kit's artworks: implicit feedback that repeats, for VBPR and BPR-MF.

The kit's purchases are one-of-a-kind sales: every artwork is bought at most once, so a held-out purchase is
always an artwork nobody bought in training, and the "all items" setting of He & McAuley (2016) degenerates
(matrix factorisation and popularity know nothing about the test artworks). Likes do repeat: many users may
like one artwork. :func:`simulate_likes` draws them with the *same taste structure* as the market's customers
(:func:`cbrec_lab.datasets.art_kit.market.simulate_purchases`, constants imported from
:mod:`~cbrec_lab.datasets.art_kit.market`), without stock or budget, plus how visible each artwork was.

Generative model (user ``u``, artwork ``i`` with style vector ``s_i`` (:func:`~.market.style_vectors`), medium
``m_i``, artist ``a_i``, latent appeal ``appeal_i``):

- tastes, drawn as for the market's customers::

      θ_u ~ N(0, TASTE_STRENGTH² I)   in the style space
      μ_u ~ Dirichlet(1)              over the media
      ℓ_u ~ Uniform(LOYALTY)          artist loyalty

- favourite artists: ``1 + Poisson(FAVOURITE_ARTISTS_MEAN − 1)`` distinct artists ``F_u`` (at most all of them),
  drawn without replacement with probabilities ∝ ``exp(θ_u · s̄_a)`` (Gumbel top-k, ``s̄_a`` the mean style
  vector of the artist's works), so users favour artists whose style they like — which artist it is, among
  those, is not in the pixels;
- the exposure of an artwork: ``log e_i = VISIBILITY_SIGMA · N(0, 1) + log(days on site_i / longest)`` (the
  second term only with ``upload_time``: the observation ends ``GAP_DAYS`` after the last upload): how often
  the gallery showed it. It gives the long tail of item popularity — many artworks with a handful of likes —
  that the paper's cold-start setting needs (cold test items: fewer than five training likes);
- the score of an artwork::

      s_ui = θ_u · s_i + 0.5 · log μ_u[m_i]                 (taste: largely visible in the pixels)
             + ℓ_u · 1[a_i ∈ F_u]                           (artist affinity: not visual)
             + APPEAL_SENSITIVITY · z(appeal_i)             (latent appeal, standardised over the kit)
             + log e_i                                      (exposure: not visual)

  (``log`` of a medium preference is floored at ``log 1e-12`` as in the market);
- the number of likes ``n_u = 5 + NegBin(LIKES_DISPERSION, p)`` with ``p`` chosen so that ``E[n_u] = likes_mean``
  (long-tailed, like the market's purchase counts), capped at half the artworks;
- user ``u`` likes the ``n_u`` distinct artworks with the largest ``s_ui + g_ui``, ``g_ui ~ Gumbel(0, 1)``
  (Gumbel top-k): a draw without replacement from ``softmax(s_u·)``;
- a timestamp per like, ``upload_time_i + Exponential(GAP_DAYS)`` days (rounded to the second): when the like
  happened; it does not affect the choice.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same items, ``n_users``, ``likes_mean`` and
``seed`` give the same likes.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd

from ...checks import positive_int
from ...exceptions import ParameterError
from .market import APPEAL_SENSITIVITY, GAP_DAYS, LOYALTY, STYLE_WEIGHTS, TASTE_STRENGTH, style_vectors

__all__ = [
    "simulate_likes",
    "LIKES_MEAN",
    "LIKES_DISPERSION",
    "MIN_LIKES",
    "FAVOURITE_ARTISTS_MEAN",
    "VISIBILITY_SIGMA",
    "LIKES_PARAMETERS",
]

#: Default mean number of likes per user.
LIKES_MEAN = 20.0
#: Shape ``r`` of the negative binomial of the likes beyond :data:`MIN_LIKES` (small: long tail).
LIKES_DISPERSION = 0.8
#: Every user likes at least this many artworks (the paper keeps users with at least 5 actions).
MIN_LIKES = 5
#: Mean size of a user's set of favourite artists.
FAVOURITE_ARTISTS_MEAN = 2.0
#: Standard deviation of an artwork's log exposure (how often the gallery showed it).
VISIBILITY_SIGMA = 1.5
_TASTE_FLOOR = 1e-12

LIKES_PARAMETERS = {
    "TASTE_STRENGTH": TASTE_STRENGTH,
    "LOYALTY": LOYALTY,
    "APPEAL_SENSITIVITY": APPEAL_SENSITIVITY,
    "GAP_DAYS": GAP_DAYS,
    "LIKES_DISPERSION": LIKES_DISPERSION,
    "MIN_LIKES": MIN_LIKES,
    "FAVOURITE_ARTISTS_MEAN": FAVOURITE_ARTISTS_MEAN,
    "VISIBILITY_SIGMA": VISIBILITY_SIGMA,
}

_REQUIRED = ("artist", "medium", *STYLE_WEIGHTS, "appeal")


def _check(items, n_users, likes_mean, seed) -> None:
    if not isinstance(items, pd.DataFrame):
        raise ParameterError(
            f"items must be a pandas DataFrame indexed by item id (the kit's items), got {type(items).__name__}."
        )
    missing = [c for c in _REQUIRED if c not in items.columns]
    if missing:
        raise ParameterError(
            f"items lacks the columns {missing}; simulate_likes needs {list(_REQUIRED)} (use load_art_kit(...).items)."
        )
    if len(items) < 2 * MIN_LIKES:
        raise ParameterError(
            f"items must hold at least {2 * MIN_LIKES} artworks (every user likes at least "
            f"{MIN_LIKES}, at most half of them), got {len(items)}."
        )
    if not items.index.is_unique:
        raise ParameterError("items must have unique item ids in its index.")
    for column in _REQUIRED[:-1]:
        if items[column].isna().any():
            raise ParameterError(f"items[{column!r}] has missing values.")
    appeal = pd.to_numeric(items["appeal"], errors="coerce")
    if not np.isfinite(appeal.to_numpy(float)).all():
        raise ParameterError("items['appeal'] must be finite numbers (the kit's latent appeal).")
    if "upload_time" in items.columns and pd.to_datetime(items["upload_time"], errors="coerce").isna().any():
        raise ParameterError("items['upload_time'] must be dates (no missing values).")
    positive_int(n_users, name="n_users")
    if (
        isinstance(likes_mean, bool)
        or not isinstance(likes_mean, Real)
        or not np.isfinite(likes_mean)
        or likes_mean < MIN_LIKES
    ):
        raise ParameterError(
            f"likes_mean must be a finite number ≥ {MIN_LIKES} (every user likes at least "
            f"{MIN_LIKES} artworks), got {likes_mean!r}."
        )
    positive_int(seed, name="seed", minimum=0)


def simulate_likes(
    items: pd.DataFrame,
    n_users: int,
    *,
    likes_mean: float = LIKES_MEAN,
    seed: int = 0,
    return_users: bool = False,
):
    """Users liking artworks, with the tastes of the market's customers (see the module docstring).

    Parameters
    ----------
    items : pandas.DataFrame
        Indexed by item id, with ``artist``, ``medium``, the style columns (``family``, ``brushwork``,
        ``marks``, ``composition``, ``palette``), ``appeal`` and optionally ``upload_time`` (the kit's
        ``items``). At least ``2 · MIN_LIKES`` rows.
    n_users : int > 0
    likes_mean : float ≥ MIN_LIKES
        Mean likes per user (before the cap at half the artworks).
    seed : int ≥ 0
    return_users : bool
        Also return the users' drawn tastes (the ground truth, for checks and lessons).

    Returns
    -------
    pandas.DataFrame
        ``user_id`` (``"U00001"``, ...), ``item_id``, ``timestamp`` (only when ``items`` has ``upload_time``);
        one row per (user, artwork) — a user never likes an artwork twice — sorted by user then item order.
    pandas.DataFrame, only with ``return_users``
        Indexed by ``user_id``: ``n_likes``, ``loyalty``, ``favourite_artists`` (``;``-separated),
        ``top_family``, ``top_palette`` (the value of each attribute the user's taste θ_u rates highest),
        ``family:<name>`` and ``palette:<name>`` (θ_u's rating of each value, the part of ``θ_u · s_i`` that
        value contributes) and ``medium:<name>`` (the Dirichlet draw μ_u).

    Raises
    ------
    ParameterError
        Missing columns, too few items, a bad ``n_users``, ``likes_mean`` or ``seed``.

    Examples
    --------
    >>> from cbrec_lab.datasets.art_kit import load_art_kit
    >>> likes = simulate_likes(load_art_kit("ci").items, 300, likes_mean=20, seed=0)  # doctest: +SKIP
    """
    _check(items, n_users, likes_mean, seed)
    rng = np.random.default_rng(seed)
    medium_cat = pd.Categorical(items["medium"])
    artist_cat = pd.Categorical(items["artist"])
    media, artists = medium_cat.codes, artist_cat.codes
    n_items, n_m, n_a = len(items), len(medium_cat.categories), len(artist_cat.categories)
    style = style_vectors(items)
    appeal = pd.to_numeric(items["appeal"]).to_numpy(float)
    z_appeal = (appeal - appeal.mean()) / (appeal.std() + 1e-9)

    taste = rng.normal(0, TASTE_STRENGTH, (n_users, style.shape[1]))
    pref_m = rng.dirichlet(np.ones(n_m), n_users)
    loyalty = rng.uniform(*LOYALTY, n_users)
    r = LIKES_DISPERSION
    extra = likes_mean - MIN_LIKES
    n_likes = MIN_LIKES + rng.negative_binomial(r, r / (r + extra), n_users)  # p = 1 (likes_mean = 5): all 0
    n_likes = np.minimum(n_likes, n_items // 2).astype(np.int64)
    log_exposure = VISIBILITY_SIGMA * rng.standard_normal(n_items)
    if "upload_time" in items.columns:
        upload = pd.to_datetime(items["upload_time"]).to_numpy("datetime64[s]").astype(np.int64)
        on_site = upload.max() + GAP_DAYS * 86_400 - upload
        log_exposure += np.log(on_site / on_site.max())

    artist_style = np.stack([style[artists == a].mean(axis=0) for a in range(n_a)])
    n_favourite = np.minimum(1 + rng.poisson(FAVOURITE_ARTISTS_MEAN - 1, n_users), n_a)
    artist_keys = taste @ artist_style.T + rng.gumbel(size=(n_users, n_a))
    favourite = np.zeros((n_users, n_a), dtype=bool)
    for u in range(n_users):
        favourite[u, np.argsort(-artist_keys[u], kind="stable")[: n_favourite[u]]] = True

    score = (
        taste @ style.T
        + 0.5 * np.log(pref_m[:, media] + _TASTE_FLOOR)
        + loyalty[:, None] * favourite[:, artists]
        + APPEAL_SENSITIVITY * z_appeal[None, :]
        + log_exposure[None, :]
    )
    keys = score + rng.gumbel(size=score.shape)
    liked = [np.sort(np.argsort(-keys[u], kind="stable")[: n_likes[u]]) for u in range(n_users)]
    rows_u = np.repeat(np.arange(n_users), n_likes)
    rows_i = np.concatenate(liked)
    user_ids = np.array([f"U{u + 1:05d}" for u in range(n_users)])
    likes = pd.DataFrame({"user_id": user_ids[rows_u], "item_id": items.index.to_numpy()[rows_i]})
    if "upload_time" in items.columns:
        upload = pd.to_datetime(items["upload_time"]).to_numpy("datetime64[ns]")[rows_i]
        delay = pd.to_timedelta(np.round(rng.exponential(GAP_DAYS * 86_400, rows_i.size)), unit="s")
        likes["timestamp"] = pd.DatetimeIndex(upload) + delay
    if not return_users:
        return likes

    value_ratings = {}
    offset = 0
    for attribute in STYLE_WEIGHTS:
        width = style.shape[1] // len(STYLE_WEIGHTS)
        if attribute in ("family", "palette"):
            values = pd.unique(items[attribute])
            rows = [np.flatnonzero(items[attribute].to_numpy() == v)[0] for v in values]
            block = style[rows, offset : offset + width]
            value_ratings[attribute] = pd.DataFrame(
                taste[:, offset : offset + width] @ block.T, columns=[f"{attribute}:{v}" for v in values]
            ).sort_index(axis=1)
        offset += width
    users = pd.DataFrame(
        {
            "n_likes": n_likes,
            "loyalty": loyalty,
            "favourite_artists": [
                ";".join(str(a) for a in artist_cat.categories[favourite[u]]) for u in range(n_users)
            ],
            "top_family": value_ratings["family"].idxmax(axis=1).str.removeprefix("family:").to_numpy(),
            "top_palette": value_ratings["palette"].idxmax(axis=1).str.removeprefix("palette:").to_numpy(),
        },
        index=pd.Index(user_ids, name="user_id"),
    )
    media_frame = pd.DataFrame(pref_m, columns=[f"medium:{name}" for name in medium_cat.categories])
    tastes = [
        frame.set_index(users.index) for frame in (value_ratings["family"], value_ratings["palette"], media_frame)
    ]
    return likes, pd.concat([users, *tastes], axis=1)
