"""``amtool cluster [show]``: the cluster status and peers."""

from __future__ import annotations

import click

from alertmanager.cli.amtool._api import GET_STATUS, ApiClient
from alertmanager.cli.amtool._cmd import DefaultGroup, formatter, run_api

__all__ = ["command"]

_HELP = "View cluster status and peers."


@click.group(name="cluster", cls=DefaultGroup, default="show", help=_HELP)
def command() -> None:
    pass


@command.command(name="show", help=_HELP)
@click.pass_context
def show(ctx: click.Context) -> None:
    out = formatter(ctx)

    async def action(api: ApiClient) -> None:
        out.cluster((await api.call(GET_STATUS)).get("cluster") or {})

    run_api(ctx, action)
