"""The WeChat receiver (``wechat_configs``): config and notifier (WeCom app messages)."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError, reason_from_status
from receivers._gohttp import append_path, read_trimmed, send, with_query
from receivers._render import Renderer, template_data, template_of

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "WechatConfig", "WechatNotifier", "resolve_globals"]

_VALID_TYPES = "^(text|markdown)$"


@dataclass(frozen=True, slots=True, kw_only=True)
class WechatConfig(HTTPNotifierConfig):
    """One ``wechat_configs`` entry."""

    send_resolved: bool = False
    api_secret: Secret | None = None
    api_secret_file: str = ""
    corp_id: str = ""
    message: str = '{{ template "wechat.default.message" . }}'
    api_url: URL | None = None
    to_user: str = '{{ template "wechat.default.to_user" . }}'
    to_party: str = '{{ template "wechat.default.to_party" . }}'
    to_tag: str = '{{ template "wechat.default.to_tag" . }}'
    agent_id: str = '{{ template "wechat.default.agent_id" . }}'
    message_type: str = ""

    def _validate(self) -> Self:
        c = self if self.message_type else dataclasses.replace(self, message_type="text")
        if re.match(_VALID_TYPES, c.message_type) is None:
            raise ValueError(f'weChat message type "{c.message_type}" does not match valid options {_VALID_TYPES}')
        if c.api_secret and c.api_secret_file:
            raise ValueError("at most one of api_secret & api_secret_file must be configured")
        return c


CONFIG = WechatConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "wechat_api_url", "corp_id": "wechat_api_corp_id"}


def resolve_globals(conf: WechatConfig, glob: GlobalConfig) -> WechatConfig:
    c = conf
    api_url = c.api_url
    if api_url is None:
        raise ValueError("no global Wechat URL set")
    if not c.api_secret and not c.api_secret_file:
        if not glob.get("wechat_api_secret") and not glob.get("wechat_api_secret_file"):
            raise ValueError("no global Wechat Api Secret set either inline or in a file")
        c = dataclasses.replace(c, api_secret=glob.get("wechat_api_secret"),
                                api_secret_file=glob.get("wechat_api_secret_file") or "")
    if not c.corp_id:
        raise ValueError("no global Wechat CorpID set")
    return dataclasses.replace(c, api_url=api_url.with_trailing_slash())


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_TOKEN_LIFETIME = timedelta(hours=2)
_EXPIRED_TOKEN = 42001


def _json_object(text: str) -> dict[str, object]:
    data = json.loads(text)
    return data if isinstance(data, dict) else {}


class WechatNotifier:
    """Fetches an access token (kept two hours), then posts the message; error code 42001 refetches."""

    def __init__(self, conf: WechatConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)
        self._token = ""
        self._token_at: datetime | None = None

    def _secret(self) -> str:
        if self.conf.api_secret_file:
            return read_trimmed(self.conf.api_secret_file, "read api_secret_file")
        return self.conf.api_secret.value if self.conf.api_secret else ""

    async def _access_token(self, render: Renderer, now: datetime) -> str:
        if self._token and self._token_at is not None and now - self._token_at <= _TOKEN_LIFETIME:
            return self._token
        params = {"corpsecret": render(self._secret()), "corpid": render(self.conf.corp_id)}
        render.check("templating error")
        url = with_query(append_path(str(self.conf.api_url), "gettoken"), **params)
        resp = await send(self._client, "GET", url)
        try:
            token = _json_object(resp.text).get("access_token")
        except ValueError as e:
            raise NotifyError(f"decoding access token response: {e}", retryable=False) from None
        if not isinstance(token, str) or not token:
            raise NotifyError(f"invalid APISecret for CorpID: {self.conf.corp_id}", retryable=False)
        self._token, self._token_at = token, now
        return token

    def payload(self, render: Renderer) -> dict[str, object]:
        """The message upstream sends (``text`` and ``markdown`` both appear, one of them empty)."""
        c = self.conf
        msg: dict[str, object] = {"text": {"content": ""}}
        for key, value in (("touser", render(c.to_user)), ("toparty", render(c.to_party)),
                           ("totag", render(c.to_tag)), ("agentid", render(c.agent_id)), ("safe", "0"),
                           ("msgtype", c.message_type)):
            if value:
                msg[key] = value
        msg["markdown"] = {"content": ""}
        msg["markdown" if c.message_type == "markdown" else "text"] = {"content": render(c.message)}
        render.check("templating error")
        return msg

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        token = await self._access_token(render, ctx.now)
        body = go_json(self.payload(render))
        url = with_query(append_path(str(self.conf.api_url), "message/send"), access_token=token)
        resp = await post_json(self._client, url, body)
        if resp.status_code != 200:
            raise NotifyError(f"unexpected status code {resp.status_code}", retryable=True,
                              reason=reason_from_status(resp.status_code))
        try:
            data = _json_object(resp.text)
        except ValueError as e:
            raise NotifyError(f"decoding response: {e}", retryable=True) from None
        code, message = data.get("errcode", 0), str(data.get("errmsg", ""))
        if code == 0:
            return
        if code == _EXPIRED_TOKEN:
            self._token = ""
            raise NotifyError(message, retryable=True)
        raise NotifyError(message, retryable=False)

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = WechatNotifier
"""The notifier class the app builds for each ``wechat_configs`` entry."""
