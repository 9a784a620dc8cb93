"""Routing tree, aggregation groups and the dispatcher that feeds the notification pipeline."""

from alertmanager.dispatch.dispatcher import AlertGroup, Dispatcher, DispatcherMetrics
from alertmanager.dispatch.group import AggregationGroup, group_key
from alertmanager.dispatch.route import DEFAULT_ROUTE_OPTS, Route, RouteOpts
from alertmanager.dispatch.scheduler import AsyncioScheduler, ManualScheduler, Scheduler, TimerHandle

__all__ = [
    "DEFAULT_ROUTE_OPTS",
    "AggregationGroup",
    "AlertGroup",
    "AsyncioScheduler",
    "Dispatcher",
    "DispatcherMetrics",
    "ManualScheduler",
    "Route",
    "RouteOpts",
    "Scheduler",
    "TimerHandle",
    "group_key",
]
