import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from notify_helpers import T0, alert, ctx

from alertmanager.config.httpconfig import BasicAuth, HTTPClientConfig
from alertmanager.config.values import Secret, SecretTemplateURL
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers.webhook import WebhookConfig, WebhookNotifier, build_payload

GOLDEN = Path(__file__).parent / "golden"


def _t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def golden_inputs():
    spec = json.loads((GOLDEN / "webhook_v4_input.json").read_text())
    alerts = [
        Alert(
            labels=a["labels"],
            annotations=a["annotations"],
            starts_at=_t(a["startsAt"]),
            ends_at=_t(a["endsAt"]) if "endsAt" in a else None,
            generator_url=a["generatorURL"],
        )
        for a in spec["alerts"]
    ]
    c = NotifyContext(
        group_key=spec["group_key"],
        receiver=spec["receiver"],
        group_labels={"alertname": "WebhookGolden"},
        now=T0 + timedelta(days=300),
        repeat_interval=timedelta(hours=1),
    )
    return spec, c, alerts


class Sink:
    def __init__(self, *statuses):
        self.statuses = list(statuses) or [200]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return httpx.Response(status, text="" if status < 300 else "boom")

    def transport(self):
        return httpx.MockTransport(self)


def notifier(sink, **conf):
    conf.setdefault("url", SecretTemplateURL("http://hook.example/path?token=s3cret"))
    deps = NotifierDeps(external_url="http://am.example:9093", transport=sink.transport())
    return WebhookNotifier(WebhookConfig(**conf), deps)


async def test_payload_matches_upstream_golden_byte_for_byte():
    spec, c, alerts = golden_inputs()
    upstream_bytes = (GOLDEN / "webhook_v4_upstream.json").read_bytes()
    upstream = json.loads(upstream_bytes)
    ours_bytes = go_json(build_payload(c, alerts, external_url=spec["external_url"]))
    ours = json.loads(ours_bytes)
    assert list(ours) == list(upstream)  # same fields in the same order
    for key in upstream:
        assert ours[key] == upstream[key], key
    for a_ours, a_up in zip(ours["alerts"], upstream["alerts"], strict=True):
        assert list(a_ours) == list(a_up)
    assert ours_bytes == upstream_bytes


async def test_notify_posts_the_golden_payload():
    spec, c, alerts = golden_inputs()
    sink = Sink()
    n = notifier(sink)
    await n.notify(c, alerts)
    (req,) = sink.requests
    assert req.method == "POST" and str(req.url) == "http://hook.example/path?token=s3cret"
    assert req.headers["Content-Type"] == "application/json"
    assert req.headers["User-Agent"].startswith("Alertmanager/")
    assert req.content == (GOLDEN / "webhook_v4_upstream.json").read_bytes()
    await n.aclose()


async def test_firing_alert_end_time_is_go_zero_time():
    a = alert("a")
    a.ends_at = T0 + timedelta(minutes=5)  # resolve_timeout end time: still firing at flush
    body = build_payload(ctx(), [a], external_url="")
    assert body["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z"
    assert body["alerts"][0]["status"] == "firing" and body["status"] == "firing"


async def test_all_resolved_group_status():
    body = build_payload(ctx(), [alert("a", resolved=True)], external_url="")
    assert body["status"] == "resolved"
    assert body["alerts"][0]["endsAt"] == "2026-03-01T11:59:00Z"


@pytest.mark.parametrize(("max_alerts", "sent", "truncated"), [(0, 5, 0), (2, 2, 3), (5, 5, 0), (7, 5, 0)],
                         ids=["unlimited", "truncated", "exact", "above"])
async def test_max_alerts_truncation(max_alerts, sent, truncated):
    sink = Sink()
    alerts = [alert("a", i=str(i), common="x" if i < 2 else str(i)) for i in range(5)]
    await notifier(sink, max_alerts=max_alerts).notify(ctx(), alerts)
    body = json.loads(sink.requests[0].content)
    assert len(body["alerts"]) == sent and body["truncatedAlerts"] == truncated
    # Common labels are computed over the alerts actually sent, as upstream.
    assert ("common" in body["commonLabels"]) is (sent == 2)


async def test_url_file_is_read_per_notification(tmp_path):
    url_file = tmp_path / "url"
    url_file.write_text("http://one.example/\n")
    sink = Sink()
    n = notifier(sink, url=None, url_file=str(url_file))
    await n.notify(ctx(), [alert("a")])
    url_file.write_text("http://two.example/")
    await n.notify(ctx(), [alert("a")])
    assert [str(r.url) for r in sink.requests] == ["http://one.example/", "http://two.example/"]


async def test_missing_url_file_is_not_retryable(tmp_path):
    n = notifier(Sink(), url=None, url_file=str(tmp_path / "missing"))
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), [alert("a")])
    assert not info.value.retryable


@pytest.mark.parametrize(
    ("status", "retryable", "reason"),
    [(400, False, "clientError"), (401, False, "authError"), (404, False, "clientError"),
     (429, False, "rateLimited"), (500, True, "serverError"), (503, True, "serverError")],
    ids=["400", "401", "404", "429", "500", "503"],
)
async def test_status_codes(status, retryable, reason):
    n = notifier(Sink(status))
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), [alert("a")])
    assert info.value.retryable is retryable and info.value.reason == reason
    assert str(info.value) == f"unexpected status code {status}: boom"


async def test_connection_error_is_retryable_and_redacted():
    def refuse(request):
        raise httpx.ConnectError("connection refused to http://hook.example/path?token=s3cret", request=request)

    deps = NotifierDeps(transport=httpx.MockTransport(refuse))
    n = WebhookNotifier(WebhookConfig(url=SecretTemplateURL("http://hook.example/path?token=s3cret")), deps)
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), [alert("a")])
    assert info.value.retryable
    assert "s3cret" not in str(info.value) and "<redacted>" in str(info.value)


async def test_timeout_is_retryable():
    import asyncio

    async def hang(request):
        await asyncio.Event().wait()

    class Hanging(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            await hang(request)

    deps = NotifierDeps(transport=Hanging())
    conf = WebhookConfig(url=SecretTemplateURL("http://hook.example/"), timeout=timedelta(milliseconds=10))
    n = WebhookNotifier(conf, deps)
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), [alert("a")])
    assert info.value.retryable and "timeout" in str(info.value)


async def test_http_config_basic_auth_is_sent():
    sink = Sink()
    n = notifier(sink, http_config=HTTPClientConfig(basic_auth=BasicAuth(username="u", password=Secret("p"))))
    await n.notify(ctx(), [alert("a")])
    assert sink.requests[0].headers["Authorization"] == "Basic dTpw"


def test_send_resolved_defaults_to_true():
    assert WebhookConfig(url=SecretTemplateURL("http://x/")).send_resolved is True
