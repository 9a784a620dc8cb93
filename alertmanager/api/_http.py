"""Request and response helpers shared by the handlers: JSON, times, bodies, query values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from alertmanager.model.matchers import Matcher, MatchType, parse_matcher

__all__ = [
    "GO_ZERO",
    "BodyTooLarge",
    "decode_json",
    "error_response",
    "format_time",
    "json_bytes_response",
    "json_response",
    "match_filter_labels",
    "parse_filter",
    "parse_time",
    "query_bool",
    "read_body",
    "sorted_labels",
    "text_response",
]

GO_ZERO = datetime(1, 1, 1, tzinfo=UTC)
"""Go's zero ``time.Time``: an unset time in the API (``0001-01-01T00:00:00.000Z``)."""

_NO_STORE = {"Cache-Control": "no-store"}
_JSON = "application/json"
# go-openapi's swag.ConvertBool: these are true, anything else is false (never an error).
_TRUE = frozenset({"true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled"})


class BodyTooLarge(Exception):
    """A request body over the configured limit (answered with 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body too large: the limit is {limit} bytes")
        self.limit = limit


def format_time(t: datetime | None) -> str:
    """A time as go-openapi's ``strfmt.DateTime`` writes it: RFC 3339 with milliseconds."""
    if t is None:
        t = GO_ZERO
    s = t.isoformat(timespec="milliseconds")
    if s.endswith("+00:00"):
        return s[:-6] + "Z"
    return s


def parse_time(value: str) -> datetime | None:
    """An API time; ``None`` for Go's zero time (which means "unset" upstream)."""
    if value == "":
        return None
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    t = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return None if t == GO_ZERO else t


def sorted_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Labels in key order, as Go's JSON encoder writes maps."""
    return {k: labels[k] for k in sorted(labels)}


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type=_JSON, headers=_NO_STORE)


def json_bytes_response(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=_JSON, headers=_NO_STORE)


def error_response(message: str, status: int = 400) -> Response:
    """An error as the spec declares it: a JSON string."""
    return json_response(message, status)


def text_response(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="text/plain; charset=utf-8")


def query_bool(request: Request, name: str, default: bool = True) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    return value.lower() in _TRUE


def parse_filter(values: Sequence[str]) -> list[Matcher]:
    """``filter=`` values, one matcher each (upstream's ``compat.Matcher``); ``MatcherError``."""
    return [parse_matcher(v) for v in values]


def match_filter_labels(matchers: Sequence[Matcher], labels: Mapping[str, str]) -> bool:
    """Upstream's ``matchFilterLabels``: an empty-valued matcher ignores how presence differs."""
    for m in matchers:
        present = m.name in labels
        if m.type is MatchType.NOT_EQUAL or m.type is MatchType.NOT_REGEX:
            if m.value == "" and present:
                continue
        elif m.value == "" and not present:
            continue
        if not m.matches(labels.get(m.name, "")):
            return False
    return True


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes (``BodyTooLarge``)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json(body: bytes) -> Any:
    """``orjson.loads``; an empty body decodes as ``None`` (go-swagger's "required" case)."""
    if not body.strip():
        return None
    return orjson.loads(body)

