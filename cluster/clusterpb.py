"""clusterpb.Part and clusterpb.FullState: the two protobuf messages the cluster layer frames states in."""

from __future__ import annotations

from dataclasses import dataclass

from alertmanager.model.delimited import DelimitedError, read_uvarint, uvarint

__all__ = ["DecodeError", "Part", "decode_full_state", "decode_part", "encode_full_state", "encode_part"]


class DecodeError(ValueError):
    """Malformed protobuf."""


@dataclass(frozen=True, slots=True)
class Part:
    """One state's bytes under its key ("sil", "nfl")."""

    key: str
    data: bytes


def _read_uvarint(buf: bytes, pos: int) -> tuple[int, int]:
    try:
        return read_uvarint(buf, pos)
    except DelimitedError as exc:
        raise DecodeError("truncated varint") from exc


def _fields(buf: bytes) -> list[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) for every field; length-delimited values as bytes."""
    out: list[tuple[int, int, bytes | int]] = []
    pos = 0
    while pos < len(buf):
        tag, pos = _read_uvarint(buf, pos)
        num, wt = tag >> 3, tag & 7
        if num == 0:
            raise DecodeError("illegal field number 0")
        value: bytes | int
        if wt == 0:
            value, pos = _read_uvarint(buf, pos)
        elif wt == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wt == 2:
            size, pos = _read_uvarint(buf, pos)
            if pos + size > len(buf):
                raise DecodeError("truncated field")
            value, pos = buf[pos : pos + size], pos + size
        elif wt == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise DecodeError(f"unsupported wire type {wt}")
        if pos > len(buf):
            raise DecodeError("truncated field")
        out.append((num, wt, value))
    return out


def _len_field(num: int, data: bytes) -> bytes:
    return uvarint(num << 3 | 2) + uvarint(len(data)) + data


def encode_part(part: Part) -> bytes:
    """proto3: empty key/data are omitted."""
    key = part.key.encode()
    return (_len_field(1, key) if key else b"") + (_len_field(2, part.data) if part.data else b"")


def decode_part(buf: bytes) -> Part:
    key, data = b"", b""
    for num, wt, value in _fields(buf):
        if wt != 2 or not isinstance(value, bytes):
            continue
        if num == 1:
            key = value
        elif num == 2:
            data = value
    try:
        return Part(key.decode(), bytes(data))
    except UnicodeDecodeError as e:
        raise DecodeError("key is not UTF-8") from e


def encode_full_state(parts: list[Part]) -> bytes:
    return b"".join(_len_field(1, encode_part(p)) for p in parts)


def decode_full_state(buf: bytes) -> list[Part]:
    return [
        decode_part(value)
        for num, wt, value in _fields(buf)
        if num == 1 and wt == 2 and isinstance(value, bytes)
    ]
