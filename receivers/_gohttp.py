"""Go ``net/url`` and ``net/http`` behaviour the chat and incident notifiers rely on.

Upstream builds endpoints by appending to ``URL.Path`` (then ``String()`` re-escapes it), by
``URL.JoinPath`` and by ``url.Values.Encode``; :func:`send` is one request whose transport
failures never show the URL (it may hold a token).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

import httpx

from alertmanager.notify.http import redact_url
from alertmanager.notify.notifier import NotifyError

__all__ = ["append_path", "encode_query", "join_path", "read_trimmed", "send", "with_query"]

_PATH_SAFE = "$&+,/:;=@-_.~"
_CREDENTIAL_HEADERS = ("authorization", "x-auth-token", "x-user-id")


def encode_query(values: Mapping[str, str]) -> str:
    """``url.Values.Encode``: keys sorted, ``QueryEscape``d keys and values."""
    return "&".join(f"{quote_plus(k, safe='')}={quote_plus(values[k], safe='')}" for k in sorted(values))


def _parse_query(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in raw.split("&") if raw else ():
        key, _, value = part.partition("=")
        out.setdefault(unquote(key.replace("+", " ")), unquote(value.replace("+", " ")))
    return out


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, quote(path, safe=_PATH_SAFE), parts.query, parts.fragment))


def append_path(url: str, suffix: str) -> str:
    """``u.Path += suffix`` followed by ``u.String()``."""
    return _with_path(url, unquote(urlsplit(url).path) + suffix)


def join_path(url: str, *elems: str) -> str:
    """``u.JoinPath(elems...).String()``: joined, cleaned, keeping a final element's trailing slash."""
    base = unquote(urlsplit(url).path)
    if not elems:
        return url
    joined = posixpath.normpath("/".join([base, *elems]))
    joined = joined.replace("//", "/")
    if not joined.startswith("/"):
        joined = "/" + joined
    if elems[-1].endswith("/") and not joined.endswith("/"):
        joined += "/"
    return _with_path(url, joined)


def with_query(url: str, **params: str) -> str:
    """``q := u.Query(); q.Set(k, v)...; u.RawQuery = q.Encode()``."""
    parts = urlsplit(url)
    query = _parse_query(parts.query)
    query.update(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, encode_query(query), parts.fragment))


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    retry_transport: bool = True,
) -> httpx.Response:
    """One request; a transport failure becomes a NotifyError without the URL or any credential header."""
    try:
        return await client.request(method, url, content=body, headers=headers)
    except httpx.HTTPError as e:
        message = redact_url(f'{method.capitalize()} "<redacted>": {e}', url)
        try:
            sent = e.request.headers
        except RuntimeError:  # no request attached
            sent = httpx.Headers(headers or {})
        for name in _CREDENTIAL_HEADERS:
            value = sent.get(name, "")
            for secret in (value, value.rpartition(" ")[2]):
                message = redact_url(message, secret)
        raise NotifyError(message, retryable=retry_transport, reason="other") from None


def read_trimmed(path: str, what: str) -> str:
    """A URL or secret kept in a file, read at send time and trimmed; failure is final (``what: err``)."""
    try:
        return Path(path).read_text().strip()
    except OSError as e:
        raise NotifyError(f"{what}: open {path}: {(e.strerror or str(e)).lower()}", retryable=False) from None
