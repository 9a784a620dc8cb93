"""``amtool template render``: render a template text against notification data, with the
project's template engine and default templates."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from alertmanager.cli.amtool._app import KingpinError, fatal
from alertmanager.template import KV, Alert, Alerts, Data, Template, TemplateError, data_from_json

__all__ = ["command", "default_data", "render"]


def default_data(now: datetime) -> Data:
    """The example data 0.25 renders with when ``--template.data`` is not given."""
    common_labels = {"commonlabelkey1": "commonlabelvalue1", "commonlabelkey2": "commonlabelvalue2"}
    common_annotations = {"commonannotationkey1": "commonannotationvalue1",
                          "commonannotationkey2": "commonannotationvalue2"}
    return Data(
        Receiver="receiver",
        Status="alertstatus",
        Alerts=Alerts([
            Alert(Status="alertstatus",
                  Labels=KV({"label1": "value1", "label2": "value2", "instance": "foo.bar:1234", **common_labels}),
                  Annotations=KV({"annotation1": "value1", "annotation2": "value2", **common_annotations}),
                  StartsAt=now - timedelta(minutes=5), EndsAt=now, GeneratorURL="https://generatorurl.com",
                  Fingerprint="fingerprint1"),
            Alert(Status="alertstatus", Labels=KV({"foo": "bar", "baz": "qux", **common_labels}),
                  Annotations=KV({"aaa": "bbb", "ccc": "ddd", **common_annotations}),
                  StartsAt=now - timedelta(minutes=10), EndsAt=now, GeneratorURL="https://generatorurl.com",
                  Fingerprint="fingerprint2"),
        ]),
        GroupLabels=KV({"grouplabelkey1": "grouplabelvalue1", "grouplabelkey2": "grouplabelvalue2"}),
        CommonLabels=KV(common_labels),
        CommonAnnotations=KV(common_annotations),
        ExternalURL="https://example.com",
    )


def render(globs: list[str], text: str, kind: str, data: Data) -> str:
    """Load the templates ``globs`` name and render ``text`` as text or HTML."""
    tmpl = Template.from_files(globs)
    return tmpl.execute_html(text, data) if kind == "html" else tmpl.execute_text(text, data)


def _json_error(text: str, exc: json.JSONDecodeError) -> str:
    rest = text[exc.pos:].lstrip()
    if not rest:
        return "unexpected end of JSON input"
    return f"invalid character {rest[0]!r} looking for beginning of value"


_DATA_FIELDS = {"receiver": (str, "string"), "status": (str, "string"), "externalURL": (str, "string"),
                "groupLabels": (dict, "template.KV"), "commonLabels": (dict, "template.KV"),
                "commonAnnotations": (dict, "template.KV"), "alerts": (list, "template.Alerts")}


def _json_type(v: object) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def _type_error(obj: dict[str, Any]) -> str | None:
    """Go's ``json.Unmarshal`` complaint about a top-level field of the wrong JSON type."""
    for key, (want, go_type) in _DATA_FIELDS.items():
        v = obj.get(key)
        if v is not None and not isinstance(v, want):
            return f"json: cannot unmarshal {_json_type(v)} into Go struct field Data.{key} of type {go_type}"
    return None


def _load_data(path: str) -> Data:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise KingpinError(f"open {path}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        obj: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        fatal(_json_error(text, exc), blank_line=True)
    if not isinstance(obj, dict):
        fatal(f"json: cannot unmarshal {type(obj).__name__} into Go value of type template.Data", blank_line=True)
    problem = _type_error(obj)
    if problem is not None:
        fatal(problem, blank_line=True)
    try:
        return data_from_json(obj)
    except (TypeError, ValueError, AttributeError) as exc:
        fatal(f"json: {exc}", blank_line=True)


@click.group(name="template", help="Render template files.")
def command() -> None:
    pass


@command.command(name="render", help="Render a given definition in a template file to standard output.")
@click.option("--template.glob", "template_glob", multiple=True,
              help="Glob of paths that will be expanded and used for rendering.")
@click.option("--template.text", "template_text", default=None, help="The template that will be rendered.")
@click.option("--template.type", "template_type", default="",
              help="The type of the template. Can be either text (default) or html.")
@click.option("--template.data", "template_data", default=None,
              help="Full path to a file which contains the data of the alert(-s) with which the --template.text "
                   "will be rendered. Must be in JSON.")
def render_cmd(template_glob: tuple[str, ...], template_text: str | None, template_type: str,
               template_data: str | None) -> None:
    if not template_glob:
        raise KingpinError("required flag --template.glob not provided")
    if template_text is None:
        raise KingpinError("required flag --template.text not provided")
    if template_type not in ("", "html", "text"):
        raise KingpinError(f"enum value must be one of html,text, got '{template_type}'")
    data = _load_data(template_data) if template_data is not None else default_data(datetime.now(UTC))
    try:
        out = render(list(template_glob), template_text, template_type, data)
    except TemplateError as exc:
        fatal(str(exc), blank_line=True)
    sys.stdout.write(out)
