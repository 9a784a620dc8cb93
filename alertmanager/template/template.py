"""Template: the default templates plus user files, executed like upstream's ``template.Template``."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from alertmanager.template._builtins import BUILTINS
from alertmanager.template._exec import ExecError, execute
from alertmanager.template._nodes import Source
from alertmanager.template._parser import ParseError, Tree, parse
from alertmanager.template.data import Data
from alertmanager.template.funcs import Clock, alertmanager_funcs

__all__ = ["DEFAULT_TEMPLATE_FILES", "Template", "TemplateError", "parse_files"]

DEFAULT_TEMPLATE_FILES = ("default.tmpl", "email.tmpl")
_CACHE_LIMIT = 512


class TemplateError(Exception):
    """A template failed to parse or execute; ``str(e)`` is Go's message."""


def _system_clock() -> datetime:
    return datetime.now(UTC)


def _names() -> frozenset[str]:
    # Parsing only needs to know which function names exist.
    return frozenset(BUILTINS) | frozenset(alertmanager_funcs(_system_clock))


@cache
def _default_trees() -> tuple[tuple[str, Tree], ...]:
    trees: dict[str, Tree] = {}
    names = _names()
    pkg = resources.files("alertmanager.template")
    for fname in DEFAULT_TEMPLATE_FILES:
        _add(trees, fname, pkg.joinpath(fname).read_text(encoding="utf-8"), names)
    return tuple(trees.items())


def _add(trees: dict[str, Tree], name: str, text: str, names: frozenset[str]) -> Tree:
    try:
        body, defined = parse(name, text, names)
    except ParseError as e:
        raise TemplateError(str(e)) from None
    for tname, tree in defined.items():
        old = trees.get(tname)
        if old is not None and tree.is_empty() and not old.is_empty():
            continue
        trees[tname] = tree
    main = Tree(name, body, defined[name].source if name in defined else _source(name, text))
    if name not in defined:
        old = trees.get(name)
        if old is None or not main.is_empty():
            trees[name] = main
    return main


def _source(name: str, text: str) -> Source:
    return Source(name, text)


def _expand(paths: Iterable[str]) -> list[str]:
    files: list[str] = []
    for p in paths:
        if glob.has_magic(p):
            files.extend(sorted(glob.glob(p)))
        elif os.path.exists(p):
            files.append(p)
    return files


class Template:
    """The default templates plus user templates; renders texts against notification data."""

    def __init__(self, trees: Mapping[str, Tree], *, external_url: str = "", clock: Clock | None = None) -> None:
        self.external_url = external_url
        self._clock: Clock = clock or _system_clock
        self._trees = dict(trees)
        self._funcs = {**alertmanager_funcs(self._clock), **BUILTINS}
        self._names = frozenset(self._funcs)
        self._cache: dict[str, tuple[Tree, dict[str, Tree] | None]] = {}

    @classmethod
    def from_files(cls, paths: Sequence[str], *, external_url: str = "", clock: Clock | None = None,
                   defaults: bool = True) -> Template:
        """Load the default templates, then each file (globs expand, as upstream's FromGlobs)."""
        return cls.from_sources(
            [(os.path.basename(f), _read(f)) for f in _expand(paths)],
            external_url=external_url, clock=clock, defaults=defaults,
        )

    @classmethod
    def from_sources(cls, sources: Sequence[tuple[str, str]], *, external_url: str = "",
                     clock: Clock | None = None, defaults: bool = True) -> Template:
        """Like ``from_files`` with (name, text) pairs instead of files."""
        trees: dict[str, Tree] = dict(_default_trees()) if defaults else {}
        names = _names()
        for name, text in sources:
            _add(trees, name, text, names)
        return cls(trees, external_url=external_url, clock=clock)

    @property
    def names(self) -> list[str]:
        """The names of all defined templates."""
        return sorted(self._trees)

    def _compile(self, text: str) -> tuple[Tree, dict[str, Tree] | None]:
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        try:
            body, defined = parse("", text, self._names)
        except ParseError as e:
            raise TemplateError(str(e)) from None
        tree = Tree("", body, defined[""].source if "" in defined else _source("", text))
        extra: dict[str, Tree] | None = None
        if defined:
            extra = dict(self._trees)
            for tname, t in defined.items():
                old = extra.get(tname)
                if old is None or not t.is_empty() or old.is_empty():
                    extra[tname] = t
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = (tree, extra)
        return tree, extra

    def _funcs_for(self, data: Any) -> Mapping[str, Callable[..., Any]]:
        if isinstance(data, Data) and data.RouteLabels:
            return {**self._funcs, "routeLabels": lambda n: data.RouteLabels.get(n, "")}
        return self._funcs

    def _run(self, tree: Tree, trees: Mapping[str, Tree], data: Any, html: bool) -> str:
        try:
            return execute(trees, self._funcs_for(data), tree, data, html=html)
        except ExecError as e:
            raise TemplateError(str(e)) from None

    def execute_text(self, text: str, data: Any) -> str:
        """Render ``text`` (which may call defined templates) as text/template does."""
        if text == "":
            return ""
        tree, extra = self._compile(text)
        return self._run(tree, extra or self._trees, data, False)

    def execute_html(self, text: str, data: Any) -> str:
        """Render ``text`` escaping values for HTML as html/template does."""
        if text == "":
            return ""
        tree, extra = self._compile(text)
        return self._run(tree, extra or self._trees, data, True)

    def render(self, name: str, data: Any, *, html: bool = False) -> str:
        """Execute the defined template ``name``."""
        tree = self._trees.get(name)
        if tree is None:
            raise TemplateError(f'template: no template "{name}" associated with template ""')
        return self._run(tree, self._trees, data, html)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise TemplateError(f"open {path}: {e.strerror or e}") from None


def parse_files(paths: Sequence[str]) -> Template:
    """Parse the default templates and ``paths`` (globs allowed); raise TemplateError on failure."""
    return Template.from_files(paths)
