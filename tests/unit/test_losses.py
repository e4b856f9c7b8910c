import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab.cf import confidence
from cbrec_lab.checks import ParameterTypeError
from cbrec_lab.exceptions import ParameterError
from cbrec_lab.losses import LOSSES, CosineLoss, MCOSLoss, WPELoss, direction_spread, get, keras, wpe_targets

ops = keras.ops


def _value(loss, y_true, y_pred):
    return float(ops.convert_to_numpy(loss(np.asarray(y_true, np.float32), np.asarray(y_pred, np.float32))))


def _per_sample(loss, y_true, y_pred):
    return ops.convert_to_numpy(loss.call(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)))


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _needs_tensorflow():
    if keras.backend.backend() != "tensorflow":
        pytest.skip("gradient checks use tf.GradientTape")
    import tensorflow as tf

    return tf


def _gradient(loss, y_true, y_pred):
    tf = _needs_tensorflow()
    y = tf.Variable(np.asarray(y_pred, np.float32))
    with tf.GradientTape() as tape:
        value = loss(np.asarray(y_true, np.float32), y)
    return tape.gradient(value, y).numpy()


# ----------------------------------------------------------------------------------------------------------
# MSE and COS


def test_mse_by_name_is_the_mean_squared_error():
    rng = np.random.default_rng(0)
    t, p = rng.normal(size=(7, 5)), rng.normal(size=(7, 5))
    assert isinstance(get("mse"), keras.losses.MeanSquaredError)
    assert _value(get("MSE"), t, p) == pytest.approx(np.mean((t - p) ** 2), rel=1e-5)


def test_cosine_loss_is_one_minus_the_cosine():
    rng = np.random.default_rng(1)
    t, p = rng.normal(size=(9, 6)), rng.normal(size=(9, 6))
    cosines = np.sum(_unit(t) * _unit(p), axis=1)
    np.testing.assert_allclose(_per_sample(CosineLoss(), t, p), 1 - cosines, atol=1e-6)
    assert _value(CosineLoss(), t, p) == pytest.approx(np.mean(1 - cosines), abs=1e-6)
    keras_value = _value(keras.losses.CosineSimilarity(), t, p)  # keras returns −cos
    assert _value(get("cos"), t, p) == pytest.approx(1 + keras_value, abs=1e-6)
    assert _value(CosineLoss(), t, 3 * t) == pytest.approx(0, abs=1e-6)
    assert _value(CosineLoss(), t, -t) == pytest.approx(2, abs=1e-6)


def test_cosine_loss_of_a_zero_vector_is_finite():
    t = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    p = np.array([[0.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    np.testing.assert_allclose(_per_sample(CosineLoss(), t, p), [1.0, 0.0], atol=1e-6)
    assert np.isfinite(_per_sample(MCOSLoss(), t, p)).all()
    assert np.isfinite(_gradient(CosineLoss(), t, p)).all()
    assert np.isfinite(_gradient(MCOSLoss(), t, p)).all()


def test_half_precision_predictions_are_computed_in_float32():
    rng = np.random.default_rng(2)
    t, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    for loss in (CosineLoss(), MCOSLoss()):
        out = loss.call(ops.convert_to_tensor(t, "float32"), ops.convert_to_tensor(p, "float16"))
        assert keras.backend.standardize_dtype(out.dtype) == "float32"
        np.testing.assert_allclose(ops.convert_to_numpy(out), _per_sample(loss, t, p), atol=2e-3)


# ----------------------------------------------------------------------------------------------------------
# MCOS


def _mcos_reference(y_true, y_pred, numerator):
    """The thesis's algorithm, literally: S = cosines, S2 = S + 1, M[k] = N[k, k] / Σ_i S2[i, k]."""
    n = len(y_true)
    s = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s[i, j] = y_true[i] @ y_pred[j] / (np.linalg.norm(y_true[i]) * np.linalg.norm(y_pred[j]))
    s2 = s + 1
    m = np.empty(n)
    for k in range(n):
        column = sum(s2[i, k] for i in range(n))
        m[k] = (s[k, k] if numerator == "S" else s2[k, k]) / column
    return m.mean()


def test_mcos_by_hand():
    y_true = [[1.0, 0.0], [0.0, 1.0]]
    y_pred = [[1.0, 0.0], [1.0, 1.0]]
    # S[i, j] = cos(t_i, p_j) = [[1, 1/√2], [0, 1/√2]];  column sums of S2 = S + 1: [3, 2 + √2]
    # numerator S:  M = [1/3, (1/√2) / (2 + √2)] = [1/3, (√2 − 1)/2]
    # numerator S2: M = [2/3, (1 + 1/√2) / (2 + √2)] = [2/3, 1/2]
    r = np.sqrt(2)
    assert _value(MCOSLoss(), y_true, y_pred) == pytest.approx(-(1 / 3 + (r - 1) / 2) / 2, abs=1e-6)
    assert _value(MCOSLoss("S2"), y_true, y_pred) == pytest.approx(-7 / 12, abs=1e-6)
    np.testing.assert_allclose(_per_sample(MCOSLoss("S2"), y_true, y_pred), [-2 / 3, -1 / 2], atol=1e-6)


@pytest.mark.parametrize("numerator", ["S", "S2"])
def test_mcos_matches_the_thesis_algorithm(numerator):
    rng = np.random.default_rng(3)
    for _ in range(3):
        t, p = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
        expected = _mcos_reference(t, p, numerator)
        assert _value(MCOSLoss(numerator), t, p) == pytest.approx(-expected, abs=1e-6)
        assert _value(get("mcos", numerator=numerator), t, p) == pytest.approx(-expected, abs=1e-6)


def test_mcos_gives_no_credit_for_collapse():
    rng = np.random.default_rng(4)
    n = 8
    targets = rng.normal(size=(n, 5)) + [3.0, 0, 0, 0, 0]  # clustered: they share a dominant direction
    mean_direction = _unit(targets).sum(axis=0)
    collapsed = np.tile(mean_direction, (n, 1))
    assert _value(CosineLoss(), targets, collapsed) < 0.25, "COS rewards predicting the mean direction"
    for v in [mean_direction, *rng.normal(size=(3, 5))]:
        assert _value(MCOSLoss("S2"), targets, np.tile(v, (n, 1))) == pytest.approx(-1 / n, abs=1e-6)
    # numerator S: collapse scores at most m / (n (n + m)) ≤ 1/(2n), m = ‖Σ unit targets‖
    m = np.linalg.norm(mean_direction)
    assert -_value(MCOSLoss("S"), targets, collapsed) <= m / (n * (n + m)) + 1e-6 <= 1 / (2 * n) + 1e-6


@pytest.mark.parametrize("numerator", ["S", "S2"])
def test_mcos_prefers_a_perfect_prediction_to_a_collapsed_one(numerator):
    rng = np.random.default_rng(5)
    n = 6
    targets = rng.normal(size=(n, 10))
    collapsed = np.tile(_unit(targets).sum(axis=0), (n, 1))
    perfect = _value(MCOSLoss(numerator), targets, 2 * targets)
    assert perfect < _value(MCOSLoss(numerator), targets, collapsed) - 0.02
    m2 = np.linalg.norm(_unit(targets).sum(axis=0)) ** 2
    bound = 2 * n / (n**2 + m2) if numerator == "S2" else n / (n**2 + m2)
    assert -perfect >= bound - 1e-6
    orthogonal = np.eye(n, 10)
    expected = 2 / (n + 1) if numerator == "S2" else 1 / (n + 1)
    assert _value(MCOSLoss(numerator), orthogonal, orthogonal) == pytest.approx(-expected, abs=1e-6)


@pytest.mark.parametrize("numerator", ["S", "S2"])
def test_mcos_gradient_matches_finite_differences(numerator):
    rng = np.random.default_rng(6)
    t, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    gradient = _gradient(MCOSLoss(numerator), t, p)

    def value(y):
        return -_mcos_reference(t, y, numerator)

    h = 1e-5
    numeric = np.zeros_like(p)
    for index in np.ndindex(*p.shape):
        step = np.zeros_like(p)
        step[index] = h
        numeric[index] = (value(p + step) - value(p - step)) / (2 * h)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-3, atol=1e-4)


def test_mcos_rejects_an_unknown_numerator():
    with pytest.raises(ParameterError, match="numerator must be one of"):
        MCOSLoss("S3")
    with pytest.raises(ParameterError, match="'S2'"):
        get("mcos", numerator="s2")


# ----------------------------------------------------------------------------------------------------------
# WPE


def _problem(seed=7, n_users=30, n_items=8, d=5):
    rng = np.random.default_rng(seed)
    plays = sp.csr_matrix(rng.poisson(2, (n_users, n_items)) * (rng.random((n_users, n_items)) < 0.3))
    weights = confidence(plays, alpha=10.0, epsilon=0.5)
    x = rng.normal(scale=0.5, size=(n_users, d))
    return x, weights


def _dense_wpe(x, weights, y):
    """Σ_u c_ui (p_ui − x_uᵀ y_i)² per item over all users; c = 1 and p = 0 off the observed pairs."""
    c = weights.toarray().astype(float)
    p = (c > 0).astype(float)
    c[c == 0] = 1.0
    return np.sum(c * (p - x @ y.T) ** 2, axis=0)


def _unpack(targets, d):
    return targets[:, : d * d].reshape(-1, d, d).astype(float), targets[:, d * d : d * d + d].astype(float)


def test_wpe_loss_equals_the_weighted_prediction_error():
    x, weights = _problem()
    targets = wpe_targets(x, weights)
    assert targets.shape == (8, 5 * 5 + 5 + 1) and targets.dtype == np.float32
    rng = np.random.default_rng(8)
    for scale in (1.0, 30):
        loss = WPELoss(factors=5, scale=scale)
        for _ in range(3):
            y = rng.normal(size=(8, 5))
            expected = _dense_wpe(x, weights, y) / scale
            np.testing.assert_allclose(_per_sample(loss, targets, y), expected, rtol=1e-4)
            assert _value(loss, targets, y) == pytest.approx(expected.mean(), rel=1e-4)
    assert _value(get("wpe", factors=5, scale=30), targets, y) == pytest.approx(expected.mean(), rel=1e-4)


def test_wpe_minimiser_is_the_als_item_update():
    x, weights = _problem()
    targets = wpe_targets(x, weights)
    a, b = _unpack(targets, 5)
    best = np.linalg.solve(a, b[:, :, None])[:, :, 0]
    # independent reference: weighted least squares of p_ui on x_u with weights c_ui, for each item
    c = weights.toarray().astype(float)
    p = (c > 0).astype(float)
    c[c == 0] = 1.0
    for i in range(8):
        w = np.sqrt(c[:, i])
        reference = np.linalg.lstsq(w[:, None] * x, w * p[:, i], rcond=None)[0]
        np.testing.assert_allclose(best[i], reference, rtol=1e-4, atol=1e-5)
    loss = WPELoss(factors=5, scale=30)
    lowest = _per_sample(loss, targets, best)
    np.testing.assert_allclose(lowest, _dense_wpe(x, weights, best) / 30, rtol=1e-3)
    rng = np.random.default_rng(9)
    for size in (1e-2, 1e-1, 1.0):
        worse = _per_sample(loss, targets, best + size * rng.normal(size=best.shape))
        assert (worse > lowest).all()


def test_wpe_gradient_is_the_normal_equations_residual():
    x, weights = _problem()
    targets = wpe_targets(x, weights)
    a, b = _unpack(targets, 5)
    y = np.random.default_rng(10).normal(size=(8, 5))
    loss = WPELoss(factors=5, scale=30)
    expected = 2 * (np.einsum("nij,nj->ni", a, y) - b) / 30 / 8  # / 8: the mean over the batch
    np.testing.assert_allclose(_gradient(loss, targets, y), expected, rtol=1e-4, atol=1e-6)
    best = np.linalg.solve(a, b[:, :, None])[:, :, 0]
    np.testing.assert_allclose(_gradient(loss, targets, best), 0, atol=1e-5)


def test_wpe_targets_match_per_item_loops():
    x, weights = _problem(seed=11)
    c = weights.toarray().astype(float)
    targets = wpe_targets(x, weights)
    for i in range(c.shape[1]):
        a, b, k = np.zeros((5, 5)), np.zeros(5), 0.0
        for u in range(c.shape[0]):
            c_ui, p_ui = (c[u, i], 1.0) if c[u, i] > 0 else (1.0, 0.0)
            a += c_ui * np.outer(x[u], x[u])
            b += c_ui * p_ui * x[u]
            k += c_ui * p_ui**2
        np.testing.assert_allclose(targets[i], np.concatenate([a.ravel(), b, [k]]), rtol=1e-5, atol=1e-5)


def test_wpe_targets_chunked_and_dense_inputs_agree():
    x, weights = _problem(seed=12, n_users=23)
    whole = wpe_targets(x, weights)
    for max_elements in (1, 60, 26 * 25):  # 1 user, 2 users, 26 users (everything) per chunk
        np.testing.assert_allclose(wpe_targets(x, weights, max_elements=max_elements), whole, rtol=1e-6)
    np.testing.assert_allclose(wpe_targets(x.tolist(), weights.toarray()), whole, rtol=1e-6)


@pytest.mark.parametrize(
    "factors, matrix, kwargs, message",
    [
        (np.ones((4, 2)), sp.csr_matrix(np.ones((5, 3))), {}, "confidence has 5 users .* user_factors has 4"),
        (np.ones((4, 2)), np.ones((4, 3, 1)), {}, "2-D"),
        (np.ones(4), np.ones((4, 3)), {}, "user_factors must be a non-empty 2-D"),
        (np.full((4, 2), np.nan), np.ones((4, 3)), {}, "finite"),
        (np.ones((4, 2)), np.full((4, 3), 0.5), {}, "≥ 1"),
        (np.ones((4, 2)), np.ones((4, 3)), {"max_elements": 0}, "max_elements"),
    ],
)
def test_wpe_targets_reject_bad_inputs(factors, matrix, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        wpe_targets(factors, matrix, **kwargs)


def test_wpe_loss_rejects_bad_parameters_and_shapes():
    with pytest.raises(ParameterError, match="positive integer"):
        WPELoss(factors=0)
    with pytest.raises(ParameterTypeError, match=r"factors must be a positive integer, got 3\.0 of type float"):
        WPELoss(factors=3.0)
    with pytest.raises(ParameterError, match="positive finite"):
        WPELoss(factors=3, scale=0)
    with pytest.raises(ParameterError, match="13 columns"):
        WPELoss(factors=3)(np.ones((2, 12), np.float32), np.ones((2, 3), np.float32))
    with pytest.raises(ParameterError, match="factors=3 columns"):
        WPELoss(factors=3)(np.ones((2, 13), np.float32), np.ones((2, 4), np.float32))


def test_wpe_loss_trains_item_factors_to_the_als_solution():
    x, weights = _problem()
    targets = wpe_targets(x, weights)
    a, b = _unpack(targets, 5)
    best = np.linalg.solve(a, b[:, :, None])[:, :, 0]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(5, use_bias=False)])  # row i = y_i
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=get("wpe", factors=5, scale=30))
    steps = 400  # one epoch of 400 full batches: much faster than 400 epochs
    inputs, outputs = np.tile(np.eye(8, dtype=np.float32), (steps, 1)), np.tile(targets, (steps, 1))
    model.fit(inputs, outputs, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(model.predict(np.eye(8), verbose=0), best, atol=1e-3)


# ----------------------------------------------------------------------------------------------------------
# direction_spread: the collapse diagnostic of COS against MCOS


def test_direction_spread_by_hand():
    assert direction_spread([[1.0, 0.0], [2.0, 0.0], [0.5, 0.0]]) == 0.0  # one direction: collapsed
    assert direction_spread([[1.0, 0.0], [-3.0, 0.0]]) == pytest.approx(1.0)  # opposite: the mean is 0
    # orthogonal unit vectors e1, e2: mean (1/2, 1/2), length √2/2
    assert direction_spread([[2.0, 0.0], [0.0, 5.0]]) == pytest.approx(1 - np.sqrt(2) / 2)
    assert direction_spread([[3.0, 4.0]]) == 0.0  # one vector


def test_direction_spread_ignores_lengths_and_sees_a_collapse():
    rng = np.random.default_rng(0)
    spread = rng.normal(size=(500, 16))
    collapsed = np.ones((500, 16)) + 0.01 * rng.normal(size=(500, 16))
    assert direction_spread(spread) > 0.8 > 0.01 > direction_spread(collapsed)
    assert direction_spread(spread * rng.uniform(0.1, 10, size=(500, 1))) == pytest.approx(direction_spread(spread))


@pytest.mark.parametrize(
    ("vectors", "match"),
    [
        (np.zeros((0, 3)), r"finite \(n, d\) array with n ≥ 1, got shape \(0, 3\)"),
        (np.ones(3), r"got shape \(3,\)"),
        ([[1.0, np.nan]], "finite"),
        ([[1.0, 0.0], [0.0, 0.0]], r"zero vectors have no direction \(rows \[1\]\)"),
    ],
)
def test_direction_spread_refuses_what_has_no_direction(vectors, match):
    with pytest.raises(ParameterError, match=match):
        direction_spread(vectors)


# ----------------------------------------------------------------------------------------------------------
# Registry and serialisation


def test_get_lists_the_valid_names():
    assert set(LOSSES) == {"mse", "cos", "mcos", "wpe", "bpr"}
    with pytest.raises(ParameterError, match="'mse', 'cos', 'mcos', 'wpe'"):
        get("nope")
    with pytest.raises(ParameterError, match="Unknown loss"):
        get(None)
    assert isinstance(get("mcos", numerator="S2"), MCOSLoss) and get("mcos", numerator="S2").numerator == "S2"


@pytest.mark.parametrize(
    "loss", [CosineLoss(), MCOSLoss("S2", name="contrastive"), WPELoss(factors=4, scale=1000.0, reduction="sum")]
)
def test_losses_survive_serialisation(loss):
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()
    if isinstance(loss, MCOSLoss):
        assert again.numerator == "S2" and again.name == "contrastive"
    if isinstance(loss, WPELoss):
        assert (again.factors, again.scale, again.reduction) == (4, 1000.0, "sum")
