"""memberlist message bodies and their msgpack encoding (go-msgpack's legacy raw formats).

Go encodes a struct as a map keyed by field name, keys sorted bytewise, ``[]byte`` and ``string``
both as legacy raw (fixstr / str16 / str32, never str8 or bin), nil bytes as ``nil``.
``msgpack.packb(..., use_bin_type=False)`` with sorted dict insertion writes exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Any, ClassVar, TypeVar

import msgpack

__all__ = [
    "DEFAULT_VSN",
    "Ack",
    "Alive",
    "Dead",
    "ErrResp",
    "IndirectPing",
    "Message",
    "MessageError",
    "MsgType",
    "Nack",
    "NodeStateKind",
    "Ping",
    "PushNodeState",
    "PushPullHeader",
    "Suspect",
    "UserMsgHeader",
    "decode_body",
    "encode_body",
    "encode_message",
]

DEFAULT_VSN = bytes([1, 5, 2, 0, 0, 0])
"""pmin, pmax, pcur, dmin, dmax, dcur as Alertmanager sends them."""


class MessageError(ValueError):
    """A message could not be decoded."""


class MsgType(IntEnum):
    """The first byte of every memberlist message (append-only upstream enum)."""

    PING = 0
    INDIRECT_PING = 1
    ACK = 2
    SUSPECT = 3
    ALIVE = 4
    DEAD = 5
    PUSH_PULL = 6
    COMPOUND = 7
    USER = 8
    COMPRESS = 9
    ENCRYPT = 10
    NACK = 11
    HAS_CRC = 12
    ERR = 13
    HAS_LABEL = 244


class NodeStateKind(IntEnum):
    """Node state as carried in push/pull."""

    ALIVE = 0
    SUSPECT = 1
    DEAD = 2
    LEFT = 3


# Per field: (Go field name, kind, omitempty). kind: "str", "bytes", "int", "bool".
_Spec = tuple[tuple[str, str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every msgpack-encoded body; SPEC maps attributes to Go field names."""

    SPEC: ClassVar[_Spec] = ()


@dataclass(frozen=True, slots=True)
class Ping(Message):
    seq_no: int
    node: str
    source_addr: bytes = b""
    source_port: int = 0
    source_node: str = ""
    SPEC: ClassVar[_Spec] = (
        ("node", "Node", "str", False),
        ("seq_no", "SeqNo", "int", False),
        ("source_addr", "SourceAddr", "bytes", True),
        ("source_node", "SourceNode", "str", True),
        ("source_port", "SourcePort", "int", True),
    )


@dataclass(frozen=True, slots=True)
class IndirectPing(Message):
    seq_no: int
    target: bytes
    port: int
    node: str
    nack: bool = False
    source_addr: bytes = b""
    source_port: int = 0
    source_node: str = ""
    SPEC: ClassVar[_Spec] = (
        ("nack", "Nack", "bool", False),
        ("node", "Node", "str", False),
        ("port", "Port", "int", False),
        ("seq_no", "SeqNo", "int", False),
        ("source_addr", "SourceAddr", "bytes", True),
        ("source_node", "SourceNode", "str", True),
        ("source_port", "SourcePort", "int", True),
        ("target", "Target", "bytes", False),
    )


@dataclass(frozen=True, slots=True)
class Ack(Message):
    seq_no: int
    payload: bytes | None = b""
    SPEC: ClassVar[_Spec] = (("payload", "Payload", "bytes", False), ("seq_no", "SeqNo", "int", False))


@dataclass(frozen=True, slots=True)
class Nack(Message):
    seq_no: int
    SPEC: ClassVar[_Spec] = (("seq_no", "SeqNo", "int", False),)


@dataclass(frozen=True, slots=True)
class Suspect(Message):
    incarnation: int
    node: str
    from_: str
    SPEC: ClassVar[_Spec] = (
        ("from_", "From", "str", False),
        ("incarnation", "Incarnation", "int", False),
        ("node", "Node", "str", False),
    )


@dataclass(frozen=True, slots=True)
class Dead(Message):
    incarnation: int
    node: str
    from_: str
    SPEC: ClassVar[_Spec] = Suspect.SPEC


@dataclass(frozen=True, slots=True)
class Alive(Message):
    incarnation: int
    node: str
    addr: bytes
    port: int
    meta: bytes = b""
    vsn: bytes = DEFAULT_VSN
    SPEC: ClassVar[_Spec] = (
        ("addr", "Addr", "bytes", False),
        ("incarnation", "Incarnation", "int", False),
        ("meta", "Meta", "bytes", False),
        ("node", "Node", "str", False),
        ("port", "Port", "int", False),
        ("vsn", "Vsn", "bytes", False),
    )


@dataclass(frozen=True, slots=True)
class ErrResp(Message):
    error: str
    SPEC: ClassVar[_Spec] = (("error", "Error", "str", False),)


@dataclass(frozen=True, slots=True)
class PushPullHeader(Message):
    nodes: int
    user_state_len: int
    join: bool
    SPEC: ClassVar[_Spec] = (
        ("join", "Join", "bool", False),
        ("nodes", "Nodes", "int", False),
        ("user_state_len", "UserStateLen", "int", False),
    )


@dataclass(frozen=True, slots=True)
class PushNodeState(Message):
    name: str
    addr: bytes
    port: int
    incarnation: int
    state: NodeStateKind
    meta: bytes = b""
    vsn: bytes = DEFAULT_VSN
    SPEC: ClassVar[_Spec] = (
        ("addr", "Addr", "bytes", False),
        ("incarnation", "Incarnation", "int", False),
        ("meta", "Meta", "bytes", False),
        ("name", "Name", "str", False),
        ("port", "Port", "int", False),
        ("state", "State", "int", False),
        ("vsn", "Vsn", "bytes", False),
    )


@dataclass(frozen=True, slots=True)
class UserMsgHeader(Message):
    user_msg_len: int
    SPEC: ClassVar[_Spec] = (("user_msg_len", "UserMsgLen", "int", False),)


@dataclass(frozen=True, slots=True)
class Compress(Message):
    buf: bytes
    algo: int = 0
    SPEC: ClassVar[_Spec] = (("algo", "Algo", "int", False), ("buf", "Buf", "bytes", False))


_Zero = {"str": "", "bytes": b"", "int": 0, "bool": False}


def _to_map(msg: Message) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr, key, kind, omitempty in msg.SPEC:  # SPEC is kept in bytewise key order
        value = getattr(msg, attr)
        if kind == "bytes" and value is None:
            value = None if not omitempty else b""
        if omitempty and value == _Zero[kind]:
            continue
        out[key] = int(value) if kind == "int" else value
    return out


def encode_body(msg: Message) -> bytes:
    """The msgpack map for ``msg`` as go-msgpack writes it."""
    packed: bytes = msgpack.packb(_to_map(msg), use_bin_type=False)
    return packed


def encode_message(kind: MsgType, msg: Message) -> bytes:
    """``[type byte][msgpack body]``."""
    return bytes([kind]) + encode_body(msg)


M = TypeVar("M", bound=Message)


def from_map(cls: type[M], raw: object) -> M:
    """Build ``cls`` from a decoded msgpack map (keys/strings as bytes); unknown keys are skipped."""
    if not isinstance(raw, dict):
        raise MessageError(f"{cls.__name__}: expected a map")
    by_key = {key.encode(): (attr, kind) for attr, key, kind, _ in cls.SPEC}
    values: dict[str, Any] = {}
    for k, v in raw.items():
        if isinstance(k, str):
            k = k.encode()
        spec = by_key.get(k) if isinstance(k, bytes) else None
        if spec is None:
            continue
        attr, kind = spec
        values[attr] = _coerce(cls.__name__, k, kind, v)
    for f in fields(cls):
        if f.name not in values and f.name != "SPEC":
            kind = next(k for a, _, k, _ in cls.SPEC if a == f.name)
            values[f.name] = _Zero[kind]
    if cls is PushNodeState:
        try:
            values["state"] = NodeStateKind(values["state"])
        except ValueError as e:
            raise MessageError(f"bad node state {values['state']}") from e
    return cls(**values)


def _coerce(name: str, key: bytes, kind: str, v: object) -> object:
    if kind == "bytes":
        if v is None:
            return b""
        if isinstance(v, bytes | bytearray):
            return bytes(v)
        if isinstance(v, str):
            return v.encode()
    elif kind == "str":
        if isinstance(v, bytes):
            try:
                return v.decode()
            except UnicodeDecodeError as e:
                raise MessageError(f"{name}.{key!r}: invalid UTF-8") from e
        if isinstance(v, str):
            return v
        if v is None:
            return ""
    elif kind == "int":
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            return v
    elif kind == "bool":
        if isinstance(v, bool):
            return v
    raise MessageError(f"{name}.{key!r}: bad {kind} value {v!r}")


def decode_body(cls: type[M], data: bytes) -> M:
    """Decode one msgpack map into ``cls``; trailing bytes are an error."""
    try:
        raw = msgpack.unpackb(data, raw=True, strict_map_key=False)
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as e:
        raise MessageError(f"{cls.__name__}: {e}") from e
    return from_map(cls, raw)
