"""The checker registry and the feedback shown to students."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ..exceptions import ParameterError
from ..notebook import record

__all__ = ["Feedback", "Exercise", "StudentError", "call_student", "exercise", "evaluate", "check", "catalogue"]

Status = Literal["correct", "incorrect", "not yet"]
_SYMBOL = {"correct": "✅", "incorrect": "❌", "not yet": "⏳"}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes
    ----------
    exercise : str
        Exercise id, e.g. ``"00.1"``.
    status : {"correct", "incorrect", "not yet"}
        ``"not yet"`` means the exercise has not been attempted.
    message : str
        What was right or wrong and what to try next.
    """

    exercise: str
    status: Status
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return f"{_SYMBOL[self.status]} Exercise {self.exercise}: {self.status}. {self.message}"


@dataclass(frozen=True)
class Exercise:
    """A registered exercise: its id, a one-line title and the checker function."""

    id: str
    title: str
    checker: Callable[..., Feedback | tuple[bool, str]]


_REGISTRY: dict[str, Exercise] = {}


class StudentError(Exception):
    """A student's function failed; :func:`evaluate` turns it into "incorrect" feedback with the message."""


def call_student(function: Callable, *args: Any, call: str | None = None) -> Any:
    """Call a student's function for a checker.

    ``NotImplementedError`` (an unfinished stub) propagates, so the verdict is "not yet"; any other exception
    becomes a :class:`StudentError` saying which call raised what, so a bug in the student's code is feedback,
    not a crash of the notebook.
    """
    try:
        return function(*args)
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever the student's code raises is reported to them
        raise StudentError(f"{call or 'Your function'} raised {type(err).__name__}: {err}") from err


def exercise(exercise_id: str, title: str) -> Callable:
    """Register the decorated function as the checker of ``exercise_id`` (``"LL.N"``, LL = lesson number).

    The checker is called as ``checker(answer, **context)`` and returns ``(passed, message)``; it may raise
    ``NotImplementedError`` (propagated from a student's unfinished function) to mean "not yet".
    """
    lesson, _, number = exercise_id.partition(".")
    if not (len(lesson) == 2 and lesson.isdigit() and number.isdigit()):
        raise ParameterError(f"Exercise ids look like '04.2' (lesson.number), got {exercise_id!r}.")

    def register(func: Callable) -> Callable:
        if exercise_id in _REGISTRY:
            raise ParameterError(f"Exercise {exercise_id} is registered twice.")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, func)
        return func

    return register


def catalogue(lesson: str | None = None) -> list[Exercise]:
    """Registered exercises, optionally only those of one lesson (``"00"``), in id order."""
    items = sorted(_REGISTRY.values(), key=lambda e: tuple(int(p) for p in e.id.split(".")))
    return [e for e in items if lesson is None or e.id.split(".")[0] == lesson]


def _unanswered(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def evaluate(exercise_id: str, answer: Any, **context: Any) -> Feedback:
    """Check an answer and return the :class:`Feedback` without displaying it (used by tests and `check`)."""
    try:
        item = _REGISTRY[exercise_id]
    except KeyError:
        lesson = exercise_id.split(".")[0] if isinstance(exercise_id, str) else ""
        known = ", ".join(e.id for e in catalogue(lesson)) or ", ".join(e.id for e in catalogue())
        raise ParameterError(f"There is no exercise {exercise_id!r}. Known exercises: {known}.") from None
    if _unanswered(answer):
        return Feedback(exercise_id, "not yet", "Replace the `...` with your answer and run the cell again.")
    try:
        verdict = item.checker(answer, **context)
    except NotImplementedError:
        return Feedback(exercise_id, "not yet", "Your function still raises NotImplementedError: write its body.")
    except StudentError as err:
        return Feedback(exercise_id, "incorrect", str(err))
    if isinstance(verdict, Feedback):
        return verdict
    passed, message = verdict
    return Feedback(exercise_id, "correct" if passed else "incorrect", message)


def check(exercise_id: str, answer: Any, **context: Any) -> None:
    """Check an answer, show the feedback and record the verdict for the course runner.

    Parameters
    ----------
    exercise_id : str
        E.g. ``"00.1"``.
    answer : object
        The student's answer; ``...`` (Ellipsis) or ``None`` means "not answered yet".
    **context
        Data the checker needs to judge the answer (e.g. the matrix the exercise is about).

    Notes
    -----
    The verdict is recorded as ``exercise 00.1`` with :func:`cbrec_lab.notebook.record`, so the runner's
    summary and the tests see whether every exercise of a notebook passes.
    """
    feedback = evaluate(exercise_id, answer, **context)
    record(f"exercise {exercise_id}", feedback.status, text=str(feedback))
