"""The VictorOps (Splunk On-Call) receiver (``victorops_configs``): config and notifier (REST endpoint)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import append_path
from receivers._render import Renderer, group_key_hash, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "VictorOpsConfig", "VictorOpsNotifier", "resolve_globals"]

_RESERVED = ("routing_key", "message_type", "state_message", "entity_display_name", "monitoring_tool",
             "entity_id", "entity_state")


@dataclass(frozen=True, slots=True, kw_only=True)
class VictorOpsConfig(HTTPNotifierConfig):
    """One ``victorops_configs`` entry."""

    send_resolved: bool = True
    api_key: Secret | None = None
    api_key_file: str = ""
    api_url: URL | None = None
    routing_key: str = ""
    message_type: str = "CRITICAL"
    state_message: str = '{{ template "victorops.default.state_message" . }}'
    entity_display_name: str = '{{ template "victorops.default.entity_display_name" . }}'
    monitoring_tool: str = '{{ template "victorops.default.monitoring_tool" . }}'
    custom_fields: dict[str, str] = field(default_factory=dict)

    def _validate(self) -> Self:
        if not self.routing_key:
            raise ValueError("missing Routing key in VictorOps config")
        if self.api_key and self.api_key_file:
            raise ValueError("at most one of api_key & api_key_file must be configured")
        for name in _RESERVED:
            if name in self.custom_fields:
                raise ValueError(f"victorOps config contains custom field {name} which cannot be used as it "
                                 "conflicts with the fixed/static fields")
        return self


CONFIG = VictorOpsConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "victorops_api_url", "api_key": "victorops_api_key",
                    "api_key_file": "victorops_api_key_file"}


def resolve_globals(conf: VictorOpsConfig, glob: GlobalConfig) -> VictorOpsConfig:
    if conf.api_url is None:
        raise ValueError("no global VictorOps URL set")
    conf = dataclasses.replace(conf, api_url=conf.api_url.with_trailing_slash())
    if not conf.api_key and not conf.api_key_file:
        raise ValueError("no global VictorOps API Key set")
    return conf


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_MAX_STATE_MESSAGE_RUNES = 20480
_ALLOWED_FIRING_TYPES = frozenset({"INFO", "WARNING", "CRITICAL"})


class VictorOpsNotifier:
    """Posts to ``<api_url><api_key>/<routing_key>``; the entity id is the group key's SHA-256."""

    def __init__(self, conf: VictorOpsConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def _api_key(self) -> str:
        if self.conf.api_key:
            return self.conf.api_key.value
        try:
            return Path(self.conf.api_key_file).read_text().strip()
        except OSError as e:
            raise NotifyError(f"failed to read API key from file: {e.strerror or e}", retryable=False) from None

    def url(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> str:
        """The endpoint for this group (a routing key template error is final)."""
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        key = self._api_key()
        url = append_path(str(self.conf.api_url), f"{key}/{render(self.conf.routing_key)}")
        render.check("templating error")
        return url

    def payload(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> dict[str, str]:
        """The event upstream sends; its template errors are retried, as upstream does."""
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data)
        message_type, state_message = render(self.conf.message_type), render(self.conf.state_message)
        if data.Status == "firing" and message_type not in _ALLOWED_FIRING_TYPES:
            message_type = "CRITICAL"
        if data.Status == "resolved":
            message_type = "RECOVERY"
        state_message, _ = truncate_in_runes(state_message, _MAX_STATE_MESSAGE_RUNES)
        msg = {"message_type": message_type, "entity_id": group_key_hash(ctx.group_key),
               "entity_display_name": render(self.conf.entity_display_name), "state_message": state_message,
               "monitoring_tool": render(self.conf.monitoring_tool)}
        for k, v in self.conf.custom_fields.items():
            msg[k] = render(v)
        render.check("templating error")
        return {k: msg[k] for k in sorted(msg)}

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        url = self.url(ctx, alerts)
        try:
            body = go_json(self.payload(ctx, alerts))
        except NotifyError as e:
            raise NotifyError(str(e), retryable=True) from None
        check_response(await post_json(self._client, url, body))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = VictorOpsNotifier
"""The notifier class the app builds for each ``victorops_configs`` entry."""
