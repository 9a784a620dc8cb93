"""The e-mail notifier against local aiosmtpd servers: plain, STARTTLS and implicit TLS; PLAIN,
LOGIN and CRAM-MD5; SMTP failures; the message's headers and parts."""

import datetime as dt
import email
import hmac
import ipaddress
import re
import ssl
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from receivers_helpers import GROUP_KEY, T0, alerts, ctx, free_port, load_conf

from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._mime import multipart_body, q_encode, quoted_printable, rfc1123z
from receivers.email import EmailNotifier

PASSWORD = "pa55-SECRET"


class Recorder:
    """Records delivered mails; optional handler hooks add LOGIN (``Username:``) and CRAM-MD5."""

    def __init__(self, reject_rcpt: bool = False) -> None:
        self.mails: list[dict[str, Any]] = []
        self.reject_rcpt = reject_rcpt

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.reject_rcpt:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.mails.append({"ehlo": session.host_name, "auth": session.auth_data, "tls": tls,
                           "from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                           "msg": email.message_from_bytes(envelope.original_content)})
        return "250 OK"

    async def auth_LOGIN(self, server, args):  # noqa: N802 - Go's client expects these challenges
        user = await server.challenge_auth("Username:")
        password = await server.challenge_auth("Password:")
        ok = password == PASSWORD.encode()
        return AuthResult(success=ok, auth_data=("LOGIN", user.decode()), handled=False)

    async def auth_CRAM__MD5(self, server, args):  # noqa: N802 - aiosmtpd spells "-" as "__"
        challenge = b"<1896.697170952@postoffice.example>"
        user, digest = (await server.challenge_auth(challenge, encode_to_b64=True)).split(b" ")
        ok = digest.decode() == hmac.new(b"cram-SECRET", challenge, "md5").hexdigest()
        return AuthResult(success=ok, auth_data=("CRAM-MD5", user.decode()), handled=False)


def _plain_auth(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=(mechanism, data.login.decode()) if ok else None)


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> tuple[str, ssl.SSLContext]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.test")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2020, 1, 1)).not_valid_after(dt.datetime(2040, 1, 1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("smtp.test"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    d = tmp_path_factory.mktemp("tls")
    (d / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(d / "cert.pem", d / "key.pem")
    return str(d / "cert.pem"), server_ctx


@pytest.fixture
def smtp() -> Iterator[Any]:
    started: list[Controller] = []

    def start(handler: Recorder | None = None, **kw: Any) -> tuple[int, Recorder]:
        handler = handler or Recorder()
        port = free_port()
        kw.setdefault("auth_require_tls", False)
        c = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_plain_auth, **kw)
        c.start()
        started.append(c)
        return port, handler

    yield start
    for c in started:
        c.stop()


def notifier(port: int, **entry: Any) -> EmailNotifier:
    conf = load_conf("email_configs", {"to": "ops@example.org", "smarthost": f"127.0.0.1:{port}", **entry})
    return EmailNotifier(conf, NotifierDeps(external_url="http://am.example:9093"))


def parts(msg: Message) -> list[tuple[str, str]]:
    return [(p.get_content_type(), p.get_payload(decode=True).decode()) for p in msg.get_payload()]


async def test_message_headers_parts_and_envelope(smtp):
    port, rec = smtp(auth_exclude_mechanism=["LOGIN", "CRAM-MD5"])
    n = notifier(port, hello="mx.test", auth_username="mailer", auth_password=PASSWORD, auth_identity="",
                 to="ops@example.org, Dev <dev@example.org>", text="{{ len .Alerts }} alerts",
                 headers={"x-team": "{{ .CommonLabels.severity }}", "Reply-To": "noc@example.org"})
    await n.notify(ctx(), alerts(2))
    mail = rec.mails[0]
    assert (mail["ehlo"], mail["auth"], mail["tls"]) == ("mx.test", ("PLAIN", "mailer"), False)
    assert (mail["from"], mail["to"]) == ("am@example.org", ["ops@example.org", "dev@example.org"])
    msg = mail["msg"]
    assert msg["Subject"] == "[FIRING:2] Disk (page)"
    assert (msg["To"], msg["From"], msg["X-Team"], msg["Reply-To"]) == (
        "ops@example.org, Dev <dev@example.org>", "am@example.org", "page", "noc@example.org")
    assert re.fullmatch(r"<\d+\.\d+@[^>]+>", msg["Message-Id"])
    assert msg["Date"] == rfc1123z(T0.astimezone())
    assert msg["MIME-Version"] == "1.0"
    assert re.fullmatch(r"multipart/alternative;  boundary=[0-9a-f]{60}", msg["Content-Type"])
    (text_type, text), (html_type, html) = parts(msg)
    assert (text_type, text, html_type) == ("text/plain", "2 alerts", "text/html")
    assert "http://am.example:9093" in html and "ünïcode &lt;b&gt;&amp;&lt;/b&gt;" in html


async def test_login_auth_with_go_challenges(smtp):
    port, rec = smtp(auth_exclude_mechanism=["PLAIN", "CRAM-MD5"])
    await notifier(port, auth_username="mailer", auth_password=PASSWORD).notify(ctx(), alerts(1))
    assert rec.mails[0]["auth"] == ("LOGIN", "mailer")


async def test_cram_md5_auth(smtp):
    port, rec = smtp(auth_exclude_mechanism=["PLAIN", "LOGIN"])
    await notifier(port, auth_username="mailer", auth_secret="cram-SECRET").notify(ctx(), alerts(1))
    assert rec.mails[0]["auth"] == ("CRAM-MD5", "mailer")


async def test_no_credentials_for_offered_mechanism(smtp):
    port, _ = smtp(auth_exclude_mechanism=["PLAIN", "LOGIN"])
    with pytest.raises(NotifyError) as info:
        await notifier(port, auth_username="mailer", auth_password=PASSWORD).notify(ctx(), alerts(1))
    assert str(info.value) == "find auth mechanism: missing secret for CRAM-MD5 auth mechanism"
    assert info.value.retryable


async def test_rejected_login_is_retried_without_the_password(smtp):
    port, _ = smtp(auth_exclude_mechanism=["LOGIN", "CRAM-MD5"])
    with pytest.raises(NotifyError) as info:
        await notifier(port, auth_username="mailer", auth_password="wrong-SECRET").notify(ctx(), alerts(1))
    assert str(info.value).startswith("*smtp.plainAuth auth: 535 ")
    assert info.value.retryable and "SECRET" not in str(info.value)


async def test_starttls_required_and_verified(smtp, certs):
    ca, server_ctx = certs
    port, rec = smtp(tls_context=server_ctx, require_starttls=True)
    n = notifier(port, require_tls=True, tls_config={"ca_file": ca, "server_name": "smtp.test"})
    await n.notify(ctx(), alerts(1))
    assert rec.mails[0]["tls"] is True


async def test_require_tls_without_starttls_fails(smtp):
    port, _ = smtp()
    with pytest.raises(NotifyError) as info:
        await notifier(port, require_tls=True).notify(ctx(), alerts(1))
    assert str(info.value) == (f"'require_tls' is true (default) but \"127.0.0.1:{port}\" does not advertise the "
                               "STARTTLS extension")
    assert info.value.retryable


async def test_implicit_tls(smtp, certs):
    ca, server_ctx = certs
    port, rec = smtp(ssl_context=server_ctx)
    n = notifier(port, force_implicit_tls=True, require_tls=True, tls_config={"ca_file": ca})
    await n.notify(ctx(), alerts(1))
    assert rec.mails[0]["tls"] is True


async def test_untrusted_certificate_is_a_retryable_failure(smtp, certs):
    _, server_ctx = certs
    port, _ = smtp(ssl_context=server_ctx)
    with pytest.raises(NotifyError, match="establish TLS connection to server") as info:
        await notifier(port, force_implicit_tls=True).notify(ctx(), alerts(1))
    assert info.value.retryable


async def test_rcpt_rejected(smtp):
    port, _ = smtp(Recorder(reject_rcpt=True))
    with pytest.raises(NotifyError) as info:
        await notifier(port).notify(ctx(), alerts(1))
    assert str(info.value) == "send RCPT command: 550 5.1.1 no such user" and info.value.retryable


async def test_connection_refused_is_retried():
    with pytest.raises(NotifyError, match="^establish connection to server: ") as info:
        await notifier(free_port()).notify(ctx(), alerts(1))
    assert info.value.retryable


@pytest.mark.parametrize(("entry", "message"), [
    ({"headers": {"Subject": "{{ .Nope.X }}"}}, 'execute "Subject" header template: '),
    ({"from": "a@example.org, b@example.org"}, "must be exactly one 'from' address (got: 2)"),
    ({"to": "{{ .Nope.X }}"}, "execute 'to' template: "),
], ids=["header-template", "two-from", "to-template"])
async def test_permanent_failures(smtp, entry, message):
    port, rec = smtp()
    with pytest.raises(NotifyError) as info:
        await notifier(port, **entry).notify(ctx(), alerts(1))
    assert str(info.value).startswith(message) and not info.value.retryable
    assert rec.mails == []


async def test_threading_headers(smtp):
    port, rec = smtp()
    await notifier(port, threading={"enabled": True, "thread_by_date": "daily"}).notify(ctx(), alerts(1))
    import hashlib
    root = f"<alert-{hashlib.sha256(GROUP_KEY.encode()).hexdigest()[:16]}-{T0.astimezone():%Y-%m-%d}@alertmanager>"
    msg = rec.mails[0]["msg"]
    assert msg["References"] == msg["In-Reply-To"] == root


# -- Go's MIME writers ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "encoded"), [
    ("plain ascii: ok", "plain ascii: ok"),
    ("tab\tok", "tab\tok"),
    ("Ålert", "=?utf-8?q?=C3=85lert?="),
    ("a_b?c=d é", "=?utf-8?q?a=5Fb=3Fc=3Dd_=C3=A9?="),
    ("é" * 30, "=?utf-8?q?" + "=C3=A9" * 10 + "?= =?utf-8?q?" + "=C3=A9" * 10 + "?= =?utf-8?q?" + "=C3=A9" * 10 + "?="),
], ids=["ascii", "tab", "latin", "specials", "split"])
def test_q_encoding(value, encoded):
    assert q_encode(value) == encoded


@pytest.mark.parametrize(("text", "qp"), [
    ("short line", b"short line"),
    ("trailing space \nnext", b"trailing space=20\r\nnext"),
    ("a=b\r\nc\td", b"a=3Db\r\nc\td"),
    ("x" * 80, b"x" * 75 + b"=\r\n" + b"x" * 5),
    ("x" * 74 + "é", b"x" * 74 + b"=\r\n=C3=A9"),
    ("end with tab\t", b"end with tab=09"),
], ids=["short", "trailing-space", "crlf-tab", "soft-break", "encoded-at-edge", "final-tab"])
def test_quoted_printable_like_go(text, qp):
    assert quoted_printable(text) == qp


def test_multipart_layout():
    body = multipart_body("B", [({"Content-Type": "text/plain", "A": "1"}, b"one"), ({"X": "2"}, b"two")])
    assert body == b"--B\r\nA: 1\r\nContent-Type: text/plain\r\n\r\none\r\n--B\r\nX: 2\r\n\r\ntwo\r\n--B--\r\n"


def test_rfc1123z():
    tz = dt.timezone(dt.timedelta(hours=-7))
    assert rfc1123z(dt.datetime(2006, 1, 2, 15, 4, 5, tzinfo=tz)) == "Mon, 02 Jan 2006 15:04:05 -0700"
    assert rfc1123z(T0) == "Sun, 01 Mar 2026 12:00:00 +0000"
