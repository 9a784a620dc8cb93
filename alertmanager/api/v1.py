"""``/api/v1``: removed upstream in 0.27; every former route answers 410 with upstream's notice."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alertmanager.api._http import json_response

__all__ = ["v1_routes"]

_NOTICE = {
    "status": "deprecated",
    "error": "The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 "
    "- please use the equivalent route in the v2 API",
}


async def _gone(request: Request) -> Response:
    return json_response(_NOTICE, 410)


def v1_routes() -> list[Route]:
    """The routes upstream's ``V1DeprecationRouter`` registers, relative to ``/api/v1``."""
    return [
        Route("/status", _gone, methods=["GET"]),
        Route("/receivers", _gone, methods=["GET"]),
        Route("/alerts", _gone, methods=["GET", "POST"]),
        Route("/silences", _gone, methods=["GET", "POST"]),
        Route("/silence/{sid}", _gone, methods=["GET", "DELETE"]),
    ]
