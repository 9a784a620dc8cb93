"""The gossip layer on real sockets: our peers together, and mixed with Go Alertmanager 0.25."""

import asyncio
import contextlib
import signal
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from google.protobuf.internal.decoder import _DecodeVarint
from google.protobuf.internal.encoder import _VarintBytes
from procs import UPSTREAM_AM, free_port
from prometheus_client import CollectorRegistry

from alertmanager.silences import silence_pb2 as pb
from cluster import Peer, PeerConfig
from cluster.memberlist import NodeStateKind

pytestmark = pytest.mark.integration

FAST = dict(
    gossip_interval=timedelta(milliseconds=50),
    probe_interval=timedelta(milliseconds=200),
    probe_timeout=timedelta(milliseconds=100),
    settle_timeout=timedelta(seconds=3),
)


class SilState:
    """A minimal Replicated 'sil' state: MeshSilence entries by id, newest updated_at wins."""

    def __init__(self):
        self.entries: dict[str, tuple[int, bytes]] = {}
        self.merges: list[bytes] = []

    def snapshot(self) -> bytes:
        return b"".join(_VarintBytes(len(raw)) + raw for _, raw in self.entries.values())

    def merge(self, data: bytes) -> bool:
        self.merges.append(data)
        pos, changed = 0, False
        while pos < len(data):
            size, pos = _DecodeVarint(data, pos)
            raw = data[pos : pos + size]
            pos += size
            ms = pb.MeshSilence.FromString(raw)
            ts = ms.silence.updated_at.ToNanoseconds()
            prev = self.entries.get(ms.silence.id)
            if prev is None or prev[0] < ts:
                self.entries[ms.silence.id] = (ts, raw)
                changed = True
        return changed

    def add(self, comment: str) -> tuple[str, bytes]:
        """Create a silence locally; returns (id, the single-entry delta to broadcast)."""
        now = datetime.now(UTC)
        sil = pb.Silence(id=str(uuid.uuid4()), created_by="python-peer", comment=comment)
        sil.matchers.add(type=pb.Matcher.EQUAL, name="alertname", pattern="FromPython")
        sil.starts_at.FromDatetime(now)
        sil.ends_at.FromDatetime(now + timedelta(hours=1))
        sil.updated_at.FromDatetime(now)
        ms = pb.MeshSilence(silence=sil)
        ms.expires_at.FromDatetime(now + timedelta(hours=121))
        raw = ms.SerializeToString()
        self.entries[sil.id] = (sil.updated_at.ToNanoseconds(), raw)
        return sil.id, _VarintBytes(len(raw)) + raw


async def until(pred, timeout=15.0, what="condition"):
    try:
        async with asyncio.timeout(timeout):
            while True:
                value = pred()
                if asyncio.iscoroutine(value):
                    value = await value
                if value:
                    return value
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@contextlib.asynccontextmanager
async def our_peers(n, **extra):
    peers: list[Peer] = []
    try:
        for _ in range(n):
            seeds = (f"127.0.0.1:{peers[0].address[1]}",) if peers else extra.get("peers", ())
            cfg = PeerConfig(listen_address="127.0.0.1:0", peers=seeds, **FAST)
            p = Peer(cfg, registry=CollectorRegistry())
            p.add_state("nfl", SilState())
            p.add_state("sil", SilState())
            await p.start()
            peers.append(p)
        yield peers
    finally:
        for p in peers:
            await p.stop()


def state(peer: Peer, key: str) -> SilState:
    return peer._delegate.states[key]  # type: ignore[return-value]


async def test_three_peers_form_a_cluster_and_replicate():
    async with our_peers(3) as peers:
        await until(lambda: all(len(p.members()) == 3 for p in peers), what="3 members everywhere")
        assert sorted(p.position() for p in peers) == [0, 1, 2]
        a, b, c = peers
        sid, delta = state(a, "sil").add("small")
        a._channels["sil"].broadcast(delta)
        await until(lambda: all(sid in state(p, "sil").entries for p in (b, c)), 5, "UDP delta")
        big_id, big = state(a, "sil").add("x" * 2000)  # over 700 bytes: TCP to every peer
        a._channels["sil"].broadcast(big)
        await until(lambda: all(big_id in state(p, "sil").entries for p in (b, c)), 5, "TCP delta")
        # c crashes (no leave): the others suspect it and then declare it dead
        c_name = c.name
        await c.stop()
        await until(
            lambda: a._ml.state.by_name[c_name].state in (NodeStateKind.SUSPECT, NodeStateKind.DEAD),
            10, "suspect",
        )
        await until(lambda: a._ml.state.by_name[c_name].state == NodeStateKind.DEAD, 20, "dead")
        assert len(a.members()) == 2
        # b leaves gracefully: a marks it left
        b_name = b.name
        await b.leave(timedelta(seconds=5))
        await until(lambda: a._ml.state.by_name[b_name].state == NodeStateKind.LEFT, 10, "left")


async def test_new_peer_gets_full_state_by_push_pull():
    async with our_peers(1) as (a,):
        sid, _ = state(a, "sil").add("before join")
        async with our_peers(1, peers=(f"127.0.0.1:{a.address[1]}",)) as (b,):
            assert sid in state(b, "sil").entries  # the join push/pull already carried it


@contextlib.asynccontextmanager
async def go_alertmanager(tmp_path, peer: str):
    web, cport = free_port(), free_port()
    cfg = tmp_path / "am.yml"
    cfg.write_text("route:\n  receiver: r\nreceivers:\n- name: r\n")
    log = open(tmp_path / "go.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            UPSTREAM_AM, f"--config.file={cfg}", f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{web}", f"--cluster.listen-address=127.0.0.1:{cport}",
            f"--cluster.peer={peer}", "--cluster.peer-timeout=3s", "--log.level=debug",
        ],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{web}", timeout=5) as client:

            async def ready():
                assert proc.poll() is None, (tmp_path / "go.log").read_text()
                try:
                    return (await client.get("/-/ready")).status_code == 200
                except httpx.TransportError:
                    return False

            await until(ready, 20, "Go Alertmanager ready")
            yield client, cport
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.to_thread(proc.wait), 15)
            except TimeoutError:
                proc.kill()
                proc.wait()
        log.close()


async def test_mixed_cluster_with_go_alertmanager(tmp_path):
    async with our_peers(1) as (ours,), go_alertmanager(tmp_path, f"127.0.0.1:{ours.address[1]}") as (go, cport):

        async def go_sees_us():
            cluster = (await go.get("/api/v2/status")).json()["cluster"]
            return {p["name"] for p in cluster["peers"]} == {ours.name, cluster["name"]}

        await until(go_sees_us, 15, "Go lists our peer")
        go_name = (await go.get("/api/v2/status")).json()["cluster"]["name"]
        await until(lambda: go_name in {p.name for p in ours.peers()}, 10, "we see the Go node")
        assert f"127.0.0.1:{cport}" in {p.address for p in ours.peers()}

        sil = state(ours, "sil")
        # ours → Go: a small delta over UDP and an oversized one over TCP
        for comment in ("from python", "y" * 1500):
            sid, delta = sil.add(comment)
            ours._channels["sil"].broadcast(delta)

            async def go_has(sid=sid):
                return any(s["id"] == sid for s in (await go.get("/api/v2/silences")).json())

            await until(go_has, 10, f"Go has silence {comment[:12]}")

        # Go → ours: a silence created through Go's API arrives in our merge callback
        for comment in ("from go", "z" * 1500):
            now = datetime.now(UTC)
            body = {
                "matchers": [{"name": "job", "value": "go", "isRegex": False}],
                "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat(),
                "createdBy": "go", "comment": comment,
            }
            resp = await go.post("/api/v2/silences", json=body)
            assert resp.status_code == 200, resp.text
            go_id = resp.json()["silenceID"]
            await until(lambda go_id=go_id: go_id in sil.entries, 10, "our peer merged Go's silence")
            assert pb.MeshSilence.FromString(sil.entries[go_id][1]).silence.comment == comment

        # a graceful leave from our side makes Go drop us from its peer list
        await ours.leave(timedelta(seconds=5))

        async def go_alone():
            return len((await go.get("/api/v2/status")).json()["cluster"]["peers"]) == 1

        await until(go_alone, 10, "Go marks our peer left")


async def test_go_nodes_meet_through_our_peer_and_see_it_fail(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with (
        our_peers(1) as (ours,),
        go_alertmanager(tmp_path / "a", f"127.0.0.1:{ours.address[1]}") as (go_a, _),
        go_alertmanager(tmp_path / "b", f"127.0.0.1:{ours.address[1]}") as (go_b, _),
    ):

        async def peers_of(client):
            return {p["name"] for p in (await client.get("/api/v2/status")).json()["cluster"]["peers"]}

        async def all_three():
            return len(await peers_of(go_a)) == 3 and len(await peers_of(go_b)) == 3

        await until(all_three, 20, "Go A and Go B learn each other from our peer")
        await until(lambda: len(ours.members()) == 3, 10, "our peer lists all three")
        now = datetime.now(UTC)
        body = {
            "matchers": [{"name": "job", "value": "a", "isRegex": False}],
            "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat(),
            "createdBy": "a", "comment": "made on A",
        }
        sid = (await go_a.post("/api/v2/silences", json=body)).json()["silenceID"]

        async def b_has():
            return any(s["id"] == sid for s in (await go_b.get("/api/v2/silences")).json())

        await until(b_has, 10, "silence from Go A on Go B")
        # Go A gossips to its peers in random order: B may have it a moment before we do
        await until(lambda: sid in state(ours, "sil").entries, 10, "silence from Go A on our peer")
        # our peer crashes without a leave: Go's SWIM suspects it and drops it
        await ours.stop()

        async def dropped():
            return ours.name not in await peers_of(go_a)

        await until(dropped, 30, "Go A declares our peer dead")
