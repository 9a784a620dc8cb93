"""The PagerDuty receiver (``pagerduty_configs``): config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, GoDuration, Secret

__all__ = ["CONFIG", "DEFAULT_DETAILS", "GLOBAL_FALLBACKS", "PagerdutyConfig", "PagerdutyImage", "PagerdutyLink"]

DEFAULT_DETAILS = {
    "firing": "{{ .Alerts.Firing | toJson }}",
    "resolved": "{{ .Alerts.Resolved | toJson }}",
    "num_firing": "{{ .Alerts.Firing | len }}",
    "num_resolved": "{{ .Alerts.Resolved | len }}",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PagerdutyImage:
    GO_TYPE: ClassVar[str] = "pagerduty.PagerdutyImage"

    src: str = ""
    alt: str = ""
    href: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PagerdutyLink:
    GO_TYPE: ClassVar[str] = "pagerduty.PagerdutyLink"

    href: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PagerdutyConfig(HTTPNotifierConfig):
    """One ``pagerduty_configs`` entry (Events API v2 with ``routing_key``, v1 with ``service_key``)."""

    GO_TYPE: ClassVar[str] = "pagerduty.plain"

    send_resolved: bool = True
    service_key: Secret | None = None
    service_key_file: str = ""
    routing_key: Secret | None = None
    routing_key_file: str = ""
    url: URL | None = None
    client: str = '{{ template "pagerduty.default.client" . }}'
    client_url: str = '{{ template "pagerduty.default.clientURL" . }}'
    description: str = '{{ template "pagerduty.default.description" .}}'
    details: dict[str, Any] = field(default_factory=dict)
    images: tuple[PagerdutyImage, ...] = ()
    links: tuple[PagerdutyLink, ...] = ()
    source: str = ""
    severity: str = ""
    class_: str = field(default="", metadata={"yaml": "class"})
    component: str = ""
    group: str = ""
    timeout: GoDuration = GoDuration(timedelta(0))

    def _validate(self) -> Self:
        if not (self.routing_key or self.service_key or self.routing_key_file or self.service_key_file):
            raise ValueError("missing service or routing key in PagerDuty config")
        if self.routing_key and self.routing_key_file:
            raise ValueError("at most one of routing_key & routing_key_file must be configured")
        if self.service_key and self.service_key_file:
            raise ValueError("at most one of service_key & service_key_file must be configured")
        details = dict(self.details)
        for k, v in DEFAULT_DETAILS.items():
            details.setdefault(k, v)
        return dataclasses.replace(self, details=details, source=self.source or self.client)


CONFIG = PagerdutyConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "url": "pagerduty_url"}


def resolve_globals(conf: PagerdutyConfig, glob: GlobalConfig) -> PagerdutyConfig:
    if conf.url is None:
        raise ValueError("no global PagerDuty URL set")
    return conf
