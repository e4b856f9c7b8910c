"""Configuration shared by every notebook: data home, profiles, seeding and the environment report.

Nothing here runs at import time. Environment variables read by the library:

``CBREC_PROFILE``
    Default profile (``ci``, ``small`` or ``full``) when a notebook's ``PROFILE`` parameter is ``None``.
``CBREC_DATA_HOME``
    Where kits, downloaded data sets and cached results live. Default: the per-user cache directory
    (``~/.cache/cbrec-lab`` on Linux).
``CBREC_OFFLINE``
    ``1`` (or ``true``/``yes``/``on``) forbids network access: loaders fail at once with instructions instead
    of downloading, and the environment report skips the network probe. ``0``/``false``/``no``/``off`` or
    unset allow it; any other value is an error. Set by the test suite.
"""

from __future__ import annotations

import errno
import importlib
import importlib.metadata
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .checks import positive_int
from .exceptions import DataHomeError, ParameterError

__all__ = [
    "PROFILES",
    "Profile",
    "get_profile",
    "data_home",
    "free_disk_mb",
    "data_home_error",
    "offline",
    "seed_everything",
    "quiet_tensorflow",
    "import_keras",
    "native_stderr_silenced",
    "network_reachable",
    "environment_report",
    "EnvironmentReport",
    "GpuInfo",
    "backend_devices",
    "display_path",
]

# --------------------------------------------------------------------------------------------------------------
# Profiles


@dataclass(frozen=True)
class Profile:
    """A size class for every notebook and kit: one switch that scales the whole course.

    Parameters
    ----------
    name : str
        ``"ci"``, ``"small"`` or ``"full"``.
    description : str
        What the profile is for, shown by the environment report and lesson 00.
    notebook_budget_s : float or None
        Wall-time budget of one notebook on 2 CPU cores; ``None`` means no budget. The course runner flags
        notebooks over budget.
    course_budget_s : float or None
        Wall-time budget of the whole course.
    """

    name: str
    description: str
    notebook_budget_s: float | None
    course_budget_s: float | None

    def pick(self, *, ci: Any, small: Any, full: Any) -> Any:
        """Return the value for this profile, e.g. ``n_songs = profile.pick(ci=200, small=2_000, full=50_000)``.

        Keyword-only so that a call site always names which value goes with which profile.
        """
        return {"ci": ci, "small": small, "full": full}[self.name]

    def __str__(self) -> str:
        return self.name


PROFILES: dict[str, Profile] = {
    "ci": Profile(
        "ci",
        "tiny data, every lesson in under 2 minutes on 2 CPU cores, offline; used by the tests",
        notebook_budget_s=120.0,
        course_budget_s=1200.0,
    ),
    "small": Profile(
        "small",
        "the default for students: a few minutes per lesson on a laptop CPU, offline",
        notebook_budget_s=600.0,
        course_budget_s=None,
    ),
    "full": Profile(
        "full",
        "the papers' sizes where possible; meant for a GPU (e.g. Colab) and real data sets",
        notebook_budget_s=None,
        course_budget_s=None,
    ),
}

DEFAULT_PROFILE = "small"


def get_profile(name: str | Profile | None = None) -> Profile:
    """Resolve a profile name.

    Parameters
    ----------
    name : str, Profile or None
        ``"ci"``, ``"small"`` or ``"full"`` (case-insensitive). ``None`` takes ``$CBREC_PROFILE`` and falls
        back to ``"small"``.

    Returns
    -------
    Profile

    Raises
    ------
    ParameterError
        If the name is not one of the profiles.
    """
    if isinstance(name, Profile):
        return name
    source = "PROFILE"
    if name is None:
        name = os.environ.get("CBREC_PROFILE") or DEFAULT_PROFILE
        source = "$CBREC_PROFILE"
    if not isinstance(name, str) or name.strip().lower() not in PROFILES:
        raise ParameterError(
            f"Unknown profile {name!r} (from {source}). Choose one of {', '.join(map(repr, PROFILES))}: "
            "set PROFILE in the notebook's parameters cell, pass --profile to cbrec-lab, or export CBREC_PROFILE."
        )
    return PROFILES[name.strip().lower()]


# --------------------------------------------------------------------------------------------------------------
# Data home and network


def data_home(*, create: bool = True) -> Path:
    """Directory for kits, downloads and caches.

    ``$CBREC_DATA_HOME`` if set (``~`` is expanded), else the per-user cache directory given by
    :func:`platformdirs.user_cache_dir` (``~/.cache/cbrec-lab`` on Linux).

    Parameters
    ----------
    create : bool
        Create the directory if it does not exist.

    Raises
    ------
    ParameterError
        If the path exists and is not a directory, or cannot be created.
    """
    configured = os.environ.get("CBREC_DATA_HOME")
    if configured:
        home = Path(configured).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_cache_dir("cbrec-lab", appauthor=False))
    if home.exists() and not home.is_dir():
        raise ParameterError(f"The data home {home} exists but is not a directory. Point CBREC_DATA_HOME elsewhere.")
    if create:
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ParameterError(
                f"Cannot create the data home {home} ({err.strerror}). Set CBREC_DATA_HOME to a writable directory."
            ) from err
    return home


def free_disk_mb(path: os.PathLike | str) -> float:
    """Free space, in MB (10⁶ bytes), on the disk that holds ``path`` (or its nearest existing parent)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free / 1e6


def data_home_error(err: OSError, needed_mb: float | None = None) -> DataHomeError:
    """A :class:`DataHomeError` that says what failed and where, for an ``OSError`` met in the data home.

    A full disk (``ENOSPC``, ``EDQUOT``) reads ``disk full: N MB needed at <path>``; a read-only or foreign
    folder names the path and the fix (``CBREC_DATA_HOME``); anything else names the reason and the path.
    Raise it ``from err``.

    Parameters
    ----------
    err : OSError
        The error, with ``filename`` where the operating system gave one.
    needed_mb : float, optional
        Space the failed work needs (e.g. a kit's size), shown for a full disk.
    """
    where = err.filename or data_home(create=False)
    reason = err.strerror or str(err) or type(err).__name__
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        needed = f"{needed_mb:,.0f} MB needed" if needed_mb else "more space needed"
        return DataHomeError(
            f"disk full: {needed} at {where} ({free_disk_mb(where):,.0f} MB free). Free some space, or set "
            "CBREC_DATA_HOME to a folder on a disk with room, and run again (a kit build resumes)."
        )
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DataHomeError(
            f"cannot write {where}: {reason}. Use a writable folder: for kits and caches, set CBREC_DATA_HOME "
            f"(now {data_home(create=False)}) to one, or ask whoever prepared a shared data home to run "
            "`cbrec-lab data prepare` for this profile."
        )
    return DataHomeError(f"{reason}: {where}.")


_OFFLINE_YES = ("1", "true", "yes", "on")
_OFFLINE_NO = ("0", "false", "no", "off", "")


def offline() -> bool:
    """True when ``$CBREC_OFFLINE`` forbids network access.

    ``1``, ``true``, ``yes``, ``on`` (any case) mean offline; ``0``, ``false``, ``no``, ``off``, empty or
    unset mean online.

    Raises
    ------
    ParameterError
        For any other value (``CBREC_OFFLINE=offline``): guessing either way could download gigabytes or
        block a class, so the message asks for one of the values above.
    """
    raw = os.environ.get("CBREC_OFFLINE", "")
    value = raw.strip().lower()
    if value in _OFFLINE_YES:
        return True
    if value in _OFFLINE_NO:
        return False
    raise ParameterError(
        f"CBREC_OFFLINE={raw!r} is not understood: set it to one of 1/true/yes/on (no downloads) or "
        "0/false/no/off (downloads allowed), or unset it."
    )


def network_reachable(host: str = "github.com", port: int = 443, timeout: float = 2.0) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds.

    The name lookup and the connection run in a daemon thread, so a hanging DNS resolver cannot block the
    caller for longer than ``timeout`` (a plain ``socket.create_connection`` timeout does not cover the lookup).
    Returns False at once when :func:`offline` is true.
    """
    if offline():
        return False
    outcome: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                outcome.append(True)
        except OSError:
            outcome.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(outcome and outcome[0])


def display_path(path: os.PathLike | str) -> str:
    """A path as shown to people and stored in notebooks: the home directory abbreviated to ``~``."""
    path = Path(path)
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------------------------------
# Seeding and logging


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, NumPy's global generator and the Keras backend.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Returns
    -------
    numpy.random.Generator
        A fresh generator seeded with ``seed``; library functions take it as their ``rng`` argument.

    Notes
    -----
    The backend is seeded through :func:`keras.utils.set_random_seed`, which covers TensorFlow, JAX and
    PyTorch. Full bit-for-bit determinism on a GPU additionally needs deterministic kernels (e.g.
    ``tf.config.experimental.enable_op_determinism()``), which are slower and therefore not switched on here.
    """
    seed = positive_int(seed, name="seed", minimum=0)
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - seeds the legacy global generator that third-party code still uses
    try:
        keras = import_keras()
    except ImportError:
        pass  # NumPy-only lessons work without a deep-learning backend
    else:
        keras.utils.set_random_seed(seed % 2**32)
    return np.random.default_rng(seed)


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send the process's file descriptor 2 to ``/dev/null`` for the duration of the block.

    TensorFlow prints C++ log lines ("oneDNN custom operations are on", "Could not find cuda drivers",
    ``cuInit`` failures on machines without a GPU) *before* its logging is initialised, so
    ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them, and Jupyter forwards them into notebook outputs. Importing the
    backend and listing devices inside this block keeps notebooks readable. Python exceptions are not
    affected; Python-level ``sys.stderr`` writes are flushed before and after.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real file descriptor 2 (some embedded interpreters): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def import_keras():
    """Import Keras (and so its backend) with the backend's native start-up log lines silenced."""
    quiet_tensorflow()
    with native_stderr_silenced():
        return importlib.import_module("keras")


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ start-up chatter (``TF_CPP_MIN_LOG_LEVEL=2``) unless the user chose a level.

    Must run before TensorFlow is imported to have an effect; warnings and errors are still shown.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# --------------------------------------------------------------------------------------------------------------
# Environment report

#: Packages whose versions the report lists: the design card's stack and the course's main dependencies.
REPORTED_PACKAGES = (
    "cbrec-lab",
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "librosa",
    "opencv-python-headless",
    "scikit-image",
    "tensorflow",
    "keras",
    "implicit",
    "matplotlib",
    "seaborn",
    "jupyterlab",
    "nbclient",
    "torch",
    "jax",
)


@dataclass(frozen=True)
class GpuInfo:
    """One GPU as reported by ``nvidia-smi``."""

    name: str
    memory_mib: int
    compute_capability: str


@dataclass(frozen=True)
class EnvironmentReport:
    """What the course runs on. Build it with :func:`environment_report`; print it for a readable table."""

    python: str
    platform: str
    packages: dict[str, str | None]
    keras_backend: str | None
    backend_devices: list[str]
    gpus: list[GpuInfo]
    mixed_precision: str
    profile: str
    data_home: str
    free_disk_gib: float
    network: bool | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        if self.network is None:
            network = "not probed"
        else:
            network = "reachable" if self.network else "unreachable: the embedded kits work, real data sets need it"
        gpus = ", ".join(f"{g.name} ({g.memory_mib / 1024:.0f} GiB, compute {g.compute_capability})" for g in self.gpus)
        rows = [
            ("Python", f"{self.python} on {self.platform}"),
            ("Keras backend", self.keras_backend or "not installed"),
            ("backend devices", ", ".join(self.backend_devices) or "none reported"),
            ("GPUs", gpus or "none"),
            ("mixed precision", self.mixed_precision),
            ("profile", self.profile),
            ("data home", f"{self.data_home} ({self.free_disk_gib:.1f} GiB free)"),
            ("network", network),
        ]
        rows += [(name, ver or "not installed") for name, ver in self.packages.items()]
        width = max(len(key) for key, _ in rows)
        lines = [f"{key:<{width}}  {value}" for key, value in rows]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _nvidia_gpus(timeout: float = 5.0) -> list[GpuInfo]:
    """GPUs listed by ``nvidia-smi`` (empty when it is absent or fails); does not initialise any framework."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    query = ["--query-gpu=name,memory.total,compute_cap", "--format=csv,noheader,nounits"]
    try:
        out = subprocess.run([exe, *query], capture_output=True, text=True, timeout=timeout, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in out.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and parts[1].isdigit():
            gpus.append(GpuInfo(parts[0], int(parts[1]), parts[2]))
    return gpus


def backend_devices(backend: str) -> list[str]:
    """The devices a Keras backend itself sees: its accelerators, or ``["CPU"]`` when it has none.

    Importing the backend takes a few seconds. A backend that fails to list its devices is reported in the
    list (``"error while listing devices: ..."``), not raised: :func:`environment_report` and the training
    policy (:func:`cbrec_lab.train.training_policy`) read it as a diagnostic.

    Parameters
    ----------
    backend : {"tensorflow", "jax", "torch"}
        Keras's backend name (``keras.backend.backend()``); another name gives an empty list.

    Returns
    -------
    list of str
        Device names, e.g. ``["/physical_device:GPU:0"]`` (TensorFlow) or ``["NVIDIA H100"]`` (PyTorch).
    """
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return [d.name for d in tf.config.list_physical_devices() if d.device_type != "CPU"] or ["CPU"]
        if backend == "jax":
            import jax

            return [str(d) for d in jax.devices()]
        if backend == "torch":
            import torch

            if torch.cuda.is_available():
                return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            return ["CPU"]
    except Exception as err:  # noqa: BLE001 - a broken backend is reported, not raised, by a diagnostic
        return [f"error while listing devices: {type(err).__name__}: {err}"]
    return []


def _mixed_precision_advice(gpus: list[GpuInfo]) -> str:
    if not gpus:
        return "float32 (CPU: mixed precision brings no speed-up)"
    best = max(gpus, key=lambda g: float(g.compute_capability or 0))
    if float(best.compute_capability or 0) >= 7.0:
        return "mixed_float16 available (tensor cores, compute capability >= 7.0)"
    return f"float32 recommended ({best.name} has no tensor cores)"


def environment_report(*, probe_network: bool = True, profile: str | Profile | None = None) -> EnvironmentReport:
    """Describe the Python environment, the Keras backend, GPUs, the data home and the network.

    Parameters
    ----------
    probe_network : bool
        Try a 2-second TCP connection to ``github.com:443``. Skipped when ``$CBREC_OFFLINE`` is set.
    profile : str, Profile or None
        Profile to report; ``None`` resolves it as :func:`get_profile` does.

    Returns
    -------
    EnvironmentReport
        ``print()`` it for a table; ``to_dict()`` for the values.

    Notes
    -----
    Importing the Keras backend to list its devices takes a few seconds; everything else is immediate.
    GPUs are read from ``nvidia-smi`` so that they are reported even when the backend cannot use them (a
    mismatch between the two is the most common GPU set-up problem and is added to ``notes``).
    """
    notes: list[str] = []
    quiet_tensorflow()
    backend = None
    if _package_version("keras"):
        backend = import_keras().config.backend()
    with native_stderr_silenced():
        devices = backend_devices(backend) if backend else []
    gpus = _nvidia_gpus()
    if gpus and devices and all(d == "CPU" for d in devices):
        notes.append(
            f"nvidia-smi lists {len(gpus)} GPU(s) but the {backend} backend sees none: install a GPU build of "
            "the backend (e.g. `pip install tensorflow[and-cuda]`)."
        )
    home = data_home()
    free = shutil.disk_usage(home).free / 2**30
    network = network_reachable() if probe_network and not offline() else None
    try:
        profile_name = get_profile(profile).name
    except ParameterError as err:
        profile_name = f"invalid ({err})"
    return EnvironmentReport(
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}",
        packages={name: _package_version(name) for name in REPORTED_PACKAGES},
        keras_backend=backend,
        backend_devices=devices,
        gpus=gpus,
        mixed_precision=_mixed_precision_advice(gpus),
        profile=profile_name,
        data_home=display_path(home),
        free_disk_gib=round(free, 1),
        network=network,
        notes=notes,
    )
