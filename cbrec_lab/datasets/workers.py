"""Worker processes for the CPU-bound part of a kit build: how many, how they start, and how they end.

* :func:`usable_cpus` counts the CPUs this process may really use (affinity mask and container CPU quota),
  not the machine's cores: on Binder a node has dozens of cores and a pod one CPU's worth of quota.
* :func:`worker_pool` spawns the workers. Each worker dies with its parent (a kernel restart or an
  out-of-memory kill of the parent does not leave workers running and writing files), and a script that
  builds a kit at import time, without the ``if __name__ == "__main__":`` guard, fails at once with the fix
  instead of hanging.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..exceptions import CbrecError

__all__ = ["usable_cpus", "worker_pool", "refuse_kit_build_in_worker"]

#: Set in a kit build's environment while its pool is open, so that the spawned workers inherit it:
#: ``"<parent pid>:<path of a file where a worker records why it refused to start>"``.
POOL_ENV = "CBREC_KIT_POOL_NOTE"

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

_GUARD_FIX = (
    'Put the code that builds or loads kits under `if __name__ == "__main__":` (kit builds use spawned worker '
    "processes, which re-run the main script's top level); notebooks and the cbrec-lab command need nothing."
)


def usable_cpus(cgroup_root: Path | str = "/sys/fs/cgroup") -> int:
    """The number of CPUs this process can keep busy.

    The smallest of: the CPUs in the process's affinity mask (:func:`os.sched_getaffinity`, where it exists;
    otherwise :func:`os.cpu_count`) and the container's CPU quota, rounded up, read from the cgroup files:
    ``cpu.max`` (cgroup v2: ``"<quota> <period>"`` or ``"max <period>"``) or ``cpu/cpu.cfs_quota_us`` and
    ``cpu/cpu.cfs_period_us`` (cgroup v1: quota ``-1`` for none). Missing or unreadable files mean no quota.

    Parameters
    ----------
    cgroup_root : Path or str
        Where the cgroup file system is mounted.

    Returns
    -------
    int
        At least 1.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpu_quota(Path(cgroup_root))
    if quota is not None:
        cpus = min(cpus, math.ceil(quota))
    return max(1, cpus)


def _cgroup_cpu_quota(root: Path) -> float | None:
    """CPUs' worth of time per period the cgroup allows (``None``: no quota, or none readable)."""
    candidates = [
        (root / "cpu.max", None),
        (root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"),
        (root / "cpu,cpuacct" / "cpu.cfs_quota_us", root / "cpu,cpuacct" / "cpu.cfs_period_us"),
    ]
    for quota_file, period_file in candidates:
        try:
            fields = quota_file.read_text().split()
            if period_file is not None:
                fields += period_file.read_text().split()
            quota, period = fields[0], float(fields[1])
            if quota == "max" or float(quota) < 0:
                return None
            return float(quota) / period if period > 0 else None
        except (OSError, ValueError, IndexError):
            continue
    return None


def refuse_kit_build_in_worker() -> None:
    """Raise :class:`CbrecError` when a kit build starts inside a worker process of another kit build.

    That happens only in a script that builds a kit at import time: a spawned worker re-runs the main script's
    top level before it takes any work, reaches the same build, and would wait forever for the kit lock its
    parent holds. The reason is also written where the parent's :func:`worker_pool` reads it.
    """
    parent, _, note = os.environ.get(POOL_ENV, "").partition(":")
    # A child of the building process (multiprocessing.parent_process() is not set yet during the re-run)
    # that is re-running the main script: multiprocessing runs it as the module __mp_main__.
    if not note or parent != str(os.getppid()) or "__mp_main__" not in sys.modules:
        return
    main = getattr(sys.modules["__mp_main__"], "__file__", None) or "the script"
    message = f"{main} builds a kit at its top level. {_GUARD_FIX}"
    try:
        Path(note).write_text(message, encoding="utf-8")
    except OSError:
        pass  # the parent still reports a broken pool; this process stops here either way
    raise CbrecError(message)


def _die_with_parent() -> None:
    """Worker initializer: end this worker as soon as the process that started it ends, however it ends.

    Linux: the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``; strictly, when the
    parent's thread that started the worker ends, and pools are used from the thread that opened them).
    Elsewhere: a daemon thread waits on the parent's sentinel and exits the worker when it closes.
    """
    parent = multiprocessing.parent_process()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
                if parent is not None and not parent.is_alive():  # died before the signal was armed
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass  # no usable libc: fall back to the watchdog thread
    if parent is not None:
        threading.Thread(target=_exit_when_gone, args=(parent,), name="cbrec-parent-watchdog", daemon=True).start()


def _exit_when_gone(parent) -> None:
    parent.join()  # waits on the parent's sentinel, which closes when the parent ends
    os._exit(1)


class _KitPool(ProcessPoolExecutor):
    """A process pool that marks its workers' environment and turns a broken pool into a :class:`CbrecError`."""

    def __init__(self, max_workers: int):
        # Written by a worker only when it refuses to start (so a killed parent leaves nothing behind).
        self._note = os.path.join(tempfile.gettempdir(), f"cbrec-kit-pool-{os.getpid()}-{id(self):x}.txt")
        self._saved_env = os.environ.get(POOL_ENV)
        self._marker = f"{os.getpid()}:{self._note}"
        os.environ[POOL_ENV] = self._marker  # workers are spawned later, on submit, and inherit it
        super().__init__(
            max_workers=max_workers, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_parent
        )

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if os.environ.get(POOL_ENV) == self._marker:
            if self._saved_env is None:
                os.environ.pop(POOL_ENV, None)
            else:
                os.environ[POOL_ENV] = self._saved_env

    def __exit__(self, exc_type, exc, tb):
        self.shutdown(wait=True)
        try:
            note = Path(self._note).read_text(encoding="utf-8").strip()
            Path(self._note).unlink()
        except OSError:  # no note: no worker refused
            note = ""
        if isinstance(exc, BrokenProcessPool):
            if note:
                raise CbrecError(f"The kit build's worker processes could not start: {note}") from exc
            raise CbrecError(
                "A worker process of the kit build ended abruptly (killed, or out of memory). Run the build "
                "again (it resumes where it stopped), with fewer workers (workers=1) if memory is short."
            ) from exc
        return False


def worker_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool for the CPU-bound part of a build (rendering, painting, parsing), its workers *spawned*.

    Kits are usually built inside a process that already runs threads: a Jupyter kernel with TensorFlow
    loaded, a Spark driver, a test worker. Forking such a process copies locks that other threads may hold
    at that moment, and a child that needs one of them waits forever (Python 3.12 warns about fork in a
    multi-threaded process for this reason). Spawned workers start a fresh interpreter and import only the
    module of the task, about a second each, the same on Linux, macOS and Windows.

    Workers end with their parent (see :func:`_die_with_parent`); multiprocessing's resource tracker then
    ends too, as the last holder of its pipe is gone. As everywhere with spawned workers, a plain script
    that builds a kit at import time needs the ``if __name__ == "__main__":`` guard (notebooks and the
    ``cbrec-lab`` command do not); without it the build raises :class:`CbrecError` saying so (see
    :func:`refuse_kit_build_in_worker`). Use the pool as a context manager: a worker that dies then raises
    :class:`CbrecError` instead of :class:`~concurrent.futures.process.BrokenProcessPool`.

    Parameters
    ----------
    workers : int, optional
        Processes (default: :func:`usable_cpus`, at most 4).
    """
    return _KitPool(workers or min(4, usable_cpus()))
