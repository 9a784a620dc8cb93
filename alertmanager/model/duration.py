"""Durations in the two spellings users write: Prometheus's (``1h30m``, ``2d``, ``1w``) in the
config file and Go's ``time.Duration`` (``1m0s``, ``200ms``, ``1.5h``) in command-line flags."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = [
    "DurationError",
    "format_go_duration",
    "format_prom_duration",
    "parse_go_duration",
    "parse_prom_duration",
]


class DurationError(ValueError):
    """Text that is not a duration."""


_PROM_UNITS = (("y", 365 * 86400_000), ("w", 7 * 86400_000), ("d", 86400_000), ("h", 3600_000),
               ("m", 60_000), ("s", 1000), ("ms", 1))
_PROM_RE = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")


def parse_prom_duration(text: str) -> timedelta:
    """Parse Prometheus's ``model.ParseDuration`` syntax."""
    if text == "":
        raise DurationError("empty duration string")
    if text == "0":
        return timedelta(0)
    m = _PROM_RE.match(text)
    if m is None:
        raise DurationError(f'not a valid duration string: "{text}"')
    ms = 0
    for (_, unit_ms), part in zip(_PROM_UNITS, m.groups(), strict=True):
        if part is not None:
            ms += int(part) * unit_ms
    return timedelta(milliseconds=ms)


def format_prom_duration(d: timedelta) -> str:
    """Print like Prometheus's ``model.Duration.String`` (``4h``, ``1h30m``, ``0s``)."""
    ms = int(d / timedelta(milliseconds=1))
    if ms == 0:
        return "0s"
    out = []
    for unit, unit_ms in _PROM_UNITS:
        if ms >= unit_ms:
            out.append(f"{ms // unit_ms}{unit}")
            ms %= unit_ms
    return "".join(out)


_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> timedelta:
    """Parse Go's ``time.ParseDuration`` syntax (what kingpin's ``Duration()`` flags take)."""
    s = text
    sign = 1.0
    if s[:1] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    if s == "0":
        return timedelta(0)
    if not s:
        raise DurationError(f'time: invalid duration "{text}"')
    pos = 0
    seconds = 0.0
    while pos < len(s):
        m = _GO_PART.match(s, pos)
        if m is None:
            raise DurationError(f'time: invalid duration "{text}"')
        seconds += float(m.group(1)) * _GO_UNITS[m.group(2)]
        pos = m.end()
    return timedelta(seconds=sign * seconds)


def format_go_duration(d: timedelta) -> str:
    """Print like Go's ``time.Duration.String`` (``1m0s``, ``200ms``, ``6h0m0s``)."""
    total_us = round(d / timedelta(microseconds=1))
    if total_us == 0:
        return "0s"
    neg = total_us < 0
    total_us = abs(total_us)
    if total_us < 1_000_000:
        text = f"{total_us / 1000:g}ms" if total_us >= 1000 else f"{total_us}µs"
        return ("-" if neg else "") + text
    h, rem = divmod(total_us, 3_600_000_000)
    m, rem = divmod(rem, 60_000_000)
    sec = rem / 1_000_000
    sec_text = f"{sec:.6f}".rstrip("0").rstrip(".")
    text = (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + f"{sec_text}s"
    return ("-" if neg else "") + text
