import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.mattermost import MattermostNotifier

HOOK = "http://mm.example/hooks/SECRET"
ENTRY = {"webhook_url": HOOK, "channel": "ops", "username": "am", "text": "t {{ .Status }}",
         "fallback": "fb", "color": "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}",
         "title": "T", "title_link": "http://am.example", "icon_emoji": ":bell:",
         "fields": [{"title": "sev", "value": "{{ .CommonLabels.severity }}", "short": True}]}


def notifier(sink: Sink, **extra: object) -> MattermostNotifier:
    return MattermostNotifier(conf("mattermost_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status", "color"), [(2, 0, "firing", "danger"),
                                                                    (0, 2, "resolved", "good")],
                         ids=["firing", "resolved"])
async def test_posts_one_attachment(firing, resolved, status, color):
    sink = Sink(200)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url), req.headers["Content-Type"]) == ("POST", HOOK, "application/json")
    assert req.content == (
        '{"channel":"ops","username":"am","icon_emoji":":bell:","attachments":[{"fallback":"fb",'
        f'"color":"{color}","text":"t {status}","title":"T","title_link":"http://am.example",'
        '"fields":[{"title":"sev","value":"critical","short":true}]}]}\n'
    ).encode()


async def test_configured_attachments_move_text_up_and_priority_is_sanitised():
    sink = Sink(200)
    n = notifier(sink, text="x" * 17000, attachments=[{"title": "A {{ .Status }}", "text": "body"}],
                 priority={"priority": "Important", "requested_ack": True, "persistent_notifications": True},
                 props={"card": "c {{ .Alerts | len }}"}, type="custom_alert")
    await n.notify(ctx(), group(1))
    body = sink.json()
    assert body["text"] == "x" * 16382 + "…"
    assert body["attachments"] == [{"text": "body", "title": "A firing"}]
    assert (body["type"], body["props"]) == ("custom_alert", {"card": "c 1"})
    assert body["priority"] == {"priority": "important", "requested_ack": True}
    assert list(body) == ["text", "channel", "username", "icon_emoji", "attachments", "type", "props", "priority"]


@pytest.mark.parametrize(("given", "want"), [("URGENT", {"priority": "urgent", "persistent_notifications": True}),
                                             ("weird", {"priority": "standard"})], ids=str)
async def test_priority_values(given, want):
    sink = Sink(200)
    await notifier(sink, priority={"priority": given, "persistent_notifications": True}).notify(ctx(), group(1))
    assert sink.json()["priority"] == want


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, False), (400, False)], ids=str)
async def test_only_5xx_is_retried(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert (e.value.retryable, str(e.value)) == (retry, f'channel "ops": unexpected status code {status}: '
                                                       "upstream says no")
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
