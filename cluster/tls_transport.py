"""``--cluster.tls-config``: memberlist over mutual TLS on TCP instead of UDP + TCP (upstream's
TLS transport, spec section 2.6).

Every connection starts with a frame ``[u32 little-endian length][clusterpb.MemberlistMessage]``.
A PACKET frame carries one memberlist packet (and more PACKET frames may follow on the same
pooled connection); a STREAM frame turns the rest of the connection into an ordinary memberlist
stream. The config file holds ``tls_server_config`` (exporter-toolkit's web TLS config) and
``tls_client_config`` (prometheus/common's TLS config); relative file names are resolved against
the file's directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alertmanager.model.delimited import uvarint

from .clusterpb import DecodeError, _fields, _len_field
from .discovery import split_host_port
from .memberlist.transport import Addr, PacketHandler, StreamHandler

__all__ = ["TLSConfigError", "TLSTransport", "TLSTransportConfig", "decode_frame", "encode_frame"]

_log = logging.getLogger(__name__)
_VERSION = b"v0.1.0"
_STREAM, _PACKET = 0, 1
_MAX_FRAME = 20 << 20
_POOL_QUEUE = 1024


class TLSConfigError(ValueError):
    """The TLS config file is unreadable or invalid."""


def encode_frame(kind: int, from_addr: str = "", msg: bytes = b"") -> bytes:
    """A length-prefixed MemberlistMessage{version, kind, from_addr, msg} (proto3: zero fields omitted)."""
    body = _len_field(1, _VERSION)
    if kind:
        body += uvarint(2 << 3) + uvarint(kind)
    if from_addr:
        body += _len_field(3, from_addr.encode())
    if msg:
        body += _len_field(4, msg)
    return struct.pack("<I", len(body)) + body


def decode_frame(body: bytes) -> tuple[int, str, bytes]:
    """(kind, from_addr, msg) of a MemberlistMessage body."""
    kind, from_addr, msg = _STREAM, "", b""
    for num, wt, value in _fields(body):
        if num == 2 and wt == 0 and isinstance(value, int):
            kind = value
        elif num == 3 and wt == 2 and isinstance(value, bytes):
            from_addr = value.decode(errors="replace")
        elif num == 4 and wt == 2 and isinstance(value, bytes):
            msg = bytes(value)
    return kind, from_addr, msg


_CLIENT_AUTH = {
    "": ssl.CERT_NONE, "NoClientCert": ssl.CERT_NONE, "RequestClientCert": ssl.CERT_OPTIONAL,
    "RequireAnyClientCert": ssl.CERT_REQUIRED, "VerifyClientCertIfGiven": ssl.CERT_OPTIONAL,
    "RequireAndVerifyClientCert": ssl.CERT_REQUIRED,
}
_VERSIONS = {"TLS10": ssl.TLSVersion.TLSv1, "TLS11": ssl.TLSVersion.TLSv1_1,
             "TLS12": ssl.TLSVersion.TLSv1_2, "TLS13": ssl.TLSVersion.TLSv1_3}


@dataclass(frozen=True, slots=True)
class TLSTransportConfig:
    """The two SSL contexts a ``--cluster.tls-config`` file describes."""

    server: ssl.SSLContext
    client: ssl.SSLContext
    server_name: str | None

    @classmethod
    def from_file(cls, path: str | Path) -> TLSTransportConfig:
        path = Path(path)
        try:
            doc = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as e:
            raise TLSConfigError(f"reading {path}: {e}") from e
        if not isinstance(doc, dict) or set(doc) - {"tls_server_config", "tls_client_config"}:
            raise TLSConfigError(f"{path}: only tls_server_config and tls_client_config are allowed")
        base = path.parent
        srv: dict[str, Any] = doc.get("tls_server_config") or {}
        cli: dict[str, Any] = doc.get("tls_client_config") or {}
        try:
            return cls(_server_context(srv, base), _client_context(cli, base), cli.get("server_name") or None)
        except (OSError, ssl.SSLError, KeyError) as e:
            raise TLSConfigError(f"{path}: {e}") from e


def _file(base: Path, name: str) -> str:
    return str(base / name)


def _min_version(ctx: ssl.SSLContext, conf: dict[str, Any]) -> None:
    if conf.get("min_version"):
        ctx.minimum_version = _VERSIONS[str(conf["min_version"])]
    if conf.get("max_version"):
        ctx.maximum_version = _VERSIONS[str(conf["max_version"])]


def _server_context(conf: dict[str, Any], base: Path) -> ssl.SSLContext:
    if not conf.get("cert_file") or not conf.get("key_file"):
        raise TLSConfigError("tls_server_config needs cert_file and key_file")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(_file(base, conf["cert_file"]), _file(base, conf["key_file"]))
    ctx.verify_mode = _CLIENT_AUTH[str(conf.get("client_auth_type", ""))]
    if conf.get("client_ca_file"):
        ctx.load_verify_locations(_file(base, conf["client_ca_file"]))
    _min_version(ctx, conf)
    return ctx


def _client_context(conf: dict[str, Any], base: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if conf.get("insecure_skip_verify"):
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if conf.get("ca_file"):
        ctx.load_verify_locations(_file(base, conf["ca_file"]))
    else:
        ctx.load_default_certs()
    if conf.get("cert_file") and conf.get("key_file"):
        ctx.load_cert_chain(_file(base, conf["cert_file"]), _file(base, conf["key_file"]))
    _min_version(ctx, conf)
    return ctx


class TLSTransport:
    """memberlist's Transport over mutual TLS (no UDP): packets ride pooled TLS connections."""

    def __init__(self, config: TLSTransportConfig, bind_addr: str, bind_port: int) -> None:
        self._config = config
        self._bind_addr = bind_addr
        self._port = bind_port
        self._server: asyncio.Server | None = None
        self._pool: dict[Addr, asyncio.Queue[bytes]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        return self._port

    async def start(self, on_packet: PacketHandler, on_stream: StreamHandler) -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                await self._serve(reader, writer, on_packet, on_stream)
            except (OSError, asyncio.IncompleteReadError, DecodeError, ssl.SSLError) as e:
                _log.debug("tls connection ended: %s", e)
            finally:
                writer.close()
                if task is not None:
                    self._tasks.discard(task)

        self._server = await asyncio.start_server(
            handle, self._bind_addr, self._port, ssl=self._config.server, reuse_address=True
        )
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
        on_packet: PacketHandler, on_stream: StreamHandler,
    ) -> None:
        while True:
            (size,) = struct.unpack("<I", await reader.readexactly(4))
            if size > _MAX_FRAME:
                raise DecodeError(f"frame of {size} bytes")
            kind, from_addr, msg = decode_frame(await reader.readexactly(size))
            if kind == _STREAM:
                await on_stream(reader, writer)
                return
            if kind != _PACKET:
                raise DecodeError(f"unknown message kind {kind}")
            try:
                source = split_host_port(from_addr)
            except ValueError:
                peer = writer.get_extra_info("peername")
                source = (str(peer[0]), int(peer[1]))
            on_packet(msg, source)

    def send_packet(self, data: bytes, addr: Addr) -> None:
        queue = self._pool.get(addr)
        if queue is None:
            queue = self._pool[addr] = asyncio.Queue(_POOL_QUEUE)
            task = asyncio.create_task(self._writer(addr, queue), name=f"tls-packets-{addr[0]}:{addr[1]}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        frame = encode_frame(_PACKET, f"{self._bind_addr}:{self._port}", data)
        with contextlib.suppress(asyncio.QueueFull):  # like a lost UDP packet
            queue.put_nowait(frame)

    async def _writer(self, addr: Addr, queue: asyncio.Queue[bytes]) -> None:
        """Keeps one pooled connection to ``addr``; reconnects on the next packet after a failure."""
        writer: asyncio.StreamWriter | None = None
        try:
            while True:
                frame = await queue.get()
                try:
                    if writer is None or writer.is_closing():
                        _, writer = await self._dial(addr, 10.0)
                    writer.write(frame)
                    await writer.drain()
                except (OSError, TimeoutError, ssl.SSLError) as e:
                    _log.debug("tls packet to %s:%d failed: %s", addr[0], addr[1], e)
                    if writer is not None:
                        writer.close()
                    writer = None
        finally:
            if writer is not None:
                writer.close()
            self._pool.pop(addr, None)

    async def _dial(self, addr: Addr, timeout: float) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        async with asyncio.timeout(timeout):
            return await asyncio.open_connection(
                addr[0], addr[1], ssl=self._config.client, server_hostname=self._config.server_name or addr[0]
            )

    async def open_stream(self, addr: Addr, timeout: float) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await self._dial(addr, timeout)
        writer.write(encode_frame(_STREAM))
        return reader, writer

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
