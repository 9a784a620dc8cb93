"""A notified group is not notified again after a restart inside repeat_interval, even after
kill -9 (the notification log is fsynced on every entry), and resolution is still sent."""

import re
import signal
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from procs import WebhookSink, our_command, running, wait_until

CONFIG = """
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 100ms
  group_interval: 500ms
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: {url}
        send_resolved: true
"""


def _nflog_queries(url: str) -> float:
    text = httpx.get(url + "/metrics").text
    m = re.search(r"^alertmanager_nflog_queries_total ([0-9.e+]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_no_duplicate_after_restart(tmp_path, sig):
    work = tmp_path / "am"
    starts = datetime.now(UTC).isoformat()
    alert = [{"labels": {"alertname": "Restart", "instance": "a"}, "startsAt": starts}]
    with WebhookSink() as sink:
        cfg = CONFIG.format(url=sink.url)
        with running(our_command(), work, cfg) as srv:
            assert httpx.post(srv.url + "/api/v2/alerts", json=alert).status_code == 200
            sink.wait_for(1)
            # The sink records the request before it answers; the log entry follows the answer.
            nflog = work / "data" / "nflog"
            wait_until(lambda: nflog.exists() and nflog.stat().st_size > 0, what="notification log entry on disk")
            srv.stop(sig)
        with running(our_command(), work, None) as srv:
            assert httpx.post(srv.url + "/api/v2/alerts", json=alert).status_code == 200
            # Wait until the group has been flushed at least twice and dedup consulted the log.
            wait_until(lambda: _nflog_queries(srv.url) >= 2, timeout=20, what="dedup after restart")
            assert len(sink.bodies()) == 1, sink.bodies()
            # Resolving is a change: it is sent once.
            resolved = [dict(alert[0], endsAt=(datetime.now(UTC) - timedelta(seconds=1)).isoformat())]
            assert httpx.post(srv.url + "/api/v2/alerts", json=resolved).status_code == 200
            bodies = sink.wait_for(2)
            assert bodies[1]["status"] == "resolved"
            assert bodies[1]["alerts"][0]["labels"] == alert[0]["labels"]
