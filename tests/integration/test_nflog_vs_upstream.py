"""Our notification-log file and Go's are the same format: the real Alertmanager 0.25 reads an
entry we wrote (and so does not notify that group again), and we read the snapshot it writes."""

from __future__ import annotations

import json
import signal
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from procs import UPSTREAM_AM, start_server, wait_until
from prometheus_client import CollectorRegistry

from alertmanager.nflog import NotificationLog
from alertmanager.notify.dedup import ReceiverKey, hash_alert

pytestmark = pytest.mark.integration

LABELS_A = {"alertname": "AlreadySent", "job": "x"}
LABELS_B = {"alertname": "Control", "job": "x"}
RECEIVER = ReceiverKey("sink", "webhook", 0)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _nflog(storage) -> NotificationLog:
    return NotificationLog(clock=_utcnow, retention=timedelta(hours=120), storage_dir=storage,
                           registry=CollectorRegistry())


def _metric(url: str, name: str) -> float:
    for line in httpx.get(url + "/metrics", timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def test_go_reads_our_nflog_and_we_read_gos(tmp_path):
    received: list[dict] = []

    class Sink(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()

    workdir = tmp_path / "go"
    storage = workdir / "data"
    storage.mkdir(parents=True)
    ours = _nflog(storage)
    key_a = '{}:{alertname="AlreadySent"}'
    ours.log(RECEIVER, key_a, [hash_alert(LABELS_A)], [], expiry=timedelta(hours=2))
    written = ours.query(key_a, RECEIVER)
    ours.close()

    config = f"""
route:
  receiver: sink
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: sink
  webhook_configs:
  - url: http://127.0.0.1:{sink.server_address[1]}/
"""
    am = start_server([UPSTREAM_AM], workdir, config, name="upstream")
    try:
        starts = (_utcnow() - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
        r = httpx.post(am.url + "/api/v2/alerts", timeout=10,
                       json=[{"labels": LABELS_A, "startsAt": starts}, {"labels": LABELS_B, "startsAt": starts}])
        assert r.status_code == 200
        # Both groups have been through the dedup stage once they queried the log twice.
        wait_until(lambda: _metric(am.url, "alertmanager_nflog_queries_total") >= 2, timeout=30,
                   what="both groups to query the notification log")
        wait_until(lambda: received, timeout=30, what="the control group's notification")
        assert am.stop(signal.SIGTERM) == 0  # writes the final snapshot
    finally:
        am.stop(signal.SIGKILL)
        sink.shutdown()
        sink.server_close()

    assert [b["groupKey"] for b in received] == ['{}:{alertname="Control"}']
    theirs = _nflog(storage)
    a = theirs.query(key_a, RECEIVER)
    assert a is not None and a.timestamp_ns == written.timestamp_ns  # ours, untouched: Go did not re-send
    b = theirs.query('{}:{alertname="Control"}', RECEIVER)
    assert b is not None and b.firing_alerts == {hash_alert(LABELS_B)}
    assert b.expires_at - b.timestamp == timedelta(hours=2)  # 2 × repeat_interval, as Go writes it
