import pytest
from receivers2_support import GROUP_KEY_HASH, Sink, conf, ctx, group, raise_connect

from alertmanager.notify.notifier import NotifyError
from receivers.victorops import VictorOpsNotifier

ENTRY = {"api_url": "http://vo.example/integrations/generic/20131114/alert", "api_key": "vo-SECRET",
         "routing_key": "team {{ .CommonLabels.severity }}", "state_message": "sm {{ .Alerts | len }}",
         "entity_display_name": "{{ .GroupLabels.alertname }}", "monitoring_tool": "mt",
         "custom_fields": {"zzz": "{{ .Status }}", "aaa": "first"}}


def notifier(sink: Sink, **extra: object) -> VictorOpsNotifier:
    return VictorOpsNotifier(conf("victorops_configs", {**ENTRY, **extra}), sink.deps())


@pytest.mark.parametrize(("firing", "resolved", "message_type", "status"),
                         [(2, 0, "CRITICAL", "firing"), (0, 2, "RECOVERY", "resolved")], ids=["firing", "resolved"])
async def test_posts_the_event_to_key_and_routing_key(firing, resolved, message_type, status):
    sink = Sink(200)
    await notifier(sink).notify(ctx(), group(firing, resolved))
    req = sink.last
    assert req.method == "POST"
    assert str(req.url) == "http://vo.example/integrations/generic/20131114/alert/vo-SECRET/team%20critical"
    assert req.headers["Content-Type"] == "application/json"
    assert req.content == (
        f'{{"aaa":"first","entity_display_name":"HighLatency","entity_id":"{GROUP_KEY_HASH}",'
        f'"message_type":"{message_type}","monitoring_tool":"mt","state_message":"sm 2","zzz":"{status}"}}\n'
    ).encode()


@pytest.mark.parametrize(("configured", "sent"), [("WARNING", "WARNING"), ("INFO", "INFO"), ("bogus", "CRITICAL")],
                         ids=str)
async def test_firing_message_type_must_be_allowed(configured, sent):
    sink = Sink(200)
    await notifier(sink, message_type=configured).notify(ctx(), group(1))
    assert sink.json()["message_type"] == sent


async def test_state_message_truncated_to_20480_runes():
    sink = Sink(200)
    await notifier(sink, state_message="ß" * 20481).notify(ctx(), group(1))
    assert sink.json()["state_message"] == "ß" * 20479 + "…"


@pytest.mark.parametrize(("status", "retry"), [(500, True), (429, False), (400, False)], ids=str)
async def test_only_5xx_is_retried_and_the_key_never_shows(status, retry):
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(status)).notify(ctx(), group(1))
    assert e.value.retryable is retry and "vo-SECRET" not in str(e.value)
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(raise_connect)).notify(ctx(), group(1))
    assert e.value.retryable and "vo-SECRET" not in str(e.value)


async def test_template_errors_routing_key_final_payload_retried():
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(200), routing_key='{{ template "nope" . }}').notify(ctx(), group(1))
    assert not e.value.retryable
    with pytest.raises(NotifyError) as e:
        await notifier(Sink(200), monitoring_tool='{{ template "nope" . }}').notify(ctx(), group(1))
    assert e.value.retryable and str(e.value).startswith("templating error: ")
