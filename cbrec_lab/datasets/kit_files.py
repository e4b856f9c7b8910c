"""The on-disk life cycle every embedded kit shares: inputs, resumable build, manifest, verification.

A kit folder holds ``inputs.json`` (what the kit is made from: profile, seed, versions, parameters), the kit's
files, and ``manifest.json`` (the inputs again and the SHA-256 of every file), written last. So:

* a finished kit is recognised by a manifest whose inputs equal the current ones, and every file is
  checked against its SHA-256 before use;
* a folder made from other inputs (another library version, other parameters) is wiped, never mixed;
* an interrupted build finds its ``inputs.json`` and the files it finished (each written atomically), and
  only makes the rest.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..cache import atomic_write_text, exclusive_lock, sha256_file
from ..config import Profile, data_home, get_profile
from ..exceptions import CbrecError

__all__ = [
    "KitIntegrityError", "kit_folder", "building", "worker_pool", "reuse_or_reset", "write_manifest", "verify",
]


class KitIntegrityError(CbrecError):
    """A kit file does not match the kit's manifest."""


def kit_folder(kind: str, version: int, profile: str | Profile | None, seed: int, root: Path | None = None) -> Path:
    """``<root>/<profile>-seed<seed>-v<version>``, with ``root`` defaulting to ``<data home>/kits/<kind>``."""
    profile = get_profile(profile)
    root = root if root is not None else data_home() / "kits" / kind
    return root / f"{profile.name}-seed{seed}-v{version}"


def building(folder: Path):
    """A lock held while a kit folder is built or checked: two processes preparing one kit take turns."""
    return exclusive_lock(folder.parent / f".{folder.name}.lock")


def worker_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool for the CPU-bound part of a build (rendering, painting, parsing), its workers *spawned*.

    Kits are usually built inside a process that already runs threads: a Jupyter kernel with TensorFlow
    loaded, a Spark driver, a test worker. Forking such a process copies locks that other threads may hold
    at that moment, and a child that needs one of them waits forever (Python 3.12 warns about fork in a
    multi-threaded process for this reason). Spawned workers start a fresh interpreter and import only the
    module of the task, about a second each, the same on Linux, macOS and Windows.
    As everywhere with spawned workers, a plain script that builds a kit at import time needs the
    ``if __name__ == "__main__":`` guard (notebooks and the ``cbrec-lab`` command do not).

    Parameters
    ----------
    workers : int, optional
        Processes (default: the number of CPUs, at most 4).
    """
    workers = workers or min(4, os.cpu_count() or 1)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def verify(folder: Path, manifest: dict) -> None:
    """Check every file of the manifest against its SHA-256; raise :class:`KitIntegrityError` on the first
    missing or different one, saying how to rebuild."""
    for relative, digest in manifest["files"].items():
        path = folder / relative
        if not path.is_file() or sha256_file(path) != digest:
            raise KitIntegrityError(
                f"{path} is missing or does not match the kit's manifest. Delete {folder} and run "
                "`cbrec-lab data prepare` again."
            )


def reuse_or_reset(folder: Path, inputs: dict) -> bool:
    """True when ``folder`` holds a finished, verified kit made from ``inputs``.

    Otherwise prepares the folder for a (resumed) build: wipes it if it was started from other inputs,
    and records ``inputs``; returns False.
    """
    manifest_path = folder / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if manifest["inputs"] == inputs:
            verify(folder, manifest)
            return True
    inputs_path = folder / "inputs.json"
    if folder.exists() and (not inputs_path.is_file() or json.loads(inputs_path.read_text()) != inputs):
        shutil.rmtree(folder)  # made from other inputs: nothing in it is reusable
    atomic_write_text(inputs_path, json.dumps(inputs, indent=1, sort_keys=True))
    (folder / "manifest.json").unlink(missing_ok=True)
    return False


def write_manifest(folder: Path, inputs: dict, files: Iterable[str]) -> None:
    """Record the SHA-256 of ``files`` (paths relative to ``folder``); the kit counts as finished after this."""
    manifest = {"inputs": inputs, "files": {f: sha256_file(folder / f) for f in files}}
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
