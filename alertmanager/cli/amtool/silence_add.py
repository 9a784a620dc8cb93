"""``amtool silence add``: create a silence from matchers, a duration or an end, and a comment."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from typing import Any

import click

from alertmanager.cli.amtool._api import POST_SILENCES, ApiClient
from alertmanager.cli.amtool._app import fatal
from alertmanager.cli.amtool._cmd import (
    UserError,
    api_matcher,
    parse_labels,
    parse_matchers,
    parse_rfc3339,
    run_api,
    with_alertname,
)
from alertmanager.cli.amtool._format import go_json_time
from alertmanager.model.duration import DurationError, parse_prom_duration

__all__ = ["build_silence", "command"]


def _username() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def build_silence(matcher_args: tuple[str, ...], *, author: str, require_comment: bool, duration: str, start: str,
                  end: str, comment: str, annotations: tuple[str, ...], now: datetime) -> dict[str, Any]:
    """The ``PostableSilence`` 0.25 posts for ``silence add`` (``UserError`` as it refuses)."""
    matchers = parse_matchers(with_alertname(matcher_args))
    if not matchers:
        raise UserError("no matchers specified")
    starts = parse_rfc3339(start) if start else now.astimezone(UTC)
    if end:
        ends = parse_rfc3339(end)
    else:
        try:
            d = parse_prom_duration(duration)
        except DurationError as exc:
            raise UserError(str(exc)) from None
        if not d:
            raise UserError("silence duration must be greater than 0")
        ends = starts.astimezone(UTC) + d
    if starts > ends:
        raise UserError("silence cannot start after it ends")
    if require_comment and not comment:
        raise UserError("comment required by config")
    body: dict[str, Any] = {"matchers": [api_matcher(m) for m in matchers], "startsAt": go_json_time(starts),
                            "endsAt": go_json_time(ends), "createdBy": author, "comment": comment}
    if annotations:
        body["annotations"] = parse_labels(annotations, "annotations")
    return body


@click.command(name="add", help="Add a new alertmanager silence")
@click.option("-a", "--author", default=_username, help="Username for CreatedBy field")
@click.option("--require-comment/--no-require-comment", "require_comment", default=True, hidden=True,
              help="Require comment to be set")
@click.option("-d", "--duration", default="1h", help="Duration of silence")
@click.option("--start", default="", help="Set when the silence should start. RFC3339 format 2006-01-02T15:04:05-07:00")
@click.option("--end", default="",
              help="Set when the silence should end (overwrites duration). RFC3339 format 2006-01-02T15:04:05-07:00")
@click.option("-c", "--comment", default="", help="A comment to help describe the silence")
@click.option("--annotation", "annotations", multiple=True, help="Set an annotation to be included with the silence")
@click.argument("matcher_groups", nargs=-1, metavar="[<matcher-groups>...]")
@click.pass_context
def command(ctx: click.Context, author: str, require_comment: bool, duration: str, start: str, end: str, comment: str,
            annotations: tuple[str, ...], matcher_groups: tuple[str, ...]) -> None:
    try:
        body = build_silence(matcher_groups, author=author, require_comment=require_comment, duration=duration,
                             start=start, end=end, comment=comment, annotations=annotations,
                             now=datetime.now(UTC))
    except UserError as exc:
        fatal(str(exc), blank_line=True)

    async def action(api: ApiClient) -> None:
        result = await api.call(POST_SILENCES, body=body)
        sys.stdout.write(f"{result.get('silenceID', '')}\n")

    run_api(ctx, action)
