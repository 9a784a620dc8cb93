"""What a notification pipeline run carries besides its alerts: a typed context, not a bag."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["NotifyContext"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyContext:
    """One flush of one aggregation group. Stages derive new ones with ``dataclasses.replace``."""

    group_key: str
    """Upstream's group key, e.g. ``{}/{team="a"}:{alertname="x"}``."""
    receiver: str
    group_labels: dict[str, str]
    now: datetime
    repeat_interval: timedelta
    route_id: str = ""
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    firing_alerts: tuple[int, ...] = field(default=())
    """Fingerprints, filled in by the dedup stage for the notification log."""
    resolved_alerts: tuple[int, ...] = field(default=())
    integration: str = ""
    """``name[index]`` of the integration a per-integration stage works for, e.g. ``webhook[0]``."""
    deadline: datetime | None = None
    """When this flush's work must stop (upstream's context deadline: the next flush); retries end here."""
    route_labels: dict[str, str] = field(default_factory=dict)
    """The route's ``labels`` (upstream 0.34), merged down the tree; set by the dispatcher."""
