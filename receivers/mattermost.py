"""The Mattermost receiver (``mattermost_configs``): config and notifier (incoming webhook)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import SecretURL
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._render import Renderer, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "MattermostAttachment", "MattermostConfig", "MattermostField",
           "MattermostNotifier", "MattermostPriority", "MattermostProps", "build_request", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MattermostPriority:
    GO_TYPE: ClassVar[str] = "mattermost.MattermostPriority"

    priority: str = ""
    requested_ack: bool = False
    persistent_notifications: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MattermostProps:
    GO_TYPE: ClassVar[str] = "mattermost.MattermostProps"

    card: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MattermostField:
    GO_TYPE: ClassVar[str] = "mattermost.plain"

    title: str = ""
    value: str = ""
    short: bool | None = None

    def _validate(self) -> Self:
        if not self.title:
            raise ValueError("missing title in Mattermost field configuration")
        if not self.value:
            raise ValueError("missing value in Mattermost field configuration")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class MattermostAttachment:
    GO_TYPE: ClassVar[str] = "mattermost.MattermostAttachment"

    fallback: str = ""
    color: str = ""
    pretext: str = ""
    text: str = ""
    author_name: str = ""
    author_link: str = ""
    author_icon: str = ""
    title: str = ""
    title_link: str = ""
    fields: tuple[MattermostField, ...] = ()
    thumb_url: str = ""
    footer: str = ""
    footer_icon: str = ""
    image_url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MattermostConfig(HTTPNotifierConfig):
    """One ``mattermost_configs`` entry."""

    GO_TYPE: ClassVar[str] = "mattermost.plain"

    send_resolved: bool = True
    webhook_url: SecretURL | None = None
    webhook_url_file: str = ""
    channel: str = ""
    username: str = '{{ template "mattermost.default.username" . }}'
    text: str = '{{ template "mattermost.default.text" . }}'
    fallback: str = '{{ template "mattermost.default.fallback" . }}'
    color: str = '{{ template "mattermost.default.color" . }}'
    pretext: str = ""
    author_name: str = ""
    author_link: str = ""
    author_icon: str = ""
    title: str = '{{ template "mattermost.default.title" . }}'
    title_link: str = '{{ template "mattermost.default.titlelink" . }}'
    fields: tuple[MattermostField, ...] = ()
    thumb_url: str = ""
    footer: str = ""
    footer_icon: str = ""
    image_url: str = ""
    icon_url: str = ""
    icon_emoji: str = ""
    attachments: tuple[MattermostAttachment, ...] = ()
    type: str = ""
    props: MattermostProps | None = None
    priority: MattermostPriority | None = None

    def _validate(self) -> Self:
        if self.webhook_url is not None and self.webhook_url_file:
            raise ValueError("at most one of webhook_url & webhook_url_file must be configured")
        return self


CONFIG = MattermostConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}
GLOBAL_FALLBACK_GROUPS = ({"webhook_url": "mattermost_webhook_url", "webhook_url_file": "mattermost_webhook_url_file"},)


def resolve_globals(conf: MattermostConfig, glob: object) -> MattermostConfig:
    if conf.webhook_url is None and not conf.webhook_url_file:
        raise ValueError("missing webhook_url or webhook_url_file on mattermost_config")
    return conf


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_MAX_TEXT_RUNES = 16383
_PRIORITIES = ("urgent", "important", "standard")
_ATTACHMENT_KEYS = ("fallback", "color", "pretext", "text", "author_name", "author_link", "author_icon", "title",
                    "title_link", "fields", "thumb_url", "footer", "footer_icon", "image_url")


def _fields(fields: Sequence[MattermostField], render: Callable[[str], str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for f in fields:
        item: dict[str, object] = {k: v for k, v in (("title", render(f.title)), ("value", render(f.value))) if v}
        if f.short is not None:
            item["short"] = f.short
        out.append(item)
    return out


def _attachment(a: MattermostAttachment | MattermostConfig, render: Callable[[str], str],
                text: str | None = None) -> dict[str, object]:
    values: dict[str, object] = {"text": render(a.text) if text is None else text}
    for key in ("fallback", "color", "pretext", "author_name", "author_link", "author_icon", "title", "title_link",
                "thumb_url", "footer", "footer_icon", "image_url"):
        values[key] = render(getattr(a, key))
    values["fields"] = _fields(a.fields, render)
    return {k: values[k] for k in _ATTACHMENT_KEYS if values[k]}


def _priority(p: MattermostPriority, render: Callable[[str], str]) -> dict[str, object]:
    """Upstream's sanitising: unknown priorities become standard, flags only where they apply."""
    priority = render(p.priority).lower()
    priority = priority if priority in _PRIORITIES else "standard"
    requested_ack = p.requested_ack and priority != "standard"
    persistent = p.persistent_notifications and priority == "urgent"
    out: dict[str, object] = {"priority": priority}
    if requested_ack:
        out["requested_ack"] = True
    if persistent:
        out["persistent_notifications"] = True
    return out


def build_request(conf: MattermostConfig, render: Renderer) -> dict[str, object]:
    """Upstream's Mattermost ``request``; template errors are raised (never retried)."""
    text = render(conf.text)
    head = {"channel": render(conf.channel), "username": render(conf.username), "icon_url": render(conf.icon_url),
            "icon_emoji": render(conf.icon_emoji)}
    kind = render(conf.type)
    priority = _priority(conf.priority, render) if conf.priority is not None and conf.priority.priority else None
    props = {"card": render(conf.props.card)} if conf.props is not None and conf.props.card else None
    if conf.attachments:
        attachments = [_attachment(a, render) for a in conf.attachments]
        top_text = truncate_in_runes(text, _MAX_TEXT_RUNES)[0]
    else:
        attachments, top_text = [_attachment(conf, render, text)], ""
    if render.error is not None:
        raise NotifyError(str(render.error), retryable=False)
    req: dict[str, object] = {k: v for k, v in (("text", top_text), *head.items()) if v}
    req["attachments"] = attachments
    if kind:
        req["type"] = kind
    if props is not None:
        req["props"] = {k: v for k, v in props.items() if v}
    if priority is not None:
        req["priority"] = priority
    return req


class MattermostNotifier:
    """Posts to an incoming webhook; 5xx is retried, other failures are final."""

    def __init__(self, conf: MattermostConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def _url(self) -> str:
        if self.conf.webhook_url is not None:
            url = self.conf.webhook_url.value
        else:
            try:
                url = Path(self.conf.webhook_url_file).read_text().strip()
            except OSError as e:
                raise NotifyError(f"open {self.conf.webhook_url_file}: {e.strerror or e}", retryable=False) from None
        if not url:
            raise NotifyError("webhook url missing", retryable=False)
        return url

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        url = self._url()
        req = build_request(self.conf, Renderer(self._tmpl, template_data(ctx, alerts, self._external_url)))
        resp = await post_json(self._client, url, go_json(req))
        try:
            check_response(resp)
        except NotifyError as e:
            channel = json.dumps(str(req.get("channel", "")), ensure_ascii=False)
            raise NotifyError(f"channel {channel}: {e}", retryable=e.retryable, reason=e.reason) from None

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = MattermostNotifier
"""The notifier class the app builds for each ``mattermost_configs`` entry."""
