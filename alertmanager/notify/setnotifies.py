"""SetNotifiesStage: records a successful notification in the notification log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.dedup import ReceiverKey
from alertmanager.types import NotificationLog

__all__ = ["BackgroundSync", "SetNotifiesStage"]

_log = logging.getLogger(__name__)


class BackgroundSync:
    """Makes notification-log writes durable a moment later, together, in a worker thread.

    A write is in memory and appended to the log file when the stage returns, so a killed
    process loses nothing; only the fsync (which guards against the machine itself going down)
    is deferred by ``delay`` seconds, and one fsync then covers every write made meanwhile.
    Waiting for it in the stage would hand the GIL to a thread in the middle of request
    handling, the moment the next alert arrives.
    """

    def __init__(self, delay: float = 0.05) -> None:
        self._delay = delay
        self._pending: list[Callable[[], None]] = []
        self._timer: asyncio.TimerHandle | None = None

    def add(self, finish: Callable[[], None]) -> None:
        self._pending.append(finish)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._start)

    def _start(self) -> None:
        batch, self._pending, self._timer = self._pending, [], None
        done = asyncio.get_running_loop().run_in_executor(None, _run_all, batch)
        done.add_done_callback(_report)


def _run_all(batch: list[Callable[[], None]]) -> None:
    for finish in batch:
        finish()


def _report(done: asyncio.Future[None]) -> None:
    if not done.cancelled() and done.exception() is not None:
        _log.error("making the notification log durable failed: %s", done.exception())


class SetNotifiesStage:
    """Logs the hashes the dedup stage put in ``ctx``; the entry lives for 2 × repeat_interval.

    With ``sync_later`` the entry is recorded before the stage returns and made durable by
    that ``BackgroundSync``; without it the whole write (fsync included) happens here.
    """

    __slots__ = ("nflog", "receiver", "sync_later")

    def __init__(self, nflog: NotificationLog, receiver: ReceiverKey, *,
                 sync_later: BackgroundSync | None = None) -> None:
        self.nflog = nflog
        self.receiver = receiver
        self.sync_later = sync_later

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        args = (self.receiver, ctx.group_key, ctx.firing_alerts, ctx.resolved_alerts, 2 * ctx.repeat_interval)
        make_durable = self.nflog.record(*args)
        if self.sync_later is not None:
            self.sync_later.add(make_durable)
        else:
            make_durable()
        return ctx, list(alerts)
