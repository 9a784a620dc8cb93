"""``/api/v2/receivers``: the configured receivers, optionally filtered by their labels."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from alertmanager.api._deps import ApiDeps
from alertmanager.api._http import error_response, json_response, match_filter_labels, parse_filter, sorted_labels
from alertmanager.model.matchers import MatcherError

__all__ = ["ReceiversResource"]


class ReceiversResource:
    def __init__(self, deps: ApiDeps) -> None:
        self._deps = deps

    async def get(self, request: Request) -> Response:
        try:
            matchers = parse_filter(request.query_params.getlist("receiver_matchers"))
        except MatcherError as e:
            return error_response(f"failed to parse receiver_matchers param: {e}")
        out: list[dict[str, Any]] = []
        for rcv in self._deps.config().receivers:
            labels = rcv.labels
            if matchers and not match_filter_labels(matchers, labels):
                continue
            item: dict[str, Any] = {}
            if labels:
                item["labels"] = sorted_labels(labels)
            item["name"] = rcv.name
            out.append(item)
        return json_response(out)
