"""Checkers for lesson 08 (the UGallery study: favourite artist, one-of-a-kind availability)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .core import call_student, exercise

__all__: list[str] = []

_FA_CASES = (
    (["Abel", "Abel", "Sato"], ["Abel", "Sato", "Engel", "Abel"]),
    (["Engel"], ["Abel", "Engel"]),
    (["Sato", "Abel", "Sato", "Sato"], ["Sato", "Abel", "Ferraro"]),
)


def _fa(profile_artists, candidate_artists) -> np.ndarray:
    counts = pd.Series(profile_artists).value_counts()
    return np.array([counts.get(a, 0) / len(profile_artists) for a in candidate_artists], dtype=float)


@exercise("08.1", "The favourite-artist score")
def check_favourite_artist(answer: Any) -> tuple[bool, str]:
    """favourite_artist(profile_artists, candidate_artists) -> share of the profile by each candidate's artist."""
    if not callable(answer):
        return (
            False,
            f"Expected a function favourite_artist(profile_artists, candidate_artists), got {type(answer).__name__}.",
        )
    for profile, candidates in _FA_CASES:
        call = f"favourite_artist({profile}, {candidates})"
        got = np.asarray(call_student(answer, list(profile), list(candidates), call=call), dtype=float).ravel()
        expected = _fa(profile, candidates)
        if got.shape != expected.shape:
            return False, f"{call} should return one score per candidate ({len(candidates)}), got shape {got.shape}."
        if np.allclose(got, expected):
            continue
        counts = np.array([profile.count(a) for a in candidates], dtype=float)
        if np.allclose(got, counts):
            return False, f"{call}: divide the counts by the number of purchases ({len(profile)}) to get shares."
        if np.allclose(got, counts > 0):
            return False, (
                f"{call}: an artist bought twice should score higher than one bought once — count the "
                "purchases, don't just test membership."
            )
        return False, f"{call} should give {expected.round(3).tolist()}, got {got.round(3).tolist()}."
    return True, "Right: the customer's favourite artists first, in proportion to how often they bought them."


_T = pd.Timestamp("2017-03-01 12:00")
_UPLOAD = pd.to_datetime(
    ["2017-01-01", "2017-03-01 12:00", "2017-03-02", "2016-12-01", "2017-02-01", "2017-02-15"], format="ISO8601"
)
_SALE = pd.to_datetime(["2017-02-01", "2017-03-01 12:00", None, None, "2017-03-05", None], format="ISO8601")


def _available(upload, sale, t) -> np.ndarray:
    return np.asarray((upload <= t) & ~(sale < t))


@exercise("08.2", "Available at time t")
def check_available_items(answer: Any) -> tuple[bool, str]:
    """available_items(upload_times, sale_times, t) -> uploaded at or before t and not sold strictly before t."""
    if not callable(answer):
        return False, f"Expected a function available_items(upload_times, sale_times, t), got {type(answer).__name__}."
    call = "available_items(upload_times, sale_times, t)"
    got = call_student(answer, pd.Series(_UPLOAD), pd.Series(_SALE), _T, call=call)
    got = np.asarray(got, dtype=bool).ravel()
    expected = _available(_UPLOAD, _SALE, _T)
    if got.shape != expected.shape:
        return False, f"Return one True/False per item ({len(expected)}), got shape {got.shape}."
    if np.array_equal(got, expected):
        return True, (
            "Right: item 1 (sold exactly at t — the purchase being replayed) is available, item 0 (sold "
            "before) and item 2 (uploaded after) are not, and unsold items (NaT) stay available."
        )
    if not got[1] and np.array_equal(np.delete(got, 1), np.delete(expected, 1)):
        return False, (
            "The item sold exactly at t is the one the customer buys at that moment: it must be available. "
            "Use sale < t (strictly before), and upload ≤ t."
        )
    if got[0]:
        return False, "An item sold before t (item 0, sold on 1 February) can no longer be bought."
    if got[2]:
        return False, "An item uploaded after t (item 2) cannot be recommended yet."
    if not got[3] or not got[5]:
        return False, "Unsold items have sale time NaT; comparisons with NaT are False, so ~(sale < t) keeps them."
    return False, f"Expected {expected.tolist()}, got {got.tolist()}."
