"""The lock-free families expose exactly what prometheus_client's own would."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Histogram, Summary, generate_latest

from alertmanager.loopmetrics import LoopHistogram, LoopSummary

BUCKETS = (0.05, 0.1, 0.25, 1, 5)
VALUES = (0.0, 0.05, 0.07, 0.1, 0.3, 1.0, 4.99, 5.0, 7.5, 1e9)


def _exposition(build) -> bytes:
    registry = CollectorRegistry(auto_describe=True)
    build(registry)
    return generate_latest(registry)


@pytest.fixture(autouse=True)
def _no_created(monkeypatch: pytest.MonkeyPatch) -> None:
    from prometheus_client import metrics

    monkeypatch.setattr(metrics, "_use_created", False)


def test_histogram_matches_prometheus_client() -> None:
    def theirs(registry: CollectorRegistry) -> None:
        h = Histogram("x_seconds", "Some latencies.", ["handler", "method"], buckets=BUCKETS, registry=registry)
        for v in VALUES:
            h.labels("/a", "get").observe(v)
        h.labels("/b", "post")  # a child never observed still shows its zero buckets

    def ours(registry: CollectorRegistry) -> None:
        h = LoopHistogram("x_seconds", "Some latencies.", ["handler", "method"], buckets=BUCKETS, registry=registry)
        for v in VALUES:
            h.labels("/a", "get").observe(v)
        h.labels("/b", "post")

    assert _exposition(ours) == _exposition(theirs)
    assert b'x_seconds_bucket{handler="/a",le="0.05",method="get"} 2.0' in _exposition(ours)


def test_summary_matches_prometheus_client() -> None:
    def theirs(registry: CollectorRegistry) -> None:
        s = Summary("y_seconds", "Some durations.", registry=registry)
        for v in VALUES:
            s.observe(v)

    def ours(registry: CollectorRegistry) -> None:
        s = LoopSummary("y_seconds", "Some durations.", registry=registry)
        for v in VALUES:
            s.observe(v)

    assert _exposition(ours) == _exposition(theirs)


def test_duplicate_names_are_refused_and_label_counts_checked() -> None:
    registry = CollectorRegistry()
    h = LoopHistogram("z_seconds", "z", ["a"], buckets=BUCKETS, registry=registry)
    with pytest.raises(ValueError):
        LoopSummary("z_seconds", "again", registry=registry)
    with pytest.raises(ValueError):
        h.labels("1", "2")


@pytest.mark.parametrize("values", [VALUES, ()], ids=["observed", "never-observed"])
def test_unlabelled_histogram_matches_prometheus_client(values) -> None:
    def theirs(registry: CollectorRegistry) -> None:
        h = Histogram("q_seconds", "Queries.", buckets=BUCKETS, registry=registry)
        for v in values:
            h.observe(v)

    def ours(registry: CollectorRegistry) -> None:
        h = LoopHistogram("q_seconds", "Queries.", buckets=BUCKETS, registry=registry)
        for v in values:
            h.observe(v)

    assert _exposition(ours) == _exposition(theirs)
    assert b'q_seconds_bucket{le="+Inf"}' in _exposition(ours)
