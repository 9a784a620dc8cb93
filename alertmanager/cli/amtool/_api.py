"""The Alertmanager API v2 as amtool 0.25's generated client sees it, over ``httpx``.

Errors read like go-swagger's: ``[GET /silence/{silenceID}][404] getSilenceNotFound `` for a
response the 0.25 spec declares, ``response status code does not match …`` for one it does
not, and ``Get "<url>": dial tcp …`` when the server cannot be reached.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import httpx

from alertmanager import __version__
from alertmanager.notify.http import new_client

__all__ = ["ApiClient", "ApiError", "Endpoint"]


class ApiError(Exception):
    """A failed API call; ``str()`` is the message amtool prints after ``amtool: error: ``."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation of the 0.25 spec: its path template and the responses it declares."""

    method: str
    path: str
    operation: str
    responses: Mapping[int, tuple[str, bool]]  # code -> (Go response name, has a payload)


GET_STATUS = Endpoint("GET", "/status", "getStatus", {200: ("OK", True)})
GET_SILENCES = Endpoint("GET", "/silences", "getSilences", {200: ("OK", True), 500: ("InternalServerError", True)})
POST_SILENCES = Endpoint("POST", "/silences", "postSilences",
                         {200: ("OK", True), 400: ("BadRequest", True), 404: ("NotFound", True)})
GET_SILENCE = Endpoint("GET", "/silence/{silenceID}", "getSilence",
                       {200: ("OK", True), 404: ("NotFound", False), 500: ("InternalServerError", True)})
DELETE_SILENCE = Endpoint("DELETE", "/silence/{silenceID}", "deleteSilence",
                          {200: ("OK", False), 500: ("InternalServerError", True)})
GET_ALERTS = Endpoint("GET", "/alerts", "getAlerts",
                      {200: ("OK", True), 400: ("BadRequest", True), 500: ("InternalServerError", True)})
POST_ALERTS = Endpoint("POST", "/alerts", "postAlerts",
                       {200: ("OK", False), 400: ("BadRequest", True), 500: ("InternalServerError", True)})

_UNDECLARED = "response status code does not match any response statuses defined for this endpoint in the swagger spec"


def _major_minor(version: str) -> str:
    parts = version.split("-", 1)[0].split("+", 1)[0].split(".")
    if not parts or not all(p.isdigit() for p in parts) or len(parts) > 3:
        return ""
    return ".".join((parts + ["0"])[:2])


def _dial_error(url: httpx.URL, exc: Exception) -> str:
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    if isinstance(exc, httpx.TimeoutException):
        return "context deadline exceeded"
    try:
        ip = socket.gethostbyname(host)
    except OSError:
        return f"dial tcp: lookup {host}: no such host"
    hostport = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
    return f"dial tcp {hostport}: connect: connection refused"


class ApiClient:
    """Calls one Alertmanager's ``/api/v2``; build it with the global flags."""

    def __init__(self, base_url: str, *, timeout: timedelta, http_config: Mapping[str, Any] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, version_check: bool = True) -> None:
        split = urlsplit(base_url)
        scheme = split.scheme or "http"
        host = split.netloc.rsplit("@", 1)[-1] or "localhost:9093"
        path = "/".join(p for p in split.path.split("/") if p)
        self.base = f"{scheme}://{host}/" + (f"{path}/" if path else "") + "api/v2"
        self._http = new_client(http_config, timeout=timeout.total_seconds(), transport=transport)
        if split.username is not None:
            self._http.auth = httpx.BasicAuth(unquote(split.username), unquote(split.password or ""))
        self._version_checked = not version_check

    async def _check_version(self) -> None:
        if self._version_checked:
            return
        self._version_checked = True
        try:
            theirs = str((await self._call(GET_STATUS, {}))["versionInfo"]["version"])
        except (ApiError, KeyError, TypeError):
            return
        if _major_minor(theirs) != _major_minor(__version__):
            sys.stderr.write(f"Warning: amtool version ({__version__}) and alertmanager version ({theirs}) "
                             "are different.\n")

    async def _call(self, ep: Endpoint, params: Mapping[str, Any], *, query: Sequence[tuple[str, str]] = (),
              body: Any = None) -> Any:
        path = ep.path
        for k, v in params.items():
            path = path.replace("{" + k + "}", quote(str(v), safe=""))
        url = self.base + path + (("?" + urlencode(sorted(query, key=lambda kv: kv[0]))) if query else "")
        content = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json"}
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            resp = await self._http.request(ep.method, url, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise ApiError(f'{ep.method.title()} "{url}": {_dial_error(httpx.URL(url), exc)}') from None
        declared = ep.responses.get(resp.status_code)
        if declared is None:
            raise ApiError(f"{_UNDECLARED} (status {resp.status_code}): {{}}")
        name, has_payload = declared
        payload: Any = None
        if has_payload:
            try:
                payload = resp.json()
            except ValueError:
                payload = resp.text
        if 200 <= resp.status_code < 300:
            return payload
        shown = "" if not has_payload else (payload if isinstance(payload, str) else json.dumps(payload))
        raise ApiError(f"[{ep.method} {ep.path}][{resp.status_code}] {ep.operation}{name} " +
                       (f" {shown}" if has_payload else ""))

    async def call(self, ep: Endpoint, params: Mapping[str, Any] | None = None, *,
             query: Sequence[tuple[str, str]] = (), body: Any = None) -> Any:
        """Run one operation (after the one-time version check); its decoded payload."""
        await self._check_version()
        return await self._call(ep, params or {}, query=query, body=body)

    async def aclose(self) -> None:
        await self._http.aclose()
