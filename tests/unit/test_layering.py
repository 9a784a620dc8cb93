"""The dependency direction of DESIGN.md / STYLE.md section 4, checked over every import."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Layers inside alertmanager/: a package may import only strictly lower layers (never a sibling).
LAYER = {
    "model": 0, "types": 0, "options": 0, "logs": 0, "loopmetrics": 0,
    "config": 1, "template": 1, "metrics": 1,
    "silences": 2, "inhibit": 2, "nflog": 2, "store": 2, "notify": 2,
    "dispatch": 3,
    "api": 4, "ui": 4, "webconfig": 4,
    "app": 5,
    "cli": 6, "amtool": 7, "__main__": 7, "__init__": 0,
}
RECEIVER_MAY_IMPORT = {"model", "notify", "template", "config", "types"}
CLUSTER_MAY_IMPORT = {"model", "types"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def _files(pkg: str) -> list[Path]:
    return sorted(p for p in (ROOT / pkg).rglob("*.py") if "_pb2" not in p.name)


def _unit(path: Path) -> str:
    rel = path.relative_to(ROOT / "alertmanager").parts
    return rel[0].removesuffix(".py")


@pytest.mark.parametrize("path", _files("alertmanager"), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_layers(path):
    me = _unit(path)
    assert me in LAYER, f"{me} has no layer: add it to LAYER and to STYLE's list"
    for mod in _imports(path):
        top = mod.split(".")[0]
        if top in ("cluster", "receivers"):
            assert me in ("app", "cli", "__main__"), f"{path}: core module imports {mod}; only app.py wires it in"
        if top != "alertmanager" or mod == "alertmanager":
            continue
        other = mod.split(".")[1]
        if other == me:
            continue
        assert LAYER[other] < LAYER[me], f"{path}: layer {me}({LAYER[me]}) imports {other}({LAYER[other]})"


@pytest.mark.parametrize("path", _files("receivers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_receivers_direction(path):
    for mod in _imports(path):
        parts = mod.split(".")
        if parts[0] == "alertmanager" and len(parts) > 1:
            assert parts[1] in RECEIVER_MAY_IMPORT, f"{path} imports {mod}"
        # A private helper module beside its users (``receivers._render``) is shared code, not a receiver.
        if parts[0] == "receivers" and len(parts) > 1 and not parts[1].startswith("_"):
            pytest.fail(f"{path}: a receiver imports another receiver module {mod}")
        assert parts[0] != "cluster", f"{path} imports {mod}"


@pytest.mark.parametrize("path", _files("cluster"), ids=lambda p: str(p.relative_to(ROOT)))
def test_cluster_direction(path):
    for mod in _imports(path):
        parts = mod.split(".")
        if parts[0] == "alertmanager" and len(parts) > 1:
            assert parts[1] in CLUSTER_MAY_IMPORT, f"{path} imports {mod}"
        assert parts[0] != "receivers", f"{path} imports {mod}"
