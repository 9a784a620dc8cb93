"""DedupStage: lets a group through only when the notification log says it needs sending."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import xxhash

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.types import NflogEntry, NotificationLog

__all__ = ["DedupStage", "NotifyReason", "ReceiverKey", "hash_alert", "needs_update"]

NotifyReason = Literal[
    "none",
    "first notification",
    "new alerts added",
    "some alerts resolved",
    "all alerts resolved",
    "repeat interval elapsed",
]


@dataclass(frozen=True, slots=True)
class ReceiverKey:
    """Upstream's ``nflogpb.Receiver``: receiver name, integration name, index among its type."""

    group_name: str
    integration: str
    idx: int


def hash_alert(labels: Mapping[str, str]) -> int:
    """The nflog alert hash: xxhash64 (seed 0) over ``name\\xffvalue\\xff`` by sorted name."""
    if not labels:
        return xxhash.xxh64_intdigest(b"")
    parts: list[bytes] = []
    for name in sorted(labels):
        parts.append(name.encode())
        parts.append(labels[name].encode())
    parts.append(b"")
    return xxhash.xxh64_intdigest(b"\xff".join(parts))


def needs_update(
    entry: NflogEntry | None,
    firing: Collection[int],
    resolved: Collection[int],
    *,
    send_resolved: bool,
    repeat_interval: timedelta,
    now: datetime,
) -> NotifyReason:
    """Upstream's ``DedupStage.needsUpdate``: why (or whether) a group must be notified again."""
    if entry is None:
        return "first notification" if firing else "none"
    if not all(h in entry.firing_alerts for h in firing):
        # After an all-resolved notification, new firing alerts start the group afresh.
        return "first notification" if not entry.firing_alerts else "new alerts added"
    if not firing:
        # Sent even without send_resolved, so that the log stops listing the alerts as firing;
        # alerts that fired and resolved unseen within one interval are not worth a message.
        return "all alerts resolved" if entry.firing_alerts else "none"
    if send_resolved and not all(h in entry.resolved_alerts for h in resolved):
        return "some alerts resolved"
    if entry.timestamp < now - repeat_interval:
        return "repeat interval elapsed"
    return "none"


class DedupStage:
    """Compares a group with its notification-log entry; records the firing/resolved hashes in ctx."""

    __slots__ = ("nflog", "receiver", "send_resolved")

    def __init__(self, nflog: NotificationLog, receiver: ReceiverKey, *, send_resolved: bool) -> None:
        self.nflog = nflog
        self.receiver = receiver
        self.send_resolved = send_resolved

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        firing: list[int] = []
        resolved: list[int] = []
        for a in alerts:
            (resolved if a.resolved(ctx.now) else firing).append(hash_alert(a.labels))
        ctx = ctx.with_sent(firing, resolved)
        entry = self.nflog.query(ctx.group_key, self.receiver)
        reason = needs_update(
            entry,
            set(firing),
            set(resolved),
            send_resolved=self.send_resolved,
            repeat_interval=ctx.repeat_interval,
            now=ctx.now,
        )
        if reason == "none":
            return ctx, []
        return ctx, list(alerts)
