from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry
from silences_helpers import T0, sil

from alertmanager.silences import GO_ZERO_TIME, SilenceError, Silences
from alertmanager.silences import silence_pb2 as pb
from alertmanager.silences.codec import decode_entry, decode_state, encode_entry, write_delimited

H = timedelta(hours=1)


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(num: int, payload: bytes) -> bytes:  # length-delimited field
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


def _ts(seconds: int, nanos: int = 0) -> bytes:
    return _varint(1 << 3) + _varint(seconds) + (_varint(2 << 3) + _varint(nanos) if nanos else b"")


def _mesh(sid: str, updated: int, expires: int, *, extra_silence: bytes = b"", extra_mesh: bytes = b"",
          matcher: bytes | None = None, comment: str = "c") -> bytes:
    m = matcher if matcher is not None else _field(2, b"alertname") + _field(3, b"Foo")
    silence = (_field(1, sid.encode()) + _field(2, m) + _field(3, _ts(updated)) + _field(4, _ts(updated + 3600))
               + _field(5, _ts(updated)) + _field(8, b"me") + _field(9, comment.encode()) + extra_silence)
    return _field(1, silence) + _field(2, _ts(expires)) + extra_mesh


T0S = int(T0.timestamp())


def test_encoding_matches_upstream_field_numbers():
    s = sil(("alertname", "=", "Foo"), id="id-1", start=T0, end=T0 + H, comment="c")
    s = s.__class__(s.id, s.matchers, s.starts_at, s.ends_at, T0, "me", "c")
    entry = encode_entry(s, T0 + 2 * H)
    expected = _mesh("id-1", T0S, T0S + 7200)
    assert entry.raw == expected  # EQUAL (0) omitted, every timestamp present, created_by 8, comment 9


def test_matcher_types_on_the_wire():
    s = sil(("a", "=~", "x"), ("b", "!=", "y"), ("c", "!~", "z"), id="i")
    msg = pb.MeshSilence.FromString(encode_entry(s, T0).raw)
    assert [m.type for m in msg.silence.matchers] == [1, 2, 3]  # REGEXP, NOT_EQUAL, NOT_REGEXP


def test_decode_go_entry_with_nanos_and_keeps_raw():
    raw = _field(1, _field(1, b"x") + _field(2, _field(2, b"a") + _field(3, b"b"))
                 + _field(3, _ts(T0S, 123456789)) + _field(4, _ts(T0S + 60)) + _field(5, _ts(T0S, 999999999))
                 ) + _field(2, _ts(T0S + 99))
    e = decode_entry(raw)
    assert e.raw == raw
    assert e.silence.starts_at == T0 + timedelta(microseconds=123456)
    assert e.updated_ns == T0S * 10**9 + 999999999  # full precision kept for the merge rule
    assert e.silence.created_by == "" and e.silence.comment == ""


def test_missing_timestamps_are_go_zero_time():
    raw = _field(1, _field(1, b"x") + _field(2, _field(2, b"a") + _field(3, b"b")))
    e = decode_entry(raw)
    assert e.silence.starts_at == GO_ZERO_TIME and e.silence.updated_at == GO_ZERO_TIME
    assert e.expires_at == GO_ZERO_TIME
    zero = encode_entry(e.silence, GO_ZERO_TIME)
    assert pb.MeshSilence.FromString(zero.raw).expires_at.seconds == -62135596800


def test_epoch_timestamps_are_still_emitted():
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    s = sil(id="i", start=epoch, end=epoch + H)
    msg = pb.MeshSilence.FromString(encode_entry(s, epoch).raw)
    assert msg.HasField("expires_at") and msg.silence.HasField("starts_at")


def test_deprecated_comments_are_upgraded():
    comment = _field(7, _field(1, b"alice") + _field(2, b"old style"))
    e = decode_entry(_mesh("x", T0S, T0S + 10, extra_silence=comment, comment=""))
    assert (e.silence.created_by, e.silence.comment) == ("alice", "old style")


def test_matcher_sets_only_falls_back_to_first_set():
    raw = _field(1, _field(1, b"x") + _field(11, _field(1, _field(2, b"job") + _field(3, b"api")))
                 + _field(3, _ts(T0S)) + _field(4, _ts(T0S + 60)) + _field(5, _ts(T0S))) + _field(2, _ts(T0S + 99))
    assert decode_entry(raw).silence.matches({"job": "api"})


def test_snapshot_round_trip(clock):
    a = Silences(clock=clock)
    ids = [a.set(sil(("n", "=", str(i)), comment=f"c{i}")) for i in range(5)]
    a.expire(ids[0])
    data = a.snapshot()
    b = Silences(clock=clock)
    b.load_snapshot(data)
    assert sorted(b.query(), key=lambda s: s.id) == sorted(a.query(), key=lambda s: s.id)
    assert b.snapshot() and {e.silence.id for e in decode_state(data)} == set(ids)


def test_load_snapshot_refuses_invalid(store):
    with pytest.raises(SilenceError, match="invalid silences snapshot"):
        store.load_snapshot(write_delimited([_field(2, _ts(T0S))]))  # a MeshSilence without silence


# --- merge --------------------------------------------------------------------------------


def test_merge_adds_and_propagates_small_deltas(clock):
    deltas: list[bytes] = []
    reg = CollectorRegistry()
    store = Silences(clock=clock, on_change=deltas.append, registry=reg)
    data = write_delimited([_mesh("x", T0S, T0S + 3600)])
    v = store.version
    assert store.merge(data) is True
    assert store.get("x").comment == "c" and store.version > v
    assert deltas == [data]
    assert reg.get_sample_value("alertmanager_silences_gossip_messages_propagated_total") == 1
    assert store.merge(data) is False  # same updated_at: not newer, nothing to pass on
    assert deltas == [data]


def test_merge_does_not_propagate_oversized(clock):
    deltas: list[bytes] = []
    store = Silences(clock=clock, on_change=deltas.append)
    data = write_delimited([_mesh("x", T0S, T0S + 3600, comment="y" * 800)])
    assert store.merge(data) is True
    assert deltas == []


@pytest.mark.parametrize(
    ("incoming_updated", "replaced"),
    [(T0S - 1, False), (T0S, False), (T0S + 1, True)],
    ids=["older", "equal", "newer"],
)
def test_merge_newer_updated_at_wins(store, incoming_updated, replaced):
    store.merge(write_delimited([_mesh("x", T0S, T0S + 3600, comment="mine")]))
    changed = store.merge(write_delimited([_mesh("x", incoming_updated, T0S + 3600, comment="theirs")]))
    assert changed is replaced
    assert store.get("x").comment == ("theirs" if replaced else "mine")


def test_merge_drops_entries_past_expiry(store):
    assert store.merge(write_delimited([_mesh("x", T0S - 7200, T0S - 1)])) is False
    assert len(store) == 0
    assert store.merge(write_delimited([_mesh("x", T0S - 7200, T0S)])) is True  # not *before* now


def test_merge_refuses_whole_blob_if_one_entry_lacks_silence(store):
    blob = write_delimited([_mesh("x", T0S, T0S + 3600), _field(2, _ts(T0S + 10))])
    assert store.merge(blob) is False
    assert len(store) == 0


def test_merge_refuses_truncated_blob(store):
    blob = write_delimited([_mesh("x", T0S, T0S + 3600)])
    assert store.merge(blob[:-3]) is False
    assert len(store) == 0


def test_unknown_fields_survive_a_hop(store):
    extra_sil = _field(10, _field(1, b"k") + _field(2, b"v")) + _field(99, b"future")
    raw = _mesh("x", T0S, T0S + 3600, extra_silence=extra_sil, extra_mesh=_field(7, b"more"))
    store.merge(write_delimited([raw]))
    assert store.snapshot() == write_delimited([raw])


def test_merged_then_local_update_is_reencoded(store, clock):
    store.merge(write_delimited([_mesh("x", T0S - 60, T0S + 3600)]))
    clock.advance(seconds=1)
    old = store.get("x")
    assert store.set(old.__class__(old.id, old.matchers, old.starts_at, old.ends_at, comment="new")) == "x"
    e = decode_state(store.snapshot())[0]
    assert e.silence.comment == "new" and e.silence.updated_at == clock.now


def test_far_future_timestamps_do_not_break_decoding():
    raw = _field(1, _field(1, b"x") + _field(2, _field(2, b"a") + _field(3, b"b"))
                 + _field(3, _ts(T0S)) + _field(4, _ts(10**12)) + _field(5, _ts(T0S))) + _field(2, _ts(10**12))
    e = decode_entry(raw)
    assert e.silence.ends_at.year == 9999 and e.raw == raw
