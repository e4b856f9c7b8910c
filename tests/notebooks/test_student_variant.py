"""Student copies of every notebook run on ci up to their last exercise checker, and every checker answers "not yet".

nbval already runs every notebook top to bottom; the student copy only needs to reach its checkers, so the cells
after the last one are cut and the lesson's own computations that no exercise needs are left out (`exercise_run`:
setup, parameters, solutions' stubs, checkers, every cell that reads a name a stub binds, and the cells that bind
what those read) before it runs.
"""

import nbformat
import pytest

from cbrec_lab.course import run_notebook, write_student_copies
from cbrec_lab.course.student import exercise_run

from .conventions import COURSE, NOTEBOOKS, read, tags


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_copy_runs_and_answers_not_yet(path, tmp_path, pytestconfig):
    (copy,) = write_student_copies(COURSE, tmp_path / "student", only=[path.stem])
    full, student = read(path), read(copy)
    student_code = "\n".join(c.source for c in student.cells)
    for cell in full.cells:
        if "solution" in tags(cell):
            answer_lines = [  # function signatures stay in the stub on purpose; everything else must go
                line
                for line in cell.source.splitlines()
                if line.strip() and not line.lstrip().startswith(("#", "def ", '"""'))
            ]
            assert answer_lines and not any(line in student_code for line in answer_lines)
    nbformat.write(exercise_run(student), copy)
    cell_limit = pytestconfig.getoption("nbval_cell_timeout")  # the same limit as the committed notebooks'
    run = run_notebook(copy, tmp_path / "executed", profile="ci", cell_timeout_s=cell_limit)
    assert run.status == "passed", run.error
    verdicts = {k: v for k, v in run.results.items() if k.startswith("exercise ")}
    assert verdicts and set(verdicts.values()) == {"not yet"}
    assert len(verdicts) == sum(c.source.count("check(") for c in full.cells if c.cell_type == "code")
