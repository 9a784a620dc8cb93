"""The Microsoft Teams (Power Automate workflow) receiver (``msteamsv2_configs``): config and notifier."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import SecretURL
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import read_trimmed
from receivers._render import Renderer, template_data, template_of

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "MSTeamsV2Config", "MSTeamsV2Notifier", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MSTeamsV2Config(HTTPNotifierConfig):
    """One ``msteamsv2_configs`` entry."""

    GO_TYPE: ClassVar[str] = "msteamsv2.plain"

    send_resolved: bool = True
    webhook_url: SecretURL | None = None
    webhook_url_file: str = ""
    title: str = '{{ template "msteamsv2.default.title" . }}'
    text: str = '{{ template "msteamsv2.default.text" . }}'

    def _validate(self) -> Self:
        if self.webhook_url is None and not self.webhook_url_file:
            raise ValueError("one of webhook_url or webhook_url_file must be configured")
        if self.webhook_url is not None and self.webhook_url_file:
            raise ValueError("at most one of webhook_url & webhook_url_file must be configured")
        return self


CONFIG = MSTeamsV2Config
GLOBAL_FALLBACKS: dict[str, str] = {}


def resolve_globals(conf: MSTeamsV2Config, glob: GlobalConfig) -> MSTeamsV2Config:
    """The global http_config, or only its proxy_url when the receiver has a partial one (0.34)."""
    if conf.http_config is None:
        return dataclasses.replace(conf, http_config=glob.http_config)
    if not conf.http_config.proxy_url:
        return dataclasses.replace(conf, http_config=dataclasses.replace(
            conf.http_config, proxy_url=glob.http_config.proxy_url))
    return conf


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_COLORS = {"firing": "Attention", "resolved": "Good"}


class MSTeamsV2Notifier:
    """Posts an Adaptive Card to a Power Automate workflow; 5xx is retried, other failures are final."""

    def __init__(self, conf: MSTeamsV2Config, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def payload(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> dict[str, object]:
        """The message upstream sends for this group (template errors are raised, never retried)."""
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data)
        title, text = render(self.conf.title), render(self.conf.text)
        if render.error is not None:
            raise NotifyError(str(render.error), retryable=False)
        heading = {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True,
                   "style": "heading", "color": _COLORS.get(data.Status, "Warning")}
        content = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                   "version": "1.2", "body": [heading, {"type": "TextBlock", "text": text, "wrap": True}],
                   "msteams": {"width": "full"}}
        attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                      "content": content}
        return {"type": "message", "attachments": [attachment]}

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        body = go_json(self.payload(ctx, alerts))
        url = self.conf.webhook_url.value if self.conf.webhook_url else read_trimmed(
            self.conf.webhook_url_file, "read webhook_url_file")
        check_response(await post_json(self._client, url, body))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = MSTeamsV2Notifier
"""The notifier class the app builds for each ``msteamsv2_configs`` entry."""
