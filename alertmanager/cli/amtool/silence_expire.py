"""``amtool silence expire``: expire silences by id."""

from __future__ import annotations

import click

from alertmanager.cli.amtool._api import DELETE_SILENCE, ApiClient
from alertmanager.cli.amtool._app import fatal
from alertmanager.cli.amtool._cmd import run_api

__all__ = ["command"]


@click.command(name="expire", help="expire an alertmanager silence")
@click.argument("silence_ids", nargs=-1, metavar="[<silence-ids>...]")
@click.pass_context
def command(ctx: click.Context, silence_ids: tuple[str, ...]) -> None:
    if not silence_ids:
        fatal("no silence IDs specified", blank_line=True)

    async def action(api: ApiClient) -> None:
        for sid in silence_ids:
            await api.call(DELETE_SILENCE, {"silenceID": sid})

    run_api(ctx, action)
