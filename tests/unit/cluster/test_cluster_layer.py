"""Alertmanager's layer: Part/FullState protobuf, ULIDs, discovery, channels, delegate, peer."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from cluster import OVERSIZE_THRESHOLD, Peer, PeerConfig, is_oversized
from cluster._delegate import StateDelegate
from cluster.clusterpb import (
    DecodeError,
    Part,
    decode_full_state,
    decode_part,
    encode_full_state,
    encode_part,
)
from cluster.discovery import resolve_peers, split_host_port
from cluster.memberlist.queue import BroadcastQueue
from cluster.metrics import ClusterMetrics
from cluster.ulid import new_ulid


def test_part_golden_bytes():
    assert encode_part(Part("sil", b"\x01\x02")) == b"\x0a\x03sil\x12\x02\x01\x02"
    assert encode_part(Part("nfl", b"")) == b"\x0a\x03nfl"


def test_full_state_round_trip_and_go_empty_state():
    # Go's empty FullState [nfl: ∅, sil: ∅] is 14 bytes (UserStateLen 14 in the spec's capture).
    empty = encode_full_state([Part("nfl", b""), Part("sil", b"")])
    assert len(empty) == 14
    parts = [Part("sil", b"x" * 300), Part("nfl", b"")]
    assert decode_full_state(encode_full_state(parts)) == parts


def test_part_skips_unknown_fields():
    assert decode_part(b"\x0a\x01k\x18\x05\x12\x01d") == Part("k", b"d")


@pytest.mark.parametrize("buf", [b"\x0a\x05ab", b"\x0a", b"\x00\x01"], ids=["short", "no-len", "field-0"])
def test_part_decode_errors(buf):
    with pytest.raises(DecodeError):
        decode_part(buf)


def test_ulid_shape_and_order():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    a = new_ulid(t0, bytes(10))
    b = new_ulid(t0 + timedelta(milliseconds=1), bytes(10))
    assert len(a) == 26 and a < b
    ms = 0
    for ch in a[:10]:
        ms = ms * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".index(ch)
    assert ms == 1767225600000 and a.endswith("0" * 16)
    assert set(new_ulid(t0)) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


class FakeResolver:
    def __init__(self, a=None, srv=None):
        self.a = a or {}
        self.srv = srv or {}

    async def lookup_ip(self, host):
        if host not in self.a:
            raise OSError("no such host")
        return self.a[host]

    async def lookup_srv(self, name):
        return self.srv[name]


async def test_resolve_peers_ip_hostname_and_srv():
    r = FakeResolver(
        a={"am.svc": ["10.0.0.1", "10.0.0.2", "fd00::1"], "t1.local": ["10.0.1.1"], "t2.local": ["10.0.1.2"]},
        srv={"_gossip._tcp.am.local": [("t1.local.", 9094), ("t2.local", 9095)]},
    )
    got = await resolve_peers(
        ["1.2.3.4:9094", "am.svc:9094", "dnssrv+_gossip._tcp.am.local", "missing:1", "[::1]:7", "bad"], r
    )
    assert got == [
        ("1.2.3.4", 9094), ("10.0.0.1", 9094), ("10.0.0.2", 9094), ("fd00::1", 9094),
        ("10.0.1.1", 9094), ("10.0.1.2", 9095), ("::1", 7),
    ]


@pytest.mark.parametrize(
    ("text", "want"), [("a:1", ("a", 1)), ("[::1]:9094", ("::1", 9094)), (":9094", ("", 9094))], ids=str
)
def test_split_host_port(text, want):
    assert split_host_port(text) == want


@pytest.mark.parametrize("text", ["nohost", "a:b", "a:70000", "[::1"], ids=str)
def test_split_host_port_errors(text):
    with pytest.raises(ValueError):
        split_host_port(text)


class Dummy:
    def __init__(self, fail=False):
        self.merged = []
        self.fail = fail

    def snapshot(self):
        return b"snap"

    def merge(self, data):
        if self.fail:
            raise ValueError("bad")
        self.merged.append(data)
        return True


def test_delegate_routes_parts_and_full_state():
    d = StateDelegate(ClusterMetrics(CollectorRegistry()), BroadcastQueue(3, lambda: 3))
    sil, nfl = Dummy(), Dummy()
    d.states.update(sil=sil, nfl=nfl)
    d.notify_msg(encode_part(Part("sil", b"delta")))
    d.notify_msg(encode_part(Part("unknown", b"x")))
    d.notify_msg(b"\xff\xff")
    assert sil.merged == [b"delta"] and nfl.merged == []
    assert decode_full_state(d.local_state(False)) == [Part("sil", b"snap"), Part("nfl", b"snap")]
    d.merge_remote_state(encode_full_state([Part("nfl", b"full"), Part("sil", b"full")]), True)
    assert nfl.merged == [b"full"] and sil.merged == [b"delta", b"full"]


def test_delegate_aborts_full_state_on_first_merge_error():
    d = StateDelegate(ClusterMetrics(CollectorRegistry()), BroadcastQueue(3, lambda: 3))
    bad, good = Dummy(fail=True), Dummy()
    d.states.update(a=bad, b=good)
    d.merge_remote_state(encode_full_state([Part("a", b"1"), Part("b", b"2")]), False)
    assert good.merged == []


def test_oversize_threshold():
    assert OVERSIZE_THRESHOLD == 700
    assert not is_oversized(700) and is_oversized(701)


async def test_channel_small_delta_is_queued_and_oversized_goes_reliable():
    reg = CollectorRegistry()
    peer = Peer(PeerConfig(listen_address="127.0.0.1:0"), registry=reg, name="01AAAAAAAAAAAAAAAAAAAAAAAA")
    ch = peer.add_state("sil", Dummy())
    ch.broadcast(b"small")
    assert peer._delegate.get_broadcasts(0, 1400) == [encode_part(Part("sil", b"small"))]
    for _ in range(205):
        ch.broadcast(b"x" * 800)
    dropped = reg.get_sample_value("alertmanager_oversized_gossip_message_dropped_total", {"key": "sil"})
    assert dropped == 5


async def test_peer_position_status_and_settle(unused_udp_port_factory=None):
    reg = CollectorRegistry()
    fast = dict(gossip_interval=timedelta(milliseconds=20), settle_timeout=timedelta(seconds=5),
                probe_interval=timedelta(milliseconds=100), probe_timeout=timedelta(milliseconds=50))
    a = Peer(PeerConfig(listen_address="127.0.0.1:0", **fast), registry=reg, name="01B")
    await a.start()
    b = None
    try:
        assert a.status() == "settling"
        b = Peer(PeerConfig(listen_address="127.0.0.1:0", peers=(f"127.0.0.1:{a.address[1]}",), **fast),
                 registry=CollectorRegistry(), name="01A")
        await b.start()
        async with asyncio.timeout(5):
            await a.wait_ready()
        assert a.status() == "ready"
        assert [p.name for p in a.peers()] == ["01A", "01B"]
        assert a.peers()[0].address == f"127.0.0.1:{b.address[1]}"
        assert (a.position(), b.position()) == (1, 0)
        a._update_gauges()
        assert reg.get_sample_value("alertmanager_cluster_members") == 2
        assert reg.get_sample_value("alertmanager_peer_position") == 1
        assert reg.get_sample_value("alertmanager_cluster_peer_info", {"peer": "01B"}) == 1
    finally:
        if b is not None:
            await b.stop()
        await a.stop()
