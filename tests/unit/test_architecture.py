"""The library's import rules (README, *Library map*): no private names across modules, arrows only downwards."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "cbrec_lab"

#: Layers of the library map, lowest first; a module may import from its own layer and the layers below.
LAYERS = (
    ("exceptions", "checks", "ranking", "cache", "config", "notebook"),
    ("audio", "augment", "vision", "player", "metrics", "stats", "feature_cache", "datasets"),
    ("recommender", "cf", "recommend", "image_music", "losses", "train", "models", "genre", "backbones", "finetune"),
    ("evaluation",),
    ("spark",),
    ("exercises", "course", "doctor", "cli"),
)
LAYER = {name: level for level, names in enumerate(LAYERS) for name in names}


def _modules(package: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(path: Path, package: Path) -> tuple[str, ...]:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path, package: Path):
    """(imported module as a tuple of names, imported names) for every ``from … import …`` of the library."""
    own = _dotted(path, package)
    here = own if path.name == "__init__.py" else own[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = here[: len(here) - node.level + 1]
            target = base + tuple(node.module.split(".")) if node.module else base
        elif node.module and node.module.split(".")[0] == package.name:
            target = tuple(node.module.split("."))
        else:
            continue
        yield target, [alias.name for alias in node.names]


def private_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """Private names ``path`` imports from other modules (a package may use its own modules' helpers)."""
    own = _dotted(path, package)
    found = []
    for target, names in _imports(path, package):
        inside = target[: len(own)] == own if path.name == "__init__.py" else target == own
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private and not inside:
            found.append(f"{', '.join(private)} from {'.'.join(target)}")
    return found


def upward_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """Imports of ``path`` that point to a higher layer of the library map (or to a module not in the map)."""
    own = _dotted(path, package)[1:2]
    if not own:
        return []
    own = own[0]
    if own not in LAYER:
        return [f"{package.name}.{own} is not in the library map's layers (add it to LAYERS and the README)"]
    found = []
    for target, _ in _imports(path, package):
        other = target[1] if len(target) > 1 else None
        if other is None or other == own:
            continue
        if other not in LAYER or LAYER[other] > LAYER[own]:
            found.append(f"{own} (layer {LAYER[own]}) imports {other} (layer {LAYER.get(other, '?')})")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_another_modules_private_names(path):
    assert not private_imports(path), f"{path.relative_to(PACKAGE)} imports private names: {private_imports(path)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_to_the_same_layer_or_below(path):
    found = upward_imports(path)
    assert not found, f"{path.relative_to(PACKAGE)}: {found}; move the shared code down a layer"


def test_the_rules_catch_what_they_forbid(tmp_path):
    package = tmp_path / "cbrec_lab"
    (package / "spark").mkdir(parents=True)
    (package / "metrics.py").write_text("from .spark.als import fit\n")  # layer 1 → layer 4
    (package / "ranking.py").write_text("from .metrics import _top_k\nfrom . import _private\n")
    (package / "spark" / "__init__.py").write_text("from .als import _helper\n")  # its own module: allowed
    (package / "spark" / "als.py").write_text("from ..ranking import top_k\nfrom .session import _start\n")
    assert private_imports(package / "ranking.py", package) == [
        "_top_k from cbrec_lab.metrics",
        "_private from cbrec_lab",
    ]
    assert private_imports(package / "spark" / "__init__.py", package) == []
    assert private_imports(package / "spark" / "als.py", package) == ["_start from cbrec_lab.spark.session"]
    assert upward_imports(package / "metrics.py", package) == ["metrics (layer 1) imports spark (layer 4)"]
    assert upward_imports(package / "spark" / "als.py", package) == []
