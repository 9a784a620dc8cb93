"""The in-memory alert provider: alerts by fingerprint, merged as upstream's ``provider/mem``.

Every stored alert is also handed, in the order it was stored, to each follower (the
dispatcher, called inside ``put``) and each subscriber (the inhibitor, an async iterator); a new
one first gets every alert already stored.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from alertmanager.model.alert import Alert
from alertmanager.types import AlertState, Clock, Marker

__all__ = ["Alerts", "Subscription"]

_log = logging.getLogger(__name__)

_ZERO = datetime(1, 1, 1, tzinfo=UTC)  # Go's zero time: what an unset time compares as


def _t(value: datetime | None) -> datetime:
    return _ZERO if value is None else value


def _overlaps(new: Alert, old: Alert) -> bool:
    """Upstream merges only when the new alert's range overlaps the stored one's."""
    o_start, o_end = _t(old.starts_at), _t(old.ends_at)
    n_start, n_end = _t(new.starts_at), _t(new.ends_at)
    return (o_start < n_end < o_end) or (o_start < n_start < o_end)


def _tell(listener: Callable[[Alert], None], alert: Alert) -> None:
    try:
        listener(alert)
    except Exception:
        _log.exception("processing alert %s failed", alert.fingerprint_hex)


class Subscription(AsyncIterator[Alert]):
    """An async iterator over alerts: the store's contents when it began, then every put."""

    def __init__(self, owner: Alerts, initial: list[Alert]) -> None:
        self._owner = owner
        self._pending: deque[Alert] = deque(initial)
        # The consumer's wake-up, present only while it waits (cheaper than an Event per put).
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False

    def _push(self, alert: Alert) -> None:
        self._pending.append(alert)
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Alert:
        while not self._pending:
            if self._closed:
                raise StopAsyncIteration
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            await waiter
        return self._pending.popleft()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop receiving alerts; a waiting consumer ends once the backlog is drained."""
        self._closed = True
        self._wake()
        self._owner._unsubscribe(self)

    async def aclose(self) -> None:
        self.close()


class _AlertsCollector(Collector):
    """``alertmanager_alerts{state}``: unresolved alerts by their marker state, as upstream."""

    def __init__(self, store: Alerts) -> None:
        self._store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = self._store.count_by_state()
        fam = GaugeMetricFamily("alertmanager_alerts", "How many alerts by state.", labels=["state"])
        for state in (AlertState.ACTIVE, AlertState.SUPPRESSED, AlertState.UNPROCESSED):
            fam.add_metric([state], counts.get(state, 0))
        yield fam


class Alerts:
    """All alerts this replica knows, keyed by fingerprint.

    Args:
        clock: where "now" comes from (resolution and GC).
        gc_interval: how often ``run_gc`` removes resolved alerts (``--alerts.gc-interval``).
        marker: per-alert status; GC forgets the statuses of the alerts it removes.
        registry: where ``alertmanager_alerts{state}`` is registered.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        gc_interval: timedelta = timedelta(minutes=30),
        marker: Marker,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._clock = clock
        self._gc_interval = gc_interval
        self._marker = marker
        self._alerts: dict[int, Alert] = {}
        self._subscribers: builtins.list[Subscription] = []
        self._listeners: builtins.list[Callable[[Alert], None]] = []
        self._version = 0
        if registry is not None:
            registry.register(_AlertsCollector(self))

    def put(self, *alerts: Alert, now: datetime | None = None) -> None:
        """Store alerts, merging each with the stored one of the same fingerprint if they overlap
        (resolved as of ``now``, the clock's time unless the caller just read it)."""
        if now is None:
            now = self._clock()
        self._version += 1
        for alert in alerts:
            fp = alert.fingerprint
            old = self._alerts.get(fp)
            if old is not None and _overlaps(alert, old):
                alert = old.merge(alert, now)
            self._alerts[fp] = alert
            for sub in self._subscribers:
                sub._push(alert)
            for listener in self._listeners:
                _tell(listener, alert)

    @property
    def version(self) -> int:
        """Bumped by every ``put`` and every ``gc`` that removed something."""
        return self._version

    @property
    def settled(self) -> bool:
        """Whether every subscriber has taken every alert stored so far."""
        return all(not sub._pending for sub in self._subscribers)

    def get(self, fp: int) -> Alert | None:
        return self._alerts.get(fp)

    def list(self) -> builtins.list[Alert]:
        return list(self._alerts.values())

    def __iter__(self) -> Iterator[Alert]:
        return iter(list(self._alerts.values()))

    def __len__(self) -> int:
        return len(self._alerts)

    def subscribe(self) -> Subscription:
        """Every stored alert now, then each alert as it is stored; ``close()`` to stop."""
        sub = Subscription(self, list(self._alerts.values()))
        self._subscribers.append(sub)
        return sub

    def follow(self, listener: Callable[[Alert], None]) -> Callable[[], None]:
        """Call ``listener`` with every stored alert now, then with each alert as ``put`` stores
        it, before ``put`` returns; the function returned stops that.

        Unlike a subscription there is no queue and no task to wake: the dispatcher routes an
        alert as it arrives, a loop iteration sooner. A listener's error is logged; it never
        reaches the caller of ``put`` (an API request).
        """
        for alert in list(self._alerts.values()):
            _tell(listener, alert)
        self._listeners.append(listener)

        def unfollow() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unfollow

    def _unsubscribe(self, sub: Subscription) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(sub)

    def count_by_state(self) -> dict[str, int]:
        """Unresolved alerts counted by their marker state."""
        now = self._clock()
        counts = {AlertState.ACTIVE: 0, AlertState.SUPPRESSED: 0, AlertState.UNPROCESSED: 0}
        status = self._marker.status
        for fp, alert in list(self._alerts.items()):
            if alert.resolved(now):
                continue
            state = status(fp)[0]
            counts[state] = counts.get(state, 0) + 1
        return counts

    def gc(self) -> builtins.list[Alert]:
        """Remove resolved alerts and their marker entries; returns what was removed."""
        now = self._clock()
        deleted = [a for a in self._alerts.values() if a.resolved(now)]
        if deleted:
            self._version += 1
        for alert in deleted:
            fp = alert.fingerprint
            del self._alerts[fp]
            self._marker.delete(fp)
        return deleted

    async def run_gc(self, stop_event: asyncio.Event) -> None:
        """Run ``gc`` every ``gc_interval`` until ``stop_event`` is set."""
        interval = self._gc_interval.total_seconds()
        while not stop_event.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), timeout=interval)
            if not stop_event.is_set():
                self.gc()
