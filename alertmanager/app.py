"""The composition root: options and config in, a running Alertmanager out.

This is the only core module that imports ``cluster`` and ``receivers``. A reload rebuilds the
config-dependent part of the graph (templates, route tree, inhibitor, integrations, pipeline,
dispatcher) and swaps it in; stores (alerts, silences, notification log) and the cluster peer
live for the whole process.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.types import ASGIApp

from alertmanager.api import ApiDeps, SnsOptions, create_api, default_version_info
from alertmanager.config import ConfigError, dump, is_wrapped, load, load_file, load_wrapped
from alertmanager.config.schema import Config
from alertmanager.dispatch import AsyncioScheduler, Dispatcher, DispatcherMetrics, Route
from alertmanager.inhibit import Inhibitor
from alertmanager.metrics import CoreMetrics
from alertmanager.nflog import NotificationLog
from alertmanager.notify import Integration, NotifierDeps, NotifyMetrics, build_pipeline
from alertmanager.notify.http import warm_up as warm_up_http
from alertmanager.options import Options
from alertmanager.silences import Silencer, Silences
from alertmanager.store.alerts import Alerts
from alertmanager.store.marker import MemMarker
from alertmanager.template import Template, TemplateError
from alertmanager.types import Clock, utcnow
from alertmanager.ui import UiDeps, ui_routes
from alertmanager.webconfig import BasicAuthMiddleware, WebConfig

__all__ = ["Alertmanager", "StartupError", "external_url_and_prefix"]

log = logging.getLogger("alertmanager")

# Upstream's notify.MinTimeout: a flush may always take at least this long.
_MIN_NOTIFY_TIMEOUT = timedelta(seconds=10)


class StartupError(Exception):
    """The server cannot start with these options or this config; the message says why."""


def external_url_and_prefix(options: Options) -> tuple[str, str]:
    """Upstream's rules: the external URL defaults to ``http://<host>:<port>/``; the route
    prefix defaults to its path, always with a leading and no trailing slash (``""`` for /)."""
    url = options.external_url
    if not url:
        host, _, port = options.listen_addresses[0].rpartition(":")
        host = host.strip("[]")
        if host in ("", "0.0.0.0", "::"):
            host = socket.gethostname()
        url = f"http://{host}:{port}/"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StartupError(f'failed to build Alertmanager\'s external URL: "{url}" is not an absolute http(s) URL')
    prefix = options.route_prefix if options.route_prefix else parts.path
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    return url.rstrip("/"), prefix


def _notifier_class(yaml_key: str, registry: Mapping[str, str]) -> Any:
    """The ``NOTIFIER`` class of the receiver module registered for ``yaml_key``."""
    return importlib.import_module(registry[yaml_key]).NOTIFIER


@dataclass
class _Graph:
    """What a config builds; replaced whole on reload."""

    config: Config
    template: Template
    route: Route
    inhibitor: Inhibitor
    integrations: dict[str, list[Integration]]
    dispatcher: Dispatcher
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    unfollow: Callable[[], None] | None = None
    """Stops the alert store feeding ``dispatcher``."""


class Alertmanager:
    """One server instance. Two can run in one process (tests): nothing here is global."""

    def __init__(self, options: Options, *, clock: Clock = utcnow, registry: CollectorRegistry | None = None) -> None:
        self.options = options
        self.clock = clock
        self.registry = registry if registry is not None else CollectorRegistry()
        self.external_url, self.route_prefix = external_url_and_prefix(options)
        try:
            options.storage_path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StartupError(f"cannot create --storage.path {options.storage_path}: {exc}") from exc
        self.metrics = CoreMetrics(self.registry, cluster_enabled=options.cluster.enabled)
        self.start_time = clock()
        config, template = self._load_config()
        self.marker = MemMarker()
        self.alerts = Alerts(clock=clock, gc_interval=options.alerts_gc_interval, marker=self.marker,
                             registry=self.registry)
        try:
            self.silences = Silences(clock=clock, retention=options.data_retention,
                                     storage_dir=options.storage_path, registry=self.registry)
            self.nflog = NotificationLog(clock=clock, retention=options.data_retention,
                                         storage_dir=options.storage_path, registry=self.registry)
        except (OSError, ValueError) as exc:
            raise StartupError(f"loading state from {options.storage_path}: {exc}") from exc
        self.silencer = Silencer(self.silences, self.marker)
        self.notify_metrics = NotifyMetrics(self.registry)
        self.dispatcher_metrics = DispatcherMetrics(self.registry)
        self.peer = self._make_peer()
        self._graph = self._build(config, template)
        self.metrics.config_loaded(config.original, clock().timestamp())
        self._stop = asyncio.Event()
        self._background: list[asyncio.Task[None]] = []
        self._reload_lock = asyncio.Lock()

    # --- building ---------------------------------------------------------------------------

    def _read_config(self) -> Config:
        """The config file, plain or an AMP / Mimir definition (``alertmanager_config: |`` with
        ``template_files:``, whose templates are written under the storage path)."""
        path = self.options.config_file
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return load_file(path)  # raises upstream's message for a missing or unreadable file
        if is_wrapped(text):
            return load_wrapped(text, template_dir=self.options.storage_path / "definition-templates")
        return load(text, base_dir=str(path.parent))

    def _load_config(self) -> tuple[Config, Template]:
        """The config and its templates, parsed once; ``StartupError`` names what is wrong."""
        try:
            config = self._read_config()
            template = Template.from_files(config.templates, external_url=self.external_url, clock=self.clock)
        except ConfigError as exc:
            # describe() puts the field path before upstream's reason, e.g. "route.receiver: undefined ...".
            raise StartupError(
                f"Loading configuration file failed: file={self.options.config_file} err={exc.describe()}"
            ) from exc
        except TemplateError as exc:
            raise StartupError(f"Loading templates failed: {exc}") from exc
        except OSError as exc:
            raise StartupError(f"Loading configuration file failed: {exc}") from exc
        return config, template

    def _make_peer(self) -> Any:
        opts = self.options.cluster
        if not opts.enabled:
            return None
        from cluster import DNSResolver, Peer, PeerConfig

        cfg = PeerConfig(
            listen_address=opts.listen_address, advertise_address=opts.advertise_address, peers=opts.peers,
            peer_timeout=opts.peer_timeout, gossip_interval=opts.gossip_interval,
            pushpull_interval=opts.pushpull_interval, tcp_timeout=opts.tcp_timeout,
            probe_timeout=opts.probe_timeout, probe_interval=opts.probe_interval,
            settle_timeout=opts.settle_timeout, reconnect_interval=opts.reconnect_interval,
            reconnect_timeout=opts.reconnect_timeout, label=opts.label,
            tls_config=opts.tls_config, ecs_metadata_uri=os.environ.get("ECS_CONTAINER_METADATA_URI_V4", ""),
        )
        peer = Peer(cfg, registry=self.registry, clock=self.clock, resolver=DNSResolver.from_env(os.environ),
                    environ=os.environ)
        self.silences.set_on_change(peer.add_state("sil", self.silences).broadcast)
        self.nflog.set_broadcast(peer.add_state("nfl", self.nflog).broadcast)
        return peer

    def _position(self) -> int:
        return int(self.peer.position()) if self.peer is not None else 0

    def _integrations(self, config: Config, template: Template) -> dict[str, list[Integration]]:
        from receivers import REGISTRY

        deps = NotifierDeps(external_url=self.external_url, template=template)
        out: dict[str, list[Integration]] = {}
        for receiver in config.receivers:
            integrations: list[Integration] = []
            for key, confs in receiver.integrations.items():
                cls = _notifier_class(key, REGISTRY)
                name = key.removesuffix("_configs")
                for index, conf in enumerate(confs):
                    try:
                        notifier = cls(conf, deps)
                    except (OSError, ValueError) as exc:
                        raise StartupError(f'receiver "{receiver.name}": {name}[{index}]: {exc}') from exc
                    integrations.append(Integration(name, index, notifier, conf.send_resolved, receiver.name))
            out[receiver.name] = integrations
        return out

    def _build(self, config: Config, template: Template) -> _Graph:
        route = Route.from_config(config.route)
        inhibitor = Inhibitor(config.inhibit_rules, marker=self.marker, clock=self.clock)
        integrations = self._integrations(config, template)
        pipeline = build_pipeline(
            integrations, inhibitor=inhibitor, silencer=self.silencer, time_intervals=config.time_intervals,
            nflog=self.nflog, metrics=self.notify_metrics, clock=self.clock, peer=self.peer,
            position=self._position, peer_timeout=self.options.cluster.peer_timeout,
            nflog_sync_later=True,
        )
        peer_timeout = self.options.cluster.peer_timeout

        def flush_timeout(group_interval: timedelta) -> timedelta:
            return max(group_interval, _MIN_NOTIFY_TIMEOUT) + self._position() * peer_timeout

        dispatcher = Dispatcher(route, pipeline, scheduler=AsyncioScheduler(self.clock),
                                metrics=self.dispatcher_metrics, timeout=flush_timeout)
        return _Graph(config, template, route, inhibitor, integrations, dispatcher)

    def _api_deps(self) -> ApiDeps:
        return ApiDeps(
            alerts=self.alerts,
            silences=self.silences,
            marker=self.marker,
            config=lambda: self._graph.config,
            config_dump=lambda: dump(self._graph.config),
            match_receivers=lambda a: [r.receiver for r in self._graph.route.match(a.labels, a.fingerprint)],
            groups=lambda rf, af: self._graph.dispatcher.groups(rf, af),
            silencer=self.silencer,
            inhibitor=lambda: self._graph.inhibitor,
            cluster_status=self._cluster_status if self.peer is not None else None,
            start_time=self.start_time,
            clock=self.clock,
            route_prefix=self.route_prefix or "/",
            external_url=self.external_url,
            reload=self.reload,
            max_request_bytes=self.options.max_request_bytes,
            registry=self.registry,
            sns=SnsOptions(topics=self.options.sns_topic_arns) if self.options.sns_endpoint else None,
        )

    def _cluster_status(self) -> Mapping[str, Any]:
        return {
            "name": self.peer.cluster_name,
            "status": self.peer.status(),
            "peers": [{"name": p.name, "address": p.address} for p in self.peer.peers()],
        }

    # --- running ----------------------------------------------------------------------------

    def _start_graph(self, graph: _Graph) -> None:
        graph.unfollow = self.alerts.follow(graph.dispatcher.process)
        graph.tasks = []
        if graph.inhibitor.rules:
            # Without rules nothing is a source: no need to follow every alert update.
            graph.tasks.append(asyncio.create_task(graph.inhibitor.run(self.alerts.subscribe()), name="inhibitor"))

    async def _stop_graph(self, graph: _Graph) -> None:
        if graph.unfollow is not None:
            graph.unfollow()
        graph.dispatcher.stop()
        for task in graph.tasks:
            task.cancel()
        await asyncio.gather(*graph.tasks, return_exceptions=True)
        for integrations in graph.integrations.values():
            for integ in integrations:
                close = getattr(integ.notifier, "aclose", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()

    async def _maintenance(self) -> None:
        """Every ``--data.maintenance-interval``: compact the notification log, drop resolved
        inhibition sources (silences run their own loop)."""
        interval = self.options.maintenance_interval.total_seconds()
        while not self._stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), interval)
            try:
                self.nflog.maintenance()
                self._graph.inhibitor.gc()
            except Exception:
                log.exception("maintenance failed")

    async def start(self) -> None:
        """Join the cluster and start every background loop."""
        if self.peer is not None:
            try:
                await self.peer.start()
            except (OSError, ValueError) as exc:
                raise StartupError(f"unable to initialize gossip mesh: {exc}") from exc
        self._background = [
            asyncio.create_task(self.alerts.run_gc(self._stop), name="alerts-gc"),
            asyncio.create_task(self.silences.run_maintenance(self.options.maintenance_interval, self._stop),
                                name="silences-maintenance"),
            asyncio.create_task(self._maintenance(), name="maintenance"),
        ]
        self._start_graph(self._graph)
        warm_up_http()

    async def stop(self) -> None:
        """Stop in order: no new flushes, leave the cluster, then write state to disk."""
        self._stop.set()
        await self._stop_graph(self._graph)
        if self.peer is not None:
            with contextlib.suppress(Exception):
                await self.peer.leave()
        await asyncio.gather(*self._background, return_exceptions=True)
        self.silences.close()
        self.nflog.close()

    async def reload(self) -> None:
        """Load the config file again and swap the new graph in; raise (keeping the old) if bad."""
        async with self._reload_lock:
            try:
                config, template = self._load_config()
                graph = self._build(config, template)
            except (StartupError, ConfigError, TemplateError) as exc:
                self.metrics.config_failed()
                raise ValueError(str(exc).removeprefix("Loading configuration file failed: ")) from exc
            old = self._graph
            await self._stop_graph(old)
            self._graph = graph
            self._start_graph(graph)
            self.metrics.config_loaded(config.original, self.clock().timestamp())
            log.info("Completed loading of configuration file", extra={"file": str(self.options.config_file)})

    async def reload_logged(self) -> bool:
        """``reload`` for SIGHUP: failures are logged, never raised."""
        try:
            await self.reload()
        except Exception as exc:
            log.error("Reloading configuration failed: %s", exc)
            return False
        return True

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()

    def asgi(self, web: WebConfig | None = None) -> ASGIApp:
        """The whole HTTP surface, with the app's lifespan and the web config's auth/headers."""
        ui = UiDeps(
            alerts=self.alerts, silences=self.silences, marker=self.marker,
            config=lambda: self._graph.config, route=lambda: self._graph.route,
            groups=lambda rf, af: self._graph.dispatcher.groups(rf, af),
            silencer=self.silencer, inhibitor=lambda: self._graph.inhibitor,
            cluster_status=self._cluster_status if self.peer is not None else None,
            version_info=default_version_info(), start_time=self.start_time, clock=self.clock,
            route_prefix=self.route_prefix or "/", external_url=self.external_url,
        )
        # The UI claims only GET <prefix>/ and <prefix>/ui/...; everything else is the API's.
        app: ASGIApp = create_api(self._api_deps(), extra_routes=ui_routes(ui), lifespan=self.lifespan)
        if web is not None and (web.users or web.headers):
            app = BasicAuthMiddleware(app, web.users, web.headers)
        return app

