"""Go's encoding/json Marshal for template values (``toJson``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from alertmanager.template._builtins import FuncError
from alertmanager.template._gotime import format_time

__all__ = ["go_json"]

_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "<": "\\u003c",
        ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

# JSON names of the template data's fields (upstream's struct tags).
_TAGS = {
    "Receiver": "receiver", "Status": "status", "Alerts": "alerts", "GroupLabels": "groupLabels",
    "CommonLabels": "commonLabels", "CommonAnnotations": "commonAnnotations",
    "ExternalURL": "externalURL", "Labels": "labels", "Annotations": "annotations",
    "StartsAt": "startsAt", "EndsAt": "endsAt", "GeneratorURL": "generatorURL",
    "Fingerprint": "fingerprint", "RouteLabels": "routeLabels",
    "NotificationReason": "notification_reason",
}


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        e = _ESC.get(ch)
        if e is not None:
            out.append(e)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _float(f: float) -> str:
    if math.isnan(f) or math.isinf(f):
        raise FuncError(f"json: unsupported value: {f}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = repr(f)
        if "e" not in s:
            s = f"{f:e}"
        mant, exp = s.split("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{'-' if sign == '-' else '+'}{digits}"
    r = repr(f)
    if "e" in r:
        from decimal import Decimal
        r = format(Decimal(r), "f")
    return r[:-2] if r.endswith(".0") else r


def go_json(v: Any) -> str:
    """Compact JSON as Go's json.Marshal writes it (sorted map keys, HTML-safe strings)."""
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
    if isinstance(v, datetime):
        return _string(format_time(v, "2006-01-02T15:04:05.999999999Z07:00"))
    ns = getattr(v, "ns", None)
    if isinstance(ns, int):
        return str(ns)
    fields = getattr(type(v), "JSON_FIELDS", None) or getattr(type(v), "GO_FIELDS", None)
    if fields is not None:
        return "{" + ",".join(f"{_string(_TAGS.get(f, f))}:{go_json(getattr(v, f))}" for f in fields) + "}"
    if isinstance(v, Mapping):
        return "{" + ",".join(f"{_string(str(k))}:{go_json(v[k])}" for k in sorted(v, key=str)) + "}"
    if isinstance(v, Sequence):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    raise FuncError(f"json: unsupported type: {type(v).__name__}")
