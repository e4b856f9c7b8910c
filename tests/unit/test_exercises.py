import numpy as np
import pytest

from cbrec_lab import exercises
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.exercises import evaluate
from cbrec_lab.exercises.core import _REGISTRY

PLAYS = np.array([[3, 1, 0], [0, 2, 0], [4, 0, 5]])  # 5 non-zeros of 9 cells


def test_lesson00_exercises_are_registered_in_order():
    assert [e.id for e in exercises.catalogue("00")] == ["00.1", "00.2"]


@pytest.mark.parametrize(
    "answer, status, hint",
    [
        (5 / 9, "correct", "density 0.556"),
        (np.float32(5 / 9), "correct", ""),
        (np.array([5 / 9]), "correct", ""),
        (5, "incorrect", "number of non-zero entries"),
        (500 / 9, "incorrect", "percentage"),
        (4 / 9, "incorrect", "sparsity"),
        (15 / 9, "incorrect", "mean play count"),
        (0.3, "incorrect", "np.count_nonzero"),
        (str(5 / 9), "correct", ""),
        ("many", "incorrect", "single number"),
        ([0.5, 0.5], "incorrect", "single number"),
        (..., "not yet", "Replace the `...`"),
        (None, "not yet", ""),
    ],
)
def test_density_checker(answer, status, hint):
    feedback = evaluate("00.1", answer, plays=PLAYS)
    assert feedback.status == status, feedback.message
    assert hint in feedback.message
    assert bool(feedback) is (status == "correct")


def test_cosine_checker_recognises_the_usual_mistakes():
    a, b = PLAYS[:, 0].astype(float), PLAYS[:, 1].astype(float)
    cosine = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))  # 3 / (5 * sqrt 5) = 0.268
    assert cosine == pytest.approx(3 / (5 * np.sqrt(5)))
    assert evaluate("00.2", cosine, plays=PLAYS).status == "correct"
    assert "dot product" in evaluate("00.2", 3.0, plays=PLAYS).message
    binary = 1 / (np.sqrt(2) * np.sqrt(2))
    assert "0/1" in evaluate("00.2", binary, plays=PLAYS).message
    rows = PLAYS[0] @ PLAYS[1] / (np.linalg.norm(PLAYS[0]) * np.linalg.norm(PLAYS[1]))
    assert "rows" in evaluate("00.2", rows, plays=PLAYS).message
    assert "between -1 and 1" in evaluate("00.2", 1.7, plays=PLAYS).message
    assert "Not quite" in evaluate("00.2", 0.9, plays=PLAYS).message


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ParameterError, match=r"no exercise '00.9'.*00.1, 00.2"):
        evaluate("00.9", 1)


def test_bad_ids_and_duplicates_are_refused():
    with pytest.raises(ParameterError, match="lesson.number"):
        exercises.exercise("1.1", "bad id")
    with pytest.raises(ParameterError, match="registered twice"):
        exercises.exercise("00.1", "again")(lambda answer: (True, ""))


def test_unfinished_student_functions_mean_not_yet():
    @exercises.exercise("99.1", "a function exercise")
    def check_function(answer):
        return answer(2) == 4, "square it"

    try:

        def stub(x):
            raise NotImplementedError("write this function")

        assert evaluate("99.1", stub).status == "not yet"
        assert evaluate("99.1", lambda x: x * x).status == "correct"
        assert evaluate("99.1", lambda x: x + 1).status == "incorrect"
    finally:
        del _REGISTRY["99.1"]


def test_feedback_text_is_friendly_and_deterministic():
    text = str(evaluate("00.1", ..., plays=PLAYS))
    assert text.startswith("⏳ Exercise 00.1: not yet.")
