"""Alert status as the UI shows it: the muters asked again, cheaply, before each listing."""

from __future__ import annotations

from datetime import datetime

from alertmanager.model.alert import Alert
from alertmanager.types import Muter
from alertmanager.ui._deps import UiDeps

__all__ = ["Status", "StatusRefresher"]

Status = tuple[str, tuple[str, ...], tuple[str, ...]]
"""(state, silenced_by, inhibited_by), as ``Marker.status`` returns it."""


class StatusRefresher:
    """Re-runs the silencer and inhibitor for an alert, skipping them when nothing can have changed.

    The silencer is skipped when the marker saw the current silence store version and recorded
    no silence; the inhibitor when the alert store has not changed since it last answered "no"
    (its sources come only from the store), or, for a "yes", until the inhibiting alert ends.
    """

    def __init__(self, deps: UiDeps) -> None:
        self._deps = deps
        self._inhibited: dict[int, tuple[Muter, int, datetime | None]] = {}

    def refresh(self, alert: Alert, now: datetime) -> Status:
        deps = self._deps
        fp = alert.fingerprint
        inhibitor = deps.inhibitor()
        if inhibitor is not None:
            self._refresh_inhibited(inhibitor, alert, now)
        silencer = deps.silencer
        if silencer is not None:
            active, pending, version, known = deps.marker.silenced(fp)
            if not (known and version == deps.silences.version and not active and not pending):
                silencer.mutes(alert.labels, now)
        return deps.marker.status(fp)

    def _refresh_inhibited(self, inhibitor: Muter, alert: Alert, now: datetime) -> None:
        fp = alert.fingerprint
        store = self._deps.alerts
        hit = self._inhibited.get(fp)
        if hit is not None and hit[0] is inhibitor and hit[1] == store.version and (hit[2] is None or now < hit[2]):
            return
        settled, version = store.settled, store.version
        until: datetime | None = None
        if inhibitor.mutes(alert.labels, now):
            by = self._deps.marker.inhibited(fp)
            source = store.get(int(by[0], 16)) if by else None
            until = now if source is None or source.ends_at is None else source.ends_at
        if settled:
            self._inhibited[fp] = (inhibitor, version, until)
        else:
            self._inhibited.pop(fp, None)
        if len(self._inhibited) > 2 * len(store) + 1024:
            for gone in [k for k in self._inhibited if store.get(k) is None]:
                del self._inhibited[gone]
