"""Conventions every course notebook follows (see "Notebooks" in the design notes and the README)."""

import re

import pytest

from cbrec_lab.course.catalog import LESSONS, binder_url, colab_url
from cbrec_lab.exercises import catalogue
from cbrec_lab.notebook import read_results

from .conventions import NOTEBOOKS, read, tags

MAX_BYTES = 2_000_000
ABSOLUTE_PATH = re.compile(r"(?<![\w.~])(/home/[^/\s]+/|/root/|/Users/[^/\s]+/|/tmp/|[A-Za-z]:\\\\Users\\\\)")
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d)\.(\d+)["']""")

pytestmark = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def test_the_course_has_notebooks(path):
    assert NOTEBOOKS and path.stem in {lesson.stem for lesson in LESSONS}, "name it as in cbrec_lab.course.catalog"


def test_title_badges_and_objectives(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "the first cell is the title"
    assert colab_url(path.name) in first.source, "Colab badge pointing at this notebook"
    assert binder_url(path.name) in first.source, "Binder badge pointing at this notebook"
    headings = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert any(re.search(r"^## Learning objectives", h, re.M) for h in headings)
    assert any(re.search(r"^## References", h, re.M) for h in headings)


def test_setup_then_exactly_one_parameters_cell(path):
    nb = read(path)
    setup = [i for i, c in enumerate(nb.cells) if "setup" in tags(c)]
    params = [i for i, c in enumerate(nb.cells) if "parameters" in tags(c)]
    assert len(setup) == 1 and len(params) == 1 and setup[0] < params[0]
    assert '"google.colab" in sys.modules' in nb.cells[setup[0]].source, "the setup cell installs on Colab"
    assert '["--no-deps", "tinysoundfont"]' in nb.cells[setup[0]].source, "and the synthesiser without pyaudio"
    source = nb.cells[params[0]].source
    assert re.search(r"^PROFILE = None\b", source, re.M), "PROFILE = None: the environment chooses by default"
    assert re.search(r"^SEED = \d+", source, re.M)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "seed_everything(SEED)" in code and "environment_report(" in code
    assert not any("injected-parameters" in tags(c) for c in nb.cells), "commit notebooks without injected cells"


def test_stored_outputs_are_a_clean_ci_run(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "execute top to bottom once: `make notebooks`"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"stored error in: {cell.source[:80]}"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Traceback" not in output.text and "Warning" not in output.text, output.text[:300]


def test_size_and_no_absolute_paths(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) <= MAX_BYTES, "shrink stored outputs (figure dpi, long logs)"
    found = ABSOLUTE_PATH.findall(text)
    assert not found, f"absolute machine paths: {found[:3]}"


def test_exercises_are_registered_and_pass_in_the_stored_run(path):
    nb = read(path)
    lesson = path.stem[:2]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    called = {f"{a}.{b}" for a, b in CHECK_CALL.findall(code)}
    registered = {e.id for e in catalogue(lesson)}
    assert called == registered, "every registered exercise of the lesson is checked in it, and only those"
    assert all(i.startswith(lesson + ".") for i in called)
    solutions = [c for c in nb.cells if "solution" in tags(c)]
    assert len(solutions) >= len(called), "each exercise has a cell tagged 'solution'"
    results = read_results(nb)
    assert {k: v for k, v in results.items() if k.startswith("exercise ")} == {
        f"exercise {i}": "correct" for i in called
    }
