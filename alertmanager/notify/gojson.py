"""JSON and timestamps exactly as Go's ``encoding/json`` writes them, for byte-identical payloads.

Go escapes ``<``, ``>`` and ``&`` (HTML-safe), U+2028/U+2029 and control characters (``\\u00XX``
except ``\\n \\r \\t``), keeps other non-ASCII text raw, and writes struct fields in declaration
order (dicts here keep insertion order; callers sort map-typed values themselves).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import orjson

__all__ = ["GO_ZERO_TIME", "go_json", "go_json_floatless", "go_time"]

GO_ZERO_TIME = "0001-01-01T00:00:00Z"

_ESCAPE = re.compile('[\\x00-\\x1f"\\\\<>&\u2028\u2029]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    return _SHORT.get(c) or f"\\u{ord(c):04x}"


def _string(s: str) -> str:
    return '"' + _ESCAPE.sub(_escape_char, s) + '"'


def _float(f: float) -> str:
    """A float64 as Go writes it: shortest digits, exponent form only below 1e-6 or from 1e21."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {f}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        text = repr(f)
        # Go writes e-7, not e-07.
        return re.sub(r"e([+-])0(\d)$", r"e\1\2", text)
    return format(Decimal(repr(f)).normalize(), "f") if f != 0 else ("-0" if math.copysign(1, f) < 0 else "0")


def _encode(v: object, out: list[str]) -> None:
    if isinstance(v, str):
        out.append(_string(v))
    elif v is None:
        out.append("null")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(_float(v))
    elif isinstance(v, Mapping):
        out.append("{")
        for i, (k, item) in enumerate(v.items()):
            if i:
                out.append(",")
            out.append(_string(str(k)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(v, Sequence):
        out.append("[")
        for i, item in enumerate(v):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(v).__name__} as Go JSON")


def go_json(value: object) -> bytes:
    """``json.NewEncoder(w).Encode(value)``'s output, trailing newline included."""
    out: list[str] = []
    _encode(value, out)
    out.append("\n")
    return "".join(out).encode()


# What orjson writes differently from Go: it leaves <, >, &, U+2028 and U+2029 raw and writes
# \b and \f in short form. An escaped backslash is matched as a unit so that the "b" of "\\b"
# (backslash, letter b) is not taken for an escape.
_ORJSON_DIFF = re.compile(rb'\\[\\bf]|[<>&]|\xe2\x80[\xa8\xa9]')
_GO_FORM = {
    b"<": b"\\u003c", b">": b"\\u003e", b"&": b"\\u0026",
    b"\xe2\x80\xa8": b"\\u2028", b"\xe2\x80\xa9": b"\\u2029",
    b"\\b": b"\\u0008", b"\\f": b"\\u000c", b"\\\\": b"\\\\",
}


def _go_form(m: re.Match[bytes]) -> bytes:
    return _GO_FORM[m.group(0)]


def go_json_floatless(value: object) -> bytes:
    """``go_json`` for values known to hold no floats (orjson writes those unlike Go), of
    dicts, lists, strings, ints, bools and None only: encoded by orjson, then given Go's escapes."""
    try:
        raw = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return go_json(value)  # e.g. a lone surrogate, which Go would write as U+FFFD anyway
    # Byte scans first: most payloads have none of these, and ``in`` beats a regex search.
    if (b"\\\\" in raw or b"\\b" in raw or b"\\f" in raw or b"<" in raw or b">" in raw or b"&" in raw
            or b"\xe2\x80" in raw):
        raw = _ORJSON_DIFF.sub(_go_form, raw)
    return raw + b"\n"


def go_time(t: datetime | None) -> str:
    """``time.Time`` as Go marshals it (RFC 3339 with nanoseconds, trailing zeros trimmed).

    ``None`` is Go's zero time. The offset is kept: UTC prints ``Z``, others ``±hh:mm``.
    """
    if t is None:
        return GO_ZERO_TIME
    if t.tzinfo is UTC:
        # The usual case, by the C-coded isoformat: "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00".
        text = t.isoformat()[:-6]
        return (text.rstrip("0") if t.microsecond else text) + "Z"
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    text = f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    if t.microsecond:
        text += "." + f"{t.microsecond:06d}".rstrip("0")
    offset = t.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
