"""The README's course map and badges follow the catalogue and the notebooks present."""

import re
from pathlib import Path

from cbrec_lab.course.catalog import LESSONS, binder_url, colab_url

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_course_map_lists_every_lesson_with_its_status():
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| (\d\d) \|.*$", README, re.M)}
    assert list(rows) == [lesson.number for lesson in LESSONS]
    for lesson in LESSONS:
        status = lesson.status(ROOT / "course")
        row = rows[lesson.number]
        assert f"| {status} |" in row, f"lesson {lesson.number} is {status}"
        if status == "available":
            assert f"(course/{lesson.filename})" in row and colab_url(lesson.filename) in row


def test_binder_badge_and_citations():
    assert binder_url() in README
    for author in ("Hu, Koren", "van den Oord", "Carranza", "Messina", "He, R.", "Hsia", "del Río", "San Pedro"):
        assert author in README, author
