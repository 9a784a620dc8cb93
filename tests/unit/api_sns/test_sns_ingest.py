"""The SNS endpoint: messages signed by a test certificate, served through the injected fetcher."""

import base64
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette

from alertmanager.api.sns import alerts_from_message, canonical_string, sns_routes

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
TOPIC = "arn:aws:sns:eu-west-1:123456789012:amp-alerts"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"
SUBSCRIBE_URL = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=t"


def _cert(key, *, days_before=10, days_after=10):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=days_before)).not_valid_after(NOW + timedelta(days=days_after))
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(msg, key, version="2"):
    msg = {**msg, "SignatureVersion": version, "SigningCertURL": msg.get("SigningCertURL", CERT_URL)}
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    msg["Signature"] = base64.b64encode(key.sign(canonical_string(msg), padding.PKCS1v15(), algorithm)).decode()
    return msg


def notification(message, *, at=NOW - timedelta(seconds=5), subject="[FIRING:1] HighLatency"):
    msg = {"Type": "Notification", "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", "TopicArn": TOPIC,
           "Message": message, "Timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
           "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe"}
    if subject is not None:
        msg["Subject"] = subject
    return msg


def confirmation():
    return {"Type": "SubscriptionConfirmation", "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a",
            "TopicArn": TOPIC, "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": SUBSCRIBE_URL, "Timestamp": "2026-03-01T11:59:58.000Z"}


JSON_MESSAGE = json.dumps({
    "receiver": "default", "status": "firing",
    "alerts": [
        {"status": "firing", "labels": {"alertname": "HighLatency", "job": "api", "severity": "page"},
         "annotations": {"summary": "p99 \"high\""}, "startsAt": "2026-03-01 11:50:00.123456789 +0000 UTC",
         "endsAt": "0001-01-01 00:00:00 +0000 UTC", "generatorURL": "https://amp/graph?g0.expr=x",
         "fingerprint": "0123456789abcdef"},
        {"status": "resolved", "labels": {"alertname": "DiskFull", "job": "node"}, "annotations": {},
         "startsAt": "2026-03-01T10:00:00Z", "endsAt": "2026-03-01 11:58:00 +0000 UTC", "generatorURL": ""},
    ],
})

TEXT_MESSAGE = """p99 high
Alerts Firing:
Labels:
 - alertname = HighLatency
 - job = api
Annotations:
 - summary = p99 = high
Source: https://amp/graph?g0.expr=x

Alerts Resolved:
Labels:
 - alertname = DiskFull
Annotations:
Source:
"""


class Harness:
    def __init__(self, key, allowed_topics=frozenset({TOPIC}), cert=None, fail_fetch=False):
        self.ingested, self.fetched, self.confirmed = [], [], []
        self.registry = CollectorRegistry()
        pem = cert or _cert(key)

        async def get_cert(url):
            self.fetched.append(url)
            if fail_fetch:
                raise OSError("connection refused")
            return pem

        async def get(url):
            self.confirmed.append(url)
            return b"<ConfirmSubscriptionResponse/>"

        routes = sns_routes(ingest=self.ingested.extend, allowed_topics=set(allowed_topics) if allowed_topics else None,
                            clock=lambda: NOW, http_get_cert=get_cert, http_get=get, registry=self.registry)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=routes)),
                                        base_url="http://am")

    async def post(self, msg, **headers):
        body = msg if isinstance(msg, bytes) else json.dumps(msg).encode()
        return await self.client.post("/api/v1/sns", content=body, headers=headers)

    def rejected(self, reason):
        return self.registry.get_sample_value("alertmanager_sns_messages_rejected_total", {"reason": reason}) or 0.0

    def received(self):
        return self.registry.get_sample_value("alertmanager_sns_messages_total")


@pytest.mark.parametrize("version", ["1", "2"], ids=["SHA1withRSA", "SHA256withRSA"])
async def test_notification_ingests_alerts(key, version):
    h = Harness(key)
    resp = await h.post(sign(notification(JSON_MESSAGE), key, version), **{"x-amz-sns-message-type": "Notification"})
    assert resp.status_code == 200, resp.text
    assert h.ingested == [
        {"labels": {"alertname": "HighLatency", "job": "api", "severity": "page"},
         "annotations": {"summary": 'p99 "high"'}, "startsAt": "2026-03-01T11:50:00.123456+00:00",
         "generatorURL": "https://amp/graph?g0.expr=x"},
        {"labels": {"alertname": "DiskFull", "job": "node"}, "annotations": {},
         "startsAt": "2026-03-01T10:00:00+00:00", "endsAt": "2026-03-01T11:58:00+00:00"},
    ]
    assert h.received() == 1.0


async def test_notification_without_subject_and_async_ingest(key):
    got = []

    async def ingest(alerts):
        got.extend(alerts)

    h = Harness(key)
    routes = sns_routes(ingest=ingest, allowed_topics=None, clock=lambda: NOW,
                        http_get_cert=lambda url: _async(_cert(key)), registry=CollectorRegistry(), path="/sns")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=routes)), base_url="http://am")
    resp = await client.post("/sns", content=json.dumps(sign(notification(TEXT_MESSAGE, subject=None), key)))
    assert resp.status_code == 200, resp.text
    assert [a["labels"]["alertname"] for a in got] == ["HighLatency", "DiskFull"]
    assert h.ingested == []


async def _async(value):
    return value


async def test_certificate_is_cached(key):
    h = Harness(key)
    for _ in range(3):
        assert (await h.post(sign(notification(JSON_MESSAGE), key))).status_code == 200
    assert h.fetched == [CERT_URL]
    assert len(h.ingested) == 6


async def test_subscription_confirmation_gets_subscribe_url(key):
    h = Harness(key)
    resp = await h.post(sign(confirmation(), key, "1"), **{"x-amz-sns-message-type": "SubscriptionConfirmation"})
    assert resp.status_code == 200, resp.text
    assert h.confirmed == [SUBSCRIBE_URL]
    assert h.ingested == []


async def test_unsubscribe_confirmation_is_acknowledged(key):
    h = Harness(key)
    msg = {**confirmation(), "Type": "UnsubscribeConfirmation"}
    assert (await h.post(sign(msg, key))).status_code == 200
    assert h.confirmed == [] and h.ingested == []


def _tamper(msg):
    return {**msg, "Message": msg["Message"].replace("HighLatency", "Other")}


def _resign(key):
    return lambda msg: sign({k: v for k, v in msg.items() if k != "SigningCertURL"}, key)


REJECTIONS = [
    ("bad-signature", lambda m, k, o: _tamper(sign(m, k)), 403, "signature"),
    ("signed-by-other-key", lambda m, k, o: sign(m, o), 403, "signature"),
    ("signature-not-base64", lambda m, k, o: {**sign(m, k), "Signature": "%%%"}, 403, "signature"),
    ("unknown-signature-version", lambda m, k, o: {**sign(m, k), "SignatureVersion": "3"}, 403, "signature"),
    ("unsigned", lambda m, k, o: m, 400, "malformed"),
    ("foreign-cert-host", lambda m, k, o: sign({**m, "SigningCertURL": "https://evil.example.com/x.pem"}, k),
     403, "certificate_url"),
    ("cert-host-suffix-trick", lambda m, k, o: sign({**m, "SigningCertURL":
                                                     "https://sns.eu-west-1.amazonaws.com.evil.io/x.pem"}, k),
     403, "certificate_url"),
    ("cert-over-http", lambda m, k, o: sign({**m, "SigningCertURL": CERT_URL.replace("https", "http")}, k),
     403, "certificate_url"),
    ("expired-timestamp", lambda m, k, o: sign({**m, "Timestamp": "2026-03-01T10:59:00.000Z"}, k), 403, "expired"),
    ("future-timestamp", lambda m, k, o: sign({**m, "Timestamp": "2026-03-01T13:00:00.000Z"}, k), 403, "timestamp"),
    ("timestamp-garbage", lambda m, k, o: sign({**m, "Timestamp": "yesterday"}, k), 400, "malformed"),
    ("foreign-topic", lambda m, k, o: sign({**m, "TopicArn": "arn:aws:sns:eu-west-1:999:x"}, k),
     403, "topic_not_allowed"),
    ("unknown-type", lambda m, k, o: {**sign(m, k), "Type": "Surprise"}, 400, "unsupported_type"),
    ("no-alerts-in-message", lambda m, k, o: sign({**m, "Message": "just words"}, k), 400, "no_alerts"),
]


@pytest.mark.parametrize(("build", "status", "reason"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS])
async def test_rejections_ingest_nothing(key, other_key, build, status, reason):
    h = Harness(key)
    resp = await h.post(build(notification(JSON_MESSAGE), key, other_key))
    assert resp.status_code == status, resp.text
    assert h.ingested == []
    assert h.rejected(reason) == 1.0
    assert resp.text.strip()


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"Type": "Notification"}',
                                  json.dumps({**notification("x"), "Signature": 5, "SignatureVersion": "2",
                                              "SigningCertURL": CERT_URL}).encode()],
                         ids=["not-json", "not-object", "missing-fields", "non-string-field"])
async def test_malformed_bodies(key, body):
    h = Harness(key)
    resp = await h.post(body)
    assert resp.status_code == 400
    assert h.rejected("malformed") == 1.0 and h.ingested == [] and h.fetched == []


async def test_oversized_body_is_refused_unread(key):
    h = Harness(key)
    resp = await h.post(b"{" + b" " * (600 * 1024) + b"}")
    assert resp.status_code == 413 and h.rejected("malformed") == 1.0 and h.fetched == []


async def test_header_type_must_match_body(key):
    h = Harness(key)
    resp = await h.post(sign(notification(JSON_MESSAGE), key), **{"x-amz-sns-message-type": "SubscriptionConfirmation"})
    assert resp.status_code == 400 and h.ingested == []


async def test_confirmation_to_foreign_subscribe_url_is_refused(key):
    h = Harness(key)
    resp = await h.post(sign({**confirmation(), "SubscribeURL": "https://attacker.example/confirm"}, key))
    assert resp.status_code == 403
    assert h.confirmed == [] and h.rejected("subscribe_url") == 1.0


async def test_confirmation_for_foreign_topic_is_refused(key):
    h = Harness(key)
    resp = await h.post(sign({**confirmation(), "TopicArn": "arn:aws:sns:us-east-1:1:other"}, key))
    assert resp.status_code == 403 and h.confirmed == []


@pytest.mark.parametrize(("cert", "reason"), [
    (lambda k: _cert(k, days_before=30, days_after=-20), "certificate"),
    (lambda k: b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", "certificate"),
    (lambda k: _cert(ec.generate_private_key(ec.SECP256R1())), "certificate"),
], ids=["expired-cert", "garbage-pem", "non-rsa-key"])
async def test_bad_certificates(key, cert, reason):
    h = Harness(key, cert=cert(key))
    resp = await h.post(sign(notification(JSON_MESSAGE), key))
    assert resp.status_code == 403 and h.ingested == [] and h.rejected(reason) == 1.0


async def test_certificate_fetch_failure_is_retryable(key):
    h = Harness(key, fail_fetch=True)
    resp = await h.post(sign(notification(JSON_MESSAGE), key))
    assert resp.status_code == 502 and h.ingested == [] and h.rejected("certificate_fetch") == 1.0


async def test_ingest_failure_is_retryable(key):
    def ingest(alerts):
        raise RuntimeError("store closed")

    registry = CollectorRegistry()
    routes = sns_routes(ingest=ingest, allowed_topics={TOPIC}, clock=lambda: NOW,
                        http_get_cert=lambda url: _async(_cert(key)), registry=registry)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=routes)), base_url="http://am")
    resp = await client.post("/api/v1/sns", content=json.dumps(sign(notification(JSON_MESSAGE), key)))
    assert resp.status_code == 503
    assert registry.get_sample_value("alertmanager_sns_messages_rejected_total", {"reason": "ingest_failed"}) == 1.0


def test_text_form_parses_labels_annotations_and_status():
    alerts = alerts_from_message(TEXT_MESSAGE, NOW)
    assert alerts == [
        {"labels": {"alertname": "HighLatency", "job": "api"}, "annotations": {"summary": "p99 = high"},
         "generatorURL": "https://amp/graph?g0.expr=x"},
        {"labels": {"alertname": "DiskFull"}, "annotations": {}, "endsAt": NOW.isoformat()},
    ]


def test_canonical_string_orders_signed_fields_and_skips_absent_subject():
    msg = notification("hello", subject=None)
    assert canonical_string(msg) == (
        f"Message\nhello\nMessageId\n{msg['MessageId']}\nTimestamp\n{msg['Timestamp']}\n"
        f"TopicArn\n{TOPIC}\nType\nNotification\n").encode()


def _amp_definition():
    doc = yaml.safe_load((ROOT / "configs/amp-sns-message-template.yml").read_text())
    assert set(doc) == {"template_files", "alertmanager_config"}
    return doc


def _render_with_real_amtool(tmp_path, text):
    (tmp_path / "sns_json.tmpl").write_text(_amp_definition()["template_files"]["sns_json.tmpl"])
    proc = subprocess.run(["amtool", "template", "render", f"--template.glob={tmp_path}/*.tmpl",
                           f"--template.text={text}"], capture_output=True, text=True, timeout=60, check=True)
    return proc.stdout


def test_shipped_amp_definition_is_wired_to_the_json_template():
    config = yaml.safe_load(_amp_definition()["alertmanager_config"])
    sns = config["receivers"][0]["sns_configs"][0]
    assert sns["message"] == '{{ template "amp.json.message" . }}'
    assert config["route"]["receiver"] == config["receivers"][0]["name"]


def test_shipped_template_rendered_by_real_alertmanager_parses(tmp_path):
    """The oracle: amtool 0.25 renders the shipped template over its example data; we read it all back."""
    out = _render_with_real_amtool(tmp_path, '{{ template "amp.json.message" . }}')
    alerts = alerts_from_message(out, NOW)
    assert [a["labels"].get("instance") for a in alerts] == ["foo.bar:1234", None]
    assert alerts[1]["labels"]["foo"] == "bar" and alerts[1]["annotations"]["aaa"] == "bbb"
    assert all(a["generatorURL"] == "https://generatorurl.com" and "endsAt" not in a for a in alerts)
    assert all(datetime.fromisoformat(a["startsAt"]).tzinfo is not None for a in alerts)


def test_shipped_template_escapes_json_strings(tmp_path):
    nasty = 'say "hi"\\ then\nnew line\tand tab'
    out = _render_with_real_amtool(tmp_path, '{{ template "amp.json.string" `' + nasty + '` }}')
    assert json.loads('"' + out.strip("\n") + '"') == nasty
    assert "\n" not in out.strip("\n")
