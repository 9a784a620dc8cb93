"""The dispatcher: routes each alert update into aggregation groups and flushes them.

It consumes the alert store's subscription (an async iterator of merged alerts), finds the
routes an alert reaches, and inserts it into the group for (route, group labels), creating and
starting groups as needed. Groups call the notification pipeline on their timers. A reload
stops this dispatcher and builds a new one over the new tree; the notification log keeps
the restarted timers from sending again what was already sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Gauge

from alertmanager.dispatch._order import alert_sort_key, label_set_sort_key
from alertmanager.dispatch.group import AggregationGroup
from alertmanager.dispatch.route import Route
from alertmanager.dispatch.scheduler import Scheduler
from alertmanager.loopmetrics import LoopSummary
from alertmanager.model.alert import Alert
from alertmanager.model.labels import fingerprint
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.stage import Stage

__all__ = ["AlertGroup", "Dispatcher", "DispatcherMetrics"]

_log = logging.getLogger(__name__)

RouteFilter = Callable[[Route], bool]
AlertFilter = Callable[[Alert, datetime], bool]


class DispatcherMetrics:
    """Upstream's dispatcher metrics; build once per process and share across reloads."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.aggregation_groups = Gauge(
            "alertmanager_dispatcher_aggregation_groups",
            "Number of active aggregation groups",
            registry=registry,
        )
        # Observed per alert on the event loop: the lock-free summary.
        self.processing_duration = LoopSummary(
            "alertmanager_dispatcher_alert_processing_duration_seconds",
            "Summary of latencies for the processing of alerts.",
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class AlertGroup:
    """One aggregation group as ``GET /api/v2/alerts/groups`` shows it."""

    labels: dict[str, str]
    receiver: str
    alerts: tuple[Alert, ...]
    group_key: str
    route_id: str


class Dispatcher:
    """Sorts alerts into aggregation groups per route and drives their flushes.

    Args:
        route: the root of the routing tree.
        pipeline: the notification pipeline stage each flush runs.
        scheduler: timers and background work (``ManualScheduler`` in tests).
        metrics: shared ``DispatcherMetrics``; none records nothing.
        timeout: maps a group's ``group_interval`` to how long a flush may take (upstream's
            ``timeout`` func: at least the notify minimum plus the peer wait).
    """

    def __init__(
        self,
        route: Route,
        pipeline: Stage,
        *,
        scheduler: Scheduler,
        metrics: DispatcherMetrics | None = None,
        timeout: Callable[[timedelta], timedelta] | None = None,
    ) -> None:
        self.route = route
        self._pipeline = pipeline
        self._scheduler = scheduler
        self._metrics = metrics
        self._timeout = timeout if timeout is not None else (lambda d: d)
        # Per route (by identity), groups by group-label fingerprint.
        self._groups: dict[int, dict[int, AggregationGroup]] = {id(r): {} for r in route.walk()}
        self._count = 0
        self._stopped = False

    @property
    def group_count(self) -> int:
        return self._count

    def process(self, alert: Alert) -> None:
        """Insert one alert update into every group it routes to (the alert store calls this for
        every alert it stores, see ``Alerts.follow``); a stopped dispatcher ignores it."""
        if self._stopped:
            return
        t0 = time.perf_counter()
        for r in self.route.match(alert.labels, alert.fingerprint):
            self._group_alert(alert, r)
        if self._metrics is not None:
            self._metrics.processing_duration.observe(time.perf_counter() - t0)

    def _group_alert(self, alert: Alert, route: Route) -> None:
        labels = route.group_labels(alert.labels)
        fp = fingerprint(labels)
        route_groups = self._groups.setdefault(id(route), {})
        existing = route_groups.get(fp)
        if existing is not None:
            if existing.insert(alert):
                return
            self._forget(existing)
        ag = AggregationGroup(
            route,
            labels,
            scheduler=self._scheduler,
            notify=self._notify,
            timeout=self._timeout,
            on_destroy=self._forget,
            labels_fingerprint=fp,
        )
        ag.insert(alert)
        route_groups[fp] = ag
        self._set_count(self._count + 1)
        ag.start(self._scheduler.now())

    def _forget(self, ag: AggregationGroup) -> None:
        route_groups = self._groups.get(id(ag.route))
        if route_groups is not None and route_groups.get(ag.fingerprint) is ag:
            del route_groups[ag.fingerprint]
            self._set_count(self._count - 1)

    def _set_count(self, n: int) -> None:
        self._count = n
        if self._metrics is not None:
            self._metrics.aggregation_groups.set(n)

    async def _notify(self, ctx: NotifyContext, alerts: list[Alert]) -> bool:
        try:
            await self._pipeline(ctx, alerts)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            _log.error("Notify for alerts failed: group=%s num_alerts=%d err=%s", ctx.group_key, len(alerts), e)
            return False
        return True

    def stop(self) -> None:
        """Stop every group's timers and flushes and stop consuming alerts."""
        self._stopped = True
        for route_groups in self._groups.values():
            for ag in route_groups.values():
                ag.stop()
            route_groups.clear()
        self._set_count(0)

    def aggregation_groups(self) -> list[AggregationGroup]:
        """The live groups, routes in tree order."""
        out: list[AggregationGroup] = []
        for r in self.route.walk():
            out.extend(self._groups.get(id(r), {}).values())
        return out

    def groups(
        self,
        route_filter: RouteFilter | None = None,
        alert_filter: AlertFilter | None = None,
    ) -> tuple[list[AlertGroup], dict[int, list[str]]]:
        """The groups for the API, and each alert fingerprint's receivers (sorted).

        Groups whose alerts are all filtered out are left out; groups sort by labels (Go's
        ``LabelSet.Before``) then receiver, alerts as upstream's ``AlertSlice``.
        """
        now = self._scheduler.now()
        groups: list[AlertGroup] = []
        receivers: dict[int, list[str]] = {}
        for r in self.route.walk():
            route_groups = self._groups.get(id(r))
            if not route_groups or (route_filter is not None and not route_filter(r)):
                continue
            receiver = r.opts.receiver
            for ag in route_groups.values():
                kept = [a for a in ag.alerts.values() if alert_filter is None or alert_filter(a, now)]
                if not kept:
                    continue
                for a in kept:
                    receivers.setdefault(a.fingerprint, []).append(receiver)
                kept.sort(key=alert_sort_key)
                groups.append(AlertGroup(dict(ag.labels), receiver, tuple(kept), ag.key, r.id()))
        groups.sort(key=lambda g: (label_set_sort_key(g.labels), g.receiver.encode()))
        for names in receivers.values():
            names.sort(key=str.encode)
        return groups, receivers
