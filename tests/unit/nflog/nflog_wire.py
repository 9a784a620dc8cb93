"""A hand-written protobuf encoder for nflogpb messages, straight from CLUSTER-PROTOCOL.md §2.3.

Independent of the generated code under test, so a Go-format snapshot can be built from the spec.
"""

from __future__ import annotations


def uvarint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field_bytes(num: int, data: bytes) -> bytes:
    return uvarint(num << 3 | 2) + uvarint(len(data)) + data


def field_varint(num: int, value: int) -> bytes:
    return uvarint(num << 3) + uvarint(value) if value else b""


def timestamp(seconds: int, nanos: int = 0) -> bytes:
    # gogo always emits stdtime fields, even when zero.
    return field_varint(1, seconds & 0xFFFFFFFFFFFFFFFF) + field_varint(2, nanos)


def receiver(group_name: str, integration: str, idx: int) -> bytes:
    return field_bytes(1, group_name.encode()) + field_bytes(2, integration.encode()) + field_varint(3, idx)


def packed(values: list[int]) -> bytes:
    return b"".join(uvarint(v) for v in values)


def mesh_entry(
    group_key: str,
    recv: bytes,
    ts: tuple[int, int],
    firing: list[int],
    resolved: list[int],
    expires: tuple[int, int],
    extra_entry_fields: bytes = b"",
) -> bytes:
    entry = field_bytes(1, group_key.encode()) + field_bytes(2, recv) + field_bytes(5, timestamp(*ts))
    if firing:
        entry += field_bytes(6, packed(firing))
    if resolved:
        entry += field_bytes(7, packed(resolved))
    entry += extra_entry_fields
    return field_bytes(1, entry) + field_bytes(2, timestamp(*expires))


def delimited(*messages: bytes) -> bytes:
    return b"".join(uvarint(len(m)) + m for m in messages)
