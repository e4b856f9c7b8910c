"""The ci art kit behaves like art-market data: artists and media are visible in the pixels, customers come
back to their artists, and favourites follow the visual features they were built from.

Builds the ci kit in the data home on first use (about 20 s on 2 cores).
"""

import numpy as np
import pytest
from scipy.stats import kendalltau
from skimage.feature import local_binary_pattern
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cbrec_lab.datasets.art_kit import load_art_kit
from cbrec_lab.datasets.art_kit.kit import _repeat_artist_share
from cbrec_lab.vision import luminance


@pytest.fixture(scope="module")
def kit():
    return load_art_kit("ci", progress=False)


@pytest.fixture(scope="module")
def features(kit):
    """Colour histogram (8×8×8 RGB bins) and LBP histogram (P=8, R=1, 59 non-rotation-invariant uniform codes)."""
    colour, texture = [], []
    for item in kit.items.index:
        image = kit.load_image(item)
        hist, _ = np.histogramdd(image.reshape(-1, 3) // 32, bins=(8, 8, 8), range=((0, 8),) * 3)
        codes = local_binary_pattern((luminance(image) * 255).astype(np.uint8), 8, 1, "nri_uniform")
        lbp, _ = np.histogram(codes, bins=59, range=(0, 59))
        colour.append(hist.ravel() / hist.sum())
        texture.append(lbp / lbp.sum())
    return np.array(colour), np.array(texture)


def test_the_collection_is_complete(kit):
    items, purchases = kit.items, kit.interactions
    assert 250 <= len(items) <= 420 and items["artist"].nunique() == 32
    assert 8 <= items.groupby("artist").size().mean() <= 13
    assert kit.load_image(items.index[0]).shape == (224, 224, 3)
    assert purchases["item_id"].is_unique and purchases["timestamp"].is_monotonic_increasing
    sold_at = purchases.set_index("item_id")["timestamp"]
    assert (sold_at >= items.loc[sold_at.index, "upload_time"]).all()
    assert 1.8 <= purchases.groupby("user_id").size().mean() <= 2.8
    assert {"Appeal (favourites)", "Customers and purchases"} <= {
        line[3:] for line in kit.card.splitlines() if line.startswith("## ")
    }


def test_artist_and_medium_are_visible_in_the_pixels(kit, features):
    colour, texture = features
    both = np.hstack([colour, texture])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    artist = cross_val_score(KNeighborsClassifier(1), both, kit.items["artist"], cv=folds).mean()
    assert artist > 0.6, f"artist 1-NN accuracy {artist:.2f} (chance {1 / 32:.2f})"
    medium = kit.items["medium"]
    unseen = cross_val_score(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=3_000)),
        texture,
        medium,
        cv=GroupKFold(5),
        groups=kit.items["artist"],
    ).mean()
    majority = medium.value_counts(normalize=True).max()
    assert unseen > majority + 0.2, f"medium of unseen artists from LBP {unseen:.2f} vs majority {majority:.2f}"


def test_customers_return_to_their_artists(kit):
    assert _repeat_artist_share(kit.items, kit.interactions) > 0.3


def test_favourites_follow_the_visual_features(kit):
    items = kit.items
    for feature in ("saturation", "colourfulness"):
        tau = kendalltau(items[feature], items["favourites"]).statistic
        assert tau > 0.2, f"Kendall tau of {feature} with favourites: {tau:.2f}"
