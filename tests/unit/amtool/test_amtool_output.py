"""amtool's pure parts: tabwriter layout, formatters, route drawing, settings, API errors."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import httpx
import pytest

from alertmanager.cli.amtool._api import DELETE_SILENCE, GET_SILENCE, POST_SILENCES, ApiClient, ApiError
from alertmanager.cli.amtool._cmd import UserError, parse_labels, parse_rfc3339, with_alertname
from alertmanager.cli.amtool._format import Formatter, go_json, go_json_time, parse_api_time
from alertmanager.cli.amtool._settings import default_map, load_settings
from alertmanager.cli.amtool._tabwriter import tabulate
from alertmanager.cli.amtool.routes import draw_tree, matching_tree
from alertmanager.cli.amtool.silence import select_silences
from alertmanager.cli.amtool.silence_add import build_silence
from alertmanager.config import load
from alertmanager.dispatch.route import Route

SIL = {"id": "a645c2b1-5481-456e-b4d2-c9804356a932", "status": {"state": "active"},
       "updatedAt": "2026-11-24T10:46:50.217123Z", "comment": "hi", "createdBy": "root",
       "endsAt": "2026-11-24T11:46:50.212Z", "startsAt": "2026-11-24T10:46:50.217Z",
       "matchers": [{"name": "alertname", "value": "foo", "isRegex": False, "isEqual": True},
                    {"name": "bar", "value": "b\"az", "isRegex": True, "isEqual": False}]}


@pytest.mark.parametrize(("text", "want"), [
    ("a\tbb\t\nccc\td\t\n", "a    bb  \nccc  d   \n"),
    ("Cluster Status:\tready\nNode Name:\tx\n\nAddress\tName\n1\t2\t\n",
     "Cluster Status:  ready\nNode Name:       x\n\nAddress  Name\n1        2  \n"),
    ("", ""),
], ids=["table", "blocks", "empty"])
def test_tabwriter(text: str, want: str) -> None:
    assert tabulate(text) == want


def test_simple_and_extended_silences() -> None:
    out = io.StringIO()
    Formatter("simple", "2006-01-02 15:04:05 MST", out).silences([SIL])
    assert out.getvalue() == (
        "ID                                    Matchers                      Ends At                  "
        "Created By  Comment  \n"
        'a645c2b1-5481-456e-b4d2-c9804356a932  alertname="foo" bar!~"b\\"az"  2026-11-24 11:46:50 UTC  root'
        "        hi       \n")
    out = io.StringIO()
    Formatter("extended", "2006", out).silences([SIL])
    assert '{alertname="foo",bar!~"b\\"az"}' in out.getvalue()


def test_json_silence_in_go_field_order() -> None:
    out = io.StringIO()
    Formatter("json", "", out).silences([{**SIL, "comment": "<&>"}])
    assert out.getvalue().startswith('[{"id":"a645c2b1-5481-456e-b4d2-c9804356a932","status":{"state":"active"},'
                                     '"updatedAt":"2026-11-24T10:46:50.217Z","comment":"\\u003c\\u0026\\u003e",')
    assert out.getvalue().endswith('"startsAt":"2026-11-24T10:46:50.217Z"}]\n')


def test_go_json_and_times() -> None:
    assert go_json({"a": [1, True, None, "x\u0001"]}) == '{"a":[1,true,null,"x\\u0001"]}'
    t = parse_api_time("2024-01-02T03:04:05.123456789+02:00")
    assert go_json_time(t) == "2024-01-02T03:04:05.123+02:00"
    assert go_json_time(datetime(2024, 1, 1, tzinfo=UTC)) == "2024-01-01T00:00:00.000Z"


def test_cluster_extended_sorts_peers() -> None:
    out = io.StringIO()
    Formatter("extended", "", out).cluster({"status": "ready", "name": "n1", "peers": [
        {"address": "10.0.0.2:9094", "name": "b"}, {"address": "10.0.0.1:9095", "name": "a"}]})
    assert out.getvalue().splitlines()[-2:] == ["10.0.0.1:9095  a  ", "10.0.0.2:9094  b  "]


CFG = """
route:
  receiver: default
  routes:
  - matchers: [team="db"]
    receiver: db
    continue: true
    routes: [{matchers: ['severity=~"crit|page"'], receiver: pager}]
  - receiver: web
    match: {team: web}
receivers: [{name: default}, {name: db}, {name: pager}, {name: web}]
"""


def test_route_tree_and_matching_tree() -> None:
    root = Route.from_config(load(CFG).route)
    assert draw_tree(root) == (
        ".\n└── default-route  receiver: default\n"
        '    ├── {team="db"}  continue: true  receiver: db\n'
        '    │\u00a0\u00a0 └── {severity=~"crit|page"}  receiver: pager\n'
        '    └── {team="web"}  receiver: web\n')
    assert matching_tree(root, {"team": "db"}) == (
        '.\n└── default-route\n    └── {team="db"}  receiver: db\n')


def test_argument_rules() -> None:
    assert with_alertname(["foo", "a=b"]) == ["alertname=foo", "a=b"]
    assert with_alertname(["a=~x,y"]) == ["a=~x,y"]
    assert parse_labels(["a=b", 'c="d,e"']) == {"a": "b", "c": "d,e"}
    with pytest.raises(UserError, match="labels must be specified as key=value pairs"):
        parse_labels(["a!=b"])
    with pytest.raises(UserError, match='cannot parse "bad" as "2006"'):
        parse_rfc3339("bad")
    assert parse_rfc3339("2024-01-02T03:04:05-07:00").utcoffset() == timedelta(hours=-7)


NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({}, "comment required by config"),
    ({"comment": "x", "duration": "0"}, "silence duration must be greater than 0"),
    ({"comment": "x", "end": "2020-01-01T00:00:00Z"}, "silence cannot start after it ends"),
    ({"comment": "x", "duration": "xyz"}, 'not a valid duration string: "xyz"'),
], ids=["no-comment", "zero", "backwards", "bad-duration"])
def test_silence_add_refusals(kwargs: dict[str, str], error: str) -> None:
    args = {"author": "me", "require_comment": True, "duration": "1h", "start": "", "end": "", "comment": "",
            "annotations": (), **kwargs}
    with pytest.raises(UserError, match=error):
        build_silence(("foo",), now=NOW, **args)  # type: ignore[arg-type]


def test_silence_add_body() -> None:
    body = build_silence(("foo", "a=~b"), author="me", require_comment=True, duration="2h", start="", end="",
                         comment="c", annotations=("k=v",), now=NOW)
    assert body == {"matchers": [{"name": "alertname", "value": "foo", "isRegex": False, "isEqual": True},
                                 {"name": "a", "value": "b", "isRegex": True, "isEqual": True}],
                    "startsAt": "2026-01-01T00:00:00.000Z", "endsAt": "2026-01-01T02:00:00.000Z",
                    "createdBy": "me", "comment": "c", "annotations": {"k": "v"}}


def test_select_silences_flags() -> None:
    sils = [{**SIL, "id": "1", "endsAt": "2026-01-01T01:00:00Z"}, {**SIL, "id": "2", "endsAt": "2026-01-01T09:00:00Z"},
            {**SIL, "id": "3", "endsAt": "2025-12-31T23:00:00Z", "createdBy": "x"}]

    def ids(got: list[Mapping[str, Any]]) -> list[str]:
        return [str(s["id"]) for s in got]

    assert ids(select_silences(sils, NOW, expired=False, within=timedelta(0))) == ["1", "2"]
    assert ids(select_silences(sils, NOW, expired=False, within=timedelta(hours=2))) == ["1"]
    assert ids(select_silences(sils, NOW, expired=True, within=timedelta(0), created_by="x")) == ["3"]
    assert ids(select_silences(sils, NOW, expired=False, within=timedelta(0), silence_id="2")) == ["2"]


def test_settings_file_sets_flag_defaults(tmp_path: Path) -> None:
    home = tmp_path / "home.yml"
    home.write_text("alertmanager.url: http://am:9093\ncomment_required: false\n")
    etc = tmp_path / "etc.yml"
    etc.write_text("alertmanager.url: http://other\noutput: json\n")
    settings = load_settings([home, etc, tmp_path / "missing.yml"])
    assert settings == {"alertmanager.url": "http://am:9093", "require-comment": "false", "output": "json"}

    @click.group()
    @click.option("--alertmanager.url", "url")
    def grp(url: str) -> None:
        pass

    @grp.command()
    @click.option("--require-comment/--no-require-comment", default=True)
    def add(require_comment: bool) -> None:
        pass

    assert default_map(grp, settings) == {"url": "http://am:9093", "add": {"require_comment": "false"}}


def _api(handler: httpx.MockTransport) -> ApiClient:
    return ApiClient("http://am:9093/prefix", timeout=timedelta(seconds=5), transport=handler, version_check=False)


@pytest.mark.parametrize(("status", "body", "ep", "want"), [
    (404, b"", GET_SILENCE, "[GET /silence/{silenceID}][404] getSilenceNotFound "),
    (500, b'"silence not found"', DELETE_SILENCE,
     "[DELETE /silence/{silenceID}][500] deleteSilenceInternalServerError  silence not found"),
    (400, b'"bad matcher"', POST_SILENCES, "[POST /silences][400] postSilencesBadRequest  bad matcher"),
    (422, b"{}", DELETE_SILENCE, "response status code does not match any response statuses defined for this "
                                 "endpoint in the swagger spec (status 422): {}"),
], ids=["404-no-payload", "500-string", "400", "undeclared"])
def test_api_errors_read_like_go_swagger(status: int, body: bytes, ep: object, want: str) -> None:
    seen: list[str] = []

    def handle(req: httpx.Request) -> httpx.Response:
        seen.append(str(req.url))
        return httpx.Response(status, content=body)

    api = _api(httpx.MockTransport(handle))
    with pytest.raises(ApiError) as info:
        asyncio.run(api.call(ep, {"silenceID": "x"}))  # type: ignore[arg-type]
    assert str(info.value) == want
    assert seen[0].startswith("http://am:9093/prefix/api/v2/")


def test_unreachable_server_message() -> None:
    def handle(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=req)

    api = _api(httpx.MockTransport(handle))
    with pytest.raises(ApiError, match='^Get "http://am:9093/prefix/api/v2/silence/x": dial tcp'):
        asyncio.run(api.call(GET_SILENCE, {"silenceID": "x"}))
