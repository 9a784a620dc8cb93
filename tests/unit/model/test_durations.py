from datetime import timedelta

import pytest

from alertmanager.model.duration import (
    DurationError,
    format_go_duration,
    format_prom_duration,
    parse_go_duration,
    parse_prom_duration,
)

PROM = [
    ("0", timedelta(0)),
    ("30s", timedelta(seconds=30)),
    ("1h30m", timedelta(minutes=90)),
    ("2d", timedelta(days=2)),
    ("1w", timedelta(weeks=1)),
    ("1y", timedelta(days=365)),
    ("500ms", timedelta(milliseconds=500)),
    ("4h", timedelta(hours=4)),
]


@pytest.mark.parametrize(("text", "want"), PROM, ids=[p[0] for p in PROM])
def test_prom_round_trip(text, want):
    assert parse_prom_duration(text) == want
    assert format_prom_duration(want) == (text if text != "0" else "0s")


@pytest.mark.parametrize("text", ["", "1", "1.5h", "h", "1m1h", "-1s"])
def test_prom_rejects(text):
    with pytest.raises(DurationError):
        parse_prom_duration(text)


GO = [
    ("1m0s", timedelta(minutes=1)),
    ("200ms", timedelta(milliseconds=200)),
    ("6h0m0s", timedelta(hours=6)),
    ("15s", timedelta(seconds=15)),
    ("1h30m0s", timedelta(minutes=90)),
]


@pytest.mark.parametrize(("text", "want"), GO, ids=[g[0] for g in GO])
def test_go_round_trip(text, want):
    assert parse_go_duration(text) == want
    assert format_go_duration(want) == text


def test_go_accepts_short_forms():
    assert parse_go_duration("1.5h") == timedelta(minutes=90)
    assert parse_go_duration("120h") == timedelta(hours=120)
    with pytest.raises(DurationError):
        parse_go_duration("2d")
