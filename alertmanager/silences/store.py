"""The silence store: create, update, expire, query, GC, snapshot and merge (upstream semantics).

Differences from upstream, on purpose:
- every change (local or merged) is journaled and fsynced before the call returns, and the
  state is rebuilt from the snapshot plus the journal on start (see ``journal.py``);
- matching uses an index of equality matchers (see ``index.py``);
- ``version`` is bumped on every change, not only when a new id appears.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry

from alertmanager.silences._metrics import SilenceMetrics
from alertmanager.silences.codec import (
    CodecError,
    Entry,
    decode_entry,
    decode_state,
    encode_entry,
    to_ns,
    write_delimited,
)
from alertmanager.silences.index import MatcherIndex
from alertmanager.silences.journal import JOURNAL_FILE, SNAPSHOT_FILE, Journal, write_atomic
from alertmanager.silences.silence import (
    GO_ZERO_TIME,
    Silence,
    SilenceError,
    SilenceNotFound,
    SilenceState,
    can_update,
    check_new_times,
    validate_silence,
)
from alertmanager.types import Clock

__all__ = ["OVERSIZED_GOSSIP_BYTES", "Silences"]

OVERSIZED_GOSSIP_BYTES = 700
"""Upstream's ``cluster.OversizedMessage``: half of a 1400-byte gossip packet. Bigger merged
messages were already sent to every peer directly, so they are not gossiped on."""

_log = logging.getLogger(__name__)


def _expired_copy(sil: Silence, now: datetime) -> Silence:
    if sil.state(now) == "pending":
        return replace(sil, starts_at=now, ends_at=now, updated_at=now)
    return replace(sil, ends_at=now, updated_at=now)


class Silences:
    """All silences known to this replica.

    Args:
        clock: where "now" comes from (aware UTC datetimes).
        retention: how long an ended silence is kept (``--data.retention``).
        storage_dir: ``--storage.path``; ``None`` keeps everything in memory only.
        registry: where the upstream-named metrics are registered.
        on_change: receives each local change as a length-delimited MeshSilence (a gossip
            delta), and merged gossip worth passing on; the cluster broadcast hook.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        retention: timedelta = timedelta(hours=120),
        storage_dir: Path | None = None,
        registry: CollectorRegistry | None = None,
        on_change: Callable[[bytes], None] | None = None,
    ) -> None:
        self._clock = clock
        self._retention = retention
        self._storage_dir = storage_dir
        self._on_change = on_change
        self._lock = threading.RLock()
        self._entries: dict[str, Entry] = {}
        self._index = MatcherIndex()
        self._version = 0
        self._evaluations = 0
        self._metrics = SilenceMetrics(registry, self.count_by_state)
        self._journal: Journal | None = None
        if storage_dir is not None:
            self._open_storage(storage_dir)

    # --- persistence -----------------------------------------------------------------------

    def _open_storage(self, storage_dir: Path) -> None:
        storage_dir.mkdir(parents=True, exist_ok=True)
        snap = storage_dir / SNAPSHOT_FILE
        if snap.exists():
            self._replace_all(self._decode_snapshot(snap.read_bytes()))
        self._journal = Journal(storage_dir / JOURNAL_FILE)
        now_ns = to_ns(self._clock())
        for raw in self._journal.replay():
            try:
                entry = decode_entry(raw)
            except CodecError as exc:
                _log.warning("skipping unreadable silence journal record: %s", exc)
                continue
            # Records are replayed in the order they were applied, so the last one wins;
            # one that has expired since would have been garbage collected.
            if entry.expires_ns <= now_ns:
                self._remove(entry.silence.id)
            else:
                self._put(entry)

    @staticmethod
    def _decode_snapshot(data: bytes) -> list[Entry]:
        try:
            return decode_state(data)
        except CodecError as exc:
            raise SilenceError(f"invalid silences snapshot: {exc}") from exc

    def _persist(self, entries: Sequence[Entry]) -> None:
        if self._journal is not None:
            self._journal.append([e.raw for e in entries])

    def set_on_change(self, on_change: Callable[[bytes], None] | None) -> None:
        """Install the broadcast hook after construction (upstream ``SetBroadcast``)."""
        self._on_change = on_change

    def _broadcast(self, data: bytes) -> None:
        if self._on_change is None:
            return
        try:
            self._on_change(data)
        except Exception:  # a broken peer link must not fail an acknowledged write
            _log.exception("broadcasting silence change failed")

    # --- state -----------------------------------------------------------------------------

    def _put(self, entry: Entry) -> None:
        self._entries[entry.silence.id] = entry
        self._index.add(entry.silence)
        self._version += 1

    def _remove(self, silence_id: str) -> None:
        if self._entries.pop(silence_id, None) is not None:
            self._index.remove(silence_id)
            self._version += 1

    def _replace_all(self, entries: Iterable[Entry]) -> None:
        self._entries = {e.silence.id: e for e in entries}
        self._index.clear()
        for e in self._entries.values():
            self._index.add(e.silence)
        self._version += 1

    def _write_local(self, silences: Sequence[Silence]) -> None:
        entries = [encode_entry(s, s.ends_at + self._retention) for s in silences]
        self._persist(entries)  # durable before visible: a failed fsync changes nothing
        for e in entries:
            self._put(e)
        for e in entries:
            self._broadcast(write_delimited([e.raw]))

    @property
    def version(self) -> int:
        """Bumped on every change; the Silencer's cache key."""
        return self._version

    @property
    def matcher_evaluations(self) -> int:
        """How many silences have had their matchers evaluated against a label set, in total."""
        return self._evaluations

    def __len__(self) -> int:
        return len(self._entries)

    # --- API operations --------------------------------------------------------------------

    def set(self, sil: Silence) -> str:
        """Create or update a silence and return the id the API reports.

        An empty id creates a silence. An existing silence is changed in place when history
        allows (same matchers; not expired; if active, same start second and an end not in
        the past; if pending, a start not in the past); otherwise it is expired and a new
        silence with a new id replaces it. Raises ``SilenceNotFound`` for an unknown id and
        ``SilenceError`` (upstream's text) for an invalid silence.
        """
        with self._lock:
            now = self._clock()
            check_new_times(sil, now)
            if sil.starts_at == GO_ZERO_TIME:
                sil = replace(sil, starts_at=now)
            validate_silence(sil)
            prev = self._entries.get(sil.id) if sil.id else None
            if sil.id and prev is None:
                raise SilenceNotFound(sil.id)
            if prev is not None and can_update(prev.silence, sil, now):
                self._write_local([replace(sil, updated_at=now)])
                return sil.id
            writes: list[Silence] = []
            if prev is not None and prev.silence.state(now) != "expired":
                writes.append(_expired_copy(prev.silence, now))
            new = replace(sil, id=str(uuid.uuid4()), starts_at=max(sil.starts_at, now), updated_at=now)
            writes.append(new)
            self._write_local(writes)
            return new.id

    def expire(self, silence_id: str) -> None:
        """End a silence now (a pending one never starts); a no-op if it already expired."""
        with self._lock:
            entry = self._entries.get(silence_id)
            if entry is None:
                raise SilenceNotFound(silence_id)
            now = self._clock()
            if entry.silence.state(now) == "expired":
                return
            self._write_local([_expired_copy(entry.silence, now)])

    def get(self, silence_id: str) -> Silence:
        """The silence with this id, or ``SilenceNotFound``."""
        entry = self._entries.get(silence_id)
        if entry is None:
            raise SilenceNotFound(silence_id)
        return entry.silence

    def query(
        self,
        *,
        ids: Iterable[str] | None = None,
        states: Iterable[SilenceState] | None = None,
        matches_labels: Mapping[str, str] | None = None,
        now: datetime | None = None,
        record: bool = True,
    ) -> list[Silence]:
        """Silences passing every given filter: among ``ids``, in ``states``, matching labels.

        ``record=False`` skips the query metrics (count and duration): for callers that run
        many queries for one request and count them once with ``record_queries``.
        """
        if not record:
            return self._query(ids, states, matches_labels, now)
        start = time.perf_counter()
        self._metrics.queries_total.inc()
        out = self._query(ids, states, matches_labels, now)
        self._metrics.query_duration.observe(time.perf_counter() - start)
        return out

    def record_queries(self, n: int = 1, seconds: float = 0.0) -> None:
        """Count ``n`` queries made with ``record=False`` (``seconds`` observed once)."""
        if n > 0:
            self._metrics.queries_total.inc(n)
            self._metrics.query_duration.observe(seconds)

    def _query(
        self,
        ids: Iterable[str] | None,
        states: Iterable[SilenceState] | None,
        matches_labels: Mapping[str, str] | None,
        now: datetime | None,
    ) -> list[Silence]:
        with self._lock:
            when = self._clock() if now is None else now
            if ids is not None:
                base: Iterable[str] = dict.fromkeys(ids)
            elif matches_labels is not None:
                if not self._entries:
                    return []
                base = self._index.candidates(matches_labels)
            else:
                base = self._entries
            wanted = None if states is None else frozenset(states)
            out: list[Silence] = []
            for sid in base:
                entry = self._entries.get(sid)
                if entry is None:
                    continue
                sil = entry.silence
                if wanted is not None and sil.state(when) not in wanted:
                    continue
                if matches_labels is not None:
                    self._evaluations += 1
                    if not sil.matches(matches_labels):
                        continue
                out.append(sil)
        return out

    def mutes(self, labels: Mapping[str, str], now: datetime) -> tuple[list[str], list[str]]:
        """Sorted ids of the active and of the pending silences matching ``labels``."""
        active: list[str] = []
        pending: list[str] = []
        for sil in self.query(states=("active", "pending"), matches_labels=labels, now=now):
            (active if sil.state(now) == "active" else pending).append(sil.id)
        return sorted(active), sorted(pending)

    def count_by_state(self) -> dict[str, int]:
        """How many silences are in each state now (the ``alertmanager_silences`` gauge)."""
        now = self._clock()
        counts = {"active": 0, "pending": 0, "expired": 0}
        with self._lock:
            for e in self._entries.values():
                counts[e.silence.state(now)] += 1
        return counts

    # --- replication (the Replicated protocol) ---------------------------------------------

    def snapshot(self) -> bytes:
        """The full state in upstream's format (gossip full state and snapshot file alike)."""
        start = time.perf_counter()
        with self._lock:
            data = write_delimited(e.raw for e in self._entries.values())
        self._metrics.snapshot_duration.observe(time.perf_counter() - start)
        return data

    def merge(self, data: bytes) -> bool:
        """Merge a peer's state or delta; True if anything changed. Invalid data changes nothing.

        Upstream's rule: an entry past its ``expires_at`` is dropped; otherwise it replaces
        ours when we have none or when ours was updated strictly earlier.
        """
        try:
            incoming = {e.silence.id: e for e in decode_state(data)}
        except CodecError as exc:
            _log.warning("ignoring invalid silence state from peer: %s", exc)
            return False
        with self._lock:
            now_ns = to_ns(self._clock())
            changed = []
            for sid, e in incoming.items():
                if e.expires_ns < now_ns:
                    continue
                prev = self._entries.get(sid)
                if prev is None or prev.updated_ns < e.updated_ns:
                    changed.append(e)
            if not changed:
                return False
            try:
                self._persist(changed)
            except OSError:  # gossip cannot be refused; peers still hold it
                _log.exception("journaling merged silences failed")
            for e in changed:
                self._put(e)
        if len(data) <= OVERSIZED_GOSSIP_BYTES and self._on_change is not None:
            self._broadcast(data)
            self._metrics.propagated_messages_total.inc()
        return True

    def load_snapshot(self, data: bytes) -> None:
        """Replace the whole state with a snapshot (``SilenceError`` if it is invalid)."""
        entries = self._decode_snapshot(data)
        with self._lock:
            self._replace_all(entries)
            if self._storage_dir is not None:
                self.write_snapshot()

    # --- maintenance -----------------------------------------------------------------------

    def gc(self) -> int:
        """Drop silences whose retention has passed (``expires_at`` <= now); returns how many."""
        start = time.perf_counter()
        with self._lock:
            now_ns = to_ns(self._clock())
            gone = [sid for sid, e in self._entries.items() if e.expires_ns <= now_ns]
            for sid in gone:
                self._remove(sid)
        self._metrics.gc_duration.observe(time.perf_counter() - start)
        return len(gone)

    def write_snapshot(self) -> int:
        """Write ``<storage_dir>/silences`` atomically and empty the journal; returns its size."""
        with self._lock:
            data = self.snapshot()
            if self._storage_dir is not None:
                write_atomic(self._storage_dir / SNAPSHOT_FILE, data)
                if self._journal is not None:
                    self._journal.reset()
        self._metrics.snapshot_size.set(len(data))
        return len(data)

    def maintenance(self) -> None:
        """One maintenance run: GC, then a snapshot when there is a storage directory."""
        self._metrics.maintenance_total.inc()
        try:
            self.gc()
            if self._storage_dir is not None:
                self.write_snapshot()
        except OSError:
            self._metrics.maintenance_errors_total.inc()
            _log.exception("silence maintenance failed")

    async def run_maintenance(self, interval: timedelta, stop_event: asyncio.Event) -> None:
        """Run ``maintenance`` every ``interval`` until ``stop_event`` is set, then once more."""
        seconds = interval.total_seconds()
        while not stop_event.is_set():
            try:
                await asyncio.wait_for(stop_event.wait(), timeout=seconds)
            except TimeoutError:
                self.maintenance()
        self.maintenance()

    def close(self) -> None:
        """Release the journal file (the state on disk is already complete)."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
