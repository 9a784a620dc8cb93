from datetime import timedelta

import pytest
from silences_helpers import T0, sil

from alertmanager.model.matchers import Matcher
from alertmanager.silences import GO_ZERO_TIME, SilenceError, validate_silence
from alertmanager.silences.silence import can_update, check_new_times

H = timedelta(hours=1)
S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (T0 - S, "pending"),
        (T0, "active"),
        (T0 + H, "active"),  # ends_at itself is still active: upstream uses now.After(EndsAt)
        (T0 + H + timedelta(microseconds=1), "expired"),
    ],
    ids=["before-start", "at-start", "at-end", "after-end"],
)
def test_state(now, state):
    assert sil(start=T0, end=T0 + H).state(now) == state


@pytest.mark.parametrize(
    ("silence", "message"),
    [
        (sil(("a", "=", "")), "silence invalid: at least one matcher must not match the empty string"),
        (sil(("a", "=~", ".*"), ("b", "=", "")),
         "silence invalid: at least one matcher must not match the empty string"),
        (sil(("", "=", "x")), 'silence invalid: invalid label matcher 0: invalid label name ""'),
        (sil(start=GO_ZERO_TIME, end=T0), "silence invalid: invalid zero start timestamp"),
        (sil(start=T0, end=T0 - S), "silence invalid: end time must not be before start time"),
    ],
    ids=["empty-equal", "all-match-empty", "bad-name", "zero-start", "end-before-start"],
)
def test_validate_refuses(silence, message):
    with pytest.raises(SilenceError) as exc:
        validate_silence(silence)
    assert str(exc.value) == message


def test_validate_refuses_no_matchers():
    with pytest.raises(SilenceError, match="^silence invalid: at least one matcher required$"):
        validate_silence(sil().__class__(id="", matchers=(), starts_at=T0, ends_at=T0 + H))


@pytest.mark.parametrize(
    "matchers",
    [
        (("a", "!=", ""),),  # negative matchers never count as "matching empty" upstream
        (("a", "!~", "x"),),
        (("a", "=~", "x+"),),
        (("a", "=", ""), ("b", "=", "x")),
    ],
    ids=["not-equal-empty", "not-regex", "regex-nonempty", "one-nonempty"],
)
def test_validate_accepts(matchers):
    validate_silence(sil(*matchers))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (T0, T0, "Failed to create silence: start time must be before end time"),
        (T0 + H, T0, "Failed to create silence: start time must be before end time"),
        (T0 - 2 * H, T0 - H, "Failed to create silence: end time can't be in the past"),
    ],
    ids=["equal", "reversed", "past"],
)
def test_api_time_checks(start, end, message):
    with pytest.raises(SilenceError) as exc:
        check_new_times(sil(start=start, end=end), T0)
    assert str(exc.value) == message


# (old silence, new silence, now, updatable?) - upstream canUpdate
_ACTIVE = sil(start=T0 - H, end=T0 + H)
_PENDING = sil(start=T0 + H, end=T0 + 2 * H)
_EXPIRED = sil(start=T0 - 2 * H, end=T0 - H)


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        (_ACTIVE, sil(start=T0 - H, end=T0 + 3 * H, comment="x"), True),
        (_ACTIVE, sil(start=T0 - H + timedelta(milliseconds=300), end=T0 + H), True),
        (_ACTIVE, sil(start=T0 - H + 2 * S, end=T0 + H), False),
        (_ACTIVE, sil(start=T0 - H, end=T0 - S), False),
        (_ACTIVE, sil(("alertname", "=", "Bar"), start=T0 - H, end=T0 + H), False),
        (_ACTIVE, sil(("alertname", "=", "Foo"), ("x", "=", "y"), start=T0 - H, end=T0 + H), False),
        (_PENDING, sil(start=T0 + 2 * H, end=T0 + 3 * H), True),
        (_PENDING, sil(start=T0, end=T0 + 3 * H), True),
        (_PENDING, sil(start=T0 - S, end=T0 + 3 * H), False),
        (_EXPIRED, sil(start=T0 - 2 * H, end=T0 + H), False),
    ],
    ids=[
        "active-extend-end", "active-same-second", "active-move-start", "active-end-in-past",
        "active-other-matcher", "active-extra-matcher", "pending-move-later", "pending-start-now",
        "pending-start-past", "expired",
    ],
)
def test_can_update(old, new, ok):
    assert can_update(old, new, T0) is ok


def test_matcher_order_matters_for_can_update():
    a = sil(("a", "=", "1"), ("b", "=", "2"), start=T0 - H, end=T0 + H)
    b = a.__class__(id="", matchers=tuple(reversed(a.matchers)), starts_at=a.starts_at, ends_at=a.ends_at)
    assert can_update(a, b, T0) is False
    assert Matcher.create("a", "=", "1") in b.matchers
