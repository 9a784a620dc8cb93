"""memberlist settings, with Alertmanager's values as defaults."""

from __future__ import annotations

from dataclasses import dataclass

from .crypto import Keyring

__all__ = ["MemberlistConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberlistConfig:
    """Durations are in seconds. ``advertise_addr`` must be a concrete IP address."""

    name: str
    bind_addr: str = "0.0.0.0"
    bind_port: int = 9094
    advertise_addr: str = ""
    advertise_port: int = 0
    probe_interval: float = 1.0
    probe_timeout: float = 0.5
    gossip_interval: float = 0.2
    gossip_nodes: int = 3
    gossip_to_the_dead_time: float = 30.0
    pushpull_interval: float = 60.0
    tcp_timeout: float = 10.0
    indirect_checks: int = 3
    retransmit_mult: int = 4
    suspicion_mult: int = 4
    suspicion_max_timeout_mult: int = 6
    awareness_max_multiplier: int = 8
    dead_node_reclaim_time: float = 0.0
    udp_buffer_size: int = 1400
    enable_compression: bool = True
    label: str = ""
    keyring: Keyring | None = None
    gossip_verify_incoming: bool = True
    max_concurrent_pushpull: int = 128
