import json

import pytest
from receivers2_support import GROUP_KEY_HASH, Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.opsgenie import OpsGenieNotifier

BASE = {"api_key": "genie-SECRET", "api_url": "http://og.example/base",
        "message": "{{ .CommonLabels.alertname }} is {{ .Status }}", "description": "desc {{ .Alerts | len }}",
        "source": "src-{{ .Receiver }}"}


def notifier(sink: Sink, **extra: object) -> OpsGenieNotifier:
    return OpsGenieNotifier(conf("opsgenie_configs", {**BASE, **extra}), sink.deps())


async def test_firing_group_creates_an_alert_with_every_field():
    sink = Sink(202)
    n = notifier(sink, details={"team": "t-{{ .CommonLabels.severity }}", "severity": "overridden"},
                 responders=[{"name": "{{ .CommonLabels.severity }}", "type": "team"},
                             {"name": " sre,dba", "type": "teams"}, {"username": "u@x", "type": "User"},
                             {"id": "{{ .CommonLabels.none }}", "type": "{{ .CommonLabels.none }}"}],
                 tags="a, b ,,c", note="n", priority="P1", entity="e", actions="x,y")
    await n.notify(ctx(), group(2))
    req = sink.last
    assert (req.method, str(req.url)) == ("POST", "http://og.example/base/v2/alerts")
    assert req.headers["Authorization"] == "GenieKey genie-SECRET"
    assert req.headers["Content-Type"] == "application/json"
    assert req.headers["User-Agent"].startswith("Alertmanager/")
    assert req.content == (
        '{"alias":"' + GROUP_KEY_HASH + '","message":"HighLatency is firing","description":"desc 2",'
        '"details":{"alertname":"HighLatency","severity":"overridden","team":"t-critical"},"source":"src-ops",'
        '"responders":[{"name":"critical","type":"team"},{"name":"sre","type":"team"},{"name":"dba","type":"team"},'
        '{"username":"u@x","type":"User"}],"tags":["a"," b ","c"],"note":"n","priority":"P1","entity":"e",'
        '"actions":["x","y"]}\n'
    ).encode()


async def test_resolved_group_closes_the_alert_by_alias():
    sink = Sink(202)
    await notifier(sink).notify(ctx(), group(0, 2))
    req = sink.last
    assert req.method == "POST"
    assert str(req.url) == f"http://og.example/base/v2/alerts/{GROUP_KEY_HASH}/close?identifierType=alias"
    assert req.headers["Authorization"] == "GenieKey genie-SECRET"
    assert json.loads(req.content) == {"source": "src-ops"}


async def test_update_alerts_also_puts_message_and_description():
    sink = Sink(202)
    await notifier(sink, update_alerts=True).notify(ctx(), group(1, 1))
    assert [(r.method, str(r.url)) for r in sink.requests] == [
        ("POST", "http://og.example/base/v2/alerts"),
        ("PUT", f"http://og.example/base/v2/alerts/{GROUP_KEY_HASH}/message?identifierType=alias"),
        ("PUT", f"http://og.example/base/v2/alerts/{GROUP_KEY_HASH}/description?identifierType=alias"),
    ]
    assert [json.loads(r.content) for r in sink.requests[1:]] == [{"message": "HighLatency is firing"},
                                                                   {"description": "desc 2"}]


async def test_message_is_truncated_to_130_runes():
    sink = Sink(202)
    await notifier(sink, message="é" * 200).notify(ctx(), group(1))
    assert sink.json()["message"] == "é" * 129 + "…"


async def test_api_key_file_is_templated_and_trimmed(tmp_path):
    key = tmp_path / "key"
    key.write_text("file-{{ .Status }}\n")
    sink = Sink(202)
    n = OpsGenieNotifier(conf("opsgenie_configs", {**BASE, "api_key": None, "api_key_file": str(key)}), sink.deps())
    await n.notify(ctx(), group(1))
    assert sink.last.headers["Authorization"] == "GenieKey file-firing"


@pytest.mark.parametrize(("status", "retry"), [(500, True), (503, True), (429, True), (400, False), (401, False),
                                               (404, False)], ids=str)
async def test_retry_follows_status(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry
    assert str(e.value) == f"unexpected status code {status}: upstream says no"


async def test_template_error_is_final_and_transport_errors_hide_the_url():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(202), note='{{ template "nope" . }}').notify(ctx(), group(1))
    assert e.value.retryable is False and str(e.value).startswith("templating error: ")
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable is True and "og.example" not in str(e.value) and "SECRET" not in str(e.value)


async def test_responder_type_case_is_kept_as_configured():
    c = conf("opsgenie_configs", {**BASE, "responders": [{"name": "x", "type": "Team"}]})
    assert c.responders[0].type == "Team"
