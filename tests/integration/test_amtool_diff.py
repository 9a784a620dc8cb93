"""Differential tests: our ``amtool`` against Debian's amtool 0.25, run side by side.

Every scenario runs both tools with the same arguments (against the same server where one is
needed: the real Alertmanager 0.25 and ours) and compares stdout, the first stderr line and the
exit code. Only silence ids and creation times, which legitimately differ, are normalised.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from procs import AMTOOL, UPSTREAM_AM, Server, our_command, running

from alertmanager.cli.amtool import main

pytestmark = pytest.mark.integration

CONFIG = """\
route:
  receiver: default
  group_by: [alertname]
  routes:
  - matchers: [team="db"]
    receiver: db
    continue: true
    routes:
    - matchers: [severity=~"crit|page"]
      receiver: db-pager
  - match: {team: web}
    receiver: web
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: web}]
"""

Result = tuple[str, str, int]


def _run(cmd: list[str], cwd: Path, stdin: str = "") -> Result:
    proc = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=30, check=False)
    err = proc.stderr.splitlines()
    return proc.stdout, err[0] if err else "", proc.returncode


_IN_PROCESS = threading.Lock()


def run_ours_in_process(args: list[str], stdin: str = "") -> Result:
    """Our amtool's ``main`` in this process (the console script minus interpreter start-up,
    which would otherwise dominate the suite's time); one call at a time."""
    out, err = io.StringIO(), io.StringIO()
    with _IN_PROCESS, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        saved_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdin = saved_stdin
    lines = err.getvalue().splitlines()
    return out.getvalue(), lines[0] if lines else "", code


def both(args: list[str], cwd: Path, stdin: str = "", *, subprocess_ours: bool = False) -> tuple[Result, Result]:
    """(ours, theirs) for the same arguments, run concurrently."""
    with ThreadPoolExecutor(2) as pool:
        theirs = pool.submit(_run, [AMTOOL, *args], cwd, stdin)
        if subprocess_ours:
            ours = _run([sys.executable, "-m", "alertmanager.amtool", *args], cwd, stdin)
        else:
            ours = run_ours_in_process(args, stdin)
        return ours, theirs.result()


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FINGERPRINT = re.compile(r'"fingerprint":"[0-9a-f]{16}"')
_NOW_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( UTC|Z)")


def normalised(r: Result) -> Result:
    def norm(s: str) -> str:
        return _NOW_TIME.sub(lambda m: m.group(0) if m.group(0).startswith(("2030", "2031")) else "<now>",
                             _FINGERPRINT.sub('"fingerprint":"<fp>"', _UUID.sub("<id>", s)))

    return norm(r[0]), norm(r[1]), r[2]


def _seed(srv: Server) -> None:
    with srv.client() as c:
        alerts = [
            {"labels": {"alertname": "DiskFull", "team": "db", "severity": "crit"},
             "annotations": {"summary": "disk <full> & sad"}, "startsAt": "2026-01-02T03:04:05.678Z",
             "endsAt": "2030-01-01T00:00:00Z", "generatorURL": "http://prom/graph"},
            {"labels": {"alertname": "HighLatency", "team": "web"}, "startsAt": "2026-01-01T00:00:00Z",
             "endsAt": "2030-01-01T00:00:00Z"},
        ]
        assert c.post("/api/v2/alerts", json=alerts).status_code == 200
        for i, (name, value, regex, equal) in enumerate([("team", "web", False, True),
                                                           ("severity", "crit|page", True, False)]):
            body = {"matchers": [{"name": name, "value": value, "isRegex": regex, "isEqual": equal}],
                    "startsAt": "2026-01-01T00:00:00Z", "endsAt": f"203{i}-06-01T00:00:00Z",
                    "createdBy": f"seed{i}", "comment": f"seeded <{i}>"}
            assert c.post("/api/v2/silences", json=body).status_code == 200


@pytest.fixture(scope="module", params=["upstream", "ours"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    command = [UPSTREAM_AM] if request.param == "upstream" else our_command()
    with running(command, tmp_path_factory.mktemp(request.param), CONFIG) as srv:
        _seed(srv)
        yield srv


# Read-only or failing commands: the server's state is the same before and after each.
SERVER_SCENARIOS = {
    "silence": ["silence"],
    "silence-query-extended": ["silence", "query", "-o", "extended"],
    "silence-json": ["-o", "json", "silence"],
    "silence-matcher": ["silence", "query", "team=web"],
    "silence-bare-alertname": ["silence", "query", "DiskFull"],
    "silence-created-by": ["silence", "--created-by=seed1"],
    "silence-expired": ["silence", "--expired"],
    "silence-within": ["silence", "--within=2h"],
    "silence-date-format": ["--date.format=Mon Jan 2 15:04:05.000 -0700 2006", "silence"],
    "alert": ["alert"],
    "alert-extended": ["alert", "-o", "extended"],
    "alert-json": ["alert", "query", "-o", "json"],
    "alert-silenced": ["alert", "-s", "-o", "extended"],
    "alert-all-states": ["alert", "-a", "-s", "-i", "-u"],
    "alert-bare-alertname": ["alert", "DiskFull"],
    "alert-receiver": ["alert", "-s", "-r", "db.*"],
    "cluster": ["cluster"],
    "cluster-extended": ["cluster", "show", "-o", "extended"],
    "cluster-json": ["cluster", "-o", "json"],
    "routes-from-server": ["config", "routes"],
    "routes-test-from-server": ["config", "routes", "test", "team=db", "severity=page"],
    "expire-not-a-uuid": ["silence", "expire", "nope"],
    "expire-unknown": ["silence", "expire", "0b4d0f5e-8a3e-4e5e-9e2c-4f5a1c7c2b1a"],
    "update-unknown": ["silence", "update", "0b4d0f5e-8a3e-4e5e-9e2c-4f5a1c7c2b1a"],
    "alert-add-no-labels": ["alert", "add"],
    "alert-add-not-equal": ["alert", "add", "foo", "a!=b"],
    "silence-add-no-matchers": ["silence", "add"],
    "silence-add-no-comment": ["silence", "add", "foo"],
    "silence-add-zero-duration": ["silence", "add", "foo", "-c", "x", "-d", "0"],
    "silence-add-bad-start": ["silence", "add", "foo", "-c", "x", "--start=bad"],
    "silence-add-ends-before-start": ["silence", "add", "foo", "-c", "x", "--end=2020-01-01T00:00:00Z"],
    "bad-output": ["-o", "yaml", "silence"],
    "bad-timeout": ["--timeout=soon", "silence"],
    "unknown-command": ["bogus"],
}
# Our server's status shows config fields 0.25 does not know; real amtool cannot reload it.
NEEDS_025_CONFIG = {"routes-from-server", "routes-test-from-server"}


@pytest.fixture(scope="module")
def server_results(server: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Result]]:
    """Every scenario against ``server``, run 8 at a time (the tests then only compare)."""
    cwd = tmp_path_factory.mktemp("cwd")

    def one(name: str) -> tuple[Result, Result]:
        cmd = SERVER_SCENARIOS[name]
        if name in NEEDS_025_CONFIG and UPSTREAM_AM not in server.args:
            cmd = [*cmd[:2], "--config.file", str(server.workdir / "alertmanager.yml"), *cmd[2:]]
        return both([f"--alertmanager.url={server.url}", "--no-version-check", *cmd], cwd)

    with ThreadPoolExecutor(4) as pool:
        return dict(zip(SERVER_SCENARIOS, pool.map(one, SERVER_SCENARIOS), strict=True))


@pytest.mark.parametrize("name", sorted(SERVER_SCENARIOS))
def test_same_as_amtool_025_against_server(name: str, server_results: dict[str, tuple[Result, Result]]) -> None:
    ours, theirs = server_results[name]
    assert ours == theirs


def test_unreachable_server(tmp_path: Path) -> None:
    ours, theirs = both(["--alertmanager.url=http://127.0.0.1:1", "silence"], tmp_path, subprocess_ours=True)
    assert ours == theirs
    assert theirs[1].startswith('amtool: error: Get "http://127.0.0.1:1/api/v2/silences": dial tcp')


def test_version_warning_names_both_versions(server: Server, tmp_path: Path) -> None:
    with httpx.Client() as c:
        theirs_version = c.get(server.url + "/api/v2/status").json()["versionInfo"]["version"]
    ours, _ = both([f"--alertmanager.url={server.url}", "cluster"], tmp_path, subprocess_ours=True)
    from alertmanager import __version__

    if theirs_version.split(".")[:2] != __version__.split(".")[:2]:
        assert ours[1] == (f"Warning: amtool version ({__version__}) and alertmanager version ({theirs_version}) "
                           "are different.")
    assert ours[2] == 0
