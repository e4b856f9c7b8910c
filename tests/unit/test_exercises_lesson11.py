"""The checkers of lesson 11 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import evaluate
from cbrec_lab.models import AliasTable


def _alias(weights):
    table = AliasTable(weights)
    return table.threshold, table.alias


def test_11_1_alias_table():
    assert evaluate("11.1", _alias).status == "correct"
    plain = evaluate("11.1", lambda w: (np.asarray(w) / np.sum(w), np.arange(len(w))))
    assert plain.status == "incorrect" and "Scale them by n" in plain.message
    # a table whose thresholds are scaled but whose aliases point nowhere useful draws the wrong distribution
    wrong = evaluate("11.1", lambda w: (np.minimum(np.asarray(w) * len(w) / np.sum(w), 1.0), np.zeros(len(w), int)))
    assert wrong.status == "incorrect" and "draws outcome j" in wrong.message
    assert "pair" in evaluate("11.1", lambda w: np.asarray(w)).message
    assert evaluate("11.1", lambda w: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def _sigma(x):
    return 1 / (1 + np.exp(-x))


def _step(u, target, negatives, rate):
    contexts = np.vstack([target, negatives])
    g = rate * (np.r_[1.0, np.zeros(len(negatives))] - _sigma(contexts @ u))
    new_contexts = contexts + g[:, None] * u
    return u + g @ contexts, new_contexts[0], new_contexts[1:]


def test_11_2_line_step():
    assert evaluate("11.2", _step).status == "correct"

    def descent(u, target, negatives, rate):
        contexts = np.vstack([target, negatives])
        g = rate * (np.r_[1.0, np.zeros(len(negatives))] - _sigma(contexts @ u))
        new_contexts = contexts - g[:, None] * u
        return u - g @ contexts, new_contexts[0], new_contexts[1:]

    assert "sign" in evaluate("11.2", descent).message

    def late(u, target, negatives, rate):
        contexts = np.vstack([target, negatives])
        g = rate * (np.r_[1.0, np.zeros(len(negatives))] - _sigma(contexts @ u))
        u = u + g @ contexts
        new_contexts = contexts + g[:, None] * u
        return u, new_contexts[0], new_contexts[1:]

    assert "old" in evaluate("11.2", late).message

    def no_negatives(u, target, negatives, rate):
        new_u, new_target, _ = _step(u, target, negatives, rate)
        return new_u, new_target, negatives

    assert "negatives should move" in evaluate("11.2", no_negatives).message


def test_11_3_hit_rate():
    def hit_rate(lists, relevant):
        has = relevant.any(axis=1)
        hits = relevant[np.arange(len(lists))[:, None], lists].any(axis=1)
        return hits[has].mean()

    assert evaluate("11.3", hit_rate).status == "correct"

    def counts_empty(lists, relevant):
        return relevant[np.arange(len(lists))[:, None], lists].any(axis=1).mean()

    assert "leave it out" in evaluate("11.3", counts_empty).message

    def precision(lists, relevant):
        return relevant[np.arange(len(lists))[:, None], lists].mean()

    assert "precision" in evaluate("11.3", precision).message
