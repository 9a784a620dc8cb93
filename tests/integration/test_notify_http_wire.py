"""The HTTP client factory against real servers on 127.0.0.1: TLS (CA, client certificate,
server_name, insecure_skip_verify) and proxy_url."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from alertmanager.notify.http import new_client, post_json
from alertmanager.notify.notifier import NotifyError

pytestmark = pytest.mark.integration


def _cert(name: str, issuer_key, issuer_name, *, ca: bool, sans=()):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    cert = builder.sign(issuer_key or key, hashes.SHA256())
    return key, cert


def _write(path: Path, key, cert) -> tuple[str, str]:
    cert_path, key_path = path.with_suffix(".crt"), path.with_suffix(".key")
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class _Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]]

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append((self.path, self.headers.get("Host", "")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _serve(ssl_ctx: ssl.SSLContext | None) -> tuple[ThreadingHTTPServer, list]:
    seen: list = []
    handler = type("H", (_Handler,), {"seen": seen})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if ssl_ctx is not None:
        srv.socket = ssl_ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, seen


@pytest.fixture
def pki(tmp_path) -> dict[str, str]:
    ca_key, ca_cert = _cert("test-ca", None, None, ca=True)
    srv_key, srv_cert = _cert("internal.example", ca_key, ca_cert.subject, ca=False, sans=["internal.example"])
    cli_key, cli_cert = _cert("client", ca_key, ca_cert.subject, ca=False)
    ca_file, _ = _write(tmp_path / "ca", ca_key, ca_cert)
    srv_crt, srv_k = _write(tmp_path / "server", srv_key, srv_cert)
    cli_crt, cli_k = _write(tmp_path / "client", cli_key, cli_cert)
    return {"ca": ca_file, "server_cert": srv_crt, "server_key": srv_k, "client_cert": cli_crt, "client_key": cli_k}


@pytest.fixture
def mtls_server(pki) -> Iterator[tuple[str, list]]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki["server_cert"], pki["server_key"])
    ctx.load_verify_locations(pki["ca"])
    ctx.verify_mode = ssl.CERT_REQUIRED
    srv, seen = _serve(ctx)
    yield f"https://127.0.0.1:{srv.server_address[1]}/hook", seen
    srv.shutdown()
    srv.server_close()


async def _post(cfg, url) -> int:
    async with new_client(cfg, timeout=10) as client:
        return (await post_json(client, url, b"{}")).status_code


async def test_mutual_tls_with_server_name(pki, mtls_server):
    url, seen = mtls_server
    cfg = {"tls_config": {"ca_file": pki["ca"], "cert_file": pki["client_cert"], "key_file": pki["client_key"],
                          "server_name": "internal.example"}}
    assert await _post(cfg, url) == 200
    assert seen[0][0] == "/hook"


async def test_wrong_server_name_fails(pki, mtls_server):
    url, _ = mtls_server
    cfg = {"tls_config": {"ca_file": pki["ca"], "cert_file": pki["client_cert"], "key_file": pki["client_key"]}}
    with pytest.raises(NotifyError) as info:
        await _post(cfg, url)  # the certificate names internal.example, not 127.0.0.1
    assert info.value.retryable


async def test_unknown_ca_fails_unless_insecure(pki, mtls_server):
    url, _ = mtls_server
    client_cert = {"cert_file": pki["client_cert"], "key_file": pki["client_key"]}
    with pytest.raises(NotifyError):
        await _post({"tls_config": {**client_cert, "server_name": "internal.example"}}, url)
    assert await _post({"tls_config": {**client_cert, "insecure_skip_verify": True}}, url) == 200


async def test_proxy_url_routes_requests_through_the_proxy():
    proxy, seen = _serve(None)
    try:
        cfg = {"proxy_url": f"http://127.0.0.1:{proxy.server_address[1]}"}
        assert await _post(cfg, "http://hook.invalid:9/path?x=1") == 200
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert seen == [("http://hook.invalid:9/path?x=1", "hook.invalid:9")]
