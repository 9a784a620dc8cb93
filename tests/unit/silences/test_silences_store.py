from dataclasses import replace
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry
from silences_helpers import T0, FakeClock, sil

from alertmanager.silences import SilenceError, SilenceNotFound, Silences
from alertmanager.silences.codec import decode_state

H = timedelta(hours=1)


def test_create_assigns_uuid_and_clamps_start(store, clock):
    sid = store.set(sil(start=T0 - H, end=T0 + H))
    got = store.get(sid)
    assert len(sid) == 36 and sid.count("-") == 4
    assert got.starts_at == T0 and got.updated_at == T0 and got.ends_at == T0 + H
    assert got.state(T0) == "active"


def test_create_pending_keeps_future_start(store):
    sid = store.set(sil(start=T0 + H, end=T0 + 2 * H))
    assert store.get(sid).starts_at == T0 + H
    assert store.get(sid).state(T0) == "pending"


def test_unknown_id_is_not_found(store):
    with pytest.raises(SilenceNotFound, match="^silence not found$"):
        store.set(sil(id="nope"))


@pytest.mark.parametrize(
    ("silence", "message"),
    [
        (sil(("a", "=", "")), "silence invalid: at least one matcher must not match the empty string"),
        (sil(start=T0 - 2 * H, end=T0 - H), "Failed to create silence: end time can't be in the past"),
        (sil(start=T0 + H, end=T0 + H), "Failed to create silence: start time must be before end time"),
    ],
    ids=["matches-empty", "end-in-past", "start-equals-end"],
)
def test_set_refuses_invalid(store, silence, message):
    with pytest.raises(SilenceError) as exc:
        store.set(silence)
    assert str(exc.value) == message
    assert len(store) == 0 and store.version == 0


# How an update to an existing silence is applied: (created silence, change, now, same id?)
@pytest.mark.parametrize(
    ("start", "change", "in_place"),
    [
        (T0, dict(ends_at=T0 + 5 * H, comment="longer"), True),
        (T0, dict(comment="just text"), True),
        (T0, dict(starts_at=T0 + timedelta(minutes=1)), False),
        (T0, dict(matchers=sil(("alertname", "=", "Bar")).matchers), False),
        (T0 + H, dict(starts_at=T0 + 2 * H, ends_at=T0 + 3 * H), True),
        (T0 + H, dict(matchers=sil(("job", "=", "x")).matchers), False),
    ],
    ids=["active-extend", "active-comment", "active-move-start", "active-new-matchers", "pending-move",
         "pending-new-matchers"],
)
def test_update_in_place_or_recreate(store, clock, start, change, in_place):
    sid = store.set(sil(start=start, end=start + 2 * H))
    clock.advance(minutes=10)
    old = store.get(sid)
    new_id = store.set(replace(old, **change))
    if in_place:
        assert new_id == sid
        assert store.get(sid).updated_at == clock.now
        assert len(store) == 1
    else:
        assert new_id != sid
        assert len(store) == 2
        prev = store.get(sid)
        # the old one is expired now (active: ends now; pending: starts and ends now)
        assert prev.ends_at == clock.now and prev.updated_at == clock.now
        assert prev.state(clock.now + timedelta(microseconds=1)) == "expired"
        assert store.get(new_id).starts_at >= clock.now


def test_update_of_expired_silence_creates_new_and_leaves_old(store, clock):
    sid = store.set(sil(start=T0, end=T0 + H))
    clock.advance(hours=2)
    old = store.get(sid)
    new_id = store.set(replace(old, ends_at=clock.now + H))
    assert new_id != sid
    assert store.get(sid) == old  # untouched: it was expired already


def test_expire_active_and_pending(store, clock):
    a = store.set(sil(start=T0, end=T0 + H))
    p = store.set(sil(start=T0 + H, end=T0 + 2 * H))
    clock.advance(minutes=1)
    store.expire(a)
    store.expire(p)
    assert store.get(a).starts_at == T0 and store.get(a).ends_at == clock.now
    assert store.get(p).starts_at == clock.now and store.get(p).ends_at == clock.now
    later = clock.advance(seconds=1)
    assert {s.state(later) for s in store.query()} == {"expired"}


def test_expire_is_idempotent_and_unknown_is_not_found(store, clock):
    sid = store.set(sil())
    store.expire(sid)
    clock.advance(seconds=1)
    version = store.version
    store.expire(sid)  # upstream: nil when already expired
    assert store.version == version
    with pytest.raises(SilenceNotFound):
        store.expire("missing")
    with pytest.raises(SilenceNotFound):
        store.get("missing")


def test_query_filters(store, clock):
    a = store.set(sil(("alertname", "=", "A"), end=T0 + H))
    b = store.set(sil(("alertname", "=~", "A|B"), start=T0 + H, end=T0 + 2 * H))
    c = store.set(sil(("job", "=", "x"), end=T0 + H))
    store.expire(c)
    now = clock.advance(seconds=1)
    ids = lambda res: {s.id for s in res}  # noqa: E731
    assert ids(store.query()) == {a, b, c}
    assert ids(store.query(ids=[a, c, "missing"])) == {a, c}
    assert ids(store.query(states=["active"])) == {a}
    assert ids(store.query(states=["pending", "expired"])) == {b, c}
    assert ids(store.query(matches_labels={"alertname": "A"})) == {a, b}
    assert ids(store.query(matches_labels={"alertname": "B"})) == {b}
    assert ids(store.query(matches_labels={"alertname": "A"}, states=["active"], now=now)) == {a}
    assert ids(store.query(ids=[b], matches_labels={"alertname": "A"})) == {b}
    assert store.mutes({"alertname": "A", "job": "x"}, now) == ([a], [b])


def test_version_bumps_on_every_change(store, clock):
    v0 = store.version
    sid = store.set(sil())
    v1 = store.version
    store.set(replace(store.get(sid), comment="edited"))
    v2 = store.version
    store.expire(sid)
    assert v0 < v1 < v2 < store.version


def test_gc_honours_retention(clock):
    store = Silences(clock=clock, retention=timedelta(hours=2))
    sid = store.set(sil(end=T0 + H))
    keep = store.set(sil(end=T0 + 5 * H))
    clock.advance(hours=3, microseconds=-1)
    assert store.gc() == 0  # expires_at = ends_at + retention = T0+3h, not reached yet
    clock.advance(microseconds=1)
    assert store.gc() == 1  # upstream removes when expires_at is not after now
    assert [s.id for s in store.query()] == [keep]
    with pytest.raises(SilenceNotFound):
        store.get(sid)


def test_on_change_gets_single_entry_delta(clock):
    deltas: list[bytes] = []
    store = Silences(clock=clock, on_change=deltas.append)
    sid = store.set(sil())
    store.expire(sid)
    assert len(deltas) == 2
    assert [e.silence.id for e in decode_state(deltas[0])] == [sid]
    last = decode_state(deltas[1])[0]
    assert last.silence.ends_at == T0 and last.expires_at == T0 + timedelta(hours=120)


def test_recreate_broadcasts_expiry_and_new(clock):
    deltas: list[bytes] = []
    store = Silences(clock=clock, on_change=deltas.append)
    sid = store.set(sil())
    new = store.set(replace(store.get(sid), matchers=sil(("x", "=", "y")).matchers))
    assert [decode_state(d)[0].silence.id for d in deltas] == [sid, sid, new]


def test_metrics(clock):
    reg = CollectorRegistry()
    store = Silences(clock=clock, registry=reg)
    store.set(sil())
    store.set(sil(start=T0 + H, end=T0 + 2 * H))
    store.query()
    store.gc()
    store.maintenance()
    v = reg.get_sample_value
    assert v("alertmanager_silences", {"state": "active"}) == 1
    assert v("alertmanager_silences", {"state": "pending"}) == 1
    assert v("alertmanager_silences", {"state": "expired"}) == 0
    assert v("alertmanager_silences_queries_total") == 1
    assert v("alertmanager_silences_query_errors_total") == 0
    assert v("alertmanager_silences_query_duration_seconds_count") == 1
    assert v("alertmanager_silences_gc_duration_seconds_count") == 2
    assert v("alertmanager_silences_maintenance_total") == 1
    assert v("alertmanager_silences_maintenance_errors_total") == 0
    assert v("alertmanager_silences_snapshot_size_bytes") == 0  # no storage: nothing written
    assert v("alertmanager_silences_gossip_messages_propagated_total") == 0
    assert v("alertmanager_silences_snapshot_duration_seconds_count") == 0


def test_two_stores_register_in_separate_registries(clock):
    Silences(clock=clock, registry=CollectorRegistry())
    Silences(clock=clock, registry=CollectorRegistry())


def test_count_by_state_follows_the_clock():
    c = FakeClock()
    store = Silences(clock=c)
    store.set(sil(start=T0 + H, end=T0 + 2 * H))
    assert store.count_by_state() == {"active": 0, "pending": 1, "expired": 0}
    c.advance(hours=1)
    assert store.count_by_state() == {"active": 1, "pending": 0, "expired": 0}
    c.advance(hours=2)
    assert store.count_by_state() == {"active": 0, "pending": 0, "expired": 1}
