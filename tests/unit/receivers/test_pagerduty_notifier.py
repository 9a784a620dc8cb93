import hashlib

import httpx
import pytest
from receivers_helpers import EXTERNAL_URL, GROUP_KEY, Sink, alerts, ctx, load_conf

from alertmanager.notify.notifier import NotifyError
from receivers.pagerduty import V1_API_URL, PagerdutyNotifier

KEY_HASH = hashlib.sha256(GROUP_KEY.encode()).hexdigest()
V2 = {
    "url": "http://pd.example/v2/enqueue",
    "routing_key": "rk-SECRET",
    "severity": "{{ .CommonLabels.severity }}",
    "class": "disk",
    "component": "storage",
    "group": "prod",
    "source": "src",
    "client": "client-x",
    "client_url": "http://client.example",
    "description": "{{ .CommonLabels.alertname }} on {{ len .Alerts }}",
    "details": {"firing": "{{ .Alerts.Firing | len }} up", "team": "storage",
                "nested": {"list": ["{{ .Status }}", "2"], "{{ .Status }}key": "x"}},
    "images": [{"src": "http://img.example/a.png", "alt": "a", "href": "http://img.example"}, {"src": ""}],
    "links": [{"href": "http://runbook.example", "text": "runbook"}, {"href": "", "text": "dropped"}],
}


async def test_v2_trigger_payload_field_by_field():
    sink = Sink(202)
    await PagerdutyNotifier(load_conf("pagerduty_configs", V2), sink.deps()).notify(ctx(), alerts(2))
    req = sink.requests[0]
    assert (req.method, str(req.url), req.headers["Content-Type"]) == ("POST", V2["url"], "application/json")
    body = sink.json()
    assert list(body) == ["routing_key", "dedup_key", "event_action", "payload", "client", "client_url", "images",
                          "links"]
    assert body == {
        "routing_key": "rk-SECRET", "dedup_key": KEY_HASH, "event_action": "trigger",
        "payload": {
            "summary": "Disk on 2", "source": "src", "severity": "page", "class": "disk", "component": "storage",
            "group": "prod",
            "custom_details": {"firing": "2 up", "nested": {"firingkey": "x", "list": ["firing", 2]},
                               "num_firing": 2, "num_resolved": 0, "resolved": [], "team": "storage"},
        },
        "client": "client-x", "client_url": "http://client.example",
        "images": [{"src": "http://img.example/a.png", "alt": "a", "href": "http://img.example"}],
        "links": [{"href": "http://runbook.example", "text": "runbook"}],
    }


async def test_v2_resolve_and_default_severity():
    sink = Sink(202)
    conf = load_conf("pagerduty_configs", {"routing_key": "rk", "url": "http://pd.example/x"})
    await PagerdutyNotifier(conf, sink.deps()).notify(ctx(), alerts(0, 2))
    body = sink.json()
    assert body["event_action"] == "resolve" and body["dedup_key"] == KEY_HASH
    assert body["payload"]["severity"] == "error"
    assert body["payload"]["source"] == body["client"] == "Alertmanager"
    assert body["client_url"] == f"{EXTERNAL_URL}/#/alerts?receiver=team-x"
    details = body["payload"]["custom_details"]
    assert details["num_firing"] == 0 and details["num_resolved"] == 2 and details["firing"] == []
    assert [a["status"] for a in details["resolved"]] == ["resolved", "resolved"]


async def test_v1_payload():
    sink = Sink(200)
    n = PagerdutyNotifier(load_conf("pagerduty_configs", {"service_key": "sk-SECRET", "details": {"a": "b"}}),
                          sink.deps())
    await n.notify(ctx(), alerts(1))
    await n.notify(ctx(), alerts(0, 1))
    assert str(sink.requests[0].url) == V1_API_URL
    trigger, resolve = sink.json(0), sink.json(1)
    assert list(trigger) == ["service_key", "incident_key", "event_type", "description", "event_action", "payload",
                             "client", "client_url", "details"]
    assert trigger["event_action"] == "" and trigger["payload"] is None
    assert (trigger["service_key"], trigger["incident_key"], trigger["event_type"]) == ("sk-SECRET", KEY_HASH,
                                                                                       "trigger")
    assert trigger["description"] == "[FIRING:1] Disk (host-0 page)"
    assert "client" not in resolve and resolve["event_type"] == "resolve"


@pytest.mark.parametrize("v1", [False, True], ids=["v2", "v1"])
async def test_oversized_event_drops_details(v1):
    key = {"service_key": "sk"} if v1 else {"routing_key": "rk"}
    conf = load_conf("pagerduty_configs", {**key, "url": "http://pd.example/", "details": {"big": "x" * 600_000}})
    sink = Sink(202)
    await PagerdutyNotifier(conf, sink.deps()).notify(ctx(), alerts(1))
    body = sink.json()
    details = body["details"] if v1 else body["payload"]["custom_details"]
    assert details == {"error": "Custom details have been removed because the original event exceeds the "
                                "maximum size of 512KB"}
    assert len(sink.requests[0].content) < 512_000


async def test_summary_truncated_to_1024_runes():
    sink = Sink(202)
    conf = load_conf("pagerduty_configs", {"routing_key": "rk", "url": "http://pd.example/", "description": "ü" * 1100})
    await PagerdutyNotifier(conf, sink.deps()).notify(ctx(), alerts(1))
    summary = sink.json()["payload"]["summary"]
    assert len(summary) == 1024 and summary.endswith("…")


@pytest.mark.parametrize(("v1", "status", "retryable", "reason"), [
    (False, 400, False, "clientError"), (False, 403, False, "authError"), (False, 429, True, "rateLimited"),
    (False, 500, True, "serverError"), (True, 403, True, "other"), (True, 429, False, "other"),
    (True, 400, False, "other"), (True, 502, True, "other"),
], ids=lambda v: str(v))
async def test_retry_rules_per_api_version(v1, status, retryable, reason):
    key = {"service_key": "sk"} if v1 else {"routing_key": "rk"}
    n = PagerdutyNotifier(load_conf("pagerduty_configs", {**key, "url": "http://pd.example/"}), Sink(status).deps())
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert (info.value.retryable, info.value.reason) == (retryable, reason)
    assert str(info.value) == f"unexpected status code {status}"  # upstream reports details of 400s only


async def test_400_reports_pagerduty_errors():
    resp = httpx.Response(400, json={"status": "invalid event", "message": "Event object is invalid",
                                     "errors": ["'routing_key' is missing", "bad"]})
    n = PagerdutyNotifier(load_conf("pagerduty_configs", {"routing_key": "rk", "url": "http://pd.example/"}),
                          Sink(resp).deps())
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert str(info.value) == "unexpected status code 400: Event object is invalid: 'routing_key' is missing,bad"


async def test_routing_key_file_and_empty_key(tmp_path):
    f = tmp_path / "key"
    f.write_text(" from-file \n")
    sink = Sink(202)
    conf = load_conf("pagerduty_configs", {"routing_key_file": str(f), "url": "http://pd.example/"})
    await PagerdutyNotifier(conf, sink.deps()).notify(ctx(), alerts(1))
    assert sink.json()["routing_key"] == "from-file"
    conf = load_conf("pagerduty_configs", {"routing_key": "{{ .CommonLabels.nothing }}", "url": "http://pd.example/"})
    with pytest.raises(NotifyError, match="routing key cannot be empty") as info:
        await PagerdutyNotifier(conf, Sink(202).deps()).notify(ctx(), alerts(1))
    assert not info.value.retryable


async def test_secret_not_in_errors():
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"dial {request.url}: connection refused", request=request)

    from alertmanager.notify.notifier import NotifierDeps
    n = PagerdutyNotifier(load_conf("pagerduty_configs", {"routing_key": "rk-SECRET", "url": "http://pd.example/"}),
                          NotifierDeps(transport=httpx.MockTransport(boom)))
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert info.value.retryable and str(info.value).startswith("failed to post message to PagerDuty: ")
    assert "rk-SECRET" not in str(info.value)
