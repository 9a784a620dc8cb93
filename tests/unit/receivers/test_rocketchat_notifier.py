import httpx
import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.rocketchat import RocketchatNotifier

OK = httpx.Response(200, json={"success": True})
ENTRY = {"api_url": "http://rc.example/base/", "token": "tok-SECRET", "token_id": "uid-SECRET", "channel": "#ops",
         "title": "{{ .Status }}", "text": "t {{ .Alerts | len }}", "emoji": ":fire:",
         "fields": [{"title": "sev", "value": "{{ .CommonLabels.severity }}"},
                    {"title": "x", "value": "", "short": False}],
         "short_fields": True, "actions": [{"text": "Ack", "url": "http://ack.example", "msg": "m"}]}


def notifier(sink: Sink, **extra: object) -> RocketchatNotifier:
    return RocketchatNotifier(conf("rocketchat_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status", "color"), [(2, 0, "firing", "red"),
                                                                    (0, 2, "resolved", "green")],
                         ids=["firing", "resolved"])
async def test_posts_chat_message_with_token_headers(firing, resolved, status, color):
    sink = Sink(OK)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url)) == ("POST", "http://rc.example/base/api/v1/chat.postMessage")
    assert (req.headers["X-Auth-Token"], req.headers["X-User-Id"]) == ("tok-SECRET", "uid-SECRET")
    assert req.headers["Content-Type"] == "application/json"
    assert req.content == (
        '{"channel":"#ops","emoji":":fire:","attachments":[{"title":"' + status + '",'
        '"title_link":"http://am.example:9093/#/alerts?receiver=ops","text":"t 2","color":"' + color + '",'
        '"fields":[{"short":true,"title":"sev","value":"critical"},{"short":false,"title":"x"}],'
        '"actions":[{"type":"button","text":"Ack","url":"http://ack.example","is_webview":false,"msg":"m",'
        '"msg_in_chat_window":false}]}]}\n'
    ).encode()


@pytest.mark.parametrize(("answer", "retry", "message"), [
    (httpx.Response(500, text="down"), True, 'channel "#ops": unexpected status code 500: down'),
    (httpx.Response(429, text="slow"), False, 'channel "#ops": unexpected status code 429: slow'),
    (httpx.Response(200, json={"success": False, "error": "no room"}), False,
     'channel "#ops": error response from Rocketchat: no room'),
    (httpx.Response(200, text="nope"), True, None),
], ids=["5xx", "429", "success-false", "not-json"])
async def test_failures(answer, retry, message):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(answer)).notify(ctx(), group(1))
    assert e.value.retryable is retry
    if message:
        assert str(e.value) == message


async def test_tokens_from_files_and_no_secret_in_errors(tmp_path):
    (tmp_path / "t").write_text("file-tok\n")
    (tmp_path / "i").write_text("file-uid\n")
    sink = Sink(OK)
    entry = {"api_url": "http://rc.example", "token_file": str(tmp_path / "t"), "token_id_file": str(tmp_path / "i")}
    n = RocketchatNotifier(conf("rocketchat_configs", entry), sink.deps())
    await n.notify(ctx(), group(1))
    assert (sink.last.headers["X-Auth-Token"], sink.last.headers["X-User-Id"]) == ("file-tok", "file-uid")
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
