"""The network under memberlist: one UDP socket and one TCP listener on the same port."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Protocol

__all__ = ["Addr", "NetTransport", "PacketHandler", "StreamHandler", "Transport"]

Addr = tuple[str, int]
PacketHandler = Callable[[bytes, Addr], None]
StreamHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

_log = logging.getLogger(__name__)


class Transport(Protocol):
    """What memberlist needs from the network; tests substitute an in-memory one."""

    @property
    def port(self) -> int: ...

    async def start(self, on_packet: PacketHandler, on_stream: StreamHandler) -> None: ...

    def send_packet(self, data: bytes, addr: Addr) -> None: ...

    async def open_stream(
        self, addr: Addr, timeout: float
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]: ...

    async def close(self) -> None: ...


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, on_packet: PacketHandler) -> None:
        self._on_packet = on_packet

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        host, port = str(addr[0]), int(str(addr[1]))
        try:
            self._on_packet(data, (host, port))
        except Exception:  # one bad packet must not kill the socket
            _log.exception("error handling packet from %s:%d", host, port)

    def error_received(self, exc: Exception) -> None:
        _log.debug("udp error: %s", exc)


class NetTransport:
    """UDP + TCP on ``bind_addr:bind_port``; port 0 picks one free port for both."""

    def __init__(self, bind_addr: str, bind_port: int) -> None:
        self._bind_addr = bind_addr
        self._port = bind_port
        self._udp: asyncio.DatagramTransport | None = None
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        return self._port

    async def start(self, on_packet: PacketHandler, on_stream: StreamHandler) -> None:
        loop = asyncio.get_running_loop()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._conns.add(task)
            try:
                await on_stream(reader, writer)
            except Exception:
                _log.exception("error handling stream")
            finally:
                writer.close()
                if task is not None:
                    self._conns.discard(task)

        family = socket.AF_INET6 if ":" in self._bind_addr else socket.AF_INET
        for attempt in range(10):
            server = await asyncio.start_server(
                handle, self._bind_addr, self._port, family=family, reuse_address=True
            )
            port = int(server.sockets[0].getsockname()[1])
            try:
                udp, _ = await loop.create_datagram_endpoint(
                    lambda: _Datagrams(on_packet), local_addr=(self._bind_addr, port), family=family
                )
            except OSError:
                server.close()
                await server.wait_closed()
                if self._port != 0 or attempt == 9:
                    raise
                continue
            self._server, self._udp, self._port = server, udp, port
            sock = udp.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2 * 1024 * 1024)
                except OSError:
                    pass
            return

    def send_packet(self, data: bytes, addr: Addr) -> None:
        if self._udp is not None:
            self._udp.sendto(data, addr)

    async def open_stream(
        self, addr: Addr, timeout: float
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        async with asyncio.timeout(timeout):
            return await asyncio.open_connection(addr[0], addr[1])

    async def close(self) -> None:
        if self._udp is not None:
            self._udp.close()
            self._udp = None
        if self._server is not None:
            self._server.close()
            for task in list(self._conns):
                task.cancel()
            await self._server.wait_closed()
            self._server = None
