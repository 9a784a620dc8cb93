"""Broadcast queue retransmit limits and Lifeguard suspicion/awareness arithmetic."""

import pytest

from cluster.memberlist.queue import BroadcastQueue, retransmit_limit
from cluster.memberlist.suspicion import Awareness, Suspicion, suspicion_timeout


@pytest.mark.parametrize(("n", "want"), [(1, 4), (3, 4), (9, 4), (10, 8), (100, 12)], ids=str)
def test_retransmit_limit(n, want):
    assert retransmit_limit(4, n) == want


def test_each_message_sent_limit_times_then_dropped():
    q = BroadcastQueue(2, lambda: 3)  # limit 2 * ceil(log10 4) = 2
    q.queue(b"a")
    assert q.get(0, 100) == [b"a"]
    assert q.get(0, 100) == [b"a"]
    assert q.get(0, 100) == []


def test_least_sent_then_largest_first_and_size_limit():
    q = BroadcastQueue(4, lambda: 3)
    q.queue(b"small")
    assert q.get(0, 100) == [b"small"]
    q.queue(b"bigger-message")
    q.queue(b"mid-msg")
    assert q.get(2, 20) == [b"bigger-message"]  # 14+2 fits, then 7+2 does not
    assert q.get(2, 100) == [b"mid-msg", b"bigger-message", b"small"]


def test_named_messages_invalidate_older_ones():
    done = []
    q = BroadcastQueue(4, lambda: 3)
    q.queue(b"alive-1", name="n1", on_done=lambda: done.append(1))
    q.queue(b"user")
    q.queue(b"user")
    q.queue(b"suspect-1", name="n1")
    assert done == [1]
    assert sorted(q.get(0, 1000)) == [b"suspect-1", b"user", b"user"]


def test_prune_keeps_newest():
    q = BroadcastQueue(4, lambda: 3)
    for i in range(10):
        q.queue(bytes([i]))
    assert q.prune(4) == 6
    assert sorted(q.get(0, 100)) == [bytes([i]) for i in range(6, 10)]


@pytest.mark.parametrize(
    ("n", "want"), [(1, 4.0), (3, 4.0), (10, 4.0), (100, 8.0), (1000, 12.0)], ids=str
)
def test_suspicion_timeout_scales_with_log10(n, want):
    assert suspicion_timeout(4, n, 1.0) == want


def test_suspicion_confirmations_shorten_timeout():
    s = Suspicion("a", k=2, min_s=4.0, max_s=24.0, start=100.0)
    assert s.deadline == 124.0
    assert not s.confirm("a")  # the accuser does not count twice
    assert s.confirm("b")
    assert 104.0 < s.deadline < 124.0
    assert s.confirm("c")
    assert s.deadline == 104.0
    assert not s.confirm("d")  # k reached


def test_suspicion_without_confirmations_needed_uses_min():
    assert Suspicion("a", k=0, min_s=4.0, max_s=24.0, start=0.0).deadline == 4.0


def test_awareness_bounds_and_scaling():
    a = Awareness(8)
    a.apply_delta(-1)
    assert a.score == 0
    a.apply_delta(20)
    assert a.score == 7
    assert a.scale(0.5) == 4.0
