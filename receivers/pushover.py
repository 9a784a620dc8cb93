"""The Pushover receiver (``pushover_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import GoDuration, Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "PushoverConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PushoverConfig(HTTPNotifierConfig):
    """One ``pushover_configs`` entry; ``retry``/``expire``/``ttl`` are Go durations."""

    send_resolved: bool = True
    user_key: Secret | None = None
    user_key_file: str = ""
    token: Secret | None = None
    token_file: str = ""
    title: str = '{{ template "pushover.default.title" . }}'
    message: str = '{{ template "pushover.default.message" . }}'
    url: str = '{{ template "pushover.default.url" . }}'
    url_title: str = ""
    device: str = ""
    sound: str = ""
    priority: str = '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}'
    retry: GoDuration = GoDuration(timedelta(minutes=1))
    expire: GoDuration = GoDuration(timedelta(hours=1))
    ttl: GoDuration = GoDuration(timedelta(0))
    html: bool = False
    monospace: bool = False

    def _validate(self) -> Self:
        if not self.user_key and not self.user_key_file:
            raise ValueError("one of user_key or user_key_file must be configured")
        if self.user_key and self.user_key_file:
            raise ValueError("at most one of user_key & user_key_file must be configured")
        if not self.token and not self.token_file:
            raise ValueError("one of token or token_file must be configured")
        if self.token and self.token_file:
            raise ValueError("at most one of token & token_file must be configured")
        if self.html and self.monospace:
            raise ValueError("at most one of monospace & html must be configured")
        return self


CONFIG = PushoverConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}
