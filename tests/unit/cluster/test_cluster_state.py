"""The SWIM state machine (Membership) driven by messages and a fake clock."""

import random

import pytest

from cluster.memberlist.config import MemberlistConfig
from cluster.memberlist.messages import (
    Alive,
    Dead,
    MsgType,
    NodeStateKind,
    PushNodeState,
    Suspect,
    decode_body,
)
from cluster.memberlist.state import Membership, ProtocolMismatch

IP = bytes([10, 0, 0, 1])


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


class Events:
    def __init__(self):
        self.log = []

    def notify_join(self, node):
        self.log.append(("join", node.name))

    def notify_leave(self, node):
        self.log.append(("leave", node.name, node.state))

    def notify_update(self, node):
        self.log.append(("update", node.name))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def events():
    return Events()


@pytest.fixture
def m(clock, events):
    ms = Membership(MemberlistConfig(name="self"), clock=clock, rng=random.Random(1), events=events)
    ms.set_alive(IP, 9094)
    return ms


def alive(name, inc=1, addr=IP, port=9000, vsn=bytes([1, 5, 2, 0, 0, 0]), meta=b""):
    return Alive(incarnation=inc, node=name, addr=addr, port=port, vsn=vsn, meta=meta)


def queued(ms):
    """What is queued for gossip now; empties the queue."""
    out = [(b[0], b[1:]) for b in ms.queue.get(0, 1 << 20)]
    ms.queue.reset()
    return out


def test_bootstrap_self_alive_and_broadcast(m, events):
    assert [n.name for n in m.members()] == ["self"]
    assert events.log == [("join", "self")]
    kind, body = queued(m)[0]
    assert kind == MsgType.ALIVE
    assert decode_body(Alive, body).incarnation == 1


def test_new_node_joins_and_is_rebroadcast(m, events):
    queued(m)
    m.alive_node(alive("b"))
    assert m.by_name["b"].state == NodeStateKind.ALIVE
    assert ("join", "b") in events.log
    assert [k for k, _ in queued(m)] == [MsgType.ALIVE]


@pytest.mark.parametrize(
    "vsn", [bytes([1, 5, 2]), bytes([0, 5, 2, 0, 0, 0]), bytes([3, 2, 2, 0, 0, 0])],
    ids=["short-vsn", "pmin-zero", "pmin-above-pmax"],
)
def test_bad_versions_ignored(m, vsn):
    m.alive_node(alive("b", vsn=vsn))
    assert "b" not in m.by_name


def test_older_or_equal_incarnation_ignored(m):
    m.alive_node(alive("b", inc=5))
    queued(m)
    m.alive_node(alive("b", inc=5, meta=b"x"))
    assert m.by_name["b"].meta == b"" and queued(m) == []


def test_conflicting_address_ignored_unless_left(m):
    m.alive_node(alive("b", inc=1))
    m.alive_node(alive("b", inc=2, port=1234))
    assert m.by_name["b"].port == 9000
    m.dead_node(Dead(incarnation=2, node="b", from_="b"))
    m.alive_node(alive("b", inc=3, port=1234))
    assert m.by_name["b"].port == 1234 and m.by_name["b"].state == NodeStateKind.ALIVE


def test_meta_change_notifies_update(m, events):
    m.alive_node(alive("b", inc=1))
    m.alive_node(alive("b", inc=2, meta=b"new"))
    assert events.log[-1] == ("update", "b")


def test_suspect_then_dead_after_timeout(m, clock, events):
    m.alive_node(alive("b"))
    m.suspect_node(Suspect(incarnation=1, node="b", from_="self"))
    assert m.by_name["b"].state == NodeStateKind.SUSPECT
    assert [n.name for n in m.members()] == sorted(["self", "b"], key=[n.name for n in m.nodes].index)
    # 2 nodes: min = 4 * 1 * 1s, k = 0 → deadline = min
    clock.t += 3.9
    assert m.expire_suspicions() == []
    clock.t += 0.2
    assert m.expire_suspicions() == ["b"]
    assert m.by_name["b"].state == NodeStateKind.DEAD
    assert events.log[-1] == ("leave", "b", NodeStateKind.DEAD)


def test_alive_with_higher_incarnation_clears_suspicion(m, clock):
    m.alive_node(alive("b"))
    m.suspect_node(Suspect(incarnation=1, node="b", from_="self"))
    m.alive_node(alive("b", inc=2))
    clock.t += 100
    assert m.expire_suspicions() == []
    assert m.by_name["b"].state == NodeStateKind.ALIVE


def test_confirmations_regossip_once_per_sender(clock):
    ms = Membership(MemberlistConfig(name="self"), clock=clock, rng=random.Random(1))
    ms.set_alive(IP, 1)
    for name in "bcdef":
        ms.alive_node(alive(name))
    ms.suspect_node(Suspect(incarnation=1, node="b", from_="c"))
    queued(ms)
    ms.suspect_node(Suspect(incarnation=1, node="b", from_="d"))
    assert [k for k, _ in queued(ms)] == [MsgType.SUSPECT]
    ms.suspect_node(Suspect(incarnation=1, node="b", from_="d"))
    assert queued(ms) == []


@pytest.mark.parametrize(
    "accusation",
    [Suspect(incarnation=1, node="self", from_="b"), Dead(incarnation=3, node="self", from_="b")],
    ids=["suspect", "dead"],
)
def test_refute_accusations_about_self(m, accusation):
    queued(m)
    if isinstance(accusation, Suspect):
        m.suspect_node(accusation)
    else:
        m.dead_node(accusation)
    me = m.local()
    assert me.state == NodeStateKind.ALIVE
    assert me.incarnation > accusation.incarnation
    kind, body = queued(m)[0]
    assert kind == MsgType.ALIVE and decode_body(Alive, body).incarnation == me.incarnation
    assert m.awareness.score == 1


def test_stale_alive_about_self_is_refuted(m):
    queued(m)
    m.alive_node(alive("self", inc=1, addr=IP, port=9094, meta=b"other"))
    assert m.local().incarnation == 2


def test_graceful_leave_broadcasts_dead_from_self(m):
    done = []
    m.alive_node(alive("b"))
    queued(m)
    m.leave(lambda: done.append(True))
    [msg] = m.queue.get(0, 1000)
    assert msg[0] == MsgType.DEAD
    assert m.local().state == NodeStateKind.LEFT
    assert decode_body(Dead, msg[1:]) == Dead(incarnation=1, node="self", from_="self")
    assert done == []
    while len(m.queue):
        m.queue.get(0, 1000)
    assert done == [True]


def test_dead_from_node_itself_means_left(m, events):
    m.alive_node(alive("b"))
    m.dead_node(Dead(incarnation=1, node="b", from_="b"))
    assert m.by_name["b"].state == NodeStateKind.LEFT
    assert events.log[-1] == ("leave", "b", NodeStateKind.LEFT)


def test_reap_after_gossip_to_the_dead_time(m, clock):
    m.alive_node(alive("b"))
    m.dead_node(Dead(incarnation=1, node="b", from_="x"))
    clock.t += 29
    assert [n.name for n in m.gossip_targets(5)] == ["b"]
    m.reap()
    assert "b" in m.by_name
    clock.t += 2
    assert m.probe_order() == []
    assert "b" not in m.by_name


def test_merge_push_pull_state(m):
    m.alive_node(alive("c"))
    remote = [
        PushNodeState(name="a", addr=IP, port=1, incarnation=1, state=NodeStateKind.ALIVE),
        PushNodeState(name="b", addr=IP, port=2, incarnation=1, state=NodeStateKind.LEFT),
        PushNodeState(name="c", addr=IP, port=9000, incarnation=1, state=NodeStateKind.DEAD),
    ]
    m.merge_state(remote)
    assert m.by_name["a"].state == NodeStateKind.ALIVE
    assert "b" not in m.by_name  # unknown node's dead/left is ignored
    assert m.by_name["c"].state == NodeStateKind.SUSPECT  # dead entries are only suspected


@pytest.mark.parametrize(
    ("vsn", "ok"),
    [(bytes([1, 5, 2, 0, 0, 0]), True), (bytes([1, 5, 2, 0, 0, 1]), False), (bytes([3, 5, 3, 0, 0, 0]), False)],
    ids=["same", "delegate-version", "protocol-out-of-range"],
)
def test_verify_protocol(m, vsn, ok):
    remote = [PushNodeState(name="x", addr=IP, port=1, incarnation=1, state=NodeStateKind.ALIVE, vsn=vsn)]
    if ok:
        m.verify_protocol(remote)
    else:
        with pytest.raises(ProtocolMismatch):
            m.verify_protocol(remote)
