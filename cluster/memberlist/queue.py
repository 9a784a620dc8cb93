"""A broadcast queue whose messages are each retransmitted a bounded number of times."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BroadcastQueue", "retransmit_limit"]


def retransmit_limit(mult: int, n: int) -> int:
    """How many times a message goes out in a cluster of ``n``: mult·ceil(log10(n+1))."""
    return mult * math.ceil(math.log10(n + 1))


@dataclass(slots=True)
class _Item:
    name: str | None
    msg: bytes
    transmits: int
    id: int
    on_done: Callable[[], None] | None


class BroadcastQueue:
    """memberlist's TransmitLimitedQueue: least-sent first, then largest, then newest.

    A message queued with a ``name`` replaces any older one of the same name (memberlist uses
    the node name, so a newer alive/suspect/dead invalidates an older one); unnamed messages
    (Alertmanager's state deltas) are never invalidated.
    """

    def __init__(self, retransmit_mult: int, num_nodes: Callable[[], int]) -> None:
        self.retransmit_mult = retransmit_mult
        self._num_nodes = num_nodes
        self._items: list[_Item] = []
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._items)

    def queue(self, msg: bytes, name: str | None = None, on_done: Callable[[], None] | None = None) -> None:
        """Add ``msg``; ``on_done`` runs when it has been sent enough times or was replaced."""
        if name is not None:
            for old in [i for i in self._items if i.name == name]:
                self._items.remove(old)
                if old.on_done is not None:
                    old.on_done()
        self._next_id += 1
        self._items.append(_Item(name, msg, 0, self._next_id, on_done))

    def get(self, overhead: int, limit: int) -> list[bytes]:
        """Messages that fit in ``limit`` bytes, each costing ``overhead`` extra; counts a send."""
        if not self._items:
            return []
        max_sends = retransmit_limit(self.retransmit_mult, self._num_nodes())
        out: list[bytes] = []
        used = 0
        for item in sorted(self._items, key=lambda i: (i.transmits, -len(i.msg), -i.id)):
            if used + overhead + len(item.msg) > limit:
                continue
            used += overhead + len(item.msg)
            out.append(item.msg)
            item.transmits += 1
            if item.transmits >= max_sends:
                self._items.remove(item)
                if item.on_done is not None:
                    item.on_done()
        return out

    def prune(self, max_retain: int) -> int:
        """Drop the oldest messages beyond ``max_retain``; returns how many went."""
        excess = len(self._items) - max_retain
        if excess <= 0:
            return 0
        self._items.sort(key=lambda i: i.id)
        dropped, self._items = self._items[:excess], self._items[excess:]
        for item in dropped:
            if item.on_done is not None:
                item.on_done()
        return excess

    def reset(self) -> None:
        self._items.clear()
