"""Our ``amtool`` against Debian's amtool 0.25: commands that read files (routes, templates,
check-config) and the whole silence round-trip (add, query, update, export, expire, import)
driven by both tools against the real Alertmanager 0.25 and against our server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from procs import UPSTREAM_AM, Server, our_command, running
from test_amtool_diff import CONFIG, Result, _run, both, normalised

pytestmark = pytest.mark.integration

CORPUS = Path("/work/shared/corpus/configs/valid")
ROUTE_CONFIGS = ["002-alertmanager-doc-simple-v0.25.0.yml", "005-alertmanager-testdata-good.yml",
                 "020-alertmanager-cli-routing-reverted.yml",
                 "025-prometheus-operator-golden-skeleton-base-cr-with-subroutes.yml"]
TEMPLATE = '{{ define "t" }}{{ .Status }}: {{ range .Alerts }}{{ .Labels.alertname }} {{ end }}{{ end }}'
DATA = {"receiver": "r", "status": "firing", "externalURL": "http://am", "groupLabels": {"a": "b"},
        "commonLabels": {}, "commonAnnotations": {},
        "alerts": [{"status": "firing", "labels": {"alertname": "A<b>"}, "annotations": {},
                    "startsAt": "2024-01-02T03:04:05Z", "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "", "fingerprint": "1"}]}


def _file_scenarios(d: Path) -> dict[str, list[str]]:
    (d / "t.tmpl").write_text(TEMPLATE)
    (d / "data.json").write_text(json.dumps(DATA))
    (d / "bad.json").write_text("garbage")
    (d / "wrong.json").write_text('{"status": 1}')
    (d / "good.yml").write_text(CONFIG)
    (d / "bad.yml").write_text("route: {}\n")
    out: dict[str, list[str]] = {}
    for name in ROUTE_CONFIGS:
        cfg = f"--config.file={CORPUS / name}"
        key = name[:3]
        out[f"routes-show-{key}"] = ["config", "routes", cfg]
        out[f"routes-test-tree-{key}"] = ["config", "routes", "test", cfg, "--tree", "service=database",
                                          "owner=team-X", "severity=critical"]
        out[f"routes-test-verify-{key}"] = ["config", "routes", "test", cfg, "--verify.receivers=nobody",
                                            "service=files"]
    out |= {
        "routes-test-bad-labels": ["config", "routes", "test", f"--config.file={d / 'good.yml'}", "a=~b"],
        "routes-missing-file": ["config", "routes", "test", "--config.file=/nonexistent.yml"],
        "routes-invalid-config": ["config", "routes", f"--config.file={d / 'bad.yml'}"],
        "template-text": ["template", "render", f"--template.glob={d}/*.tmpl", "--template.text",
                          '{{ template "t" . }}', f"--template.data={d / 'data.json'}"],
        "template-html": ["template", "render", f"--template.glob={d}/*.tmpl", "--template.type=html",
                          "--template.text", "{{ range .Alerts }}{{ .Labels.alertname }}{{ end }}",
                          f"--template.data={d / 'data.json'}"],
        "template-default-data": ["template", "render", f"--template.glob={d}/*.tmpl", "--template.text",
                                  "{{ .Receiver }} {{ .CommonLabels.SortedPairs.Values }}"],
        "template-upstream-default": ["template", "render",
                                      "--template.glob=/usr/share/prometheus/alertmanager/default.tmpl",
                                      "--template.text", '{{ template "slack.default.title" . }}',
                                      f"--template.data={d / 'data.json'}"],
        "template-syntax-error": ["template", "render", "--template.glob=x", "--template.text", "{{ .Status "],
        "template-missing-glob": ["template", "render", "--template.text=x"],
        "template-bad-type": ["template", "render", "--template.glob=x", "--template.text=x",
                              "--template.type=pdf"],
        "template-missing-data": ["template", "render", "--template.glob=x", "--template.text=x",
                                  "--template.data=/nonexistent"],
        "template-bad-data": ["template", "render", "--template.glob=x", "--template.text=x",
                              f"--template.data={d / 'bad.json'}"],
        "template-wrong-type": ["template", "render", "--template.glob=x", "--template.text=x",
                                f"--template.data={d / 'wrong.json'}"],
        "check-config-valid": ["check-config", str(d / "good.yml")],
        "check-config-invalid": ["check-config", str(d / "bad.yml"), str(d / "good.yml")],
    }
    return out


@pytest.fixture(scope="module")
def file_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Result]]:
    d = tmp_path_factory.mktemp("files")
    scenarios = _file_scenarios(d)
    with ThreadPoolExecutor(4) as pool:
        return dict(zip(scenarios, pool.map(lambda k: both(scenarios[k], d), scenarios), strict=True))


def _names() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as t:
        return sorted(_file_scenarios(Path(t)))


@pytest.mark.parametrize("name", _names())
def test_same_as_amtool_025_on_files(name: str, file_results: dict[str, tuple[Result, Result]]) -> None:
    ours, theirs = file_results[name]
    assert ours == theirs
    if name.startswith("routes-show"):
        assert ours[0].startswith("Routing tree:\n.\n└── default-route")


# --- the silence round-trip ----------------------------------------------------------------------

def _flow(tool: list[str], url: str, tag: str, cwd: Path) -> list[Result]:
    """One tool through add, query, update, export, expire, import; each step's result."""
    base = [*tool, f"--alertmanager.url={url}", "--no-version-check"]
    steps: list[Result] = []

    def run(*args: str, stdin: str = "") -> Result:
        r = _run([*base, *args], cwd, stdin)
        steps.append(r)
        return r

    run("alert", "add", f"Flow{tag}", "severity=page", "--annotation=summary=flow <alert>",
        "--generator-url=http://gen/x", "--start=2026-01-01T00:00:00Z", "--end=2030-01-01T00:00:00Z")
    sid = run("silence", "add", f"flow={tag}", "team=x", "-a", "tester", "-c", "round trip",
              "--end=2030-03-01T00:00:00Z")[0].strip()
    run("silence", "query", f"flow={tag}", "-o", "extended")
    run("silence", "update", "--end=2031-01-01T00:00:00Z", "-c", "updated", sid)
    run("silence", "query", f"flow={tag}")
    export = run("silence", "query", f"flow={tag}", "-o", "json")[0]
    run("silence", "import", "-f", stdin=export)
    run("silence", "query", f"flow={tag}", "-q")
    for line in steps[-1][0].split():
        run("silence", "expire", line)
    run("silence", "query", "--expired", f"flow={tag}")
    run("silence", "query", f"flow={tag}", "-q")
    run("alert", "query", f"Flow{tag}", "-o", "extended")
    run("alert", "query", f"alertname=Flow{tag}", "-o", "json")
    return [(r[0].replace(tag, "<tag>"), r[1].replace(tag, "<tag>"), r[2]) for r in steps]


@pytest.fixture(scope="module", params=["upstream", "ours"])
def flow_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    command = [UPSTREAM_AM] if request.param == "upstream" else our_command()
    with running(command, tmp_path_factory.mktemp(f"flow-{request.param}"), CONFIG) as srv:
        yield srv


def test_silence_round_trip_same_as_amtool_025(flow_server: Server, tmp_path: Path) -> None:
    with ThreadPoolExecutor(2) as pool:
        ours_f = pool.submit(_flow, [sys.executable, "-m", "alertmanager.amtool"], flow_server.url, "ours", tmp_path)
        theirs_f = pool.submit(_flow, ["/usr/bin/amtool"], flow_server.url, "them", tmp_path)
        ours, theirs = ours_f.result(), theirs_f.result()
    assert [normalised(r) for r in ours] == [normalised(r) for r in theirs]
    # The flow did what it says: one silence added and exported, one imported, both expired.
    assert all(code == 0 for _, _, code in ours)
    assert len(ours[7][0].split()) == 2
    assert ours[-3][0] == ""
    assert "2031-01-01 00:00:00 UTC" in ours[4][0] and "updated" in ours[4][0]
    assert 'summary="flow <alert>"' in ours[-2][0] and "active" in ours[-2][0]


def test_amtool_is_a_console_module() -> None:
    proc = subprocess.run([sys.executable, "-m", "alertmanager.amtool", "--version"], capture_output=True, text=True,
                          timeout=30, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("amtool, version ")


# --- every corpus config the real 0.25 loads: the drawn tree and matching trees -------------------

def _accepted(paths: list[Path]) -> list[Path]:
    def ok(p: Path) -> bool:
        return subprocess.run(["/usr/bin/amtool", "check-config", str(p)], capture_output=True,
                              timeout=30, check=False).returncode == 0

    with ThreadPoolExecutor(8) as pool:
        return [p for p, good in zip(paths, pool.map(ok, paths), strict=True) if good]


def _corpus_cases() -> list[tuple[str, list[str]]]:
    from test_routes_diff import label_sets

    from alertmanager.config import load_file

    cases: list[tuple[str, list[str]]] = []
    for path in _accepted(sorted(CORPUS.glob("*.yml")) + sorted(CORPUS.glob("*.yaml"))):
        cfg = f"--config.file={path}"
        cases.append((f"{path.name[:3]}-show", ["config", "routes", "show", cfg]))
        for i, labels in enumerate(label_sets(load_file(path).route)[2:5]):
            pairs = [f'{k}="{v}"' for k, v in sorted(labels.items())]
            cases.append((f"{path.name[:3]}-tree{i}", ["config", "routes", "test", "--tree", cfg, *pairs]))
    return cases


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Result]]:
    d = tmp_path_factory.mktemp("corpus")
    cases = dict(_corpus_cases())
    with ThreadPoolExecutor(4) as pool:
        return dict(zip(cases, pool.map(lambda k: both(cases[k], d), cases), strict=True))


def test_corpus_routes_same_as_amtool_025(corpus_results: dict[str, tuple[Result, Result]]) -> None:
    mismatched = sorted(name for name, (ours, theirs) in corpus_results.items() if ours != theirs)
    assert mismatched == []
    assert sum(name.endswith("-show") for name in corpus_results) >= 40
