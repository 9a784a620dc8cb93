"""The web UI's routes: ``/`` and everything under ``/ui/``, all under ``--web.route-prefix``."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from alertmanager.ui._deps import UiDeps
from alertmanager.ui._pages import AlertPages, StatusPage
from alertmanager.ui._render import Renderer
from alertmanager.ui._silence_pages import SilencePages

__all__ = ["create_ui", "ui_routes"]

_STATIC = Path(__file__).parent / "static"


def ui_routes(deps: UiDeps) -> list[BaseRoute]:
    """The UI's routes with the route prefix already in their paths.

    They claim only ``<prefix>/`` (and ``<prefix>`` itself) and ``<prefix>/ui/…``, so they can
    sit in front of the API's routes in one router.
    """
    render = Renderer(deps)
    base = render.base
    alerts = AlertPages(render)
    silences = SilencePages(render)
    status = StatusPage(render)
    inner: list[BaseRoute] = [
        Route("/alerts", alerts.alerts, methods=["GET"]),
        Route("/alerts/fragment", alerts.fragment, methods=["GET"]),
        Route("/silences", silences.list, methods=["GET"]),
        Route("/silences/new", silences.new, methods=["GET"]),
        Route("/silences/new", silences.save, methods=["POST"]),
        Route("/silences/preview", silences.preview, methods=["GET"]),
        Route("/silences/{silence_id}", silences.show, methods=["GET"]),
        Route("/silences/{silence_id}/edit", silences.edit, methods=["GET"]),
        Route("/silences/{silence_id}/edit", silences.save, methods=["POST"]),
        Route("/silences/{silence_id}/expire", silences.expire, methods=["POST"]),
        Route("/status", status.get, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=_STATIC), name="ui-static"),
    ]
    routes: list[BaseRoute] = [Route(base + "/", alerts.index, methods=["GET"])]
    if base:
        routes.append(Route(base, alerts.index, methods=["GET"]))
    routes.append(Mount(base + "/ui", routes=inner))
    return routes


def create_ui(deps: UiDeps) -> Starlette:
    """The UI alone as an application (tests, or mounting in front of the API)."""
    return Starlette(routes=ui_routes(deps))
