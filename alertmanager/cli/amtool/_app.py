"""The ``amtool`` group: global flags, kingpin-style errors and exit codes, command loading."""

from __future__ import annotations

import importlib
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
COMMANDS = ("alertmanager.cli.amtool.check_config",)
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
@click.option("--http.config.file", "http_config_file", default="",
              help="HTTP client configuration file for amtool to connect to Alertmanager.")
@click.option("--version-check/--no-version-check", default=True, help="Check alertmanager version.")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s, version %(version)s")
@click.pass_context
def cli(ctx: click.Context, date_format: str, verbose: bool, alertmanager_url: str, output: str,
        timeout: timedelta, http_config_file: str, version_check: bool) -> None:
    ctx.obj = GlobalOptions(alertmanager_url=alertmanager_url, output=output, timeout=timeout,
                            date_format=date_format, verbose=verbose, http_config_file=http_config_file,
                            version_check=version_check)


def _load_commands() -> None:
    for name in COMMANDS:
        command = importlib.import_module(name).command
        if command.name not in cli.commands:
            cli.add_command(command)


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
    return exc.format_message()


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: run one amtool command and exit with its status."""
    _load_commands()
    args = _hoist(list(sys.argv[1:] if argv is None else argv))
    try:
        cli.main(args=args, prog_name=PROG, standalone_mode=False)
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
