"""Settings for every pytest run in this repository, whatever paths are given (tests/, course/, one notebook).

``pytest_configure`` runs before collection in the main process and in every xdist worker, so the kernels
that nbval and the runner start inherit these variables: every notebook runs on the ``ci`` profile (the
profile its stored outputs come from), and ``CBREC_OFFLINE`` makes any attempted download fail at once
instead of reaching the network.
"""

import os
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ["CBREC_PROFILE"] = "ci"
    os.environ["CBREC_OFFLINE"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # numba (librosa's JIT) caches compiled functions on disk without locking: two xdist workers compiling the
    # same function at once can leave a corrupt cache that later segfaults a kernel (seen in CI with
    # chroma_stft). Each worker, and the kernels it starts, gets a cache of its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    os.environ["NUMBA_CACHE_DIR"] = str(
        Path(tempfile.gettempdir()) / f"cbrec-lab-numba-{getattr(os, 'getuid', lambda: 0)()}-{worker}"
    )
