"""An SNS HTTPS subscription endpoint: Amazon Managed Prometheus alerts in, as if POSTed to /api/v2/alerts.

The AMP ruler can only notify AMP's own alert manager, which can only publish to SNS. A topic
subscribed to this endpoint closes the loop. Every message is checked before anything happens:

    body ──▶ envelope (JSON, known Type, required fields)         400 malformed / unsupported_type
         ──▶ TopicArn in allowed_topics                            403 topic_not_allowed
         ──▶ Timestamp not older than an hour nor in the future   403 expired / timestamp
         ──▶ SigningCertURL on https://sns.<region>.amazonaws.com  403 certificate_url
         ──▶ certificate fetched (cached), valid now, RSA          502 certificate_fetch / 403 certificate
         ──▶ signature (v1 SHA1withRSA, v2 SHA256withRSA)          403 signature
         ──▶ SubscriptionConfirmation: GET SubscribeURL (SNS only) 403 subscribe_url / 502 confirm_failed
             Notification: Message → alerts → ingest               400 no_alerts / 503 ingest_failed

Raw message delivery must stay off on the subscription: a raw message carries no signature.
"""

from __future__ import annotations

import base64
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from prometheus_client import CollectorRegistry, Counter
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from alertmanager.types import Clock

__all__ = ["Ingest", "SnsRejected", "alerts_from_message", "canonical_string", "check_sns_url", "sns_routes"]

Ingest = Callable[[list[dict[str, Any]]], Awaitable[None] | None]
HttpGet = Callable[[str], Awaitable[bytes]]

_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
_CONFIRM_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
# The fields each message type signs, in the (alphabetical) order the canonical string lists them.
_SIGNED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _CONFIRM_FIELDS,
    "UnsubscribeConfirmation": _CONFIRM_FIELDS,
}
_OPTIONAL_FIELDS = frozenset({"Subject"})
_HASHES: Mapping[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
_MAX_AGE = timedelta(hours=1)
_MAX_SKEW = timedelta(minutes=5)
_MAX_BODY = 512 * 1024  # an SNS message is at most 256 KiB; the envelope adds a little
_CERT_CACHE_SIZE = 16
_GO_TIME = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)(?: \S+)?")


class SnsRejected(Exception):
    """A message refused before it could touch any state: HTTP status, metric reason, human text."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


def check_sns_url(url: str, what: str) -> None:
    """Refuse any URL that is not HTTPS on an SNS endpoint host (sns.<region>.amazonaws.com[.cn])."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or parts.port not in (None, 443) or not _SNS_HOST.fullmatch(host):
        raise SnsRejected(403, "certificate_url" if what == "SigningCertURL" else "subscribe_url",
                          f"{what} {url!r} is not an https://sns.<region>.amazonaws.com URL")
    if what == "SigningCertURL" and not parts.path.endswith(".pem"):
        raise SnsRejected(403, "certificate_url", f"{what} {url!r} does not name a .pem certificate")


def canonical_string(msg: Mapping[str, str]) -> bytes:
    """The bytes SNS signs: "Name\\nvalue\\n" for each signed field present, in order."""
    out = []
    for name in _SIGNED_FIELDS[msg["Type"]]:
        if name in msg:
            out.append(f"{name}\n{msg[name]}\n")
    return "".join(out).encode()


def _envelope(body: bytes, header_type: str | None) -> dict[str, str]:
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise SnsRejected(400, "malformed", f"body is not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise SnsRejected(400, "malformed", "body is not a JSON object")
    kind = doc.get("Type")
    if not isinstance(kind, str) or kind not in _SIGNED_FIELDS:
        raise SnsRejected(400, "unsupported_type", f"unsupported message Type {kind!r}")
    if header_type is not None and header_type != kind:
        raise SnsRejected(400, "malformed", f"x-amz-sns-message-type {header_type!r} differs from Type {kind!r}")
    required = [*_SIGNED_FIELDS[kind], "Signature", "SignatureVersion", "SigningCertURL"]
    missing = [f for f in required if f not in doc and f not in _OPTIONAL_FIELDS]
    if missing:
        raise SnsRejected(400, "malformed", f"{kind} lacks {', '.join(missing)}")
    wrong = [f for f in required if f in doc and not isinstance(doc[f], str)]
    if wrong:
        raise SnsRejected(400, "malformed", f"{', '.join(wrong)} must be strings")
    return {k: v for k, v in doc.items() if isinstance(v, str)}


def _check_timestamp(stamp: str, now: datetime) -> None:
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        raise SnsRejected(400, "malformed", f"Timestamp {stamp!r} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise SnsRejected(400, "malformed", f"Timestamp {stamp!r} has no time zone")
    if at < now - _MAX_AGE:
        raise SnsRejected(403, "expired", f"Timestamp {stamp} is older than one hour (replayed or expired)")
    if at > now + _MAX_SKEW:
        raise SnsRejected(403, "timestamp", f"Timestamp {stamp} is in the future")


def _public_key(pem: bytes, now: datetime) -> rsa.RSAPublicKey:
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError as e:
        raise SnsRejected(403, "certificate", f"signing certificate is not a PEM certificate: {e}") from None
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SnsRejected(403, "certificate", "signing certificate is not valid now")
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SnsRejected(403, "certificate", "signing certificate has no RSA key")
    return key


def _verify(msg: Mapping[str, str], key: rsa.RSAPublicKey) -> None:
    algorithm = _HASHES.get(msg["SignatureVersion"])
    if algorithm is None:
        raise SnsRejected(403, "signature", f"unsupported SignatureVersion {msg['SignatureVersion']!r}")
    try:
        signature = base64.b64decode(msg["Signature"], validate=True)
        key.verify(signature, canonical_string(msg), padding.PKCS1v15(), algorithm())
    except (ValueError, InvalidSignature):
        raise SnsRejected(403, "signature", "message signature does not verify") from None


def _go_time(text: object) -> str | None:
    """An RFC 3339 time from Go's time.String() or RFC 3339 text; None for Go's zero time or junk."""
    if not isinstance(text, str) or not text or text.startswith("0001-01-01"):
        return None
    m = _GO_TIME.fullmatch(text.strip())
    if m:
        frac = (m[3] or "")[:7]
        text = f"{m[1]}T{m[2]}{frac}{m[4]}:{m[5]}"
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _from_json(doc: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    alerts = doc.get("alerts")
    out: list[dict[str, Any]] = []
    for item in alerts if isinstance(alerts, list) else []:
        if not isinstance(item, dict) or not _str_map(item.get("labels")):
            continue
        alert: dict[str, Any] = {"labels": _str_map(item["labels"]),
                                 "annotations": _str_map(item.get("annotations"))}
        starts = _go_time(item.get("startsAt"))
        if starts:
            alert["startsAt"] = starts
        if item.get("status") == "resolved":
            alert["endsAt"] = _go_time(item.get("endsAt")) or now.isoformat()
        # A firing alert's endsAt is the sender's guess; resolve_timeout applies here instead.
        if isinstance(item.get("generatorURL"), str) and item["generatorURL"]:
            alert["generatorURL"] = item["generatorURL"]
        out.append(alert)
    return out


def _from_text(text: str, now: datetime) -> list[dict[str, Any]]:
    """Alerts from the default sns.default.message text ("Alerts Firing:" / "Labels:" / " - k = v")."""
    out: list[dict[str, Any]] = []
    status: str | None = None
    current: dict[str, Any] | None = None
    section: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in ("Alerts Firing:", "Alerts Resolved:"):
            status, current, section = stripped.split()[1][:-1].lower(), None, None
        elif status and stripped == "Labels:":
            current = {"labels": {}, "annotations": {}}
            if status == "resolved":
                current["endsAt"] = now.isoformat()
            out.append(current)
            section = "labels"
        elif current is not None and stripped == "Annotations:":
            section = "annotations"
        elif current is not None and stripped.startswith("Source:"):
            url = stripped.removeprefix("Source:").strip()
            if url:
                current["generatorURL"] = url
            section = None
        elif current is not None and section and line.startswith(" - ") and " = " in line:
            name, _, value = line[3:].partition(" = ")
            current[section][name.strip()] = value
    return [a for a in out if a["labels"]]


def alerts_from_message(message: str, now: datetime) -> list[dict[str, Any]]:
    """PostableAlert dicts from an SNS Message: the JSON form configs/ ships, else the default text."""
    stripped = message.strip()
    if stripped.startswith("{"):
        try:
            doc = json.loads(stripped)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            return _from_json(doc, now)
    return _from_text(message, now)


async def _read_limited(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_BODY:
            raise SnsRejected(413, "malformed", f"body larger than {_MAX_BODY} bytes")
    return bytes(body)


def sns_routes(
    *,
    ingest: Ingest,
    allowed_topics: set[str] | None,
    clock: Clock,
    http_get_cert: HttpGet,
    registry: CollectorRegistry,
    http_get: HttpGet | None = None,
    path: str = "/api/v1/sns",
) -> list[Route]:
    """The POST route an SNS topic subscribes to.

    Args:
        ingest: receives the alerts of each verified notification, shaped like /api/v2/alerts' body.
        allowed_topics: topic ARNs accepted; None accepts any topic (only for a closed network).
        clock: the time source for timestamp and certificate checks.
        http_get_cert: GETs a signing certificate (PEM bytes); its host was checked before.
        registry: where alertmanager_sns_messages_total and ..._rejected_total{reason} register.
        http_get: GETs the SubscribeURL to confirm a subscription; defaults to http_get_cert.
        path: where the route is mounted.
    """
    received = Counter("alertmanager_sns_messages", "SNS messages received by the SNS endpoint.",
                       registry=registry)
    rejected = Counter("alertmanager_sns_messages_rejected", "SNS messages refused, by reason.",
                       ["reason"], registry=registry)
    confirm_get = http_get or http_get_cert
    keys: dict[str, rsa.RSAPublicKey] = {}

    async def key_for(url: str, now: datetime) -> rsa.RSAPublicKey:
        check_sns_url(url, "SigningCertURL")
        key = keys.get(url)
        if key is None:
            try:
                pem = await http_get_cert(url)
            except Exception as e:  # any transport failure: SNS retries the delivery
                raise SnsRejected(502, "certificate_fetch", f"cannot fetch signing certificate: {e}") from None
            key = _public_key(pem, now)
            if len(keys) >= _CERT_CACHE_SIZE:
                del keys[next(iter(keys))]
            keys[url] = key
        return key

    async def handle(msg: dict[str, str], now: datetime) -> str:
        if allowed_topics is not None and msg["TopicArn"] not in allowed_topics:
            raise SnsRejected(403, "topic_not_allowed", f"topic {msg['TopicArn']} is not allowed")
        _check_timestamp(msg["Timestamp"], now)
        _verify(msg, await key_for(msg["SigningCertURL"], now))
        if msg["Type"] == "SubscriptionConfirmation":
            check_sns_url(msg["SubscribeURL"], "SubscribeURL")
            try:
                await confirm_get(msg["SubscribeURL"])
            except Exception as e:
                raise SnsRejected(502, "confirm_failed", f"cannot confirm the subscription: {e}") from None
            return f"subscription to {msg['TopicArn']} confirmed"
        if msg["Type"] == "UnsubscribeConfirmation":
            return f"unsubscribed from {msg['TopicArn']}"
        alerts = alerts_from_message(msg["Message"], now)
        if not alerts:
            raise SnsRejected(400, "no_alerts", "notification Message carries no alert with labels")
        try:
            result = ingest(alerts)
            if inspect.isawaitable(result):
                await result
        except Exception as e:
            raise SnsRejected(503, "ingest_failed", f"alerts not ingested: {e}") from None
        return f"{len(alerts)} alerts ingested"

    async def endpoint(request: Request) -> PlainTextResponse:
        received.inc()
        try:
            msg = _envelope(await _read_limited(request), request.headers.get("x-amz-sns-message-type"))
            return PlainTextResponse(await handle(msg, clock()))
        except SnsRejected as e:
            rejected.labels(e.reason).inc()
            return PlainTextResponse(e.message + "\n", status_code=e.status)

    return [Route(path, endpoint, methods=["POST"])]
