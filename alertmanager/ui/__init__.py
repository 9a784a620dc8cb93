"""The web UI: server-rendered alerts, silences and status pages with a little plain JavaScript."""

from alertmanager.ui._deps import GroupsFn, UiDeps
from alertmanager.ui.app import create_ui, ui_routes

__all__ = ["GroupsFn", "UiDeps", "create_ui", "ui_routes"]
