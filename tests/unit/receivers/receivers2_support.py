"""Shared by the RECEIVERS-2 notifier tests: configs via the real loader, alert groups, a recording sink."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import yaml

from alertmanager.config import load
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.notifier import NotifierDeps

NOW = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
GROUP_KEY = '{}:{alertname="HighLatency"}'
GROUP_KEY_HASH = "d4061866bc333de2350285b0452a21f78349e3d63b4f06b6c956f64f95d7be36"  # sha256(GROUP_KEY)
EXTERNAL = "http://am.example:9093"

Responder = httpx.Response | int | Callable[[httpx.Request], httpx.Response]


def conf(key: str, entry: dict[str, Any], glob: dict[str, Any] | None = None) -> Any:
    """One ``<key>`` entry as the real loader builds it (defaults and globals applied)."""
    doc = {"global": glob or {}, "route": {"receiver": "ops"},
           "receivers": [{"name": "ops", key: [entry]}]}
    return load(yaml.safe_dump(doc)).receivers[0].integrations[key][0]


def group(firing: int = 2, resolved: int = 0) -> list[Alert]:
    """``firing`` firing then ``resolved`` resolved alerts of one group."""
    return [
        Alert(labels={"alertname": "HighLatency", "instance": f"web-{i}", "severity": "critical"},
              annotations={"summary": f"p99 high on web-{i}"},
              starts_at=NOW - timedelta(minutes=15),
              ends_at=NOW - timedelta(minutes=2) if i >= firing else None,
              generator_url=f"http://prom.example/graph?i={i}")
        for i in range(firing + resolved)
    ]


def ctx(receiver: str = "ops") -> NotifyContext:
    return NotifyContext(group_key=GROUP_KEY, receiver=receiver, group_labels={"alertname": "HighLatency"},
                         now=NOW, repeat_interval=timedelta(hours=4))


class Sink:
    """An ``httpx.MockTransport`` handler recording requests; answers from a queue (last one repeats)."""

    def __init__(self, *responses: Responder) -> None:
        self.responses: list[Responder] = list(responses) or [200]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        r = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(r, int):
            return httpx.Response(r, text="ok" if r < 300 else "upstream says no")
        if isinstance(r, httpx.Response):
            return httpx.Response(r.status_code, headers=r.headers, content=r.content)
        return r(request)

    def deps(self, template: object | None = None) -> NotifierDeps:
        return NotifierDeps(external_url=EXTERNAL, transport=httpx.MockTransport(self), template=template)

    def json(self, i: int = -1) -> Any:
        return json.loads(self.requests[i].content)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def raise_connect(request: httpx.Request) -> httpx.Response:
    """A transport failure whose message would contain the URL if it were not redacted."""
    raise httpx.ConnectError(f"cannot reach {request.url}", request=request)
