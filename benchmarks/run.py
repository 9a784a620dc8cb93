"""Side-by-side benchmark: our server against the real Alertmanager 0.25, same machine, same run.

Run: .venv/bin/python benchmarks/run.py [--quick] [--repeat N] [--only ours|upstream] [--json out.json] [--ours-cmd CMD]

Each server is started in turn with the same config and measured on:
  * alerts/s accepted by POST /api/v2/alerts in batches of 1 and of 100 (concurrent clients,
    a fixed total of distinct alerts);
  * GET /api/v2/alerts latency (p50/p99) with 10k and 100k alerts stored;
  * peak RSS (VmHWM) of the server process once 100k alerts are stored;
  * notification latency: POST one alert of a new group -> its webhook delivery at a local
    sink (group_wait: 0s), over distinct groups. Both servers run side by side for this row and
    the probes alternate between them, so a drift in the machine's speed hits both alike, and
    each probe finds its server idle, as an alert arriving from Prometheus would
    (``--notify-back-to-back`` probes each server in turn, one probe right after the other).
The table's ratio is always oriented so that >= 1 means we meet the bar (ours at least as good).
Timings live here only; they are never pass/fail tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loadgen import Connection, WebhookSink, encode_request, run_requests  # noqa: E402
from _servers import OURS, UPSTREAM, Server, start  # noqa: E402

# The bulk alerts' group (root route) first flushes after group_wait: 10m keeps that flush
# out of every run, so the GET rows measure GET alone on both servers.
CONFIG = """\
route:
  receiver: blackhole
  group_wait: 10m
  group_interval: 10m
  repeat_interval: 4h
  routes:
    - receiver: sink
      matchers: ['bench="notify"']
      group_by: [alertname]
      group_wait: 0s
      group_interval: 1m
receivers:
  - name: blackhole
  - name: sink
    webhook_configs:
      - url: http://127.0.0.1:{sink_port}/hook
        send_resolved: false
"""

SMALL, LARGE = 10_000, 100_000
SETTLE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Plan:
    batch1_alerts: int  # alerts posted one per request (measured)
    connections: int
    get_small: int  # GET requests at 10k alerts
    get_large: int  # GET requests at 100k alerts
    notify_groups: int  # notification probes measured per server
    notify_warmup: int = 0  # probes per server before those, not measured


FULL = Plan(batch1_alerts=10_000, connections=16, get_small=20, get_large=10, notify_groups=100, notify_warmup=20)
QUICK = Plan(batch1_alerts=2_000, connections=16, get_small=5, get_large=2, notify_groups=20, notify_warmup=5)


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    title: str
    unit: str
    higher_is_better: bool


METRICS = (
    Metric("ingest_1", "POST /api/v2/alerts, batch 1", "alerts/s", True),
    Metric("ingest_100", "POST /api/v2/alerts, batch 100", "alerts/s", True),
    Metric("get_10k_p50", "GET /api/v2/alerts @10k, p50", "ms", False),
    Metric("get_10k_p99", "GET /api/v2/alerts @10k, p99", "ms", False),
    Metric("get_100k_p50", "GET /api/v2/alerts @100k, p50", "ms", False),
    Metric("get_100k_p99", "GET /api/v2/alerts @100k, p99", "ms", False),
    Metric("rss_mib", "peak RSS after 100k alerts", "MiB", False),
    Metric("notify_p50", "notification latency, p50", "ms", False),
    Metric("notify_p99", "notification latency, p99", "ms", False),
)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AlertFactory:
    """Distinct alerts shaped like Prometheus sends them (labels, annotations, times, URL)."""

    def __init__(self) -> None:
        now = datetime.now(UTC)
        self._starts = _iso(now - timedelta(minutes=5))
        self._ends = _iso(now + timedelta(hours=2))

    def alert(self, i: int) -> dict[str, object]:
        return {
            "labels": {
                "alertname": f"BenchLoad{i % 50}",
                "job": "node",
                "instance": f"host-{i:06d}.example.net:9100",
                "severity": ("critical", "warning", "info")[i % 3],
                "team": f"team-{i % 20}",
                "cluster": f"eu-{i % 4}",
            },
            "annotations": {
                "summary": f"Load is high on host-{i:06d}",
                "description": "The 5m load average has been above 4 for 10 minutes.",
                "runbook_url": "https://runbooks.example.net/load",
            },
            "startsAt": self._starts,
            "endsAt": self._ends,
            "generatorURL": f"http://prometheus.example.net/graph?g0.expr=node_load5%3E4&i={i}",
        }

    def requests(self, first: int, count: int, batch: int) -> list[bytes]:
        """POST requests for alerts ``first .. first+count-1``, ``batch`` per request."""
        out = []
        for lo in range(first, first + count, batch):
            body = orjson.dumps([self.alert(i) for i in range(lo, min(lo + batch, first + count))])
            out.append(encode_request("POST", "/api/v2/alerts", body))
        return out


def _percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


async def _post(srv: Server, requests: Sequence[bytes], connections: int) -> float:
    """Alerts/s is computed by the caller; this returns the elapsed seconds."""
    elapsed, failures = await run_requests(srv.port, requests, connections)
    if failures:
        raise RuntimeError(f"{srv.kind}: {failures} POST requests failed")
    return elapsed


async def _get_latencies(srv: Server, n: int, expect: int) -> list[float]:
    conn = await Connection.open(srv.port)
    raw = encode_request("GET", "/api/v2/alerts")
    times: list[float] = []
    body = b""
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            resp = await conn.send(raw)
            times.append(time.perf_counter() - t0)
            if resp.status != 200:
                raise RuntimeError(f"{srv.kind}: GET /api/v2/alerts answered {resp.status}")
            body = resp.body
    finally:
        conn.close()
    got = len(orjson.loads(body))
    if got != expect:
        raise RuntimeError(f"{srv.kind}: GET /api/v2/alerts returned {got} alerts, expected {expect}")
    return times


async def _notify_latencies(servers: Sequence[Server], sink: WebhookSink, groups: int,
                            back_to_back: bool = False, warmup: int = 0) -> dict[str, list[float]]:
    """Each server's latencies from POSTing one alert of a new group to its webhook's arrival.

    The servers take turns probe by probe, so they are measured over the same stretch of time
    (a shared machine's speed drifts by tens of percent within a minute, which would otherwise
    decide the row), and each probe finds its server done with the previous notification.
    ``back_to_back``: all of one server's probes, then the next server's, each probe sent the
    moment the previous one's webhook arrived (so it also times finishing that notification).
    Each server's first ``warmup`` probes are sent the same way but not kept: a fresh process's
    first notifications time first-use work (connecting to the receiver; for ours also Python's
    specialisation of the code path over its first runs), not the latency a running server has.
    """
    conns = {srv.kind: await Connection.open(srv.port) for srv in servers}
    now = datetime.now(UTC)
    out: dict[str, list[float]] = {srv.kind: [] for srv in servers}
    probes = warmup + groups
    if back_to_back:
        turns = [srv for srv in servers for _ in range(probes)]
    else:
        turns = [srv for _ in range(probes) for srv in servers]
    seen = dict.fromkeys(out, 0)
    try:
        for j, srv in enumerate(turns):
            name = f"Notify-{srv.kind}-{j}"
            sink.expect([name])
            body = orjson.dumps([{
                "labels": {"alertname": name, "bench": "notify", "instance": "host-1:9100"},
                "annotations": {"summary": "notification latency probe"},
                "startsAt": _iso(now),
                "endsAt": _iso(now + timedelta(hours=1)),
            }])
            raw = encode_request("POST", "/api/v2/alerts", body)
            t0 = time.perf_counter()
            resp = await conns[srv.kind].send(raw)
            if resp.status != 200:
                raise RuntimeError(f"{srv.kind}: notify probe POST answered {resp.status}")
            latency = await sink.arrival(name, timeout=15) - t0
            seen[srv.kind] += 1
            if seen[srv.kind] > warmup:
                out[srv.kind].append(latency)
    finally:
        for conn in conns.values():
            conn.close()
    return out


async def measure(srv: Server, plan: Plan, say: Callable[[str], None]) -> dict[str, float]:
    """Every row but notification latency, on a freshly started server."""
    factory = AlertFactory()
    res: dict[str, float] = {}
    base = 0  # alerts stored before the first row

    n1 = plan.batch1_alerts
    elapsed = await _post(srv, factory.requests(0, n1, 1), plan.connections)
    res["ingest_1"] = n1 / elapsed
    say(f"batch 1: {n1} alerts in {elapsed:.2f}s")
    if n1 < SMALL:
        await _post(srv, factory.requests(n1, SMALL - n1, 100), plan.connections)

    times = await _get_latencies(srv, plan.get_small, SMALL + base)
    res["get_10k_p50"] = _percentile(times, 50) * 1000
    res["get_10k_p99"] = _percentile(times, 99) * 1000
    say(f"GET @10k p50 {res['get_10k_p50']:.1f} ms")

    n100 = LARGE - SMALL
    elapsed = await _post(srv, factory.requests(SMALL, n100, 100), plan.connections)
    res["ingest_100"] = n100 / elapsed
    say(f"batch 100: {n100} alerts in {elapsed:.2f}s")

    times = await _get_latencies(srv, plan.get_large, LARGE + base)
    res["get_100k_p50"] = _percentile(times, 50) * 1000
    res["get_100k_p99"] = _percentile(times, 99) * 1000
    say(f"GET @100k p50 {res['get_100k_p50']:.1f} ms")

    res["rss_mib"] = srv.status_kib("VmHWM") / 1024
    return res


async def _notify_round(kinds: Sequence[str], ours_cmd: list[str] | None, workdir: Path, sink: WebhookSink,
                        plan: Plan, back_to_back: bool = False) -> dict[str, dict[str, float]]:
    """The notification-latency rows: every server started side by side, probed in turns."""
    servers: list[Server] = []
    try:
        for kind in kinds:
            command = ours_cmd if kind == OURS else None
            servers.append(await asyncio.to_thread(
                start, kind, workdir / kind, CONFIG.format(sink_port=sink.port), command))
        await asyncio.sleep(SETTLE_SECONDS)
        latencies = await _notify_latencies(servers, sink, plan.notify_groups, back_to_back, plan.notify_warmup)
    finally:
        for srv in servers:
            await asyncio.to_thread(srv.stop)
    return {kind: {"notify_p50": _percentile(lat, 50) * 1000, "notify_p99": _percentile(lat, 99) * 1000}
            for kind, lat in latencies.items()}


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def table(results: dict[str, dict[str, float]]) -> str:
    ours, up = results.get(OURS, {}), results.get(UPSTREAM, {})
    header = f"{'metric':<34} {'unit':<9} {'better':<7} {'ours':>10} {'upstream':>10} {'ratio':>7}  bar"
    lines = [header, "-" * len(header)]
    for m in METRICS:
        a, b = ours.get(m.key), up.get(m.key)
        ratio: float | None = None
        if a is not None and b is not None and a > 0 and b > 0:
            ratio = a / b if m.higher_is_better else b / a
        verdict = "" if ratio is None else ("ok" if ratio >= 1 else "MISS")
        lines.append(f"{m.title:<34} {m.unit:<9} {'higher' if m.higher_is_better else 'lower':<7} "
                     f"{_fmt(a):>10} {_fmt(b):>10} {'-' if ratio is None else f'{ratio:.2f}':>7}  {verdict}")
    lines.append("ratio = ours/upstream where higher is better, upstream/ours where lower is better; "
                 ">= 1 meets the bar")
    return "\n".join(lines)


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer requests (under a minute)")
    parser.add_argument("--only", choices=[OURS, UPSTREAM], help="measure one server only")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--ours-cmd", type=shlex.split, default=None, metavar="CMD",
                        help="start our server with this command instead (experiments, e.g. GC settings)")
    parser.add_argument("--keep", action="store_true", help="keep the servers' work directories and logs")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="measure each server N times, alternating, and report each row's median "
                             "(a shared machine's noise moves single runs by 2x)")
    parser.add_argument("--notify-back-to-back", action="store_true",
                        help="probe notification latency one server after the other, each probe sent "
                             "as soon as the previous webhook arrived (the method before interleaving)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    kinds = [args.only] if args.only else [OURS, UPSTREAM]

    load_start = os.getloadavg()
    sink = WebhookSink()
    await sink.start()
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    tmp = Path(tempfile.mkdtemp(prefix="am-bench-"))
    try:
        for round_no in range(max(args.repeat, 1)):
            # Who goes first alternates between rounds.
            order = kinds if round_no % 2 == 0 else kinds[::-1]
            notify = await _notify_round(order, args.ours_cmd, tmp / f"notify-{round_no}", sink, plan,
                                         args.notify_back_to_back)
            for kind in kinds:
                def say(msg: str, kind: str = kind) -> None:
                    print(f"[{kind}] {msg}", file=sys.stderr, flush=True)

                say(f"notification latency p50 {notify[kind]['notify_p50']:.2f} ms, "
                    f"p99 {notify[kind]['notify_p99']:.2f} ms")
                command = args.ours_cmd if kind == OURS else None
                workdir = tmp / f"{kind}-{round_no}"
                srv = await asyncio.to_thread(start, kind, workdir, CONFIG.format(sink_port=sink.port), command)
                say(f"started on :{srv.port} (pid {srv.proc.pid})")
                await asyncio.sleep(SETTLE_SECONDS)  # let start-up work finish, the same for both
                try:
                    runs[kind].append({**notify[kind], **await measure(srv, plan, say)})
                finally:
                    await asyncio.to_thread(srv.stop)
    finally:
        await sink.close()
        if args.keep:
            print(f"work directories kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results = {kind: {key: statistics.median(r[key] for r in rs) for key in rs[0]}
               for kind, rs in runs.items() if rs}
    if args.repeat > 1:
        print(f"medians of {args.repeat} alternating runs per server")
    print(table(results))
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} (1 min) at the end; "
          f"at start {load_start[0]:.2f}. Figures from a busy machine are noisy: rerun when it is idle.")
    if args.json:
        args.json.write_text(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    return 0


def _run() -> int:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main())
    return uvloop.run(main())


if __name__ == "__main__":
    sys.exit(_run())
