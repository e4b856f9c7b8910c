import os
import random
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cbrec_lab import config
from cbrec_lab.exceptions import ParameterError


def test_profiles_resolve_by_name_case_insensitively():
    assert config.get_profile("CI").name == "ci"
    assert config.get_profile(" full ").name == "full"
    assert config.get_profile(config.PROFILES["small"]) is config.PROFILES["small"]


def test_profile_defaults_to_environment_then_small(monkeypatch):
    monkeypatch.setenv("CBREC_PROFILE", "full")
    assert config.get_profile(None).name == "full"
    monkeypatch.delenv("CBREC_PROFILE")
    assert config.get_profile(None).name == "small"


def test_unknown_profile_names_the_value_the_source_and_the_choices(monkeypatch):
    with pytest.raises(ParameterError, match=r"'tiny' \(from PROFILE\).*'ci', 'small', 'full'"):
        config.get_profile("tiny")
    monkeypatch.setenv("CBREC_PROFILE", "huge")
    with pytest.raises(ParameterError, match=r"'huge' \(from \$CBREC_PROFILE\)"):
        config.get_profile()


def test_pick_returns_the_value_of_the_profile():
    values = {name: config.PROFILES[name].pick(ci=1, small=2, full=3) for name in config.PROFILES}
    assert values == {"ci": 1, "small": 2, "full": 3}
    with pytest.raises(TypeError):
        config.PROFILES["ci"].pick(1, 2, 3)  # keyword-only: each value is named


def test_ci_budget_matches_the_course_rules():
    ci = config.PROFILES["ci"]
    assert ci.notebook_budget_s == 120 and ci.course_budget_s == 1200


def test_data_home_from_environment_expands_user_and_is_created(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CBREC_DATA_HOME", "~/course-data")
    home = config.data_home()
    assert home == tmp_path / "course-data" and home.is_dir()


def test_data_home_defaults_to_a_user_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("CBREC_DATA_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if sys.platform.startswith("linux"):
        assert config.data_home(create=False) == tmp_path / "cache" / "cbrec-lab"
    assert "cbrec-lab" in str(config.data_home(create=False))


def test_data_home_that_is_a_file_is_refused(monkeypatch, tmp_path):
    target = tmp_path / "not-a-dir"
    target.write_text("x")
    monkeypatch.setenv("CBREC_DATA_HOME", str(target))
    with pytest.raises(ParameterError, match="not a directory"):
        config.data_home()


def test_offline_flag(monkeypatch):
    for value, expected in [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("", False)]:
        monkeypatch.setenv("CBREC_OFFLINE", value)
        assert config.offline() is expected


def test_network_probe_sees_a_local_listener_and_a_closed_port(monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "0")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        assert config.network_reachable("127.0.0.1", port, timeout=2)
    finally:
        server.close()
    assert not config.network_reachable("127.0.0.1", port, timeout=2)


def test_network_probe_is_skipped_offline(monkeypatch):
    monkeypatch.setenv("CBREC_OFFLINE", "1")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        assert not config.network_reachable("127.0.0.1", server.getsockname()[1])
    finally:
        server.close()


def test_display_path_abbreviates_home_only():
    assert config.display_path(Path.home() / "a" / "b") == str(Path("~") / "a" / "b")
    assert config.display_path("/opt/data") == "/opt/data"


def test_seed_everything_makes_python_numpy_and_keras_repeatable():
    import keras

    draws = []
    for _ in range(2):
        rng = config.seed_everything(7)
        draws.append(
            (
                random.random(),
                np.random.rand(),  # noqa: NPY002 - checks that the legacy global generator is seeded too
                rng.random(),
                float(keras.ops.convert_to_numpy(keras.random.uniform((1,)))[0]),
            )
        )
    assert draws[0] == draws[1]
    config.seed_everything(8)
    assert random.random() != draws[0][0]


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True, None])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises(ParameterError, match="non-negative integer"):
        config.seed_everything(bad)


def test_native_stderr_is_silenced_only_inside_the_block():
    code = (
        "import os\n"
        "from cbrec_lab.config import native_stderr_silenced\n"
        "with native_stderr_silenced():\n"
        "    os.write(2, b'hidden\\n')\n"
        "os.write(2, b'shown\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr == "shown\n"


def test_environment_report_here(monkeypatch):
    monkeypatch.setenv("CBREC_PROFILE", "ci")
    report = config.environment_report(probe_network=False)
    assert report.python == ".".join(map(str, sys.version_info[:3]))
    assert report.keras_backend in {"tensorflow", "jax", "torch"}
    assert report.packages["numpy"] == np.__version__
    assert report.profile == "ci" and report.network is None
    assert not report.data_home.startswith(str(Path.home()))  # shown as ~/..., never an absolute home path
    assert report.free_disk_gib > 0
    text = str(report)
    for key in ("Keras backend", "GPUs", "mixed precision", "data home", "network", "numpy"):
        assert key in text
    if not report.gpus:
        assert report.mixed_precision.startswith("float32")
    assert report.to_dict()["profile"] == "ci"


def test_environment_report_survives_a_bad_profile(monkeypatch):
    monkeypatch.setenv("CBREC_PROFILE", "nope")
    assert config.environment_report(probe_network=False).profile.startswith("invalid")


def test_mixed_precision_advice_follows_compute_capability():
    old = config.GpuInfo("K80", 12_000, "3.7")
    new = config.GpuInfo("T4", 15_000, "7.5")
    assert "mixed_float16" in config._mixed_precision_advice([new])
    assert "float32" in config._mixed_precision_advice([old])
    assert "float32" in config._mixed_precision_advice([])


def test_importing_the_package_has_no_side_effects():
    code = (
        "import os, sys\n"
        "before = dict(os.environ)\n"
        "import cbrec_lab, cbrec_lab.config, cbrec_lab.exercises, cbrec_lab.course, cbrec_lab.datasets, cbrec_lab.cli\n"
        "assert dict(os.environ) == before, 'environment changed at import'\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'torch', 'jax') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "CBREC_PROFILE": "ci"})


@pytest.fixture
def fake_nvidia_smi(tmp_path, monkeypatch):
    """A stand-in ``nvidia-smi`` printing what the real one prints for the query the report makes."""
    script = tmp_path / "nvidia-smi"
    script.write_text(
        "#!/bin/sh\necho 'NVIDIA H100 80GB HBM3, 81559, 9.0'\necho 'Tesla K80, 11441, 3.7'\necho 'garbled line'\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script stand-in")
def test_gpus_come_from_nvidia_smi_and_a_blind_backend_is_flagged(fake_nvidia_smi):
    from cbrec_lab.doctor import check_gpu

    assert config._nvidia_gpus() == [
        config.GpuInfo("NVIDIA H100 80GB HBM3", 81559, "9.0"),
        config.GpuInfo("Tesla K80", 11441, "3.7"),
    ]
    report = config.environment_report(probe_network=False)
    assert "mixed_float16" in report.mixed_precision
    assert "NVIDIA H100 80GB HBM3 (80 GiB, compute 9.0)" in str(report)
    if report.backend_devices == ["CPU"]:  # this machine's backend has no GPU build, as on a fresh laptop
        assert report.notes and "sees none" in report.notes[0]
        assert check_gpu(report).status == "warn"


def test_no_nvidia_smi_means_no_gpus(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert config._nvidia_gpus() == []


@pytest.mark.parametrize("value", ["1", "true", "YES", " On ", "on"])
def test_offline_accepts_every_usual_yes(monkeypatch, value):
    monkeypatch.setenv("CBREC_OFFLINE", value)
    assert config.offline() is True


@pytest.mark.parametrize("value", ["0", "false", "No", "OFF", "", "  "])
def test_offline_accepts_every_usual_no(monkeypatch, value):
    monkeypatch.setenv("CBREC_OFFLINE", value)
    assert config.offline() is False


def test_offline_unset_means_online(monkeypatch):
    monkeypatch.delenv("CBREC_OFFLINE", raising=False)
    assert config.offline() is False


@pytest.mark.parametrize("value", ["offline", "2", "y3s"])
def test_offline_refuses_an_unclear_value(monkeypatch, value):
    monkeypatch.setenv("CBREC_OFFLINE", value)
    with pytest.raises(ParameterError, match=f"CBREC_OFFLINE={value!r} is not understood") as info:
        config.offline()
    assert "1/true/yes/on" in str(info.value) and "0/false/no/off" in str(info.value)
