"""The Discord receiver (``discord_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import SecretURL

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "DiscordConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscordConfig(HTTPNotifierConfig):
    """One ``discord_configs`` entry."""

    GO_TYPE: ClassVar[str] = "discord.plain"

    send_resolved: bool = True
    webhook_url: SecretURL | None = None
    webhook_url_file: str = ""
    content: str = ""
    title: str = '{{ template "discord.default.title" . }}'
    message: str = '{{ template "discord.default.message" . }}'
    username: str = ""
    avatar_url: str = ""

    def _validate(self) -> Self:
        if self.webhook_url is None and not self.webhook_url_file:
            raise ValueError("one of webhook_url or webhook_url_file must be configured")
        if self.webhook_url is not None and self.webhook_url_file:
            raise ValueError("at most one of webhook_url & webhook_url_file must be configured")
        return self


CONFIG = DiscordConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}
