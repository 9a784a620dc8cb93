"""``amtool silence import``: post every silence of a ``silence query -o json`` export."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Mapping
from typing import Any

import click

from alertmanager.cli.amtool._api import POST_SILENCES, ApiClient, ApiError
from alertmanager.cli.amtool._app import KingpinError, fatal
from alertmanager.cli.amtool._cmd import UserError, run_api

__all__ = ["command", "read_export"]

_HINT = "couldn't unmarshal input data, is it JSON?"
_POSTABLE = ("id", "matchers", "startsAt", "endsAt", "createdBy", "comment", "annotations")


def _go_decode_error(text: str, exc: json.JSONDecodeError) -> str:
    rest = text[exc.pos:].lstrip()
    if not rest:
        return "unexpected EOF"
    return f"invalid character {rest[0]!r} looking for beginning of value"


def read_export(text: str) -> list[dict[str, Any]]:
    """The silences of an export (a JSON array), as postable bodies."""
    if not text.strip():
        raise UserError(f"{_HINT}: EOF")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{_HINT}: {_go_decode_error(text, exc)}") from None
    if not isinstance(data, list):
        raise UserError(f"{_HINT}: expected an array of silences")
    out: list[dict[str, Any]] = []
    for item in data:
        if not isinstance(item, Mapping):
            raise UserError(f"{_HINT}: json: cannot unmarshal {type(item).__name__} into Go value of type "
                            "models.PostableSilence")
        out.append({k: item[k] for k in _POSTABLE if k in item})
    return out


async def _post(api: ApiClient, body: dict[str, Any]) -> str:
    try:
        result = await api.call(POST_SILENCES, body=body)
    except ApiError as exc:
        if "postSilencesNotFound" not in str(exc):
            raise
        # The silence does not exist here yet: create it as a new one.
        result = await api.call(POST_SILENCES, body={**body, "id": ""})
    return str(result.get("silenceID", ""))


def _existing(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        if not os.path.isfile(value):
            raise KingpinError(f"'{value}' is a directory" if os.path.isdir(value) else
                               f"path '{value}' does not exist")
    return value


@click.command(name="import", help="Import alertmanager silences from JSON file or stdin")
@click.option("-f", "--force", is_flag=True, help="Force adding new silences even if it already exists")
@click.option("-w", "--worker", "workers", default=8, type=int, help="Number of concurrent workers to use for import")
@click.argument("input_file", required=False, callback=_existing, metavar="[<input-file>]")
@click.pass_context
def command(ctx: click.Context, force: bool, workers: int, input_file: str | None) -> None:
    if input_file is not None:
        with open(input_file) as f:
            text = f.read()
    else:
        text = sys.stdin.read()
    try:
        bodies = read_export(text)
    except UserError as exc:
        fatal(str(exc), blank_line=True)
    if force:
        bodies = [{**b, "id": ""} for b in bodies]

    async def action(api: ApiClient) -> None:
        gate = asyncio.Semaphore(max(workers, 1))
        failed = 0

        async def one(body: dict[str, Any]) -> None:
            nonlocal failed
            async with gate:
                try:
                    sid = await _post(api, body)
                except ApiError as exc:
                    failed += 1
                    sys.stderr.write(f"Error adding silence id='{body.get('id', '')}': {exc}\n")
                else:
                    sys.stdout.write(f"{sid}\n")

        await asyncio.gather(*(one(b) for b in bodies))
        if failed:
            raise UserError(f"couldn't import {failed} out of {len(bodies)} silences")

    run_api(ctx, action)
