"""What amtool's commands share: default subcommands, running an API action with the global
flags, errors as kingpin prints them, and the label/matcher/time argument rules of 0.25."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import click
import yaml

from alertmanager.cli.amtool._api import ApiClient, ApiError
from alertmanager.cli.amtool._app import GlobalOptions, fatal
from alertmanager.cli.amtool._format import Formatter
from alertmanager.model.matchers import Matcher, MatcherError, MatchType, parse_matcher_classic

__all__ = [
    "DefaultGroup",
    "UserError",
    "api_matcher",
    "client",
    "formatter",
    "global_options",
    "parse_labels",
    "parse_matchers",
    "parse_rfc3339",
    "run_api",
    "with_alertname",
]


class UserError(Exception):
    """An action's error: printed as ``amtool: error: <message>`` plus a blank line, exit 1."""


class DefaultGroup(click.Group):
    """A command group with a default subcommand, as kingpin's ``.Default()``: ``amtool silence``
    is ``amtool silence query`` and ``amtool silence foo=bar`` queries for ``foo=bar``."""

    def __init__(self, *args: Any, default: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.resilient_parsing:  # shell completion: offer the subcommands, do not pick one
            return super().parse_args(ctx, args)
        # The group's own options come first; the default goes where the subcommand would be.
        i = 0
        while i < len(args):
            opt = next((p for p in self.params if isinstance(p, click.Option)
                        and args[i].split("=", 1)[0] in p.opts), None)
            if opt is None:
                break
            i += 1 if (opt.is_flag or "=" in args[i]) else 2
        if i >= len(args) or (args[i] not in self.commands and args[i] not in ("-h", "--help")):
            args = [*args[:i], self.default, *args[i:]]
        return super().parse_args(ctx, args)


def global_options(ctx: click.Context) -> GlobalOptions:
    obj = ctx.find_root().obj
    assert isinstance(obj, GlobalOptions)  # set by the root group's callback
    return obj


def formatter(ctx: click.Context) -> Formatter:
    opts = global_options(ctx)
    return Formatter(opts.output, opts.date_format, sys.stdout)


def _http_config(path: str) -> dict[str, Any]:
    try:
        with open(path) as f:
            data = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as exc:
        fatal(f"failed to load HTTP config file: {exc}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        fatal("failed to load HTTP config file: yaml: unmarshal errors: not a map")
    return data


def client(ctx: click.Context) -> ApiClient:
    """The API client for ``--alertmanager.url`` (user info = basic auth, or an HTTP config file)."""
    opts = global_options(ctx)
    http_config: dict[str, Any] | None = None
    if opts.http_config_file:
        if urlsplit(opts.alertmanager_url).username is not None:
            fatal("basic authentication and http.config.file are mutually exclusive")
        http_config = _http_config(opts.http_config_file)
    return ApiClient(opts.alertmanager_url, timeout=opts.timeout, http_config=http_config,
                     version_check=opts.version_check)


def run_api(ctx: click.Context, action: Callable[[ApiClient], Awaitable[None]]) -> None:
    """Run ``action`` against the server within ``--timeout``; errors end amtool as 0.25's do."""
    opts = global_options(ctx)
    api = client(ctx)

    async def go() -> None:
        try:
            async with asyncio.timeout(opts.timeout.total_seconds()):
                await action(api)
        except TimeoutError:
            raise UserError("context deadline exceeded") from None
        finally:
            await api.aclose()

    try:
        asyncio.run(go())
    except (ApiError, UserError) as exc:
        fatal(str(exc), blank_line=True)


def with_alertname(args: Sequence[str]) -> list[str]:
    """0.25's rule: a first argument that is not a matcher is the alertname."""
    out = list(args)
    if out:
        try:
            parse_matcher_classic(out[0])
        except MatcherError:
            out[0] = f"alertname={out[0]}"
    return out


def parse_matchers(args: Sequence[str]) -> list[Matcher]:
    """Each argument one matcher, with the classic parser (``labels.ParseMatcher``)."""
    try:
        return [parse_matcher_classic(a) for a in args]
    except MatcherError as exc:
        raise UserError(str(exc)) from None


def parse_labels(args: Sequence[str], what: str = "labels") -> dict[str, str]:
    """``name=value`` arguments as a label set (0.25's ``parseLabels``)."""
    out: dict[str, str] = {}
    for m in parse_matchers(args):
        if m.type is not MatchType.EQUAL:
            raise UserError(f"{what} must be specified as key=value pairs")
        out[m.name] = m.value
    return out


def api_matcher(m: Matcher) -> dict[str, Any]:
    """A matcher in the API's JSON form."""
    return {"name": m.name, "value": m.value, "isRegex": m.is_regex,
            "isEqual": m.type in (MatchType.EQUAL, MatchType.REGEX)}


_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_LAYOUT = "2006-01-02T15:04:05Z07:00"


def parse_rfc3339(text: str) -> datetime:
    """Go's ``time.Parse(time.RFC3339, text)``; errors worded as Go's for the usual mistakes."""
    m = _RFC3339.match(text)
    if m is None:
        raise UserError(f'parsing time "{text}" as "{_LAYOUT}": cannot parse "{text}" as "2006"'
                        if not re.match(r"^\d{4}", text) else
                        f'parsing time "{text}" as "{_LAYOUT}": cannot parse "{text[4:]}" as "-01"'
                        if not text[4:5] == "-" else f'parsing time "{text}": extra text or bad format')
    y, mo, d, h, mi, s, frac, tz = m.groups()
    if tz in ("Z", "z"):
        tzinfo = UTC
    else:
        sign = -1 if tz[0] == "-" else 1
        tzinfo = timezone(sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=tzinfo)
    except ValueError:
        raise UserError(f'parsing time "{text}": day out of range') from None
