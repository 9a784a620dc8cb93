import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.msteams import MSTeamsNotifier

HOOK = "http://teams.example/webhook/SECRET-ID"
ENTRY = {"webhook_url": HOOK, "title": "T {{ .Status }}", "summary": "S <{{ .Alerts | len }}>", "text": "X"}


def notifier(sink: Sink, **extra: object) -> MSTeamsNotifier:
    return MSTeamsNotifier(conf("msteams_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status", "color"), [(2, 0, "firing", "8C1A1A"),
                                                                    (1, 1, "firing", "8C1A1A"),
                                                                    (0, 2, "resolved", "2DC72D")],
                         ids=["firing", "mixed", "resolved"])
async def test_posts_a_message_card(firing, resolved, status, color):
    sink = Sink(200)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url), req.headers["Content-Type"]) == ("POST", HOOK, "application/json")
    assert req.content == (
        '{"@context":"http://schema.org/extensions","type":"MessageCard","title":"T ' + status + '",'
        f'"summary":"S \\u003c{firing + resolved}\\u003e","text":"X","themeColor":"{color}"}}\n'
    ).encode()


async def test_webhook_url_file(tmp_path):
    path = tmp_path / "url"
    path.write_text(HOOK + "\n")
    sink = Sink(200)
    n = MSTeamsNotifier(conf("msteams_configs", {"webhook_url_file": str(path)}), sink.deps())
    await n.notify(ctx(), group(1))
    assert str(sink.last.url) == HOOK
    assert sink.json()["title"] == "[FIRING:1] HighLatency (web-0 critical)"


@pytest.mark.parametrize(("status", "retry"), [(500, True), (502, True), (429, False), (400, False)], ids=str)
async def test_only_5xx_is_retried(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert (e.value.retryable, str(e.value)) == (retry, f"unexpected status code {status}: upstream says no")


async def test_errors_never_show_the_webhook():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(200), text='{{ template "nope" . }}').notify(ctx(), group(1))
    assert not e.value.retryable and "nope" in str(e.value)
