"""The Mattermost receiver (``mattermost_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import SecretURL

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "MattermostAttachment", "MattermostConfig", "MattermostField",
           "MattermostPriority", "MattermostProps", "resolve_globals"]


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
