"""Time intervals (``time_intervals`` / ``mute_time_intervals``): values, parsing and membership.

One named interval is a list of :class:`TimeInterval`; it holds at ``t`` when any entry
contains ``t``. Within an entry every given field must match (an absent field matches all).
Ranges are inclusive except times, whose end is exclusive (``24:00`` is a valid end).
Parse errors carry upstream's wording so config errors read the same.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DayOfMonthRange",
    "MonthRange",
    "TimeInterval",
    "TimeIntervalError",
    "TimeRange",
    "WeekdayRange",
    "YearRange",
    "contains_any",
    "parse_day_of_month_range",
    "parse_location",
    "parse_month_range",
    "parse_time_range",
    "parse_weekday_range",
    "parse_year_range",
]


class TimeIntervalError(ValueError):
    """A time interval field that does not parse; the message is upstream's."""


WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Minutes since midnight, ``start`` inclusive, ``end`` exclusive."""

    start_minute: int
    end_minute: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start_minute)}-{_hhmm(self.end_minute)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class _Inclusive:
    begin: int
    end: int

    def __str__(self) -> str:
        return str(self.begin) if self.begin == self.end else f"{self.begin}:{self.end}"


class WeekdayRange(_Inclusive):
    """Days of the week, 0 = Sunday."""

    __slots__ = ()

    def __str__(self) -> str:
        b, e = WEEKDAYS[self.begin], WEEKDAYS[self.end]
        return b if self.begin == self.end else f"{b}:{e}"


class DayOfMonthRange(_Inclusive):
    """Days of the month; negative values count from the month's end (-1 = last day)."""

    __slots__ = ()


class MonthRange(_Inclusive):
    """Months, 1 = January."""

    __slots__ = ()


class YearRange(_Inclusive):
    __slots__ = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeInterval:
    """One entry of a named time interval; the interval holds when any entry contains ``t``."""

    times: tuple[TimeRange, ...] | None = None
    weekdays: tuple[WeekdayRange, ...] | None = None
    days_of_month: tuple[DayOfMonthRange, ...] | None = None
    months: tuple[MonthRange, ...] | None = None
    years: tuple[YearRange, ...] | None = None
    location: str | None = None
    """IANA zone name (``Europe/Berlin``, ``Local``, ``UTC``); ``None`` means UTC."""

    def contains(self, t: datetime) -> bool:
        """Whether the aware datetime ``t`` falls inside this entry."""
        t = t.astimezone(_zone(self.location))
        if self.times is not None:
            minute = t.hour * 60 + t.minute
            if not any(r.start_minute <= minute < r.end_minute for r in self.times):
                return False
        if self.days_of_month is not None and not _day_of_month_in(t, self.days_of_month):
            return False
        if self.months is not None and not any(r.begin <= t.month <= r.end for r in self.months):
            return False
        if self.weekdays is not None:
            weekday = (t.weekday() + 1) % 7  # Python: Monday = 0; Go: Sunday = 0
            if not any(r.begin <= weekday <= r.end for r in self.weekdays):
                return False
        if self.years is not None and not any(r.begin <= t.year <= r.end for r in self.years):
            return False
        return True


def contains_any(intervals: Sequence[TimeInterval], t: datetime) -> bool:
    """Whether any entry of a named interval contains ``t``."""
    return any(ti.contains(t) for ti in intervals)


def _zone(name: str | None) -> ZoneInfo:
    if name is None or name == "UTC" or name == "":
        return ZoneInfo("UTC")
    if name == "Local":
        return _local_zone()
    return ZoneInfo(name)


def _local_zone() -> ZoneInfo:
    try:
        return ZoneInfo("localtime")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _day_of_month_in(t: datetime, ranges: Sequence[DayOfMonthRange]) -> bool:
    days = calendar.monthrange(t.year, t.month)[1]
    for r in ranges:
        begin = days + r.begin + 1 if r.begin < 0 else r.begin
        end = days + r.end + 1 if r.end < 0 else r.end
        if begin > days:
            continue
        begin = max(-days, min(begin, days))
        end = max(-days, min(end, days))
        if begin <= t.day <= end:
            return True
    return False


# --- parsing (upstream's UnmarshalYAML rules and messages) -------------------------------------


def _split_range(text: str, member: Callable[[str], int]) -> tuple[int, int]:
    text = text.lower()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 2:
            raise TimeIntervalError(f"couldn't parse range {text}, invalid format")
        return member(parts[0]), member(parts[1])
    v = member(text)
    return v, v


def _atoi(text: str) -> int:
    t = text[1:] if text[:1] in "+-" else text
    if not t.isascii() or not t.isdigit():
        raise TimeIntervalError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    return int(text)


def _weekday(text: str) -> int:
    if text not in WEEKDAYS:
        raise TimeIntervalError(f"{text} is not a valid weekday")
    return WEEKDAYS.index(text)


def _month(text: str) -> int:
    if text in MONTHS:
        return MONTHS.index(text) + 1
    try:
        return _atoi(text)
    except TimeIntervalError:
        raise TimeIntervalError(f"{text} is not a valid month") from None


def parse_weekday_range(text: str) -> WeekdayRange:
    begin, end = _split_range(text, _weekday)
    if begin > end:
        raise TimeIntervalError("start day cannot be before end day")
    return WeekdayRange(begin, end)


def parse_day_of_month_range(text: str) -> DayOfMonthRange:
    begin, end = _split_range(text, _atoi)
    for v in (begin, end):
        if v == 0 or v < -31 or v > 31:
            raise TimeIntervalError(f"{v} is not a valid day of the month: out of range")
    if begin < 0 < end:
        raise TimeIntervalError("end day must be negative if start day is negative")
    check_begin = 28 + begin if begin < 0 else begin
    check_end = 28 + end if end < 0 else end
    if check_begin > check_end:
        raise TimeIntervalError(f"end day {end} is always before start day {begin}")
    return DayOfMonthRange(begin, end)


def parse_month_range(text: str) -> MonthRange:
    begin, end = _split_range(text, _month)
    if begin > end:
        names = {i + 1: n for i, n in enumerate(MONTHS)}
        raise TimeIntervalError(f"end month {names.get(end, '')} is before start month {names.get(begin, '')}")
    return MonthRange(begin, end)


def parse_year_range(text: str) -> YearRange:
    begin, end = _split_range(text, _atoi)
    if begin > end:
        raise TimeIntervalError(f"end year {end} is before start year {begin}")
    return YearRange(begin, end)


def _parse_clock(text: str) -> int:
    ok = len(text) == 5 and text[2] == ":" and text[:2].isdigit() and text[3:].isdigit() and text.isascii()
    if ok:
        hours, minutes = int(text[:2]), int(text[3:])
        ok = (hours < 24 and minutes < 60) or text == "24:00"
    if not ok:
        raise TimeIntervalError(f"couldn't parse timestamp {text}, invalid format")
    return hours * 60 + minutes


def parse_time_range(start_time: str, end_time: str) -> TimeRange:
    if not start_time or not end_time:
        raise TimeIntervalError("both start and end times must be provided")
    start, end = _parse_clock(start_time), _parse_clock(end_time)
    if start >= end:
        raise TimeIntervalError("start time cannot be equal or greater than end time")
    return TimeRange(start, end)


def parse_location(name: str) -> str:
    """Check an IANA zone name as Go's ``time.LoadLocation`` would; returns it unchanged."""
    if name in ("", "UTC", "Local"):
        return name or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeIntervalError(f"unknown time zone {name}") from None
    return name
