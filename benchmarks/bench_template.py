"""Micro-benchmark: render a typical Slack message for a 50-alert group.

Run: .venv/bin/python benchmarks/bench_template.py
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from alertmanager.model.alert import Alert
from alertmanager.template import Template, build_data

SLACK_TEXT = """{{ range .Alerts }}*Alert:* {{ .Annotations.summary }} - `{{ .Labels.severity }}`
*Description:* {{ .Annotations.description }}
*Details:*
{{ range .Labels.SortedPairs }} • *{{ .Name }}:* `{{ .Value }}`
{{ end }}{{ end }}"""


def main() -> None:
    now = datetime(2024, 1, 2, tzinfo=UTC)
    alerts = [
        Alert(labels={"alertname": "HighLatency", "severity": "critical", "instance": f"web-{i}:9100",
                      "job": "node", "cluster": "eu1"},
              annotations={"summary": f"Latency high on web-{i}", "description": "p99 above 1s for 5m"},
              starts_at=now - timedelta(minutes=i), generator_url=f"http://prom/graph?g0.expr={i}")
        for i in range(50)
    ]
    data = build_data("slack", {"alertname": "HighLatency"}, alerts, external_url="http://am", now=now)
    tmpl = Template.from_files([], clock=lambda: now)
    texts = ['{{ template "slack.default.title" . }}', SLACK_TEXT, '{{ template "slack.default.fallback" . }}']
    for t in texts:
        tmpl.execute_text(t, data)
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        for t in texts:
            tmpl.execute_text(t, data)
    per = (time.perf_counter() - start) / n
    print(f"slack message (title + text + fallback), 50 alerts: {per * 1000:.2f} ms per notification")


if __name__ == "__main__":
    main()
