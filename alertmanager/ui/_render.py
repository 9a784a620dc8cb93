"""Rendering: the Jinja2 environment, the shared page context and small response helpers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from alertmanager.ui._deps import UiDeps
from alertmanager.ui._fmt import format_duration, format_time, normalize_prefix

__all__ = ["Renderer", "same_origin"]

_HERE = Path(__file__).parent
_NO_STORE = {"Cache-Control": "no-store"}


class Renderer:
    """Renders templates with what every page shows (prefix, version, now)."""

    def __init__(self, deps: UiDeps) -> None:
        self.deps = deps
        self.base = normalize_prefix(deps.route_prefix)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["time"] = format_time
        self._env.filters["duration"] = format_duration

    def html(self, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.text(name, **context), status_code=status, headers=_NO_STORE)

    def text(self, name: str, **context: Any) -> str:
        deps = self.deps
        now: datetime = context.pop("now", None) or deps.clock()
        ctx = {
            "base": self.base,
            "static": f"{self.base}/ui/static",
            "version": deps.version_info.get("version", ""),
            "now": now,
            "nav": "",
            "title": "Alertmanager",
            **context,
        }
        return self._env.get_template(name).render(ctx)


def same_origin(request: Request, external_url: str) -> bool:
    """Whether a form post comes from our own pages (a cross-site form must not create silences)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return True
    host = urlsplit(origin).netloc
    allowed = {request.headers.get("host", ""), urlsplit(external_url).netloc}
    return host in allowed
