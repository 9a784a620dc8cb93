"""``/api/v2/alerts``: list alerts (GET) and receive them from Prometheus (POST)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from alertmanager.api._deps import ApiDeps
from alertmanager.api._http import (
    BodyTooLarge,
    decode_json,
    error_response,
    json_bytes_response,
    match_filter_labels,
    parse_filter,
    parse_time,
    query_bool,
    read_body,
)
from alertmanager.api._metrics import AlertsMetrics
from alertmanager.api.v2._view import AlertView, compile_receiver_regex, make_alert_filter, receiver_labels
from alertmanager.model.alert import Alert, validate_alert
from alertmanager.model.matchers import Matcher, MatcherError

__all__ = ["AlertsResource", "ReceiverSelection", "parse_postable_alerts", "parse_receiver_selection"]

_PARSE_PREFIX = 'parsing alerts body from "" failed, because '


class PostError(ValueError):
    """A body that is not a list of postable alerts (400 with go-swagger's wording)."""


@dataclass(frozen=True, slots=True)
class ReceiverSelection:
    """The ``receiver`` regex and ``receiver_matchers`` query parameters, parsed."""

    regex: Any
    matchers: list[Matcher]
    labels: Mapping[str, Mapping[str, str]]

    def route_ok(self, receiver: str) -> bool:
        if self.regex is not None and self.regex.fullmatch(receiver) is None:
            return False
        if self.matchers:
            lbls = self.labels.get(receiver)
            return lbls is not None and match_filter_labels(self.matchers, lbls)
        return True

    def alert_ok(self, receivers: tuple[str, ...]) -> bool:
        if self.regex is not None and not any(self.regex.fullmatch(r) for r in receivers):
            return False
        if self.matchers:
            return any(
                (lbls := self.labels.get(r)) is not None and match_filter_labels(self.matchers, lbls)
                for r in receivers
            )
        return True


def parse_receiver_selection(request: Request, deps: ApiDeps) -> ReceiverSelection | Response:
    """The receiver filters of a request, or the 400 answer to them."""
    regex = None
    text = request.query_params.get("receiver")
    if text is not None:
        try:
            regex = compile_receiver_regex(text)
        except MatcherError as e:
            return error_response(f"failed to parse receiver param: {e}")
    try:
        rmatchers = parse_filter(request.query_params.getlist("receiver_matchers"))
    except MatcherError as e:
        return error_response(f"failed to parse receiver_matchers param: {e}")
    labels = receiver_labels(deps.config()) if rmatchers else {}
    return ReceiverSelection(regex, rmatchers, labels)


def _label_map(value: Any, where: str) -> dict[str, str]:
    """A decoded JSON object of strings, used as is (the decoder made it fresh for us)."""
    if value is None:
        return {}
    if type(value) is not dict:
        raise PostError(_PARSE_PREFIX + f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
                        f"{where} of type models.LabelSet")
    for v in value.values():
        if type(v) is not str:
            raise PostError(_PARSE_PREFIX + f"json: cannot unmarshal {_json_kind(v)} into Go struct field "
                            f"{where} of type string")
    return value


def _json_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


_TIMES_LIMIT = 4096
_times: dict[str, datetime | None] = {}
"""Recently parsed time strings. Prometheus repeats them: an alert's ``startsAt`` in every
resend, one ``endsAt`` for all alerts of a rule evaluation. Datetimes are immutable: sharing is safe."""


def _time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if type(value) is not str:
        raise PostError(_PARSE_PREFIX + f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
                        f"{field} of type strfmt.DateTime")
    try:
        return _times[value]
    except KeyError:
        pass
    try:
        t = parse_time(value)
    except ValueError:
        raise PostError(_PARSE_PREFIX + f'parsing time "{value}": not an RFC 3339 date-time') from None
    if len(_times) >= _TIMES_LIMIT:
        _times.clear()
    _times[value] = t
    return t


# What go-openapi's strfmt.URI refuses: whitespace, control characters, and these.
_BAD_URI_CHAR = re.compile(r'[\s\x00-\x1f"<>\\^`{|}]')


def _valid_uri(text: str) -> bool:
    return _BAD_URI_CHAR.search(text) is None


def parse_postable_alerts(body: bytes) -> list[Alert]:
    """The ``postableAlerts`` body as alerts (times unset where not given); ``PostError``."""
    try:
        doc = decode_json(body)
    except orjson.JSONDecodeError as e:
        raise PostError(_PARSE_PREFIX + str(e)) from None
    if doc is None:
        raise PostError("alerts in body is required")
    if not isinstance(doc, list):
        raise PostError(_PARSE_PREFIX + f"json: cannot unmarshal {_json_kind(doc)} into Go value of type "
                        "models.PostableAlerts")
    out: list[Alert] = []
    for i, item in enumerate(doc):
        if not isinstance(item, dict):
            raise PostError(_PARSE_PREFIX + f"json: cannot unmarshal {_json_kind(item)} into Go value of type "
                            "models.PostableAlert")
        if item.get("labels") is None:
            raise PostError(f"{i}.labels in body is required")
        labels = _label_map(item["labels"], "Alert.labels")
        annotations = _label_map(item.get("annotations"), "PostableAlert.annotations")
        url = item.get("generatorURL")
        if url is None:
            url = ""
        if not isinstance(url, str):
            raise PostError(_PARSE_PREFIX + f"json: cannot unmarshal {_json_kind(url)} into Go struct field "
                            "Alert.generatorURL of type strfmt.URI")
        if url and not _valid_uri(url):
            raise PostError(f'{i}.generatorURL in body must be of type uri: "{url}"')
        if "" in labels.values():
            labels = {k: v for k, v in labels.items() if v != ""}  # upstream's removeEmptyLabels
        out.append(Alert(
            labels=labels,
            annotations=annotations,
            starts_at=_time(item.get("startsAt"), "PostableAlert.startsAt"),
            ends_at=_time(item.get("endsAt"), "PostableAlert.endsAt"),
            generator_url=url,
        ))
    return out


class AlertsResource:
    """The two ``/alerts`` operations over the alert store."""

    def __init__(self, deps: ApiDeps, view: AlertView, metrics: AlertsMetrics) -> None:
        self._deps = deps
        self._view = view
        self._metrics = metrics
        # Reused for every accepted POST: a Response's ASGI call does not change it.
        self.accepted = Response(status_code=200, headers={"Cache-Control": "no-store"})

    async def get(self, request: Request) -> Response:
        deps, view = self._deps, self._view
        try:
            matchers = parse_filter(request.query_params.getlist("filter"))
        except MatcherError as e:
            return error_response(str(e))
        sel = parse_receiver_selection(request, deps)
        if isinstance(sel, Response):
            return sel
        keep = make_alert_filter(
            view, matchers,
            active=query_bool(request, "active"), silenced=query_bool(request, "silenced"),
            inhibited=query_bool(request, "inhibited"), unprocessed=query_bool(request, "unprocessed"),
        )
        cfg = deps.config()
        now = deps.clock()
        status = deps.marker.status
        alerts = deps.alerts.list()
        alerts.sort(key=lambda a: a.fingerprint)
        parts: list[bytes] = []
        for alert in alerts:
            receivers = view.receivers(alert, cfg)
            if not sel.alert_ok(receivers) or not keep(alert, now):
                continue
            parts.append(view.render(alert, receivers, status(alert.fingerprint)))
        view.record_silence_queries()
        view.prune(len(alerts))
        return json_bytes_response(b"[" + b",".join(parts) + b"]")

    def ingest(self, alerts: list[Alert]) -> list[str]:
        """Upstream's POST semantics for parsed alerts: fill in times, store the valid ones,
        and return the reasons the others were refused."""
        deps = self._deps
        now = deps.clock()
        resolve_timeout = deps.config().global_.resolve_timeout
        firing = 0
        for a in alerts:
            a.updated_at = now
            if a.starts_at is None:
                a.starts_at = now if a.ends_at is None else a.ends_at
            if a.ends_at is None:
                a.timeout = True
                a.ends_at = now + resolve_timeout
            if a.ends_at > now:
                firing += 1
        if firing:
            self._metrics.firing.inc(firing)
        if firing < len(alerts):
            self._metrics.resolved.inc(len(alerts) - firing)
        valid: list[Alert] = []
        errors: list[str] = []
        for a in alerts:
            reason = validate_alert(a)
            if reason is not None:
                errors.append(reason)
                self._metrics.invalid.inc()
                continue
            valid.append(a)
        deps.alerts.put(*valid, now=now)
        return errors

    def ingest_postable(self, items: list[dict[str, Any]]) -> list[str]:
        """``ingest`` for alerts in the ``postableAlerts`` JSON shape (the SNS bridge's output)."""
        return self.ingest(parse_postable_alerts(orjson.dumps(items)))

    async def post(self, request: Request) -> Response:
        try:
            body = await read_body(request, self._deps.max_request_bytes)
        except BodyTooLarge as e:
            return error_response(str(e), 413)
        return self.respond(body)

    def respond(self, body: bytes) -> Response:
        """The answer to a POST of ``body`` (already read within the size limit)."""
        try:
            alerts = parse_postable_alerts(body)
        except PostError as e:
            return error_response(str(e))
        errors = self.ingest(alerts)
        if errors:
            return error_response("\n".join(errors))
        return self.accepted
