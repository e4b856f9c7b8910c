import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab.cf import WMF, confidence
from cbrec_lab.exceptions import ParameterError


def test_confidence_by_hand():
    plays = sp.csr_matrix(np.array([[0, 1, 3], [7, 0, 0]]))
    log = confidence(plays, alpha=2.0, epsilon=0.5)
    expected = [[0, 1 + 2 * np.log(3), 1 + 2 * np.log(7)], [1 + 2 * np.log(15), 0, 0]]
    np.testing.assert_allclose(log.toarray(), expected, rtol=1e-6)
    linear = confidence(plays, alpha=2.0, kind="linear")
    np.testing.assert_allclose(linear.toarray(), [[0, 3, 7], [15, 0, 0]])
    assert log.nnz == 3 and log.dtype == np.float32


@pytest.mark.parametrize("kwargs, message", [({"kind": "sqrt"}, "'log' or 'linear'"), ({"alpha": 0}, "positive")])
def test_confidence_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        confidence(sp.csr_matrix(np.ones((2, 2))), **kwargs)


def test_negative_counts_are_refused():
    with pytest.raises(ParameterError, match="non-negative"):
        confidence(sp.csr_matrix(np.array([[1.0, -2.0]])))


def _blocks(rng):
    """Two taste groups: users 0–29 play items 0–9, users 30–59 play items 10–19."""
    plays = np.zeros((60, 20))
    plays[:30, :10] = rng.poisson(3, (30, 10)) * (rng.random((30, 10)) < 0.6)
    plays[30:, 10:] = rng.poisson(3, (30, 10)) * (rng.random((30, 10)) < 0.6)
    return sp.csr_matrix(plays)


def test_wmf_solves_the_weighted_objective():
    plays = _blocks(np.random.default_rng(0))
    model = WMF(n_factors=4, regularization=0.1, iterations=40, alpha=10.0, seed=3).fit(plays)
    x, y = model.user_factors_.astype(float), model.item_factors_.astype(float)
    c = confidence(plays, alpha=10.0).toarray()
    c[c == 0] = 1.0
    p = (plays.toarray() > 0).astype(float)
    # the last ALS half-step solves, for every item i, (Xᵀ C_i X + λ I) y_i = Xᵀ C_i p_i
    residuals = []
    for i in range(y.shape[0]):
        a = x.T @ (c[:, i, None] * x) + 0.1 * np.eye(4)
        b = x.T @ (c[:, i] * p[:, i])
        residuals.append(np.linalg.norm(a @ y[i] - b) / np.linalg.norm(b))
    assert max(residuals) < 0.05
    loss = (c * (p - x @ y.T) ** 2).sum()
    assert loss < 0.25 * (c * p**2).sum(), "the factors explain most of the weighted preferences"


def test_wmf_is_reproducible_and_finds_the_groups():
    plays = _blocks(np.random.default_rng(1))
    first = WMF(n_factors=2, iterations=15, seed=7).fit(plays)
    again = WMF(n_factors=2, iterations=15, seed=7).fit(plays)
    np.testing.assert_array_equal(first.item_factors_, again.item_factors_)
    neighbours, cosines = first.similar_items(2, n=5)
    assert set(neighbours) <= set(range(10)) and 2 not in neighbours, "two factors, two taste groups"
    assert np.all(np.diff(cosines) <= 0)
    scores = first.score([0, 45])
    assert scores.shape == (2, 20)
    assert scores[0, :10].mean() > scores[0, 10:].mean() and scores[1, 10:].mean() > scores[1, :10].mean()


def test_unfitted_and_bad_inputs():
    with pytest.raises(ParameterError, match="not fitted"):
        WMF().score()
    model = WMF(n_factors=2, iterations=2).fit(_blocks(np.random.default_rng(2)))
    with pytest.raises(ParameterError, match="0–19"):
        model.similar_items(20)


@pytest.mark.parametrize("kwargs", [{"n_factors": 0}, {"n_factors": -2}, {"n_factors": 2.5}, {"iterations": 0}])
def test_wmf_refuses_non_positive_sizes_at_construction(kwargs):
    name, value = next(iter(kwargs.items()))
    with pytest.raises(ParameterError, match=f"{name} must be a positive integer, got {value!r}"):
        WMF(**kwargs)


def test_wmf_scores_refuse_out_of_range_users():
    model = WMF(n_factors=2, iterations=1).fit(sp.csr_matrix(np.eye(4)))
    np.testing.assert_allclose(model.score([3]), model.score()[3:4])
    for users in ([-1], [4], [0, 7]):
        with pytest.raises(ParameterError, match=r"users must be user row indices 0–3") as info:
            model.score(users)
        assert str(max(users, key=abs)) in str(info.value)
    with pytest.raises(ParameterError, match="integer"):
        model.score([0.5])
