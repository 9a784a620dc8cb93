"""The Slack receiver (``slack_configs``): config."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Self

import httpx

from alertmanager.config.httpconfig import Authorization, HTTPClientConfig
from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, GoDuration, Secret, SecretURL
from alertmanager.model.alert import Alert
from alertmanager.model.duration import format_go_duration
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client, post_json, redact_url
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._render import Renderer, read_file_secret, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "SlackAction", "SlackConfig", "SlackConfirmationField",
           "SlackField", "SlackNotifier", "build_request", "resolve_globals"]

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


# -- notifier (RECEIVERS-1) --------------------------------------------------------------------

_MAX_TITLE_RUNES = 1024
"""Slack's limit on an attachment title (upstream's ``maxTitleLenRunes``)."""
_DEFAULT_MRKDWN_IN = ("fallback", "pretext", "text")


def _go_quote(s: str) -> str:
    """Close to Go's ``%q`` for the channel name in errors."""
    return json.dumps(s, ensure_ascii=False)


def _field(f: SlackField, short_default: bool, render: Callable[[str], str]) -> dict[str, object]:
    out: dict[str, object] = {}
    title, value = render(f.title), render(f.value)
    if title:
        out["title"] = title
    if value:
        out["value"] = value
    out["short"] = f.short if f.short is not None else short_default
    return out


def _omit_empty(pairs: Sequence[tuple[str, str]]) -> dict[str, object]:
    return {k: v for k, v in pairs if v}


def _action(a: SlackAction, render: Callable[[str], str]) -> dict[str, object]:
    out = _omit_empty([("type", render(a.type)), ("text", render(a.text)), ("url", render(a.url)),
                       ("style", render(a.style)), ("name", render(a.name)), ("value", render(a.value))])
    if a.confirm is not None:
        c = a.confirm
        out["confirm"] = _omit_empty([("text", render(c.text)), ("title", render(c.title)),
                                      ("ok_text", render(c.ok_text)), ("dismiss_text", render(c.dismiss_text))])
    return out


def build_request(conf: SlackConfig, render: Callable[[str], str]) -> dict[str, object]:
    """Upstream's Slack ``request`` with one attachment, fields in upstream's order and omissions."""
    title, _ = truncate_in_runes(render(conf.title), _MAX_TITLE_RUNES)
    att: dict[str, object] = {"title": title, "title_link": render(conf.title_link),
                              "pretext": render(conf.pretext), "text": render(conf.text),
                              "fallback": render(conf.fallback), "callback_id": render(conf.callback_id)}
    image_url, thumb_url = render(conf.image_url), render(conf.thumb_url)
    footer, color = render(conf.footer), render(conf.color)
    for key in ("title", "title_link", "pretext"):
        if not att[key]:
            del att[key]
    if conf.fields:
        att["fields"] = [_field(f, conf.short_fields, render) for f in conf.fields]
    if conf.actions:
        att["actions"] = [_action(a, render) for a in conf.actions]
    att.update(_omit_empty([("image_url", image_url), ("thumb_url", thumb_url)]))
    att["footer"] = footer
    if color:
        att["color"] = color
    att["mrkdwn_in"] = list(conf.mrkdwn_in or _DEFAULT_MRKDWN_IN)
    req: dict[str, object] = _omit_empty([("channel", render(conf.channel)), ("username", render(conf.username)),
                                          ("icon_emoji", render(conf.icon_emoji)), ("icon_url", render(conf.icon_url))])
    if conf.link_names:
        req["link_names"] = True
    req.update(_omit_empty([("text", render(conf.message_text))]))
    req["attachments"] = [att]
    return req


def _check_slack_body(resp: httpx.Response) -> None:
    """Slack's own verdict: JSON ``ok:false`` (bot tokens) or a text body other than ``ok`` (webhooks)."""
    body = resp.text
    if not resp.headers.get("Content-Type", "").startswith("application/json"):
        if body != "ok":
            raise NotifyError(f"received an error response from Slack: {body}", retryable=False,
                              reason="clientError")
        return
    try:
        data = json.loads(body)
    except ValueError as e:
        raise NotifyError(f"could not unmarshal JSON response {_go_quote(body)}: {e}", retryable=True,
                          reason="clientError") from None
    if not isinstance(data, dict) or data.get("ok") is not True:
        err = data.get("error", "") if isinstance(data, dict) else ""
        raise NotifyError(f"error response from Slack: {err}", retryable=False, reason="clientError")


class SlackNotifier:
    """Posts one attachment per group to an incoming webhook or ``chat.postMessage`` (bot token).

    Retries 5xx only (upstream's plain ``Retrier``); ``ok:false`` and non-``ok`` texts are final.
    """

    def __init__(self, conf: SlackConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def _url(self) -> str:
        if self.conf.api_url is not None:
            return self.conf.api_url.value
        return read_file_secret(self.conf.api_url_file, "api_url")

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        req = build_request(self.conf, render)
        render.check("template slack message")
        url = self._url()
        channel = _go_quote(str(req.get("channel", "")))
        timeout = self.conf.timeout.total_seconds() or None
        try:
            async with asyncio.timeout(timeout):
                resp = await post_json(self._client, url, go_json(req))
        except TimeoutError:
            raise NotifyError(f'Post "<redacted>": context deadline exceeded: configured slack timeout reached '
                              f"({format_go_duration(self.conf.timeout)})", retryable=True,
                              reason="contextDeadlineExceeded") from None
        try:
            check_response(resp)
            _check_slack_body(resp)
        except NotifyError as e:
            raise NotifyError(redact_url(f"channel {channel}: {e}", url), retryable=e.retryable,
                              reason=e.reason) from None

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = SlackNotifier
"""The notifier class the app builds for each ``slack_configs`` entry."""
