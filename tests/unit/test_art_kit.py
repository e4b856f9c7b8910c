"""The art kit: painting, market model, determinism, and the evidence that it behaves like art-market data."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from cbrec_lab.datasets.art_kit import kit as art_kit
from cbrec_lab.datasets.art_kit.market import appeal, dominant_colours, make_title, simulate_purchases
from cbrec_lab.datasets.art_kit.painting import FAMILIES, MEDIA, paint
from cbrec_lab.datasets.art_kit.styles import FAMILY_MEDIA, make_artists, work_motif
from cbrec_lab.vision import ATTRACTIVENESS_FEATURES


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_paints_deterministically_in_its_media(family):
    artist = next(a for a in make_artists(40, np.random.default_rng(0)) if a.family == family)
    for medium in FAMILY_MEDIA[family]:
        first = paint(family, medium, artist.palette, artist.motif, artist.texture, np.random.default_rng(1))
        again = paint(family, medium, artist.palette, artist.motif, artist.texture, np.random.default_rng(1))
        other = paint(family, medium, artist.palette, artist.motif, artist.texture, np.random.default_rng(2))
        assert first.shape == (224, 224, 3) and first.dtype == np.uint8
        np.testing.assert_array_equal(first, again)
        assert not np.array_equal(first, other)
        assert first.std() > 5, f"{family}/{medium} is nearly flat"
    assert set(MEDIA) >= set(FAMILY_MEDIA[family])


def test_work_motifs_vary_around_the_artists():
    artist = make_artists(3, np.random.default_rng(4))[1]
    motifs = [work_motif(artist, np.random.default_rng(k)) for k in range(20)]
    assert set(motifs[0]) == set(artist.motif)
    assert len({json.dumps(m, sort_keys=True) for m in motifs}) > 1


def test_dominant_colours_by_hand():
    image = np.zeros((10, 10, 3), dtype=np.uint8)
    image[:, :7] = (200, 30, 30)
    image[:, 7:] = (30, 70, 180)
    assert dominant_colours(image) == ["red", "blue"]
    title = make_title("colour_field", ["red", "blue"], np.random.default_rng(0))
    assert isinstance(title, str) and title


def test_appeal_follows_its_weights():
    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.normal(size=(4_000, len(ATTRACTIVENESS_FEATURES))), columns=ATTRACTIVENESS_FEATURES)
    tags = pd.Series(np.where(rng.random(4_000) < 0.5, "landscape;sunset", "abstract;chaos"))
    favourites = appeal(features, tags, np.random.default_rng(1))
    assert kendalltau(features["saturation"], favourites).statistic > 0.15
    assert abs(kendalltau(features["saturation_variation"], favourites).statistic) < 0.05  # weight 0
    assert favourites[tags == "landscape;sunset"].mean() > 1.5 * favourites[tags == "abstract;chaos"].mean()


def test_purchases_respect_the_one_of_a_kind_inventory():
    rng = np.random.default_rng(3)
    n = 200
    items = pd.DataFrame(
        {
            "artist": [f"a{k // 10}" for k in range(n)],
            "family": [FAMILIES[(k // 10) % 8] for k in range(n)],
            "palette": ["earth", "ocean"] * (n // 2),
            "medium": ["oil", "ink"] * (n // 2),
            "price": rng.uniform(300, 3000, n),
            "upload_time": pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.uniform(0, 300, n), unit="D"),
            "favourites": rng.poisson(10, n),
        },
        index=[f"A{k:03d}" for k in range(n)],
    )
    purchases = simulate_purchases(items, 80, pd.Timestamp("2016-01-01"), pd.Timestamp("2017-01-01"), rng)
    assert purchases["item_id"].is_unique, "an artwork is sold once"
    assert (purchases["timestamp"].to_numpy() >= items.loc[purchases["item_id"], "upload_time"].to_numpy()).all()
    assert purchases["timestamp"].is_monotonic_increasing
    np.testing.assert_allclose(purchases["price"], items.loc[purchases["item_id"], "price"])
    assert 1.5 < purchases.groupby("user_id").size().mean() < 3.0


@pytest.fixture
def tiny_sizes(monkeypatch):
    monkeypatch.setitem(art_kit.SIZES, "ci", art_kit.ArtKitSize(artists=3, works_per_artist=3, customers=4))


def test_tiny_kit_is_deterministic_resumable_and_checked(tiny_sizes, tmp_path):
    first = art_kit.build_art_kit("ci", root=tmp_path / "a", progress=False)
    second = art_kit.build_art_kit("ci", root=tmp_path / "b", progress=False)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest == json.loads((second / "manifest.json").read_text())
    image = next(f for f in manifest["files"] if f.startswith("images/"))
    (first / image).unlink()
    (first / "manifest.json").unlink()
    art_kit.build_art_kit("ci", root=tmp_path / "a", progress=False)
    assert json.loads((first / "manifest.json").read_text()) == manifest
    (first / "items.csv").write_text("tampered")
    from cbrec_lab.datasets.kit_files import KitIntegrityError

    with pytest.raises(KitIntegrityError):
        art_kit.build_art_kit("ci", root=tmp_path / "a", progress=False)
