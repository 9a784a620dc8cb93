"""Config → YAML as upstream marshals it: what ``/api/v2/status`` returns as ``config.original``.

Upstream prints the *loaded* config (defaults and global fallbacks filled in), every secret as
``<secret>``, fields in Go struct order, ``omitempty`` fields left out when zero. We follow that
field by field; quoting may differ where PyYAML and yaml.v2 choose different (equivalent) styles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import yaml

from alertmanager.config.schema import Config, InhibitRuleConfig, ReceiverConfig, RouteConfig
from alertmanager.config.values import SECRET_TOKEN, URL, GoDuration, HostPort, Secret
from alertmanager.model.duration import format_go_duration, format_prom_duration
from alertmanager.model.matchers import Matcher
from alertmanager.model.timeintervals import TimeInterval

__all__ = ["dump", "to_plain"]

# Fields upstream declares without ``omitempty``: printed even when zero.
_ALWAYS: dict[str, frozenset[str]] = {
    "RawGlobal": frozenset({"resolve_timeout", "smtp_require_tls"}),
    "HTTPClientConfig": frozenset({"follow_redirects", "enable_http2"}),
    "TLSConfig": frozenset({"insecure_skip_verify"}),
    "SlackConfig": frozenset({"short_fields", "link_names", "update_message", "timeout"}),
    "WebhookConfig": frozenset({"url_file", "max_alerts", "timeout"}),
    "VictorOpsConfig": frozenset({"api_url", "routing_key", "message_type", "state_message", "entity_display_name",
                                  "monitoring_tool"}),
    "SNSConfig": frozenset({"sigv4"}),
    "TelegramConfig": frozenset({"api_url"}),
    "WebexConfig": frozenset({"room_id"}),
    "RocketchatConfig": frozenset({"short_fields", "link_names"}),
    "IncidentioConfig": frozenset({"url", "url_file", "max_alerts", "timeout"}),
    "PagerdutyConfig": frozenset({"timeout"}),
    "RocketchatAttachmentField": frozenset({"short"}),
    "RocketchatAttachmentAction": frozenset({"iswebview", "msginchatwindow"}),
}


# Global keys newer than Alertmanager 0.25 that are left out while they hold their defaults, so
# clients of that era (``amtool config routes`` loads this text) can read what we publish.
_NEWER_GLOBAL_DEFAULTS: dict[str, Any] = {
    "smtp_tls_config": {"insecure_skip_verify": False},
    "slack_app_url": "https://slack.com/api/chat.postMessage",
    "rocketchat_api_url": "https://open.rocket.chat/",
}


class _Flow(list[Any]):
    """A list yaml.v2 prints in flow style (``[a, b]``), as upstream tags time interval ranges."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _is_zero(v: Any) -> bool:
    if v is None or v is False or v == 0 or v == "" or v == () or v == {} or v == []:
        return True
    if isinstance(v, timedelta):
        return v == timedelta(0)
    return False


def to_plain(value: Any, *, secrets: bool = False) -> Any:
    """A YAML-ready value; secrets become ``<secret>`` unless ``secrets`` is true."""
    if isinstance(value, Secret):
        if not secrets and (value.value or type(value) is not Secret):
            return SECRET_TOKEN
        return value.value or None
    if isinstance(value, URL):
        return value.value
    if isinstance(value, HostPort):
        return str(value) or None
    if isinstance(value, Matcher):
        return str(value)
    if isinstance(value, timedelta):
        return format_go_duration(value) if type(value) is GoDuration else format_prom_duration(value)
    if isinstance(value, TimeInterval):
        return _time_interval(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _struct(value, secrets)
    if isinstance(value, dict):
        return {str(k): to_plain(v, secrets=secrets) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_plain(v, secrets=secrets) for v in value]
    return value


def _struct(obj: Any, secrets: bool) -> dict[str, Any] | None:
    always = _ALWAYS.get(type(obj).__name__, frozenset()) | {"send_resolved"}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.metadata.get("skip"):
            continue
        key = f.metadata.get("yaml", f.name)
        raw: Any = getattr(obj, f.name)
        if isinstance(raw, timedelta) and f.type in ("GoDuration", GoDuration):
            raw = GoDuration(raw)
        value = to_plain(raw, secrets=secrets)
        if value is None and raw is not None and isinstance(raw, Secret):
            value = None
        if key in always or f.name in always:
            out[key] = "" if value is None and isinstance(raw, str) else value
        elif dataclasses.is_dataclass(raw) and "None" not in str(f.type):
            # A non-pointer struct with omitempty: left out when it is the zero value.
            cls: Any = type(raw)
            zero = cls()
            if raw != zero:
                out[key] = value
        elif not _is_zero(value):
            out[key] = value
    return out


def _time_interval(ti: TimeInterval) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ti.times is not None:
        out["times"] = [{"start_time": _hhmm(t.start_minute), "end_time": _hhmm(t.end_minute)} for t in ti.times]
    for key in ("weekdays", "days_of_month", "months", "years"):
        ranges = getattr(ti, key)
        if ranges:
            out[key] = _Flow(str(r) if key == "weekdays" else _inclusive(r.begin, r.end) for r in ranges)
    if ti.location is not None:
        out["location"] = ti.location
    return out


def _inclusive(begin: int, end: int) -> str:
    return str(begin) if begin == end else f"{begin}:{end}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _route(r: RouteConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.receiver:
        out["receiver"] = r.receiver
    if r.group_by_all:
        out["group_by"] = ["..."]
    elif r.group_by:
        out["group_by"] = list(r.group_by)
    if r.match:
        out["match"] = dict(r.match)
    if r.match_re:
        out["match_re"] = dict(r.match_re)
    if r.config_matchers:
        out["matchers"] = [str(m) for m in r.config_matchers]
    if r.mute_time_intervals:
        out["mute_time_intervals"] = list(r.mute_time_intervals)
    if r.active_time_intervals:
        out["active_time_intervals"] = list(r.active_time_intervals)
    out["continue"] = r.continue_
    if r.routes:
        out["routes"] = [_route(c) for c in r.routes]
    for key in ("group_wait", "group_interval", "repeat_interval"):
        v = getattr(r, key)
        if v is not None:
            out[key] = format_prom_duration(v)
    if r.labels:
        out["labels"] = dict(r.labels)
    return out


def _inhibit(r: InhibitRuleConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.name:
        out["name"] = r.name
    for key in ("source_match", "source_match_re"):
        if getattr(r, key):
            out[key] = dict(getattr(r, key))
    if r.source_config_matchers:
        out["source_matchers"] = [str(m) for m in r.source_config_matchers]
    for key in ("target_match", "target_match_re"):
        if getattr(r, key):
            out[key] = dict(getattr(r, key))
    if r.target_config_matchers:
        out["target_matchers"] = [str(m) for m in r.target_config_matchers]
    if r.equal:
        out["equal"] = list(r.equal)
    return out


def _receiver(r: ReceiverConfig, order: Iterable[str], secrets: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name}
    if r.labels and r.labels != {"name": r.name}:  # the implicit label is not worth breaking 0.25 readers
        out["labels"] = dict(r.labels)
    keys = [k for k in order if k in r.integrations] + [k for k in r.integrations if k not in order]
    for key in keys:
        if r.integrations[key]:
            out[key] = [to_plain(c, secrets=secrets) for c in r.integrations[key]]
    return out


def dump(config: Config, *, receiver_order: Iterable[str] | None = None, secrets: bool = False) -> str:
    """The loaded config as YAML, secrets masked (``secrets=True`` shows them, for debugging only)."""
    from alertmanager.config._raw import RawGlobal  # noqa: PLC0415 - avoids an import cycle at load

    order = list(receiver_order) if receiver_order is not None else _receiver_order()
    g = config.global_
    raw_global = RawGlobal(resolve_timeout=g.resolve_timeout, http_config=g.http_config,  # type: ignore[arg-type]
                           **g.values)
    glob = to_plain(raw_global, secrets=secrets)
    for key, default in _NEWER_GLOBAL_DEFAULTS.items():
        if glob.get(key) == default:
            del glob[key]
    doc: dict[str, Any] = {"global": glob, "route": _route(config.route)}
    if config.inhibit_rules:
        doc["inhibit_rules"] = [_inhibit(r) for r in config.inhibit_rules]
    if config.receivers:
        doc["receivers"] = [_receiver(r, order, secrets) for r in config.receivers]
    doc["templates"] = list(config.templates)
    mute = [n for n in config.time_intervals if n in config.mute_time_interval_names]
    other = [n for n in config.time_intervals if n not in config.mute_time_interval_names]
    for key, names in (("mute_time_intervals", mute), ("time_intervals", other)):
        if names:
            doc[key] = [{"name": n, "time_intervals": [_time_interval(t) for t in config.time_intervals[n]]}
                        for n in names]
    if config.tracing is not None:
        doc["tracing"] = to_plain(config.tracing, secrets=secrets)
    if config.event_recorder is not None:
        doc["event_recorder"] = to_plain(config.event_recorder, secrets=secrets)
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1 << 16)


def _receiver_order() -> list[str]:
    import importlib  # noqa: PLC0415

    registry = importlib.import_module("receivers").REGISTRY
    return list(registry)
