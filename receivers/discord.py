"""The Discord receiver (``discord_configs``): config and notifier (webhook with one embed)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import SecretURL
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import read_trimmed
from receivers._render import Renderer, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "DiscordConfig", "DiscordNotifier"]


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


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

# Discord's embed limits: https://discord.com/developers/docs/resources/channel#embed-object-embed-limits
_MAX_TITLE_RUNES = 256
_MAX_DESCRIPTION_RUNES = 4096
_MAX_CONTENT_RUNES = 2000
_COLORS = {"firing": 0x992D22, "resolved": 0x2ECC71}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _go_parses(url: str) -> bool:
    """Whether Go's ``url.Parse`` accepts ``url`` (it rejects control bytes, bad escapes, ``:x``)."""
    return not (any(ord(c) < 0x20 or ord(c) == 0x7F for c in url) or _BAD_ESCAPE.search(url.split("#")[0])
                or url.startswith(":"))


class DiscordNotifier:
    """Posts a webhook message with one embed coloured by status; 5xx is retried."""

    def __init__(self, conf: DiscordConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def payload(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> dict[str, object]:
        """The webhook body upstream sends for this group (template errors are raised, never retried)."""
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data)
        title, _ = truncate_in_runes(render(self.conf.title), _MAX_TITLE_RUNES)
        description, _ = truncate_in_runes(render(self.conf.message), _MAX_DESCRIPTION_RUNES)
        content, _ = truncate_in_runes(render(self.conf.content), _MAX_CONTENT_RUNES)
        if render.error is not None:
            raise NotifyError(str(render.error), retryable=False)
        body: dict[str, object] = {
            "content": content,
            "embeds": [{"title": title, "description": description, "color": _COLORS.get(data.Status, 0x95A5A6)}],
        }
        if self.conf.username:
            body["username"] = self.conf.username
        if self.conf.avatar_url and _go_parses(self.conf.avatar_url):
            body["avatar_url"] = self.conf.avatar_url
        return body

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        body = go_json(self.payload(ctx, alerts))
        url = self.conf.webhook_url.value if self.conf.webhook_url else read_trimmed(
            self.conf.webhook_url_file, "read webhook_url_file")
        check_response(await post_json(self._client, url, body))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = DiscordNotifier
"""The notifier class the app builds for each ``discord_configs`` entry."""
