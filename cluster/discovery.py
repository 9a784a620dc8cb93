"""Turning ``--cluster.peer`` entries into addresses: IP:port, host:port (every A/AAAA record) and
``dnssrv+_name._tcp.domain`` SRV names (our extension for Cloud Map and headless Services)."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import dns.asyncresolver

__all__ = ["NAMESERVERS_ENV", "DNSResolver", "Resolver", "is_ip", "resolve_peers", "split_host_port"]

_log = logging.getLogger(__name__)
_SRV_PREFIX = "dnssrv+"
NAMESERVERS_ENV = "ALERTMANAGER_CLUSTER_DNS_SERVERS"


class Resolver(Protocol):
    """DNS lookups; tests pass a fake."""

    async def lookup_ip(self, host: str) -> list[str]: ...

    async def lookup_srv(self, name: str) -> list[tuple[str, int]]: ...


class DNSResolver:
    """The system resolver for A/AAAA and dnspython for SRV.

    ``nameservers`` (``host:port`` strings) sends every lookup, A/AAAA included, to those
    servers instead (tests, and hosts whose resolv.conf is not the one to use).
    """

    def __init__(self, nameservers: Sequence[str] = ()) -> None:
        self._nameservers = tuple(split_host_port(ns) for ns in nameservers)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> DNSResolver:
        """A resolver using ``$ALERTMANAGER_CLUSTER_DNS_SERVERS`` (comma-separated host:port), if set."""
        value = environ.get(NAMESERVERS_ENV, "")
        return cls([ns.strip() for ns in value.split(",") if ns.strip()])

    def _dns(self) -> dns.asyncresolver.Resolver:
        import dns.asyncresolver  # imported lazily: only SRV peers and overrides need it
        import dns.nameserver

        if not self._nameservers:
            return dns.asyncresolver.Resolver()
        r = dns.asyncresolver.Resolver(configure=False)
        r.nameservers = [dns.nameserver.Do53Nameserver(host, port) for host, port in self._nameservers]
        return r

    async def lookup_ip(self, host: str) -> list[str]:
        if self._nameservers:
            return await self._lookup_ip_dns(host)
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        out: list[str] = []
        for info in infos:
            ip = str(info[4][0])
            if ip not in out:
                out.append(ip)
        return out

    async def _lookup_ip_dns(self, host: str) -> list[str]:
        import dns.resolver

        resolver, out = self._dns(), list[str]()
        for rdtype in ("A", "AAAA"):
            try:
                answer = await resolver.resolve(host, rdtype)
            except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
                continue
            out.extend(str(r.address) for r in answer if str(r.address) not in out)
        if not out:
            raise OSError(f"no such host {host}")
        return out

    async def lookup_srv(self, name: str) -> list[tuple[str, int]]:
        answer = await self._dns().resolve(name, "SRV")
        return [(str(r.target).rstrip("."), int(r.port)) for r in answer]


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def split_host_port(hostport: str) -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` → (host, port); ValueError when malformed."""
    if hostport.startswith("["):
        host, sep, rest = hostport[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValueError(f"invalid address {hostport!r}")
        port_s = rest[1:]
    else:
        host, sep, port_s = hostport.rpartition(":")
        if not sep:
            raise ValueError(f"address {hostport}: missing port in address")
    try:
        port = int(port_s)
    except ValueError as e:
        raise ValueError(f"invalid port in {hostport!r}") from e
    if not 0 <= port <= 65535:
        raise ValueError(f"invalid port in {hostport!r}")
    return host, port


async def resolve_peers(entries: Iterable[str], resolver: Resolver) -> list[tuple[str, int]]:
    """Every address the entries name, deduplicated, in order; failed lookups are logged and skipped."""
    out: list[tuple[str, int]] = []

    def add(addr: tuple[str, int]) -> None:
        if addr not in out:
            out.append(addr)

    for entry in entries:
        try:
            if entry.startswith(_SRV_PREFIX):
                for target, port in await resolver.lookup_srv(entry[len(_SRV_PREFIX) :]):
                    target = target.rstrip(".")
                    for ip in [target] if is_ip(target) else await resolver.lookup_ip(target):
                        add((ip, port))
                continue
            host, port = split_host_port(entry)
            for ip in [host] if is_ip(host) else await resolver.lookup_ip(host):
                add((ip, port))
        except (OSError, ValueError) as e:
            _log.warning("failed to resolve peer %s: %s", entry, e)
        except Exception as e:  # dnspython raises its own exception tree
            _log.warning("failed to resolve peer %s: %s", entry, e)
    return out
