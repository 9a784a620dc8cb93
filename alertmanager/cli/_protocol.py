"""uvicorn's httptools protocol, answering ``POST /api/v2/alerts`` as soon as its body is in.

Prometheus sends alerts one small POST after another. Through ASGI each costs a request
cycle, a task, and a dozen coroutine calls before the handler runs: about as much CPU as
parsing and storing the alerts. This protocol hands a complete, plain alerts POST straight
to ``FastAlertsPost.handle`` from the parser's callback and writes the answer itself, the same
bytes uvicorn would write. Anything unusual (another path, a query string, chunked or
oversized bodies, ``Expect: 100-continue``, ``Origin`` for CORS, ``Connection: close``,
HTTP/1.0, a request pipelined behind one still in progress) takes uvicorn's own path.

The answer is written on the loop's next pass rather than at once: a flush the alerts made
due (``group_wait: 0s``, or an alert already older than it) is queued by then and goes first,
so its notification is on the wire before the sender is woken by its answer. On a shared
machine the woken sender would otherwise take the CPU in the middle of that flush.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.responses import Response
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from alertmanager.api import FastAlertsPost

__all__ = ["alerts_post_protocol"]

_log = logging.getLogger("uvicorn.error")

_INTERNAL_ERROR = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 21\r\nconnection: close\r\n\r\nInternal Server Error"
)


class _RawAnswers:
    """A Response as the bytes uvicorn writes for it, minus the default (date) headers."""

    def __init__(self) -> None:
        self._cached: dict[int, tuple[Response, bytes, bytes]] = {}

    def keep(self, response: Response) -> None:
        """Serialise ``response`` once (an answer that is returned again and again)."""
        self._cached[id(response)] = (response, *self._parts(response))

    def encode(self, response: Response, default_headers: list[tuple[bytes, bytes]]) -> bytes:
        cached = self._cached.get(id(response))
        if cached is not None and cached[0] is response:
            status, rest = cached[1], cached[2]
        else:
            status, rest = self._parts(response)
        out = [status]
        for name, value in default_headers:
            out += [name, b": ", value, b"\r\n"]
        out.append(rest)
        return b"".join(out)

    @staticmethod
    def _parts(response: Response) -> tuple[bytes, bytes]:
        rest = [name.lower() + b": " + value + b"\r\n" for name, value in response.raw_headers]
        rest += [b"\r\n", bytes(response.body)]
        return STATUS_LINE[response.status_code], b"".join(rest)


def _write(transport: asyncio.Transport, data: bytes) -> None:
    if not transport.is_closing():
        transport.write(data)


def alerts_post_protocol(front: FastAlertsPost) -> type[HttpToolsProtocol]:
    """An ``HttpToolsProtocol`` class (uvicorn's ``http=``) with ``front``'s short way in."""
    target = front.path.encode("ascii")
    limit = front.limit
    answers = _RawAnswers()
    for response in front.reused:
        answers.keep(response)

    class AlertsPostProtocol(HttpToolsProtocol):
        def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                     _loop: Any = None) -> None:
            super().__init__(config, server_state, app_state, _loop)
            self._raw_body: list[bytes] | None = None

        def on_headers_complete(self) -> None:
            if self.url == target and self._plain_post():
                self._raw_body = []
                return
            self._raw_body = None
            super().on_headers_complete()

        def _plain_post(self) -> bool:
            parser = self.parser
            if parser.get_method() != b"POST" or parser.get_http_version() != "1.1":
                return False
            if not parser.should_keep_alive() or parser.should_upgrade() or self.pipeline:
                return False
            if self.cycle is not None and not self.cycle.response_complete:
                return False
            length = -1
            for name, value in self.headers:
                if name == b"content-length":
                    if length >= 0 or not value.isdigit():
                        return False
                    length = int(value)
                elif name in (b"origin", b"transfer-encoding", b"expect"):
                    return False
            return 0 <= length <= limit

        def on_body(self, body: bytes) -> None:
            if self._raw_body is not None:
                self._raw_body.append(body)
            else:
                super().on_body(body)

        def on_message_complete(self) -> None:
            chunks = self._raw_body
            if chunks is None:
                super().on_message_complete()
                return
            self._raw_body = None
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            try:
                raw = answers.encode(front.handle(body), self.server_state.default_headers)
            except Exception:
                _log.exception("Exception in ASGI application")
                self.transport.write(_INTERNAL_ERROR)
                self.transport.close()
                return
            self.loop.call_soon(_write, self.transport, raw)
            self.server_state.total_requests += 1
            if not self.transport.is_closing():
                self._unset_keepalive_if_required()
                self.timeout_keep_alive_task = self.loop.call_later(
                    self.timeout_keep_alive, self.timeout_keep_alive_handler)

    return AlertsPostProtocol
