"""The config package finds receivers only through the registry, lazily; receiver modules stay light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RECEIVER_MODULES = sorted(p for p in (ROOT / "receivers").glob("*.py") if p.name != "__init__.py")


def _imports(path: Path, *, top_level: bool = False) -> set[str]:
    names: set[str] = set()
    tree = ast.parse(path.read_text())
    for node in tree.body if top_level else ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_config_package_never_imports_receivers_statically() -> None:
    for path in (ROOT / "alertmanager" / "config").glob("*.py"):
        assert not any(n == "receivers" or n.startswith("receivers.") for n in _imports(path)), path


@pytest.mark.parametrize("path", RECEIVER_MODULES, ids=[p.name for p in RECEIVER_MODULES])
def test_receiver_module_imports_no_other_receiver_nor_botocore(path: Path) -> None:
    imported = _imports(path)
    # botocore may only be imported inside functions (the SNS notifier loads it on first send).
    assert not any(n.startswith(("botocore", "boto3")) for n in _imports(path, top_level=True))
    # Private helper modules (receivers._name) beside their users are allowed (STYLE rule 6).
    assert not any(n.startswith("receivers.") and not n.startswith("receivers._") for n in imported)


def test_loading_a_config_imports_only_the_receivers_it_uses() -> None:
    code = ("import sys; from alertmanager.config import load; "
            "load('route: {receiver: a}\\nreceivers:\\n- name: a\\n  webhook_configs: [{url: \"http://h/\"}]\\n'); "
            "print(sorted(m for m in sys.modules if m.startswith('receivers.') or m == 'botocore'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "['receivers.webhook']"


def test_every_registry_module_defines_a_config() -> None:
    import importlib

    from alertmanager.config import NotifierConfig
    from receivers import REGISTRY

    for key, module_name in REGISTRY.items():
        module = importlib.import_module(module_name)
        assert issubclass(module.CONFIG, NotifierConfig), key
        assert isinstance(getattr(module, "GLOBAL_FALLBACKS", {}), dict), key
