"""The ``alertmanager`` command: upstream's flags, then serve until SIGTERM.

Flags follow kingpin's conventions as upstream uses them: ``--flag=value`` and ``--flag value``,
repeatable list flags, ``--no-<flag>`` for booleans, Go durations (``1m0s``), and errors on
stderr with exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

from alertmanager import __version__
from alertmanager.model.duration import DurationError, parse_go_duration
from alertmanager.options import ClusterOptions, Options

__all__ = ["main", "parse_args"]

PROG = "alertmanager"


class _KingpinParser(argparse.ArgumentParser):
    """argparse that reports errors the way kingpin does (one line, exit 1)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{PROG}: error: {message}, try --help\n")
        raise SystemExit(1)


def _duration(text: str) -> timedelta:
    try:
        return parse_go_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _build_parser() -> argparse.ArgumentParser:
    p = _KingpinParser(prog=PROG, description="Prometheus Alertmanager (Python)", allow_abbrev=False)
    add: Callable[..., argparse.Action] = p.add_argument
    add("--config.file", dest="config_file", default="alertmanager.yml", help="Alertmanager configuration file name.")
    add("--storage.path", dest="storage_path", default="data/", help="Base path for data storage.")
    add("--data.retention", dest="data_retention", type=_duration, default="120h", help="How long to keep data for.")
    add("--data.maintenance-interval", dest="maintenance_interval", type=_duration, default="15m",
        help="Interval between garbage collection and snapshotting of silences and the notification log.")
    add("--alerts.gc-interval", dest="alerts_gc_interval", type=_duration, default="30m",
        help="Interval between alert GC.")
    add("--web.systemd-socket", dest="systemd_socket", action=argparse.BooleanOptionalAction, default=False,
        help="Accepted for compatibility; socket activation is not supported.")
    add("--web.listen-address", dest="listen_addresses", action="append", default=None,
        help="Address on which to expose metrics and web interface. Repeatable.")
    add("--web.config.file", dest="web_config_file", default="", help="Path to a TLS / basic auth config file.")
    add("--web.external-url", dest="external_url", default="",
        help="The URL under which Alertmanager is externally reachable.")
    add("--web.route-prefix", dest="route_prefix", default=None,
        help="Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.")
    add("--web.get-concurrency", dest="get_concurrency", type=int, default=0, help="Accepted for compatibility.")
    add("--web.timeout", dest="web_timeout", type=_duration, default="0s", help="Timeout for HTTP requests.")
    add("--web.ui-path", dest="ui_path", default="", help="Accepted for compatibility.")
    add("--web.max-request-bytes", dest="max_request_bytes", type=int, default=8 << 20,
        help="Largest request body accepted (our extension).")
    add("--cluster.listen-address", dest="cluster_listen", default="0.0.0.0:9094",
        help="Listen address for cluster. Set to empty string to disable HA mode.")
    add("--cluster.advertise-address", dest="cluster_advertise", default="",
        help="Explicit address (or hostname) to advertise in cluster. Unset on ECS: the task's own IP.")
    add("--cluster.peer", dest="cluster_peers", action="append", default=[],
        help="Initial peers: host:port, a DNS name resolved to all its records, or dnssrv+_name._tcp.domain.")
    for flag, default, text in (
        ("peer-timeout", "15s", "Time to wait between peers to send notifications."),
        ("gossip-interval", "200ms", "Interval between sending gossip messages."),
        ("pushpull-interval", "1m0s", "Interval for gossip state syncs."),
        ("tcp-timeout", "10s", "Timeout for stream connections and their reads and writes."),
        ("probe-timeout", "500ms", "Timeout to wait for an ack from a probed node."),
        ("probe-interval", "1s", "Interval between random node probes."),
        ("settle-timeout", "1m0s", "Maximum time to wait for cluster connections to settle."),
        ("reconnect-interval", "10s", "Interval between attempting to reconnect to lost peers."),
        ("reconnect-timeout", "6h0m0s", "Length of time to attempt to reconnect to a lost peer."),
    ):
        add(f"--cluster.{flag}", dest="cluster_" + flag.replace("-", "_"), type=_duration, default=default, help=text)
    add("--cluster.tls-config", dest="cluster_tls_config", default="",
        help="Path to a YAML file (tls_server_config / tls_client_config) making gossip mutual TLS.")
    add("--cluster.allow-insecure-public-advertise-address-discovery", dest="cluster_allow_insecure",
        action=argparse.BooleanOptionalAction, default=False,
        help="Allow alertmanager to discover and listen on a public IP address.")
    add("--cluster.label", dest="cluster_label", default="", help="The cluster label (memberlist >= 0.3).")
    add("--sns.topic-arn", dest="sns_topic_arns", action="append", default=[],
        help="Accept Amazon SNS notifications (e.g. from the AMP ruler) from this topic at POST /api/v1/sns. "
        "Repeatable.")
    add("--sns.allow-any-topic", dest="sns_any_topic", action=argparse.BooleanOptionalAction, default=False,
        help="Serve POST /api/v1/sns for any topic (closed networks only).")
    add("--log.level", dest="log_level", default="info", choices=["debug", "info", "warn", "error"],
        help="Only log messages with the given severity or above.")
    add("--log.format", dest="log_format", default="logfmt", choices=["logfmt", "json"],
        help="Output format of log messages.")
    add("--version", action="version", version=f"alertmanager, version {__version__} (python)")
    return p


def _duration_default(ns: argparse.Namespace, name: str) -> timedelta:
    value = getattr(ns, name)
    return value if isinstance(value, timedelta) else parse_go_duration(value)


def parse_args(argv: Sequence[str]) -> Options:
    """Turn command-line arguments into ``Options`` (exits with kingpin's message on error)."""
    ns = _build_parser().parse_args(list(argv))
    def d(name: str) -> timedelta:
        return _duration_default(ns, name)

    cluster = ClusterOptions(
        listen_address=ns.cluster_listen,
        advertise_address=ns.cluster_advertise,
        peers=tuple(p for p in ns.cluster_peers if p),
        peer_timeout=d("cluster_peer_timeout"),
        gossip_interval=d("cluster_gossip_interval"),
        pushpull_interval=d("cluster_pushpull_interval"),
        tcp_timeout=d("cluster_tcp_timeout"),
        probe_timeout=d("cluster_probe_timeout"),
        probe_interval=d("cluster_probe_interval"),
        settle_timeout=d("cluster_settle_timeout"),
        reconnect_interval=d("cluster_reconnect_interval"),
        reconnect_timeout=d("cluster_reconnect_timeout"),
        tls_config=ns.cluster_tls_config,
        allow_insecure_public_advertise=ns.cluster_allow_insecure,
        label=ns.cluster_label,
    )
    listen = tuple(ns.listen_addresses or [":9093"])
    return Options(
        config_file=Path(ns.config_file),
        storage_path=Path(ns.storage_path),
        data_retention=d("data_retention"),
        maintenance_interval=d("maintenance_interval"),
        alerts_gc_interval=d("alerts_gc_interval"),
        listen_addresses=listen,
        web_config_file=ns.web_config_file,
        external_url=ns.external_url,
        route_prefix=ns.route_prefix if ns.route_prefix is not None else "",
        web_timeout=d("web_timeout"),
        max_request_bytes=ns.max_request_bytes,
        log_level=ns.log_level,
        log_format=ns.log_format,
        cluster=cluster,
        sns_topic_arns=tuple(ns.sns_topic_arns),
        sns_endpoint=bool(ns.sns_topic_arns) or ns.sns_any_topic,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; returns the process exit code."""
    options = parse_args(sys.argv[1:] if argv is None else argv)
    from alertmanager.cli._serve import serve

    return serve(options)
