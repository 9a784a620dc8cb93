"""Choosing the address a peer advertises (upstream cluster/advertise.go, plus hostnames and
the ECS task IP)."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable

from .discovery import Resolver, is_ip, split_host_port

__all__ = ["ECS_METADATA_ENV", "Fetch", "advertise_address", "ecs_task_ip", "http_get"]

_log = logging.getLogger(__name__)
ECS_METADATA_ENV = "ECS_CONTAINER_METADATA_URI_V4"
Fetch = Callable[[str], Awaitable[bytes]]
"""GET a URL and return its body (raises on failure)."""


async def http_get(url: str) -> bytes:
    import httpx  # imported lazily: only ECS tasks need it

    async with httpx.AsyncClient(timeout=5) as client:
        r = await client.get(url)
        r.raise_for_status()
        return r.content


async def ecs_task_ip(metadata_uri: str, fetch: Fetch = http_get) -> str | None:
    """The task's IPv4 address from the ECS task metadata endpoint (v4) ``<uri>/task``."""
    try:
        task = json.loads(await fetch(metadata_uri.rstrip("/") + "/task"))
    except (OSError, ValueError) as e:
        raise ValueError(f"reading ECS task metadata from {metadata_uri}: {e}") from e
    except Exception as e:  # the HTTP client's own errors
        raise ValueError(f"reading ECS task metadata from {metadata_uri}: {e}") from e
    for container in task.get("Containers") or []:
        for network in container.get("Networks") or []:
            for ip in network.get("IPv4Addresses") or []:
                if is_ip(ip):
                    return str(ip)
    return None


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


async def advertise_address(
    listen: str, advertise: str, resolver: Resolver, *, ecs_metadata_uri: str = "", fetch: Fetch = http_get
) -> tuple[str, int]:
    """(ip, port) to put in our alive messages.

    ``advertise`` may name a host (upstream #1271): its first IPv4 address wins, else its first
    address. Unset, a concrete bind IP is advertised; bound to any address on ECS
    (``ecs_metadata_uri`` given), the task's IP; otherwise a private IP of this host.
    """
    bind_host, bind_port = split_host_port(listen)
    if advertise:
        host, port = split_host_port(advertise)
        if not is_ip(host):
            ips = await resolver.lookup_ip(host)
            if not ips:
                raise ValueError(f"advertise address {host} did not resolve")
            host = next((ip for ip in ips if ipaddress.ip_address(ip).version == 4), ips[0])
        return host, port
    if bind_host and is_ip(bind_host) and not ipaddress.ip_address(bind_host).is_unspecified:
        return bind_host, bind_port
    if ecs_metadata_uri:
        try:
            task_ip = await ecs_task_ip(ecs_metadata_uri, fetch)
        except ValueError as e:
            _log.warning("not advertising the ECS task IP: %s", e)
            task_ip = None
        if task_ip is not None:
            return task_ip, bind_port
    ip = _private_ip()
    if ip is None:
        raise ValueError(
            "no private IP found, explicit advertise addr not provided; use --cluster.advertise-address"
        )
    return ip, bind_port
