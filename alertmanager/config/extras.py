"""Top-level blocks newer upstreams added besides routing: ``tracing`` (0.30) and ``event_recorder``.

We validate them as upstream does so configs written for 0.34 load; nothing here exports
traces or events yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, Self

from alertmanager.config.httpconfig import HTTPClientConfig, HTTPHeader, TLSConfig
from alertmanager.config.values import PromDuration, SecretURL

__all__ = ["EventRecorderConfig", "FileOutput", "KafkaOutput", "StdoutOutput", "TracingConfig", "WebhookOutput"]

_ZERO = PromDuration(timedelta(0))


@dataclass(frozen=True, slots=True, kw_only=True)
class TracingConfig:
    GO_TYPE: ClassVar[str] = "tracing.plain"

    client_type: str = "grpc"
    endpoint: str = ""
    sampling_fraction: float = 0.0
    insecure: bool = False
    tls_config: TLSConfig | None = None
    headers: dict[str, HTTPHeader] | None = None
    compression: str = ""
    timeout: PromDuration = _ZERO

    def _validate(self) -> Self:
        if self.client_type not in ("http", "grpc"):
            raise ValueError(f"expected tracing client type to be to be http or grpc, but got {self.client_type}")
        if not self.endpoint:
            raise ValueError("tracing endpoint must be set")
        if self.compression and self.compression != "gzip":
            raise ValueError(f"invalid compression type {self.compression} provided, valid options: gzip")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class FileOutput:
    GO_TYPE: ClassVar[str] = "eventrecorder.plain"

    path: str = ""

    def _validate(self) -> Self:
        if not self.path:
            raise ValueError("event_recorder file output requires a path")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookOutput:
    GO_TYPE: ClassVar[str] = "eventrecorder.plain"

    url: SecretURL | None = None
    http_config: HTTPClientConfig | None = None
    timeout: PromDuration = _ZERO
    workers: int = 0
    max_retries: int = 0
    retry_backoff: PromDuration = _ZERO
    batch: bool = False
    batch_max_events: int = 0
    batch_max_bytes: int = 0
    batch_flush_interval: PromDuration = _ZERO

    def _validate(self) -> Self:
        if self.url is None:
            raise ValueError("event_recorder webhook output requires a url")
        if not self.url.value:
            raise ValueError("event_recorder webhook output requires an absolute http(s) url")
        if self.batch_max_events < 0 or self.batch_max_bytes < 0:
            raise ValueError("event_recorder webhook batch settings cannot be negative")
        if not self.batch and (self.batch_max_events or self.batch_max_bytes or self.batch_flush_interval):
            raise ValueError("event_recorder webhook batch settings require batch: true")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class KafkaOutput:
    GO_TYPE: ClassVar[str] = "eventrecorder.plain"

    brokers: tuple[str, ...] = ()
    topic: str = ""
    client_id: str = ""
    format: str = ""
    acks: str = ""
    compression: str = ""
    buffer_size: int = 0
    tls_config: TLSConfig | None = None

    def _validate(self) -> Self:
        if not self.brokers:
            raise ValueError("event_recorder kafka: at least one broker is required")
        if not self.topic:
            raise ValueError("event_recorder kafka output requires a topic")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class StdoutOutput:
    GO_TYPE: ClassVar[str] = "eventrecorder.StdoutOutputConfig"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecorderConfig:
    GO_TYPE: ClassVar[str] = "eventrecorder.Config"

    file_outputs: tuple[FileOutput, ...] = field(default=())
    webhook_outputs: tuple[WebhookOutput, ...] = ()
    kafka_outputs: tuple[KafkaOutput, ...] = ()
    stdout_outputs: tuple[StdoutOutput, ...] = ()
