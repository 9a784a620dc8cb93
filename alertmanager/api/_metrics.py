"""The API's metrics (upstream names) and the ASGI middleware that times every request."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Gauge
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alertmanager.loopmetrics import HistogramChild, LoopCounter, LoopHistogram

__all__ = ["AlertsMetrics", "HttpMetrics", "InstrumentMiddleware"]

_DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 20, 60)
_SIZE_BUCKETS = tuple(float(100 * 10**i) for i in range(7))

_KNOWN_PATHS = frozenset({
    "/", "/metrics", "/-/healthy", "/-/ready", "/-/reload",
    "/api/v2/status", "/api/v2/receivers", "/api/v2/alerts", "/api/v2/alerts/groups",
    "/api/v2/silences", "/api/v1/status", "/api/v1/receivers", "/api/v1/alerts", "/api/v1/silences",
})


def handler_label(path: str) -> str:
    """The ``handler`` label: the route, silence ids folded into a placeholder."""
    if path.startswith("/api/v2/silence/"):
        return "/api/v2/silence/{silenceID}"
    if path.startswith("/api/v1/silence/"):
        return "/api/v1/silence/{silenceID}"
    stripped = path.rstrip("/") or "/"
    return stripped if stripped in _KNOWN_PATHS else "other"


class AlertsMetrics:
    """``alertmanager_alerts_received_total`` and ``alertmanager_alerts_invalid_total`` (v2)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        received = LoopCounter("alertmanager_alerts_received_total", "The total number of received alerts.",
                           ["version", "status"], registry=registry)
        self.firing = received.labels("v2", "firing")
        self.resolved = received.labels("v2", "resolved")
        self.invalid = LoopCounter("alertmanager_alerts_invalid_total",
                               "The total number of received alerts that were invalid.",
                               ["version"], registry=registry).labels("v2")


class HttpMetrics:
    """Request duration and response size per handler and method, and GETs in flight."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        # Observed on every request, from the event loop only: the lock-free families.
        self.duration = LoopHistogram("alertmanager_http_request_duration_seconds",
                                      "Histogram of latencies for HTTP requests.", ["handler", "method"],
                                      buckets=_DURATION_BUCKETS, registry=registry)
        self.size = LoopHistogram("alertmanager_http_response_size_bytes",
                                  "Histogram of response size for HTTP requests.", ["handler", "method"],
                                  buckets=_SIZE_BUCKETS, registry=registry)
        self.in_flight = Gauge("alertmanager_http_requests_in_flight",
                               "Current number of HTTP requests being processed.", ["method"],
                               registry=registry).labels("get")
        self._children: dict[tuple[str, str], tuple[HistogramChild, HistogramChild]] = {}

    def observe(self, handler: str, method: str, seconds: float, size: int) -> None:
        """Record one request (the labelled children are looked up once per handler and method)."""
        key = (handler, method)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self.duration.labels(handler, method),
                                              self.size.labels(handler, method))
        children[0].observe(seconds)
        children[1].observe(size)


class InstrumentMiddleware:
    """Observes every HTTP request into ``HttpMetrics``; ``prefix`` is cut from the path."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics, prefix: str) -> None:
        self.app = app
        self.metrics = metrics
        self.prefix = "" if prefix == "/" else prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if self.prefix and path.startswith(self.prefix):
            path = path[len(self.prefix):] or "/"
        method = scope["method"].lower()
        size = 0

        async def counting_send(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        is_get = method == "get"
        if is_get:
            self.metrics.in_flight.inc()
        start = time.perf_counter()
        try:
            await self.app(scope, receive, counting_send)
        finally:
            if is_get:
                self.metrics.in_flight.dec()
            self.metrics.observe(handler_label(path), method, time.perf_counter() - start, size)
