"""Named results recorded by a notebook, so that the course runner and the tests can read them back.

A notebook calls ``record("map@500 cnn", 0.27)``. The value is displayed for the student and also stored
in the cell's output under a dedicated MIME type; :func:`read_results` collects every recorded value from
an executed notebook (a later record of the same name overrides an earlier one). This is the same idea as
scrapbook's ``glue`` used by Microsoft Recommenders, without the extra dependency.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .exceptions import ParameterError

__all__ = ["RESULT_MIME", "record", "read_results"]

#: MIME type of a recorded result in a notebook's outputs.
RESULT_MIME = "application/vnd.cbrec-lab.result+json"


def _plain(value: Any, name: str) -> Any:
    """Convert NumPy scalars/arrays and tuples to JSON types; refuse anything else that JSON cannot hold."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v, name) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v, name) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"record({name!r}, ...) got the non-finite number {value!r}; record a finite value.")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ParameterError(
        f"record({name!r}, ...) got a {type(value).__name__}; record numbers, strings, booleans, or lists and "
        "dicts of them."
    )


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def record(name: str, value: Any, *, text: str | None = None) -> None:
    """Record a named result of the notebook and show it.

    Parameters
    ----------
    name : str
        A short, stable name, e.g. ``"auc cold start vbpr"``. Tests and the runner's summary refer to it.
    value : number, str, bool, or a list/dict of them
        NumPy scalars and arrays are converted to plain Python values.
    text : str, optional
        What the student sees instead of the default ``[recorded] name = value``.
    """
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(f"record() needs a non-empty string name, got {name!r}.")
    value = _plain(value, name)
    from IPython.display import display

    payload = {"name": name, "value": value}
    json.dumps(payload)  # fail here, not in the runner, if something slipped through
    display({RESULT_MIME: payload, "text/plain": text or f"[recorded] {name} = {_text(value)}"}, raw=True)


def read_results(nb: Any) -> dict[str, Any]:
    """Collect the values recorded with :func:`record` from an executed notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode or dict
        A notebook as read by :func:`nbformat.read`.

    Returns
    -------
    dict
        ``{name: value}`` in recording order; a name recorded twice keeps its last value.
    """
    results: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(RESULT_MIME)
            if payload is not None:
                results[payload["name"]] = payload["value"]
    return results
