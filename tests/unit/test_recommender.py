"""The recommender interface (cbrec_lab.recommender) on every model that implements it."""

import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab.cf import WMF
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.ranking import rank_items
from cbrec_lab.recommend import ContentRecommender, HybridRecommender, content_scores, hybrid_scores
from cbrec_lab.recommender import Recommender

# Six users, eight items: users 0–2 like items 0–3, users 3–5 items 4–7 (user 5 has every item but one).
PLAYS = sp.csr_matrix(
    np.array(
        [
            [3, 1, 0, 0, 0, 0, 0, 0],
            [0, 2, 5, 0, 0, 0, 0, 0],
            [1, 0, 0, 4, 0, 1, 0, 0],
            [0, 0, 0, 0, 2, 2, 0, 0],
            [0, 0, 0, 0, 0, 1, 3, 0],
            [1, 1, 1, 0, 2, 1, 1, 1],
        ],
        dtype=float,
    )
)
# Two visual directions, one per taste group, plus noise.
FEATURES = np.array([[1.0, 0.1], [0.9, 0.0], [1.0, 0.3], [0.8, 0.2], [0.1, 1.0], [0.0, 0.9], [0.2, 1.0], [0.3, 0.8]])


def _bprmf():
    from cbrec_lab.models import BPRMF

    return BPRMF(3, epochs=2, batch_size=4, seed=1).fit(PLAYS)


def _vbpr():
    from cbrec_lab.models import VBPR

    return VBPR(2, 2, epochs=2, batch_size=4, seed=1).fit(PLAYS, FEATURES)


FACTORIES = {
    "WMF": lambda: WMF(n_factors=2, iterations=3, seed=0).fit(PLAYS),
    "BPRMF": _bprmf,
    "VBPR": _vbpr,
    "content": lambda: ContentRecommender(FEATURES, aggregation="top_k", n_similar=2).fit(PLAYS),
    "hybrid": lambda: HybridRecommender(
        {"wmf": WMF(n_factors=2, iterations=3, seed=0), "content": ContentRecommender(FEATURES)},
        {"wmf": 0.5, "content": 0.5},
    ).fit(PLAYS),
}


@pytest.fixture(scope="module", params=list(FACTORIES))
def fitted(request):
    return request.param, FACTORIES[request.param]()


def test_fit_returns_self_and_remembers_what_it_saw(fitted):
    name, model = fitted
    assert isinstance(model, Recommender)
    assert model.seen_.dtype == bool and (model.seen_ != (PLAYS > 0)).nnz == 0
    assert (model.n_users, model.n_items) == PLAYS.shape


def test_score_shapes_with_and_without_items(fitted):
    _, model = fitted
    full = model.score()
    assert full.shape == PLAYS.shape and np.issubdtype(full.dtype, np.floating) and np.isfinite(full).all()
    assert model.score([4, 0]).shape == (2, 8)
    assert model.score(3).shape == (1, 8)
    assert model.score([1, 2], [7, 0, 0]).shape == (2, 3)
    np.testing.assert_allclose(model.score([4, 0]), full[[4, 0]], rtol=1e-5, atol=1e-6)


def test_scores_of_chosen_items_are_the_columns_of_all_scores(fitted):
    name, model = fitted
    if name == "hybrid":
        pytest.skip("a hybrid normalises over the items it scores (tested below)")
    items = [7, 0, 3]
    np.testing.assert_allclose(model.score([1, 5], items), model.score([1, 5])[:, items], rtol=1e-5, atol=1e-6)


def test_recommend_excludes_seen_items_and_ranks_by_score(fitted):
    _, model = fitted
    users = np.arange(PLAYS.shape[0])
    top = model.recommend(k=3)
    assert top.shape == (6, 3) and top.dtype == np.int64
    scores = model.score()
    for user in users:
        seen = PLAYS[user].indices
        expected = rank_items(scores[user], k=3, exclude=seen)
        np.testing.assert_array_equal(top[user][: expected.size], expected)
        assert (top[user][expected.size :] == -1).all()
    assert (model.recommend([5], k=3)[0] == [3, -1, -1]).all(), "user 5 has one unseen item"
    everything = model.recommend([5], k=8, exclude_seen=False)[0]
    assert sorted(everything) == list(range(8))
    np.testing.assert_array_equal(model.recommend([2, 0], k=2), top[[2, 0], :2])


@pytest.mark.parametrize("k", [0, -1])
def test_recommend_refuses_non_positive_k(fitted, k):
    _, model = fitted
    with pytest.raises(ParameterError, match=f"k must be a positive integer, got {k}"):
        model.recommend([0], k=k)


@pytest.mark.parametrize("k", [2.0, True, "3"])
def test_recommend_refuses_k_that_is_not_an_integer(fitted, k):
    _, model = fitted
    with pytest.raises(ParameterError, match="k must be a positive integer"):
        model.recommend([0], k=k)


@pytest.mark.parametrize(
    "users, items, message",
    [
        ([6], None, "users must be user row indices 0–5"),
        ([-1], None, "negative indices are not allowed"),
        ([0.5], None, "users must be integer user row indices"),
        ([[0, 1]], None, "1-D sequence"),
        ([0], [8], "items must be item column indices 0–7"),
        ([0], [True], "items must be integer"),
    ],
)
def test_score_refuses_indices_outside_the_fitted_matrix(fitted, users, items, message):
    _, model = fitted
    with pytest.raises(ParameterError, match=message):
        model.score(users, items)


def test_unfitted_models_say_so():
    from cbrec_lab.models import BPRMF

    for model in (WMF(), BPRMF(), ContentRecommender(FEATURES), HybridRecommender({"a": WMF()}, {"a": 1.0})):
        with pytest.raises(ParameterError, match="not fitted yet"):
            model.score()
        with pytest.raises(ParameterError, match="not fitted yet"):
            model.recommend([0], k=1)


# ------------------------------------------------------------------------------------------ same numbers as before
def test_wmf_scores_are_the_factor_products():
    model = FACTORIES["WMF"]()
    np.testing.assert_allclose(model.score(), model.user_factors_ @ model.item_factors_.T)
    np.testing.assert_allclose(model.score([2], [1, 6]), model.user_factors_[[2]] @ model.item_factors_[[1, 6]].T)


def test_pairwise_scores_are_the_networks_scores():
    for model in (_bprmf(), _vbpr()):
        np.testing.assert_allclose(model.score(), model.model_.score_items(np.arange(6)))


def test_content_recommender_gives_content_scores_and_a_hand_made_list():
    model = ContentRecommender(FEATURES, aggregation="max").fit(PLAYS)
    np.testing.assert_allclose(model.score(), content_scores(PLAYS, FEATURES, aggregation="max"))
    # user 3 has items 4 and 5; the other visual group's items are the least similar
    unit = FEATURES / np.linalg.norm(FEATURES, axis=1, keepdims=True)
    by_hand = (unit @ unit[[4, 5]].T).max(axis=1)
    np.testing.assert_allclose(model.score([3])[0], by_hand)
    assert model.recommend([3], k=3)[0].tolist() == [6, 7, 2]
    average = ContentRecommender(FEATURES, aggregation="top_k", n_similar=2).fit(PLAYS)
    np.testing.assert_allclose(average.score(), content_scores(PLAYS, FEATURES, aggregation="top_k", k=2))


def test_hybrid_recommender_is_hybrid_scores_of_its_components():
    wmf, content = WMF(n_factors=2, iterations=3, seed=0), ContentRecommender(FEATURES)
    hybrid = HybridRecommender({"wmf": wmf, "content": content}, {"wmf": 0.25, "content": 0.75}).fit(PLAYS)
    parts = {"wmf": wmf.score(), "content": content.score()}
    np.testing.assert_allclose(hybrid.score(), hybrid_scores(parts, {"wmf": 0.25, "content": 0.75}))
    subset = [1, 4, 6]
    on_subset = hybrid_scores({n: s[:, subset] for n, s in parts.items()}, {"wmf": 0.25, "content": 0.75})
    np.testing.assert_allclose(hybrid.score(items=subset), on_subset)


def test_hybrid_takes_fitted_components_without_refitting():
    vbpr = _vbpr()
    content = ContentRecommender(FEATURES).fit(PLAYS)
    hybrid = HybridRecommender({"vbpr": vbpr, "content": content}, {"vbpr": 1.0, "content": 1.0})
    before = vbpr.score()
    hybrid.fit(PLAYS, refit=False)
    np.testing.assert_array_equal(vbpr.score(), before)
    assert hybrid.recommend(k=2).shape == (6, 2)
    with pytest.raises(ParameterError, match="component 'content' must be fitted on .* shape \\(6, 8\\)"):
        HybridRecommender({"content": ContentRecommender(FEATURES)}, {"content": 1.0}).fit(PLAYS, refit=False)
    with pytest.raises(ParameterError, match="shape \\(6, 8\\).*got shape \\(2, 8\\)"):
        HybridRecommender({"content": content.fit(PLAYS[:2])}, {"content": 1.0}).fit(PLAYS, refit=False)


def test_bad_recommender_parameters_are_refused():
    with pytest.raises(ParameterError, match="aggregation must be one of"):
        ContentRecommender(FEATURES, aggregation="median")
    with pytest.raises(ParameterError, match="n_similar must be a positive integer"):
        ContentRecommender(FEATURES, n_similar=0)
    with pytest.raises(ParameterError, match="features must be a 2-D"):
        ContentRecommender(FEATURES[0])
    with pytest.raises(ParameterError, match="item_features has 8 row"):
        ContentRecommender(FEATURES).fit(PLAYS[:, :5])
    with pytest.raises(ParameterError, match="every component must be a cbrec_lab Recommender"):
        HybridRecommender({"a": content_scores}, {"a": 1.0})
    with pytest.raises(ParameterError, match="non-empty mapping"):
        HybridRecommender({}, {})
    with pytest.raises(ParameterError, match="not among"):
        HybridRecommender({"a": WMF()}, {"b": 1.0})
    with pytest.raises(ParameterError, match="method must be one of"):
        HybridRecommender({"a": WMF()}, {"a": 1.0}, method="rank")


def test_a_subclass_needs_only_fit_and_score():
    class Constant(Recommender):
        def fit(self, interactions):
            self._remember(interactions)
            return self

        def _score(self, users, items):
            return np.broadcast_to(-items.astype(float), (users.size, items.size))

    model = Constant().fit(PLAYS)
    assert model.recommend([0, 5], k=2).tolist() == [[2, 3], [3, -1]], "ties of the base class: lower index first"
    with pytest.raises(NotImplementedError, match="must implement fit"):
        Recommender().fit(PLAYS)
