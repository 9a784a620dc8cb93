"""Packet layers around memberlist messages: compound, compress, CRC and label."""

from __future__ import annotations

import struct
import zlib

from .lzw import LZWError, compress, decompress
from .messages import Compress, MessageError, MsgType, decode_body, encode_message

__all__ = [
    "COMPOUND_HEADER_OVERHEAD",
    "COMPOUND_OVERHEAD",
    "MAX_COMPOUND_PARTS",
    "FramingError",
    "add_crc",
    "add_label",
    "compress_payload",
    "decompress_payload",
    "make_compound",
    "make_compounds",
    "split_compound",
    "strip_crc",
    "strip_label",
]

COMPOUND_HEADER_OVERHEAD = 2
COMPOUND_OVERHEAD = 2
MAX_COMPOUND_PARTS = 127
"""memberlist v0.2.2 computes the header length in uint8, so more than 127 parts breaks it."""


class FramingError(ValueError):
    """A packet layer is malformed."""


def make_compound(parts: list[bytes]) -> bytes:
    """``[7][n][n × u16 BE lengths][parts]`` for at most MAX_COMPOUND_PARTS parts."""
    if len(parts) > MAX_COMPOUND_PARTS:
        raise ValueError("too many compound parts")
    head = bytes([MsgType.COMPOUND, len(parts)]) + b"".join(struct.pack(">H", len(p)) for p in parts)
    return head + b"".join(parts)


def make_compounds(parts: list[bytes]) -> list[bytes]:
    """Compounds of at most MAX_COMPOUND_PARTS parts each."""
    return [make_compound(parts[i : i + MAX_COMPOUND_PARTS]) for i in range(0, len(parts), MAX_COMPOUND_PARTS)]


def split_compound(body: bytes) -> tuple[list[bytes], int]:
    """Parts of a compound body (after the type byte) and the number of truncated parts."""
    if len(body) < 1:
        raise FramingError("missing compound length byte")
    n = body[0]
    offset = 1 + 2 * n
    if len(body) < offset:
        raise FramingError("truncated len slice")
    lengths = struct.unpack(f">{n}H", body[1:offset])
    parts: list[bytes] = []
    truncated = 0
    for i, length in enumerate(lengths):
        if len(body) < offset + length:
            truncated = n - i
            break
        parts.append(body[offset : offset + length])
        offset += length
    return parts, truncated


def add_crc(packet: bytes) -> bytes:
    """``[12][crc32-IEEE BE][packet]``."""
    return bytes([MsgType.HAS_CRC]) + struct.pack(">I", zlib.crc32(packet)) + packet


def strip_crc(packet: bytes) -> bytes:
    """The payload of a hasCrc packet (type byte included in ``packet``); FramingError on mismatch."""
    if len(packet) < 5:
        raise FramingError("truncated crc packet")
    (want,) = struct.unpack(">I", packet[1:5])
    payload = packet[5:]
    if zlib.crc32(payload) != want:
        raise FramingError("invalid checksum")
    return payload


def add_label(packet: bytes, label: bytes) -> bytes:
    """Prefix ``[244][len][label]``; an empty label adds nothing."""
    if not label:
        return packet
    if len(label) > 255:
        raise ValueError("label too long")
    return bytes([MsgType.HAS_LABEL, len(label)]) + label + packet


def strip_label(packet: bytes) -> tuple[bytes, bytes]:
    """(label, rest); the label is empty when there is no header."""
    if not packet or packet[0] != MsgType.HAS_LABEL:
        return b"", packet
    if len(packet) < 2:
        raise FramingError("truncated label header")
    size = packet[1]
    if size < 1:
        raise FramingError("label header cannot be empty when present")
    if len(packet) < 2 + size:
        raise FramingError("truncated label")
    return packet[2 : 2 + size], packet[2 + size :]


def compress_payload(payload: bytes) -> bytes:
    """``[9][msgpack {Algo:0, Buf:lzw(payload)}]``."""
    return encode_message(MsgType.COMPRESS, Compress(buf=compress(payload)))


def decompress_payload(body: bytes, limit: int = 40 << 20) -> bytes:
    """Decompress a compress body (after the type byte)."""
    try:
        msg = decode_body(Compress, body)
    except MessageError as e:
        raise FramingError(str(e)) from e
    if msg.algo != 0:
        raise FramingError(f"cannot decompress unknown algorithm {msg.algo}")
    try:
        return decompress(msg.buf, limit)
    except LZWError as e:
        raise FramingError(str(e)) from e

