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
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
# What `make setup`, environment.yml and Binder install: the library, the tests and the JupyterLab front-end.
REQUIRED = PYPROJECT["project"]["dependencies"] + EXTRAS["test"] + EXTRAS["lab"]
#: Packages only a local Jupyter front-end needs. Colab brings its own (pinned) front-end and kernel, so these
#: belong in the `lab` extra, never in the core requirements the Colab cell installs.
FRONT_END = {"jupyterlab", "ipywidgets", "notebook", "jupyter-server", "jupyterlab-widgets"}
#: ipykernel versions Colab's `google-colab` package has pinned; the core requirement must admit them.
COLAB_IPYKERNELS = ("5.5.6", "6.17.1")


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
    assert {"jax", "jaxlib"} <= pins.keys(), "the second Keras backend CI installs (.ci/run) is pinned: run `make lock`"
    assert pins["jax"] == pins["jaxlib"], "jax and jaxlib are released together"


def test_binder_installs_the_package_and_prepares_the_default_kits():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "cbrec-lab data prepare --profile small" in post_build
    assert "pip install --no-deps -c constraints.txt tinysoundfont" in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "export", "set ", "cd "))
    ]
    # CI may prepare the environment first (a second Keras backend for the backend test, the Spark extra, a
    # browser), then runs exactly the README's test command, last.
    assert ci_commands[-1] == "make test"
    assert "make setup" in ci_commands[:-1]
    assert (
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt jax" in ci_commands
    ), "CI installs JAX (a CPU build) through the constraints for tests/unit/test_second_backend.py"
    torch_lines = [line for line in ci_commands if "torch" in line]
    assert all("download.pytorch.org/whl/cpu" in line and "+cpu" in line for line in torch_lines), (
        "torch only as PyTorch's CPU build (its local version, from its CPU index): PyPI's Linux wheel is a multi-GB "
        "CUDA build"
    )
    assert (
        '.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[spark]"'
        in ci_commands
    )
    assert re.search(r"^make test$", readme, re.M) and re.search(r"^make course$", readme, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert "-c constraints.txt" in makefile and "pytest" in makefile
    assert '-c constraints.txt -e ".[test,lab]"' in makefile, "make setup installs the JupyterLab front-end too"
    assert '-e ".[test,lab,spark]"' in makefile and "pip install --quiet --disable-pip-version-check jax" in makefile, (
        "make lock pins everything make setup and .ci/run install, the second Keras backend included"
    )
    assert "-c constraints.txt --no-deps tinysoundfont" in makefile, "the synthesiser, without pyaudio"
    assert "tinysoundfont" in _constraints()


def test_console_script_and_package_metadata():
    assert PYPROJECT["project"]["scripts"]["cbrec-lab"] == "cbrec_lab.cli:main"
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    names = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    design_card = {
        "numpy",
        "librosa",
        "opencv-python-headless",
        "scikit-image",
        "tensorflow",
        "keras",
        "implicit",
        "seaborn",
    }
    assert design_card <= names
    assert "jupyterlab" in {canonicalize_name(Requirement(r).name) for r in EXTRAS["lab"]}, (
        "JupyterLab: the `lab` extra"
    )
    assert "opencv-python" not in names, "headless OpenCV only: no libGL on servers, Binder or CI"


def test_core_requirements_leave_colabs_front_end_alone():
    """The Colab cell installs the core requirements: no Jupyter front-end, and a kernel bound Colab's pin meets."""
    core = {canonicalize_name(Requirement(r).name): Requirement(r) for r in PYPROJECT["project"]["dependencies"]}
    assert not FRONT_END & core.keys(), (
        f"front-end packages belong in the `lab` extra: {sorted(FRONT_END & core.keys())}"
    )
    lab = {canonicalize_name(Requirement(r).name) for r in EXTRAS["lab"]}
    assert {"jupyterlab", "ipywidgets"} <= lab, "make setup, environment.yml and Binder install the front-end"
    # what the library itself imports at run time stays in the core (the course runner and student copies)
    assert {"ipykernel", "nbformat", "nbclient"} <= core.keys()
    for version in COLAB_IPYKERNELS:
        assert core["ipykernel"].specifier.contains(version), (
            f"{core['ipykernel']} would replace Colab's pinned ipykernel {version} (the runtime breaks)"
        )
