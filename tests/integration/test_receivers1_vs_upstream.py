"""Slack, PagerDuty, SNS and e-mail: the real Alertmanager 0.25 and our server get the same config
(pointed at the same local sinks) and the same alerts; the requests they make must match.

Timeline: at 0 both servers get two firing alerts (group_wait 1s); once all eight notifications
have arrived, the alerts are resolved and each server sends the resolution (group_interval 1s).
Only values that legitimately differ are normalised: User-Agent, SigV4 dates and signatures (each
signature is verified with botocore instead), e-mail Date, Message-Id and MIME boundary.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from procs import UPSTREAM_AM, free_port, our_command, running, wait_until

from alertmanager.config.values import Secret

pytestmark = pytest.mark.integration

ACCESS_KEY, SECRET_KEY, REGION = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1"
EXTERNAL = "http://am.example:9093"
SNS_OK = (b'<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
          b"<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId>"
          b"</ResponseMetadata></PublishResponse>")

ALERTS = [
    {"labels": {"alertname": "DiskFull", "instance": "host-1", "severity": "critical", "team": "storage"},
     "annotations": {"summary": "Disk \"/var\" full on host-1", "description": "ünïcode <b>&</b> ✓"},
     "startsAt": "2026-01-02T03:04:05.123Z", "generatorURL": "http://prom.example/graph?g0.expr=up&x=1"},
    {"labels": {"alertname": "DiskFull", "instance": "host-2", "severity": "critical", "team": "storage"},
     "annotations": {"summary": "Disk \"/var\" full on host-2"},
     "startsAt": "2026-01-02T03:00:00Z", "generatorURL": "http://prom.example/graph?g0.expr=up"},
]
RESOLVED = [dict(a, endsAt="2026-01-02T04:00:00Z") for a in ALERTS]


class HTTPSink:
    """Records every POST as (path, headers, body); SNS paths get an SNS Publish answer."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with sink.lock:
                    sink.requests.append((self.command, self.path, dict(self.headers.items()), body))
                answer, ctype = (SNS_OK, "text/xml") if "/sns" in self.path else (b"ok", "text/plain")
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[tuple[str, str, dict[str, str], bytes]]:
        with self.lock:
            return [r for r in self.requests if r[1] == path]


class SMTPSink:
    """An aiosmtpd server that accepts any PLAIN login and records each session.

    (aiosmtpd's LOGIN challenges are not ``Username:``, which Go's client, like ours, rejects.)
    """

    def __init__(self) -> None:
        self.mails: list[dict[str, Any]] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                sink.mails.append({"ehlo": session.host_name, "auth": session.auth_data,
                                   "from": envelope.mail_from, "to": envelope.rcpt_tos,
                                   "data": envelope.original_content or envelope.content})
                return "250 OK"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            return AuthResult(success=True, auth_data=(mechanism, data.login.decode(), data.password.decode()))

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticator,
                                     auth_require_tls=False, auth_exclude_mechanism=["LOGIN"])
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def config(who: str, http_port: int, smtp_port: int) -> str:
    base = f"http://127.0.0.1:{http_port}/{who}"
    return f"""
route:
  receiver: all
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: all
  slack_configs:
  - api_url: {base}/slack
    send_resolved: true
    channel: '#alerts'
    link_names: true
    short_fields: true
    image_url: http://img.example/{{{{ .Status }}}}.png
    fields:
    - title: Instances
      value: '{{{{ range .Alerts }}}}{{{{ .Labels.instance }}}} {{{{ end }}}}'
    - title: Team
      value: '{{{{ .CommonLabels.team }}}}'
      short: false
    actions:
    - type: button
      text: Runbook
      url: http://runbook.example/{{{{ .GroupLabels.alertname }}}}
    - type: button
      text: Ack
      name: ack
      value: '{{{{ .Status }}}}'
      confirm:
        text: Sure?
        ok_text: 'Yes'
  pagerduty_configs:
  - url: {base}/pd
    routing_key: routing-SECRET
    severity: '{{{{ .CommonLabels.severity }}}}'
    class: disk
    component: '{{{{ .CommonLabels.team }}}}'
    group: storage
    details:
      firing: '{{{{ .Alerts.Firing | len }}}} firing'
      resolved: '{{{{ .Alerts.Resolved | len }}}} resolved'
      num_firing: 'n={{{{ .Alerts.Firing | len }}}}'
      num_resolved: 'n={{{{ .Alerts.Resolved | len }}}}'
      team: '{{{{ .CommonLabels.team }}}}'
    images:
    - src: http://img.example/graph.png
      alt: graph
      href: http://img.example/
    - src: ''
    links:
    - href: http://runbook.example/disk
      text: runbook
  sns_configs:
  - api_url: {base}/sns
    sigv4:
      region: {REGION}
      access_key: {ACCESS_KEY}
      secret_key: {SECRET_KEY}
    topic_arn: arn:aws:sns:{REGION}:123456789012:alerts.fifo
    attributes:
      team: '{{{{ .CommonLabels.team }}}}'
      status: '{{{{ .Status }}}}'
  email_configs:
  - to: 'ops@example.org, Dev Team <dev@example.org>'
    from: am@example.org
    smarthost: 127.0.0.1:{smtp_port}
    require_tls: false
    send_resolved: true
    auth_username: mailer
    auth_password: mail-SECRET
    headers:
      Subject: >-
        Ålert {{{{ .Status }}}}: {{{{ .CommonLabels.instance }}}} – {{{{ .GroupLabels.alertname }}}}
        on {{{{ .CommonLabels.team }}}}, with a tail long enough to need several encoded-words ✓
      X-Team: '{{{{ .CommonLabels.team }}}}'
    text: >-
      {{{{ template "email.default.subject" . }}}}
      {{{{ range .Alerts }}}}{{{{ .Annotations.description }}}} {{{{ end }}}}
"""


@pytest.fixture
def sinks() -> Iterator[tuple[HTTPSink, SMTPSink, SMTPSink]]:
    http, up_smtp, our_smtp = HTTPSink(), SMTPSink(), SMTPSink()
    yield http, up_smtp, our_smtp
    http.server.shutdown()
    http.server.server_close()
    up_smtp.close()
    our_smtp.close()


def _verify_sigv4(method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """Check the request's SigV4 signature with botocore; return its credential scope."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    lower = {k.lower(): v for k, v in headers.items()}
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})",
                     lower["authorization"])
    assert m, lower["authorization"]
    credential, signed, signature = m.groups()
    req = AWSRequest(method=method, url=f"http://{lower['host']}{path}", data=body,
                     headers={h: lower[h] for h in signed.split(";")})
    req.context["timestamp"] = lower["x-amz-date"]
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sns", REGION)
    string_to_sign = auth.string_to_sign(req, auth.canonical_request(req))
    assert auth.signature(string_to_sign, req) == signature, "SigV4 signature does not verify"
    return credential.split("/", 1)[1].split("/", 1)[1]  # region/service/aws4_request


def _mail(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    msg = BytesHeaderParser().parsebytes(head + b"\r\n\r\n")
    headers = {k: str(v) for k, v in msg.items()}
    boundary = headers["Content-Type"].split("boundary=")[1]
    assert re.fullmatch(r"[0-9a-f]{60}", boundary)
    assert re.fullmatch(r"<\d+\.\d+@[^>]+>", headers.pop("Message-Id"))
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", headers.pop("Date"))
    headers["Content-Type"] = headers["Content-Type"].replace(boundary, "B")
    return headers, body.replace(boundary.encode(), b"B")


def _compare_round(http: HTTPSink, up_smtp: SMTPSink, our_smtp: SMTPSink, n: int) -> None:
    for kind in ("slack", "pd"):
        (m1, _, h1, b1), (m2, _, h2, b2) = http.at(f"/up/{kind}")[n], http.at(f"/ours/{kind}")[n]
        assert (m1, h1["Content-Type"]) == (m2, h2["Content-Type"]) == ("POST", "application/json")
        assert h1["User-Agent"].startswith("Alertmanager/") and h2["User-Agent"].startswith("Alertmanager/")
        assert json.loads(b2) == json.loads(b1), kind
        assert b2 == b1, kind
    (m1, p1, h1, b1), (m2, p2, h2, b2) = http.at("/up/sns/")[n], http.at("/ours/sns/")[n]
    assert m1 == m2 == "POST"
    assert h1["Content-Type"] == h2["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert _verify_sigv4(m1, p1, h1, b1) == _verify_sigv4(m2, p2, h2, b2) == f"{REGION}/sns/aws4_request"
    assert dict(parse_qsl(b2.decode(), keep_blank_values=True)) == dict(parse_qsl(b1.decode(), keep_blank_values=True))
    assert b2 == b1
    up, ours = up_smtp.mails[n], our_smtp.mails[n]
    envelope = ("ehlo", "auth", "from", "to")
    assert {k: ours[k] for k in envelope} == {k: up[k] for k in envelope}
    assert _mail(ours["data"]) == _mail(up["data"])


def test_four_receivers_send_what_upstream_sends(sinks, tmp_path):
    http, up_smtp, our_smtp = sinks
    extra = [f"--web.external-url={EXTERNAL}"]
    up_conf, our_conf = config("up", http.port, up_smtp.port), config("ours", http.port, our_smtp.port)
    with running([UPSTREAM_AM], tmp_path / "up", up_conf, extra, name="upstream") as up, \
            running(our_command(), tmp_path / "ours", our_conf, extra, name="ours") as ours:
        for am in (up, ours):
            assert httpx.post(am.url + "/api/v2/alerts", json=ALERTS, timeout=10).status_code == 200

        def missing(n: int) -> list[str]:
            out = [f"/{w}/{k}" for w in ("up", "ours") for k in ("slack", "pd", "sns/")
                   if len(http.at(f"/{w}/{k}")) < n]
            return out + [w for w, s in (("up mail", up_smtp), ("our mail", our_smtp)) if len(s.mails) < n]

        def arrived(n: int) -> None:
            try:
                wait_until(lambda: not missing(n), timeout=20, what=f"notification round {n}")
            except AssertionError:
                logs = f"upstream:\n{up.log()[-3000:]}\nours:\n{ours.log()[-3000:]}"
                raise AssertionError(f"missing {missing(n)}\n{logs}") from None

        arrived(1)
        _compare_round(http, up_smtp, our_smtp, 0)
        for am in (up, ours):
            assert httpx.post(am.url + "/api/v2/alerts", json=RESOLVED, timeout=10).status_code == 200
        arrived(2)
        _compare_round(http, up_smtp, our_smtp, 1)
        assert json.loads(http.at("/ours/pd")[1][3])["event_action"] == "resolve"


# -- SNS against moto's server mode ---------------------------------------------------------------

@pytest.fixture
def moto(monkeypatch, tmp_path) -> Iterator[str]:
    """moto on a free 127.0.0.1 port; the process's AWS settings cannot leak into the test."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    port = free_port()
    log = open(tmp_path / "moto.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(url + "/moto-api/", timeout=1).status_code == 200, timeout=30, what="moto")
        yield url
    finally:
        proc.kill()
        proc.wait(10)
        log.close()


def _aws_client(service: str, endpoint: str) -> Any:
    import botocore.session

    return botocore.session.get_session().create_client(
        service, region_name=REGION, endpoint_url=endpoint, aws_access_key_id="testing",
        aws_secret_access_key="testing")


def _topic_with_queue(endpoint: str, name: str) -> tuple[str, Any, str]:
    sns, sqs = _aws_client("sns", endpoint), _aws_client("sqs", endpoint)
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=f"{name}-q")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    return topic, sqs, queue


class _Recording(httpx.AsyncBaseTransport):
    """Forwards to the network and keeps each request, to look at its SigV4 headers."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def _sns_alerts() -> tuple[Any, list[Any]]:
    from alertmanager.model.alert import Alert
    from alertmanager.notify.context import NotifyContext

    now = datetime(2026, 1, 2, 4, tzinfo=UTC)
    alert = Alert(labels={"alertname": "DiskFull", "team": "storage"}, annotations={"summary": "full"},
                  starts_at=now - timedelta(minutes=5))
    c = NotifyContext(group_key='{}:{alertname="DiskFull"}', receiver="all", group_labels={"alertname": "DiskFull"},
                      now=now, repeat_interval=timedelta(hours=1))
    return c, [alert]


@pytest.mark.parametrize("role", [False, True], ids=["static-keys", "assume-role"])
async def test_sns_publish_arrives_in_moto(moto, monkeypatch, role):
    from alertmanager.notify.notifier import NotifierDeps
    from receivers.sns import SigV4Config, SNSConfig, SNSNotifier

    topic, sqs, queue = _topic_with_queue(moto, f"alerts-{role}")
    sigv4 = SigV4Config(region=REGION, access_key=ACCESS_KEY, secret_key=Secret(SECRET_KEY))
    if role:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto)  # botocore's STS client goes to moto as well
        sigv4 = SigV4Config(region=REGION, access_key=ACCESS_KEY, secret_key=Secret(SECRET_KEY),
                            role_arn="arn:aws:iam::123456789012:role/alerting", external_id="ext-1")
    conf = SNSConfig(api_url=moto, sigv4=sigv4, topic_arn=topic, subject="{{ .Status }}",
                     message="{{ .CommonLabels.alertname }} is {{ .Status }}", attributes={"team": "storage"})
    transport = _Recording()
    c, alerts = _sns_alerts()
    await SNSNotifier(conf, NotifierDeps(transport=transport)).notify(c, alerts)

    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"], WaitTimeSeconds=5)["Messages"]
    assert [m["Body"] for m in got] == ["DiskFull is firing"]
    assert got[0]["MessageAttributes"]["team"]["StringValue"] == "storage"
    req = transport.requests[-1]
    key = re.search(r"Credential=([^/]+)/", req.headers["Authorization"]).group(1)
    if role:
        # Temporary credentials from moto's STS, with their session token.
        assert key != ACCESS_KEY and key.startswith("ASIA") and req.headers["X-Amz-Security-Token"]
    else:
        assert key == ACCESS_KEY and "X-Amz-Security-Token" not in req.headers
        _verify_sigv4(req.method, req.url.raw_path.decode(), dict(req.headers.items()), req.content)


# -- failures: metrics, logs, secrets ------------------------------------------------------------

def test_failures_count_by_reason_and_log_without_secrets(tmp_path, our_server_factory):
    """Our server against sinks that fail: each integration's failures are counted under the
    upstream reason, the log names receiver, integration and cause, and no secret is logged.

    Timeline: group_wait 1s; then slack (500), pagerduty (429) and e-mail (refused) retry and
    log each new cause, while sns (403) gives up at once and is counted as ``authError``.
    """
    status = {"/slack": 500, "/pd": 429, "/sns/": 403}

    class Failing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(status[self.path.split("?")[0]])
            self.end_headers()
            self.wfile.write(b"nope")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    smtp_port = free_port()  # nothing listens: connection refused
    conf = f"""
route: {{receiver: team-x, group_wait: 1s, group_interval: 2s, repeat_interval: 1h}}
receivers:
- name: team-x
  slack_configs: [{{api_url: '{base}/slack?hook=slack-SECRET', channel: '#c'}}]
  pagerduty_configs: [{{url: '{base}/pd', routing_key: routing-SECRET}}]
  sns_configs: [{{api_url: '{base}/sns', topic_arn: 'arn:aws:sns:{REGION}:1:t',
                  sigv4: {{region: {REGION}, access_key: {ACCESS_KEY}, secret_key: {SECRET_KEY}}}}}]
  email_configs: [{{to: a@example.org, from: b@example.org, smarthost: '127.0.0.1:{smtp_port}',
                    require_tls: false, auth_username: u, auth_password: mail-SECRET}}]
"""
    try:
        am = our_server_factory(conf)
        assert httpx.post(am.url + "/api/v2/alerts", json=ALERTS[:1], timeout=10).status_code == 200

        def metrics() -> tuple[set[tuple[str, str]], set[str]]:
            text = httpx.get(am.url + "/metrics", timeout=5).text
            failed = re.findall(r'alertmanager_notifications_failed_total\{integration="(\w+)",reason="(\w+)"\} '
                                r"([\d.]+)", text)
            requests = re.findall(r'alertmanager_notification_requests_failed_total\{integration="(\w+)"\} ([\d.]+)',
                                  text)
            return {(i, r) for i, r, v in failed if float(v) > 0}, {i for i, v in requests if float(v) > 0}

        # sns gives up at once (403 is final) and counts under its reason; the others keep retrying.
        wait_until(lambda: metrics()[1] == {"slack", "pagerduty", "sns", "email"}, timeout=20,
                   what="failed requests for all four")
        assert metrics()[0] == {("sns", "authError")}
        log = am.log()
        for integration, cause in (("slack[0]", "unexpected status code 500"), ("email[0]", "Connection refused"),
                                   ("pagerduty[0]", "unexpected status code 429")):
            assert re.search(rf"Notify attempt failed.*receiver=team-x integration={re.escape(integration)} "
                             rf".*{cause}", log), integration
        for secret in ("slack-SECRET", "routing-SECRET", SECRET_KEY, "mail-SECRET"):
            assert secret not in log
    finally:
        server.shutdown()
        server.server_close()
