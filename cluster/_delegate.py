"""Alertmanager's memberlist delegate: routes Parts to states, builds and merges full states."""

from __future__ import annotations

import logging

from alertmanager.types import Replicated

from .clusterpb import DecodeError, Part, decode_full_state, decode_part, encode_full_state
from .memberlist.queue import BroadcastQueue
from .metrics import ClusterMetrics

__all__ = ["StateDelegate"]

_log = logging.getLogger(__name__)
_MAX_QUEUED = 4096


class StateDelegate:
    """Holds the registered states and the queue of their UDP deltas."""

    def __init__(self, metrics: ClusterMetrics, queue: BroadcastQueue) -> None:
        self.states: dict[str, Replicated] = {}
        self.queue = queue
        self._m = metrics

    def queue_gossip(self, part: bytes) -> None:
        self.queue.queue(part)
        self._m.messages_queued.set(len(self.queue))

    def prune(self) -> None:
        self._m.messages_pruned.inc(self.queue.prune(_MAX_QUEUED))
        self._m.messages_queued.set(len(self.queue))

    # memberlist.Delegate -----------------------------------------------------------------------
    def notify_msg(self, msg: bytes) -> None:
        self._m.messages_received.labels(msg_type="update").inc()
        self._m.messages_received_size.labels(msg_type="update").inc(len(msg))
        try:
            part = decode_part(msg)
        except DecodeError as e:
            _log.warning("decode broadcast: %s", e)
            return
        state = self.states.get(part.key)
        if state is None:
            return
        try:
            state.merge(part.data)
        except Exception as e:  # a bad delta must not break gossip
            _log.warning("merge broadcast for %s: %s", part.key, e)

    def get_broadcasts(self, overhead: int, limit: int) -> list[bytes]:
        msgs = self.queue.get(overhead, limit)
        self._m.messages_queued.set(len(self.queue))
        for m in msgs:
            self._m.messages_sent.labels(msg_type="update").inc()
            self._m.messages_sent_size.labels(msg_type="update").inc(len(m))
        return msgs

    def local_state(self, join: bool) -> bytes:
        parts: list[Part] = []
        for key, state in self.states.items():
            try:
                parts.append(Part(key, state.snapshot()))
            except Exception as e:
                _log.warning("encode local state %s: %s", key, e)
                return b""
        buf = encode_full_state(parts)
        self._m.messages_sent.labels(msg_type="full_state").inc()
        self._m.messages_sent_size.labels(msg_type="full_state").inc(len(buf))
        return buf

    def merge_remote_state(self, buf: bytes, join: bool) -> None:
        self._m.messages_received.labels(msg_type="full_state").inc()
        self._m.messages_received_size.labels(msg_type="full_state").inc(len(buf))
        try:
            parts = decode_full_state(buf)
        except DecodeError as e:
            _log.warning("merge remote state: %s", e)
            return
        for part in parts:
            state = self.states.get(part.key)
            if state is None:
                _log.warning("unknown state key %s", part.key)
                continue
            try:
                state.merge(part.data)
            except Exception as e:  # upstream aborts the remaining parts on the first error
                _log.warning("merge remote state %s: %s", part.key, e)
                return
