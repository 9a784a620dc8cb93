"""JSON for the Jira notifier: Go's encoding of ``map[string]any`` values and templated custom fields.

Every object in a Jira request is a Go map or a struct whose fields are already in alphabetical
order, so :func:`encode` sorts keys everywhere. Custom field strings are rendered, then read as
YAML (as upstream's ``DeepCopyWithTemplate`` does) so ``"42"`` becomes a number and ``"[a, b]"`` a
list; a description for API v3 is raw JSON, compacted and HTML-escaped as Go re-encodes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import yaml

__all__ = ["RawJSON", "compact", "deep_template", "encode"]

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "<": "\\u003c", ">": "\\u003e",
            "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True, slots=True)
class RawJSON:
    """JSON text that is written as-is (after :func:`compact`), like Go's ``json.RawMessage``."""

    text: str


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        out.append(esc if esc is not None else f"\\u{ord(ch):04x}" if ord(ch) < 0x20 else ch)
    out.append('"')
    return "".join(out)


def _float(f: float) -> str:
    """Go's float64 encoding: shortest digits, exponent form only outside [1e-6, 1e21)."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {f}")
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        mant, _, exp = repr(f).partition("e")
        return f"{mant}e{'-' if exp.startswith('-') else '+'}{exp.lstrip('+-').lstrip('0') or '0'}"
    text = repr(f)
    if "e" in text:
        text = format(f, "f").rstrip("0").rstrip(".")
    return text


def compact(text: str) -> str:
    """Go's ``json.Compact`` with HTML escaping: whitespace outside strings dropped, ``<>&`` escaped."""
    out: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            out.append(_ESCAPES[ch] if ch in "<>&\u2028\u2029" else ch)
        elif ch in " \t\r\n":
            continue
        else:
            in_string = ch == '"'
            out.append(ch)
    return "".join(out)


def encode(v: object) -> str:
    """Compact JSON as Go's ``json.Marshal`` writes a map-based value (keys sorted)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, RawJSON):
        return compact(v.text)
    if isinstance(v, Mapping):
        return "{" + ",".join(f"{_string(str(k))}:{encode(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, Sequence):
        return "[" + ",".join(encode(x) for x in v) + "]"
    raise ValueError(f"json: unsupported type: {type(v).__name__}")


class _Loader(yaml.SafeLoader):
    """YAML 1.1 like yaml.v2 into ``interface{}``: timestamps stay strings."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _normalize(v: object) -> object:
    if isinstance(v, Mapping):
        return {k: _normalize(x) for k, x in v.items() if isinstance(k, str)}
    if isinstance(v, list):
        return [_normalize(x) for x in v]
    return v


def deep_template(value: object, render: Callable[[str], str], failed: Callable[[], bool]) -> object:
    """Upstream's ``DeepCopyWithTemplate``: render strings and map keys; structured results parse."""
    if isinstance(value, str):
        text = render(value)
        if failed():
            return text
        try:
            parsed = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError:
            return text
        if isinstance(parsed, str):
            return text
        return _normalize(parsed)
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for k, x in value.items():
            if not isinstance(k, str):
                continue
            key = render(k)
            if failed():
                return out
            out[key] = deep_template(x, render, failed)
        return out
    if isinstance(value, list | tuple):
        return [deep_template(x, render, failed) for x in value]
    return value
