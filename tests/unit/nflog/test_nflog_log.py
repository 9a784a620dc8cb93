import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from nflog_wire import delimited, field_bytes, mesh_entry, receiver
from prometheus_client import CollectorRegistry

from alertmanager.nflog import NflogError, NotificationLog

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
S0 = int(T0.timestamp())
GK = '{}/{team="a"}:{alertname="x"}'


@dataclass(frozen=True)
class R:
    group_name: str = "team-a"
    integration: str = "webhook"
    idx: int = 0


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def registry():
    return CollectorRegistry()


def make(clock, registry=None, storage_dir=None, retention=timedelta(hours=120), sent=None, fsync=os.fsync):
    return NotificationLog(
        clock=clock,
        retention=retention,
        storage_dir=storage_dir,
        registry=registry or CollectorRegistry(),
        on_change=None if sent is None else sent.append,
        fsync=fsync,
    )


def test_log_then_query(clock, registry):
    sent = []
    log = make(clock, registry, sent=sent)
    log.log(R(), GK, [1, 2], [3], expiry=timedelta(hours=8))
    e = log.query(GK, R())
    assert e is not None
    assert (e.firing_alerts, e.resolved_alerts, e.timestamp) == (frozenset({1, 2}), frozenset({3}), T0)
    assert e.expires_at == T0 + timedelta(hours=8)  # 2 × repeat_interval is shorter than retention
    assert e.state_key == '{}/{team="a"}:{alertname="x"}:team-a/webhook/0'
    # The change is gossiped as a single-entry delta that decodes back to the same entry.
    other = make(Clock())
    assert other.merge(sent[0]) and other.query(GK, R()).firing_alerts == {1, 2}


def test_retention_bounds_the_expiry(clock):
    log = make(clock, retention=timedelta(hours=1))
    log.log(R(), GK, [1], [], expiry=timedelta(hours=8))
    assert log.query(GK, R()).expires_at == T0 + timedelta(hours=1)
    log.log(R(idx=1), GK, [1], [], expiry=timedelta(0))
    assert log.query(GK, R(idx=1)).expires_at == T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    "other",
    [R(idx=1), R(integration="email"), R(group_name="team-b")],
    ids=["other-index", "other-integration", "other-receiver"],
)
def test_query_is_keyed_by_receiver_integration_and_index(clock, registry, other):
    log = make(clock, registry)
    log.log(R(), GK, [1], [])
    assert log.query(GK, other) is None
    assert log.query(GK + "x", R()) is None
    assert registry.get_sample_value("alertmanager_nflog_queries_total") == 2
    assert registry.get_sample_value("alertmanager_nflog_query_errors_total") == 2


def test_log_does_not_overwrite_a_newer_entry(clock):
    log = make(clock)
    future = mesh_entry(GK, receiver("team-a", "webhook", 0), (S0 + 60, 0), [9], [], (S0 + 3600, 0))
    assert log.merge(delimited(future))
    log.log(R(), GK, [1], [])
    assert log.query(GK, R()).firing_alerts == {9}


def test_gc_deletes_expired_entries(clock, registry):
    log = make(clock, registry)
    log.log(R(), GK, [1], [], expiry=timedelta(minutes=10))
    log.log(R(idx=1), GK, [1], [], expiry=timedelta(minutes=20))
    clock.now = T0 + timedelta(minutes=10)
    assert log.gc() == 1
    assert log.query(GK, R()) is None and log.query(GK, R(idx=1)) is not None
    assert registry.get_sample_value("alertmanager_nflog_gc_duration_seconds_count") == 1


def test_merge_newer_timestamp_wins(clock):
    log = make(clock)
    rcv = receiver("team-a", "webhook", 0)
    assert log.merge(delimited(mesh_entry(GK, rcv, (S0, 0), [1], [], (S0 + 3600, 0))))
    assert not log.merge(delimited(mesh_entry(GK, rcv, (S0, 0), [2], [], (S0 + 3600, 0))))  # equal: kept
    assert not log.merge(delimited(mesh_entry(GK, rcv, (S0 - 1, 0), [3], [], (S0 + 3600, 0))))
    assert log.query(GK, R()).firing_alerts == {1}
    assert log.merge(delimited(mesh_entry(GK, rcv, (S0, 1), [4], [], (S0 + 3600, 0))))  # 1 ns newer
    assert log.query(GK, R()).firing_alerts == {4}


def test_merge_drops_expired_entries(clock):
    log = make(clock)
    rcv = receiver("team-a", "webhook", 0)
    assert not log.merge(delimited(mesh_entry(GK, rcv, (S0 - 100, 0), [1], [], (S0 - 1, 0))))
    assert log.query(GK, R()) is None


def test_merge_rejects_a_blob_with_an_entry_without_receiver(clock):
    log = make(clock)
    good = mesh_entry(GK, receiver("team-a", "webhook", 0), (S0, 0), [1], [], (S0 + 3600, 0))
    bad = field_bytes(1, field_bytes(1, b"gk")) + field_bytes(2, b"")
    with pytest.raises(NflogError):
        log.merge(delimited(good, bad))
    assert log.query(GK, R()) is None


def test_merge_regossips_small_blobs_once_per_new_entry(clock, registry):
    sent = []
    log = make(clock, registry, sent=sent)
    a = mesh_entry(GK, receiver("team-a", "webhook", 0), (S0, 0), [1], [], (S0 + 3600, 0))
    b = mesh_entry(GK, receiver("team-a", "webhook", 1), (S0, 0), [1], [], (S0 + 3600, 0))
    blob = delimited(a, b)
    assert log.merge(blob)
    assert sent == [blob, blob]
    assert not log.merge(blob) and len(sent) == 2
    assert registry.get_sample_value("alertmanager_nflog_gossip_messages_propagated_total") == 2


def test_merge_does_not_regossip_oversized_blobs(clock):
    sent = []
    log = make(clock, sent=sent)
    entries = [
        mesh_entry(GK + str(i), receiver("team-a", "webhook", 0), (S0, 0), list(range(1, 20)), [], (S0 + 3600, 0))
        for i in range(10)
    ]
    blob = delimited(*entries)
    assert len(blob) > 700
    assert log.merge(blob) and sent == []


def test_snapshot_round_trip_keeps_unknown_fields(clock):
    log = make(clock)
    # Entry field 8 (receiver_data, newer upstream) and an unknown field 15 must survive a hop.
    extra = field_bytes(8, field_bytes(1, b"k") + field_bytes(2, field_bytes(1, b"v"))) + field_bytes(15, b"future")
    raw = mesh_entry(GK, receiver("team-a", "webhook", 0), (S0, 5), [1], [2], (S0 + 3600, 0), extra)
    log.merge(delimited(raw))
    log.log(R(idx=3), GK, [7], [])
    snap = log.snapshot()
    assert raw in snap
    copy = make(clock)
    assert copy.merge(snap)
    assert copy.snapshot() == snap
    assert copy.query(GK, R()).timestamp == T0


def test_reads_a_go_format_snapshot_file(clock, tmp_path):
    (tmp_path / "nflog").write_bytes(
        delimited(
            mesh_entry(GK, receiver("team-a", "webhook", 0), (S0 - 60, 123456789), [11, 2**64 - 1], [5],
                       (S0 + 7200, 0)),
            mesh_entry(GK, receiver("team-a", "email", 2), (S0 - 30, 0), [], [5], (S0 + 7200, 0)),
        )
    )
    log = make(clock, storage_dir=tmp_path)
    e = log.query(GK, R())
    assert e.firing_alerts == {11, 2**64 - 1} and e.resolved_alerts == {5}
    assert e.timestamp == T0 - timedelta(seconds=60) + timedelta(microseconds=123456)
    assert e.timestamp_ns == (S0 - 60) * 10**9 + 123456789
    assert log.query(GK, R(integration="email", idx=2)).firing_alerts == frozenset()


def test_persists_every_log_at_once(clock, tmp_path):
    log = make(clock, storage_dir=tmp_path)
    log.log(R(), GK, [1], [])
    clock.now += timedelta(seconds=1)
    log.log(R(), GK, [1, 2], [])
    # No close(): a crash right after logging must not lose the entry.
    again = make(clock, storage_dir=tmp_path)
    assert again.query(GK, R()).firing_alerts == {1, 2}


def test_merged_entries_are_persisted(clock, tmp_path):
    log = make(clock, storage_dir=tmp_path)
    log.merge(delimited(mesh_entry(GK, receiver("team-a", "webhook", 0), (S0, 0), [1], [], (S0 + 60, 0))))
    assert make(clock, storage_dir=tmp_path).query(GK, R()) is not None


def test_a_torn_tail_is_ignored_and_compacted(clock, tmp_path):
    log = make(clock, storage_dir=tmp_path)
    log.log(R(), GK, [1], [])
    with open(tmp_path / "nflog", "ab") as f:
        f.write(b"\x40partial")
    again = make(clock, storage_dir=tmp_path)
    assert again.query(GK, R()).firing_alerts == {1}
    assert (tmp_path / "nflog").read_bytes() == again.snapshot()


def test_maintenance_gcs_and_compacts(clock, registry, tmp_path):
    log = make(clock, registry, storage_dir=tmp_path)
    for i in range(3):
        clock.now = T0 + timedelta(seconds=i)
        log.log(R(), GK, [i], [], expiry=timedelta(minutes=1))
    log.log(R(idx=1), GK, [1], [], expiry=timedelta(hours=1))
    assert len((tmp_path / "nflog").read_bytes()) > len(log.snapshot())
    clock.now = T0 + timedelta(minutes=5)
    size = log.maintenance()
    data = (tmp_path / "nflog").read_bytes()
    assert size == len(data) and data == log.snapshot()
    assert [e.idx for e in log.entries()] == [1]
    assert registry.get_sample_value("alertmanager_nflog_maintenance_total") == 1
    assert registry.get_sample_value("alertmanager_nflog_snapshot_size_bytes") == size


def test_entries_always_carry_both_timestamps(clock):
    sent = []
    log = make(clock, sent=sent)
    log.log(R(), GK, [], [1])
    from alertmanager.nflog import nflog_pb2 as pb

    msg = pb.MeshEntry()
    msg.ParseFromString(sent[0][1:])
    assert msg.HasField("expires_at") and msg.entry.HasField("timestamp")


class HeldFsync:
    """An fsync that blocks until released, so a test can look at the log meanwhile."""

    def __init__(self):
        self.calls = 0
        self.entered = threading.Semaphore(0)
        self.release = threading.Semaphore(0)

    def __call__(self, fd: int) -> None:
        self.calls += 1
        self.entered.release()
        assert self.release.acquire(timeout=10)
        os.fsync(fd)


def _wait_for(cond) -> None:
    deadline = time.monotonic() + 10
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.001)


def test_query_is_not_blocked_while_log_fsyncs(clock, tmp_path):
    fsync = HeldFsync()
    log = make(clock, storage_dir=tmp_path, fsync=fsync)
    other = '{}/{team="b"}:{alertname="y"}'
    fsync.release.release()  # the first log's fsync goes straight through
    log.log(R(), other, [7], [])
    assert fsync.entered.acquire(timeout=10)
    with ThreadPoolExecutor(2) as pool:
        writing = pool.submit(log.log, R(), GK, [1], [])
        assert fsync.entered.acquire(timeout=10)
        # The second fsync is held: a dedup query for another group answers meanwhile.
        assert pool.submit(log.query, other, R()).result(timeout=10).firing_alerts == {7}
        assert not writing.done()  # log() does not return before its record is fsynced
        fsync.release.release()
        writing.result(timeout=10)
    assert make(clock, storage_dir=tmp_path).query(GK, R()).firing_alerts == {1}


def test_an_append_during_an_fsync_gets_its_own_fsync(clock, tmp_path):
    fsync = HeldFsync()
    log = make(clock, storage_dir=tmp_path, fsync=fsync)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(log.log, R(), GK, [1], [])
        assert fsync.entered.acquire(timeout=10)
        second = pool.submit(log.log, R(integration="email"), GK, [2], [])
        _wait_for(lambda: log.query(GK, R(integration="email")) is not None)  # appended, not yet synced
        fsync.release.release()
        first.result(timeout=10)
        assert not second.done()  # the fsync that was running began before its append
        assert fsync.entered.acquire(timeout=10)
        fsync.release.release()
        second.result(timeout=10)
    assert fsync.calls == 2


def test_a_reused_scratch_message_encodes_each_entry_afresh():
    from alertmanager.nflog import nflog_pb2 as pb
    from alertmanager.nflog._codec import encode_entry

    scratch = pb.MeshEntry()
    entries = [
        {"group_key": '{}:{a="1"}', "group_name": "team", "integration": "webhook", "idx": 2,
         "timestamp_ns": 1_700_000_000_123_456_789, "expires_at_ns": 1_700_000_100_000_000_000,
         "firing": [1, 2**64 - 1], "resolved": [7]},
        {"group_key": "", "group_name": "", "integration": "slack", "idx": 0,
         "timestamp_ns": 5, "expires_at_ns": 9, "firing": [], "resolved": []},
    ]
    for kw in entries + entries[::-1]:
        assert encode_entry(**kw, scratch=scratch) == encode_entry(**kw)
