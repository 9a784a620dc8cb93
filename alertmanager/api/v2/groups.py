"""``/api/v2/alerts/groups``: the dispatcher's aggregation groups with their alerts."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from starlette.requests import Request
from starlette.responses import Response

from alertmanager.api._deps import ApiDeps, RouteLike
from alertmanager.api._http import error_response, json_bytes_response, parse_filter, query_bool, sorted_labels
from alertmanager.api.v2._view import AlertView, make_alert_filter
from alertmanager.api.v2.alerts import parse_receiver_selection
from alertmanager.model.matchers import MatcherError

__all__ = ["GroupsResource"]


class GroupsResource:
    def __init__(self, deps: ApiDeps, view: AlertView) -> None:
        self._deps = deps
        self._view = view

    async def get(self, request: Request) -> Response:
        deps, view = self._deps, self._view
        try:
            matchers = parse_filter(request.query_params.getlist("filter"))
        except MatcherError as e:
            return error_response(str(e))
        sel = parse_receiver_selection(request, deps)
        if isinstance(sel, Response):
            return sel
        if deps.groups is None:
            return json_bytes_response(b"[]")
        keep = make_alert_filter(
            view, matchers,
            active=query_bool(request, "active"), silenced=query_bool(request, "silenced"),
            inhibited=query_bool(request, "inhibited"), unprocessed=True,
        )
        show_muted = query_bool(request, "muted")

        def route_ok(route: RouteLike) -> bool:
            return sel.route_ok(route.receiver)

        try:
            groups, receivers = deps.groups(route_ok, keep)
        except Exception as e:  # noqa: BLE001 - the spec's 500
            return error_response(f"Failed to get alert groups: {e}", 500)
        finally:
            view.record_silence_queries()
        status = deps.marker.status
        parts: list[bytes] = []
        for g in groups:
            muted_by: Sequence[str] = ()
            if deps.group_muted is not None:
                muted_by, muted = deps.group_muted(g.route_id, g.group_key)
                if muted and not show_muted:
                    continue
            rendered = [
                view.render(a, tuple(receivers.get(a.fingerprint, ())), status(a.fingerprint), muted_by)
                for a in g.alerts
            ]
            route_labels = getattr(g, "route_labels", None) or {}
            parts.append(
                b'{"alerts":[' + b",".join(rendered) + b'],"labels":' + orjson.dumps(sorted_labels(g.labels))
                + b',"receiver":' + orjson.dumps({"name": g.receiver})
                + b',"routeLabels":' + orjson.dumps(sorted_labels(route_labels)) + b"}"
            )
        return json_bytes_response(b"[" + b",".join(parts) + b"]")
