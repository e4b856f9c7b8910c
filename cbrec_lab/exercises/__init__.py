"""Exercise checkers: ``check("00.1", answer)`` gives a student immediate, specific feedback.

Each lesson's checkers live in their own module (``lesson00``, ...) and register themselves with the
:func:`exercise` decorator. A checker receives the student's answer (and any context the notebook passes
as keywords) and returns a :class:`Feedback`. Unanswered exercises (``answer = ...`` in the student copy,
or a function that still raises ``NotImplementedError``) get "not yet" instead of an error, so a student
copy always runs top to bottom.
"""

from . import (  # noqa: F401  (registers the checkers)
    lesson00,
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
    lesson10,
    lesson11,  # noqa: F401  (lesson 11's checkers)
    lesson12,  # noqa: F401  (lesson 12's checkers)
)
from .core import Feedback, catalogue, check, evaluate, exercise

__all__ = ["Feedback", "catalogue", "check", "evaluate", "exercise"]
