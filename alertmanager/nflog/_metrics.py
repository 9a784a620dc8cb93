"""``alertmanager_nflog_*`` metrics, as upstream names them."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Summary

from alertmanager.loopmetrics import GO_DEFAULT_BUCKETS, LoopCounter, LoopHistogram

__all__ = ["NflogMetrics"]


class NflogMetrics:
    """The notification log's series on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.gc_duration = Summary(
            "alertmanager_nflog_gc_duration_seconds",
            "Duration of the last notification log garbage collection cycle.",
            registry=registry,
        )
        self.snapshot_duration = Summary(
            "alertmanager_nflog_snapshot_duration_seconds",
            "Duration of the last notification log snapshot.",
            registry=registry,
        )
        self.snapshot_size = Gauge(
            "alertmanager_nflog_snapshot_size_bytes",
            "Size of the last notification log snapshot in bytes.",
            registry=registry,
        )
        self.maintenance = Counter(
            "alertmanager_nflog_maintenance_total",
            "How many maintenances were executed for the notification log.",
            registry=registry,
        )
        self.maintenance_errors = Counter(
            "alertmanager_nflog_maintenance_errors_total",
            "How many maintenances were executed for the notification log that failed.",
            registry=registry,
        )
        # Counted on every dedup, on the event loop: lock-free families.
        self.queries = LoopCounter(
            "alertmanager_nflog_queries_total",
            "Number of notification log queries were received.",
            registry=registry,
        )
        self.query_errors = LoopCounter(
            "alertmanager_nflog_query_errors_total",
            "Number notification log received queries that failed.",
            registry=registry,
        )
        # Observed on every dedup, on the event loop: the lock-free family, Go's default buckets.
        self.query_duration = LoopHistogram(
            "alertmanager_nflog_query_duration_seconds",
            "Duration of notification log query evaluation.",
            buckets=GO_DEFAULT_BUCKETS,
            registry=registry,
        )
        self.propagated = Counter(
            "alertmanager_nflog_gossip_messages_propagated_total",
            "Number of received gossip messages that have been further gossiped.",
            registry=registry,
        )
