"""Simulated listeners: who plays which songs of the kit, and how often.

Generative model (every draw from one ``numpy.random.Generator``; the parameters are the module constants):

1. **Popularity.** Each artist has a popularity ``a ~ LogNormal(0, ARTIST_POP_SIGMA)`` and each song
   ``pop_s = a_artist(s) · LogNormal(0, SONG_POP_SIGMA)``: a long tail of songs, clustered by artist.
2. **Taste over genres.** User ``u`` has ``θ_u ~ Dirichlet(GENRE_CONCENTRATION · 1)``: small
   concentration, so most users care about one to three genres.
3. **Favourite artists.** ``1 + Poisson(FAVOURITES_MEAN)`` artists per user, drawn without replacement with
   probability ∝ ``θ_u[genre(artist)] · a_artist``; their songs get weight × ``FAVOURITE_BOOST``.
4. **Which songs.** The number of distinct songs is ``n_u = MIN_SONGS + ⌊LogNormal(log SONGS_MEDIAN,
   SONGS_SIGMA)⌋`` (capped at a third of the catalogue); the songs are drawn without replacement with
   probability ∝ ``θ_u[genre(s)] · pop_s · boost_us`` (Gumbel-top-k sampling).
5. **How often.** ``r_us = max(1, round(Zipf(PLAY_ZIPF_A) · activity_u · (2 if s is by a favourite artist else 1)))``
   with ``activity_u ~ LogNormal(0, ACTIVITY_SIGMA)``, capped at ``MAX_PLAYS``: most counts are 1–3, a few
   are in the hundreds, as in the Echo Nest Taste Profile (mean about 2.9 plays per pair there).
6. **Nobody's song.** A song no user drew gets one play from one user drawn ∝ ``θ_u[genre(s)]``, so every
   song has listening data (as every song of the Taste Profile subset does).

The result is written like the Taste Profile subset: ``user<TAB>song<TAB>play_count`` triplets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["simulate_plays", "long_tail_stats", "to_triplets", "MODEL_PARAMETERS"]

ARTIST_POP_SIGMA = 1.5
SONG_POP_SIGMA = 1.1
GENRE_CONCENTRATION = 0.25
FAVOURITES_MEAN = 2.0
FAVOURITE_BOOST = 8.0
MIN_SONGS = 5
SONGS_MEDIAN = 12.0
SONGS_SIGMA = 0.8
PLAY_ZIPF_A = 2.6
ACTIVITY_SIGMA = 0.5
MAX_PLAYS = 2_000
BATCH_USERS = 2_048

MODEL_PARAMETERS = {
    name: value
    for name, value in globals().items()
    if name.isupper() and name not in {"BATCH_USERS"} and isinstance(value, (int, float))
}


def simulate_plays(genres: np.ndarray, artists: np.ndarray, n_users: int, rng: np.random.Generator) -> sp.csr_matrix:
    """Draw the users × songs play-count matrix.

    Parameters
    ----------
    genres, artists : numpy.ndarray [shape=(n_songs,)]
        Integer codes of each song's genre and artist.
    n_users : int
    rng : numpy.random.Generator

    Returns
    -------
    scipy.sparse.csr_matrix [shape=(n_users, n_songs), dtype=int32]
        Every user has at least ``MIN_SONGS`` songs with a positive count.
    """
    n_songs = len(genres)
    n_genres, n_artists = int(genres.max()) + 1, int(artists.max()) + 1
    artist_genre = np.zeros(n_artists, dtype=int)
    artist_genre[artists] = genres
    artist_pop = rng.lognormal(0.0, ARTIST_POP_SIGMA, n_artists)
    song_pop = artist_pop[artists] * rng.lognormal(0.0, SONG_POP_SIGMA, n_songs)

    theta = rng.dirichlet(np.full(n_genres, GENRE_CONCENTRATION), n_users)
    n_favourites = 1 + rng.poisson(FAVOURITES_MEAN, n_users)
    favourite = np.zeros((n_users, n_artists), dtype=bool)
    artist_weight = theta[:, artist_genre] * artist_pop + 1e-12
    artist_keys = np.log(artist_weight) + rng.gumbel(size=artist_weight.shape)
    artist_rank = np.argsort(np.argsort(-artist_keys, axis=1), axis=1)
    favourite[artist_rank < np.minimum(n_favourites, n_artists)[:, None]] = True

    cap = max(MIN_SONGS, n_songs // 3)
    n_songs_u = np.minimum(MIN_SONGS + np.floor(rng.lognormal(np.log(SONGS_MEDIAN), SONGS_SIGMA, n_users)), cap)
    activity = rng.lognormal(0.0, ACTIVITY_SIGMA, n_users)

    rows, cols, counts = [], [], []
    for start in range(0, n_users, BATCH_USERS):
        batch = slice(start, min(start + BATCH_USERS, n_users))
        is_favourite = favourite[batch][:, artists]
        log_w = np.log(theta[batch][:, genres] + 1e-12) + np.log(song_pop) + np.log(FAVOURITE_BOOST) * is_favourite
        keys = log_w + rng.gumbel(size=log_w.shape)
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
        chosen = rank < n_songs_u[batch][:, None]
        users, songs = np.nonzero(chosen)
        plays = (
            rng.zipf(PLAY_ZIPF_A, len(users)) * activity[batch][users] * np.where(is_favourite[users, songs], 2.0, 1.0)
        )
        rows.append(users + start)
        cols.append(songs)
        counts.append(np.clip(np.round(plays), 1, MAX_PLAYS).astype(np.int32))
    unheard = np.setdiff1d(np.arange(n_songs), np.concatenate(cols))
    if len(unheard):  # step 6: every song has at least one listener, drawn ∝ the users' taste for its genre
        taste = theta[:, genres[unheard]]
        rows.append(np.array([rng.choice(n_users, p=t / t.sum()) for t in taste.T]))
        cols.append(unheard)
        counts.append(np.ones(len(unheard), dtype=np.int32))
    matrix = sp.csr_matrix(
        (np.concatenate(counts), (np.concatenate(rows), np.concatenate(cols))), shape=(n_users, n_songs), dtype=np.int32
    )
    matrix.sort_indices()
    return matrix


def long_tail_stats(plays: sp.spmatrix) -> dict[str, float]:
    """How concentrated listening is.

    Returns
    -------
    dict
        ``top1_share``: share of all plays going to the most-played 1 % of songs (at least one song);
        ``gini``: Gini index of the songs' total plays, ``G = Σ_i (2i − n − 1) x_(i) / (n Σ x)`` with the totals
        sorted ascending (0 = all songs equally played, → 1 = one song takes everything);
        ``mean_plays``: mean count of a user–song pair; ``density``: share of user–song pairs with plays.
    """
    totals = np.sort(np.asarray(plays.sum(axis=0)).ravel().astype(float))
    n = len(totals)
    top = max(1, int(round(0.01 * n)))
    index = np.arange(1, n + 1)
    return {
        "top1_share": float(totals[-top:].sum() / totals.sum()),
        "gini": float(((2 * index - n - 1) * totals).sum() / (n * totals.sum())),
        "mean_plays": float(plays.data.mean()),
        "density": float(plays.nnz / (plays.shape[0] * plays.shape[1])),
    }


def to_triplets(plays: sp.csr_matrix, user_ids: np.ndarray, song_ids: np.ndarray) -> pd.DataFrame:
    """The matrix as Taste-Profile triplets (user, song, play_count), sorted by user then song column."""
    coo = plays.tocoo()
    order = np.lexsort((coo.col, coo.row))
    return pd.DataFrame(
        {"user": user_ids[coo.row[order]], "song": song_ids[coo.col[order]], "play_count": coo.data[order]}
    )
