import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from alertmanager.model.alert import Alert, validate_alert

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def alert(starts, ends, updated, timeout=False):
    return Alert(
        labels={"a": "b"},
        starts_at=at(starts),
        ends_at=None if ends is None else at(ends),
        updated_at=at(updated),
        timeout=timeout,
    )


# (older, newer, now, want_starts, want_ends) mirroring upstream's types.Alert.Merge rules
MERGE_CASES = [
    ("earliest start wins", alert(0, 100, 1), alert(5, 100, 2), 10, 0, 100),
    ("newer explicit end replaces timeout end", alert(0, 300, 1, timeout=True), alert(0, 50, 2), 10, 0, 50),
    ("later explicit end of older wins while firing", alert(0, 500, 1), alert(0, 300, 2, timeout=True), 10, 0, 500),
    (
        "later timeout end of older does not win",
        alert(0, 500, 1, timeout=True),
        alert(0, 300, 2, timeout=True),
        10,
        0,
        300,
    ),
    ("both resolved: latest resolve wins", alert(0, 8, 1), alert(0, 5, 2), 10, 0, 8),
    ("newer resolved, older firing: newer end stays", alert(0, 500, 1), alert(0, 5, 2), 10, 0, 5),
]


@pytest.mark.parametrize(
    ("name", "older", "newer", "now", "starts", "ends"), MERGE_CASES, ids=[c[0] for c in MERGE_CASES]
)
def test_merge(name, older, newer, now, starts, ends):
    for a, b in ((older, newer), (newer, older)):  # argument order does not matter: updated_at decides
        got = a.merge(b, at(now))
        assert got.starts_at == at(starts)
        assert got.ends_at == at(ends)
        assert got.updated_at == newer.updated_at


def test_resolved():
    a = alert(0, 10, 0)
    assert not a.resolved(at(9))
    assert a.resolved(at(10))
    assert not alert(0, None, 0).resolved(at(1e6))


@pytest.mark.parametrize(
    ("a", "msg"),
    [
        (Alert(labels={"a": "b"}), "start time missing"),
        (Alert(labels={"a": "b"}, starts_at=at(5), ends_at=at(1)), "start time must be before end time"),
        (Alert(labels={}, starts_at=at(0)), "at least one label pair required"),
        (Alert(labels={"": "x"}, starts_at=at(0)), 'invalid label set: invalid name ""'),
        (Alert(labels={"a": "b"}, starts_at=at(0)), None),
    ],
    ids=["no-start", "end-before-start", "no-labels", "empty-name", "valid"],
)
def test_validate(a, msg):
    assert validate_alert(a) == msg


def test_copy_keeps_every_field_and_is_a_new_object():
    now = datetime(2024, 1, 1, tzinfo=UTC)
    a = Alert(labels={"a": "1"}, annotations={"s": "x"}, starts_at=now, ends_at=now, generator_url="g",
              updated_at=now, timeout=True)
    _ = a.fingerprint
    c = a.copy()
    assert c is not a
    for f in dataclasses.fields(Alert):
        assert getattr(c, f.name) == getattr(a, f.name), f.name
    assert c == dataclasses.replace(a)
    c.ends_at = None
    assert a.ends_at == now
