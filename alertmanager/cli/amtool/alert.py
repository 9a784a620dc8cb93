"""``amtool alert [query]`` and ``amtool alert add``."""

from __future__ import annotations

import click

from alertmanager.cli.amtool._api import GET_ALERTS, POST_ALERTS, ApiClient
from alertmanager.cli.amtool._app import fatal
from alertmanager.cli.amtool._cmd import (
    DefaultGroup,
    UserError,
    formatter,
    parse_labels,
    parse_rfc3339,
    run_api,
    with_alertname,
)
from alertmanager.cli.amtool._format import go_json_time

__all__ = ["command"]

_GO_ZERO = "0001-01-01T00:00:00.000Z"


@click.group(name="alert", cls=DefaultGroup, default="query", help="Add or query alerts.")
def command() -> None:
    pass


@command.command(name="query", help="View and search through current alerts.")
@click.option("-i", "--inhibited", is_flag=True, help="Show inhibited alerts")
@click.option("-s", "--silenced", is_flag=True, help="Show silenced alerts")
@click.option("-a", "--active", is_flag=True, help="Show active alerts")
@click.option("-u", "--unprocessed", is_flag=True, help="Show unprocessed alerts")
@click.option("-r", "--receiver", default="", help="Show alerts matching receiver (Supports regex syntax)")
@click.argument("matcher_groups", nargs=-1, metavar="[<matcher-groups>...]")
@click.pass_context
def query(ctx: click.Context, inhibited: bool, silenced: bool, active: bool, unprocessed: bool, receiver: str,
          matcher_groups: tuple[str, ...]) -> None:
    filters = with_alertname(matcher_groups)
    if not (inhibited or silenced or active or unprocessed):
        active = True
    params = [("active", _bool(active)), ("inhibited", _bool(inhibited)), ("silenced", _bool(silenced)),
              ("unprocessed", _bool(unprocessed))]
    if receiver:
        params.append(("receiver", receiver))
    params.extend(("filter", f) for f in filters)
    out = formatter(ctx)

    async def action(api: ApiClient) -> None:
        out.alerts(await api.call(GET_ALERTS, query=params) or [])

    run_api(ctx, action)


def _bool(v: bool) -> str:
    return "true" if v else "false"


def _time(text: str) -> str:
    return go_json_time(parse_rfc3339(text)) if text else _GO_ZERO


@command.command(name="add", help="Add a new alert.")
@click.option("--generator-url", "generator_url", default="", help="Set the URL of the source that generated the alert")
@click.option("--start", default="", help="Set when the alert should start. RFC3339 format 2006-01-02T15:04:05-07:00")
@click.option("--end", default="", help="Set when the alert should end. RFC3339 format 2006-01-02T15:04:05-07:00")
@click.option("--annotation", "annotations", multiple=True, help="Set an annotation to be included with the alert")
@click.argument("labels", nargs=-1, metavar="[<labels>...]")
@click.pass_context
def add(ctx: click.Context, generator_url: str, start: str, end: str, annotations: tuple[str, ...],
        labels: tuple[str, ...]) -> None:
    try:
        alert = build_alert(labels, annotations, generator_url, start, end)
    except UserError as exc:
        fatal(str(exc), blank_line=True)

    async def action(api: ApiClient) -> None:
        await api.call(POST_ALERTS, body=[alert])

    run_api(ctx, action)


def build_alert(labels: tuple[str, ...], annotations: tuple[str, ...], generator_url: str, start: str,
                end: str) -> dict[str, object]:
    """The ``PostableAlert`` 0.25 sends for these arguments (unset times are Go's zero time)."""
    args = list(labels)
    if args:
        try:
            parse_labels(args[:1])
        except UserError:
            args[0] = f"alertname={args[0]}"
    lset = parse_labels(args)
    anns = parse_labels(annotations)
    starts = _time(start)
    ends = _time(end)
    body: dict[str, object] = {"labels": lset, "annotations": anns, "startsAt": starts, "endsAt": ends}
    if generator_url:
        body["generatorURL"] = generator_url
    return body
