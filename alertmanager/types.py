"""Shared aliases and the Protocols that let layers meet without importing each other."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = [
    "AlertState",
    "Clock",
    "InhibitorLike",
    "Marker",
    "Muter",
    "NflogEntry",
    "NflogReceiver",
    "NotificationLog",
    "Replicated",
    "SilencerLike",
    "utcnow",
]

Clock = Callable[[], datetime]
"""Where every component reads the time from; tests inject a fake one."""


def utcnow() -> datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.now(UTC)


class Muter(Protocol):
    """Something that can say an alert (by its labels) must not be notified now."""

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None) -> bool:
        """``fp`` is the labels' fingerprint when the caller has it (saves hashing them again)."""
        ...


class SilencerLike(Protocol):
    """``silences.Silencer`` as status readers call it: with the alert's known fingerprint, and
    ``record=False`` to leave the silence query metrics for the caller to count once."""

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None, *,
              record: bool = True) -> bool: ...


class InhibitorLike(Protocol):
    """``inhibit.Inhibitor`` as status readers call it: ``version`` moves when its sources change."""

    @property
    def version(self) -> int: ...

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None) -> bool: ...


class Replicated(Protocol):
    """State that the cluster gossips: a full snapshot out, a peer's state merged in."""

    def snapshot(self) -> bytes: ...

    def merge(self, data: bytes) -> bool: ...


class AlertState:
    """The three alert states the API reports."""

    UNPROCESSED = "unprocessed"
    ACTIVE = "active"
    SUPPRESSED = "suppressed"


class Marker(Protocol):
    """Per-alert status (``silencedBy``, ``inhibitedBy``) that muters write and the API reads.

    Mirrors upstream's ``types.Marker``: the silencer records which silence ids matched at which
    silence-store version, so an unchanged store lets it skip re-matching.
    """

    def set_active_or_silenced(
        self, fp: int, version: int, active_ids: Sequence[str], pending_ids: Sequence[str]
    ) -> None: ...

    def set_inhibited(self, fp: int, alert_fps: Sequence[str]) -> None: ...

    def silenced(self, fp: int) -> tuple[tuple[str, ...], tuple[str, ...], int, bool]:
        """(active silence ids, pending silence ids, version, known) for ``fp``."""
        ...

    def inhibited(self, fp: int) -> tuple[str, ...]: ...

    def status(self, fp: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """(state, silenced_by, inhibited_by) for the API."""
        ...

    def delete(self, fp: int) -> None: ...


class NflogReceiver(Protocol):
    """Who was notified: upstream's ``nflogpb.Receiver`` (receiver name, integration, index)."""

    @property
    def group_name(self) -> str: ...

    @property
    def integration(self) -> str: ...

    @property
    def idx(self) -> int: ...


class NflogEntry(Protocol):
    """What the notification log remembers about the last notification of a group."""

    @property
    def timestamp(self) -> datetime: ...

    @property
    def firing_alerts(self) -> frozenset[int]: ...

    @property
    def resolved_alerts(self) -> frozenset[int]: ...


class NotificationLog(Protocol):
    """The notification log as the notify pipeline sees it (dedup reads, set-notifies writes)."""

    def query(self, group_key: str, receiver: NflogReceiver) -> NflogEntry | None: ...

    def record(
        self,
        receiver: NflogReceiver,
        group_key: str,
        firing: Sequence[int],
        resolved: Sequence[int],
        expiry: timedelta,
    ) -> Callable[[], None]:
        """Log a notification sent now; calling the returned function makes it durable (it may
        run in a thread)."""
        ...
