"""Inhibition rules: sources, targets, equal labels, self-inhibition, resolve, marking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from alertmanager.config.schema import InhibitRuleConfig
from alertmanager.inhibit import Inhibitor
from alertmanager.model.alert import Alert
from alertmanager.model.labels import fingerprint, fingerprint_hex
from alertmanager.model.matchers import Matcher
from alertmanager.store.marker import MemMarker

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def m(name: str, value: str, op: str = "=") -> Matcher:
    return Matcher.create(name, op, value)


def firing(**labels: str) -> Alert:
    return Alert(labels=dict(labels), starts_at=NOW - timedelta(minutes=5), ends_at=NOW + timedelta(minutes=5))


def resolved(**labels: str) -> Alert:
    return Alert(labels=dict(labels), starts_at=NOW - timedelta(minutes=5), ends_at=NOW - timedelta(minutes=1))


CRIT_WARN = InhibitRuleConfig(
    source_matchers=(m("severity", "critical"),),
    target_matchers=(m("severity", "warning"),),
    equal=("cluster", "service"),
)


@pytest.mark.parametrize(
    ("sources", "target", "muted"),
    [
        ([firing(severity="critical", cluster="c1", service="s")], {"severity": "warning", "cluster": "c1",
                                                                   "service": "s"}, True),
        ([firing(severity="critical", cluster="c2", service="s")], {"severity": "warning", "cluster": "c1",
                                                                   "service": "s"}, False),
        ([firing(severity="critical", cluster="c1")], {"severity": "warning", "cluster": "c1"}, True),
        ([firing(severity="critical", cluster="c1")], {"severity": "warning", "cluster": "c1", "service": "x"},
         False),
        ([firing(severity="critical", cluster="c1", service="s")], {"severity": "info", "cluster": "c1",
                                                                   "service": "s"}, False),
        ([resolved(severity="critical", cluster="c1", service="s")], {"severity": "warning", "cluster": "c1",
                                                                     "service": "s"}, False),
        ([firing(severity="page", cluster="c1", service="s")], {"severity": "warning", "cluster": "c1",
                                                                "service": "s"}, False),
        ([], {"severity": "warning"}, False),
    ],
    ids=["equal-labels-match", "equal-label-differs", "missing-equal-labels-are-empty",
         "missing-vs-present", "target-does-not-match", "source-resolved", "not-a-source", "no-sources"],
)
def test_rule_semantics(sources: list[Alert], target: dict[str, str], muted: bool) -> None:
    ih = Inhibitor([CRIT_WARN])
    for a in sources:
        ih.process(a)
    assert ih.mutes(target, NOW) is muted


def test_no_equal_labels_means_any_source_inhibits() -> None:
    ih = Inhibitor([InhibitRuleConfig(source_matchers=(m("a", "1"),), target_matchers=(m("b", "1"),))])
    ih.process(firing(a="1", x="whatever"))
    assert ih.mutes({"b": "1", "y": "z"}, NOW)


def test_alert_never_inhibits_itself() -> None:
    # Source and target sides both match alertname=~"Disk.*": an alert matching both is no source
    # for another alert matching both, and in particular not for itself.
    rule = InhibitRuleConfig(
        source_matchers=(m("alertname", "Disk.*", "=~"),),
        target_matchers=(m("alertname", "Disk.*", "=~"),),
        equal=("instance",),
    )
    ih = Inhibitor([rule])
    me = firing(alertname="DiskFull", instance="i")
    ih.process(me)
    assert not ih.mutes(me.labels, NOW)
    ih.process(firing(alertname="DiskSlow", instance="i"))
    assert not ih.mutes(me.labels, NOW)


def test_two_sided_target_inhibited_by_one_sided_source() -> None:
    rule = InhibitRuleConfig(
        source_matchers=(m("severity", "critical|warning", "=~"),),
        target_matchers=(m("severity", "warning"),),
        equal=("instance",),
    )
    ih = Inhibitor([rule])
    warn = firing(severity="warning", instance="i")
    ih.process(warn)
    assert not ih.mutes(warn.labels, NOW)
    ih.process(firing(severity="critical", instance="i"))
    assert ih.mutes(warn.labels, NOW)


def test_follows_sources_as_they_fire_and_resolve() -> None:
    ih = Inhibitor([CRIT_WARN])
    target = {"severity": "warning", "cluster": "c", "service": "s"}
    assert not ih.mutes(target, NOW)
    ih.process(firing(severity="critical", cluster="c", service="s"))
    assert ih.mutes(target, NOW)
    ih.process(resolved(severity="critical", cluster="c", service="s"))
    assert not ih.mutes(target, NOW)
    ih.process(firing(severity="critical", cluster="c", service="s"))
    assert ih.mutes(target, NOW)
    # A source whose end time passes stops inhibiting without any new update.
    assert not ih.mutes(target, NOW + timedelta(minutes=6))


def test_marks_inhibited_by_source_fingerprint_and_clears() -> None:
    marker = MemMarker()
    ih = Inhibitor([CRIT_WARN], marker=marker)
    src = firing(severity="critical", cluster="c", service="s")
    ih.process(src)
    target = {"severity": "warning", "cluster": "c", "service": "s"}
    assert ih.mutes(target, NOW)
    assert marker.inhibited(fingerprint(target)) == (fingerprint_hex(src.labels),)
    assert marker.status(fingerprint(target))[0] == "suppressed"
    assert not ih.mutes(target, NOW + timedelta(hours=1))
    assert marker.inhibited(fingerprint(target)) == ()


def test_first_matching_rule_wins_and_later_rules_are_checked() -> None:
    other = InhibitRuleConfig(source_matchers=(m("alertname", "NodeDown"),),
                              target_matchers=(m("severity", "warning"),), equal=("node",))
    ih = Inhibitor([CRIT_WARN, other])
    ih.process(firing(alertname="NodeDown", node="n1"))
    assert ih.mutes({"severity": "warning", "node": "n1"}, NOW)
    assert not ih.mutes({"severity": "warning", "node": "n2"}, NOW)


def test_gc_drops_resolved_sources() -> None:
    now = [NOW]
    ih = Inhibitor([CRIT_WARN], clock=lambda: now[0])
    ih.process(firing(severity="critical", cluster="a"))
    ih.process(resolved(severity="critical", cluster="b"))
    assert ih.gc() == 1
    assert ih.rules[0].source_count() == 1
    now[0] = NOW + timedelta(hours=1)
    assert ih.gc() == 1
    assert ih.rules[0].source_count() == 0


def test_sources_indexed_by_equal_values() -> None:
    ih = Inhibitor([CRIT_WARN])
    for i in range(1000):
        ih.process(firing(severity="critical", cluster=f"c{i}", service="s"))
    rule = ih.rules[0]
    assert rule.source_count() == 1000
    assert ih.mutes({"severity": "warning", "cluster": "c7", "service": "s"}, NOW)
    assert not ih.mutes({"severity": "warning", "cluster": "c7", "service": "t"}, NOW)


async def test_run_consumes_a_subscription() -> None:
    ih = Inhibitor([CRIT_WARN])

    async def sub() -> AsyncIterator[Alert]:
        yield firing(severity="critical", cluster="c", service="s")

    await ih.run(sub(), initial=[firing(severity="critical", cluster="d", service="s")])
    assert ih.mutes({"severity": "warning", "cluster": "c", "service": "s"}, NOW)
    assert ih.mutes({"severity": "warning", "cluster": "d", "service": "s"}, NOW)


@pytest.mark.parametrize(
    ("update", "changes"),
    [
        (firing(severity="critical", cluster="c1", service="s"), True),
        (resolved(severity="critical", cluster="c1", service="s"), True),
        (firing(severity="warning", cluster="c1", service="s"), False),
        (firing(severity="info"), False),
    ],
    ids=["new-source", "source-resolves", "target-only", "unrelated"],
)
def test_version_moves_only_with_sources(update: Alert, changes: bool) -> None:
    inh = Inhibitor([CRIT_WARN], marker=MemMarker())
    inh.process(firing(severity="critical", cluster="c0", service="s"))
    before = inh.version
    inh.process(update)
    assert (inh.version != before) is changes


def test_gc_moves_version_only_when_it_drops_sources() -> None:
    inh = Inhibitor([CRIT_WARN], marker=MemMarker(), clock=lambda: NOW)
    inh.process(firing(severity="critical", cluster="c1"))
    before = inh.version
    assert inh.gc() == 0 and inh.version == before
    inh.process(resolved(severity="critical", cluster="c2"))
    before = inh.version
    assert inh.gc() == 1 and inh.version != before


def test_mutes_marks_under_the_given_fingerprint() -> None:
    marker = MemMarker()
    inh = Inhibitor([CRIT_WARN], marker=marker)
    src = firing(severity="critical", cluster="c1")
    inh.process(src)
    labels = {"severity": "warning", "cluster": "c1"}
    assert inh.mutes(labels, NOW, 1234) is True
    assert marker.inhibited(1234) == (src.fingerprint_hex,)
    assert marker.inhibited(fingerprint(labels)) == ()
