"""amtool's command line in-process: default subcommands, flags anywhere, the config file,
errors as kingpin prints them, completion, and how the API client authenticates."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from alertmanager.cli.amtool import main
from alertmanager.cli.amtool._api import GET_STATUS, ApiClient

CFG = """route:
  receiver: default
  routes:
  - matchers: [team="db"]
    receiver: db
receivers: [{name: default}, {name: db}]
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str, int]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return out, err, code


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))  # no amtool config file unless a test writes one
    f = tmp_path / "am.yml"
    f.write_text(CFG)
    return f


@pytest.mark.parametrize("args", [
    ["config", "routes", "test", "--config.file={cfg}", "team=db"],
    ["config", "routes", "--config.file={cfg}", "test", "team=db"],
    ["config", "routes", "test", "team=db", "--config.file", "{cfg}"],
], ids=["flag-on-leaf", "flag-on-group", "flag-after-args"])
def test_routes_test_flag_positions(args: list[str], cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err, code = run([a.format(cfg=cfg) for a in args], capsys)
    assert (out, code) == ("db\n", 0)
    assert err == "Warning: --config.file flag overrides the --alertmanager.url.\n"


def test_routes_default_subcommand_is_show(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _, code = run(["config", "routes", f"--config.file={cfg}"], capsys)
    assert code == 0
    assert out == 'Routing tree:\n.\n└── default-route  receiver: default\n    └── {team="db"}  receiver: db\n\n'


def test_verify_receivers_mismatch_exits_1(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _, code = run(["config", "routes", "test", f"--config.file={cfg}", "--verify.receivers=x", "team=db"],
                       capsys)
    assert (out, code) == ("db\nWARNING: Expected receivers did not match resolved receivers.\n", 1)


@pytest.mark.parametrize(("args", "err"), [
    (["bogus"], 'amtool: error: expected command but got "bogus"\n\n'),
    (["-o", "yaml", "silence"], "amtool: error: enum value must be one of simple,extended,json, got 'yaml'\n\n"),
    (["silence", "--bogus"], "amtool: error: unknown long flag '--bogus'\n\n"),
    (["silence", "expire"], "amtool: error: no silence IDs specified\n\n"),
    (["silence", "add", "foo"], "amtool: error: comment required by config\n\n"),
    (["alert", "add", "foo", "a!=b"], "amtool: error: labels must be specified as key=value pairs\n\n"),
    (["config", "routes", "--config.file=/nonexistent"], "amtool: error: path '/nonexistent' does not exist\n\n"),
    (["template", "render", "--template.text=x"],
     "amtool: error: required flag --template.glob not provided\n\n"),
], ids=["command", "output", "flag", "expire", "comment", "labels", "config-file", "required"])
def test_user_errors_are_one_line(args: list[str], err: str, cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, got, code = run(args, capsys)
    assert (out, got, code) == ("", err, 1)


def test_config_file_sets_defaults(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = cfg.parent / ".config" / "amtool"
    d.mkdir(parents=True)
    (d / "config.yml").write_text("template.glob: /nonexistent/*\ntemplate.text: '{{ .Receiver }}'\n")
    assert run(["template", "render"], capsys) == ("receiver", "", 0)


def test_bad_config_file_is_fatal(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = cfg.parent / ".config" / "amtool"
    d.mkdir(parents=True)
    (d / "config.yml").write_text("- a list\n")
    out, err, code = run(["template", "render"], capsys)
    assert code == 1 and err.startswith("amtool: error: could not load config file: ")


def test_completion_script(capsys: pytest.CaptureFixture[str]) -> None:
    out, _, code = run(["--completion-script-bash"], capsys)
    assert code == 0 and "_AMTOOL_COMPLETE" in out


def _status_handler(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"versionInfo": {"version": "0.25.0"}})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(("url", "http_config"), [
    ("http://user:pa%40ss@am:9093", None),
    ("http://am:9093", {"basic_auth": {"username": "user", "password": "pa@ss"}}),
], ids=["url-userinfo", "http-config-file"])
def test_client_basic_auth(url: str, http_config: dict[str, object] | None) -> None:
    seen: list[httpx.Request] = []
    api = ApiClient(url, timeout=timedelta(seconds=5), http_config=http_config, transport=_status_handler(seen),
                    version_check=False)
    asyncio.run(api.call(GET_STATUS))
    assert seen[0].url == "http://am:9093/api/v2/status"
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(b"user:pa@ss").decode()


def test_version_check_warns_once(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[httpx.Request] = []
    api = ApiClient("http://am", timeout=timedelta(seconds=5), transport=_status_handler(seen))
    asyncio.run(api.call(GET_STATUS))
    from alertmanager import __version__

    assert capsys.readouterr().err == (f"Warning: amtool version ({__version__}) and alertmanager version "
                                       "(0.25.0) are different.\n")
    assert len(seen) == 2  # the check, then the call
