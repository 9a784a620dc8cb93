"""The Amazon SNS receiver (``sns_configs``): config. botocore is imported by the notifier only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import Secret

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "SNSConfig", "SigV4Config"]


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
