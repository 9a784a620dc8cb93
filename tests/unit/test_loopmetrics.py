"""The lock-free families expose exactly what prometheus_client's own would."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, Summary, generate_latest

from alertmanager.loopmetrics import LoopCounter, LoopHistogram, LoopSummary

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


def _count(cls, registry: CollectorRegistry) -> None:
    labelled = cls("n_total", "Things counted.", ["integration", "reason"], registry=registry)
    labelled.labels("webhook", "other").inc()
    labelled.labels("webhook", "other").inc(2.5)
    labelled.labels("slack", "serverError")  # a child never incremented shows its zero
    plain = cls("m_total", "Queries.", registry=registry)
    plain.inc(3)
    cls("never_total", "Never incremented.", registry=registry)


def test_counter_matches_prometheus_client() -> None:
    ours = _exposition(lambda r: _count(LoopCounter, r))
    assert ours == _exposition(lambda r: _count(Counter, r))
    assert b'n_total{integration="webhook",reason="other"} 3.5' in ours
    assert b"never_total 0.0" in ours


def test_counter_refuses_what_prometheus_client_refuses() -> None:
    c = LoopCounter("r_total", "r", ["a"], registry=CollectorRegistry())
    with pytest.raises(ValueError):
        c.labels("1").inc(-1)
    with pytest.raises(ValueError):
        c.labels()
