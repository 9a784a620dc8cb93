"""Go's time formatting: reference-time layouts, ``time.Time.String`` and ``Duration.String``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ZERO_TIME", "Duration", "format_time", "load_location", "time_string"]

ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True, slots=True)
class Duration:
    """A Go ``time.Duration`` in nanoseconds; prints like Go (``1h2m3.5s``)."""

    ns: int

    def String(self) -> str:  # noqa: N802 - Go method name, called from templates
        return duration_string(self.ns)

    def Seconds(self) -> float:  # noqa: N802
        return self.ns / 1e9

    def Minutes(self) -> float:  # noqa: N802
        return self.ns / 6e10

    def Hours(self) -> float:  # noqa: N802
        return self.ns / 3.6e12

    def __str__(self) -> str:
        return duration_string(self.ns)


def _frac(v: int, digits: int) -> str:
    s = f"{v:0{digits}d}".rstrip("0")
    return "." + s if s else ""


def duration_string(ns: int) -> str:
    if ns == 0:
        return "0s"
    neg, u = ns < 0, abs(ns)
    if u < 1_000_000_000:
        if u < 1_000:
            out = f"{u}ns"
        elif u < 1_000_000:
            out = f"{u // 1000}{_frac(u % 1000, 3)}µs"
        else:
            out = f"{u // 1_000_000}{_frac(u % 1_000_000, 6)}ms"
    else:
        secs, frac = divmod(u, 1_000_000_000)
        out = f"{secs % 60}{_frac(frac, 9)}s"
        mins = secs // 60
        if mins:
            out = f"{mins % 60}m" + out
            if mins // 60:
                out = f"{mins // 60}h" + out
    return "-" + out if neg else out


def _zone(t: datetime) -> tuple[str, int]:
    """Zone abbreviation as Go prints it (numeric for unnamed fixed zones) and offset seconds."""
    off = t.utcoffset() or timedelta(0)
    secs = int(off.total_seconds())
    tz = t.tzinfo
    if tz is None or tz is UTC or (isinstance(tz, timezone) and secs == 0 and tz.tzname(None) == "UTC"):
        return "UTC", secs
    if isinstance(tz, timezone):
        return _offset(secs, "", False), secs
    name = t.tzname() or ""
    return (name if name else _offset(secs, "", False)), secs


def _offset(secs: int, sep: str, with_secs: bool, hours_only: bool = False) -> str:
    sign = "-" if secs < 0 else "+"
    a = abs(secs)
    h, m, s = a // 3600, (a // 60) % 60, a % 60
    out = f"{sign}{h:02d}"
    if hours_only:
        return out
    out += f"{sep}{m:02d}"
    if with_secs:
        out += f"{sep}{s:02d}"
    return out


# Layout chunks in the order Go tries them at each leading character.
_CHUNKS: dict[str, tuple[str, ...]] = {
    "J": ("January", "Jan"),
    "M": ("Monday", "Mon", "MST"),
    "0": ("002", "01", "02", "03", "04", "05", "06"),
    "1": ("15", "1"),
    "2": ("2006", "2"),
    "_": ("__2", "_2"),
    "3": ("3",), "4": ("4",), "5": ("5",),
    "P": ("PM",), "p": ("pm",),
    "-": ("-07:00:00", "-070000", "-07:00", "-0700", "-07"),
    "Z": ("Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07"),
}


def _std(t: datetime, chunk: str, nanos: int) -> str:
    if chunk in ("January", "Jan"):
        m = _MONTHS[t.month - 1]
        return m if chunk == "January" else m[:3]
    if chunk in ("Monday", "Mon"):
        d = _DAYS[t.weekday()]
        return d if chunk == "Monday" else d[:3]
    if chunk == "MST":
        return _zone(t)[0]
    hour12 = t.hour % 12 or 12
    simple = {
        "2006": f"{t.year:04d}", "06": f"{t.year % 100:02d}", "01": f"{t.month:02d}",
        "1": str(t.month), "02": f"{t.day:02d}", "2": str(t.day), "_2": f"{t.day:2d}",
        "15": f"{t.hour:02d}", "03": f"{hour12:02d}", "3": str(hour12), "04": f"{t.minute:02d}",
        "4": str(t.minute), "05": f"{t.second:02d}", "5": str(t.second),
        "PM": "PM" if t.hour >= 12 else "AM", "pm": "pm" if t.hour >= 12 else "am",
        "002": f"{t.timetuple().tm_yday:03d}", "__2": f"{t.timetuple().tm_yday:3d}",
    }
    if chunk in simple:
        return simple[chunk]
    secs = _zone(t)[1]
    if chunk[0] == "Z" and secs == 0:
        return "Z"
    body = chunk[1:]
    return _offset(secs, ":" if ":" in body else "", len(body) >= 6, body == "07")


def format_time(t: datetime, layout: str, nanos: int | None = None) -> str:
    """Format ``t`` with a Go reference-time layout such as ``2006-01-02 15:04:05 MST``."""
    ns = t.microsecond * 1000 if nanos is None else nanos
    out: list[str] = []
    i, n = 0, len(layout)
    while i < n:
        c = layout[i]
        if c in ".," and i + 1 < n and layout[i + 1] in "09":
            d = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == d:
                j += 1
            if not (j < n and layout[j].isdigit()):
                digits = j - i - 1
                frac = f"{ns:09d}"[:digits]
                if d == "9":
                    frac = frac.rstrip("0")
                    out.append(c + frac if frac else "")
                else:
                    out.append(c + frac)
                i = j
                continue
        if layout.startswith("_2006", i):  # "_" is literal before a year
            out.append("_")
            i += 1
            continue
        for chunk in _CHUNKS.get(c, ()):
            if layout.startswith(chunk, i):
                if chunk == "2" and layout.startswith("2006", i):
                    continue
                out.append(_std(t, chunk, ns))
                i += len(chunk)
                break
        else:
            out.append(c)
            i += 1
    return "".join(out)


def time_string(t: datetime) -> str:
    """Go's ``time.Time.String()``: ``2006-01-02 15:04:05.999999999 -0700 MST``."""
    return format_time(t, "2006-01-02 15:04:05.999999999 -0700 MST")


def load_location(name: str) -> timezone | ZoneInfo:
    """Go's ``time.LoadLocation``: "" and "UTC" are UTC, "Local" is UTC here (no host zone)."""
    if name in ("", "UTC", "Local"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name}") from None


_PARSE_RX: dict[str, str] = {
    "January": "(?P<month_name>[A-Za-z]+)", "Jan": "(?P<month_abbr>[A-Za-z]{3})",
    "Monday": "[A-Za-z]+", "Mon": "[A-Za-z]{3}", "MST": "(?P<zone>[A-Z]{3,5}|[+-]\\d{2,4})",
    "2006": "(?P<year>\\d{4})", "06": "(?P<year2>\\d{2})", "01": "(?P<month>\\d{2})",
    "1": "(?P<month>\\d{1,2})", "02": "(?P<day>\\d{2})", "2": "(?P<day>\\d{1,2})",
    "_2": " ?(?P<day>\\d{1,2})", "15": "(?P<hour>\\d{2})", "03": "(?P<hour12>\\d{2})",
    "3": "(?P<hour12>\\d{1,2})", "04": "(?P<minute>\\d{2})", "4": "(?P<minute>\\d{1,2})",
    "05": "(?P<second>\\d{2})", "5": "(?P<second>\\d{1,2})", "PM": "(?P<pm>AM|PM)",
    "pm": "(?P<pm>am|pm)", "002": "\\d{3}", "__2": " *\\d{1,3}",
}


def parse_time(layout: str, value: str) -> datetime:
    """Go's ``time.ParseInLocation(layout, value, UTC)`` for the common layout elements."""
    import re

    parts: list[str] = []
    i, n = 0, len(layout)
    while i < n:
        c = layout[i]
        if c in ".," and i + 1 < n and layout[i + 1] in "09":
            j = i + 1
            while j < n and layout[j] == layout[i + 1]:
                j += 1
            parts.append("(?:[.,](?P<frac>\\d+))?")
            i = j
            continue
        for chunk in _CHUNKS.get(c, ()):
            if layout.startswith(chunk, i) and not (chunk == "2" and layout.startswith("2006", i)):
                if chunk[0] in "-Z":
                    rx = "(?P<off>Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)"
                else:
                    rx = _PARSE_RX[chunk]
                if "(?P<" in rx and rx.split(">")[0] in "".join(parts):
                    rx = "(?:" + rx.split(">", 1)[1]
                parts.append(rx)
                i += len(chunk)
                break
        else:
            parts.append(re.escape(c))
            i += 1
    m = re.fullmatch("".join(parts), value)
    if m is None:
        raise ValueError(f'parsing time "{value}" as "{layout}": cannot parse "{value}" as "{layout}"')
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    year = int(g["year"]) if "year" in g else (2000 + int(g["year2"]) if int(g.get("year2", "70")) < 69
                                                 else 1900 + int(g["year2"])) if "year2" in g else 0
    month = int(g.get("month", 0)) or 1
    for key in ("month_name", "month_abbr"):
        if key in g:
            month = [m_[:len(g[key])].lower() for m_ in _MONTHS].index(g[key].lower()) + 1
    hour = int(g.get("hour", 0))
    if "hour12" in g:
        hour = int(g["hour12"]) % 12 + (12 if g.get("pm", "").lower() == "pm" else 0)
    micro = int((g.get("frac", "") + "000000")[:6])
    tz: timezone = UTC
    off = g.get("off")
    if off and off != "Z":
        digits = off[1:].replace(":", "")
        secs = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60 + int(digits[4:6] or 0)
        tz = timezone(timedelta(seconds=secs if off[0] == "+" else -secs))
    return datetime(max(year, 1), month, int(g.get("day", 1)), hour, int(g.get("minute", 0)),
                    int(g.get("second", 0)), micro, tzinfo=tz)
