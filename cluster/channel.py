"""A Channel gossips one state's deltas: small ones on UDP, oversized ones over TCP to every peer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from .clusterpb import Part, encode_part
from .metrics import ClusterMetrics

__all__ = ["OVERSIZE_THRESHOLD", "Channel", "is_oversized"]

_log = logging.getLogger(__name__)

OVERSIZE_THRESHOLD = 700
"""Half of memberlist's 1400-byte packet budget (upstream MaxGossipPacketSize/2)."""
_OVERSIZE_QUEUE = 200


def is_oversized(data_len: int) -> bool:
    """Whether a state's delta of ``data_len`` bytes would go over TCP (upstream OversizedMessage)."""
    return data_len > OVERSIZE_THRESHOLD


class Channel:
    """``broadcast(bytes)`` for one registered state key."""

    def __init__(
        self,
        key: str,
        *,
        queue_gossip: Callable[[bytes], None],
        send_reliable_all: Callable[[bytes], Awaitable[tuple[int, int]]],
        metrics: ClusterMetrics,
    ) -> None:
        self.key = key
        self._queue_gossip = queue_gossip
        self._send_reliable_all = send_reliable_all
        self._metrics = metrics
        self._oversized: asyncio.Queue[bytes] = asyncio.Queue(_OVERSIZE_QUEUE)
        self._task: asyncio.Task[None] | None = None

    def broadcast(self, data: bytes) -> None:
        """Gossip ``data`` (a single-entry delta of this state) to the cluster."""
        part = encode_part(Part(self.key, data))
        if not is_oversized(len(part)):
            self._queue_gossip(part)
            return
        try:
            self._oversized.put_nowait(part)
        except asyncio.QueueFull:
            self._metrics.oversize_dropped.labels(key=self.key).inc()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._send_oversized(), name=f"oversize-{self.key}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _send_oversized(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            part = await self._oversized.get()
            started = loop.time()
            ok, failed = await self._send_reliable_all(part)
            self._metrics.oversize_sent.labels(key=self.key).inc(ok + failed)
            if failed:
                self._metrics.oversize_failed.labels(key=self.key).inc(failed)
            self._metrics.oversize_duration.labels(key=self.key).observe(loop.time() - started)
