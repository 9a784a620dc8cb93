"""Processes for integration tests: our server, the real Alertmanager, Prometheus.

Every process gets free ports on 127.0.0.1, a bounded start-up wait, and is killed on exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

UPSTREAM_AM = "/usr/bin/prometheus-alertmanager"
AMTOOL = "/usr/bin/amtool"
PROMETHEUS = "/usr/bin/prometheus"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(pred, timeout: float = 15.0, interval: float = 0.05, what: str = "condition"):
    """Poll ``pred`` until it returns a truthy value or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = pred()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last_exc = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f": {last_exc!r}" if last_exc else ""))


@dataclass
class Server:
    """A running Alertmanager-compatible server (ours or upstream's)."""

    proc: subprocess.Popen[bytes]
    port: int
    workdir: Path
    log_path: Path
    args: list[str] = field(default_factory=list)
    cluster_port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


def our_command() -> list[str]:
    return [sys.executable, "-m", "alertmanager"]


def start_server(
    command: Sequence[str],
    workdir: Path,
    config_text: str | None,
    extra: Sequence[str] = (),
    *,
    port: int | None = None,
    cluster: bool = False,
    name: str = "am",
    ready_path: str = "/-/ready",
    timeout: float = 20,
) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / "alertmanager.yml"
    if config_text is not None:
        cfg.write_text(config_text)
    port = port or free_port()
    cport = free_port() if cluster else 0
    args = [
        *command,
        f"--config.file={cfg}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--cluster.listen-address={f'127.0.0.1:{cport}' if cluster else ''}",
        *extra,
    ]
    log_path = workdir / f"{name}.log"
    logf = open(log_path, "wb")  # noqa: SIM115 - owned by the process for its lifetime
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT, cwd=workdir, env=env)
    srv = Server(proc=proc, port=port, workdir=workdir, log_path=log_path, args=args, cluster_port=cport)

    def ready_or_exited() -> bool:
        return proc.poll() is not None or httpx.get(srv.url + ready_path, timeout=1).status_code == 200

    try:
        wait_until(ready_or_exited, timeout=timeout, what=f"{name} to be ready")
    except BaseException:
        srv.stop(signal.SIGKILL)
        raise
    if proc.poll() is not None:
        raise AssertionError(f"{name} exited with {proc.returncode}:\n{srv.log()}")
    return srv


@contextlib.contextmanager
def running(
    command: Sequence[str], workdir: Path, config_text: str | None, extra: Sequence[str] = (), **kw
) -> Iterator[Server]:
    srv = start_server(command, workdir, config_text, extra, **kw)
    try:
        yield srv
    finally:
        srv.stop(signal.SIGKILL)


def run_amtool(
    args: Sequence[str], *, ours: bool, timeout: float = 30, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "alertmanager.amtool"] if ours else [AMTOOL]
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        env=dict(os.environ, **(env or {}), HOME=os.environ.get("HOME", "/tmp")),
    )


class WebhookSink:
    """An HTTP server on 127.0.0.1 that records every POST (path, headers, JSON body)."""

    def __init__(self, status: int = 200) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, dict[str, str], object]] = []
        self.status = status
        self._cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                try:
                    parsed: object = json.loads(body)
                except ValueError:
                    parsed = body
                with sink._cond:
                    sink.requests.append((self.path, dict(self.headers), parsed))
                    sink._cond.notify_all()
                self.send_response(sink.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def bodies(self, path: str | None = None) -> list[object]:
        with self._cond:
            return [b for p, _, b in self.requests if path is None or p == path]

    def wait_for(self, n: int, path: str | None = None, timeout: float = 30) -> list[object]:
        return wait_until(lambda: (b := self.bodies(path)) and len(b) >= n and b, timeout=timeout,
                          what=f"{n} webhook request(s) at {path or 'any path'}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def prometheus(workdir: Path, rules: str, alertmanager_urls: Sequence[str]) -> Iterator[str]:
    """Run the real Prometheus with ``rules`` (evaluated every second), sending to the given
    Alertmanagers; yields its URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "rules.yml").write_text(rules)
    targets = ", ".join(f'"{u.removeprefix("http://")}"' for u in alertmanager_urls)
    (workdir / "prometheus.yml").write_text(
        "global: {evaluation_interval: 1s, scrape_interval: 1m}\n"
        "rule_files: [rules.yml]\n"
        f"alerting:\n  alertmanagers:\n    - api_version: v2\n      static_configs: [{{targets: [{targets}]}}]\n"
    )
    port = free_port()
    log = open(workdir / "prometheus.log", "wb")  # noqa: SIM115 - owned by the process
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={workdir / 'prometheus.yml'}", f"--storage.tsdb.path={workdir / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}",
         # the first evaluation can beat Alertmanager discovery; resend soon rather than in 1m
         "--rules.alert.resend-delay=1s"],
        stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(url + "/-/ready", timeout=1).status_code == 200, timeout=30,
                   what="prometheus ready")
        yield url
    finally:
        proc.kill()
        proc.wait(10)
        log.close()
