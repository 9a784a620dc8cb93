"""SWIM membership state: the node table and what alive, suspect and dead messages do to it.

Pure logic: time comes from an injected monotonic clock and every outgoing effect is a message
put on the broadcast queue, so the whole state machine is testable without a network.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .config import MemberlistConfig
from .messages import (
    Alive,
    Dead,
    MsgType,
    NodeStateKind,
    PushNodeState,
    Suspect,
    encode_message,
)
from .queue import BroadcastQueue
from .suspicion import Awareness, Suspicion, suspicion_timeout

__all__ = ["EventListener", "Membership", "Node", "ProtocolMismatch"]

_log = logging.getLogger(__name__)


class ProtocolMismatch(ValueError):
    """A push/pull peer speaks protocol or delegate versions we cannot accept."""


@dataclass(slots=True)
class Node:
    """One member as we know it (mutable: it is the node table's row)."""

    name: str
    addr: bytes
    port: int
    meta: bytes
    vsn: bytes
    incarnation: int
    state: NodeStateKind
    state_change: float

    @property
    def pmax(self) -> int:
        return self.vsn[1] if len(self.vsn) > 1 else 0

    def dead_or_left(self) -> bool:
        return self.state in (NodeStateKind.DEAD, NodeStateKind.LEFT)


class EventListener(Protocol):
    """Membership changes (memberlist's EventDelegate)."""

    def notify_join(self, node: Node) -> None: ...

    def notify_leave(self, node: Node) -> None: ...

    def notify_update(self, node: Node) -> None: ...


class Membership:
    """The node table plus the SWIM rules (memberlist state.go)."""

    def __init__(
        self,
        config: MemberlistConfig,
        *,
        clock: Callable[[], float],
        rng: random.Random,
        events: EventListener | None = None,
    ) -> None:
        self.config = config
        self.name = config.name
        self._clock = clock
        self._rng = rng
        self.events = events
        self.nodes: list[Node] = []
        self.by_name: dict[str, Node] = {}
        self.timers: dict[str, Suspicion] = {}
        self.awareness = Awareness(config.awareness_max_multiplier)
        self.queue = BroadcastQueue(config.retransmit_mult, self.num_nodes)
        self.incarnation = 0
        self.left = False
        self.leave_done: Callable[[], None] | None = None
        self.on_alive: Callable[[str], None] | None = None

    # -- queries ---------------------------------------------------------------------------
    def num_nodes(self) -> int:
        return len(self.nodes)

    def members(self) -> list[Node]:
        """Alive and suspect nodes, self included."""
        return [n for n in self.nodes if n.state in (NodeStateKind.ALIVE, NodeStateKind.SUSPECT)]

    def local(self) -> Node:
        return self.by_name[self.name]

    def health_score(self) -> int:
        return self.awareness.score

    # -- local node ------------------------------------------------------------------------
    def set_alive(self, addr: bytes, port: int, meta: bytes = b"") -> None:
        """Create our own node (bootstrap alive) and announce it."""
        self.incarnation += 1
        self.alive_node(
            Alive(incarnation=self.incarnation, node=self.name, addr=addr, port=port, meta=meta),
            bootstrap=True,
        )

    def refute(self, me: Node, accused: int) -> None:
        """Someone claims we are suspect/dead: outbid them with a higher incarnation."""
        self.incarnation += 1
        if accused >= self.incarnation:
            self.incarnation = accused + 1
        me.incarnation = self.incarnation
        self.awareness.apply_delta(1)
        msg = Alive(
            incarnation=me.incarnation, node=me.name, addr=me.addr, port=me.port, meta=me.meta, vsn=me.vsn
        )
        self.queue.queue(encode_message(MsgType.ALIVE, msg), name=me.name)

    # -- SWIM rules --------------------------------------------------------------------------
    def alive_node(self, a: Alive, *, bootstrap: bool = False) -> None:
        if self.left and a.node == self.name:
            return
        if len(a.vsn) < 6:
            _log.debug("ignoring alive for %s: short vsn", a.node)
            return
        pmin, pmax = a.vsn[0], a.vsn[1]
        if pmin == 0 or pmax == 0 or pmin > pmax:
            return
        now = self._clock()
        node = self.by_name.get(a.node)
        updates_node = False
        if node is None:
            node = Node(a.node, a.addr, a.port, a.meta, bytes(a.vsn[:6]), 0, NodeStateKind.DEAD, now)
            self.by_name[a.node] = node
            self.nodes.append(node)
            j = self._rng.randrange(len(self.nodes))
            self.nodes[-1], self.nodes[j] = self.nodes[j], self.nodes[-1]
        elif node.addr != a.addr or node.port != a.port:
            reclaim = (
                self.config.dead_node_reclaim_time > 0
                and now - node.state_change > self.config.dead_node_reclaim_time
            )
            if node.state == NodeStateKind.LEFT or (node.state == NodeStateKind.DEAD and reclaim):
                updates_node = True
            else:
                _log.warning("Conflicting address for %s", a.node)
                return
        is_local = node.name == self.name
        if a.incarnation <= node.incarnation and not is_local and not updates_node:
            return
        if a.incarnation < node.incarnation and is_local:
            return
        self.timers.pop(a.node, None)
        old_state, old_meta = node.state, node.meta
        if not bootstrap and is_local:
            if a.incarnation == node.incarnation and a.meta == node.meta and a.vsn[:6] == node.vsn:
                return
            self.refute(node, a.incarnation)
            return
        self.queue.queue(encode_message(MsgType.ALIVE, a), name=a.node)
        node.vsn = bytes(a.vsn[:6])
        node.incarnation = a.incarnation
        node.meta = a.meta
        node.addr = a.addr
        node.port = a.port
        if node.state != NodeStateKind.ALIVE:
            node.state = NodeStateKind.ALIVE
            node.state_change = now
        if self.on_alive is not None:
            self.on_alive(a.node)
        if self.events is not None:
            if old_state in (NodeStateKind.DEAD, NodeStateKind.LEFT):
                self.events.notify_join(node)
            elif old_meta != node.meta:
                self.events.notify_update(node)

    def suspect_node(self, s: Suspect) -> None:
        node = self.by_name.get(s.node)
        if node is None or s.incarnation < node.incarnation:
            return
        timer = self.timers.get(s.node)
        if timer is not None:
            if timer.confirm(s.from_):
                self.queue.queue(encode_message(MsgType.SUSPECT, s), name=s.node)
            return
        if node.state != NodeStateKind.ALIVE:
            return
        if node.name == self.name:
            self.refute(node, s.incarnation)
            _log.warning("Refuting a suspect message (from: %s)", s.from_)
            return
        self.queue.queue(encode_message(MsgType.SUSPECT, s), name=s.node)
        now = self._clock()
        node.incarnation = s.incarnation
        node.state = NodeStateKind.SUSPECT
        node.state_change = now
        n = self.num_nodes()
        k = self.config.suspicion_mult - 2
        if n - 2 < k:
            k = 0
        min_s = suspicion_timeout(self.config.suspicion_mult, n, self.config.probe_interval)
        max_s = self.config.suspicion_max_timeout_mult * min_s
        self.timers[s.node] = Suspicion(s.from_, k, min_s, max_s, now)

    def expire_suspicions(self) -> list[str]:
        """Declare dead every suspect whose timer ran out; returns their names."""
        now = self._clock()
        expired = [name for name, t in self.timers.items() if t.deadline <= now]
        for name in expired:
            timer = self.timers.pop(name)
            node = self.by_name.get(name)
            if node is not None and node.state == NodeStateKind.SUSPECT and node.state_change == timer.start:
                _log.info("Marking %s as failed, suspect timeout reached", name)
                self.dead_node(Dead(incarnation=node.incarnation, node=name, from_=self.name))
        return expired

    def dead_node(self, d: Dead) -> None:
        node = self.by_name.get(d.node)
        if node is None or d.incarnation < node.incarnation:
            return
        self.timers.pop(d.node, None)
        if node.dead_or_left():
            return
        if node.name == self.name:
            if not self.left:
                self.refute(node, d.incarnation)
                return
            self.queue.queue(encode_message(MsgType.DEAD, d), name=d.node, on_done=self.leave_done)
        else:
            self.queue.queue(encode_message(MsgType.DEAD, d), name=d.node)
        node.incarnation = d.incarnation
        node.state = NodeStateKind.LEFT if d.node == d.from_ else NodeStateKind.DEAD
        node.state_change = self._clock()
        if self.events is not None:
            self.events.notify_leave(node)

    def leave(self, on_done: Callable[[], None] | None) -> None:
        """Start a graceful leave: broadcast our own death (From == Node)."""
        self.left = True
        self.leave_done = on_done
        me = self.local()
        self.dead_node(Dead(incarnation=me.incarnation, node=self.name, from_=self.name))

    # -- push/pull ---------------------------------------------------------------------------
    def local_state(self) -> list[PushNodeState]:
        return [
            PushNodeState(
                name=n.name, addr=n.addr, port=n.port, incarnation=n.incarnation,
                state=n.state, meta=n.meta, vsn=n.vsn,
            )
            for n in self.nodes
        ]

    def verify_protocol(self, remote: list[PushNodeState]) -> None:
        """Raise ProtocolMismatch unless every alive node's versions fit everyone's ranges."""
        vsns = [n.vsn for n in self.nodes if n.state == NodeStateKind.ALIVE]
        vsns += [r.vsn for r in remote if r.state == NodeStateKind.ALIVE]
        if any(len(v) < 6 for v in vsns):
            raise ProtocolMismatch("node without a full version vector")
        if not vsns:
            return
        pmin, pmax = max(v[0] for v in vsns), min(v[1] for v in vsns)
        dmin, dmax = max(v[3] for v in vsns), min(v[4] for v in vsns)
        for v in vsns:
            if not pmin <= v[2] <= pmax:
                raise ProtocolMismatch(f"protocol version {v[2]} not in [{pmin}, {pmax}]")
            if not dmin <= v[5] <= dmax:
                raise ProtocolMismatch(f"delegate version {v[5]} not in [{dmin}, {dmax}]")

    def merge_state(self, remote: list[PushNodeState]) -> None:
        for r in remote:
            if r.state == NodeStateKind.ALIVE:
                self.alive_node(
                    Alive(
                        incarnation=r.incarnation, node=r.name, addr=r.addr, port=r.port,
                        meta=r.meta, vsn=r.vsn,
                    )
                )
            elif r.state == NodeStateKind.LEFT:
                self.dead_node(Dead(incarnation=r.incarnation, node=r.name, from_=r.name))
            else:
                self.suspect_node(Suspect(incarnation=r.incarnation, node=r.name, from_=self.name))

    # -- probing order -----------------------------------------------------------------------
    def reap(self) -> None:
        """Forget dead/left nodes gone for longer than GossipToTheDeadTime."""
        now = self._clock()
        keep: list[Node] = []
        for n in self.nodes:
            if n.dead_or_left() and now - n.state_change > self.config.gossip_to_the_dead_time:
                del self.by_name[n.name]
                continue
            keep.append(n)
        self.nodes = keep

    def probe_order(self) -> list[Node]:
        """One round of probe targets: reap, shuffle, skip self and dead/left nodes."""
        self.reap()
        self._rng.shuffle(self.nodes)
        return [n for n in self.nodes if n.name != self.name and not n.dead_or_left()]

    def gossip_targets(self, k: int) -> list[Node]:
        now = self._clock()
        cands = [
            n
            for n in self.nodes
            if n.name != self.name
            and (
                n.state in (NodeStateKind.ALIVE, NodeStateKind.SUSPECT)
                or (n.state == NodeStateKind.DEAD and now - n.state_change <= self.config.gossip_to_the_dead_time)
            )
        ]
        return self._rng.sample(cands, min(k, len(cands)))

    def random_alive(self, k: int, exclude: set[str]) -> list[Node]:
        cands = [
            n for n in self.nodes
            if n.state == NodeStateKind.ALIVE and n.name != self.name and n.name not in exclude
        ]
        return self._rng.sample(cands, min(k, len(cands)))

