import asyncio

import pytest
from notify_helpers import alert, ctx

from alertmanager.notify.stage import Fanout, Multi, Routing


def appender(log, tag, keep=None):
    async def stage(c, alerts):
        log.append(tag)
        return c, list(alerts if keep is None else alerts[:keep])

    return stage


async def test_multi_runs_stages_in_order():
    log = []
    c, out = await Multi(appender(log, 1), appender(log, 2), appender(log, 3))(ctx(), [alert("a")])
    assert log == [1, 2, 3]
    assert [a.labels["alertname"] for a in out] == ["a"]


async def test_multi_stops_when_no_alerts_remain():
    log = []
    _, out = await Multi(appender(log, 1, keep=0), appender(log, 2))(ctx(), [alert("a")])
    assert log == [1]
    assert out == []


async def test_multi_passes_the_derived_context_on():
    import dataclasses

    async def set_integration(c, alerts):
        return dataclasses.replace(c, integration="webhook[0]"), list(alerts)

    seen = []

    async def read(c, alerts):
        seen.append(c.integration)
        return c, list(alerts)

    await Multi(set_integration, read)(ctx(), [alert("a")])
    assert seen == ["webhook[0]"]


async def test_fanout_runs_all_concurrently():
    started = []
    release = asyncio.Event()

    def waiter(tag):
        async def stage(c, alerts):
            started.append(tag)
            await release.wait()
            return c, list(alerts)

        return stage

    task = asyncio.ensure_future(Fanout(waiter("a"), waiter("b"))(ctx(), [alert("x")]))
    while len(started) < 2:  # both run before either finishes
        await asyncio.sleep(0)
    release.set()
    _, out = await task
    assert sorted(started) == ["a", "b"] and len(out) == 1


async def test_fanout_failure_does_not_cancel_siblings():
    finished = []
    release = asyncio.Event()

    async def failing(c, alerts):
        raise RuntimeError("slack down")

    async def slow(c, alerts):
        await release.wait()
        finished.append("pagerduty")
        return c, list(alerts)

    async def also_failing(c, alerts):
        await asyncio.sleep(0)
        release.set()
        raise ValueError("email down")

    with pytest.raises(ExceptionGroup) as info:
        await Fanout(failing, slow, also_failing)(ctx(), [alert("x")])
    assert finished == ["pagerduty"]
    assert sorted(type(e).__name__ for e in info.value.exceptions) == ["RuntimeError", "ValueError"]


async def test_routing_picks_the_receivers_stage():
    log = []
    routing = Routing({"team": appender(log, "team"), "other": appender(log, "other")})
    await routing(ctx(receiver="other"), [alert("a")])
    assert log == ["other"]


async def test_routing_unknown_receiver_fails():
    with pytest.raises(LookupError, match="nobody"):
        await Routing({})(ctx(receiver="nobody"), [alert("a")])


async def test_fanout_of_one_runs_inline_and_reports_like_many():
    async def failing(c, alerts):
        raise RuntimeError("webhook down")

    async def ok(c, alerts):
        return c, []  # a stage's narrowing does not change what a fanout passes on

    task = asyncio.current_task()
    seen = []

    async def where(c, alerts):
        seen.append(asyncio.current_task())
        return c, list(alerts)

    _, out = await Fanout(ok)(ctx(), [alert("x")])
    assert [a.labels["alertname"] for a in out] == ["x"]
    await Fanout(where)(ctx(), [alert("x")])
    assert seen == [task]  # no task started for a single stage
    with pytest.raises(ExceptionGroup) as info:
        await Fanout(failing)(ctx(), [alert("x")])
    assert str(info.value).startswith("1 of 1 stages failed: webhook down")
    assert [type(e) for e in info.value.exceptions] == [RuntimeError]
