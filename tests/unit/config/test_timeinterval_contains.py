"""Time interval parsing and membership (upstream's timeinterval package semantics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from alertmanager.config import load
from alertmanager.model.timeintervals import (
    DayOfMonthRange,
    MonthRange,
    TimeInterval,
    TimeIntervalError,
    TimeRange,
    WeekdayRange,
    YearRange,
    contains_any,
    parse_day_of_month_range,
    parse_month_range,
    parse_time_range,
    parse_weekday_range,
    parse_year_range,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(("text", "expected"), [
    ("monday", WeekdayRange(1, 1)), ("Monday:FRIDAY", WeekdayRange(1, 5)), ("sunday:saturday", WeekdayRange(0, 6)),
], ids=["single", "range-any-case", "whole-week"])
def test_parse_weekdays(text: str, expected: WeekdayRange) -> None:
    assert parse_weekday_range(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1", DayOfMonthRange(1, 1)), ("1:5", DayOfMonthRange(1, 5)), ("-3:-1", DayOfMonthRange(-3, -1)),
    ("20:-1", DayOfMonthRange(20, -1)),
], ids=["single", "range", "negative", "to-last-day"])
def test_parse_days_of_month(text: str, expected: DayOfMonthRange) -> None:
    assert parse_day_of_month_range(text) == expected


def test_parse_months_and_years() -> None:
    assert parse_month_range("january:march") == MonthRange(1, 3)
    assert parse_month_range("4:6") == MonthRange(4, 6)
    assert parse_month_range("December") == MonthRange(12, 12)
    assert parse_year_range("2020:2022") == YearRange(2020, 2022)


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("00:00", "24:00", TimeRange(0, 1440)), ("09:30", "17:00", TimeRange(570, 1020)),
], ids=["whole-day", "office"])
def test_parse_times(start: str, end: str, expected: TimeRange) -> None:
    assert parse_time_range(start, end) == expected


@pytest.mark.parametrize(("parse", "text", "message"), [
    (parse_weekday_range, "friday:monday", "start day cannot be before end day"),
    (parse_weekday_range, "mon", "mon is not a valid weekday"),
    (parse_weekday_range, "a:b:c", "couldn't parse range a:b:c, invalid format"),
    (parse_day_of_month_range, "32", "32 is not a valid day of the month: out of range"),
    (parse_day_of_month_range, "-1:-3", "end day -3 is always before start day -1"),
    (parse_day_of_month_range, "x", 'strconv.Atoi: parsing "x": invalid syntax'),
    (parse_year_range, "2022:2020", "end year 2020 is before start year 2022"),
], ids=["weekday-reversed", "weekday-abbrev", "three-parts", "day-32", "negative-reversed", "not-a-number",
        "years-reversed"])
def test_parse_errors(parse: object, text: str, message: str) -> None:
    with pytest.raises(TimeIntervalError) as info:
        parse(text)  # type: ignore[operator]
    assert str(info.value) == message


def test_time_range_errors() -> None:
    with pytest.raises(TimeIntervalError, match="both start and end times must be provided"):
        parse_time_range("", "10:00")
    with pytest.raises(TimeIntervalError, match="couldn't parse timestamp 24:01, invalid format"):
        parse_time_range("23:00", "24:01")
    with pytest.raises(TimeIntervalError, match="couldn't parse timestamp 9:00, invalid format"):
        parse_time_range("9:00", "10:00")


OFFICE = TimeInterval(times=(TimeRange(540, 1020),), weekdays=(WeekdayRange(1, 5),))


@pytest.mark.parametrize(("t", "inside"), [
    (utc(2024, 1, 8, 9, 0), True),     # Monday 09:00: start is inclusive
    (utc(2024, 1, 8, 16, 59), True),
    (utc(2024, 1, 8, 17, 0), False),   # end is exclusive
    (utc(2024, 1, 8, 8, 59), False),
    (utc(2024, 1, 7, 12, 0), False),   # Sunday
    (utc(2024, 1, 12, 12, 0), True),   # Friday
    (utc(2024, 1, 13, 12, 0), False),  # Saturday
], ids=["start", "before-end", "end", "early", "sunday", "friday", "saturday"])
def test_office_hours(t: datetime, inside: bool) -> None:
    assert OFFICE.contains(t) is inside


def test_empty_interval_contains_everything() -> None:
    assert TimeInterval().contains(utc(2000, 2, 29, 23, 59))


def test_location_shifts_the_clock() -> None:
    berlin = TimeInterval(times=(TimeRange(540, 1020),), location="Europe/Berlin")
    assert berlin.contains(utc(2024, 1, 8, 8, 30))       # 09:30 in Berlin (CET)
    assert not berlin.contains(utc(2024, 1, 8, 16, 30))  # 17:30 in Berlin
    assert berlin.contains(utc(2024, 7, 8, 7, 30))       # 09:30 in Berlin (CEST)
    plus2 = datetime(2024, 1, 8, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    assert berlin.contains(plus2)                        # any aware time is converted


@pytest.mark.parametrize(("t", "inside"), [
    (utc(2024, 2, 29, 12), True), (utc(2024, 2, 27, 12), False), (utc(2023, 2, 28, 12), True),
    (utc(2024, 1, 31, 12), True), (utc(2024, 1, 29, 12), False),
], ids=["leap-last", "leap-third-last", "non-leap-last", "jan-31", "jan-29"])
def test_negative_days_count_from_month_end(t: datetime, inside: bool) -> None:
    last_two = TimeInterval(days_of_month=(DayOfMonthRange(-2, -1),))
    assert last_two.contains(t) is inside


def test_day_beyond_month_end_is_skipped_and_end_clamped() -> None:
    assert not TimeInterval(days_of_month=(DayOfMonthRange(31, 31),)).contains(utc(2024, 2, 29))
    assert TimeInterval(days_of_month=(DayOfMonthRange(25, 31),)).contains(utc(2024, 2, 29))


def test_months_years_and_any_entry() -> None:
    q1 = TimeInterval(months=(MonthRange(1, 3),), years=(YearRange(2020, 2022),))
    assert q1.contains(utc(2021, 3, 31, 23, 59))
    assert not q1.contains(utc(2021, 4, 1))
    assert not q1.contains(utc(2023, 1, 1))
    weekend = TimeInterval(weekdays=(WeekdayRange(6, 6), WeekdayRange(0, 0)))
    assert contains_any([q1, weekend], utc(2024, 1, 6))
    assert not contains_any([q1, weekend], utc(2024, 1, 8))


def test_empty_list_matches_nothing_as_upstream() -> None:
    assert not TimeInterval(weekdays=()).contains(utc(2024, 1, 8))


def test_loaded_from_config() -> None:
    cfg = load("route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals:\n- name: biz\n  time_intervals:\n"
               "  - times: [{start_time: '09:00', end_time: '17:00'}]\n    weekdays: ['monday:friday']\n"
               "    location: America/New_York\n  - days_of_month: ['-1']\n")
    biz = cfg.time_intervals["biz"]
    assert contains_any(biz, utc(2024, 1, 8, 15))       # 10:00 in New York
    assert not contains_any(biz, utc(2024, 1, 8, 13))   # 08:00 in New York
    assert contains_any(biz, utc(2024, 1, 31, 3))       # last day of the month
