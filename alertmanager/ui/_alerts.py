"""The alerts page's data: the query it was asked, the groups it shows, one page of alerts."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.datastructures import QueryParams

from alertmanager.dispatch import AlertGroup, Route
from alertmanager.model.alert import Alert
from alertmanager.model.matchers import Matcher, MatcherError, MatchType, compile_go_regex, parse_matchers
from alertmanager.silences import SilenceNotFound
from alertmanager.store.status import AlertStatusRefresher, Status
from alertmanager.types import AlertState
from alertmanager.ui._deps import UiDeps
from alertmanager.ui._fmt import autolink, equal_matchers, format_time, matchers_text, relative

__all__ = ["AlertQuery", "AlertsPage", "build_alerts_page", "parse_alert_query"]

_TRUE = frozenset({"true", "1", "on", "yes"})
_TOGGLES = {"silenced": False, "inhibited": False, "muted": False, "unprocessed": True}


def _toggle(params: QueryParams, name: str) -> bool:
    # A checkbox comes after a hidden "false" input of the same name, so the last value wins;
    # with no value at all (a plain link) the toggle keeps its default.
    values = params.getlist(name)
    return values[-1].strip().lower() in _TRUE if values else _TOGGLES[name]


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """What the alerts page was asked for (upstream's ``#/alerts?…`` parameters work here too)."""

    filter_text: str = ""
    matchers: tuple[Matcher, ...] = ()
    receiver: str = ""
    silenced: bool = False
    inhibited: bool = False
    muted: bool = False
    unprocessed: bool = True
    page: int = 1
    error: str = ""

    def params(self, **changes: object) -> list[tuple[str, str]]:
        q = replace(self, **changes)  # type: ignore[arg-type]
        out: list[tuple[str, str]] = []
        if q.filter_text:
            out.append(("filter", q.filter_text))
        if q.receiver:
            out.append(("receiver", q.receiver))
        for name, default in _TOGGLES.items():
            value: bool = getattr(q, name)
            if value != default:
                out.append((name, str(value).lower()))
        if q.page != 1:
            out.append(("page", str(q.page)))
        return out

    def query_string(self, **changes: object) -> str:
        return urlencode(self.params(**changes))


def parse_alert_query(params: QueryParams) -> AlertQuery:
    """The query of a request; a bad filter or receiver regex is reported in ``error``."""
    texts = [t.strip() for t in params.getlist("filter") if t.strip()]
    error = ""
    matchers: list[Matcher] = []
    for text in texts:
        try:
            matchers.extend(parse_matchers(text))
        except MatcherError as e:
            error = f"bad filter {text!r}: {e}"
    filter_text = texts[0] if len(texts) == 1 else matchers_text(matchers) if matchers else ""
    receiver = params.get("receiver", "").strip()
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return AlertQuery(
        filter_text=filter_text, matchers=tuple(matchers) if not error else (), receiver=receiver,
        silenced=_toggle(params, "silenced"), inhibited=_toggle(params, "inhibited"),
        muted=_toggle(params, "muted"), unprocessed=_toggle(params, "unprocessed"), page=page, error=error,
    )


@dataclass(frozen=True, slots=True)
class Chip:
    """A label shown as a button that adds ``name="value"`` to the filter."""

    name: str
    value: str
    href: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A silence or an inhibiting alert an alert's state names."""

    key: str
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class AlertRow:
    fingerprint: str
    labels: tuple[Chip, ...]
    annotations: tuple[tuple[str, Markup], ...]
    starts_at: str
    starts_iso: str
    started: str
    generator_url: str
    state: str
    silences: tuple[Ref, ...]
    inhibitors: tuple[Ref, ...]
    muted_by: tuple[str, ...]
    silence_href: str


@dataclass(frozen=True, slots=True)
class GroupBlock:
    receiver: str
    labels: tuple[Chip, ...]
    total: int
    first: int
    rows: tuple[AlertRow, ...]
    muted_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlertsPage:
    query: AlertQuery
    groups: tuple[GroupBlock, ...]
    total_alerts: int
    total_groups: int
    pages: int
    receivers: tuple[str, ...]
    now: str


class _Builder:
    """Turns groups into rows with links; one per request."""

    def __init__(self, deps: UiDeps, base: str, query: AlertQuery, now: datetime) -> None:
        self._deps = deps
        self._base = base
        self._query = query
        self._now = now
        self._own = {(m.name, m.type, m.value) for m in query.matchers}

    def chip(self, name: str, value: str) -> Chip:
        q = self._query
        if (name, MatchType.EQUAL, value) in self._own:
            href = f"{self._base}/ui/alerts?{q.query_string(page=1)}"
        else:
            text = matchers_text([*q.matchers, Matcher(name, MatchType.EQUAL, value)])
            href = f"{self._base}/ui/alerts?{q.query_string(filter_text=text, page=1)}"
        return Chip(name, value, href)

    def row(self, alert: Alert, status: tuple[str, tuple[str, ...], tuple[str, ...]],
            muted_by: Sequence[str]) -> AlertRow:
        deps, base = self._deps, self._base
        silences = []
        for sid in status[1]:
            try:
                sil = deps.silences.get(sid)
                text = f"{sil.comment} ({sil.created_by})" if sil.comment else sid
            except SilenceNotFound:
                text = sid
            silences.append(Ref(sid, text, f"{base}/ui/silences/{sid}"))
        inhibitors = []
        for fp in status[2]:
            source = deps.alerts.get(int(fp, 16))
            if source is None:
                inhibitors.append(Ref(fp, fp, f"{base}/ui/alerts?inhibited=true"))
                continue
            text = matchers_text(equal_matchers(dict(source.labels)))
            inhibitors.append(Ref(fp, text, f"{base}/ui/alerts?" + urlencode({"filter": text})))
        state = AlertState.SUPPRESSED if muted_by else status[0]
        silence_filter = matchers_text(equal_matchers(dict(alert.labels)))
        return AlertRow(
            fingerprint=alert.fingerprint_hex,
            labels=tuple(self.chip(k, v) for k, v in sorted(alert.labels.items())),
            annotations=tuple((k, autolink(v)) for k, v in sorted(alert.annotations.items())),
            starts_at=format_time(alert.starts_at),
            starts_iso=alert.starts_at.isoformat() if alert.starts_at else "",
            started=relative(alert.starts_at, self._now) if alert.starts_at else "",
            generator_url=alert.generator_url if alert.generator_url.startswith(("http://", "https://")) else "",
            state=state,
            silences=tuple(silences),
            inhibitors=tuple(inhibitors),
            muted_by=tuple(muted_by),
            silence_href=f"{base}/ui/silences/new?" + urlencode({"filter": silence_filter}),
        )


def _tree_groups(route: Route, alerts: Sequence[Alert], route_ok: Callable[[Route], bool],
                 keep: Callable[[Alert, datetime], bool], now: datetime) -> list[AlertGroup]:
    """Groups as the dispatcher would form them, straight from the store (no dispatcher given)."""
    found: dict[tuple[str, frozenset[tuple[str, str]]], tuple[Route, dict[str, str], list[Alert]]] = {}
    for a in alerts:
        for r in route.match(a.labels, a.fingerprint):
            labels = r.group_labels(a.labels)
            key = (r.id(), frozenset(labels.items()))
            found.setdefault(key, (r, labels, []))[2].append(a)
    out = []
    # Ordered as the dispatcher orders its groups: by group labels, then receiver.
    for r, labels, members in sorted(found.values(), key=lambda v: (sorted(v[1].items()), v[0].receiver)):
        if not route_ok(r):
            continue
        kept = [a for a in members if keep(a, now)]
        if kept:
            kept.sort(key=lambda a: sorted(a.labels.items()))
            out.append(AlertGroup(labels, r.receiver, tuple(kept), "", r.id()))
    return out


def build_alerts_page(deps: UiDeps, refresher: AlertStatusRefresher, base: str,
                      query: AlertQuery) -> AlertsPage:
    """Filter every alert on the server and lay out the requested page of groups."""
    now = deps.clock()
    receivers = tuple(r.name for r in deps.config().receivers)
    if query.error:
        return AlertsPage(query, (), 0, 0, 1, receivers, format_time(now))
    try:
        receiver_re = compile_go_regex(query.receiver) if query.receiver else None
    except MatcherError as e:
        return AlertsPage(replace(query, error=f"bad receiver {query.receiver!r}: {e}"), (), 0, 0, 1,
                          receivers, format_time(now))
    matchers = query.matchers
    statuses: dict[int, Status] = {}

    def route_ok(r: Route) -> bool:
        return receiver_re is None or receiver_re.fullmatch(r.receiver) is not None

    def keep(alert: Alert, at: datetime) -> bool:
        if alert.ends_at is not None and alert.ends_at < at:
            return False
        labels = alert.labels
        for m in matchers:
            if not m.matches(labels.get(m.name, "")):
                return False
        status = statuses.get(alert.fingerprint)
        if status is None:
            status = statuses[alert.fingerprint] = refresher.refresh(alert, at)
        if status[0] == AlertState.UNPROCESSED and not query.unprocessed:
            return False
        if status[1] and not query.silenced:
            return False
        return query.inhibited or not status[2]

    groups: Sequence[AlertGroup]
    try:
        if deps.groups is not None:
            groups, _ = deps.groups(route_ok, keep)
        else:
            groups = _tree_groups(deps.route(), deps.alerts.list(), route_ok, keep, now)
    finally:
        refresher.record_silence_queries()
    live = len(deps.alerts)
    if len(refresher) > 2 * live + 1024:
        refresher.prune()
    shown: list[tuple[AlertGroup, tuple[str, ...]]] = []
    for g in groups:
        muted_by: tuple[str, ...] = ()
        if deps.group_muted is not None:
            by, muted = deps.group_muted(g.route_id, g.group_key)
            if muted and not query.muted:
                continue
            muted_by = tuple(by)
        shown.append((g, muted_by))
    total = sum(len(g.alerts) for g, _ in shown)
    size = max(1, deps.page_size)
    pages = max(1, math.ceil(total / size))
    page = min(query.page, pages)
    query = replace(query, page=page)
    start, end = (page - 1) * size, page * size
    b = _Builder(deps, base, query, now)
    blocks: list[GroupBlock] = []
    seen = 0
    for g, muted_by in shown:
        n = len(g.alerts)
        lo, hi = max(start - seen, 0), min(end - seen, n)
        seen += n
        if lo >= hi:
            if seen >= end:
                break
            continue
        rows = tuple(b.row(a, statuses.get(a.fingerprint) or deps.marker.status(a.fingerprint), muted_by)
                     for a in g.alerts[lo:hi])
        chips = tuple(b.chip(k, v) for k, v in sorted(g.labels.items()))
        blocks.append(GroupBlock(g.receiver, chips, n, lo, rows, muted_by))
    return AlertsPage(query, tuple(blocks), total, len(shown), pages, receivers, format_time(now))

