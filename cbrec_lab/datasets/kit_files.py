"""The on-disk life cycle every embedded kit shares: inputs, resumable build, manifest, verification.

A kit folder holds ``inputs.json`` (what the kit is made from: profile, seed, versions, parameters), the kit's
files, ``journal.tsv`` (the SHA-256 of each generated file, recorded as soon as it is written) and
``manifest.json`` (the inputs again and the SHA-256 of every file), written last. So:

* a finished kit is recognised by a manifest whose inputs equal the current ones and which lists every file the
  builder expects; every file is checked against its SHA-256 before use. This check only reads: a finished kit
  loads from a shared, read-only data home, and the build lock is taken only when something must be built;
* an interrupted build finds its ``inputs.json`` and keeps only the files whose content still matches the
  digest recorded in the journal when they were written (anything else is made again), and only makes the rest;
* a folder made from other inputs (another library version, other parameters) is cleared of the files the kit
  wrote (those of its manifest and journal), never mixed with the new kit; files the kit did not write are kept,
  and one line (a :class:`~cbrec_lab.cache.CacheWarning`) says what was removed and what was kept.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..cache import CacheWarning, atomic_write_text, exclusive_lock, is_not_writable, sha256_file
from ..config import Profile, data_home, get_profile
from ..exceptions import CbrecError, DataHomeError
from .workers import refuse_kit_build_in_worker, worker_pool  # worker_pool: re-exported

__all__ = [
    "KitIntegrityError",
    "KitNotWritableError",
    "kit_folder",
    "building",
    "worker_pool",
    "finished",
    "reuse_or_reset",
    "Journal",
    "write_manifest",
    "verify",
]

#: The journal of a kit folder: one ``<relative path>\t<SHA-256>`` line per generated file, appended as written.
JOURNAL = "journal.tsv"

#: Files of the life cycle itself, always the kit's own.
_BOOKKEEPING = ("inputs.json", "manifest.json", JOURNAL)

#: A temporary file that :func:`cbrec_lab.cache.atomic_path` leaves behind when a process is killed.
_LEFTOVER = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")


class KitIntegrityError(CbrecError):
    """A kit file does not match the kit's manifest, or the manifest is damaged or incomplete."""


class KitNotWritableError(DataHomeError):
    """A kit must be built, but its folder cannot be written (a read-only or someone else's data home)."""


def kit_folder(kind: str, version: int, profile: str | Profile | None, seed: int, root: Path | None = None) -> Path:
    """``<root>/<profile>-seed<seed>-v<version>``, with ``root`` defaulting to ``<data home>/kits/<kind>``."""
    profile = get_profile(profile)
    root = root if root is not None else data_home() / "kits" / kind
    return root / f"{profile.name}-seed{seed}-v{version}"


@contextmanager
def building(folder: Path) -> Iterator[None]:
    """A lock held while a kit folder is built: two processes preparing one kit take turns.

    Raises
    ------
    KitNotWritableError
        When the kits folder cannot be written (read-only mount, another user's data home), naming the folder
        and what to do.
    """
    refuse_kit_build_in_worker()  # a script without the main guard: fail now rather than wait for our own lock
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(folder.parent / f".{folder.name}.lock"))
        except OSError as error:
            if not is_not_writable(error):
                raise
            raise KitNotWritableError(
                f"The kit {folder} is not finished (or was made by another version of cbrec-lab) and "
                f"{folder.parent} is not writable ({error.strerror}). Ask the owner of the data home to run "
                "`cbrec-lab data prepare` for this profile, or set CBREC_DATA_HOME to a folder of yours."
            ) from None
        yield


def _damaged(folder: Path, what: str) -> KitIntegrityError:
    return KitIntegrityError(
        f"{folder / 'manifest.json'} {what}. Delete {folder} and run `cbrec-lab data prepare` again."
    )


def _read_manifest(folder: Path) -> dict | None:
    """The manifest of ``folder``, None when there is none; :class:`KitIntegrityError` when it is damaged."""
    path = folder / "manifest.json"
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _damaged(folder, f"is damaged ({error})") from None
    if not (
        isinstance(manifest, dict)
        and isinstance(manifest.get("inputs"), dict)
        and isinstance(manifest.get("files"), dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in manifest["files"].items())
    ):
        raise _damaged(folder, "is damaged (it needs an 'inputs' object and a 'files' map of path to SHA-256)")
    return manifest


def verify(folder: Path, manifest: dict, expected: Iterable[str]) -> None:
    """Check that the manifest lists every ``expected`` file and that every file it lists matches its SHA-256.

    Raises
    ------
    KitIntegrityError
        On the first missing, different or unlisted file, saying how to rebuild.
    """
    unlisted = sorted(set(expected) - set(manifest["files"]))
    if unlisted:
        raise _damaged(folder, f"does not list {len(unlisted)} files of the kit (first: {unlisted[0]})")
    for relative, digest in manifest["files"].items():
        path = folder / relative
        if not path.is_file() or sha256_file(path) != digest:
            raise KitIntegrityError(
                f"{path} is missing or does not match the kit's manifest. Delete {folder} and run "
                "`cbrec-lab data prepare` again."
            )


def finished(folder: Path, inputs: dict, expected: Iterable[str]) -> bool:
    """True when ``folder`` holds a finished kit made from ``inputs``, listing and matching every ``expected``
    file. Only reads (no lock, nothing written), so it works on a read-only data home.

    Raises
    ------
    KitIntegrityError
        For a damaged or incomplete manifest, or a file that does not match it.
    """
    manifest = _read_manifest(folder)
    if manifest is None or manifest["inputs"] != inputs:
        return False
    verify(folder, manifest, expected)
    return True


class Journal:
    """The SHA-256 of each generated file of a kit, recorded right after it is written (``journal.tsv``).

    A resumed build keeps a file only when its content still has the recorded digest (see
    :func:`reuse_or_reset`), so a file damaged after it was written is made again instead of entering the
    manifest. Lines are appended by the building process alone; a line cut short by a kill is ignored.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / JOURNAL
        self.digests = _read_journal(folder)

    def record(self, relative: str) -> None:
        """Record the SHA-256 of ``folder / relative`` (a path with ``/`` separators)."""
        digest = sha256_file(self.folder / relative)
        if self.digests.get(relative) != digest:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(f"{relative}\t{digest}\n")
            self.digests[relative] = digest


def _read_journal(folder: Path) -> dict[str, str]:
    digests = {}
    path = folder / JOURNAL
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            relative, _, digest = line.partition("\t")
            if re.fullmatch(r"[0-9a-f]{64}", digest):
                digests[relative] = digest
    return digests


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` (links not followed), as sorted relative paths with ``/``."""
    found = []
    for parent, _, names in os.walk(folder):
        found += [Path(parent, name).relative_to(folder).as_posix() for name in names]
    return sorted(found)


def _keep_trusted(folder: Path, expected: Iterable[str]) -> None:
    """Before resuming: delete each expected file whose content is not the one the journal recorded."""
    digests = _read_journal(folder)
    for relative in expected:
        path = folder / relative
        if path.is_file() and (relative not in digests or sha256_file(path) != digests[relative]):
            path.unlink()


def _clear(folder: Path, expected: Iterable[str]) -> None:
    """Remove what the kit wrote in ``folder`` (made from other inputs); keep other files; say so in one line."""
    ours = set(_BOOKKEEPING) | set(expected) | set(_read_journal(folder))
    try:
        manifest = _read_manifest(folder)
    except KitIntegrityError:  # a damaged manifest: the journal and the expected names must do
        manifest = None
    if manifest is not None:
        ours |= set(manifest["files"])
    removed, kept = 0, []
    for relative in _files(folder):
        if relative in ours or _LEFTOVER.fullmatch(Path(relative).name):
            (folder / relative).unlink()
            removed += 1
        else:
            kept.append(relative)
    for parent, _, _ in sorted(os.walk(folder), key=lambda entry: -len(entry[0])):
        if parent != str(folder) and not os.listdir(parent):
            os.rmdir(parent)
    if removed or kept:
        note = f"removed {removed} files of the kit in {folder}, made from other inputs (another cbrec-lab or sizes)"
        if kept:
            shown = ", ".join(kept[:5]) + (f" and {len(kept) - 5} more" if len(kept) > 5 else "")
            note += f"; kept {len(kept)} files it did not write: {shown}"
        warnings.warn(note + ".", CacheWarning, stacklevel=4)


def reuse_or_reset(folder: Path, inputs: dict, expected: Iterable[str]) -> bool:
    """True when ``folder`` holds a finished, verified kit made from ``inputs`` (see :func:`finished`).

    Otherwise prepares the folder for a (resumed) build, under :func:`building`'s lock: clears the kit's own
    files if it was started from other inputs, or keeps only the files that match the journal if it was
    started from these; records ``inputs``; returns False.
    """
    expected = list(expected)
    if finished(folder, inputs, expected):
        return True
    inputs_path = folder / "inputs.json"
    try:
        same = json.loads(inputs_path.read_text(encoding="utf-8")) == inputs
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):  # none, or damaged: not these inputs
        same = False
    if folder.exists() and same:
        _keep_trusted(folder, expected)
    elif folder.exists():
        _clear(folder, expected)
    atomic_write_text(inputs_path, json.dumps(inputs, indent=1, sort_keys=True))
    (folder / "manifest.json").unlink(missing_ok=True)
    return False


def write_manifest(folder: Path, inputs: dict, files: Iterable[str]) -> None:
    """Record the SHA-256 of ``files`` (paths relative to ``folder``); the kit counts as finished after this."""
    manifest = {"inputs": inputs, "files": {f: sha256_file(folder / f) for f in files}}
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
