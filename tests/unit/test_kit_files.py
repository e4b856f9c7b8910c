"""Shared kit-building machinery: the worker pool must be safe to start from a multi-threaded process; a finished
kit loads from a data home this user cannot write; a resumed build keeps only files that match the digests recorded
when they were written; damaged or incomplete manifests and kits from other inputs are handled without data loss."""

import errno
import json
import threading

import pytest

from cbrec_lab.datasets.keyword_images import kit as keyword_kit
from cbrec_lab.datasets.keyword_images import painting as keyword_painting
from cbrec_lab.datasets.kit_files import KitIntegrityError, worker_pool
from cbrec_lab.exceptions import CbrecError

# Held by the parent while it submits work: a forked child would inherit it held (and wait forever, as a child
# does when another thread of a kernel or test worker held some library's lock at the fork); a spawned child
# imports this module afresh and finds it free.
HELD_IN_PARENT = threading.Lock()


def _lock_is_free_here() -> bool:
    acquired = HELD_IN_PARENT.acquire(timeout=5)
    if acquired:
        HELD_IN_PARENT.release()
    return acquired


def test_worker_pool_children_do_not_inherit_the_parents_locks():
    with HELD_IN_PARENT:
        with worker_pool(1) as pool:
            assert pool.submit(_lock_is_free_here).result(timeout=120)


# --------------------------------------------------------------------------------------------------------------
# The kit life cycle, on the keyword images kit at one image per keyword (about two seconds to build).


@pytest.fixture
def one_per_keyword(monkeypatch):
    monkeypatch.setitem(keyword_painting.SIZES, "ci", 1)


def _build(root):
    return keyword_kit.build_keyword_images("ci", root=root, progress=False)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only mount", "owned by someone else"])
def test_a_finished_kit_loads_from_a_data_home_it_cannot_write(one_per_keyword, data_home, read_only, code):
    first = keyword_kit.load_keyword_images("ci", progress=False)
    read_only(data_home, code)
    again = keyword_kit.load_keyword_images("ci", progress=False)
    assert again.root == first.root and again.items.equals(first.items)
    assert again.load_image("snow-001").shape == (224, 224, 3)


def test_an_unfinished_kit_in_a_folder_it_cannot_write_says_what_to_do(one_per_keyword, data_home, read_only):
    read_only(data_home)
    with pytest.raises(CbrecError, match=r"not writable.*cbrec-lab data prepare.*CBREC_DATA_HOME") as info:
        keyword_kit.load_keyword_images("ci", progress=False)
    assert str(data_home / "kits" / "keyword-images" / "ci-seed0-v1") in str(info.value)


def test_resume_rebuilds_a_file_that_changed_after_it_was_written(one_per_keyword, tmp_path):
    folder = _build(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    target = folder / "images" / "sun" / "sun-001.png"
    good = target.read_bytes()
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF
    target.write_bytes(bytes(flipped))
    (folder / "manifest.json").unlink()  # as if the build had been interrupted before its end
    _build(tmp_path)
    assert target.read_bytes() == good, "the byte-flipped image was kept on resume"
    assert json.loads((folder / "manifest.json").read_text()) == manifest


@pytest.mark.parametrize("keep", [0, 10], ids=["emptied", "truncated"])
def test_a_manifest_that_misses_files_of_the_kit_is_refused(one_per_keyword, tmp_path, keep):
    folder = _build(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = dict(sorted(manifest["files"].items())[:keep])
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(KitIntegrityError, match=r"manifest\.json does not list \d+ files of the kit.*Delete .*prepare"):
        _build(tmp_path)


@pytest.mark.parametrize("text", ['{"inputs": {"kit": "keyw', '{"files": {}}', "[]", '{"inputs": {}, "files": 3}'])
def test_a_damaged_manifest_is_an_integrity_error_that_says_to_rebuild(one_per_keyword, tmp_path, text):
    folder = _build(tmp_path)
    (folder / "manifest.json").write_text(text)
    with pytest.raises(KitIntegrityError, match=r"(?s)manifest\.json.*Delete .*ci-seed0-v1.*cbrec-lab data prepare"):
        _build(tmp_path)


def test_a_kit_from_other_inputs_is_replaced_keeping_files_it_did_not_write(one_per_keyword, tmp_path, monkeypatch):
    folder = _build(tmp_path)
    notes = folder / "my-notes.txt"
    notes.write_text("mine")
    drawing = folder / "images" / "my-drawing.png"
    drawing.write_bytes(b"mine too")
    monkeypatch.setitem(keyword_painting.SIZES, "ci", 2)  # other inputs, as after a library upgrade
    with pytest.warns(UserWarning, match=r"removed \d+ files of the kit .*ci-seed0-v1.*kept.*my-notes\.txt") as said:
        assert _build(tmp_path) == folder
    assert len(said) == 1 and "\n" not in str(said[0].message)
    assert notes.read_text() == "mine" and drawing.read_bytes() == b"mine too"
    assert (folder / "images" / "snow" / "snow-002.png").is_file()
    assert set(json.loads((folder / "manifest.json").read_text())["files"]) >= {"images/snow/snow-002.png"}
