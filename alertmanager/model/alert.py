"""Alerts as Alertmanager keeps them, with upstream's merge and resolve rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from alertmanager.model.labels import fingerprint, is_valid_legacy_label_name

__all__ = ["Alert", "validate_alert"]


@dataclass(slots=True)
class Alert:
    """An alert: labels identify it, the rest describes its latest state.

    ``timeout`` is true when ``ends_at`` was not sent by the client but derived from
    ``resolve_timeout``; such an end time yields to an explicit one when alerts merge.
    """

    labels: dict[str, str]
    annotations: dict[str, str] = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    generator_url: str = ""
    updated_at: datetime | None = None
    timeout: bool = False
    _fp: int | None = field(default=None, repr=False, compare=False)

    def copy(self) -> Alert:
        """A shallow copy (``dataclasses.replace`` without changes, at a fifth of its cost)."""
        return Alert(self.labels, self.annotations, self.starts_at, self.ends_at, self.generator_url,
                     self.updated_at, self.timeout, self._fp)

    @property
    def fingerprint(self) -> int:
        fp = self._fp
        if fp is None:
            fp = self._fp = fingerprint(self.labels)
        return fp

    @property
    def fingerprint_hex(self) -> str:
        return f"{self.fingerprint:016x}"

    def resolved(self, now: datetime) -> bool:
        """Whether the alert has ended at ``now`` (an end time not after ``now``)."""
        return self.ends_at is not None and self.ends_at <= now

    def status(self, now: datetime) -> str:
        return "resolved" if self.resolved(now) else "firing"

    def merge(self, newer: Alert, now: datetime) -> Alert:
        """Combine two versions of the same alert as upstream's ``types.Alert.Merge`` does."""
        a, o = self, newer
        if o.updated_at is not None and a.updated_at is not None and o.updated_at < a.updated_at:
            a, o = o, a
        res = o.copy()
        if a.starts_at is not None and (o.starts_at is None or a.starts_at < o.starts_at):
            res.starts_at = a.starts_at
        if o.resolved(now):
            # The latest explicit resolve time wins when both have ended.
            if a.resolved(now) and a.ends_at is not None and o.ends_at is not None and a.ends_at > o.ends_at:
                res.ends_at = a.ends_at
        elif (
            a.ends_at is not None
            and o.ends_at is not None
            and a.ends_at > o.ends_at
            and not a.timeout
        ):
            # A client-set end time rules when it is the later one.
            res.ends_at = a.ends_at
        return res


def validate_alert(alert: Alert, *, utf8_names: bool = True) -> str | None:
    """Upstream's ``types.Alert.Validate``: the reason an alert is refused, or ``None``."""
    if alert.starts_at is None:
        return "start time missing"
    if alert.ends_at is not None and alert.ends_at < alert.starts_at:
        return "start time must be before end time"
    if utf8_names:
        # Under UTF-8 validation the only invalid name is the empty one.
        if "" in alert.labels:
            return 'invalid label set: invalid name ""'
        if not alert.labels:
            return "at least one label pair required"
        if "" in alert.annotations:
            return 'invalid annotations: invalid name ""'
        return None
    for name in alert.labels:
        if not is_valid_legacy_label_name(name):
            return f'invalid label set: invalid name "{name}"'
    if not alert.labels:
        return "at least one label pair required"
    for name in alert.annotations:
        if not is_valid_legacy_label_name(name):
            return f'invalid annotations: invalid name "{name}"'
    return None
