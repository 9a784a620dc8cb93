"""The incident.io receiver (``incidentio_configs``, upstream 0.29+): config and notifier."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Self

import httpx

from alertmanager.config.httpconfig import Authorization, HTTPClientConfig
from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import URL, GoDuration, Secret, UInt64
from alertmanager.model.alert import Alert
from alertmanager.model.duration import format_go_duration
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import GO_ZERO_TIME, go_json, go_time
from alertmanager.notify.http import new_client
from alertmanager.notify.notifier import NotifierDeps, NotifyError, reason_from_status
from receivers._gohttp import read_trimmed, send
from receivers._render import template_data

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "IncidentioConfig", "IncidentioNotifier", "build_payload"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentioConfig(HTTPNotifierConfig):
    """One ``incidentio_configs`` entry."""

    GO_TYPE: ClassVar[str] = "incidentio.plain"

    send_resolved: bool = True
    url: URL | None = None
    url_file: str = ""
    alert_source_token: Secret | None = None
    alert_source_token_file: str = ""
    max_alerts: UInt64 = UInt64(0)
    timeout: GoDuration = GoDuration(timedelta(0))

    def _validate(self) -> Self:
        token = bool(self.alert_source_token or self.alert_source_token_file)
        if self.url is None and not self.url_file:
            raise ValueError("one of url or url_file must be configured")
        if self.url is not None and self.url_file:
            raise ValueError("at most one of url & url_file must be configured")
        if self.alert_source_token and self.alert_source_token_file:
            raise ValueError("at most one of alert_source_token & alert_source_token_file must be configured")
        authz = self.http_config is not None and self.http_config.authorization is not None
        if authz and token:
            raise ValueError("cannot specify alert_source_token or alert_source_token_file when using "
                             "http_config.authorization")
        if self.http_config is not None and not authz and not token:
            raise ValueError("at least one of alert_source_token, alert_source_token_file or "
                             "http_config.authorization must be configured")
        return self


CONFIG = IncidentioConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_JSON = {"Content-Type": "application/json"}

_MAX_PAYLOAD_BYTES = 512 * 1024


def _sorted(kv: Mapping[str, str]) -> dict[str, str]:
    return {k: kv[k] for k in sorted(kv)}


def build_payload(ctx: NotifyContext, alerts: Sequence[Alert], *, external_url: str,
                  truncated: int = 0) -> dict[str, object]:
    """Upstream's incident.io ``Message``: the 0.34 template data (with ``notification_reason`` and
    ``routeLabels``), then version "1", the group key and how many alerts ``max_alerts`` cut.

    A firing alert's ``endsAt`` is Go's zero time, as upstream's dispatcher leaves it.
    """
    data = template_data(ctx, alerts, external_url)
    # Upstream logs "Missing notification reason" and uses "unknown" when the context has none.
    reason = getattr(ctx, "notification_reason", "") or "unknown"
    return {
        "receiver": data.Receiver,
        "status": data.Status,
        "alerts": [
            {"status": a.Status, "labels": _sorted(a.Labels), "annotations": _sorted(a.Annotations),
             "startsAt": go_time(src.starts_at),
             "endsAt": go_time(src.ends_at) if a.Status == "resolved" else GO_ZERO_TIME,
             "generatorURL": a.GeneratorURL, "fingerprint": a.Fingerprint}
            for a, src in zip(data.Alerts, alerts, strict=True)
        ],
        "notification_reason": reason,
        "groupLabels": _sorted(data.GroupLabels),
        "commonLabels": _sorted(data.CommonLabels),
        "commonAnnotations": _sorted(data.CommonAnnotations),
        "routeLabels": _sorted(ctx.route_labels),
        "externalURL": external_url,
        "version": "1",
        "groupKey": ctx.group_key,
        "truncatedAlerts": truncated,
    }


def encode(payload: dict[str, object]) -> bytes:
    """The JSON body; above 512 KiB only the first alert is kept (``truncatedAlerts`` unchanged)."""
    body = go_json(payload)
    alerts = payload["alerts"]
    if len(body) <= _MAX_PAYLOAD_BYTES or not isinstance(alerts, list):
        return body
    return go_json({**payload, "alerts": alerts[:1]})


def _details(resp: httpx.Response) -> str:
    """Upstream's ``errDetails``: message, error and errors from a JSON error body."""
    try:
        data = json.loads(resp.text)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data[k]) for k in ("message", "error") if isinstance(data.get(k), str) and data[k]]
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        parts.append(", ".join(str(e) for e in errors))
    return ": ".join(parts)


class IncidentioNotifier:
    """Posts the group to an incident.io alert source; 5xx and 429 are retried."""

    def __init__(self, conf: IncidentioConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        http = conf.http_config or HTTPClientConfig()
        if conf.alert_source_token or conf.alert_source_token_file:
            http = dataclasses.replace(http, authorization=Authorization(
                type="Bearer", credentials=conf.alert_source_token or None,
                credentials_file=conf.alert_source_token_file))
        self._client = new_client(http, transport=deps.transport)

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        limit, truncated = self.conf.max_alerts, 0
        if limit and len(alerts) > limit:
            alerts, truncated = alerts[:limit], len(alerts) - limit
        body = encode(build_payload(ctx, alerts, external_url=self._external_url, truncated=truncated))
        url = str(self.conf.url) if self.conf.url is not None else read_trimmed(self.conf.url_file,
                                                                                "read url_file")
        timeout = self.conf.timeout.total_seconds() or None
        try:
            async with asyncio.timeout(timeout):
                resp = await send(self._client, "POST", url, body=body, headers=_JSON)
        except TimeoutError:
            raise NotifyError(f'Post "<redacted>": context deadline exceeded: configured incident.io timeout '
                              f"reached ({format_go_duration(self.conf.timeout)})", retryable=True,
                              reason="contextDeadlineExceeded") from None
        code = resp.status_code
        if code // 100 == 2:
            return
        message = f"unexpected status code {code}"
        details = _details(resp)
        if details:
            message = f"{message}: {details}"
        raise NotifyError(message, retryable=code // 100 == 5 or code == 429, reason=reason_from_status(code))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = IncidentioNotifier
"""The notifier class the app builds for each ``incidentio_configs`` entry."""
