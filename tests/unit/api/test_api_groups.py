"""GET /api/v2/alerts/groups over the real dispatcher's aggregation groups."""

from __future__ import annotations

from api_harness import Harness, make_harness

A = {"labels": {"alertname": "a", "team": "a"}}
B = {"labels": {"alertname": "b", "severity": "page"}}
C = {"labels": {"alertname": "c"}}


def summary(resp) -> list[tuple[str, dict, list[str]]]:
    assert resp.status_code == 200, resp.text
    return [(g["receiver"]["name"], g["labels"], [a["labels"]["alertname"] for a in g["alerts"]])
            for g in resp.json()]


def test_groups_shape(h: Harness) -> None:
    h.post_alerts(A, B, C)
    body = h.client.get("/api/v2/alerts/groups").json()
    assert [list(g) for g in body] == [["alerts", "labels", "receiver", "routeLabels"]] * 3
    assert summary(h.client.get("/api/v2/alerts/groups")) == [
        ("team-a", {"alertname": "a"}, ["a"]),
        ("pager", {"alertname": "b"}, ["b"]),
        ("default", {"alertname": "c"}, ["c"]),
    ]
    assert body[0]["alerts"][0]["receivers"] == [{"name": "team-a"}]


def test_groups_filters(h: Harness) -> None:
    h.post_alerts(A, B, C)
    assert summary(h.client.get("/api/v2/alerts/groups", params={"receiver": "default|pager"})) == [
        ("pager", {"alertname": "b"}, ["b"]),
        ("default", {"alertname": "c"}, ["c"]),
    ]
    assert summary(h.client.get("/api/v2/alerts/groups", params={"filter": "alertname=c"})) == [
        ("default", {"alertname": "c"}, ["c"]),
    ]
    assert summary(h.client.get("/api/v2/alerts/groups", params={"receiver_matchers": 'name="pager"'})) == [
        ("pager", {"alertname": "b"}, ["b"]),
    ]
    h.post_silence(matchers=[{"name": "alertname", "value": "c", "isRegex": False}])
    names = [s[0] for s in summary(h.client.get("/api/v2/alerts/groups", params={"silenced": "false"}))]
    assert names == ["team-a", "pager"]
    for params in ({"filter": "=="}, {"receiver": "("}, {"receiver_matchers": "=="}):
        r = h.client.get("/api/v2/alerts/groups", params=params)
        assert r.status_code == 400 and isinstance(r.json(), str)


def test_muted_groups() -> None:
    h = make_harness(group_muted=lambda route_id, key: (["night"], True) if "alertname=\"c\"" in key else ([], False))
    with h.client:
        h.post_alerts(A, C)
        body = h.client.get("/api/v2/alerts/groups").json()
        muted = next(g for g in body if g["labels"] == {"alertname": "c"})
        assert muted["alerts"][0]["status"]["mutedBy"] == ["night"]
        assert muted["alerts"][0]["status"]["state"] == "suppressed"
        kept = summary(h.client.get("/api/v2/alerts/groups", params={"muted": "false"}))
        assert kept == [("team-a", {"alertname": "a"}, ["a"])]


def test_no_dispatcher_means_no_groups() -> None:
    h = make_harness(groups=None)
    with h.client:
        h.post_alerts(A)
        assert h.client.get("/api/v2/alerts/groups").json() == []
