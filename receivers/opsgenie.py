"""The Opsgenie receiver (``opsgenie_configs``): config."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "OpsGenieConfig", "OpsGenieConfigResponder", "resolve_globals"]

_VALID_TYPES = "^(team|teams|user|escalation|schedule)$"


@dataclass(frozen=True, slots=True, kw_only=True)
class OpsGenieConfigResponder:
    GO_TYPE: ClassVar[str] = "opsgenie.OpsGenieConfigResponder"

    id: str = ""
    name: str = ""
    username: str = ""
    type: str = ""

    def go_string(self) -> str:
        """Go's ``%v`` of the struct, as upstream's error messages print it."""
        return "{" + " ".join((self.id, self.name, self.username, self.type)) + "}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OpsGenieConfig(HTTPNotifierConfig):
    """One ``opsgenie_configs`` entry."""

    GO_TYPE: ClassVar[str] = "opsgenie.plain"

    send_resolved: bool = True
    api_key: Secret | None = None
    api_key_file: str = ""
    api_url: URL | None = None
    message: str = '{{ template "opsgenie.default.message" . }}'
    description: str = '{{ template "opsgenie.default.description" . }}'
    source: str = '{{ template "opsgenie.default.source" . }}'
    details: dict[str, str] = field(default_factory=dict)
    entity: str = ""
    responders: tuple[OpsGenieConfigResponder, ...] = ()
    actions: str = ""
    tags: str = ""
    note: str = ""
    priority: str = ""
    update_alerts: bool = False

    def _validate(self) -> Self:
        if self.api_key and self.api_key_file:
            raise ValueError("at most one of api_key & api_key_file must be configured")
        responders = []
        for r in self.responders:
            if not r.id and not r.username and not r.name:
                raise ValueError(f"opsGenieConfig responder {r.go_string()} has to have at least one of id, "
                                 "username or name specified")
            if "{{" not in r.type:
                r = dataclasses.replace(r, type=r.type.lower())
                if re.match(_VALID_TYPES, r.type) is None:
                    raise ValueError(f"opsGenieConfig responder {r.go_string()} type does not match valid options "
                                     f"{_VALID_TYPES}")
            responders.append(r)
        return dataclasses.replace(self, responders=tuple(responders))


CONFIG = OpsGenieConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "opsgenie_api_url", "api_key": "opsgenie_api_key",
                    "api_key_file": "opsgenie_api_key_file"}


def resolve_globals(conf: OpsGenieConfig, glob: GlobalConfig) -> OpsGenieConfig:
    if conf.api_url is None:
        raise ValueError("no global OpsGenie URL set")
    if not conf.api_key and not conf.api_key_file:
        raise ValueError("no global OpsGenie API Key set either inline or in a file")
    return dataclasses.replace(conf, api_url=conf.api_url.with_trailing_slash())

