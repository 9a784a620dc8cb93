"""SetNotifiesStage: records a successful notification in the notification log."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.dedup import ReceiverKey
from alertmanager.types import NotificationLog

__all__ = ["SetNotifiesStage"]


class SetNotifiesStage:
    """Logs the hashes the dedup stage put in ``ctx``; the entry lives for 2 × repeat_interval.

    With ``in_thread`` the log call (which appends and fsyncs the log file) runs in the default
    executor, so the event loop keeps serving requests meanwhile; the stage still returns only
    once the entry is recorded. Only for a log whose change hook is safe to call from a thread.
    """

    __slots__ = ("in_thread", "nflog", "receiver")

    def __init__(self, nflog: NotificationLog, receiver: ReceiverKey, *, in_thread: bool = False) -> None:
        self.nflog = nflog
        self.receiver = receiver
        self.in_thread = in_thread

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        record = functools.partial(
            self.nflog.log,
            self.receiver,
            ctx.group_key,
            ctx.firing_alerts,
            ctx.resolved_alerts,
            expiry=2 * ctx.repeat_interval,
        )
        if self.in_thread:
            await asyncio.get_running_loop().run_in_executor(None, record)
        else:
            record()
        return ctx, list(alerts)
