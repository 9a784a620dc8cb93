import json

import httpx
import pytest
from receivers2_support import GROUP_KEY_HASH, Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers._jira_json import compact, encode
from receivers.jira import JiraNotifier

API = "http://jira.example/rest/api/2"
LABEL = f"ALERT{{{GROUP_KEY_HASH}}}"
ENTRY = {"api_url": API, "project": "OPS", "issue_type": "Bug",
         "summary": "{{ .Status }}: {{ .GroupLabels.alertname }}",
         "description": "d {{ .Alerts | len }}", "priority": "{{ if eq .Status \"firing\" }}High{{ end }}",
         "labels": ["zeta", "{{ .CommonLabels.severity }}"], "reopen_transition": "Reopen",
         "resolve_transition": "Done", "reopen_duration": "1h", "wont_fix_resolution": "Won't Fix",
         "http_config": {"basic_auth": {"username": "bot", "password": "jira-SECRET"}}}


def issue(status_key: str) -> httpx.Response:
    return httpx.Response(200, json={"issues": [{"key": "OPS-7", "fields": {"status": {
        "name": "x", "statusCategory": {"key": status_key}}}}]})


NONE = httpx.Response(200, json={"issues": []})
TRANSITIONS = httpx.Response(200, json={"transitions": [{"id": "11", "name": "Start"}, {"id": "31", "name": "Done"},
                                                        {"id": "41", "name": "Reopen"}]})


def notifier(sink: Sink, **extra: object) -> JiraNotifier:
    return JiraNotifier(conf("jira_configs", {**ENTRY, **extra}), sink.deps())


def calls(sink: Sink) -> list[tuple[str, str]]:
    return [(r.method, str(r.url)) for r in sink.requests]


async def test_firing_group_without_issue_searches_then_creates():
    sink = Sink(NONE, httpx.Response(201, json={"key": "OPS-8"}))
    await notifier(sink).notify(ctx(), group(2))
    assert calls(sink) == [("POST", f"{API}/search"), ("POST", f"{API}/issue")]
    search, create = sink.requests
    for r in sink.requests:
        assert (r.headers["Content-Type"], r.headers["Accept-Language"]) == ("application/json", "en")
        assert r.headers["Authorization"].startswith("Basic ")
        assert r.headers["User-Agent"] == "Go-http-client/1.1"
    assert search.content == (
        '{"fields":["status"],"jql":"(resolution is EMPTY or resolution != \\"Won\'t Fix\\") and (resolutiondate '
        'is EMPTY OR resolutiondate \\u003e= -60m) and project=\\"OPS\\" and labels=\\"' + LABEL + '\\" order by '
        'status ASC,resolutiondate DESC","maxResults":2}\n').encode()
    assert create.content == (
        '{"fields":{"description":"d 2","issuetype":{"name":"Bug"},"labels":["' + LABEL + '","critical","zeta"],'
        '"priority":{"name":"High"},"project":{"key":"OPS"},"summary":"firing: HighLatency"}}\n').encode()


async def test_resolved_group_without_issue_only_searches():
    sink = Sink(NONE)
    await notifier(sink).notify(ctx(), group(0, 2))
    assert calls(sink) == [("POST", f"{API}/search")]
    assert "statusCategory != Done and project=" in sink.json(0)["jql"]


async def test_resolved_group_updates_and_resolves_the_open_issue():
    sink = Sink(issue("indeterminate"), httpx.Response(204), TRANSITIONS, httpx.Response(204))
    await notifier(sink, summary={"template": "S", "enable_update": False}).notify(ctx(), group(0, 2))
    assert calls(sink) == [("POST", f"{API}/search"), ("PUT", f"{API}/issue/OPS-7"),
                           ("GET", f"{API}/issue/OPS-7/transitions"), ("POST", f"{API}/issue/OPS-7/transitions")]
    assert "summary" not in sink.json(1)["fields"] and "priority" not in sink.json(1)["fields"]
    assert sink.requests[2].content == b""
    assert sink.requests[3].content == b'{"transition":{"id":"31"}}\n'


@pytest.mark.parametrize(("status_key", "moves"), [("done", True), ("indeterminate", False)], ids=["done", "open"])
async def test_firing_group_reopens_a_done_issue(status_key, moves):
    sink = Sink(issue(status_key), httpx.Response(204), TRANSITIONS, httpx.Response(204))
    await notifier(sink).notify(ctx(), group(1))
    want = [("POST", f"{API}/search"), ("PUT", f"{API}/issue/OPS-7")]
    if moves:
        want += [("GET", f"{API}/issue/OPS-7/transitions"), ("POST", f"{API}/issue/OPS-7/transitions")]
    assert calls(sink) == want
    if moves:
        assert sink.json()["transition"] == {"id": "41"}


async def test_missing_transition_is_a_final_error():
    sink = Sink(issue("done"), httpx.Response(204), httpx.Response(200, json={"transitions": []}))
    with pytest.raises(NotifyError) as e:
        await notifier(sink).notify(ctx(), group(1))
    assert (str(e.value), e.value.retryable) == ("can't find transition Reopen for issue OPS-7", False)


async def test_cloud_search_uses_api_v3_and_v3_descriptions_are_raw_json():
    sink = Sink(NONE, httpx.Response(201))
    api3 = "http://acme.atlassian.net/rest/api/3"
    desc = '{"type": "doc", "version": 1, "content": [{"text": "<{{ .Status }}>"}]}'
    await notifier(sink, api_url=api3, description=desc).notify(ctx(), group(1))
    assert calls(sink)[0] == ("POST", f"{api3}/search/jql")
    assert b'"description":{"type":"doc","version":1,"content":[{"text":"\\u003cfiring\\u003e"}]}' in \
        sink.requests[1].content
    sink = Sink(NONE)
    await notifier(sink, api_url="http://acme.atlassian.net/rest/api/2").notify(ctx(), group(0, 1))
    assert calls(sink) == [("POST", "http://acme.atlassian.net/rest/api/3/search/jql")]
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(NONE), api_url=api3, description="not json").notify(ctx(), group(1))
    assert str(e.value) == "description template: invalid JSON for API v3"


async def test_custom_fields_are_templated_and_read_as_yaml():
    sink = Sink(NONE, httpx.Response(201))
    fields = {"customfield_1": "{{ .Alerts | len }}", "customfield_2": "[a, {{ .Status }}]",
              "customfield_3": {"value": "{{ .CommonLabels.severity }}"}, "customfield_4": "2026-01-02",
              "customfield_5": 1.5, "customfield_6": "", "customfield_7": "k: v"}
    await notifier(sink, fields=fields).notify(ctx(), group(2))
    body = json.loads(sink.requests[1].content)["fields"]
    assert {k: body[k] for k in fields} == {
        "customfield_1": 2, "customfield_2": ["a", "firing"], "customfield_3": {"value": "critical"},
        "customfield_4": "2026-01-02", "customfield_5": 1.5, "customfield_6": None, "customfield_7": {"k": "v"}}


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, True), (400, False), (401, False)], ids=str)
async def test_retry_follows_status(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry
    assert str(e.value) == ("failed to look up existing issues: HTTP request to JIRA API: "
                            f"unexpected status code {status}: upstream says no")


async def test_create_failure_names_method_and_path_and_transport_errors_are_final():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(NONE, 503)).notify(ctx(), group(1))
    assert (str(e.value), e.value.retryable) == (
        'failed to POST request to "issue": unexpected status code 503: upstream says no', True)
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable is False and "SECRET" not in str(e.value)


@pytest.mark.parametrize(("value", "text"), [(1.0, "1"), (1.5, "1.5"), (1e-7, "1e-7"), (0.00001, "0.00001"),
                                             (1e21, "1e+21"), ({"b": 1, "a": [True, None]}, '{"a":[true,null],"b":1}')],
                         ids=str)
def test_go_json_encoding(value, text):
    assert encode(value) == text


def test_compact_escapes_html_inside_strings_only():
    assert compact('{ "a" : "<x> & \\"y\\"" ,\n "b": [1, 2] }') == '{"a":"\\u003cx\\u003e \\u0026 \\"y\\"","b":[1,2]}'
