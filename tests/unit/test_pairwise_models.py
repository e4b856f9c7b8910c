"""BPR-MF and VBPR: the score and its gradient against numpy, the triplet sampler, and planted preferences.

The planted data give every item random features and every user a taste that is a linear function of them,
so an item's appeal is visible in its features: VBPR must rank items it never saw in training (cold start)
well above chance, while BPR-MF, which has only the feedback, cannot.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab.config import import_keras
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.losses import BPRLoss, bpr_loss
from cbrec_lab.metrics import evaluate_rankings
from cbrec_lab.models import BPRMF, VBPR, BPRTriplets, ranking_model, sample_triplets

keras = import_keras()
ops = keras.ops


# ----------------------------------------------------------------------------------------------------------
# numpy reference


def _weights(model) -> dict:
    """The model's weights as float64 numpy arrays, by name."""
    return {w.name: np.array(w.numpy(), dtype=np.float64) for w in model.weights}


def _np_scores(w: dict) -> np.ndarray:
    """x̂ of every user and item: β_i + γ_uᵀγ_i + θ_uᵀ(E f_i) + β′ᵀf_i (E stored d × K′)."""
    scores = np.broadcast_to(w["item_bias"], (len(w.get("user_factors", w.get("user_visual"))), len(w["item_bias"])))
    scores = scores.copy()
    if "user_factors" in w:
        scores += w["user_factors"] @ w["item_factors"].T
    if "item_features" in w:
        f = w["item_features"]
        scores += f @ w["visual_bias"]
        if "user_visual" in w:
            scores += w["user_visual"] @ (f @ w["visual_embedding"]).T
    return scores


def _np_objective(w: dict, u, i, j, reg: float, reg_visual: float) -> float:
    x = _np_scores(w)
    diff = x[u, i] - x[u, j]
    loss = np.mean(np.logaddexp(0.0, -diff))
    rows = w["item_bias"][i] ** 2 + w["item_bias"][j] ** 2
    rows = rows + (w["user_factors"][u] ** 2).sum(1) + (w["item_factors"][i] ** 2).sum(1)
    rows = rows + (w["item_factors"][j] ** 2).sum(1) + (w["user_visual"][u] ** 2).sum(1)
    shared = (w["visual_embedding"] ** 2).sum() + (w["visual_bias"] ** 2).sum()
    return loss + reg * rows.mean() + reg_visual * shared


def _tiny_vbpr(reg=0.05, reg_visual=0.02):
    rng = np.random.default_rng(3)
    features = rng.normal(size=(5, 3)).astype(np.float32)
    keras.utils.set_random_seed(0)
    model = ranking_model(
        4,
        5,
        n_factors=2,
        n_visual_factors=2,
        item_features=features,
        regularization=reg,
        visual_regularization=reg_visual,
    )
    # Non-zero biases and a larger E so that every term of the score matters in the checks.
    model.item_bias.assign(rng.normal(size=5).astype(np.float32))
    model.visual_bias.assign(rng.normal(size=3).astype(np.float32) * 0.5)
    model.visual_embedding.assign(rng.normal(size=(3, 2)).astype(np.float32))
    return model


TRIPLETS = (np.array([0, 1, 3, 0, 2, 1]), np.array([1, 0, 4, 2, 2, 3]), np.array([3, 4, 0, 0, 1, 2]))


def test_forward_and_scores_match_numpy():
    model = _tiny_vbpr()
    w = _weights(model)
    x = _np_scores(w)
    u, i, j = TRIPLETS
    diff = ops.convert_to_numpy(model((u, i, j)))
    np.testing.assert_allclose(diff, x[u, i] - x[u, j], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.score_items([3, 0, 2], batch_size=2), x[[3, 0, 2]], rtol=1e-5, atol=1e-5)
    objective = float(ops.convert_to_numpy(model.objective((u, i, j))))
    assert objective == pytest.approx(_np_objective(w, u, i, j, 0.05, 0.02), rel=1e-5)


def test_gradient_of_the_training_objective_matches_finite_differences():
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the gradient check uses tf.GradientTape")
    import tensorflow as tf

    reg, reg_visual = 0.05, 0.02
    model = _tiny_vbpr(reg, reg_visual)
    u, i, j = TRIPLETS
    loss_fn = BPRLoss()
    with tf.GradientTape() as tape:  # what fit minimises: the loss of the output plus the added penalty
        diff = model((u, i, j), training=True)
        total = loss_fn(np.zeros(len(u), np.float32), diff) + ops.sum(ops.stack(model.losses))
    grads = tape.gradient(total, model.trainable_weights)
    w = _weights(model)
    assert float(total) == pytest.approx(_np_objective(w, u, i, j, reg, reg_visual), rel=1e-5)
    assert len(model.trainable_weights) == 6  # β, γ_u, γ_i, θ, E, β′ (the features are not trainable)
    step = 1e-6
    for variable, grad in zip(model.trainable_weights, grads, strict=True):
        grad = np.asarray(ops.convert_to_numpy(ops.convert_to_tensor(grad)), dtype=np.float64)
        numeric = np.zeros_like(w[variable.name])
        for index in np.ndindex(numeric.shape):
            up, down = {k: v.copy() for k, v in w.items()}, {k: v.copy() for k, v in w.items()}
            up[variable.name][index] += step
            down[variable.name][index] -= step
            numeric[index] = (
                _np_objective(up, u, i, j, reg, reg_visual) - _np_objective(down, u, i, j, reg, reg_visual)
            ) / (2 * step)
        np.testing.assert_allclose(grad, numeric, rtol=1e-3, atol=1e-5, err_msg=variable.name)


def test_bpr_loss_is_a_stable_softplus():
    diff = np.array([-100.0, -3.0, 0.0, 2.0, 100.0], np.float32)
    per_triplet = ops.convert_to_numpy(bpr_loss(None, diff))
    np.testing.assert_allclose(per_triplet, np.logaddexp(0.0, -diff.astype(np.float64)), rtol=1e-6, atol=1e-30)
    assert float(ops.convert_to_numpy(BPRLoss()(np.zeros(5, np.float32), diff))) == pytest.approx(
        np.logaddexp(0.0, -diff.astype(np.float64)).mean(), rel=1e-6
    )
    again = keras.losses.deserialize(keras.losses.serialize(BPRLoss(name="bpr")))
    assert isinstance(again, BPRLoss) and again.name == "bpr"


# ----------------------------------------------------------------------------------------------------------
# sampler


def _random_feedback(seed=0, shape=(30, 40), density=0.2):
    rng = np.random.default_rng(seed)
    dense = rng.random(shape) < density
    dense[7, :-1] = True  # a user with a single negative item (the fallback path of the sampler)
    dense[8] = False  # a user without positives
    return sp.csr_matrix(dense.astype(np.float32) * 3.0)


def test_sampler_draws_positive_pairs_and_true_negatives():
    feedback = _random_feedback()
    positive = feedback.toarray() > 0
    u, i, j = sample_triplets(feedback, seed=5)
    assert u.shape == i.shape == j.shape == (feedback.nnz,) and u.dtype == np.int32
    assert positive[u, i].all()
    assert not positive[u, j].any()
    assert (j[u == 7] == 39).all() and (u == 7).any()
    assert not (u == 8).any()
    assert set(np.unique(j)) > {0, 39}  # negatives spread over the items
    for got, again in zip((u, i, j), sample_triplets(feedback, seed=5), strict=True):
        np.testing.assert_array_equal(got, again)
    assert not np.array_equal(j, sample_triplets(feedback, seed=6)[2])
    assert sample_triplets(feedback, 7, seed=0)[0].shape == (7,)


def test_sampler_respects_exclude_and_refuses_users_without_negatives():
    feedback = _random_feedback()
    more = sp.random(30, 40, density=0.3, random_state=1, format="csr")
    forbidden = (feedback.toarray() > 0) | (more.toarray() != 0)
    u, _, j = sample_triplets(feedback, 3000, exclude=more, seed=2)
    assert not forbidden[u, j].any()
    full = feedback.tolil()
    full[7, 39] = 1.0
    with pytest.raises(ParameterError, match="user 7 .*no negative item"):
        sample_triplets(full.tocsr())
    with pytest.raises(ParameterError, match="no positive"):
        sample_triplets(sp.csr_matrix((3, 4)))


def test_triplet_batches_are_seeded_and_resampled_every_epoch():
    feedback = _random_feedback()
    batches = BPRTriplets(feedback, batch_size=64, seed=1)
    assert len(batches) == int(np.ceil(feedback.nnz / 64))
    (u, i, j), y = batches[len(batches) - 1]
    assert len(u) == len(i) == len(j) == len(y) == feedback.nnz - 64 * (len(batches) - 1)
    first = batches[0][0][2].copy()
    np.testing.assert_array_equal(first, BPRTriplets(feedback, batch_size=64, seed=1)[0][0][2])
    batches.on_epoch_end()
    assert not np.array_equal(first, batches[0][0][2])
    fixed = BPRTriplets(feedback, batch_size=64, seed=1, resample=False)
    fixed.on_epoch_end()
    np.testing.assert_array_equal(first, fixed[0][0][2])


# ----------------------------------------------------------------------------------------------------------
# planted preferences


def _planted(seed=0, n_users=120, n_items=240, d=8, rank=3, n_positive=20, n_cold=80):
    """Users like the items with the highest w_uᵀf_i (+ noise); the cold items have no training feedback."""
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n_items, d)).astype(np.float32)
    tastes = rng.normal(size=(n_users, rank)) @ rng.normal(size=(rank, d))
    appeal = tastes @ features.T + 0.5 * rng.normal(size=(n_users, n_items))
    positive = np.zeros((n_users, n_items), bool)
    np.put_along_axis(positive, np.argsort(-appeal, axis=1)[:, :n_positive], True, axis=1)
    cold = np.zeros(n_items, bool)
    cold[rng.permutation(n_items)[:n_cold]] = True
    held_out = positive & (rng.random(positive.shape) < 0.25)
    train = positive & ~held_out & ~cold
    return features, sp.csr_matrix(train), held_out & ~cold, positive & cold, cold


@pytest.fixture(scope="module")
def planted_fits():
    features, train, warm_test, cold_test, cold = _planted()
    settings = dict(epochs=8, learning_rate=0.01, batch_size=128, seed=0)
    vbpr = VBPR(8, 4, **settings).fit(train, features, validation=sp.csr_matrix(warm_test))
    bprmf = BPRMF(8, **settings).fit(train)
    return features, train, warm_test, cold_test, cold, vbpr, bprmf


def _mean_auc(scores, relevant, exclude) -> float:
    return float(evaluate_rankings(scores, relevant, exclude=exclude, metrics=("auc",), k=1)["auc"].mean())


def test_vbpr_ranks_cold_start_items_by_their_features_and_bprmf_cannot(planted_fits):
    features, train, warm_test, cold_test, cold, vbpr, bprmf = planted_fits
    warm_items = np.broadcast_to(~cold, cold_test.shape)  # cold start: rank the cold items among themselves
    vbpr_cold = _mean_auc(vbpr.score(), cold_test, warm_items)
    bprmf_cold = _mean_auc(bprmf.score(), cold_test, warm_items)
    vbpr_all = _mean_auc(vbpr.score(), warm_test, train)  # all items: held-out positives of warm items
    bprmf_all = _mean_auc(bprmf.score(), warm_test, train)
    assert vbpr_cold > 0.75, vbpr_cold
    # BPR-MF has nothing to order the cold items by: chance level, up to the item-level noise of few items
    # shared by users of similar (rank-3) tastes.
    assert 0.3 < bprmf_cold < 0.6, bprmf_cold
    assert vbpr_all > 0.7 and bprmf_all > 0.7, (vbpr_all, bprmf_all)
    history = vbpr.history_
    assert list(history.index) == list(range(1, 9)) and {"loss", "val_loss"} <= set(history.columns)
    assert history["loss"].iloc[-1] < history["loss"].iloc[0] < np.log(2) + 0.05
    assert history["val_loss"].iloc[-1] < 0.5


def test_recommend_excludes_training_items_and_breaks_ties_by_index(planted_fits):
    features, train, *_, vbpr, bprmf = planted_fits
    top = vbpr.recommend([0, 5], k=10)
    assert top.shape == (2, 10) and top.dtype == np.int64
    for row, user in enumerate([0, 5]):
        assert not set(top[row]) & set(train[user].indices)
        scores = vbpr.score([user])[0]
        assert (np.diff(scores[top[row]]) <= 0).all()
    n_items = train.shape[1]
    assert set(bprmf.recommend([0], k=n_items, exclude_seen=False)[0]) == set(range(n_items))
    padded = bprmf.recommend([0], k=n_items)[0]
    assert (padded[n_items - train[0].nnz :] == -1).all() and (padded[: n_items - train[0].nnz] >= 0).all()
    assert (bprmf.seen_ != (train > 0)).nnz == 0


def test_scores_of_chosen_items_are_columns_of_all_scores(planted_fits):
    features, train, *_, vbpr, bprmf = planted_fits
    items = [7, 0, 3, 3]
    for model in (vbpr, bprmf):
        np.testing.assert_allclose(model.score([2, 4], items), model.score([2, 4])[:, items], rtol=1e-6, atol=1e-6)
    with pytest.raises(ParameterError, match="either items .* or new_item_features"):
        vbpr.score([0], [1], new_item_features=features[:2])


def test_new_items_are_scored_from_their_features(planted_fits):
    features, train, *_, vbpr, bprmf = planted_fits
    w = _weights(vbpr.model_)
    users = [0, 3, 9]
    new = vbpr.score(users, new_item_features=features[:7])
    expected = features[:7] @ w["visual_bias"] + w["user_visual"][users] @ (features[:7] @ w["visual_embedding"]).T
    np.testing.assert_allclose(new, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(vbpr.score(users), _np_scores(w)[users], rtol=1e-4, atol=1e-4)


def test_same_seed_same_model_and_visual_only_variant():
    features, train, *_ = _planted(n_users=40, n_items=50, n_cold=5, n_positive=8)
    first = VBPR(0, 3, epochs=1, batch_size=64, seed=4).fit(train, features)
    second = VBPR(0, 3, epochs=1, batch_size=64, seed=4).fit(train, features)
    np.testing.assert_allclose(first.score(), second.score(), rtol=1e-6, atol=1e-6)
    assert first.model_.user_factors is None and first.score().shape == (40, 50)
    assert "n_factors=0" in repr(first)


# ----------------------------------------------------------------------------------------------------------
# bad input


def test_bad_input_is_refused_with_a_parameter_error():
    features, train, *_ = _planted(n_users=20, n_items=30, n_cold=3, n_positive=5)
    with pytest.raises(ParameterError, match=r"one row per item.*\(30, d\).*\(29, 8\)"):
        VBPR(epochs=1).fit(train, features[:29])
    with pytest.raises(ParameterError, match="needs item_features"):
        VBPR(epochs=1).fit(train, None)
    with pytest.raises(ParameterError, match="n_factors must be a non-negative integer, got -1"):
        BPRMF(-1)
    with pytest.raises(ParameterError, match="n_visual_factors"):
        VBPR(4, 2.5)
    with pytest.raises(ParameterError, match="learning_rate must be a positive"):
        BPRMF(learning_rate=0)
    with pytest.raises(ParameterError, match="no positive entry"):
        BPRMF(epochs=1).fit(sp.csr_matrix((20, 30)))
    with pytest.raises(ParameterError, match="non-empty"):
        BPRMF(epochs=1).fit(np.zeros((0, 3)))
    with pytest.raises(ParameterError, match=r"shape \(20, 31\)"):
        BPRMF(epochs=1).fit(train, n_items=31)
    with pytest.raises(ParameterError, match="not fitted"):
        BPRMF().score()
    with pytest.raises(ParameterError, match="needs item_features"):
        ranking_model(3, 4, n_factors=2, n_visual_factors=2)
