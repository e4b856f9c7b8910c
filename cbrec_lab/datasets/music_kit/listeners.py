"""Simulated listeners: who plays which songs of the kit, and how often.

Listeners choose by what they hear *and* by what they cannot hear. The audible attributes are the song's genre, its
arrangement recipe (instrumentation), its tempo and its energy; the inaudible ones are drawn here, per artist: how
popular the artist is, how loyal the artist's fans are, the artist's era (release year) and the regional or social
scene the artist belongs to. A song's audio therefore carries only part of what decides who plays it, and latent
factors learnt from the plays (WMF) are only partly predictable from the audio.

Generative model (every draw from one ``numpy.random.Generator``, in this order; the parameters are the module
constants, collected in ``MODEL_PARAMETERS``):

**Artists** (:func:`inaudible_attributes`; artists in order of first appearance in the songs table):

1. *Popularity* ``a_A ~ LogNormal(0, ARTIST_POP_SIGMA)`` and, per song, ``pop_s = a_A(s) · LogNormal(0,
   SONG_POP_SIGMA)``: a long tail of songs, clustered by artist.
2. *Loyalty* ``λ_A ~ Beta(LOYALTY_A, LOYALTY_B)``: how strongly the artist's fans stick to the artist.
3. *Era* ``y_A = clip(round(N(ERA_CENTRES[g_A], ERA_SD)), ERA_RANGE)``: the release year, centred on the genre's
   heyday (``ERA_CENTRE_DEFAULT`` for a genre not listed), so era is correlated with genre but varies inside it.
4. *Scene* ``c_A``: each genre has a home scene ``h_g ~ Uniform(N_SCENES)``; an artist belongs to its genre's
   home scene with probability ``SCENE_GENRE_LINK`` and otherwise to a scene drawn from the scene sizes
   ``π ~ Dirichlet(SCENE_CONCENTRATION · 1)``. Scenes (``SCENE_NAMES``) cut across genres.

**Users** (``n_users`` of them):

5. *Genre taste* ``θ_u ~ Dirichlet(GENRE_CONCENTRATION · 1)``; *instrumentation taste* ``ρ_ur ~ N(0, 1)`` for every
   recipe ``r``; *ideal energy* ``ε_u ~ Uniform(0, 1)``; *ideal tempo* ``log τ_u ~ N(log TEMPO_CENTRE,
   TEMPO_SPREAD)``; *popularity appetite* ``β_u ~ N(POP_TASTE_MEAN, POP_TASTE_SD)`` (mainstream to niche);
   *home scene* ``h_u`` drawn ∝ (number of artists in the scene + 1); *era* ``μ_u ~ Uniform(ERA_RANGE)`` (when
   the listener grew up).
6. *Appeal* of song ``s`` to user ``u`` (a log weight)::

       v_us = W_GENRE · log(θ_u[g_s] + GENRE_FLOOR)                        audible: genre
            + W_RECIPE · ρ_u[r_s]                                           audible: instrumentation
            − W_ENERGY · (e_s − ε_u)² / (2 ENERGY_WIDTH²)                   audible: energy (arousal, mood)
            − W_TEMPO · (log t_s − log τ_u)² / (2 TEMPO_WIDTH²)             audible: tempo
            + β_u · log pop_s                                               inaudible: popularity
            + W_SCENE · 1[c_A(s) = h_u]                                     inaudible: scene
            − W_ERA · (y_A(s) − μ_u)² / (2 ERA_WIDTH²)                      inaudible: era

   Audible weights sum to ``W_GENRE + W_RECIPE + W_ENERGY + W_TEMPO``; no term is a hard filter, so most users
   listen across genres.
7. *Favourite artists*: ``1 + Poisson(FAVOURITES_MEAN)`` artists per user, drawn without replacement with
   probability ∝ ``exp(V_uA)``, ``V_uA = log Σ_{s by A} exp(v_us)`` (Gumbel-top-k); their songs get
   ``+ (1 + λ_A) · log FAVOURITE_BOOST`` in ``v_us``: loyal artists' fans concentrate on them.
8. *Which songs.* ``n_u = MIN_SONGS + ⌊LogNormal(log SONGS_MEDIAN, SONGS_SIGMA)⌋`` distinct songs (capped at a
   third of the catalogue), drawn without replacement with probability ∝ ``exp(v_us)`` (Gumbel-top-k).
9. *How often.* ``r_us = max(1, round(Zipf(PLAY_ZIPF_A) · activity_u · (1 + 2 λ_A if favourite else 1)))`` with
   ``activity_u ~ LogNormal(0, ACTIVITY_SIGMA)``, capped at ``MAX_PLAYS``: most counts are 1–3, a few are in the
   hundreds, as in the Echo Nest Taste Profile (mean about 2.9 plays per pair there).
10. *Nobody's song.* A song no user drew gets one play from one user drawn ∝ ``exp(v_us)``, so every song has
    listening data (as every song of the Taste Profile subset does).

The result is written like the Taste Profile subset: ``user<TAB>song<TAB>play_count`` triplets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ...exceptions import ParameterError

__all__ = [
    "simulate_plays",
    "inaudible_attributes",
    "long_tail_stats",
    "to_triplets",
    "MODEL_PARAMETERS",
    "REQUIRED_COLUMNS",
    "SCENE_NAMES",
    "ERA_CENTRES",
]

# artists
ARTIST_POP_SIGMA = 1.5
SONG_POP_SIGMA = 1.1
LOYALTY_A, LOYALTY_B = 2.0, 3.0
ERA_SD = 10.0
ERA_RANGE = (1950, 2020)
ERA_CENTRE_DEFAULT = 1990
SCENE_GENRE_LINK = 0.3
SCENE_CONCENTRATION = 4.0
# users: audible tastes
GENRE_CONCENTRATION = 0.4
GENRE_FLOOR = 0.02
W_GENRE = 0.8
W_RECIPE = 0.7
W_ENERGY = 1.0
ENERGY_WIDTH = 0.25
W_TEMPO = 0.5
TEMPO_CENTRE = 110.0
TEMPO_SPREAD = 0.2
TEMPO_WIDTH = 0.2
# users: inaudible tastes
POP_TASTE_MEAN = 1.3  # > 1: exposure (charts, radio, recommendations) favours the popular more than proportionally
POP_TASTE_SD = 0.3
W_SCENE = 2.7  # ≈ log 15: a song of the listener's own scene is about 15 times as likely, other things equal
W_ERA = 1.0
ERA_WIDTH = 12.0
# favourites and counts
FAVOURITES_MEAN = 2.0
FAVOURITE_BOOST = 4.0
MIN_SONGS = 5
SONGS_MEDIAN = 12.0
SONGS_SIGMA = 0.8
PLAY_ZIPF_A = 2.6
ACTIVITY_SIGMA = 0.5
MAX_PLAYS = 2_000
BATCH_USERS = 1_024

#: Regional or social scenes an artist belongs to (inaudible: the audio does not depend on it).
SCENE_NAMES = ("harbour", "capital", "valley", "north", "coast", "campus", "delta", "suburbs")
N_SCENES = len(SCENE_NAMES)

#: The decade a genre's recordings centre on (an artist's era is drawn around it).
ERA_CENTRES = {
    "blues": 1965,
    "classical": 1975,
    "country": 1985,
    "disco": 1978,
    "hiphop": 2002,
    "jazz": 1962,
    "metal": 1990,
    "pop": 2005,
    "reggae": 1980,
    "rock": 1982,
}

#: Columns ``simulate_plays`` reads from the songs table.
REQUIRED_COLUMNS = ("genre", "artist", "recipe", "tempo", "energy")

#: Every parameter of the model, as JSON gives it back (tuples as lists): written to the kit's inputs, so a change
#: of the model rebuilds the kit.
MODEL_PARAMETERS = {
    name: list(value) if isinstance(value, tuple) else value
    for name, value in globals().items()
    if name.isupper()
    and name not in {"BATCH_USERS", "REQUIRED_COLUMNS"}
    and isinstance(value, (int, float, tuple, dict))
}


def _check_songs(songs: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in songs.columns]
    if missing:
        raise ParameterError(f"songs needs the columns {list(REQUIRED_COLUMNS)}; missing {missing}.")
    if len(songs) == 0:
        raise ParameterError("songs is empty: there is nothing to listen to.")
    tempo, energy = songs["tempo"].to_numpy(float), songs["energy"].to_numpy(float)
    if not (np.isfinite(tempo).all() and tempo.min() > 0):
        raise ParameterError("songs['tempo'] must be positive beats per minute.")
    if not (np.isfinite(energy).all() and energy.min() >= 0 and energy.max() <= 1):
        raise ParameterError("songs['energy'] must lie in [0, 1].")


def inaudible_attributes(songs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the per-artist attributes that listeners respond to but the audio does not carry (steps 1–4).

    Parameters
    ----------
    songs : pandas.DataFrame
        At least the columns of ``REQUIRED_COLUMNS``; each artist belongs to one genre (the genre of the artist's
        first song is used).
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame [index=songs.index]
        One row per song: ``artist_popularity`` (``a_A``), ``song_popularity`` (``pop_s``), ``artist_loyalty``
        (``λ_A``), ``year`` (``y_A``, int) and ``scene`` (a name from ``SCENE_NAMES``). Pass it to
        :func:`simulate_plays` as ``attributes`` to simulate with exactly these values.
    """
    _check_songs(songs)
    artist_names, artist_of_song = np.unique(songs["artist"].to_numpy(str), return_inverse=True)
    # order artists by first appearance so that the draws do not depend on how names sort
    first = np.array([np.flatnonzero(artist_of_song == a)[0] for a in range(len(artist_names))])
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    artist_of_song = rank[artist_of_song]
    n_artists = len(artist_names)
    genre_of_artist = songs["genre"].to_numpy(str)[first[order]]
    genre_names, genre_code = np.unique(genre_of_artist, return_inverse=True)

    artist_pop = rng.lognormal(0.0, ARTIST_POP_SIGMA, n_artists)
    song_pop = artist_pop[artist_of_song] * rng.lognormal(0.0, SONG_POP_SIGMA, len(songs))
    loyalty = rng.beta(LOYALTY_A, LOYALTY_B, n_artists)
    centre = np.array([ERA_CENTRES.get(g, ERA_CENTRE_DEFAULT) for g in genre_of_artist], dtype=float)
    year = np.clip(np.round(rng.normal(centre, ERA_SD)), *ERA_RANGE).astype(int)
    home = rng.integers(0, N_SCENES, len(genre_names))
    sizes = rng.dirichlet(np.full(N_SCENES, SCENE_CONCENTRATION))
    linked = rng.random(n_artists) < SCENE_GENRE_LINK
    scene = np.where(linked, home[genre_code], rng.choice(N_SCENES, n_artists, p=sizes))
    return pd.DataFrame(
        {
            "artist_popularity": artist_pop[artist_of_song],
            "song_popularity": song_pop,
            "artist_loyalty": loyalty[artist_of_song],
            "year": year[artist_of_song],
            "scene": np.asarray(SCENE_NAMES)[scene[artist_of_song]],
        },
        index=songs.index,
    )


def simulate_plays(
    songs: pd.DataFrame, n_users: int, rng: np.random.Generator, *, attributes: pd.DataFrame | None = None
) -> sp.csr_matrix:
    """Draw the users × songs play-count matrix (see the module docstring for the model).

    Parameters
    ----------
    songs : pandas.DataFrame
        One row per song with at least ``genre`` (str), ``artist`` (str), ``recipe`` (str, the arrangement
        recipe), ``tempo`` (float, bpm) and ``energy`` (float in [0, 1]).
    n_users : int
    rng : numpy.random.Generator
    attributes : pandas.DataFrame, optional
        The inaudible attributes from :func:`inaudible_attributes`; drawn from ``rng`` first when omitted, so
        ``simulate_plays(songs, n, rng)`` equals ``a = inaudible_attributes(songs, rng)`` followed by
        ``simulate_plays(songs, n, rng, attributes=a)`` with the same generator.

    Returns
    -------
    scipy.sparse.csr_matrix [shape=(n_users, len(songs)), dtype=int32]
        Rows in user order, columns in the table's row order; every user has at least ``MIN_SONGS`` songs with
        a positive count (fewer only if the catalogue is smaller) and every song at least one listener.
    """
    if isinstance(n_users, bool) or not isinstance(n_users, (int, np.integer)) or n_users < 1:
        raise ParameterError(f"n_users must be a positive integer, got {n_users!r}.")
    _check_songs(songs)
    if attributes is None:
        attributes = inaudible_attributes(songs, rng)
    elif len(attributes) != len(songs) or not attributes.index.equals(songs.index):
        raise ParameterError("attributes must have one row per song, with the songs table's index.")
    n_songs = len(songs)
    _, genre = np.unique(songs["genre"].to_numpy(str), return_inverse=True)
    _, recipe = np.unique(songs["recipe"].to_numpy(str), return_inverse=True)
    _, artist = np.unique(songs["artist"].to_numpy(str), return_inverse=True)
    scene = pd.Categorical(attributes["scene"], categories=SCENE_NAMES).codes
    if (scene < 0).any():
        raise ParameterError(f"attributes['scene'] must name scenes of {SCENE_NAMES}.")
    n_genres, n_recipes, n_artists = genre.max() + 1, recipe.max() + 1, artist.max() + 1
    log_tempo, energy = np.log(songs["tempo"].to_numpy(float)), songs["energy"].to_numpy(float)
    log_pop = np.log(attributes["song_popularity"].to_numpy(float))
    year = attributes["year"].to_numpy(float)
    loyalty = np.zeros(n_artists)
    loyalty[artist] = attributes["artist_loyalty"].to_numpy(float)

    # step 5: users
    theta = rng.dirichlet(np.full(n_genres, GENRE_CONCENTRATION), n_users)
    rho = rng.normal(0.0, 1.0, (n_users, n_recipes))
    ideal_energy = rng.random(n_users)
    ideal_log_tempo = rng.normal(np.log(TEMPO_CENTRE), TEMPO_SPREAD, n_users)
    pop_taste = rng.normal(POP_TASTE_MEAN, POP_TASTE_SD, n_users)
    scene_sizes = np.bincount(scene, minlength=N_SCENES) + 1.0  # listeners' scenes follow the artists' scenes
    home = rng.choice(N_SCENES, n_users, p=scene_sizes / scene_sizes.sum())
    era = rng.uniform(*ERA_RANGE, n_users)

    def appeal(users: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``v_us`` (step 6) for the given users and song columns."""
        return (
            W_GENRE * np.log(theta[np.ix_(users, genre[cols])] + GENRE_FLOOR)
            + W_RECIPE * rho[np.ix_(users, recipe[cols])]
            - W_ENERGY * (energy[cols] - ideal_energy[users, None]) ** 2 / (2 * ENERGY_WIDTH**2)
            - W_TEMPO * (log_tempo[cols] - ideal_log_tempo[users, None]) ** 2 / (2 * TEMPO_WIDTH**2)
            + pop_taste[users, None] * log_pop[cols]
            + W_SCENE * (scene[cols] == home[users, None])
            - W_ERA * (year[cols] - era[users, None]) ** 2 / (2 * ERA_WIDTH**2)
        )

    n_favourites = np.minimum(1 + rng.poisson(FAVOURITES_MEAN, n_users), n_artists)
    cap = min(n_songs, max(MIN_SONGS, n_songs // 3))
    n_songs_u = np.minimum(MIN_SONGS + np.floor(rng.lognormal(np.log(SONGS_MEDIAN), SONGS_SIGMA, n_users)), cap)
    activity = rng.lognormal(0.0, ACTIVITY_SIGMA, n_users)
    all_songs = np.arange(n_songs)
    artist_members = sp.csr_matrix((np.ones(n_songs), (artist, all_songs)), shape=(n_artists, n_songs))

    rows, cols, counts = [], [], []
    for start in range(0, n_users, BATCH_USERS):
        users = np.arange(start, min(start + BATCH_USERS, n_users))
        v = appeal(users, all_songs)
        # step 7: favourite artists ∝ exp(log-sum-exp of their songs' appeal)
        peak = v.max(axis=1, keepdims=True)
        artist_v = np.log(np.asarray(artist_members @ np.exp(v - peak).T).T + 1e-300) + peak
        artist_keys = artist_v + rng.gumbel(size=artist_v.shape)
        artist_rank = np.argsort(np.argsort(-artist_keys, axis=1), axis=1)
        favourite = (artist_rank < n_favourites[users, None])[:, artist]
        v = v + favourite * (1 + loyalty[artist]) * np.log(FAVOURITE_BOOST)
        # step 8: which songs
        keys = v + rng.gumbel(size=v.shape)
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
        user_idx, song_idx = np.nonzero(rank < n_songs_u[users, None])
        # step 9: how often
        boost = np.where(favourite[user_idx, song_idx], 1 + 2 * loyalty[artist[song_idx]], 1.0)
        plays = rng.zipf(PLAY_ZIPF_A, len(user_idx)) * activity[users[user_idx]] * boost
        rows.append(users[user_idx])
        cols.append(song_idx)
        counts.append(np.clip(np.round(plays), 1, MAX_PLAYS).astype(np.int32))
    unheard = np.setdiff1d(all_songs, np.concatenate(cols))
    if len(unheard):  # step 10: every song has at least one listener, drawn ∝ exp(v_us)
        listeners = np.empty(len(unheard), dtype=np.int64)
        everyone = np.arange(n_users)
        v = appeal(everyone, unheard)  # n_users × len(unheard): the unheard songs are few
        keys = v + rng.gumbel(size=v.shape)
        listeners[:] = keys.argmax(axis=0)
        rows.append(listeners)
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
