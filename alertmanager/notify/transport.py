"""A lean HTTP/1.1 transport for httpx: keep-alive connections on asyncio, parsed by httptools.

Why not httpx's default transport: httpcore and anyio cost about 0.5 ms of CPU per request on
a small machine, several times the round trip itself, and a notification is one request. This
transport keeps httpx as the client (auth, redirects, headers, timeouts, ``MockTransport`` in
tests) and replaces only the wire: one ``asyncio.Protocol`` per connection, a single write per
request, ``httptools`` (uvicorn's parser) for the response, idle connections kept per origin for
90 s as Go's transport does. Requests it does not handle (proxies are never routed here, see
``new_client``; HEAD and upgrades) go to an inner ``httpx.AsyncHTTPTransport``.

Errors read like Go's ``net/http`` ones (``dial tcp 127.0.0.1:9: connect: connection refused``)
and are raised as the httpx exception types the callers catch.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Callable
from typing import cast

import httptools
import httpx

__all__ = ["FastTransport"]

_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _StaleConnection(Exception):
    """A reused keep-alive connection was closed by the server before it answered."""


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; serves one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self.used = False
        self._parser = httptools.HttpResponseParser(self)  # reused: one response after another
        self._busy = False
        self._waiter: asyncio.Future[None] | None = None
        self._received = False
        self._headers_done = False
        self._framed = False  # Content-Length or chunked: the end is in the stream, not at EOF
        self._complete = False
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.keep_alive = False

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        if not self._busy or self._complete:
            # Bytes nobody asked for: the connection cannot be trusted for another request.
            self.close()
            return
        self._received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as e:
            self._finish(httpx.RemoteProtocolError(f"malformed HTTP response: {e}"))
            self.close()

    def eof_received(self) -> bool | None:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is None or self._waiter.done():
            return
        if self._headers_done and not self._framed:
            self._complete = True  # a body delimited by the end of the connection
            self._finish(None)
        elif not self._received and self.used:
            self._finish(_StaleConnection())
        else:
            self._finish(httpx.RemoteProtocolError("server closed the connection before the response ended"))

    # -- httptools callbacks ------------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))
        lower = name.lower()
        if lower == b"content-length" or (lower == b"transfer-encoding" and b"chunked" in value.lower()):
            self._framed = True

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self.status = self._parser.get_status_code()
        if self.status in (204, 304) or 100 <= self.status < 200:
            self._framed = True

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self._complete = True
        self.keep_alive = self._parser.should_keep_alive()
        self._finish(None)

    # -- one exchange -------------------------------------------------------------------------

    def _finish(self, error: BaseException | None) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error)

    async def exchange(self, head: bytes, body: bytes, read_timeout: float | None) -> None:
        """Send one request and wait until its response is complete (or fails)."""
        assert self.transport is not None
        if self.closed or self.transport.is_closing():
            # Its close arrived between the pool's check and now: nothing was sent.
            raise _StaleConnection() if self.used else httpx.RemoteProtocolError("connection closed")
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        self._received = self._headers_done = self._framed = self._complete = False
        self.status, self.headers, self.body = 0, [], []
        self._busy = True
        self.transport.write(head + body if len(body) < 65536 else head)
        if len(body) >= 65536:
            self.transport.write(body)
        try:
            if read_timeout is None:
                await waiter
            else:
                async with asyncio.timeout(read_timeout):
                    await waiter
        finally:
            self._waiter = None
            self._busy = False
            self.used = True

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class FastTransport(httpx.AsyncBaseTransport):
    """Plain HTTP/1.1 requests over pooled keep-alive connections (see the module docstring).

    Args:
        ssl_context: used for ``https`` URLs.
        server_name: the TLS server name to present and verify instead of the URL's host.
        keepalive_expiry: idle connections older than this are not reused (seconds).
        max_idle: idle connections kept per origin.
        fallback: builds the transport for requests this one does not handle.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        server_name: str | None = None,
        keepalive_expiry: float = 90.0,
        max_idle: int = 20,
        fallback: Callable[[], httpx.AsyncBaseTransport],
    ) -> None:
        self._ssl = ssl_context
        self._server_name = server_name
        self._expiry = keepalive_expiry
        self._max_idle = max_idle
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._fallback_factory = fallback
        self._fallback: httpx.AsyncBaseTransport | None = None
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https") or request.method not in _METHODS or not url.host:
            return await self._delegate(request)
        timeouts = request.extensions.get("timeout", {})
        body = await request.aread()
        head, closing = self._head(request)
        status, headers, content = await self.round_trip(
            url, head, body, closing=closing, connect_timeout=timeouts.get("connect"),
            read_timeout=timeouts.get("read"), request=request)
        response = httpx.Response(status, headers=headers, stream=httpx.ByteStream(content), request=request,
                                  extensions={"http_version": b"HTTP/1.1"})
        response.read()  # the body is all here: decode it now, without the async iterators
        return response

    async def round_trip(
        self,
        url: httpx.URL,
        head: bytes,
        body: bytes,
        *,
        closing: bool = False,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        request: httpx.Request | None = None,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """One request already serialised (``head`` ends with the blank line) to ``url``'s
        origin: (status, raw headers, raw body). ``closing``: do not reuse the connection.
        Failures are httpx exceptions, carrying ``request`` when given."""
        scheme = url.scheme
        origin = (scheme, url.host, url.port or (443 if scheme == "https" else 80))
        conn = self._take_idle(origin)
        if conn is not None:
            try:
                await conn.exchange(head, body, read_timeout)
                return self._release(origin, conn, closing)
            except _StaleConnection:
                pass  # the server dropped it while idle; Go's transport retries on a new one
            except BaseException as e:
                conn.close()
                raise self._translate(e, request, origin) from None
        conn = await self._connect(origin, request, connect_timeout)
        try:
            await conn.exchange(head, body, read_timeout)
        except BaseException as e:
            conn.close()
            raise self._translate(e, request, origin) from None
        return self._release(origin, conn, closing)

    async def aclose(self) -> None:
        self._closed = True
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
        if self._fallback is not None:
            await self._fallback.aclose()

    # -- helpers ------------------------------------------------------------------------------

    async def _delegate(self, request: httpx.Request) -> httpx.Response:
        if self._fallback is None:
            self._fallback = self._fallback_factory()
        return await self._fallback.handle_async_request(request)

    @staticmethod
    def _head(request: httpx.Request) -> tuple[bytes, bool]:
        """The request line and headers, and whether the request asks to close the connection."""
        target = request.url.raw_path or b"/"
        lines = [request.method.encode("ascii") + b" " + target + b" HTTP/1.1"]
        closing = False
        for name, value in request.headers.raw:
            lines.append(name + b": " + value)
            if name.lower() == b"connection" and value.lower() == b"close":
                closing = True
        lines.append(b"\r\n")
        return b"\r\n".join(lines), closing

    def _take_idle(self, origin: tuple[str, str, int]) -> _Connection | None:
        conns = self._idle.get(origin)
        now = time.monotonic()
        while conns:
            conn = conns.pop()
            if not conn.closed and now - conn.idle_since < self._expiry:
                return conn
            conn.close()
        return None

    async def _connect(self, origin: tuple[str, str, int], request: httpx.Request | None,
                       timeout: float | None) -> _Connection:
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        tls = scheme == "https"
        try:
            async with asyncio.timeout(timeout):
                _, conn = await loop.create_connection(
                    _Connection, host, port,
                    ssl=self._ssl if tls else None,
                    server_hostname=(self._server_name or host) if tls else None,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"dial tcp {host}:{port}: i/o timeout", request=request) from None
        except ssl.SSLError as e:
            raise httpx.ConnectError(f"tls: {e.reason or e}", request=request) from None
        except OSError as e:
            reason = (os.strerror(e.errno) if e.errno else str(e)).lower()
            raise httpx.ConnectError(f"dial tcp {host}:{port}: connect: {reason}", request=request) from None
        return conn

    def _release(self, origin: tuple[str, str, int], conn: _Connection,
                 closing: bool) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The connection's response; the connection goes back to the pool if it can be reused."""
        if conn.keep_alive and not conn.closed and not self._closed and not closing:
            conn.idle_since = time.monotonic()
            conns = self._idle.setdefault(origin, [])
            if len(conns) < self._max_idle:
                conns.append(conn)
            else:
                conn.close()
        else:
            conn.close()
        return conn.status, conn.headers, b"".join(conn.body)

    @staticmethod
    def _translate(e: BaseException, request: httpx.Request | None, origin: tuple[str, str, int]) -> BaseException:
        if isinstance(e, httpx.RequestError):
            if request is not None:
                e.request = request
            return e
        if isinstance(e, httpx.HTTPError | asyncio.CancelledError):
            return e
        if isinstance(e, TimeoutError):
            return httpx.ReadTimeout("timeout awaiting response headers", request=request)
        if isinstance(e, _StaleConnection):
            return httpx.RemoteProtocolError("server closed the connection before answering", request=request)
        if isinstance(e, OSError):
            return httpx.ReadError(f"read tcp {origin[1]}:{origin[2]}: {(e.strerror or str(e)).lower()}",
                                   request=request)
        return e

