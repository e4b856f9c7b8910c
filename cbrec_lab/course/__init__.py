"""The course as a whole: its lesson catalogue, the headless runner and student copies."""

from .catalog import LESSONS, Lesson, find_course_dir, select_notebooks
from .runner import NotebookRun, run_course, run_notebook, write_summary
from .student import make_student_copy, through_last_checker, write_student_copies

__all__ = [
    "LESSONS",
    "Lesson",
    "find_course_dir",
    "select_notebooks",
    "NotebookRun",
    "run_course",
    "run_notebook",
    "write_summary",
    "make_student_copy",
    "through_last_checker",
    "write_student_copies",
]
