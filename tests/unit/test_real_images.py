"""Real image data sets: loaders on tiny fixtures in the real on-disk formats; offline instructions.

Nothing here touches the network: the fixtures are written into tmp_path, and the offline tests set
CBREC_OFFLINE=1 with an empty data home.
"""

import gzip

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from cbrec_lab.datasets.images import ImageCollection
from cbrec_lab.datasets.real_images import (
    load_amazon_clothing,
    load_tradesy,
    load_wikiart,
    read_feature_records,
)
from cbrec_lab.datasets.remote import REMOTE_DATASETS, DataUnavailableError, dataset_dir, fetch
from cbrec_lab.exceptions import ParameterError

DIM = 4096
RECORD_BYTES = 10 + 4 * DIM  # 16,394


def _feature_values(k):
    """Known, exactly representable float32 values for the k-th record."""
    return (np.arange(DIM, dtype=np.float32) * 0.25 + k * 1000).astype(np.float32)


def _write_features(path, ids):
    """A VBPR feature file: per record a 10-byte ASCII id (space-padded) and 4,096 little-endian float32."""
    records = np.zeros(len(ids), dtype=[("id", "S10"), ("f", "<f4", (DIM,))])
    records["id"] = [item.ljust(10).encode("ascii") for item in ids]
    records["f"] = np.stack([_feature_values(k) for k in range(len(ids))])
    records.tofile(path)
    return path


# --------------------------------------------------------------------------------------------------------------
# Tradesy

# Lines as in tradesy.json.gz: Python literals (single quotes); one line in JSON to cover both spellings.
TRADESY_LINES = [
    "{'lists': {'selling': ['103'], 'bought': ['101', '102'], 'want': ['102', '103', '101'], 'sold': []}, 'uid': '7'}",
    "{'lists': {'selling': [], 'bought': [], 'want': ['999', '103'], 'sold': ['101']}, 'uid': '8'}",
    '{"uid": "9", "lists": {"bought": ["999"], "want": [], "selling": ["102"], "sold": []}}',
    "",
    "{'lists': {'selling': [], 'bought': ['102'], 'want': [], 'sold': []}, 'uid': '10'}",
]


@pytest.fixture
def tradesy_root(tmp_path):
    root = tmp_path / "tradesy"
    root.mkdir()
    with gzip.open(root / "tradesy.json.gz", "wt", encoding="utf-8") as stream:
        stream.write("\n".join(TRADESY_LINES) + "\n")
    _write_features(root / "image_features_tradesy.b", ["101", "102", "103"])
    return root


def test_feature_file_layout_is_read_exactly(tradesy_root):
    path = tradesy_root / "image_features_tradesy.b"
    assert path.stat().st_size == 3 * RECORD_BYTES
    ids, records = read_feature_records(path)
    assert ids.tolist() == ["101", "102", "103"]
    assert records.shape == (3,)
    np.testing.assert_array_equal(records["f"][2], _feature_values(2))


def test_tradesy_items_features_and_deduplicated_feedback(tradesy_root):
    data = load_tradesy(tradesy_root)
    assert isinstance(data, ImageCollection) and data.name == "tradesy"
    assert data.items.index.tolist() == ["101", "102", "103"]
    assert data.items["title"].tolist() == ["101", "102", "103"]
    assert (data.items["image_path"] == "").all()
    cnn = data.features["cnn"]
    assert cnn.shape == (3, DIM) and cnn.dtype == np.float32
    for k in range(3):
        np.testing.assert_array_equal(cnn[k], _feature_values(k))
    assert cnn[1, 3] == 1000.75

    # user 7: bought 101, 102; want 102 (duplicate of a purchase), 103, 101 (duplicate) -> 3 pairs
    # user 8: want 999 (no features: dropped), 103; user 9: bought 999 (dropped); user 10: bought 102
    events = data.interactions
    assert list(events.columns) == ["user_id", "item_id", "timestamp", "feedback"]
    assert list(zip(events["user_id"], events["item_id"], events["feedback"], strict=True)) == [
        ("7", "101", "bought"),
        ("7", "102", "bought"),
        ("7", "103", "want"),
        ("8", "103", "want"),
        ("10", "102", "bought"),
    ]
    assert not events.duplicated(["user_id", "item_id"]).any()
    assert str(events["timestamp"].dtype) == "datetime64[ns]"
    assert (events["timestamp"] == pd.Timestamp(0)).all()  # Tradesy has no timestamps
    assert events["timestamp"].is_monotonic_increasing
    assert "no timestamps" in data.card.lower() and "He and J. McAuley" in data.card
    assert "2 of them dropped" in data.card


def test_tradesy_feedback_lists_and_max_items(tradesy_root):
    want_first = load_tradesy(tradesy_root, feedback=["want", "bought"]).interactions
    assert want_first.set_index(["user_id", "item_id"]).loc[("7", "101"), "feedback"] == "want"
    selling = load_tradesy(tradesy_root, feedback="selling").interactions
    assert list(zip(selling["user_id"], selling["item_id"], strict=True)) == [("7", "103"), ("9", "102")]
    everything = load_tradesy(tradesy_root, feedback=("bought", "want", "selling", "sold")).interactions
    assert len(everything) == 7  # 5 above + (8, 101) sold + (9, 102) selling

    first_two = load_tradesy(tradesy_root, max_items=2)
    assert first_two.items.index.tolist() == ["101", "102"]
    assert first_two.features["cnn"].shape == (2, DIM)
    np.testing.assert_array_equal(first_two.features["cnn"][1], _feature_values(1))
    assert set(first_two.interactions["item_id"]) == {"101", "102"} and len(first_two.interactions) == 3


def test_tradesy_uncompressed_user_file(tradesy_root):
    (tradesy_root / "tradesy.json.gz").unlink()
    (tradesy_root / "tradesy.json").write_text("\n".join(TRADESY_LINES) + "\n")
    assert len(load_tradesy(tradesy_root).interactions) == 5


def test_tradesy_bad_input_is_explained(tradesy_root, tmp_path):
    with pytest.raises(ParameterError, match=r"Unknown Tradesy feedback list\(s\) \['liked'\].*bought, want"):
        load_tradesy(tradesy_root, feedback=["bought", "liked"])
    with pytest.raises(ParameterError, match="max_items must be a positive integer or None, got 0"):
        load_tradesy(tradesy_root, max_items=0)
    with pytest.raises(ParameterError, match="feature_dim=1,024.*Check feature_dim"):
        load_tradesy(tradesy_root, feature_dim=1024)
    with pytest.raises(ParameterError, match="does not exist"):
        load_tradesy(tmp_path / "nowhere")

    features = tradesy_root / "image_features_tradesy.b"
    features.write_bytes(features.read_bytes()[:-5])  # a download cut short
    with pytest.raises(ParameterError, match=r"image_features_tradesy\.b has 49,177 bytes.*16,394-byte records"):
        load_tradesy(tradesy_root)
    features.unlink()
    with pytest.raises(ParameterError, match=r"image_features_tradesy\.b is missing"):
        load_tradesy(tradesy_root)


def test_tradesy_malformed_line_is_named(tradesy_root):
    lines = TRADESY_LINES[:2] + ["{'uid': '11', 'lists': ['oops']}"] + TRADESY_LINES[2:]
    with gzip.open(tradesy_root / "tradesy.json.gz", "wt", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    with pytest.raises(ParameterError, match=r"tradesy\.json\.gz, line 3: expected a user record"):
        load_tradesy(tradesy_root)
    with gzip.open(tradesy_root / "tradesy.json.gz", "wt", encoding="utf-8") as stream:
        stream.write("not a record at all\n")
    with pytest.raises(ParameterError, match="line 1"):
        load_tradesy(tradesy_root)
    (tradesy_root / "tradesy.json.gz").write_bytes(b"\x1f\x8b\x08broken")
    with pytest.raises(ParameterError, match="download it again"):
        load_tradesy(tradesy_root)


# --------------------------------------------------------------------------------------------------------------
# Amazon Clothing, Shoes and Jewelry

# ratings_<category>.csv: no header, 'user,item,rating,timestamp' with unix seconds.
RATINGS = """\
A2SUAM1J3GNN3B,B000000002,5.0,1300000000
A1KLRMWW2FWPL4,B000000001,4.0,1200000000
A1KLRMWW2FWPL4,B000000003,2.0,1250000000
A3OXHLG6DIBRW8,B00000000X,3.0,1100000000
A2SUAM1J3GNN3B,B000000001,1.0,1200000000
A2SUAM1J3GNN3B,B000000001,1.0,1200000000
"""


@pytest.fixture
def amazon_root(tmp_path):
    root = tmp_path / "amazon"
    root.mkdir()
    (root / "ratings_Clothing_Shoes_and_Jewelry.csv").write_text(RATINGS)
    # B000000004 has features but no rating; ASINs fill the 10 bytes exactly
    _write_features(
        root / "image_features_Clothing_Shoes_and_Jewelry.b", ["B000000004", "B000000003", "B000000001", "B000000002"]
    )
    return root


def test_amazon_items_features_and_time_ordered_ratings(amazon_root):
    data = load_amazon_clothing(amazon_root)
    assert data.items.index.tolist() == ["B000000003", "B000000001", "B000000002"]  # feature-file order
    cnn = data.features["cnn"]
    assert cnn.shape == (3, DIM) and cnn.dtype == np.float32
    for row, k in enumerate([1, 2, 3]):  # records 1..3 of the file
        np.testing.assert_array_equal(cnn[row], _feature_values(k))
    assert data.position("B000000002") == 2

    events = data.interactions
    assert list(events.columns) == ["user_id", "item_id", "timestamp", "rating"]
    assert str(events["timestamp"].dtype) == "datetime64[ns]" and events["timestamp"].is_monotonic_increasing
    assert list(zip(events["user_id"], events["item_id"], events["rating"], strict=True)) == [
        ("A1KLRMWW2FWPL4", "B000000001", 4.0),  # tie at 1.2e9 s: file order
        ("A2SUAM1J3GNN3B", "B000000001", 1.0),  # the duplicate line is kept once
        ("A1KLRMWW2FWPL4", "B000000003", 2.0),
        ("A2SUAM1J3GNN3B", "B000000002", 5.0),
    ]
    assert events["timestamp"].iloc[0] == pd.Timestamp("2008-01-10 21:20:00")
    assert events["timestamp"].iloc[-1] == pd.Timestamp(1_300_000_000, unit="s")
    assert "McAuley" in data.card and "1 ratings dropped" in data.card


def test_amazon_min_rating(amazon_root):
    good = load_amazon_clothing(amazon_root, min_rating=4)
    assert good.items.index.tolist() == ["B000000001", "B000000002"]
    assert good.interactions["rating"].tolist() == [4.0, 5.0]
    np.testing.assert_array_equal(good.features["cnn"][0], _feature_values(2))
    with pytest.raises(ParameterError, match="min_rating must be a number of stars.*'high'"):
        load_amazon_clothing(amazon_root, min_rating="high")
    with pytest.raises(ParameterError, match="min_rating=6; lower it"):
        load_amazon_clothing(amazon_root, min_rating=6)


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("A9,B000000001,five,1300000000\n", r"line 3: .*'five'"),
        ("A9,B000000001,4.0,yesterday\n", r"line 3: .*'yesterday'"),
        ("A9,,4.0,1300000000\n", r"line 3"),
        ("A9,B000000001,4.0\n", r"line 3"),
        ("A9,B000000001,4.0,1300000000,extra\n", r"line 3"),
    ],
)
def test_amazon_bad_lines_are_named(amazon_root, line, match):
    lines = RATINGS.splitlines(keepends=True)
    (amazon_root / "ratings_Clothing_Shoes_and_Jewelry.csv").write_text("".join(lines[:2]) + line + "".join(lines[2:]))
    with pytest.raises(ParameterError, match=match):
        load_amazon_clothing(amazon_root)


def test_amazon_file_errors(amazon_root):
    features = amazon_root / "image_features_Clothing_Shoes_and_Jewelry.b"
    features.write_bytes(features.read_bytes() + b"\x00" * 7)
    with pytest.raises(ParameterError, match=r"Jewelry\.b has 65,583 bytes.*16,394-byte records"):
        load_amazon_clothing(amazon_root)
    _write_features(features, ["B00000000Y"])
    with pytest.raises(ParameterError, match="None of the 4 rated items"):
        load_amazon_clothing(amazon_root)
    (amazon_root / "ratings_Clothing_Shoes_and_Jewelry.csv").write_text("")
    with pytest.raises(ParameterError, match="is empty"):
        load_amazon_clothing(amazon_root)
    (amazon_root / "ratings_Clothing_Shoes_and_Jewelry.csv").unlink()
    with pytest.raises(ParameterError, match="ratings_Clothing_Shoes_and_Jewelry.csv is missing"):
        load_amazon_clothing(amazon_root)


# --------------------------------------------------------------------------------------------------------------
# WikiArt

PAINTINGS = {
    "Impressionism/claude-monet_water-lilies-1906.jpg": (40, 90, 160),
    "Impressionism/claude-monet_the-artist-s-garden(1).jpg": (60, 140, 60),
    "Post_Impressionism/vincent-van-gogh_ears-of-wheat-1890-2(1).jpg": (220, 190, 40),
    "Ukiyo_e/utagawa-kunisada_not_detected_240343.jpg": (200, 30, 30),
}


@pytest.fixture
def wikiart_root(tmp_path):
    """wikiart/<Style>/<artist>_<title>.jpg (real JPEGs) and wikiart_csv/ lists as in the ArtGAN release."""
    root = tmp_path / "wikiart-data"
    for relative, colour in PAINTINGS.items():
        path = root / "wikiart" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (24, 16), colour).save(path, quality=95)
    (root / "wikiart" / "Impressionism" / "Thumbs.db").write_bytes(b"not an image")
    lists = root / "wikiart_csv"
    lists.mkdir()
    (lists / "genre_class.txt").write_text(
        "0 abstract_painting\n1 cityscape\n2 genre_painting\n3 illustration\n4 landscape\n5 nude_painting\n"
        "6 portrait\n7 religious_painting\n8 sketch_and_study\n9 still_life\n"
    )
    (lists / "genre_train.csv").write_text("Impressionism/claude-monet_water-lilies-1906.jpg,4\n")
    (lists / "genre_val.csv").write_text("Post_Impressionism/vincent-van-gogh_ears-of-wheat-1890-2(1).jpg,2\n")
    (lists / "style_class.txt").write_text("0 Impressionism\n1 Post_Impressionism\n2 Ukiyo_e\n")
    (lists / "style_train.csv").write_text(
        "Impressionism/claude-monet_water-lilies-1906.jpg,0\nUkiyo_e/utagawa-kunisada_not_detected_240343.jpg,2\n"
    )
    return root


def test_wikiart_items_from_file_names_and_lists(wikiart_root):
    art = load_wikiart(wikiart_root)
    assert art.name == "wikiart" and art.interactions is None and art.features == {}
    assert art.items.index.tolist() == [
        "Impressionism/claude-monet_the-artist-s-garden(1)",
        "Impressionism/claude-monet_water-lilies-1906",
        "Post_Impressionism/vincent-van-gogh_ears-of-wheat-1890-2(1)",
        "Ukiyo_e/utagawa-kunisada_not_detected_240343",
    ]
    items = art.items
    assert list(items.columns) == ["title", "artist", "style", "genre", "year", "image_path"]
    assert items["title"].tolist() == ["The artist's garden", "Water lilies", "Ears of wheat", "Not detected 240343"]
    assert items["artist"].tolist() == ["Claude Monet", "Claude Monet", "Vincent Van Gogh", "Utagawa Kunisada"]
    assert items["style"].tolist() == ["Impressionism", "Impressionism", "Post_Impressionism", "Ukiyo_e"]
    assert items["genre"].isna().tolist() == [True, False, False, True]
    assert items["genre"].dropna().tolist() == ["landscape", "genre painting"]
    assert items["year"].dtype == "Int64"
    assert items["year"].isna().tolist() == [True, False, False, True]
    assert items["year"].dropna().tolist() == [1906, 1890]
    assert items["image_path"].iloc[1] == "wikiart/Impressionism/claude-monet_water-lilies-1906.jpg"
    assert "Tan" in art.card and "4 paintings" in art.card


def test_wikiart_images_load(wikiart_root):
    art = load_wikiart(wikiart_root)
    for relative, colour in PAINTINGS.items():
        item_id = relative.rsplit(".", 1)[0]
        image = art.load_image(item_id)
        assert image.shape == (16, 24, 3) and image.dtype == np.uint8
        assert np.abs(image.reshape(-1, 3).mean(axis=0) - colour).max() < 3  # JPEG of a flat colour
    assert art.load_image("Ukiyo_e/utagawa-kunisada_not_detected_240343", size=8).shape == (8, 8, 3)


def test_wikiart_filters(wikiart_root):
    impressionism = load_wikiart(wikiart_root, styles="impressionism")
    assert impressionism.items["style"].unique().tolist() == ["Impressionism"] and len(impressionism.items) == 2
    two = load_wikiart(wikiart_root, styles=["Ukiyo_e", "Post_Impressionism"])
    assert sorted(two.items["style"]) == ["Post_Impressionism", "Ukiyo_e"]
    one_each = load_wikiart(wikiart_root, max_per_style=1)
    assert one_each.items.index.tolist() == [
        "Impressionism/claude-monet_the-artist-s-garden(1)",
        "Post_Impressionism/vincent-van-gogh_ears-of-wheat-1890-2(1)",
        "Ukiyo_e/utagawa-kunisada_not_detected_240343",
    ]
    # the wikiart folder itself as root; no genre lists there: genres missing, everything else the same
    inner = load_wikiart(wikiart_root / "wikiart")
    assert len(inner.items) == 4 and inner.items["genre"].isna().all()
    assert inner.items["image_path"].iloc[1] == "Impressionism/claude-monet_water-lilies-1906.jpg"
    assert inner.load_image("Impressionism/claude-monet_water-lilies-1906").shape == (16, 24, 3)


def test_wikiart_errors(wikiart_root, tmp_path):
    present = "Present styles: Impressionism, Post_Impressionism, Ukiyo_e"
    with pytest.raises(ParameterError, match=r"Style\(s\) \['Cubism'\] are not in .*" + present):
        load_wikiart(wikiart_root, styles=["Cubism", "Impressionism"])
    with pytest.raises(ParameterError, match="styles must be a name or a non-empty list"):
        load_wikiart(wikiart_root, styles=[])
    with pytest.raises(ParameterError, match="max_per_style must be a positive integer or None, got -1"):
        load_wikiart(wikiart_root, max_per_style=-1)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ParameterError, match="No WikiArt images found"):
        load_wikiart(empty)
    (wikiart_root / "wikiart_csv" / "genre_val.csv").write_text("Impressionism/x.jpg,4\nImpressionism/y.jpg,12\n")
    with pytest.raises(ParameterError, match=r"genre_val\.csv, line 2: .*genre_class\.txt"):
        load_wikiart(wikiart_root)
    (wikiart_root / "wikiart_csv" / "genre_class.txt").unlink()
    with pytest.raises(ParameterError, match="genre_class.txt .* is missing"):
        load_wikiart(wikiart_root)


# --------------------------------------------------------------------------------------------------------------
# Registry and offline instructions


@pytest.mark.parametrize(
    ("name", "loader", "url", "layout"),
    [
        ("tradesy", load_tradesy, "https://jmcauley.ucsd.edu/data/tradesy/tradesy.json.gz", "image_features_tradesy.b"),
        (
            "amazon_clothing",
            load_amazon_clothing,
            "http://snap.stanford.edu/data/amazon/productGraph/categoryFiles/ratings_Clothing_Shoes_and_Jewelry.csv",
            "user,item,rating,timestamp",
        ),
        ("wikiart", load_wikiart, "http://web.fsktm.um.edu.my/~cschan/source/ICIP2017/wikiart.zip", "wikiart/<Style>/"),
    ],
)
def test_offline_loaders_say_what_to_download_and_where(tmp_path, monkeypatch, name, loader, url, layout):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path))
    with pytest.raises(DataUnavailableError) as info:
        loader()
    message = str(info.value)
    assert url in message and layout in message
    assert str(tmp_path / "datasets" / name) in message
    assert "verify the file manually" in message  # no SHA-256 recorded: never downloaded automatically
    assert not (tmp_path / "datasets" / name).exists()


def test_registry_entries_for_images_are_honest():
    for name in ("tradesy", "amazon_clothing", "wikiart"):
        entry = REMOTE_DATASETS[name]
        assert entry.licence and entry.citation and entry.homepage and entry.layout and entry.expected
        for file in entry.files:
            assert file.urls and all(u.startswith(("http://", "https://")) for u in file.urls)
            assert file.sha256 == "" and file.size_bytes == 0  # nothing published to check against
    assert "non-commercial research" in REMOTE_DATASETS["wikiart"].licence
    assert "25.4 GB" in REMOTE_DATASETS["wikiart"].files[0].approx_size


def test_data_placed_by_hand_is_found_offline(tmp_path, monkeypatch, tradesy_root, wikiart_root):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path / "home"))
    dataset_dir("tradesy").parent.mkdir(parents=True)
    tradesy_root.rename(dataset_dir("tradesy"))
    assert fetch("tradesy") == dataset_dir("tradesy")
    assert load_tradesy().features["cnn"].shape == (3, DIM)
    wikiart_root.rename(dataset_dir("wikiart"))
    assert len(load_wikiart().items) == 4
