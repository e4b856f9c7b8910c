import pytest

from cbrec_lab import cli, datasets
from cbrec_lab.datasets import registry


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
