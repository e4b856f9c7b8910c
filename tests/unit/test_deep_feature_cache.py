"""The deep-feature cache on a shared data home: a valid cache is read without writing anything, and a data home
that cannot be written gives features computed in memory with a one-line note. The network is replaced by a
cheap stand-in; what is tested is the cache around it."""

import errno

import numpy as np
import pytest

from cbrec_lab.backbones import deep_feature_cache_path, deep_features
from cbrec_lab.backbones import features as feature_module

IMAGES = np.random.default_rng(0).integers(0, 256, size=(3, 16, 16, 3), dtype=np.uint8)


@pytest.fixture
def network(monkeypatch):
    """Record the batches the stand-in network sees; features are each image's mean and 1,279 zeros."""
    calls = []

    def predict(model, items, size, batch_size, *, progress):
        calls.append(len(items))
        features = np.zeros((len(items), 1280), dtype=np.float32)
        features[:, 0] = [np.asarray(item, dtype=np.float32).mean() for item in items]
        return features

    monkeypatch.setattr(feature_module, "_predict", predict)
    monkeypatch.setattr(feature_module, "_feature_model", lambda name: None)
    return calls


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES], ids=["read-only mount", "owned by someone else"])
def test_a_valid_cache_is_read_from_a_data_home_it_cannot_write(network, data_home, read_only, code):
    first = deep_features(IMAGES, cache_key="shared")
    assert deep_feature_cache_path(IMAGES, cache_key="shared").is_file()
    read_only(data_home, code)
    again = deep_features(IMAGES, cache_key="shared")
    np.testing.assert_array_equal(again, first)
    assert network == [3], "the features were computed again although the shared cache is valid"


def test_an_unwritable_data_home_computes_in_memory_with_a_one_line_note(network, data_home, read_only):
    read_only(data_home)
    with pytest.warns(UserWarning, match=r"not writable.*computing .* in memory") as notes:
        features = deep_features(IMAGES, cache_key="shared")
    assert len(notes) == 1 and "\n" not in str(notes[0].message) and str(data_home) in str(notes[0].message)
    assert features.shape == (3, 1280) and network == [3]
    np.testing.assert_allclose(features[:, 0], IMAGES.reshape(3, -1).mean(axis=1), rtol=1e-6)
