"""Process-wide metrics with upstream's names: build info, config reloads, cluster enabled.

Every other component registers its own metrics on the registry it is given; nothing here is a
global (two Alertmanagers can run in one test process).
"""

from __future__ import annotations

import hashlib
import platform

from prometheus_client import CollectorRegistry, Gauge

from alertmanager import __version__

__all__ = ["CoreMetrics", "config_hash_value"]


def config_hash_value(text: str) -> float:
    """Upstream's ``alertmanager_config_hash`` value: the first 6 bytes of the MD5, little-endian."""
    digest = hashlib.md5(text.encode()).digest()
    return float(int.from_bytes(digest[:6], "little"))


class CoreMetrics:
    """The metrics the composition root itself owns."""

    def __init__(self, registry: CollectorRegistry, *, cluster_enabled: bool) -> None:
        self.config_hash = Gauge("alertmanager_config_hash", "Hash of the currently loaded alertmanager configuration.",
                                 registry=registry)
        self.reload_successful = Gauge("alertmanager_config_last_reload_successful",
                                       "Whether the last configuration reload attempt was successful.",
                                       registry=registry)
        self.reload_success_time = Gauge("alertmanager_config_last_reload_success_timestamp_seconds",
                                         "Timestamp of the last successful configuration reload.",
                                         registry=registry)
        build = Gauge("alertmanager_build_info",
                      "A metric with a constant '1' value labeled by version, revision, branch, and goversion "
                      "from which alertmanager was built.",
                      ["version", "revision", "branch", "goversion", "tags"], registry=registry)
        build.labels(__version__, "", "", f"python{platform.python_version()}", "").set(1)
        enabled = Gauge("alertmanager_cluster_enabled", "Indicates whether the clustering is enabled or not.",
                        registry=registry)
        enabled.set(1 if cluster_enabled else 0)

    def config_loaded(self, text: str, at: float) -> None:
        self.config_hash.set(config_hash_value(text))
        self.reload_successful.set(1)
        self.reload_success_time.set(at)

    def config_failed(self) -> None:
        self.reload_successful.set(0)
