"""The loaded configuration as frozen values: what every other package reads.

The loader (``loader.py``) turns YAML into these; nothing here parses. Durations are
``timedelta``; route fields left unset are ``None`` here and resolved against the parent by
the route tree (``dispatch``), as upstream's ``RouteOpts`` inheritance does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from alertmanager.config.extras import EventRecorderConfig, TracingConfig
from alertmanager.config.httpconfig import HTTPClientConfig
from alertmanager.model.matchers import Matcher
from alertmanager.model.timeintervals import TimeInterval

__all__ = [
    "Config",
    "GlobalConfig",
    "HTTPNotifierConfig",
    "InhibitRuleConfig",
    "NotifierConfig",
    "ReceiverConfig",
    "RouteConfig",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifierConfig:
    """Base of every receiver integration's config (``webhook_configs`` entries, …).

    Each receiver module in ``receivers/`` subclasses this with its own fields and defaults.
    """

    send_resolved: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HTTPNotifierConfig(NotifierConfig):
    """A notifier that talks HTTP; a missing ``http_config`` is filled from ``global.http_config``."""

    http_config: HTTPClientConfig | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiverConfig:
    """A named receiver and its integrations, keyed by YAML key (``"slack_configs"``)."""

    name: str
    integrations: dict[str, tuple[NotifierConfig, ...]] = field(default_factory=dict)
    # Upstream 0.33: receiver ``labels`` (always holds ``name``).
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteConfig:
    """One node of the routing tree as written; ``None`` means "inherit from the parent"."""

    receiver: str | None = None
    group_by: tuple[str, ...] | None = None
    group_by_all: bool = False
    matchers: tuple[Matcher, ...] = ()
    continue_: bool = False
    group_wait: timedelta | None = None
    group_interval: timedelta | None = None
    repeat_interval: timedelta | None = None
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    routes: tuple[RouteConfig, ...] = ()
    # Upstream 0.34: labels added to alerts routed here (``labels:``).
    labels: dict[str, str] = field(default_factory=dict)
    # As written, for dumps: legacy ``match`` / ``match_re`` and the ``matchers:`` list alone
    # (``matchers`` above combines all three, sorted, as upstream's route tree does).
    match: dict[str, str] = field(default_factory=dict)
    match_re: dict[str, str] = field(default_factory=dict)
    config_matchers: tuple[Matcher, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InhibitRuleConfig:
    """An inhibit rule; legacy ``source_match(_re)`` / ``target_match(_re)`` become matchers."""

    source_matchers: tuple[Matcher, ...] = ()
    target_matchers: tuple[Matcher, ...] = ()
    equal: tuple[str, ...] = ()
    name: str = ""
    # As written, for dumps (the fields above combine them).
    source_match: dict[str, str] = field(default_factory=dict)
    source_match_re: dict[str, str] = field(default_factory=dict)
    target_match: dict[str, str] = field(default_factory=dict)
    target_match_re: dict[str, str] = field(default_factory=dict)
    source_config_matchers: tuple[Matcher, ...] = ()
    target_config_matchers: tuple[Matcher, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalConfig:
    """The ``global:`` block. Receiver-specific fallbacks (``slack_api_url``, …) sit in ``values``."""

    resolve_timeout: timedelta = timedelta(minutes=5)
    http_config: HTTPClientConfig = field(default_factory=HTTPClientConfig)
    values: dict[str, Any] = field(default_factory=dict)
    """Every other global, by YAML key (``slack_api_url``, ``smtp_require_tls``, …), defaults filled."""

    def get(self, key: str) -> Any:
        """A global by YAML key (``None`` when unset)."""
        if key == "resolve_timeout":
            return self.resolve_timeout
        if key == "http_config":
            return self.http_config
        return self.values.get(key)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """A whole, valid ``alertmanager.yml``."""

    global_: GlobalConfig
    route: RouteConfig
    receivers: tuple[ReceiverConfig, ...]
    inhibit_rules: tuple[InhibitRuleConfig, ...] = ()
    time_intervals: dict[str, tuple[TimeInterval, ...]] = field(default_factory=dict)
    templates: tuple[str, ...] = ()
    """Template glob patterns as upstream keeps them: relative ones joined to the config file's
    directory, not expanded (``loader.template_files(config)`` expands them)."""
    original: str = field(default="", repr=False)
    """The config text as read (``/api/v2/status`` shows a secret-masked dump instead)."""
    mute_time_interval_names: tuple[str, ...] = ()
    """Which names in ``time_intervals`` came from the deprecated ``mute_time_intervals:`` block."""
    tracing: TracingConfig | None = None
    event_recorder: EventRecorderConfig | None = None

    def receiver(self, name: str) -> ReceiverConfig | None:
        for r in self.receivers:
            if r.name == name:
                return r
        return None
