"""Hyper-parameter tuning on validation data: the weights of a hybrid recommender (Messina et al. 2019).

A hybrid mixes several recommenders' normalised scores (:func:`cbrec_lab.recommend.hybrid_scores`,
:class:`cbrec_lab.recommend.HybridRecommender`); its weights are chosen here by grid search on the validation
period of a replay (:meth:`cbrec_lab.evaluation.ReplayCases.split_by_time`), never on the test cases.

References
----------
1. Messina, P., Dominguez, V., Parra, D., Trattner, C., & Soto, A. (2019). Content-based artwork
   recommendation: integrating painting metadata with neural and manually-engineered visual features.
   *User Modeling and User-Adapted Interaction*, 29(2), 251–290. https://doi.org/10.1007/s11257-018-9206-9
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import positive_int
from ..exceptions import ParameterError
from ..metrics import METRICS
from ..recommend import NORMALISATIONS, normalise_scores
from .replay import ReplayCases, evaluate_replay

__all__ = ["HybridTuning", "tune_hybrid_weights"]


@dataclass(frozen=True)
class HybridTuning:
    """The result of :func:`tune_hybrid_weights`.

    Attributes
    ----------
    weights : dict of str to float
        The best weights (summing to 1), one per method.
    score : float
        Their mean validation metric.
    metric : str
        The metric column, e.g. ``"ndcg@20"``.
    table : pandas.DataFrame
        Every weight combination tried, in grid order: one column per method, then the metric.
    """

    weights: dict
    score: float
    metric: str
    table: pd.DataFrame


def tune_hybrid_weights(
    score_dict,
    cases_validation: ReplayCases,
    *,
    grid: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
    metric: str = "ndcg",
    k: int = 20,
    method: str = "minmax",
) -> HybridTuning:
    """Choose the hybrid weights by exhaustive grid search on the validation cases.

    Every combination of one grid value per method (``itertools.product`` in the order of ``score_dict``) is
    rescaled to sum 1; all-zero combinations are skipped and a combination equal (after rescaling) to an
    earlier one is tried once. Each is scored by the mean ``metric@k`` over the validation cases with a
    relevant item (:func:`cbrec_lab.evaluation.evaluate_replay` of :func:`hybrid_scores`). The best wins;
    among equal means the first in grid order. Test cases must not be used here: pass the validation period
    of :meth:`cbrec_lab.evaluation.ReplayCases.split_by_time`. The tuned weights are those of
    :func:`cbrec_lab.recommend.hybrid_scores` and :class:`cbrec_lab.recommend.HybridRecommender`.

    Parameters
    ----------
    score_dict : mapping of str to np.ndarray [shape=(n_validation_cases, n_items)]
        Scores of the validation cases only (``full_scores[cases_validation.rows]``).
    cases_validation : ReplayCases
    grid : sequence of float ≥ 0
        Candidate (unnormalised) weights; at least one positive. ``m`` methods try up to ``len(grid)^m``
        combinations.
    metric : str
        One of :data:`cbrec_lab.metrics.METRICS`; read at ``k`` (``auc`` has no cut-off).
    k : int > 0
    method : {"minmax", "zscore"}
        The normalisation of :func:`cbrec_lab.recommend.normalise_scores`.

    Returns
    -------
    HybridTuning

    References
    ----------
    1. Messina et al. (2019), section 4, "Hybrid recommendations" (weights tuned on a validation set).
    """
    if not isinstance(score_dict, Mapping) or not score_dict:
        raise ParameterError(
            "score_dict must be a non-empty mapping of method name to (n_cases, n_items) score matrix, got "
            f"{score_dict!r:.80}."
        )
    if not isinstance(cases_validation, ReplayCases):
        raise ParameterError(
            f"cases_validation must be ReplayCases (the validation period of split_by_time), got "
            f"{type(cases_validation).__name__}."
        )
    shape = (cases_validation.n_cases, cases_validation.n_items)
    shapes = {str(name): getattr(scores, "shape", None) or np.shape(scores) for name, scores in score_dict.items()}
    if any(s != shape for s in shapes.values()):
        raise ParameterError(
            f"every score matrix must have one row per validation case, shape {shape}, got {shapes}; slice scores "
            "computed on the full replay with scores[cases_validation.rows]."
        )
    if metric not in METRICS:
        raise ParameterError(f"metric must be one of {METRICS}, got {metric!r}.")
    k = positive_int(k, name="k")
    if method not in NORMALISATIONS:
        raise ParameterError(f"method must be one of {NORMALISATIONS}, got {method!r}.")
    values = np.asarray(grid, dtype=np.float64) if np.ndim(grid) == 1 else None
    valid = values is not None and values.size > 0 and np.isfinite(values).all()
    if not valid or (values < 0).any() or not (values > 0).any():
        raise ParameterError(
            f"grid must be a non-empty 1-D sequence of finite non-negative weights with one positive, got {grid!r}."
        )
    names = [str(name) for name in score_dict]
    normalised = [normalise_scores(scores, cases_validation.available, method=method) for scores in score_dict.values()]
    column = "auc" if metric == "auc" else f"{metric}@{k}"

    rows, seen = [], set()
    for combination in itertools.product(values, repeat=len(names)):
        weights = np.asarray(combination)
        if weights.sum() == 0:
            continue
        weights = weights / weights.sum()
        key = tuple(np.round(weights, 12))
        if key in seen:
            continue
        seen.add(key)
        mixed = sum(w * s for w, s in zip(weights, normalised, strict=True) if w > 0)
        frame = evaluate_replay(mixed, cases_validation, k=k, metrics=(metric,))
        kept = frame["n_relevant"].to_numpy() > 0
        mean = float(np.nanmean(frame[column].to_numpy()[kept])) if kept.any() else float("nan")
        rows.append([*weights, mean])
    table = pd.DataFrame(rows, columns=[*names, column])
    results = table[column].to_numpy()
    if np.isnan(results).all():
        raise ParameterError("no validation case has a relevant (available target) item: nothing to tune on.")
    best = int(np.nanargmax(results))
    return HybridTuning(
        weights={name: float(table.loc[best, name]) for name in names},
        score=float(results[best]),
        metric=column,
        table=table,
    )
