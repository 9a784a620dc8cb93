"""``/api/v2/status``: version, configuration, cluster and uptime."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from alertmanager.api._deps import ApiDeps
from alertmanager.api._http import format_time, json_response

__all__ = ["StatusResource"]

_VERSION_KEYS = ("branch", "buildDate", "buildUser", "goVersion", "revision", "version")


class StatusResource:
    def __init__(self, deps: ApiDeps) -> None:
        self._deps = deps

    def _cluster(self) -> dict[str, Any]:
        provider = self._deps.cluster_status
        if provider is None:
            return {"peers": [], "status": "disabled"}
        info = provider()
        peers = sorted(
            ({"address": str(p["address"]), "name": str(p["name"])} for p in info.get("peers", ())),
            key=lambda p: p["name"],
        )
        out: dict[str, Any] = {}
        if info.get("name"):
            out["name"] = str(info["name"])
        out["peers"] = peers
        out["status"] = str(info.get("status", "disabled"))
        return out

    async def get(self, request: Request) -> Response:
        deps = self._deps
        return json_response({
            "cluster": self._cluster(),
            "config": {"original": deps.config_dump()},
            "uptime": format_time(deps.start_time),
            "versionInfo": {k: str(deps.version_info.get(k, "")) for k in _VERSION_KEYS},
        })
