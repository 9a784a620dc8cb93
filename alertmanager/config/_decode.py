"""YAML nodes → frozen dataclasses, strictly, with the error behaviour of Go's yaml.v2.

yaml.v2 (``UnmarshalStrict``) has two kinds of failure, and users see the difference:
*type errors* (unknown field, a string where a list belongs, a duplicate key) are collected
over the whole document and reported together as ``yaml: unmarshal errors:`` with line
numbers; any other error (a validation rule of some block) stops decoding at once. A block
whose own fields had type errors skips its validation. We reproduce this: ``Decoder`` collects
type errors and validation hooks raise :class:`ConfigError` immediately.

Dataclass fields are read by their name, or ``metadata["yaml"]``; ``metadata["decode"]`` is a
custom reader ``(decoder, node, path) -> value``; ``metadata["skip"]`` marks derived fields.
A dataclass may define ``_validate(self) -> Self`` (raising ``ValueError``) and ``GO_TYPE``
(the Go type named in "field x not found in type ..." errors).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from alertmanager.config.errors import ConfigError
from alertmanager.config.values import (
    URL,
    GoDuration,
    HostPort,
    Int64,
    PromDuration,
    Secret,
    SecretTemplateURL,
    SecretURL,
    UInt64,
    parse_host_port,
    parse_url,
)
from alertmanager.model.duration import DurationError, parse_go_duration, parse_prom_duration

__all__ = ["Decoder", "compose", "is_null", "node_to_python"]

T = TypeVar("T")
_TAG = "tag:yaml.org,2002:"
_SHORT = {f"{_TAG}{k}": f"!!{k}" for k in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")}


def compose(text: str) -> Node | None:
    """The first YAML document's node tree; syntax errors worded like yaml.v2's."""
    try:
        for doc in yaml.compose_all(text, Loader=yaml.SafeLoader):
            return doc
        return None
    except yaml.MarkedYAMLError as exc:
        raise ConfigError("", _syntax_message(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError("", f"yaml: {exc}") from None


_PROBLEMS = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
}


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if problem.startswith("found character") and "cannot start any token" in problem:
        problem = "found character that cannot start any token"
    elif problem.startswith("expected <block end>"):
        ctx = exc.context or ""
        problem = "did not find expected '-' indicator" if "collection" in ctx else "did not find expected key"
    elif problem.startswith("found unknown escape character"):
        problem = "found unknown escape character"
    problem = _PROBLEMS.get(problem, problem)
    scanner = isinstance(exc, yaml.scanner.ScannerError)
    line = 0
    if exc.problem_mark is not None and exc.problem_mark.line != 0:
        line = exc.problem_mark.line + (1 if scanner else 0)
    elif exc.context_mark is not None:
        line = exc.context_mark.line
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == f"{_TAG}null")


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def mapping_pairs(node: MappingNode) -> Iterator[tuple[ScalarNode | Node, Node]]:
    """Key/value pairs with YAML merge keys (``<<: *x``) expanded in front."""
    merged: list[tuple[Node, Node]] = []
    own: list[tuple[Node, Node]] = []
    for k, v in node.value:
        if k.tag == f"{_TAG}merge":
            sources = v.value if isinstance(v, SequenceNode) else [v]
            for src in sources:
                if isinstance(src, MappingNode):
                    merged.extend(mapping_pairs(src))
        else:
            own.append((k, v))
    own_keys = {k.value for k, _ in own if isinstance(k, ScalarNode)}
    yield from ((k, v) for k, v in merged if k.value not in own_keys)
    yield from own


def node_to_python(node: Node) -> Any:
    """A plain Python value (for free-form fields such as pagerduty ``details``)."""
    if isinstance(node, MappingNode):
        return {str(k.value): node_to_python(v) for k, v in mapping_pairs(node)}
    if isinstance(node, SequenceNode):
        return [node_to_python(v) for v in node.value]
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _go_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return "*" + _go_name(args[0]) if len(args) == 1 else "interface {}"
    if origin is tuple:
        return "[]" + _go_name(typing.get_args(tp)[0])
    if origin is dict:
        k, v = typing.get_args(tp)
        return f"map[{_go_name(k)}]{_go_name(v)}"
    simple = {str: "string", bool: "bool", int: "int", float: "float64", Any: "interface {}", Int64: "int64",
              UInt64: "uint64",
              GoDuration: "time.Duration", PromDuration: "model.Duration", HostPort: "config.HostPort",
              URL: "config.URL", SecretURL: "config.SecretURL", Secret: "config.Secret",
              SecretTemplateURL: "config.SecretTemplateURL"}
    if tp in simple:
        return simple[tp]
    return str(getattr(tp, "GO_TYPE", "config.plain"))


class Decoder:
    """Reads nodes into typed values, collecting yaml.v2-style type errors."""

    def __init__(self) -> None:
        self.type_errors: list[str] = []
        self.extra: dict[str, Any] = {}
        """Context for custom readers (the loader puts the receiver registry here)."""

    # --- error helpers ---------------------------------------------------------------------

    def type_error(self, node: Node, target: str) -> None:
        tag = _SHORT.get(node.tag, node.tag)
        if isinstance(node, ScalarNode):
            self.type_errors.append(f"line {_line(node)}: cannot unmarshal {tag} `{node.value}` into {target}")
        else:
            self.type_errors.append(f"line {_line(node)}: cannot unmarshal {tag} into {target}")

    def raise_type_errors(self) -> None:
        if self.type_errors:
            raise ConfigError("", "yaml: unmarshal errors:\n  " + "\n  ".join(self.type_errors))

    # --- typed reading ---------------------------------------------------------------------

    def value(self, tp: Any, node: Node, path: str) -> Any:
        origin = typing.get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if is_null(node):
                return None
            return self.value(args[0], node, path)
        if tp is Any:
            return None if is_null(node) else node_to_python(node)
        if origin is tuple:
            return self.sequence(typing.get_args(tp)[0], node, path, _go_name(tp))
        if origin is dict:
            return self.mapping(typing.get_args(tp)[1], node, path, _go_name(tp))
        if dataclasses.is_dataclass(tp) and isinstance(tp, type) and not issubclass(tp, (Secret, URL, HostPort)):
            return self.struct(tp, node, path)
        return self.scalar(tp, node, path)

    def sequence(self, item: Any, node: Node, path: str, go: str) -> tuple[Any, ...]:
        if is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            self.type_error(node, go)
            return ()
        return tuple(self.value(item, n, f"{path}[{i}]") for i, n in enumerate(node.value))

    def mapping(self, item: Any, node: Node, path: str, go: str) -> dict[str, Any]:
        if is_null(node):
            return {}
        if not isinstance(node, MappingNode):
            self.type_error(node, go)
            return {}
        out: dict[str, Any] = {}
        for k, v in mapping_pairs(node):
            key = str(k.value)
            if key in out:
                self.type_errors.append(f'line {_line(k)}: key "{key}" already set in map')
                continue
            out[key] = self.value(item, v, f"{path}.{key}")
        return out

    def string(self, node: Node) -> str | None:
        """The text of a scalar (any scalar reads as a string, as in yaml.v2), else a type error."""
        if is_null(node):
            return ""
        if not isinstance(node, ScalarNode):
            self.type_error(node, "string")
            return None
        return str(node.value)

    def scalar(self, tp: Any, node: Node, path: str) -> Any:
        if tp is bool:
            if is_null(node):
                return False
            if isinstance(node, ScalarNode) and node.tag == f"{_TAG}bool":
                return node_to_python(node)
            self.type_error(node, "bool")
            return False
        if tp in (int, float, Int64, UInt64):
            base = float if tp is float else int
            if is_null(node):
                return base()
            ok = isinstance(node, ScalarNode) and (node.tag == f"{_TAG}int" or
                                                   (tp is float and node.tag == f"{_TAG}float"))
            if ok:
                v = node_to_python(node)
                if isinstance(v, int | float) and not (tp is UInt64 and v < 0):
                    return base(v)
            self.type_error(node, _go_name(tp))
            return base()
        if tp is GoDuration:
            if is_null(node):
                return GoDuration(timedelta(0))
            if isinstance(node, ScalarNode) and node.tag == f"{_TAG}int":
                return GoDuration(timedelta(microseconds=int(node_to_python(node)) / 1000))
            if isinstance(node, ScalarNode) and node.tag == f"{_TAG}str":
                try:
                    return GoDuration(parse_go_duration(str(node.value)))
                except DurationError:
                    pass
            self.type_error(node, "time.Duration")
            return GoDuration(timedelta(0))
        text = self.string(node)
        if text is None:
            return None
        try:
            return _parse_scalar(tp, text, node)
        except ValueError as exc:
            raise ConfigError(path, str(exc)) from None

    def struct(self, cls: type[T], node: Node, path: str) -> T:
        """A dataclass from a mapping: unknown or duplicate fields are type errors."""
        if is_null(node):
            return cls()
        go = str(getattr(cls, "GO_TYPE", "config.plain"))
        if not isinstance(node, MappingNode):
            self.type_error(node, go)
            return cls()
        before = len(self.type_errors)
        hints = typing.get_type_hints(cls)
        by_key: dict[str, dataclasses.Field[Any]] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.init and not f.metadata.get("skip"):
                by_key[f.metadata.get("yaml", f.name)] = f
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for k, v in mapping_pairs(node):
            key = str(k.value)
            found = by_key.get(key)
            if found is None:
                self.type_errors.append(f"line {_line(k)}: field {key} not found in type {go}")
                continue
            if key in seen:
                self.type_errors.append(f"line {_line(k)}: field {key} already set in type {go}")
                continue
            seen.add(key)
            f = found
            reader: Callable[[Decoder, Node, str], Any] | None = f.metadata.get("decode")
            sub = f"{path}.{key}" if path else key
            values[f.name] = reader(self, v, sub) if reader else self.value(hints[f.name], v, sub)
        obj = cls(**values)
        if len(self.type_errors) > before:
            return obj
        check = getattr(obj, "_validate", None)
        if check is not None:
            try:
                obj = check()
            except ValueError as exc:
                raise ConfigError(path, str(exc)) from None
        return obj


def _parse_scalar(tp: Any, text: str, node: Node) -> Any:
    if tp is str:
        return text
    if tp is PromDuration:
        try:
            return PromDuration(parse_prom_duration(text))
        except DurationError as exc:
            raise ValueError(str(exc)) from None
    if tp is SecretURL:
        if text == "<secret>":
            return SecretURL("")
        return SecretURL(parse_url(text).value)
    if tp is SecretTemplateURL:
        if text and text != "<secret>" and "{{" not in text:
            try:
                parse_url(text)
            except ValueError as exc:
                raise ValueError(f"invalid URL: {exc}") from None
        return SecretTemplateURL(text)
    if tp is Secret:
        return Secret(text)
    if tp is URL:
        return parse_url(text)
    if tp is HostPort:
        return parse_host_port(text)
    raise TypeError(f"no YAML reader for {tp!r}")
