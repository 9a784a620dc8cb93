"""How an alert looks through the API: its receivers, its refreshed status, its JSON.

Listing 100k alerts must stay cheap, so each alert's receivers are cached per configuration
and its JSON per (alert version, receivers, status); muters are only asked again when their
answer can have changed: the silencer's answer is keyed by the silence store's version, the
inhibitor's by the inhibitor's own version (which changes only when a source alert changes)
and the inhibiting source's end. Muters get the alert's cached fingerprint, and the silencer
queries made while answering one request count as one silence query in the metrics
(``alertmanager_silences_queries_total``), not one per listed alert as upstream.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from alertmanager.api._deps import ApiDeps, InhibitorLike
from alertmanager.api._http import format_time, match_filter_labels, sorted_labels
from alertmanager.config.schema import Config
from alertmanager.model.alert import Alert
from alertmanager.model.matchers import Matcher, compile_go_regex
from alertmanager.types import AlertState

__all__ = ["AlertView", "Status", "compile_receiver_regex", "make_alert_filter", "receiver_labels"]

Status = tuple[str, tuple[str, ...], tuple[str, ...]]
"""(state, silenced_by, inhibited_by), as ``Marker.status`` returns it."""



def receiver_labels(cfg: Config) -> dict[str, Mapping[str, str]]:
    """Each receiver's ``labels`` (upstream 0.33+; they always hold ``name``)."""
    return {r.name: r.labels for r in cfg.receivers}


class AlertView:
    """Per-app caches and the per-alert work shared by ``/alerts`` and ``/alerts/groups``."""

    def __init__(self, deps: ApiDeps) -> None:
        self._deps = deps
        # Cache entries hold no container the garbage collector must track (tuples of strings
        # and numbers are untracked), so filling them for 100k alerts does not set off full
        # collections; what they were computed for is kept per cache or in a parallel dict.
        self._receivers_cfg: Config | None = None
        self._receivers: dict[int, tuple[str, ...]] = {}
        self._json_alert: dict[int, Alert] = {}
        self._json_key: dict[int, tuple[tuple[str, ...], Status]] = {}
        self._json: dict[int, bytes] = {}
        # fp -> (inhibitor version, answer valid until) for ``_inhibited_by``: see refresh_status.
        self._inhibited_by: InhibitorLike | None = None
        self._inhibited: dict[int, tuple[int, datetime | None]] = {}
        # Silencer calls not yet counted in the silence metrics (see ``record_silence_queries``).
        self._silence_calls = 0
        self._silence_seconds = 0.0

    def receivers(self, alert: Alert, cfg: Config) -> tuple[str, ...]:
        if cfg is not self._receivers_cfg:
            self._receivers.clear()
            self._receivers_cfg = cfg
        fp = alert.fingerprint
        names = self._receivers.get(fp)
        if names is None:
            names = self._receivers[fp] = tuple(self._deps.match_receivers(alert.labels))
        return names

    def refresh_status(self, alert: Alert, now: datetime) -> Status:
        """Re-run the inhibitor and the silencer for ``alert`` (upstream's ``setAlertStatus``)."""
        deps = self._deps
        fp = alert.fingerprint
        inhibitor = deps.inhibitor()
        if inhibitor is not None:
            self._refresh_inhibited(inhibitor, alert, now)
        silencer = deps.silencer
        if silencer is not None:
            active, pending, version, known = deps.marker.silenced(fp)
            # Unchanged store and no silence recorded: nothing can match now that did not before.
            if not (known and version == deps.silences.version and not active and not pending):
                start = time.perf_counter()
                silencer.mutes(alert.labels, now, fp, record=False)
                self._silence_seconds += time.perf_counter() - start
                self._silence_calls += 1
        return deps.marker.status(fp)

    def record_silence_queries(self) -> None:
        """Count the silencer's queries since the last call as one query (once per request)."""
        if self._silence_calls:
            self._deps.silences.record_queries(1, self._silence_seconds)
            self._silence_calls = 0
            self._silence_seconds = 0.0

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
            by = self._deps.marker.inhibited(fp)
            source = self._deps.alerts.get(int(by[0], 16)) if by else None
            valid_until = now if source is None or source.ends_at is None else source.ends_at
        self._inhibited[fp] = (version, valid_until)

    def render(self, alert: Alert, receivers: tuple[str, ...], status: Status,
               muted_by: Sequence[str] = ()) -> bytes:
        """The ``gettableAlert`` JSON, with upstream's field order."""
        fp = alert.fingerprint
        if not muted_by and self._json_alert.get(fp) is alert and self._json_key[fp] == (receivers, status):
            return self._json[fp]
        state = AlertState.SUPPRESSED if muted_by else status[0]
        doc: dict[str, object] = {
            "annotations": sorted_labels(alert.annotations),
            "endsAt": format_time(alert.ends_at),
            "fingerprint": f"{fp:016x}",
            "receivers": [{"name": r} for r in receivers],
            "startsAt": format_time(alert.starts_at),
            "status": {
                "inhibitedBy": list(status[2]),
                "mutedBy": list(muted_by),
                "silencedBy": list(status[1]),
                "state": state,
            },
            "updatedAt": format_time(alert.updated_at),
        }
        if alert.generator_url:
            doc["generatorURL"] = alert.generator_url
        doc["labels"] = sorted_labels(alert.labels)
        out = orjson.dumps(doc)
        if not muted_by:
            self._json_alert[fp] = alert
            self._json_key[fp] = (receivers, status)
            self._json[fp] = out
        return out

    def prune(self, live: int) -> None:
        """Forget cached alerts that left the store, once the caches outgrow it."""
        if len(self._json) + len(self._receivers) + len(self._inhibited) <= 3 * live + 2048:
            return
        store = self._deps.alerts
        caches: tuple[dict[int, Any], ...] = (self._json, self._json_key, self._json_alert, self._receivers,
                                              self._inhibited)
        for cache in caches:
            for fp in [fp for fp in cache if store.get(fp) is None]:
                del cache[fp]


def make_alert_filter(
    view: AlertView,
    matchers: Sequence[Matcher],
    *,
    active: bool,
    silenced: bool,
    inhibited: bool,
    unprocessed: bool,
) -> Callable[[Alert, datetime], bool]:
    """Upstream's ``alertFilter``: unresolved, matching the filter, in a wanted state."""

    def keep(alert: Alert, now: datetime) -> bool:
        if alert.ends_at is not None and alert.ends_at < now:
            return False
        if matchers and not match_filter_labels(matchers, alert.labels):
            return False
        state, silenced_by, inhibited_by = view.refresh_status(alert, now)
        if not active and state == AlertState.ACTIVE:
            return False
        if not unprocessed and state == AlertState.UNPROCESSED:
            return False
        if not silenced and silenced_by:
            return False
        return inhibited or not inhibited_by

    return keep


def compile_receiver_regex(text: str) -> re.Pattern[str]:
    """The ``receiver`` parameter, anchored as upstream (``^(?:…)$``); ``MatcherError``."""
    return compile_go_regex(text)
