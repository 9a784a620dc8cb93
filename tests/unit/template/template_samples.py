"""Sample notification data shared by the template unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

NOW = datetime(2024, 1, 2, 4, 0, 0, tzinfo=UTC)

SAMPLE: dict[str, Any] = {
    "receiver": "team-x", "status": "firing", "externalURL": "http://am.example:9093",
    "groupLabels": {"alertname": "HighLatency", "cluster": "eu1"},
    "commonLabels": {"alertname": "HighLatency", "cluster": "eu1", "severity": "critical"},
    "commonAnnotations": {"summary": "Latency is high"},
    "alerts": [
        {"status": "firing", "labels": {"alertname": "HighLatency", "cluster": "eu1", "severity": "critical",
                                        "instance": "web-1"},
         "annotations": {"summary": "Latency is high", "value": "1.5"},
         "startsAt": "2024-01-02T03:04:05.123Z", "endsAt": "0001-01-01T00:00:00Z",
         "generatorURL": "http://prom/g1", "fingerprint": "aaaa"},
        {"status": "resolved", "labels": {"alertname": "HighLatency", "cluster": "eu1", "severity": "critical",
                                          "instance": "web-2"},
         "annotations": {"summary": "Latency is high"},
         "startsAt": "2024-01-02T02:00:00Z", "endsAt": "2024-01-02T03:00:00Z",
         "generatorURL": "http://prom/g2", "fingerprint": "bbbb"},
    ],
}
