"""Student copies: the course notebooks with every cell tagged ``solution`` replaced by a stub.

A code solution becomes a stub that keeps the cell's leading comment lines (the instructions), binds every
name the solution assigned to ``...`` and keeps every function's signature and docstring with a body that
raises ``NotImplementedError``. The checker cells that follow therefore run and answer "not yet" instead
of failing. A Markdown solution becomes an "Your answer here" prompt. All outputs are cleared.
:func:`through_last_checker` cuts a notebook after its last checker cell, for a quick run of the exercises;
:func:`exercise_run` also leaves out the cells before it that no exercise needs (found by following names).
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import nbformat

from ..cache import atomic_path
from ..exceptions import ParameterError
from .catalog import select_notebooks

__all__ = [
    "SOLUTION_TAG",
    "stub_code",
    "make_student_copy",
    "write_student_copies",
    "through_last_checker",
    "exercise_run",
]

SOLUTION_TAG = "solution"
STUB_TAG = "exercise-stub"
KEPT_TAGS = frozenset({"setup", "parameters", SOLUTION_TAG, STUB_TAG})
_CHECKER_CALL = re.compile(r"(?<![\w.])check\(")  # ``check(...)``, not ``spot_check(...)`` or ``x.check(...)``


def _assigned_names(node: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names = []
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.append(sub.id)
    return names


def _function_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    body: list[ast.stmt] = []
    docstring = ast.get_docstring(node, clean=False)
    if docstring is not None:
        body.append(ast.Expr(ast.Constant(docstring)))
    body.append(ast.parse('raise NotImplementedError("write this function")').body[0])
    stub = copy.copy(node)
    stub.body = body
    stub.decorator_list = node.decorator_list
    return ast.unparse(ast.fix_missing_locations(stub))


def stub_code(source: str) -> str:
    """The student version of a code solution.

    Parameters
    ----------
    source : str
        The solution cell's code.

    Returns
    -------
    str
        Leading comment lines of ``source``, then ``name = ...  # your answer`` for every top-level name
        the solution binds and a ``NotImplementedError`` stub for every top-level function.

    Examples
    --------
    >>> print(stub_code("# Exercise 00.1: the density\\ndensity = np.count_nonzero(plays) / plays.size"))
    # Exercise 00.1: the density
    density = ...  # your answer
    """
    lines = source.splitlines()
    header = []
    for line in lines:
        if line.strip().startswith("#") or (not line.strip() and header):
            header.append(line)
        else:
            break
    while header and not header[-1].strip():
        header.pop()
    parts: list[str] = []
    seen: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts.append(_function_stub(node))
            seen.add(node.name)
            continue
        for name in _assigned_names(node):
            if name not in seen:
                parts.append(f"{name} = ...  # your answer")
                seen.add(name)
    if not parts:
        parts.append("# your code here")
    return "\n".join(header + parts)


def make_student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with solutions replaced by stubs and all outputs cleared."""
    student = copy.deepcopy(nb)
    for cell in student.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            cell.metadata["tags"] = [t for t in tags if t != SOLUTION_TAG] + [STUB_TAG]
            if cell.cell_type == "code":
                cell.source = stub_code(cell.source)
            else:
                cell.source = "**Your answer here.** Write it in this cell."
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return student


def write_student_copies(
    course_dir: os.PathLike | str, output_dir: os.PathLike | str, only: Iterable[str] | None = None
) -> list[Path]:
    """Write student copies of the selected notebooks, plus the course's asset folders, to ``output_dir``.

    Returns the paths of the notebooks written. ``output_dir`` must not be the course directory itself; when
    it lies inside the course directory (e.g. ``course/student``), it is left out of the folders copied, so
    that a second run does not copy the copies one level deeper.
    """
    course_dir, output_dir = Path(course_dir).resolve(), Path(output_dir).resolve()
    if output_dir == course_dir:
        raise ParameterError("The output directory is the course directory; choose another so solutions survive.")
    written = []
    for path in select_notebooks(course_dir, only):
        student = make_student_copy(nbformat.read(path, as_version=4))
        target = output_dir / path.name
        with atomic_path(target) as tmp:
            nbformat.write(student, tmp)
        written.append(target)

    def skip_output(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if (Path(folder) / name).resolve() == output_dir}

    for item in course_dir.iterdir():
        if item.is_dir() and not item.name.startswith((".", "_")) and item.resolve() != output_dir:
            shutil.copytree(item, output_dir / item.name, dirs_exist_ok=True, ignore=skip_output)
    return written


def through_last_checker(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` that ends with its last exercise-checker cell.

    A checker cell is a code cell that calls ``check(...)``. The cells after the last one (the rest of the
    lesson, which no exercise depends on) are left out, so that a student copy can be run just far enough
    for every checker to answer.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A course notebook or its student copy; it is not modified.

    Returns
    -------
    nbformat.NotebookNode
        The cells up to and including the last checker cell, with the notebook's metadata.

    Raises
    ------
    ParameterError
        If no code cell calls ``check(...)``.

    Examples
    --------
    >>> cells = [nbformat.v4.new_code_cell(s) for s in ("x = 1", 'check("00.1", x)', "plot(x)")]
    >>> [c.source for c in through_last_checker(nbformat.v4.new_notebook(cells=cells)).cells]
    ['x = 1', 'check("00.1", x)']
    """
    checkers = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and _CHECKER_CALL.search(cell.source)]
    if not checkers:
        raise ParameterError("The notebook has no exercise-checker cell (a code cell calling check(...)) to run up to.")
    short = copy.deepcopy(nb)
    short.cells = short.cells[: checkers[-1] + 1]
    return short


def _names(source: str) -> tuple[set[str], set[str]] | None:
    """(names a cell binds, names it reads), over-approximated; None when the cell is not plain Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics and the like: the caller keeps such a cell
        return None
    bound: set[str] = set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, (ast.Store, ast.Del)) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound, read


def exercise_run(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return :func:`through_last_checker` of ``nb`` without the code cells that no exercise depends on.

    Kept: the ``setup`` and ``parameters`` cells, the solution (or stub) and checker cells, every cell that reads
    a name a solution binds (a student's copy runs it with the stub, so it must be run), and, following names
    backwards, every earlier cell that binds a name a kept cell reads. A cell that is not plain Python is kept.
    Everything else (the lesson's own computations and plots) is left out: nbval runs those cells in the full
    notebook, and they are the same in the student's copy.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A course notebook or its student copy; it is not modified.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> sources = ("import numpy as np", "big = np.ones(10**6)", "x = np.arange(3)", 'check("00.1", x)')
    >>> cells = [nbformat.v4.new_code_cell(s) for s in sources]
    >>> [c.source for c in exercise_run(nbformat.v4.new_notebook(cells=cells)).cells]
    ['import numpy as np', 'x = np.arange(3)', 'check("00.1", x)']
    """
    short = through_last_checker(nb)
    names = [_names(c.source) if c.cell_type == "code" else (set(), set()) for c in short.cells]
    exercise_names: set[str] = set()  # the names solutions (and their stubs) bind
    for cell, found in zip(short.cells, names, strict=True):
        if found and {SOLUTION_TAG, STUB_TAG} & set(cell.get("metadata", {}).get("tags", [])):
            exercise_names |= found[0]
    keep = []
    needed: set[str] = set()
    for cell, found in zip(reversed(short.cells), reversed(names), strict=True):
        if cell.cell_type != "code":
            keep.append(True)
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        essential = (
            found is None
            or bool(KEPT_TAGS & tags)
            or bool(_CHECKER_CALL.search(cell.source))
            or bool(found[1] & exercise_names)
            or bool(found[0] & needed)
        )
        if essential and found is not None:
            needed |= found[1]
        keep.append(essential)
    short.cells = [cell for cell, kept in zip(short.cells, reversed(keep), strict=True) if kept]
    return short
