"""Helpers shared by the notebook tests: where the course is and how to read its notebooks."""

import functools
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
_SPARK_IMPORT = re.compile(r"^\s*(from|import)\s+cbrec_lab\.spark\b", re.M)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@functools.cache
def uses_spark(path: Path) -> bool:
    """Whether the notebook at ``path`` imports ``cbrec_lab.spark`` in a code cell (running it starts a JVM)."""
    return any(c.cell_type == "code" and _SPARK_IMPORT.search(c.source) for c in read(path).cells)
