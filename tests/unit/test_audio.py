import librosa
import numpy as np
import pytest

from cbrec_lab.audio import mfcc_statistics
from cbrec_lab.exceptions import ParameterError


def test_mfcc_statistics_are_mean_and_std_of_librosa_mfccs():
    rng = np.random.default_rng(0)
    y = rng.normal(size=22_050).astype(np.float32)
    stats = mfcc_statistics(y, n_mfcc=13)
    reference = librosa.feature.mfcc(y=y, sr=22_050, n_mfcc=13, n_fft=1_024, hop_length=512)
    assert stats.shape == (26,)
    np.testing.assert_allclose(stats[:13], reference.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(stats[13:], reference.std(axis=1), rtol=1e-5)


def test_a_tone_and_noise_differ():
    t = np.arange(22_050) / 22_050
    tone = mfcc_statistics(np.sin(2 * np.pi * 440 * t))
    noise = mfcc_statistics(np.random.default_rng(1).normal(size=22_050))
    assert np.linalg.norm(tone - noise) > 10


@pytest.mark.parametrize("bad", [np.zeros(100), np.zeros((2, 5000))])
def test_bad_audio_is_refused(bad):
    with pytest.raises(ParameterError, match="mono audio"):
        mfcc_statistics(bad)
