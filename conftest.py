"""Settings for every pytest run in this repository, whatever paths are given (tests/, course/, one notebook),
and how xdist shares the tests between its workers.

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


#: The student copies' tests (one per notebook): each is a work unit of its own for xdist, see below.
STUDENT_TESTS = "tests/notebooks/test_student_variant.py"


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile``, except that each student copy is a work unit of its own.

    ``loadfile`` keeps a file's tests on one worker: nbval needs a whole notebook on one kernel, and modules
    share fixtures (a kit loaded once). It would also queue the thirteen student copies, one test file, on one
    worker; they are independent (each runs in its own kernel), so they spread over the workers instead.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class CourseScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if nodeid.startswith(STUDENT_TESTS + "::") else super()._split_scope(nodeid)

    return CourseScheduling(config, log)
