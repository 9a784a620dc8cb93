"""The Rocket.Chat receiver (``rocketchat_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "RocketchatAttachmentAction", "RocketchatAttachmentField",
           "RocketchatConfig", "resolve_globals"]


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
