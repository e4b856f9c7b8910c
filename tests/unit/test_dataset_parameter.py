"""The notebooks' DATASET parameter: a typo stops at once with the allowed names, in every lesson that has it."""

import json
from pathlib import Path

import pytest

from cbrec_lab.datasets import check_dataset
from cbrec_lab.exceptions import ParameterError

COURSE = Path(__file__).resolve().parents[2] / "course"


def test_check_dataset_returns_an_allowed_name():
    assert check_dataset("gtzan", ("kit", "gtzan")) == "gtzan"
    assert check_dataset("kit", ["kit"]) == "kit"


@pytest.mark.parametrize("bad", ["gtzn", "Kit", "", None, 3])
def test_check_dataset_names_the_typo_and_the_choices(bad):
    with pytest.raises(ParameterError) as info:
        check_dataset(bad, ("kit", "gtzan"))
    message = str(info.value)
    assert message.startswith(f"DATASET={bad!r} is not one of 'kit', 'gtzan'")
    assert "parameters cell" in message


def test_check_dataset_refuses_an_empty_choice():
    with pytest.raises(ParameterError, match="at least one"):
        check_dataset("kit", ())


@pytest.mark.parametrize(
    "notebook, allowed",
    [
        ("05_genre_classification.ipynb", ("kit", "gtzan")),
        ("10_vbpr.ipynb", ("kit", "tradesy", "amazon_clothing")),
        ("12_scaling_out.ipynb", ("kit", "taste_profile")),
    ],
)
def test_lessons_check_dataset_right_after_the_parameters(notebook, allowed):
    notebook_json = json.loads((COURSE / notebook).read_text(encoding="utf-8"))
    cells = [c for c in notebook_json["cells"] if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in cells]
    parameters = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    call = "check_dataset(DATASET, (" + ", ".join(f'"{name}"' for name in allowed) + "))"
    checked = next((i for i, source in enumerate(sources) if call in source), None)
    assert checked is not None, f"{notebook} does not call {call}"
    first_use = next(i for i, source in enumerate(sources) if i > parameters and "DATASET" in source)
    assert checked == first_use == parameters + 1, f"{notebook}: {call} must open the cell after the parameters"
    assert sources[checked].lstrip().startswith(call)
    assert any("check_dataset" in s and "import" in s for s in sources[:parameters])
