"""Scalar value types of the config file: secrets, URLs, host:port, durations, regexps.

Secrets print as ``<secret>`` everywhere (``str``, ``repr``, dumps); code that needs the real
value reads ``.value``. Parsing failures raise :class:`ValueError` with upstream's message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import NewType
from urllib.parse import urlsplit

__all__ = [
    "SECRET_TOKEN",
    "GoDuration",
    "HostPort",
    "Int64",
    "PromDuration",
    "Secret",
    "SecretTemplateURL",
    "SecretURL",
    "UInt64",
    "URL",
    "parse_host_port",
    "parse_url",
]

SECRET_TOKEN = "<secret>"

PromDuration = NewType("PromDuration", timedelta)
"""A duration written in Prometheus syntax (``1h30m``, ``2d``): route timers, resolve_timeout."""
Int64 = NewType("Int64", int)
"""An integer Go declares as ``int64`` (named so in type errors, e.g. telegram ``chat_id``)."""
UInt64 = NewType("UInt64", int)
"""An integer Go declares as ``uint64`` (``max_alerts``): negative values are type errors."""
GoDuration = NewType("GoDuration", timedelta)
"""A duration written in Go syntax (``1m30s``, ``500ms``): receiver ``timeout``, pushover ``retry``."""


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret string; ``str()`` and ``repr()`` never show it."""

    value: str

    def __str__(self) -> str:
        return SECRET_TOKEN

    def __repr__(self) -> str:
        return f"{type(self).__name__}({SECRET_TOKEN!r})"

    def __bool__(self) -> bool:
        return bool(self.value)


class SecretURL(Secret):
    """A URL that is also a secret (Slack webhook, Discord webhook, …)."""

    __slots__ = ()


class SecretTemplateURL(Secret):
    """A secret URL that may contain Go template syntax (webhook ``url``, 0.34)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class URL:
    """An http(s) URL checked as upstream's ``ParseURL`` does."""

    value: str

    def __str__(self) -> str:
        return self.value

    def with_trailing_slash(self) -> URL:
        """The URL with ``/`` appended to its path (upstream does so for APIs it extends)."""
        head, sep, query = self.value.partition("?")
        return URL(head + ("" if head.endswith("/") else "/") + sep + query)


_HOST_OK = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=%\-]*$")


def _go_url_check(text: str) -> tuple[str, str]:
    """(scheme, host) of ``text``; ``ValueError`` with Go's ``url.Parse`` wording when malformed."""
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise ValueError(f'parse "{text}": {exc}') from None
    netloc = parts.netloc.rsplit("@", 1)[-1]
    host, port = netloc, ""
    if netloc.startswith("["):
        close = netloc.find("]")
        host, port = netloc[: close + 1], netloc[close + 1:].lstrip(":") if close >= 0 else ""
    elif ":" in netloc:
        host, port = netloc.rsplit(":", 1)
        if not port.isdigit() and port != "":
            raise ValueError(f'parse "{text}": invalid port ":{port}" after host')
    if not host.startswith("["):
        for ch in host:
            if not _HOST_OK.match(ch):
                raise ValueError(f'parse "{text}": invalid character "{ch}" in host name')
    if text[:1] == ":":
        raise ValueError(f'parse "{text}": missing protocol scheme')
    return parts.scheme.lower(), host


def parse_url(text: str) -> URL:
    """Upstream's ``ParseURL``: only http and https with a host."""
    scheme, host = _go_url_check(text)
    if scheme not in ("http", "https"):
        raise ValueError(f'unsupported scheme "{scheme}" for URL')
    if not host:
        raise ValueError("missing host for URL")
    return URL(text)


@dataclass(frozen=True, slots=True)
class HostPort:
    """``host:port`` (``smtp_smarthost``); empty means unset."""

    host: str = ""
    port: str = ""

    def __str__(self) -> str:
        if not self.host and not self.port:
            return ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def __bool__(self) -> bool:
        return bool(self.host or self.port)


def parse_host_port(text: str) -> HostPort:
    """Go's ``net.SplitHostPort`` plus upstream's non-empty port rule."""
    if text == "":
        return HostPort()

    def fail(why: str) -> ValueError:
        return ValueError(f"address {text}: {why}")

    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise fail("missing ']' in address")
        rest = text[end + 1:]
        if rest == "":
            raise fail("missing port in address")
        if not rest.startswith(":"):
            raise fail("unexpected ']' in address" if rest.startswith("]") else "missing port in address")
        host, port = text[1:end], rest[1:]
        if ":" in port:
            raise fail("too many colons in address")
    else:
        i = text.rfind(":")
        if i < 0:
            raise fail("missing port in address")
        host, port = text[:i], text[i + 1:]
        if ":" in host:
            raise fail("too many colons in address")
        if "[" in host or "]" in host or "[" in port or "]" in port:
            raise fail("unexpected '[' in address")
    if port == "":
        raise ValueError(f'address "{text}": port cannot be empty')
    return HostPort(host, port)
