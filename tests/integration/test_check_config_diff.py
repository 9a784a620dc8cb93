"""Differential test: our ``amtool check-config`` against Debian's amtool 0.25, side by side.

Same stdout, same first line of stderr, same exit code, for the corpus and for hand-written edge
cases. Files 0.25 cannot judge as 0.34 does (newer fields, reworded messages) are checked
against 0.34's expectation instead, each with its reason.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

AMTOOL = "/usr/bin/amtool"
SHARED = Path(__file__).resolve().parents[3] / "shared"
if not (SHARED / "corpus").is_dir():
    SHARED = Path("/work/shared")
CORPUS = SHARED / "corpus"

# 0.25 and 0.34 disagree on the wording (upstream changed the message); we follow 0.34.
REWORDED = {
    "072": 'invalid label name "qux🙂" in equal list',
    "079": "missing bot_token or bot_token_file on telegram_config",
    "080": "at most one of telegram_bot_token & telegram_bot_token_file must be configured",
    "082": "field teams not found in type opsgenie.plain",
    "085": "no Slack API URL nor App token set either inline or in a file",
    "088": "no global Wechat Api Secret set either inline or in a file",
    "102": "cannot have wildcard group_by (`...`) and other labels at the same time",  # 0.25: "other other"
    "114": "no Slack API URL nor App token set either inline or in a file",
}


def _rows() -> list[dict[str, str]]:
    with open(CORPUS / "check-config-0.25.tsv", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


ROWS = _rows()
DIFFERENTIAL = [r for r in ROWS if r["class"] != "needs-newer-am" and not r["file"].endswith(".wrapped.yml")
                and Path(r["file"]).name[:3] not in REWORDED]
NEWER = [r for r in ROWS if r["class"] == "needs-newer-am" or Path(r["file"]).name[:3] in REWORDED]


def _run(cmd: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[str, str, int]:
    proc = subprocess.run(cmd, cwd=cwd, input=stdin if stdin is not None else b"", capture_output=True,
                          timeout=60, check=False)
    err = proc.stderr.decode(errors="replace").splitlines()
    return proc.stdout.decode(errors="replace"), err[0] if err else "", proc.returncode


def _both(args: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[tuple[str, str, int], tuple[str, str, int]]:
    ours = _run([sys.executable, "-m", "alertmanager.amtool", *args], cwd, stdin)
    theirs = _run([AMTOOL, *args], cwd, stdin)
    return ours, theirs


@pytest.mark.parametrize("row", DIFFERENTIAL, ids=[Path(r["file"]).name for r in DIFFERENTIAL])
def test_corpus_same_as_amtool_025(row: dict[str, str], tmp_path: Path) -> None:
    ours, theirs = _both(["check-config", str(CORPUS / row["file"])], tmp_path)
    assert ours == theirs


@pytest.mark.parametrize("row", NEWER, ids=[Path(r["file"]).name for r in NEWER])
def test_corpus_newer_features_judged_as_034(row: dict[str, str], tmp_path: Path) -> None:
    path = CORPUS / row["file"]
    out, err, code = _run([sys.executable, "-m", "alertmanager.amtool", "check-config", str(path)], tmp_path)
    if "/valid/" in row["file"]:
        assert code == 0, out
        assert out.startswith(f"Checking '{path}'  SUCCESS\n")
    else:
        assert code == 1
        assert err == "amtool: error: failed to validate 1 file(s)"
        expected = REWORDED.get(path.name[:3])
        if expected is None:
            expected = row["upstream_expect"].removeprefix("invalid: ").strip('`"').replace('\\"', '"')
            if expected.startswith("(see"):
                expected = "no global Rocketchat Token set either inline or in a file"
        assert expected in out


R = "route: {receiver: a}\nreceivers:\n- name: a\n"
EDGE = {
    "http-unknown-field": "global:\n  http_config:\n    foo: bar\n" + R,
    "basic-auth-unknown-field": "global:\n  http_config:\n    basic_auth: {user: x}\n" + R,
    "tls-unknown-field": "global:\n  http_config:\n    tls_config: {cafile: x}\n" + R,
    "bad-duration": "route: {receiver: a, group_wait: 30}\nreceivers: [{name: a}]\n",
    "group-by-string": "route: {receiver: a, group_by: cluster}\nreceivers: [{name: a}]\n",
    "duplicate-key": "route: {receiver: a}\nroute: {receiver: a}\nreceivers: [{name: a}]\n",
    "duplicate-map-key": "route:\n  receiver: a\n  routes: [{receiver: a, match: {x: a, x: b}}]\n"
        "receivers: [{name: a}]\n",
    "not-a-bool": "route:\n  receiver: a\n  routes: [{receiver: a, continue: maybe}]\nreceivers: [{name: a}]\n",
    "not-an-int64": R + "  telegram_configs: [{bot_token: x, chat_id: abc}]\n",
    "many-type-errors": "global:\n  foo: 1\nroute:\n  receiver: a\n  bar: 2\nreceivers:\n- name: a\n  baz: 3\n",
    "root-is-a-list": "- a\n- b\n",
    "empty": "",
    "comments-only": "# nothing here\n",
    "null-route": "route:\nreceivers: [{name: a}]\n",
    "tab": "route:\n\treceiver: a\n",
    "unclosed-quote": "route: {receiver: 'a}\n",
    "bad-indent": "route:\n  receiver: a\n foo: b\n",
    "weekday": R + "time_intervals:\n- name: x\n  time_intervals:\n  - weekdays: ['funday']\n",
    "times": R + "time_intervals:\n- name: x\n  time_intervals:\n"
        "  - times: [{start_time: '25:00', end_time: '26:00'}]\n",
    "days": R + "time_intervals:\n- name: x\n  time_intervals:\n  - days_of_month: ['-1:5']\n",
    "months": R + "time_intervals:\n- name: x\n  time_intervals:\n  - months: ['march:january']\n",
    "location": R + "time_intervals:\n- name: x\n  time_intervals:\n  - location: Mars/Olympus\n",
    "years": R + "time_intervals:\n- name: x\n  time_intervals:\n  - years: ['2022:2020']\n",
    "bad-regexp": "route:\n  receiver: a\n  routes: [{receiver: a, match_re: {x: '('}}]\nreceivers: [{name: a}]\n",
    "bad-matcher": "route:\n  receiver: a\n  routes: [{receiver: a, matchers: ['a==b']}]\nreceivers: [{name: a}]\n",
    "email-no-to": R + "  email_configs: [{from: x@y}]\n",
    "email-no-smarthost": R + "  email_configs: [{to: x@y}]\n",
    "slack-field": "global: {slack_api_url: 'http://x/y'}\n" + R + "  slack_configs: [{fields: [{value: v}]}]\n",
    "pagerduty-no-key": R + "  pagerduty_configs: [{client: x}]\n",
    "opsgenie-responder": "global: {opsgenie_api_key: k}\n" + R +
                          "  opsgenie_configs: [{responders: [{name: x, type: foo}]}]\n",
    "victorops-reserved": "global: {victorops_api_key: k}\n" + R +
                          "  victorops_configs: [{routing_key: r, custom_fields: {entity_id: x}}]\n",
    "sns-sigv4": R + "  sns_configs: [{topic_arn: x, sigv4: {access_key: k}}]\n",
    "wechat-type": "global: {wechat_api_secret: s, wechat_api_corp_id: c}\n" + R +
                   "  wechat_configs: [{message_type: html}]\n",
    "auth-conflict": "global:\n  http_config:\n    basic_auth: {username: a, password: b}\n    bearer_token: c\n" + R,
    "smarthost": "global: {smtp_smarthost: 'localhost'}\n" + R,
    "email-header-dup": "global: {smtp_smarthost: 'h:25', smtp_from: a@b}\n" + R +
                        "  email_configs: [{to: x@y, headers: {subject: a, Subject: b}}]\n",
    "merge-key": "route:\n  <<: {receiver: a}\n  group_by: [x]\nreceivers: [{name: a}]\n",
    "templates-glob-matches-nothing": R + "templates: ['nope/*.tmpl']\n",
    "templates-valid-file": R + "templates: ['tpl/*.tmpl']\n",
}


@pytest.mark.parametrize("name", sorted(EDGE), ids=sorted(EDGE))
def test_edge_cases_same_as_amtool_025(name: str, tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "ok.tmpl").write_text('{{ define "ok.title" }}[{{ .Status }}] {{ .GroupLabels }}{{ end }}\n')
    conf = tmp_path / f"{name}.yml"
    conf.write_text(EDGE[name])
    ours, theirs = _both(["check-config", conf.name], tmp_path)
    assert ours == theirs


CLI = {
    "missing-file": ["check-config", "/nonexistent/alertmanager.yml"],
    "directory": ["check-config", "/tmp"],
    "second-file-missing": ["check-config", "good.yml", "/nonexistent.yml"],
    "two-files-one-bad": ["check-config", "good.yml", "bad.yml"],
    "unknown-flag": ["check-config", "--bogus", "good.yml"],
    "bad-output-enum": ["--output=xx", "check-config", "good.yml"],
    "global-flag-after-command": ["check-config", "-o", "json", "good.yml"],
    "timeout-flag": ["--timeout=5s", "check-config", "good.yml"],
}


@pytest.mark.parametrize("name", sorted(CLI), ids=sorted(CLI))
def test_cli_behaviour_same_as_amtool_025(name: str, tmp_path: Path) -> None:
    (tmp_path / "good.yml").write_text(R)
    (tmp_path / "bad.yml").write_text("route: {}\n")
    ours, theirs = _both(CLI[name], tmp_path)
    assert ours == theirs


@pytest.mark.parametrize("text", [R, "route: {}\n", ""], ids=["valid", "invalid", "empty"])
def test_stdin_same_as_amtool_025(text: str, tmp_path: Path) -> None:
    ours, theirs = _both(["check-config"], tmp_path, stdin=text.encode())
    assert ours == theirs


def test_stdin_terminal_is_refused(tmp_path: Path) -> None:
    with open("/dev/null", "rb") as devnull:  # a character device, like a terminal
        ours = subprocess.run([sys.executable, "-m", "alertmanager.amtool", "check-config"], stdin=devnull,
                              capture_output=True, timeout=60, check=False, cwd=tmp_path)
    with open("/dev/null", "rb") as devnull:
        theirs = subprocess.run([AMTOOL, "check-config"], stdin=devnull, capture_output=True, timeout=60,
                                check=False, cwd=tmp_path)
    assert (ours.stdout, ours.stderr, ours.returncode) == (theirs.stdout, theirs.stderr, theirs.returncode)
    assert ours.stderr == b"amtool: error: Failed to read from standard input\n"
