"""``--web.config.file``: TLS and bcrypt basic auth in the exporter-toolkit format."""

import ipaddress
import ssl
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import bcrypt
import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from procs import free_port, wait_until

CONFIG = "route: {receiver: default}\nreceivers: [{name: default}]\n"


def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "tls.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "tls.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    return tmp_path / "tls.crt"


def test_tls_and_basic_auth(tmp_path):
    work = tmp_path / "am"
    work.mkdir()
    ca = _self_signed(work)
    hashed = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4)).decode()
    (work / "web.yml").write_text(
        "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n"
        f"basic_auth_users:\n  admin: '{hashed}'\n"
        "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
    )
    port = free_port()
    ctx = ssl.create_default_context(cafile=str(ca))
    # Readiness needs auth and TLS, so start without the harness's plain-HTTP readiness probe.
    (work / "alertmanager.yml").write_text(CONFIG)
    proc = subprocess.Popen(
        [sys.executable, "-m", "alertmanager", f"--config.file={work / 'alertmanager.yml'}",
         f"--storage.path={work / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address=", f"--web.config.file={work / 'web.yml'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"https://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(url + "/-/healthy", verify=ctx, timeout=1).status_code in (200, 401),
                   what="TLS server up")
        r = httpx.get(url + "/api/v2/status", verify=ctx)
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Basic")
        assert httpx.get(url + "/api/v2/status", verify=ctx, auth=("admin", "wrong")).status_code == 401
        ok = httpx.get(url + "/api/v2/status", verify=ctx, auth=("admin", "s3cret"))
        assert ok.status_code == 200
        assert ok.headers["x-frame-options"] == "deny"
        # Plain HTTP is not served on a TLS port.
        try:
            plain = httpx.get(f"http://127.0.0.1:{port}/-/healthy", timeout=2).status_code
        except httpx.HTTPError:
            plain = None
        assert plain != 200
    finally:
        proc.kill()
        proc.wait(10)


def test_bad_web_config_refuses_to_start(tmp_path):
    (tmp_path / "web.yml").write_text("tls_server_config:\n  cert_file: x.crt\n  nonsense: 1\n")
    (tmp_path / "am.yml").write_text(CONFIG)
    p = subprocess.run(
        [sys.executable, "-m", "alertmanager", f"--config.file={tmp_path / 'am.yml'}",
         f"--storage.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{free_port()}",
         "--cluster.listen-address=", f"--web.config.file={tmp_path / 'web.yml'}"],
        capture_output=True, text=True, timeout=30,
    )
    assert p.returncode == 1
    assert "nonsense" in p.stderr
