"""Evaluation protocols of the course: how a recommender is tested, one module per protocol.

============================  ===============================================================================
module                        protocol
============================  ===============================================================================
:mod:`.held_out`              held-out plays (collaborative filtering) and held-out songs (factors predicted
                              from audio, van den Oord et al. 2013); score matrix → metrics; results tables
:mod:`.replay`                the time-ordered replay of a one-of-a-kind inventory (Messina et al. 2019):
                              cases, available items, top-k lists, per-case metrics, validation/test periods
:mod:`.cold_start`            VBPR's split (He & McAuley 2016): cold items, one held-out item per user in the
                              "all items" and "cold start" settings, the per-user AUC
:mod:`.tuning`                hyper-parameters chosen on validation data: the weights of a hybrid, by grid
                              search on a replay's validation period
============================  ===============================================================================

The metrics themselves are in :mod:`cbrec_lab.metrics` and the lists in :mod:`cbrec_lab.ranking`; this package
decides *what* is hidden, *which* items are candidates and *which* are relevant. Every public name is
re-exported here, so ``from cbrec_lab.evaluation import evaluate_scores, replay_cases`` works whatever module
holds it.
"""

from .cold_start import SETTINGS, FeedbackSplit, auc_per_user, mean_auc, split_all_items_and_cold_start
from .held_out import (
    HeldOutPlays,
    HeldOutSongs,
    evaluate_scores,
    results_table,
    split_held_out_plays,
    split_held_out_songs,
)
from .replay import REPLAY_METRICS, ReplayCases, evaluate_replay, replay_cases, top_k_lists
from .tuning import HybridTuning, tune_hybrid_weights

__all__ = [
    # held-out plays and songs
    "HeldOutPlays",
    "HeldOutSongs",
    "split_held_out_plays",
    "split_held_out_songs",
    "evaluate_scores",
    "results_table",
    # replay
    "REPLAY_METRICS",
    "ReplayCases",
    "replay_cases",
    "top_k_lists",
    "evaluate_replay",
    # cold start
    "SETTINGS",
    "FeedbackSplit",
    "split_all_items_and_cold_start",
    "mean_auc",
    "auc_per_user",
    # tuning
    "HybridTuning",
    "tune_hybrid_weights",
]
