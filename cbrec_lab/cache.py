"""Files written safely: atomic replacement and SHA-256 checksums.

A file is first written under a temporary name in the same directory and then moved into place with
:func:`os.replace`, which is atomic on POSIX and Windows: readers see the old file or the new one, never a
half-written one, and an interrupted run leaves no corrupt cache behind.

Caches may live on a shared disk that the reader cannot write (a read-only mount, a data home prepared by an
instructor): :func:`load_or_compute` reads a valid cache without taking any lock, and when a missing cache
cannot be written it computes in memory and says so in one line, a :class:`CacheWarning` (shown once per
place by Python's warning filters, silenced with ``warnings.simplefilter("ignore", CacheWarning)``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

__all__ = [
    "atomic_path", "atomic_write_text", "sha256_file", "exclusive_lock", "is_not_writable", "load_or_compute",
    "CacheWarning",
]

T = TypeVar("T")


class CacheWarning(UserWarning):
    """A cache could not be written (or was reset); the work went on without it. The message says where."""


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
