import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.discord import DiscordNotifier

HOOK = "http://discord.example/api/webhooks/1/SECRET"
ENTRY = {"webhook_url": HOOK, "title": "{{ .Status }}", "message": "m {{ .Alerts | len }}"}


def notifier(sink: Sink, **extra: object) -> DiscordNotifier:
    return DiscordNotifier(conf("discord_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status", "color"), [(1, 1, "firing", 0x992D22),
                                                                    (0, 2, "resolved", 0x2ECC71)],
                         ids=["firing", "resolved"])
async def test_posts_one_embed(firing, resolved, status, color):
    sink = Sink(204)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url), req.headers["Content-Type"]) == ("POST", HOOK, "application/json")
    assert req.content == (
        f'{{"content":"","embeds":[{{"title":"{status}","description":"m 2","color":{color}}}]}}\n'
    ).encode()


async def test_content_username_avatar_and_truncation():
    sink = Sink(204)
    n = notifier(sink, content="c" * 2100, title="t" * 300, message="d" * 5000, username="am",
                 avatar_url="http://img.example/a.png")
    await n.notify(ctx(), group(1))
    body = sink.json()
    assert body["content"] == "c" * 1999 + "…"
    assert body["embeds"][0]["title"] == "t" * 255 + "…"
    assert body["embeds"][0]["description"] == "d" * 4095 + "…"
    assert (body["username"], body["avatar_url"]) == ("am", "http://img.example/a.png")
    assert list(body) == ["content", "embeds", "username", "avatar_url"]


async def test_an_avatar_url_go_cannot_parse_is_dropped():
    sink = Sink(204)
    await notifier(sink, avatar_url="http://img.example/%zz").notify(ctx(), group(1))
    assert "avatar_url" not in sink.json()


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, False), (404, False)], ids=str)
async def test_only_5xx_is_retried(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry


async def test_errors_never_show_the_webhook():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
