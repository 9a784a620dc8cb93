"""The Starlette application: every route, under ``--web.route-prefix``, instrumented."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Lifespan

from alertmanager.api._deps import ApiDeps, SnsOptions
from alertmanager.api._fastpost import FastAlertsPost, FrontedStarlette
from alertmanager.api._http import json_response, text_response
from alertmanager.api._metrics import AlertsMetrics, HttpMetrics, InstrumentMiddleware
from alertmanager.api.ops import OpsResource
from alertmanager.api.sns import sns_routes
from alertmanager.api.v1 import v1_routes
from alertmanager.api.v2._view import AlertView
from alertmanager.api.v2.alerts import AlertsResource
from alertmanager.api.v2.groups import GroupsResource
from alertmanager.api.v2.receivers import ReceiversResource
from alertmanager.api.v2.silences import SilencesResource
from alertmanager.api.v2.status import StatusResource

__all__ = ["create_api", "normalize_prefix"]

Endpoint = Callable[[Request], Awaitable[Response]]


def normalize_prefix(prefix: str) -> str:
    """``--web.route-prefix`` as a path with a leading and no trailing slash; ``""`` for root."""
    prefix = prefix.strip()
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    return prefix.rstrip("/")


def _by_method(**handlers: Endpoint) -> Endpoint:
    """One endpoint per path, so a wrong method gets a 405 listing every allowed one."""

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return endpoint


def _v2_app(deps: ApiDeps, alerts: AlertsResource, view: AlertView) -> CORSMiddleware:
    silences = SilencesResource(deps)
    router = Router(routes=[
        Route("/status", StatusResource(deps).get, methods=["GET"]),
        Route("/receivers", ReceiversResource(deps).get, methods=["GET"]),
        Route("/alerts", _by_method(GET=alerts.get, POST=alerts.post), methods=["GET", "POST"]),
        Route("/alerts/groups", GroupsResource(deps, view).get, methods=["GET"]),
        Route("/silences", _by_method(GET=silences.list, POST=silences.post), methods=["GET", "POST"]),
        Route("/silence/{silence_id}", _by_method(GET=silences.get, DELETE=silences.delete),
              methods=["GET", "DELETE"]),
    ])
    # Upstream wraps the v2 API in rs/cors' defaults: any origin, simple methods.
    return CORSMiddleware(router, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD"],
                          allow_headers=["Origin", "Accept", "Content-Type", "X-Requested-With"])


def _sns_routes(deps: ApiDeps, sns: SnsOptions, alerts: AlertsResource) -> list[BaseRoute]:
    """The AMP bridge: SNS notifications ingested exactly as POST /api/v2/alerts would."""
    import httpx

    async def get(url: str) -> bytes:
        async with httpx.AsyncClient(timeout=10) as client:
            resp = await client.get(url)
            resp.raise_for_status()
            return resp.content

    def ingest(items: list[dict[str, Any]]) -> None:
        # Invalid alerts are counted (alertmanager_alerts_invalid_total) and dropped; raising
        # would only make SNS redeliver the same message.
        alerts.ingest_postable(items)

    registry = deps.registry if deps.registry is not None else CollectorRegistry()
    return list(sns_routes(ingest=ingest, allowed_topics=set(sns.topics) or None, clock=deps.clock,
                           http_get_cert=sns.http_get or get, registry=registry))


async def _not_found(request: Request, exc: Exception) -> Response:
    path = request.url.path
    if "/api/v2/" in path:
        return json_response({"code": 404, "message": f"path {path} was not found"}, 404)
    return text_response("404 page not found\n", 404)


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        methods = ",".join(m.strip() for m in allowed.split(",") if m.strip())
        if "/api/v2/" in request.url.path:
            return json_response(
                {"code": 405, "message": f"method {request.method} is not allowed, but [{methods}] are"}, 405)
        return text_response("Method Not Allowed\n", 405)
    if isinstance(exc, HTTPException) and exc.status_code == 404:
        return await _not_found(request, exc)
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    return text_response(str(getattr(exc, "detail", exc)), code)


def create_api(deps: ApiDeps, *, extra_routes: Sequence[BaseRoute] = (), lifespan: Lifespan[Any] | None = None
               ) -> Starlette:
    """The whole HTTP surface of the server, built from ``deps``.

    Args:
        deps: what the handlers are wired to.
        extra_routes: routes matched first, as given (the web UI, which applies the prefix itself).
        lifespan: the server's start-up and shut-down, run by the ASGI server.
    """
    prefix = normalize_prefix(deps.route_prefix)
    ops = OpsResource(deps, prefix)
    view = AlertView(deps)
    alerts = AlertsResource(deps, view, AlertsMetrics(deps.registry))
    routes: list[BaseRoute] = [
        Route("/", ops.index, methods=["GET"]),
        Route("/metrics", ops.metrics, methods=["GET"]),
        Route("/-/healthy", ops.healthy, methods=["GET"]),
        Route("/-/ready", ops.ready, methods=["GET"]),
        Route("/-/reload", ops.reload, methods=["POST"]),
        Mount("/api/v1", routes=v1_routes()),
        Mount("/api/v2", app=_v2_app(deps, alerts, view)),
    ]
    if deps.sns is not None:
        # Before the /api/v1 mount, whose every other path answers 410.
        routes[0:0] = _sns_routes(deps, deps.sns, alerts)
    if prefix:
        async def to_prefix(request: Request) -> Response:
            return RedirectResponse(prefix, status_code=302)

        routes = [Route("/", to_prefix, methods=["GET"]), Mount(prefix, routes=routes)]
    http_metrics = HttpMetrics(deps.registry)

    fast = FastAlertsPost(path=prefix + "/api/v2/alerts", respond=alerts.respond,
                          limit=deps.max_request_bytes, metrics=http_metrics)
    fast.reuse(alerts.accepted)
    return FrontedStarlette(
        front=fast,
        routes=[*extra_routes, *routes],
        lifespan=lifespan,
        middleware=[Middleware(InstrumentMiddleware, metrics=http_metrics, prefix=prefix or "/")],
        exception_handlers={HTTPException: _http_error},
    )
