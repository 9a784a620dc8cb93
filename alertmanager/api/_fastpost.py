"""A short way in for ``POST /api/v2/alerts``, the request Prometheus sends all day long.

Routing, the CORS wrapper, Starlette's middleware layers and request objects cost more than
ingesting one alert, so this front answers the POST itself with the same handler code
(``AlertsResource``), before the application's middleware stack, and records the request in
``HttpMetrics`` as ``InstrumentMiddleware`` would. Requests carrying an ``Origin`` header still
go the long way, so CORS answers them as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alertmanager.api._http import BodyTooLarge, error_response
from alertmanager.api._metrics import HttpMetrics, handler_label

__all__ = ["FastAlertsPost", "FrontedStarlette"]


class FastAlertsPost:
    """Answers ``POST <path>`` with ``respond(body)``; everything else goes to ``app``.

    Args:
        app: the application behind (``FrontedStarlette`` sets it when it builds its stack).
        path: the full route path of the alerts endpoint (route prefix included).
        respond: the answer to a body that is within ``limit`` bytes.
        limit: larger bodies get a 413, as ``read_body`` answers them.
        metrics: where the requests answered here are recorded (the handler is the alerts route).
    """

    def __init__(self, app: ASGIApp | None = None, *, path: str, respond: Callable[[bytes], Response], limit: int,
                 metrics: HttpMetrics | None = None) -> None:
        self.app: ASGIApp = app if app is not None else _not_mounted
        self.path = path
        self.limit = limit
        self._respond = respond
        self._metrics = metrics
        self._handler = handler_label("/api/v2/alerts")
        self._messages: dict[int, tuple[Response, Message, Message]] = {}

    def reuse(self, response: Response) -> None:
        """Send ``response`` (an answer ``respond`` returns again and again, unchanged and
        without background work) from ASGI messages built once."""
        self._messages[id(response)] = (
            response,
            {"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers},
            {"type": "http.response.body", "body": response.body},
        )

    @property
    def reused(self) -> list[Response]:
        """The answers given to ``reuse``."""
        return [messages[0] for messages in self._messages.values()]

    def handle(self, body: bytes) -> Response:
        """The answer to a POST of ``body`` (within the limit), recorded in the metrics: for a
        server that parses the request itself (``alertmanager.cli._protocol``)."""
        start = time.perf_counter()
        response = self._respond(body)
        if self._metrics is not None:
            self._metrics.observe(self._handler, "post", time.perf_counter() - start, len(response.body))
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not self._ours(scope):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        limit = self.limit
        for name, value in scope["headers"]:
            if name == b"origin":
                await self.app(scope, receive, send)
                return
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._answer(self._too_large(), scope, receive, send, start)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away: nobody to answer
            chunk: bytes = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    await self._answer(self._too_large(), scope, receive, send, start)
                    return
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        await self._answer(self._respond(body), scope, receive, send, start)

    async def _answer(self, response: Response, scope: Scope, receive: Receive, send: Send, start: float) -> None:
        try:
            messages = self._messages.get(id(response))
            if messages is not None and messages[0] is response:
                # The shared "accepted" answer: its two ASGI messages are built once.
                await send(messages[1])
                await send(messages[2])
            else:
                await response(scope, receive, send)
        finally:
            if self._metrics is not None:
                self._metrics.observe(self._handler, "post", time.perf_counter() - start, len(response.body))

    def _ours(self, scope: Scope) -> bool:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        return path == self.path

    def _too_large(self) -> Response:
        return error_response(str(BodyTooLarge(self.limit)), 413)


async def _not_mounted(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("FastAlertsPost has no application behind it")


class FrontedStarlette(Starlette):
    """A Starlette application whose middleware stack sits behind ``front``, so the front's
    requests skip every Starlette layer. A server may also hand the front's requests to it
    directly (``front.handle``)."""

    def __init__(self, *, front: FastAlertsPost, **kwargs: object) -> None:
        self.front = front
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def build_middleware_stack(self) -> ASGIApp:
        self.front.app = super().build_middleware_stack()
        return self.front
