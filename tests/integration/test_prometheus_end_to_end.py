"""Real Prometheus 2.42 evaluates a rule and sends to both our server and the real Alertmanager
0.25 (same config); both group the alert and notify a webhook: the payloads must agree."""

import httpx
from procs import UPSTREAM_AM, WebhookSink, our_command, prometheus, running, wait_until

RULES = """
groups:
  - name: e2e
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {severity: critical, team: payments}
        annotations:
          summary: "value is {{ $value }}"
          runbook: https://runbooks.example.com/always
"""

CONFIG = """
route:
  receiver: hook
  group_by: [alertname, team]
  group_wait: 1s
  group_interval: 1m
  routes:
    - receiver: hook
      matchers: [severity="critical"]
      continue: true
receivers:
  - name: hook
    webhook_configs:
      - url: {url}
        send_resolved: true
"""

# Values that legitimately differ between two servers started at different moments.
VOLATILE = {"externalURL"}


def _normalise(payload):
    return {k: v for k, v in payload.items() if k not in VOLATILE}


def test_prometheus_alerts_notify_like_upstream(tmp_path):
    with WebhookSink() as sink:
        ours_cfg = CONFIG.format(url=sink.url + "/ours")
        theirs_cfg = CONFIG.format(url=sink.url + "/upstream")
        with (
            running(our_command(), tmp_path / "ours", ours_cfg) as ours,
            running([UPSTREAM_AM], tmp_path / "upstream", theirs_cfg) as theirs,
            prometheus(tmp_path / "prom", RULES, [ours.url, theirs.url]),
        ):
            got = wait_until(lambda: httpx.get(ours.url + "/api/v2/alerts").json(), timeout=45,
                             what="alert from Prometheus in our API")
            assert got[0]["labels"]["alertname"] == "AlwaysFiring"
            assert got[0]["generatorURL"].startswith("http")
            ours_payload = sink.wait_for(1, "/ours", timeout=45)[0]
            upstream_payload = sink.wait_for(1, "/upstream", timeout=45)[0]
    # Both routes (root and the continue child) share the same receiver; the first payload of each
    # server must be the same group notified the same way.
    assert ours_payload["groupKey"] in {p["groupKey"] for p in sink.bodies("/upstream")}
    theirs = next(p for p in sink.bodies("/upstream") if p["groupKey"] == ours_payload["groupKey"])
    assert _normalise(ours_payload) == _normalise(theirs)
    assert ours_payload["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z"
    assert set(ours_payload) == set(upstream_payload)
