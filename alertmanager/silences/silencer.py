"""The Silencer: the Muter that mutes alerts matched by an active silence and marks them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from alertmanager.model.labels import fingerprint
from alertmanager.silences.silence import Silence
from alertmanager.silences.store import Silences
from alertmanager.types import Marker

__all__ = ["Silencer"]


class Silencer:
    """Mutes alerts that an active silence matches, recording silenced/pending ids in the marker.

    As upstream's ``Silencer``: when the marker saw the store at its current version, only the
    silences already recorded for the alert are re-checked (a pending one may have started, an
    active one ended); otherwise the alert's labels are matched again.
    """

    def __init__(self, silences: Silences, marker: Marker) -> None:
        self._silences = silences
        self._marker = marker

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None, *,
              record: bool = True) -> bool:
        """Whether an active silence mutes ``labels`` at ``now``; marks the alert either way.

        ``fp`` is the labels' fingerprint when the caller has it (``Alert.fingerprint``).
        ``record=False`` leaves the query metrics alone: the API refreshes every listed alert
        and counts one query per request instead (see ``Silences.query``).
        """
        if fp is None:
            fp = fingerprint(labels)
        active, pending, marker_version, _ = self._marker.silenced(fp)
        version = self._silences.version
        found: list[Silence]
        if marker_version == version:
            known = active + pending
            if not known:
                return False
            found = self._silences.query(ids=known, states=("active", "pending"), now=now, record=record)
        else:
            found = self._silences.query(states=("active", "pending"), matches_labels=labels, now=now,
                                         record=record)
        if not found:
            self._marker.set_active_or_silenced(fp, version, (), ())
            return False
        new_active = sorted(s.id for s in found if s.state(now) == "active")
        new_pending = sorted(s.id for s in found if s.state(now) == "pending")
        self._marker.set_active_or_silenced(fp, version, new_active, new_pending)
        return bool(new_active)
