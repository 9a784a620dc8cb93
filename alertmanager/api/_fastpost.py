"""A short way in for ``POST /api/v2/alerts``, the request Prometheus sends all day long.

Routing, the CORS wrapper and Starlette's request objects cost more than ingesting one alert,
so this middleware answers the POST itself with the same handler code (``AlertsResource``).
Requests carrying an ``Origin`` header still go the long way, so CORS answers them as before.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from alertmanager.api._http import BodyTooLarge, error_response

__all__ = ["FastAlertsPost"]


class FastAlertsPost:
    """Answers ``POST <path>`` with ``respond(body)``; everything else goes to ``app``.

    Args:
        app: the application behind.
        path: the full route path of the alerts endpoint (route prefix included).
        respond: the answer to a body that is within ``limit`` bytes.
        limit: larger bodies get a 413, as ``read_body`` answers them.
    """

    def __init__(self, app: ASGIApp, *, path: str, respond: Callable[[bytes], Response], limit: int) -> None:
        self.app = app
        self._path = path
        self._respond = respond
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not self._ours(scope):
            await self.app(scope, receive, send)
            return
        limit = self._limit
        for name, value in scope["headers"]:
            if name == b"origin":
                await self.app(scope, receive, send)
                return
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._too_large(scope, receive, send)
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
                    await self._too_large(scope, receive, send)
                    return
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        await self._respond(body)(scope, receive, send)

    def _ours(self, scope: Scope) -> bool:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        return path == self._path

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(str(BodyTooLarge(self._limit)), 413)
        await response(scope, receive, send)
