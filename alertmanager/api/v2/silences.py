"""``/api/v2/silences`` and ``/api/v2/silence/{silenceID}``: list, create/update, get, expire."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    format_time,
    json_response,
    parse_filter,
    parse_time,
    query_bool,
    read_body,
    sorted_labels,
)
from alertmanager.model.matchers import Matcher, MatcherError, MatchType
from alertmanager.silences import GO_ZERO_TIME, Silence, SilenceError, SilenceNotFound, SilenceState

__all__ = ["SilencesResource", "parse_postable_silence", "silence_json", "sort_silences"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_STATE_ORDER = {"active": 1, "pending": 2, "expired": 3}
_TYPE_FLAGS = {  # (isEqual, isRegex) per matcher type
    MatchType.EQUAL: (True, False),
    MatchType.NOT_EQUAL: (False, False),
    MatchType.REGEX: (True, True),
    MatchType.NOT_REGEX: (False, True),
}


class PostSilenceError(ValueError):
    """A body that is not a ``postableSilence`` (400 with go-swagger's wording)."""


def silence_json(sil: Silence, now: datetime) -> dict[str, Any]:
    """The ``gettableSilence`` JSON, with upstream's field order."""
    matchers = []
    for m in sil.matchers:
        is_equal, is_regex = _TYPE_FLAGS[m.type]
        matchers.append({"isEqual": is_equal, "isRegex": is_regex, "name": m.name, "value": m.value})
    return {
        "id": sil.id,
        "status": {"state": sil.state(now)},
        "updatedAt": format_time(sil.updated_at),
        "annotations": sorted_labels(getattr(sil, "annotations", None) or {}),
        "comment": sil.comment,
        "createdBy": sil.created_by,
        "endsAt": format_time(sil.ends_at),
        "matchers": matchers,
        "startsAt": format_time(sil.starts_at),
    }


def sort_silences(sils: list[Silence], now: datetime) -> None:
    """Active first (next to end first), then pending (next to start), then expired (latest first)."""

    def key(s: Silence) -> tuple[int, float]:
        state = s.state(now)
        if state == "active":
            return 1, s.ends_at.timestamp()
        if state == "pending":
            return 2, s.starts_at.timestamp()
        return 3, -s.ends_at.timestamp()

    sils.sort(key=key)


def _matches_filter(sil: Silence, filters: Sequence[Matcher]) -> bool:
    """Upstream: every filter matcher equals (name, type, value) one of the silence's matchers."""
    own = {(m.name, m.type, m.value) for m in sil.matchers}
    return all((f.name, f.type, f.value) in own for f in filters)


def _required(doc: dict[str, Any], name: str, kind: type) -> Any:
    value = doc.get(name)
    if value is None:
        raise PostSilenceError(f"{name} in body is required")
    if not isinstance(value, kind):
        raise PostSilenceError(f"{name} in body must be of type {kind.__name__.replace('str', 'string')}")
    return value


def _time(doc: dict[str, Any], name: str) -> datetime:
    text = _required(doc, name, str)
    try:
        t = parse_time(text)
    except ValueError:
        raise PostSilenceError(f'{name} in body must be of type date-time: "{text}"') from None
    return GO_ZERO_TIME if t is None else t


def _matchers(doc: dict[str, Any]) -> tuple[Matcher, ...]:
    items = _required(doc, "matchers", list)
    if not items:
        raise PostSilenceError("matchers in body should have at least 1 items")
    out: list[Matcher] = []
    for i, m in enumerate(items):
        if not isinstance(m, dict):
            raise PostSilenceError(f"matchers.{i} in body must be of type object")
        for field, kind in (("isRegex", bool), ("name", str), ("value", str)):
            value = m.get(field)
            if value is None:
                raise PostSilenceError(f"matchers.{i}.{field} in body is required")
            if not isinstance(value, kind):
                raise PostSilenceError(f"matchers.{i}.{field} in body must be of type {kind.__name__}"
                                       .replace("type str", "type string").replace("type bool", "type boolean"))
        is_equal = m.get("isEqual", True)
        if is_equal is None:
            is_equal = True
        if not isinstance(is_equal, bool):
            raise PostSilenceError(f"matchers.{i}.isEqual in body must be of type boolean")
        mtype = {(True, False): MatchType.EQUAL, (False, False): MatchType.NOT_EQUAL,
                 (True, True): MatchType.REGEX, (False, True): MatchType.NOT_REGEX}[(is_equal, m["isRegex"])]
        try:
            out.append(Matcher.create(m["name"], mtype, m["value"]))
        except MatcherError as e:
            raise PostSilenceError(
                f'silence invalid: invalid label matcher {i}: invalid regular expression "{m["value"]}": {e}'
            ) from None
    return tuple(out)


def parse_postable_silence(body: bytes) -> Silence:
    """The ``postableSilence`` body as a ``Silence`` (empty id = new); ``PostSilenceError``."""
    try:
        doc = decode_json(body)
    except orjson.JSONDecodeError as e:
        raise PostSilenceError(f'parsing silence body from "" failed, because {e}') from None
    if doc is None:
        raise PostSilenceError("silence in body is required")
    if not isinstance(doc, dict):
        raise PostSilenceError('parsing silence body from "" failed, because json: cannot unmarshal '
                               "into Go value of type models.PostableSilence")
    # go-swagger checks the properties in this order.
    comment = _required(doc, "comment", str)
    created_by = _required(doc, "createdBy", str)
    ends_at = _time(doc, "endsAt")
    matchers = _matchers(doc)
    starts_at = _time(doc, "startsAt")
    sid = doc.get("id") or ""
    if not isinstance(sid, str):
        raise PostSilenceError("id in body must be of type string")
    return Silence(id=sid, matchers=matchers, starts_at=starts_at, ends_at=ends_at,
                   created_by=created_by, comment=comment)


class SilencesResource:
    """The silence operations over the silence store."""

    def __init__(self, deps: ApiDeps) -> None:
        self._deps = deps

    async def list(self, request: Request) -> Response:
        deps = self._deps
        try:
            filters = parse_filter(request.query_params.getlist("filter"))
        except MatcherError as e:
            return error_response(str(e))
        all_states: tuple[SilenceState, ...] = ("active", "expired", "pending")
        states = [s for s in all_states if query_bool(request, s)]
        now = deps.clock()
        try:
            sils = deps.silences.query(states=states, now=now)
        except Exception as e:  # noqa: BLE001 - the spec's 500 carries the reason
            return error_response(str(e), 500)
        sils = [s for s in sils if _matches_filter(s, filters)]
        sort_silences(sils, now)
        return json_response([silence_json(s, now) for s in sils])

    async def post(self, request: Request) -> Response:
        deps = self._deps
        try:
            sil = parse_postable_silence(await read_body(request, deps.max_request_bytes))
        except BodyTooLarge as e:
            return error_response(str(e), 413)
        except PostSilenceError as e:
            return error_response(str(e))
        now = deps.clock()
        if sil.starts_at >= sil.ends_at:
            return error_response("Failed to create silence: start time must be before end time")
        if sil.ends_at < now:
            return error_response("Failed to create silence: end time can't be in the past")
        try:
            sid = deps.silences.set(sil)
        except SilenceNotFound as e:
            return error_response(str(e), 404)
        except SilenceError as e:
            return error_response(str(e))
        return json_response({"silenceID": sid})

    def _lookup(self, request: Request) -> Silence | Response:
        sid: str = request.path_params["silence_id"]
        if _UUID.fullmatch(sid) is None:
            return error_response(f'silenceID in path must be of type uuid: "{sid}"', 404)
        try:
            return self._deps.silences.get(sid)
        except SilenceNotFound:
            return Response(status_code=404, headers={"Cache-Control": "no-store"})

    async def get(self, request: Request) -> Response:
        found = self._lookup(request)
        if isinstance(found, Response):
            return found
        return json_response(silence_json(found, self._deps.clock()))

    async def delete(self, request: Request) -> Response:
        found = self._lookup(request)
        if isinstance(found, Response):
            return found
        try:
            self._deps.silences.expire(found.id)
        except SilenceNotFound:
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        except Exception as e:  # noqa: BLE001 - the spec's 500 carries the reason
            return error_response(str(e), 500)
        return Response(status_code=200, headers={"Cache-Control": "no-store"})
