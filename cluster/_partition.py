"""A test hook that partitions the gossip network without touching the host's network.

``$ALERTMANAGER_CLUSTER_PARTITION_FILE`` names a file that every replica re-reads whenever it
changes. Each non-empty line lists the ``host:port`` cluster addresses of one side (whitespace
or commas between them); addresses on no line form one more side. A replica whose transport is
wrapped in :class:`PartitionTransport` sends no UDP packet and opens no TCP stream to a replica on
another side, and ignores UDP packets arriving from one. As every replica applies the same file,
no stream ever crosses the cut either. A missing or empty file heals the partition.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from .discovery import split_host_port
from .memberlist.transport import Addr, PacketHandler, StreamHandler, Transport

__all__ = ["PARTITION_ENV", "PartitionRules", "PartitionTransport", "partition_file"]

_log = logging.getLogger(__name__)
PARTITION_ENV = "ALERTMANAGER_CLUSTER_PARTITION_FILE"


def partition_file(environ: Mapping[str, str]) -> Path | None:
    """The partition file named by ``$ALERTMANAGER_CLUSTER_PARTITION_FILE``, if set."""
    value = environ.get(PARTITION_ENV, "").strip()
    return Path(value) if value else None


class PartitionRules:
    """The sides in one partition file, re-read when its size or mtime changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self._side: dict[Addr, int] = {}

    def _reload(self) -> None:
        try:
            st = os.stat(self._path)
        except OSError:
            self._stamp, self._side = None, {}
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        try:
            text = self._path.read_text()
        except OSError:
            return
        side: dict[Addr, int] = {}
        for i, line in enumerate(text.splitlines(), start=1):
            for entry in line.replace(",", " ").split():
                try:
                    side[split_host_port(entry)] = i
                except ValueError:
                    _log.warning("partition file %s: ignoring %r", self._path, entry)
        self._stamp, self._side = stamp, side

    def blocked(self, a: Addr, b: Addr) -> bool:
        """Whether ``a`` and ``b`` are on different sides of the partition now."""
        self._reload()
        return self._side.get(a, 0) != self._side.get(b, 0)


class PartitionTransport:
    """Wraps a Transport; traffic between ``own`` and an address across the cut is dropped."""

    def __init__(self, inner: Transport, rules: PartitionRules, bind_host: str) -> None:
        self._inner = inner
        self._rules = rules
        self._bind_host = bind_host

    @property
    def port(self) -> int:
        return self._inner.port

    def _own(self) -> Addr:
        return self._bind_host, self._inner.port

    async def start(self, on_packet: PacketHandler, on_stream: StreamHandler) -> None:
        def filtered(data: bytes, addr: Addr) -> None:
            if not self._rules.blocked(self._own(), addr):
                on_packet(data, addr)

        await self._inner.start(filtered, on_stream)

    def send_packet(self, data: bytes, addr: Addr) -> None:
        if not self._rules.blocked(self._own(), addr):
            self._inner.send_packet(data, addr)

    async def open_stream(
        self, addr: Addr, timeout: float
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._rules.blocked(self._own(), addr):
            raise ConnectionRefusedError(f"partitioned from {addr[0]}:{addr[1]} (test hook)")
        return await self._inner.open_stream(addr, timeout)

    async def close(self) -> None:
        await self._inner.close()
