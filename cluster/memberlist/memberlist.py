"""The running memberlist node: packets and streams in, probes, gossip and push/pull out."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .config import MemberlistConfig
from .framing import (
    COMPOUND_HEADER_OVERHEAD,
    COMPOUND_OVERHEAD,
    MAX_COMPOUND_PARTS,
    FramingError,
    add_crc,
    add_label,
    compress_payload,
    decompress_payload,
    make_compound,
    split_compound,
    strip_crc,
    strip_label,
)
from .messages import (
    Ack,
    Alive,
    Dead,
    IndirectPing,
    Message,
    MessageError,
    MsgType,
    Nack,
    NodeStateKind,
    Ping,
    Suspect,
    decode_body,
    encode_message,
)
from .state import EventListener, Membership, Node, ProtocolMismatch
from .streams import StreamError
from .tcp import StreamService
from .transport import Addr, NetTransport, Transport

__all__ = ["Delegate", "Memberlist", "ip_bytes", "node_addr"]

_log = logging.getLogger(__name__)
_USER_MSG_OVERHEAD = 1
_CRC_OVERHEAD = 5
_ENCRYPT_OVERHEAD = 1 + 12 + 16


class Delegate(Protocol):
    """The application above memberlist (Alertmanager's cluster delegate)."""

    def notify_msg(self, msg: bytes) -> None: ...

    def get_broadcasts(self, overhead: int, limit: int) -> list[bytes]: ...

    def local_state(self, join: bool) -> bytes: ...

    def merge_remote_state(self, buf: bytes, join: bool) -> None: ...


def ip_bytes(host: str) -> bytes:
    """4 bytes for IPv4 (also IPv4-mapped IPv6), 16 for IPv6: the form memberlist puts on the wire."""
    ip = ipaddress.ip_address(host)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.packed


def node_addr(node: Node) -> Addr:
    return str(ipaddress.ip_address(node.addr)), node.port


@dataclass(slots=True)
class _AckHandler:
    on_ack: Callable[[bytes], None]
    on_nack: Callable[[], None]
    timer: asyncio.TimerHandle | None


class Memberlist:
    """One gossip member. ``start`` binds and begins the background loops."""

    def __init__(
        self,
        config: MemberlistConfig,
        *,
        delegate: Delegate | None = None,
        events: EventListener | None = None,
        transport: Transport | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.name = config.name
        self.delegate = delegate
        self._rng = rng or random.Random()
        self.state = Membership(config, clock=clock, rng=self._rng, events=events)
        self.transport: Transport = transport or NetTransport(config.bind_addr, config.bind_port)
        self._label = config.label.encode()
        self._seq = 0
        self._acks: dict[int, _AckHandler] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._probe_list: list[Node] = []
        self.adv_addr: Addr = ("", 0)
        self.on_ping_rtt: Callable[[Node, float], None] | None = None
        self.streams = StreamService(config, self.state, self.transport, delegate)

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        await self.transport.start(self.handle_packet, self.handle_stream)
        host = self.config.advertise_addr or self.config.bind_addr
        port = self.config.advertise_port or self.transport.port
        self.adv_addr = (str(ipaddress.ip_address(host)), port)
        self.state.set_alive(ip_bytes(host), port)
        self._tasks = [
            asyncio.create_task(self._every(self.config.probe_interval, self._probe), name="ml-probe"),
            asyncio.create_task(self._every(self.config.gossip_interval, self._gossip), name="ml-gossip"),
            asyncio.create_task(self._every(self._pushpull_interval, self._periodic_pushpull), name="ml-pp"),
            asyncio.create_task(self._every(lambda: 0.05, self._expire), name="ml-suspicion"),
        ]

    async def shutdown(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks = []
        for h in self._acks.values():
            if h.timer is not None:
                h.timer.cancel()
        self._acks.clear()
        await self.transport.close()

    async def leave(self, timeout: float) -> None:
        """Broadcast our graceful leave and wait (bounded) until it has gone out."""
        if self.state.left:
            return
        done = asyncio.Event()
        self.state.leave(done.set)
        if any(n.name != self.name for n in self.state.members()):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await done.wait()

    async def join(self, addrs: list[Addr]) -> tuple[int, list[str]]:
        """Push/pull with each address (Join=true); returns (successes, error texts)."""
        ok, errors = 0, []
        for addr in addrs:
            try:
                await self.push_pull(addr, join=True)
                ok += 1
            except (OSError, TimeoutError, StreamError, ProtocolMismatch, MessageError) as e:
                errors.append(f"{addr[0]}:{addr[1]}: {e}")
        return ok, errors

    def members(self) -> list[Node]:
        return self.state.members()

    # -- loops -------------------------------------------------------------------------------
    async def _every(self, interval: float | Callable[[], float], fn: Callable[[], object]) -> None:
        def period() -> float:
            return interval() if callable(interval) else interval

        await asyncio.sleep(self._rng.random() * period())  # stagger like memberlist's tickers
        while True:
            started = time.monotonic()
            try:
                result = fn()
                if asyncio.iscoroutine(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("memberlist background task failed")
            await asyncio.sleep(max(0.0, period() - (time.monotonic() - started)))

    def _pushpull_interval(self) -> float:
        n = self.state.num_nodes()
        base = self.config.pushpull_interval
        if n <= 32:
            return base
        return base * (math.ceil(math.log2(n) - math.log2(32)) + 1)

    def _expire(self) -> None:
        self.state.expire_suspicions()

    async def _periodic_pushpull(self) -> None:
        nodes = self.state.random_alive(1, exclude=set())
        if nodes:
            try:
                await self.push_pull(node_addr(nodes[0]), join=False)
            except (OSError, TimeoutError, StreamError, ProtocolMismatch, MessageError) as e:
                _log.warning("Push/Pull with %s failed: %s", nodes[0].name, e)

    def _gossip(self) -> None:
        avail = self.config.udp_buffer_size - COMPOUND_HEADER_OVERHEAD - self._packet_overhead()
        for node in self.state.gossip_targets(self.config.gossip_nodes):
            msgs = self.get_broadcasts(COMPOUND_OVERHEAD, avail)
            if not msgs:
                return
            data = msgs[0] if len(msgs) == 1 else make_compound(msgs[:MAX_COMPOUND_PARTS])
            self._send_packet(node_addr(node), data, crc=node.pmax >= 5)

    def _packet_overhead(self) -> int:
        extra = _CRC_OVERHEAD
        if self._label:
            extra += 2 + len(self._label)
        if self.config.keyring is not None:
            extra += _ENCRYPT_OVERHEAD
        return extra

    def get_broadcasts(self, overhead: int, limit: int) -> list[bytes]:
        """memberlist's own messages first, then the delegate's, each user one framed as [8]."""
        msgs = self.state.queue.get(overhead, limit)
        used = sum(len(m) + overhead for m in msgs)
        avail = limit - used
        if self.delegate is not None and avail > overhead + _USER_MSG_OVERHEAD:
            for payload in self.delegate.get_broadcasts(overhead + _USER_MSG_OVERHEAD, avail):
                msgs.append(bytes([MsgType.USER]) + payload)
        return msgs

    # -- probing -----------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) & 0xFFFFFFFF
        return self._seq

    def _ping(self, seq: int, target: str) -> Ping:
        return Ping(
            seq_no=seq, node=target, source_addr=ip_bytes(self.adv_addr[0]),
            source_port=self.adv_addr[1], source_node=self.name,
        )

    def _register_ack(
        self, seq: int, on_ack: Callable[[bytes], None], on_nack: Callable[[], None], timeout: float,
        on_timeout: Callable[[], None] | None = None,
    ) -> None:
        def expire() -> None:
            if self._acks.pop(seq, None) is not None and on_timeout is not None:
                on_timeout()

        timer = asyncio.get_running_loop().call_later(timeout, expire)
        self._acks[seq] = _AckHandler(on_ack, on_nack, timer)

    async def _probe(self) -> None:
        if not self._probe_list:
            self._probe_list = self.state.probe_order()
        while self._probe_list:
            node = self._probe_list.pop(0)
            if node.name in self.state.by_name and not node.dead_or_left() and node.name != self.name:
                await self.probe_node(node)
                return

    async def probe_node(self, node: Node) -> bool:
        """One SWIM probe: direct ping, then indirect pings and a TCP ping; suspect on failure."""
        loop = asyncio.get_running_loop()
        interval = self.state.awareness.scale(self.config.probe_interval)
        started = loop.time()
        seq = self._next_seq()
        acked: asyncio.Future[None] = loop.create_future()
        nacks = [0]

        def on_ack(_: bytes) -> None:
            if not acked.done():
                acked.set_result(None)
                if self.on_ping_rtt is not None:
                    self.on_ping_rtt(node, loop.time() - started)

        def on_nack() -> None:
            nacks[0] += 1

        self._register_ack(seq, on_ack, on_nack, interval)
        ping = encode_message(MsgType.PING, self._ping(seq, node.name))
        addr = node_addr(node)
        if node.state == NodeStateKind.ALIVE:
            self._send_msg(addr, ping, crc=node.pmax >= 5)
        else:
            suspect = Suspect(incarnation=node.incarnation, node=node.name, from_=self.name)
            self._send_packet(addr, make_compound([ping, encode_message(MsgType.SUSPECT, suspect)]), crc=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.config.probe_timeout):
                await asyncio.shield(acked)
                self.state.awareness.apply_delta(-1)
                return True
        expected_nacks = 0
        for relay in self.state.random_alive(self.config.indirect_checks, exclude={node.name}):
            want_nack = relay.pmax >= 4
            expected_nacks += want_nack
            ind = IndirectPing(
                seq_no=seq, target=node.addr, port=node.port, node=node.name, nack=want_nack,
                source_addr=ip_bytes(self.adv_addr[0]), source_port=self.adv_addr[1], source_node=self.name,
            )
            self._send_msg(node_addr(relay), encode_message(MsgType.INDIRECT_PING, ind), crc=relay.pmax >= 5)
        tcp: asyncio.Task[bool] | None = None
        if node.pmax >= 3:
            tcp = asyncio.create_task(self.tcp_ping(addr, seq, node.name, started + interval - loop.time()))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, started + interval - loop.time())):
                await asyncio.shield(acked)
        if acked.done():
            if tcp is not None:
                tcp.cancel()
            return True
        if tcp is not None and await tcp:
            _log.warning("Was able to connect to %s over TCP but UDP probes failed", node.name)
            return True
        delta = max(0, expected_nacks - nacks[0]) if expected_nacks > 0 else 1
        self.state.awareness.apply_delta(delta)
        self.state.suspect_node(Suspect(incarnation=node.incarnation, node=node.name, from_=self.name))
        return False

    # -- packets out -------------------------------------------------------------------------
    def _send_msg(self, addr: Addr, msg: bytes, *, crc: bool) -> None:
        """Send ``msg`` with as many queued broadcasts piggybacked as fit."""
        avail = (
            self.config.udp_buffer_size - len(msg) - COMPOUND_HEADER_OVERHEAD - COMPOUND_OVERHEAD
            - self._packet_overhead()
        )
        extra = self.get_broadcasts(COMPOUND_OVERHEAD, avail) if avail > 0 else []
        if not extra:
            self._send_packet(addr, msg, crc=crc)
            return
        self._send_packet(addr, make_compound([msg, *extra[: MAX_COMPOUND_PARTS - 1]]), crc=crc)

    def _send_packet(self, addr: Addr, data: bytes, *, crc: bool) -> None:
        if self.config.enable_compression:
            packed = compress_payload(data)
            if len(packed) < len(data):
                data = packed
        if crc:
            data = add_crc(data)
        if self.config.keyring is not None:
            data = self.config.keyring.encrypt(data, self._label)
        self.transport.send_packet(add_label(data, self._label), addr)

    def send_to(self, addr: Addr, kind: MsgType, msg: Message) -> None:
        self._send_packet(addr, encode_message(kind, msg), crc=False)

    # -- packets in --------------------------------------------------------------------------
    def handle_packet(self, data: bytes, addr: Addr) -> None:
        """Entry point for every UDP datagram."""
        try:
            label, rest = strip_label(data)
            if label != self._label:
                _log.debug("discarding packet from %s:%d with label %r", addr[0], addr[1], label)
                return
            if self.config.keyring is not None:
                try:
                    rest = self.config.keyring.decrypt(rest, self._label)
                except ValueError:
                    if self.config.gossip_verify_incoming:
                        _log.debug("dropping undecryptable packet from %s:%d", *addr)
                        return
            if rest and rest[0] == MsgType.HAS_CRC:
                rest = strip_crc(rest)
            self._handle_command(rest, addr)
        except (FramingError, MessageError) as e:
            _log.debug("dropping packet from %s:%d: %s", addr[0], addr[1], e)

    def _handle_command(self, buf: bytes, addr: Addr) -> None:
        if not buf:
            raise FramingError("missing message type byte")
        kind, body = buf[0], buf[1:]
        if kind == MsgType.COMPOUND:
            parts, truncated = split_compound(body)
            if truncated:
                _log.debug("compound request had %d truncated messages", truncated)
            for part in parts:
                try:
                    self._handle_command(part, addr)
                except (FramingError, MessageError) as e:
                    _log.debug("dropping compound part: %s", e)
        elif kind == MsgType.COMPRESS:
            self._handle_command(decompress_payload(body), addr)
        elif kind == MsgType.PING:
            self._handle_ping(decode_body(Ping, body), addr)
        elif kind == MsgType.INDIRECT_PING:
            self._handle_indirect(decode_body(IndirectPing, body), addr)
        elif kind == MsgType.ACK:
            ack = decode_body(Ack, body)
            handler = self._acks.pop(ack.seq_no, None)
            if handler is not None:
                if handler.timer is not None:
                    handler.timer.cancel()
                handler.on_ack(ack.payload or b"")
        elif kind == MsgType.NACK:
            nack = decode_body(Nack, body)
            h = self._acks.get(nack.seq_no)
            if h is not None:
                h.on_nack()
        elif kind == MsgType.ALIVE:
            self.state.alive_node(decode_body(Alive, body))
        elif kind == MsgType.SUSPECT:
            self.state.suspect_node(decode_body(Suspect, body))
        elif kind == MsgType.DEAD:
            self.state.dead_node(decode_body(Dead, body))
        elif kind == MsgType.USER:
            if self.delegate is not None:
                self.delegate.notify_msg(bytes(body))
        else:
            _log.debug("message type (%d) not supported %s:%d", kind, addr[0], addr[1])

    def _reply_addr(self, source_addr: bytes, source_port: int, fallback: Addr) -> Addr:
        if source_addr and source_port:
            return str(ipaddress.ip_address(source_addr)), source_port
        return fallback

    def _handle_ping(self, ping: Ping, addr: Addr) -> None:
        if ping.node and ping.node != self.name:
            _log.warning("Got ping for unexpected node '%s' from %s:%d", ping.node, *addr)
            return
        dest = self._reply_addr(ping.source_addr, ping.source_port, addr)
        self._send_msg(dest, encode_message(MsgType.ACK, Ack(seq_no=ping.seq_no, payload=b"")), crc=False)

    def _handle_indirect(self, ind: IndirectPing, addr: Addr) -> None:
        source = self._reply_addr(ind.source_addr, ind.source_port, addr)
        seq = self._next_seq()

        def relay_ack(_: bytes) -> None:
            self._send_msg(source, encode_message(MsgType.ACK, Ack(seq_no=ind.seq_no, payload=None)), crc=False)

        def timed_out() -> None:
            if ind.nack:
                self._send_msg(source, encode_message(MsgType.NACK, Nack(seq_no=ind.seq_no)), crc=False)

        self._register_ack(seq, relay_ack, lambda: None, self.config.probe_timeout, timed_out)
        target = (str(ipaddress.ip_address(ind.target)), ind.port)
        self._send_msg(target, encode_message(MsgType.PING, self._ping(seq, ind.node)), crc=False)

    # -- streams (served by StreamService) -----------------------------------------------------
    async def tcp_ping(self, addr: Addr, seq: int, target: str, timeout: float) -> bool:
        """Ping over a TCP stream (the fallback probe)."""
        ping = encode_message(MsgType.PING, self._ping(seq, target))
        return await self.streams.tcp_ping(addr, ping, seq, timeout)

    async def push_pull(self, addr: Addr, *, join: bool) -> None:
        """Exchange full state with ``addr`` over TCP and merge the reply."""
        await self.streams.push_pull(addr, join=join)

    async def send_reliable(self, addr: Addr, payload: bytes) -> None:
        """A user message over TCP (``[8][{UserMsgLen}][payload]``)."""
        await self.streams.send_reliable(addr, payload)

    async def handle_stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self.streams.handle_stream(reader, writer)
