"""Alertmanager's template functions (upstream ``template.DefaultFuncs``)."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from alertmanager.template._builtins import FuncError, TypeMismatch
from alertmanager.template._gotime import ZERO_TIME, Duration, format_time, load_location, parse_time
from alertmanager.template._html import SafeHTML, SafeURL
from alertmanager.template._json import go_json

__all__ = ["SIGNATURES", "AnyList", "Clock", "alertmanager_funcs", "go_regexp", "humanize_duration", "title"]

Clock = Callable[[], datetime]


class AnyList(list[Any]):
    """A Go ``[]interface {}`` (what ``list`` and ``append`` return)."""

    GO_TYPE = "[]interface {}"


_S, _A, _T = "string", "interface {}", "time.Time"

# Go parameter types: (fixed parameters, element type of a variadic tail or None).
SIGNATURES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "toUpper": ((_S,), None), "toLower": ((_S,), None), "title": ((_S,), None),
    "trimSpace": ((_S,), None), "join": ((_S, "[]string"), None), "match": ((_S, _S), None),
    "safeHtml": ((_S,), None), "safeUrl": ((_S,), None), "urlUnescape": ((_S,), None),
    "reReplaceAll": ((_S, _S, _S), None), "stringSlice": ((), _S), "routeLabels": ((_S,), None),
    "date": ((_S, _T), None), "tz": ((_S, _T), None), "now": ((), None), "since": ((_T,), None),
    "humanizeDuration": ((_A,), None), "toDate": ((_S, _S), None), "mustToDate": ((_S, _S), None),
    "toJson": ((_A,), None), "base64encode": ((_S,), None), "base64decode": ((_S,), None),
    "list": ((), _A), "append": (("[]interface {}",), _A), "dict": ((), _A),
    "printf": ((_S,), _A),
}


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeMismatch("string", v)
    return v


def _time(v: Any) -> datetime:
    if not isinstance(v, datetime):
        raise TypeMismatch("time.Time", v)
    return v


def go_regexp(pattern: str) -> re.Pattern[str]:
    """Compile a Go (RE2) pattern with Python's re."""
    try:
        return re.compile(pattern.replace(r"\z", r"\Z"))
    except re.error as e:
        raise FuncError(f"error parsing regexp: {e}: `{pattern}`") from None


_EXPAND = re.compile(r"\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


def _expand(template: str, m: re.Match[str]) -> str:
    """Go's Regexp.Expand: ``$1``, ``${1}``, ``$name``; unknown groups expand to ""."""
    def one(x: re.Match[str]) -> str:
        if x.group(1) == "$":
            return "$"
        name = x.group(2) or x.group(3)
        try:
            val = m.group(int(name)) if name.isdigit() else m.group(name)
        except IndexError:
            return ""
        return val or ""
    return _EXPAND.sub(one, template)



def _re_replace_all(pattern: Any, repl: Any, text: Any) -> str:
    rx = go_regexp(_str(pattern))
    r = _str(repl)
    return rx.sub(lambda m: _expand(r, m), _str(text))


def _match(pattern: Any, text: Any) -> bool:
    return go_regexp(_str(pattern)).search(_str(text)) is not None


_WORD = re.compile(r"[^\W_]+(?:['’_][^\W_]+)*|_+", re.UNICODE)


def title(text: str) -> str:
    """``cases.Title``: first letter of each word upper, the rest lower."""
    return _WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), text)


def _fmt4g(v: float) -> str:
    s = f"{v:.4g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{exp[0]}{int(exp[1:]):02d}"
    return s


def _to_float(v: Any) -> float:
    if isinstance(v, bool):
        raise FuncError("can't convert bool to float")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, Duration):
        return v.ns / 1e9
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            raise FuncError(f'strconv.ParseFloat: parsing "{v}": invalid syntax') from None
    raise FuncError(f"can't convert {type(v).__name__} to float")


def humanize_duration(i: Any) -> str:
    """Prometheus's ``humanizeDuration``: seconds as ``1d 2h 3m 4s`` or ``1.5ms``."""
    v = _to_float(i)
    if math.isnan(v) or math.isinf(v):
        return _fmt4g(v).replace("nan", "NaN").replace("inf", "Inf")
    if v == 0:
        return "0s"
    if abs(v) >= 1:
        sign = "-" if v < 0 else ""
        v = abs(v)
        d = int(v)
        secs, mins, hours, days = d % 60, (d // 60) % 60, (d // 3600) % 24, d // 86400
        if days:
            return f"{sign}{days}d {hours}h {mins}m {secs}s"
        if hours:
            return f"{sign}{hours}h {mins}m {secs}s"
        if mins:
            return f"{sign}{mins}m {secs}s"
        return f"{sign}{_fmt4g(v)}s"
    prefix = ""
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return f"{_fmt4g(v)}{prefix}s"


def _url_unescape(s: Any) -> str:
    text = _str(s)
    for m in re.finditer(r"%(.{0,2})", text):
        if not re.fullmatch(r"[0-9A-Fa-f]{2}", m.group(1)):
            raise FuncError(f'invalid URL escape "{m.group(0)}"')
    return unquote_plus(text, errors="surrogateescape")


def _b64decode(s: Any) -> str:
    try:
        return base64.urlsafe_b64decode(_str(s).encode()).decode(errors="replace")
    except (binascii.Error, ValueError) as e:
        raise FuncError(f"illegal base64 data: {e}") from None


def _dict(*values: Any) -> dict[str, Any]:
    if len(values) % 2:
        raise FuncError("dict requires an even number of arguments")
    out: dict[str, Any] = {}
    for k, v in zip(values[::2], values[1::2], strict=True):
        if not isinstance(k, str):
            raise FuncError("dict keys must be strings")
        out[k] = v
    return out


def _append(slice_: Any, *args: Any) -> AnyList:
    if slice_ is not None and not isinstance(slice_, Sequence) or isinstance(slice_, str):
        raise TypeMismatch("[]interface {}", slice_)
    return AnyList([*(slice_ or []), *args])


def _join(sep: Any, items: Any) -> str:
    if not isinstance(items, Sequence) or isinstance(items, str) or not all(isinstance(x, str) for x in items):
        raise TypeMismatch("[]string", items)
    return _str(sep).join(items)


def _to_date(layout: Any, value: Any) -> datetime:
    try:
        return parse_time(_str(layout), _str(value))
    except ValueError:
        return ZERO_TIME


def _must_to_date(layout: Any, value: Any) -> datetime:
    try:
        return parse_time(_str(layout), _str(value))
    except ValueError as e:
        raise FuncError(str(e)) from None


def alertmanager_funcs(clock: Clock, route_labels: Mapping[str, str] | None = None) -> dict[str, Callable[..., Any]]:
    """The function map templates get; ``clock`` serves ``now`` and ``since``."""
    labels = dict(route_labels or {})

    def tz(name: Any, t: Any) -> datetime:
        try:
            loc = load_location(_str(name))
        except ValueError as e:
            raise FuncError(str(e)) from None
        return _time(t).astimezone(loc)

    def since(t: Any) -> Duration:
        delta = clock() - _time(t)
        return Duration(round(delta.total_seconds() * 1e6) * 1000)

    return {
        "toUpper": lambda s: _str(s).upper(),
        "toLower": lambda s: _str(s).lower(),
        "title": lambda s: title(_str(s)),
        "trimSpace": lambda s: _str(s).strip(" \t\n\r\v\f\x85\xa0"),
        "join": _join,
        "match": _match,
        "safeHtml": lambda s: SafeHTML(_str(s)),
        "safeUrl": lambda s: SafeURL(_str(s)),
        "urlUnescape": _url_unescape,
        "reReplaceAll": _re_replace_all,
        "stringSlice": lambda *s: [_str(x) for x in s],
        "routeLabels": lambda name: labels.get(_str(name), ""),
        "date": lambda layout, t: format_time(_time(t), _str(layout)),
        "tz": tz,
        "now": clock,
        "since": since,
        "humanizeDuration": humanize_duration,
        "toDate": _to_date,
        "mustToDate": _must_to_date,
        "toJson": go_json,
        "base64encode": lambda s: base64.urlsafe_b64encode(_str(s).encode()).decode(),
        "base64decode": _b64decode,
        "list": lambda *a: AnyList(a),
        "append": _append,
        "dict": _dict,
    }
