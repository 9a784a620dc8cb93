"""Counter, histogram and summary families for hot paths that only the event loop thread updates.

``prometheus_client``'s metrics take a lock per value on every update (a histogram
observation takes two) and check observability in Python first: on the alert ingest and
notification paths that was several per request. The families
here keep plain numbers instead and hand ``prometheus_client`` finished metric families when
the registry is scraped, so exposition (names, ``le`` labels, ``_count``/``_sum``) is the same.
Only call ``observe`` from the event loop thread.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

__all__ = ["GO_DEFAULT_BUCKETS", "CounterChild", "HistogramChild", "LoopCounter", "LoopHistogram", "LoopSummary"]

_Child = TypeVar("_Child")

GO_DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""client_golang's ``prometheus.DefBuckets`` (prometheus_client's defaults differ)."""


class _Family(Collector, Generic[_Child]):
    """What the labelled families share: children by label values, created on first use."""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str],
                 registry: CollectorRegistry | None) -> None:
        self._name = name
        self._doc = documentation
        self._labelnames = tuple(labelnames)
        self._children: dict[tuple[str, ...], _Child] = {}
        # Without labels the one child exists (and is exposed at zero) before any update.
        self._only = self.labels() if not self._labelnames else None
        if registry is not None:
            registry.register(self)

    def _new_child(self) -> _Child:
        raise NotImplementedError

    def _unlabelled(self) -> _Child:
        only = self._only
        if only is None:
            raise ValueError(f"{self._name}: expected {len(self._labelnames)} label values, got 0")
        return only

    def labels(self, *values: str) -> _Child:
        if len(values) != len(self._labelnames):
            raise ValueError(f"{self._name}: expected {len(self._labelnames)} label values, got {len(values)}")
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._new_child()
        return child


class CounterChild:
    """One label combination's count."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1) -> None:
        if amount < 0:
            raise ValueError("Counters can only be incremented by non-negative amounts.")
        self.value += amount


class LoopCounter(_Family[CounterChild]):
    """A labelled counter; ``name`` ends in ``_total``, as prometheus_client's counters are exposed."""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = (), *,
                 registry: CollectorRegistry | None = None) -> None:
        super().__init__(name, documentation, labelnames, registry)

    def _new_child(self) -> CounterChild:
        return CounterChild()

    def inc(self, amount: float = 1) -> None:
        """Increment the counter without labels."""
        self._unlabelled().inc(amount)

    def describe(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(self._name, self._doc, labels=self._labelnames)

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(self._name, self._doc, labels=self._labelnames)
        for values, child in list(self._children.items()):
            family.add_metric(list(values), child.value)
        yield family


class HistogramChild:
    """One label combination's buckets and sum."""

    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: list[float]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last one is +Inf
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.sum += value


class LoopHistogram(_Family[HistogramChild]):
    """A labelled histogram (``le`` buckets are upper bounds, inclusive, as Prometheus's)."""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = (), *,
                 buckets: Sequence[float], registry: CollectorRegistry | None = None) -> None:
        self._bounds = sorted(float(b) for b in buckets if b != float("inf"))
        super().__init__(name, documentation, labelnames, registry)

    def _new_child(self) -> HistogramChild:
        return HistogramChild(self._bounds)

    def observe(self, value: float) -> None:
        """Observe into the histogram without labels."""
        self._unlabelled().observe(value)

    def describe(self) -> Iterator[HistogramMetricFamily]:
        yield HistogramMetricFamily(self._name, self._doc, labels=self._labelnames)

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(self._name, self._doc, labels=self._labelnames)
        les = [floatToGoString(b) for b in self._bounds] + ["+Inf"]  # type: ignore[no-untyped-call]
        for values, child in list(self._children.items()):
            running = 0
            buckets: list[tuple[str, float]] = []
            for le, n in zip(les, child.counts, strict=True):
                running += n
                buckets.append((le, running))
            family.add_metric(list(values), buckets, child.sum)
        yield family


class _SummaryChild:
    __slots__ = ("count", "sum")

    def __init__(self) -> None:
        self.count = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.count += 1
        self.sum += value


class LoopSummary(Collector):
    """An unlabelled summary without quantiles (``_count`` and ``_sum``), as client_golang's default."""

    def __init__(self, name: str, documentation: str, *, registry: CollectorRegistry | None = None) -> None:
        self._name = name
        self._doc = documentation
        self._child = _SummaryChild()
        if registry is not None:
            registry.register(self)

    def observe(self, value: float) -> None:
        self._child.observe(value)

    def describe(self) -> Iterator[SummaryMetricFamily]:
        yield SummaryMetricFamily(self._name, self._doc)

    def collect(self) -> Iterator[SummaryMetricFamily]:
        yield SummaryMetricFamily(self._name, self._doc, count_value=self._child.count, sum_value=self._child.sum)
