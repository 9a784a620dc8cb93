"""Silences on the wire and on disk: ``silencepb.MeshSilence`` messages, length-delimited.

The gossip state, a gossip delta and the ``<storage.path>/silences`` snapshot all share one
format: a sequence of ``uvarint(len) || MeshSilence`` (Go's ``pbutil.WriteDelimited``). An
entry keeps the exact bytes it arrived with, so fields a newer Alertmanager adds survive.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.protobuf.message import DecodeError
from google.protobuf.timestamp_pb2 import Timestamp

from alertmanager.model import delimited
from alertmanager.model.delimited import DelimitedError, write_delimited
from alertmanager.model.matchers import Matcher, MatcherError, MatchType
from alertmanager.silences import silence_pb2 as pb
from alertmanager.silences.silence import GO_ZERO_TIME, Silence

__all__ = [
    "CodecError",
    "Entry",
    "UnsupportedMatcher",
    "decode_entry",
    "decode_state",
    "encode_entry",
    "from_ns",
    "iter_delimited",
    "to_ns",
    "write_delimited",
]

_log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_GO_ZERO_NS = -62135596800 * 1_000_000_000
_MAX_TIME = datetime.max.replace(tzinfo=UTC)
_MAX_NS = (_MAX_TIME - _EPOCH) // timedelta(microseconds=1) * 1000
_TO_PB = {
    MatchType.EQUAL: pb.Matcher.EQUAL,
    MatchType.REGEX: pb.Matcher.REGEXP,
    MatchType.NOT_EQUAL: pb.Matcher.NOT_EQUAL,
    MatchType.NOT_REGEX: pb.Matcher.NOT_REGEXP,
}
_FROM_PB = {v: k for k, v in _TO_PB.items()}


class CodecError(ValueError):
    """Bytes that are not a valid silence state (upstream: ``invalid state`` / proto errors)."""


class UnsupportedMatcher(CodecError):
    """A received matcher whose regular expression Python's ``re`` cannot compile."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored silence with its GC deadline, nanosecond timestamps and its wire bytes."""

    silence: Silence
    updated_ns: int
    expires_ns: int
    raw: bytes  # one serialized MeshSilence, without the length prefix

    @property
    def expires_at(self) -> datetime:
        return from_ns(self.expires_ns)


def to_ns(t: datetime) -> int:
    """Nanoseconds since the Unix epoch (negative before it)."""
    return (t - _EPOCH) // timedelta(microseconds=1) * 1000


def from_ns(ns: int) -> datetime:
    """The aware UTC datetime for ``ns`` (truncated to microseconds; clamped to years 1..9999)."""
    if ns <= _GO_ZERO_NS:
        return GO_ZERO_TIME
    if ns >= _MAX_NS:
        return _MAX_TIME
    return _EPOCH + timedelta(microseconds=ns // 1000)


def _ts_ns(msg: pb.Silence | pb.MeshSilence, field: str) -> int:
    # A timestamp missing on the wire is Go's zero time, as gogo's non-nullable stdtime decodes it.
    if not msg.HasField(field):
        return _GO_ZERO_NS
    ts: Timestamp = getattr(msg, field)
    return ts.seconds * 1_000_000_000 + ts.nanos


def _set_ts(ts: Timestamp, ns: int) -> None:
    ts.seconds, ts.nanos = divmod(ns, 1_000_000_000)


def encode_entry(sil: Silence, expires_at: datetime) -> Entry:
    """Serialize a locally written silence into an entry (every timestamp always emitted)."""
    msg = pb.MeshSilence()
    s = msg.silence
    s.id = sil.id
    for m in sil.matchers:
        s.matchers.add(type=_TO_PB[m.type], name=m.name, pattern=m.value)
    updated_ns, expires_ns = to_ns(sil.updated_at), to_ns(expires_at)
    _set_ts(s.starts_at, to_ns(sil.starts_at))
    _set_ts(s.ends_at, to_ns(sil.ends_at))
    _set_ts(s.updated_at, updated_ns)
    s.created_by = sil.created_by
    s.comment = sil.comment
    _set_ts(msg.expires_at, expires_ns)
    return Entry(sil, updated_ns, expires_ns, msg.SerializeToString())


def decode_entry(raw: bytes) -> Entry:
    """Parse one MeshSilence; ``CodecError`` if it is malformed or has no silence."""
    msg = pb.MeshSilence()
    try:
        msg.ParseFromString(raw)
    except DecodeError as exc:
        raise CodecError(f"bad MeshSilence: {exc}") from exc
    if not msg.HasField("silence"):
        raise CodecError("invalid state")
    s = msg.silence
    pb_matchers = list(s.matchers)
    if not pb_matchers and s.matcher_sets:
        # Newer releases may write only matcher_sets; the first set equals the legacy list.
        pb_matchers = list(s.matcher_sets[0].matchers)
    try:
        matchers = tuple(Matcher.create(m.name, _FROM_PB[m.type], m.pattern) for m in pb_matchers)
    except (MatcherError, KeyError) as exc:
        raise UnsupportedMatcher(f"silence {s.id}: bad matcher: {exc}") from exc
    created_by, comment = s.created_by, s.comment
    if s.comments:  # the deprecated comment list is upgraded on read, as upstream does
        created_by, comment = s.comments[0].author, s.comments[0].comment
    updated_ns = _ts_ns(s, "updated_at")
    sil = Silence(
        id=s.id,
        matchers=matchers,
        starts_at=from_ns(_ts_ns(s, "starts_at")),
        ends_at=from_ns(_ts_ns(s, "ends_at")),
        updated_at=from_ns(updated_ns),
        created_by=created_by,
        comment=comment,
    )
    return Entry(sil, updated_ns, _ts_ns(msg, "expires_at"), raw)


def iter_delimited(data: bytes) -> Iterator[bytes]:
    """Split a length-delimited stream; ``CodecError`` on a truncated or overlong record."""
    try:
        yield from delimited.iter_delimited(data)
    except DelimitedError as exc:
        raise CodecError(str(exc)) from None


def decode_state(data: bytes) -> list[Entry]:
    """Decode a full state, delta or snapshot file.

    The whole blob is refused if any record is malformed or lacks a silence (as upstream). A
    silence whose regular expression Python cannot compile is skipped with a warning.
    """
    out: list[Entry] = []
    for raw in iter_delimited(data):
        try:
            out.append(decode_entry(raw))
        except UnsupportedMatcher as exc:
            _log.warning("skipping silence: %s", exc)
    return out
