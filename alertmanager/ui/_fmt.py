"""Small formatting and parsing helpers shared by the pages: times, durations, links, matchers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from alertmanager.model.matchers import Matcher, MatchType

__all__ = [
    "autolink",
    "equal_matchers",
    "format_duration",
    "format_input_time",
    "format_time",
    "matchers_text",
    "normalize_prefix",
    "parse_duration",
    "parse_input_time",
    "relative",
]

_UNITS = (("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_UNIT_SECONDS = {**dict(_UNITS), "ms": 0.001}
_DURATION = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def normalize_prefix(prefix: str) -> str:
    """``--web.route-prefix`` as a path with a leading and no trailing slash; ``""`` for root."""
    prefix = prefix.strip()
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    return prefix.rstrip("/")


def parse_duration(text: str) -> timedelta:
    """A Prometheus duration (``1d2h30m``, ``90s``); ``ValueError`` when it is not one."""
    text = text.strip()
    pos, seconds = 0, 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            break
        seconds += int(m.group(1)) * _UNIT_SECONDS[m.group(2)]
        pos = m.end()
    if not text or pos != len(text):
        raise ValueError(f'not a valid duration string: "{text}"')
    return timedelta(seconds=seconds)


def format_duration(d: timedelta) -> str:
    """``d`` in the largest units that divide it, as Prometheus prints durations (``1d2h``)."""
    total = int(d.total_seconds())
    if total <= 0:
        return "0s"
    out = []
    for unit, size in _UNITS:
        n, total = divmod(total, size)
        if n:
            out.append(f"{n}{unit}")
    return "".join(out)


def format_time(t: datetime | None) -> str:
    """A time for reading: ``2026-11-24 10:00:00 UTC``."""
    if t is None:
        return ""
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_input_time(t: datetime) -> str:
    """A time for a form field, RFC 3339 in UTC: ``2026-11-24T10:00:00Z``."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_input_time(text: str) -> datetime:
    """An RFC 3339 / ISO 8601 time from a form field (no offset means UTC); ``ValueError``."""
    t = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def relative(t: datetime, now: datetime) -> str:
    """``5m ago`` / ``in 2h`` at whole seconds, the two largest units only."""
    delta = now - t
    past = delta >= timedelta(0)
    text = format_duration(abs(delta))
    parts = re.findall(r"\d+[a-z]+", text)
    text = "".join(parts[:2])
    return f"{text} ago" if past else f"in {text}"


def autolink(text: str) -> Markup:
    """``text`` escaped, with http(s) URLs turned into links that open in a new tab."""
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(text):
        out.append(escape(text[pos:m.start()]))
        url = escape(m.group(0))
        out.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("".join(out))


def matchers_text(matchers: Iterable[Matcher]) -> str:
    """``{a="1", b=~"x"}``: a filter string the matcher parser reads back."""
    return "{" + ", ".join(str(m) for m in matchers) + "}"


def equal_matchers(labels: dict[str, str]) -> list[Matcher]:
    """One ``name="value"`` matcher per label, sorted by name (a silence for exactly these labels)."""
    return [Matcher.create(k, MatchType.EQUAL, v) for k, v in sorted(labels.items())]
