"""Our silence snapshot file and the real Alertmanager 0.25's are interchangeable.

Ours -> Go: a ``silences`` file written by our store is loaded by /usr/bin/prometheus-alertmanager
and served by its /api/v2/silences. Go -> ours: silences created through Go's API are written to
its ``silences`` file on SIGTERM, and our loader reads them; written back by us, Go reads them
again unchanged (raw bytes are kept).
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from procs import UPSTREAM_AM, start_server

from alertmanager.model.matchers import Matcher
from alertmanager.silences import Silence, Silences
from alertmanager.silences.journal import SNAPSHOT_FILE
from alertmanager.types import utcnow

pytestmark = pytest.mark.integration

CONFIG = """
route:
  receiver: "null"
receivers:
  - name: "null"
"""


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _go_silences(workdir: Path) -> dict[str, dict]:
    srv = start_server([UPSTREAM_AM], workdir, CONFIG, name="go-am")
    try:
        with srv.client() as c:
            resp = c.get("/api/v2/silences")
            assert resp.status_code == 200, resp.text
            return {s["id"]: s for s in resp.json()}
    finally:
        srv.stop(signal.SIGTERM)


def test_go_alertmanager_reads_our_snapshot(tmp_path):
    data = tmp_path / "data"
    store = Silences(clock=utcnow, storage_dir=data)
    now = utcnow()
    active = store.set(Silence(
        id="", matchers=(Matcher.create("alertname", "=", "Foo"), Matcher.create("job", "=~", "api|web")),
        starts_at=now, ends_at=now + timedelta(hours=2), created_by="alice", comment="deploy"))
    pending = store.set(Silence(
        id="", matchers=(Matcher.create("severity", "!=", "page"), Matcher.create("team", "!~", "db.*"),
                         Matcher.create("env", "=", "prod")),
        starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3), created_by="bob", comment="later"))
    expired = store.set(Silence(
        id="", matchers=(Matcher.create("instance", "=", "h1"),),
        starts_at=now, ends_at=now + timedelta(hours=1), created_by="carol", comment="done"))
    store.expire(expired)
    store.write_snapshot()
    store.close()
    assert (data / SNAPSHOT_FILE).stat().st_size > 0

    got = _go_silences(tmp_path)

    assert set(got) == {active, pending, expired}
    a = got[active]
    assert a["status"]["state"] == "active"
    assert (a["createdBy"], a["comment"]) == ("alice", "deploy")
    assert sorted((m["name"], m["value"], m["isRegex"], m.get("isEqual", True)) for m in a["matchers"]) == [
        ("alertname", "Foo", False, True), ("job", "api|web", True, True)]
    assert abs(_parse(a["endsAt"]) - store.get(active).ends_at) < timedelta(milliseconds=1)
    p = got[pending]
    assert p["status"]["state"] == "pending"
    assert sorted((m["name"], m["value"], m["isRegex"], m.get("isEqual", True)) for m in p["matchers"]) == [
        ("env", "prod", False, True), ("severity", "page", False, False), ("team", "db.*", True, False)]
    assert got[expired]["status"]["state"] == "expired"


def test_we_read_go_alertmanagers_snapshot(tmp_path):
    srv = start_server([UPSTREAM_AM], tmp_path / "go", CONFIG, name="go-am")
    try:
        now = datetime.now(UTC)
        with srv.client() as c:
            def post(body: dict) -> str:
                resp = c.post("/api/v2/silences", json=body)
                assert resp.status_code == 200, resp.text
                return str(resp.json()["silenceID"])

            active = post({
                "matchers": [{"name": "alertname", "value": "Foo", "isRegex": False, "isEqual": True},
                             {"name": "job", "value": "api|web", "isRegex": True, "isEqual": True}],
                "startsAt": _iso(now), "endsAt": _iso(now + timedelta(hours=2)),
                "createdBy": "alice", "comment": "deploy"})
            pending = post({
                "matchers": [{"name": "env", "value": "prod", "isRegex": False, "isEqual": True},
                             {"name": "team", "value": "db.*", "isRegex": True, "isEqual": False}],
                "startsAt": _iso(now + timedelta(hours=1)), "endsAt": _iso(now + timedelta(hours=3)),
                "createdBy": "bob", "comment": "later"})
            expired = post({
                "matchers": [{"name": "instance", "value": "h1", "isRegex": False, "isEqual": True}],
                "startsAt": _iso(now), "endsAt": _iso(now + timedelta(hours=1)),
                "createdBy": "carol", "comment": "done"})
            assert c.delete(f"/api/v2/silence/{expired}").status_code == 200
            go_view = {s["id"]: s for s in c.get("/api/v2/silences").json()}
    finally:
        assert srv.stop(signal.SIGTERM) == 0  # SIGTERM makes Go write its final snapshot

    go_file = tmp_path / "go" / "data" / SNAPSHOT_FILE
    ours = Silences(clock=utcnow, storage_dir=go_file.parent)
    assert {s.id for s in ours.query()} == {active, pending, expired}
    a = ours.get(active)
    assert (a.created_by, a.comment) == ("alice", "deploy")
    assert [str(m) for m in a.matchers] == ['alertname="Foo"', 'job=~"api|web"']
    assert a.state(utcnow()) == "active"
    assert abs(a.ends_at - _parse(go_view[active]["endsAt"])) < timedelta(milliseconds=1)
    assert abs(a.updated_at - _parse(go_view[active]["updatedAt"])) < timedelta(milliseconds=1)
    p = ours.get(pending)
    assert [str(m) for m in p.matchers] == ['env="prod"', 'team!~"db.*"'] and p.state(utcnow()) == "pending"
    assert ours.get(expired).state(utcnow()) == "expired"
    assert ours.mutes({"alertname": "Foo", "job": "web"}, utcnow()) == ([active], [])

    # Written back by us (raw bytes kept), Go serves exactly what it served before.
    back = tmp_path / "back"
    (back / "data").mkdir(parents=True)
    (back / "data" / SNAPSHOT_FILE).write_bytes(ours.snapshot())
    ours.close()
    again = _go_silences(back)
    for sid, s in go_view.items():
        assert {k: v for k, v in again[sid].items() if k != "status"} == {k: v for k, v in s.items() if k != "status"}
