"""text/template's predefined functions with Go's comparison rules and error messages."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote_plus

from alertmanager.template._fmt import sprint, sprintf, sprintln, type_name

__all__ = ["BUILTINS", "FuncError", "TypeMismatch", "arity", "html_escape", "is_true", "js_escape"]


class FuncError(Exception):
    """A function failed; reported as ``error calling NAME: message``."""


class TypeMismatch(Exception):
    """An argument has the wrong Go type; reported as ``wrong type for value; ...``."""

    def __init__(self, expected: str, got: Any) -> None:
        super().__init__(f"wrong type for value; expected {expected}; got {type_name(got)}")


def is_true(v: Any) -> bool:
    """Go template truthiness: the zero value of its type is false."""
    if v is None:
        return False
    if isinstance(v, (bool, int, float, str, list, tuple, dict)):
        return bool(v)
    if isinstance(v, Mapping | Sequence):
        return len(v) > 0
    ns = getattr(v, "ns", None)
    if isinstance(ns, int):
        return ns != 0
    return True


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "nil"
    if isinstance(v, (list, tuple, dict)) or isinstance(v, Mapping):
        return "noncomparable"
    return "other"


def _eq(a: Any, *rest: Any) -> bool:
    if not rest:
        raise FuncError("missing argument for comparison")
    ka = _kind(a)
    if ka == "noncomparable":
        raise FuncError(f"non-comparable type {type_name(a)}: {a!r}")
    for b in rest:
        kb = _kind(b)
        if kb == "noncomparable":
            raise FuncError(f"non-comparable type {type_name(b)}: {b!r}")
        basic = {"bool", "int", "float", "string"}
        if ka in basic and kb in basic and ka != kb:
            raise FuncError("incompatible types for comparison")
        if ka == "nil" or kb == "nil":
            if ka == kb:
                return True
            continue
        if ka != kb and (ka in basic or kb in basic):
            raise FuncError("incompatible types for comparison")
        if a == b:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    ka, kb = _kind(a), _kind(b)
    if ka not in ("int", "float", "string") or kb not in ("int", "float", "string"):
        raise FuncError("invalid type for comparison")
    if ka != kb:
        raise FuncError("incompatible types for comparison")
    return bool(a < b)


def _index(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise FuncError("index of untyped nil")
    for idx in indexes:
        if isinstance(item, Mapping):
            if not isinstance(idx, str):
                raise FuncError(f"value has type {type_name(idx)}; should be string")
            if idx in item:
                item = item[idx]
            else:
                item = getattr(item, "ZERO", None)
        elif isinstance(item, (str, Sequence)):
            if not isinstance(idx, int) or isinstance(idx, bool):
                raise FuncError(f"cannot index slice/array with type {type_name(idx)}")
            data = item.encode() if isinstance(item, str) else item
            if idx < 0 or idx > len(data):
                raise FuncError(f"index out of range: {idx}")
            if idx == len(data):
                # Go checks against the capacity first; reflect then panics on the length.
                raise FuncError("reflect: slice index out of range")
            item = data[idx]
        elif item is None:
            raise FuncError("index of untyped nil")
        else:
            raise FuncError(f"can't index item of type {type_name(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if not isinstance(item, (str, Sequence)):
        raise FuncError(f"can't slice item of type {type_name(item)}")
    if isinstance(item, str) and len(indexes) == 3:
        raise FuncError("cannot 3-index slice a string")
    size = len(item.encode()) if isinstance(item, str) else len(item)
    idx = [i if isinstance(i, int) else -1 for i in indexes]
    for i in idx:
        if i < 0 or i > size:
            raise FuncError(f"index out of range: {i}")
    lo = idx[0] if idx else 0
    hi = idx[1] if len(idx) > 1 else size
    if lo > hi:
        raise FuncError(f"invalid slice index: {lo} > {hi}")
    if isinstance(item, str):
        return item.encode()[lo:hi].decode(errors="replace")
    return list(item[lo:hi])


def _len(item: Any) -> int:
    if item is None:
        raise FuncError("len of nil pointer")
    if isinstance(item, str):
        return len(item.encode())
    if isinstance(item, (Sequence, Mapping)):
        return len(item)
    raise FuncError(f"len of type {type_name(item)}")


def html_escape(s: str) -> str:
    """text/template's ``html``: Go's HTMLEscapeString."""
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("\x00", "\ufffd"))


def js_escape(s: str) -> str:
    """text/template's ``js``: Go's JSEscapeString."""
    out: list[str] = []
    table = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E",
             "&": "\\u0026", "=": "\\u003D"}
    for ch in s:
        if ch in table:
            out.append(table[ch])
        elif ord(ch) < 0x20 or (ord(ch) >= 0x80 and not ch.isprintable()):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _call(fn: Any, *args: Any) -> Any:
    if fn is None:
        raise FuncError("call of nil")
    if not callable(fn):
        raise FuncError(f"non-function of type {type_name(fn)}")
    return fn(*args)


def _not(v: Any) -> bool:
    return not is_true(v)


def _and(first: Any, *rest: Any) -> Any:  # eager fallback; the executor short-circuits
    for v in (first, *rest):
        if not is_true(v):
            return v
    return v


def _or(first: Any, *rest: Any) -> Any:
    for v in (first, *rest):
        if is_true(v):
            return v
    return v


def _printf(fmt: str, *args: Any) -> str:
    if not isinstance(fmt, str):
        raise TypeMismatch("string", fmt)
    return sprintf(fmt, args)


BUILTINS: dict[str, Callable[..., Any]] = {
    "and": _and,
    "or": _or,
    "not": _not,
    "len": _len,
    "index": _index,
    "slice": _slice,
    "eq": _eq,
    "ne": lambda a, b: not _eq(a, b),
    "lt": _lt,
    "le": lambda a, b: _lt(a, b) or _eq(a, b),
    "gt": lambda a, b: not (_lt(a, b) or _eq(a, b)),
    "ge": lambda a, b: not _lt(a, b),
    "print": lambda *a: sprint(a),
    "println": lambda *a: sprintln(a),
    "printf": _printf,
    "html": lambda *a: html_escape(sprint(a)),
    "js": lambda *a: js_escape(sprint(a)),
    "urlquery": lambda *a: quote_plus(sprint(a), safe=""),
    "call": _call,
}


def arity(fn: Callable[..., Any]) -> tuple[int, bool]:
    """How many positional arguments a function takes and whether it is variadic."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return 0, True
    n, variadic = 0, False
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            variadic = True
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            n += 1
    return n, variadic

