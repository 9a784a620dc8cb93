import pytest

from alertmanager.model.labels import fingerprint, fingerprint_hex, label_set_string

# Values read from the real Alertmanager 0.25's GET /api/v2/alerts for the same label sets.
UPSTREAM = [
    ({"alertname": "foo"}, "c5a7cb176f0f418a"),
    ({"alertname": "HighLatency", "severity": "critical", "instance": "10.0.0.1:9100"}, "4590d2157a200483"),
    ({"a": "ü€", "b": "line\nbreak"}, "541e95d8c2c881a0"),
    ({"job": "x", "__name__": "y"}, "46f19b4cf9d00d0e"),
]


@pytest.mark.parametrize(("labels", "want"), UPSTREAM, ids=[w for _, w in UPSTREAM])
def test_fingerprint_matches_upstream(labels, want):
    assert fingerprint_hex(labels) == want


def test_empty_label_set_is_fnv_offset():
    assert fingerprint({}) == 14695981039346656037


def test_fingerprint_ignores_insertion_order():
    assert fingerprint({"a": "1", "b": "2"}) == fingerprint({"b": "2", "a": "1"})


def test_separator_prevents_concatenation_collisions():
    assert fingerprint({"a": "bc"}) != fingerprint({"ab": "c"})


def test_label_set_string_is_go_form():
    assert label_set_string({"b": 'x"y', "a": "1"}) == '{a="1", b="x\\"y"}'
