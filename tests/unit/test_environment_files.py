"""pyproject.toml, environment.yml, binder/, constraints.txt, the Makefile and .ci/run tell one story."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
REQUIRED = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["test"]


def _normalised(requirement: str) -> tuple:
    req = Requirement(requirement)
    return canonicalize_name(req.name), str(req.specifier), tuple(sorted(req.extras)), str(req.marker or "")


def _pip_section(path: Path) -> tuple[list[str], list[str]]:
    spec = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d)
    options = [line for line in pip if line.startswith("-")]
    return [line for line in pip if not line.startswith("-")], options


def _constraints() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"constraints.txt pins exact versions: {line}"
            pins[canonicalize_name(req.name)] = Version(spec.version)
    return pins


@pytest.mark.parametrize("env_file", ["environment.yml", "binder/environment.yml"])
def test_conda_environments_list_exactly_the_pyproject_requirements(env_file):
    path = ROOT / env_file
    listed, options = _pip_section(path)
    ours, theirs = {_normalised(r) for r in REQUIRED}, {_normalised(r) for r in listed}
    assert not ours - theirs, f"missing or different in {env_file}: {sorted(ours - theirs)}"
    assert not theirs - ours, f"extra or different in {env_file}: {sorted(theirs - ours)}"
    assert len(listed) == len(theirs), "a requirement is listed twice"
    (constraint,) = [o for o in options if o.startswith("-c ")]
    assert (path.parent / constraint.split(maxsplit=1)[1]).resolve() == ROOT / "constraints.txt"
    spec = yaml.safe_load(path.read_text())
    python = next(d for d in spec["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert Version(python.split("=")[1]) in Requirement("x" + PYPROJECT["project"]["requires-python"]).specifier


def test_constraints_pin_every_requirement_within_its_bounds():
    pins = _constraints()
    for requirement in REQUIRED:
        req = Requirement(requirement)
        name = canonicalize_name(req.name)
        assert name in pins, f"{name} is not pinned in constraints.txt: run `make lock`"
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} violates {req.specifier}"
    assert "cbrec-lab" not in pins
    assert "torch" not in pins, "a torch pin would pull a multi-GB CUDA build into every install"


def test_binder_installs_the_package_and_prepares_the_default_kits():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "cbrec-lab data prepare --profile small" in post_build
    assert "pip install --no-deps -c constraints.txt tinysoundfont" in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith(("#", "export", "set ", "cd "))]
    # CI may prepare the environment first (a second Keras backend for the backend test), then runs exactly
    # the README's test command, last.
    assert ci_commands[-1] == "make test"
    assert ci_commands[:-1] in ([], ["make setup", ".venv/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0",
                                     '.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[spark]"'])
    assert re.search(r"^make test$", readme, re.M) and re.search(r"^make course$", readme, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert "-c constraints.txt" in makefile and "pytest" in makefile
    assert "-c constraints.txt --no-deps tinysoundfont" in makefile, "the synthesiser, without pyaudio"
    assert "tinysoundfont" in _constraints()


def test_console_script_and_package_metadata():
    assert PYPROJECT["project"]["scripts"]["cbrec-lab"] == "cbrec_lab.cli:main"
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    names = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    design_card = {"jupyterlab", "numpy", "librosa", "opencv-python-headless", "scikit-image", "tensorflow", "keras", "implicit", "seaborn"}
    assert design_card <= names
    assert "opencv-python" not in names, "headless OpenCV only: no libGL on servers, Binder or CI"
