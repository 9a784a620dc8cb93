"""The Amazon SNS receiver (``sns_configs``): config. botocore is imported by the notifier only."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import httpx

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.http import new_client, redact_url
from alertmanager.notify.notifier import NotifierDeps, NotifyError, reason_from_status
from receivers._render import Renderer, group_key_hash, template_data, template_of

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "SNSConfig", "SNSNotifier", "SigV4Config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Config:
    """AWS credentials and signing options (prometheus/sigv4)."""

    GO_TYPE: ClassVar[str] = "sigv4.plain"

    region: str = ""
    access_key: str = ""
    secret_key: Secret | None = None
    profile: str = ""
    role_arn: str = ""
    external_id: str = ""
    use_fips_sts_endpoint: bool = False
    service_name: str = ""

    def _validate(self) -> Self:
        if bool(self.access_key) != bool(self.secret_key):
            raise ValueError("must provide a AWS SigV4 Access key and Secret Key if credentials are specified in "
                             "the SigV4 config")
        if self.external_id and not self.role_arn:
            raise ValueError("external_id can only be used with role_arn")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class SNSConfig(HTTPNotifierConfig):
    """One ``sns_configs`` entry: exactly one of topic ARN, target ARN or phone number."""

    send_resolved: bool = True
    api_url: str = ""
    sigv4: SigV4Config = field(default_factory=SigV4Config)
    topic_arn: str = ""
    phone_number: str = ""
    target_arn: str = ""
    subject: str = '{{ template "sns.default.subject" . }}'
    message: str = '{{ template "sns.default.message" . }}'
    attributes: dict[str, str] = field(default_factory=dict)
    use_aws_http_client: bool = False

    def _validate(self) -> Self:
        # Upstream's check, kept bit for bit: (a == "") != (b == "") != (c == "").
        if ((self.target_arn == "") != (self.topic_arn == "")) != (self.phone_number == ""):
            raise ValueError("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config")
        return self


CONFIG = SNSConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}


# -- notifier (RECEIVERS-1) --------------------------------------------------------------------

_MAX_MESSAGE_BYTES = 256 * 1024
_MAX_SMS_BYTES = 1600
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Signer:
    """Where and as whom to publish: the endpoint, the region and botocore credentials."""

    endpoint: str
    region: str
    credentials: Any


def _truncate(message: str, limit: int) -> tuple[str | bytes, bool]:
    """Upstream's byte cut (it may split a character; the bytes are sent as they are)."""
    raw = message.encode()
    if len(raw) <= limit:
        return message, False
    return raw[:limit], True


class SNSNotifier:
    """Publishes to an SNS topic, target or phone number with botocore's credentials and SigV4.

    botocore loads on first use. Requests are serialised as the AWS SDKs do (query protocol,
    form-encoded ``Publish``), signed with ``SigV4Auth`` and sent with httpx; 5xx retries.
    """

    def __init__(self, conf: SNSConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)
        self._session: Any = None
        self._credentials: Any = None
        self._endpoints: dict[str, str] = {}

    # botocore work is blocking (credential files, instance metadata, STS), so it runs in a thread.
    def _signer(self, api_url: str) -> _Signer:
        import botocore.config
        import botocore.credentials
        import botocore.session

        s4 = self.conf.sigv4
        if self._session is None:
            session = botocore.session.Session(profile=s4.profile or None)
            if s4.access_key:
                session.set_credentials(s4.access_key, s4.secret_key.value if s4.secret_key else "")
            self._session = session
        session = self._session
        # The Go SDK also reads AWS_REGION, which botocore leaves to AWS_DEFAULT_REGION.
        region = s4.region or session.get_config_variable("region") or os.environ.get("AWS_REGION", "")
        if not region:
            raise NotifyError("region not configured in sns.sigv4.region or in default credentials chain",
                              retryable=True)
        if self._credentials is None:
            creds = session.get_credentials()
            if s4.role_arn and creds is not None:
                sts_config = botocore.config.Config(use_fips_endpoint=s4.use_fips_sts_endpoint)
                fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
                    client_creator=functools.partial(session.create_client, region_name=region, config=sts_config),
                    source_credentials=creds,
                    role_arn=s4.role_arn,
                    extra_args={"ExternalId": s4.external_id} if s4.external_id else None,
                )
                creds = botocore.credentials.DeferredRefreshableCredentials(
                    refresh_using=fetcher.fetch_credentials, method="assume-role")
            if creds is None:
                raise NotifyError("failed to retrieve credentials: Unable to locate credentials", retryable=True)
            self._credentials = creds
        endpoint = api_url or self._endpoints.get(region, "")
        if not endpoint:
            endpoint = session.create_client("sns", region_name=region).meta.endpoint_url
            self._endpoints[region] = endpoint
        # Resolving now surfaces credential and STS failures here, off the event loop.
        self._credentials.get_frozen_credentials()
        return _Signer(endpoint, region, self._credentials)

    def _publish_params(self, ctx: NotifyContext, render: Renderer) -> dict[str, Any]:
        c = self.conf
        params: dict[str, Any] = {}
        attributes = {render(k): render(v) for k, v in c.attributes.items()}
        render.check("execute 'attributes' template", reason="clientError")
        limit = _MAX_MESSAGE_BYTES
        if c.topic_arn:
            topic = render(c.topic_arn)
            render.check("execute 'topic_arn' template", reason="clientError")
            params["TopicArn"] = topic
            if topic.endswith(".fifo"):
                params["MessageDeduplicationId"] = params["MessageGroupId"] = group_key_hash(ctx.group_key)
        if c.phone_number:
            params["PhoneNumber"] = render(c.phone_number)
            render.check("execute 'phone_number' template", reason="clientError")
            limit = _MAX_SMS_BYTES
        if c.target_arn:
            params["TargetArn"] = render(c.target_arn)
            render.check("execute 'target_arn' template", reason="clientError")
        message = render(c.message)
        render.check("execute 'message' template", reason="clientError")
        params["Message"], truncated = _truncate(message, limit)
        if truncated:
            attributes["truncated"] = "true"
        params["MessageAttributes"] = {k: {"DataType": "String", "StringValue": attributes[k]}
                                       for k in sorted(attributes)}
        if c.subject:
            params["Subject"] = render(c.subject)
            render.check("execute 'subject' template", reason="clientError")
        return params

    def _signed_request(self, signer: _Signer, params: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
        import botocore.auth
        import botocore.awsrequest
        import botocore.serialize

        operation = self._session.get_service_model("sns").operation_model("Publish")
        serialized = botocore.serialize.create_serializer("query", include_validation=False).serialize_to_request(
            params, operation)
        body = serialized["body"]
        if not params["MessageAttributes"]:
            # Upstream's SDK sends an empty map as an empty value.
            body["MessageAttributes"] = ""
        # The Go SDK encodes form values sorted by name.
        body = dict(sorted(body.items()))
        url = signer.endpoint.rstrip("/") + serialized["url_path"]
        request = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body, headers=serialized["headers"])
        botocore.auth.SigV4Auth(signer.credentials.get_frozen_credentials(), "sns", signer.region).add_auth(request)
        prepared = request.prepare()
        content = prepared.body if isinstance(prepared.body, bytes) else str(prepared.body or "").encode()
        return url, dict(prepared.headers.items()), content

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        api_url = render(self.conf.api_url)
        render.check("execute 'api_url' template", reason="clientError")
        try:
            signer = await asyncio.to_thread(self._signer, api_url)
        except NotifyError:
            raise
        except Exception as e:  # botocore's credential and STS errors
            raise _aws_error(e) from None
        params = self._publish_params(ctx, render)
        url, headers, body = self._signed_request(signer, params)
        try:
            resp = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise NotifyError(redact_url(f'Post "<redacted>": {e}', url), retryable=True) from None
        if resp.status_code // 100 == 2:
            _log.debug("SNS message successfully published")
            return
        code = resp.status_code
        raise NotifyError(_error_text(self._session, code, resp), retryable=code // 100 == 5,
                          reason=reason_from_status(code))

    async def aclose(self) -> None:
        await self._client.aclose()


def _error_text(session: Any, code: int, resp: httpx.Response) -> str:
    """``unexpected status code N: <AWS error message>`` as upstream's Retrier words it."""
    import botocore.parsers

    message = ""
    try:
        shape = session.get_service_model("sns").operation_model("Publish").output_shape
        parsed = botocore.parsers.create_parser("query").parse(
            {"status_code": code, "headers": dict(resp.headers), "body": resp.content}, shape)
        message = str(parsed.get("Error", {}).get("Message", ""))
    except Exception:  # noqa: BLE001 - an unparsable error body only loses detail
        message = resp.text
    return f"unexpected status code {code}: {message}" if message else f"unexpected status code {code}"


def _aws_error(e: Exception) -> NotifyError:
    """A botocore failure: API errors (e.g. STS AssumeRole) by status code, the rest retried."""
    response = getattr(e, "response", None)
    if isinstance(response, dict):
        code = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        message = str(response.get("Error", {}).get("Message", ""))
        if code:
            text = f"unexpected status code {code}: {message}" if message else f"unexpected status code {code}"
            return NotifyError(text, retryable=code // 100 == 5, reason=reason_from_status(code))
    return NotifyError(f"failed to create SNS client: {type(e).__name__}: {e}", retryable=True)


NOTIFIER = SNSNotifier
"""The notifier class the app builds for each ``sns_configs`` entry (botocore loads on first send)."""
