"""``alertmanager.yml`` → :class:`~alertmanager.config.schema.Config`, as upstream reads and checks it.

Checks run in upstream's order so the first error reported is upstream's: per-block rules while
reading (document order), then the global "at most one of" rules, each receiver's global
fallbacks and required fields, the routing tree, then time interval names.
"""

from __future__ import annotations

import dataclasses
import glob
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from alertmanager.config._decode import Decoder, compose, is_null, mapping_pairs
from alertmanager.config._raw import (
    RawGlobal,
    RawInhibitRule,
    RawMuteTimeInterval,
    RawRoute,
    RawTimeInterval,
    sort_matchers,
)
from alertmanager.config.errors import ConfigError
from alertmanager.config.extras import EventRecorderConfig, TracingConfig
from alertmanager.config.globals import apply_globals
from alertmanager.config.httpconfig import HTTPClientConfig
from alertmanager.config.schema import (
    Config,
    GlobalConfig,
    HTTPNotifierConfig,
    InhibitRuleConfig,
    NotifierConfig,
    ReceiverConfig,
    RouteConfig,
)
from alertmanager.model.matchers import Matcher, MatchType

__all__ = ["is_wrapped", "load", "load_file", "load_wrapped", "template_files"]

# Upstream's order for applying globals (config.go), which decides which error comes first.
_GLOBALS_ORDER = ("webhook_configs", "email_configs", "slack_configs", "pushover_configs", "pagerduty_configs",
                  "incidentio_configs", "opsgenie_configs", "wechat_configs", "victorops_configs", "sns_configs",
                  "telegram_configs", "discord_configs", "webex_configs", "msteams_configs", "msteamsv2_configs",
                  "jira_configs", "rocketchat_configs", "mattermost_configs")
# Integrations upstream fills with an empty config when the list entry is null.
_NULL_IS_EMPTY = frozenset({"slack_configs", "opsgenie_configs", "wechat_configs", "rocketchat_configs"})


@dataclass(frozen=True, slots=True, kw_only=True)
class _RawReceiver:
    name: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    integrations: dict[str, tuple[NotifierConfig | None, ...]] = field(default_factory=dict)
    path: str = ""


def _default_registry() -> Mapping[str, str]:
    registry: Mapping[str, str] = importlib.import_module("receivers").REGISTRY
    return registry


def _read_receivers(d: Decoder, node: Node, path: str) -> tuple[_RawReceiver, ...]:
    if is_null(node):
        return ()
    if not isinstance(node, SequenceNode):
        d.type_error(node, "[]config.Receiver")
        return ()
    return tuple(_read_receiver(d, n, f"{path}[{i}]") for i, n in enumerate(node.value))


def _read_receiver(d: Decoder, node: Node, path: str) -> _RawReceiver:
    registry: Mapping[str, str] = d.extra["registry"]
    if is_null(node):
        return _RawReceiver(path=path)
    if not isinstance(node, MappingNode):
        d.type_error(node, "config.plain")
        return _RawReceiver(path=path)
    before = len(d.type_errors)
    name, labels = "", {}
    integrations: dict[str, tuple[NotifierConfig | None, ...]] = {}
    seen: set[str] = set()
    for k, v in mapping_pairs(node):
        key = str(k.value)
        line = k.start_mark.line + 1
        if key in seen:
            d.type_errors.append(f"line {line}: field {key} already set in type config.plain")
            continue
        seen.add(key)
        if key == "name":
            name = d.string(v) or ""
        elif key == "labels":
            labels = d.mapping(str, v, f"{path}.labels", "map[string]string")
        elif key in registry:
            module = importlib.import_module(registry[key])
            cls = module.CONFIG
            go = f"[]*{getattr(cls, 'GO_TYPE', 'config.plain')}"
            integrations[key] = d.sequence(cls | None, v, f"{path}.{key}", go)
        else:
            d.type_errors.append(f"line {line}: field {key} not found in type config.plain")
    if len(d.type_errors) == before:
        if not name:
            raise ConfigError(path, "missing name in receiver")
        if labels.get("name", name) != name:
            raise ConfigError(f"{path}.labels", f'receiver label "name" must match receiver name "{name}", '
                                                f'got "{labels["name"]}"')
    return _RawReceiver(name=name, labels={**labels, "name": name}, integrations=integrations, path=path)


@dataclass(frozen=True, slots=True, kw_only=True)
class _RawConfig:
    global_: RawGlobal | None = field(default=None, metadata={"yaml": "global"})
    route: RawRoute | None = None
    inhibit_rules: tuple[RawInhibitRule, ...] = ()
    receivers: tuple[_RawReceiver, ...] = field(default=(), metadata={"decode": _read_receivers})
    templates: tuple[str, ...] = ()
    mute_time_intervals: tuple[RawMuteTimeInterval, ...] = ()
    time_intervals: tuple[RawTimeInterval, ...] = ()
    tracing: TracingConfig | None = None
    event_recorder: EventRecorderConfig | None = None


def load(text: str, *, base_dir: Path | str | None = None, registry: Mapping[str, str] | None = None) -> Config:
    """Parse and check a whole config; relative paths (templates, http_config files) join ``base_dir``."""
    root = compose(text)
    if root is None:
        raise ConfigError("", "no route provided in config")
    if is_null(root):
        raise ConfigError("", "no route provided in config")
    d = Decoder()
    d.extra["registry"] = registry if registry is not None else _default_registry()
    raw = d.struct(_RawConfig, root, "")
    d.raise_type_errors()
    base = str(base_dir) if base_dir is not None else None
    glob_raw = raw.global_ or RawGlobal()
    try:
        glob_raw.check()
    except ValueError as exc:
        raise ConfigError("global", str(exc)) from None
    http_config = (glob_raw.http_config or HTTPClientConfig()).with_directory(base)
    global_config = GlobalConfig(resolve_timeout=glob_raw.resolve_timeout, http_config=http_config,
                                 values=glob_raw.values())
    receivers = _resolve_receivers(raw.receivers, global_config, d.extra["registry"], base)
    route = raw.route
    if route is None:
        raise ConfigError("route", "no routes provided")
    _check_root(route)
    _check_receivers_exist(route, {r.name for r in receivers}, "route")
    names = _interval_names(raw)
    _check_intervals_exist(route, names, "route")
    if route.continue_:
        raise ConfigError("route.continue", "cannot have continue in root route")
    intervals = {t.name: t.intervals() for t in (*raw.mute_time_intervals, *raw.time_intervals)}
    return Config(
        global_=global_config,
        route=_route(route),
        receivers=receivers,
        inhibit_rules=tuple(_inhibit_rule(r) for r in raw.inhibit_rules if r is not None),
        time_intervals=intervals,
        templates=tuple(_join(base, t) for t in raw.templates),
        original=text,
        mute_time_interval_names=tuple(t.name for t in raw.mute_time_intervals),
        tracing=raw.tracing,
        event_recorder=raw.event_recorder,
    )


def load_file(path: str | os.PathLike[str], *, registry: Mapping[str, str] | None = None) -> Config:
    """Read and load a config file; relative paths in it are taken from the file's directory."""
    p = os.fspath(path)
    try:
        with open(p, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    except FileNotFoundError:
        raise ConfigError("", f"open {p}: no such file or directory") from None
    except IsADirectoryError:
        raise ConfigError("", f"read {p}: is a directory") from None
    except OSError as exc:
        raise ConfigError("", f"open {p}: {exc.strerror or exc}") from None
    return load(text, base_dir=os.path.dirname(p), registry=registry)


def is_wrapped(text: str) -> bool:
    """Whether ``text`` is an AMP / Mimir / Cortex definition (``alertmanager_config: |``)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(doc, dict) and "alertmanager_config" in doc


def load_wrapped(text: str, *, template_dir: Path | str, registry: Mapping[str, str] | None = None) -> Config:
    """Load a definition file: its ``template_files`` are written to ``template_dir`` and added to
    the config's templates (as AMP and Mimir do); other keys (``rules_files``, …) are ignored."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("", f"yaml: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("alertmanager_config"), str):
        raise ConfigError("alertmanager_config", "missing alertmanager_config in definition")
    directory = Path(template_dir)
    files = doc.get("template_files") or {}
    if not isinstance(files, dict):
        raise ConfigError("template_files", "template_files must be a map of file name to content")
    written: list[str] = []
    for name, content in files.items():
        if os.path.basename(str(name)) != str(name) or str(name) in ("", ".", ".."):
            raise ConfigError(f"template_files.{name}", f"invalid template file name {name!r}")
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / str(name)
        target.write_text(str(content), encoding="utf-8")
        written.append(str(target))
    cfg = load(doc["alertmanager_config"], base_dir=directory, registry=registry)
    extra = tuple(w for w in written if w not in cfg.templates)
    return dataclasses.replace(cfg, templates=cfg.templates + extra)


def template_files(config: Config) -> list[str]:
    """The template files the config's glob patterns match now (lexical order per pattern)."""
    out: list[str] = []
    for pattern in config.templates:
        for path in sorted(glob.glob(pattern)):
            if path not in out:
                out.append(path)
    return out


# --- receivers -----------------------------------------------------------------------------------


def _resolve_receivers(raws: tuple[_RawReceiver, ...], glob_cfg: GlobalConfig, registry: Mapping[str, str],
                       base: str | None) -> tuple[ReceiverConfig, ...]:
    seen: set[str] = set()
    out: list[ReceiverConfig] = []
    order = [k for k in _GLOBALS_ORDER if k in registry] + [k for k in registry if k not in _GLOBALS_ORDER]
    for rcv in raws:
        if rcv.name in seen:
            raise ConfigError(f"{rcv.path}.name", f'notification config name "{rcv.name}" is not unique')
        integrations: dict[str, tuple[NotifierConfig, ...]] = {}
        for key in order:
            if key not in rcv.integrations:
                continue
            module = importlib.import_module(registry[key])
            resolved = []
            for i, conf in enumerate(rcv.integrations[key]):
                path = f"{rcv.path}.{key}[{i}]"
                resolved.append(_resolve_integration(key, conf, module, glob_cfg, base, path))
            integrations[key] = tuple(resolved)
        # Keep the file's order of integration kinds for dumps and notification order.
        ordered = {k: integrations[k] for k in rcv.integrations}
        out.append(ReceiverConfig(name=rcv.name, integrations=ordered, labels=rcv.labels))
        seen.add(rcv.name)
    return tuple(out)


def _resolve_integration(key: str, conf: NotifierConfig | None, module: ModuleType, glob_cfg: GlobalConfig,
                         base: str | None, path: str) -> NotifierConfig:
    if conf is None:
        if key not in _NULL_IS_EMPTY:
            raise ConfigError(path, f"missing {key.removesuffix('_configs')} config")
        conf = module.CONFIG()
    assert conf is not None
    if isinstance(conf, HTTPNotifierConfig) and conf.http_config is not None:
        conf = dataclasses.replace(conf, http_config=conf.http_config.with_directory(base))
    try:
        return apply_globals(conf, module, glob_cfg)
    except ValueError as exc:
        raise ConfigError(path, str(exc)) from None


# --- routes, intervals, inhibit rules -------------------------------------------------------------


def _check_root(route: RawRoute) -> None:
    if not route.receiver:
        raise ConfigError("route.receiver", "root route must specify a default receiver")
    if route.match or route.match_re or route.matchers:
        raise ConfigError("route", "root route must not have any matchers")
    if route.mute_time_intervals:
        raise ConfigError("route.mute_time_intervals", "root route must not have any mute time intervals")
    if route.active_time_intervals:
        raise ConfigError("route.active_time_intervals", "root route must not have any active time intervals")


def _check_receivers_exist(route: RawRoute, names: set[str], path: str) -> None:
    for i, child in enumerate(route.routes):
        if child is not None:
            _check_receivers_exist(child, names, f"{path}.routes[{i}]")
    if route.receiver and route.receiver not in names:
        raise ConfigError(f"{path}.receiver", f'undefined receiver "{route.receiver}" used in route')


def _interval_names(raw: _RawConfig) -> set[str]:
    names: set[str] = set()
    for kind, items in (("mute time interval", raw.mute_time_intervals), ("time interval", raw.time_intervals)):
        for t in items:
            if t.name in names:
                raise ConfigError(kind.replace(" ", "_") + "s", f'{kind} "{t.name}" is not unique')
            names.add(t.name)
    return names


def _check_intervals_exist(route: RawRoute, names: set[str], path: str) -> None:
    for i, child in enumerate(route.routes):
        if child is not None:
            _check_intervals_exist(child, names, f"{path}.routes[{i}]")
    for key, items in (("active_time_intervals", route.active_time_intervals),
                       ("mute_time_intervals", route.mute_time_intervals)):
        for name in items:
            if name not in names:
                raise ConfigError(f"{path}.{key}", f'undefined time interval "{name}" used in route')


def _legacy(match: dict[str, str], match_re: dict[str, str]) -> list[Matcher]:
    out = [Matcher.create(k, MatchType.EQUAL, v) for k, v in match.items()]
    out += [Matcher.create(k, MatchType.REGEX, v) for k, v in match_re.items()]
    return out


def _route(raw: RawRoute) -> RouteConfig:
    group_by: tuple[str, ...] | None = None
    if raw.group_by is not None:
        group_by = tuple(g for g in raw.group_by if g != "...")
    return RouteConfig(
        receiver=raw.receiver or None,
        group_by=group_by,
        group_by_all="..." in (raw.group_by or ()),
        matchers=sort_matchers(_legacy(raw.match, raw.match_re) + list(raw.matchers)),
        continue_=raw.continue_,
        group_wait=raw.group_wait,
        group_interval=raw.group_interval,
        repeat_interval=raw.repeat_interval,
        mute_time_intervals=raw.mute_time_intervals,
        active_time_intervals=raw.active_time_intervals,
        routes=tuple(_route(r) for r in raw.routes if r is not None),
        labels=dict(raw.labels),
        match=dict(raw.match),
        match_re=dict(raw.match_re),
        config_matchers=raw.matchers,
    )


def _inhibit_rule(raw: RawInhibitRule) -> InhibitRuleConfig:
    return InhibitRuleConfig(
        name=raw.name,
        source_matchers=sort_matchers(_legacy(raw.source_match, raw.source_match_re) + list(raw.source_matchers)),
        target_matchers=sort_matchers(_legacy(raw.target_match, raw.target_match_re) + list(raw.target_matchers)),
        equal=raw.equal,
        source_match=dict(raw.source_match),
        source_match_re=dict(raw.source_match_re),
        target_match=dict(raw.target_match),
        target_match_re=dict(raw.target_match_re),
        source_config_matchers=raw.source_matchers,
        target_config_matchers=raw.target_matchers,
    )


def _join(base: str | None, path: str) -> str:
    if base and path and not os.path.isabs(path):
        return os.path.normpath(os.path.join(base, path))  # Go's filepath.Join cleans
    return path

