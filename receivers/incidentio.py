"""The incident.io receiver (``incidentio_configs``, upstream 0.29+): config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import URL, GoDuration, Secret, UInt64

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "IncidentioConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentioConfig(HTTPNotifierConfig):
    """One ``incidentio_configs`` entry."""

    GO_TYPE: ClassVar[str] = "incidentio.plain"

    send_resolved: bool = True
    url: URL | None = None
    url_file: str = ""
    alert_source_token: Secret | None = None
    alert_source_token_file: str = ""
    max_alerts: UInt64 = UInt64(0)
    timeout: GoDuration = GoDuration(timedelta(0))

    def _validate(self) -> Self:
        token = bool(self.alert_source_token or self.alert_source_token_file)
        if self.url is None and not self.url_file:
            raise ValueError("one of url or url_file must be configured")
        if self.url is not None and self.url_file:
            raise ValueError("at most one of url & url_file must be configured")
        if self.alert_source_token and self.alert_source_token_file:
            raise ValueError("at most one of alert_source_token & alert_source_token_file must be configured")
        authz = self.http_config is not None and self.http_config.authorization is not None
        if authz and token:
            raise ValueError("cannot specify alert_source_token or alert_source_token_file when using "
                             "http_config.authorization")
        if self.http_config is not None and not authz and not token:
            raise ValueError("at least one of alert_source_token, alert_source_token_file or "
                             "http_config.authorization must be configured")
        return self


CONFIG = IncidentioConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}
