"""Benchmark: the HA cluster as real processes on 127.0.0.1.

1. Silence propagation latency across 3 replicas (upstream's default gossip interval, 200 ms):
   a silence is POSTed to replica 0 and replicas 1 and 2 are polled until they return it.
2. Gossip CPU at 10,000 silences: replica 0 starts with 10,000 silences on disk, two empty
   replicas join (time until they hold all of them), then the CPU each process uses over a
   window of steady gossip (push/pull every --pushpull seconds) is read from /proc.
3. LZW (in-process, run first; --lzw-only runs just this): CPU time to compress and decompress
   the push/pull payload (the full "sil" state) at that many silences, best of 5.

Run: .venv/bin/python benchmarks/bench_cluster.py [--silences 10000] [--samples 200] [--window 30]
     [--lzw-only]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry

from alertmanager.model.matchers import Matcher, MatchType
from alertmanager.silences import Silence, Silences
from cluster.clusterpb import Part, encode_full_state
from cluster.memberlist.framing import compress_payload, decompress_payload

CONFIG = "route:\n  receiver: none\nreceivers:\n  - name: none\n"
_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replica:
    def __init__(self, root: Path, name: str, cluster_port: int, peers: list[int], extra: list[str]) -> None:
        self.dir = root / name
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "am.yml").write_text(CONFIG)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [
            sys.executable, "-m", "alertmanager", f"--config.file={self.dir / 'am.yml'}",
            f"--storage.path={self.dir / 'data'}", f"--web.listen-address=127.0.0.1:{self.port}",
            f"--cluster.listen-address=127.0.0.1:{cluster_port}", "--log.level=warn",
            *(f"--cluster.peer=127.0.0.1:{p}" for p in peers), *extra,
        ]
        self.log = open(self.dir / "log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"{name} did not start: {(self.dir / 'log').read_text()}")
            time.sleep(0.05)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime

    def active_silences(self) -> int:
        for line in httpx.get(self.url + "/metrics", timeout=10).text.splitlines():
            if line.startswith('alertmanager_silences{state="active"}'):
                return int(float(line.split()[-1]))
        return 0

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()


def _cluster(root: Path, extra: list[str], n: int = 3) -> list[Replica]:
    ports = [_free_port() for _ in range(n)]
    return [Replica(root, f"r{i}", p, [q for q in ports if q != p], extra) for i, p in enumerate(ports)]


def _wait_members(rs: list[Replica], n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(httpx.get(r.url + "/api/v2/status").json()["cluster"]["peers"]) == n for r in rs):
            return
        time.sleep(0.1)
    raise RuntimeError("cluster did not form")


def _pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def propagation(root: Path, samples: int) -> None:
    rs = _cluster(root / "latency", ["--cluster.settle-timeout=1s"])
    try:
        _wait_members(rs, 3)
        client = httpx.Client(timeout=10)
        lat: list[float] = []
        now = datetime.now(UTC)
        for i in range(samples):
            body = {"matchers": [{"name": "alertname", "value": f"Bench{i}", "isRegex": False}],
                    "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat(),
                    "createdBy": "bench", "comment": "latency"}
            time.sleep(random.uniform(0, 0.25))  # decorrelate from the gossip ticks we just observed
            resp = client.post(rs[0].url + "/api/v2/silences", json=body)
            t0 = time.perf_counter()
            sid = resp.json()["silenceID"]
            pending = {1, 2}
            while pending:
                for j in list(pending):
                    if client.get(f"{rs[j].url}/api/v2/silence/{sid}").status_code == 200:
                        lat.append(time.perf_counter() - t0)
                        pending.discard(j)
                if time.perf_counter() - t0 > 10:
                    raise RuntimeError("silence did not propagate within 10 s")
        ms = [x * 1000 for x in lat]
        print(f"propagation latency over {len(ms)} (silence, replica) pairs, gossip interval 200ms: "
              f"p50 {_pct(ms, 50):.0f} ms, p99 {_pct(ms, 99):.0f} ms, max {max(ms):.0f} ms")
    finally:
        for r in rs:
            r.stop()


def _seed(storage: Path, count: int) -> None:
    now = datetime.now(UTC)
    store = Silences(clock=lambda: datetime.now(UTC), storage_dir=storage, registry=CollectorRegistry())
    for i in range(count):
        store.set(Silence(
            id="", matchers=(Matcher.create("alertname", MatchType.EQUAL, f"Load{i}"),
                             Matcher.create("instance", MatchType.REGEX, f"host-{i % 97}.*")),
            starts_at=now, ends_at=now + timedelta(days=2), created_by="bench",
            comment=f"bench silence {i} {uuid.uuid4()}",
        ))
    store.write_snapshot()
    store.close()


def lzw_cpu(root: Path, count: int) -> None:
    _seed(root / "lzw", count)
    store = Silences(clock=lambda: datetime.now(UTC), storage_dir=root / "lzw", registry=CollectorRegistry())
    payload = b"\x06" + encode_full_state([Part("sil", store.snapshot())])
    store.close()

    def best(fn: Callable[[bytes], bytes], arg: bytes) -> tuple[float, bytes]:
        times, out = [], b""
        for _ in range(5):
            t = time.process_time()
            out = fn(arg)
            times.append(time.process_time() - t)
        return min(times) * 1000, out

    c_ms, wire = best(compress_payload, payload)
    d_ms, plain = best(lambda w: decompress_payload(w[1:]), wire)  # after the [9] message type
    assert plain == payload
    print(f"LZW on a {len(payload) / 1e6:.2f} MB push/pull state ({count} silences, {len(wire) / 1e6:.2f} MB "
          f"compressed): compress {c_ms:.0f} ms, decompress {d_ms:.0f} ms of CPU")


def gossip_cpu(root: Path, count: int, window: float, pushpull: int) -> None:
    base = root / "cpu"
    t = time.perf_counter()
    _seed(base / "r0" / "data", count)
    print(f"seeded {count} silences in {time.perf_counter() - t:.1f} s "
          f"({(base / 'r0' / 'data' / 'silences').stat().st_size / 1e6:.1f} MB snapshot)")
    extra = [f"--cluster.pushpull-interval={pushpull}s", "--cluster.settle-timeout=1s"]
    ports = [_free_port() for _ in range(3)]
    rs = [Replica(base, "r0", ports[0], [], extra)]
    try:
        t = time.perf_counter()
        rs += [Replica(base, f"r{i}", ports[i], [ports[0]], extra) for i in (1, 2)]
        deadline = time.monotonic() + 120
        while not all(r.active_silences() >= count for r in rs):
            if time.monotonic() > deadline:
                raise RuntimeError("silences did not reach the joiners")
            time.sleep(0.1)
        print(f"two empty replicas joined and held all {count} silences after {time.perf_counter() - t:.1f} s")
        _wait_members(rs, 3)
        before = [r.cpu_seconds() for r in rs]
        time.sleep(window)
        used = [r.cpu_seconds() - b for r, b in zip(rs, before, strict=True)]
        print(f"gossip CPU with {count} silences, push/pull every {pushpull}s, over {window:.0f}s: "
              + ", ".join(f"r{i} {u / window * 100:.1f}%" for i, u in enumerate(used))
              + f" of one core (mean {statistics.mean(used) / window * 100:.1f}%)")
    finally:
        for r in rs:
            r.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--silences", type=int, default=10_000)
    ap.add_argument("--window", type=float, default=30.0)
    ap.add_argument("--pushpull", type=int, default=10)
    ap.add_argument("--lzw-only", action="store_true")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        lzw_cpu(Path(tmp), args.silences)
        if args.lzw_only:
            return
        propagation(Path(tmp), args.samples)
        gossip_cpu(Path(tmp), args.silences, args.window, args.pushpull)


if __name__ == "__main__":
    main()
