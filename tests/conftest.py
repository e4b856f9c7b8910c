"""Fixtures shared by all tests, and the test tiers.

Every test gets the marker of its tier from where it lives (see README.md, "Tests"), so that a tier can be
chosen with ``-m`` and no test file has to declare it:

- ``unit``: ``tests/unit``, the library's tests (no notebook is executed);
- ``notebook``: everything that executes a course notebook: the ``course/*.ipynb`` items of nbval and the
  student copies;
- ``student``: the student copies (``tests/notebooks/test_student_variant.py``), also ``notebook``;
- ``spark``: the tests that start a JVM: ``tests/unit/test_spark.py`` and the notebooks (nbval and student
  copy) that use ``cbrec_lab.spark``;
- ``browser``: ``tests/browser`` (JupyterLab in Chromium);
- ``slow``: the tests listed in ``SLOW``, each over about 20 s on two cores.

``make test-fast`` runs ``-m "unit and not slow and not spark"`` on ``tests/unit``.
"""

from pathlib import Path

import pytest

from tests.notebooks.conventions import uses_spark

ROOT = Path(__file__).resolve().parents[1]
STUDENT_TESTS = "tests/notebooks/test_student_variant.py"
SPARK_TESTS = "tests/unit/test_spark.py"

# Node id prefixes of the tests that take about 20 s or more on two busy cores (`pytest tests/unit -n 2
# --durations=40`; seconds measured there, under a load of 6 to 12). A file's path marks all its tests.
# Module fixtures (a kit loaded for several tests) are not listed: they run for whichever test needs them first.
SLOW = (
    "tests/unit/test_music_kit.py::test_tiny_kit_is_deterministic_resumable_and_checked",  # 71 s: builds a tiny kit
    "tests/unit/test_art_kit.py::test_tiny_kit_is_deterministic_resumable_and_checked",  # 12-31 s
    "tests/unit/test_kit_files.py::test_a_kit_from_other_inputs_is_replaced_keeping_files_it_did_not_write",  # 15-22 s
    "tests/unit/test_keyword_images.py::test_a_kit_made_from_other_inputs_is_rebuilt",  # 14-25 s
    "tests/unit/test_keyword_images.py::test_two_builds_in_two_roots_are_byte_identical",  # 11-32 s
    "tests/unit/test_finetune.py::test_deep_fine_tuning_trains_only_the_upper_part",  # 13-35 s
    "tests/unit/test_config.py::test_importing_the_package_has_no_side_effects",  # 10-31 s: fresh interpreters
    "tests/unit/test_backbones_torch_reference.py",  # 10-28 s: imports PyTorch next to Keras
    "tests/unit/test_second_backend.py",  # a child process: Keras under JAX trains the CNNs (skipped without JAX)
)


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """An empty, private data home for tests that write to it."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("CBREC_DATA_HOME", str(home))
    return home


def _tiers(relative: str, item: pytest.Item) -> list[str]:
    """The tier markers of ``item``, which lives at ``relative`` (a POSIX path from the repository root)."""
    tiers = []
    if relative.startswith("tests/unit/"):
        tiers.append("unit")
    if relative.startswith("tests/browser/"):
        tiers.append("browser")
    notebook = None
    if relative.startswith("course/") and relative.endswith(".ipynb"):
        tiers.append("notebook")
        notebook = ROOT / relative
    if relative == STUDENT_TESTS:
        tiers += ["notebook", "student"]
        callspec = getattr(item, "callspec", None)
        notebook = callspec.params.get("path") if callspec is not None else None
    if relative == SPARK_TESTS or (notebook is not None and uses_spark(notebook)):
        tiers.append("spark")
    if item.nodeid.startswith(SLOW):
        tiers.append("slow")
    return tiers


def pytest_collection_modifyitems(config, items):
    """Mark every collected test with its tiers (see the module docstring)."""
    for item in items:
        path = Path(str(item.path)).resolve()
        if not path.is_relative_to(ROOT):
            continue
        for tier in _tiers(path.relative_to(ROOT).as_posix(), item):
            item.add_marker(tier)
