"""Notification-log entries on the wire and on disk: length-delimited ``nflogpb.MeshEntry``.

The "nfl" gossip state, a delta and the ``<storage.path>/nflog`` snapshot all share one format:
``uvarint(len) + MeshEntry`` repeated. Received entries keep their raw bytes, so fields a newer
Alertmanager adds survive a hop through us.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alertmanager.model import delimited
from alertmanager.model.delimited import DelimitedError
from alertmanager.nflog import nflog_pb2 as pb

__all__ = ["Entry", "NflogError", "decode_entry", "encode_entry", "from_ns", "iter_delimited", "to_ns"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GO_ZERO_NS = -62135596800 * 1_000_000_000
"""Go's zero ``time.Time``: what a Timestamp missing on the wire decodes to."""


class NflogError(ValueError):
    """A notification-log state or snapshot that cannot be decoded (upstream ``ErrInvalidState``)."""


_MICROSECOND = timedelta(microseconds=1)


def to_ns(t: datetime) -> int:
    return (t - _EPOCH) // _MICROSECOND * 1000


def from_ns(ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=ns // 1000)


@dataclass(frozen=True, slots=True)
class Entry:
    """One notification-log entry: the last notification of a group to one integration."""

    group_key: str
    group_name: str
    integration: str
    idx: int
    timestamp_ns: int
    expires_at_ns: int
    firing_alerts: frozenset[int]
    resolved_alerts: frozenset[int]
    raw: bytes
    """The serialised MeshEntry, re-emitted verbatim."""

    @property
    def timestamp(self) -> datetime:
        return from_ns(self.timestamp_ns)

    @property
    def expires_at(self) -> datetime:
        return from_ns(self.expires_at_ns)

    @property
    def state_key(self) -> str:
        return state_key(self.group_key, self.group_name, self.integration, self.idx)


def state_key(group_key: str, group_name: str, integration: str, idx: int) -> str:
    """Upstream's ``stateKey``: ``group_key:receiver/integration/idx``."""
    return f"{group_key}:{group_name}/{integration}/{idx}"


def _ts_ns(ts: object) -> int:
    seconds = int(getattr(ts, "seconds", 0))
    nanos = int(getattr(ts, "nanos", 0))
    return seconds * 1_000_000_000 + nanos


def encode_entry(
    *,
    group_key: str,
    group_name: str,
    integration: str,
    idx: int,
    timestamp_ns: int,
    expires_at_ns: int,
    firing: Sequence[int],
    resolved: Sequence[int],
    scratch: pb.MeshEntry | None = None,
) -> Entry:
    """A new entry, with every timestamp present on the wire (Go needs them).

    ``scratch`` is a message to fill instead of a new one, which costs about half as much;
    the caller makes sure no one else uses it meanwhile.
    """
    if scratch is None:
        msg = pb.MeshEntry()
    else:
        msg = scratch
        msg.Clear()
    e = msg.entry
    e.group_key = group_key.encode("utf-8", "surrogateescape")
    e.receiver.group_name = group_name
    e.receiver.integration = integration
    e.receiver.idx = idx
    e.timestamp.seconds, e.timestamp.nanos = divmod(timestamp_ns, 1_000_000_000)
    e.firing_alerts.extend(firing)
    e.resolved_alerts.extend(resolved)
    msg.expires_at.seconds, msg.expires_at.nanos = divmod(expires_at_ns, 1_000_000_000)
    return Entry(
        group_key,
        group_name,
        integration,
        idx,
        timestamp_ns,
        expires_at_ns,
        frozenset(firing),
        frozenset(resolved),
        msg.SerializeToString(),
    )


def decode_entry(raw: bytes) -> Entry:
    """Parse one MeshEntry; one without entry or receiver invalidates the state (as upstream)."""
    msg = pb.MeshEntry()
    try:
        msg.ParseFromString(raw)
    except Exception as exc:
        raise NflogError(f"bad MeshEntry: {exc}") from exc
    if not msg.HasField("entry") or not msg.entry.HasField("receiver"):
        raise NflogError("invalid state")
    e = msg.entry
    return Entry(
        e.group_key.decode("utf-8", "surrogateescape"),
        e.receiver.group_name,
        e.receiver.integration,
        e.receiver.idx,
        _ts_ns(e.timestamp) if e.HasField("timestamp") else GO_ZERO_NS,
        _ts_ns(msg.expires_at) if msg.HasField("expires_at") else GO_ZERO_NS,
        frozenset(e.firing_alerts),
        frozenset(e.resolved_alerts),
        raw,
    )


def iter_delimited(data: bytes) -> Iterator[bytes]:
    """The records of a length-delimited stream; NflogError on a truncated record."""
    try:
        yield from delimited.iter_delimited(data)
    except DelimitedError as exc:
        raise NflogError(str(exc)) from None


