"""The Telegram receiver (``telegram_configs``): config and notifier (Bot API ``sendMessage``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import URL, Int64, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import new_client, redact_url
from alertmanager.notify.notifier import NotifierDeps, NotifyError, reason_from_status
from receivers._gohttp import send
from receivers._render import Renderer, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "TelegramConfig", "TelegramNotifier", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TelegramConfig(HTTPNotifierConfig):
    """One ``telegram_configs`` entry."""

    GO_TYPE: ClassVar[str] = "telegram.plain"

    send_resolved: bool = True
    api_url: URL | None = None
    bot_token: Secret | None = None
    bot_token_file: str = ""
    chat_id: Int64 = Int64(0)
    chat_id_file: str = ""
    message_thread_id: int = 0
    message: str = '{{ template "telegram.default.message" . }}'
    disable_notifications: bool = False
    parse_mode: str = "HTML"

    def _validate(self) -> Self:
        if self.bot_token and self.bot_token_file:
            raise ValueError("at most one of bot_token & bot_token_file must be configured")
        if self.chat_id == 0 and not self.chat_id_file:
            raise ValueError("missing chat_id or chat_id_file on telegram_config")
        if self.chat_id != 0 and self.chat_id_file:
            raise ValueError("at most one of chat_id & chat_id_file must be configured")
        if self.parse_mode not in ("", "Markdown", "MarkdownV2", "HTML"):
            raise ValueError("unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or "
                             "empty string")
        return self


CONFIG = TelegramConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "telegram_api_url"}
GLOBAL_FALLBACK_GROUPS = ({"bot_token": "telegram_bot_token", "bot_token_file": "telegram_bot_token_file"},)


def resolve_globals(conf: TelegramConfig, glob: object) -> TelegramConfig:
    if not conf.bot_token and not conf.bot_token_file:
        raise ValueError("missing bot_token or bot_token_file on telegram_config")
    return conf


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_MAX_MESSAGE_RUNES = 4096
# telebot sets no User-Agent, so Go's default goes out.
_HEADERS = {"Content-Type": "application/json", "User-Agent": "Go-http-client/1.1"}
_TOO_LONG = ("Alertmanager notification could not be sent: message length exceeds Telegram limits.\n"
             "\t\t\tPlease check the template used for producing the message content.")


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError as e:
        raise NotifyError(f"could not read {path}: {e.strerror or e}", retryable=True) from None


class TelegramNotifier:
    """Calls ``sendMessage`` as upstream's telebot client does; every failure is retried.

    Telegram answers with JSON ``ok``/``description``/``error_code``; the HTTP status itself
    is not consulted, as in telebot. The bot token is part of the URL and never shown.
    """

    def __init__(self, conf: TelegramConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def text(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> str:
        """The message text for this group (HTML mode escapes, other modes truncate)."""
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data, html=self.conf.parse_mode == "HTML")
        text = render(self.conf.message)
        if render.error is not None:
            raise NotifyError(str(render.error), retryable=False)
        if self.conf.parse_mode == "HTML":
            return _TOO_LONG if len(text) > _MAX_MESSAGE_RUNES else text
        return truncate_in_runes(text, _MAX_MESSAGE_RUNES)[0]

    def params(self, text: str, chat_id: int) -> dict[str, str]:
        """``sendMessage``'s parameters: telebot sends every value as a string, keys sorted."""
        c = self.conf
        params = {"chat_id": str(chat_id), "text": text, "disable_web_page_preview": "true"}
        if c.disable_notifications:
            params["disable_notification"] = "true"
        if c.parse_mode:
            params["parse_mode"] = c.parse_mode
        if c.message_thread_id:
            params["message_thread_id"] = str(c.message_thread_id)
        return {k: params[k] for k in sorted(params)}

    def _chat_id(self) -> int:
        if not self.conf.chat_id_file:
            return int(self.conf.chat_id)
        text = _read(self.conf.chat_id_file)
        try:
            return int(text, 10)
        except ValueError:
            raise NotifyError(f"could not parse chat_id from {self.conf.chat_id_file}: strconv.ParseInt: "
                              f"parsing {json.dumps(text)}: invalid syntax", retryable=True) from None

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        text = self.text(ctx, alerts)
        c = self.conf
        token = _read(c.bot_token_file) if c.bot_token_file else (c.bot_token.value if c.bot_token else "")
        body = go_json(self.params(text, self._chat_id()))
        url = f"{c.api_url}/bot{token}/sendMessage"
        resp = await send(self._client, "POST", url, body=body, headers=_HEADERS)
        try:
            data = json.loads(resp.text)
        except ValueError as e:
            raise NotifyError(redact_url(f"telebot: {e}", token), retryable=True) from None
        if not isinstance(data, dict):
            raise NotifyError("telebot: unexpected response", retryable=True)
        if data.get("ok") is True:
            return
        code = data.get("error_code")
        code = code if isinstance(code, int) else 0
        message = redact_url(f"telegram: {data.get('description', '')} ({code})", token)
        raise NotifyError(message, retryable=True, reason=reason_from_status(code) if code else "other")

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = TelegramNotifier
"""The notifier class the app builds for each ``telegram_configs`` entry."""
