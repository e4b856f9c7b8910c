import json

import nbformat
import pytest

from cbrec_lab.cli import main
from cbrec_lab.config import get_profile
from cbrec_lab.course import run_course, select_notebooks, write_summary
from cbrec_lab.course.runner import inject_parameters, parse_parameter, summary_table
from cbrec_lab.exceptions import NotebookError, ParameterError


def _notebook(*sources, parameters="PROFILE = None\nFACTOR = 1"):
    cells = [nbformat.v4.new_markdown_cell("# test notebook")]
    cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture
def course(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    ok = _notebook(
        "import os\nfrom cbrec_lab.notebook import record",
        "record('profile', PROFILE)\nrecord('env profile', os.environ['CBREC_PROFILE'])\nrecord('factor', FACTOR * 2)",
        "import numpy as np\nbig = np.ones(40_000_000)  # 320 MB, to be seen by the memory sampler\n"
        "import time; time.sleep(0.6)\nrecord('sum', big.sum())",
    )
    failing = _notebook("x = 1", "y = x / 0\nprint('never')", "z = 3")
    nbformat.write(ok, course / "01_ok.ipynb")
    nbformat.write(failing, course / "02_fails.ipynb")
    (course / "notes.ipynb").write_text("{}")  # not a lesson: no NN_ prefix
    return course


def test_select_notebooks_by_number_or_stem(course):
    assert [p.name for p in select_notebooks(course)] == ["01_ok.ipynb", "02_fails.ipynb"]
    assert [p.name for p in select_notebooks(course, ["2"])] == ["02_fails.ipynb"]
    assert [p.name for p in select_notebooks(course, ["01_ok", "01"])] == ["01_ok.ipynb"]
    with pytest.raises(ParameterError, match=r"No notebook matches '07'.*01_ok, 02_fails"):
        select_notebooks(course, ["07"])


def test_run_course_injects_parameters_measures_and_reports_failures(course, tmp_path):
    import psutil

    out = tmp_path / "out"
    before = {p.pid for p in psutil.Process().children(recursive=True)}  # e.g. multiprocessing's resource tracker
    ok, failed = run_course(course, out, profile="ci", parameters={"FACTOR": 21}, progress=False)

    assert ok.status == "passed" and ok.error is None
    assert ok.results == {"profile": "ci", "env profile": "ci", "factor": 42, "sum": 40_000_000.0}
    assert ok.peak_rss_mib > 300  # the 320 MB array was seen
    assert 0 < ok.wall_s < 120 and ok.budget_s == 120 and not ok.over_budget
    executed = nbformat.read(out / "01_ok.ipynb", as_version=4)
    injected = executed.cells[2]
    assert injected.metadata.tags == ["injected-parameters"]
    assert injected.source.splitlines()[1:] == ["PROFILE = 'ci'", "FACTOR = 21"]

    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert not left, "every kernel is shut down after its notebook"
    assert failed.status == "failed"
    assert "cell In [4] (code cell 4 of the executed copy):" in failed.error and "y = x / 0" in failed.error
    assert "ZeroDivisionError: division by zero" in failed.error
    stored = nbformat.read(out / "02_fails.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in stored.cells if c.cell_type == "code" for o in c.outputs)

    summary = json.loads(write_summary([ok, failed], out, "ci").read_text())
    assert [n["status"] for n in summary["notebooks"]] == ["passed", "failed"]
    assert summary["notebooks"][0]["results"]["factor"] == 42
    table = (out / "summary.md").read_text()
    assert "| 02_fails | failed |" in table and "1 failed, 0 over budget" in table


def test_over_budget_is_flagged(course, tmp_path):
    (run,) = run_course(course, tmp_path / "o", profile="ci", only=["01"], progress=False)
    run.wall_s = 500.0
    assert run.over_budget
    assert "passed (over budget)" in summary_table([run], get_profile("ci"))


def test_injection_needs_exactly_one_parameters_cell_and_replaces_an_old_injection():
    nb = _notebook("x = 1")
    inject_parameters(nb, {"PROFILE": "ci"})
    inject_parameters(nb, {"PROFILE": "full"})
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "PROFILE = 'full'" in injected[0].source
    nb.cells[1].metadata.tags = []
    with pytest.raises(NotebookError, match="exactly one cell tagged 'parameters', this one has 0"):
        inject_parameters(nb, {})


def test_parse_parameter():
    assert parse_parameter("EPOCHS=3") == ("EPOCHS", 3)
    assert parse_parameter("DATASET=gtzan") == ("DATASET", "gtzan")
    assert parse_parameter("SIZES=[1, 2]") == ("SIZES", [1, 2])
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_parameter("3=x")


def test_cli_course_run_exit_status_and_summary(course, tmp_path, capsys):
    out = tmp_path / "cli-out"
    status = main(["course", "run", "--profile", "ci", "--course-dir", str(course), "--output", str(out)])
    captured = capsys.readouterr()
    assert status == 1
    assert "| 01_ok | passed |" in captured.out and f"summary: {out / 'summary.json'}" in captured.out
    assert "02_fails failed in cell In [4]" in captured.err and "ZeroDivisionError" in captured.err
    assert (
        main(["course", "run", "--profile", "ci", "--course-dir", str(course), "--output", str(out), "--only", "01"])
        == 0
    )


def test_cli_course_run_refuses_to_write_over_the_course_notebooks(course, capsys):
    before = {p.name: p.read_bytes() for p in course.iterdir()}
    for output in (course, course / ".." / course.name):
        status = main(["course", "run", "--profile", "ci", "--course-dir", str(course), "--output", str(output)])
        err = capsys.readouterr().err
        assert status == 2
        assert f"--output {output} is the course directory {course}" in err and "--in-place" in err
    assert {p.name: p.read_bytes() for p in course.iterdir()} == before, "the course notebooks are untouched"


def test_a_failed_run_reports_only_results_recorded_in_this_run(tmp_path):
    from cbrec_lab.notebook import RESULT_MIME

    stale = nbformat.v4.new_code_cell("record('after', 2)", execution_count=5)
    stale.outputs = [
        nbformat.v4.new_output(
            "display_data", data={RESULT_MIME: {"name": "after", "value": 99}, "text/plain": "[recorded] after = 99"}
        )
    ]
    nb = _notebook("from cbrec_lab.notebook import record\nrecord('before', 1)", "1 / 0")
    nb.cells.append(stale)
    course = tmp_path / "course"
    course.mkdir()
    nbformat.write(nb, course / "01_stale.ipynb")

    (run,) = run_course(course, tmp_path / "out", profile="ci", progress=False)

    assert run.status == "failed" and "ZeroDivisionError" in run.error
    assert run.results == {"before": 1}, "a cell that never ran contributes no recorded result"
    executed = nbformat.read(tmp_path / "out" / "01_stale.ipynb", as_version=4)
    assert executed.cells[-1].outputs == [] and executed.cells[-1].execution_count is None
