"""``--web.config.file``: TLS and basic auth in the Prometheus exporter-toolkit format.

    tls_server_config: {cert_file, key_file, client_auth_type, client_ca_file}
    http_server_config: {headers: {...}}
    basic_auth_users: {name: <bcrypt hash>}
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BasicAuthMiddleware", "WebConfig", "WebConfigError", "load_web_config"]

_CLIENT_AUTH = {
    "": ssl.CERT_NONE,
    "NoClientCert": ssl.CERT_NONE,
    "RequestClientCert": ssl.CERT_NONE,
    "RequireAnyClientCert": ssl.CERT_REQUIRED,
    "VerifyClientCertIfGiven": ssl.CERT_OPTIONAL,
    "RequireAndVerifyClientCert": ssl.CERT_REQUIRED,
}
_TOP_KEYS = {"tls_server_config", "http_server_config", "basic_auth_users"}
_TLS_KEYS = {"cert_file", "key_file", "client_auth_type", "client_ca_file", "cert", "key",
             "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites",
             "curve_preferences", "client_allowed_sans"}


class WebConfigError(ValueError):
    """A web config file that cannot be used; the server refuses to start with it."""


@dataclass(frozen=True, slots=True)
class WebConfig:
    cert_file: str = ""
    key_file: str = ""
    client_ca_file: str = ""
    client_cert_reqs: int = ssl.CERT_NONE
    headers: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    @property
    def tls(self) -> bool:
        return bool(self.cert_file)

    def uvicorn_ssl_kwargs(self) -> dict[str, Any]:
        if not self.tls:
            return {}
        kwargs: dict[str, Any] = {"ssl_certfile": self.cert_file, "ssl_keyfile": self.key_file,
                                  "ssl_cert_reqs": self.client_cert_reqs}
        if self.client_ca_file:
            kwargs["ssl_ca_certs"] = self.client_ca_file
        return kwargs


def load_web_config(path: str) -> WebConfig:
    """Read and check a web config file; paths inside it are relative to the file."""
    if not path:
        return WebConfig()
    base = Path(path).parent
    try:
        raw = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise WebConfigError(f"reading web config {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise WebConfigError(f"web config {path}: expected a mapping")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise WebConfigError(f"web config {path}: unknown field(s) {sorted(unknown)}")
    tls = raw.get("tls_server_config") or {}
    bad = set(tls) - _TLS_KEYS
    if bad:
        raise WebConfigError(f"web config {path}: tls_server_config: unknown field(s) {sorted(bad)}")

    def rel(p: str | None) -> str:
        return "" if not p else str(p if Path(p).is_absolute() else base / p)

    cert, key = rel(tls.get("cert_file")), rel(tls.get("key_file"))
    if tls and (not cert or not key):
        raise WebConfigError("missing cert_file or key_file in tls_server_config")
    auth_type = tls.get("client_auth_type", "") or ""
    if auth_type not in _CLIENT_AUTH:
        raise WebConfigError(f"invalid ClientAuth: {auth_type}")
    ca = rel(tls.get("client_ca_file"))
    if auth_type in ("RequireAndVerifyClientCert", "VerifyClientCertIfGiven") and not ca:
        raise WebConfigError("client_ca_file must be set when client_auth_type verifies client certificates")
    http = raw.get("http_server_config") or {}
    users = raw.get("basic_auth_users") or {}
    return WebConfig(cert_file=cert, key_file=key, client_ca_file=ca, client_cert_reqs=_CLIENT_AUTH[auth_type],
                     headers={str(k): str(v) for k, v in (http.get("headers") or {}).items()},
                     users={str(k): str(v) for k, v in users.items()})


class BasicAuthMiddleware:
    """Require HTTP basic auth against bcrypt hashes; remembers successful checks (bcrypt is slow)."""

    def __init__(self, app: ASGIApp, users: dict[str, str], headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.users = users
        self.headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        self._ok: set[bytes] = set()

    def _authorized(self, header: bytes) -> bool:
        if not self.users:
            return True
        if not header.startswith(b"Basic "):
            return False
        digest = hashlib.sha256(header).digest()
        if digest in self._ok:
            return True
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        stored = self.users.get(user)
        if stored is None:
            return False
        import bcrypt

        if bcrypt.checkpw(password.encode(), stored.encode()):
            if len(self._ok) < 4096:
                self._ok.add(digest)
            return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        auth = dict(scope["headers"]).get(b"authorization", b"")
        if not self._authorized(auth):
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"www-authenticate", b'Basic realm="alertmanager"'),
                                    (b"content-type", b"text/plain; charset=utf-8"), *self.headers]})
            await send({"type": "http.response.body", "body": b"Unauthorized\n"})
            return
        if not self.headers:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


