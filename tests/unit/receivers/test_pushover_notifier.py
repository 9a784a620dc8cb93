from urllib.parse import parse_qsl, urlsplit

import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.pushover import API_URL, PushoverNotifier

ENTRY = {"user_key": "user-SECRET", "token": "token-SECRET", "title": "{{ .Status }} <x>",
         "message": "m {{ .Alerts | len }}", "url": "http://am.example/#/alerts", "url_title": "AM",
         "device": "phone", "sound": "siren", "retry": "1m30s", "expire": "2h", "ttl": "10m"}


def notifier(sink: Sink, **extra: object) -> PushoverNotifier:
    return PushoverNotifier(conf("pushover_configs", {**ENTRY, **extra}), sink.deps(),
                            api_url="http://po.example/1/messages.json")


@pytest.mark.parametrize(("firing", "resolved", "status", "priority"), [(2, 0, "firing", "2"),
                                                                       (0, 2, "resolved", "0")],
                         ids=["firing", "resolved"])
async def test_posts_query_parameters_with_an_empty_text_body(firing, resolved, status, priority):
    sink = Sink(200)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    url = urlsplit(str(req.url))
    assert (req.method, url.netloc, url.path) == ("POST", "po.example", "/1/messages.json")
    assert req.headers["Content-Type"] == "text/plain" and req.content == b""
    assert url.query == (f"device=phone&expire=7200&message=m+2&priority={priority}&retry=90&sound=siren"
                         f"&title={status}+%3Cx%3E&token=token-SECRET&ttl=600&url=http%3A%2F%2Fam.example%2F%23%2Falerts"
                         "&url_title=AM&user=user-SECRET")


async def test_html_monospace_empty_message_and_truncation():
    sink = Sink(200)
    await notifier(sink, html=True, message="  ", title="t" * 300, ttl="0s").notify(ctx(), group(1))
    q = dict(parse_qsl(urlsplit(str(sink.last.url)).query, keep_blank_values=True))
    assert (q["html"], q["message"], q["title"]) == ("1", "(no details)", "t" * 249 + "…")
    assert "ttl" not in q and "monospace" not in q
    sink = Sink(200)
    await notifier(sink, monospace=True, message="z" * 2000).notify(ctx(), group(1))
    q = dict(parse_qsl(urlsplit(str(sink.last.url)).query, keep_blank_values=True))
    assert (q["monospace"], q["message"]) == ("1", "z" * 1023 + "…")


def test_the_endpoint_is_upstreams():
    assert API_URL == "https://api.pushover.net/1/messages.json"


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, False), (400, False)], ids=str)
async def test_only_5xx_is_retried_and_keys_never_show(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
