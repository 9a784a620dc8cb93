"""What the web UI needs from the rest of the server, gathered in one value (``UiDeps``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from alertmanager import __version__
from alertmanager.config.schema import Config
from alertmanager.dispatch import AlertGroup, Route
from alertmanager.model.alert import Alert
from alertmanager.silences import Silences
from alertmanager.store.alerts import Alerts
from alertmanager.types import Clock, InhibitorLike, Marker, SilencerLike, utcnow

__all__ = ["GroupsFn", "UiDeps"]

GroupsFn = Callable[
    [Callable[[Route], bool] | None, Callable[[Alert, datetime], bool] | None],
    tuple[Sequence[AlertGroup], Mapping[int, Sequence[str]]],
]
"""``Dispatcher.groups``: the groups passing both filters and each alert's receivers."""


def _no_inhibitor() -> InhibitorLike | None:
    return None


def _default_version() -> dict[str, str]:
    return {"version": __version__}


@dataclass(frozen=True, slots=True, kw_only=True)
class UiDeps:
    """Everything ``create_ui`` reads and writes.

    Args:
        alerts: the alert store.
        silences: the silence store (the UI creates and expires silences through it).
        marker: per-alert status the muters write.
        config: the current configuration (re-read on every request, so reloads show).
        route: the current routing tree's root.
        groups: the dispatcher's aggregation groups; none groups the store's alerts by the tree.
        group_muted: ``(route_id, group_key) -> (muted_by, muted)`` for time-interval muting.
        silencer: refreshes an alert's silenced status in the marker.
        inhibitor: the current inhibitor (it changes on reload); refreshes the inhibited status.
        cluster_status: ``{"name", "status", "peers": [{"name", "address"}]}``; none = disabled.
        version_info: ``versionInfo`` as ``/api/v2/status`` shows it.
        start_time: the process start (uptime).
        clock: where "now" comes from.
        route_prefix: ``--web.route-prefix``; every page is served under it.
        external_url: ``--web.external-url``.
        page_size: alerts per page on the alerts page.
        refresh_seconds: how often the alerts page polls for changes (0 turns it off).
    """

    alerts: Alerts
    silences: Silences
    marker: Marker
    config: Callable[[], Config]
    route: Callable[[], Route]
    groups: GroupsFn | None = None
    group_muted: Callable[[str, str], tuple[Sequence[str], bool]] | None = None
    silencer: SilencerLike | None = None
    inhibitor: Callable[[], InhibitorLike | None] = _no_inhibitor
    cluster_status: Callable[[], Mapping[str, Any]] | None = None
    version_info: Mapping[str, str] = field(default_factory=_default_version)
    start_time: datetime = field(default_factory=utcnow)
    clock: Clock = utcnow
    route_prefix: str = "/"
    external_url: str = ""
    page_size: int = 50
    refresh_seconds: float = 10.0
