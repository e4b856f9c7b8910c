"""Conventions every course notebook follows (see "Notebooks" in the design notes and the README)."""

import ast
import os
import re
import subprocess
import sys
import types

import pytest

from cbrec_lab.course.catalog import LESSONS, binder_url, colab_url
from cbrec_lab.exercises import catalogue
from cbrec_lab.notebook import read_results

from .conventions import NOTEBOOKS, read, tags

MAX_BYTES = 2_000_000
ABSOLUTE_PATH = re.compile(r"(?<![\w.~])(/home/[^/\s]+/|/root/|/Users/[^/\s]+/|/tmp/|[A-Za-z]:\\\\Users\\\\)")
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d)\.(\d+)["']""")
#: Lessons that train networks or run a CNN over many images: their Colab metadata asks for a GPU runtime.
#: The others run on CPU (lesson 12's Spark cells are CPU work; its data-parallel cell uses what it finds).
GPU_LESSONS = {"04", "05", "07", "09", "10"}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
REPOSITORY = "cbrec-lab @ git+https://github.com/cbrec-lab/cbrec-lab"

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


def test_every_notebook_assert_has_a_message(path):
    """A failing check in a lesson must tell the student what was claimed and which values were compared."""
    from IPython.core.inputtransformer2 import TransformerManager  # turns %magics and !commands into Python

    bare = []
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        tree = ast.parse(TransformerManager().transform_cell(cell.source))
        bare += [
            f"cell {index}, line {node.lineno}: {ast.unparse(node)[:100]}"
            for node in sorted(ast.walk(tree), key=lambda node: getattr(node, "lineno", 0))
            if isinstance(node, ast.Assert) and node.msg is None
        ]
    assert not bare, "give these asserts a message (the claim and the values compared):\n" + "\n".join(bare)


def _colab_block(path) -> str:
    """The setup cell's lines up to the end of its first ``if "google.colab" in sys.modules:`` statement."""
    nb = read(path)
    (source,) = [c.source for c in nb.cells if "setup" in tags(c)]
    first = next(n for n in ast.parse(source).body if isinstance(n, ast.If) and "google.colab" in ast.unparse(n.test))
    return "\n".join(source.splitlines()[: first.end_lineno])


def test_the_colab_installation_is_the_same_everywhere(path):
    reference = _colab_block(NOTEBOOKS[0])
    assert _colab_block(path) == reference, f"copy the Colab installation of {NOTEBOOKS[0].name} unchanged"
    assert len(reference.splitlines()) <= 30, "keep the Colab installation short"


def _run_colab_block(path, monkeypatch, *, pip_fails=False, keep_kits_on_drive=False):
    """Execute the Colab installation as Colab would, with pip and Google Drive replaced by recorders."""
    calls, mounts = [], []

    def fake_run(command, **kwargs):
        calls.append((list(command), kwargs))
        failed = pip_fails and "tinysoundfont" not in command
        return subprocess.CompletedProcess(command, 1 if failed else 0, "ERROR: No matching distribution found", "")

    colab = types.ModuleType("google.colab")
    colab.drive = types.SimpleNamespace(mount=mounts.append)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setenv("CBREC_DATA_HOME", "unchanged")
    block = _colab_block(path)
    if keep_kits_on_drive:
        assert "KEEP_KITS_ON_DRIVE = False" in block, "the Drive option is a flag in the cell, off by default"
        block = block.replace("KEEP_KITS_ON_DRIVE = False", "KEEP_KITS_ON_DRIVE = True")
    exec(compile(block, f"{path.name} setup cell", "exec"), {})
    return calls, mounts


def test_the_colab_installation_installs_only_what_colab_lacks(path, monkeypatch):
    calls, mounts = _run_colab_block(path, monkeypatch)
    commands = [command for command, _ in calls]
    assert commands == [
        [sys.executable, "-m", "pip", "install", REPOSITORY],
        [sys.executable, "-m", "pip", "install", "--no-deps", "tinysoundfont"],
    ], "the package without the `lab` extra (Colab has its own front-end), and the synthesiser without pyaudio"
    assert all(kwargs.get("capture_output") for _, kwargs in calls), "pip's output is kept to show on failure"
    assert not mounts and os.environ["CBREC_DATA_HOME"] == "unchanged", "Drive only when asked"


def test_the_colab_installation_shows_pips_output_when_it_fails(path, monkeypatch, capsys):
    with pytest.raises(RuntimeError) as failure:
        _run_colab_block(path, monkeypatch, pip_fails=True)
    assert "No matching distribution found" in capsys.readouterr().out, "pip's own output is printed"
    message = str(failure.value)
    assert REPOSITORY in message and "output above" in message and "rerun this cell" in message


def test_the_colab_installation_can_keep_the_kits_on_drive(path, monkeypatch):
    _, mounts = _run_colab_block(path, monkeypatch, keep_kits_on_drive=True)
    assert mounts == ["/content/drive"]
    assert os.environ["CBREC_DATA_HOME"].startswith("/content/drive/MyDrive/"), "the data home is a Drive folder"


def test_colab_metadata_and_kernelspec(path):
    metadata = read(path).metadata
    assert dict(metadata.kernelspec) == KERNELSPEC, "the kernelspec JupyterLab writes (else it marks the file modified)"
    if path.stem[:2] in GPU_LESSONS:
        assert metadata.get("accelerator") == "GPU" and metadata.get("colab", {}).get("gpuType") == "T4", (
            "a training lesson opens on a Colab GPU runtime"
        )
    else:
        assert "accelerator" not in metadata and "gpuType" not in metadata.get("colab", {}), (
            "only the lessons in GPU_LESSONS ask Colab for a GPU (a CPU lesson would waste the student's GPU quota)"
        )
