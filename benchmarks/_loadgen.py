"""A lean HTTP/1.1 load generator and webhook sink for the benchmarks.

Both servers under test share the machine with the load generator, so the client must cost
as little as possible per request: requests are encoded before the clock starts, and
responses are parsed by ``httptools`` (C) over raw keep-alive connections.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import httptools
import orjson

__all__ = ["Connection", "Response", "WebhookSink", "encode_request", "run_requests"]


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes


def encode_request(method: str, path: str, body: bytes = b"", content_type: str = "application/json") -> bytes:
    """A complete HTTP/1.1 keep-alive request, ready to write."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: am-bench\r\n"
    if body or method in ("POST", "PUT"):
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


class _ClientProtocol(asyncio.Protocol):
    """One connection, one request in flight; a response completes ``self.waiter``."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Response] | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._chunks: list[bytes] = []
        self.lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self._parser.feed_data(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc or ConnectionResetError("connection closed")
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(self.lost)

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        status = self._parser.get_status_code()
        body = b"".join(self._chunks)
        self._chunks = []
        self._parser = httptools.HttpResponseParser(self)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(Response(status, body))


class Connection:
    """A keep-alive connection to ``127.0.0.1:port``."""

    def __init__(self, protocol: _ClientProtocol) -> None:
        self._proto = protocol

    @classmethod
    async def open(cls, port: int) -> Connection:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(_ClientProtocol, "127.0.0.1", port)
        return cls(proto)

    async def send(self, raw: bytes) -> Response:
        proto = self._proto
        if proto.lost is not None or proto.transport is None:
            raise ConnectionError("connection is closed")
        waiter: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        proto.waiter = waiter
        proto.transport.write(raw)
        return await waiter

    def close(self) -> None:
        if self._proto.transport is not None:
            self._proto.transport.close()


async def run_requests(port: int, requests: Sequence[bytes], connections: int) -> tuple[float, int]:
    """Send every request over ``connections`` concurrent keep-alive connections.

    Returns (seconds from the first send to the last response, non-2xx responses).
    """
    conns = [await Connection.open(port) for _ in range(connections)]
    it = iter(requests)
    failures = 0

    async def worker(conn: Connection) -> None:
        nonlocal failures
        for raw in it:
            resp = await conn.send(raw)
            if not 200 <= resp.status < 300:
                failures += 1

    start = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in conns))
    finally:
        for c in conns:
            c.close()
    return time.perf_counter() - start, failures


class _SinkProtocol(asyncio.Protocol):
    """A webhook endpoint: every POST body is handed to ``on_post`` and answered 200."""

    def __init__(self, on_post: Callable[[bytes], None]) -> None:
        self._on_post = on_post
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpRequestParser(self)
        self._chunks: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            if self._transport is not None:
                self._transport.close()

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        body = b"".join(self._chunks)
        self._chunks = []
        self._on_post(body)
        if self._transport is not None:
            self._transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


class WebhookSink:
    """Records when each webhook notification arrives, by its ``groupLabels.alertname``."""

    def __init__(self) -> None:
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self._server: asyncio.AbstractServer | None = None
        self.port = 0
        self.received = 0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _SinkProtocol(self._on_post), "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    def expect(self, names: Iterable[str]) -> None:
        loop = asyncio.get_running_loop()
        for name in names:
            self._waiters[name] = loop.create_future()

    async def arrival(self, name: str, timeout: float) -> float:
        """The ``time.perf_counter()`` at which the group named ``name`` was delivered."""
        return await asyncio.wait_for(self._waiters[name], timeout)

    def _on_post(self, body: bytes) -> None:
        now = time.perf_counter()
        self.received += 1
        try:
            name = orjson.loads(body)["groupLabels"].get("alertname", "")
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
            return
        fut = self._waiters.get(name)
        if fut is not None and not fut.done():
            fut.set_result(now)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
