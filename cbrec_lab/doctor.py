"""``cbrec-lab doctor``: checks that the environment can run the course, each failure with its fix."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import uuid
from dataclasses import dataclass

from packaging.requirements import Requirement

from .config import EnvironmentReport, data_home, environment_report, get_profile, import_keras
from .exceptions import CbrecError

__all__ = ["Check", "run_checks"]

SETUP_FIX = "run `make setup` in the repository (or `pip install -c constraints.txt -e .`)"
MIN_FREE_GIB = 2.0


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ``status`` is ``"ok"``, ``"warn"`` (works, with a caveat) or ``"fail"``."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def __str__(self) -> str:
        mark = {"ok": "[ok]  ", "warn": "[warn]", "fail": "[FAIL]"}[self.status]
        return f"{mark} {self.name}: {self.detail}" + (f"\n       fix: {self.fix}" if self.fix else "")


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 11):  # noqa: UP036 - the doctor reports the interpreter it runs on, whatever it is
        return Check("python", "fail", f"Python {version} is too old", "use Python 3.11 or newer")
    return Check("python", "ok", f"Python {version}")


def check_dependencies() -> Check:
    """Every requirement of the installed ``cbrec-lab`` distribution (no extras) is present and recent enough."""
    try:
        requirements = importlib.metadata.requires("cbrec-lab") or []
    except importlib.metadata.PackageNotFoundError:
        return Check("dependencies", "fail", "cbrec-lab is not installed in this environment", SETUP_FIX)
    problems = []
    for line in requirements:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # an optional extra
        try:
            installed = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{req.name} missing")
            continue
        if req.specifier and not req.specifier.contains(installed, prereleases=True):
            problems.append(f"{req.name} {installed} does not satisfy {req.specifier}")
    if problems:
        return Check("dependencies", "fail", "; ".join(problems), SETUP_FIX)
    return Check("dependencies", "ok", f"{len(requirements)} requirements satisfied")


def check_backend(report: EnvironmentReport) -> Check:
    """The Keras backend imports and computes."""
    if report.keras_backend is None:
        return Check("keras backend", "fail", "keras is not installed", SETUP_FIX)
    try:
        keras = import_keras()
        value = float(keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.ones((2, 2)))))
    except Exception as err:  # noqa: BLE001 - reported with its fix, not raised
        return Check(
            "keras backend",
            "fail",
            f"{report.keras_backend} failed: {type(err).__name__}: {err}",
            f"reinstall the backend (`pip install --force-reinstall {report.keras_backend}`) or choose another "
            "with KERAS_BACKEND=jax|torch|tensorflow",
        )
    if value != 4.0:
        return Check("keras backend", "fail", f"ones((2, 2)).sum() gave {value}, not 4", "reinstall the backend")
    return Check("keras backend", "ok", f"{report.keras_backend} computes on {', '.join(report.backend_devices)}")


def check_kernel() -> Check:
    """Notebooks need an IPython kernel in this environment."""
    try:
        importlib.import_module("ipykernel")
    except ImportError:
        return Check("jupyter kernel", "fail", "ipykernel is missing", SETUP_FIX)
    return Check("jupyter kernel", "ok", f"ipykernel {importlib.metadata.version('ipykernel')}")


def check_synthesiser() -> Check:
    """The music kit renders audio with tinysoundfont, installed apart from the other requirements."""
    try:
        importlib.import_module("tinysoundfont")
    except ImportError:
        return Check(
            "music synthesiser",
            "fail",
            "tinysoundfont is missing: the music kit cannot render audio",
            "`pip install --no-deps tinysoundfont` (--no-deps skips pyaudio, which needs PortAudio headers)",
        )
    return Check("music synthesiser", "ok", f"tinysoundfont {importlib.metadata.version('tinysoundfont')}")


def check_spark() -> Check:
    """Lesson 12's Spark cells need pyspark (the ``spark`` extra) and a Java 17+ runtime; the rest do not."""
    from .spark import INSTALL_HINT, spark_available

    ok, reason = spark_available()
    if ok:
        return Check("spark", "ok", reason)
    return Check(
        "spark",
        "warn",
        reason.replace(f" {INSTALL_HINT}", "").rstrip(".") + "; lesson 12 skips its Spark cells",
        INSTALL_HINT,
    )


def check_data_home(report: EnvironmentReport) -> Check:
    """The data home is writable and has room for the kits."""
    try:
        home = data_home()
        probe = home / f".write-test-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except (OSError, CbrecError) as err:
        return Check("data home", "fail", str(err), "export CBREC_DATA_HOME=/a/writable/directory")
    if report.free_disk_gib < MIN_FREE_GIB:
        return Check(
            "data home",
            "warn",
            f"{report.data_home} has only {report.free_disk_gib:.1f} GiB free (kits need up to {MIN_FREE_GIB:.0f})",
            "free some space or export CBREC_DATA_HOME to a larger disk",
        )
    return Check("data home", "ok", f"{report.data_home} is writable, {report.free_disk_gib:.1f} GiB free")


def check_profile() -> Check:
    try:
        profile = get_profile()
    except CbrecError as err:
        return Check("profile", "fail", str(err), "export CBREC_PROFILE=ci|small|full or unset it")
    return Check("profile", "ok", f"{profile.name}: {profile.description}")


def check_network(report: EnvironmentReport) -> Check:
    if report.network is None:
        return Check("network", "ok", "not probed; the embedded kits work offline")
    if not report.network:
        return Check(
            "network",
            "warn",
            "unreachable: the embedded kits work, real data sets and online backbones do not",
            "connect to the internet, or download the real data sets elsewhere into the data home",
        )
    return Check("network", "ok", "reachable")


def check_gpu(report: EnvironmentReport) -> Check:
    if report.notes:
        return Check("gpu", "warn", " ".join(report.notes), "see the note above")
    if report.gpus:
        return Check("gpu", "ok", f"{len(report.gpus)} GPU(s) usable by {report.keras_backend}")
    return Check("gpu", "ok", "none: the ci and small profiles run on the CPU; use a GPU for full")


def run_checks(*, probe_network: bool = True) -> tuple[EnvironmentReport, list[Check]]:
    """Build the environment report and run every check."""
    report = environment_report(probe_network=probe_network)
    checks = [
        check_python(),
        check_dependencies(),
        check_backend(report),
        check_kernel(),
        check_synthesiser(),
        check_spark(),
        check_profile(),
        check_data_home(report),
        check_network(report),
        check_gpu(report),
    ]
    return report, checks
