import pytest

from cbrec_lab import cli, datasets
from cbrec_lab.datasets import registry
from cbrec_lab.exceptions import ParameterError


def test_doctor_reports_and_passes_here(capsys):
    assert cli.main(["doctor", "--no-network"]) == 0
    out = capsys.readouterr().out
    assert "Keras backend" in out and "[ok]   dependencies" in out and "[ok]   keras backend" in out
    assert "All checks passed" in out


def test_doctor_fails_with_a_fix_for_a_bad_profile(monkeypatch, capsys):
    monkeypatch.setenv("CBREC_PROFILE", "tiny")
    assert cli.main(["doctor", "--no-network"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] profile: Unknown profile 'tiny'" in out and "fix: export CBREC_PROFILE=ci|small|full" in out


def test_doctor_fails_for_an_unwritable_data_home(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CBREC_DATA_HOME", str(blocker / "sub"))
    from cbrec_lab.doctor import check_data_home

    report = type("R", (), {"free_disk_gib": 10.0, "data_home": "x"})()
    check = check_data_home(report)
    assert check.status == "fail" and "CBREC_DATA_HOME" in check.fix


def test_data_prepare_without_kits(monkeypatch, capsys):
    monkeypatch.setattr(registry, "_KITS", {})
    assert cli.main(["data", "prepare", "--profile", "ci"]) == 0
    assert "nothing to prepare" in capsys.readouterr().out


def test_data_prepare_runs_registered_kits(monkeypatch, data_home, capsys):
    monkeypatch.setattr(registry, "_KITS", {})
    datasets.register_kit(datasets.Kit("toy", "t", lambda profile, root, progress: root))
    assert cli.main(["data", "prepare", "--profile", "small", "--quiet"]) == 0
    assert "toy: ready in" in capsys.readouterr().out
    assert cli.main(["data", "prepare", "--kits", "nope"]) == 2
    assert "Unknown kit(s) 'nope'" in capsys.readouterr().err


def test_bad_arguments_exit_with_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["course", "run", "--profile", "tiny"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'tiny'" in capsys.readouterr().err


def test_in_place_refuses_other_outputs(capsys):
    assert cli.main(["course", "run", "--in-place", "--output", "x"]) == 2
    assert "--in-place writes back" in capsys.readouterr().err


def test_doctor_explains_a_missing_synthesiser(monkeypatch):
    import sys

    from cbrec_lab.doctor import check_synthesiser

    monkeypatch.setitem(sys.modules, "tinysoundfont", None)  # makes `import tinysoundfont` fail
    check = check_synthesiser()
    assert check.status == "fail" and "--no-deps tinysoundfont" in check.fix


def test_data_examples_writes_one_clip_per_genre(tmp_path, capsys):
    import soundfile

    from cbrec_lab.datasets import GENRES

    assert cli.main(["data", "examples", "--profile", "ci", "--output", str(tmp_path), "--quiet"]) == 0
    written = sorted(tmp_path.glob("*.wav"))
    assert [p.name.split("-")[0] for p in written] == sorted(GENRES)
    info = soundfile.info(written[0])
    assert info.samplerate == 22_050 and info.channels == 1 and info.duration == 10.0


def test_version_prints_the_installed_package_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cbrec-lab {version('cbrec-lab')}"


@pytest.mark.parametrize("value", ["-3", "0", "two"])
def test_data_examples_refuses_a_non_positive_per_genre_before_building(value, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(datasets, "load_music_kit", lambda *a, **k: pytest.fail("must not build the kit"))
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["data", "examples", "--output", str(tmp_path / "out"), "--per-genre", value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--per-genre" in err and f"{value!r}" in err and "positive integer" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("per_genre", [0, -3, 1.5])
def test_export_examples_refuses_a_non_positive_count(per_genre, tmp_path):
    import pandas as pd

    from cbrec_lab.datasets import MusicCollection

    songs = pd.DataFrame({"genre": ["rock"], "audio_path": ["a.wav"]}, index=pd.Index(["s1"], name="song_id"))
    collection = MusicCollection.__new__(MusicCollection)
    collection.songs = songs
    with pytest.raises(ParameterError, match=f"per_genre must be a positive integer, got {per_genre!r}"):
        collection.export_examples(tmp_path / "out", per_genre=per_genre)
    assert not (tmp_path / "out").exists()


def _low_disk(monkeypatch, free_mb: float) -> None:
    import shutil

    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=int(free_mb * 1e6)))


def test_data_prepare_checks_free_space_before_building(monkeypatch, data_home, capsys):
    _low_disk(monkeypatch, 10)
    assert cli.main(["data", "prepare", "--profile", "ci", "--kits", "music", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "disk full: 77 MB needed at" in err and str(data_home / "kits" / "music") in err, err
    assert "10 MB free" in err and "CBREC_DATA_HOME" in err and "Traceback" not in err
    assert not list((data_home / "kits" / "music").glob("*/audio/*.flac"))


def _failing_kit(monkeypatch, name: str, error: Exception) -> None:
    def prepare(profile, root, progress):
        raise error

    monkeypatch.setattr(registry, "_KITS", {})
    datasets.register_kit(datasets.Kit(name, "t", prepare))


def test_data_prepare_maps_a_full_disk_to_what_and_where(monkeypatch, data_home, capsys):
    import errno

    target = data_home / "kits" / "music" / "ci-seed0-v2" / "audio" / "S00001.flac"
    _failing_kit(monkeypatch, "music", OSError(errno.ENOSPC, "No space left on device", str(target)))
    assert cli.main(["data", "prepare", "--profile", "ci", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"disk full: 77 MB needed at {target}" in err and "CBREC_DATA_HOME" in err, err
    assert "Traceback" not in err and "Errno" not in err


def test_data_prepare_maps_libsndfiles_system_error_on_a_full_disk(monkeypatch, data_home, capsys):
    import soundfile

    _failing_kit(monkeypatch, "music", soundfile.LibsndfileError(2, "Error writing 'S00001.flac': "))
    _low_disk(monkeypatch, 1)
    assert cli.main(["data", "prepare", "--profile", "small", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"disk full: 460 MB needed at {data_home}" in err and "System error" in err, err


def test_an_unwritable_data_home_names_the_path_and_the_fix(monkeypatch, data_home, capsys):
    import errno

    lock = data_home / "kits" / "music" / ".ci-seed0-v1.lock"
    _failing_kit(monkeypatch, "music", PermissionError(errno.EACCES, "Permission denied", str(lock)))
    assert cli.main(["data", "prepare", "--profile", "ci"]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {lock}: Permission denied" in err and "CBREC_DATA_HOME" in err, err
    assert "Traceback" not in err


def test_any_command_reports_an_os_error_without_a_traceback(monkeypatch, tmp_path, capsys):
    import errno

    def read_only(args):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "student" / "00_welcome.ipynb"))

    monkeypatch.setattr(cli, "_course_student", read_only)
    assert cli.main(["course", "student", "--output", str(tmp_path / "student")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cbrec-lab: error: cannot write ") and "00_welcome.ipynb: Read-only file system" in err
