"""Group keys and the alerts in each group equal what the real Alertmanager 0.25 sends.

The real server routes a set of alerts through a tree with legacy ``match``/``match_re``,
``matchers`` of every operator, ``continue``, ``group_by`` lists and ``[...]``, and posts one
webhook per group; our route tree and ``group_key`` must produce the same keys, and the same
alerts per key.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from procs import UPSTREAM_AM, running

from alertmanager.config import load
from alertmanager.dispatch.group import group_key
from alertmanager.dispatch.route import Route

pytestmark = pytest.mark.integration

CONFIG = """
route:
  receiver: root
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1h
  repeat_interval: 1h
  routes:
  - match: {team: db}
    match_re: {service: 'pg|my.*'}
    receiver: db
    group_by: [alertname, service]
    continue: true
  - matchers: ['severity=~"crit.*"', 'env!="dev"', 'owner!~"bot|ci"']
    receiver: crit
    group_by: ['...']
  - matchers: ['team="web"']
    receiver: web
    routes:
    - matchers: ['path="/a \\"quoted\\""']
      receiver: web-quoted
  - receiver: rest
    group_by: [cluster, alertname]
receivers:
- name: root
  webhook_configs: [{url: 'URL'}]
- name: db
  webhook_configs: [{url: 'URL'}]
- name: crit
  webhook_configs: [{url: 'URL'}]
- name: web
  webhook_configs: [{url: 'URL'}]
- name: web-quoted
  webhook_configs: [{url: 'URL'}]
- name: rest
  webhook_configs: [{url: 'URL'}]
"""

ALERTS = [
    {"alertname": "DBDown", "team": "db", "service": "pg", "severity": "critical", "env": "prod"},
    {"alertname": "DBDown", "team": "db", "service": "mysql", "instance": "i1"},
    {"alertname": "DBDown", "team": "db", "service": "mysql", "instance": "i2"},
    {"alertname": "Disk", "severity": "crit", "env": "prod", "note": 'a "b" \\ c'},
    {"alertname": "Web", "team": "web", "path": '/a "quoted"'},
    {"alertname": "Web", "team": "web", "path": "/b"},
    {"alertname": "Other", "cluster": "eu"},
    {"alertname": "Other", "cluster": "us", "severity": "critical", "env": "dev"},
]


class _Sink(BaseHTTPRequestHandler):
    received: list[dict[str, object]]
    lock: threading.Lock

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.lock:
            self.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _ours(config_text: str) -> dict[str, set[frozenset[tuple[str, str]]]]:
    tree = Route.from_config(load(config_text).route)
    out: dict[str, set[frozenset[tuple[str, str]]]] = {}
    for labels in ALERTS:
        for r in tree.match(labels):
            out.setdefault(group_key(r, r.group_labels(labels)), set()).add(frozenset(labels.items()))
    return out


def test_group_keys_match_upstream(tmp_path):
    handler = type("Sink", (_Sink,), {"received": [], "lock": threading.Lock()})
    sink = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    config = CONFIG.replace("URL", f"http://127.0.0.1:{sink.server_address[1]}/hook")
    expected = _ours(config)
    try:
        with running([UPSTREAM_AM], tmp_path / "upstream", config, name="upstream") as am:
            now = datetime.now(UTC)
            payload = [
                {"labels": labels, "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat()}
                for labels in ALERTS
            ]
            resp = httpx.post(am.url + "/api/v2/alerts", json=payload, timeout=10)
            assert resp.status_code == 200, resp.text
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with handler.lock:
                    if len(handler.received) >= len(expected):
                        break
                time.sleep(0.05)
    finally:
        sink.shutdown()
        sink.server_close()

    theirs: dict[str, set[frozenset[tuple[str, str]]]] = {}
    for msg in handler.received:
        alerts = msg["alerts"]
        assert isinstance(alerts, list)
        theirs[str(msg["groupKey"])] = {frozenset(a["labels"].items()) for a in alerts}
    assert theirs == expected
    assert len(expected) >= 8
