"""Test-suite settings shared by unit tests and notebook execution.

``pytest_configure`` runs before collection in the main process and in every xdist worker, so the kernels
that nbval and the runner start inherit these variables: every notebook runs on the ``ci`` profile, and
``CBREC_OFFLINE`` makes any attempted download fail at once instead of reaching the network.
"""

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ["CBREC_PROFILE"] = "ci"
    os.environ["CBREC_OFFLINE"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """An empty, private data home for tests that write to it."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("CBREC_DATA_HOME", str(home))
    return home
