"""Durable silence storage: an fsynced append-only journal beside an atomically replaced snapshot.

Upstream only snapshots every 15 minutes, so a crash loses recent silences. Here every change
is appended to ``silences.journal`` and fsynced before the caller is answered; writing the
snapshot (``silences``, upstream's format, so Go Alertmanager reads it) empties the journal.

Journal record: ``u32 length (big endian) || u32 crc32(payload) || payload`` where the payload
is one serialized MeshSilence. A torn or corrupt tail (a crash mid-append) is cut off on open.
"""

from __future__ import annotations

import logging
import os
import secrets
import struct
import zlib
from pathlib import Path

__all__ = ["JOURNAL_FILE", "SNAPSHOT_FILE", "Journal", "write_atomic"]

SNAPSHOT_FILE = "silences"
JOURNAL_FILE = "silences.journal"

_HEADER = struct.Struct(">II")
_log = logging.getLogger(__name__)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file, fsync, rename, fsync the directory."""
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Journal:
    """The append-only change log of one storage directory."""

    def __init__(self, path: Path) -> None:
        self._path = path
        existed = path.exists()
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        if not existed:
            _fsync_dir(path.parent)

    def replay(self) -> list[bytes]:
        """Every intact record in order; a torn or corrupt tail is truncated away."""
        data = self._path.read_bytes()
        records: list[bytes] = []
        pos = 0
        while pos + _HEADER.size <= len(data):
            length, crc = _HEADER.unpack_from(data, pos)
            start = pos + _HEADER.size
            payload = data[start : start + length]
            if len(payload) != length or zlib.crc32(payload) != crc:
                break
            records.append(payload)
            pos = start + length
        if pos != len(data):
            _log.warning("silence journal %s: dropping %d bytes of torn tail", self._path, len(data) - pos)
            os.ftruncate(self._fd, pos)
            os.fsync(self._fd)
        return records

    def append(self, payloads: list[bytes]) -> None:
        """Append records and fsync; when this returns they survive a crash."""
        buf = b"".join(_HEADER.pack(len(p), zlib.crc32(p)) + p for p in payloads)
        size = os.fstat(self._fd).st_size
        try:
            view = memoryview(buf)
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except OSError:
            # Never leave half a record in front of later ones (e.g. after ENOSPC).
            os.ftruncate(self._fd, size)
            raise

    def reset(self) -> None:
        """Empty the journal (its records are in a snapshot now)."""
        os.ftruncate(self._fd, 0)
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
