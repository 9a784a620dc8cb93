"""The Silence value, its state at a given time, and the checks a new or changed one must pass.

Messages are upstream's (``silence/silence.go`` and the v2 API's ``postSilencesHandler``), so
the API can hand ``str(error)`` to the client unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from alertmanager.model.labels import is_valid_label_name
from alertmanager.model.matchers import Matcher, MatchType, matches_all

__all__ = [
    "GO_ZERO_TIME",
    "Silence",
    "SilenceError",
    "SilenceNotFound",
    "SilenceState",
    "can_update",
    "check_new_times",
    "validate_silence",
]

SilenceState = Literal["pending", "active", "expired"]

GO_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)
"""Go's ``time.Time{}``: what a missing protobuf timestamp decodes to upstream."""

_INVALID_PREFIX = "silence invalid: "  # Alertmanager 0.25's wrapping of validation errors


class SilenceError(ValueError):
    """A silence that cannot be stored as asked (the API answers 400 with ``str(e)``)."""


class SilenceNotFound(LookupError):
    """No silence has the given id (the API answers 404)."""

    def __init__(self, silence_id: str = "") -> None:
        super().__init__("silence not found")
        self.silence_id = silence_id


@dataclass(frozen=True, slots=True)
class Silence:
    """A silence: alerts matching every matcher are muted between ``starts_at`` and ``ends_at``."""

    id: str
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime = GO_ZERO_TIME
    created_by: str = ""
    comment: str = ""

    def state(self, now: datetime) -> SilenceState:
        """``pending`` before it starts, ``expired`` after it ends, else ``active`` (as upstream)."""
        if now < self.starts_at:
            return "pending"
        if now > self.ends_at:
            return "expired"
        return "active"

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether every matcher matches ``labels``."""
        return matches_all(self.matchers, labels)


def _matches_empty(m: Matcher) -> bool:
    # Upstream counts only "=" and "=~" here: a negative matcher never "matches the empty string"
    # for this check, even though `a!="x"` would match an alert without label a.
    if m.type is MatchType.EQUAL:
        return m.value == ""
    if m.type is MatchType.REGEX:
        return m.matches("")
    return False


def _validate_matchers(matchers: Iterable[Matcher]) -> str | None:
    seen = False
    all_match_empty = True
    for i, m in enumerate(matchers):
        seen = True
        if not is_valid_label_name(m.name):
            return f'invalid label matcher {i}: invalid label name "{m.name}"'
        all_match_empty = all_match_empty and _matches_empty(m)
    if not seen:
        return "at least one matcher required"
    if all_match_empty:
        return "at least one matcher must not match the empty string"
    return None


def validate_silence(sil: Silence) -> None:
    """Raise ``SilenceError`` if upstream's ``validateSilence`` would refuse ``sil``."""
    reason = _validate_matchers(sil.matchers)
    if reason is None:
        if sil.starts_at == GO_ZERO_TIME:
            reason = "invalid zero start timestamp"
        elif sil.ends_at == GO_ZERO_TIME:
            reason = "invalid zero end timestamp"
        elif sil.ends_at < sil.starts_at:
            reason = "end time must not be before start time"
    if reason is not None:
        raise SilenceError(_INVALID_PREFIX + reason)


def check_new_times(sil: Silence, now: datetime) -> None:
    """The API's own checks on a posted silence, before the store sees it."""
    if sil.starts_at >= sil.ends_at:
        raise SilenceError("Failed to create silence: start time must be before end time")
    if sil.ends_at < now:
        raise SilenceError("Failed to create silence: end time can't be in the past")


def _unix_seconds(t: datetime) -> int:
    return (t - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1)


def can_update(old: Silence, new: Silence, now: datetime) -> bool:
    """Whether ``old`` may be changed into ``new`` in place without rewriting history."""
    if [(m.name, m.type, m.value) for m in old.matchers] != [(m.name, m.type, m.value) for m in new.matchers]:
        return False
    state = old.state(now)
    if state == "active":
        # Compared at whole seconds, as upstream does (`StartsAt.Unix()`).
        return _unix_seconds(new.starts_at) == _unix_seconds(old.starts_at) and not new.ends_at < now
    if state == "pending":
        return not new.starts_at < now
    return False
