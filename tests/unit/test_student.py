import ast

import nbformat
import pytest

from cbrec_lab.course import make_student_copy, write_student_copies
from cbrec_lab.course.student import exercise_run, stub_code, through_last_checker
from cbrec_lab.exceptions import ParameterError


def test_assignments_become_ellipsis_and_instructions_stay():
    source = "# Exercise 1.1: compute it\n# (one line)\n\na, b = x[:, 0], x[:, 1]\ncos = a @ b\ncos += 0\nprint(cos)"
    assert stub_code(source) == (
        "# Exercise 1.1: compute it\n# (one line)\na = ...  # your answer\nb = ...  # your answer\n"
        "cos = ...  # your answer"
    )


def test_functions_keep_signature_and_docstring_and_raise():
    source = 'def mel(f: float, *, base=700) -> float:\n    """Mel scale."""\n    return 2595 * log10(1 + f / base)'
    stub = stub_code(source)
    tree = ast.parse(stub).body[0]
    assert isinstance(tree, ast.FunctionDef) and ast.get_docstring(tree) == "Mel scale."
    assert "def mel(f: float, *, base=700) -> float:" in stub
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError):
        namespace["mel"](440.0)


def test_cells_without_bindings_get_a_prompt():
    assert stub_code("# plot it\nplt.plot(x)") == "# plot it\n# your code here"


def _course(tmp_path):
    solution = nbformat.v4.new_code_cell("# do it\nanswer = 42", metadata={"tags": ["solution"]})
    solution.outputs = [nbformat.v4.new_output("stream", text="42")]
    solution.execution_count = 3
    prose = nbformat.v4.new_markdown_cell("Because ...", metadata={"tags": ["solution"]})
    other = nbformat.v4.new_code_cell("check('00.1', answer)", execution_count=4)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), solution, prose, other])
    course = tmp_path / "course"
    (course / "assets").mkdir(parents=True)
    (course / "assets" / "logo.txt").write_text("logo")
    nbformat.write(nb, course / "00_welcome.ipynb")
    return course, nb


def test_student_copy_replaces_solutions_and_clears_outputs(tmp_path):
    _, nb = _course(tmp_path)
    student = make_student_copy(nb)
    assert student.cells[1].source == "# do it\nanswer = ...  # your answer"
    assert student.cells[1].metadata["tags"] == ["exercise-stub"]
    assert "Your answer here" in student.cells[2].source
    code_cells = [c for c in student.cells if c.cell_type == "code"]
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in code_cells)
    assert nb.cells[1].source == "# do it\nanswer = 42"  # the original is untouched


def test_through_last_checker_ends_with_the_last_checker_cell():
    sources = [
        "x = 1",
        'check("00.1", x)',
        "See `check(...)` above.",  # Markdown: not a checker
        'y = 2\ncheck("00.2", y)',
        "spot_check(y)",  # another function whose name ends in check: not a checker
        "plot(x)",
    ]
    cells = [nbformat.v4.new_markdown_cell(s) if s.startswith("See") else nbformat.v4.new_code_cell(s) for s in sources]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})
    short = through_last_checker(nb)
    assert [c.source for c in short.cells] == sources[:4]
    assert short.metadata == nb.metadata
    assert len(nb.cells) == len(sources)  # the original is untouched
    short.cells[0].source = "changed"
    assert nb.cells[0].source == "x = 1"  # and shares no cell with the copy


def test_through_last_checker_needs_a_checker():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("spot_check(x)"), nbformat.v4.new_markdown_cell("check(")]
    )
    with pytest.raises(ParameterError, match=r"no exercise-checker cell \(a code cell calling check\(\.\.\.\)\)"):
        through_last_checker(nb)


def _cell(source, *tags):
    return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})


def test_exercise_run_keeps_what_the_exercises_need_and_what_reads_the_students_answers():
    cells = [
        _cell("import numpy as np\nfrom cbrec_lab.exercises import check", "setup"),
        _cell("SEED = 1", "parameters"),
        _cell("plays = np.ones((3, 4))"),  # read by the solution: kept
        _cell("model = expensive_training(plays)"),  # nothing after it reads `model`: left out
        _cell("scale = 2"),  # read by a cell that reads the answer: kept
        _cell("%matplotlib inline"),  # not plain Python: kept
        _cell("# Exercise 00.1\ndensity = np.count_nonzero(plays) / plays.size", "solution"),
        _cell('check("00.1", density)'),
        _cell("print(density * scale)"),  # runs with the student's stub in their copy: kept
        _cell("figure = plot(model)"),  # left out
        _cell('check("00.2", density)'),
        _cell("after = 1"),  # after the last checker: cut
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), *cells])
    kept = [c.source for c in exercise_run(nb).cells]
    assert kept == [
        "# Title",
        cells[0].source,
        "SEED = 1",
        "plays = np.ones((3, 4))",  # the solution reads it
        "scale = 2",
        "%matplotlib inline",
        cells[6].source,
        'check("00.1", density)',
        "print(density * scale)",
        'check("00.2", density)',
    ]
    student = [c.source for c in exercise_run(make_student_copy(nb)).cells]
    assert student == kept[:3] + kept[4:6] + ["# Exercise 00.1\ndensity = ...  # your answer"] + kept[7:], (
        "in the student's copy the stub reads nothing, so `plays` is left out too"
    )
    assert len(nb.cells) == len(cells) + 1  # the original is untouched


def test_exercise_run_needs_a_checker():
    with pytest.raises(ParameterError, match="no exercise-checker cell"):
        exercise_run(nbformat.v4.new_notebook(cells=[_cell("x = 1")]))


def test_write_student_copies_with_assets_and_never_over_the_course(tmp_path):
    course, _ = _course(tmp_path)
    written = write_student_copies(course, tmp_path / "student")
    assert [p.name for p in written] == ["00_welcome.ipynb"]
    assert (tmp_path / "student" / "assets" / "logo.txt").read_text() == "logo"
    assert "answer = 42" not in (tmp_path / "student" / "00_welcome.ipynb").read_text()
    with pytest.raises(ParameterError, match="course directory"):
        write_student_copies(course, course)


def test_student_output_inside_the_course_is_not_copied_into_itself(tmp_path, capsys):
    from cbrec_lab.cli import main

    course, _ = _course(tmp_path)
    output = course / "student"
    for _ in range(3):
        assert main(["course", "student", "--course-dir", str(course), "--output", str(output)]) == 0
    assert sorted(p.name for p in output.iterdir()) == ["00_welcome.ipynb", "assets"]
    assert not (output / "student").exists()
    assert (output / "assets" / "logo.txt").read_text() == "logo"
    nested = course / "assets" / "student"  # an output inside an asset folder is not copied into itself either
    assert main(["course", "student", "--course-dir", str(course), "--output", str(nested)]) == 0
    assert sorted(p.name for p in (nested / "assets").iterdir()) == ["logo.txt"]
    capsys.readouterr()
