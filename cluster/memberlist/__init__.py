"""A hashicorp/memberlist-compatible gossip member (SWIM over UDP + TCP)."""

from .config import MemberlistConfig
from .crypto import Keyring
from .memberlist import Delegate, Memberlist, ip_bytes, node_addr
from .messages import NodeStateKind
from .state import EventListener, Membership, Node
from .transport import Addr, NetTransport, Transport

__all__ = [
    "Addr",
    "Delegate",
    "EventListener",
    "Keyring",
    "Membership",
    "MemberlistConfig",
    "Memberlist",
    "NetTransport",
    "Node",
    "NodeStateKind",
    "Transport",
    "ip_bytes",
    "node_addr",
]
