from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from notify_helpers import T0, alert, ctx

from alertmanager.notify.dedup import DedupStage, ReceiverKey, hash_alert, needs_update


@dataclass(frozen=True)
class E:
    firing_alerts: frozenset = frozenset()
    resolved_alerts: frozenset = frozenset()
    timestamp: datetime = datetime(1970, 1, 1, tzinfo=UTC)


def test_hash_matches_go():
    # CLUSTER-PROTOCOL.md: verified against Go Alertmanager's hashAlert.
    assert hash_alert({"alertname": "Bar", "job": "x", "a0": "1", "a": "2"}) == 0x2D0C784217471E45


def test_hash_ignores_annotations_and_order():
    assert hash_alert({"b": "1", "a": "2"}) == hash_alert({"a": "2", "b": "1"})
    assert hash_alert({"a": "1"}) != hash_alert({"a": "2"})


MIN = timedelta(minutes=1)

# Upstream's TestDedupStageNeedsUpdate cases, in order, plus the reasons upstream reports.
CASES = [
    ("no-entry-firing", None, {2, 3, 4}, set(), 0, False, "first notification"),
    ("no-entry-only-resolved", None, set(), {2, 3, 4}, 0, False, "none"),
    ("different-firing", E(frozenset({1, 2, 3})), {2, 3, 4}, set(), 0, False, "new alerts added"),
    ("zero-timestamp", E(frozenset({1, 2, 3})), {1, 2, 3}, set(), 0, False, "repeat interval elapsed"),
    ("same-before-repeat", E(frozenset({1, 2, 3}), timestamp=T0 - 9 * MIN), {1, 2, 3}, set(), 10, False, "none"),
    (
        "same-after-repeat",
        E(frozenset({1, 2, 3}), timestamp=T0 - 11 * MIN),
        {1, 2, 3}, set(), 10, False, "repeat interval elapsed",
    ),
    (
        "resolved-only-no-firing-before",
        E(resolved_alerts=frozenset({1, 2, 3}), timestamp=T0 - 11 * MIN),
        set(), {3, 4, 5}, 10, True, "none",
    ),
    (
        "new-resolved-without-send-resolved",
        E(frozenset({1, 2}), frozenset({3}), T0 - 9 * MIN),
        {1}, {2, 3}, 10, False, "none",
    ),
    (
        "new-resolved-with-send-resolved",
        E(frozenset({1, 2}), frozenset({3}), T0 - 9 * MIN),
        {1}, {2, 3}, 10, True, "some alerts resolved",
    ),
    (
        "all-resolved-without-send-resolved",
        E(frozenset({1, 2}), frozenset({3}), T0 - 9 * MIN),
        set(), {1, 2, 3}, 10, False, "all alerts resolved",
    ),
    (
        "all-resolved-with-send-resolved",
        E(frozenset({1, 2}), frozenset({3}), T0 - 9 * MIN),
        set(), {1, 2, 3}, 10, True, "all alerts resolved",
    ),
    # After an all-resolved notification the next firing alert is a first notification again.
    ("refire-after-all-resolved", E(resolved_alerts=frozenset({1}), timestamp=T0), {1}, set(), 10, False,
     "first notification"),
    # A firing subset of what was sent is no reason to notify before repeat_interval.
    ("firing-subset", E(frozenset({1, 2}), timestamp=T0 - MIN), {1}, set(), 10, False, "none"),
]


@pytest.mark.parametrize(
    ("entry", "firing", "resolved", "repeat_min", "send_resolved", "reason"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_needs_update(entry, firing, resolved, repeat_min, send_resolved, reason):
    got = needs_update(
        entry, firing, resolved, send_resolved=send_resolved, repeat_interval=repeat_min * MIN, now=T0
    )
    assert got == reason


class FakeLog:
    def __init__(self, entry=None):
        self.entry = entry
        self.queries = []

    def query(self, group_key, receiver):
        self.queries.append((group_key, receiver))
        return self.entry

    def record(self, *a, **kw):
        raise AssertionError("dedup must not write")


KEY = ReceiverKey("team", "webhook", 1)


async def test_dedup_stage_sets_hashes_and_passes_new_group():
    log = FakeLog()
    firing, resolved = alert("a"), alert("b", resolved=True)
    c, out = await DedupStage(log, KEY, send_resolved=True)(ctx(), [firing, resolved])
    assert out == [firing, resolved]
    assert c.firing_alerts == (hash_alert(firing.labels),)
    assert c.resolved_alerts == (hash_alert(resolved.labels),)
    assert log.queries == [('{}:{alertname="a"}', KEY)]


async def test_dedup_stage_drops_already_sent_group():
    a = alert("a")
    log = FakeLog(E(frozenset({hash_alert(a.labels)}), timestamp=T0 - MIN))
    c, out = await DedupStage(log, KEY, send_resolved=True)(ctx(), [a])
    assert out == []
    assert c.firing_alerts == (hash_alert(a.labels),)  # still recorded for the log
