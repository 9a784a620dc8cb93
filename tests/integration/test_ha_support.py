"""Helpers shared by the test_ha_*.py process-level HA tests (this module holds no tests).

Replicas of our server (and of the real Alertmanager 0.25) on 127.0.0.1 with short cluster
intervals, and a webhook sink that records every notification with its arrival time.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from procs import Server, free_port, our_command, start_server, wait_until

from alertmanager.nflog._codec import decode_entry, iter_delimited

# Short intervals, but probes stay at upstream's 1 s / 500 ms: on a loaded machine a process
# can stall for a second, and faster probes would declare healthy replicas dead.
PEER_TIMEOUT = 2.0
FAST_FLAGS = (
    "--cluster.gossip-interval=50ms",
    "--cluster.pushpull-interval=2s",
    f"--cluster.peer-timeout={PEER_TIMEOUT:g}s",
    "--cluster.settle-timeout=2s",
    "--cluster.reconnect-interval=1s",
)
QUIET = 2 * PEER_TIMEOUT + 1
"""How long to keep listening for a late duplicate (position 2 sends after 2 × peer timeout)."""


def webhook_config(url: str, *, group_interval: str = "5s", repeat_interval: str = "1h") -> str:
    """One webhook receiver; alerts grouped by alertname with a 1 s group_wait.

    group_interval stays above the longest position wait (2 × peer timeout), as in any sane
    deployment: otherwise a late replica's flush overlaps the next one and may send stale state.
    """
    return f"""
route:
  receiver: sink
  group_by: [alertname]
  group_wait: 1s
  group_interval: {group_interval}
  repeat_interval: {repeat_interval}
receivers:
  - name: sink
    webhook_configs:
      - url: {url}/hook
        send_resolved: true
"""


@dataclass(frozen=True, slots=True)
class Notification:
    at: float
    group_key: str
    status: str
    sender: str
    alerts: frozenset[tuple[str, str]]
    """(status, label set as JSON) of each alert."""


class CountingSink:
    """An HTTP server on 127.0.0.1 that records each webhook notification."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []
        self._cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                n = Notification(
                    at=time.monotonic(), group_key=body["groupKey"], status=body["status"],
                    sender=body["externalURL"],
                    alerts=frozenset((a["status"], json.dumps(a["labels"], sort_keys=True)) for a in body["alerts"]),
                )
                with sink._cond:
                    sink.notifications.append(n)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def of(self, alertname: str) -> list[Notification]:
        with self._cond:
            return [n for n in self.notifications if f'alertname="{alertname}"' in n.group_key]

    def wait(self, alertname: str, count: int, timeout: float = 20) -> list[Notification]:
        return wait_until(lambda: (got := self.of(alertname)) and len(got) >= count and got,
                          timeout=timeout, interval=0.05, what=f"{count} notification(s) for {alertname}")

    def quiet(self, seconds: float) -> None:
        """Let late (duplicate) notifications arrive: a bounded window, not a stand-in for a wait."""
        time.sleep(seconds)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def alert(name: str, *, resolved: bool = False, **labels: str) -> dict[str, Any]:
    body: dict[str, Any] = {"labels": {"alertname": name, **labels}}
    if resolved:
        body["endsAt"] = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    return body


def post_alerts(servers: Sequence[Server], *alerts: dict[str, Any]) -> None:
    """POST the alerts to every server, as Prometheus does."""
    for srv in servers:
        r = httpx.post(srv.url + "/api/v2/alerts", json=list(alerts), timeout=10)
        assert r.status_code == 200, r.text


def add_silence(srv: Server, name: str, comment: str = "ha test") -> str:
    body = {
        "matchers": [{"name": "alertname", "value": name, "isRegex": False, "isEqual": True}],
        "startsAt": "2020-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
        "createdBy": "ha-test", "comment": comment,
    }
    r = httpx.post(srv.url + "/api/v2/silences", json=body, timeout=10)
    assert r.status_code == 200, r.text
    return str(r.json()["silenceID"])


def silence_ids(srv: Server) -> set[str]:
    return {s["id"] for s in httpx.get(srv.url + "/api/v2/silences", timeout=5).json()}


def nflog_keys(srv: Server) -> set[str]:
    """Group keys in one of our replicas' notification log file (appended on every change)."""
    path = srv.workdir / "data" / "nflog"
    return {decode_entry(raw).group_key for raw in iter_delimited(path.read_bytes())} if path.exists() else set()


def cluster_status(srv: Server) -> dict[str, Any]:
    return dict(httpx.get(srv.url + "/api/v2/status", timeout=5).json()["cluster"])


def peer_addresses(srv: Server) -> set[str]:
    return {p["address"] for p in cluster_status(srv).get("peers") or []}


def wait_members(servers: Sequence[Server], count: int, *, ready: bool = True, timeout: float = 20) -> None:
    """Until every server lists ``count`` peers (and, with ``ready``, has settled)."""

    def ok() -> bool:
        for srv in servers:
            st = cluster_status(srv)
            if len(st.get("peers") or []) != count or (ready and st["status"] != "ready"):
                return False
        return True

    wait_until(ok, timeout=timeout, interval=0.1, what=f"{count} members on every server")


def metric(srv: Server, name: str, labels: str = "") -> float:
    """One sample's value from /metrics (0 when absent)."""
    prefix = f"{name}{{{labels}}} " if labels else f"{name} "
    for line in httpx.get(srv.url + "/metrics", timeout=5).text.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return 0.0


def by_position(servers: Sequence[Server]) -> list[Server]:
    """Servers ordered by their cluster position (peer names sorted bytewise)."""
    names = {cluster_status(s)["name"]: s for s in servers}
    return [names[n] for n in sorted(names, key=str.encode)]


def start_replica(
    workdir: Path, config: str, cluster_addr: str | None, peers: Sequence[str], extra: Sequence[str] = (),
    *, command: Sequence[str] | None = None, name: str = "am",
) -> Server:
    """One replica gossiping on ``cluster_addr`` (host:port; None: a free port on 127.0.0.1, the
    only way for Go, whose flags cannot repeat) and joining ``peers``."""
    flags = [*FAST_FLAGS, *(f"--cluster.peer={p}" for p in peers), *extra]
    if cluster_addr is None:
        return start_server(command or our_command(), workdir, config, flags, name=name, cluster=True)
    flags.insert(0, f"--cluster.listen-address={cluster_addr}")
    srv = start_server(command or our_command(), workdir, config, flags, name=name)
    srv.cluster_port = int(cluster_addr.rsplit(":", 1)[1])
    return srv


@contextlib.contextmanager
def replicas(root: Path, config: str, n: int = 3, extra: Sequence[str] = ()) -> Iterator[list[Server]]:
    """``n`` of our replicas, each given every other one as ``--cluster.peer``; all killed on exit."""
    addrs = [f"127.0.0.1:{free_port()}" for _ in range(n)]
    servers: list[Server] = []
    try:
        for i, addr in enumerate(addrs):
            others = [a for a in addrs if a != addr]
            servers.append(start_replica(root / f"r{i}", config, addr, others, extra, name=f"r{i}"))
        yield servers
    finally:
        for srv in servers:
            srv.stop(signal.SIGKILL)


@contextlib.contextmanager
def counting_sink() -> Iterator[CountingSink]:
    sink = CountingSink()
    try:
        yield sink
    finally:
        sink.close()
