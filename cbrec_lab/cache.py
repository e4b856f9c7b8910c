"""Files written safely: atomic replacement, SHA-256 checksums, locks, and cached arrays with a manifest.

A file is first written under a temporary name in the same directory and then moved into place with
:func:`os.replace`, which is atomic on POSIX and Windows: readers see the old file or the new one, never a
half-written one, and an interrupted run leaves no corrupt cache behind.

Caches may live on a shared disk that the reader cannot write (a read-only mount, a data home prepared by an
instructor): :func:`load_or_compute` reads a valid cache without taking any lock, and when a missing cache
cannot be written it computes in memory and says so in one line, a :class:`CacheWarning` (shown once per
place by Python's warning filters, silenced with ``warnings.simplefilter("ignore", CacheWarning)``).

:func:`cached_array` is that protocol for a NumPy array, the form of both feature caches (the log-mel
spectrograms of :mod:`cbrec_lab.feature_cache`, the deep features of :mod:`cbrec_lab.backbones`): an ``.npy``
file next to a JSON manifest that records the inputs it was made from and the file's SHA-256, checked on every
load (:func:`read_array_manifest`); :func:`inputs_digest` names the file after those inputs, so other inputs
give another file, never a stale one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np

from .exceptions import CbrecError

__all__ = [
    "atomic_path",
    "atomic_write_text",
    "sha256_file",
    "exclusive_lock",
    "is_not_writable",
    "load_or_compute",
    "CacheWarning",
    "FeatureCacheError",
    "inputs_digest",
    "read_array_manifest",
    "cached_array",
]

T = TypeVar("T")


class CacheWarning(UserWarning):
    """A cache could not be written (or was reset); the work went on without it. The message says where."""


class FeatureCacheError(CbrecError):
    """A cached array does not match its manifest: the manifest is damaged or the file's SHA-256 differs."""


@contextmanager
def atomic_path(path: os.PathLike | str) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``path``, on error it is removed.

    Examples
    --------
    >>> with atomic_path(target) as tmp:          # doctest: +SKIP
    ...     np.save(tmp, array)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: os.PathLike | str, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def sha256_file(path: os.PathLike | str, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 digest of a file, read in chunks (constant memory for large files)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def exclusive_lock(path: os.PathLike | str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) for the block: one builder of a cache at a time.

    Two processes preparing the same kit (two test workers, two notebooks) take turns; the second then finds
    the finished kit. Uses ``fcntl.flock`` on POSIX; on other systems the block runs unlocked.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no flock; concurrent preparation is not supported there
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_not_writable(error: OSError) -> bool:
    """True for the errors of a folder that this user may not change: a read-only file system (``EROFS``),
    missing permission (``EACCES``, ``EPERM``)."""
    return isinstance(error, PermissionError) or error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)


def load_or_compute(
    lock_path: os.PathLike | str,
    load: Callable[[], T | None],
    compute: Callable[[], T],
    store: Callable[[T], T],
    *,
    what: str,
) -> T:
    """A cached result: read it if it is there, else compute and store it, one process at a time.

    1. ``load()`` without any lock: a finished cache is read even from a folder this user cannot write (its
       manifest is written last and atomically, so a reader sees a complete cache or none).
    2. Otherwise, under :func:`exclusive_lock` on ``lock_path``: ``load()`` again (another process may have
       just finished), else ``value = compute()`` and ``store(value)``, whose return value is returned.
    3. When the lock or the store fails because the folder is not writable (:func:`is_not_writable`), the
       value is computed (once) and returned without caching, with a one-line :class:`CacheWarning`.

    Parameters
    ----------
    lock_path : path
        The lock file, next to the cache.
    load : callable
        Returns the cached value, or None when there is no valid cache (it raises for a corrupt one).
    compute : callable
        Computes the value.
    store : callable
        Writes ``value`` to the cache (atomically) and returns what the caller gets (e.g. a memory map).
    what : str
        What is computed, for the note (``"log-mel spectrograms"``).
    """
    found = load()
    if found is not None:
        return found
    value, step = None, "lock"
    try:
        with exclusive_lock(lock_path):
            step = "load"
            found = load()
            if found is not None:
                return found
            step = "compute"
            value = compute()
            step = "store"
            return store(value)
    except OSError as error:
        if step not in ("lock", "store") or not is_not_writable(error):
            raise  # an unreadable input, a full disk, ...: not a question of permissions on the cache
        warnings.warn(
            f"{Path(lock_path).parent} is not writable ({error.strerror}): computing the {what} in memory, "
            "without caching them; set CBREC_DATA_HOME to a folder of yours to cache them.",
            CacheWarning,
            stacklevel=3,
        )
    return compute() if value is None else value


# --------------------------------------------------------------------------------------------------------------
# Cached arrays: an .npy file, a JSON manifest of its inputs and SHA-256, computed once.

#: Manifest entries written by :func:`cached_array` itself; the caller's extra fields may not use them.
_MANIFEST_KEYS = frozenset({"inputs", "shape", "sha256"})


def inputs_digest(inputs: dict, length: int = 16) -> str:
    """The first ``length`` hex digits of the SHA-256 of ``inputs`` as sorted JSON: a cache file's name part.

    Examples
    --------
    >>> inputs_digest({"b": 1, "a": [2, 3]}) == inputs_digest({"a": [2, 3], "b": 1})
    True
    """
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:length]


def _manifest_path(data_path: Path) -> Path:
    return data_path.with_suffix(".json")


def read_array_manifest(data_path: os.PathLike | str, inputs: dict) -> dict | None:
    """The manifest of a cached array when the cache is there, made from ``inputs`` and intact; else None.

    The manifest is ``data_path`` with the suffix ``.json``. A cache made from other inputs is None (not an
    error: the caller computes, and the other cache stays for the inputs it belongs to).

    Raises
    ------
    FeatureCacheError
        The manifest is damaged, or the array does not match its SHA-256 (the message says what to delete).
    """
    data_path = Path(data_path)
    manifest_path = _manifest_path(data_path)
    if not (data_path.is_file() and manifest_path.is_file()):
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeatureCacheError(
            f"{manifest_path} is damaged ({error}): delete it and {data_path.name} to recompute."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("inputs") != inputs:
        return None
    if sha256_file(data_path) != manifest.get("sha256"):
        raise FeatureCacheError(
            f"{data_path} does not match its manifest (SHA-256 differs): delete it and its .json to recompute."
        )
    return manifest


def cached_array(
    data_path: os.PathLike | str,
    inputs: dict,
    compute: Callable[[], tuple[np.ndarray, dict]],
    *,
    what: str,
    mmap: bool = False,
) -> tuple[np.ndarray, dict]:
    """An array computed once and cached as ``.npy`` with a JSON manifest: ``(array, fields)``.

    The cache is ``data_path`` (an ``.npy`` file) and its manifest ``data_path.with_suffix(".json")``, which
    holds ``inputs`` (what the array was made from), the array's ``shape``, the file's ``sha256`` and the
    caller's extra ``fields`` (e.g. the offsets of the songs in a spectrogram set). :func:`load_or_compute`
    runs the protocol: a valid cache is read without any lock (a shared, read-only data home works), a
    missing one is computed and written atomically under a lock (``.<name>.lock`` next to it), the manifest
    last, and a folder that cannot be written gives the computed value with a one-line :class:`CacheWarning`.

    Parameters
    ----------
    data_path : path
        The ``.npy`` file; name it after the inputs (:func:`inputs_digest`) so other inputs give another file.
    inputs : dict
        JSON values only; a cache whose manifest holds other inputs is not used.
    compute : callable
        Returns ``(array, fields)``: the array and a dict of JSON values to keep in the manifest (may be empty;
        the keys ``inputs``, ``shape`` and ``sha256`` are reserved).
    what : str
        What is computed, for the note (``"deep features"``).
    mmap : bool
        Return a cached array as a read-only memory map (a collection larger than memory streams from disk),
        also right after computing and storing it; False loads it into memory.

    Returns
    -------
    (np.ndarray, dict)
        The array and the manifest's extra fields (from the cache, or as ``compute`` returned them).

    Raises
    ------
    FeatureCacheError
        The cache is damaged or altered (the message says what to delete).
    """
    data_path = Path(data_path)
    inputs = json.loads(json.dumps(inputs))  # as the manifest will hold them (tuples become lists)

    def load() -> tuple[np.ndarray, dict] | None:
        manifest = read_array_manifest(data_path, inputs)
        if manifest is None:
            return None
        array = np.load(data_path, mmap_mode="r" if mmap else None)
        return array, {key: value for key, value in manifest.items() if key not in _MANIFEST_KEYS}

    def store(value: tuple[np.ndarray, dict]) -> tuple[np.ndarray, dict]:
        array, fields = value
        reserved = _MANIFEST_KEYS.intersection(fields)
        if reserved:
            raise ValueError(f"The manifest fields {sorted(reserved)} are written by cached_array itself.")
        with atomic_path(data_path) as tmp:
            with open(tmp, "wb") as handle:
                np.save(handle, array)
            digest = sha256_file(tmp)
        manifest = {"inputs": inputs, **fields, "shape": list(np.shape(array)), "sha256": digest}
        atomic_write_text(_manifest_path(data_path), json.dumps(manifest))
        return load() if mmap else value

    return load_or_compute(data_path.with_name(f".{data_path.stem}.lock"), load, compute, store, what=what)
