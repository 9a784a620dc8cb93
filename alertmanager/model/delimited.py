"""Length-delimited protobuf streams: each message prefixed with its uvarint length (Go's
``protodelim``). Upstream's snapshot files, gossip states and cluster parts all use it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["DelimitedError", "iter_delimited", "read_uvarint", "uvarint", "write_delimited"]


class DelimitedError(ValueError):
    """A truncated or overlong record."""


def uvarint(n: int) -> bytes:
    """``n`` as a protobuf base-128 varint."""
    if n < 0x80:
        return _ONE_BYTE[n]
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_ONE_BYTE = [bytes((i,)) for i in range(0x80)]


def read_uvarint(buf: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``pos`` and the offset after it."""
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise DelimitedError("truncated length prefix")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def write_delimited(messages: Iterable[bytes]) -> bytes:
    """Messages, each prefixed with its uvarint length."""
    return b"".join(uvarint(len(m)) + m for m in messages)


def iter_delimited(data: bytes) -> Iterator[bytes]:
    """The messages of a length-delimited stream, in order."""
    pos, end = 0, len(data)
    while pos < end:
        n, pos = read_uvarint(data, pos)
        if pos + n > end:
            raise DelimitedError("unexpected EOF")
        yield data[pos : pos + n]
        pos += n
