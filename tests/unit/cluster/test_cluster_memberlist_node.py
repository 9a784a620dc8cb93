"""Memberlist over a fake transport: packet handling, probes, gossip, push/pull and leave."""

import asyncio

import pytest

from cluster.memberlist import MemberlistConfig, NodeStateKind
from cluster.memberlist.framing import (
    add_crc,
    add_label,
    decompress_payload,
    make_compound,
    split_compound,
    strip_label,
)
from cluster.memberlist.memberlist import Memberlist
from cluster.memberlist.messages import (
    Ack,
    Alive,
    IndirectPing,
    MsgType,
    Nack,
    Ping,
    decode_body,
    encode_message,
)

LOCAL = bytes([127, 0, 0, 1])
FAST = dict(
    probe_interval=0.1, probe_timeout=0.03, gossip_interval=0.02, pushpull_interval=0.5,
    tcp_timeout=1.0, enable_compression=True,
)


class Recorder:
    def __init__(self):
        self.msgs = []
        self.state = b""
        self.merged = []

    def notify_msg(self, msg):
        self.msgs.append(msg)

    def get_broadcasts(self, overhead, limit):
        return []

    def local_state(self, join):
        return self.state

    def merge_remote_state(self, buf, join):
        self.merged.append((buf, join))


def make(net, port, name=None, delegate=None, **kw):
    cfg = MemberlistConfig(
        name=name or f"node-{port}", bind_addr="127.0.0.1", bind_port=port, advertise_addr="127.0.0.1",
        advertise_port=port, **{**FAST, **kw},
    )
    return Memberlist(cfg, delegate=delegate, transport=net.transport(port))


async def until(pred, timeout=5.0):
    async with asyncio.timeout(timeout):
        while not pred():
            await asyncio.sleep(0.01)


def first_msg(packet):
    """The first message of a packet, through the compress and compound layers."""
    if packet[0] == MsgType.COMPRESS:
        packet = decompress_payload(packet[1:])
    if packet[0] == MsgType.COMPOUND:
        packet = split_compound(packet[1:])[0][0]
    return packet


def packets_to(net, addr):
    return [d for (_, dst, d) in net.sent if dst == addr]


async def test_ping_is_acked_at_source_address(fake_network):
    ml = make(fake_network, 7001)
    await ml.start()
    try:
        ping = Ping(seq_no=42, node="node-7001", source_addr=LOCAL, source_port=7999, source_node="x")
        ml.handle_packet(encode_message(MsgType.PING, ping), ("127.0.0.1", 5555))
        [reply] = packets_to(fake_network, ("127.0.0.1", 7999))
        body = first_msg(reply)
        assert body[0] == MsgType.ACK
        assert decode_body(Ack, body[1:]) == Ack(seq_no=42, payload=b"")
    finally:
        await ml.shutdown()


async def test_ping_for_another_node_is_dropped(fake_network):
    ml = make(fake_network, 7002)
    await ml.start()
    try:
        ml.handle_packet(encode_message(MsgType.PING, Ping(seq_no=1, node="someone-else")), ("127.0.0.1", 5))
        assert packets_to(fake_network, ("127.0.0.1", 5)) == []
    finally:
        await ml.shutdown()


@pytest.mark.parametrize(
    ("wrap", "delivered"),
    [
        (lambda p: add_crc(p), True),
        (lambda p: add_crc(p)[:-1] + b"\x00", False),
        (lambda p: make_compound([p]), True),
        (lambda p: add_label(p, b"other"), False),
    ],
    ids=["crc-ok", "crc-bad", "compound", "wrong-label"],
)
async def test_packet_layers(fake_network, wrap, delivered):
    rec = Recorder()
    ml = make(fake_network, 7003, delegate=rec)
    await ml.start()
    try:
        ml.handle_packet(wrap(b"\x08hello"), ("127.0.0.1", 5))
        assert rec.msgs == ([b"hello"] if delivered else [])
    finally:
        await ml.shutdown()


async def test_label_required_when_configured(fake_network):
    rec = Recorder()
    ml = make(fake_network, 7004, delegate=rec, label="prod")
    await ml.start()
    try:
        ml.handle_packet(b"\x08plain", ("127.0.0.1", 5))
        ml.handle_packet(add_label(b"\x08labelled", b"prod"), ("127.0.0.1", 5))
        assert rec.msgs == [b"labelled"]
        ping = encode_message(MsgType.PING, Ping(seq_no=1, node="node-7004"))
        ml.handle_packet(add_label(ping, b"prod"), ("127.0.0.1", 6))
        [reply] = packets_to(fake_network, ("127.0.0.1", 6))
        label, rest = strip_label(reply)
        assert label == b"prod" and first_msg(rest)[0] == MsgType.ACK
    finally:
        await ml.shutdown()


async def test_indirect_ping_relays_ack_with_original_seq(fake_network):
    relay, target = make(fake_network, 7011), make(fake_network, 7012)
    await relay.start()
    await target.start()
    try:
        ind = IndirectPing(seq_no=77, target=LOCAL, port=7012, node="node-7012", nack=True,
                           source_addr=LOCAL, source_port=7013, source_node="origin")
        relay.handle_packet(encode_message(MsgType.INDIRECT_PING, ind), ("127.0.0.1", 7013))
        await until(lambda: packets_to(fake_network, ("127.0.0.1", 7013)))
        [reply] = packets_to(fake_network, ("127.0.0.1", 7013))
        body = first_msg(reply)
        assert body[0] == MsgType.ACK
        assert decode_body(Ack, body[1:]).seq_no == 77
    finally:
        await relay.shutdown()
        await target.shutdown()


async def test_indirect_ping_sends_nack_when_target_silent(fake_network):
    relay = make(fake_network, 7021)
    await relay.start()
    try:
        ind = IndirectPing(seq_no=5, target=LOCAL, port=7099, node="gone", nack=True,
                           source_addr=LOCAL, source_port=7023, source_node="origin")
        relay.handle_packet(encode_message(MsgType.INDIRECT_PING, ind), ("127.0.0.1", 7023))
        await until(lambda: packets_to(fake_network, ("127.0.0.1", 7023)))
        [reply] = packets_to(fake_network, ("127.0.0.1", 7023))
        body = first_msg(reply)
        assert body[0] == MsgType.NACK and decode_body(Nack, body[1:]).seq_no == 5
    finally:
        await relay.shutdown()


async def test_join_gossip_failure_and_refutation(fake_network):
    recs = [Recorder() for _ in range(3)]
    for i, r in enumerate(recs):
        r.state = f"state-{i}".encode()
    nodes = [make(fake_network, 7031 + i, delegate=recs[i]) for i in range(3)]
    for n in nodes:
        await n.start()
    try:
        for n in nodes[1:]:
            ok, errors = await n.join([("127.0.0.1", 7031)])
            assert (ok, errors) == (1, [])
        assert (b"state-1", True) in recs[0].merged and (b"state-0", True) in recs[1].merged
        await until(lambda: all(len(n.members()) == 3 for n in nodes))
        # partition node 2: the others suspect it, then declare it dead
        fake_network.blocked.add(("127.0.0.1", 7033))
        await until(lambda: nodes[0].state.by_name["node-7033"].state == NodeStateKind.DEAD, timeout=10)
        # heal: node 2 hears it was declared dead, refutes with a higher incarnation and is alive again
        fake_network.blocked.clear()
        inc_before = nodes[2].state.local().incarnation
        await nodes[2].push_pull(("127.0.0.1", 7031), join=False)
        assert nodes[2].state.local().incarnation > inc_before
        await until(lambda: nodes[0].state.by_name["node-7033"].state == NodeStateKind.ALIVE)
    finally:
        for n in nodes:
            await n.shutdown()


async def test_user_messages_over_udp_gossip_and_tcp(fake_network):
    class Sender(Recorder):
        def __init__(self):
            super().__init__()
            self.pending = [b"delta-1"]

        def get_broadcasts(self, overhead, limit):
            out, self.pending = self.pending, []
            return out

    a_rec, b_rec = Sender(), Recorder()
    a, b = make(fake_network, 7041, delegate=a_rec), make(fake_network, 7042, delegate=b_rec)
    await a.start()
    await b.start()
    try:
        await b.join([("127.0.0.1", 7041)])
        await until(lambda: b"delta-1" in b_rec.msgs)
        await a.send_reliable(("127.0.0.1", 7042), b"big" * 1000)
        await until(lambda: b"big" * 1000 in b_rec.msgs)
    finally:
        await a.shutdown()
        await b.shutdown()


async def test_tcp_ping_fallback(fake_network):
    a, b = make(fake_network, 7051), make(fake_network, 7052)
    await a.start()
    await b.start()
    try:
        assert await a.tcp_ping(("127.0.0.1", 7052), 9, "node-7052", 1.0)
        assert not await a.tcp_ping(("127.0.0.1", 7052), 9, "wrong-name", 1.0)
        assert not await a.tcp_ping(("127.0.0.1", 7099), 9, "nobody", 1.0)
    finally:
        await a.shutdown()
        await b.shutdown()


async def test_leave_is_seen_as_left(fake_network):
    a, b = make(fake_network, 7061), make(fake_network, 7062)
    await a.start()
    await b.start()
    try:
        await b.join([("127.0.0.1", 7061)])
        await until(lambda: len(a.members()) == 2)
        await b.leave(2.0)
        await until(lambda: a.state.by_name["node-7062"].state == NodeStateKind.LEFT)
    finally:
        await a.shutdown()
        await b.shutdown()


async def test_push_pull_rejects_incompatible_delegate_version(fake_network):
    a = make(fake_network, 7071)
    await a.start()
    try:
        bad = Alive(incarnation=1, node="x", addr=LOCAL, port=1, vsn=bytes([1, 5, 2, 0, 0, 0]))
        a.state.alive_node(bad)
        b = make(fake_network, 7072)
        await b.start()
        b.state.local().vsn = bytes([1, 5, 2, 1, 1, 1])
        ok, errors = await b.join([("127.0.0.1", 7071)])
        assert ok == 0 and errors
        await b.shutdown()
    finally:
        await a.shutdown()
