"""Dispatcher and aggregation groups on virtual time: when flushes happen and what they carry."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry

from alertmanager.config.schema import RouteConfig
from alertmanager.dispatch import AsyncioScheduler, Dispatcher, DispatcherMetrics, ManualScheduler, Route
from alertmanager.dispatch.group import CANCEL_GRACE
from alertmanager.model.alert import Alert
from alertmanager.model.matchers import Matcher
from alertmanager.notify.context import NotifyContext
from alertmanager.store.alerts import Alerts
from alertmanager.store.marker import MemMarker

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S = timedelta(seconds=1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def alert(starts: float = 0, ends: float | None = None, updated: float | None = None, **labels: str) -> Alert:
    return Alert(
        labels=dict(labels),
        starts_at=at(starts),
        ends_at=None if ends is None else at(ends),
        updated_at=at(starts if updated is None else updated),
    )


@dataclass
class Recorder:
    """A pipeline stub recording each flush (virtual time, context, alerts)."""

    sched: ManualScheduler
    calls: list[tuple[datetime, NotifyContext, list[Alert]]] = field(default_factory=list)
    fail: bool = False

    async def __call__(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[NotifyContext, list[Alert]]:
        self.calls.append((self.sched.now(), ctx, list(alerts)))
        if self.fail:
            raise RuntimeError("receiver down")
        return ctx, list(alerts)

    def times(self) -> list[float]:
        return [(t - T0).total_seconds() for t, _, _ in self.calls]


def tree(**root: object) -> Route:
    kw: dict[str, object] = {"receiver": "default", "group_by": ("alertname",)}
    kw.update(root)
    return Route.from_config(RouteConfig(**kw))  # type: ignore[arg-type]


def setup(route: Route | None = None) -> tuple[ManualScheduler, Recorder, Dispatcher]:
    sched = ManualScheduler(T0)
    rec = Recorder(sched)
    return sched, rec, Dispatcher(route or tree(), rec, scheduler=sched)


async def test_first_flush_after_group_wait_with_full_context() -> None:
    sched, rec, d = setup()
    d.process(alert(alertname="x", instance="1"))
    await sched.advance(29.9)
    assert rec.calls == []
    await sched.advance(0.1)
    assert rec.times() == [30.0]
    _, ctx, alerts = rec.calls[0]
    assert ctx.group_key == '{}:{alertname="x"}'
    assert ctx.receiver == "default"
    assert ctx.group_labels == {"alertname": "x"}
    assert ctx.now == at(30)
    assert ctx.repeat_interval == timedelta(hours=4)
    assert ctx.route_id == "{}"
    assert ctx.deadline == at(30) + timedelta(minutes=5)
    assert [a.labels for a in alerts] == [{"alertname": "x", "instance": "1"}]


async def test_alerts_arriving_during_group_wait_join_the_first_flush() -> None:
    sched, rec, d = setup()
    d.process(alert(alertname="x", instance="1"))
    await sched.advance(10)
    d.process(alert(starts=10, alertname="x", instance="2"))
    await sched.advance(20)
    assert rec.times() == [30.0]
    assert [a.labels["instance"] for a in rec.calls[0][2]] == ["1", "2"]


async def test_then_every_group_interval() -> None:
    sched, rec, d = setup(tree(group_interval=timedelta(minutes=1)))
    d.process(alert(alertname="x"))
    await sched.advance(60)
    d.process(alert(starts=60, alertname="x", instance="2"))
    await sched.advance(29)
    assert rec.times() == [30.0]
    await sched.advance(1)
    assert rec.times() == [30.0, 90.0]
    assert len(rec.calls[1][2]) == 2
    await sched.advance(120)
    assert rec.times() == [30.0, 90.0, 150.0, 210.0]


async def test_alert_older_than_group_wait_flushes_at_once() -> None:
    sched = ManualScheduler(at(100))
    rec = Recorder(sched)
    d = Dispatcher(tree(), rec, scheduler=sched)
    d.process(alert(starts=0, alertname="x"))
    await sched.advance(0)
    assert rec.times() == [100.0]


async def test_repeat_interval_governed_by_pipeline_dedup() -> None:
    sched = ManualScheduler(T0)
    sent: list[float] = []
    last: dict[str, tuple[datetime, frozenset[int]]] = {}

    async def dedup_and_send(ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[NotifyContext, list[Alert]]:
        # What the nflog-backed dedup stage decides: new firing set, or repeat_interval elapsed.
        firing = frozenset(a.fingerprint for a in alerts if not a.resolved(ctx.now))
        prev = last.get(ctx.group_key)
        if prev is None or prev[1] != firing or ctx.now - prev[0] >= ctx.repeat_interval:
            last[ctx.group_key] = (ctx.now, firing)
            sent.append((ctx.now - T0).total_seconds())
        return ctx, list(alerts)

    route = tree(group_interval=timedelta(minutes=1), repeat_interval=timedelta(minutes=3))
    d = Dispatcher(route, dedup_and_send, scheduler=sched)
    d.process(alert(alertname="x"))
    await sched.advance(timedelta(minutes=8))
    assert sent == [30.0, 210.0, 390.0]


async def test_firing_alert_is_flushed_without_its_end_time() -> None:
    sched, rec, d = setup()
    d.process(alert(ends=600, alertname="x"))
    await sched.advance(30)
    assert rec.calls[0][2][0].ends_at is None
    assert d.aggregation_groups()[0].alerts[rec.calls[0][2][0].fingerprint].ends_at == at(600)


async def test_resolved_alert_removed_after_successful_flush_and_group_destroyed() -> None:
    sched, rec, d = setup(tree(group_interval=timedelta(minutes=1)))
    d.process(alert(alertname="x"))
    await sched.advance(30)
    d.process(alert(ends=40, updated=40, alertname="x"))
    await sched.advance(60)
    assert rec.times() == [30.0, 90.0]
    assert rec.calls[1][2][0].ends_at == at(40)
    assert d.group_count == 0 and d.aggregation_groups() == []
    await sched.advance(600)
    assert rec.times() == [30.0, 90.0]
    # A new alert makes a new group with a fresh group_wait.
    d.process(alert(starts=700, alertname="x"))
    await sched.advance(29)
    assert len(rec.calls) == 2
    await sched.advance(1)
    assert rec.times()[-1] == 720.0


async def test_resolved_alert_kept_when_pipeline_fails() -> None:
    sched, rec, d = setup(tree(group_interval=timedelta(minutes=1)))
    d.process(alert(ends=10, alertname="x"))
    rec.fail = True
    await sched.advance(30)
    assert d.group_count == 1
    rec.fail = False
    await sched.advance(60)
    assert rec.times() == [30.0, 90.0]
    assert d.group_count == 0


async def test_alert_refiring_during_flush_is_kept() -> None:
    sched = ManualScheduler(T0)
    d: Dispatcher

    async def refire(ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[NotifyContext, list[Alert]]:
        d.process(alert(starts=30, updated=30, alertname="x"))
        return ctx, list(alerts)

    d = Dispatcher(tree(), refire, scheduler=sched)
    d.process(alert(ends=5, updated=5, alertname="x"))
    await sched.advance(30)
    assert d.group_count == 1
    [ag] = d.aggregation_groups()
    assert list(ag.alerts.values())[0].ends_at is None


async def test_group_by_splits_and_continue_duplicates_groups() -> None:
    route = Route.from_config(
        RouteConfig(
            receiver="default",
            group_by=("alertname",),
            routes=(
                RouteConfig(matchers=(Matcher.create("team", "=", "a"),), receiver="a", continue_=True),
                RouteConfig(receiver="b", group_by=("team",)),
            ),
        )
    )
    sched, rec, d = setup(route)
    d.process(alert(alertname="x", team="a"))
    d.process(alert(alertname="y", team="a"))
    await sched.advance(30)
    keys = sorted(c[1].group_key for c in rec.calls)
    assert keys == [
        '{}/{team="a"}:{alertname="x"}',
        '{}/{team="a"}:{alertname="y"}',
        '{}/{}:{team="a"}',
    ]
    assert {c[1].route_id for c in rec.calls} == {'{}/{team="a"}/0', "{}/{}/1"}
    assert d.group_count == 3


async def test_groups_for_the_api() -> None:
    route = Route.from_config(
        RouteConfig(
            receiver="default",
            group_by=("alertname",),
            routes=(
                RouteConfig(matchers=(Matcher.create("team", "=", "a"),), receiver="a", continue_=True),
                RouteConfig(receiver="default"),
            ),
        )
    )
    sched, _, d = setup(route)
    d.process(alert(alertname="y", team="a", instance="2"))
    d.process(alert(alertname="y", team="a", instance="1"))
    d.process(alert(alertname="x", team="b"))
    groups, receivers = d.groups()
    assert [(g.labels, g.receiver) for g in groups] == [
        ({"alertname": "x"}, "default"),
        ({"alertname": "y"}, "a"),
        ({"alertname": "y"}, "default"),
    ]
    assert [a.labels["instance"] for a in groups[1].alerts] == ["1", "2"]
    fp = groups[1].alerts[0].fingerprint
    assert receivers[fp] == ["a", "default"]
    assert groups[1].group_key == '{}/{team="a"}:{alertname="y"}'

    only_a, _ = d.groups(route_filter=lambda r: r.receiver == "a")
    assert [g.receiver for g in only_a] == ["a"]
    no_inst1, _ = d.groups(alert_filter=lambda a, now: a.labels.get("instance") != "1")
    assert [len(g.alerts) for g in no_inst1] == [1, 1, 1]
    none, recv = d.groups(alert_filter=lambda a, now: False)
    assert none == [] and recv == {}


async def test_reload_stops_old_timers_and_new_tree_restarts_them() -> None:
    sched, rec, old = setup(tree(group_interval=timedelta(minutes=1)))
    a = alert(alertname="x")
    old.process(a)
    await sched.advance(45)
    old.stop()
    assert old.group_count == 0
    new_route = tree(receiver="other", group_interval=timedelta(minutes=1))
    new = Dispatcher(new_route, rec, scheduler=sched)
    new.process(a)
    await sched.advance(0)
    # The alert is older than group_wait: the new group flushes at once (the nflog dedups).
    assert rec.times() == [30.0, 45.0]
    assert rec.calls[1][1].receiver == "other"
    await sched.advance(60)
    assert rec.times() == [30.0, 45.0, 105.0]
    assert all(c[1].receiver == "other" for c in rec.calls[1:])
    old.process(alert(alertname="late"))
    assert old.group_count == 0


async def test_flush_cancelled_at_deadline_counts_as_failure() -> None:
    sched = ManualScheduler(T0)
    started: list[datetime] = []
    never = asyncio.Event()

    async def stuck(ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[NotifyContext, list[Alert]]:
        started.append(ctx.now)
        await never.wait()
        return ctx, list(alerts)

    d = Dispatcher(tree(group_interval=timedelta(minutes=1)), stuck, scheduler=sched)
    d.process(alert(ends=1, alertname="x"))
    await sched.advance(30)
    assert started == [at(30)]
    await sched.advance(60)
    assert started == [at(30)]  # past its deadline (90s) but within the grace: still running
    await sched.advance(CANCEL_GRACE)
    # Cancelled at 91s (deadline + grace), not deleted though resolved; the 90s flush ran next.
    assert started == [at(30), at(90)]
    assert d.group_count == 1
    d.stop()


async def test_flushes_never_overlap() -> None:
    sched = ManualScheduler(T0)
    release = asyncio.Event()
    running = 0
    peak = 0
    seen: list[datetime] = []

    async def slow(ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[NotifyContext, list[Alert]]:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        seen.append(ctx.now)
        await release.wait()
        running -= 1
        return ctx, list(alerts)

    d = Dispatcher(
        tree(group_interval=timedelta(minutes=1)),
        slow,
        scheduler=sched,
        timeout=lambda gi: gi * 10,
    )
    d.process(alert(alertname="x"))
    await sched.advance(100)
    assert seen == [at(30)]
    release.set()
    await sched.advance(0)
    assert peak == 1
    assert seen == [at(30), at(90)]
    d.stop()


async def test_metrics() -> None:
    registry = CollectorRegistry()
    sched = ManualScheduler(T0)
    rec = Recorder(sched)
    d = Dispatcher(tree(), rec, scheduler=sched, metrics=DispatcherMetrics(registry))
    d.process(alert(alertname="x"))
    d.process(alert(alertname="y"))
    d.process(alert(alertname="y", instance="2"))
    assert registry.get_sample_value("alertmanager_dispatcher_aggregation_groups") == 2
    assert registry.get_sample_value("alertmanager_dispatcher_alert_processing_duration_seconds_count") == 3
    d.stop()
    assert registry.get_sample_value("alertmanager_dispatcher_aggregation_groups") == 0


async def test_following_a_store_routes_what_it_holds_then_each_put() -> None:
    sched, rec, d = setup()
    store = Alerts(clock=sched.clock, marker=MemMarker())
    store.put(alert(alertname="z"))
    unfollow = store.follow(d.process)
    assert d.group_count == 1
    store.put(alert(alertname="x"), alert(alertname="y"))
    assert d.group_count == 3  # routed inside put, before it returned
    await sched.advance(30)
    assert sorted(c[1].group_labels["alertname"] for c in rec.calls) == ["x", "y", "z"]
    unfollow()
    store.put(alert(alertname="after"))
    assert d.group_count == 3


async def test_a_stopped_dispatcher_ignores_alerts() -> None:
    sched, rec, d = setup()
    store = Alerts(clock=sched.clock, marker=MemMarker())
    store.follow(d.process)
    store.put(alert(alertname="x"))
    d.stop()
    assert d.group_count == 0
    store.put(alert(alertname="y"))
    await sched.advance(60)
    assert d.group_count == 0 and rec.calls == []


async def test_route_options_reach_the_context() -> None:
    route = Route.from_config(
        RouteConfig(
            receiver="default",
            labels={"team": "core"},
            routes=(
                RouteConfig(
                    matchers=(Matcher.create("a", "=", "1"),),
                    receiver="child",
                    repeat_interval=timedelta(minutes=7),
                    mute_time_intervals=("night",),
                    active_time_intervals=("office",),
                    labels={"tier": "1"},
                ),
            ),
        )
    )
    sched, rec, d = setup(route)
    d.process(alert(a="1"))
    await sched.advance(30)
    ctx = rec.calls[0][1]
    assert (ctx.receiver, ctx.repeat_interval) == ("child", timedelta(minutes=7))
    assert (ctx.mute_time_intervals, ctx.active_time_intervals) == (("night",), ("office",))
    assert ctx.route_labels == {"team": "core", "tier": "1"}
    assert ctx.group_key == '{}/{a="1"}:{}'


async def test_asyncio_scheduler_runs_callbacks_and_tasks() -> None:
    sched = AsyncioScheduler(lambda: T0)
    assert sched.now() == T0
    fired = asyncio.Event()
    cancelled: list[str] = []
    handle = sched.call_later(timedelta(0), lambda: cancelled.append("should not run"))
    handle.cancel()
    sched.call_later(timedelta(-1), fired.set)
    await asyncio.wait_for(fired.wait(), timeout=5)
    done: list[int] = []

    async def work() -> None:
        done.append(1)

    await sched.spawn(work())
    assert done == [1] and cancelled == []


async def test_a_group_due_at_once_starts_its_flush_while_the_alert_is_processed() -> None:
    """group_wait 0 (or an alert already older than it): the flush task exists when ``process``
    returns, so it runs before anything queued after, e.g. the answer to the POST."""
    sched = AsyncioScheduler(lambda: at(0))
    calls: list[str] = []

    async def pipeline(ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[NotifyContext, list[Alert]]:
        calls.append(ctx.group_labels["alertname"])
        return ctx, list(alerts)

    d = Dispatcher(tree(group_wait=timedelta(0)), pipeline, scheduler=sched)
    d.process(alert(alertname="now"))
    later: list[str] = []
    asyncio.get_running_loop().call_soon(lambda: later.append(f"after flush: {calls == ['now']}"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert calls == ["now"] and later == ["after flush: True"]
    d.stop()


async def test_manual_scheduler_defers_work_due_now_to_the_next_advance() -> None:
    sched, rec, d = setup(tree(group_wait=timedelta(0)))
    d.process(alert(alertname="now"))
    await sched.settle()
    assert rec.calls == []
    await sched.advance(0)
    assert rec.times() == [0.0]
