"""The Pushover receiver (``pushover_configs``): config and notifier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import GoDuration, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.http import check_response, new_client
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import encode_query, send
from receivers._render import Renderer, template_data, template_of, truncate_in_runes

__all__ = ["API_URL", "CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "PushoverConfig", "PushoverNotifier"]


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


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

API_URL = "https://api.pushover.net/1/messages.json"
"""Upstream's fixed endpoint (not configurable; tests pass another to the notifier)."""
_MAX_TITLE_RUNES = 250
_MAX_MESSAGE_RUNES = 1024
_MAX_URL_RUNES = 512


def _seconds(d: timedelta) -> str:
    return str(int(d.total_seconds()))


class PushoverNotifier:
    """POSTs the message as URL query parameters with an empty text body; 5xx is retried."""

    def __init__(self, conf: PushoverConfig, deps: NotifierDeps, *, api_url: str = API_URL) -> None:
        self.conf = conf
        self.api_url = api_url
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    @staticmethod
    def _secret(value: Secret | None, path: str, what: str) -> str:
        if value:
            return value.value
        try:
            return Path(path).read_text()  # upstream does not trim these
        except OSError as e:
            raise NotifyError(f"read {what}: {e.strerror or e}", retryable=False) from None

    def parameters(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> dict[str, str]:
        """The query parameters upstream sends for this group (template errors are final)."""
        c = self.conf
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data)
        html = Renderer(self._tmpl, data, html=True)
        token = self._secret(c.token, c.token_file, "token_file")
        user = self._secret(c.user_key, c.user_key_file, "user_key_file")
        params = {"token": render(token), "user": render(user)}
        params["title"], _ = truncate_in_runes(render(c.title), _MAX_TITLE_RUNES)
        if c.html:
            params["html"] = "1"
            message = html(c.message) if render.error is None else ""
        else:
            message = render(c.message)
        if c.monospace:
            params["monospace"] = "1"
        message, _ = truncate_in_runes(message, _MAX_MESSAGE_RUNES)
        params["message"] = message.strip() or "(no details)"
        params["url"], _ = truncate_in_runes(render(c.url), _MAX_URL_RUNES)
        params["url_title"] = render(c.url_title)
        params["priority"] = render(c.priority)
        params["retry"] = _seconds(c.retry)
        params["expire"] = _seconds(c.expire)
        params["device"] = render(c.device)
        params["sound"] = render(c.sound)
        if int(c.ttl.total_seconds()) > 0:
            params["ttl"] = _seconds(c.ttl)
        error = html.error or render.error  # html only runs while render has no error: it came first
        if error is not None:
            raise NotifyError(str(error), retryable=False)
        return params

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        url = f"{self.api_url}?{encode_query(self.parameters(ctx, alerts))}"
        resp = await send(self._client, "POST", url, headers={"Content-Type": "text/plain"})
        check_response(resp)

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = PushoverNotifier
"""The notifier class the app builds for each ``pushover_configs`` entry."""
