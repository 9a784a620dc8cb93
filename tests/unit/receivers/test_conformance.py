"""Receiver conformance: every integration in ``receivers.REGISTRY`` with a NOTIFIER is held to
upstream's shared rules — which statuses retry, no secret in any error, ``send_resolved``
defaults and the retry stage honouring it. E-mail is checked against a local SMTP server.

A new receiver module joins automatically; it needs one minimal config in ``MINIMAL`` below.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from prometheus_client import CollectorRegistry
from receivers_helpers import T0, alerts, ctx, free_port, load_conf

from alertmanager.notify.context import NotifyContext
from alertmanager.notify.metrics import NotifyMetrics
from alertmanager.notify.notifier import Integration, NotifierDeps, NotifyError
from alertmanager.notify.retry import RetryStage
from receivers import REGISTRY

MARK = "S3CRETMARK"
H = "http://receiver.example"

MINIMAL: dict[str, dict[str, Any]] = {
    "discord_configs": {"webhook_url": f"{H}/api/webhooks/1/{MARK}"},
    "incidentio_configs": {"url": f"{H}/v2/alert_events/http/{MARK}", "alert_source_token": MARK},
    "jira_configs": {"api_url": f"{H}/", "project": "OPS", "issue_type": "Bug",
                     "http_config": {"basic_auth": {"username": "u", "password": MARK}}},
    "mattermost_configs": {"webhook_url": f"{H}/hooks/{MARK}"},
    "msteams_configs": {"webhook_url": f"{H}/webhook/{MARK}"},
    "msteamsv2_configs": {"webhook_url": f"{H}/flow/{MARK}"},
    "opsgenie_configs": {"api_url": f"{H}/", "api_key": MARK},
    "pagerduty_configs": {"routing_key": MARK, "url": f"{H}/v2/enqueue"},
    "pushover_configs": {"user_key": MARK, "token": MARK},
    "rocketchat_configs": {"api_url": f"{H}/", "token": MARK, "token_id": MARK},
    "slack_configs": {"api_url": f"{H}/services/{MARK}"},
    "sns_configs": {"api_url": f"{H}/", "topic_arn": "arn:aws:sns:us-east-1:123456789012:t",
                    "sigv4": {"region": "us-east-1", "access_key": "AKID", "secret_key": MARK}},
    "telegram_configs": {"api_url": f"{H}/", "bot_token": MARK, "chat_id": 42},
    "victorops_configs": {"api_url": f"{H}/", "api_key": MARK, "routing_key": "ops"},
    "webex_configs": {"api_url": f"{H}/", "room_id": "r1", "http_config": {"authorization": {"credentials": MARK}}},
    "webhook_configs": {"url": f"{H}/hook/{MARK}"},
    "wechat_configs": {"api_url": f"{H}/", "api_secret": MARK, "corp_id": "corp", "to_user": "u"},
    "email_configs": {"to": "ops@example.org", "auth_username": "mailer", "auth_password": MARK},
}

# Upstream's Retrier per integration: statuses retried besides 5xx; Telegram and WeChat retry
# every failed request.
EXTRA_RETRY: dict[str, frozenset[int]] = {
    "pagerduty_configs": frozenset({429}), "opsgenie_configs": frozenset({429}),
    "jira_configs": frozenset({429}), "incidentio_configs": frozenset({429}),
}
ALWAYS_RETRY = frozenset({"telegram_configs", "wechat_configs"})
# Jira gives up when its request cannot be sent at all; the others retry.
TRANSPORT_NO_RETRY = frozenset({"jira_configs"})
# Upstream's default send_resolved (false for e-mail, Slack, WeChat and Rocket.Chat).
SEND_RESOLVED_DEFAULT_FALSE = frozenset({"email_configs", "slack_configs", "wechat_configs", "rocketchat_configs"})

KEYS = sorted(k for k, mod in REGISTRY.items() if getattr(importlib.import_module(mod), "NOTIFIER", None))
HTTP_KEYS = [k for k in KEYS if k != "email_configs"]
STATUSES = [400, 401, 403, 404, 429, 500, 502, 503]


def _notifier(key: str, handler: Any, **extra: Any) -> Any:
    conf = load_conf(key, {**MINIMAL[key], **extra})
    cls = importlib.import_module(REGISTRY[key]).NOTIFIER
    return cls(conf, NotifierDeps(external_url="http://am.example", transport=httpx.MockTransport(handler)))


def _respond(status: int, seen: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/gettoken"):  # WeChat fetches a token first
            return httpx.Response(200, json={"access_token": "tok", "errcode": 0})
        seen.append(request)
        return httpx.Response(status, json={"ok": False, "error": "boom", "errcode": 1, "errmsg": "boom"})
    return handler


def test_every_registry_receiver_has_a_minimal_config():
    assert set(KEYS) <= set(MINIMAL), "add a minimal config for each new receiver to MINIMAL"
    assert "email_configs" in KEYS and len(HTTP_KEYS) >= 4


@pytest.mark.parametrize("status", STATUSES, ids=str)
@pytest.mark.parametrize("key", HTTP_KEYS)
async def test_status_retry_rules_as_upstream(key, status):
    seen: list[httpx.Request] = []
    n = _notifier(key, _respond(status, seen))
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert seen, "no request was sent"
    expected = status // 100 == 5 or status in EXTRA_RETRY.get(key, ()) or key in ALWAYS_RETRY
    assert info.value.retryable is expected
    assert MARK not in str(info.value)


@pytest.mark.parametrize("key", HTTP_KEYS)
async def test_no_secret_in_transport_errors(key):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    n = _notifier(key, handler)
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert info.value.retryable is (key not in TRANSPORT_NO_RETRY)
    assert MARK not in str(info.value) and MARK not in repr(info.value.args)


@pytest.mark.parametrize("key", KEYS)
def test_send_resolved_default_as_upstream(key):
    conf = load_conf(key, MINIMAL[key])
    assert conf.send_resolved is (key not in SEND_RESOLVED_DEFAULT_FALSE)


@pytest.mark.parametrize("send_resolved", [False, True], ids=["off", "on"])
@pytest.mark.parametrize("key", HTTP_KEYS)
async def test_send_resolved_honoured(key, send_resolved):
    """A resolved-only group reaches the integration only when ``send_resolved`` is on."""
    seen: list[httpx.Request] = []
    n = _notifier(key, _respond(400, seen), send_resolved=send_resolved)
    now = [T0]

    async def sleep(seconds: float) -> None:  # the first retry pause runs past the deadline
        now[0] += timedelta(hours=2)

    stage = RetryStage(Integration(key.removesuffix("_configs"), 0, n, send_resolved, "team-x"),
                       metrics=NotifyMetrics(CollectorRegistry()), clock=lambda: now[0], sleep=sleep)
    c: NotifyContext = ctx()
    c = NotifyContext(**{**{f: getattr(c, f) for f in c.__dataclass_fields__}, "deadline": T0 + timedelta(hours=1),
                         "resolved_alerts": (1,), "firing_alerts": ()})
    if send_resolved:
        with pytest.raises(NotifyError):
            await stage(c, alerts(0, 2))
        assert seen
    else:
        await stage(c, alerts(0, 2))
        assert not seen


# -- e-mail: SMTP replies instead of HTTP statuses ------------------------------------------------

@pytest.fixture
def smtp_reject() -> Iterator[tuple[int, list[str]]]:
    log: list[str] = []

    class Handler:
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                              options: Any) -> str:
            log.append(address)
            return "550 5.1.1 mailbox unavailable"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, auth_require_tls=False,
                            authenticator=lambda *a: AuthResult(success=False, handled=False))
    controller.start()
    yield port, log
    controller.stop()


async def test_email_failures_retry_without_secrets(smtp_reject):
    port, _ = smtp_reject
    conf = load_conf("email_configs", {**MINIMAL["email_configs"], "smarthost": f"127.0.0.1:{port}"})
    n = importlib.import_module(REGISTRY["email_configs"]).NOTIFIER(conf, NotifierDeps())
    with pytest.raises(NotifyError) as info:
        await n.notify(ctx(), alerts(1))
    assert info.value.retryable is True  # upstream retries every SMTP failure
    assert "auth" in str(info.value) and MARK not in str(info.value)
