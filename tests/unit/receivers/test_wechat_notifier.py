from datetime import timedelta

import httpx
import pytest
from receivers2_support import NOW, Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.wechat import WechatNotifier

TOKEN = httpx.Response(200, json={"access_token": "ACCESS-1", "expires_in": 7200})
SENT = httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})
ENTRY = {"api_url": "http://wc.example/cgi-bin/", "api_secret": "wc-SECRET", "corp_id": "corp 1",
         "to_user": "@all", "agent_id": "1000002", "message": "{{ .Status }} {{ .Alerts | len }}"}


def notifier(sink: Sink, **extra: object) -> WechatNotifier:
    return WechatNotifier(conf("wechat_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status"), [(2, 0, "firing"), (0, 2, "resolved")],
                         ids=["firing", "resolved"])
async def test_fetches_a_token_then_sends(firing, resolved, status):
    sink = Sink(TOKEN, SENT)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    get, post = sink.requests
    assert (get.method, str(get.url)) == ("GET", "http://wc.example/cgi-bin/gettoken?corpid=corp+1&corpsecret=wc-SECRET")
    assert "Content-Type" not in get.headers and get.content == b""
    assert (post.method, str(post.url)) == ("POST", "http://wc.example/cgi-bin/message/send?access_token=ACCESS-1")
    assert post.headers["Content-Type"] == "application/json"
    assert post.content == (f'{{"text":{{"content":"{status} 2"}},"touser":"@all","agentid":"1000002","safe":"0",'
                            '"msgtype":"text","markdown":{"content":""}}\n').encode()


async def test_markdown_type_and_token_reuse_for_two_hours():
    sink = Sink(TOKEN, SENT)
    n = notifier(sink, message_type="markdown", to_party="p", to_tag="t")
    await n.notify(ctx(), group(1))
    assert sink.json() == {"text": {"content": ""}, "touser": "@all", "toparty": "p", "totag": "t",
                           "agentid": "1000002", "safe": "0", "msgtype": "markdown",
                           "markdown": {"content": "firing 1"}}
    await n.notify(ctx(), group(1))
    assert [r.method for r in sink.requests] == ["GET", "POST", "POST"]
    later = ctx().__class__(**{**{f: getattr(ctx(), f) for f in ctx().__dataclass_fields__},
                               "now": NOW + timedelta(hours=2, seconds=1)})
    sink.responses = [TOKEN, SENT]
    await n.notify(later, group(1))
    assert [r.method for r in sink.requests] == ["GET", "POST", "POST", "GET", "POST"]


async def test_expired_token_is_retried_and_refetched():
    sink = Sink(TOKEN, httpx.Response(200, json={"errcode": 42001, "errmsg": "access_token expired"}), TOKEN, SENT)
    n = notifier(sink)
    with pytest.raises(NotifyError) as e:
        await n.notify(ctx(), group(1))
    assert (str(e.value), e.value.retryable) == ("access_token expired", True)
    await n.notify(ctx(), group(1))
    assert [r.method for r in sink.requests] == ["GET", "POST", "GET", "POST"]


@pytest.mark.parametrize(("answer", "retry", "message"), [
    (httpx.Response(500, text="down"), True, "unexpected status code 500"),
    (httpx.Response(429, text="slow"), True, "unexpected status code 429"),
    (httpx.Response(200, json={"errcode": 60020, "errmsg": "not allow to access from your ip"}), False,
     "not allow to access from your ip"),
    (httpx.Response(200, text="not json"), True, None),
], ids=["5xx", "429", "errcode", "garbage"])
async def test_send_failures(answer, retry, message):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(TOKEN, answer)).notify(ctx(), group(1))
    assert e.value.retryable is retry
    if message:
        assert str(e.value) == message


async def test_token_failures_are_final_and_secret_free():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(httpx.Response(200, json={"errcode": 40001}))).notify(ctx(), group(1))
    assert (str(e.value), e.value.retryable) == ("invalid APISecret for CorpID: corp 1", False)
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
