"""The Microsoft Teams (Power Automate workflow) receiver (``msteamsv2_configs``): config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import SecretURL

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "MSTeamsV2Config", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MSTeamsV2Config(HTTPNotifierConfig):
    """One ``msteamsv2_configs`` entry."""

    GO_TYPE: ClassVar[str] = "msteamsv2.plain"

    send_resolved: bool = True
    webhook_url: SecretURL | None = None
    webhook_url_file: str = ""
    title: str = '{{ template "msteamsv2.default.title" . }}'
    text: str = '{{ template "msteamsv2.default.text" . }}'

    def _validate(self) -> Self:
        if self.webhook_url is None and not self.webhook_url_file:
            raise ValueError("one of webhook_url or webhook_url_file must be configured")
        if self.webhook_url is not None and self.webhook_url_file:
            raise ValueError("at most one of webhook_url & webhook_url_file must be configured")
        return self


CONFIG = MSTeamsV2Config
GLOBAL_FALLBACKS: dict[str, str] = {}


def resolve_globals(conf: MSTeamsV2Config, glob: GlobalConfig) -> MSTeamsV2Config:
    """The global http_config, or only its proxy_url when the receiver has a partial one (0.34)."""
    if conf.http_config is None:
        return dataclasses.replace(conf, http_config=glob.http_config)
    if not conf.http_config.proxy_url:
        return dataclasses.replace(conf, http_config=dataclasses.replace(
            conf.http_config, proxy_url=glob.http_config.proxy_url))
    return conf
