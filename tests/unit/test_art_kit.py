"""The art kit: painting, market model, determinism, and the evidence that it behaves like art-market data."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from cbrec_lab.datasets.art_kit import kit as art_kit
from cbrec_lab.datasets.art_kit.market import (
    APPEAL_WEIGHTS,
    appeal,
    dominant_colours,
    make_description,
    make_title,
    simulate_purchases,
    style_vectors,
)
from cbrec_lab.datasets.art_kit.painting import BRUSHWORKS, COMPOSITIONS, FAMILIES, MARKS, MEDIA, paint, work_palette
from cbrec_lab.datasets.art_kit.styles import FAMILY_MEDIA, make_artists, work_motif
from cbrec_lab.exceptions import ParameterError


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_paints_deterministically_in_its_media(family):
    artist = next(a for a in make_artists(40, np.random.default_rng(0)) if a.family == family)
    palette = work_palette(np.random.default_rng(0), artist.palette_name)

    def painted(medium, seed, **work):
        return paint(family, medium, palette, artist.motif, artist.texture, np.random.default_rng(seed), **work)

    for medium in FAMILY_MEDIA[family]:
        first = painted(medium, 1, hand=artist.hand, skill=0.4, balance=0.3)
        again = painted(medium, 1, hand=artist.hand, skill=0.4, balance=0.3)
        other = painted(medium, 2, hand=artist.hand, skill=0.4, balance=0.3)
        assert first.shape == (224, 224, 3) and first.dtype == np.uint8
        np.testing.assert_array_equal(first, again)
        assert not np.array_equal(first, other), f"{family}/{medium}: another seed should paint another work"
        assert first.std() > 5, f"{family}/{medium} is nearly flat"
        assert not np.array_equal(first, painted(medium, 1)), f"{family}/{medium}: the hand should show"
    assert set(MEDIA) >= set(FAMILY_MEDIA[family])


@pytest.mark.parametrize("brushwork", BRUSHWORKS)
def test_every_hand_paints(brushwork):
    artist = make_artists(1, np.random.default_rng(2))[0]
    for marks, composition in zip(MARKS, COMPOSITIONS, strict=True):
        hand = artist.hand.__class__(
            **{**artist.hand.__dict__, "brushwork": brushwork, "marks": marks, "composition": composition}
        )
        image = paint(
            artist.family,
            "acrylic",
            work_palette(np.random.default_rng(1), artist.palette_name),
            artist.motif,
            artist.texture,
            np.random.default_rng(3),
            96,
            hand=hand,
        )
        assert image.shape == (96, 96, 3) and image.std() > 5, f"{brushwork}/{marks}/{composition} is nearly flat"


def test_work_palettes_vary_within_a_shared_family():
    rng = np.random.default_rng(0)
    palettes = [work_palette(rng, "ocean") for _ in range(50)]
    assert all(p.shape == (5, 3) and p.min() >= 0 and p.max() <= 1 for p in palettes)
    dominant = {tuple(np.round(p[0], 1)) for p in palettes}
    assert len(dominant) >= 4, f"the dominant colour should vary across works, got {len(dominant)} distinct"
    borrowed = np.mean([work_palette(np.random.default_rng(k), "ocean", novelty=1.0)[0].sum() >= 0 for k in range(5)])
    assert borrowed == 1.0


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


def test_appeal_follows_the_hidden_causes_and_the_tags():
    rng = np.random.default_rng(0)
    hidden = pd.DataFrame(rng.normal(size=(4_000, len(APPEAL_WEIGHTS))), columns=list(APPEAL_WEIGHTS))
    tags = pd.Series(np.where(rng.random(4_000) < 0.5, "landscape;sunset", "abstract;chaos"))
    log_rate, favourites = appeal(hidden, tags, np.random.default_rng(1))
    assert favourites.dtype == np.int64 and (favourites >= 0).all()
    tau = kendalltau(hidden["skill"], favourites).statistic
    assert tau > 0.1, f"skill (weight {APPEAL_WEIGHTS['skill']}) should raise favourites: tau {tau:.3f}"
    tau = kendalltau(hidden["log_price"], favourites).statistic
    assert tau < 0, f"price (weight {APPEAL_WEIGHTS['log_price']}) should lower favourites: tau {tau:.3f}"
    assert kendalltau(log_rate, favourites).statistic > 0.5, "favourites are Poisson draws at exp(appeal)"
    sunset, chaos = favourites[tags == "landscape;sunset"].mean(), favourites[tags == "abstract;chaos"].mean()
    assert sunset > 1.5 * chaos, f"sunset works ({sunset:.1f}) should be liked more than chaos ones ({chaos:.1f})"
    with pytest.raises(ParameterError, match="lacks the columns"):
        appeal(hidden.drop(columns="skill"), tags, rng)


def test_descriptions_report_the_hidden_properties_noisily():
    def share(z):
        rng = np.random.default_rng(0)
        texts = [
            make_description("oil", ["abstract", "calm"], {"skill": z, "novelty": 0, "reputation": 0}, rng)
            for _ in range(400)
        ]
        return np.mean(["Meticulously" in t or "precise" in t or "great care" in t for t in texts])

    assert share(2.0) > share(-2.0) + 0.3, "a skilled work's copy should praise its technique more often"
    assert 0 < share(2.0) < 1, "the report is noisy: not every copy mentions technique"


def test_style_vectors_are_fixed_per_value_and_refuse_unknown_values():
    items = pd.DataFrame(
        {
            "family": ["drip", "drip", "cubist"],
            "brushwork": ["dabs"] * 3,
            "marks": ["none"] * 3,
            "composition": ["framed"] * 3,
            "palette": ["earth", "earth", "neon"],
        }
    )
    vectors = style_vectors(items)
    np.testing.assert_array_equal(vectors[0], vectors[1])
    np.testing.assert_array_equal(style_vectors(items.iloc[[2]])[0], vectors[2])  # independent of the others
    assert not np.array_equal(vectors[0], vectors[2])
    with pytest.raises(ParameterError, match="unknown values"):
        style_vectors(items.assign(marks="sparkles"))
    with pytest.raises(ParameterError, match="style column"):
        style_vectors(items.drop(columns="marks"))


def test_purchases_respect_the_one_of_a_kind_inventory():
    rng = np.random.default_rng(3)
    n = 200
    items = pd.DataFrame(
        {
            "artist": [f"a{k // 10}" for k in range(n)],
            "family": [FAMILIES[(k // 10) % 8] for k in range(n)],
            "brushwork": [BRUSHWORKS[(k // 10) % 6] for k in range(n)],
            "marks": [MARKS[(k // 20) % 6] for k in range(n)],
            "composition": [COMPOSITIONS[(k // 30) % 6] for k in range(n)],
            "palette": ["earth", "ocean"] * (n // 2),
            "medium": ["oil", "ink"] * (n // 2),
            "price": rng.uniform(300, 3000, n),
            "upload_time": pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.uniform(0, 300, n), unit="D"),
            "appeal": rng.normal(2, 0.5, n),
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


def test_generating_the_kit_never_imports_the_vision_features(tmp_path):
    """Favourites and purchases come from hidden causes: the kit's code must not even load the measurements."""
    script = f"""
import sys
from cbrec_lab.datasets.art_kit import kit
kit.SIZES["ci"] = kit.ArtKitSize(artists=2, works_per_artist=2, customers=3)
kit.build_art_kit("ci", root=__import__("pathlib").Path({str(tmp_path)!r}), progress=False, workers=1)
loaded = sorted(name for name in sys.modules if name.startswith("cbrec_lab.vision"))
assert not loaded, f"building the art kit imported {{loaded}}"
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
