"""The VictorOps (Splunk On-Call) receiver (``victorops_configs``): config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "VictorOpsConfig", "resolve_globals"]

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
