"""The checkers of lesson 05 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import catalogue, evaluate


def test_lesson_05_registers_two_exercises():
    assert [e.id for e in catalogue("05")] == ["05.1", "05.2"]


def test_05_1_cross_entropy():
    def right(p, y):
        return -np.mean(np.log(p[np.arange(len(y)), y]))

    def stub(p, y):
        raise NotImplementedError("write this function")

    feedback = evaluate("05.1", right)
    assert feedback.status == "correct" and "ln 5" in feedback.message
    # the equivalent one-hot form is right too
    assert evaluate("05.1", lambda p, y: -np.sum(np.eye(p.shape[1])[y] * np.log(p), axis=1).mean()).status == "correct"
    assert "minus sign" in evaluate("05.1", lambda p, y: np.mean(np.log(p[np.arange(len(y)), y]))).message
    assert "*true* genre" in evaluate("05.1", lambda p, y: -np.mean(np.log(p.max(axis=1)))).message
    assert "mean" in evaluate("05.1", lambda p, y: -np.sum(np.log(p[np.arange(len(y)), y]))).message
    assert "natural logarithm" in evaluate("05.1", lambda p, y: -np.mean(np.log10(p[np.arange(len(y)), y]))).message
    assert "songs × genres" in evaluate("05.1", lambda p, y: -np.mean(np.eye(p.shape[1])[y] * np.log(p))).message
    assert "N × N" in evaluate("05.1", lambda p, y: -np.mean(np.log(p[:, y]))).message
    assert "one number" in evaluate("05.1", lambda p, y: -np.log(p[np.arange(len(y)), y])).message
    assert evaluate("05.1", stub).status == "not yet"
    assert evaluate("05.1", ...).status == "not yet"
    assert "raised ZeroDivisionError" in evaluate("05.1", lambda p, y: 1 / 0).message
    assert evaluate("05.1", 1.609).status == "incorrect"


def test_05_2_precision_recall():
    def right(c):
        d = np.diag(c)
        return d / c.sum(axis=0), d / c.sum(axis=1)

    def swapped(c):
        d = np.diag(c)
        return d / c.sum(axis=1), d / c.sum(axis=0)

    def stub(c):
        raise NotImplementedError("write this function")

    assert evaluate("05.2", right).status == "correct"
    assert "swapped" in evaluate("05.2", swapped).message
    assert "total number" in evaluate("05.2", lambda c: (np.diag(c) / c.sum(), np.diag(c) / c.sum())).message
    assert (
        "Precision is right"
        in evaluate("05.2", lambda c: (np.diag(c) / c.sum(axis=0), np.diag(c) / c.sum(axis=0))).message
    )
    assert (
        "Recall is right"
        in evaluate("05.2", lambda c: (np.diag(c) / c.sum(axis=1), np.diag(c) / c.sum(axis=1))).message
    )
    assert "two arrays" in evaluate("05.2", lambda c: 0.5).message
    assert "one precision and one recall per genre" in evaluate("05.2", lambda c: (np.diag(c), c)).message
    assert evaluate("05.2", stub).status == "not yet"
