"""Alertmanager HA: memberlist-compatible gossip that replicates ``Replicated`` states."""

from .channel import OVERSIZE_THRESHOLD, Channel, is_oversized
from .discovery import DNSResolver, Resolver
from .peer import Peer, PeerConfig, PeerInfo

__all__ = [
    "OVERSIZE_THRESHOLD",
    "Channel",
    "DNSResolver",
    "Peer",
    "PeerConfig",
    "PeerInfo",
    "Resolver",
    "is_oversized",
]
