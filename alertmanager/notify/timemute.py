"""Time-interval stages: mute a route inside ``mute_time_intervals``, outside ``active_time_intervals``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from alertmanager.model.alert import Alert
from alertmanager.model.timeintervals import TimeInterval
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.metrics import NotifyMetrics

__all__ = ["GroupMuteMarker", "TimeActiveStage", "TimeMuteStage", "intervals_containing"]

GroupMuteMarker = Callable[[str, str, tuple[str, ...]], None]
"""``(route_id, group_key, muted_by)``: records which intervals mute a group (empty: none)."""

Intervals = Mapping[str, Sequence[TimeInterval]]


def intervals_containing(intervals: Intervals, names: Sequence[str], now: datetime) -> tuple[str, ...]:
    """The names among ``names`` whose interval contains ``now`` (upstream ``Intervener.Mutes``)."""
    hit: list[str] = []
    for name in names:
        entries = intervals.get(name)
        if entries is None:
            raise LookupError(f"time interval {name} doesn't exist in config")
        if any(ti.contains(now) for ti in entries):
            hit.append(name)
    return tuple(hit)


class TimeMuteStage:
    """Drops every alert while ``now`` is inside one of the route's mute time intervals."""

    __slots__ = ("intervals", "marker", "metrics")

    def __init__(
        self,
        intervals: Intervals,
        *,
        metrics: NotifyMetrics | None = None,
        marker: GroupMuteMarker | None = None,
    ) -> None:
        self.intervals = intervals
        self.metrics = metrics
        self.marker = marker

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        muted_by: tuple[str, ...] = ()
        if ctx.mute_time_intervals:
            muted_by = intervals_containing(self.intervals, ctx.mute_time_intervals, ctx.now)
        if self.marker is not None:
            self.marker(ctx.route_id, ctx.group_key, muted_by)
        if muted_by:
            if self.metrics is not None:
                self.metrics.suppressed.labels("mute_time_interval").inc(len(alerts))
            return ctx, []
        return ctx, list(alerts)


class TimeActiveStage:
    """Drops every alert while ``now`` is outside all of the route's active time intervals."""

    __slots__ = ("intervals", "marker", "metrics")

    def __init__(
        self,
        intervals: Intervals,
        *,
        metrics: NotifyMetrics | None = None,
        marker: GroupMuteMarker | None = None,
    ) -> None:
        self.intervals = intervals
        self.metrics = metrics
        self.marker = marker

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        names = ctx.active_time_intervals
        # No active intervals at all means always active.
        active = not names or bool(intervals_containing(self.intervals, names, ctx.now))
        if self.marker is not None:
            # Inactive means muted by every one of the active intervals (as upstream marks it).
            self.marker(ctx.route_id, ctx.group_key, () if active else tuple(names))
        if not active:
            if self.metrics is not None:
                self.metrics.suppressed.labels("active_time_interval").inc(len(alerts))
            return ctx, []
        return ctx, list(alerts)
