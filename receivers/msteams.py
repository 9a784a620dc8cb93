"""The Microsoft Teams (Office 365 connector) receiver (``msteams_configs``): config and notifier."""

from __future__ import annotations

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
from receivers._render import Renderer, template_data, template_of

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "MSTeamsConfig", "MSTeamsNotifier"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MSTeamsConfig(HTTPNotifierConfig):
    """One ``msteams_configs`` entry."""

    GO_TYPE: ClassVar[str] = "msteams.plain"

    send_resolved: bool = True
    webhook_url: SecretURL | None = None
    webhook_url_file: str = ""
    title: str = '{{ template "msteams.default.title" . }}'
    summary: str = '{{ template "msteams.default.summary" . }}'
    text: str = '{{ template "msteams.default.text" . }}'

    def _validate(self) -> Self:
        if self.webhook_url is None and not self.webhook_url_file:
            raise ValueError("one of webhook_url or webhook_url_file must be configured")
        if self.webhook_url is not None and self.webhook_url_file:
            raise ValueError("at most one of webhook_url & webhook_url_file must be configured")
        return self


CONFIG = MSTeamsConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_COLORS = {"firing": "8C1A1A", "resolved": "2DC72D"}


class MSTeamsNotifier:
    """Posts an Office 365 connector ``MessageCard``; 5xx is retried, other failures are final."""

    def __init__(self, conf: MSTeamsConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def payload(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> dict[str, object]:
        """The card upstream sends for this group (template errors are raised, never retried)."""
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data)
        title, text, summary = render(self.conf.title), render(self.conf.text), render(self.conf.summary)
        if render.error is not None:
            raise NotifyError(str(render.error), retryable=False)
        return {"@context": "http://schema.org/extensions", "type": "MessageCard", "title": title,
                "summary": summary, "text": text, "themeColor": _COLORS.get(data.Status, "808080")}

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        body = go_json(self.payload(ctx, alerts))
        url = self.conf.webhook_url.value if self.conf.webhook_url else read_trimmed(
            self.conf.webhook_url_file, "read webhook_url_file")
        check_response(await post_json(self._client, url, body))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = MSTeamsNotifier
"""The notifier class the app builds for each ``msteams_configs`` entry."""
