"""Peer discovery as deployed on ECS/Cloud Map and Kubernetes (issues 6 and 9): replicas find
each other through a DNS name (A records, or ``dnssrv+`` SRV records) served by a test DNS
server on 127.0.0.1, advertise a hostname, or advertise the ECS task IP from the metadata endpoint."""

import json
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from procs import free_port, our_command, start_server
from test_ha_support import FAST_FLAGS, peer_addresses, start_replica, wait_members, webhook_config

pytestmark = pytest.mark.integration

CONFIG = webhook_config("http://127.0.0.1:9")


class FakeDNS:
    """A UDP DNS server on 127.0.0.1 answering A and SRV questions from mutable tables."""

    def __init__(self) -> None:
        self.a: dict[str, list[str]] = {}
        self.srv: dict[str, list[tuple[str, int]]] = {}
        self.queries: list[tuple[str, str]] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        resp = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.queries.append((name, rdtype))
        if name not in self.a and name not in self.srv:
            resp.set_rcode(dns.rcode.NXDOMAIN)
        elif rdtype == "A" and self.a.get(name):
            resp.answer.append(dns.rrset.from_text_list(question.name, 1, "IN", "A", self.a[name]))
        elif rdtype == "SRV" and self.srv.get(name):
            rdatas = [f"0 10 {port} {target}." for target, port in self.srv[name]]
            resp.answer.append(dns.rrset.from_text_list(question.name, 1, "IN", "SRV", rdatas))
        return resp

    def _serve(self) -> None:
        while True:
            try:
                data, addr = self._sock.recvfrom(4096)
            except OSError:
                return
            try:
                self._sock.sendto(self._answer(dns.message.from_wire(data)).to_wire(), addr)
            except Exception:  # noqa: BLE001 - a test server: ignore malformed questions
                continue

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def dns_server(monkeypatch):
    server = FakeDNS()
    monkeypatch.setenv("ALERTMANAGER_CLUSTER_DNS_SERVERS", server.address)
    yield server
    server.close()


def _start(tmp_path, i, listen, peer_flag, servers):
    srv = start_replica(tmp_path / f"r{i}", CONFIG, listen, [peer_flag], name=f"r{i}")
    servers.append(srv)
    return srv


def test_replicas_find_each_other_by_a_records_and_follow_an_address_change(tmp_path, dns_server):
    port = free_port()
    ips = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    dns_server.a["am.cluster.test"] = list(ips)
    servers = []
    try:
        rs = [_start(tmp_path, i, f"{ip}:{port}", f"am.cluster.test:{port}", servers) for i, ip in enumerate(ips)]
        wait_members(rs, 3)
        assert all(peer_addresses(s) == {f"{ip}:{port}" for ip in ips} for s in rs)
        # one replica comes back on another address; DNS follows it
        rs[2].stop(signal.SIGKILL)
        ips[2] = "127.0.0.4"
        dns_server.a["am.cluster.test"] = list(ips)
        rs[2] = _start(tmp_path, 3, f"{ips[2]}:{port}", f"am.cluster.test:{port}", servers)
        wait_members(rs, 3, timeout=30)
        want = {f"{ip}:{port}" for ip in ips}
        assert all(peer_addresses(s) == want for s in rs)
        assert ("am.cluster.test", "A") in dns_server.queries
    finally:
        for s in servers:
            s.stop(signal.SIGKILL)


def test_replicas_find_each_other_by_srv_records_and_follow_a_port_change(tmp_path, dns_server):
    ports = [free_port() for _ in range(3)]
    name = "_gossip._tcp.am.cluster.test"
    for i in range(4):
        dns_server.a[f"task{i}.am.cluster.test"] = ["127.0.0.1"]
    dns_server.srv[name] = [(f"task{i}.am.cluster.test", p) for i, p in enumerate(ports)]
    servers = []
    try:
        rs = [_start(tmp_path, i, f"127.0.0.1:{p}", f"dnssrv+{name}", servers) for i, p in enumerate(ports)]
        wait_members(rs, 3)
        assert all(peer_addresses(s) == {f"127.0.0.1:{p}" for p in ports} for s in rs)
        rs[2].stop(signal.SIGKILL)
        ports[2] = free_port()
        dns_server.srv[name] = [(f"task{i}.am.cluster.test", p) for i, p in enumerate(ports)]
        rs[2] = _start(tmp_path, 3, f"127.0.0.1:{ports[2]}", f"dnssrv+{name}", servers)
        wait_members(rs, 3, timeout=30)
        assert all(peer_addresses(s) == {f"127.0.0.1:{p}" for p in ports} for s in rs)
        assert (name, "SRV") in dns_server.queries
    finally:
        for s in servers:
            s.stop(signal.SIGKILL)


def test_advertise_address_may_be_a_hostname(tmp_path, dns_server):
    dns_server.a["self.cluster.test"] = ["127.0.0.5"]
    port = free_port()
    flags = [f"--cluster.listen-address=0.0.0.0:{port}", f"--cluster.advertise-address=self.cluster.test:{port}",
             f"--cluster.peer=127.0.0.5:{port}", *FAST_FLAGS]
    srv = start_server(our_command(), tmp_path / "am", CONFIG, flags)
    try:
        wait_members([srv], 1, ready=False)
        assert peer_addresses(srv) == {f"127.0.0.5:{port}"}
    finally:
        srv.stop(signal.SIGKILL)


class FakeECSMetadata:
    """The ECS task metadata endpoint (v4): ``GET <uri>/task``."""

    def __init__(self, task_ip: str) -> None:
        body = json.dumps({
            "Cluster": "test", "TaskARN": "arn:aws:ecs:eu-west-1:1:task/test/abc",
            "Containers": [{"Name": "alertmanager", "Networks": [
                {"NetworkMode": "awsvpc", "IPv4Addresses": [task_ip]}]}],
        }).encode()
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.paths.append(self.path)
                ok = self.path.endswith("/task")
                self.send_response(200 if ok else 404)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body if ok else b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self._server.server_address[1]}/v4/0123abcd"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def test_on_ecs_without_advertise_address_the_task_ip_is_advertised(tmp_path, monkeypatch):
    meta = FakeECSMetadata("127.0.0.6")
    monkeypatch.setenv("ECS_CONTAINER_METADATA_URI_V4", meta.uri)
    port = free_port()
    servers = []
    try:
        ecs = start_server(our_command(), tmp_path / "ecs", CONFIG,
                           [f"--cluster.listen-address=0.0.0.0:{port}", *FAST_FLAGS], name="ecs")
        servers.append(ecs)
        monkeypatch.delenv("ECS_CONTAINER_METADATA_URI_V4")
        other = start_replica(tmp_path / "other", CONFIG, f"127.0.0.1:{free_port()}", [f"127.0.0.6:{port}"],
                              name="other")
        servers.append(other)
        wait_members(servers, 2, ready=False)
        assert f"127.0.0.6:{port}" in peer_addresses(other)
        assert f"127.0.0.6:{port}" in peer_addresses(ecs)
        assert meta.paths == ["/v4/0123abcd/task"]
    finally:
        for s in servers:
            s.stop(signal.SIGKILL)
        meta.close()
