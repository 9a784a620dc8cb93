"""Operational endpoints: ``/-/healthy``, ``/-/ready``, ``/-/reload``, ``/metrics`` and ``/``."""

from __future__ import annotations

from html import escape

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from alertmanager.api._deps import ApiDeps
from alertmanager.api._http import text_response

__all__ = ["OpsResource"]

_INDEX = """<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Alertmanager</title></head>
  <body>
    <h1>Alertmanager</h1>
    <p>The web UI is not available yet. The API is served at <a href="{api}">{api}</a>.</p>
  </body>
</html>
"""


class OpsResource:
    def __init__(self, deps: ApiDeps, prefix: str) -> None:
        self._deps = deps
        self._prefix = prefix

    async def healthy(self, request: Request) -> Response:
        return text_response("OK")

    async def ready(self, request: Request) -> Response:
        if not self._deps.ready():
            return text_response("Service Unavailable", 503)
        return text_response("OK")

    async def reload(self, request: Request) -> Response:
        if self._deps.reload is None:
            return text_response("failed to reload config: reloading is not supported\n", 500)
        try:
            await self._deps.reload()
        except Exception as e:  # noqa: BLE001 - any refusal is reported, the old config stays
            return text_response(f"failed to reload config: {e}\n", 500)
        return Response(status_code=200)

    async def metrics(self, request: Request) -> Response:
        registry = self._deps.registry if self._deps.registry is not None else REGISTRY
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    async def index(self, request: Request) -> Response:
        return HTMLResponse(_INDEX.format(api=escape(self._prefix + "/api/v2/status")))
