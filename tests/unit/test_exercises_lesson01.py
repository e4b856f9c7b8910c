"""Checkers of lesson 01 (audio representations): correct answers, each specific hint, and "not yet"."""

import math

import numpy as np
import pytest

from cbrec_lab import exercises
from cbrec_lab.exercises import evaluate


def test_lesson01_exercises_are_registered_in_order():
    assert [e.id for e in exercises.catalogue("01")] == ["01.1", "01.2", "01.3"]


MEL_1000 = 2595 * math.log10(1 + 1000 / 700)


@pytest.mark.parametrize(
    "answer, status, hint",
    [
        (MEL_1000, "correct", "1,000 Hz is 1,000 mel"),
        (np.float32(MEL_1000), "correct", ""),
        (np.array([MEL_1000]), "correct", ""),
        (2595 * math.log(1 + 1000 / 700), "incorrect", "natural logarithm"),
        (2595 * math.log10(1000 / 700), "incorrect", "forgot the 1 +"),
        (15.0, "incorrect", "Slaney"),
        (1200.0, "incorrect", "2595 * np.log10(1 + 1000 / 700)"),
        ("a lot", "incorrect", "one number"),
        (..., "not yet", "Replace the `...`"),
        (None, "not yet", ""),
    ],
)
def test_mel_of_1000_checker(answer, status, hint):
    feedback = evaluate("01.1", answer)
    assert feedback.status == status, feedback.message
    assert hint in feedback.message


@pytest.mark.parametrize(
    "answer, status, hint",
    [
        (130, "correct", "1 + 66,150 // 512 = 130"),
        (np.int64(130), "correct", ""),
        (130.0, "correct", ""),
        (129, "incorrect", "(the + 1)"),
        (66_150 / 512, "incorrect", "integer division"),
        (128, "incorrect", "center=False"),
        (64, "incorrect", "not a frame length"),
        (65, "incorrect", "not a frame length"),
        (131, "incorrect", "1 + n_samples // 512"),
        ([130, 1], "incorrect", "one whole number"),
        (..., "not yet", "Replace the `...`"),
    ],
)
def test_n_frames_checker(answer, status, hint):
    feedback = evaluate("01.2", answer, n_samples=66_150, hop_length=512, n_fft=1_024)
    assert feedback.status == status, feedback.message
    assert hint in feedback.message


def test_n_frames_checker_uses_the_context():
    assert evaluate("01.2", 1 + 44_100 // 256, n_samples=44_100, hop_length=256, n_fft=1_024)
    assert evaluate("01.2", 130).status == "correct"  # defaults: the lesson's 3 s window


def _unfinished(f):
    raise NotImplementedError("write this function")


def _broken(f):
    raise ValueError("oops")


@pytest.mark.parametrize(
    "answer, status, hint",
    [
        (lambda f: 2595 * np.log10(1 + np.asarray(f) / 700), "correct", "Vectorised"),
        (lambda f: 1127 * np.log1p(np.asarray(f) / 700), "incorrect", "hz_to_mel(1000.0) returned"),
        (lambda f: 2595 * np.log(1 + np.asarray(f) / 700), "incorrect", "natural logarithm"),
        (lambda f: 2595 * np.log10(np.asarray(f) / 700), "incorrect", "forgot the 1 +"),
        (lambda f: 2595 * math.log10(1 + f / 700), "incorrect", "np.log10"),
        (
            lambda f: [2595 * math.log10(1 + f / 700)] if np.ndim(f) == 0 else [1.0],
            "incorrect",
            "one value per frequency",
        ),
        (lambda f: 2595 * np.log10(1 + np.asarray(f) / 700).sum(), "incorrect", "one value per frequency"),
        (
            lambda f: np.where(np.asarray(f) > 2000, 0.0, 2595 * np.log10(1 + np.asarray(f) / 700)),
            "incorrect",
            "not for every frequency",
        ),
        (_broken, "incorrect", "ValueError"),
        (_unfinished, "not yet", "NotImplementedError"),
        (1000.0, "incorrect", "Expected a function"),
        (..., "not yet", "Replace the `...`"),
    ],
)
def test_hz_to_mel_checker(answer, status, hint):
    feedback = evaluate("01.3", answer)
    assert feedback.status == status, feedback.message
    assert hint in feedback.message
