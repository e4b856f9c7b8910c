"""cbrec_lab: the helper library of the course "Content-based recommendation with deep learning: music
and images".

Importing the package has no side effects: nothing is seeded, no environment variable is changed and no
heavy framework (TensorFlow, Keras) is imported until a function that needs it is called.

Modules
-------
config      data home, profiles, seeding, environment report
exercises   exercise checkers used by the notebooks (``check("00.1", answer)``)
notebook    recording named results from a notebook so that runners and tests can read them back
course      the course catalogue, the headless runner and student copies
datasets    registry of the embedded course kits and real data sets
cli         the ``cbrec-lab`` command
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cbrec-lab")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
