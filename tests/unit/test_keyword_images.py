"""The keyword images kit: keywords that meet the song titles, 224×224 RGB images, determinism, integrity,
measurable visual signatures per keyword, and a colour-histogram classifier that recovers keywords."""

import json

import numpy as np
import pytest

from cbrec_lab.datasets.keyword_images import kit as ki_kit
from cbrec_lab.datasets.keyword_images import painting as ki
from cbrec_lab.datasets.keyword_images.kit import build_keyword_images, load_keyword_images, save_keyword_grid
from cbrec_lab.datasets.kit_files import KitIntegrityError
from cbrec_lab.datasets.music_kit import GENRES
from cbrec_lab.datasets.music_kit import keywords as mk
from cbrec_lab.datasets.registry import kits
from cbrec_lab.exceptions import ParameterError

TITLE_WORDS = (
    "love green morning night blue red flowers golden hill rose river white dark mountain summer dream "
    "bright castle bird"
).split()


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """The ci kit built once into a private root, with every image loaded as a float array."""
    root = tmp_path_factory.mktemp("keyword-images")
    folder = build_keyword_images("ci", root=root, progress=False)
    collection = ki_kit._collection(ki_kit.get_profile("ci"), folder)
    images = {item_id: collection.load_image(item_id) for item_id in collection.items.index}
    return collection, images


def _mean_rgb(kit, keyword):
    collection, images = kit
    ids = collection.items.index[collection.items["keyword"] == keyword]
    return np.mean([images[i].reshape(-1, 3).mean(axis=0) for i in ids], axis=0) / 255


def test_at_least_24_keywords_each_with_a_one_line_signature():
    assert len(ki.KEYWORDS) >= 24 and len(set(ki.KEYWORDS)) == len(ki.KEYWORDS)
    assert tuple(ki.SIGNATURES) == ki.KEYWORDS == tuple(ki.RECIPES)
    assert all(text and "\n" not in text for text in ki.SIGNATURES.values())
    for poster_word in ("snow", "sky", "clouds", "flower", "coffee", "night", "fire", "forest", "rain", "sun"):
        assert poster_word in ki.KEYWORDS
    assert "ocean" in ki.KEYWORDS and ki.match_keyword("sea") == "ocean"


def test_keywords_overlap_the_music_title_words():
    direct = [w for w in TITLE_WORDS if w in ki.KEYWORDS]
    assert len(direct) >= 10, direct
    matched = [w for w in TITLE_WORDS if ki.match_keyword(w) is not None]
    assert len(matched) == len(TITLE_WORDS), set(TITLE_WORDS) - set(matched)
    assert ki.match_keyword("Hills") == "mountain" and ki.match_keyword("groves") == "forest"
    assert ki.match_keyword("reel") is None
    assert set(ki.ALIASES.values()) <= set(ki.KEYWORDS)


def _tags(title, genre, index, seed=0, recipe="string_quartet"):
    return mk.song_keywords(title, genre, recipe, np.random.default_rng([seed, 3, index]))


def test_song_keywords_are_title_words_then_deterministic_tokenised_tags():
    words = _tags("The Shamrock Shore -- Reel", "reggae", 7)
    assert words[:2] == mk.title_keywords("The Shamrock Shore -- Reel") == ["shamrock", "shore"]
    assert words == _tags("The Shamrock Shore -- Reel", "reggae", 7)
    assert len(words) >= 5 and len(set(words)) == len(words)
    assert words == mk.title_keywords(" ".join(words))  # already tokenised: no stop words, letters only
    assert any(_tags("The Shamrock Shore", "reggae", i) != words for i in range(8, 12))
    with pytest.raises(ParameterError, match="genre"):
        mk.song_keywords("x", "polka", "", np.random.default_rng(0))
    with pytest.raises(ParameterError, match="rng"):
        mk.song_keywords("x", "jazz", "", 0)


def test_song_keywords_link_image_keywords_and_overlap_between_genres():
    assert set(mk.GENRE_THEMES) == set(GENRES) == set(mk.GENRE_MOODS) == set(mk.GENRE_TAGS)
    assert all(set(pref) <= set(mk.THEMES) for pref in mk.GENRE_THEMES.values())
    tags = {g: [set(_tags(f"Song {i}", g, i)) for i in range(200)] for g in GENRES}
    vocabulary = {g: set().union(*docs) for g, docs in tags.items()}
    for g in GENRES:  # every genre shares most of its tag words with some other genre
        other = set().union(*(vocabulary[h] for h in GENRES if h != g))
        assert len(vocabulary[g] & other) >= 0.7 * len(vocabulary[g]), g
    # image keywords reach songs through tags, and co-occur with other words of their theme
    docs = [d for g in GENRES for d in tags[g]]
    found = {ki.match_keyword(w) for d in docs for w in d} - {None}
    assert len(found) >= 24, sorted(set(ki.KEYWORDS) - found)
    winter = np.array([bool((set(mk.THEMES["winter"]) - {"snow"}) & d) for d in docs])
    snow = np.array(["snow" in d for d in docs])
    assert snow.sum() >= 10 and winter[snow].mean() > 3 * winter[~snow].mean(), (winter[snow].mean(), winter.mean())
    # a title word pulls its theme: songs with "shore" in the title get sea tags far more often
    shore = np.mean(
        [bool({"ocean", "sea", "waves", "sailor"} & set(_tags("The Shore", "rock", i))) for i in range(100)]
    )
    plain = np.mean([bool({"ocean", "sea", "waves", "sailor"} & set(_tags("The Lane", "rock", i))) for i in range(100)])
    assert shore > plain + 0.3, (shore, plain)


def test_the_kit_is_registered():
    assert "keyword-images" in {k.name for k in kits()}


def test_images_are_224_rgb_uint8_and_the_table_names_sources_and_licences(kit):
    collection, images = kit
    items = collection.items
    assert len(items) == ki.SIZES["ci"] * len(ki.KEYWORDS) and ki.SIZES["ci"] == 4
    assert {"title", "image_path", "keyword", "source", "licence"} <= set(items.columns)
    assert items.groupby("keyword").size().eq(4).all()
    for image in images.values():
        assert image.shape == (224, 224, 3) and image.dtype == np.uint8
    from PIL import Image

    with Image.open(collection.image_path(items.index[0])) as png:
        assert png.format == "PNG" and png.mode == "RGB" and png.size == (224, 224)
    assert items["licence"].str.len().gt(0).all()
    sources = items.groupby("keyword")["source"].agg(set)
    assert sources["coffee"] == {"photo: skimage coffee.png"}
    assert sources["flower"] == {"photo: sklearn flower.jpg"}
    assert any(s.startswith("photo: sklearn china.jpg") for s in sources["castle"])
    assert sources["snow"] == {"procedural"}
    photo_keywords = {k for k, s in sources.items() if any(x.startswith("photo:") for x in s)}
    assert {"coffee", "cat", "star", "flower", "castle", "horse", "house", "green", "night"} <= photo_keywords
    for keyword in ki.KEYWORDS:
        assert f"| {keyword} |" in collection.card
    assert "CC BY 2.0" in collection.card and "crawled" in collection.card


def test_keyword_signatures_are_measurable(kit):
    mean = {k: _mean_rgb(kit, k) for k in ki.KEYWORDS}
    brightness = {k: v.mean() for k, v in mean.items()}
    saturation = {k: (v.max() - v.min()) / max(v.max(), 1e-6) for k, v in mean.items()}
    assert brightness["night"] < 0.25 < 0.6 < brightness["sun"]
    assert brightness["dark"] == min(brightness.values())
    for keyword in ("ocean", "sky", "blue"):
        r, g, b = mean[keyword]
        assert b > g > r, (keyword, mean[keyword])
    r, g, b = mean["fire"]
    assert r > 1.3 * g and g > b, mean["fire"]
    for keyword in ("red", "rose", "love"):
        assert mean[keyword][0] > 1.3 * mean[keyword][1:].max(), (keyword, mean[keyword])
    for keyword in ("forest", "green", "summer"):
        r, g, b = mean[keyword]
        assert g > r and g > b, (keyword, mean[keyword])
    for keyword in ("snow", "white"):
        assert brightness[keyword] > 0.75 and saturation[keyword] < 0.15, (keyword, mean[keyword])
    r, g, b = mean["golden"]
    assert r > g > b and r - b > 0.4


def _histograms(kit, bins=6):
    collection, images = kit
    ids = list(collection.items.index)
    features = []
    for item_id in ids:
        q = (images[item_id].reshape(-1, 3).astype(np.int64) * bins) // 256
        codes = (q[:, 0] * bins + q[:, 1]) * bins + q[:, 2]
        features.append(np.bincount(codes, minlength=bins**3) / len(codes))
    return np.array(features), collection.items["keyword"].to_numpy()


def test_a_colour_histogram_nearest_neighbour_recovers_keywords(kit):
    features, labels = _histograms(kit)
    # leave-one-out 1-NN with the L1 distance: every image is classified by the others
    distance = np.abs(features[:, None, :] - features[None, :, :]).sum(axis=2)
    np.fill_diagonal(distance, np.inf)
    accuracy = float((labels[distance.argmin(axis=1)] == labels).mean())
    chance = 1 / len(ki.KEYWORDS)
    assert accuracy > 0.8 > 20 * chance, f"1-NN colour-histogram accuracy {accuracy:.2f} (chance {chance:.3f})"


def test_painting_is_deterministic_and_seeded():
    a, source, licence = ki.paint_keyword_image("ocean", 3, seed=5)
    b, _, _ = ki.paint_keyword_image("ocean", 3, seed=5)
    c, _, _ = ki.paint_keyword_image("ocean", 3, seed=6)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a.astype(int) - c).mean() > 2 and source == "procedural" and licence
    _, source, _ = ki.paint_keyword_image("night", 3)
    assert source.startswith("photo: skimage rocket.jpg")


def test_two_builds_in_two_roots_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setitem(ki.SIZES, "ci", 1)
    first = build_keyword_images("ci", root=tmp_path / "a", progress=False)
    second = build_keyword_images("ci", root=tmp_path / "b", progress=False)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest == json.loads((second / "manifest.json").read_text())
    assert len(manifest["files"]) == len(ki.KEYWORDS) + 2
    assert first.name == "ci-seed0-v1" and (first / "inputs.json").is_file()
    other_seed = build_keyword_images("ci", seed=1, root=tmp_path / "a", progress=False)
    assert json.loads((other_seed / "manifest.json").read_text())["files"] != manifest["files"]


def test_a_tampered_file_makes_the_load_fail(data_home, monkeypatch):
    monkeypatch.setitem(ki.SIZES, "ci", 1)
    collection = load_keyword_images("ci", progress=False)
    assert collection.root == data_home / "kits" / "keyword-images" / "ci-seed0-v1"
    assert collection.name == "keyword-images/ci" and collection.items.loc["snow-001", "keyword"] == "snow"
    target = collection.image_path("sun-001")
    target.write_bytes(target.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(KitIntegrityError, match="does not match"):
        load_keyword_images("ci", progress=False)
    target.unlink()
    with pytest.raises(KitIntegrityError, match="missing"):
        load_keyword_images("ci", progress=False)


def test_a_kit_made_from_other_inputs_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setitem(ki.SIZES, "ci", 2)
    folder = build_keyword_images("ci", root=tmp_path, progress=False)
    stale = folder / "images" / "snow" / "snow-002.png"  # written by the old kit, not part of the new one
    assert stale.is_file()
    monkeypatch.setitem(ki.SIZES, "ci", 1)
    with pytest.warns(UserWarning, match="removed"):
        assert build_keyword_images("ci", root=tmp_path, progress=False) == folder
    assert not stale.exists() and (folder / "images" / "snow" / "snow-001.png").is_file()


def test_bad_input_is_refused_clearly(tmp_path):
    with pytest.raises(ParameterError, match="Unknown keyword 'banana'"):
        ki.paint_keyword_image("banana")
    with pytest.raises(ParameterError, match="non-negative integer"):
        ki.paint_keyword_image("snow", -1)
    with pytest.raises(ParameterError, match="seed"):
        build_keyword_images("ci", seed=-3, root=tmp_path, progress=False)
    with pytest.raises(ParameterError, match="Unknown profile"):
        build_keyword_images("huge", root=tmp_path, progress=False)


def test_the_keyword_grid_is_written(kit, tmp_path):
    collection, _ = kit
    path = save_keyword_grid(collection, tmp_path / "grid.png", per_keyword=2, size=32)
    from PIL import Image

    with Image.open(path) as sheet:
        assert sheet.size == (80 + 2 * 34, len(ki.KEYWORDS) * 34)
    with pytest.raises(ParameterError):
        save_keyword_grid(collection, tmp_path / "bad.png", per_keyword=0)
