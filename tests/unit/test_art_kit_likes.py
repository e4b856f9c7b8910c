"""Likes of the art kit's artworks: distinct, long-tailed counts, deterministic, driven by the users' tastes,
with the long tail of item popularity that the paper's cold-start setting needs."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from cbrec_lab.datasets.art_kit import likes as likes_module
from cbrec_lab.datasets.art_kit.likes import LIKES_PARAMETERS, MIN_LIKES, simulate_likes
from cbrec_lab.datasets.art_kit.market import LOYALTY, TASTE_STRENGTH
from cbrec_lab.exceptions import ParameterError

FAMILIES = ("drip", "stripes", "cubist", "pointillist")
PALETTES = ("earth", "neon", "ocean")
MEDIA = ("oil", "ink")
BRUSHWORKS = ("dabs", "hatching", "smooth", "impasto", "scumble")


def catalogue(n_artists: int = 24, works: int = 8, seed: int = 0) -> pd.DataFrame:
    """A hand-made kit: each artist keeps one family, palette family, brushwork and medium, as in the art kit."""
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
                    "brushwork": BRUSHWORKS[a % 5],
                    "marks": "dots",
                    "composition": "centred",
                    "medium": medium,
                    "appeal": float(rng.normal(2.3, 0.5)),
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


def test_users_like_the_family_and_palette_their_taste_rates_highest(items):
    likes, users = simulate_likes(items, 300, likes_mean=12, seed=2, return_users=True)
    assert list(users.index) == sorted(likes["user_id"].unique())
    np.testing.assert_allclose(users[[f"medium:{m}" for m in sorted(MEDIA)]].sum(axis=1), 1.0)
    assert users["loyalty"].between(*LOYALTY).all()
    liked_family = items.loc[likes["item_id"], "family"].to_numpy()
    liked_palette = items.loc[likes["item_id"], "palette"].to_numpy()
    top_family = users.loc[likes["user_id"], "top_family"].to_numpy()
    top_palette = users.loc[likes["user_id"], "top_palette"].to_numpy()
    family_share = (liked_family == top_family).mean()
    palette_share = (liked_palette == top_palette).mean()
    # a quarter of the artworks per family, a third per palette family
    assert family_share > 0.45, f"likes of the top-rated family {family_share:.2f} (a quarter of the artworks)"
    assert palette_share > 0.45, f"likes of the top-rated palette {palette_share:.2f} (a third of the artworks)"
    favourite = np.array(
        [
            a in set(f.split(";"))
            for a, f in zip(
                items.loc[likes["item_id"], "artist"], users.loc[likes["user_id"], "favourite_artists"], strict=True
            )
        ]
    )
    assert favourite.mean() > 0.2, f"likes of favourite artists {favourite.mean():.2f} (≈ 2 favourites of 24)"


def test_latent_appeal_and_exposure_drive_item_popularity(items):
    likes = simulate_likes(items, 400, likes_mean=15, seed=5)
    per_item = likes.groupby("item_id").size().reindex(items.index, fill_value=0)
    tau = kendalltau(items["appeal"], per_item).statistic
    assert tau > 0.1, f"Kendall tau of the latent appeal with likes per item {tau:.3f}"
    newest = items["upload_time"] >= items["upload_time"].quantile(0.9)
    assert per_item[newest].mean() < per_item[~newest].mean(), "artworks shown for less time get fewer likes"


def paper_cold_counts(likes: pd.DataFrame, seed: int = 0) -> pd.Series:
    """He & McAuley's cold start: one like per user held out; training likes of each held-out item below 5."""
    rng = np.random.default_rng(seed)
    held_out = likes.groupby("user_id")["item_id"].agg(lambda s: s.iloc[int(rng.integers(len(s)))])
    test = set(zip(held_out.index, held_out, strict=True))
    train = likes[[pair not in test for pair in zip(likes["user_id"], likes["item_id"], strict=True)]]
    counts = train.groupby("item_id").size().reindex(likes["item_id"].unique(), fill_value=0)
    return counts[counts.index.isin(held_out) & (counts < 5)]


def test_the_long_tail_gives_cold_test_items_with_a_few_training_likes(items):
    likes = simulate_likes(items, 400, likes_mean=15, seed=5)
    cold = paper_cold_counts(likes)
    few = cold[cold >= 1]
    assert len(few) >= 2, f"held-out items with 1–4 training likes: {len(few)} (counts {cold.to_dict()})"


def test_parameters_come_from_the_market():
    assert LIKES_PARAMETERS["TASTE_STRENGTH"] == TASTE_STRENGTH
    assert likes_module.LOYALTY is LOYALTY


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda it: it.drop(columns="family"), "lacks the columns"),
        (lambda it: it.iloc[:9], "at least 10"),
        (lambda it: it.assign(appeal=np.nan), "finite"),
        (lambda it: it.assign(brushwork="wet"), "unknown values"),
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
