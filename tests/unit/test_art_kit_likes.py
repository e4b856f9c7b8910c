"""Likes of the art kit's artworks: distinct, long-tailed counts, deterministic, driven by the users' tastes."""

import numpy as np
import pandas as pd
import pytest

from cbrec_lab.datasets.art_kit import likes as likes_module
from cbrec_lab.datasets.art_kit.likes import LIKES_PARAMETERS, MIN_LIKES, simulate_likes
from cbrec_lab.datasets.art_kit.market import LOYALTY, TASTE_CONCENTRATION
from cbrec_lab.exceptions import ParameterError

FAMILIES = ("drip", "stripes", "cubist", "pointillist")
PALETTES = ("earth", "neon", "ocean")
MEDIA = ("oil", "ink")


def catalogue(n_artists: int = 24, works: int = 8, seed: int = 0) -> pd.DataFrame:
    """A hand-made kit: each artist keeps one family, palette and medium, as in the art kit."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(n_artists):
        family, palette, medium = FAMILIES[a % 4], PALETTES[a % 3], MEDIA[a % 2]
        for _ in range(works):
            rows.append(
                {
                    "item_id": f"A{len(rows) + 1:05d}",
                    "artist": f"artist {a}",
                    "family": family,
                    "palette": palette,
                    "medium": medium,
                    "favourites": int(rng.poisson(10)),
                    "upload_time": pd.Timestamp("2016-01-01") + pd.Timedelta(days=int(rng.integers(0, 365))),
                }
            )
    return pd.DataFrame(rows).set_index("item_id")


@pytest.fixture(scope="module")
def items():
    return catalogue()


def test_likes_are_distinct_known_artworks_with_long_tailed_counts(items):
    likes = simulate_likes(items, 400, likes_mean=15, seed=1)
    assert list(likes.columns) == ["user_id", "item_id", "timestamp"]
    assert not likes.duplicated(["user_id", "item_id"]).any()
    assert likes["item_id"].isin(items.index).all()
    counts = likes.groupby("user_id").size()
    assert len(counts) == 400 and counts.min() >= MIN_LIKES and counts.max() <= len(items) // 2
    assert 12 < counts.mean() < 18  # E[n_u] = likes_mean (the cap at half the artworks barely bites here)
    assert counts.max() >= 3 * counts.median()  # long tail
    # many users like one artwork (not one-of-a-kind)
    assert likes.groupby("item_id").size().max() >= 10
    upload = items.loc[likes["item_id"], "upload_time"].to_numpy()
    assert (likes["timestamp"].to_numpy() >= upload).all()


def test_likes_mean_at_the_minimum_gives_exactly_five_each(items):
    likes = simulate_likes(items, 30, likes_mean=MIN_LIKES, seed=0)
    assert (likes.groupby("user_id").size() == MIN_LIKES).all()


def test_same_seed_same_likes_other_seed_other_likes(items):
    first = simulate_likes(items, 50, likes_mean=10, seed=3)
    pd.testing.assert_frame_equal(first, simulate_likes(items, 50, likes_mean=10, seed=3))
    assert not first.equals(simulate_likes(items, 50, likes_mean=10, seed=4))


def test_without_upload_time_there_is_no_timestamp(items):
    likes = simulate_likes(items.drop(columns="upload_time"), 5, seed=0)
    assert list(likes.columns) == ["user_id", "item_id"]


def test_users_like_the_family_and_palette_they_have_a_strong_taste_for(items):
    likes, users = simulate_likes(items, 300, likes_mean=12, seed=2, return_users=True)
    assert list(users.index) == sorted(likes["user_id"].unique())
    family_taste = users[[f"family:{f}" for f in sorted(FAMILIES)]]
    np.testing.assert_allclose(family_taste.sum(axis=1), 1.0)
    assert users["loyalty"].between(*LOYALTY).all()
    liked_family = items.loc[likes["item_id"], "family"].to_numpy()
    liked_palette = items.loc[likes["item_id"], "palette"].to_numpy()
    top_family = users.loc[likes["user_id"], "top_family"].to_numpy()
    top_palette = users.loc[likes["user_id"], "top_palette"].to_numpy()
    strong = users.loc[likes["user_id"], [f"family:{f}" for f in sorted(FAMILIES)]].max(axis=1).to_numpy() > 0.8
    # each family holds a quarter of the artworks: users with a strong taste like theirs far more often
    assert (liked_family[strong] == top_family[strong]).mean() > 0.75
    assert (liked_family[~strong] == top_family[~strong]).mean() > 0.4
    assert (liked_palette == top_palette).mean() > 0.5  # a third of the artworks per palette
    # favourite artists get a share of the likes well above their share of the catalogue
    favourite = np.array(
        [
            a in set(f.split(";"))
            for a, f in zip(
                items.loc[likes["item_id"], "artist"], users.loc[likes["user_id"], "favourite_artists"], strict=True
            )
        ]
    )
    assert favourite.mean() > 0.2  # ≈ 2 favourite artists of 24


def test_parameters_come_from_the_market():
    assert LIKES_PARAMETERS["TASTE_CONCENTRATION"] == TASTE_CONCENTRATION
    assert likes_module.LOYALTY is LOYALTY


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda it: it.drop(columns="family"), "lacks the columns"),
        (lambda it: it.iloc[:9], "at least 10"),
        (lambda it: it.assign(favourites=-1), "non-negative"),
        (lambda it: it.assign(artist=None), "missing values"),
        (lambda it: it.values, "DataFrame"),
    ],
)
def test_bad_items_are_refused(items, change, message):
    with pytest.raises(ParameterError, match=message):
        simulate_likes(change(items), 10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_users": 0}, "n_users"),
        ({"n_users": 2.5}, "n_users"),
        ({"n_users": 10, "likes_mean": 4}, "likes_mean"),
        ({"n_users": 10, "likes_mean": float("nan")}, "likes_mean"),
        ({"n_users": 10, "seed": -1}, "seed"),
    ],
)
def test_bad_arguments_are_refused(items, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        simulate_likes(items, **kwargs)
