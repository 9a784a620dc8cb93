"""amtool's config file: flag defaults from ``$HOME/.config/amtool/config.yml`` and
``/etc/amtool/config.yml`` (the first file naming a flag wins), keyed by long flag name."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import yaml

__all__ = ["SettingsError", "default_files", "default_map", "load_settings"]

LEGACY = {"comment_required": "require-comment"}


class SettingsError(Exception):
    """A config file that exists but cannot be read as a map of strings."""


def default_files(env: Mapping[str, str] | None = None) -> list[Path]:
    env = os.environ if env is None else env
    return [Path(env.get("HOME", "") + "/.config/amtool/config.yml"), Path("/etc/amtool/config.yml")]


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict | list):
        raise SettingsError(f"cannot unmarshal {type(v).__name__} into Go value of type string")
    return str(v)


def load_settings(files: Sequence[Path]) -> dict[str, str]:
    """The flag defaults the files set (legacy names mapped to current ones)."""
    flags: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise SettingsError(f"open {path}: {exc.strerror}") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SettingsError(f"yaml: {exc}") from None
        if data is None:
            continue
        if not isinstance(data, dict):
            raise SettingsError("yaml: unmarshal errors: cannot unmarshal into map[string]string")
        for key, value in data.items():
            name = str(key)
            if name in LEGACY:
                if LEGACY[name] in data:
                    continue
                name = LEGACY[name]
            flags.setdefault(name, _scalar(value))
    return flags


def _long_name(param: click.Parameter) -> str | None:
    longs = [o for o in param.opts if o.startswith("--")]
    return longs[0][2:] if longs else None


def default_map(command: click.Command, settings: Mapping[str, str]) -> dict[str, Any]:
    """click's ``default_map`` for ``command`` and its subcommands: each option whose long flag
    name the settings give defaults to that value (kingpin's ``Resolver.Bind``)."""
    out: dict[str, Any] = {}
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        name = _long_name(param)
        if name is not None and name in settings and param.name is not None:
            out[param.name] = [settings[name]] if param.multiple else settings[name]
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            sub_map = default_map(sub, settings)
            if sub_map:
                out[sub_name] = sub_map
    return out
