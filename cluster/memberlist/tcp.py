"""memberlist's TCP streams: push/pull, reliable user messages, the fallback ping, errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from .config import MemberlistConfig
from .messages import (
    Ack,
    ErrResp,
    MessageError,
    MsgType,
    Ping,
    PushNodeState,
    PushPullHeader,
    UserMsgHeader,
    encode_body,
    encode_message,
)
from .state import Membership, ProtocolMismatch
from .streams import StreamError, StreamSource, encode_stream, read_stream_message
from .transport import Addr, Transport

__all__ = ["StreamDelegate", "StreamService"]

_log = logging.getLogger(__name__)


class StreamDelegate(Protocol):
    """The parts of the application delegate streams use."""

    def notify_msg(self, msg: bytes) -> None: ...

    def local_state(self, join: bool) -> bytes: ...

    def merge_remote_state(self, buf: bytes, join: bool) -> None: ...


class StreamService:
    """Serves and opens the one-message TCP streams of a member."""

    def __init__(
        self,
        config: MemberlistConfig,
        state: Membership,
        transport: Transport,
        delegate: StreamDelegate | None,
    ) -> None:
        self.config = config
        self.name = config.name
        self._state = state
        self._transport = transport
        self._delegate = delegate
        self._label = config.label.encode()
        self._pushpulls = 0

    async def tcp_ping(self, addr: Addr, ping: bytes, seq: int, timeout: float) -> bool:
        """Ping over a TCP stream (the fallback probe)."""
        if timeout <= 0:
            return False
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await self._transport.open_stream(addr, timeout)
                try:
                    writer.write(self._stream_bytes(ping))
                    await writer.drain()
                    kind, src = await self._read_reply(reader)
                    if kind != MsgType.ACK:
                        return False
                    return (await src.read_message(Ack)).seq_no == seq
                finally:
                    writer.close()
        except (OSError, TimeoutError, StreamError):
            return False


    def _stream_bytes(self, payload: bytes, *, dialer: bool = True) -> bytes:
        return encode_stream(
            payload, label=self._label, with_label=dialer, keyring=self.config.keyring,
            compress=self.config.enable_compression,
        )

    async def _read_reply(self, reader: asyncio.StreamReader) -> tuple[int, StreamSource]:
        kind, src = await read_stream_message(
            reader, label=self._label, expect_label=False, keyring=self.config.keyring,
            verify_incoming=self.config.gossip_verify_incoming,
        )
        if kind == MsgType.ERR:
            raise StreamError((await src.read_message(ErrResp)).error)
        return kind, src

    def _local_state(self, join: bool) -> bytes:
        nodes = self._state.local_state()
        user = self._delegate.local_state(join) if self._delegate is not None else b""
        header = PushPullHeader(nodes=len(nodes), user_state_len=len(user), join=join)
        return b"".join(
            [bytes([MsgType.PUSH_PULL]), encode_body(header), *(encode_body(n) for n in nodes), user]
        )

    async def _read_remote_state(self, src: StreamSource) -> tuple[bool, list[PushNodeState], bytes]:
        header = await src.read_message(PushPullHeader)
        if header.nodes > 1 << 20 or header.user_state_len > 20 << 20:
            raise StreamError("remote state too large")
        nodes = [await src.read_message(PushNodeState) for _ in range(header.nodes)]
        user = await src.read_exact(header.user_state_len)
        return header.join, nodes, user

    def _merge_remote(self, nodes: list[PushNodeState], user: bytes, join: bool) -> None:
        self._state.verify_protocol(nodes)
        self._state.merge_state(nodes)
        if user and self._delegate is not None:
            self._delegate.merge_remote_state(user, join)

    async def push_pull(self, addr: Addr, *, join: bool) -> None:
        """Exchange full state with ``addr`` over TCP and merge the reply."""
        async with asyncio.timeout(self.config.tcp_timeout):
            reader, writer = await self._transport.open_stream(addr, self.config.tcp_timeout)
            try:
                writer.write(self._stream_bytes(self._local_state(join)))
                await writer.drain()
                kind, src = await self._read_reply(reader)
                if kind != MsgType.PUSH_PULL:
                    raise StreamError(f"Received invalid msgType ({kind}), expected pushPullMsg (6)")
                _, nodes, user = await self._read_remote_state(src)
            finally:
                writer.close()
        self._merge_remote(nodes, user, join)

    async def send_reliable(self, addr: Addr, payload: bytes) -> None:
        """A user message over TCP (``[8][{UserMsgLen}][payload]``)."""
        msg = bytes([MsgType.USER]) + encode_body(UserMsgHeader(user_msg_len=len(payload))) + payload
        async with asyncio.timeout(self.config.tcp_timeout):
            _, writer = await self._transport.open_stream(addr, self.config.tcp_timeout)
            try:
                writer.write(self._stream_bytes(msg))
                await writer.drain()
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    async def handle_stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one incoming TCP stream."""
        async def reply_error(text: str) -> None:
            writer.write(self._stream_bytes(encode_message(MsgType.ERR, ErrResp(error=text)), dialer=False))
            with contextlib.suppress(OSError):
                await writer.drain()

        try:
            async with asyncio.timeout(self.config.tcp_timeout):
                kind, src = await read_stream_message(
                    reader, label=self._label, expect_label=True, keyring=self.config.keyring,
                    verify_incoming=self.config.gossip_verify_incoming,
                )
                if kind == MsgType.PING:
                    ping = await src.read_message(Ping)
                    if ping.node and ping.node != self.name:
                        await reply_error(f"Got ping for unexpected node {ping.node}")
                        return
                    ack = encode_message(MsgType.ACK, Ack(seq_no=ping.seq_no, payload=b""))
                    writer.write(self._stream_bytes(ack, dialer=False))
                    await writer.drain()
                elif kind == MsgType.USER:
                    header = await src.read_message(UserMsgHeader)
                    payload = await src.read_exact(header.user_msg_len)
                    if self._delegate is not None:
                        self._delegate.notify_msg(payload)
                elif kind == MsgType.PUSH_PULL:
                    if self._pushpulls >= self.config.max_concurrent_pushpull:
                        await reply_error("Too many pending push/pull requests")
                        return
                    self._pushpulls += 1
                    try:
                        join, nodes, user = await self._read_remote_state(src)
                        writer.write(self._stream_bytes(self._local_state(join), dialer=False))
                        await writer.drain()
                    finally:
                        self._pushpulls -= 1
                    self._merge_remote(nodes, user, join)
                else:
                    await reply_error(f"Received invalid msgType ({kind})")
        except (StreamError, MessageError, ProtocolMismatch) as e:
            _log.debug("failed to handle stream: %s", e)
            await reply_error(str(e))
        except (TimeoutError, OSError) as e:
            _log.debug("stream error: %s", e)
