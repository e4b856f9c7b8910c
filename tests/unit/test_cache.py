import errno
import hashlib
import json
import warnings

import numpy as np
import pytest

from cbrec_lab.cache import (
    CacheWarning,
    FeatureCacheError,
    atomic_path,
    atomic_write_text,
    cached_array,
    inputs_digest,
    load_or_compute,
    read_array_manifest,
    sha256_file,
)


def test_sha256_of_a_known_string(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 10_000)
    assert sha256_file(big, chunk_bytes=4096) == hashlib.sha256(big.read_bytes()).hexdigest()


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "file.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]


def test_a_failed_write_keeps_the_old_file_intact(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("good")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half-writ")
            raise RuntimeError("interrupted")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


# --------------------------------------------------------------------------------------------------------------
# load_or_compute: reading needs no lock; a cache that cannot be written is skipped with one note.


def _text_cache(path):
    def load():
        return path.read_text() if path.is_file() else None

    def store(value):
        atomic_write_text(path, value)
        return load()

    return load, store


def test_a_cache_is_computed_once_then_read(tmp_path):
    load, store = _text_cache(tmp_path / "cache" / "value.txt")
    calls = []

    def compute():
        calls.append(1)
        return "42"

    assert load_or_compute(tmp_path / "cache" / ".value.lock", load, compute, store, what="answers") == "42"
    assert load_or_compute(tmp_path / "cache" / ".value.lock", load, compute, store, what="answers") == "42"
    assert calls == [1]


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_an_existing_cache_is_read_without_writing_anything(tmp_path, read_only, code):
    load, store = _text_cache(tmp_path / "cache" / "value.txt")
    load_or_compute(tmp_path / "cache" / ".value.lock", load, lambda: "42", store, what="answers")
    (tmp_path / "cache" / ".value.lock").unlink()
    read_only(tmp_path / "cache", code)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_or_compute(tmp_path / "cache" / ".value.lock", load, lambda: "wrong", store, what="answers") == "42"
    assert not (tmp_path / "cache" / ".value.lock").exists()


def test_a_store_that_cannot_write_returns_the_value_computed_once_with_a_note(tmp_path):
    load, _ = _text_cache(tmp_path / "value.txt")
    calls = []

    def compute():
        calls.append(1)
        return "42"

    def store(value):
        raise OSError(errno.EROFS, "Read-only file system")

    with pytest.warns(CacheWarning, match=rf"{tmp_path} is not writable \(Read-only file system\).*answers in memory"):
        assert load_or_compute(tmp_path / ".value.lock", load, compute, store, what="answers") == "42"
    assert calls == [1]


def test_an_unreadable_input_is_not_mistaken_for_an_unwritable_cache(tmp_path):
    load, store = _text_cache(tmp_path / "value.txt")

    def compute():
        raise PermissionError(errno.EACCES, "Permission denied", "/data/song.wav")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PermissionError, match="song.wav"):
            load_or_compute(tmp_path / ".value.lock", load, compute, store, what="answers")


# --------------------------------------------------------------------------------------------------------------
# cached_array: the protocol of both feature caches (log-mel spectrograms, deep features).


def test_a_cached_array_keeps_its_fields_and_is_computed_once(tmp_path):
    inputs = {"feature": "test", "sizes": (2, 3)}  # a tuple: compared as the JSON list the manifest holds
    path = tmp_path / "cache" / f"values-{inputs_digest(inputs)}.npy"
    calls = []

    def compute():
        calls.append(1)
        return np.arange(6, dtype=np.float32).reshape(2, 3), {"offsets": [0, 1, 2]}

    array, fields = cached_array(path, inputs, compute, what="values", mmap=True)
    assert isinstance(array, np.memmap) and fields == {"offsets": [0, 1, 2]}
    again, fields_again = cached_array(path, inputs, compute, what="values")
    assert calls == [1] and not isinstance(again, np.memmap) and fields_again == fields
    np.testing.assert_array_equal(again, np.arange(6).reshape(2, 3))
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["shape"] == [2, 3] and manifest["sha256"] == sha256_file(path)
    assert read_array_manifest(path, {"feature": "other"}) is None, "other inputs: not this cache"
    assert (tmp_path / "cache" / f".{path.stem}.lock").exists()


def test_a_cached_array_refuses_a_damaged_manifest_and_reserved_fields(tmp_path):
    path = tmp_path / "values.npy"
    cached_array(path, {"n": 1}, lambda: (np.zeros(3), {}), what="values")
    path.with_suffix(".json").write_text("{not json")
    with pytest.raises(FeatureCacheError, match=r"values\.json is damaged.*delete it and values\.npy to recompute"):
        cached_array(path, {"n": 1}, lambda: (np.zeros(3), {}), what="values")
    with pytest.raises(ValueError, match="'sha256'"):
        cached_array(tmp_path / "other.npy", {"n": 1}, lambda: (np.zeros(3), {"sha256": "x"}), what="values")
