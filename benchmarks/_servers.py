"""Start and stop the two servers under test (ours and the real Alertmanager) for a benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["OURS", "UPSTREAM", "Server", "default_command", "free_port", "start"]

REPO = Path(__file__).resolve().parent.parent
UPSTREAM_BIN = "/usr/bin/prometheus-alertmanager"
OURS = "ours"
UPSTREAM = "upstream"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    kind: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status_kib(self, field: str) -> int:
        """A ``/proc/<pid>/status`` memory field (``VmHWM``, ``VmRSS``) in KiB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise KeyError(field)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def default_command(kind: str) -> list[str]:
    if kind == OURS:
        return [sys.executable, "-m", "alertmanager"]
    return [UPSTREAM_BIN]


def start(kind: str, workdir: Path, config_text: str, command: list[str] | None = None) -> Server:
    """Run ``kind``'s server (``command`` or the default one) on a free port with
    ``config_text``; returns once it is ready."""
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / "alertmanager.yml"
    cfg.write_text(config_text)
    port = free_port()
    args = [
        *(command or default_command(kind)),
        f"--config.file={cfg}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    log_path = workdir / f"{kind}.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
    srv = Server(kind, proc, port, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            if httpx.get(srv.url + "/-/ready", timeout=1).status_code == 200:
                return srv
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    srv.stop()
    raise RuntimeError(f"{kind} was not ready within 30s:\n{log_path.read_text(errors='replace')}")
