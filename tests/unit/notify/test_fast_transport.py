"""FastTransport on real loopback sockets: framing, keep-alive, stale connections, errors."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import ssl
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from alertmanager.notify.http import new_client
from alertmanager.notify.transport import FastTransport

Handler = Callable[[bytes, asyncio.StreamWriter], "asyncio.Future[None] | None"]


class Server:
    """A scripted HTTP server: each request gets the next canned raw response."""

    def __init__(self, responses: list[bytes], close_after: set[int] | None = None) -> None:
        self.responses = responses
        self.close_after = close_after or set()
        self.requests: list[bytes] = []
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                index = len(self.requests)
                self.requests.append(head + body)
                writer.write(self.responses[index])
                await writer.drain()
                if index in self.close_after:
                    writer.close()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook?x=1"


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@contextlib.asynccontextmanager
async def client(**kw: object) -> AsyncIterator[httpx.AsyncClient]:
    c = new_client(None, **kw)  # type: ignore[arg-type]
    assert isinstance(c._transport, FastTransport)
    try:
        yield c
    finally:
        await c.aclose()


async def test_post_sends_one_well_formed_request_and_reuses_the_connection():
    async with Server([OK, OK, OK]) as srv, client() as c:
        for _ in range(3):
            resp = await c.post(srv.url, content=b'{"a":1}', headers={"Content-Type": "application/json"})
            assert resp.status_code == 200
            assert resp.text == "ok"
        assert srv.connections == 1
        first = srv.requests[0]
        assert first.startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
        assert b"\r\ncontent-type: application/json\r\n" in first.lower()
        assert b"\r\ncontent-length: 7\r\n" in first.lower()
        assert b"\r\nhost: 127.0.0.1:" in first.lower()
        assert first.endswith(b'\r\n\r\n{"a":1}')


async def test_chunked_and_gzip_bodies_and_headers_reach_httpx():
    payload = gzip.compress(b"hello world")
    chunked = (b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nX-A: 1\r\n\r\n"
               + f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n")
    async with Server([chunked, OK]) as srv, client() as c:
        resp = await c.get(srv.url)
        assert resp.status_code == 201
        assert resp.headers["x-a"] == "1"
        assert resp.text == "hello world"
        assert (await c.get(srv.url)).text == "ok"
        assert srv.connections == 1


async def test_body_delimited_by_close_and_connection_close_header():
    eof_body = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"
    async with Server([eof_body, OK], close_after={0}) as srv, client() as c:
        assert (await c.get(srv.url)).text == "until the end"
        assert (await c.get(srv.url)).text == "ok"
        assert srv.connections == 2


async def test_a_connection_the_server_closed_while_idle_is_replaced():
    async with Server([OK, OK], close_after={0}) as srv, client() as c:
        assert (await c.post(srv.url, content=b"1")).status_code == 200
        await asyncio.sleep(0.05)  # the server's FIN arrives while the connection idles
        assert (await c.post(srv.url, content=b"2")).status_code == 200
        assert srv.connections == 2


async def test_stale_connection_detected_only_on_use_is_retried_once():
    async with Server([OK, OK]) as srv, client() as c:
        transport = c._transport
        assert isinstance(transport, FastTransport)
        assert (await c.post(srv.url, content=b"1")).status_code == 200
        # Pretend the close was not seen yet: the next exchange meets a dead socket.
        (conn,) = next(iter(transport._idle.values()))
        assert conn.transport is not None
        conn.transport.abort()
        conn.closed = False
        await asyncio.sleep(0)
        conn.closed = False
        assert (await c.post(srv.url, content=b"2")).status_code == 200


async def test_connection_refused_reads_like_go():
    async with Server([]) as srv:
        port = srv.port
    async with client() as c:
        with pytest.raises(httpx.ConnectError, match=rf"dial tcp 127.0.0.1:{port}: connect: connection refused"):
            await c.post(f"http://127.0.0.1:{port}/", content=b"x")


async def test_read_timeout_and_truncated_response():
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(5)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with client(timeout=0.2) as c:
            with pytest.raises(httpx.ReadTimeout):
                await c.get(f"http://127.0.0.1:{port}/")
    finally:
        server.close()
    truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
    async with Server([truncated], close_after={0}) as srv, client() as c:
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get(srv.url)


async def test_garbage_is_a_protocol_error():
    async with Server([b"SMTP ready\r\n\r\n"], close_after={0}) as srv, client() as c:
        with pytest.raises(httpx.RemoteProtocolError, match="malformed HTTP response"):
            await c.get(srv.url)


async def test_head_requests_use_the_fallback_transport():
    seen: list[str] = []

    def fallback() -> httpx.AsyncBaseTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request.method)
            return httpx.Response(204)

        return httpx.MockTransport(handler)

    t = FastTransport(ssl_context=ssl.create_default_context(), fallback=fallback)
    async with httpx.AsyncClient(transport=t) as c:
        assert (await c.head("http://127.0.0.1:1/")).status_code == 204
    assert seen == ["HEAD"]


async def test_proxy_configs_keep_httpx_default_transport():
    c = new_client({"proxy_url": "http://127.0.0.1:3128"})
    try:
        assert not isinstance(c._transport, FastTransport)
    finally:
        await c.aclose()


async def test_cookies_are_not_kept_between_notifications_as_in_go():
    with_cookie = b"HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Path=/\r\nContent-Length: 0\r\n\r\n"
    async with Server([with_cookie, OK]) as srv, client() as c:
        await c.post(srv.url, content=b"1")
        await c.post(srv.url, content=b"2")
        assert b"cookie:" not in srv.requests[1].lower()


@pytest.mark.parametrize("http_config", [
    None,
    {"basic_auth": {"username": "u", "password": "p"}},
    {"authorization": {"credentials": "tok"}},
], ids=["plain", "basic", "bearer"])
async def test_post_json_short_way_writes_what_httpx_writes(http_config):
    from alertmanager.notify.http import post_json

    async with Server([OK, OK]) as srv:
        lean = new_client(http_config)
        full = new_client(http_config)
        full._lean = None  # the whole httpx request path
        try:
            assert lean._lean is not None
            for c in (lean, full):
                resp = await post_json(c, srv.url, b'{"x":1}')
                assert (resp.status_code, resp.text) == (200, "ok")
        finally:
            await lean.aclose()
            await full.aclose()
        assert srv.requests[0] == srv.requests[1]
        assert srv.requests[0].startswith(b"POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")


async def test_post_json_short_way_hands_redirects_to_httpx():
    from alertmanager.notify.http import post_json

    async with Server([OK]) as target:
        moved = f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {target.url}\r\nContent-Length: 0\r\n\r\n".encode()
        async with Server([moved, moved]) as srv, client() as c:
            resp = await post_json(c, srv.url, b"{}")
            assert resp.status_code == 200
            assert len(target.requests) == 1 and target.requests[0].endswith(b"\r\n\r\n{}")


def test_clients_that_need_httpx_do_not_take_the_short_way():
    assert new_client({"http_headers": {"X-A": {"values": ["1"]}}})._lean is None
    assert new_client({"proxy_url": "http://127.0.0.1:3128"})._lean is None
    assert new_client(None, transport=httpx.MockTransport(lambda r: httpx.Response(200)))._lean is None


@pytest.mark.parametrize("raw", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nContent-Type: application/json\r\n\r\n{\"ok\":1}\n",
    b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnope\r\n0\r\n\r\n",
    b"HTTP/1.1 500 Oops\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
    % (len(gzip.compress(b"broken")), gzip.compress(b"broken")),
], ids=["plain", "chunked", "gzip"])
async def test_post_json_short_way_answers_read_like_httpx(raw):
    from alertmanager.notify.http import post_json

    async with Server([raw, raw]) as srv:
        lean = new_client(None)
        full = new_client(None)
        full._lean = None
        try:
            got = [await post_json(c, srv.url, b"{}") for c in (lean, full)]
        finally:
            await lean.aclose()
            await full.aclose()
    short, httpx_way = got
    assert short.is_closed and short.is_stream_consumed
    for attr in ("status_code", "reason_phrase", "content", "text", "http_version"):
        assert getattr(short, attr) == getattr(httpx_way, attr), attr
    assert short.headers.multi_items() == httpx_way.headers.multi_items()
    assert short.read() == httpx_way.content
