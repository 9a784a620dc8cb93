"""Alertmanager's cluster peer: memberlist plus states, settle, position and peer upkeep."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Literal

from prometheus_client import CollectorRegistry

from alertmanager.types import Clock, Replicated, utcnow

from ._advertise import advertise_address
from ._delegate import StateDelegate
from ._partition import PartitionRules, PartitionTransport, partition_file
from .channel import Channel
from .discovery import DNSResolver, Resolver, resolve_peers, split_host_port
from .memberlist import Keyring, Memberlist, MemberlistConfig, NetTransport, Node, Transport, node_addr
from .memberlist.queue import BroadcastQueue
from .metrics import ClusterMetrics
from .tls_transport import TLSTransport, TLSTransportConfig
from .ulid import new_ulid

__all__ = ["Peer", "PeerConfig", "PeerInfo"]

_log = logging.getLogger(__name__)
_SETTLE_OK_POLLS = 3
_FAILED_PEER_GC = 300.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerConfig:
    """The ``--cluster.*`` flags (same field names as ``alertmanager.options.ClusterOptions``)."""

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
    refresh_interval: timedelta = timedelta(seconds=15)
    label: str = ""
    gossip_keys: tuple[bytes, ...] = ()
    """Our extension: AES-GCM keys (16/24/32 bytes). Go Alertmanager cannot join an encrypted cluster."""
    tls_config: str = ""
    """``--cluster.tls-config``: gossip over mutual TLS (TCP only), as upstream's TLS transport."""
    ecs_metadata_uri: str = ""
    """Our extension: ``$ECS_CONTAINER_METADATA_URI_V4``; with no advertise address and an
    unspecified bind address, the task's IP is advertised."""


@dataclass(frozen=True, slots=True)
class PeerInfo:
    """A member as /api/v2/status lists it."""

    name: str
    address: str


@dataclass(slots=True)
class _Tracked:
    name: str
    alive: bool
    left_at: float


_NO_ENVIRON: Mapping[str, str] = MappingProxyType({})


class Peer:
    """One Alertmanager in the gossip cluster. Add states, then ``await start()``."""

    def __init__(
        self,
        config: PeerConfig,
        *,
        registry: CollectorRegistry | None = None,
        clock: Clock = utcnow,
        resolver: Resolver | None = None,
        transport: Transport | None = None,
        name: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        environ: Mapping[str, str] = _NO_ENVIRON,
    ) -> None:
        """``environ`` is read for the partition test hook only; the app passes ``os.environ``
        (the library never reads the process environment itself)."""
        self.config = config
        self.name = name or new_ulid(clock())
        self.metrics = ClusterMetrics(registry)
        self._resolver = resolver or DNSResolver()
        self._transport = transport
        self._monotonic = monotonic
        self._partition_file = partition_file(environ)
        self._retransmit = max(len(config.peers) // 2, 3)
        self._delegate = StateDelegate(self.metrics, BroadcastQueue(self._retransmit, self.cluster_size))
        self._channels: dict[str, Channel] = {}
        self._ml: Memberlist | None = None
        self._tracked: dict[tuple[str, int], _Tracked] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()
        self.metrics.peer_info.labels(peer=self.name).set(1)

    # -- public API --------------------------------------------------------------------------
    @property
    def cluster_name(self) -> str:
        return self.name

    def add_state(self, key: str, state: Replicated) -> Channel:
        """Register a replicated state under ``key`` ("sil", "nfl"); returns its broadcast channel."""
        self._delegate.states[key] = state
        ch = Channel(
            key, queue_gossip=self._delegate.queue_gossip, send_reliable_all=self._send_reliable_all,
            metrics=self.metrics,
        )
        self._channels[key] = ch
        if self._ml is not None:
            ch.start()
        return ch

    async def start(self) -> None:
        """Bind, join the configured peers, and start upkeep and the settle wait."""
        c = self.config
        host, port = await advertise_address(
            c.listen_address, c.advertise_address, self._resolver, ecs_metadata_uri=c.ecs_metadata_uri
        )
        bind_host, bind_port = split_host_port(c.listen_address)
        peers_cnt = len(c.peers)
        ml_config = MemberlistConfig(
            name=self.name, bind_addr=bind_host or "0.0.0.0", bind_port=bind_port,
            advertise_addr=host, advertise_port=port if c.advertise_address else 0,
            probe_interval=c.probe_interval.total_seconds(), probe_timeout=c.probe_timeout.total_seconds(),
            gossip_interval=c.gossip_interval.total_seconds(), gossip_nodes=max(peers_cnt // 2, 3),
            pushpull_interval=c.pushpull_interval.total_seconds(), tcp_timeout=c.tcp_timeout.total_seconds(),
            label=c.label, keyring=Keyring(list(c.gossip_keys)) if c.gossip_keys else None,
        )
        transport = self._transport
        if transport is None and c.tls_config:
            transport = TLSTransport(TLSTransportConfig.from_file(c.tls_config), bind_host or "0.0.0.0", bind_port)
        if self._partition_file is not None:
            inner = transport or NetTransport(bind_host or "0.0.0.0", bind_port)
            transport = PartitionTransport(inner, PartitionRules(self._partition_file), bind_host or "0.0.0.0")
        self._ml = Memberlist(
            ml_config, delegate=self._delegate, events=self, transport=transport,
            rng=random.Random(), clock=self._monotonic,
        )
        self._ml.state.on_alive = lambda n: self.metrics.alive_messages.labels(peer=n).inc()
        self._ml.on_ping_rtt = lambda node, rtt: self.metrics.pings.labels(peer=node.name).observe(rtt)
        await self._ml.start()
        for ch in self._channels.values():
            ch.start()
        self._update_gauges()
        addrs = await resolve_peers(c.peers, self._resolver)
        for addr in addrs:
            if addr != self._ml.adv_addr:
                self._tracked.setdefault(addr, _Tracked("", False, self._monotonic()))
        self._update_gauges()
        ok, errors = await self._ml.join([a for a in addrs if a != self._ml.adv_addr])
        for err in errors:
            _log.warning("failed to join cluster: %s", err)
        if addrs and not ok:
            _log.warning("unable to join any configured peer; will keep reconnecting")
        self._tasks = [
            asyncio.create_task(self._loop(c.reconnect_interval, self._reconnect), name="peer-reconnect"),
            asyncio.create_task(self._loop(timedelta(seconds=_FAILED_PEER_GC), self._gc_failed), name="peer-gc"),
            asyncio.create_task(self._loop(c.refresh_interval, self._refresh), name="peer-refresh"),
            asyncio.create_task(self._loop(timedelta(minutes=15), self._prune), name="peer-prune"),
            asyncio.create_task(self._loop(timedelta(seconds=1), self._tick), name="peer-gauges"),
            asyncio.create_task(self.settle(c.gossip_interval * 10), name="peer-settle"),
        ]

    async def settle(self, interval: timedelta) -> None:
        """Wait until the member count stops changing (3 equal polls), bounded by settle_timeout."""
        try:
            async with asyncio.timeout(self.config.settle_timeout.total_seconds()):
                n_prev, n_ok = 0, 0
                while True:
                    await asyncio.sleep(interval.total_seconds())
                    if n_ok >= _SETTLE_OK_POLLS:
                        _log.info("gossip settled; proceeding")
                        break
                    n = len(self.members())
                    n_ok = n_ok + 1 if n == n_prev else 0
                    n_prev = n
        except TimeoutError:
            _log.info("gossip not settled but continuing anyway")
        self._ready.set()

    def ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def status(self) -> Literal["settling", "ready"]:
        return "ready" if self.ready() else "settling"

    def members(self) -> list[Node]:
        return self._ml.members() if self._ml is not None else []

    def cluster_size(self) -> int:
        return len(self.members()) if self._ml is not None else 1

    def position(self) -> int:
        """Index of self among the alive and suspect members sorted by name."""
        names = sorted(n.name.encode() for n in self.members())
        try:
            return names.index(self.name.encode())
        except ValueError:
            return 0

    def peers(self) -> list[PeerInfo]:
        """Members sorted by name, with ``ip:port`` addresses (for /api/v2/status)."""
        out = []
        for n in self.members():
            ip, port = node_addr(n)
            out.append(PeerInfo(n.name, f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"))
        return sorted(out, key=lambda p: p.name.encode())

    def health_score(self) -> int:
        return self._ml.state.health_score() if self._ml is not None else 0

    @property
    def address(self) -> tuple[str, int]:
        """The advertised (ip, port) once started."""
        return self._ml.adv_addr if self._ml is not None else ("", 0)

    async def leave(self, timeout: timedelta = timedelta(seconds=10)) -> None:
        """Gracefully leave (others mark us "left"), then stop everything."""
        if self._ml is not None:
            await self._ml.leave(timeout.total_seconds())
        await self.stop()

    async def stop(self) -> None:
        """Stop without a leave message (as a crash would look to others)."""
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks = []
        for ch in self._channels.values():
            await ch.stop()
        if self._ml is not None:
            await self._ml.shutdown()
            self._ml = None
        self._ready.set()

    # -- memberlist events --------------------------------------------------------------------
    def notify_join(self, node: Node) -> None:
        addr = node_addr(node)
        self._tracked[addr] = _Tracked(node.name, True, 0.0)
        if node.name != self.name:
            self.metrics.peers_joined.inc()
            _log.debug("peer joined: %s %s:%d", node.name, *addr)
        self._update_gauges()

    def notify_leave(self, node: Node) -> None:
        addr = node_addr(node)
        self._tracked[addr] = _Tracked(node.name, False, self._monotonic())
        self.metrics.peers_left.inc()
        _log.debug("peer left: %s %s:%d", node.name, *addr)
        self._update_gauges()

    def notify_update(self, node: Node) -> None:
        self.metrics.peers_update.inc()

    # -- upkeep -----------------------------------------------------------------------------
    def failed_peers(self) -> list[tuple[str, int]]:
        return [a for a, t in self._tracked.items() if not t.alive]

    def _update_gauges(self) -> None:
        self.metrics.members.set(self.cluster_size())
        self.metrics.failed_peers.set(len(self.failed_peers()))
        self.metrics.position.set(self.position())
        self.metrics.health_score.set(self.health_score())

    def _tick(self) -> None:
        self._update_gauges()

    def _prune(self) -> None:
        self._delegate.prune()

    async def _loop(self, every: timedelta, fn: Callable[[], object]) -> None:
        while True:
            await asyncio.sleep(every.total_seconds())
            try:
                result = fn()
                if asyncio.iscoroutine(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("cluster upkeep failed")

    async def _reconnect(self) -> None:
        if self._ml is None:
            return
        for addr in self.failed_peers():
            ok, _ = await self._ml.join([addr])
            if ok:
                self.metrics.reconnections.inc()
            else:
                self.metrics.reconnections_failed.inc()

    def _gc_failed(self) -> None:
        horizon = self._monotonic() - self.config.reconnect_timeout.total_seconds()
        for addr, t in list(self._tracked.items()):
            if not t.alive and t.left_at < horizon:
                del self._tracked[addr]
        self._update_gauges()

    async def _refresh(self) -> None:
        if self._ml is None:
            return
        addrs = await resolve_peers(self.config.peers, self._resolver)
        known = {node_addr(n) for n in self.members()}
        for addr in addrs:
            if addr in known or addr == self._ml.adv_addr:
                continue
            ok, _ = await self._ml.join([addr])
            (self.metrics.refresh_join if ok else self.metrics.refresh_join_failed).inc()

    async def _send_reliable_all(self, payload: bytes) -> tuple[int, int]:
        ml = self._ml
        if ml is None:
            return 0, 0
        targets = [node_addr(n) for n in ml.members() if n.name != self.name]
        results = await asyncio.gather(*(ml.send_reliable(a, payload) for a in targets), return_exceptions=True)
        failed = sum(1 for r in results if isinstance(r, BaseException))
        return len(results) - failed, failed
