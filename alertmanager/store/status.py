"""An alert's status refreshed before it is listed (upstream's ``setAlertStatus``), cheaply.

The API and the UI both list every alert with its ``silencedBy``/``inhibitedBy``, so they share
this one refresher. Muters are only asked again when their answer can have changed: the
silencer's answer is keyed by the silence store's version (the marker records the version it
saw), the inhibitor's by the inhibitor's own version (which changes only when a source alert
changes) and the inhibiting source's end. Muters get the alert's cached fingerprint, and the
silencer queries made while answering one request count as one silence query in the metrics
(``alertmanager_silences_queries_total``), not one per listed alert as upstream.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from alertmanager.model.alert import Alert
from alertmanager.types import InhibitorLike, Marker, SilencerLike

__all__ = ["AlertLookup", "AlertStatusRefresher", "CountedSilences", "Status"]

Status = tuple[str, tuple[str, ...], tuple[str, ...]]
"""(state, silenced_by, inhibited_by), as ``Marker.status`` returns it."""


class AlertLookup(Protocol):
    """The alert store as the refresher sees it (``store.Alerts``)."""

    def get(self, fp: int) -> Alert | None: ...


class CountedSilences(Protocol):
    """The silence store as the refresher sees it: its version and its query counter."""

    @property
    def version(self) -> int: ...

    def record_queries(self, n: int = 1, seconds: float = 0.0) -> None: ...


class AlertStatusRefresher:
    """Re-runs the inhibitor and the silencer for an alert, skipping them when nothing changed.

    Args:
        marker: where the muters record their answers, and where the status is read back.
        alerts: the alert store (to find when an inhibiting source ends).
        silences: the silence store (its version; skipped query metrics are counted there).
        silencer: the silencer, or none when alerts are never silenced.
        inhibitor: the current inhibitor (it changes on reload), or none.
    """

    def __init__(
        self,
        *,
        marker: Marker,
        alerts: AlertLookup,
        silences: CountedSilences,
        silencer: SilencerLike | None,
        inhibitor: Callable[[], InhibitorLike | None],
    ) -> None:
        self._marker = marker
        self._alerts = alerts
        self._silences = silences
        self._silencer = silencer
        self._inhibitor = inhibitor
        # fp -> (inhibitor version, answer valid until): tuples of numbers stay untracked by the
        # garbage collector, so 100k entries do not set off full collections.
        self._inhibited_by: InhibitorLike | None = None
        self._inhibited: dict[int, tuple[int, datetime | None]] = {}
        # Silencer calls not yet counted in the silence metrics (see ``record_silence_queries``).
        self._silence_calls = 0
        self._silence_seconds = 0.0

    def refresh(self, alert: Alert, now: datetime) -> Status:
        """Ask the muters again for ``alert`` where needed and return its marker status."""
        marker = self._marker
        fp = alert.fingerprint
        inhibitor = self._inhibitor()
        if inhibitor is not None:
            self._refresh_inhibited(inhibitor, alert, now)
        silencer = self._silencer
        if silencer is not None:
            active, pending, version, known = marker.silenced(fp)
            # Unchanged store and no silence recorded: nothing can match now that did not before.
            if not (known and version == self._silences.version and not active and not pending):
                start = time.perf_counter()
                silencer.mutes(alert.labels, now, fp, record=False)
                self._silence_seconds += time.perf_counter() - start
                self._silence_calls += 1
        return marker.status(fp)

    def record_silence_queries(self) -> None:
        """Count the silencer's queries since the last call as one query (once per request)."""
        if self._silence_calls:
            self._silences.record_queries(1, self._silence_seconds)
            self._silence_calls = 0
            self._silence_seconds = 0.0

    def __len__(self) -> int:
        """How many inhibition answers are cached."""
        return len(self._inhibited)

    def prune(self) -> None:
        """Forget cached answers for alerts that left the store."""
        alerts = self._alerts
        for fp in [fp for fp in self._inhibited if alerts.get(fp) is None]:
            del self._inhibited[fp]

    def _refresh_inhibited(self, inhibitor: InhibitorLike, alert: Alert, now: datetime) -> None:
        # An inhibitor's answer changes only when its source alerts change (its version moves)
        # or when the inhibiting source resolves; in between, the marker still holds the answer
        # it recorded last time. Target-only puts (most of them) keep every cached answer.
        if inhibitor is not self._inhibited_by:
            self._inhibited.clear()
            self._inhibited_by = inhibitor
        fp = alert.fingerprint
        hit = self._inhibited.get(fp)
        version = inhibitor.version
        if hit is not None and hit[0] == version and (hit[1] is None or now < hit[1]):
            return
        valid_until: datetime | None = None
        if inhibitor.mutes(alert.labels, now, fp):
            by = self._marker.inhibited(fp)
            source = self._alerts.get(int(by[0], 16)) if by else None
            valid_until = now if source is None or source.ends_at is None else source.ends_at
        self._inhibited[fp] = (version, valid_until)
