"""Shared by the receiver tests: configs through the real loader, a group of alerts, an HTTP sink."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import yaml

from alertmanager.config import load
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.notifier import NotifierDeps

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GROUP_KEY = '{}:{alertname="Disk"}'
EXTERNAL_URL = "http://am.example:9093"

GLOBALS = {
    "slack_api_url": "http://slack.example/hook/SECRETHOOK",
    "smtp_smarthost": "127.0.0.1:2525",
    "smtp_from": "am@example.org",
    "smtp_require_tls": False,
}


def load_conf(key: str, entry: dict[str, Any], glob: dict[str, Any] | None = None) -> Any:
    """One ``<key>`` entry parsed by the real config loader (defaults and globals applied)."""
    doc = {
        "global": {**GLOBALS, **(glob or {})},
        "route": {"receiver": "team-x"},
        "receivers": [{"name": "team-x", key: [entry]}],
    }
    return load(yaml.safe_dump(doc)).receivers[0].integrations[key][0]


def alerts(n_firing: int = 2, n_resolved: int = 0) -> list[Alert]:
    out = []
    for i in range(n_firing + n_resolved):
        resolved = i >= n_firing
        out.append(Alert(
            labels={"alertname": "Disk", "instance": f"host-{i}", "severity": "page"},
            annotations={"summary": f"disk full on host-{i}", "description": "ünïcode <b>&</b>"},
            starts_at=T0 - timedelta(minutes=10),
            ends_at=T0 - timedelta(minutes=1) if resolved else None,
            generator_url=f"http://prom.example/graph?g0.expr=up&i={i}",
        ))
    return out


def ctx(receiver: str = "team-x", group_key: str = GROUP_KEY) -> NotifyContext:
    return NotifyContext(group_key=group_key, receiver=receiver, group_labels={"alertname": "Disk"}, now=T0,
                         repeat_interval=timedelta(hours=4))


class Sink:
    """An ``httpx.MockTransport`` handler that records requests and answers with queued responses."""

    def __init__(self, *responses: httpx.Response | int) -> None:
        self.responses = list(responses) or [200]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        r = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(r, int):
            return httpx.Response(r, text="ok" if r < 300 else "boom")
        return httpx.Response(r.status_code, headers=r.headers, content=r.content)

    def deps(self) -> NotifierDeps:
        return NotifierDeps(external_url=EXTERNAL_URL, transport=httpx.MockTransport(self))

    def json(self, i: int = -1) -> Any:
        return json.loads(self.requests[i].content)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
