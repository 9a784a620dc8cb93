"""``amtool silence [query]``; the group also holds add, expire, import and update."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from alertmanager.cli.amtool import silence_add, silence_expire, silence_import, silence_update
from alertmanager.cli.amtool._api import GET_SILENCES, ApiClient
from alertmanager.cli.amtool._app import KingpinError
from alertmanager.cli.amtool._cmd import DefaultGroup, formatter, run_api, with_alertname
from alertmanager.cli.amtool._format import parse_api_time
from alertmanager.model.duration import DurationError, parse_go_duration

__all__ = ["command", "select_silences"]


@click.group(name="silence", cls=DefaultGroup, default="query",
             help="Add, expire or view silences. For more information and additional flags see query help")
def command() -> None:
    pass


def select_silences(silences: Iterable[Mapping[str, Any]], now: datetime, *, expired: bool, within: timedelta,
                    created_by: str = "", silence_id: str = "") -> list[Mapping[str, Any]]:
    """The silences ``silence query`` shows, by its flags, at ``now``."""
    out: list[Mapping[str, Any]] = []
    for s in silences:
        ends = parse_api_time(s["endsAt"])
        if not expired and ends < now:
            continue
        if expired and ends > now:
            continue
        if not expired and within > timedelta(0) and ends > now + within:
            continue
        if expired and within > timedelta(0) and ends < now - within:
            continue
        if created_by and s.get("createdBy") != created_by:
            continue
        if silence_id and s.get("id") != silence_id:
            continue
        out.append(s)
    return out


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta:
    if not value:
        return timedelta(0)
    try:
        return parse_go_duration(value)
    except DurationError as exc:
        raise KingpinError(str(exc)) from None


@command.command(name="query", help="Query Alertmanager silences.")
@click.option("--expired", is_flag=True, help="Show expired silences instead of active")
@click.option("-q", "--quiet", is_flag=True, help="Only show silence ids")
@click.option("--created-by", "created_by", default="", help="Show silences that belong to this creator")
@click.option("--id", "silence_id", default="", help="Get a single silence by its ID")
@click.option("--within", default="", callback=_duration,
              help="Show silences that will expire or have expired within a duration")
@click.argument("matcher_groups", nargs=-1, metavar="[<matcher-groups>...]")
@click.pass_context
def query(ctx: click.Context, expired: bool, quiet: bool, created_by: str, silence_id: str, within: timedelta,
          matcher_groups: tuple[str, ...]) -> None:
    filters = [("filter", f) for f in with_alertname(matcher_groups)]
    out = formatter(ctx)

    async def action(api: ApiClient) -> None:
        found = await api.call(GET_SILENCES, query=filters) or []
        now = datetime.now(UTC)  # the command's one reading of the clock
        shown = select_silences(found, now, expired=expired, within=within, created_by=created_by,
                                silence_id=silence_id)
        if quiet:
            for s in shown:
                sys.stdout.write(f"{s.get('id', '')}\n")
        else:
            out.silences(shown)

    run_api(ctx, action)


for _sub in (silence_add.command, silence_expire.command, silence_import.command, silence_update.command):
    command.add_command(_sub)
