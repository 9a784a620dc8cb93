"""The e-mail receiver (``email_configs``): config."""

from __future__ import annotations

import base64
import dataclasses
import hmac
import logging
import random
import secrets
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path
from typing import Any, ClassVar, Self

import aiosmtplib

from alertmanager.config.httpconfig import TLSConfig, canonical_header_key
from alertmanager.config.schema import GlobalConfig, NotifierConfig
from alertmanager.config.values import HostPort, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from alertmanager.template import Data, TemplateError
from receivers._mime import multipart_body, q_encode, quoted_printable, rfc1123z
from receivers._render import Renderer, group_key_hash, template_data, template_of

__all__ = ["CONFIG", "DEFAULT_SUBJECT", "GLOBAL_FALLBACKS", "NOTIFIER", "EmailConfig", "EmailNotifier",
           "ThreadingConfig", "resolve_globals", "tls_context"]

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


# -- notifier (RECEIVERS-1) --------------------------------------------------------------------

_TLS_VERSIONS = {"TLS10": ssl.TLSVersion.TLSv1, "TLS11": ssl.TLSVersion.TLSv1_1,
                 "TLS12": ssl.TLSVersion.TLSv1_2, "TLS13": ssl.TLSVersion.TLSv1_3}
_LOCALHOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_log = logging.getLogger(__name__)


def _fail(msg: str, *, retry: bool) -> NotifyError:
    return NotifyError(msg, retryable=retry, reason="other")


def _smtp_text(e: Exception) -> str:
    """An SMTP failure as Go's ``textproto.Error`` prints it (``550 5.1.1 no such user``)."""
    code, message = getattr(e, "code", None), getattr(e, "message", None)
    if isinstance(code, int) and code > 0 and isinstance(message, str):
        return f"{code:03d} {message}"
    return str(e)


class _NamedContext(ssl.SSLContext):
    """Verifies (and sends as SNI) ``tls_config.server_name`` whatever host name the client passes."""

    server_name = ""

    def wrap_bio(self, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO, server_side: bool = False,
                 server_hostname: str | bytes | None = None, session: ssl.SSLSession | None = None) -> ssl.SSLObject:
        return super().wrap_bio(incoming, outgoing, server_side, self.server_name or server_hostname, session)


def tls_context(tls: TLSConfig | None, host: str) -> tuple[ssl.SSLContext, str]:
    """An SSL context from ``tls_config`` and the server name to verify (default: the smarthost)."""
    t = tls or TLSConfig()
    ctx = _NamedContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.server_name = t.server_name or host
    ctx.load_default_certs()
    if t.ca_file:
        ctx.load_verify_locations(cafile=t.ca_file)
    elif t.ca:
        ctx.load_verify_locations(cadata=t.ca)
    if t.cert_file:
        ctx.load_cert_chain(t.cert_file, t.key_file or None)
    if t.insecure_skip_verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if t.min_version:
        ctx.minimum_version = _TLS_VERSIONS[t.min_version]
    if t.max_version:
        ctx.maximum_version = _TLS_VERSIONS[t.max_version]
    return ctx, t.server_name or host


def _addresses(text: str, what: str) -> list[str]:
    pairs = getaddresses([text])
    addrs = [a for _, a in pairs if a]
    if not addrs or len(addrs) != len(pairs):
        raise _fail(f"parse '{what}' addresses: mail: no address", retry=False)
    return addrs


class EmailNotifier:
    """Sends one multipart/alternative e-mail per group over SMTP (aiosmtplib).

    Like upstream: implicit TLS on port 465 (or ``force_implicit_tls``), otherwise STARTTLS when
    ``require_tls``; AUTH with the first of the server's mechanisms (PLAIN, LOGIN, CRAM-MD5) we
    have credentials for; connection and SMTP failures are retried, template and address errors not.
    """

    def __init__(self, conf: EmailConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        headers = dict(conf.headers)
        headers.setdefault("Subject", DEFAULT_SUBJECT)
        headers.setdefault("To", conf.to)
        headers.setdefault("From", conf.from_)
        self._headers = headers
        self._hostname = socket.gethostname() or "localhost.localdomain"
        self._rng = random.SystemRandom()

    def _implicit_tls(self) -> bool:
        if self.conf.force_implicit_tls is not None:
            return self.conf.force_implicit_tls
        return self.conf.smarthost.port == "465"

    def _secret(self, value: Secret | None, path: str, *, strip: bool) -> str:
        if path:
            try:
                text = Path(path).read_text()
            except OSError as e:
                raise _fail(f"find auth mechanism: could not read {path}: {e.strerror}", retry=True) from None
            return text.strip() if strip else text
        return value.value if value else ""

    async def _auth(self, smtp: aiosmtplib.SMTP, mechs: str, tls: bool) -> None:
        c = self.conf
        if not c.auth_username:
            return
        errors: list[str] = []
        for mech in mechs.split(" "):
            if mech == "CRAM-MD5":
                secret = self._secret(c.auth_secret, c.auth_secret_file, strip=False)
                if not secret:
                    errors.append("missing secret for CRAM-MD5 auth mechanism")
                    continue
                await self._run_auth(smtp, "*smtp.cramMD5Auth", self._cram_md5(smtp, secret))
                return
            if mech in ("PLAIN", "LOGIN"):
                password = self._secret(c.auth_password, c.auth_password_file, strip=True)
                if not password:
                    errors.append(f"missing password for {mech} auth mechanism")
                    continue
                if mech == "PLAIN":
                    await self._run_auth(smtp, "*smtp.plainAuth", self._plain(smtp, password, tls))
                else:
                    await self._run_auth(smtp, "*email.loginAuth", self._login(smtp, password))
                return
            errors.append("unknown auth mechanism: " + mech)
        raise _fail("find auth mechanism: " + "\n".join(errors), retry=True)

    @staticmethod
    async def _run_auth(smtp: aiosmtplib.SMTP, kind: str, steps: Any) -> None:
        try:
            await steps
        except (aiosmtplib.SMTPException, ValueError) as e:
            raise _fail(f"{kind} auth: {_smtp_text(e)}", retry=True) from None

    @staticmethod
    async def _expect(smtp: aiosmtplib.SMTP, *args: bytes) -> aiosmtplib.SMTPResponse:
        resp = await smtp.execute_command(*args)
        if resp.code not in (334, 235):
            raise aiosmtplib.SMTPAuthenticationError(resp.code, resp.message)
        return resp

    async def _plain(self, smtp: aiosmtplib.SMTP, password: str, tls: bool) -> None:
        host = self.conf.smarthost.host
        # Go's PlainAuth refuses to send a password in the clear except to localhost.
        if not tls and host not in _LOCALHOSTS:
            raise ValueError("unencrypted connection")
        token = f"{self.conf.auth_identity}\0{self.conf.auth_username}\0{password}".encode()
        await self._expect(smtp, b"AUTH", b"PLAIN", base64.b64encode(token))

    async def _login(self, smtp: aiosmtplib.SMTP, password: str) -> None:
        resp = await self._expect(smtp, b"AUTH", b"LOGIN")
        while resp.code == 334:
            challenge = base64.b64decode(resp.message).decode(errors="replace").lower()
            if challenge == "username:":
                answer = self.conf.auth_username
            elif challenge == "password:":
                answer = password
            else:
                await smtp.execute_command(b"*")
                raise ValueError("unexpected server challenge")
            resp = await self._expect(smtp, base64.b64encode(answer.encode()))

    async def _cram_md5(self, smtp: aiosmtplib.SMTP, secret: str) -> None:
        resp = await self._expect(smtp, b"AUTH", b"CRAM-MD5")
        digest = hmac.new(secret.encode(), base64.b64decode(resp.message), "md5").hexdigest()
        await self._expect(smtp, base64.b64encode(f"{self.conf.auth_username} {digest}".encode()))

    async def _hello(self, smtp: aiosmtplib.SMTP) -> None:
        try:
            await smtp.ehlo()
        except aiosmtplib.SMTPHeloError:
            try:
                await smtp.helo()
            except aiosmtplib.SMTPException as e:
                raise _fail(f"send EHLO command: {_smtp_text(e)}", retry=True) from None

    async def _connect(self) -> tuple[aiosmtplib.SMTP, bool]:
        c = self.conf
        implicit = self._implicit_tls()
        host, port = c.smarthost.host, int(c.smarthost.port or 25)
        try:
            ctx, server_name = tls_context(c.tls_config, host)
        except (OSError, ssl.SSLError) as e:
            raise _fail(f"parse TLS configuration: {e}", retry=False) from None
        smtp = aiosmtplib.SMTP(hostname=host, port=port, local_hostname=c.hello or "localhost", use_tls=implicit,
                               start_tls=False, tls_context=ctx if implicit else None, timeout=None)
        try:
            await smtp.connect()
        except (aiosmtplib.SMTPException, OSError) as e:
            what = "establish TLS connection to server" if implicit else "establish connection to server"
            raise _fail(f"{what}: {_smtp_text(e)}", retry=True) from None
        try:
            return smtp, await self._secure(smtp, ctx, server_name, implicit)
        except BaseException:
            await self._close(smtp, False)
            raise

    async def _secure(self, smtp: aiosmtplib.SMTP, ctx: ssl.SSLContext, server_name: str, implicit: bool) -> bool:
        """EHLO, then STARTTLS when required; whether the session is now encrypted."""
        c = self.conf
        await self._hello(smtp)
        if (c.require_tls is None or c.require_tls) and not implicit:
            if not smtp.supports_extension("starttls"):
                raise _fail(f"'require_tls' is true (default) but \"{c.smarthost}\" does not advertise the "
                            "STARTTLS extension", retry=True)
            try:
                await smtp.starttls(tls_context=ctx, server_hostname=server_name)
            except (aiosmtplib.SMTPException, OSError) as e:
                raise _fail(f"send STARTTLS command: {_smtp_text(e)}", retry=True) from None
            await self._hello(smtp)
            return True
        return implicit

    def _message(self, ctx: NotifyContext, render: Renderer, data: Data) -> bytes:
        head: list[str] = []
        for name, text in self._headers.items():
            try:
                value = self._tmpl.execute_text(text, data)
            except TemplateError as e:
                raise _fail(f'execute "{name}" header template: {e}', retry=False) from None
            head.append(f"{name}: {q_encode(value)}\r\n")
        if "Message-Id" not in self._headers:
            nanos = int(ctx.now.timestamp()) * 1_000_000_000 + ctx.now.microsecond * 1000
            head.append(f"Message-Id: <{nanos}.{self._rng.getrandbits(64)}@{self._hostname}>\r\n")
        if self.conf.threading.enabled:
            by = "" if self.conf.threading.thread_by_date == "none" else ctx.now.astimezone().strftime("%Y-%m-%d")
            root = f"<alert-{group_key_hash(ctx.group_key)[:16]}-{by}@alertmanager>"
            head.append(f"References: {root}\r\nIn-Reply-To: {root}\r\n")
        boundary = secrets.token_hex(30)
        head.append(f"Date: {rfc1123z(ctx.now.astimezone())}\r\n")
        head.append(f"Content-Type: multipart/alternative;  boundary={boundary}\r\n")
        head.append("MIME-Version: 1.0\r\n\r\n")
        parts: list[tuple[dict[str, str], bytes]] = []
        for kind, text in (("plain", self.conf.text), ("html", self.conf.html)):
            if not text:
                continue
            try:
                body = self._tmpl.execute_html(text, data) if kind == "html" else self._tmpl.execute_text(text, data)
            except TemplateError as e:
                raise _fail(f"execute {'html' if kind == 'html' else 'text'} template: {e}", retry=False) from None
            parts.append(({"Content-Transfer-Encoding": "quoted-printable",
                           "Content-Type": f"text/{kind}; charset=UTF-8"}, quoted_printable(body)))
        return "".join(head).encode() + multipart_body(boundary, parts)

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        smtp, tls = await self._connect()
        ok = False
        try:
            if smtp.supports_extension("auth"):
                await self._auth(smtp, smtp.esmtp_extensions.get("auth", ""), tls)
            data = template_data(ctx, alerts, self._external_url)
            render = Renderer(self._tmpl, data)
            sender = render(self.conf.from_)
            render.check("execute 'from' template")
            to = render(self.conf.to)
            render.check("execute 'to' template")
            senders = _addresses(sender, "from")
            if len(senders) != 1:
                raise _fail(f"must be exactly one 'from' address (got: {len(senders)})", retry=False)
            await self._send(smtp, senders[0], _addresses(to, "to"), self._message(ctx, render, data))
            ok = True
        finally:
            await self._close(smtp, ok)

    @staticmethod
    async def _send(smtp: aiosmtplib.SMTP, sender: str, rcpts: list[str], message: bytes) -> None:
        try:
            await smtp.mail(sender)
        except aiosmtplib.SMTPException as e:
            raise _fail(f"send MAIL command: {_smtp_text(e)}", retry=True) from None
        for rcpt in rcpts:
            try:
                await smtp.rcpt(rcpt)
            except aiosmtplib.SMTPException as e:
                raise _fail(f"send RCPT command: {_smtp_text(e)}", retry=True) from None
        try:
            await smtp.data(message)
        except aiosmtplib.SMTPException as e:
            raise _fail(f"delivery failure: {_smtp_text(e)}", retry=True) from None

    @staticmethod
    async def _close(smtp: aiosmtplib.SMTP, ok: bool) -> None:
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError) as e:
            if ok:
                _log.warning("failed to close SMTP connection: %s", e)
            smtp.close()


NOTIFIER = EmailNotifier
"""The notifier class the app builds for each ``email_configs`` entry."""
