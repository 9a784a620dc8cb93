"""SetNotifiesStage: records a successful notification in the notification log."""

from __future__ import annotations

from collections.abc import Sequence

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.dedup import ReceiverKey
from alertmanager.types import NotificationLog

__all__ = ["SetNotifiesStage"]


class SetNotifiesStage:
    """Logs the hashes the dedup stage put in ``ctx``; the entry lives for 2 × repeat_interval."""

    __slots__ = ("nflog", "receiver")

    def __init__(self, nflog: NotificationLog, receiver: ReceiverKey) -> None:
        self.nflog = nflog
        self.receiver = receiver

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        self.nflog.log(
            self.receiver,
            ctx.group_key,
            ctx.firing_alerts,
            ctx.resolved_alerts,
            expiry=2 * ctx.repeat_interval,
        )
        return ctx, list(alerts)
