import json
from datetime import timedelta

import httpx
import pytest
from notify_helpers import T0, Recorder, alert, ctx
from prometheus_client import CollectorRegistry

from alertmanager.config.values import SecretTemplateURL
from alertmanager.nflog import NotificationLog
from alertmanager.notify.dedup import DedupStage
from alertmanager.notify.mute import MuteStage
from alertmanager.notify.notifier import Integration, NotifierDeps
from alertmanager.notify.pipeline import IntegrationTag, build_pipeline
from alertmanager.notify.retry import RetryStage
from alertmanager.notify.setnotifies import SetNotifiesStage
from alertmanager.notify.stage import Fanout, Multi
from alertmanager.notify.timemute import TimeActiveStage, TimeMuteStage
from alertmanager.notify.wait import GossipSettleStage, WaitStage
from receivers.webhook import WebhookConfig, WebhookNotifier


class LabelMuter:
    def __init__(self, name, key, calls):
        self.name, self.key, self.calls = name, key, calls

    def mutes(self, labels, now, fp=None):
        self.calls.append((self.name, labels["alertname"]))
        return self.key in labels


class Sink:
    def __init__(self, status=200):
        self.status = status
        self.bodies = []

    def __call__(self, request):
        self.bodies.append(json.loads(request.content))
        return httpx.Response(self.status)


def webhook(sink, index=0, **conf):
    n = WebhookNotifier(WebhookConfig(url=SecretTemplateURL(f"http://hook/{index}"), **conf),
                        NotifierDeps(transport=httpx.MockTransport(sink)))
    return Integration("webhook", index, n, True, "team")


@pytest.fixture
def nflog(clock):
    return NotificationLog(clock=clock, retention=timedelta(hours=120), storage_dir=None,
                           registry=CollectorRegistry())


def build(receivers, clock, sleep, metrics, nflog, calls=None, **kw):
    calls = [] if calls is None else calls
    return build_pipeline(
        receivers,
        inhibitor=LabelMuter("inhibit", "inhibited", calls),
        silencer=LabelMuter("silence", "silenced", calls),
        time_intervals={},
        nflog=nflog,
        metrics=metrics,
        clock=clock,
        sleep=sleep,
        **kw,
    )


def test_stage_order(clock, sleep, metrics, nflog):
    pipeline = build({"team": [webhook(Sink())]}, clock, sleep, metrics, nflog)
    top = pipeline.routes["team"]
    assert [type(s) for s in top.stages] == [
        GossipSettleStage, MuteStage, TimeActiveStage, TimeMuteStage, MuteStage, Fanout
    ]
    assert [s.reason for s in top.stages if isinstance(s, MuteStage)] == ["inhibition", "silence"]
    (per_integration,) = top.stages[-1].stages
    assert isinstance(per_integration, Multi)
    assert [type(s) for s in per_integration.stages] == [
        IntegrationTag, WaitStage, DedupStage, RetryStage, SetNotifiesStage
    ]


async def test_inhibition_runs_before_silences(clock, sleep, metrics, nflog):
    calls = []
    sink = Sink()
    pipeline = build({"team": [webhook(sink)]}, clock, sleep, metrics, nflog, calls)
    alerts = [alert("i", inhibited="1", silenced="1"), alert("s", silenced="1"), alert("ok")]
    await pipeline(ctx(), alerts)
    assert calls == [("inhibit", "i"), ("inhibit", "s"), ("inhibit", "ok"), ("silence", "s"), ("silence", "ok")]
    assert [a["labels"]["alertname"] for a in sink.bodies[0]["alerts"]] == ["ok"]


async def test_dedup_repeat_and_resolve_through_the_nflog(clock, sleep, metrics, nflog):
    sink = Sink()
    pipeline = build({"team": [webhook(sink)]}, clock, sleep, metrics, nflog)
    a, b = alert("a"), alert("b")

    async def flush(*alerts):
        await pipeline(ctx(now=clock()), list(alerts))
        return len(sink.bodies)

    assert await flush(a) == 1  # first notification
    clock.advance(timedelta(minutes=1))
    assert await flush(a) == 1  # nothing new
    clock.advance(timedelta(minutes=1))
    assert await flush(a, b) == 2  # new alert in group
    clock.advance(timedelta(hours=4, minutes=1))
    assert await flush(a, b) == 3  # repeat_interval elapsed
    clock.advance(timedelta(minutes=1))
    b_resolved = alert("b", resolved=True, now=clock())
    assert await flush(a, b_resolved) == 4  # send_resolved
    assert sink.bodies[-1]["alerts"][1]["status"] == "resolved"
    clock.advance(timedelta(minutes=1))
    assert await flush(a, b_resolved) == 4


async def test_one_failing_integration_does_not_stop_the_other(clock, sleep, metrics, nflog):
    good, bad = Sink(), Sink(status=400)
    pipeline = build({"team": [webhook(good, 0), webhook(bad, 1)]}, clock, sleep, metrics, nflog)
    with pytest.raises(ExceptionGroup):
        await pipeline(ctx(), [alert("a")])
    assert len(good.bodies) == 1 and len(bad.bodies) == 1
    key = '{}:{alertname="a"}'
    from alertmanager.notify.dedup import ReceiverKey

    assert nflog.query(key, ReceiverKey("team", "webhook", 0)) is not None
    assert nflog.query(key, ReceiverKey("team", "webhook", 1)) is None  # not logged: will retry next flush


async def test_peer_position_delays_the_send(clock, sleep, metrics, nflog):
    rec = Recorder()
    integ = Integration("webhook", 0, rec, True, "team")
    pipeline = build({"team": [integ]}, clock, sleep, metrics, nflog,
                     position=lambda: 1, peer_timeout=timedelta(seconds=15))
    await pipeline(ctx(), [alert("a")])
    assert sleep.calls == [15.0] and rec.calls == [["a"]]


async def test_metrics_are_initialised_for_every_integration(metrics, registry):
    for integ in ("webhook", "email", "slack", "pagerduty", "sns", "msteams"):
        assert registry.get_sample_value("alertmanager_notifications_total", {"integration": integ}) == 0
        for reason in ("other", "clientError", "serverError", "contextCanceled", "contextDeadlineExceeded",
                       "authError", "rateLimited"):
            labels = {"integration": integ, "reason": reason}
            assert registry.get_sample_value("alertmanager_notifications_failed_total", labels) == 0
        assert registry.get_sample_value("alertmanager_notification_requests_total", {"integration": integ}) == 0
        assert registry.get_sample_value(
            "alertmanager_notification_requests_failed_total", {"integration": integ}) == 0
        assert registry.get_sample_value(
            "alertmanager_notification_latency_seconds_count", {"integration": integ}) == 0


async def test_time_mute_in_the_pipeline(clock, sleep, metrics, nflog):
    class Always:
        def contains(self, t):
            return t == T0

    rec = Recorder()
    pipeline = build_pipeline(
        {"team": [Integration("webhook", 0, rec, True, "team")]},
        inhibitor=LabelMuter("i", "x", []), silencer=LabelMuter("s", "x", []),
        time_intervals={"weekend": [Always()]}, nflog=nflog, metrics=metrics, clock=clock, sleep=sleep,
    )
    await pipeline(ctx(mute_time_intervals=("weekend",)), [alert("a")])
    assert rec.calls == []
    await pipeline(ctx(now=T0 + timedelta(seconds=1), mute_time_intervals=("weekend",)), [alert("a")])
    assert rec.calls == [["a"]]


async def test_restart_does_not_resend_within_repeat_interval(clock, sleep, metrics, tmp_path):
    def fresh():
        log = NotificationLog(clock=clock, retention=timedelta(hours=120), storage_dir=tmp_path,
                              registry=CollectorRegistry())
        return log, build({"team": [webhook(sink)]}, clock, sleep, NotifyMetrics(CollectorRegistry()), log)

    from alertmanager.notify.metrics import NotifyMetrics

    sink = Sink()
    _, pipeline = fresh()
    await pipeline(ctx(now=clock()), [alert("a")])
    clock.advance(timedelta(hours=1))
    _, restarted = fresh()  # the old log was never closed: as after a crash
    await restarted(ctx(now=clock()), [alert("a")])
    assert len(sink.bodies) == 1
    clock.advance(timedelta(hours=3, minutes=1))
    await restarted(ctx(now=clock()), [alert("a")])
    assert len(sink.bodies) == 2
