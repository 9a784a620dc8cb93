"""``amtool silence update``: change a silence's start, end, duration or comment."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import click

from alertmanager.cli.amtool._api import GET_SILENCE, POST_SILENCES, ApiClient
from alertmanager.cli.amtool._app import fatal
from alertmanager.cli.amtool._cmd import UserError, formatter, parse_rfc3339, run_api
from alertmanager.cli.amtool._format import go_json_time, parse_api_time
from alertmanager.model.duration import DurationError, parse_prom_duration

__all__ = ["command", "updated_silence"]

_POSTABLE = ("matchers", "startsAt", "endsAt", "createdBy", "comment", "annotations")


def updated_silence(sil: Mapping[str, Any], *, duration: str, start: str, end: str, comment: str) -> dict[str, Any]:
    """``sil`` (as the server returned it) with 0.25's update rules applied."""
    out = dict(sil)
    if start:
        out["startsAt"] = go_json_time(parse_rfc3339(start))
    if end:
        out["endsAt"] = go_json_time(parse_rfc3339(end))
    elif duration:
        try:
            d = parse_prom_duration(duration)
        except DurationError as exc:
            raise UserError(str(exc)) from None
        if not d:
            raise UserError("silence duration must be greater than 0")
        out["endsAt"] = go_json_time(parse_api_time(out["startsAt"]).astimezone(UTC) + d)
    if parse_api_time(out["startsAt"]) > parse_api_time(out["endsAt"]):
        raise UserError("silence cannot start after it ends")
    if comment:
        out["comment"] = comment
    return out


@click.command(name="update", help="Update silences")
@click.option("-q", "--quiet", is_flag=True, help="Only show silence ids")
@click.option("-d", "--duration", default="", help="Duration of silence")
@click.option("--start", default="", help="Set when the silence should start. RFC3339 format 2006-01-02T15:04:05-07:00")
@click.option("--end", default="",
              help="Set when the silence should end (overwrites duration). RFC3339 format 2006-01-02T15:04:05-07:00")
@click.option("-c", "--comment", default="", help="A comment to help describe the silence")
@click.argument("update_ids", nargs=-1, metavar="[<update-ids>...]")
@click.pass_context
def command(ctx: click.Context, quiet: bool, duration: str, start: str, end: str, comment: str,
            update_ids: tuple[str, ...]) -> None:
    if not update_ids:
        fatal("no silence IDs specified", blank_line=True)
    out = formatter(ctx)

    async def action(api: ApiClient) -> None:
        updated: list[dict[str, Any]] = []
        for sid in update_ids:
            sil = updated_silence(await api.call(GET_SILENCE, {"silenceID": sid}), duration=duration, start=start,
                                  end=end, comment=comment)
            body = {"id": sil.get("id"), **{k: sil[k] for k in _POSTABLE if k in sil}}
            result = await api.call(POST_SILENCES, body=body)
            sil["id"] = result.get("silenceID", "")
            updated.append(sil)
        if quiet:
            # 0.25 prints a pointer address here (a bug); we print the ids it meant to.
            for s in updated:
                sys.stdout.write(f"{s['id']}\n")
        else:
            out.silences(updated)

    run_api(ctx, action)
