"""``amtool check-config``: validate config files and the templates they name, like upstream."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence

import click

from alertmanager.cli.amtool._app import fatal
from alertmanager.config import ConfigError, load_file
from alertmanager.template import TemplateError, parse_files

__all__ = ["check_config", "command"]

_HELP = """Validate alertmanager config files

Will validate the syntax and schema for alertmanager config file and associated templates.
Non existing templates will not trigger errors."""


def _check_templates(paths: Sequence[str]) -> list[str]:
    """Errors from parsing the template files ``paths`` (globs) name, with the server's engine."""
    try:
        parse_files(list(paths))
    except (TemplateError, OSError) as exc:
        return [str(exc)]
    return []


def check_config(files: Sequence[str]) -> int:
    """Check each file as upstream's ``CheckConfig`` does; the number of files that failed."""
    failed = 0
    out = sys.stdout
    for name in files:
        out.write(f"Checking '{name}'")
        try:
            cfg = load_file(name)
        except ConfigError as exc:
            out.write(f"  FAILED: {exc}\n")
            failed += 1
            cfg = None
        else:
            out.write("  SUCCESS\n")
        if cfg is not None:
            out.write("Found:\n - global config\n - route\n")
            out.write(f" - {len(cfg.inhibit_rules)} inhibit rules\n")
            out.write(f" - {len(cfg.receivers)} receivers\n")
            out.write(f" - {len(cfg.templates)} templates\n")
            if cfg.templates:
                errors = _check_templates(cfg.templates)
                if errors:
                    out.write(f"  FAILED: {errors[0]}\n")
                    failed += 1
                else:
                    out.write("  SUCCESS\n")
        out.write("\n")
        out.flush()
    return failed


def _existing_files(files: Sequence[str]) -> None:
    """kingpin's ``ExistingFiles`` check, done before anything runs."""
    for name in files:
        try:
            st = os.stat(name)
        except OSError:
            fatal(f"path '{name}' does not exist", blank_line=True)
        if stat.S_ISDIR(st.st_mode):
            fatal(f"'{os.path.basename(os.path.normpath(name))}' is a directory", blank_line=True)


@click.command(name="check-config", help=_HELP)
@click.argument("check_files", nargs=-1, metavar="[<check-files>...]")
def command(check_files: tuple[str, ...]) -> None:
    files = list(check_files)
    _existing_files(files)
    if not files:
        try:
            mode = os.fstat(sys.stdin.fileno()).st_mode
        except (OSError, ValueError) as exc:
            fatal(f"Failed to stat standard input: {exc}")
        if stat.S_ISCHR(mode):
            fatal("Failed to read from standard input")
        files = ["/dev/stdin"]
    failed = check_config(files)
    if failed:
        fatal(f"failed to validate {failed} file(s)", blank_line=True)
