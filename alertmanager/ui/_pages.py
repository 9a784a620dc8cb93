"""The alerts and status pages (silences live in ``_silence_pages.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from alertmanager.config import Config, dump
from alertmanager.dispatch import Route
from alertmanager.model.matchers import MatcherError, MatchType, parse_matchers
from alertmanager.store.status import AlertStatusRefresher
from alertmanager.ui._alerts import build_alerts_page, parse_alert_query
from alertmanager.ui._fmt import format_duration
from alertmanager.ui._render import Renderer

__all__ = ["AlertPages", "RouteNode", "StatusPage", "route_tree"]


class AlertPages:
    """``/`` and ``/ui/alerts`` (the page) and ``/ui/alerts/fragment`` (what live refresh fetches)."""

    def __init__(self, render: Renderer) -> None:
        self._render = render
        deps = render.deps
        self._refresher = AlertStatusRefresher(
            marker=deps.marker, alerts=deps.alerts, silences=deps.silences, silencer=deps.silencer,
            inhibitor=deps.inhibitor,
        )

    def _page_data(self, request: Request) -> dict[str, Any]:
        r = self._render
        page = build_alerts_page(r.deps, self._refresher, r.base, parse_alert_query(request.query_params))
        return {"page": page, "q": page.query, "refresh": r.deps.refresh_seconds}

    async def index(self, request: Request) -> Response:
        return self._render.html("alerts.html", nav="alerts", title="Alerts · Alertmanager", root=True,
                                 **self._page_data(request))

    async def alerts(self, request: Request) -> Response:
        return self._render.html("alerts.html", nav="alerts", title="Alerts · Alertmanager", root=False,
                                 **self._page_data(request))

    async def fragment(self, request: Request) -> Response:
        return self._render.html("_alert_results.html", **self._page_data(request))


@dataclass(frozen=True, slots=True)
class RouteNode:
    """A route of the tree as the status page draws it."""

    id: str
    receiver: str
    matchers: str
    group_by: str
    continue_: bool
    timers: str
    matched: bool
    children: tuple[RouteNode, ...]


def route_tree(route: Route, matched: frozenset[str] = frozenset()) -> RouteNode:
    """``route`` and its children, with the routes in ``matched`` (by id) flagged."""
    o = route.opts
    group_by = "..." if o.group_by_all else ", ".join(sorted(o.group_by))
    timers = (f"wait {format_duration(o.group_wait)} · interval {format_duration(o.group_interval)}"
              f" · repeat {format_duration(o.repeat_interval)}")
    return RouteNode(
        id=route.id(), receiver=o.receiver, matchers=route.matchers_str(), group_by=group_by,
        continue_=route.continue_, timers=timers, matched=route.id() in matched,
        children=tuple(route_tree(c, matched) for c in route.routes),
    )


class StatusPage:
    """``/ui/status``: version, uptime, cluster, configuration and the routing tree."""

    def __init__(self, render: Renderer) -> None:
        self._render = render
        self._dump: tuple[Config, str] | None = None

    def _config_text(self, cfg: Config) -> str:
        if self._dump is None or self._dump[0] is not cfg:
            self._dump = (cfg, dump(cfg))
        return self._dump[1]

    def _cluster(self) -> dict[str, object]:
        provider = self._render.deps.cluster_status
        if provider is None:
            return {"status": "disabled", "name": "", "peers": []}
        info = provider()
        peers = sorted(({"name": str(p["name"]), "address": str(p["address"])} for p in info.get("peers", ())),
                       key=lambda p: p["name"])
        return {"status": str(info.get("status", "disabled")), "name": str(info.get("name", "")), "peers": peers}

    async def get(self, request: Request) -> Response:
        deps = self._render.deps
        now: datetime = deps.clock()
        labels_text = request.query_params.get("labels", "").strip()
        labels: dict[str, str] = {}
        error = ""
        if labels_text:
            try:
                for m in parse_matchers(labels_text):
                    if m.type is not MatchType.EQUAL:
                        raise MatcherError(f'{m}: use name="value" pairs, not {m.type.value}')
                    labels[m.name] = m.value
            except MatcherError as e:
                error = str(e)
        root = deps.route()
        matched = root.match(labels) if labels_text and not error else ()
        response: HTMLResponse = self._render.html(
            "status.html", nav="status", title="Status · Alertmanager",
            version_info=dict(deps.version_info), start_time=deps.start_time,
            uptime=format_duration(now - deps.start_time), cluster=self._cluster(),
            config_text=self._config_text(deps.config()), tree=route_tree(root, frozenset(r.id() for r in matched)),
            labels_text=labels_text, labels_error=error, matched=[(r.id(), r.receiver) for r in matched],
            external_url=deps.external_url,
        )
        return response
