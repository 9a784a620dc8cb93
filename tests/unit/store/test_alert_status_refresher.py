"""AlertStatusRefresher: muters asked again only when their answer can have changed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from alertmanager.model.alert import Alert
from alertmanager.store.marker import MemMarker
from alertmanager.store.status import AlertStatusRefresher
from alertmanager.types import AlertState

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _alert(name: str, ends: timedelta = timedelta(hours=1)) -> Alert:
    return Alert(labels={"alertname": name}, annotations={}, starts_at=T0, ends_at=T0 + ends,
                 generator_url="", updated_at=T0)


class FakeSilences:
    def __init__(self) -> None:
        self.version = 1
        self.recorded: list[tuple[int, float]] = []

    def record_queries(self, n: int = 1, seconds: float = 0.0) -> None:
        self.recorded.append((n, seconds))


class FakeSilencer:
    """Silences alerts whose name is in ``silenced``; records like the real one."""

    def __init__(self, marker: MemMarker, silences: FakeSilences) -> None:
        self.marker, self.silences = marker, silences
        self.silenced: set[str] = set()
        self.calls: list[tuple[int | None, bool]] = []

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None, *,
              record: bool = True) -> bool:
        assert fp is not None
        self.calls.append((fp, record))
        ids = ["s1"] if labels["alertname"] in self.silenced else []
        self.marker.set_active_or_silenced(fp, self.silences.version, ids, [])
        return bool(ids)


class FakeInhibitor:
    """Inhibits alerts whose name is in ``targets``, by ``source``."""

    def __init__(self, marker: MemMarker) -> None:
        self.marker = marker
        self.version = 0
        self.targets: set[str] = set()
        self.source: Alert | None = None
        self.calls: list[int | None] = []

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None) -> bool:
        assert fp is not None
        self.calls.append(fp)
        hit = self.source is not None and labels["alertname"] in self.targets
        self.marker.set_inhibited(fp, (f"{self.source.fingerprint:016x}",) if hit and self.source else ())
        return hit


class Env:
    def __init__(self) -> None:
        self.marker = MemMarker()
        self.store: dict[int, Alert] = {}
        self.silences = FakeSilences()
        self.silencer = FakeSilencer(self.marker, self.silences)
        self.inhibitor: FakeInhibitor | None = FakeInhibitor(self.marker)
        self.refresher = AlertStatusRefresher(
            marker=self.marker, alerts=self, silences=self.silences, silencer=self.silencer,
            inhibitor=lambda: self.inhibitor,
        )

    def get(self, fp: int) -> Alert | None:
        return self.store.get(fp)

    def add(self, a: Alert) -> Alert:
        self.store[a.fingerprint] = a
        return a


@pytest.fixture
def env() -> Env:
    return Env()


def test_silencer_asked_again_only_after_the_silence_store_changes(env: Env) -> None:
    a = env.add(_alert("a"))
    assert env.refresher.refresh(a, T0)[0] == AlertState.ACTIVE
    env.refresher.refresh(a, T0)
    assert env.silencer.calls == [(a.fingerprint, False)]  # known fingerprint, metrics left alone
    env.silences.version = 2
    env.silencer.silenced.add("a")
    assert env.refresher.refresh(a, T0) == (AlertState.SUPPRESSED, ("s1",), ())
    env.refresher.refresh(a, T0)  # a recorded silence is always re-checked (it may have ended)
    assert len(env.silencer.calls) == 3


def test_silencer_queries_are_counted_once_per_record_call(env: Env) -> None:
    alerts = [env.add(_alert(f"a{i}")) for i in range(5)]
    for a in alerts:
        env.refresher.refresh(a, T0)
    env.refresher.record_silence_queries()
    env.refresher.record_silence_queries()  # nothing new since: nothing counted
    assert [n for n, _ in env.silences.recorded] == [1]


def test_inhibition_answer_kept_until_version_moves_or_source_ends(env: Env) -> None:
    inhibitor = env.inhibitor
    assert inhibitor is not None
    a = env.add(_alert("a"))
    env.refresher.refresh(a, T0)
    env.refresher.refresh(a, T0)
    assert len(inhibitor.calls) == 1
    inhibitor.source = env.add(_alert("src", ends=timedelta(minutes=2)))
    inhibitor.targets.add("a")
    inhibitor.version += 1
    status = env.refresher.refresh(a, T0)
    assert status[0] == AlertState.SUPPRESSED and status[2] == (f"{inhibitor.source.fingerprint:016x}",)
    env.refresher.refresh(a, T0 + timedelta(minutes=1))
    assert len(inhibitor.calls) == 2  # cached while the source fires
    inhibitor.source = None
    assert env.refresher.refresh(a, T0 + timedelta(minutes=3))[2] == ()  # source ended: asked again
    assert len(inhibitor.calls) == 3


def test_a_new_inhibitor_drops_cached_answers(env: Env) -> None:
    a = env.add(_alert("a"))
    env.refresher.refresh(a, T0)
    fresh = FakeInhibitor(env.marker)
    env.inhibitor = fresh
    env.refresher.refresh(a, T0)
    assert fresh.calls == [a.fingerprint]


def test_without_muters_the_marker_status_is_returned(env: Env) -> None:
    refresher = AlertStatusRefresher(marker=env.marker, alerts=env, silences=env.silences, silencer=None,
                                     inhibitor=lambda: None)
    assert refresher.refresh(env.add(_alert("a")), T0)[0] == AlertState.UNPROCESSED


def test_prune_forgets_alerts_that_left_the_store(env: Env) -> None:
    kept, gone = env.add(_alert("kept")), env.add(_alert("gone"))
    env.refresher.refresh(kept, T0)
    env.refresher.refresh(gone, T0)
    del env.store[gone.fingerprint]
    env.refresher.prune()
    assert len(env.refresher) == 1
