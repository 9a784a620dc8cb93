"""Choosing the address a peer advertises (upstream cluster/advertise.go, plus hostnames)."""

from __future__ import annotations

import ipaddress
import socket

from .discovery import Resolver, is_ip, split_host_port

__all__ = ["advertise_address"]


def _private_ip() -> str | None:
    """A private IPv4 address of this host, as upstream picks when bound to 0.0.0.0."""
    candidates: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            candidates.append(str(info[4][0]))
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent; this only picks a source address
            candidates.append(str(s.getsockname()[0]))
    except OSError:
        pass
    for c in candidates:
        ip = ipaddress.ip_address(c)
        if ip.is_private and not ip.is_loopback:
            return c
    return None


async def advertise_address(listen: str, advertise: str, resolver: Resolver) -> tuple[str, int]:
    """(ip, port) to put in our alive messages; ``advertise`` may name a host (upstream #1271)."""
    bind_host, bind_port = split_host_port(listen)
    if advertise:
        host, port = split_host_port(advertise)
        if not is_ip(host):
            ips = await resolver.lookup_ip(host)
            if not ips:
                raise ValueError(f"advertise address {host} did not resolve")
            host = ips[0]
        return host, port
    if bind_host and is_ip(bind_host) and not ipaddress.ip_address(bind_host).is_unspecified:
        return bind_host, bind_port
    ip = _private_ip()
    if ip is None:
        raise ValueError(
            "no private IP found, explicit advertise addr not provided; use --cluster.advertise-address"
        )
    return ip, bind_port
