"""The checkers of lesson 10 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import evaluate


def _params(n_users, n_items, k, k_visual, d):
    return n_items + (n_users + n_items) * k + n_users * k_visual + k_visual * d + d


def test_10_1_vbpr_parameters():
    assert evaluate("10.1", _params).status == "correct"
    # By hand: 3 users, 4 items, K = 2, K' = 1, d = 5: β 4 + γ 14 + θ 3 + E 5 + β' 5 = 31.
    assert _params(3, 4, 2, 1, 5) == 31
    assert "β′" in evaluate("10.1", lambda u, i, k, kv, d: _params(u, i, k, kv, d) - d).message
    assert "item biases" in evaluate("10.1", lambda u, i, k, kv, d: _params(u, i, k, kv, d) - i).message
    assert "no θ_i" in evaluate("10.1", lambda u, i, k, kv, d: _params(u, i, k, kv, d) + i * kv).message
    assert "user bias" in evaluate("10.1", lambda u, i, k, kv, d: _params(u, i, k, kv, d) + u).message
    assert evaluate("10.1", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def _bpr(x_ui, x_uj):
    return float(np.mean(np.logaddexp(0, -(np.asarray(x_ui) - np.asarray(x_uj)))))


def test_10_2_bpr_loss():
    assert evaluate("10.2", _bpr).status == "correct"
    assert np.isclose(_bpr([3.0], [1.0]), -np.log(1 / (1 + np.exp(-2.0))))
    naive = evaluate("10.2", lambda a, b: float(np.mean(-np.log(1 / (1 + np.exp(-(a - b)))))))
    assert naive.status == "incorrect" and "logaddexp" in naive.message
    assert "positive number" in evaluate("10.2", lambda a, b: -_bpr(a, b)).message
    assert "positive minus negative" in evaluate("10.2", lambda a, b: _bpr(b, a)).message
    assert "average" in evaluate("10.2", lambda a, b: len(a) * _bpr(a, b)).message


def _auc(scores, test_item, positives):
    negatives = np.setdiff1d(np.arange(len(scores)), list(positives) + [test_item])
    d = scores[test_item] - scores[negatives]
    return float(np.mean((d > 0) + 0.5 * (d == 0)))


def test_10_3_user_auc():
    assert evaluate("10.3", _auc).status == "correct"
    # By hand: scores [.9 .1 .5 .5 .3 2 .5], test item 2, positive 5: negatives 0,1,3,4,6 → 0 + 1 + ½ + 1 + ½ = 3/5.
    assert _auc(np.array([0.9, 0.1, 0.5, 0.5, 0.3, 2.0, 0.5]), 2, [5]) == 0.6

    def keeps_positives(scores, test_item, positives):
        return _auc(scores, test_item, [])

    assert "other positives" in evaluate("10.3", keeps_positives).message

    def strict(scores, test_item, positives):
        negatives = np.setdiff1d(np.arange(len(scores)), list(positives) + [test_item])
        return float(np.mean(scores[test_item] > scores[negatives]))

    assert "one half" in evaluate("10.3", strict).message
