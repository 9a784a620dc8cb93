"""/api/v2/silences and /api/v2/silence/{id}: upstream's codes, messages and ordering."""

from __future__ import annotations

import uuid

import pytest
from api_harness import Harness

M = [{"name": "alertname", "value": "x", "isRegex": False}]


def test_create_get_shape(h: Harness) -> None:
    r = h.post_silence()
    assert r.status_code == 200
    sid = r.json()["silenceID"]
    uuid.UUID(sid)
    s = h.client.get(f"/api/v2/silence/{sid}").json()
    assert list(s) == ["id", "status", "updatedAt", "annotations", "comment", "createdBy", "endsAt",
                       "matchers", "startsAt"]
    assert s["status"] == {"state": "active"}
    assert s["startsAt"] == "2026-03-01T12:00:00.000Z"  # a start in the past becomes now
    assert s["endsAt"] == "2026-03-01T14:00:00.000Z"
    assert s["matchers"] == [{"isEqual": True, "isRegex": False, "name": "alertname", "value": "x"}]
    assert (s["createdBy"], s["comment"], s["annotations"]) == ("me", "c", {})


@pytest.mark.parametrize(
    ("is_equal", "is_regex", "op"),
    [(True, False, "="), (False, False, "!="), (True, True, "=~"), (False, True, "!~")],
    ids=["eq", "neq", "re", "nre"],
)
def test_matcher_types_round_trip(h: Harness, is_equal: bool, is_regex: bool, op: str) -> None:
    m = [{"name": "a", "value": "b", "isRegex": is_regex, "isEqual": is_equal},
         {"name": "alertname", "value": "x", "isRegex": False}]
    sid = h.post_silence(matchers=m).json()["silenceID"]
    got = h.client.get(f"/api/v2/silence/{sid}").json()["matchers"][0]
    assert (got["isEqual"], got["isRegex"]) == (is_equal, is_regex)
    assert str(h.silences.get(sid).matchers[0].type) == op


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"startsAt": "2026-03-01T15:00:00Z"}, 400, "Failed to create silence: start time must be before end time"),
        ({"startsAt": "2026-03-01T10:00:00Z", "endsAt": "2026-03-01T11:00:00Z"}, 400,
         "Failed to create silence: end time can't be in the past"),
        ({"matchers": []}, 400, "matchers in body should have at least 1 items"),
        ({"matchers": [{"name": "a", "value": "b"}]}, 400, "matchers.0.isRegex in body is required"),
        ({"createdBy": None}, 400, "createdBy in body is required"),
        ({"comment": None}, 400, "comment in body is required"),
        ({"matchers": [{"name": "a", "value": "", "isRegex": False}]}, 400,
         "silence invalid: at least one matcher must not match the empty string"),
        ({"matchers": [{"name": "a", "value": "(", "isRegex": True}]}, 400,
         'silence invalid: invalid label matcher 0: invalid regular expression "("'),
        ({"endsAt": "soon"}, 400, 'endsAt in body must be of type date-time: "soon"'),
        ({"id": str(uuid.UUID(int=1))}, 404, "silence not found"),
    ],
    ids=["start-after-end", "end-in-past", "no-matchers", "no-isRegex", "no-createdBy", "no-comment",
         "matches-empty", "bad-regex", "bad-time", "unknown-id"],
)
def test_post_errors(h: Harness, fields, status, message) -> None:
    r = h.post_silence(**fields)
    assert r.status_code == status
    assert r.json().startswith(message), r.text
    assert len(h.silences) == 0


def test_post_malformed_json(h: Harness) -> None:
    r = h.client.post("/api/v2/silences", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json().startswith('parsing silence body from "" failed')
    r = h.client.post("/api/v2/silences", content=b"[]")
    assert r.status_code == 400


def test_update_in_place_and_replace(h: Harness) -> None:
    sid = h.post_silence().json()["silenceID"]
    r = h.post_silence(id=sid, startsAt="2026-03-01T12:00:00Z", comment="changed")
    assert r.json()["silenceID"] == sid
    assert h.silences.get(sid).comment == "changed"
    r = h.post_silence(id=sid, matchers=[{"name": "alertname", "value": "y", "isRegex": False}])
    new = r.json()["silenceID"]
    assert new != sid
    h.clock.advance(seconds=1)
    assert h.client.get(f"/api/v2/silence/{sid}").json()["status"]["state"] == "expired"


def test_get_and_delete_missing_or_invalid(h: Harness) -> None:
    missing = str(uuid.UUID(int=7))
    assert h.client.get(f"/api/v2/silence/{missing}").status_code == 404
    assert h.client.delete(f"/api/v2/silence/{missing}").status_code == 404
    assert h.client.get("/api/v2/silence/abc").status_code == 404
    assert h.client.delete("/api/v2/silence/abc").status_code == 404


def test_delete_expires(h: Harness) -> None:
    sid = h.post_silence().json()["silenceID"]
    r = h.client.delete(f"/api/v2/silence/{sid}")
    assert (r.status_code, r.content) == (200, b"")
    h.clock.advance(seconds=1)
    assert h.client.get(f"/api/v2/silence/{sid}").json()["status"]["state"] == "expired"


def test_list_order_filter_and_states(h: Harness) -> None:
    ids = {}
    ids["active-late"] = h.post_silence(endsAt="2026-03-01T16:00:00Z").json()["silenceID"]
    ids["active-soon"] = h.post_silence(endsAt="2026-03-01T13:00:00Z").json()["silenceID"]
    ids["pending-late"] = h.post_silence(startsAt="2026-03-01T15:00:00Z",
                                         endsAt="2026-03-01T17:00:00Z").json()["silenceID"]
    ids["pending-soon"] = h.post_silence(startsAt="2026-03-01T13:00:00Z",
                                         endsAt="2026-03-01T17:00:00Z").json()["silenceID"]
    ids["expired-old"] = h.post_silence(matchers=[{"name": "job", "value": "j", "isRegex": True}],
                                        endsAt="2026-03-01T12:10:00Z").json()["silenceID"]
    ids["expired-new"] = h.post_silence(endsAt="2026-03-01T12:20:00Z").json()["silenceID"]
    h.clock.advance(minutes=30)  # 12:30: the two short ones have expired
    order = [s["id"] for s in h.client.get("/api/v2/silences").json()]
    by_id = {v: k for k, v in ids.items()}
    assert [by_id[i] for i in order] == ["active-soon", "active-late", "pending-soon", "pending-late",
                                         "expired-new", "expired-old"]
    got = h.client.get("/api/v2/silences", params={"filter": 'job=~"j"'}).json()
    assert [by_id[s["id"]] for s in got] == ["expired-old"]
    assert h.client.get("/api/v2/silences", params={"filter": 'job="j"'}).json() == []  # type must match
    got = h.client.get("/api/v2/silences", params={"expired": "false", "pending": "false"}).json()
    assert {by_id[s["id"]] for s in got} == {"active-soon", "active-late"}
    r = h.client.get("/api/v2/silences", params={"filter": 'a="'})
    assert r.status_code == 400 and isinstance(r.json(), str)
