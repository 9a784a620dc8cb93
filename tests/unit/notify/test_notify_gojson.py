from datetime import UTC, datetime, timedelta, timezone

import pytest

from alertmanager.notify.gojson import go_json, go_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", '"plain"'),
        ("a<b>&c", '"a\\u003cb\\u003e\\u0026c"'),
        ('q"b\\', '"q\\"b\\\\"'),
        ("\n\r\t", '"\\n\\r\\t"'),
        ("\x00\x08\x0c\x1f", '"\\u0000\\u0008\\u000c\\u001f"'),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ("ünï ✓ 😀", '"ünï ✓ 😀"'),
        ("\x7f", '"\x7f"'),
    ],
    ids=["plain", "html", "quote-backslash", "short-escapes", "controls", "line-separators", "unicode-raw", "del"],
)
def test_strings_escape_like_go(value, expected):
    assert go_json(value) == (expected + "\n").encode()


def test_structures_keep_order_and_types():
    out = go_json({"b": [1, True, None], "a": {"z": "1", "y": "2"}, "n": 0})
    assert out == b'{"b":[1,true,null],"a":{"z":"1","y":"2"},"n":0}\n'


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (None, "0001-01-01T00:00:00Z"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC), "2026-01-02T03:04:05.5Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "2026-01-02T03:04:05.123456Z"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))), "2026-01-02T03:04:05+05:30"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(-timedelta(hours=2))), "2026-01-02T03:04:05-02:00"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC), "2026-01-02T03:04:05.00012Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 7000), "2026-01-02T03:04:05.007Z"),
    ],
    ids=["zero", "whole-seconds", "trim-zeros", "micros", "positive-offset", "negative-offset", "year-one",
         "leading-zeros", "naive-is-utc"],
)
def test_go_time(t, expected):
    assert go_time(t) == expected
