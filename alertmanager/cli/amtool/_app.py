"""The ``amtool`` group: global flags, kingpin-style errors and exit codes, command loading."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

import click

from alertmanager import __version__
from alertmanager.model.duration import DurationError, parse_go_duration

__all__ = ["COMMANDS", "GlobalOptions", "cli", "fatal", "main"]

PROG = "amtool"
COMMANDS = {
    "alert": "alertmanager.cli.amtool.alert",
    "silence": "alertmanager.cli.amtool.silence",
    "check-config": "alertmanager.cli.amtool.check_config",
    "cluster": "alertmanager.cli.amtool.cluster",
    "config": "alertmanager.cli.amtool.config_cmd",
    "template": "alertmanager.cli.amtool.template_render",
}
"""Modules defining one command each (attribute ``command``); add a line to add a command."""

_OUTPUTS = ("simple", "extended", "json")


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalOptions:
    """The flags every command sees (``ctx.obj``)."""

    alertmanager_url: str = "http://localhost:9093/"
    output: str = "simple"
    timeout: timedelta = timedelta(seconds=30)
    date_format: str = "2006-01-02 15:04:05 MST"
    verbose: bool = False
    http_config_file: str = ""
    version_check: bool = True


class KingpinError(click.ClickException):
    """A usage error printed as kingpin prints it (``amtool: error: …`` and a blank line)."""

    def show(self, file: Any = None) -> None:
        click.echo(f"{PROG}: error: {self.message}\n", err=True)


def fatal(message: str, *, blank_line: bool = False) -> NoReturn:
    """kingpin's ``Fatalf``: the message on stderr, exit status 1."""
    sys.stderr.write(f"{PROG}: error: {message}\n" + ("\n" if blank_line else ""))
    sys.stderr.flush()
    raise SystemExit(1)


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> timedelta:
    try:
        return parse_go_duration(value)
    except DurationError as exc:
        raise KingpinError(str(exc)) from None


def _existing_file(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value and not os.path.isfile(value):
        if os.path.isdir(value):
            raise KingpinError(f"'{value}' is a directory")
        raise KingpinError(f"path '{value}' does not exist")
    return value


def _output(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value not in _OUTPUTS:
        raise KingpinError(f"enum value must be one of {','.join(_OUTPUTS)}, got '{value}'")
    return value


# Flags taking a value, for moving global flags written after the command to the front
# (kingpin accepts them anywhere; click only before the command).
_GLOBAL_VALUE_FLAGS = ("--date.format", "--alertmanager.url", "--output", "-o", "--timeout", "--http.config.file")
_GLOBAL_BOOL_FLAGS = ("--verbose", "-v", "--version-check", "--no-version-check")


@click.group(name=PROG, context_settings={"help_option_names": ["-h", "--help"]},
             help="View and modify the current Alertmanager state.")
@click.option("--date.format", "date_format", default="2006-01-02 15:04:05 MST", help="Format of date output")
@click.option("-v", "--verbose", is_flag=True, default=False, help="Verbose running information")
@click.option("--alertmanager.url", "alertmanager_url", default="http://localhost:9093/",
              help="Alertmanager to talk to")
@click.option("-o", "--output", default="simple", callback=_output, help="Output formatter (simple, extended, json)")
@click.option("--timeout", default="30s", callback=_duration, help="Timeout for the executed command")
@click.option("--http.config.file", "http_config_file", default="", callback=_existing_file,
              help="HTTP client configuration file for amtool to connect to Alertmanager.")
@click.option("--version-check/--no-version-check", default=True, help="Check alertmanager version.")
@click.option("--completion-script-bash", is_flag=True, hidden=True, expose_value=False, is_eager=True,
              callback=lambda ctx, p, v: _completion_script(ctx, "bash") if v else None,
              help="Generate completion script for bash.")
@click.option("--completion-script-zsh", is_flag=True, hidden=True, expose_value=False, is_eager=True,
              callback=lambda ctx, p, v: _completion_script(ctx, "zsh") if v else None,
              help="Generate completion script for ZSH.")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s, version %(version)s")
@click.pass_context
def cli(ctx: click.Context, date_format: str, verbose: bool, alertmanager_url: str, output: str,
        timeout: timedelta, http_config_file: str, version_check: bool) -> None:
    ctx.obj = GlobalOptions(alertmanager_url=alertmanager_url, output=output, timeout=timeout,
                            date_format=date_format, verbose=verbose, http_config_file=http_config_file,
                            version_check=version_check)


def _completion_script(ctx: click.Context, shell: str) -> None:
    """kingpin's ``--completion-script-<shell>``: print click's completion script and exit."""
    from click.shell_completion import get_completion_class  # noqa: PLC0415 - rarely used

    cls = get_completion_class(shell)
    assert cls is not None  # bash and zsh are built into click
    click.echo(cls(cli, {}, PROG, "_AMTOOL_COMPLETE").source())
    ctx.exit(0)


def _load_commands(only: str | None = None) -> None:
    # Importing a command pulls in the config loader, routing tree or template engine: load
    # just the one being run (all of them for help and errors).
    names = [only] if only in COMMANDS else list(COMMANDS)
    for key in names:
        assert key is not None
        command = importlib.import_module(COMMANDS[key]).command
        if command.name not in cli.commands:
            cli.add_command(command)


def _command_name(args: list[str]) -> str | None:
    """The command word in hoisted ``args`` (global flags first), if any."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
        i += 2 if arg in _GLOBAL_VALUE_FLAGS else 1
    return None


def _hoist(argv: list[str]) -> list[str]:
    """Global flags written after the command name, moved before it."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    seen_command = False
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if seen_command and name in _GLOBAL_VALUE_FLAGS:
            take = 1 if "=" in arg else 2
            front.extend(argv[i:i + take])
            i += take
            continue
        if seen_command and arg in _GLOBAL_BOOL_FLAGS:
            front.append(arg)
            i += 1
            continue
        if not arg.startswith("-") and not seen_command and (not rest or rest[-1].split("=", 1)[0]
                                                              not in _GLOBAL_VALUE_FLAGS or "=" in rest[-1]):
            seen_command = True
        rest.append(arg)
        i += 1
    return front + rest


def _usage_message(exc: click.UsageError) -> str:
    if isinstance(exc, click.NoSuchOption):
        dashes = "long" if exc.option_name.startswith("--") else "short"
        return f"unknown {dashes} flag '{exc.option_name}'"
    msg = exc.format_message()
    if msg.startswith("No such command '"):
        name = msg[len("No such command '"):-2]
        return f'expected command but got "{name}"'
    return msg


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: run one amtool command and exit with its status."""
    args = _hoist(list(sys.argv[1:] if argv is None else argv))
    _load_commands(_command_name(args))
    from alertmanager.cli.amtool._settings import SettingsError, default_files, default_map, load_settings

    try:
        settings = load_settings(default_files())
    except SettingsError as exc:
        fatal(f"could not load config file: {exc}\n")
    try:
        cli.main(args=args, prog_name=PROG, standalone_mode=False, default_map=default_map(cli, settings))
    except KingpinError as exc:
        exc.show()
        raise SystemExit(1) from None
    except click.UsageError as exc:
        fatal(_usage_message(exc), blank_line=True)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.Abort:
        raise SystemExit(1) from None
    raise SystemExit(0)
