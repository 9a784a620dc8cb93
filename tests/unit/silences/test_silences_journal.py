import asyncio
from dataclasses import replace
from datetime import timedelta

from prometheus_client import CollectorRegistry
from silences_helpers import T0, sil

from alertmanager.silences import Silences
from alertmanager.silences.codec import decode_state, write_delimited
from alertmanager.silences.journal import JOURNAL_FILE, SNAPSHOT_FILE

H = timedelta(hours=1)


def _by_id(store: Silences) -> dict:
    return {s.id: s for s in store.query()}


def test_every_change_is_on_disk_when_set_returns(tmp_path, clock):
    a = Silences(clock=clock, storage_dir=tmp_path)
    sid = a.set(sil(comment="first"))
    edited = a.set(replace(a.get(sid), comment="edited"))
    other = a.set(sil(("job", "=", "x")))
    a.expire(other)
    pending = a.set(sil(start=T0 + H, end=T0 + 2 * H))
    recreated = a.set(replace(a.get(pending), matchers=sil(("k", "=", "v")).matchers))
    # "kill -9": the first store is never closed, snapshotted or flushed.
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert edited == sid
    assert _by_id(b) == _by_id(a)
    assert b.get(sid).comment == "edited"
    assert b.get(other).ends_at == T0
    assert b.get(pending).state(T0 + timedelta(seconds=1)) == "expired" and b.get(recreated)
    assert not (tmp_path / SNAPSHOT_FILE).exists()


def test_torn_tail_is_ignored_and_cut(tmp_path, clock):
    a = Silences(clock=clock, storage_dir=tmp_path)
    keep = a.set(sil(comment="kept"))
    torn = a.set(sil(comment="torn"))
    journal = tmp_path / JOURNAL_FILE
    data = journal.read_bytes()
    journal.write_bytes(data[:-5])  # the last record was half written
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert set(_by_id(b)) == {keep}
    assert torn not in _by_id(b)
    # appending after the cut tail works and survives another restart
    later = b.set(sil(comment="later"))
    c = Silences(clock=clock, storage_dir=tmp_path)
    assert set(_by_id(c)) == {keep, later}


def test_corrupt_record_stops_replay(tmp_path, clock):
    a = Silences(clock=clock, storage_dir=tmp_path)
    first = a.set(sil(comment="one"))
    size = (tmp_path / JOURNAL_FILE).stat().st_size
    a.set(sil(comment="two"))
    raw = bytearray((tmp_path / JOURNAL_FILE).read_bytes())
    raw[size + 12] ^= 0xFF  # flip a payload byte of the second record: CRC mismatch
    (tmp_path / JOURNAL_FILE).write_bytes(bytes(raw))
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert set(_by_id(b)) == {first}


def test_garbage_journal_never_crashes(tmp_path, clock):
    (tmp_path / JOURNAL_FILE).write_bytes(b"\xff\xff\xff\xff garbage")
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert len(b) == 0
    assert (tmp_path / JOURNAL_FILE).stat().st_size == 0


def test_snapshot_compacts_journal_and_is_upstream_format(tmp_path, clock):
    a = Silences(clock=clock, storage_dir=tmp_path)
    ids = {a.set(sil(("n", "=", str(i)))) for i in range(3)}
    size = a.write_snapshot()
    snap = (tmp_path / SNAPSHOT_FILE).read_bytes()
    assert len(snap) == size
    assert (tmp_path / JOURNAL_FILE).stat().st_size == 0
    assert {e.silence.id for e in decode_state(snap)} == ids
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(SNAPSHOT_FILE + ".")] == [JOURNAL_FILE]
    extra = a.set(sil(("n", "=", "after")))
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert set(_by_id(b)) == ids | {extra}


def test_crash_between_snapshot_and_journal_reset(tmp_path, clock):
    a = Silences(clock=clock, storage_dir=tmp_path)
    sid = a.set(sil(comment="v1"))
    a.set(replace(a.get(sid), comment="v2"))
    (tmp_path / SNAPSHOT_FILE).write_bytes(a.snapshot())  # renamed, but journal not yet emptied
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert b.get(sid).comment == "v2" and len(b) == 1


def test_journal_replay_drops_what_gc_would_have_removed(tmp_path, clock):
    a = Silences(clock=clock, storage_dir=tmp_path, retention=H)
    gone = a.set(sil(end=T0 + H))
    stays = a.set(sil(end=T0 + 10 * H))
    clock.advance(hours=3)
    a.gc()
    b = Silences(clock=clock, storage_dir=tmp_path, retention=H)
    assert set(_by_id(b)) == {stays} and gone not in _by_id(b)


def test_merged_state_is_durable(tmp_path, clock):
    src = Silences(clock=clock)
    sid = src.set(sil(comment="from peer"))
    a = Silences(clock=clock, storage_dir=tmp_path)
    assert a.merge(src.snapshot())
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert b.get(sid).comment == "from peer"


def test_load_snapshot_persists(tmp_path, clock):
    src = Silences(clock=clock)
    sid = src.set(sil())
    a = Silences(clock=clock, storage_dir=tmp_path)
    a.set(sil(comment="replaced away"))
    a.load_snapshot(src.snapshot())
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert set(_by_id(b)) == {sid}


def test_go_snapshot_file_loads_then_journal_applies(tmp_path, clock):
    src = Silences(clock=clock)
    first = src.set(sil(comment="from go"))
    (tmp_path / SNAPSHOT_FILE).write_bytes(write_delimited(_raw_entries(src)))
    a = Silences(clock=clock, storage_dir=tmp_path)
    a.expire(first)
    b = Silences(clock=clock, storage_dir=tmp_path)
    assert b.get(first).comment == "from go" and b.get(first).ends_at == T0


def _raw_entries(store: Silences) -> list[bytes]:
    return [e.raw for e in decode_state(store.snapshot())]


async def test_run_maintenance_snapshots_on_stop(tmp_path, clock):
    reg = CollectorRegistry()
    a = Silences(clock=clock, storage_dir=tmp_path, registry=reg)
    a.set(sil())
    stop = asyncio.Event()
    stop.set()
    await a.run_maintenance(timedelta(minutes=15), stop)
    assert (tmp_path / SNAPSHOT_FILE).exists() and (tmp_path / JOURNAL_FILE).stat().st_size == 0
    assert reg.get_sample_value("alertmanager_silences_maintenance_total") == 1
    size = (tmp_path / SNAPSHOT_FILE).stat().st_size
    assert reg.get_sample_value("alertmanager_silences_snapshot_size_bytes") == size


async def test_run_maintenance_runs_periodically_and_gcs(tmp_path, clock):
    reg = CollectorRegistry()
    a = Silences(clock=clock, storage_dir=tmp_path, registry=reg, retention=H)
    a.set(sil(end=T0 + H))
    clock.advance(hours=3)
    stop = asyncio.Event()
    task = asyncio.create_task(a.run_maintenance(timedelta(milliseconds=1), stop))
    for _ in range(2000):  # bounded wait for two periodic runs
        if (reg.get_sample_value("alertmanager_silences_maintenance_total") or 0) >= 2:
            break
        await asyncio.sleep(0.005)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert reg.get_sample_value("alertmanager_silences_maintenance_total") >= 3
    assert len(a) == 0 and decode_state((tmp_path / SNAPSHOT_FILE).read_bytes()) == []


def test_maintenance_failure_is_counted(tmp_path, clock):
    reg = CollectorRegistry()
    a = Silences(clock=clock, storage_dir=tmp_path / "d", registry=reg)
    a.set(sil())
    (tmp_path / "d" / SNAPSHOT_FILE).mkdir()  # the snapshot path cannot be replaced by a file
    a.maintenance()
    assert reg.get_sample_value("alertmanager_silences_maintenance_errors_total") == 1
    assert (tmp_path / "d" / JOURNAL_FILE).stat().st_size > 0  # journal kept: nothing lost
