"""The losses, models and training helpers under a second Keras backend (JAX).

Keras fixes its backend when it is first imported, and this test process runs TensorFlow, so the JAX run
happens in a child process with ``KERAS_BACKEND=jax``. The child computes every loss on inputs written by
this process and trains small versions of the course's networks through :func:`cbrec_lab.train.fit`; this
process compares the child's loss values with TensorFlow's and with numpy, and checks what training reported.
JAX rather than PyTorch: ``pip install jax`` is a CPU build of about 0.4 GB everywhere, while PyPI's Linux
torch wheel is a multi-GB CUDA build. CI installs it (see ``.ci/run``); without JAX the test is skipped.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from cbrec_lab import losses
from cbrec_lab.config import import_keras

keras = import_keras()

BACKEND = "jax"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="JAX is not installed: `pip install -c constraints.txt jax` (a CPU build, as .ci/run does) to test the "
    "second Keras backend",
)

D, N_USERS, N_ITEMS = 3, 6, 8

SCRIPT = r"""
import json, sys

import numpy as np
import keras

assert keras.backend.backend() == "jax", keras.backend.backend()

from cbrec_lab import losses
from cbrec_lab.feature_cache import SpectrogramSet
from cbrec_lab.models.audio import deep_cnn, genre_cnn, thesis_cnn, transfer_trunk
from cbrec_lab.train import SpectrogramWindows, fit, predict_songs, training_policy

inputs = np.load(sys.argv[1])
y_true, y_pred = inputs["y_true"], inputs["y_pred"]
d, n_users = inputs["user_factors"].shape[1], inputs["user_factors"].shape[0]
packed = losses.wpe_targets(inputs["user_factors"], inputs["confidence"])
value = lambda loss, t, p: float(keras.ops.convert_to_numpy(loss(t, p)))
report = {
    "losses": {
        "mse": value(losses.get("mse"), y_true, y_pred),
        "cos": value(losses.CosineLoss(), y_true, y_pred),
        "mcos_S": value(losses.MCOSLoss("S"), y_true, y_pred),
        "mcos_S2": value(losses.MCOSLoss("S2"), y_true, y_pred),
        "wpe": value(losses.WPELoss(d, scale=n_users), packed, y_pred),
    }
}

policy = training_policy()
assert policy.backend == "jax" and not policy.jit, policy
report["policy"] = str(policy)

# songs whose class raises two of 8 mel bands, 20–50 frames long
rng = np.random.default_rng(0)
n_songs, n_mels = len(packed), 8
lengths = rng.integers(20, 50, n_songs)
classes = np.arange(n_songs) % 3
parts = []
for n, c in zip(lengths, classes):
    song = rng.normal(size=(n, n_mels)).astype(np.float32)
    song[:, 2 * c : 2 * c + 2] += 2.0
    parts.append(song)
offsets = np.concatenate([[0], np.cumsum(lengths)])
spectrograms = SpectrogramSet(np.concatenate(parts), offsets, tuple(map(str, range(n_songs))))
onehot = np.eye(3, dtype=np.float32)[classes]
songs = np.arange(n_songs)
def windows(targets, frames, seed=1):
    return SpectrogramWindows(spectrograms, songs, targets, frames=frames, batch_size=4, seed=seed)


def centre(targets, frames):
    return SpectrogramWindows(
        spectrograms, songs, targets, frames=frames, batch_size=4, shuffle=False, random_windows=False
    )


histories = {}

keras.utils.set_random_seed(0)
thesis = thesis_cnn(frames=16, n_mels=n_mels, filters=4, dense_units=8, n_outputs=3)
h = fit(
    thesis, windows(onehot, 16), loss="mse", epochs=2, validation=centre(onehot, 16),
    optimizer=keras.optimizers.Adam(3e-2),
)
histories["thesis_mse"] = h["loss"].tolist()
report["thesis_val_loss"] = h["val_loss"].tolist()
histories["thesis_mcos"] = fit(thesis_cnn(frames=16, n_mels=n_mels, filters=4, dense_units=8, n_outputs=3),
                               windows(onehot, 16), loss=losses.MCOSLoss("S2"), epochs=2)["loss"].tolist()
report["predict"] = {how: list(predict_songs(thesis, spectrograms, [0, 3, 5], frames=16, how=how).shape)
                     for how in ("average", "centre", "random")}

genre = genre_cnn(frames=24, n_mels=n_mels, filters=4, dense_units=8, n_classes=3)
genre_history = fit(genre, windows(onehot, 24), loss="categorical_crossentropy", epochs=2)
histories["genre_crossentropy"] = genre_history["loss"].tolist()
trunk_before = [w.copy() for w in genre.get_layer("conv1").get_weights()]
transferred = transfer_trunk(genre, frames=30, n_outputs=d, dense_units=8, freeze=True)
transfer_history = fit(transferred, windows(packed, 30), loss=losses.WPELoss(d, scale=n_users), epochs=2)
histories["transfer_wpe"] = transfer_history["loss"].tolist()
report["frozen_trunk_kept"] = all(
    np.array_equal(a, b) for a, b in zip(trunk_before, transferred.get_layer("conv1").get_weights())
)

deep = deep_cnn(frames=24, n_mels=n_mels, filters=(4, 8), pool_sizes=(2,), dense_units=8, n_outputs=3)
histories["deep_cos"] = fit(deep, windows(onehot, 24), loss=losses.CosineLoss(), epochs=2)["loss"].tolist()
deep.save(sys.argv[2])
x = centre(None, 24)[0]
report["deep_reloaded_equal"] = bool(np.array_equal(
    keras.ops.convert_to_numpy(keras.models.load_model(sys.argv[2])(x)), keras.ops.convert_to_numpy(deep(x))
))
report["histories"] = histories
print(json.dumps(report))
print("OK", keras.backend.backend())
"""


def _numpy_losses(y_true, y_pred, packed):
    def unit(v):
        return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), losses.EPSILON)

    t, p = unit(y_true.astype(np.float64)), unit(y_pred.astype(np.float64))
    s = t @ p.T
    own = np.diag(s)
    denominator = (s + 1).sum(axis=0) + losses.EPSILON
    a = packed[:, : D * D].reshape(-1, D, D).astype(np.float64)
    b, k = packed[:, D * D : D * D + D], packed[:, -1]
    y = y_pred.astype(np.float64)
    wpe = np.einsum("ni,nij,nj->n", y, a, y) - 2 * (b * y).sum(axis=1) + k
    return {
        "mse": ((y_true - y_pred) ** 2).mean(),
        "cos": (1 - (t * p).sum(axis=1)).mean(),
        "mcos_S": (-own / denominator).mean(),
        "mcos_S2": (-(own + 1) / denominator).mean(),
        "wpe": wpe.mean() / N_USERS,
    }


def test_losses_models_and_training_under_jax(tmp_path, data_home):
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(N_ITEMS, D)).astype(np.float32)
    y_pred = (y_true + rng.normal(scale=0.8, size=(N_ITEMS, D))).astype(np.float32)
    user_factors = rng.normal(size=(N_USERS, D)).astype(np.float32)
    confidence = sp.random(N_USERS, N_ITEMS, density=0.4, random_state=1, format="csr", dtype=np.float64)
    confidence.data = 1 + 10 * confidence.data  # observed pairs: c ≥ 1
    packed = losses.wpe_targets(user_factors, confidence)
    np.savez(
        tmp_path / "inputs.npz",
        y_true=y_true,
        y_pred=y_pred,
        user_factors=user_factors,
        confidence=confidence.toarray(),
    )

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "inputs.npz"), str(tmp_path / "deep.keras")],
        env={**os.environ, "KERAS_BACKEND": BACKEND, "JAX_PLATFORMS": "cpu"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"the {BACKEND} run failed:\n{result.stderr[-6000:]}"
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"OK {BACKEND}", result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(lines[-2])

    under_tensorflow = {
        "mse": losses.get("mse")(y_true, y_pred),
        "cos": losses.CosineLoss()(y_true, y_pred),
        "mcos_S": losses.MCOSLoss("S")(y_true, y_pred),
        "mcos_S2": losses.MCOSLoss("S2")(y_true, y_pred),
        "wpe": losses.WPELoss(D, scale=N_USERS)(packed, y_pred),
    }
    reference = _numpy_losses(y_true, y_pred, packed)
    for name, value in report["losses"].items():
        tensorflow_value = float(keras.ops.convert_to_numpy(under_tensorflow[name]))
        assert value == pytest.approx(tensorflow_value, rel=1e-5, abs=1e-5), name
        assert value == pytest.approx(reference[name], rel=1e-5, abs=1e-5), name
    assert report["losses"]["wpe"] > 0 and report["losses"]["cos"] > 0

    assert f"Keras/{BACKEND}" in report["policy"] and "jit off" in report["policy"]
    for name, history in report["histories"].items():
        assert len(history) == 2 and np.isfinite(history).all(), (name, history)
    thesis = report["histories"]["thesis_mse"]
    assert thesis[1] < thesis[0], f"the thesis CNN did not learn under {BACKEND}: {thesis}"
    assert len(report["thesis_val_loss"]) == 2 and np.isfinite(report["thesis_val_loss"]).all()
    assert report["predict"] == {"average": [3, 3], "centre": [3, 3], "random": [3, 3]}
    assert report["frozen_trunk_kept"], f"freeze=True must keep the copied convolutions fixed under {BACKEND} too"
    assert report["deep_reloaded_equal"], f"a saved deep_cnn must predict the same after loading under {BACKEND}"
