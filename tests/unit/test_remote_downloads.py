"""The fetcher under stress: concurrent fetches, killed downloads, dripping mirrors, bombs and damaged archives.

Every download comes from a local ``http.server`` on 127.0.0.1; nothing here reaches the internet.
"""

import hashlib
import io
import threading
import time
import zipfile

import pytest

from cbrec_lab.datasets import remote
from cbrec_lab.datasets.remote import DataUnavailableError, RemoteFile, fetch

from .local_http import register_toy, serve


@pytest.fixture
def server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    with serve(served) as (url, handler):
        yield served, url, handler


@pytest.fixture
def online(tmp_path, monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "0")  # the suite sets 1; the server is local
    monkeypatch.setenv("CBREC_DATA_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "datasets"


def _zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def _serve(monkeypatch, served, base, filename, payload, *, path=None):
    """Put ``payload`` on the server and register a one-file data set 'toy' that points at it."""
    (served / filename).write_bytes(payload)
    url = f"{base}/{path or filename}"
    return register_toy(monkeypatch, [RemoteFile(filename, (url,), hashlib.sha256(payload).hexdigest(), len(payload))])


def test_two_concurrent_fetches_download_once_and_both_succeed(online, server, monkeypatch):
    served, base, handler = server
    handler.delay = 0.5  # the first download is still running when the second fetch starts
    _serve(monkeypatch, served, base, "toy.zip", _zip_bytes({"toy/hello.txt": b"hello"}))
    results, errors = [], []

    def worker():
        try:
            results.append(fetch("toy", progress=False))
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results == [online / "toy", online / "toy"]
    assert (online / "toy" / "toy" / "hello.txt").read_bytes() == b"hello"
    assert handler.requests == ["/toy.zip"], "the second fetch waits and finds the finished data set"
    assert sorted(p.name for p in online.iterdir()) == ["toy"], "no archive, staging folder or part left behind"


def test_leftovers_of_a_killed_download_are_cleaned_on_the_next_fetch(online, server, monkeypatch):
    served, base, _ = server
    _serve(monkeypatch, served, base, "toy.zip", _zip_bytes({"toy/hello.txt": b"hello"}))
    downloads = online / ".downloads" / "toy"
    downloads.mkdir(parents=True)
    part = downloads / ".toy.zip.0123abcd.part"
    part.write_bytes(b"half a download")
    staging = online / ".toy.89abcdef.tmp"
    (staging / "toy").mkdir(parents=True)
    other = online / ".other.89abcdef.tmp"  # another data set's folder is not touched
    other.mkdir()
    assert fetch("toy", progress=False) == online / "toy"
    assert not part.exists() and not staging.exists() and not downloads.exists()
    assert other.is_dir()


def test_a_dripping_mirror_hits_the_deadline_with_a_clear_error(online, server, monkeypatch):
    served, base, handler = server
    payload = b"x" * 1000
    _serve(monkeypatch, served, base, "big.bin", payload, path="drip/1000")
    monkeypatch.setattr(remote, "_DEADLINE_BASE_S", 1.0)  # the default deadline, shortened for the test
    started = time.monotonic()
    with pytest.raises(DataUnavailableError) as info:
        fetch("toy", progress=False)
    assert time.monotonic() - started < 15
    message = str(info.value)
    assert f"{base}/drip/1000" in message and "deadline" in message and "deadline_s" in message
    assert not online.exists() or [p for p in online.rglob("*") if p.is_file()] == []


def test_deadline_can_be_given_per_call(online, server, monkeypatch):
    served, base, _ = server
    _serve(monkeypatch, served, base, "big.bin", b"x" * 1000, path="drip/1000")
    with pytest.raises(DataUnavailableError, match=r"deadline of 1 s"):
        fetch("toy", progress=False, deadline_s=1)
    with pytest.raises(Exception, match="deadline_s must be a positive number"):
        fetch("toy", progress=False, deadline_s=0)


def test_a_damaged_archive_is_named_with_what_to_do(online, server, monkeypatch):
    served, base, _ = server
    damaged = b"\x1f\x8b\x08\x00" + b"not really gzip" * 20
    _serve(monkeypatch, served, base, "toy.tar.gz", damaged)
    with pytest.raises(DataUnavailableError) as info:
        fetch("toy", progress=False)
    message = str(info.value)
    archive = online / ".downloads" / "toy" / "toy.tar.gz"
    assert f"{archive}" in message and "damaged" in message and "Delete" in message
    assert not (online / "toy").exists()


def test_a_damaged_zip_is_named_too(online, server, monkeypatch):
    served, base, _ = server
    _serve(monkeypatch, served, base, "toy.zip", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(DataUnavailableError, match=r"toy\.zip.*damaged"):
        fetch("toy", progress=False)


def test_an_archive_larger_than_the_cap_is_not_extracted(online, server, monkeypatch):
    served, base, _ = server
    _serve(monkeypatch, served, base, "toy.zip", _zip_bytes({"toy/a.bin": b"\0" * 5000, "toy/b.bin": b"\0" * 5000}))
    with pytest.raises(DataUnavailableError) as info:
        fetch("toy", progress=False, max_extracted_bytes=8000)
    message = str(info.value)
    assert "toy.zip" in message and "10,000 bytes" in message and "8,000" in message
    assert "max_extracted_bytes" in message
    assert not (online / "toy").exists() and not list(online.glob(".toy.*.tmp"))
    assert fetch("toy", progress=False, max_extracted_bytes=10_000) == online / "toy"


def test_an_archive_larger_than_the_free_disk_is_not_extracted(online, server, monkeypatch):
    served, base, _ = server
    _serve(monkeypatch, served, base, "toy.zip", _zip_bytes({"toy/a.bin": b"\0" * 5000}))
    monkeypatch.setattr(remote, "free_disk_mb", lambda path: 0.004)  # 4,000 bytes free
    with pytest.raises(DataUnavailableError) as info:
        fetch("toy", progress=False)
    message = str(info.value)
    assert "toy.zip" in message and "(5,000 bytes)" in message and "(4,000 bytes) is free" in message
    assert "CBREC_DATA_HOME" in message
    assert not (online / "toy").exists()


def test_the_default_cap_refuses_a_zip_bomb(online, server, monkeypatch):
    served, base, _ = server
    bomb = _zip_bytes({"toy/zeros.bin": b"\0" * 2_000_000})  # about 2 KB on the wire
    _serve(monkeypatch, served, base, "toy.zip", bomb)
    monkeypatch.setattr(remote, "_EXTRACT_FLOOR_BYTES", 0)  # the default cap without its 1 GiB floor
    with pytest.raises(DataUnavailableError, match=r"2,000,000 bytes") as info:
        fetch("toy", progress=False)
    assert f"{remote._EXTRACT_RATIO}×" in str(info.value)
    assert not (online / "toy").exists()


def test_check_member_sizes_of_a_tar(tmp_path):
    import tarfile

    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as bundle:
        for name in ("a", "b"):
            info = tarfile.TarInfo(name)
            info.size = 3000
            bundle.addfile(info, io.BytesIO(b"y" * 3000))
    with pytest.raises(DataUnavailableError, match="6,000 bytes"):
        remote._extract(archive, tmp_path / "out", max_bytes=5000)
    remote._extract(archive, tmp_path / "out", max_bytes=6000)
    assert (tmp_path / "out" / "a").stat().st_size == 3000
