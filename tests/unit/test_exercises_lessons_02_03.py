"""The checkers of lessons 02 and 03 accept the right answers and explain the usual mistakes."""

import math

import numpy as np
import scipy.sparse as sp

from cbrec_lab.exercises import evaluate


def test_02_1_confidence():
    right = 1 + 40 * math.log(4)
    assert evaluate("02.1", right, alpha=40, epsilon=1).status == "correct"
    assert "add the 1" in evaluate("02.1", 40 * math.log(4), alpha=40, epsilon=1).message
    assert "base 10" in evaluate("02.1", 1 + 40 * math.log10(4), alpha=40, epsilon=1).message
    assert "linear" in evaluate("02.1", 1 + 40 * 3, alpha=40, epsilon=1).message
    assert evaluate("02.1", ..., alpha=40, epsilon=1).status == "not yet"


def test_02_2_als_update():
    def right(Y, c, p, lam):
        return np.linalg.solve(Y.T @ (c[:, None] * Y) + lam * np.eye(Y.shape[1]), Y.T @ (c * p))

    def no_regularisation(Y, c, p, lam):
        return np.linalg.solve(Y.T @ (c[:, None] * Y), Y.T @ (c * p))

    def unweighted(Y, c, p, lam):
        return np.linalg.solve(Y.T @ Y + lam * np.eye(Y.shape[1]), Y.T @ p)

    def stub(Y, c, p, lam):
        raise NotImplementedError("write this function")

    assert evaluate("02.2", right).status == "correct"
    assert "regularisation" in evaluate("02.2", no_regularisation).message
    assert "unweighted" in evaluate("02.2", unweighted).message
    assert evaluate("02.2", stub).status == "not yet"
    assert "raised ZeroDivisionError" in evaluate("02.2", lambda Y, c, p, lam: 1 / 0).message


def test_02_3_most_popular():
    plays = sp.csr_matrix(np.array([[5, 0, 1, 0], [0, 0, 1, 9], [1, 1, 1, 0]]))
    # listeners per song: 2, 1, 3, 1 → the top two are 2, 0; total plays: 6, 1, 3, 9 → the top two are 3, 0
    assert evaluate("02.3", [2, 0], plays=plays, n=2).status == "correct"
    assert "wrong order" in evaluate("02.3", [0, 2], plays=plays, n=2).message
    assert "total plays" in evaluate("02.3", [3, 0], plays=plays, n=2).message


def test_03_1_nearest_word():
    def right(frames, centres):
        return ((frames[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)

    assert evaluate("03.1", right).status == "correct"
    assert "farthest" in evaluate("03.1", lambda f, c: ((f[:, None] - c[None]) ** 2).sum(axis=2).argmax(axis=1)).message
    assert "dot product" in evaluate("03.1", lambda f, c: (f @ c.T).argmax(axis=1)).message


def test_03_2_average_precision():
    context = {"ranked": [3, 1, 4, 0, 2], "relevant": {1, 2, 7}, "k": 5}
    assert evaluate("03.2", (1 / 2 + 2 / 5) / 3, **context).status == "correct"
    assert "number of hits" in evaluate("03.2", (1 / 2 + 2 / 5) / 2, **context).message
    assert "precision@k" in evaluate("03.2", 2 / 5, **context).message
