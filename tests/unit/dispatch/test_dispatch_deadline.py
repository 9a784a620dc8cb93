"""A flush whose integration keeps failing: the retry stage, not the group's hard cancel,
ends it at the deadline, so the failure keeps its reason and the failure line is logged."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from alertmanager.config.schema import RouteConfig
from alertmanager.dispatch import Dispatcher, ManualScheduler, Route
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.metrics import NotifyMetrics
from alertmanager.notify.notifier import Integration, NotifyError
from alertmanager.notify.retry import Backoff, RetryStage

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class Failing:
    """A notifier answering 503 forever."""

    def __init__(self) -> None:
        self.attempts = 0

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        self.attempts += 1
        raise NotifyError("unexpected status code 503", retryable=True, reason="serverError")


def virtual_sleep(sched: ManualScheduler):  # type: ignore[no-untyped-def]
    async def sleep(seconds: float) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sched.call_later(timedelta(seconds=seconds), lambda: done.done() or done.set_result(None))
        await done

    return sleep


async def test_retries_end_at_the_deadline_with_the_last_reason(caplog: pytest.LogCaptureFixture) -> None:
    sched = ManualScheduler(T0)
    registry = CollectorRegistry()
    metrics = NotifyMetrics(registry)
    notifier = Failing()
    retry = RetryStage(Integration("webhook", 0, notifier, True, "team"), metrics=metrics, clock=sched.clock,
                       sleep=virtual_sleep(sched), backoff=Backoff(randomization=0.0), rng=random.Random(1))
    route = Route.from_config(RouteConfig(receiver="team", group_by=("alertname",),  # type: ignore[arg-type]
                                          group_wait=timedelta(0), group_interval=timedelta(seconds=10)))
    d = Dispatcher(route, retry, scheduler=sched)
    d.process(Alert(labels={"alertname": "x"}, starts_at=T0, updated_at=T0))
    with caplog.at_level(logging.ERROR, logger="alertmanager.dispatch.dispatcher"):
        await sched.advance(9.9)
        assert notifier.attempts > 1  # still retrying before the deadline
        await sched.advance(0.1)  # the deadline (flush at 0s + group_interval)
    d.stop()

    def failed(reason: str) -> float:
        value = registry.get_sample_value("alertmanager_notifications_failed_total",
                                          {"integration": "webhook", "reason": reason})
        return value or 0.0

    assert failed("serverError") == 1
    assert failed("contextCanceled") == 0
    lines = [r.getMessage() for r in caplog.records if "Notify for alerts failed" in r.getMessage()]
    assert len(lines) == 1
    assert "notify retry canceled after" in lines[0] and "503" in lines[0]
