"""The Rocket.Chat receiver (``rocketchat_configs``): config and notifier (``chat.postMessage``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import join_path, read_trimmed, send
from receivers._render import Renderer, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "RocketchatAttachmentAction", "RocketchatAttachmentField",
           "RocketchatConfig", "RocketchatNotifier", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RocketchatAttachmentField:
    GO_TYPE: ClassVar[str] = "config.RocketchatAttachmentField"

    short: bool | None = None
    title: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RocketchatAttachmentAction:
    """Upstream declares no YAML names here, so yaml.v2 lower-cases the Go field names."""

    GO_TYPE: ClassVar[str] = "config.RocketchatAttachmentAction"

    type: str = ""
    text: str = ""
    url: str = ""
    image_url: str = field(default="", metadata={"yaml": "imageurl"})
    is_webview: bool = field(default=False, metadata={"yaml": "iswebview"})
    webview_height_ratio: str = field(default="", metadata={"yaml": "webviewheightratio"})
    msg: str = ""
    msg_in_chat_window: bool = field(default=False, metadata={"yaml": "msginchatwindow"})
    msg_processing_type: str = field(default="", metadata={"yaml": "msgprocessingtype"})


@dataclass(frozen=True, slots=True, kw_only=True)
class RocketchatConfig(HTTPNotifierConfig):
    """One ``rocketchat_configs`` entry."""

    send_resolved: bool = False
    api_url: URL | None = None
    token_id: Secret | None = None
    token_id_file: str = ""
    token: Secret | None = None
    token_file: str = ""
    channel: str = ""
    color: str = '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}'
    title: str = '{{ template "rocketchat.default.title" . }}'
    title_link: str = '{{ template "rocketchat.default.titlelink" . }}'
    text: str = '{{ template "rocketchat.default.text" . }}'
    fields: tuple[RocketchatAttachmentField, ...] = ()
    short_fields: bool = False
    emoji: str = '{{ template "rocketchat.default.emoji" . }}'
    icon_url: str = '{{ template "rocketchat.default.iconurl" . }}'
    image_url: str = ""
    thumb_url: str = ""
    link_names: bool = False
    actions: tuple[RocketchatAttachmentAction, ...] = ()

    def _validate(self) -> Self:
        if self.token is not None and self.token_file:
            raise ValueError("at most one of token & token_file must be configured")
        if self.token_id is not None and self.token_id_file:
            raise ValueError("at most one of token_id & token_id_file must be configured")
        return self


CONFIG = RocketchatConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "rocketchat_api_url", "token_id": "rocketchat_token_id",
                    "token_id_file": "rocketchat_token_id_file", "token": "rocketchat_token",
                    "token_file": "rocketchat_token_file"}


def resolve_globals(conf: RocketchatConfig, glob: GlobalConfig) -> RocketchatConfig:
    if conf.token_id is None and not conf.token_id_file:
        raise ValueError("no global Rocketchat TokenID set either inline or in a file")
    if conf.token is None and not conf.token_file:
        raise ValueError("no global Rocketchat Token set either inline or in a file")
    return conf


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_MAX_TITLE_RUNES = 1024


def _go_quote(s: str) -> str:
    """Close to Go's ``%q`` for names and bodies in errors."""
    return json.dumps(s, ensure_ascii=False)


def _omit_empty(pairs: Sequence[tuple[str, object]]) -> dict[str, object]:
    return {k: v for k, v in pairs if v}


def _action(a: RocketchatAttachmentAction, render: Callable[[str], str]) -> dict[str, object]:
    # Only buttons are supported; Go always writes the two booleans.
    out = _omit_empty([("type", "button"), ("text", render(a.text)), ("url", render(a.url))])
    out["is_webview"] = False
    out.update(_omit_empty([("msg", render(a.msg))]))
    out["msg_in_chat_window"] = False
    return out


def build_message(conf: RocketchatConfig, render: Renderer) -> dict[str, object]:
    """Upstream's ``PostMessage`` with one attachment, fields in upstream's order and omissions."""
    title = render(conf.title)
    if render.error is not None:
        raise NotifyError(str(render.error), retryable=False)
    title, _ = truncate_in_runes(title, _MAX_TITLE_RUNES)
    att = _omit_empty([("title", title), ("title_link", render(conf.title_link)), ("text", render(conf.text)),
                       ("image_url", render(conf.image_url)), ("thumb_url", render(conf.thumb_url)),
                       ("color", render(conf.color))])
    if conf.fields:
        att["fields"] = [
            {"short": f.short if f.short is not None else conf.short_fields,
             **_omit_empty([("title", render(f.title)), ("value", render(f.value))])}
            for f in conf.fields
        ]
    if conf.actions:
        att["actions"] = [_action(a, render) for a in conf.actions]
    body = _omit_empty([("channel", render(conf.channel)), ("emoji", render(conf.emoji)),
                        ("avatar", render(conf.icon_url))])
    body["attachments"] = [att]
    if render.error is not None:
        raise NotifyError(str(render.error), retryable=False)
    return body


class RocketchatNotifier:
    """Posts to ``<api_url>/api/v1/chat.postMessage`` with ``X-Auth-Token``/``X-User-Id``; 5xx retried.

    A 2xx answer must also say ``success: true``; tokens in files are read once, as upstream.
    """

    def __init__(self, conf: RocketchatConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)
        self._auth: dict[str, str] | None = None

    def _headers(self) -> dict[str, str]:
        if self._auth is None:
            c = self.conf
            token = read_trimmed(c.token_file, f"could not read {c.token_file}") if c.token_file else (
                c.token.value if c.token else "")
            token_id = read_trimmed(c.token_id_file, f"could not read {c.token_id_file}") if c.token_id_file else (
                c.token_id.value if c.token_id else "")
            self._auth = {"X-Auth-Token": token, "X-User-Id": token_id}
        return self._auth

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        body = build_message(self.conf, render)
        url = join_path(str(self.conf.api_url), "api/v1/chat.postMessage")
        headers = {"Content-Type": "application/json", **self._headers()}
        resp = await send(self._client, "POST", url, body=go_json(body), headers=headers)
        channel = _go_quote(str(body.get("channel", "")))
        try:
            check_response(resp)
        except NotifyError as e:
            raise NotifyError(f"channel {channel}: {e}", retryable=e.retryable, reason=e.reason) from None
        try:
            data = json.loads(resp.text)
        except ValueError as e:
            raise NotifyError(f"channel {channel}: could not unmarshal JSON response {_go_quote(resp.text)}: {e}",
                              retryable=True, reason="clientError") from None
        if not isinstance(data, dict) or data.get("success") is not True:
            error = data.get("error", "") if isinstance(data, dict) else ""
            raise NotifyError(f"channel {channel}: error response from Rocketchat: {error}", retryable=False,
                              reason="clientError")

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = RocketchatNotifier
"""The notifier class the app builds for each ``rocketchat_configs`` entry."""
