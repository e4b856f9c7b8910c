"""The suite's xdist scheduling (root ``conftest.py``): files stay whole, student copies spread out."""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("xdist")

ROOT = Path(__file__).resolve().parents[2]


def _root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Config:
    def __init__(self, dist):
        self.values = {"dist": dist, "tx": ["2*popen"]}  # what -n 2 sets

    def getvalue(self, name):
        return self.values.get(name)


def test_student_copies_are_work_units_of_their_own_and_other_files_stay_whole():
    scheduler = _root_conftest().pytest_xdist_make_scheduler(_Config("loadfile"), None)
    student = "tests/notebooks/test_student_variant.py::test_student_copy_runs_and_answers_not_yet"
    scopes = {
        nodeid: scheduler._split_scope(nodeid)
        for nodeid in (
            f"{student}[00_welcome]",
            f"{student}[12_scaling_out]",
            "course/04_mel_cnn_latent_factors.ipynb::Cell 3",
            "course/04_mel_cnn_latent_factors.ipynb::Cell 15",
            "tests/unit/test_ranking.py::test_top_k_by_hand",
            "tests/unit/test_ranking.py::test_ties_at_the_cut_keep_the_lower_index",
        )
    }
    values = list(scopes.values())
    assert values[0] != values[1], "each student copy is its own work unit"
    assert values[2] == values[3] == "course/04_mel_cnn_latent_factors.ipynb", "a notebook's cells stay together"
    assert values[4] == values[5] == "tests/unit/test_ranking.py", "a module's tests stay together"


def test_other_distribution_modes_keep_xdist_default():
    assert _root_conftest().pytest_xdist_make_scheduler(_Config("load"), None) is None
