"""The Telegram receiver (``telegram_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import URL, Int64, Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "TelegramConfig", "resolve_globals"]


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
