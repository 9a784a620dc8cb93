"""The real Alertmanager 0.25 posts a webhook for known alerts; we record it as the golden file
and check that our webhook builds the same bytes for the same group.

Set ``AM_UPDATE_GOLDEN=1`` to rewrite ``tests/unit/notify/golden/webhook_v4_upstream.json``.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from procs import UPSTREAM_AM, running

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from receivers.webhook import build_payload

pytestmark = pytest.mark.integration

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "unit" / "notify" / "golden"


class _Sink(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]]
    arrived: threading.Event

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, dict(self.headers), body))
        self.arrived.set()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _parse_time(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def test_webhook_payload_matches_upstream(tmp_path):
    spec = json.loads((GOLDEN_DIR / "webhook_v4_input.json").read_text())
    handler = type("Sink", (_Sink,), {"received": [], "arrived": threading.Event()})
    sink = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        config = f"""
route:
  receiver: {json.dumps(spec["receiver"])}
  group_by: {json.dumps(spec["group_by"])}
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: {json.dumps(spec["receiver"])}
  webhook_configs:
  - url: http://127.0.0.1:{sink.server_address[1]}/hook
"""
        extra = [f"--web.external-url={spec['external_url']}"]
        with running([UPSTREAM_AM], tmp_path / "upstream", config, extra, name="upstream") as am:
            resp = httpx.post(am.url + "/api/v2/alerts", json=spec["alerts"], timeout=10)
            assert resp.status_code == 200, resp.text
            assert handler.arrived.wait(30), "upstream Alertmanager sent no webhook within 30 s"
    finally:
        sink.shutdown()
        sink.server_close()

    path, headers, body = handler.received[0]
    assert path == "/hook"
    assert headers["Content-Type"] == "application/json"
    upstream = json.loads(body)
    # Upstream clears a firing alert's end time at flush, so the whole payload is deterministic.
    assert upstream["groupKey"] == spec["group_key"]
    if os.environ.get("AM_UPDATE_GOLDEN") == "1":
        (GOLDEN_DIR / "webhook_v4_upstream.json").write_bytes(body)

    # Our payload for the same group, in the order upstream sent the alerts.
    by_fp = {}
    for a in spec["alerts"]:
        alert = Alert(
            labels=a["labels"],
            annotations=a["annotations"],
            starts_at=_parse_time(a["startsAt"]),
            ends_at=_parse_time(a["endsAt"]) if "endsAt" in a else None,
            generator_url=a["generatorURL"],
        )
        by_fp[alert.fingerprint_hex] = alert
    alerts = [by_fp[a["fingerprint"]] for a in upstream["alerts"]]
    ctx = NotifyContext(
        group_key=spec["group_key"],
        receiver=spec["receiver"],
        group_labels={k: alerts[0].labels[k] for k in spec["group_by"]},
        now=datetime.now(UTC),
        repeat_interval=timedelta(hours=1),
    )
    ours = go_json(build_payload(ctx, alerts, external_url=spec["external_url"]))
    assert json.loads(ours) == upstream
    assert ours == body
