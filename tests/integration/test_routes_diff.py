"""Differential routing test: our tree picks the receivers real ``amtool config routes test`` prints.

For every corpus config that Debian's amtool 0.25 loads, label sets are derived from the
route matchers (the equality values along each path, a literal alternative of each simple
regex, plus near misses), and the receivers our ``Route`` tree matches, joined by commas, must
equal amtool's output line for the same labels.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from alertmanager.config import load_file
from alertmanager.config.schema import RouteConfig
from alertmanager.dispatch.route import Route
from alertmanager.model.labels import is_valid_legacy_label_name
from alertmanager.model.matchers import Matcher, MatchType

pytestmark = pytest.mark.integration

AMTOOL = "/usr/bin/amtool"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "configs" / "valid"
_LITERAL_ALTS = re.compile(r"[A-Za-z0-9_.\- ]+(\|[A-Za-z0-9_.\- ]+)*")
_MAX_SETS = 60


def _amtool(config: Path, labels: dict[str, str]) -> subprocess.CompletedProcess[str]:
    args = [AMTOOL, "config", "routes", "test", f"--config.file={config}"]
    for name, value in sorted(labels.items()):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        args.append(f'{name}="{escaped}"')
    return subprocess.run(args, capture_output=True, text=True, timeout=30, cwd=config.parent)


def _accepted_configs() -> list[Path]:
    # Only configs the real 0.25 loads are oracles; newer-syntax ones are unit-tested elsewhere.
    paths = sorted(CORPUS.glob("*.yml")) + sorted(CORPUS.glob("*.yaml"))
    with ThreadPoolExecutor(8) as pool:
        ok = list(pool.map(lambda p: _amtool(p, {}).returncode == 0, paths))
    return [p for p, good in zip(paths, ok, strict=True) if good]


def _regex_example(m: Matcher) -> str | None:
    body = m.value
    if body.startswith("^(?:") and body.endswith(")$"):
        body = body[4:-2]
    body = body.removeprefix("^").removesuffix("$")
    if body.startswith("(") and body.endswith(")") and "(" not in body[1:-1]:
        body = body[1:-1]
    if not _LITERAL_ALTS.fullmatch(body):
        return None
    candidate = body.split("|")[0]
    return candidate if m.matches(candidate) else None


def _apply(labels: dict[str, str], matchers: tuple[Matcher, ...]) -> None:
    for m in matchers:
        if m.type is MatchType.EQUAL:
            labels[m.name] = m.value
        elif m.type is MatchType.REGEX:
            ex = _regex_example(m)
            if ex is not None:
                labels[m.name] = ex


def _paths(cfg: RouteConfig, inherited: dict[str, str]) -> Iterator[dict[str, str]]:
    here = dict(inherited)
    _apply(here, cfg.matchers)
    yield here
    for child in cfg.routes:
        yield from _paths(child, here)


def label_sets(root: RouteConfig) -> list[dict[str, str]]:
    """Label sets that reach each route, plus near misses (one label changed or dropped)."""
    out: list[dict[str, str]] = [{}, {"alertname": "Watchdog"}]
    for path in _paths(root, {}):
        out.append(path)
        for name in sorted(path):
            out.append({**path, name: path[name] + "-other"})
            out.append({k: v for k, v in path.items() if k != name})
    seen: set[frozenset[tuple[str, str]]] = set()
    unique: list[dict[str, str]] = []
    for ls in out:
        key = frozenset(ls.items())
        legacy = all(is_valid_legacy_label_name(n) for n in ls)
        if key in seen or not legacy:
            continue
        seen.add(key)
        unique.append(ls)
    return unique[:_MAX_SETS]


@pytest.mark.parametrize("config", _accepted_configs(), ids=lambda p: p.name)
def test_receivers_match_amtool(config: Path) -> None:
    cfg = load_file(config)
    tree = Route.from_config(cfg.route)
    sets = label_sets(cfg.route)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda ls: _amtool(config, ls), sets))
    mismatches = []
    for ls, res in zip(sets, results, strict=True):
        assert res.returncode == 0, (ls, res.stderr)
        ours = ",".join(r.receiver for r in tree.match(ls))
        theirs = res.stdout.rstrip("\n")
        if ours != theirs:
            mismatches.append((ls, ours, theirs))
    assert mismatches == []
    assert len(sets) >= 2


def test_corpus_has_enough_accepted_configs() -> None:
    # Guard: the differential test above must actually run over the corpus.
    assert len(_accepted_configs()) >= 40
