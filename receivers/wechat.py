"""The WeChat receiver (``wechat_configs``): config."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "WechatConfig", "resolve_globals"]

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
