# ruff: noqa: F811 - pytest fixtures imported from test_sns_ingest are redefined as parameters
"""The SNS bridge as the server serves it: POST /api/v1/sns ingests into the alert store like
POST /api/v2/alerts, and every other /api/v1 path still answers 410."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_harness import make_harness  # noqa: E402
from test_sns_ingest import JSON_MESSAGE, TOPIC, _cert, key, notification, other_key, sign  # noqa: E402, F401

from alertmanager.api import SnsOptions  # noqa: E402


@pytest.fixture
def harness(key):
    pem = _cert(key)

    async def http_get(url: str) -> bytes:
        return pem

    h = make_harness(sns=SnsOptions(topics=(TOPIC,), http_get=http_get))
    with h.client:
        yield h


def test_signed_notification_is_ingested(harness, key):
    r = harness.client.post("/api/v1/sns", json=sign(notification(JSON_MESSAGE), key))
    assert r.status_code == 200, r.text
    names = {a.labels["alertname"] for a in harness.alerts.list()}
    assert names == {"HighLatency", "DiskFull"}
    api = {a["labels"]["alertname"]: a for a in harness.client.get("/api/v2/alerts").json()}
    assert api["HighLatency"]["receivers"] == [{"name": "pager"}]  # routed like any other alert


def test_unsigned_notification_ingests_nothing(harness, key, other_key):
    r = harness.client.post("/api/v1/sns", json=sign(notification(JSON_MESSAGE), other_key))
    assert r.status_code == 403
    assert harness.alerts.list() == []


def test_other_v1_paths_still_gone(harness):
    assert harness.client.get("/api/v1/alerts").status_code == 410


def test_not_mounted_without_topics():
    h = make_harness()
    with h.client:
        assert h.client.post("/api/v1/sns", json={}).status_code == 404
