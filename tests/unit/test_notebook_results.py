import nbformat
import numpy as np
import pytest

from cbrec_lab.exceptions import ParameterError
from cbrec_lab.notebook import RESULT_MIME, _plain, read_results


def _output(name, value):
    return nbformat.v4.new_output("display_data", data={RESULT_MIME: {"name": name, "value": value}, "text/plain": "x"})


def test_read_results_collects_in_order_and_keeps_the_last_value():
    cell_a = nbformat.v4.new_code_cell("", outputs=[_output("auc", 0.5), nbformat.v4.new_output("stream", text="hi")])
    cell_b = nbformat.v4.new_code_cell("", outputs=[_output("map", 0.1), _output("auc", 0.7)])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), cell_a, cell_b])
    results = read_results(nb)
    assert results == {"auc": 0.7, "map": 0.1}
    assert list(results) == ["auc", "map"]


def test_values_become_plain_json_types():
    assert _plain(np.float32(0.5), "x") == 0.5 and type(_plain(np.int64(3), "x")) is int
    assert _plain(np.arange(3), "x") == [0, 1, 2]
    assert _plain({"a": (1, np.bool_(True))}, "x") == {"a": [1, True]}


@pytest.mark.parametrize("bad", [float("nan"), np.inf, object(), {1, 2}])
def test_unrecordable_values_are_refused_with_the_name(bad):
    with pytest.raises(ParameterError, match="'score'"):
        _plain(bad, "score")
