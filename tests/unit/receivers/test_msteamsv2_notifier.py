import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.msteamsv2 import MSTeamsV2Notifier

HOOK = "http://flow.example/workflows/SECRET/triggers/manual/paths/invoke?sig=SIG"
ENTRY = {"webhook_url": HOOK, "title": "T {{ .Status }}", "text": "{{ .CommonLabels.alertname }} & co"}


def notifier(sink: Sink, **extra: object) -> MSTeamsV2Notifier:
    return MSTeamsV2Notifier(conf("msteamsv2_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status", "color"), [(2, 0, "firing", "Attention"),
                                                                    (0, 2, "resolved", "Good")],
                         ids=["firing", "resolved"])
async def test_posts_an_adaptive_card(firing, resolved, status, color):
    sink = Sink(202)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url), req.headers["Content-Type"]) == ("POST", HOOK, "application/json")
    assert req.content == (
        '{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",'
        '"contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json",'
        '"type":"AdaptiveCard","version":"1.2","body":[{"type":"TextBlock","text":"T ' + status + '",'
        '"weight":"Bolder","size":"Medium","wrap":true,"style":"heading","color":"' + color + '"},'
        '{"type":"TextBlock","text":"HighLatency \\u0026 co","wrap":true}],"msteams":{"width":"full"}}}]}\n'
    ).encode()


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, False), (400, False)], ids=str)
async def test_only_5xx_is_retried(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry


async def test_errors_never_show_the_webhook():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value) and "SIG" not in str(e.value)
