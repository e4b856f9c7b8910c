"""Keras 3 models of the course, one module per family; builders take the papers' settings as defaults.

- :mod:`cbrec_lab.models.audio` — mel-spectrogram CNNs: the thesis's latent-factor CNN, a deeper
  van den Oord-style variant, the genre CNN, and transfer of a trained trunk to a new head.
- :mod:`cbrec_lab.models.ranking` — pairwise ranking from implicit feedback: BPR-MF and VBPR (item content
  features in the score), trained on sampled triplets with the BPR loss.
- :mod:`cbrec_lab.models.network_embedding` — LINE-style embedding (first/second-order proximity, edge and
  negative sampling, numpy SGD) of the song–keyword–image network of image-based music recommendation.
"""

from .audio import deep_cnn, genre_cnn, thesis_cnn, transfer_trunk
from .network_embedding import (
    AliasTable, HeterogeneousNetwork, LineEmbedding, frequent_keywords, line_embedding, line_sgd_step,
    noise_distribution, song_keyword_image_network, tfidf_weights, train_line,
)
from .ranking import BPRMF, VBPR, BPRTriplets, RankingNet, ranking_model, sample_triplets

__all__ = [
    "thesis_cnn",
    "deep_cnn",
    "genre_cnn",
    "transfer_trunk",
    "BPRMF",
    "VBPR",
    "BPRTriplets",
    "RankingNet",
    "ranking_model",
    "sample_triplets",
    "AliasTable",
    "HeterogeneousNetwork",
    "LineEmbedding",
    "frequent_keywords",
    "line_embedding",
    "line_sgd_step",
    "noise_distribution",
    "song_keyword_image_network",
    "tfidf_weights",
    "train_line",
]
