"""Keras 3 models of the course, one module per family; builders take the papers' settings as defaults.

- :mod:`cbrec_lab.models.audio` — mel-spectrogram CNNs: the thesis's latent-factor CNN, a deeper
  van den Oord-style variant, the genre CNN, and transfer of a trained trunk to a new head.
- :mod:`cbrec_lab.models.pairwise` — pairwise ranking from implicit feedback: BPR-MF and VBPR (item content
  features in the score), trained on sampled triplets with the BPR loss.
- :mod:`cbrec_lab.models.network_embedding` — LINE-style embedding (first/second-order proximity, edge and
  negative sampling, numpy SGD) of the song–keyword–image network of image-based music recommendation.

The names below are imported from their module when first used (PEP 562), so ``from cbrec_lab.models import
line_embedding`` loads numpy and pandas only, never Keras or TensorFlow; ``from cbrec_lab.models import
thesis_cnn`` loads Keras, as it must.
"""

from __future__ import annotations

import importlib

#: Module of this package → the public names it gives to ``cbrec_lab.models`` (one entry per module).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "audio": ("thesis_cnn", "deep_cnn", "genre_cnn", "transfer_trunk"),
    "pairwise": ("BPRMF", "VBPR", "BPRTriplets", "RankingNet", "ranking_model", "sample_triplets"),
    "network_embedding": (
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
    ),
}

#: Public name → the module of this package that defines it.
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = list(_MODULE_OF)


def __getattr__(name: str):
    """Import ``name`` from its module at first use and keep it here (later lookups do not come back)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
