import json

import httpx
import pytest
from receivers2_support import Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.telegram import TelegramNotifier

OK = httpx.Response(200, json={"ok": True, "result": {"message_id": 1, "chat": {"id": -1001}}})
ENTRY = {"api_url": "http://tg.example", "bot_token": "123:tg-SECRET", "chat_id": -1001,
         "message": "<b>{{ .Status }}</b> {{ .CommonAnnotations.summary }}"}


def notifier(sink: Sink, **extra: object) -> TelegramNotifier:
    return TelegramNotifier(conf("telegram_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status"), [(1, 0, "firing"), (0, 1, "resolved")],
                         ids=["firing", "resolved"])
async def test_send_message_as_telebot_does(firing, resolved, status):
    sink = Sink(OK)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url)) == ("POST", "http://tg.example/bot123:tg-SECRET/sendMessage")
    assert req.headers["Content-Type"] == "application/json"
    assert req.headers["User-Agent"] == "Go-http-client/1.1"
    # HTML mode escapes template values, not the template's own markup; keys sorted, values strings.
    assert req.content == ('{"chat_id":"-1001","disable_web_page_preview":"true","parse_mode":"HTML",'
                           f'"text":"\\u003cb\\u003e{status}\\u003c/b\\u003e p99 high on web-0"}}\n').encode()


async def test_options_thread_and_plain_mode_truncation():
    sink = Sink(OK)
    await notifier(sink, parse_mode="", disable_notifications=True, message_thread_id=9,
                   message="x" * 5000).notify(ctx(), group(1))
    body = sink.json()
    assert body == {"chat_id": "-1001", "disable_notification": "true", "disable_web_page_preview": "true",
                    "message_thread_id": "9", "text": "x" * 4095 + "…"}


async def test_html_messages_over_the_limit_are_replaced():
    sink = Sink(OK)
    await notifier(sink, message="y" * 4097).notify(ctx(), group(1))
    assert sink.json()["text"].startswith("Alertmanager notification could not be sent: message length exceeds")


async def test_token_and_chat_id_files(tmp_path):
    (tmp_path / "tok").write_text(" 9:file-SECRET\n")
    (tmp_path / "chat").write_text("77\n")
    sink = Sink(OK)
    entry = {"api_url": "http://tg.example", "bot_token_file": str(tmp_path / "tok"),
             "chat_id_file": str(tmp_path / "chat")}
    n = TelegramNotifier(conf("telegram_configs", entry), sink.deps())
    await n.notify(ctx(), group(1))
    assert str(sink.last.url) == "http://tg.example/bot9:file-SECRET/sendMessage"
    assert json.loads(sink.last.content)["chat_id"] == "77"


@pytest.mark.parametrize(("code", "reason"), [(400, "clientError"), (403, "authError"), (429, "rateLimited")],
                         ids=str)
async def test_api_errors_are_retried_without_the_token(code, reason):
    answer = httpx.Response(code, json={"ok": False, "error_code": code, "description": "Bad Request: nope"})
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(answer)).notify(ctx(), group(1))
    assert (e.value.retryable, e.value.reason) == (True, reason)
    assert str(e.value) == f"telegram: Bad Request: nope ({code})"
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SECRET" not in str(e.value)
