import pytest


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """An empty, private data home for tests that write to it."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("CBREC_DATA_HOME", str(home))
    return home
