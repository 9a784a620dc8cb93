"""The orjson-based Go JSON encoder writes exactly what the reference encoder writes."""

import random

import pytest

from alertmanager.notify.gojson import go_json, go_json_floatless

ALPHABET = ['a', 'b', 'f', 'u', '\\', '"', '<', '>', '&', '\u2028', '\u2029', '\b', '\f', '\n', '\r', '\t',
            '\x00', '\x1f', '\x7f', 'é', '中', '😀', '/']


@pytest.mark.parametrize("seed", range(5))
def test_same_bytes_as_the_reference_encoder(seed: int) -> None:
    rnd = random.Random(seed)

    def text() -> str:
        return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 10)))

    for _ in range(2000):
        value = {
            "receiver": text(), "status": "firing", "truncatedAlerts": rnd.randint(0, 10**12),
            "alerts": [{"labels": {text(): text() for _ in range(3)}, "flag": rnd.choice([True, False, None])}],
            text(): [text(), text()],
        }
        assert go_json_floatless(value) == go_json(value)


def test_escapes_and_fallback() -> None:
    expected = b'{"u":"a\\u003cb\\u003e\\u0026c\\u2028\\u0008\\u000c\\\\b"}\n'
    assert go_json_floatless({"u": "a<b>&c\u2028\b\f\\b"}) == expected
    # What orjson refuses goes to the reference encoder, and fails (or not) as it does.
    for encode in (go_json, go_json_floatless):
        with pytest.raises(UnicodeEncodeError):
            encode({"s": "\ud800"})
