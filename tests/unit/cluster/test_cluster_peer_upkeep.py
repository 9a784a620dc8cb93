"""Peer upkeep on 127.0.0.1: reconnecting failed peers, DNS refresh, settle timeout, encryption."""

import asyncio
import socket
from datetime import timedelta

from prometheus_client import CollectorRegistry

from cluster import Peer, PeerConfig

FAST = dict(
    gossip_interval=timedelta(milliseconds=20),
    probe_interval=timedelta(milliseconds=100),
    probe_timeout=timedelta(milliseconds=50),
    reconnect_interval=timedelta(milliseconds=100),
    refresh_interval=timedelta(milliseconds=100),
    settle_timeout=timedelta(seconds=2),
)


class Box:
    def __init__(self):
        self.got = []

    def snapshot(self):
        return b""

    def merge(self, data):
        self.got.append(data)
        return True


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def until(pred, timeout=5.0):
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.02)


async def test_failed_seed_is_reconnected_when_it_comes_up():
    port = free_port()
    reg = CollectorRegistry()
    b = Peer(PeerConfig(listen_address="127.0.0.1:0", peers=(f"127.0.0.1:{port}",), **FAST), registry=reg)
    await b.start()
    a = Peer(PeerConfig(listen_address=f"127.0.0.1:{port}", **FAST), registry=CollectorRegistry())
    try:
        assert b.failed_peers() == [("127.0.0.1", port)]
        await until(lambda: (reg.get_sample_value("alertmanager_cluster_reconnections_failed_total") or 0) > 0)
        await a.start()
        await until(lambda: len(b.members()) == 2)
        assert b.failed_peers() == []
        assert reg.get_sample_value("alertmanager_cluster_reconnections_total") >= 1
    finally:
        await a.stop()
        await b.stop()


class SwitchingResolver:
    def __init__(self):
        self.answer = []

    async def lookup_ip(self, host):
        return list(self.answer)

    async def lookup_srv(self, name):
        return [("am-0.svc", 1)]


async def test_refresh_joins_peers_that_appear_in_dns():
    a = Peer(PeerConfig(listen_address="127.0.0.1:0", **FAST), registry=CollectorRegistry())
    await a.start()
    resolver = SwitchingResolver()
    reg = CollectorRegistry()
    b = Peer(PeerConfig(listen_address="127.0.0.1:0", peers=(f"am.svc:{a.address[1]}",), **FAST),
             registry=reg, resolver=resolver)
    await b.start()
    try:
        assert len(b.members()) == 1
        resolver.answer = ["127.0.0.1"]
        await until(lambda: len(b.members()) == 2)
        assert reg.get_sample_value("alertmanager_cluster_refresh_join_total") >= 1
    finally:
        await a.stop()
        await b.stop()


async def test_settle_gives_up_at_settle_timeout():
    cfg = PeerConfig(listen_address="127.0.0.1:0", **{**FAST, "settle_timeout": timedelta(milliseconds=150),
                                                       "gossip_interval": timedelta(seconds=1)})
    a = Peer(cfg, registry=CollectorRegistry())
    await a.start()
    try:
        assert a.status() == "settling"
        async with asyncio.timeout(2):
            await a.wait_ready()
        assert a.status() == "ready"
    finally:
        await a.stop()


async def test_encrypted_cluster_replicates_and_rejects_plain_peers():
    key = bytes(range(32))
    enc = dict(FAST, gossip_keys=(key,))
    a = Peer(PeerConfig(listen_address="127.0.0.1:0", **enc), registry=CollectorRegistry())
    box_a = Box()
    a.add_state("sil", box_a)
    await a.start()
    seed = (f"127.0.0.1:{a.address[1]}",)
    b = Peer(PeerConfig(listen_address="127.0.0.1:0", peers=seed, **enc), registry=CollectorRegistry())
    box_b = Box()
    ch_b = b.add_state("sil", box_b)
    plain = Peer(PeerConfig(listen_address="127.0.0.1:0", peers=seed, **FAST), registry=CollectorRegistry())
    await b.start()
    await plain.start()
    try:
        assert len(b.members()) == 2
        ch_b.broadcast(b"secret-delta")
        await until(lambda: b"secret-delta" in box_a.got)
        assert len(plain.members()) == 1 and plain.failed_peers()
        assert all(m.name != plain.name for m in a.members())
    finally:
        for p in (a, b, plain):
            await p.stop()
