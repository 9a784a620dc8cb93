"""The Cisco Webex receiver (``webex_configs``): config and notifier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import send
from receivers._render import TRUNCATION_MARKER, Renderer, template_data, template_of

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "WebexConfig", "WebexNotifier", "resolve_globals",
           "truncate_in_bytes"]


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


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_JSON = {"Content-Type": "application/json"}

_MAX_MESSAGE_BYTES = 7439
"""The longest message Webex accepts, in bytes (upstream's ``maxMessageSize``)."""


def truncate_in_bytes(s: str, n: int) -> tuple[str, bool]:
    """Upstream's ``TruncateInBytes``: at most ``n`` UTF-8 bytes, whole characters, ending in "…" when cut."""
    raw = s.encode()
    if len(raw) <= n:
        return s, False
    if n <= 3:
        return (TRUNCATION_MARKER if n == 3 else "." * n), True
    return raw[: n - 3].decode(errors="ignore") + TRUNCATION_MARKER, True


class WebexNotifier:
    """Posts a markdown message to a room; the bot token comes from ``http_config.authorization``."""

    def __init__(self, conf: WebexConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def payload(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> dict[str, object]:
        """The message upstream sends for this group (template errors are raised, never retried)."""
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        message = render(self.conf.message)
        if render.error is not None:
            raise NotifyError(str(render.error), retryable=False)
        message, _ = truncate_in_bytes(message, _MAX_MESSAGE_BYTES)
        body: dict[str, object] = {"markdown": message}
        room = render(self.conf.room_id)  # upstream does not check this render's error
        if room:
            body["roomId"] = room
        return body

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        body = go_json(self.payload(ctx, alerts))
        check_response(await send(self._client, "POST", str(self.conf.api_url), body=body, headers=_JSON))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = WebexNotifier
"""The notifier class the app builds for each ``webex_configs`` entry."""
