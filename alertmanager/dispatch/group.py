"""Aggregation groups: the alerts of one route with the same group labels, and their timers.

A group flushes first after ``group_wait`` (at once when its first alert is already older than
that), then every ``group_interval``. Each flush hands all its alerts to the notification
pipeline, which decides with the notification log whether anything is sent (new alerts,
resolutions, or ``repeat_interval`` elapsed). After a successful flush the resolved alerts
that did not change meanwhile are dropped; a group left empty is destroyed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from alertmanager.dispatch._order import alert_sort_key
from alertmanager.dispatch.route import Route
from alertmanager.dispatch.scheduler import Scheduler, TimerHandle
from alertmanager.model.alert import Alert
from alertmanager.model.labels import fingerprint, label_set_string
from alertmanager.notify.context import NotifyContext

__all__ = ["CANCEL_GRACE", "AggregationGroup", "NotifyFunc", "group_key"]

NotifyFunc = Callable[[NotifyContext, list[Alert]], Awaitable[bool]]
"""Runs the pipeline for one flush; true when it succeeded."""

_log = logging.getLogger(__name__)

CANCEL_GRACE = timedelta(seconds=1)
"""How long after its deadline (``ctx.deadline``) a flush is cancelled. The retry stage gives
up at the deadline itself and reports the last failure's reason; this hard cancel is only the
safety net for a stage that does not stop in time (counted as ``contextCanceled``)."""


def group_key(route: Route, labels: Mapping[str, str]) -> str:
    """Upstream's group key: ``{route key}:{group labels}``, e.g. ``{}/{a="1"}:{alertname="x"}``."""
    return f"{route.key()}:{label_set_string(labels)}"


def _timeout_identity(d: timedelta) -> timedelta:
    return d


class AggregationGroup:
    """The alerts of one (route, group labels) pair, flushed to the pipeline on a timer."""

    __slots__ = (
        "_deadline_timer",
        "_destroyed",
        "_flush_task",
        "_flushing",
        "_notify",
        "_on_destroy",
        "_pending",
        "_scheduler",
        "_timed_out",
        "_timeout",
        "_timer",
        "alerts",
        "fingerprint",
        "key",
        "labels",
        "route",
    )

    def __init__(
        self,
        route: Route,
        labels: Mapping[str, str],
        *,
        scheduler: Scheduler,
        notify: NotifyFunc,
        timeout: Callable[[timedelta], timedelta] = _timeout_identity,
        on_destroy: Callable[[AggregationGroup], None] | None = None,
        labels_fingerprint: int | None = None,
    ) -> None:
        self.route = route
        self.labels: dict[str, str] = dict(labels)
        self.fingerprint = fingerprint(self.labels) if labels_fingerprint is None else labels_fingerprint
        self.key = group_key(route, self.labels)
        self.alerts: dict[int, Alert] = {}
        self._scheduler = scheduler
        self._notify = notify
        self._timeout = timeout
        self._on_destroy = on_destroy
        self._timer: TimerHandle | None = None
        self._deadline_timer: TimerHandle | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._flushing = False
        self._pending: datetime | None = None
        self._destroyed = False
        self._timed_out = False

    def __repr__(self) -> str:
        return f"AggregationGroup({self.key!r}, alerts={len(self.alerts)})"

    @property
    def receiver(self) -> str:
        return self.route.opts.receiver

    @property
    def destroyed(self) -> bool:
        return self._destroyed

    def empty(self) -> bool:
        return not self.alerts

    def insert(self, alert: Alert) -> bool:
        """Add or replace an alert; false when the group is destroyed (make a new one)."""
        if self._destroyed:
            return False
        self.alerts[alert.fingerprint] = alert
        return True

    def start(self, now: datetime) -> None:
        """Arm the first flush: after group_wait, or at once if the first alert is old enough."""
        wait = self.route.opts.group_wait
        first = min((a.starts_at for a in self.alerts.values() if a.starts_at is not None), default=None)
        if first is not None and first + wait < now:
            wait = timedelta(0)
        if wait <= timedelta(0):
            # Due now: the flush task starts before the request that made the group is answered.
            self._scheduler.call_now(self._fire)
            return
        self._timer = self._scheduler.call_later(wait, self._fire)

    def stop(self) -> None:
        """Cancel timers and any running flush (reload and shutdown)."""
        self._destroyed = True
        for t in (self._timer, self._deadline_timer):
            if t is not None:
                t.cancel()
        self._timer = self._deadline_timer = None
        if self._flush_task is not None and not self._flush_task.done():
            self._flush_task.cancel()

    def _fire(self) -> None:
        if self._destroyed:
            return
        now = self._scheduler.now()
        # The next flush is due group_interval after this one was, however long it takes.
        self._timer = self._scheduler.call_later(self.route.opts.group_interval, self._fire)
        if self._flushing:
            # Like upstream's single run loop: flushes never overlap; catch up when done.
            self._pending = now
            return
        self._start_flush(now)

    def _start_flush(self, now: datetime) -> None:
        self._flushing = True
        self._timed_out = False
        self._flush_task = task = self._scheduler.spawn(self._flush(now))

        def expire() -> None:
            # Upstream gives a flush until the next one (timeout(group_interval)) to finish;
            # the stages stop at that deadline themselves, this catches one that did not.
            self._timed_out = True
            task.cancel()

        hard_deadline = self._timeout(self.route.opts.group_interval) + CANCEL_GRACE
        self._deadline_timer = self._scheduler.call_later(hard_deadline, expire)

    def _context(self, now: datetime, deadline: datetime) -> NotifyContext:
        opts = self.route.opts
        return NotifyContext(
            group_key=self.key,
            receiver=opts.receiver,
            group_labels=dict(self.labels),
            now=now,
            repeat_interval=opts.repeat_interval,
            route_id=self.route.id(),
            mute_time_intervals=opts.mute_time_intervals,
            active_time_intervals=opts.active_time_intervals,
            deadline=deadline,
            route_labels=dict(opts.labels),
        )

    async def _flush(self, now: datetime) -> None:
        try:
            await self._flush_once(now)
        except asyncio.CancelledError:
            if not self._timed_out:
                raise
            _log.warning("notify for group %s did not finish before its deadline", self.key)
        except Exception:
            _log.exception("flushing group %s failed", self.key)
        finally:
            if self._deadline_timer is not None:
                self._deadline_timer.cancel()
                self._deadline_timer = None
            self._flushing = False
            self._flush_task = None
            pending, self._pending = self._pending, None
            if pending is not None and not self._destroyed:
                self._start_flush(pending)

    async def _flush_once(self, now: datetime) -> None:
        if not self.alerts:
            return
        originals = list(self.alerts.values())
        batch: list[Alert] = []
        resolved: list[Alert] = []
        for a in originals:
            c = a.copy()
            if a.resolved(now):
                resolved.append(a)
            else:
                # A firing alert is sent without its (future) end time, so it cannot appear
                # to resolve while the notification is under way.
                c.ends_at = None
            batch.append(c)
        batch.sort(key=alert_sort_key)
        deadline = now + self._timeout(self.route.opts.group_interval)
        ctx = self._context(now, deadline)
        if not await self._notify(ctx, batch):
            return
        for a in resolved:
            cur = self.alerts.get(a.fingerprint)
            # Keep an alert that changed during the flush (it may fire again).
            if cur is not None and cur.updated_at == a.updated_at and cur.ends_at == a.ends_at:
                del self.alerts[a.fingerprint]
        if not self.alerts:
            self._destroy()

    def _destroy(self) -> None:
        # Called from inside the flush: stop timers but do not cancel ourselves.
        self._destroyed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._on_destroy is not None:
            self._on_destroy(self)
