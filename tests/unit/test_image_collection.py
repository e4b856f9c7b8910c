"""ImageCollection.load_image reads through vision.load_image's checks (issue 18, defect 6): bad files and bad
sizes fail with the library's errors, naming the file and what to do."""

import io

import cv2
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from cbrec_lab.datasets.images import ImageCollection
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.vision import ImageFileError


def _png_bytes(height=40, width=60, seed=0):
    buffer = io.BytesIO()
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg_bytes():
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def collection(tmp_path):
    files = {
        "good": ("good.png", _png_bytes()),
        "cut-png": ("cut.png", _png_bytes()[:300]),
        "cut-jpeg": ("cut.jpg", _jpeg_bytes()[:400]),
        "text": ("notes.jpg", b"a text file, not a picture\n" * 5),
        "hdr": ("sky.hdr", b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 40000 +X 40000\n" + bytes(64)),
        "bomb": ("bomb.png", None),
    }
    for name, data in files.values():
        if data is not None:
            (tmp_path / name).write_bytes(data)
    # A PNG whose header claims 20,000 × 20,000 pixels (400 M, beyond Pillow's own bomb limit): IHDR rewritten.
    big = bytearray(_png_bytes())
    big[16:24] = (20_000).to_bytes(4, "big") * 2
    import zlib

    big[29:33] = zlib.crc32(bytes(big[12:29])).to_bytes(4, "big")
    (tmp_path / "bomb.png").write_bytes(bytes(big))
    items = pd.DataFrame(
        {"title": list(files), "image_path": [name for name, _ in files.values()]},
        index=pd.Index(list(files), name="item_id"),
    )
    return ImageCollection(name="bad-images", items=items, root=tmp_path)


def test_good_images_load_and_resize_as_before(collection, tmp_path):
    image = collection.load_image("good")
    expected = np.asarray(Image.open(tmp_path / "good.png").convert("RGB"))
    np.testing.assert_array_equal(image, expected)
    assert collection.load_image("good", size=16).shape == (16, 16, 3)
    assert collection.load_image("good", size=(30, 10)).shape == (10, 30, 3)
    reference = np.asarray(Image.open(tmp_path / "good.png").convert("RGB").resize((30, 20), Image.Resampling.BOX))
    np.testing.assert_array_equal(collection.load_image("good", size=(30, 20)), reference)


@pytest.mark.parametrize("item", ["cut-png", "cut-jpeg", "text", "hdr"])
def test_bad_files_raise_the_image_error_naming_the_file(collection, tmp_path, item):
    with pytest.raises(ImageFileError) as info:
        collection.load_image(item)
    message = str(info.value)
    assert str(tmp_path / collection.items.loc[item, "image_path"]) in message
    assert "PNG or JPEG" in message or "again" in message or "corrupt" in message


def test_a_decompression_bomb_is_refused_before_decoding(collection, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(cv2, "imdecode", refuse)
    with pytest.raises(ParameterError, match="MAX_IMAGE_PIXELS") as info:
        collection.load_image("bomb")
    assert str(tmp_path / "bomb.png") in str(info.value)


def test_a_huge_hdr_is_refused_without_decoding(collection, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(cv2, "imdecode", refuse)
    monkeypatch.setattr(cv2, "imread", refuse)
    with pytest.raises(ImageFileError, match="sky.hdr"):
        collection.load_image("hdr")


@pytest.mark.parametrize("size", [0, -3, (10,), (10, 0), (10, 20, 30), 2.5, "big", True, (100_000, 100_000)])
def test_bad_sizes_are_refused(collection, size):
    with pytest.raises(ParameterError, match="size") as info:
        collection.load_image("good", size=size)
    assert repr(size) in str(info.value) or "pixels" in str(info.value)


@pytest.mark.parametrize("labels", [["one"], ["one", "two", "three"]])
def test_show_grid_wants_one_label_per_item(collection, labels):
    with pytest.raises(ParameterError, match=rf"got {len(labels)} labels for 2 item ids"):
        collection.show_grid(["good", "good"], labels=labels)


def test_show_grid_captions_every_item(collection):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = collection.show_grid(["good", "good", "good"], ncols=2, labels=["a", "b", "c"])
    titles = [ax.get_title() for ax in fig.axes]
    plt.close(fig)
    assert titles == ["a", "b", "c", ""]
