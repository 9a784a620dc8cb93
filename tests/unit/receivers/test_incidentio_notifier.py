import json

import httpx
import pytest
from receivers2_support import GROUP_KEY, Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.incidentio import IncidentioNotifier

URL = "http://io.example/v2/alert_events/http/SOURCE"
ENTRY = {"url": URL, "alert_source_token": "io-SECRET"}


def notifier(sink: Sink, **extra: object) -> IncidentioNotifier:
    return IncidentioNotifier(conf("incidentio_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "status"), [(2, 0, "firing"), (0, 1, "resolved")],
                         ids=["firing", "resolved"])
async def test_posts_template_data_with_version_1(firing, resolved, status):
    sink = Sink(202)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert (req.method, str(req.url)) == ("POST", URL)
    assert req.headers["Authorization"] == "Bearer io-SECRET"
    assert req.headers["Content-Type"] == "application/json"
    body = json.loads(req.content)
    assert list(body) == ["receiver", "status", "alerts", "notification_reason", "groupLabels", "commonLabels",
                          "commonAnnotations", "routeLabels", "externalURL", "version", "groupKey",
                          "truncatedAlerts"]
    assert (body["receiver"], body["status"], body["version"], body["groupKey"], body["truncatedAlerts"]) == (
        "ops", status, "1", GROUP_KEY, 0)
    assert (body["notification_reason"], body["routeLabels"], body["externalURL"]) == ("unknown", {},
                                                                                      "http://am.example:9093")
    assert body["alerts"][0]["status"] == status
    assert body["alerts"][0]["endsAt"] == ("0001-01-01T00:00:00Z" if status == "firing" else "2026-05-04T08:28:00Z")


async def test_max_alerts_and_payload_size_limit():
    sink = Sink(202)
    await notifier(sink, max_alerts=1).notify(ctx(), group(3))
    assert (len(sink.json()["alerts"]), sink.json()["truncatedAlerts"]) == (1, 2)
    big = group(3)
    big = [a.__class__(**{**{f: getattr(a, f) for f in ("labels", "starts_at", "ends_at", "generator_url")},
                          "annotations": {"blob": "b" * 300_000}}) for a in big]
    sink = Sink(202)
    await notifier(sink).notify(ctx(), big)
    assert (len(sink.json()["alerts"]), sink.json()["truncatedAlerts"]) == (1, 0)


@pytest.mark.parametrize(("answer", "retry", "message"), [
    (httpx.Response(500, json={"message": "m", "error": "e", "errors": ["a", "b"]}), True,
     "unexpected status code 500: m: e: a, b"),
    (httpx.Response(429, json={"message": "slow down"}), True, "unexpected status code 429: slow down"),
    (httpx.Response(400, text="<html>"), False, "unexpected status code 400"),
], ids=["5xx", "429", "400"])
async def test_failures(answer, retry, message):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(answer)).notify(ctx(), group(1))
    assert (e.value.retryable, str(e.value)) == (retry, message)


async def test_transport_errors_hide_url_and_token():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "SOURCE" not in str(e.value) and "SECRET" not in str(e.value)
