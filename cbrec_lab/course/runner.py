"""Execute course notebooks headless, with the profile injected, and summarise what happened.

For each notebook the runner injects the parameters after the cell tagged ``parameters`` (papermill's
convention: a new cell tagged ``injected-parameters``), executes it in a kernel of the *current* Python
environment with :mod:`nbclient`, writes the executed copy, and measures wall time and the peak resident
memory of the kernel and its child processes. Values recorded with :func:`cbrec_lab.notebook.record`
are read back into the summary.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..cache import atomic_path, atomic_write_text
from ..config import Profile, display_path, get_profile
from ..exceptions import NotebookError, ParameterError
from ..notebook import read_results
from .catalog import select_notebooks

__all__ = ["NotebookRun", "inject_parameters", "run_notebook", "run_course", "write_summary", "parse_parameter"]

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


@dataclass
class NotebookRun:
    """What happened to one notebook.

    Attributes
    ----------
    notebook : str
        Notebook stem, e.g. ``"00_welcome"``.
    status : {"passed", "failed"}
    wall_s : float
        Wall time including kernel start-up.
    peak_rss_mib : float
        Peak resident memory of the kernel process tree, sampled every 0.2 s.
    budget_s : float or None
        The profile's per-notebook budget.
    output : str
        Where the executed copy was written.
    results : dict
        Values recorded with :func:`cbrec_lab.notebook.record`.
    error : str or None
        For a failure: the failing cell's number and source, and the error.
    """

    notebook: str
    status: str
    wall_s: float
    peak_rss_mib: float
    budget_s: float | None
    output: str
    results: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def over_budget(self) -> bool:
        return self.budget_s is not None and self.wall_s > self.budget_s


def parse_parameter(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line; VALUE is a Python literal if it parses as one, else a string."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ParameterError(f"Parameters look like NAME=VALUE (e.g. DATASET=gtzan), got {text!r}.")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return name, value


def inject_parameters(nb: nbformat.NotebookNode, parameters: Mapping[str, Any]) -> None:
    """Insert a cell tagged ``injected-parameters`` right after the ``parameters`` cell (in place).

    An injected cell left by an earlier run is replaced. Raises :class:`NotebookError` when the notebook
    does not have exactly one cell tagged ``parameters``.
    """
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    positions = [i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(positions) != 1:
        raise NotebookError(
            f"A course notebook needs exactly one cell tagged 'parameters', this one has {len(positions)}."
        )
    lines = ["# Parameters injected by `cbrec-lab course run`"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
    nb.cells.insert(positions[0] + 1, cell)


class _PeakMemory:
    """Samples the resident memory of this process's descendants (the kernel and what it starts)."""

    def __init__(self, interval_s: float = 0.2) -> None:
        import psutil

        self._psutil = psutil
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_forever, daemon=True)
        self.peak_bytes = 0

    def _sample_once(self) -> None:
        total = 0
        for child in self._psutil.Process().children(recursive=True):
            try:
                total += child.memory_info().rss
            except (self._psutil.NoSuchProcess, self._psutil.AccessDenied):
                continue
        self.peak_bytes = max(self.peak_bytes, total)

    def _sample_forever(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample_once()

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _kernel_manager():
    """A kernel manager whose kernel runs in this very interpreter, whatever kernelspecs the user has."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    class CurrentEnvironmentKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str):  # noqa: ARG002 - one kernel only
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
            )

    return KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvironmentKernelSpecs())


def _failure_text(nb: nbformat.NotebookNode, err: Exception) -> str:
    """Where, source and error of the failing cell (the first code cell with an error output); the numbers are
    those a person sees when opening the executed copy, injected-parameters cell included."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                source = "\n".join("    " + line for line in cell.source.splitlines()[:20])
                where = f"cell In [{cell.execution_count}] (code cell {number} of the executed copy)"
                return f"{where}:\n{source}\n{output['ename']}: {output['evalue']}"
    return f"{type(err).__name__}: {err}"


def _clear_outputs(nb: nbformat.NotebookNode) -> None:
    """Remove every stored output and execution count (in place), so that after a failure the cells that never
    ran show nothing, and :func:`read_results` sees only what this run recorded."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def run_notebook(
    path: os.PathLike | str,
    output_dir: os.PathLike | str,
    *,
    profile: str | Profile | None = None,
    parameters: Mapping[str, Any] | None = None,
    inject: bool = True,
    cell_timeout_s: float = 1800,
) -> NotebookRun:
    """Execute one notebook headless and write the executed copy to ``output_dir``.

    Parameters
    ----------
    path : path
        The notebook. It runs with its own directory as working directory.
    output_dir : path
        Where the executed copy goes (same file name).
    profile : str, Profile or None
        Injected as ``PROFILE`` and exported to the kernel as ``CBREC_PROFILE``.
    parameters : mapping, optional
        More parameters to inject (e.g. ``{"DATASET": "gtzan"}``).
    inject : bool
        Insert the ``injected-parameters`` cell. ``False`` leaves the cells as they are (the profile then
        reaches the notebook through ``CBREC_PROFILE`` only); used to refresh the stored outputs of the
        committed notebooks, which must not contain an injected cell.
    cell_timeout_s : float
        Maximum seconds for one cell.

    Returns
    -------
    NotebookRun
        A failed run is returned, not raised; the executed copy then holds the error, and the cells after
        it have no outputs (stored outputs are cleared before the run, so no result of an earlier run is
        reported as this run's).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellControlSignal, CellExecutionError, DeadKernelError

    path = Path(path)
    profile = get_profile(profile)
    nb = nbformat.read(path, as_version=4)
    _clear_outputs(nb)
    if inject:
        inject_parameters(nb, {"PROFILE": profile.name, **(parameters or {})})
    elif parameters:
        raise ParameterError("Parameters other than the profile can only be injected (inject=True).")
    env = {**os.environ, "CBREC_PROFILE": profile.name}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    kernel = _kernel_manager()
    client = NotebookClient(
        nb,
        km=kernel,
        timeout=cell_timeout_s,
        record_timing=False,  # keeps committed notebooks free of per-cell timestamps
        resources={"metadata": {"path": str(path.parent)}},
    )
    error = None
    start = time.perf_counter()
    with _PeakMemory() as memory:
        try:
            client.execute(env=env)
        except (CellExecutionError, CellControlSignal, DeadKernelError) as err:
            error = _failure_text(nb, err)
        finally:  # nbclient leaves a kernel it did not create running: stop it, and the processes it started
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    wall = time.perf_counter() - start
    output = Path(output_dir) / path.name
    with atomic_path(output) as tmp:
        nbformat.write(nb, tmp)
    return NotebookRun(
        notebook=path.stem,
        status="failed" if error else "passed",
        wall_s=round(wall, 1),
        peak_rss_mib=round(memory.peak_bytes / 2**20, 1),
        budget_s=profile.notebook_budget_s,
        output=display_path(output),
        results=read_results(nb),
        error=error,
    )


def run_course(
    course_dir: os.PathLike | str,
    output_dir: os.PathLike | str,
    *,
    profile: str | Profile | None = None,
    only: Iterable[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    inject: bool = True,
    progress: bool = True,
) -> list[NotebookRun]:
    """Run the selected notebooks in lesson order (see :func:`select_notebooks` for ``only`` and
    :func:`run_notebook` for the rest)."""
    notebooks = select_notebooks(course_dir, only)
    if not notebooks:
        raise ParameterError(f"No notebooks (NN_*.ipynb) in {course_dir}.")
    runs = []
    for nb_path in notebooks:
        if progress:
            print(f"running {nb_path.name} ...", file=sys.stderr, flush=True)
        run = run_notebook(nb_path, output_dir, profile=profile, parameters=parameters, inject=inject)
        if progress:
            print(f"  {run.status} in {run.wall_s:.1f} s, peak {run.peak_rss_mib:.0f} MiB", file=sys.stderr)
        runs.append(run)
    return runs


def _format_results(results: Mapping[str, Any], limit: int = 6) -> str:
    shown = [f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in list(results.items())[:limit]]
    more = len(results) - limit
    return "; ".join(shown) + (f"; +{more} more" if more > 0 else "")


def summary_table(runs: list[NotebookRun], profile: Profile) -> str:
    """The summary as a Markdown table with a totals line (also what the CLI prints)."""
    lines = [
        "| notebook | status | wall (s) | budget (s) | peak memory (MiB) | recorded results |",
        "|---|---|---:|---:|---:|---|",
    ]
    for run in runs:
        status = run.status + (" (over budget)" if run.over_budget else "")
        budget = f"{run.budget_s:.0f}" if run.budget_s is not None else "—"
        lines.append(
            f"| {run.notebook} | {status} | {run.wall_s:.1f} | {budget} | {run.peak_rss_mib:.0f} | "
            f"{_format_results(run.results)} |"
        )
    total = sum(r.wall_s for r in runs)
    failed = sum(r.status != "passed" for r in runs)
    over = sum(r.over_budget for r in runs)
    course_budget = f" of a {profile.course_budget_s:.0f} s budget" if profile.course_budget_s else ""
    lines.append("")
    lines.append(
        f"profile {profile.name}: {len(runs)} notebook(s), {failed} failed, {over} over budget, "
        f"{total:.1f} s in total{course_budget}."
    )
    return "\n".join(lines)


def write_summary(runs: list[NotebookRun], output_dir: os.PathLike | str, profile: str | Profile | None) -> Path:
    """Write ``summary.json`` (every field) and ``summary.md`` (the table) to ``output_dir``; return the JSON path."""
    profile = get_profile(profile)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "profile": profile.name,
        "total_wall_s": round(sum(r.wall_s for r in runs), 1),
        "course_budget_s": profile.course_budget_s,
        "notebooks": [asdict(r) | {"over_budget": r.over_budget} for r in runs],
    }
    json_path = output_dir / "summary.json"
    atomic_write_text(json_path, json.dumps(payload, indent=2) + "\n")
    atomic_write_text(output_dir / "summary.md", summary_table(runs, profile) + "\n")
    return json_path
