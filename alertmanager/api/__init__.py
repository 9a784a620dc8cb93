"""The HTTP API: ``/api/v2`` (upstream's OpenAPI contract), ``/-/`` ops endpoints and ``/metrics``."""

from alertmanager.api._deps import ApiDeps, SnsOptions, default_version_info
from alertmanager.api._fastpost import FastAlertsPost, FrontedStarlette
from alertmanager.api.app import create_api

__all__ = ["ApiDeps", "FastAlertsPost", "FrontedStarlette", "SnsOptions", "create_api", "default_version_info"]
