"""Go's fmt for template values: Sprint, Sprintln and Sprintf with Go's verbs and error forms."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from alertmanager.template._gotime import time_string

__all__ = ["go_quote", "sprint", "sprintf", "sprintln", "type_name", "value_string"]


def type_name(v: Any) -> str:
    """Go's ``%T`` for the values templates see."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, datetime):
        return "time.Time"
    go = getattr(type(v), "GO_TYPE", None)
    if isinstance(go, str):
        return go
    if isinstance(v, Mapping):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    return type(v).__name__


def format_float(f: float, verb: str = "g", prec: int = -1) -> str:
    """Go's strconv.FormatFloat for 'e', 'f' and 'g' (prec -1 = shortest)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if verb in "eE":
        s = f"{f:.{6 if prec < 0 else prec}e}" if prec >= 0 else _shortest_e(f)
        return s.upper() if verb == "E" else s
    if verb in "fF":
        if prec < 0:
            d = Decimal(repr(f))
            return format(d, "f")
        return f"{f:.{prec}f}"
    # 'g'
    if prec == 0:
        prec = 1
    if prec > 0:
        s = f"{f:.{prec}g}"
        if "e" in s:
            mant, e = s.split("e")
            s = f"{mant}e{e[0]}{int(e[1:]):02d}"
        return s.upper() if verb == "G" else s
    sign, digits, exponent = Decimal(repr(f)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    exp = len(digits) + exponent - 1
    if ds == "0":
        exp = 0
    neg = "-" if sign else ""
    if exp < -4 or exp >= 6:  # Go's shortest %g switches to an exponent at 1e+06
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        out = f"{neg}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    else:
        out = neg + format(Decimal(repr(abs(f))), "f")
        if "." in out:
            out = out.rstrip("0").rstrip(".")
    return out.upper() if verb == "G" else out


def _shortest_e(f: float) -> str:
    sign, digits, exponent = Decimal(repr(f)).as_tuple()
    assert isinstance(exponent, int)
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    exp = 0 if ds == "0" else len(digits) + exponent - 1
    mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    return f"{'-' if sign else ''}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def go_quote(s: str, ascii_only: bool = False) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    esc = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
           "\v": "\\v", "\\": "\\\\", '"': '\\"'}
    for ch in s:
        if ch in esc:
            out.append(esc[ch])
        elif ch.isprintable() and (not ascii_only or ord(ch) < 128):
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def value_string(v: Any, plus: bool = False) -> str:
    """Go's ``%v`` of a value."""
    if v is None:
        return "<nil>"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, datetime):
        return time_string(v)
    method = getattr(v, "String", None)
    if callable(method):
        return str(method())
    fields = getattr(type(v), "GO_FIELDS", None)
    if fields is not None:
        parts = (f"{f}:{value_string(getattr(v, f), plus)}" if plus else value_string(getattr(v, f))
                 for f in fields)
        return "{" + " ".join(parts) + "}"
    if isinstance(v, Mapping):
        items = sorted(v.items(), key=lambda kv: _sort_key(kv[0]))
        return "map[" + " ".join(f"{value_string(k)}:{value_string(x, plus)}" for k, x in items) + "]"
    if isinstance(v, Sequence):
        return "[" + " ".join(value_string(x, plus) for x in v) + "]"
    return str(v)


def _sort_key(k: Any) -> tuple[int, Any]:
    if isinstance(k, (int, float)) and not isinstance(k, bool):
        return (0, k)
    return (1, str(k))


def sprint(args: Sequence[Any]) -> str:
    """fmt.Sprint: spaces between operands when neither side is a string."""
    out: list[str] = []
    for i, a in enumerate(args):
        if i > 0 and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(value_string(a))
    return "".join(out)


def sprintln(args: Sequence[Any]) -> str:
    return " ".join(value_string(a) for a in args) + "\n"


_SPEC = re.compile(r"%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?(.?)", re.S)


def _bad(verb: str, v: Any) -> str:
    if v is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({type_name(v)}={value_string(v)})"


def _pad(s: str, width: int | None, minus: bool, zero: bool) -> str:
    if width is None or len(s) >= width:
        return s
    if minus:
        return s + " " * (width - len(s))
    if zero:
        sign = s[0] if s[:1] in "+-" else ""
        return sign + "0" * (width - len(s)) + s[len(sign):]
    return " " * (width - len(s)) + s


def _format_one(verb: str, v: Any, flags: str, prec: int | None) -> tuple[str, bool]:
    """One operand; returns (text, numeric) where numeric allows zero padding."""
    plus, sharp, space = "+" in flags, "#" in flags, " " in flags
    is_int = isinstance(v, int) and not isinstance(v, bool)
    if verb == "v":
        if isinstance(v, float):
            return _signed(format_float(v, "g", -1 if prec is None else prec), plus, space), True
        if is_int:
            return _signed(str(v), plus, space), True
        if sharp and isinstance(v, str):
            return go_quote(v), False
        return value_string(v, plus), False
    if verb == "T":
        return type_name(v), False
    if verb in "sq":
        if isinstance(v, (list, tuple)) and not isinstance(v, str):
            return "[" + " ".join(_format_one(verb, x, flags, prec)[0] for x in v) + "]", False
        if is_int and verb == "q":
            return "'" + go_quote(chr(v))[1:-1].replace("'", "\\'").replace('\\"', '"') + "'", False
        if isinstance(v, str) or (not isinstance(v, (bool, int, float)) and v is not None):
            s = v if isinstance(v, str) else value_string(v)
            if prec is not None:
                s = s[:prec]
            return (go_quote(s, plus) if verb == "q" else s), False
        return _bad(verb, v), False
    if verb == "t":
        return ("true" if v else "false", False) if isinstance(v, bool) else (_bad(verb, v), False)
    if verb in "dboxXcU":
        if isinstance(v, (list, tuple)):
            return "[" + " ".join(_format_one(verb, x, flags, prec)[0] for x in v) + "]", False
        if isinstance(v, str) and verb in "xX":
            h = v.encode().hex()
            return (h.upper() if verb == "X" else h), False
        if not is_int:
            return _bad(verb, v), False
        if verb == "c":
            return chr(v), False
        if verb == "U":
            return f"U+{v:04X}", False
        base = {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb]
        s = format(abs(v), base)
        if sharp and verb in "xX":
            s = ("0x" if verb == "x" else "0X") + s
        elif sharp and verb == "o":
            s = "0" + s
        if prec is not None:
            s = s.rjust(prec, "0")
        return _signed(("-" if v < 0 else "") + s, plus, space), True
    if verb in "eEfFgG":
        if not isinstance(v, float):
            return _bad(verb, v), False
        default = -1 if verb in "gG" else 6
        return _signed(format_float(v, verb, default if prec is None else prec), plus, space), True
    return _bad(verb, v), False


def _signed(s: str, plus: bool, space: bool) -> str:
    if s.startswith("-"):
        return s
    if plus:
        return "+" + s
    if space:
        return " " + s
    return s


def sprintf(fmt: str, args: Sequence[Any]) -> str:
    """fmt.Sprintf with Go's verbs and its ``%!verb(type=value)`` error forms."""
    out: list[str] = []
    argi = 0
    i, n = 0, len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        m = _SPEC.match(fmt, j)
        assert m is not None
        flags, width_s, prec_s, verb = m.group(1), m.group(2), m.group(3), m.group(4)
        i = m.end()
        if verb == "":
            out.append("%!(NOVERB)")
            break
        if verb == "%":
            out.append("%")
            continue
        width: int | None = None
        prec: int | None = None
        if width_s == "*":
            if argi < len(args) and isinstance(args[argi], int):
                width = args[argi]
            argi += 1
        elif width_s:
            width = int(width_s)
        if prec_s == "*":
            if argi < len(args) and isinstance(args[argi], int):
                prec = args[argi]
            argi += 1
        elif prec_s is not None:
            prec = int(prec_s) if prec_s else 0
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        text, numeric = _format_one(verb, args[argi], flags, prec)
        argi += 1
        minus = "-" in flags or (width is not None and width < 0)
        if width is not None:
            width = abs(width)
        out.append(_pad(text, width, minus, "0" in flags and (numeric or isinstance(args[argi - 1], str))
                        and prec is None or ("0" in flags and numeric and verb in "eEfFgG")))
    if argi < len(args):
        extra = ", ".join("<nil>" if a is None else f"{type_name(a)}={value_string(a)}" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)
