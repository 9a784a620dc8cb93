"""The silence store's metrics, under upstream's names (``silence/silence.go`` newMetrics)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Summary
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from alertmanager.loopmetrics import GO_DEFAULT_BUCKETS, LoopCounter, LoopHistogram

__all__ = ["SilenceMetrics"]

_STATES = ("active", "pending", "expired")


class _ByState(Collector):
    """``alertmanager_silences{state}``, counted when scraped (a GaugeFunc upstream)."""

    def __init__(self, count: Callable[[], dict[str, int]]) -> None:
        self._count = count

    def collect(self) -> Iterable[Metric]:
        fam = GaugeMetricFamily("alertmanager_silences", "How many silences by state.", labels=["state"])
        counts = self._count()
        for state in _STATES:
            fam.add_metric([state], counts.get(state, 0))
        yield fam


class SilenceMetrics:
    """One set per Silences instance; registered only if a registry is given."""

    def __init__(self, registry: CollectorRegistry | None, count_by_state: Callable[[], dict[str, int]]) -> None:
        r = registry
        self.gc_duration = Summary(
            "alertmanager_silences_gc_duration_seconds",
            "Duration of the last silence garbage collection cycle.",
            registry=r,
        )
        self.snapshot_duration = Summary(
            "alertmanager_silences_snapshot_duration_seconds",
            "Duration of the last silence snapshot.",
            registry=r,
        )
        self.snapshot_size = Gauge(
            "alertmanager_silences_snapshot_size_bytes", "Size of the last silence snapshot in bytes.", registry=r
        )
        self.maintenance_total = Counter(
            "alertmanager_silences_maintenance",
            "How many maintenances were executed for silences.",
            registry=r,
        )
        self.maintenance_errors_total = Counter(
            "alertmanager_silences_maintenance_errors",
            "How many maintenances were executed for silences that failed.",
            registry=r,
        )
        # Counted and observed by every silencer check, on the event loop: lock-free families.
        # The histogram has client_golang's default buckets, as upstream's does.
        self.queries_total = LoopCounter(
            "alertmanager_silences_queries", "How many silence queries were received.", registry=r
        )
        self.query_errors_total = Counter(
            "alertmanager_silences_query_errors",
            "How many silence received queries did not succeed.",
            registry=r,
        )
        self.query_duration = LoopHistogram(
            "alertmanager_silences_query_duration_seconds", "Duration of silence query evaluation.",
            buckets=GO_DEFAULT_BUCKETS, registry=r,
        )
        self.propagated_messages_total = Counter(
            "alertmanager_silences_gossip_messages_propagated",
            "Number of received gossip messages that have been further gossiped.",
            registry=r,
        )
        if r is not None:
            r.register(_ByState(count_by_state))
