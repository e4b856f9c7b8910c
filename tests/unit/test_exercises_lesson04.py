"""The checkers of lesson 04 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import evaluate


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_04_1_mcos():
    def right(y_true, y_pred):
        s = _unit(y_true) @ _unit(y_pred).T
        return np.mean(np.diag(s) / (s + 1).sum(axis=0))

    def s2_numerator(y_true, y_pred):
        s = _unit(y_true) @ _unit(y_pred).T
        return np.mean((np.diag(s) + 1) / (s + 1).sum(axis=0))

    def rows(y_true, y_pred):
        s = _unit(y_true) @ _unit(y_pred).T
        return np.mean(np.diag(s) / (s + 1).sum(axis=1))

    def plain_cos(y_true, y_pred):
        return np.mean(np.sum(_unit(y_true) * _unit(y_pred), axis=1))

    assert evaluate("04.1", right).status == "correct"
    assert "numerator" in evaluate("04.1", s2_numerator).message
    assert "column k" in evaluate("04.1", rows).message
    assert "mean cosine" in evaluate("04.1", plain_cos).message
    assert evaluate("04.1", lambda a, b: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"
    assert "one number" in evaluate("04.1", lambda a, b: [1, 2]).message


def test_04_1_right_answer_matches_the_library_loss():
    from cbrec_lab.losses import MCOSLoss

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    s = _unit(y_true) @ _unit(y_pred).T
    by_hand = np.mean(np.diag(s) / (s + 1).sum(axis=0))
    assert np.isclose(-float(MCOSLoss()(y_true, y_pred)), by_hand, rtol=1e-5)


def test_04_2_flatten_size():
    assert evaluate("04.2", lambda f, k, p, c: (f - k + 1) // p * c).status == "correct"
    assert "+ 1" in evaluate("04.2", lambda f, k, p, c: (f - k) // p * c).message
    assert "floor" in evaluate("04.2", lambda f, k, p, c: -(-(f - k + 1) // p) * c).message
    assert "shortens" in evaluate("04.2", lambda f, k, p, c: f // p * c).message
    assert evaluate("04.2", 4096).status == "incorrect"
