"""The silences pages: the list with its tabs, one silence, and the create / edit form with preview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from alertmanager.model.matchers import Matcher, MatcherError, MatchType, matches_all, parse_matchers
from alertmanager.silences import Silence, SilenceError, SilenceNotFound, SilenceState
from alertmanager.ui._fmt import matchers_text, relative
from alertmanager.ui._form import (
    OPERATORS,
    SilenceForm,
    build_silence,
    form_for_matchers,
    form_for_silence,
    form_from_post,
    parse_rows,
    record_error,
)
from alertmanager.ui._render import Renderer, same_origin

__all__ = ["Preview", "SilencePages", "preview_alerts"]

_TABS: tuple[SilenceState, ...] = ("active", "pending", "expired")
_AUTHOR_COOKIE = "am_author"
PREVIEW_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Preview:
    """The alerts a silence with these matchers would mute now (the first ``PREVIEW_LIMIT``)."""

    total: int
    alerts: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    ready: bool


def preview_alerts(render: Renderer, matchers: Sequence[Matcher], now: datetime) -> Preview:
    if not matchers:
        return Preview(0, (), False)
    found = [a for a in render.deps.alerts.list()
             if not a.resolved(now) and matches_all(matchers, a.labels)]
    found.sort(key=lambda a: sorted(a.labels.items()))
    shown = tuple((a.fingerprint_hex, tuple(sorted(a.labels.items()))) for a in found[:PREVIEW_LIMIT])
    return Preview(len(found), shown, True)


def _filter_ok(sil: Silence, filters: Sequence[Matcher]) -> bool:
    """A filter matcher keeps a silence with the same matcher, or an equality matcher it accepts."""
    own = {(m.name, m.type, m.value) for m in sil.matchers}
    for f in filters:
        if (f.name, f.type, f.value) in own:
            continue
        if not any(m.name == f.name and m.type is MatchType.EQUAL and f.matches(m.value) for m in sil.matchers):
            return False
    return True


class SilencePages:
    """Handlers for ``/ui/silences…``; writes go straight to the silence store."""

    def __init__(self, render: Renderer) -> None:
        self._render = render

    @property
    def _base(self) -> str:
        return self._render.base

    def _not_found(self, sid: str) -> Response:
        return self._render.html("message.html", status=404, title="Silence not found",
                                 message=f"No silence has the id {sid}.", nav="silences")

    def _get(self, sid: str) -> Silence | None:
        try:
            return self._render.deps.silences.get(sid)
        except SilenceNotFound:
            return None

    async def list(self, request: Request) -> Response:
        deps = self._render.deps
        now = deps.clock()
        tab = request.query_params.get("tab", "active")
        tab = tab if tab in _TABS else "active"
        filter_text = request.query_params.get("filter", "").strip()
        error = ""
        filters: list[Matcher] = []
        if filter_text:
            try:
                filters = parse_matchers(filter_text)
            except MatcherError as e:
                error = str(e)
        sils = [s for s in deps.silences.query(now=now) if _filter_ok(s, filters)]
        counts = {t: 0 for t in _TABS}
        for s in sils:
            counts[s.state(now)] += 1
        shown = [s for s in sils if s.state(now) == tab]
        if tab == "active":
            shown.sort(key=lambda s: s.ends_at)
        elif tab == "pending":
            shown.sort(key=lambda s: s.starts_at)
        else:
            shown.sort(key=lambda s: s.ends_at, reverse=True)
        tabs = [(t, counts[t], f"{self._base}/ui/silences?" + urlencode(
            {"tab": t, **({"filter": filter_text} if filter_text else {})})) for t in _TABS]
        return self._render.html(
            "silences.html", nav="silences", title="Silences · Alertmanager", now=now, tab=tab, tabs=tabs,
            silences=shown, filter_text=filter_text, error=error, relative=relative,
        )

    async def show(self, request: Request) -> Response:
        sid = request.path_params["silence_id"]
        sil = self._get(sid)
        if sil is None:
            return self._not_found(sid)
        now = self._render.deps.clock()
        return self._render.html(
            "silence.html", nav="silences", title=f"Silence {sid} · Alertmanager", now=now, sil=sil,
            state=sil.state(now), preview=preview_alerts(self._render, sil.matchers, now),
            recreate_href=f"{self._base}/ui/silences/new?from={quote(sid)}",
            message=request.query_params.get("msg", ""), relative=relative,
        )

    def _form_page(self, request: Request, form: SilenceForm, now: datetime, *, status: int = 200,
                   preview: bool = True) -> Response:
        editing = bool(form.id)
        action = f"{self._base}/ui/silences/{quote(form.id)}/edit" if editing else f"{self._base}/ui/silences/new"
        matchers = parse_rows(form, record=False)
        return self._render.html(
            "silence_form.html", status=status, nav="silences", now=now,
            title=("Edit silence" if editing else "New silence") + " · Alertmanager",
            form=form, operators=OPERATORS, action=action, editing=editing,
            preview=preview_alerts(self._render, matchers, now) if preview else Preview(0, (), False),
        )

    async def new(self, request: Request) -> Response:
        deps = self._render.deps
        now = deps.clock()
        author = request.cookies.get(_AUTHOR_COOKIE, "")
        source = request.query_params.get("from", "")
        if source:
            sil = self._get(source)
            if sil is None:
                return self._not_found(source)
            return self._form_page(request, form_for_silence(sil, now, keep_id=False, author=author), now)
        matchers: list[Matcher] = []
        form_errors: dict[str, str] = {}
        for text in request.query_params.getlist("filter"):
            try:
                matchers.extend(parse_matchers(text))
            except MatcherError as e:
                form_errors["matchers"] = f"bad filter {text!r}: {e}"
        form = form_for_matchers(matchers, now, author)
        form.errors.update(form_errors)
        return self._form_page(request, form, now)

    async def edit(self, request: Request) -> Response:
        sid = request.path_params["silence_id"]
        sil = self._get(sid)
        if sil is None:
            return self._not_found(sid)
        now = self._render.deps.clock()
        return self._form_page(request, form_for_silence(sil, now, keep_id=True), now)

    async def save(self, request: Request) -> Response:
        """POST of the form: preview, or create / update through the store."""
        deps = self._render.deps
        if not same_origin(request, deps.external_url):
            return self._render.html("message.html", status=403, title="Forbidden",
                                     message="Cross-site form posts are refused.", nav="silences")
        now = deps.clock()
        data = await request.form()
        form = form_from_post(data)
        if "silence_id" in request.path_params:
            form.id = request.path_params["silence_id"]
        if data.get("action") == "preview":
            return self._form_page(request, form, now)
        sil = build_silence(form, now)
        if sil is None:
            return self._form_page(request, form, now, status=400)
        try:
            sid = deps.silences.set(sil)
        except SilenceNotFound:
            return self._not_found(form.id)
        except SilenceError as e:
            record_error(form, e)
            return self._form_page(request, form, now, status=400)
        response = RedirectResponse(f"{self._base}/ui/silences/{quote(sid)}?msg=saved", status_code=303)
        response.set_cookie(_AUTHOR_COOKIE, form.created_by, max_age=365 * 86400, path=self._base or "/",
                            samesite="lax")
        return response

    async def expire(self, request: Request) -> Response:
        deps = self._render.deps
        if not same_origin(request, deps.external_url):
            return self._render.html("message.html", status=403, title="Forbidden",
                                     message="Cross-site form posts are refused.", nav="silences")
        sid = request.path_params["silence_id"]
        try:
            deps.silences.expire(sid)
        except SilenceNotFound:
            return self._not_found(sid)
        except SilenceError as e:
            return self._render.html("message.html", status=400, title="Cannot expire", message=str(e),
                                     nav="silences")
        return RedirectResponse(f"{self._base}/ui/silences/{quote(sid)}?msg=expired", status_code=303)

    async def preview(self, request: Request) -> Response:
        """The preview box alone, for the form's script (fields as query parameters)."""
        now = self._render.deps.clock()
        form = form_from_post(request.query_params)
        matchers = parse_rows(form)
        return self._render.html("_preview.html", preview=preview_alerts(self._render, matchers, now),
                                 filter_text=matchers_text(matchers))
