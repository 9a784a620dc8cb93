"""``amtool config routes [show]`` and ``amtool config routes test``: the routing tree the server
builds (``dispatch.Route``), drawn and queried as upstream draws and queries it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import click

from alertmanager.cli.amtool._api import GET_STATUS, ApiError
from alertmanager.cli.amtool._app import KingpinError, fatal
from alertmanager.cli.amtool._cmd import DefaultGroup, UserError, client, global_options, parse_labels
from alertmanager.config import ConfigError, load, load_file
from alertmanager.config.schema import Config
from alertmanager.dispatch.route import Route

__all__ = ["command", "draw_tree", "matching_tree", "route_slug"]

_SHOW_HELP = "Prints alert routing tree\n\nWill print whole routing tree in form of ASCII tree view."
_TEST_HELP = "Test alert routing\n\nWill return receiver names which the alert with given labels resolves to."


def route_slug(route: Route, *, show_continue: bool, show_receiver: bool) -> str:
    """A route's line in the tree: its matchers (or ``default-route``), continue, receiver."""
    slug = route.matchers_str() if route.matchers else "default-route"
    if route.continue_ and show_continue:
        slug += "  continue: true"
    if show_receiver:
        slug += f"  receiver: {route.receiver}"
    return slug


class _Node:
    __slots__ = ("children", "value")

    def __init__(self, value: str) -> None:
        self.value = value
        self.children: list[_Node] = []


def _render(node: _Node) -> str:
    lines = ["."]

    def walk(n: _Node, prefix: str) -> None:
        for i, child in enumerate(n.children):
            last = i == len(n.children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + child.value)
            walk(child, prefix + ("    " if last else "│\u00a0\u00a0 "))

    walk(node, "")
    return "\n".join(lines) + "\n"


def draw_tree(root: Route) -> str:
    """The whole tree, as ``config routes show`` prints it (after ``Routing tree:``)."""
    top = _Node("")

    def add(route: Route, parent: _Node) -> None:
        node = _Node(route_slug(route, show_continue=True, show_receiver=True))
        parent.children.append(node)
        for child in route.routes:
            add(child, node)

    add(root, top)
    return _render(top)


def matching_tree(root: Route, labels: Mapping[str, str]) -> str:
    """The routes ``labels`` walk through, as ``config routes test --tree`` prints them."""
    top = _Node("")

    def add(route: Route, parent: _Node) -> None:
        node = _Node(route_slug(route, show_continue=False, show_receiver=False))
        parent.children.append(node)
        final = True
        for child in route.routes:
            if child.matches(labels):
                add(child, node)
                final = False
                if not child.continue_:
                    break
        if final:
            node.value = route_slug(route, show_continue=False, show_receiver=True)

    add(root, top)
    return _render(top)


def _existing_file(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value and not os.path.isfile(value):
        raise KingpinError(f"'{value}' is a directory" if os.path.isdir(value) else f"path '{value}' does not exist")
    return value


def _load(ctx: click.Context, config_file: str) -> Config:
    """The config from ``--config.file``, else from the server's ``/api/v2/status``."""
    if config_file:
        sys.stderr.write("Warning: --config.file flag overrides the --alertmanager.url.\n")
        return load_file(config_file)
    import asyncio  # noqa: PLC0415 - only when asking the server

    api = client(ctx)

    async def fetch() -> str:
        try:
            status = await api.call(GET_STATUS)
        finally:
            await api.aclose()
        return str((status.get("config") or {}).get("original", ""))

    return load(asyncio.run(fetch()))


def _config_file(ctx: click.Context, own: str) -> str:
    if own:
        return own
    parent = ctx.parent
    return str(parent.params.get("config_file") or "") if parent is not None else ""


_config_option = click.option("--config.file", "config_file", default="", callback=_existing_file,
                              help="Config file to be tested.")


@click.group(name="routes", cls=DefaultGroup, default="show", help=_SHOW_HELP)
@_config_option
def command(config_file: str) -> None:
    pass


@command.command(name="show", help=_SHOW_HELP)
@_config_option
@click.pass_context
def show(ctx: click.Context, config_file: str) -> None:
    global_options(ctx)
    try:
        cfg = _load(ctx, _config_file(ctx, config_file))
    except (ConfigError, ApiError, UserError) as exc:
        fatal(str(exc))
    sys.stdout.write("Routing tree:\n" + draw_tree(Route.from_config(cfg.route)) + "\n")


@command.command(name="test", help=_TEST_HELP)
@_config_option
@click.option("--verify.receivers", "verify_receivers", default="",
              help="Checks if specified receivers matches resolved receivers. The command fails if the labelset "
                   "does not route to the specified receivers.")
@click.option("--tree", is_flag=True, help="Prints out matching routes tree.")
@click.argument("labels", nargs=-1, metavar="[<labels>...]")
@click.pass_context
def test(ctx: click.Context, config_file: str, verify_receivers: str, tree: bool, labels: tuple[str, ...]) -> None:
    try:
        cfg = _load(ctx, _config_file(ctx, config_file))
    except (ConfigError, ApiError, UserError) as exc:
        fatal(f"{exc}\n")
    root = Route.from_config(cfg.route)
    try:
        lset = parse_labels(labels)
    except UserError as exc:
        fatal(f"Failed to parse labels: {exc}\n")
    if tree:
        sys.stdout.write("Matching routes:\n" + matching_tree(root, lset) + "\n\n")
    receivers = ",".join(r.receiver for r in root.match(lset))
    sys.stdout.write(receivers + "\n")
    if verify_receivers and verify_receivers != receivers:
        sys.stdout.write("WARNING: Expected receivers did not match resolved receivers.\n")
        sys.stdout.flush()
        raise SystemExit(1)
