"""The partition test hook: a file of sides, re-read on change, applied by a wrapping transport."""

import asyncio

import pytest

from cluster._partition import PARTITION_ENV, PartitionRules, PartitionTransport, partition_file

A, B, C = ("127.0.0.1", 9001), ("127.0.0.1", 9002), ("127.0.0.1", 9003)


class RecordingTransport:
    def __init__(self):
        self.sent = []
        self.opened = []
        self.on_packet = None

    @property
    def port(self):
        return A[1]

    async def start(self, on_packet, on_stream):
        self.on_packet = on_packet

    def send_packet(self, data, addr):
        self.sent.append((data, addr))

    async def open_stream(self, addr, timeout):
        self.opened.append(addr)
        return None, None

    async def close(self):
        pass


def test_partition_file_comes_from_the_environment(tmp_path):
    assert partition_file({}) is None
    assert partition_file({PARTITION_ENV: str(tmp_path / "p")}) == tmp_path / "p"


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (None, {(A, B): False, (A, C): False}),
        ("", {(A, B): False, (A, C): False}),
        ("127.0.0.1:9001\n", {(A, B): True, (A, C): True, (B, C): False}),
        ("127.0.0.1:9001, 127.0.0.1:9002\n127.0.0.1:9003\n", {(A, B): False, (A, C): True, (B, C): True}),
        ("nonsense 127.0.0.1:9003\n", {(A, B): False, (C, A): True}),
    ],
    ids=["no-file", "empty-file", "one-cut-off", "two-lines", "malformed-entry-ignored"],
)
def test_sides(tmp_path, text, pairs):
    path = tmp_path / "partition"
    if text is not None:
        path.write_text(text)
    rules = PartitionRules(path)
    assert {pair: rules.blocked(*pair) for pair in pairs} == pairs


def test_rules_follow_the_file_as_it_changes(tmp_path):
    path = tmp_path / "partition"
    rules = PartitionRules(path)
    assert not rules.blocked(A, B)
    path.write_text("127.0.0.1:9001\n")
    assert rules.blocked(A, B)
    path.write_text("")
    assert not rules.blocked(A, B)
    path.write_text("127.0.0.1:9002\n")
    assert rules.blocked(A, B) and not rules.blocked(A, C)
    path.unlink()
    assert not rules.blocked(A, B)


async def test_transport_drops_packets_and_refuses_streams_across_the_cut(tmp_path):
    path = tmp_path / "partition"
    path.write_text("127.0.0.1:9003\n")
    inner = RecordingTransport()
    t = PartitionTransport(inner, PartitionRules(path), "127.0.0.1")
    received = []
    await t.start(lambda data, addr: received.append(addr), None)
    t.send_packet(b"to-b", B)
    t.send_packet(b"to-c", C)
    inner.on_packet(b"from-b", B)
    inner.on_packet(b"from-c", C)
    await t.open_stream(B, 1.0)
    with pytest.raises(ConnectionRefusedError):
        await t.open_stream(C, 1.0)
    assert inner.sent == [(b"to-b", B)]
    assert received == [B]
    assert inner.opened == [B]
    path.write_text("")  # healed
    t.send_packet(b"to-c", C)
    inner.on_packet(b"from-c", C)
    await asyncio.wait_for(t.open_stream(C, 1.0), 1)
    assert inner.sent[-1] == (b"to-c", C) and received[-1] == C and inner.opened[-1] == C
