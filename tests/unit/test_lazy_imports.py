"""Heavy frameworks are imported when a function needs them, not when a package is imported.

Each check runs in a fresh interpreter: in the test process other tests have long since imported Keras and
friends, so ``sys.modules`` there says nothing.
"""

import importlib
import subprocess
import sys

import pytest

import cbrec_lab.models as models


def _modules_after(code: str, *names: str) -> dict[str, bool]:
    """Run ``code`` in a fresh interpreter; which of ``names`` are in its ``sys.modules`` afterwards."""
    report = f"import sys\nprint(','.join('1' if n in sys.modules else '0' for n in {list(names)!r}))"
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    flags = result.stdout.strip().splitlines()[-1].split(",")
    return dict(zip(names, (flag == "1" for flag in flags), strict=True))


def test_the_line_embedding_loads_neither_keras_nor_tensorflow():
    loaded = _modules_after(
        "import cbrec_lab.models\nfrom cbrec_lab.models import AliasTable, line_embedding, train_line",
        "keras",
        "tensorflow",
        "cbrec_lab.models.network_embedding",
    )
    # the module that was imported is seen: the check can see an import when there is one
    assert loaded == {"keras": False, "tensorflow": False, "cbrec_lab.models.network_embedding": True}


def test_importing_the_spark_package_does_not_need_pyspark():
    loaded = _modules_after("import cbrec_lab.spark\nfrom cbrec_lab.spark import spark_available", "pyspark", "keras")
    assert loaded == {"pyspark": False, "keras": False}


def test_every_lazy_name_is_the_object_its_module_exports():
    assert len(models.__all__) == len(set(models.__all__))
    for name in models.__all__:
        module = importlib.import_module(f"cbrec_lab.models.{models._MODULE_OF[name]}")
        assert name in module.__all__, f"{name} is not public in {module.__name__}: update models._EXPORTS"
        assert getattr(models, name) is getattr(module, name)
    assert set(models.__all__) <= set(dir(models))


def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import():
    with pytest.raises(AttributeError, match="has no attribute 'thesis_cnnn'"):
        models.thesis_cnnn  # noqa: B018 - the attribute access is the test
    with pytest.raises(ImportError):
        from cbrec_lab.models import thesis_cnnn  # noqa: F401
    from cbrec_lab.models import audio, network_embedding

    assert audio.thesis_cnn is models.thesis_cnn and network_embedding.train_line is models.train_line
