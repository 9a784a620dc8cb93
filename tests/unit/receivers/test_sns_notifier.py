import hashlib
import re
import subprocess
import sys
from urllib.parse import parse_qsl, unquote_to_bytes

import httpx
import pytest
from receivers_helpers import GROUP_KEY, Sink, alerts, ctx, load_conf

from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers.sns import SNSNotifier

AK, SK, REGION = "AKIDTEST", "sk/SECRET+KEY", "eu-west-1"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:alerts"
OK = httpx.Response(200, content=b"<PublishResponse><PublishResult><MessageId>1</MessageId></PublishResult>"
                                 b"</PublishResponse>")


@pytest.fixture(autouse=True)
def no_ambient_aws(monkeypatch, tmp_path):
    """Keep the developer's AWS files, environment and instance metadata out of these tests."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
                "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def conf(**kw):
    entry = {"api_url": "http://sns.local:4566", "topic_arn": TOPIC,
             "sigv4": {"region": REGION, "access_key": AK, "secret_key": SK}, **kw}
    return load_conf("sns_configs", entry)


def form(req: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(req.content.decode("utf-8", "surrogateescape"), keep_blank_values=True))


def raw_form(req: httpx.Request) -> dict[bytes, bytes]:
    pairs = (p.split(b"=", 1) for p in req.content.split(b"&"))
    return {unquote_to_bytes(k): unquote_to_bytes(v.replace(b"+", b" ")) for k, v in pairs}


def verify_sigv4(req: httpx.Request, access_key: str, secret_key: str, token: str | None = None) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/sns/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})", req.headers["Authorization"])
    assert m, req.headers["Authorization"]
    key, day, region, signed, signature = m.groups()
    assert (key, region, day) == (access_key, REGION, req.headers["X-Amz-Date"][:8])
    aws = AWSRequest(method=req.method, url=str(req.url), data=req.content,
                     headers={h: req.headers[h] for h in signed.split(";")})
    aws.context["timestamp"] = req.headers["X-Amz-Date"]
    auth = SigV4Auth(Credentials(access_key, secret_key, token), "sns", REGION)
    assert auth.signature(auth.string_to_sign(aws, auth.canonical_request(aws)), aws) == signature


def test_botocore_is_imported_lazily():
    code = "import sys, receivers.sns; print('botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_publish_request_form_and_signature():
    sink = Sink(OK)
    c = conf(attributes={"team": "{{ .CommonLabels.severity }}", "a": "1"}, subject="S {{ .Status }}",
             message="M {{ len .Alerts }}")
    await SNSNotifier(c, sink.deps()).notify(ctx(), alerts(2))
    req = sink.requests[0]
    assert (req.method, str(req.url)) == ("POST", "http://sns.local:4566/")
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert form(req) == {
        "Action": "Publish", "Version": "2010-03-31", "TopicArn": TOPIC, "Message": "M 2", "Subject": "S firing",
        "MessageAttributes.entry.1.Name": "a", "MessageAttributes.entry.1.Value.DataType": "String",
        "MessageAttributes.entry.1.Value.StringValue": "1",
        "MessageAttributes.entry.2.Name": "team", "MessageAttributes.entry.2.Value.DataType": "String",
        "MessageAttributes.entry.2.Value.StringValue": "page",
    }
    assert list(form(req)) == sorted(form(req))  # the Go SDK's url.Values order
    verify_sigv4(req, AK, SK)
    assert SK not in req.content.decode() and SK not in str(req.headers)


async def test_fifo_topic_gets_group_and_dedup_ids():
    sink = Sink(OK)
    await SNSNotifier(conf(topic_arn=TOPIC + ".fifo"), sink.deps()).notify(ctx(), alerts(1))
    f = form(sink.requests[0])
    assert f["MessageGroupId"] == f["MessageDeduplicationId"] == hashlib.sha256(GROUP_KEY.encode()).hexdigest()


@pytest.mark.parametrize(("target", "limit"), [
    ({"phone_number": "+15555550100"}, 1600), ({"target_arn": TOPIC + ":endpoint"}, 256 * 1024),
    ({"topic_arn": TOPIC}, 256 * 1024),
], ids=["sms", "target", "topic"])
async def test_message_truncated_in_bytes(target, limit):
    sink = Sink(OK)
    c = load_conf("sns_configs", {"api_url": "http://sns.local", "sigv4": {"region": REGION, "access_key": AK,
                                  "secret_key": SK}, "message": "x" * (limit - 1) + "é" * 10, **target})
    await SNSNotifier(c, sink.deps()).notify(ctx(), alerts(1))
    raw = raw_form(sink.requests[0])  # bytes: the cut may split a character
    assert len(raw[b"Message"]) == limit and raw[b"Message"].startswith(b"x" * (limit - 1))
    assert raw[b"MessageAttributes.entry.1.Name"] == b"truncated"
    assert raw[b"MessageAttributes.entry.1.Value.StringValue"] == b"true"
    key = {"phone_number": b"PhoneNumber", "target_arn": b"TargetArn", "topic_arn": b"TopicArn"}[next(iter(target))]
    assert key in raw


async def test_credentials_from_the_environment_chain(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
    monkeypatch.setenv("AWS_REGION", REGION)
    sink = Sink(OK)
    c = load_conf("sns_configs", {"api_url": "http://sns.local", "topic_arn": TOPIC})
    await SNSNotifier(c, sink.deps()).notify(ctx(), alerts(1))
    req = sink.requests[0]
    assert req.headers["X-Amz-Security-Token"] == "env-token"
    verify_sigv4(req, "AKIDENV", "env-secret", "env-token")


async def test_default_endpoint_from_region():
    sink = Sink(OK)
    c = load_conf("sns_configs", {"topic_arn": TOPIC, "sigv4": {"region": REGION, "access_key": AK, "secret_key": SK}})
    await SNSNotifier(c, sink.deps()).notify(ctx(), alerts(1))
    assert str(sink.requests[0].url) == f"https://sns.{REGION}.amazonaws.com/"


async def test_missing_region_is_reported():
    c = load_conf("sns_configs", {"topic_arn": TOPIC, "sigv4": {"access_key": AK, "secret_key": SK}})
    with pytest.raises(NotifyError, match="region not configured in sns.sigv4.region"):
        await SNSNotifier(c, Sink(OK).deps()).notify(ctx(), alerts(1))


ERR = (b'<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: '
       b"TopicArn</Message></Error><RequestId>r</RequestId></ErrorResponse>")


@pytest.mark.parametrize(("status", "retryable", "reason"), [
    (400, False, "clientError"), (403, False, "authError"), (404, False, "clientError"),
    (429, False, "rateLimited"), (500, True, "serverError"), (503, True, "serverError"),
], ids=str)
async def test_status_codes(status, retryable, reason):
    with pytest.raises(NotifyError) as info:
        await SNSNotifier(conf(), Sink(httpx.Response(status, content=ERR)).deps()).notify(ctx(), alerts(1))
    assert (info.value.retryable, info.value.reason) == (retryable, reason)
    assert str(info.value) == f"unexpected status code {status}: Invalid parameter: TopicArn"
    assert SK not in str(info.value)


async def test_transport_error_retries_without_secrets():
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"dial {request.url}", request=request)

    with pytest.raises(NotifyError) as info:
        await SNSNotifier(conf(), NotifierDeps(transport=httpx.MockTransport(boom))).notify(ctx(), alerts(1))
    assert info.value.retryable and SK not in str(info.value) and "sns.local" not in str(info.value)


async def test_template_error_is_a_client_error():
    with pytest.raises(NotifyError) as info:
        await SNSNotifier(conf(topic_arn="{{ .Nope.X }}"), Sink(OK).deps()).notify(ctx(), alerts(1))
    assert (info.value.retryable, info.value.reason) == (False, "clientError")
    assert str(info.value).startswith("execute 'topic_arn' template: ")


async def test_no_attributes_sends_an_empty_map_like_upstream():
    sink = Sink(OK)
    await SNSNotifier(conf(phone_number="+15555550100", topic_arn="", subject=""), sink.deps()).notify(
        ctx(), alerts(1))
    f = form(sink.requests[0])
    # Alertmanager 0.25 (aws-sdk-go) was seen sending "MessageAttributes=" and no Subject.
    assert f["MessageAttributes"] == "" and "Subject" not in f and f["PhoneNumber"] == "+15555550100"
    assert "TopicArn" not in f
    verify_sigv4(sink.requests[0], AK, SK)
