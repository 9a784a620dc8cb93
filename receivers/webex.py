"""The Cisco Webex receiver (``webex_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "WebexConfig", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WebexConfig(HTTPNotifierConfig):
    """One ``webex_configs`` entry; the bot token goes in ``http_config.authorization``."""

    send_resolved: bool = True
    api_url: URL | None = None
    message: str = '{{ template "webex.default.message" . }}'
    room_id: str = ""

    def _validate(self) -> Self:
        if not self.room_id:
            raise ValueError("missing room_id on webex_config")
        if self.http_config is None or self.http_config.authorization is None:
            raise ValueError("missing webex_configs.http_config.authorization")
        return self


CONFIG = WebexConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "webex_api_url"}


def resolve_globals(conf: WebexConfig, glob: GlobalConfig) -> WebexConfig:
    if conf.api_url is None:
        raise ValueError("no global Webex URL set")
    return conf
