"""Outgoing HTTP for receivers: one client factory from ``http_config``, one response judge.

Every receiver builds its ``httpx.AsyncClient`` with :func:`new_client` (tests pass
``transport=httpx.MockTransport(...)``), posts with :func:`post_json`, and lets
:func:`check_response` decide between success, retry and give-up as upstream's
``Retrier.Check`` does. URLs never appear in errors (:func:`redact_url`): they may hold secrets.
"""

from __future__ import annotations

import base64
import os
import ssl
import tempfile
from collections.abc import Callable, Collection, Generator, Mapping
from pathlib import Path
from typing import Any

import httpx

from alertmanager import __version__
from alertmanager.notify.notifier import NotifyError, reason_from_status
from alertmanager.notify.transport import FastTransport

__all__ = ["USER_AGENT", "check_response", "new_client", "parsed_url", "post_json", "redact_url", "warm_up"]

USER_AGENT = f"Alertmanager/{__version__}"


def _read_secret(value: Any, path: Any) -> str:
    if path:
        return Path(str(path)).read_text().strip()
    return "" if value is None else str(getattr(value, "value", value))


class _HeaderAuth(httpx.Auth):
    """Sets ``Authorization`` per request; secrets in files are re-read each time, as upstream."""

    def __init__(self, header: Callable[[], str]) -> None:
        self.header = header

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.header()
        yield request


def _auth(cfg: Mapping[str, Any]) -> httpx.Auth | None:
    basic = cfg.get("basic_auth")
    if basic:
        def basic_header() -> str:
            user = _read_secret(basic.get("username"), basic.get("username_file"))
            password = _read_secret(basic.get("password"), basic.get("password_file"))
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

        return _HeaderAuth(basic_header)
    authz = cfg.get("authorization")
    if authz:
        scheme = str(authz.get("type") or "Bearer")

        def authz_header() -> str:
            return f"{scheme} {_read_secret(authz.get('credentials'), authz.get('credentials_file'))}"

        return _HeaderAuth(authz_header)
    if cfg.get("bearer_token") or cfg.get("bearer_token_file"):
        def bearer_header() -> str:
            return "Bearer " + _read_secret(cfg.get("bearer_token"), cfg.get("bearer_token_file"))

        return _HeaderAuth(bearer_header)
    return None


_TLS_VERSIONS = {
    "TLS10": ssl.TLSVersion.TLSv1,
    "TLS11": ssl.TLSVersion.TLSv1_1,
    "TLS12": ssl.TLSVersion.TLSv1_2,
    "TLS13": ssl.TLSVersion.TLSv1_3,
}


def _ssl_context(tls: Mapping[str, Any]) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    if tls.get("ca_file"):
        ctx.load_verify_locations(cafile=str(tls["ca_file"]))
    elif tls.get("ca"):
        ctx.load_verify_locations(cadata=str(tls["ca"]))
    cert_file, key_file = tls.get("cert_file"), tls.get("key_file")
    if cert_file:
        ctx.load_cert_chain(str(cert_file), str(key_file) if key_file else None)
    elif tls.get("cert"):
        # The ssl module loads client certificates from files only.
        with tempfile.TemporaryDirectory() as tmp:
            cert_path = os.path.join(tmp, "cert.pem")
            Path(cert_path).write_text(str(tls["cert"]))
            key_path = None
            if tls.get("key"):
                key_path = os.path.join(tmp, "key.pem")
                Path(key_path).write_text(_read_secret(tls["key"], None))
            ctx.load_cert_chain(cert_path, key_path)
    if tls.get("insecure_skip_verify"):
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    min_version = tls.get("min_version")
    if min_version:
        ctx.minimum_version = _TLS_VERSIONS[str(min_version)]
    return ctx


class _ServerNameTransport(httpx.AsyncBaseTransport):
    """Presents (and verifies) ``server_name`` instead of the URL's host in the TLS handshake."""

    def __init__(self, inner: httpx.AsyncBaseTransport, server_name: str) -> None:
        self._inner = inner
        self._server_name = server_name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions = {**request.extensions, "sni_hostname": self._server_name}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=90.0)
"""Idle connections are kept for 90 s, as Go's default transport does (httpx keeps them 5 s),
so notifications minutes apart still reuse the receiver's connection."""


def warm_up() -> None:
    """Load now what the first request through httpx's own transport (proxied receivers, the
    SNS bridge's certificate fetch; ``FastTransport`` does not need it) would load: anyio's
    backend for the running event loop, about 20 ms of imports that would otherwise delay that
    notification. Call it from inside the loop, e.g. at server start."""
    import anyio

    anyio.Event()  # selects, imports and caches the backend of the running loop


def new_client(
    http_config: Mapping[str, Any] | None,
    *,
    timeout: float | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` configured like upstream's ``http_config``.

    Supports basic_auth, authorization (and legacy bearer_token), tls_config (ca/cert/key
    files or inline, insecure_skip_verify, server_name, min_version), proxy_url,
    proxy_from_environment and follow_redirects (default true). ``timeout`` bounds a whole
    request; ``None`` leaves it to the caller's deadline (connecting still gives up after 30 s).
    """
    cfg: Mapping[str, Any] = http_config or {}
    tls: Mapping[str, Any] = cfg.get("tls_config") or {}
    server_name = str(tls["server_name"]) if tls.get("server_name") else None
    if transport is None:
        proxy = cfg.get("proxy_url")
        ctx = _ssl_context(tls)

        def httpcore_transport() -> httpx.AsyncBaseTransport:
            inner: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(
                verify=ctx, proxy=str(proxy) if proxy else None, http1=True, http2=False, limits=_LIMITS,
            )
            return inner if server_name is None else _ServerNameTransport(inner, server_name)

        if proxy:
            transport = httpcore_transport()
        else:
            transport = FastTransport(ssl_context=ctx, server_name=server_name,
                                      keepalive_expiry=_LIMITS.keepalive_expiry or 90.0,
                                      fallback=httpcore_transport)
    elif server_name is not None:
        transport = _ServerNameTransport(transport, server_name)
    follow = cfg.get("follow_redirects")
    hooks: dict[str, list[Callable[..., Any]]] = {}
    if cfg.get("http_headers"):
        hooks["request"] = [_HeaderHook(cfg["http_headers"])]
    auth = _auth(cfg)
    client = _Client(
        auth=auth,
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=30.0 if timeout is None else timeout),
        follow_redirects=True if follow is None else bool(follow),
        trust_env=bool(cfg.get("proxy_from_environment")),
        headers={"User-Agent": USER_AGENT},
        event_hooks=hooks,
    )
    if isinstance(transport, FastTransport) and not hooks and not client._mounts and (
            auth is None or isinstance(auth, _HeaderAuth)):
        client.go_lean(transport, auth)
    return client


class _NoCookies(httpx.Cookies):
    """A cookie store that keeps nothing: Go's default HTTP client has no cookie jar, so a
    receiver's ``Set-Cookie`` never comes back on the next notification (and httpx's jar costs
    a urllib request adapter per response)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None


class _Client(httpx.AsyncClient):
    """``httpx.AsyncClient`` without a cookie jar (see ``_NoCookies``), with a short way for
    JSON POSTs.

    ``post_json`` is most notifications' only request. When the client needs nothing of
    httpx's per-request machinery (no hooks, no proxies, at most a header-setting auth), it
    writes the very request httpx would (same headers, same order) straight to the
    ``FastTransport``: building and sending an ``httpx.Request`` costs more CPU than the round
    trip. Redirect answers go back through the full client, which follows them.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cookies = _NoCookies()
        self._lean: FastTransport | None = None
        self._lean_auth: _HeaderAuth | None = None
        self._lean_headers = b""

    def go_lean(self, transport: FastTransport, auth: _HeaderAuth | None) -> None:
        self._lean = transport
        self._lean_auth = auth
        self._lean_headers = b"".join(name + b": " + value + b"\r\n" for name, value in self.headers.raw)

    async def post_json(self, url: str, body: bytes) -> httpx.Response:
        target = parsed_url(url)
        lean = self._lean
        if lean is None or target.scheme not in ("http", "https") or not target.host or target.userinfo:
            return await self.post(target, content=body, headers=_JSON_HEADERS)
        head = [b"POST ", target.raw_path or b"/", b" HTTP/1.1\r\nHost: ", target.netloc, b"\r\n",
                self._lean_headers, b"Content-Type: application/json\r\nContent-Length: ", b"%d" % len(body), b"\r\n"]
        if self._lean_auth is not None:
            head += [b"Authorization: ", self._lean_auth.header().encode(), b"\r\n"]
        head.append(b"\r\n")
        timeout = self.timeout
        status, headers, content = await lean.round_trip(
            target, b"".join(head), body, connect_timeout=timeout.connect, read_timeout=timeout.read)
        response = _loaded_response(status, headers, content)
        if self.follow_redirects and response.has_redirect_location:
            return await self.post(target, content=body, headers=_JSON_HEADERS)
        return response


def _loaded_response(status: int, headers: list[tuple[bytes, bytes]], content: bytes) -> httpx.Response:
    """The ``httpx.Response`` httpx would return for a received answer, already read.

    Without a ``Content-Encoding`` there is nothing to decode, so the body is stored as it
    is, as ``read()`` would have: its decoder chain costs ~20 µs, in the time between a
    receiver's answer and the next request the event loop can serve. ``read()`` still
    decodes an encoded body.
    """
    response = httpx.Response(status, headers=headers, stream=httpx.ByteStream(content), extensions=_HTTP11)
    if "content-encoding" in response.headers:
        response.read()
    else:
        response._content = content
        response.is_stream_consumed = response.is_closed = True
    return response


_HTTP11 = {"http_version": b"HTTP/1.1"}


_URLS_LIMIT = 1024
_urls: dict[str, httpx.URL] = {}


def parsed_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``, parsed once per distinct URL (receivers post to a handful, over and over)."""
    parsed = _urls.get(url)
    if parsed is None:
        if len(_urls) >= _URLS_LIMIT:
            _urls.clear()
        parsed = _urls[url] = httpx.URL(url)
    return parsed


class _HeaderHook:
    """Adds ``http_headers`` to each request: values, secrets, and files read at send time."""

    def __init__(self, headers: Mapping[str, Any]) -> None:
        self._headers = headers

    async def __call__(self, request: httpx.Request) -> None:
        for name, header in self._headers.items():
            values = [str(v) for v in header.get("values") or ()]
            values += [_read_secret(v, None) for v in header.get("secrets") or ()]
            values += [_read_secret(None, f) for f in header.get("files") or ()]
            if values:
                kept = [(k, v) for k, v in request.headers.multi_items() if k.lower() != name.lower()]
                request.headers = httpx.Headers(kept + [(name, v) for v in values])


def redact_url(message: str, url: str) -> str:
    """``message`` with every occurrence of ``url`` replaced by ``<redacted>``."""
    return message.replace(url, "<redacted>") if url else message


_JSON_HEADERS = {"Content-Type": "application/json"}


async def post_json(client: httpx.AsyncClient, url: str, body: bytes) -> httpx.Response:
    """POSTs a JSON body; a transport failure becomes a retryable NotifyError without the URL."""
    try:
        if isinstance(client, _Client):
            return await client.post_json(url, body)
        return await client.post(parsed_url(url), content=body, headers=_JSON_HEADERS)
    except httpx.TimeoutException as e:
        raise NotifyError(
            redact_url(f'Post "<redacted>": timeout: {e}', url), retryable=True, reason="other"
        ) from None
    except httpx.HTTPError as e:
        raise NotifyError(redact_url(f'Post "<redacted>": {e}', url), retryable=True, reason="other") from None


def check_response(resp: httpx.Response, extra_retry_codes: Collection[int] = ()) -> None:
    """Upstream's ``Retrier.Check``: 2xx is success; 5xx and ``extra_retry_codes`` retry; else give up."""
    code = resp.status_code
    if code // 100 == 2:
        return
    retry = code // 100 == 5 or code in extra_retry_codes
    message = f"unexpected status code {code}"
    details = resp.text
    if details:
        message = f"{message}: {details}"
    raise NotifyError(message, retryable=retry, reason=reason_from_status(code))
