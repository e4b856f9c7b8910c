"""The checkers of lesson 08 accept the right answers and explain the usual mistakes."""

import numpy as np
import pandas as pd

from cbrec_lab.exercises import evaluate


def _fa(profile, candidates):
    counts = pd.Series(profile).value_counts()
    return np.array([counts.get(a, 0) / len(profile) for a in candidates])


def test_08_1_favourite_artist():
    assert evaluate("08.1", _fa).status == "correct"
    assert _fa(["A", "A", "B"], ["A", "B", "C"]).tolist() == [2 / 3, 1 / 3, 0.0]
    counts = evaluate("08.1", lambda p, c: np.array([p.count(a) for a in c]))
    assert counts.status == "incorrect" and "shares" in counts.message
    member = evaluate("08.1", lambda p, c: np.array([float(a in p) for a in c]))
    assert "count the purchases" in member.message
    assert evaluate("08.1", lambda p, c: _fa(p, c)[:-1]).status == "incorrect"
    assert evaluate("08.1", "A").status == "incorrect"
    assert evaluate("08.1", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def test_08_2_available_items():
    def right(upload, sale, t):
        return np.asarray((pd.to_datetime(upload) <= t) & ~(pd.to_datetime(sale) < t))

    assert evaluate("08.2", right).status == "correct"
    not_strict = evaluate("08.2", lambda u, s, t: np.asarray((u <= t) & ~(s <= t)))
    assert not_strict.status == "incorrect" and "exactly at t" in not_strict.message
    ignores_sales = evaluate("08.2", lambda u, s, t: np.asarray(u <= t))
    assert "sold before" in ignores_sales.message
    ignores_upload = evaluate("08.2", lambda u, s, t: np.asarray(~(s < t)))
    assert "uploaded after" in ignores_upload.message
    drops_unsold = evaluate("08.2", lambda u, s, t: np.asarray((u <= t) & (s >= t)))
    assert "NaT" in drops_unsold.message
    assert evaluate("08.2", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"
