import pytest
from receivers2_support import Sink, conf, ctx, group

from alertmanager.notify.notifier import NotifyError
from receivers.webex import WebexNotifier, truncate_in_bytes

ENTRY = {"api_url": "http://webex.example/v1/messages", "room_id": "room-{{ .CommonLabels.severity }}",
         "message": "**{{ .Status }}** {{ .Alerts | len }}",
         "http_config": {"authorization": {"credentials": "bot-SECRET"}}}


def notifier(sink: Sink, **extra: object) -> WebexNotifier:
    return WebexNotifier(conf("webex_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status"), [(2, 0, "firing"), (0, 2, "resolved")],
                         ids=["firing", "resolved"])
async def test_posts_markdown_to_the_room_with_the_bot_token(firing, resolved, status):
    sink = Sink(200)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url)) == ("POST", "http://webex.example/v1/messages")
    assert req.headers["Authorization"] == "Bearer bot-SECRET"
    assert req.headers["Content-Type"] == "application/json"
    assert req.content == f'{{"markdown":"**{status}** 2","roomId":"room-critical"}}\n'.encode()


@pytest.mark.parametrize(("text", "n", "want"), [("abc", 3, "abc"), ("abcd", 3, "…"), ("abcd", 2, ".."),
                                                 ("aéé", 4, "a…"), ("héllo", 5, "h…")],
                         ids=["fits", "marker", "dots", "whole-runes", "multibyte"])
def test_truncate_in_bytes(text, n, want):
    assert truncate_in_bytes(text, n)[0] == want


async def test_long_messages_are_cut_to_7439_bytes():
    sink = Sink(200)
    await notifier(sink, message="ü" * 5000).notify(ctx(), group(1))
    markdown = sink.json()["markdown"]
    assert len(markdown.encode()) <= 7439 and markdown.endswith("…") and markdown == "ü" * 3718 + "…"


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, False), (401, False)], ids=str)
async def test_only_5xx_is_retried(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry
    assert "SECRET" not in str(e.value)
