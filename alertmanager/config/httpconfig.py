"""``http_config`` (prometheus/common ``HTTPClientConfig``) and its parts, with upstream's checks.

Each block is a frozen dataclass that also reads as a ``Mapping`` by YAML key
(``cfg["tls_config"]["ca_file"]``), which is what ``alertmanager.notify.http.new_client`` takes.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from alertmanager.config.values import Secret

__all__ = [
    "Authorization",
    "BasicAuth",
    "HTTPClientConfig",
    "HTTPHeader",
    "OAuth2",
    "TLSConfig",
    "canonical_header_key",
    "join_dir",
]


class _YamlMapping(Mapping[str, Any]):
    """Read a dataclass by YAML key; ``None`` fields are absent."""

    __slots__ = ()

    def _keys(self) -> dict[str, str]:
        return {f.metadata.get("yaml", f.name): f.name for f in dataclasses.fields(self)  # type: ignore[arg-type]
                if not f.metadata.get("skip")}

    def __getitem__(self, key: str) -> Any:
        name = self._keys().get(key)
        if name is None:
            raise KeyError(key)
        value = getattr(self, name)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (k for k, n in self._keys().items() if getattr(self, n) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def join_dir(base: str | None, path: str) -> str:
    """Upstream's ``JoinDir``: relative, non-empty paths are taken relative to ``base``."""
    if not base or not path or os.path.isabs(path):
        return path
    return os.path.normpath(os.path.join(base, path))


def canonical_header_key(name: str) -> str:
    """Go's ``http.CanonicalHeaderKey`` (``content-type`` → ``Content-Type``)."""
    if not name or any(c in name for c in " \t\r\n") or not name.isascii():
        return name
    return "-".join(p[:1].upper() + p[1:].lower() for p in name.split("-"))


_TLS_VERSIONS = ("TLS10", "TLS11", "TLS12", "TLS13")


@dataclass(frozen=True, slots=True, kw_only=True, eq=True)
class TLSConfig(_YamlMapping):
    GO_TYPE: ClassVar[str] = "config.plain"

    ca: str = ""
    cert: str = ""
    key: Secret | None = None
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    ca_ref: str = ""
    cert_ref: str = ""
    key_ref: str = ""
    server_name: str = ""
    insecure_skip_verify: bool = False
    min_version: str = ""
    max_version: str = ""

    def _validate(self) -> Self:
        for v in (self.min_version, self.max_version):
            if v and v not in _TLS_VERSIONS:
                raise ValueError(f"unknown TLS version: {v}")
        if sum(map(bool, (self.ca, self.ca_file, self.ca_ref))) > 1:
            raise ValueError("at most one of ca, ca_file & ca_ref must be configured")
        if sum(map(bool, (self.cert, self.cert_file, self.cert_ref))) > 1:
            raise ValueError("at most one of cert, cert_file & cert_ref must be configured")
        if sum(map(bool, (self.key, self.key_file, self.key_ref))) > 1:
            raise ValueError("at most one of key and key_file must be configured")
        has_cert = bool(self.cert or self.cert_file or self.cert_ref)
        has_key = bool(self.key or self.key_file or self.key_ref)
        if has_cert and not has_key:
            raise ValueError("exactly one of key or key_file must be configured when a client certificate is "
                             "configured")
        if has_key and not has_cert:
            raise ValueError("exactly one of cert or cert_file must be configured when a client key is configured")
        return self

    def with_directory(self, base: str | None) -> TLSConfig:
        return dataclasses.replace(self, ca_file=join_dir(base, self.ca_file),
                                   cert_file=join_dir(base, self.cert_file), key_file=join_dir(base, self.key_file))


@dataclass(frozen=True, slots=True, kw_only=True)
class BasicAuth(_YamlMapping):
    GO_TYPE: ClassVar[str] = "config.plain"

    username: str = ""
    username_file: str = ""
    username_ref: str = ""
    password: Secret | None = None
    password_file: str = ""
    password_ref: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorization(_YamlMapping):
    GO_TYPE: ClassVar[str] = "config.Authorization"

    type: str = ""
    credentials: Secret | None = None
    credentials_file: str = ""
    credentials_ref: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HTTPHeader:
    """One ``http_headers`` entry. Not a full Mapping (its ``values`` field would shadow
    ``Mapping.values``), but ``header.get("values")`` works like the other blocks."""

    GO_TYPE: ClassVar[str] = "config.Header"

    values: tuple[str, ...] = ()
    secrets: tuple[Secret, ...] = ()
    files: tuple[str, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        if key in ("values", "secrets", "files"):
            return getattr(self, key)
        return default


def _check_proxy(proxy_url: str, no_proxy: str, from_env: bool, connect_header: Mapping[str, Any]) -> None:
    if connect_header and not from_env and not proxy_url:
        raise ValueError("if proxy_connect_header is configured, proxy_url or proxy_from_environment must also "
                         "be configured")
    if from_env and proxy_url:
        raise ValueError("if proxy_from_environment is configured, proxy_url must not be configured")
    if from_env and no_proxy:
        raise ValueError("if proxy_from_environment is configured, no_proxy must not be configured")
    if not proxy_url and no_proxy:
        raise ValueError("if no_proxy is configured, proxy_url must also be configured")


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuth2(_YamlMapping):
    GO_TYPE: ClassVar[str] = "config.plain"

    client_id: str = ""
    client_secret: Secret | None = None
    client_secret_file: str = ""
    client_secret_ref: str = ""
    client_certificate_key_id: str = ""
    client_certificate_key: Secret | None = None
    client_certificate_key_file: str = ""
    client_certificate_key_ref: str = ""
    grant_type: str = ""
    signature_algorithm: str = ""
    iss: str = ""
    audience: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    token_url: str = ""
    endpoint_params: dict[str, str] = field(default_factory=dict)
    tls_config: TLSConfig = field(default_factory=TLSConfig)
    proxy_url: str = ""
    no_proxy: str = ""
    proxy_from_environment: bool = False
    proxy_connect_header: dict[str, tuple[Secret, ...]] = field(default_factory=dict)

    def _validate(self) -> Self:
        _check_proxy(self.proxy_url, self.no_proxy, self.proxy_from_environment, self.proxy_connect_header)
        return self


_RESERVED_HEADERS = frozenset({
    "Authorization", "Host", "Content-Encoding", "Content-Length", "Content-Type", "User-Agent",
    "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Www-Authenticate",
    "Accept-Encoding", "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version",
    "X-Prometheus-Scrape-Timeout-Seconds", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
})
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass(frozen=True, slots=True, kw_only=True)
class HTTPClientConfig(_YamlMapping):
    """Upstream's ``http_config``; defaults follow redirects and allow HTTP/2."""

    GO_TYPE: ClassVar[str] = "config.plain"

    basic_auth: BasicAuth | None = None
    authorization: Authorization | None = None
    oauth2: OAuth2 | None = None
    bearer_token: Secret | None = None
    bearer_token_file: str = ""
    tls_config: TLSConfig = field(default_factory=TLSConfig)
    follow_redirects: bool = True
    enable_http2: bool = True
    proxy_url: str = ""
    no_proxy: str = ""
    proxy_from_environment: bool = False
    proxy_connect_header: dict[str, tuple[Secret, ...]] = field(default_factory=dict)
    http_headers: dict[str, HTTPHeader] | None = None

    def _validate(self) -> Self:  # noqa: C901 - one rule per line, in upstream's order
        c = self
        if c.bearer_token and c.bearer_token_file:
            raise ValueError("at most one of bearer_token & bearer_token_file must be configured")
        if (c.basic_auth or c.oauth2) and (c.bearer_token or c.bearer_token_file):
            raise ValueError("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
        b = c.basic_auth
        if b is not None and sum(map(bool, (b.username, b.username_file, b.username_ref))) > 1:
            raise ValueError("at most one of basic_auth username, username_file & username_ref must be configured")
        if b is not None and sum(map(bool, (b.password, b.password_file, b.password_ref))) > 1:
            raise ValueError("at most one of basic_auth password, password_file & password_ref must be configured")
        a = c.authorization
        if a is not None:
            if c.bearer_token or c.bearer_token_file:
                raise ValueError("authorization is not compatible with bearer_token & bearer_token_file")
            if sum(map(bool, (a.credentials, a.credentials_file, a.credentials_ref))) > 1:
                raise ValueError("at most one of authorization credentials & credentials_file must be configured")
            a = dataclasses.replace(a, type=a.type.strip() or "Bearer")
            if a.type.lower() == "basic":
                raise ValueError('authorization type cannot be set to "basic", use "basic_auth" instead')
            if c.basic_auth or c.oauth2:
                raise ValueError("at most one of basic_auth, oauth2 & authorization must be configured")
            c = dataclasses.replace(c, authorization=a)
        elif c.bearer_token:
            c = dataclasses.replace(c, authorization=Authorization(type="Bearer", credentials=c.bearer_token),
                                    bearer_token=None)
        elif c.bearer_token_file:
            c = dataclasses.replace(c, authorization=Authorization(type="Bearer",
                                                                   credentials_file=c.bearer_token_file),
                                    bearer_token_file="")
        o = c.oauth2
        if o is not None:
            if c.basic_auth is not None:
                raise ValueError("at most one of basic_auth, oauth2 & authorization must be configured")
            if not o.client_id:
                raise ValueError("oauth2 client_id must be configured")
            if not o.token_url:
                raise ValueError("oauth2 token_url must be configured")
            if o.grant_type == _JWT_BEARER:
                keys = (o.client_certificate_key, o.client_certificate_key_file, o.client_certificate_key_ref)
                if sum(map(bool, keys)) > 1:
                    raise ValueError("at most one of oauth2 client_certificate_key, client_certificate_key_file & "
                                     "client_certificate_key_ref must be configured using "
                                     "grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer")
                if o.signature_algorithm and o.signature_algorithm not in ("RS256", "RS384", "RS512"):
                    raise ValueError("valid signature algorithms are RS256, RS384 and RS512")
            elif sum(map(bool, (o.client_secret, o.client_secret_file, o.client_secret_ref))) > 1:
                raise ValueError("at most one of oauth2 client_secret, client_secret_file & client_secret_ref must "
                                 "be configured using grant-type=client_credentials")
        _check_proxy(c.proxy_url, c.no_proxy, c.proxy_from_environment, c.proxy_connect_header)
        for name in c.http_headers or {}:
            if canonical_header_key(name) in _RESERVED_HEADERS:
                raise ValueError(f'setting header "{canonical_header_key(name)}" is not allowed')
        return c

    def with_directory(self, base: str | None) -> HTTPClientConfig:
        """Upstream's ``SetDirectory``: file paths relative to the config file's directory."""
        if not base:
            return self
        c = dataclasses.replace(self, tls_config=self.tls_config.with_directory(base),
                                bearer_token_file=join_dir(base, self.bearer_token_file))
        if c.basic_auth is not None:
            c = dataclasses.replace(c, basic_auth=dataclasses.replace(
                c.basic_auth, username_file=join_dir(base, c.basic_auth.username_file),
                password_file=join_dir(base, c.basic_auth.password_file)))
        if c.authorization is not None:
            c = dataclasses.replace(c, authorization=dataclasses.replace(
                c.authorization, credentials_file=join_dir(base, c.authorization.credentials_file)))
        if c.oauth2 is not None:
            c = dataclasses.replace(c, oauth2=dataclasses.replace(
                c.oauth2, client_secret_file=join_dir(base, c.oauth2.client_secret_file),
                client_certificate_key_file=join_dir(base, c.oauth2.client_certificate_key_file),
                tls_config=c.oauth2.tls_config.with_directory(base)))
        if c.http_headers:
            c = dataclasses.replace(c, http_headers={
                k: dataclasses.replace(h, files=tuple(join_dir(base, f) for f in h.files))
                for k, h in c.http_headers.items()})
        return c
