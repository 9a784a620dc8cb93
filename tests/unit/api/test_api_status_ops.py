"""/api/v2/status, /api/v2/receivers, ops endpoints, /api/v1 410s, route prefix and metrics."""

from __future__ import annotations

import pytest
from api_harness import Harness, make_harness

from alertmanager.config import dump


def test_status_disabled_cluster(h: Harness) -> None:
    body = h.client.get("/api/v2/status").json()
    assert list(body) == ["cluster", "config", "uptime", "versionInfo"]
    assert body["cluster"] == {"peers": [], "status": "disabled"}
    assert body["config"]["original"] == dump(h.config)
    assert body["uptime"] == "2026-03-01T12:00:00.000Z"
    assert sorted(body["versionInfo"]) == ["branch", "buildDate", "buildUser", "goVersion", "revision", "version"]


def test_status_cluster_block() -> None:
    peers = [{"name": "zz", "address": "10.0.0.2:9094"}, {"name": "aa", "address": "10.0.0.1:9094"}]
    h = make_harness(cluster=lambda: {"name": "aa", "status": "ready", "peers": peers})
    with h.client:
        cluster = h.client.get("/api/v2/status").json()["cluster"]
    assert cluster == {"name": "aa", "peers": sorted(peers, key=lambda p: p["name"]), "status": "ready"}


def test_receivers(h: Harness) -> None:
    assert h.client.get("/api/v2/receivers").json() == [
        {"labels": {"name": "default"}, "name": "default"},
        {"labels": {"name": "team-a"}, "name": "team-a"},
        {"labels": {"name": "pager"}, "name": "pager"},
    ]
    got = h.client.get("/api/v2/receivers", params={"receiver_matchers": 'name=~"p.*"'}).json()
    assert [r["name"] for r in got] == ["pager"]
    r = h.client.get("/api/v2/receivers", params={"receiver_matchers": "=="})
    assert r.status_code == 400 and r.json().startswith("failed to parse receiver_matchers param: ")


def test_healthy_and_ready(h: Harness) -> None:
    for path in ("/-/healthy", "/-/ready"):
        r = h.client.get(path)
        assert (r.status_code, r.text) == (200, "OK")
        assert h.client.head(path).status_code == 200


def test_not_ready() -> None:
    h = make_harness(ready=lambda: False)
    with h.client:
        assert h.client.get("/-/ready").status_code == 503


def test_reload(h: Harness) -> None:
    r = h.client.post("/-/reload")
    assert (r.status_code, r.text) == (200, "")
    h.reload_error.append("bad config: boom")
    r = h.client.post("/-/reload")
    assert (r.status_code, r.text) == (500, "failed to reload config: bad config: boom\n")
    assert h.client.get("/-/reload").status_code == 405


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/status"), ("GET", "/receivers"), ("GET", "/alerts"), ("POST", "/alerts"), ("GET", "/silences"),
     ("POST", "/silences"), ("GET", "/silence/abc"), ("DELETE", "/silence/abc")],
    ids=lambda v: v,
)
def test_v1_is_gone(h: Harness, method: str, path: str) -> None:
    r = h.client.request(method, "/api/v1" + path)
    assert r.status_code == 410
    assert r.json() == {
        "status": "deprecated",
        "error": "The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 "
        "- please use the equivalent route in the v2 API",
    }


def test_unknown_paths_and_methods(h: Harness) -> None:
    r = h.client.get("/api/v2/nope")
    assert r.status_code == 404 and r.json()["message"] == "path /api/v2/nope was not found"
    r = h.client.put("/api/v2/alerts")
    assert r.status_code == 405 and "method PUT is not allowed" in r.json()["message"]
    assert h.client.get("/api/v1/nope").status_code == 404


def test_index_placeholder(h: Harness) -> None:
    r = h.client.get("/")
    assert r.status_code == 200 and "Alertmanager" in r.text


def test_route_prefix() -> None:
    h = make_harness(route_prefix="/am/")
    with h.client:
        assert h.client.get("/am/api/v2/status").status_code == 200
        assert h.client.get("/am/-/healthy").text == "OK"
        assert h.client.get("/am/api/v1/alerts").status_code == 410
        assert h.client.get("/am/metrics").status_code == 200
        assert h.client.get("/api/v2/status").status_code == 404
        r = h.client.get("/")
        assert (r.status_code, r.headers["location"]) == (302, "/am")
        h.client.get("/am/api/v2/silence/abc")
        assert h.registry.get_sample_value(
            "alertmanager_http_request_duration_seconds_count",
            {"handler": "/api/v2/silence/{silenceID}", "method": "get"}) == 1


def test_metrics_exposition(h: Harness) -> None:
    h.client.get("/api/v2/alerts")
    h.client.get("/api/v2/alerts")
    text = h.client.get("/metrics").text
    assert 'alertmanager_http_request_duration_seconds_count{handler="/api/v2/alerts",method="get"} 2.0' in text
    assert 'alertmanager_http_response_size_bytes_sum{handler="/api/v2/alerts",method="get"} 4.0' in text
    assert "alertmanager_http_requests_in_flight" in text
    assert 'alertmanager_alerts{state="active"} 0.0' in text
    assert 'alertmanager_alerts_received_total{status="firing",version="v2"} 0.0' in text \
        or 'alertmanager_alerts_received_total{version="v2",status="firing"} 0.0' in text


def test_cache_control_on_v2(h: Harness) -> None:
    assert h.client.get("/api/v2/status").headers["cache-control"] == "no-store"


@pytest.mark.parametrize("prefix", ["/", "/am/"], ids=["root", "prefixed"])
def test_fast_alerts_post_is_instrumented(prefix: str) -> None:
    h = make_harness(route_prefix=prefix)
    base = prefix.rstrip("/")
    ok = h.client.post(f"{base}/api/v2/alerts", json=[{"labels": {"alertname": "x"}}])
    bad = h.client.post(f"{base}/api/v2/alerts", content=b"{")
    assert (ok.status_code, bad.status_code) == (200, 400)
    labels = {"handler": "/api/v2/alerts", "method": "post"}
    assert h.registry.get_sample_value("alertmanager_http_request_duration_seconds_count", labels) == 2
    assert h.registry.get_sample_value("alertmanager_http_response_size_bytes_sum", labels) == len(bad.content)
