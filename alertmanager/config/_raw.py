"""The file's blocks as written (global, route, inhibit rules, time intervals), with the checks
upstream runs while reading each block. ``loader`` turns them into ``schema`` values."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Self

from yaml.nodes import MappingNode, Node

from alertmanager.config._decode import Decoder, is_null, mapping_pairs
from alertmanager.config.errors import ConfigError
from alertmanager.config.httpconfig import HTTPClientConfig, TLSConfig
from alertmanager.config.values import URL, HostPort, PromDuration, Secret, SecretURL, parse_url
from alertmanager.model.labels import is_valid_legacy_label_name
from alertmanager.model.matchers import Matcher, MatcherError, MatchType, parse_matchers
from alertmanager.model.timeintervals import (
    TimeInterval,
    TimeIntervalError,
    parse_day_of_month_range,
    parse_location,
    parse_month_range,
    parse_time_range,
    parse_weekday_range,
    parse_year_range,
)

__all__ = ["RawGlobal", "RawInhibitRule", "RawRoute", "RawTimeInterval", "sort_matchers"]

_TYPE_ORDER = {MatchType.EQUAL: 0, MatchType.NOT_EQUAL: 1, MatchType.REGEX: 2, MatchType.NOT_REGEX: 3}


def sort_matchers(ms: list[Matcher] | tuple[Matcher, ...]) -> tuple[Matcher, ...]:
    """Upstream's ``labels.Matchers`` order: by name, then value, then type."""
    return tuple(sorted(ms, key=lambda m: (m.name, m.value, _TYPE_ORDER[m.type])))


def _url(text: str) -> URL:
    return parse_url(text)


def _read_matchers(d: Decoder, node: Node, path: str) -> tuple[Matcher, ...]:
    lines = d.sequence(str, node, path, "[]string")
    out: list[Matcher] = []
    for line in lines:
        if line is None:
            continue
        try:
            out.extend(parse_matchers(line))
        except MatcherError as exc:
            raise ConfigError(path, str(exc)) from None
    return sort_matchers(out)


def _read_match_re(d: Decoder, node: Node, path: str) -> dict[str, str]:
    """``map[string]Regexp``: each value must compile; a null value is "invalid regexp value"."""
    if is_null(node):
        return {}
    if not isinstance(node, MappingNode):
        d.type_error(node, "config.plain")
        return {}
    out: dict[str, str] = {}
    nulls: list[str] = []
    for k, v in mapping_pairs(node):
        key = str(k.value)
        if is_null(v):
            nulls.append(key)
            out[key] = ""
            continue
        text = d.string(v)
        if text is None:
            continue
        try:
            Matcher.create(key, MatchType.REGEX, text)
        except MatcherError as exc:
            raise ConfigError(f"{path}.{key}", _go_regexp_error(str(exc), text)) from None
        out[key] = text
    for key in out:
        if not is_valid_legacy_label_name(key):
            raise ConfigError(path, f'invalid label name "{key}"')
    if nulls:
        raise ConfigError(path, f'invalid regexp value for "{nulls[0]}"')
    return out


_RE_ERRORS = (
    ("missing ), unterminated subpattern", "missing closing )"),
    ("unbalanced parenthesis", "unexpected )"),
    ("unterminated character set", "missing closing ]"),
    ("nothing to repeat", "missing argument to repetition operator"),
    ("multiple repeat", "invalid nested repetition operator"),
)


def _go_regexp_error(message: str, expr: str) -> str:
    """Python's ``re`` complaint reworded as Go's ``regexp.Compile`` error for ``^(?:expr)$``."""
    for py, go in _RE_ERRORS:
        if py in message:
            return f"error parsing regexp: {go}: `^(?:{expr})$`"
    return message


def _check_label_names(names: dict[str, str], path: str) -> None:
    for k in names:
        if not is_valid_legacy_label_name(k):
            raise ValueError(f'invalid label name "{k}"')


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRoute:
    receiver: str = ""
    group_by: tuple[str, ...] | None = None
    match: dict[str, str] = field(default_factory=dict)
    match_re: dict[str, str] = field(default_factory=dict, metadata={"decode": _read_match_re})
    matchers: tuple[Matcher, ...] = field(default=(), metadata={"decode": _read_matchers})
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    continue_: bool = field(default=False, metadata={"yaml": "continue"})
    routes: tuple[RawRoute, ...] = ()
    group_wait: PromDuration | None = None
    group_interval: PromDuration | None = None
    repeat_interval: PromDuration | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def _validate(self) -> Self:
        _check_label_names(self.match, "match")
        for k in self.labels:
            if not is_valid_legacy_label_name(k):
                raise ValueError(f'invalid label name "{k}" in route labels')
        group_by = [g for g in self.group_by or () if g != "..."]
        for g in group_by:
            if not is_valid_legacy_label_name(g):
                raise ValueError(f'invalid label name "{g}" in group_by list')
        if group_by and "..." in (self.group_by or ()):
            raise ValueError("cannot have wildcard group_by (`...`) and other labels at the same time")
        seen: set[str] = set()
        for g in group_by:
            if g in seen:
                raise ValueError(f'duplicated label "{g}" in group_by')
            seen.add(g)
        if self.group_interval is not None and self.group_interval == timedelta(0):
            raise ValueError("group_interval cannot be zero")
        if self.repeat_interval is not None and self.repeat_interval == timedelta(0):
            raise ValueError("repeat_interval cannot be zero")
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class RawInhibitRule:
    name: str = ""
    source_match: dict[str, str] = field(default_factory=dict)
    source_match_re: dict[str, str] = field(default_factory=dict, metadata={"decode": _read_match_re})
    source_matchers: tuple[Matcher, ...] = field(default=(), metadata={"decode": _read_matchers})
    target_match: dict[str, str] = field(default_factory=dict)
    target_match_re: dict[str, str] = field(default_factory=dict, metadata={"decode": _read_match_re})
    target_matchers: tuple[Matcher, ...] = field(default=(), metadata={"decode": _read_matchers})
    equal: tuple[str, ...] = ()

    def _validate(self) -> Self:
        _check_label_names(self.source_match, "source_match")
        _check_label_names(self.target_match, "target_match")
        for name in self.equal:
            if not is_valid_legacy_label_name(name):
                raise ValueError(f'invalid label name "{name}" in equal list')
        return self


# --- time intervals ------------------------------------------------------------------------------


def _ranges(parse: Callable[[str], Any], go: str) -> Any:
    def read(d: Decoder, node: Node, path: str) -> tuple[Any, ...] | None:
        if is_null(node):
            return None
        before = len(d.type_errors)
        items = d.sequence(str, node, path, go)
        if len(d.type_errors) > before:
            return ()
        try:
            return tuple(parse(s) for s in items if s is not None)
        except TimeIntervalError as exc:
            raise ConfigError(path, str(exc)) from None

    return field(default=None, metadata={"decode": read})


@dataclass(frozen=True, slots=True, kw_only=True)
class _YamlTimeRange:
    GO_TYPE: ClassVar[str] = "timeinterval.yamlTimeRange"

    start_time: str = ""
    end_time: str = ""


def _read_times(d: Decoder, node: Node, path: str) -> tuple[Any, ...] | None:
    if is_null(node):
        return None
    before = len(d.type_errors)
    items = d.sequence(_YamlTimeRange, node, path, "[]timeinterval.TimeRange")
    if len(d.type_errors) > before:
        return ()
    try:
        return tuple(parse_time_range(r.start_time, r.end_time) for r in items)
    except TimeIntervalError as exc:
        raise ConfigError(path, str(exc)) from None


def _read_location(d: Decoder, node: Node, path: str) -> str | None:
    if is_null(node):
        return None
    text = d.string(node)
    if text is None:
        return None
    try:
        return parse_location(text)
    except TimeIntervalError as exc:
        raise ConfigError(path, str(exc)) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class _TimeIntervalSpec:
    GO_TYPE: ClassVar[str] = "timeinterval.TimeInterval"

    times: tuple[Any, ...] | None = field(default=None, metadata={"decode": _read_times})
    weekdays: tuple[Any, ...] | None = _ranges(parse_weekday_range, "[]timeinterval.WeekdayRange")
    days_of_month: tuple[Any, ...] | None = _ranges(parse_day_of_month_range, "[]timeinterval.DayOfMonthRange")
    months: tuple[Any, ...] | None = _ranges(parse_month_range, "[]timeinterval.MonthRange")
    years: tuple[Any, ...] | None = _ranges(parse_year_range, "[]timeinterval.YearRange")
    location: str | None = field(default=None, metadata={"decode": _read_location})

    def build(self) -> TimeInterval:
        return TimeInterval(times=self.times, weekdays=self.weekdays, days_of_month=self.days_of_month,
                            months=self.months, years=self.years, location=self.location)


@dataclass(frozen=True, slots=True, kw_only=True)
class RawTimeInterval:
    """A named interval (``time_intervals`` entry, or a deprecated ``mute_time_intervals`` one)."""

    MISSING_NAME: ClassVar[str] = "missing name in time interval"

    name: str = ""
    time_intervals: tuple[_TimeIntervalSpec, ...] = ()

    def _validate(self) -> Self:
        if not self.name:
            raise ValueError(self.MISSING_NAME)
        return self

    def intervals(self) -> tuple[TimeInterval, ...]:
        return tuple(t.build() for t in self.time_intervals)


@dataclass(frozen=True, slots=True, kw_only=True)
class RawMuteTimeInterval(RawTimeInterval):
    MISSING_NAME: ClassVar[str] = "missing name in mute time interval"


# --- global --------------------------------------------------------------------------------------


def _default_url(text: str) -> Any:
    return field(default_factory=lambda: _url(text))


@dataclass(frozen=True, slots=True, kw_only=True)
class RawGlobal:
    """Every key of ``global:``, in upstream's order, with upstream's defaults."""

    resolve_timeout: PromDuration = PromDuration(timedelta(minutes=5))
    http_config: HTTPClientConfig | None = field(default_factory=HTTPClientConfig)
    jira_api_url: URL | None = None
    smtp_from: str = ""
    smtp_hello: str = "localhost"
    smtp_smarthost: HostPort = field(default_factory=HostPort)
    smtp_auth_username: str = ""
    smtp_auth_password: Secret | None = None
    smtp_auth_password_file: str = ""
    smtp_auth_secret: Secret | None = None
    smtp_auth_secret_file: str = ""
    smtp_auth_identity: str = ""
    smtp_require_tls: bool = True
    smtp_tls_config: TLSConfig | None = field(default_factory=TLSConfig)
    smtp_force_implicit_tls: bool | None = None
    slack_api_url: SecretURL | None = None
    slack_api_url_file: str = ""
    slack_app_token: Secret | None = None
    slack_app_token_file: str = ""
    slack_app_url: URL | None = _default_url("https://slack.com/api/chat.postMessage")
    pagerduty_url: URL | None = _default_url("https://events.pagerduty.com/v2/enqueue")
    opsgenie_api_url: URL | None = _default_url("https://api.opsgenie.com/")
    opsgenie_api_key: Secret | None = None
    opsgenie_api_key_file: str = ""
    wechat_api_url: URL | None = _default_url("https://qyapi.weixin.qq.com/cgi-bin/")
    wechat_api_secret: Secret | None = None
    wechat_api_secret_file: str = ""
    wechat_api_corp_id: str = ""
    victorops_api_url: URL | None = _default_url("https://alert.victorops.com/integrations/generic/20131114/alert/")
    victorops_api_key: Secret | None = None
    victorops_api_key_file: str = ""
    telegram_api_url: URL | None = _default_url("https://api.telegram.org")
    telegram_bot_token: Secret | None = None
    telegram_bot_token_file: str = ""
    webex_api_url: URL | None = _default_url("https://webexapis.com/v1/messages")
    rocketchat_api_url: URL | None = _default_url("https://open.rocket.chat/")
    rocketchat_token: Secret | None = None
    rocketchat_token_file: str = ""
    rocketchat_token_id: Secret | None = None
    rocketchat_token_id_file: str = ""
    mattermost_webhook_url: SecretURL | None = None
    mattermost_webhook_url_file: str = ""

    def check(self) -> None:
        """The "at most one of" rules upstream applies to the global block (Config level)."""
        pairs = (
            ("slack_app_token", "slack_app_token_file"), ("slack_api_url", "slack_api_url_file"),
        )
        for inline, file in pairs:
            if _set(getattr(self, inline)) and getattr(self, file):
                raise ValueError(f"at most one of {inline} & {file} must be configured")
        token = _set(self.slack_app_token) or self.slack_app_token_file
        api = self.slack_api_url is not None or self.slack_api_url_file
        if token and api:
            same = self.slack_api_url is not None and self.slack_app_url is not None and \
                self.slack_api_url.value == self.slack_app_url.value
            if not same:
                raise ValueError("at most one of slack_app_token/slack_app_token_file & "
                                 "slack_api_url/slack_api_url_file must be configured")
        for inline, file in (("opsgenie_api_key", "opsgenie_api_key_file"),
                             ("victorops_api_key", "victorops_api_key_file"),
                             ("telegram_bot_token", "telegram_bot_token_file"),
                             ("smtp_auth_password", "smtp_auth_password_file"),
                             ("rocketchat_token", "rocketchat_token_file"),
                             ("rocketchat_token_id", "rocketchat_token_id_file"),
                             ("smtp_auth_secret", "smtp_auth_secret_file"),
                             ("wechat_api_secret", "wechat_api_secret_file"),
                             ("mattermost_webhook_url", "mattermost_webhook_url_file")):
            value = getattr(self, inline)
            present = value is not None if inline.startswith(("rocketchat", "mattermost")) else _set(value)
            if present and getattr(self, file):
                raise ValueError(f"at most one of {inline} & {file} must be configured")

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("resolve_timeout", "http_config")}


def _set(v: Any) -> bool:
    return v is not None and bool(v.value if isinstance(v, Secret) else v)
