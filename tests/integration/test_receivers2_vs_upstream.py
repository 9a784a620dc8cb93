"""OpsGenie, VictorOps, WeChat, Telegram, Discord and Webex: the real Alertmanager 0.25 and our
server get the same config (API URLs pointed at one local sink, under /up/ and /ours/) and the
same alerts; every request they make must match: method, path, query, headers, body bytes.

Timeline: at 0 both servers get two firing alerts (group_wait 1s); once every integration has
delivered, the alerts are resolved and each server sends the resolution (group_interval 1s).
Normalised: the /up/ or /ours/ path prefix, the Alertmanager version in User-Agent, and headers
that only describe the connection (Host, Accept, Accept-Encoding, Connection, Content-Length).
Pushover's endpoint is fixed to https://api.pushover.net, so each server reaches it through its
own CONNECT proxy (``http_config.proxy_url``) that terminates TLS with a throwaway certificate.
0.25 has no msteams(v2), Rocket.Chat, Jira, Mattermost or incident.io: unit tests only.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from procs import UPSTREAM_AM, our_command, running, wait_until

pytestmark = pytest.mark.integration

EXTERNAL = "http://am.example:9093"
ALERTS = [
    {"labels": {"alertname": "QueueStuck", "queue": "billing", "severity": "warning", "team": "payments"},
     "annotations": {"summary": "Queue <billing> & friends stuck", "description": "ünïcode ✓ \"quoted\""},
     "startsAt": "2026-01-02T03:04:05.123Z", "generatorURL": "http://prom.example/graph?g0.expr=up&x=1"},
    {"labels": {"alertname": "QueueStuck", "queue": "refunds", "severity": "warning", "team": "payments"},
     "annotations": {"summary": "Queue refunds stuck"},
     "startsAt": "2026-01-02T03:00:00Z", "generatorURL": "http://prom.example/graph?g0.expr=up"},
]
RESOLVED = [dict(a, endsAt="2026-01-02T04:00:00Z") for a in ALERTS]
KINDS = ("og", "vo", "wc", "tg", "dc", "wx")
IGNORED_HEADERS = frozenset({"host", "accept", "accept-encoding", "connection", "content-length"})

Request = tuple[str, str, dict[str, str], bytes]


class Sink:
    """Records every request as (method, path, headers, body) and answers like each service."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with sink.lock:
                    sink.requests.append((self.command, self.path, dict(self.headers.items()), body))
                answer = {"ok": True, "result": {"message_id": 7, "chat": {"id": -1001}}} if "/tg/" in self.path \
                    else {"access_token": "ACCESS-1", "expires_in": 7200} if "/wc/gettoken" in self.path \
                    else {"errcode": 0, "errmsg": "ok"} if "/wc/" in self.path else {}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _handle  # noqa: N815 - http.server's naming

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, who: str, kind: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r[1].startswith(f"/{who}/{kind}/")]


class PushoverProxy:
    """An HTTP proxy that accepts CONNECT, plays api.pushover.net over TLS and records each request."""

    def __init__(self, certdir: Path) -> None:
        cert, key = certdir / "cert.pem", certdir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-days", "1", "-subj", "/CN=api.pushover.net"], check=True, capture_output=True)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        self.requests: list[Request] = []
        self.tunnels: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_CONNECT(self) -> None:  # noqa: N802 - http.server's naming
                proxy.tunnels.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.connection = tls.wrap_socket(self.connection, server_side=True)
                self.rfile = self.connection.makefile("rb")
                self.wfile = self.connection.makefile("wb", buffering=0)
                self.close_connection = False
                while not self.close_connection:
                    self.handle_one_request()

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                proxy.requests.append((self.command, self.path, dict(self.headers.items()), body))
                data = b'{"status":1,"request":"r-1"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def config(who: str, port: int, proxy_port: int) -> str:
    base = f"http://127.0.0.1:{port}/{who}"
    return f"""
route:
  receiver: all
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: all
  opsgenie_configs:
  - api_url: {base}/og/
    api_key: genie-SECRET
    send_resolved: true
    update_alerts: true
    details:
      queue_count: '{{{{ .Alerts | len }}}}'
      team: 'overridden-{{{{ .CommonLabels.team }}}}'
    responders:
    - name: '{{{{ .CommonLabels.team }}}}'
      type: team
    - name: 'sre,dba'
      type: teams
    - username: oncall@example.org
      type: user
    - id: '{{{{ .CommonLabels.missing }}}}'
      type: '{{{{ .CommonLabels.missing }}}}'
    tags: 'a,{{{{ .CommonLabels.team }}}}, b ,'
    note: 'note for {{{{ .GroupLabels.alertname }}}}'
    priority: P2
    entity: '{{{{ .CommonLabels.queue }}}}'
    actions: 'restart,page'
  victorops_configs:
  - api_url: {base}/vo/
    api_key: vo-SECRET
    routing_key: 'team-{{{{ .CommonLabels.team }}}}'
    message_type: WARNING
    custom_fields:
      runbook: 'http://runbook.example/{{{{ .GroupLabels.alertname }}}}'
  wechat_configs:
  - api_url: {base}/wc/
    api_secret: wechat-SECRET
    corp_id: corp-1
    send_resolved: true
    to_user: '@all'
    to_party: ops
    agent_id: '1000002'
    message_type: markdown
  telegram_configs:
  - api_url: {base}/tg
    bot_token: '123:tg-SECRET'
    chat_id: -1001
    disable_notifications: true
  - api_url: {base}/tg
    bot_token: '123:tg-SECRET'
    chat_id: 42
    parse_mode: ''
    message: 'plain {{{{ .CommonAnnotations.summary }}}} <b>'
  discord_configs:
  - webhook_url: {base}/dc/hook/SECRET
  webex_configs:
  - api_url: {base}/wx/v1/messages
    room_id: room-payments  # 0.25 does not render room_id (0.34 does: unit-tested)
    http_config:
      authorization:
        credentials: webex-SECRET
  pushover_configs:
  - user_key: user-SECRET
    token: token-SECRET
    priority: '{{{{ if eq .Status "firing" }}}}1{{{{ else }}}}0{{{{ end }}}}'
    url_title: Runbook
    sound: siren
    retry: 90s
    expire: 2h
    http_config:
      proxy_url: http://127.0.0.1:{proxy_port}
      tls_config:
        insecure_skip_verify: true
"""


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = Sink()
    yield s
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def proxies(tmp_path: Path) -> Iterator[dict[str, PushoverProxy]]:
    made = {who: PushoverProxy(tmp_path) for who in ("up", "ours")}
    yield made
    for p in made.values():
        p.close()


def _normal(req: Request, who: str) -> tuple[str, str, dict[str, str], bytes]:
    method, path, headers, body = req
    kept = {k.lower(): v for k, v in headers.items() if k.lower() not in IGNORED_HEADERS}
    if "user-agent" in kept:
        kept["user-agent"] = re.sub(r"^Alertmanager/\S+$", "Alertmanager/X", kept["user-agent"])
    return method, path.removeprefix(f"/{who}"), kept, body


def _compare(sink: Sink, kind: str) -> None:
    # Two telegram configs send concurrently, so compare each side's requests in a fixed order.
    up = sorted((_normal(r, "up") for r in sink.of("up", kind)), key=lambda r: (r[1], r[3]))
    ours = sorted((_normal(r, "ours") for r in sink.of("ours", kind)), key=lambda r: (r[1], r[3]))
    assert len(ours) == len(up), (kind, [r[:2] for r in up], [r[:2] for r in ours])
    for nu, no in zip(up, ours, strict=True):
        assert no[:3] == nu[:3], kind
        if nu[3]:
            assert json.loads(no[3]) == json.loads(nu[3]), kind
        assert no[3] == nu[3], kind


def test_seven_receivers_send_what_upstream_sends(sink, proxies, tmp_path):
    extra = [f"--web.external-url={EXTERNAL}"]
    # Requests per round: opsgenie create + 2 updates (close when resolved), victorops 1,
    # wechat token + message (token cached), telegram 2 configs, discord 1, webex 1.
    firing = {"og": 3, "vo": 1, "wc": 2, "tg": 2, "dc": 1, "wx": 1}
    resolved = {"og": 4, "vo": 2, "wc": 3, "tg": 4, "dc": 2, "wx": 2}
    up_conf, our_conf = (config(w, sink.port, proxies[w].port) for w in ("up", "ours"))
    with running([UPSTREAM_AM], tmp_path / "up", up_conf, extra, name="upstream") as up, \
            running(our_command(), tmp_path / "ours", our_conf, extra, name="ours") as ours:

        def missing(want: dict[str, int]) -> list[str]:
            out = [f"{w}/{k}" for w in ("up", "ours") for k in KINDS if len(sink.of(w, k)) < want[k]]
            return out + [f"{w}/pushover" for w, p in proxies.items() if len(p.requests) < want["vo"]]

        def arrived(want: dict[str, int]) -> None:
            try:
                wait_until(lambda: not missing(want), timeout=20, what="notification round")
            except AssertionError:
                raise AssertionError(f"missing {missing(want)}\nupstream:\n{up.log()[-3000:]}\n"
                                     f"ours:\n{ours.log()[-3000:]}") from None

        for am in (up, ours):
            assert httpx.post(am.url + "/api/v2/alerts", json=ALERTS, timeout=10).status_code == 200
        arrived(firing)
        for am in (up, ours):
            assert httpx.post(am.url + "/api/v2/alerts", json=RESOLVED, timeout=10).status_code == 200
        arrived(resolved)
    for kind in KINDS:
        _compare(sink, kind)
    # Connection reuse through the tunnel may differ; the target may not.
    assert set(proxies["up"].tunnels) == set(proxies["ours"].tunnels) == {"api.pushover.net:443"}
    for u, o in zip(proxies["up"].requests, proxies["ours"].requests, strict=True):
        # 0.34 always sends ``device`` (0.25 had no such parameter); the rest is byte-identical.
        assert "?device=&expire=" in o[1]
        o = (o[0], o[1].replace("?device=&", "?"), o[2], o[3])
        assert dict(parse_qsl(urlsplit(o[1]).query, keep_blank_values=True)) == \
            dict(parse_qsl(urlsplit(u[1]).query, keep_blank_values=True))
        assert _normal(o, "ours") == _normal(u, "up")
        assert u[1].startswith("/1/messages.json?") and "priority=" in u[1]
    close = sink.of("ours", "og")[-1]
    assert close[0] == "POST" and close[1].endswith("/close?identifierType=alias")
    assert json.loads(sink.of("ours", "vo")[-1][3])["message_type"] == "RECOVERY"
