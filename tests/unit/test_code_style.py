"""The library, the tests, the benchmarks and the root conftest.py pass ruff's lint and format checks.

ruff is configured in pyproject.toml. The course notebooks are excluded there: tests/notebooks/test_lint.py
holds them to the course's own rules.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["cbrec_lab", "tests", "benchmarks", "conftest.py"]
PATHS = " ".join(CHECKED)
#: Enough of ruff's report to act on without flooding the test summary.
REPORT_CHARS = 20_000

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed: it comes with the `test` extra (make setup, or pip install -c constraints.txt ruff)",
)


def _ruff(*args: str) -> subprocess.CompletedProcess:
    # --no-cache: a test run writes nothing into the checkout
    command = [sys.executable, "-m", "ruff", *args, "--no-cache", *CHECKED]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _failure(result: subprocess.CompletedProcess, what: str, fix: str) -> str:
    version = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True).stdout
    report = (result.stderr + result.stdout).strip()
    if len(report) > REPORT_CHARS:
        report = report[:REPORT_CHARS] + f"\n... ({len(report) - REPORT_CHARS} more characters)"
    return f"{what} ({version.strip()}; constraints.txt pins the version CI uses). {fix}:\n{report}"


def test_ruff_check_finds_nothing():
    result = _ruff("check", "--output-format", "concise")
    if result.returncode != 0:
        pytest.fail(
            _failure(result, "`ruff check` has findings", f"Fix with `ruff check --fix {PATHS}`, then by hand"),
            pytrace=False,
        )


def test_ruff_format_would_change_nothing():
    result = _ruff("format", "--diff")
    if result.returncode != 0:
        # every ruff version writes a unified diff here: the files first, then the start of the diff itself
        files = [line[4:] for line in result.stdout.splitlines() if line.startswith("--- ")]
        result.stdout = "\n".join(files) + "\n\n" + result.stdout
        pytest.fail(
            _failure(result, "`ruff format` would reformat files", f"Fix with `ruff format {PATHS}`"), pytrace=False
        )


def test_every_checked_path_exists():
    # a folder or file renamed away would otherwise make ruff fail with an unhelpful "no such file" or check less
    assert all((ROOT / path).exists() for path in CHECKED), [p for p in CHECKED if not (ROOT / p).exists()]
