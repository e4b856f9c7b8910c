import pytest

from cbrec_lab import datasets
from cbrec_lab.datasets import registry
from cbrec_lab.exceptions import ParameterError


@pytest.fixture
def fake_kit(monkeypatch):
    monkeypatch.setattr(registry, "_KITS", {})
    calls = []

    def prepare(profile, root, progress):
        calls.append((profile.name, root, progress))
        root.mkdir(parents=True, exist_ok=True)
        (root / "ready").write_text(profile.name)
        return root

    kit = datasets.register_kit(datasets.Kit("toy", "a kit for tests", prepare))
    return kit, calls


def test_prepare_builds_each_kit_in_its_own_folder_of_the_data_home(fake_kit, data_home):
    kit, calls = fake_kit
    paths = datasets.prepare("ci", progress=False)
    assert paths == {"toy": data_home / "kits" / "toy"}
    assert (paths["toy"] / "ready").read_text() == "ci"
    assert calls == [("ci", data_home / "kits" / "toy", False)]
    assert datasets.kits() == [kit]


def test_unknown_kits_and_double_registration_are_errors(fake_kit, data_home):
    kit, _ = fake_kit
    with pytest.raises(ParameterError, match=r"Unknown kit\(s\) 'music'. Registered: toy"):
        datasets.prepare("ci", ["music"])
    datasets.register_kit(kit)  # the same object again is harmless (re-import)
    with pytest.raises(ParameterError, match="already registered"):
        datasets.register_kit(datasets.Kit("toy", "another", kit.prepare))
