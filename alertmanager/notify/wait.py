"""Cluster stages: wait for gossip to settle, then stagger replicas by their peer position."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Protocol

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext

__all__ = ["GossipSettleStage", "SettlingPeer", "Sleep", "WaitStage"]

Sleep = Callable[[float], Awaitable[None]]


class SettlingPeer(Protocol):
    """A cluster peer that can say when its initial gossip has settled."""

    async def wait_ready(self) -> None: ...


class GossipSettleStage:
    """Holds every notification until the cluster peer is ready (no peer: pass through)."""

    __slots__ = ("peer",)

    def __init__(self, peer: SettlingPeer | None) -> None:
        self.peer = peer

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        if self.peer is not None:
            await self.peer.wait_ready()
        return ctx, list(alerts)


class WaitStage:
    """Sleeps ``position() × peer_timeout`` so that the lowest-positioned replica sends first.

    Position 0 (and a single node) passes at once. The wait never runs past ``ctx.deadline``:
    reaching it fails the stage, as upstream's cancelled context does.
    """

    __slots__ = ("peer_timeout", "position", "sleep")

    def __init__(
        self, position: Callable[[], int], peer_timeout: timedelta, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.position = position
        self.peer_timeout = peer_timeout
        self.sleep = sleep

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        wait = (self.position() * self.peer_timeout).total_seconds()
        if wait > 0:
            if ctx.deadline is not None:
                remaining = (ctx.deadline - ctx.now).total_seconds()
                if remaining <= wait:
                    await self.sleep(max(remaining, 0.0))
                    raise TimeoutError(f"peer wait of {wait}s exceeds the flush deadline")
            await self.sleep(wait)
        return ctx, list(alerts)
