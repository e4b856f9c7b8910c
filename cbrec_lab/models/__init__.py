"""Keras 3 models of the course, one module per family; builders take the papers' settings as defaults.

- :mod:`cbrec_lab.models.audio` — mel-spectrogram CNNs: the thesis's latent-factor CNN, a deeper
  van den Oord-style variant, the genre CNN, and transfer of a trained trunk to a new head.
"""

from .audio import deep_cnn, genre_cnn, thesis_cnn, transfer_trunk

__all__ = ["thesis_cnn", "deep_cnn", "genre_cnn", "transfer_trunk"]
