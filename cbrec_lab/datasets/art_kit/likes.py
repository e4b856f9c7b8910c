"""Likes ("favourites") of the art kit's artworks: implicit feedback that repeats, for VBPR and BPR-MF.

The kit's purchases are one-of-a-kind sales: every artwork is bought at most once, so a held-out purchase is
always an artwork nobody bought in training, and the "all items" setting of He & McAuley (2016) degenerates
(matrix factorisation and popularity know nothing about the test artworks). Likes do repeat: many users may
like one artwork. :func:`simulate_likes` draws them with the *same taste structure* as the market's customers
(:func:`cbrec_lab.datasets.art_kit.market.simulate_purchases`, constants imported from
:mod:`~cbrec_lab.datasets.art_kit.market`), without time, stock or budget.

Generative model (user ``u``, artwork ``i`` of family ``f_i``, palette ``p_i``, medium ``m_i``, artist ``a_i``):

- tastes, drawn as for the market's customers::

      τ_u ~ Dirichlet(TASTE_CONCENTRATION · 1)   over the families
      π_u ~ Dirichlet(TASTE_CONCENTRATION · 1)   over the palettes
      μ_u ~ Dirichlet(1)                          over the media
      ℓ_u ~ Uniform(LOYALTY)                      artist loyalty

- favourite artists: ``1 + Poisson(FAVOURITE_ARTISTS_MEAN − 1)`` distinct artists ``F_u`` (at most all of them),
  drawn without replacement with probabilities ∝ ``τ_u[f_a] · π_u[p_a]`` (Gumbel top-k), so users favour
  artists who work in the families and palettes they like — which artist it is, among those, is not in the
  pixels;
- the score of an artwork::

      s_ui = log τ_u[f_i] + log π_u[p_i] + 0.5 · log μ_u[m_i]        (taste: largely visible in the pixels)
             + ℓ_u · 1[a_i ∈ F_u]                                   (artist affinity: not visual)
             + APPEAL_SENSITIVITY · z(log(1 + favourites_i))        (appeal, standardised over the kit)

  (``log`` of a taste is floored at ``log 1e-12`` as in the market);
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
from .market import APPEAL_SENSITIVITY, GAP_DAYS, LOYALTY, TASTE_CONCENTRATION

__all__ = [
    "simulate_likes",
    "LIKES_MEAN",
    "LIKES_DISPERSION",
    "MIN_LIKES",
    "FAVOURITE_ARTISTS_MEAN",
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
_TASTE_FLOOR = 1e-12

LIKES_PARAMETERS = {
    "TASTE_CONCENTRATION": TASTE_CONCENTRATION,
    "LOYALTY": LOYALTY,
    "APPEAL_SENSITIVITY": APPEAL_SENSITIVITY,
    "GAP_DAYS": GAP_DAYS,
    "LIKES_DISPERSION": LIKES_DISPERSION,
    "MIN_LIKES": MIN_LIKES,
    "FAVOURITE_ARTISTS_MEAN": FAVOURITE_ARTISTS_MEAN,
}

_REQUIRED = ("artist", "family", "palette", "medium", "favourites")


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
    for column in _REQUIRED[:4]:
        if items[column].isna().any():
            raise ParameterError(f"items[{column!r}] has missing values.")
    favourites = pd.to_numeric(items["favourites"], errors="coerce")
    if favourites.isna().any() or (favourites < 0).any():
        raise ParameterError("items['favourites'] must be non-negative numbers.")
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
        Indexed by item id, with ``artist``, ``family``, ``palette``, ``medium``, ``favourites`` and
        optionally ``upload_time`` (the kit's ``items``). At least ``2 · MIN_LIKES`` rows.
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
        ``top_family``, ``top_palette``, and ``family:<name>``, ``palette:<name>``, ``medium:<name>`` (the
        Dirichlet draws τ_u, π_u, μ_u).

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
    family_cat = pd.Categorical(items["family"])
    palette_cat = pd.Categorical(items["palette"])
    medium_cat = pd.Categorical(items["medium"])
    artist_cat = pd.Categorical(items["artist"])
    families, palettes = family_cat.codes, palette_cat.codes
    media, artists = medium_cat.codes, artist_cat.codes
    n_items = len(items)
    n_f, n_p, n_m, n_a = (
        len(family_cat.categories),
        len(palette_cat.categories),
        len(medium_cat.categories),
        len(artist_cat.categories),
    )
    log_fav = np.log1p(pd.to_numeric(items["favourites"]).to_numpy(float))
    z_appeal = (log_fav - log_fav.mean()) / (log_fav.std() + 1e-9)

    taste_f = rng.dirichlet(np.full(n_f, TASTE_CONCENTRATION), n_users)
    taste_p = rng.dirichlet(np.full(n_p, TASTE_CONCENTRATION), n_users)
    pref_m = rng.dirichlet(np.ones(n_m), n_users)
    loyalty = rng.uniform(*LOYALTY, n_users)
    r = LIKES_DISPERSION
    extra = likes_mean - MIN_LIKES
    n_likes = MIN_LIKES + rng.negative_binomial(r, r / (r + extra), n_users)  # p = 1 (likes_mean = 5): all 0
    n_likes = np.minimum(n_likes, n_items // 2).astype(np.int64)

    # each artist's family and palette (an artist keeps one of each; the most frequent if a table mixes them)
    frame = pd.DataFrame({"a": artists, "f": families, "p": palettes})
    artist_family = frame.groupby("a")["f"].agg(lambda s: s.mode().iloc[0]).reindex(range(n_a)).to_numpy()
    artist_palette = frame.groupby("a")["p"].agg(lambda s: s.mode().iloc[0]).reindex(range(n_a)).to_numpy()
    n_favourite = np.minimum(1 + rng.poisson(FAVOURITE_ARTISTS_MEAN - 1, n_users), n_a)
    artist_keys = (
        np.log(taste_f[:, artist_family] + _TASTE_FLOOR)
        + np.log(taste_p[:, artist_palette] + _TASTE_FLOOR)
        + rng.gumbel(size=(n_users, n_a))
    )
    favourite = np.zeros((n_users, n_a), dtype=bool)
    for u in range(n_users):
        favourite[u, np.argsort(-artist_keys[u], kind="stable")[: n_favourite[u]]] = True

    score = (
        np.log(taste_f[:, families] + _TASTE_FLOOR)
        + np.log(taste_p[:, palettes] + _TASTE_FLOOR)
        + 0.5 * np.log(pref_m[:, media] + _TASTE_FLOOR)
        + loyalty[:, None] * favourite[:, artists]
        + APPEAL_SENSITIVITY * z_appeal[None, :]
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

    users = pd.DataFrame(
        {
            "n_likes": n_likes,
            "loyalty": loyalty,
            "favourite_artists": [
                ";".join(str(a) for a in artist_cat.categories[favourite[u]]) for u in range(n_users)
            ],
            "top_family": np.asarray(family_cat.categories)[taste_f.argmax(axis=1)],
            "top_palette": np.asarray(palette_cat.categories)[taste_p.argmax(axis=1)],
        },
        index=pd.Index(user_ids, name="user_id"),
    )
    tastes = [
        pd.DataFrame(values, columns=[f"{kind}:{name}" for name in cat.categories], index=users.index)
        for kind, values, cat in (
            ("family", taste_f, family_cat),
            ("palette", taste_p, palette_cat),
            ("medium", pref_m, medium_cat),
        )
    ]
    return likes, pd.concat([users, *tastes], axis=1)
