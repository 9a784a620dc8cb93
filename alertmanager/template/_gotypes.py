"""Go's static types as templates meet them: parameter assignability and time.Time methods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from alertmanager.template._gotime import Duration, format_time, time_string
from alertmanager.template.funcs import AnyList

__all__ = ["ANY", "TIME_METHODS", "assignable"]

TIME_METHODS: dict[str, Callable[..., Any]] = {
    "Format": lambda t, layout: format_time(t, layout),
    "String": time_string,
    "Unix": lambda t: int(t.timestamp() // 1),
    "UnixMilli": lambda t: int(t.timestamp() * 1000 // 1),
    "UnixNano": lambda t: int(t.timestamp()) * 1_000_000_000 + t.microsecond * 1000,
    "UTC": lambda t: t.astimezone(UTC),
    "Local": lambda t: t,
    "In": lambda t, loc: t.astimezone(loc),
    "IsZero": lambda t: t.year == 1 and t.month == 1 and t.day == 1 and t.hour == 0 and t.minute == 0,
    "Year": lambda t: t.year,
    "Day": lambda t: t.day,
    "Hour": lambda t: t.hour,
    "Minute": lambda t: t.minute,
    "Second": lambda t: t.second,
    "Sub": lambda t, o: Duration(int((t - o).total_seconds() * 1e6) * 1000),
    "Before": lambda t, o: t < o,
    "After": lambda t, o: t > o,
    "Equal": lambda t, o: t == o,
}


ANY = "interface {}"


def assignable(v: Any, typ: str) -> bool:
    if typ == "string":
        return type(v) is str
    if typ == "time.Time":
        return isinstance(v, datetime)
    if typ == "[]string":
        return (isinstance(v, (list, tuple)) and not isinstance(v, AnyList)
                and all(type(x) is str for x in v))
    if typ == "[]interface {}":
        return v is None or isinstance(v, AnyList)
    if typ == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if typ == "float64":
        return isinstance(v, float)
    if typ == "bool":
        return isinstance(v, bool)
    return True
