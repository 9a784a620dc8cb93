"""How an alert looks through the API: its receivers, its refreshed status, its JSON.

Listing 100k alerts must stay cheap, so each alert's receivers are cached per configuration
and its JSON per (alert version, receivers, status); the status refresh (muters asked again
only when their answer can have changed, silencer queries counted once per request) is
``store.status.AlertStatusRefresher``, shared with the UI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from alertmanager.api._deps import ApiDeps
from alertmanager.api._http import format_time, match_filter_labels
from alertmanager.config.schema import Config
from alertmanager.model.alert import Alert
from alertmanager.model.matchers import Matcher, compile_go_regex
from alertmanager.store.status import AlertStatusRefresher, Status
from alertmanager.types import AlertState

__all__ = ["AlertView", "Status", "compile_receiver_regex", "make_alert_filter", "receiver_labels"]


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
        self._pieces = _Pieces()
        self._status = AlertStatusRefresher(
            marker=deps.marker, alerts=deps.alerts, silences=deps.silences, silencer=deps.silencer,
            inhibitor=deps.inhibitor,
        )

    def receivers(self, alert: Alert, cfg: Config) -> tuple[str, ...]:
        if cfg is not self._receivers_cfg:
            self._receivers.clear()
            self._receivers_cfg = cfg
        fp = alert.fingerprint
        names = self._receivers.get(fp)
        if names is None:
            names = self._receivers[fp] = tuple(self._deps.match_receivers(alert))
        return names

    def refresh_status(self, alert: Alert, now: datetime) -> Status:
        """Re-run the inhibitor and the silencer for ``alert`` (upstream's ``setAlertStatus``)."""
        return self._status.refresh(alert, now)

    def record_silence_queries(self) -> None:
        """Count the silencer's queries since the last call as one query (once per request)."""
        self._status.record_silence_queries()

    def render(self, alert: Alert, receivers: tuple[str, ...], status: Status,
               muted_by: Sequence[str] = ()) -> bytes:
        """The ``gettableAlert`` JSON, with upstream's field order.

        Assembled from pieces rather than one ``orjson.dumps`` of a dict: the receivers, the
        status and the times repeat across alerts and are encoded once (``_Pieces``); only the
        label maps are encoded per alert (``OPT_SORT_KEYS`` orders keys as Go's encoder does).
        """
        fp = alert.fingerprint
        if not muted_by and self._json_alert.get(fp) is alert and self._json_key[fp] == (receivers, status):
            return self._json[fp]
        pieces = self._pieces
        url = alert.generator_url
        out = b"".join((
            b'{"annotations":', orjson.dumps(alert.annotations, option=_SORTED),
            b',"endsAt":', pieces.time(alert.ends_at),
            b',"fingerprint":"%016x","receivers":' % fp, pieces.receivers(receivers),
            b',"startsAt":', pieces.time(alert.starts_at),
            b',"status":', pieces.status(status, muted_by),
            b',"updatedAt":', pieces.time(alert.updated_at),
            b',"generatorURL":' + orjson.dumps(url) if url else b"",
            b',"labels":', orjson.dumps(alert.labels, option=_SORTED), b"}",
        ))
        if not muted_by:
            self._json_alert[fp] = alert
            self._json_key[fp] = (receivers, status)
            self._json[fp] = out
        return out

    def prune(self, live: int) -> None:
        """Forget cached alerts that left the store, once the caches outgrow it."""
        if len(self._json) + len(self._receivers) + len(self._status) <= 3 * live + 2048:
            return
        store = self._deps.alerts
        caches: tuple[dict[int, Any], ...] = (self._json, self._json_key, self._json_alert, self._receivers)
        for cache in caches:
            for fp in [fp for fp in cache if store.get(fp) is None]:
                del cache[fp]
        self._status.prune()


_SORTED = orjson.OPT_SORT_KEYS
_PIECES_LIMIT = 4096


class _Pieces:
    """Encoded JSON fragments that many alerts share, each cache bounded (cleared when full)."""

    def __init__(self) -> None:
        self._times: dict[datetime, bytes] = {}
        self._receivers: dict[tuple[str, ...], bytes] = {}
        self._statuses: dict[Status, bytes] = {}

    def time(self, t: datetime | None) -> bytes:
        if t is None or t.tzinfo is not UTC:
            # Equal instants in other zones hash alike but print differently: not cached.
            return b'"' + format_time(t).encode() + b'"'
        text = self._times.get(t)
        if text is None:
            if len(self._times) >= _PIECES_LIMIT:
                self._times.clear()
            text = self._times[t] = b'"' + format_time(t).encode() + b'"'
        return text

    def receivers(self, names: tuple[str, ...]) -> bytes:
        text = self._receivers.get(names)
        if text is None:
            if len(self._receivers) >= _PIECES_LIMIT:
                self._receivers.clear()
            text = self._receivers[names] = orjson.dumps([{"name": r} for r in names])
        return text

    def status(self, status: Status, muted_by: Sequence[str]) -> bytes:
        if muted_by:
            return self._encode_status(status, muted_by)
        text = self._statuses.get(status)
        if text is None:
            if len(self._statuses) >= _PIECES_LIMIT:
                self._statuses.clear()
            text = self._statuses[status] = self._encode_status(status, ())
        return text

    @staticmethod
    def _encode_status(status: Status, muted_by: Sequence[str]) -> bytes:
        return orjson.dumps({
            "inhibitedBy": list(status[2]),
            "mutedBy": list(muted_by),
            "silencedBy": list(status[1]),
            "state": AlertState.SUPPRESSED if muted_by else status[0],
        })


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
