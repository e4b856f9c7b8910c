"""The checkers of lesson 09 accept the right answers and explain the usual mistakes."""

import numpy as np

from cbrec_lab.exercises import evaluate


def _loss(probabilities, targets):
    return sum(
        -np.mean(np.log(p[np.arange(len(targets[t])), targets[t]])) for t, p in probabilities.items() if t in targets
    )


def test_09_1_multitask_loss():
    assert evaluate("09.1", _loss).status == "correct"
    # By hand: artist −(ln .7 + ln .8 + ln .5 + ln .3)/4, medium −(ln .9 + ln .6 + ln .5 + ln .8)/4.
    probabilities = {"a": np.array([[0.7, 0.3], [0.2, 0.8]]), "m": np.array([[0.5, 0.5], [0.9, 0.1]])}
    targets = {"a": np.array([0, 1]), "m": np.array([1, 0])}
    assert np.isclose(_loss(probabilities, targets), -(np.log(0.7) + np.log(0.8)) / 2 - (np.log(0.5) + np.log(0.9)) / 2)
    averaged = evaluate("09.1", lambda p, y: _loss(p, y) / len(y))
    assert averaged.status == "incorrect" and "sum" in averaged.message
    assert "positive" in evaluate("09.1", lambda p, y: -_loss(p, y)).message
    assert "divide by 4" in evaluate("09.1", lambda p, y: 4 * _loss(p, y)).message
    top = evaluate("09.1", lambda p, y: sum(-np.mean(np.log(p[t].max(axis=1))) for t in y))
    assert "true" in top.message
    assert evaluate("09.1", "loss").status == "incorrect"
    assert evaluate("09.1", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"


def _freeze(model, first_trainable, *, freeze_bn=True):
    from cbrec_lab.config import import_keras

    keras = import_keras()
    names = [layer.name for layer in model.layers]
    start = names.index(first_trainable)
    for position, layer in enumerate(model.layers):
        layer.trainable = position >= start
        if freeze_bn and isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    return model


def test_09_2_freeze_for_fine_tuning():
    assert evaluate("09.2", _freeze).status == "correct"
    bn = evaluate("09.2", lambda m, f: _freeze(m, f, freeze_bn=False))
    assert bn.status == "incorrect" and "batch-normalisation" in bn.message

    def off_by_one(model, first_trainable):
        names = [layer.name for layer in model.layers]
        return _freeze(model, names[names.index(first_trainable) + 1])

    assert "first one that is trained" in evaluate("09.2", off_by_one).message

    def everything(model, first_trainable):
        _freeze(model, first_trainable)
        model.get_layer("stem_conv").trainable = True
        return model

    assert "stay frozen" in evaluate("09.2", everything).message
    assert "in place" in evaluate("09.2", lambda m, f: "done").message
    assert evaluate("09.2", lambda *a: (_ for _ in ()).throw(NotImplementedError())).status == "not yet"
