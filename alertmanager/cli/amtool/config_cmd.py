"""``amtool config [show]``: the running configuration; ``config routes`` lives in :mod:`.routes`."""

from __future__ import annotations

import click

from alertmanager.cli.amtool import routes
from alertmanager.cli.amtool._api import GET_STATUS, ApiClient
from alertmanager.cli.amtool._cmd import DefaultGroup, formatter, run_api

__all__ = ["command"]

_HELP = """View current config.

The amount of output is controlled by the output selection flag:
	- Simple: Print just the running config
	- Extended: Print the running config as well as uptime and all version info
	- Json: Print entire config object as json"""


@click.group(name="config", cls=DefaultGroup, default="show", help=_HELP)
def command() -> None:
    pass


@command.command(name="show", help=_HELP)
@click.pass_context
def show(ctx: click.Context) -> None:
    out = formatter(ctx)

    async def action(api: ApiClient) -> None:
        out.config(await api.call(GET_STATUS))

    run_api(ctx, action)


command.add_command(routes.command)
