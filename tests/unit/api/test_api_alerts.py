"""GET and POST /api/v2/alerts: upstream's defaults, validation, filters and status."""

from __future__ import annotations

from typing import Any

from api_harness import CONFIG, Harness, make_harness

from alertmanager.config import load
from alertmanager.dispatch.route import Route

A = {"labels": {"alertname": "a", "team": "a"}, "annotations": {"x": "y"}}
B = {"labels": {"alertname": "b", "severity": "page"}, "generatorURL": "http://prom/graph"}
C = {"labels": {"alertname": "c"}}


def names(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [a["labels"]["alertname"] for a in resp.json()]


def test_post_applies_upstream_defaults(h: Harness) -> None:
    r = h.post_alerts({"labels": {"alertname": "a", "empty": ""}})
    assert (r.status_code, r.content) == (200, b"")
    (a,) = h.client.get("/api/v2/alerts").json()
    assert a["labels"] == {"alertname": "a"}  # empty labels removed
    assert a["startsAt"] == "2026-03-01T12:00:00.000Z"
    assert a["updatedAt"] == "2026-03-01T12:00:00.000Z"
    assert a["endsAt"] == "2026-03-01T12:05:00.000Z"  # now + resolve_timeout
    (stored,) = h.alerts.list()
    assert stored.timeout is True


def test_post_with_only_ends_at_starts_then(h: Harness) -> None:
    r = h.post_alerts({"labels": {"alertname": "a"}, "endsAt": "2026-03-01T11:00:00Z"})
    assert r.status_code == 200
    (stored,) = h.alerts.list()
    assert stored.starts_at == stored.ends_at
    assert stored.timeout is False
    assert h.client.get("/api/v2/alerts").json() == []  # resolved alerts are not listed


def test_get_shape_and_order(h: Harness) -> None:
    h.post_alerts(A, B)
    body = h.client.get("/api/v2/alerts").json()
    assert [a["fingerprint"] for a in body] == sorted(a["fingerprint"] for a in body)
    a = next(x for x in body if x["labels"]["alertname"] == "a")
    assert list(a) == ["annotations", "endsAt", "fingerprint", "receivers", "startsAt", "status",
                       "updatedAt", "labels"]
    assert a["fingerprint"] == "aa28c45ceb4703f3"  # upstream's value for these labels
    assert a["receivers"] == [{"name": "team-a"}]
    assert a["status"] == {"inhibitedBy": [], "mutedBy": [], "silencedBy": [], "state": "active"}
    b = next(x for x in body if x["labels"]["alertname"] == "b")
    assert b["generatorURL"] == "http://prom/graph"
    assert b["receivers"] == [{"name": "pager"}]


def test_repost_merges_and_shows_update(h: Harness) -> None:
    h.post_alerts(A)
    h.clock.advance(seconds=60)
    h.post_alerts({**A, "annotations": {"x": "z"}})
    (a,) = h.client.get("/api/v2/alerts").json()
    assert a["annotations"] == {"x": "z"}
    assert a["startsAt"] == "2026-03-01T12:00:00.000Z"
    assert a["updatedAt"] == "2026-03-01T12:01:00.000Z"


def test_validation_errors_joined_and_valid_alerts_kept(h: Harness) -> None:
    r = h.post_alerts(
        {"labels": {"alertname": "ok"}},
        {"labels": {"alertname": "c"}, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2029-01-01T00:00:00Z"},
        {"labels": {}},
    )
    assert r.status_code == 400
    assert r.json() == "start time must be before end time\nat least one label pair required"
    assert names(h.client.get("/api/v2/alerts")) == ["ok"]
    assert h.registry.get_sample_value("alertmanager_alerts_invalid_total", {"version": "v2"}) == 2
    assert h.registry.get_sample_value(
        "alertmanager_alerts_received_total", {"version": "v2", "status": "firing"}) == 3



BAD_BODIES = [
    ("not-json", b'[{"labels":', 'parsing alerts body from "" failed, because '),
    ("object", b'{"labels": {"a": "b"}}', "cannot unmarshal object into Go value of type models.PostableAlerts"),
    ("no-labels", b'[{"annotations": {}}]', "0.labels in body is required"),
    ("number-label", b'[{"labels": {"a": 1}}]', "cannot unmarshal number into Go struct field Alert.labels"),
    ("bad-time", b'[{"labels": {"a": "b"}, "startsAt": "yesterday"}]', 'parsing time "yesterday"'),
    ("bad-url", b'[{"labels": {"a": "b"}, "generatorURL": "not a url"}]',
     '0.generatorURL in body must be of type uri: "not a url"'),
    ("empty", b"", "alerts in body is required"),
]


def test_bad_bodies_get_400_with_message(h: Harness) -> None:
    for case, body, message in BAD_BODIES:
        r = h.client.post("/api/v2/alerts", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, case
        assert message in r.json(), (case, r.text)
    assert len(h.alerts) == 0


def test_body_limit_413() -> None:
    h = make_harness(max_request_bytes=100)
    with h.client:
        r = h.client.post("/api/v2/alerts", json=[{"labels": {"alertname": "x" * 200}}])
        assert r.status_code == 413
        assert "request body too large" in r.json()
        assert len(h.alerts) == 0

        def chunks():
            yield b"[" + b" " * 80
            yield b" " * 80 + b"]"

        r = h.client.post("/api/v2/alerts", content=chunks())
        assert r.status_code == 413


def test_filter_matchers(h: Harness) -> None:
    h.post_alerts(A, B, C)
    assert names(h.client.get("/api/v2/alerts", params={"filter": 'alertname=~"a|b"'})) == ["a", "b"]
    assert names(h.client.get("/api/v2/alerts", params=[("filter", "alertname!=a"), ("filter", "severity=page")])) \
        == ["b"]
    # team="" keeps alerts without the label (upstream's matchFilterLabels).
    assert sorted(names(h.client.get("/api/v2/alerts", params={"filter": 'team=""'}))) == ["b", "c"]
    assert names(h.client.get("/api/v2/alerts", params={"filter": 'team!=""'})) == ["a"]
    r = h.client.get("/api/v2/alerts", params={"filter": "foo"})
    assert r.status_code == 400
    assert isinstance(r.json(), str) and r.json()


def test_receiver_filters(h: Harness) -> None:
    h.post_alerts(A, B, C)
    assert names(h.client.get("/api/v2/alerts", params={"receiver": "pag.*"})) == ["b"]
    assert names(h.client.get("/api/v2/alerts", params={"receiver": "pag"})) == []  # anchored
    r = h.client.get("/api/v2/alerts", params={"receiver": "("})
    assert r.status_code == 400 and r.json().startswith("failed to parse receiver param: ")
    assert names(h.client.get("/api/v2/alerts", params={"receiver_matchers": 'name="default"'})) == ["c"]
    r = h.client.get("/api/v2/alerts", params={"receiver_matchers": "=="})
    assert r.status_code == 400 and r.json().startswith("failed to parse receiver_matchers param: ")


def test_silenced_status_and_filters(h: Harness) -> None:
    h.post_alerts(A, B)
    sid = h.post_silence(matchers=[{"name": "alertname", "value": "a", "isRegex": False}]).json()["silenceID"]
    body = {a["labels"]["alertname"]: a for a in h.client.get("/api/v2/alerts").json()}
    assert body["a"]["status"] == {"inhibitedBy": [], "mutedBy": [], "silencedBy": [sid], "state": "suppressed"}
    assert body["b"]["status"]["state"] == "active"
    assert names(h.client.get("/api/v2/alerts", params={"silenced": "false"})) == ["b"]
    assert names(h.client.get("/api/v2/alerts", params={"active": "false"})) == ["a"]
    # Expiring the silence shows at once.
    assert h.client.delete(f"/api/v2/silence/{sid}").status_code == 200
    h.clock.advance(seconds=1)
    assert {a["status"]["state"] for a in h.client.get("/api/v2/alerts").json()} == {"active"}


def test_pending_silence_takes_effect_when_it_starts(h: Harness) -> None:
    h.post_alerts(A)
    h.post_silence(matchers=[{"name": "alertname", "value": "a", "isRegex": False}],
                   startsAt="2026-03-01T12:01:00Z")
    assert h.client.get("/api/v2/alerts").json()[0]["status"]["state"] == "active"
    h.clock.advance(seconds=90)
    assert h.client.get("/api/v2/alerts").json()[0]["status"]["state"] == "suppressed"


def test_inhibited_status_and_filter(h: Harness) -> None:
    crit = {"labels": {"alertname": "disk", "severity": "critical"}}
    warn = {"labels": {"alertname": "disk", "severity": "warning"}}
    h.post_alerts(crit, warn)
    body = {a["labels"]["severity"]: a for a in h.client.get("/api/v2/alerts").json()}
    assert body["warning"]["status"]["inhibitedBy"] == [body["critical"]["fingerprint"]]
    assert body["warning"]["status"]["state"] == "suppressed"
    kept = h.client.get("/api/v2/alerts", params={"inhibited": "false"}).json()
    assert [a["labels"]["severity"] for a in kept] == ["critical"]


def test_boolean_params_as_go_reads_them(h: Harness) -> None:
    h.post_alerts(A)
    assert names(h.client.get("/api/v2/alerts", params={"active": "maybe"})) == []  # not "true": false
    assert names(h.client.get("/api/v2/alerts", params={"active": "1"})) == ["a"]


def test_unprocessed_filter_without_muters() -> None:
    h = make_harness(silencer=None, inhibitor=lambda: None)
    with h.client:
        h.post_alerts(A)
        (a,) = h.client.get("/api/v2/alerts").json()
        assert a["status"]["state"] == "unprocessed"
        assert names(h.client.get("/api/v2/alerts", params={"unprocessed": "false"})) == []


def test_listing_reuses_route_and_silence_work() -> None:
    calls = {"route": 0}
    route = Route.from_config(load(CONFIG).route)

    def counting(alert):
        calls["route"] += 1
        return [r.receiver for r in route.match(alert.labels)]

    h = make_harness(match_receivers=counting)
    with h.client:
        h.post_alerts(*({"labels": {"alertname": f"n{i}"}} for i in range(50)))
        first = h.client.get("/api/v2/alerts").json()
        evaluations = h.silences.matcher_evaluations
        second = h.client.get("/api/v2/alerts").json()
        assert first == second and len(first) == 50
        assert calls["route"] == 50  # cached per alert until the config changes
        assert h.silences.matcher_evaluations == evaluations


def test_inhibition_follows_source_changes(h: Harness) -> None:
    warn = {"labels": {"alertname": "disk", "severity": "warning"}}
    crit = {"labels": {"alertname": "disk", "severity": "critical"}, "endsAt": "2026-03-01T12:02:00Z"}
    h.post_alerts(warn)

    def warn_state() -> str:
        return next(a["status"]["state"] for a in h.client.get("/api/v2/alerts").json()
                    if a["labels"]["severity"] == "warning")

    assert warn_state() == "active"
    h.post_alerts(crit)  # a new source: the cached "not inhibited" answer must not survive
    assert warn_state() == "suppressed"
    h.clock.advance(minutes=3)  # the source resolved: inhibition ends without any new put
    assert warn_state() == "active"


def test_target_only_posts_keep_cached_inhibition_answers(h: Harness) -> None:
    calls: list[int | None] = []
    mutes = h.inhibitor.mutes

    def counting(labels: Any, now: Any, fp: int | None = None) -> bool:
        calls.append(fp)
        return mutes(labels, now, fp)

    h.inhibitor.mutes = counting  # type: ignore[method-assign]
    h.post_alerts(*({"labels": {"alertname": f"n{i}", "severity": "warning"}} for i in range(20)))
    h.client.get("/api/v2/alerts")
    assert len(calls) == 20 and None not in calls  # asked once each, with the known fingerprint
    h.post_alerts({"labels": {"alertname": "n-new", "severity": "warning"}})  # a target, not a source
    h.client.get("/api/v2/alerts")
    assert len(calls) == 21  # only the new alert was asked
    h.post_alerts({"labels": {"alertname": "n0", "severity": "critical"}})  # a source changes the answers
    h.client.get("/api/v2/alerts")
    assert len(calls) == 21 + 22


def test_silence_queries_count_once_per_request(h: Harness) -> None:
    h.post_alerts(*({"labels": {"alertname": f"n{i}"}} for i in range(30)))
    before = h.registry.get_sample_value("alertmanager_silences_queries_total") or 0.0
    h.client.get("/api/v2/alerts")
    assert h.registry.get_sample_value("alertmanager_silences_queries_total") == before + 1
