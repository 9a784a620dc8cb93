"""The in-memory alert store: merge rules, subscriptions, GC and the alerts gauge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from alertmanager.model.alert import Alert
from alertmanager.store.alerts import Alerts
from alertmanager.store.marker import MemMarker

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def alert(name: str = "a", start: int = 0, end: int | None = 300, *, updated: int = 0,
          timeout: bool = False, **ann: str) -> Alert:
    return Alert(
        labels={"alertname": name},
        annotations=dict(ann),
        starts_at=T0 + timedelta(seconds=start),
        ends_at=None if end is None else T0 + timedelta(seconds=end),
        updated_at=T0 + timedelta(seconds=updated),
        timeout=timeout,
    )


@pytest.fixture
def store() -> tuple[Alerts, MemMarker, Clock, CollectorRegistry]:
    clock, marker, reg = Clock(), MemMarker(), CollectorRegistry()
    return Alerts(clock=clock, marker=marker, registry=reg), marker, clock, reg


def test_put_get_list_len(store) -> None:
    s, *_ = store
    a, b = alert("a"), alert("b")
    s.put(a, b)
    assert len(s) == 2
    assert s.get(a.fingerprint) is a
    assert s.get(12345) is None
    assert {x.fingerprint for x in s.list()} == {a.fingerprint, b.fingerprint}
    assert {x.fingerprint for x in s} == {a.fingerprint, b.fingerprint}


@pytest.mark.parametrize(
    ("new_start", "new_end", "merged_start"),
    [
        (60, 400, 0),     # starts inside the stored range: merged, earliest start kept
        (-60, 200, -60),  # ends inside the stored range: merged
        (400, 500, 400),  # no overlap: replaced, not merged
    ],
    ids=["start-overlaps", "end-overlaps", "disjoint-replaces"],
)
def test_put_merges_only_overlapping(store, new_start, new_end, merged_start) -> None:
    s, *_ = store
    s.put(alert(start=0, end=300))
    s.put(alert(start=new_start, end=new_end, updated=10))
    (stored,) = s.list()
    assert stored.starts_at == T0 + timedelta(seconds=merged_start)


def test_put_merge_keeps_latest_annotations(store) -> None:
    s, *_ = store
    s.put(alert(start=0, end=300, v="1"))
    s.put(alert(start=60, end=360, updated=60, v="2"))
    (stored,) = s.list()
    assert stored.annotations == {"v": "2"}
    assert stored.starts_at == T0


async def test_subscribe_yields_current_then_new(store) -> None:
    s, *_ = store
    a, b = alert("a"), alert("b")
    s.put(a)
    sub1 = s.subscribe()
    sub2 = s.subscribe()
    s.put(b)
    got1 = [await asyncio.wait_for(anext(sub1), 1) for _ in range(2)]
    got2 = [await asyncio.wait_for(anext(sub2), 1) for _ in range(2)]
    assert [x.labels["alertname"] for x in got1] == ["a", "b"]
    assert [x.labels["alertname"] for x in got2] == ["a", "b"]


async def test_subscription_waits_for_put_and_stops_on_close(store) -> None:
    s, *_ = store
    sub = s.subscribe()
    waiter = asyncio.ensure_future(anext(sub))
    await asyncio.sleep(0)
    assert not waiter.done()
    s.put(alert("late"))
    got = await asyncio.wait_for(waiter, 1)
    assert got.labels == {"alertname": "late"}
    sub.close()
    assert sub.closed
    s.put(alert("after-close"))
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(sub), 1)


def test_follow_hands_over_stored_then_each_put_alert_inside_put(store) -> None:
    s, *_ = store
    s.put(alert("a"))
    seen: list[str] = []
    unfollow = s.follow(lambda a: seen.append(a.labels["alertname"]))
    assert seen == ["a"]
    s.put(alert("b"), alert("c"))
    assert seen == ["a", "b", "c"]
    unfollow()
    unfollow()  # twice is fine
    s.put(alert("d"))
    assert seen == ["a", "b", "c"]


def test_a_failing_follower_is_logged_and_put_still_stores(store, caplog) -> None:
    s, *_ = store
    seen: list[str] = []

    def broken(a: Alert) -> None:
        raise RuntimeError("boom")

    s.follow(broken)
    s.follow(lambda a: seen.append(a.labels["alertname"]))
    s.put(alert("a"), alert("b"))
    assert [a.labels["alertname"] for a in s.list()] == ["a", "b"]
    assert seen == ["a", "b"]  # the next follower still got both
    assert caplog.text.count("processing alert") == 2 and "boom" in caplog.text


def test_gc_removes_resolved_and_marker_entries(store) -> None:
    s, marker, clock, _ = store
    keep, gone = alert("keep", end=600), alert("gone", end=100)
    s.put(keep, gone)
    marker.set_inhibited(gone.fingerprint, ["x"])
    marker.set_inhibited(keep.fingerprint, ["y"])
    clock.now = T0 + timedelta(seconds=100)  # an end time equal to now counts as resolved
    deleted = s.gc()
    assert [d.labels["alertname"] for d in deleted] == ["gone"]
    assert s.get(gone.fingerprint) is None
    assert marker.silenced(gone.fingerprint)[3] is False
    assert marker.inhibited(keep.fingerprint) == ("y",)


async def test_run_gc_runs_until_stopped(store) -> None:
    _, marker, clock, _ = store
    s = Alerts(clock=clock, marker=marker, gc_interval=timedelta(milliseconds=1))
    s.put(alert("gone", end=-1))
    stop = asyncio.Event()
    task = asyncio.create_task(s.run_gc(stop))
    for _ in range(2000):
        if len(s) == 0:
            break
        await asyncio.sleep(0.001)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert len(s) == 0


def test_alerts_gauge_by_state(store) -> None:
    s, marker, _, reg = store
    active, silenced, unprocessed, resolved = alert("a"), alert("b"), alert("c"), alert("d", end=-10)
    s.put(active, silenced, unprocessed, resolved)
    marker.set_active_or_silenced(active.fingerprint, 1, [], [])
    marker.set_active_or_silenced(silenced.fingerprint, 1, ["sil"], [])

    def value(state: str) -> float | None:
        return reg.get_sample_value("alertmanager_alerts", {"state": state})

    assert (value("active"), value("suppressed"), value("unprocessed")) == (1, 1, 1)
