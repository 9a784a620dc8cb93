"""The Slack receiver (``slack_configs``): config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Self

from alertmanager.config.httpconfig import Authorization, HTTPClientConfig
from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, GoDuration, Secret, SecretURL

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "SlackAction", "SlackConfig", "SlackConfirmationField", "SlackField",
           "resolve_globals"]

_POST_MESSAGE = "https://slack.com/api/chat.postMessage"


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackConfirmationField:
    text: str = ""
    title: str = ""
    ok_text: str = ""
    dismiss_text: str = ""

    def _validate(self) -> Self:
        if not self.text:
            raise ValueError("missing text in Slack confirmation configuration")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackAction:
    type: str = ""
    text: str = ""
    url: str = ""
    style: str = ""
    name: str = ""
    value: str = ""
    confirm: SlackConfirmationField | None = None

    def _validate(self) -> Self:
        if not self.type:
            raise ValueError("missing type in Slack action configuration")
        if not self.text:
            raise ValueError("missing text in Slack action configuration")
        if self.url:
            return dataclasses.replace(self, name="", value="", confirm=None)
        if not self.name:
            raise ValueError("missing name or url in Slack action configuration")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackField:
    title: str = ""
    value: str = ""
    short: bool | None = None

    def _validate(self) -> Self:
        if not self.title:
            raise ValueError("missing title in Slack field configuration")
        if not self.value:
            raise ValueError("missing value in Slack field configuration")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackConfig(HTTPNotifierConfig):
    """One ``slack_configs`` entry: an incoming webhook (``api_url``) or a bot token (``app_token``)."""

    GO_TYPE: ClassVar[str] = "config.plain"

    send_resolved: bool = False
    api_url: SecretURL | None = None
    api_url_file: str = ""
    app_token: Secret | None = None
    app_token_file: str = ""
    app_url: URL | None = None
    channel: str = ""
    username: str = '{{ template "slack.default.username" . }}'
    color: str = '{{ template "slack.default.color" . }}'
    title: str = '{{ template "slack.default.title" . }}'
    title_link: str = '{{ template "slack.default.titlelink" . }}'
    pretext: str = '{{ template "slack.default.pretext" . }}'
    text: str = '{{ template "slack.default.text" . }}'
    message_text: str = ""
    fields: tuple[SlackField, ...] = ()
    short_fields: bool = False
    footer: str = '{{ template "slack.default.footer" . }}'
    fallback: str = '{{ template "slack.default.fallback" . }}'
    callback_id: str = '{{ template "slack.default.callbackid" . }}'
    icon_emoji: str = '{{ template "slack.default.iconemoji" . }}'
    icon_url: str = '{{ template "slack.default.iconurl" . }}'
    image_url: str = ""
    thumb_url: str = ""
    link_names: bool = False
    mrkdwn_in: tuple[str, ...] = ()
    actions: tuple[SlackAction, ...] = ()
    update_message: bool = False
    timeout: GoDuration = GoDuration(timedelta(0))

    def _validate(self) -> Self:
        if self.api_url is not None and self.api_url_file:
            raise ValueError("at most one of api_url & api_url_file must be configured")
        if self.app_token and self.app_token_file:
            raise ValueError("at most one of app_token & app_token_file must be configured")
        if (self.api_url is not None or self.api_url_file) and (self.app_token or self.app_token_file):
            raise ValueError("at most one of api_url/api_url_file & app_token/app_token_file must be configured")
        if self.update_message and (self.api_url is None or self.api_url.value != _POST_MESSAGE):
            raise ValueError("update_message can only be used with bot tokens. api_url must be set to " + _POST_MESSAGE)
        return self


CONFIG = SlackConfig
GLOBAL_FALLBACKS = {"app_url": "slack_app_url"}


def resolve_globals(conf: SlackConfig, glob: GlobalConfig) -> SlackConfig:
    """Upstream's Slack rules: app token or webhook URL, the token becoming a Bearer header."""
    c = conf
    app_url = c.app_url
    if app_url is None:
        raise ValueError("no global Slack App URL set")
    has_local_auth = c.http_config is not None and c.http_config.authorization is not None
    if not c.app_token and not c.app_token_file and not has_local_auth and c.api_url is None:
        c = dataclasses.replace(c, app_token=glob.get("slack_app_token"),
                                app_token_file=glob.get("slack_app_token_file") or "")
    if c.api_url is None and not c.api_url_file:
        c = dataclasses.replace(c, api_url=glob.get("slack_api_url"), api_url_file=glob.get("slack_api_url_file") or "")
    if c.api_url is None and not c.api_url_file and not c.app_token and not c.app_token_file:
        raise ValueError("no Slack API URL nor App token set either inline or in a file")
    http = c.http_config if c.http_config is not None else glob.http_config
    if c.app_token or c.app_token_file:
        if http.authorization is not None:
            raise ValueError("http authorization can't be set when using Slack App tokens")
        http = dataclasses.replace(http, authorization=Authorization(
            type="Bearer", credentials=c.app_token, credentials_file=c.app_token_file))
        c = dataclasses.replace(c, api_url=SecretURL(app_url.value))
    return dataclasses.replace(c, http_config=http if isinstance(http, HTTPClientConfig) else None)
