"""``--cluster.tls-config``: gossip over mutual TLS between our replicas and with Go Alertmanager 0.25."""

import signal
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from procs import UPSTREAM_AM, free_port, wait_until
from test_ha_support import add_silence, silence_ids, start_replica, wait_members, webhook_config

pytestmark = pytest.mark.integration

CONFIG = webhook_config("http://127.0.0.1:9")


def _cert(subject: str, key, issuer_name, issuer_key, *, ca: bool):
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_config(tmp_path):
    """A CA, one node certificate for 127.0.0.1 (server and client), and the config file."""
    d = tmp_path / "tls"
    d.mkdir()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("test-ca", ca_key, None, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("node", key, ca.subject, ca_key, ca=False)
    (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "node.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "node.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (d / "cluster-tls.yml").write_text(
        "tls_server_config:\n  cert_file: node.pem\n  key_file: node.key\n"
        "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n"
        "tls_client_config:\n  ca_file: ca.pem\n  cert_file: node.pem\n  key_file: node.key\n"
    )
    return d / "cluster-tls.yml"


def test_our_replicas_gossip_over_mutual_tls(tmp_path, tls_config):
    flags = [f"--cluster.tls-config={tls_config}"]
    addrs = [f"127.0.0.1:{free_port()}" for _ in range(3)]
    servers = []
    try:
        for i, addr in enumerate(addrs):
            servers.append(start_replica(tmp_path / f"r{i}", CONFIG, addr, [a for a in addrs if a != addr], flags,
                                         name=f"r{i}"))
        wait_members(servers, 3, ready=False)
        sid = add_silence(servers[0], "OverTLS")
        wait_until(lambda: all(sid in silence_ids(s) for s in servers[1:]), timeout=5, what="silence over TLS")
    finally:
        for s in servers:
            s.stop(signal.SIGKILL)


def test_tls_gossip_with_go_alertmanager(tmp_path, tls_config):
    flags = [f"--cluster.tls-config={tls_config}"]
    servers = []
    try:
        go = start_replica(tmp_path / "go", CONFIG, None, [], flags, command=[UPSTREAM_AM], name="go")
        servers.append(go)
        ours = start_replica(tmp_path / "ours", CONFIG, f"127.0.0.1:{free_port()}",
                             [f"127.0.0.1:{go.cluster_port}"], flags, name="ours")
        servers.append(ours)
        wait_members(servers, 2, ready=False, timeout=30)
        to_go = add_silence(ours, "OursToGoOverTLS")
        to_ours = add_silence(go, "GoToOursOverTLS")
        wait_until(lambda: to_go in silence_ids(go) and to_ours in silence_ids(ours), timeout=10,
                   what="silences both ways over TLS")
    finally:
        for s in servers:
            s.stop(signal.SIGKILL)
