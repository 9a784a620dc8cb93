"""What the API needs from the rest of the server, gathered in one value (``ApiDeps``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from prometheus_client import CollectorRegistry

from alertmanager import __version__
from alertmanager.config.schema import Config
from alertmanager.model.alert import Alert
from alertmanager.silences import Silence, SilenceState
from alertmanager.store.alerts import Alerts
from alertmanager.types import Clock, InhibitorLike, Marker, SilencerLike, utcnow

__all__ = [
    "AlertFilter",
    "ApiDeps",
    "GroupLike",
    "GroupsFn",
    "RouteFilter",
    "RouteLike",
    "SilenceStore",
    "SnsOptions",
    "default_version_info",
]


class SilenceStore(Protocol):
    """The parts of ``alertmanager.silences.Silences`` the API calls."""

    @property
    def version(self) -> int: ...

    def set(self, sil: Silence) -> str: ...

    def expire(self, silence_id: str) -> None: ...

    def get(self, silence_id: str) -> Silence: ...

    def query(
        self,
        *,
        ids: Iterable[str] | None = None,
        states: Iterable[SilenceState] | None = None,
        matches_labels: Mapping[str, str] | None = None,
        now: datetime | None = None,
        record: bool = True,
    ) -> list[Silence]: ...

    def record_queries(self, n: int = 1, seconds: float = 0.0) -> None: ...


class RouteLike(Protocol):
    """A route of the routing tree, as the ``/alerts/groups`` receiver filter sees it."""

    @property
    def receiver(self) -> str: ...


class GroupLike(Protocol):
    """An aggregation group, as ``/alerts/groups`` shows it (``dispatch.AlertGroup``)."""

    @property
    def labels(self) -> Mapping[str, str]: ...

    @property
    def receiver(self) -> str: ...

    @property
    def alerts(self) -> Sequence[Alert]: ...

    @property
    def group_key(self) -> str: ...

    @property
    def route_id(self) -> str: ...


RouteFilter = Callable[[RouteLike], bool]
AlertFilter = Callable[[Alert, datetime], bool]
GroupsFn = Callable[
    [RouteFilter | None, AlertFilter | None],
    tuple[Sequence[GroupLike], Mapping[int, Sequence[str]]],
]
"""``Dispatcher.groups``: the groups passing both filters and each alert's receivers."""


def default_version_info() -> dict[str, str]:
    """``versionInfo`` of ``/api/v2/status`` for this build."""
    import platform

    return {
        "branch": "",
        "buildDate": "",
        "buildUser": "",
        "goVersion": f"python{platform.python_version()}",
        "revision": "",
        "version": __version__,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsOptions:
    """The SNS endpoint for Amazon Managed Prometheus alerts (``--sns.topic-arn``)."""

    topics: tuple[str, ...] = ()
    """Topic ARNs accepted; empty accepts any topic."""
    http_get: Callable[[str], Awaitable[bytes]] | None = None
    """Fetches signing certificates and SubscribeURLs; tests inject one."""


def _no_inhibitor() -> InhibitorLike | None:
    return None


def _always_ready() -> bool:
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiDeps:
    """Everything ``create_api`` wires the HTTP handlers to.

    Args:
        alerts: the alert store.
        silences: the silence store.
        marker: per-alert status the muters write and the API reads.
        config: the current configuration (re-read on every request, so reloads show).
        config_dump: the current configuration as YAML with secrets masked (``config.original``).
        match_receivers: receiver names of the routes an alert matches, in tree order.
        groups: the dispatcher's aggregation groups (``Dispatcher.groups``); none means no groups.
        group_muted: ``(route_id, group_key) -> (muted_by, muted)`` for time-interval muting.
        silencer: refreshes an alert's ``silencedBy`` in the marker.
        inhibitor: the current inhibitor (it changes on reload); refreshes ``inhibitedBy``.
        cluster_status: ``{"name", "status", "peers": [{"name", "address"}]}``; none = disabled.
        version_info: ``versionInfo`` of ``/api/v2/status``.
        start_time: the process start (``uptime``).
        clock: where "now" comes from.
        route_prefix: ``--web.route-prefix``; every route is served under it.
        external_url: ``--web.external-url``.
        reload: reloads the configuration; raises with the reason when it is refused.
        ready: whether the server is ready to serve (``/-/ready``).
        max_request_bytes: request bodies above this size are refused with 413.
        registry: where the API's metrics are registered and what ``/metrics`` exposes.
        sns: when set, ``POST /api/v1/sns`` ingests Amazon SNS notifications (AMP alerts).
    """

    alerts: Alerts
    silences: SilenceStore
    marker: Marker
    config: Callable[[], Config]
    config_dump: Callable[[], str]
    match_receivers: Callable[[Alert], Sequence[str]]
    groups: GroupsFn | None = None
    group_muted: Callable[[str, str], tuple[Sequence[str], bool]] | None = None
    silencer: SilencerLike | None = None
    inhibitor: Callable[[], InhibitorLike | None] = _no_inhibitor
    cluster_status: Callable[[], Mapping[str, Any]] | None = None
    version_info: Mapping[str, str] = field(default_factory=default_version_info)
    start_time: datetime = field(default_factory=utcnow)
    clock: Clock = utcnow
    route_prefix: str = "/"
    external_url: str = ""
    reload: Callable[[], Awaitable[None]] | None = None
    ready: Callable[[], bool] = _always_ready
    max_request_bytes: int = 4 << 20
    registry: CollectorRegistry | None = None
    sns: SnsOptions | None = None
