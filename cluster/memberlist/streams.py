"""Reading and writing the one message a memberlist TCP stream carries."""

from __future__ import annotations

import asyncio
import struct

import msgpack

from .crypto import DecryptError, Keyring
from .framing import add_label, compress_payload
from .lzw import LZWError, decompress
from .messages import Compress, M, MessageError, MsgType, from_map

__all__ = ["StreamError", "StreamSource", "encode_stream", "read_stream_message"]

_MAX_STREAM = 20 << 20


class StreamError(ValueError):
    """The stream is malformed or was refused (label, encryption)."""


class StreamSource:
    """Bytes of a stream message: from a socket, or from an already decoded buffer."""

    def __init__(self, reader: asyncio.StreamReader | None, data: bytes = b"") -> None:
        self._reader = reader
        self._buf = bytearray(data)
        self._pos = 0

    async def _more(self) -> None:
        if self._reader is None:
            raise StreamError("unexpected end of message")
        chunk = await self._reader.read(65536)
        if not chunk:
            raise StreamError("unexpected EOF")
        self._buf += chunk
        if len(self._buf) > _MAX_STREAM + 1024:
            raise StreamError("stream too large")

    async def read_exact(self, n: int) -> bytes:
        while len(self._buf) - self._pos < n:
            await self._more()
        out = bytes(self._buf[self._pos : self._pos + n])
        self._pos += n
        return out

    async def read_object(self) -> object:
        while True:
            unpacker = msgpack.Unpacker(raw=True, strict_map_key=False)
            unpacker.feed(bytes(self._buf[self._pos :]))
            try:
                obj = unpacker.unpack()
            except msgpack.OutOfData:
                await self._more()
                continue
            except (ValueError, msgpack.FormatError, msgpack.StackError) as e:
                raise StreamError(f"bad msgpack: {e}") from e
            self._pos += unpacker.tell()
            return obj

    async def read_message(self, cls: type[M]) -> M:
        try:
            return from_map(cls, await self.read_object())
        except MessageError as e:
            raise StreamError(str(e)) from e


async def read_stream_message(
    reader: asyncio.StreamReader,
    *,
    label: bytes,
    expect_label: bool,
    keyring: Keyring | None,
    verify_incoming: bool = True,
) -> tuple[int, StreamSource]:
    """Strip label, decryption and compression; returns the message type and its body source."""
    src = StreamSource(reader)
    first = (await src.read_exact(1))[0]
    if expect_label:
        got = b""
        if first == MsgType.HAS_LABEL:
            size = (await src.read_exact(1))[0]
            got = await src.read_exact(size)
            first = (await src.read_exact(1))[0]
        if got != label:
            raise StreamError(f"discarding stream with unacceptable label {got!r}")
    if first == MsgType.ENCRYPT:
        if keyring is None:
            raise StreamError("Remote state is encrypted and encryption is not configured")
        head = bytes([first]) + await src.read_exact(4)
        (size,) = struct.unpack(">I", head[1:])
        if size > _MAX_STREAM:
            raise StreamError("encrypted stream too large")
        try:
            plain = keyring.decrypt_stream(head, await src.read_exact(size), label)
        except DecryptError as e:
            raise StreamError(str(e)) from e
        src = StreamSource(None, plain)
        first = (await src.read_exact(1))[0]
    elif keyring is not None and verify_incoming:
        raise StreamError("Encryption is configured but remote state is not encrypted")
    if first == MsgType.COMPRESS:
        comp = await src.read_message(Compress)
        if comp.algo != 0:
            raise StreamError(f"unknown compression algorithm {comp.algo}")
        try:
            plain = decompress(comp.buf, _MAX_STREAM * 2)
        except LZWError as e:
            raise StreamError(str(e)) from e
        src = StreamSource(None, plain)
        first = (await src.read_exact(1))[0]
    return first, src


def encode_stream(
    payload: bytes, *, label: bytes, with_label: bool, keyring: Keyring | None, compress: bool
) -> bytes:
    """Bytes to write for one stream message (``payload`` starts with its type byte)."""
    data = compress_payload(payload) if compress else payload
    if keyring is not None:
        data = keyring.encrypt_stream(data, label)
    return add_label(data, label) if with_label else data
