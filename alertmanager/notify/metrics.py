"""Notification metrics with upstream's names and labels, one object per Alertmanager."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry

from alertmanager.loopmetrics import LoopCounter, LoopHistogram
from alertmanager.notify.notifier import FAILURE_REASONS, INTEGRATION_NAMES

__all__ = ["NotifyMetrics"]

SUPPRESSED_REASONS = ("silence", "inhibition", "mute_time_interval", "active_time_interval")


class NotifyMetrics:
    """The ``alertmanager_notification*`` series, registered on the given registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        # Counted per notification on the event loop: lock-free families.
        self.notifications = LoopCounter(
            "alertmanager_notifications_total",
            "The total number of attempted notifications.",
            ["integration"],
            registry=registry,
        )
        self.notifications_failed = LoopCounter(
            "alertmanager_notifications_failed_total",
            "The total number of failed notifications.",
            ["integration", "reason"],
            registry=registry,
        )
        self.requests = LoopCounter(
            "alertmanager_notification_requests_total",
            "The total number of attempted notification requests.",
            ["integration"],
            registry=registry,
        )
        self.requests_failed = LoopCounter(
            "alertmanager_notification_requests_failed_total",
            "The total number of failed notification requests.",
            ["integration"],
            registry=registry,
        )
        self.suppressed = LoopCounter(
            "alertmanager_notifications_suppressed_total",
            "The total number of notifications suppressed for being silenced, inhibited, "
            "outside of active time intervals or within muted time intervals.",
            ["reason"],
            registry=registry,
        )
        # Observed per notification attempt, on the event loop: the lock-free family.
        self.latency = LoopHistogram(
            "alertmanager_notification_latency_seconds",
            "The latency of notifications in seconds.",
            ["integration"],
            buckets=(1, 5, 10, 15, 20),
            registry=registry,
        )
        self.initialize_for(INTEGRATION_NAMES)

    def initialize_for(self, integrations: Iterable[str]) -> None:
        """Create the zero-valued series for each integration, as upstream's ``InitializeFor``."""
        for name in integrations:
            self.notifications.labels(name)
            self.requests.labels(name)
            self.requests_failed.labels(name)
            self.latency.labels(name)
            for reason in FAILURE_REASONS:
                self.notifications_failed.labels(name, reason)
