"""The uvicorn protocol that answers plain alerts POSTs itself writes what uvicorn's ASGI path
writes, and leaves every other request to that path."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import uvicorn
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from alertmanager.api import FastAlertsPost
from alertmanager.api._http import error_response
from alertmanager.cli._protocol import alerts_post_protocol

ACCEPTED = Response(status_code=200, headers={"Cache-Control": "no-store"})


class FakeTransport:
    def __init__(self) -> None:
        self.out: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.out.append(data)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 9093), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def written(self) -> bytes:
        data = b"".join(self.out)
        self.out.clear()
        return data


class Setup:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.slow: list[str] = []

        def respond(body: bytes) -> Response:
            self.bodies.append(body)
            if body == b"boom":
                raise RuntimeError("boom")
            return ACCEPTED if body.startswith(b"[") else error_response("bad body")

        async def behind(scope: Scope, receive: Receive, send: Send) -> None:
            # Only requests the fast way does not take reach this.
            while (await receive()).get("more_body"):
                pass
            self.slow.append(f"{scope['method']} {scope['path']}")
            await PlainTextResponse("slow way")(scope, receive, send)

        self.front = FastAlertsPost(behind, path="/api/v2/alerts", respond=respond, limit=100)
        self.front.reuse(ACCEPTED)
        self.short_way = 0  # requests answered through front.handle, from the parser's callback
        handle = self.front.handle

        def counted(body: bytes) -> Response:
            self.short_way += 1
            return handle(body)

        self.front.handle = counted  # type: ignore[method-assign]
        self.state = ServerState()
        self.state.default_headers = [(b"date", b"Tue, 24 Nov 2026 20:00:00 GMT")]

    def connect(self, cls: type[HttpToolsProtocol]) -> tuple[HttpToolsProtocol, FakeTransport]:
        config = uvicorn.Config(self.front, http=cls, lifespan="off", log_config=None, server_header=False)
        config.load()
        proto = cls(config, self.state, {})
        transport = FakeTransport()
        proto.connection_made(transport)  # type: ignore[arg-type]
        return proto, transport


async def exchange(proto: HttpToolsProtocol, transport: FakeTransport, *chunks: bytes) -> bytes:
    for chunk in chunks:
        proto.data_received(chunk)
    for _ in range(20):  # let uvicorn's ASGI tasks finish
        await asyncio.sleep(0)
    return transport.written()


def post(body: bytes, path: str = "/api/v2/alerts", extra: bytes = b"") -> bytes:
    return (b"POST " + path.encode() + b" HTTP/1.1\r\nHost: am\r\nContent-Type: application/json\r\n" + extra
            + b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.mark.parametrize("body", [b'[{"labels":{"a":"1"}}]', b"{}"], ids=["accepted", "refused"])
async def test_answers_exactly_as_uvicorn_asgi_path(body: bytes) -> None:
    s = Setup()
    fast, fast_t = s.connect(alerts_post_protocol(s.front))
    std, std_t = s.connect(HttpToolsProtocol)
    via_asgi = await exchange(std, std_t, post(body))
    s.bodies.clear()
    # Handled inside data_received, no task; the answer is written on the loop's next pass.
    fast.data_received(post(body))
    assert s.bodies == [body] and s.short_way == 1
    assert fast_t.written() == b""
    await asyncio.sleep(0)
    assert fast_t.written() == via_asgi
    assert via_asgi.startswith(b"HTTP/1.1 200 OK\r\n" if body.startswith(b"[") else b"HTTP/1.1 400 Bad Request\r\n")
    assert b"date: Tue, 24 Nov 2026 20:00:00 GMT\r\n" in via_asgi
    assert not fast_t.closed and fast.timeout_keep_alive_task is not None
    assert s.state.total_requests == 2
    fast.connection_lost(None)


async def test_body_in_pieces_and_pipelined_requests_keep_their_order() -> None:
    s = Setup()
    proto, transport = s.connect(alerts_post_protocol(s.front))
    body = b'[{"labels":{"a":"1"}}]'
    raw = post(body)
    out = await exchange(proto, transport, raw[:30], raw[30:-5], raw[-5:])
    assert out.startswith(b"HTTP/1.1 200 OK") and s.bodies == [body]
    # A POST, a GET and a POST in one read: answered in order. The GET goes the slow way, and
    # so does the POST queued behind it while it is in progress.
    get = b"GET /api/v2/status HTTP/1.1\r\nHost: am\r\n\r\n"
    out = await exchange(proto, transport, post(b"[1]") + get + post(b"[2]"))
    assert out.count(b"HTTP/1.1 200 OK") == 3
    assert out.index(b"slow way") < out.rindex(b"HTTP/1.1 200 OK")
    assert s.bodies == [body, b"[1]", b"[2]"] and s.short_way == 2
    assert s.slow == ["GET /api/v2/status"]
    proto.connection_lost(None)


@pytest.mark.parametrize("raw", [
    post(b"[]", path="/api/v2/alerts?x=1"),
    post(b"[]", path="/api/v2/alertsx"),
    post(b"[]", extra=b"Origin: http://ui.example\r\n"),
    post(b"[]", extra=b"Connection: close\r\n"),
    post(b"[]", extra=b"Expect: 100-continue\r\n"),
    post(b"[" + b" " * 200 + b"]"),  # over the limit: the slow way answers 413
    b"POST /api/v2/alerts HTTP/1.1\r\nHost: am\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n",
    b"POST /api/v2/alerts HTTP/1.0\r\nHost: am\r\nContent-Length: 2\r\n\r\n[]",
], ids=["query", "other-path", "cors", "close", "expect", "too-large", "chunked", "http10"])
async def test_unusual_requests_take_uvicorns_way(raw: bytes) -> None:
    s = Setup()
    proto, transport = s.connect(alerts_post_protocol(s.front))
    out = await exchange(proto, transport, raw)
    assert s.short_way == 0
    assert out.startswith(b"HTTP/1.1 ")
    assert s.state.total_requests == 1
    proto.connection_lost(None)


async def test_a_failing_handler_answers_500_and_closes() -> None:
    s = Setup()
    proto, transport = s.connect(alerts_post_protocol(s.front))
    proto.data_received(post(b"boom"))
    out = transport.written()
    assert out.startswith(b"HTTP/1.1 500 Internal Server Error\r\n") and out.endswith(b"Internal Server Error")
    assert transport.closed


async def test_work_the_post_made_due_runs_before_the_answer_is_written() -> None:
    s = Setup()
    proto, transport = s.connect(alerts_post_protocol(s.front))
    order: list[str] = []
    handle = s.front.handle

    def respond_and_start_a_flush(body: bytes) -> Response:
        # What the dispatcher does for a group due at once: a task, started while handling.
        async def flush() -> None:
            order.append(f"flush, answer written: {bool(transport.out)}")

        asyncio.get_running_loop().create_task(flush())
        return handle(body)

    s.front.handle = respond_and_start_a_flush  # type: ignore[method-assign]
    out = await exchange(proto, transport, post(b'[{"labels":{"a":"1"}}]'))
    assert order == ["flush, answer written: False"]
    assert out.startswith(b"HTTP/1.1 200 OK")


async def test_an_answer_for_a_connection_closed_meanwhile_is_dropped() -> None:
    s = Setup()
    proto, transport = s.connect(alerts_post_protocol(s.front))
    proto.data_received(post(b'[{"labels":{"a":"1"}}]'))
    transport.close()
    await asyncio.sleep(0)
    assert transport.out == []
