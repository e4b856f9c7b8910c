"""Kit builds check the free disk space first and say what they are about to do when it takes minutes."""

import shutil

import pytest

from cbrec_lab.config import PROFILES
from cbrec_lab.datasets import build_costs, kits
from cbrec_lab.datasets.build_costs import BUILD_COSTS, BuildCost, announce_build
from cbrec_lab.exceptions import DataHomeError


def test_every_registered_kit_has_a_size_and_time_for_every_profile():
    for kit in kits():
        assert set(BUILD_COSTS[kit.name]) == set(PROFILES), kit.name


def test_a_long_build_prints_one_line_before_it_starts_and_a_finished_kit_none(monkeypatch, data_home, capsys):
    from cbrec_lab.datasets import load_keyword_images

    monkeypatch.setitem(BUILD_COSTS["keyword-images"], "ci", BuildCost(disk_mb=5, seconds=600, parallel=False))
    load_keyword_images("ci", progress=False)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Building the keyword-images kit (ci) in ") and "ci-seed0-v1" in lines[0]
    assert lines[0].endswith(": about 10 min on one core, 5 MB; later loads take seconds.")
    load_keyword_images("ci", progress=False)
    assert capsys.readouterr().out == ""


def test_the_estimate_scales_with_the_worker_processes_and_ci_builds_stay_quiet(tmp_path, capsys):
    folder = tmp_path / "small-seed0-v1"
    announce_build("music", "small", folder, workers=2)
    assert capsys.readouterr().out == (
        f"Building the music kit (small) in {folder}: about 4 min on 2 cores, 460 MB; later loads take seconds.\n"
    )
    announce_build("music", "full", folder, workers=1)
    assert "about 80 min on 1 core, 4.4 GB" in capsys.readouterr().out
    announce_build("music", "ci", folder, workers=1)  # seconds: no note, notebook outputs stay the same
    assert capsys.readouterr().out == ""


def test_a_build_refuses_to_start_without_room_on_the_disk(monkeypatch, data_home, capsys):
    from cbrec_lab.datasets import load_keyword_images

    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=2_000_000))
    with pytest.raises(DataHomeError, match=r"disk full: 5 MB needed at .*keyword-images.*2 MB free.*CBREC_DATA_HOME"):
        load_keyword_images("ci", progress=False)
    assert not list(data_home.rglob("*.png"))


def test_an_interrupted_build_needs_only_the_rest(monkeypatch, tmp_path):
    folder = tmp_path / "ci-seed0-v1"
    folder.mkdir()
    (folder / "part.bin").write_bytes(b"x" * 4_000_000)
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=2_000_000))
    build_costs.check_free_space("keyword-images", "ci", folder)  # 5 MB − 4 MB written: 1 MB needed, 2 MB free
    with pytest.raises(DataHomeError, match="disk full: 73 MB needed"):
        build_costs.check_free_space("music", "ci", folder)
