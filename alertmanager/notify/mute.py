"""MuteStage: drops alerts a Muter (the inhibitor or the silencer) says must stay quiet."""

from __future__ import annotations

from collections.abc import Sequence

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.metrics import NotifyMetrics
from alertmanager.types import Muter

__all__ = ["MuteStage"]


class MuteStage:
    """Passes on only the alerts ``muter`` does not mute at ``ctx.now``.

    ``reason`` is the ``alertmanager_notifications_suppressed_total`` label ("silence" or
    "inhibition"), counted once per dropped alert.
    """

    __slots__ = ("metrics", "muter", "reason")

    def __init__(self, muter: Muter, *, reason: str = "", metrics: NotifyMetrics | None = None) -> None:
        self.muter = muter
        self.reason = reason
        self.metrics = metrics

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        kept = [a for a in alerts if not self.muter.mutes(a.labels, ctx.now, a.fingerprint)]
        muted = len(alerts) - len(kept)
        if muted and self.metrics is not None:
            self.metrics.suppressed.labels(self.reason).inc(muted)
        return ctx, kept
