"""The notification log: which alerts of a group were last sent to which integration, and when.

Keyed like upstream (``group_key:receiver/integration/idx``), merged from peers like upstream
(newer timestamp wins, expired entries dropped) and stored in ``<storage_dir>/nflog`` in
upstream's snapshot format. Beyond upstream, every new entry is appended (and fsynced) to that
file at once, so a restart or crash never forgets a notification; the format allows it because
a snapshot is just a sequence of entries in which the last one for a key wins. ``maintenance()``
compacts the file.

The fsync runs outside the log's lock, so a dedup ``query`` for another group never waits for
the disk: ``log`` appends under the lock, then waits until an fsync issued after its append
has finished. Appends that land while one fsync runs share the next one (group commit).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from prometheus_client import CollectorRegistry

from alertmanager.model.delimited import write_delimited
from alertmanager.nflog._codec import (
    Entry,
    NflogError,
    decode_entry,
    encode_entry,
    iter_delimited,
    state_key,
    to_ns,
)
from alertmanager.nflog._metrics import NflogMetrics
from alertmanager.nflog.nflog_pb2 import MeshEntry
from alertmanager.types import Clock, NflogReceiver

__all__ = ["NotificationLog"]

_log = logging.getLogger(__name__)

OVERSIZED_MESSAGE = 700
"""Blobs larger than this were sent to every peer directly, so merge does not re-gossip them
(upstream ``cluster.OversizedMessage``)."""

Broadcast = Callable[[bytes], None]


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)



def _nothing() -> None:
    return None


_NO_TIME = timedelta(0)
_MICROSECOND = timedelta(microseconds=1)

class NotificationLog:
    """Notification log entries by (group key, receiver, integration, index).

    Args:
        clock: the time source.
        retention: how long an entry lives (``--data.retention``), unless the caller's expiry
            (2 × repeat_interval) is shorter.
        storage_dir: where ``nflog`` is kept; ``None`` keeps everything in memory.
        registry: where the ``alertmanager_nflog_*`` metrics go.
        on_change: receives each change to gossip: a single-entry delta after ``log``, or a
            received blob worth re-gossiping after ``merge`` (see ``set_broadcast``).
        fsync: makes a file descriptor's appended bytes durable (``os.fsync``; tests inject
            one); ``None`` skips it.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        retention: timedelta,
        storage_dir: Path | None,
        registry: CollectorRegistry,
        on_change: Broadcast | None = None,
        fsync: Callable[[int], None] | None = os.fsync,
    ) -> None:
        self._clock = clock
        self._retention = retention
        self._broadcast: Broadcast = on_change or (lambda _b: None)
        self._fsync = fsync
        self._metrics = NflogMetrics(registry)
        self._lock = threading.RLock()
        # Appends are numbered; ``_synced`` is the last one known durable. ``_sync_lock`` lets one
        # fsync run at a time (taken before ``_lock``, never while holding it).
        self._sync_lock = threading.Lock()
        self._appended = 0
        self._synced = 0
        self._state: dict[str, Entry] = {}
        self._scratch = MeshEntry()
        self._path = None if storage_dir is None else Path(storage_dir) / "nflog"
        self._file: BinaryIO | None = None
        if self._path is not None:
            self._load(self._path)
            self._rewrite()

    # -- persistence ---------------------------------------------------------------------------

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        try:
            for raw in iter_delimited(data):
                e = decode_entry(raw)
                self._state[e.state_key] = e  # the last entry for a key wins, as in Go
        except NflogError as exc:
            # A torn tail after a crash mid-append: keep what decoded, compaction drops the rest.
            _log.warning("notification log %s: ignoring unreadable tail: %s", path, exc)

    def _rewrite(self) -> int:
        assert self._path is not None
        data = self.snapshot()
        if self._file is not None:
            self._file.close()
            self._file = None
        self._path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(self._path, data)
        self._file = open(self._path, "ab")  # noqa: SIM115 - held open for appends
        return len(data)

    def _append(self, framed: bytes) -> int:
        """Write length-delimited entries to the file (under ``_lock``); the number to pass
        ``_sync``, 0 if nothing was written."""
        if self._file is None or not framed:
            return 0
        self._file.write(framed)
        self._file.flush()
        self._appended += 1
        return self._appended

    def _sync(self, seq: int) -> None:
        """Return once append ``seq`` is durable; called without ``_lock`` held."""
        if seq == 0 or self._fsync is None:
            return
        with self._sync_lock:
            if self._synced >= seq:
                return  # an fsync that started after our append already covered it
            with self._lock:
                # Everything appended so far is either in the current file (flushed) or in a
                # snapshot that ``_rewrite`` fsynced, so syncing this file covers it all. A dup
                # keeps the descriptor valid should ``_rewrite`` or ``close`` close the file.
                target = self._appended
                fd = None if self._file is None else os.dup(self._file.fileno())
            if fd is not None:
                try:
                    self._fsync(fd)
                finally:
                    os.close(fd)
            self._synced = target

    def close(self) -> None:
        """Writes a compact snapshot (when persistent) and releases the file."""
        with self._lock:
            if self._path is not None and self._file is not None:
                self._rewrite()
                self._file.close()
                self._file = None

    # -- the log -------------------------------------------------------------------------------

    def set_broadcast(self, broadcast: Broadcast) -> None:
        """Where changes are gossiped from now on (the cluster channel, wired by the app)."""
        with self._lock:
            self._broadcast = broadcast

    def query(self, group_key: str, receiver: NflogReceiver) -> Entry | None:
        """The entry for a group and one integration of a receiver, or ``None``."""
        start = time.perf_counter()
        self._metrics.queries.inc()
        with self._lock:
            e = self._state.get(state_key(group_key, receiver.group_name, receiver.integration, receiver.idx))
        if e is None:
            self._metrics.query_errors.inc()  # upstream counts "not found" as a failed query
        self._metrics.query_duration.observe(time.perf_counter() - start)
        return e

    def log(
        self,
        receiver: NflogReceiver,
        group_key: str,
        firing: Sequence[int],
        resolved: Sequence[int],
        expiry: timedelta = timedelta(0),
    ) -> None:
        """Records a notification sent now; it expires after ``expiry`` if shorter than retention."""
        self.record(receiver, group_key, firing, resolved, expiry)()

    def record(
        self,
        receiver: NflogReceiver,
        group_key: str,
        firing: Sequence[int],
        resolved: Sequence[int],
        expiry: timedelta = timedelta(0),
    ) -> Callable[[], None]:
        """``log`` in two steps: the entry is in memory, appended to the file and gossiped on
        return; the returned function makes it durable (fsync). Callers may run that second
        step in a thread: it is nearly all waiting on the disk, which releases the GIL."""
        now_ns = to_ns(self._clock())
        key = state_key(group_key, receiver.group_name, receiver.integration, receiver.idx)
        expires = self._retention
        if expires > expiry > _NO_TIME:
            expires = expiry
        with self._lock:
            prev = self._state.get(key)
            if prev is not None and prev.timestamp_ns > now_ns:
                return _nothing  # a peer with a clock ahead of ours already logged a newer one
            e = encode_entry(
                group_key=group_key,
                group_name=receiver.group_name,
                integration=receiver.integration,
                idx=receiver.idx,
                timestamp_ns=now_ns,
                expires_at_ns=now_ns + expires // _MICROSECOND * 1000,
                firing=firing,
                resolved=resolved,
                scratch=self._scratch,  # under the lock
            )
            self._state[key] = e
            framed = write_delimited((e.raw,))
            seq = self._append(framed)
            broadcast = self._broadcast
        broadcast(framed)
        return functools.partial(self._sync, seq)

    def entries(self) -> list[Entry]:
        """Every entry, in no particular order."""
        with self._lock:
            return list(self._state.values())

    def gc(self) -> int:
        """Deletes expired entries (expires_at ≤ now); returns how many."""
        start = time.perf_counter()
        now_ns = to_ns(self._clock())
        with self._lock:
            dead = [k for k, e in self._state.items() if e.expires_at_ns <= now_ns]
            for k in dead:
                del self._state[k]
        self._metrics.gc_duration.observe(time.perf_counter() - start)
        return len(dead)

    def maintenance(self) -> int:
        """GC, then compact the snapshot file; returns the snapshot size in bytes."""
        self._metrics.maintenance.inc()
        try:
            self.gc()
            with self._lock:
                start = time.perf_counter()
                size = self._rewrite() if self._path is not None else len(self.snapshot())
                self._metrics.snapshot_duration.observe(time.perf_counter() - start)
        except Exception:
            self._metrics.maintenance_errors.inc()
            raise
        self._metrics.snapshot_size.set(size)
        return size

    # -- replication (the cluster's "nfl" state) ------------------------------------------------

    def snapshot(self) -> bytes:
        """The full state in upstream's format (gossip push/pull and the snapshot file)."""
        with self._lock:
            return write_delimited(e.raw for e in self._state.values())

    def merge(self, data: bytes) -> bool:
        """Merges a peer's state or delta; newer timestamps win. NflogError if malformed."""
        incoming: dict[str, Entry] = {}
        for raw in iter_delimited(data):
            e = decode_entry(raw)
            incoming[e.state_key] = e
        now_ns = to_ns(self._clock())
        changed: list[bytes] = []
        with self._lock:
            for key, e in incoming.items():
                if e.expires_at_ns < now_ns:
                    continue
                prev = self._state.get(key)
                if prev is None or prev.timestamp_ns < e.timestamp_ns:
                    self._state[key] = e
                    changed.append(e.raw)
            seq = self._append(write_delimited(changed))
            broadcast = self._broadcast
        self._sync(seq)
        if len(data) <= OVERSIZED_MESSAGE:
            for _ in changed:
                broadcast(data)
                self._metrics.propagated.inc()
        return bool(changed)
