"""What a notification pipeline run carries besides its alerts: a typed context, not a bag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["NotifyContext"]


@dataclass(slots=True, kw_only=True)
class NotifyContext:
    """One flush of one aggregation group.

    Treat a context as immutable: stages derive new ones (``for_integration``,
    ``with_sent``) instead of changing the one they were given, which sibling integrations
    share. It is not a frozen dataclass only because deriving a frozen one costs several
    microseconds per field-by-field ``__setattr__``, twice per notification.
    """

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

    def _copy(self) -> NotifyContext:
        c = object.__new__(NotifyContext)
        c.group_key = self.group_key
        c.receiver = self.receiver
        c.group_labels = self.group_labels
        c.now = self.now
        c.repeat_interval = self.repeat_interval
        c.route_id = self.route_id
        c.mute_time_intervals = self.mute_time_intervals
        c.active_time_intervals = self.active_time_intervals
        c.firing_alerts = self.firing_alerts
        c.resolved_alerts = self.resolved_alerts
        c.integration = self.integration
        c.deadline = self.deadline
        c.route_labels = self.route_labels
        return c

    def for_integration(self, integration: str) -> NotifyContext:
        """This context for the stages of one integration (``ctx.integration`` set)."""
        c = self._copy()
        c.integration = integration
        return c

    def with_sent(self, firing: Sequence[int], resolved: Sequence[int]) -> NotifyContext:
        """This context with the fingerprints the notification log will record."""
        c = self._copy()
        c.firing_alerts = tuple(firing)
        c.resolved_alerts = tuple(resolved)
        return c

