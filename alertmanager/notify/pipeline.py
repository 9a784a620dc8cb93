"""The one place that decides the order of notification stages (upstream ``PipelineBuilder.New``).

Per receiver::

    GossipSettle → Mute(inhibitor) → TimeActive → TimeMute → Mute(silencer) →
        Fanout over integrations: Multi[Wait → Dedup → Retry → SetNotifies]
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from alertmanager.model.alert import Alert
from alertmanager.model.timeintervals import TimeInterval
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.dedup import DedupStage, ReceiverKey
from alertmanager.notify.metrics import NotifyMetrics
from alertmanager.notify.mute import MuteStage
from alertmanager.notify.notifier import Integration
from alertmanager.notify.retry import Backoff, RetryStage
from alertmanager.notify.setnotifies import BackgroundSync, SetNotifiesStage
from alertmanager.notify.stage import Fanout, Multi, Routing
from alertmanager.notify.timemute import GroupMuteMarker, TimeActiveStage, TimeMuteStage
from alertmanager.notify.wait import GossipSettleStage, SettlingPeer, Sleep, WaitStage
from alertmanager.types import Clock, Muter, NotificationLog

__all__ = ["IntegrationTag", "build_pipeline"]


class IntegrationTag:
    """Names the integration in ``ctx.integration`` for the stages (and logs) after it."""

    __slots__ = ("name",)

    def __init__(self, integration: Integration) -> None:
        self.name = str(integration)

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        return ctx.for_integration(self.name), list(alerts)


def _no_position() -> int:
    return 0


def build_pipeline(
    receivers: Mapping[str, Sequence[Integration]],
    *,
    inhibitor: Muter,
    silencer: Muter,
    time_intervals: Mapping[str, Sequence[TimeInterval]],
    nflog: NotificationLog,
    metrics: NotifyMetrics,
    clock: Clock,
    peer: SettlingPeer | None = None,
    position: Callable[[], int] = _no_position,
    peer_timeout: timedelta = timedelta(seconds=15),
    sleep: Sleep = asyncio.sleep,
    backoff: Backoff = Backoff(),
    rng: random.Random | None = None,
    group_marker: GroupMuteMarker | None = None,
    nflog_sync_later: bool = False,
) -> Routing:
    """The notification pipeline for a config's receivers, routed by ``ctx.receiver``.

    Args:
        receivers: receiver name → its integrations (indexed per integration type).
        inhibitor, silencer: the two Muters.
        time_intervals: the config's named time intervals.
        nflog: the notification log dedup reads and set-notifies writes.
        position, peer_timeout: this replica's cluster position and ``--cluster.peer-timeout``.
        peer: waited on until gossip settled; ``None`` on a single node.
        nflog_sync_later: make notification-log writes durable (fsync) a moment later in a
            thread, together (``BackgroundSync``), not inside the flush.
    """
    sync_later = BackgroundSync() if nflog_sync_later else None
    settle = GossipSettleStage(peer)
    inhibit = MuteStage(inhibitor, reason="inhibition", metrics=metrics)
    time_active = TimeActiveStage(time_intervals, metrics=metrics, marker=group_marker)
    time_mute = TimeMuteStage(time_intervals, metrics=metrics, marker=group_marker)
    silence = MuteStage(silencer, reason="silence", metrics=metrics)
    routes = {}
    for name, integrations in receivers.items():
        per_integration = []
        for integ in integrations:
            key = ReceiverKey(name, integ.name, integ.index)
            per_integration.append(
                Multi(
                    IntegrationTag(integ),
                    WaitStage(position, peer_timeout, sleep=sleep),
                    DedupStage(nflog, key, send_resolved=integ.send_resolved),
                    RetryStage(integ, metrics=metrics, clock=clock, sleep=sleep, backoff=backoff, rng=rng),
                    SetNotifiesStage(nflog, key, sync_later=sync_later),
                )
            )
        routes[name] = Multi(settle, inhibit, time_active, time_mute, silence, Fanout(*per_integration))
    metrics.initialize_for({i.name for integs in receivers.values() for i in integs})
    return Routing(routes)
