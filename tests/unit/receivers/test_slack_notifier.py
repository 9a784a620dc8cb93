import httpx
import pytest
from receivers_helpers import EXTERNAL_URL, Sink, alerts, ctx, load_conf

from alertmanager.notify.notifier import NotifyError
from receivers.slack import SlackNotifier

FULL = {
    "api_url": "http://slack.example/services/T/B/SECRETHOOK",
    "channel": "#{{ .CommonLabels.severity }}",
    "username": "bot",
    "color": "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}",
    "title": "T {{ .Status }}",
    "title_link": "http://t.example",
    "pretext": "pre",
    "text": "txt",
    "message_text": "top-level",
    "fields": [{"title": "F1", "value": "{{ len .Alerts }}"}, {"title": "F2", "value": "v", "short": False}],
    "short_fields": True,
    "footer": "foot",
    "fallback": "fb",
    "callback_id": "cb",
    "icon_emoji": ":fire:",
    "icon_url": "http://icon.example",
    "image_url": "http://img.example",
    "thumb_url": "http://thumb.example",
    "link_names": True,
    "mrkdwn_in": ["text"],
    "actions": [
        {"type": "button", "text": "Go", "url": "http://go.example", "style": "primary", "name": "dropped"},
        {"type": "button", "text": "Ack", "name": "ack", "value": "{{ .Status }}",
         "confirm": {"text": "Sure?", "title": "Confirm", "ok_text": "Yes", "dismiss_text": "No"}},
    ],
}


async def test_full_payload_field_by_field():
    sink = Sink()
    await SlackNotifier(load_conf("slack_configs", FULL), sink.deps()).notify(ctx(), alerts(2))
    req = sink.requests[0]
    assert (req.method, str(req.url)) == ("POST", FULL["api_url"])
    assert req.headers["Content-Type"] == "application/json"
    assert req.headers["User-Agent"].startswith("Alertmanager/")
    assert list(sink.json()) == ["channel", "username", "icon_emoji", "icon_url", "link_names", "text", "attachments"]
    assert sink.json() == {
        "channel": "#page", "username": "bot", "icon_emoji": ":fire:", "icon_url": "http://icon.example",
        "link_names": True, "text": "top-level",
        "attachments": [{
            "title": "T firing", "title_link": "http://t.example", "pretext": "pre", "text": "txt",
            "fallback": "fb", "callback_id": "cb",
            "fields": [{"title": "F1", "value": "2", "short": True}, {"title": "F2", "value": "v", "short": False}],
            "actions": [
                {"type": "button", "text": "Go", "url": "http://go.example", "style": "primary"},
                {"type": "button", "text": "Ack", "name": "ack", "value": "firing",
                 "confirm": {"text": "Sure?", "title": "Confirm", "ok_text": "Yes", "dismiss_text": "No"}},
            ],
            "image_url": "http://img.example", "thumb_url": "http://thumb.example", "footer": "foot",
            "color": "danger", "mrkdwn_in": ["text"],
        }],
    }


async def test_defaults_render_upstream_templates_and_omit_empty_fields():
    sink = Sink()
    await SlackNotifier(load_conf("slack_configs", {}), sink.deps()).notify(ctx(), alerts(1, 1))
    body = sink.json()
    assert body == {
        "username": "Alertmanager",
        "attachments": [{
            "title": "[FIRING:1] Disk (page)",
            "title_link": f"{EXTERNAL_URL}/#/alerts?receiver=team-x",
            "text": "", "fallback": f"[FIRING:1] Disk (page) | {EXTERNAL_URL}/#/alerts?receiver=team-x",
            "callback_id": "", "footer": "", "color": "danger", "mrkdwn_in": ["fallback", "pretext", "text"],
        }],
    }
    assert sink.requests[0].content.endswith(b"}\n")  # Go's json.Encoder adds a newline


async def test_title_truncated_to_1024_runes():
    sink = Sink()
    await SlackNotifier(load_conf("slack_configs", {"title": "é" * 2000}), sink.deps()).notify(ctx(), alerts(1))
    title = sink.json()["attachments"][0]["title"]
    assert len(title) == 1024 and title.endswith("…") and title[:-1] == "é" * 1023


async def test_bot_token_mode_posts_with_bearer_and_handles_ok_false():
    conf = load_conf("slack_configs", {"app_token": "xoxb-SECRET", "channel": "#c"},
                     {"slack_api_url": None})
    ok = httpx.Response(200, json={"ok": True, "channel": "C1", "ts": "1.2"})
    bad = httpx.Response(200, json={"ok": False, "error": "channel_not_found"})
    sink = Sink(ok, bad)
    n = SlackNotifier(conf, sink.deps())
    await n.notify(ctx(), alerts(1))
    assert str(sink.requests[0].url) == "https://slack.com/api/chat.postMessage"
    assert sink.requests[0].headers["Authorization"] == "Bearer xoxb-SECRET"
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert str(info.value) == 'channel "#c": error response from Slack: channel_not_found'
    assert (info.value.retryable, info.value.reason) == (False, "clientError")


@pytest.mark.parametrize(("response", "retryable", "message"), [
    (httpx.Response(200, text="invalid_payload"), False, "received an error response from Slack: invalid_payload"),
    (httpx.Response(200, headers={"Content-Type": "application/json"}, content=b"{nope"), True,
     "could not unmarshal JSON response"),
], ids=["text-error", "bad-json"])
async def test_slack_body_errors(response, retryable, message):
    with pytest.raises(NotifyError) as info:
        await SlackNotifier(load_conf("slack_configs", {}), Sink(response).deps()).notify(ctx(), alerts(1))
    assert info.value.retryable is retryable and message in str(info.value)


@pytest.mark.parametrize(("status", "retryable", "reason"), [
    (400, False, "clientError"), (401, False, "authError"), (403, False, "authError"),
    (404, False, "clientError"), (429, False, "rateLimited"), (500, True, "serverError"), (503, True, "serverError"),
], ids=str)
async def test_status_codes(status, retryable, reason):
    with pytest.raises(NotifyError) as info:
        await SlackNotifier(load_conf("slack_configs", {"channel": "#x"}), Sink(status).deps()).notify(ctx(), alerts(1))
    assert (info.value.retryable, info.value.reason) == (retryable, reason)
    assert str(info.value) == f'channel "#x": unexpected status code {status}: boom'


async def test_webhook_url_never_in_errors():
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"dial {request.url}", request=request)

    from alertmanager.notify.notifier import NotifierDeps
    n = SlackNotifier(load_conf("slack_configs", {}), NotifierDeps(transport=httpx.MockTransport(boom)))
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert info.value.retryable and "SECRETHOOK" not in str(info.value)


async def test_api_url_file_is_read_at_send_time(tmp_path):
    f = tmp_path / "url"
    f.write_text("http://slack.example/one\n")
    sink = Sink()
    n = SlackNotifier(load_conf("slack_configs", {"api_url_file": str(f)}, {"slack_api_url": None}), sink.deps())
    await n.notify(ctx(), alerts(1))
    f.write_text("http://slack.example/two")
    await n.notify(ctx(), alerts(1))
    assert [str(r.url) for r in sink.requests] == ["http://slack.example/one", "http://slack.example/two"]


async def test_template_error_is_not_retried():
    with pytest.raises(NotifyError) as info:
        await SlackNotifier(load_conf("slack_configs", {"text": "{{ .Nope.Deeper }}"}), Sink().deps()).notify(
            ctx(), alerts(1))
    assert not info.value.retryable and "template" in str(info.value)


async def test_body_is_go_json_html_escaped():
    sink = Sink()
    await SlackNotifier(load_conf("slack_configs", {"text": "<b>&</b> ü"}), sink.deps()).notify(ctx(), alerts(1))
    assert b'"text":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e \xc3\xbc"' in sink.requests[0].content
