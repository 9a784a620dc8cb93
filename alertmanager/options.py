"""Server options: what the command-line flags say, as one frozen value the app is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

__all__ = ["ClusterOptions", "Options"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterOptions:
    """The ``--cluster.*`` flags, with upstream's defaults. An empty listen address disables HA."""

    listen_address: str = "0.0.0.0:9094"
    advertise_address: str = ""
    peers: tuple[str, ...] = ()
    peer_timeout: timedelta = timedelta(seconds=15)
    gossip_interval: timedelta = timedelta(milliseconds=200)
    pushpull_interval: timedelta = timedelta(minutes=1)
    tcp_timeout: timedelta = timedelta(seconds=10)
    probe_timeout: timedelta = timedelta(milliseconds=500)
    probe_interval: timedelta = timedelta(seconds=1)
    settle_timeout: timedelta = timedelta(minutes=1)
    reconnect_interval: timedelta = timedelta(seconds=10)
    reconnect_timeout: timedelta = timedelta(hours=6)
    tls_config: str = ""
    allow_insecure_public_advertise: bool = False
    label: str = ""

    @property
    def enabled(self) -> bool:
        return self.listen_address != ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Everything the server needs besides the config file's contents."""

    config_file: Path = Path("alertmanager.yml")
    storage_path: Path = Path("data/")
    data_retention: timedelta = timedelta(hours=120)
    maintenance_interval: timedelta = timedelta(minutes=15)
    alerts_gc_interval: timedelta = timedelta(minutes=30)
    listen_addresses: tuple[str, ...] = (":9093",)
    web_config_file: str = ""
    external_url: str = ""
    route_prefix: str = ""
    web_timeout: timedelta = timedelta(0)
    max_request_bytes: int = 8 << 20
    log_level: str = "info"
    log_format: str = "logfmt"
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    sns_topic_arns: tuple[str, ...] = ()
    """Our extension: accept Amazon SNS notifications (AMP alerts) from these topics."""
    sns_endpoint: bool = False
