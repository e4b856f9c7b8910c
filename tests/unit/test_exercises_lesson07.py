"""The checkers of lesson 07 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import evaluate
from cbrec_lab.exercises.lesson07 import _euclidean_ncm, _ncm_case, _reference_ncm


def test_07_1_conv_layer():
    def right(W, D, K, F, S, P):
        return (W - F + 2 * P) // S + 1, K * (F * F * D + 1)

    assert evaluate("07.1", right).status == "correct"
    assert right(227, 3, 96, 11, 4, 0) == (55, 34_944)  # the lecture's first AlexNet layer
    rounded = evaluate("07.1", lambda W, D, K, F, S, P: (round((W - F + 2 * P) / S + 1), K * (F * F * D + 1)))
    assert rounded.status == "incorrect" and "floor" in rounded.message
    one_sided = evaluate("07.1", lambda W, D, K, F, S, P: ((W - F + P) // S + 1, K * (F * F * D + 1)))
    assert "2P" in one_sided.message
    no_bias = evaluate("07.1", lambda W, D, K, F, S, P: ((W - F + 2 * P) // S + 1, K * F * F * D))
    assert "bias" in no_bias.message
    no_depth = evaluate("07.1", lambda W, D, K, F, S, P: ((W - F + 2 * P) // S + 1, K * (F * F + 1)))
    assert "depth" in no_depth.message
    per_position = evaluate(
        "07.1",
        lambda W, D, K, F, S, P: (right(W, D, K, F, S, P)[0], K * (F * F * D + 1) * right(W, D, K, F, S, P)[0] ** 2),
    )
    assert "sharing" in per_position.message
    assert evaluate("07.1", (55, 34_944)).status == "incorrect"
    assert evaluate("07.1", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def test_07_2_nearest_class_mean():
    for seed in (0, 1, 2):
        train_x, train_y, test_x, test_y = _ncm_case(seed)
        # The case is built so that the cosine rule is right and the Euclidean rule on raw vectors is not.
        assert np.array_equal(_reference_ncm(train_x, train_y, test_x), test_y)
    assert any(not np.array_equal(_euclidean_ncm(*_ncm_case(s)[:3]), _ncm_case(s)[3]) for s in (0, 1, 2))

    def right(train_x, train_y, test_x):
        unit = train_x / np.linalg.norm(train_x, axis=1, keepdims=True)
        classes = sorted(set(train_y))
        means = np.array([unit[train_y == c].mean(0) for c in classes])
        scores = (test_x / np.linalg.norm(test_x, axis=1, keepdims=True)) @ means.T / np.linalg.norm(means, axis=1)
        return np.array(classes)[scores.argmax(1)]

    assert evaluate("07.2", right).status == "correct"
    euclidean = evaluate("07.2", _euclidean_ncm)
    assert euclidean.status == "incorrect" and "cosine" in euclidean.message
    positions = evaluate("07.2", lambda tx, ty, x: np.zeros(len(x), dtype=int))
    assert "labels" in positions.message
    assert evaluate("07.2", lambda tx, ty, x: right(tx, ty, x)[:-1]).status == "incorrect"
    assert evaluate("07.2", "chair").status == "incorrect"
    assert evaluate("07.2", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"
