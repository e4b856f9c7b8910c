"""The checkers of lesson 12 accept the right answers and explain the usual mistakes."""

import numpy as np
import scipy.sparse as sp

from cbrec_lab.exercises import evaluate


def test_12_1_spark_rating():
    assert evaluate("12.1", lambda r, eps: np.log1p(r / eps)).status == "correct"
    # By hand: α = 40, ε = 1, r = 3: lesson 02's c = 1 + 40·ln 4 = 56.45; Spark's 1 + 40·s with s = ln 4 agrees.
    assert np.isclose(1 + 40 * np.log1p(3 / 1.0), 56.4518, atol=1e-4)
    assert "not the confidence" in evaluate("12.1", lambda r, eps: 1 + 40 * np.log1p(r / eps)).message
    assert "leave α out" in evaluate("12.1", lambda r, eps: 40 * np.log1p(r / eps)).message
    assert "not log(r/ε)" in evaluate("12.1", lambda r, eps: np.log(r / eps)).message
    assert "one rating per count" in evaluate("12.1", lambda r, eps: 1.0).message
    assert evaluate("12.1", lambda r, eps: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def _reg(lam, train):
    n_u = np.diff(sp.csr_matrix(train).indptr)
    return lam / n_u[n_u > 0].mean()


def test_12_2_spark_reg():
    assert evaluate("12.2", _reg).status == "correct"
    # By hand: rows with 3, 0, 4, 1, 3 items → mean over the four users with plays 11/4; λ = 20 → 80/11.
    train = sp.csr_matrix(np.array([[3, 0, 1, 0, 7], [0] * 5, [1, 1, 1, 1, 0], [0, 2, 0, 0, 0], [5, 0, 0, 9, 1]]))
    assert np.isclose(_reg(20.0, train), 80 / 11)
    assert "who played something" in evaluate("12.2", lambda lam, t: lam / np.diff(t.indptr).mean()).message
    by_counts = evaluate("12.2", lambda lam, t: lam / np.asarray(t.sum(axis=1)).ravel()[np.diff(t.indptr) > 0].mean())
    assert "number of *items*" in by_counts.message
    assert "divide λ" in evaluate("12.2", lambda lam, t: lam * np.diff(t.indptr)[np.diff(t.indptr) > 0].mean()).message


def test_12_3_data_parallel():
    def right(b, n, lr, base):
        return b * n, lr * b * n / base

    assert evaluate("12.3", right).status == "correct"
    assert right(16, 4, 1e-3, 32) == (64, 2e-3)
    assert "synchronous step" in evaluate("12.3", lambda b, n, lr, base: (b, lr)).message
    assert "Scale it" in evaluate("12.3", lambda b, n, lr, base: (b * n, lr)).message
    assert "not by" in evaluate("12.3", lambda b, n, lr, base: (b * n, lr * n)).message
    assert "two numbers" in evaluate("12.3", lambda b, n, lr, base: b * n).message
