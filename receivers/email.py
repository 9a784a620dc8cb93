"""The e-mail receiver (``email_configs``): config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar, Self

from alertmanager.config.httpconfig import TLSConfig, canonical_header_key
from alertmanager.config.schema import GlobalConfig, NotifierConfig
from alertmanager.config.values import HostPort, Secret

__all__ = ["CONFIG", "DEFAULT_SUBJECT", "GLOBAL_FALLBACKS", "EmailConfig", "ThreadingConfig", "resolve_globals"]

DEFAULT_SUBJECT = '{{ template "email.default.subject" . }}'


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadingConfig:
    GO_TYPE: ClassVar[str] = "config.ThreadingConfig"

    enabled: bool = False
    thread_by_date: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailConfig(NotifierConfig):
    """One ``email_configs`` entry."""

    send_resolved: bool = False
    to: str = ""
    from_: str = field(default="", metadata={"yaml": "from"})
    hello: str = ""
    smarthost: HostPort = field(default_factory=HostPort)
    auth_username: str = ""
    auth_password: Secret | None = None
    auth_password_file: str = ""
    auth_secret: Secret | None = None
    auth_secret_file: str = ""
    auth_identity: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    html: str = '{{ template "email.default.html" . }}'
    text: str = ""
    require_tls: bool | None = None
    tls_config: TLSConfig | None = None
    force_implicit_tls: bool | None = None
    threading: ThreadingConfig = field(default_factory=ThreadingConfig)

    def _validate(self) -> Self:
        if not self.to:
            raise ValueError("missing to address in email config")
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = canonical_header_key(name)
            if key in headers:
                raise ValueError(f'duplicate header "{key}" in email config')
            headers[key] = value
        if self.threading.enabled:
            if "References" in headers:
                raise ValueError("conflicting configuration: threading.enabled conflicts with custom References header")
            if "In-Reply-To" in headers:
                raise ValueError(
                    "conflicting configuration: threading.enabled conflicts with custom In-Reply-To header")
            if self.threading.thread_by_date not in ("none", "daily"):
                raise ValueError("threading.thread_by_date must be either 'none' or 'daily'")
        return dataclasses.replace(self, headers=headers)


CONFIG = EmailConfig
GLOBAL_FALLBACKS = {
    "tls_config": "smtp_tls_config",
    "smarthost": "smtp_smarthost",
    "from_": "smtp_from",
    "hello": "smtp_hello",
    "auth_username": "smtp_auth_username",
    "auth_secret": "smtp_auth_secret",
    "auth_secret_file": "smtp_auth_secret_file",
    "auth_identity": "smtp_auth_identity",
    "require_tls": "smtp_require_tls",
    "force_implicit_tls": "smtp_force_implicit_tls",
}
GLOBAL_FALLBACK_GROUPS = ({"auth_password": "smtp_auth_password", "auth_password_file": "smtp_auth_password_file"},)


def resolve_globals(conf: EmailConfig, glob: GlobalConfig) -> EmailConfig:
    if not conf.smarthost:
        raise ValueError("no global SMTP smarthost set")
    if not conf.from_:
        raise ValueError("no global SMTP from set")
    return conf
