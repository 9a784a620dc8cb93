import random
from datetime import timedelta

import pytest
from notify_helpers import T0, Recorder, alert, ctx

from alertmanager.notify.notifier import Integration, NotifyError
from alertmanager.notify.retry import Backoff, RetryStage

NO_JITTER = Backoff(randomization=0.0)


def stage(notifier, metrics, clock, sleep, *, send_resolved=True, backoff=NO_JITTER):
    integ = Integration("webhook", 0, notifier, send_resolved, "team")
    return RetryStage(integ, metrics=metrics, clock=clock, sleep=sleep, backoff=backoff, rng=random.Random(1))


def v(registry, name, **labels):
    return registry.get_sample_value(name, labels) or 0.0


def retryable(msg="unexpected status code 503"):
    return NotifyError(msg, retryable=True, reason="serverError")


async def test_success_first_time(metrics, registry, clock, sleep):
    rec = Recorder()
    c, out = await stage(rec, metrics, clock, sleep)(ctx(firing_alerts=(1,)), [alert("a")])
    assert rec.calls == [["a"]] and len(out) == 1 and sleep.calls == []
    assert v(registry, "alertmanager_notifications_total", integration="webhook") == 1
    assert v(registry, "alertmanager_notification_requests_total", integration="webhook") == 1
    assert v(registry, "alertmanager_notification_requests_failed_total", integration="webhook") == 0


async def test_retries_with_exponential_backoff_until_success(metrics, registry, clock, sleep):
    rec = Recorder(errors=[retryable(), retryable(), retryable()])
    await stage(rec, metrics, clock, sleep)(ctx(firing_alerts=(1,)), [alert("a")])
    assert len(rec.calls) == 4
    assert sleep.calls == pytest.approx([0.5, 0.75, 1.125])
    assert v(registry, "alertmanager_notification_requests_total", integration="webhook") == 4
    assert v(registry, "alertmanager_notification_requests_failed_total", integration="webhook") == 3
    assert v(registry, "alertmanager_notifications_failed_total", integration="webhook", reason="serverError") == 0


async def test_backoff_is_capped_and_jittered():
    delays = Backoff(initial=10, multiplier=10, max_interval=60, randomization=0.5).delays(random.Random(7))
    got = [next(delays) for _ in range(4)]
    assert 5 <= got[0] <= 15
    assert all(30 <= d <= 90 for d in got[2:])


async def test_non_retryable_error_stops_at_once(metrics, registry, clock, sleep):
    rec = Recorder(errors=[NotifyError("unexpected status code 400: bad", retryable=False, reason="clientError")])
    with pytest.raises(NotifyError) as info:
        await stage(rec, metrics, clock, sleep)(ctx(firing_alerts=(1,)), [alert("a")])
    assert len(rec.calls) == 1 and sleep.calls == []
    assert "team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts" in str(info.value)
    assert info.value.reason == "clientError"
    assert v(registry, "alertmanager_notifications_failed_total", integration="webhook", reason="clientError") == 1


async def test_retries_stop_at_the_deadline_with_the_last_error(metrics, registry, clock, sleep):
    rec = Recorder(errors=[retryable() for _ in range(100)])
    c = ctx(firing_alerts=(1,), deadline=T0 + timedelta(seconds=5))
    with pytest.raises(NotifyError) as info:
        await stage(rec, metrics, clock, sleep)(c, [alert("a")])
    assert clock.now == T0 + timedelta(seconds=5)  # the last pause was cut to the deadline
    assert sum(sleep.calls) == pytest.approx(5.0)
    assert "notify retry canceled after" in str(info.value) and "503" in str(info.value)
    assert info.value.reason == "serverError"
    assert v(registry, "alertmanager_notifications_failed_total", integration="webhook", reason="serverError") == 1


async def test_deadline_already_passed_means_no_attempt(metrics, registry, clock, sleep):
    rec = Recorder()
    with pytest.raises(NotifyError) as info:
        await stage(rec, metrics, clock, sleep)(ctx(firing_alerts=(1,), deadline=T0), [alert("a")])
    assert rec.calls == [] and info.value.reason == "contextDeadlineExceeded"


async def test_without_send_resolved_only_firing_alerts_are_sent(metrics, clock, sleep):
    rec = Recorder()
    await stage(rec, metrics, clock, sleep, send_resolved=False)(
        ctx(firing_alerts=(1,), resolved_alerts=(2,)), [alert("a"), alert("b", resolved=True)]
    )
    assert rec.calls == [["a"]]


async def test_without_send_resolved_all_resolved_is_success_without_request(metrics, registry, clock, sleep):
    rec = Recorder()
    c, out = await stage(rec, metrics, clock, sleep, send_resolved=False)(
        ctx(resolved_alerts=(2,)), [alert("b", resolved=True)]
    )
    assert rec.calls == [] and len(out) == 1  # passed on, so the nflog records it
    assert v(registry, "alertmanager_notification_requests_total", integration="webhook") == 0


async def test_a_notifier_bug_is_a_non_retryable_failure(metrics, registry, clock, sleep):
    rec = Recorder(errors=[KeyError("oops")])
    with pytest.raises(NotifyError) as info:
        await stage(rec, metrics, clock, sleep)(ctx(firing_alerts=(1,)), [alert("a")])
    assert info.value.reason == "other" and len(rec.calls) == 1


async def test_cancellation_is_counted_as_context_canceled(metrics, registry, clock, sleep):
    import asyncio

    started = asyncio.Event()

    class Hang:
        async def notify(self, ctx, alerts):
            started.set()
            await asyncio.Event().wait()

    task = asyncio.ensure_future(stage(Hang(), metrics, clock, sleep)(ctx(firing_alerts=(1,)), [alert("a")]))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert v(registry, "alertmanager_notifications_failed_total", integration="webhook", reason="contextCanceled") == 1
