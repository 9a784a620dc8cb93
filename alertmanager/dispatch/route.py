"""The routing tree: which routes (and so receivers and timers) an alert's labels reach.

Built from ``RouteConfig`` as upstream's ``dispatch/route.go`` builds it: each child starts
from its parent's options (the root from ``DEFAULT_ROUTE_OPTS``) and overrides what it sets;
``match`` is a depth-first, left-to-right search honouring ``continue``. Route keys and ids
are byte-identical to Go's, because group keys (webhook ``groupKey``, the notification log)
are built from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from alertmanager.config.schema import RouteConfig
from alertmanager.model.matchers import Matcher, MatchType

__all__ = ["DEFAULT_ROUTE_OPTS", "Route", "RouteOpts", "matchers_string"]

_MATCH_TYPE_ORDER = {MatchType.EQUAL: 0, MatchType.NOT_EQUAL: 1, MatchType.REGEX: 2, MatchType.NOT_REGEX: 3}
_RESERVED = frozenset("{}!=~,\\\"'`")
_CACHE_LIMIT = 65536
_FP_CACHE_LIMIT = 1 << 20
_INDEX_MIN_CHILDREN = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteOpts:
    """A route's resolved options (after inheritance), as upstream's ``RouteOpts``."""

    receiver: str = ""
    group_by: frozenset[str] = frozenset()
    group_by_all: bool = False
    group_wait: timedelta = timedelta(seconds=30)
    group_interval: timedelta = timedelta(minutes=5)
    repeat_interval: timedelta = timedelta(hours=4)
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)


DEFAULT_ROUTE_OPTS = RouteOpts()
"""What the root route inherits from: upstream's ``DefaultRouteOpts``."""


def _is_reserved(ch: str) -> bool:
    return ch.isspace() or ch in _RESERVED


def _matcher_string(m: Matcher) -> str:
    # Upstream pkg/labels Matcher.String: names with reserved characters quote name and value;
    # otherwise the value only escapes backslash, newline and double quote (OpenMetrics style).
    if any(_is_reserved(ch) for ch in m.name):
        return str(m)  # Matcher.__str__ quotes a non-classic name and the value as Go does
    value = m.value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
    return f'{m.name}{m.type.value}"{value}"'


def matchers_string(matchers: tuple[Matcher, ...]) -> str:
    """``{a="1",b=~"x"}`` as upstream's ``labels.Matchers.String`` prints a (sorted) list."""
    return "{" + ",".join(_matcher_string(m) for m in matchers) + "}"


def _sort_key(m: Matcher) -> tuple[bytes, bytes, int]:
    # Go compares strings bytewise; sort like upstream's Matchers.Less (name, value, type).
    return (m.name.encode(), m.value.encode(), _MATCH_TYPE_ORDER[m.type])


def _route_matchers(cfg: RouteConfig) -> tuple[Matcher, ...]:
    """The route's matchers, with legacy ``match_re`` values spelled as Go keeps them.

    Upstream compiles ``match_re`` values as ``^(?:value)$`` and its route keys (so group keys)
    print that text, e.g. ``{}/{owner=~"^(?:team-(B|C))$"}``; matching is the same either way.
    """
    if not cfg.match_re:
        return cfg.matchers
    legacy = {(k, v) for k, v in cfg.match_re.items()}
    out: list[Matcher] = []
    for m in cfg.matchers:
        if m.type is MatchType.REGEX and (m.name, m.value) in legacy:
            legacy.discard((m.name, m.value))
            m = Matcher.create(m.name, MatchType.REGEX, f"^(?:{m.value})$")
        out.append(m)
    return tuple(out)


def _child_opts(parent: RouteOpts, cfg: RouteConfig) -> RouteOpts:
    opts = parent
    changes: dict[str, object] = {}
    if cfg.labels:
        changes["labels"] = {**parent.labels, **cfg.labels}
    if cfg.receiver:
        changes["receiver"] = cfg.receiver
    if cfg.group_by_all:
        changes["group_by_all"] = True
    elif cfg.group_by:
        # As in Go, an empty group_by list is indistinguishable from an absent one (inherit).
        changes["group_by"] = frozenset(cfg.group_by)
        changes["group_by_all"] = False
    if cfg.group_wait is not None:
        changes["group_wait"] = cfg.group_wait
    if cfg.group_interval is not None:
        changes["group_interval"] = cfg.group_interval
    if cfg.repeat_interval is not None:
        changes["repeat_interval"] = cfg.repeat_interval
    # Upstream does not inherit time intervals: each route lists its own.
    changes["mute_time_intervals"] = tuple(cfg.mute_time_intervals)
    changes["active_time_intervals"] = tuple(cfg.active_time_intervals)
    return replace(opts, **changes)  # type: ignore[arg-type]


class Route:
    """A node of the routing tree; build the whole tree with ``Route.from_config``."""

    __slots__ = (
        "_by_fp",
        "_cache",
        "_interned",
        "_child_index",
        "_id",
        "_key",
        "_unindexed",
        "continue_",
        "idx",
        "matchers",
        "opts",
        "parent",
        "routes",
    )

    def __init__(
        self,
        opts: RouteOpts,
        matchers: tuple[Matcher, ...],
        *,
        continue_: bool = False,
        parent: Route | None = None,
    ) -> None:
        self.parent = parent
        self.opts = opts
        self.matchers = tuple(sorted(matchers, key=_sort_key))
        self.continue_ = continue_
        self.routes: tuple[Route, ...] = ()
        self.idx = 0
        self._key = matchers_string(self.matchers)
        if parent is not None:
            self._key = parent._key + "/" + self._key
        self._id = ""
        self._cache: dict[frozenset[tuple[str, str]], tuple[Route, ...]] = {}
        self._by_fp: dict[int, tuple[Route, ...]] = {}
        self._interned: dict[tuple[Route, ...], tuple[Route, ...]] = {}
        self._child_index: dict[str, dict[str, list[int]]] | None = None
        self._unindexed: tuple[int, ...] = ()

    def _index_children(self) -> None:
        # With many children, most cannot match: each child with an equality matcher is filed
        # under that label value, so a lookup only tries the children that could match.
        # Tree order (and so ``continue`` semantics) is kept by visiting positions in order.
        if len(self.routes) < _INDEX_MIN_CHILDREN:
            return
        index: dict[str, dict[str, list[int]]] = {}
        unindexed: list[int] = []
        for pos, child in enumerate(self.routes):
            key = next((m for m in child.matchers if m.type is MatchType.EQUAL), None)
            if key is None:
                unindexed.append(pos)
            else:
                index.setdefault(key.name, {}).setdefault(key.value, []).append(pos)
        self._child_index = index
        self._unindexed = tuple(unindexed)

    def _candidates(self, labels: Mapping[str, str]) -> list[Route]:
        index = self._child_index
        if index is None:
            return list(self.routes)
        positions = list(self._unindexed)
        for name, by_value in index.items():
            hit = by_value.get(labels.get(name, ""))
            if hit:
                positions.extend(hit)
        positions.sort()
        return [self.routes[p] for p in positions]

    @classmethod
    def from_config(cls, cfg: RouteConfig, parent: Route | None = None) -> Route:
        """The tree for ``cfg``; indices count children before parents, as upstream's ``Idx``."""
        counter = [0]
        return cls._build(cfg, parent, counter, None)

    @classmethod
    def _build(cls, cfg: RouteConfig, parent: Route | None, counter: list[int], pos: int | None) -> Route:
        base = parent.opts if parent is not None else DEFAULT_ROUTE_OPTS
        route = cls(_child_opts(base, cfg), _route_matchers(cfg), continue_=cfg.continue_, parent=parent)
        route._id = route._key if parent is None else f"{parent._id}/{route.matchers_str()}/{pos}"
        route.routes = tuple(cls._build(c, route, counter, i) for i, c in enumerate(cfg.routes))
        route._index_children()
        route.idx = counter[0]
        counter[0] += 1
        return route

    def matchers_str(self) -> str:
        return matchers_string(self.matchers)

    def key(self) -> str:
        """Upstream's ``Route.Key``: matcher strings from the root down, joined by ``/``."""
        return self._key

    def id(self) -> str:
        """Upstream's ``Route.ID``: like the key, with each child's position, e.g. ``{}/{a="1"}/0``."""
        return self._id

    @property
    def receiver(self) -> str:
        return self.opts.receiver

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether this route's own matchers accept ``labels`` (missing labels read as ``""``)."""
        for m in self.matchers:
            if not m.matches(labels.get(m.name, "")):
                return False
        return True

    def match(self, labels: Mapping[str, str], fingerprint: int | None = None) -> tuple[Route, ...]:
        """The routes an alert with ``labels`` is handled by, in tree order (may be empty).

        The root caches results; the tree never changes, a reload builds a new one. Callers
        that know the labels' fingerprint pass it: it is a cheaper key than the label set, and
        the dispatcher and the API then share one answer per alert (the same tuple objects,
        interned, so 100k cached alerts hold a handful of tuples).
        """
        if self.parent is not None:
            return self._match(labels)
        if fingerprint is not None:
            found = self._by_fp.get(fingerprint)
            if found is None:
                if len(self._by_fp) >= _FP_CACHE_LIMIT:
                    self._by_fp.clear()
                found = self._by_fp[fingerprint] = self._intern(self._match(labels))
            return found
        key = frozenset(labels.items())
        hit = self._cache.get(key)
        if hit is None:
            hit = self._intern(self._match(labels))
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _intern(self, found: tuple[Route, ...]) -> tuple[Route, ...]:
        return self._interned.setdefault(found, found)

    def _match(self, labels: Mapping[str, str]) -> tuple[Route, ...]:
        if not self.matches(labels):
            return ()
        found: list[Route] = []
        for child in self._candidates(labels):
            sub = child._match(labels)
            found.extend(sub)
            if sub and not child.continue_:
                break
        return tuple(found) if found else (self,)

    def walk(self, visit: Callable[[Route], None] | None = None) -> list[Route]:
        """Every route depth-first, parents before children; ``visit`` is called on each in turn."""
        out: list[Route] = []
        stack: list[Route] = [self]
        while stack:
            r = stack.pop()
            if visit is not None:
                visit(r)
            out.append(r)
            stack.extend(reversed(r.routes))
        return out

    def group_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        """The labels an alert is grouped by on this route (all of them with ``group_by: [...]``)."""
        if self.opts.group_by_all:
            return dict(labels)
        gb = self.opts.group_by
        if not gb:
            return {}
        return {k: v for k, v in labels.items() if k in gb}

    def __repr__(self) -> str:
        return f"Route(id={self._id!r}, receiver={self.opts.receiver!r})"
