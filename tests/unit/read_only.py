"""A folder that cannot be written to, as on a read-only mount or a shared disk owned by someone else.

For an ordinary user the folder tree is made read-only with ``chmod`` (restored afterwards). ``root`` ignores
file modes, so when the tests run as root the write calls of Python's ``os`` and ``io`` layers (``open`` for
writing or appending, ``os.open`` with write flags, ``mkdir``, ``replace``, ``rename``, ``unlink``, ``rmdir``)
refuse paths inside the folder with the error a read-only mount gives (``OSError`` with ``errno.EROFS``) or a
foreign owner gives (``PermissionError``, ``errno.EACCES``). Reading is untouched either way.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import stat
from pathlib import Path

import pytest

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _inside(path, root: str) -> bool:
    if isinstance(path, int):
        return False
    absolute = os.path.abspath(os.fspath(path))
    return absolute == root or absolute.startswith(root + os.sep)


def _refuse(code: int, path):
    error = PermissionError if code == errno.EACCES else OSError
    return error(code, os.strerror(code), os.fspath(path))


def _chmod_tree(root: Path, read_only: bool) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            mode = os.stat(path).st_mode
            os.chmod(path, mode & ~0o222 if read_only else mode | stat.S_IWUSR)
        mode = os.stat(folder).st_mode
        os.chmod(folder, mode & ~0o222 if read_only else mode | stat.S_IWUSR)


@pytest.fixture
def read_only(monkeypatch):
    """Call ``read_only(folder, code=errno.EROFS)`` to make ``folder`` (and everything in it) unwritable."""
    chmodded = []

    def make(folder, code: int = errno.EROFS) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            _chmod_tree(folder, read_only=True)
            chmodded.append(folder)
            return
        root = os.path.abspath(folder)
        real_open, real_os_open = builtins.open, os.open

        def guarded_open(file, mode="r", *args, **kwargs):
            if _inside(file, root) and any(c in mode for c in "wax+"):
                raise _refuse(code, file)
            return real_open(file, mode, *args, **kwargs)

        def guarded_os_open(path, flags, *args, **kwargs):
            if _inside(path, root) and flags & _WRITE_FLAGS:
                raise _refuse(code, path)
            return real_os_open(path, flags, *args, **kwargs)

        def guard(name):
            real = getattr(os, name)

            def guarded(*args, **kwargs):
                if any(_inside(a, root) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))):
                    if name == "mkdir" and os.path.exists(args[0]):
                        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(args[0]))
                    raise _refuse(code, args[0])
                return real(*args, **kwargs)

            monkeypatch.setattr(os, name, guarded)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        for name in ("mkdir", "replace", "rename", "unlink", "remove", "rmdir"):
            guard(name)

    yield make
    for folder in chmodded:
        _chmod_tree(folder, read_only=False)
