"""The PagerDuty receiver (``pagerduty_configs``): config."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Self

import httpx
import yaml

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, GoDuration, Secret
from alertmanager.model.alert import Alert
from alertmanager.model.duration import format_go_duration
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError, reason_from_status
from receivers._render import Renderer, group_key_hash, read_file_secret, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "DEFAULT_DETAILS", "GLOBAL_FALLBACKS", "NOTIFIER", "V1_API_URL", "PagerdutyConfig",
           "PagerdutyImage", "PagerdutyLink", "PagerdutyNotifier"]

DEFAULT_DETAILS = {
    "firing": "{{ .Alerts.Firing | toJson }}",
    "resolved": "{{ .Alerts.Resolved | toJson }}",
    "num_firing": "{{ .Alerts.Firing | len }}",
    "num_resolved": "{{ .Alerts.Resolved | len }}",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PagerdutyImage:
    GO_TYPE: ClassVar[str] = "pagerduty.PagerdutyImage"

    src: str = ""
    alt: str = ""
    href: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PagerdutyLink:
    GO_TYPE: ClassVar[str] = "pagerduty.PagerdutyLink"

    href: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PagerdutyConfig(HTTPNotifierConfig):
    """One ``pagerduty_configs`` entry (Events API v2 with ``routing_key``, v1 with ``service_key``)."""

    GO_TYPE: ClassVar[str] = "pagerduty.plain"

    send_resolved: bool = True
    service_key: Secret | None = None
    service_key_file: str = ""
    routing_key: Secret | None = None
    routing_key_file: str = ""
    url: URL | None = None
    client: str = '{{ template "pagerduty.default.client" . }}'
    client_url: str = '{{ template "pagerduty.default.clientURL" . }}'
    description: str = '{{ template "pagerduty.default.description" .}}'
    details: dict[str, Any] = field(default_factory=dict)
    images: tuple[PagerdutyImage, ...] = ()
    links: tuple[PagerdutyLink, ...] = ()
    source: str = ""
    severity: str = ""
    class_: str = field(default="", metadata={"yaml": "class"})
    component: str = ""
    group: str = ""
    timeout: GoDuration = GoDuration(timedelta(0))

    def _validate(self) -> Self:
        if not (self.routing_key or self.service_key or self.routing_key_file or self.service_key_file):
            raise ValueError("missing service or routing key in PagerDuty config")
        if self.routing_key and self.routing_key_file:
            raise ValueError("at most one of routing_key & routing_key_file must be configured")
        if self.service_key and self.service_key_file:
            raise ValueError("at most one of service_key & service_key_file must be configured")
        details = dict(self.details)
        for k, v in DEFAULT_DETAILS.items():
            details.setdefault(k, v)
        return dataclasses.replace(self, details=details, source=self.source or self.client)


CONFIG = PagerdutyConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "url": "pagerduty_url"}


def resolve_globals(conf: PagerdutyConfig, glob: GlobalConfig) -> PagerdutyConfig:
    if conf.url is None:
        raise ValueError("no global PagerDuty URL set")
    return conf


# -- notifier (RECEIVERS-1) --------------------------------------------------------------------

V1_API_URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json"
_MAX_EVENT_BYTES = 512000
_MAX_EVENT_TEXT = "512KB"  # upstream prints the limit with alecthomas/units' MetricBytes
_MAX_V1_DESCRIPTION_RUNES = 1024
_MAX_V2_SUMMARY_RUNES = 1024
_log = logging.getLogger(__name__)


class _DetailLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as Go's yaml.v2 reads it into ``interface{}``: timestamps stay strings."""


_DetailLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _normalise(value: Any) -> Any:
    """Structured YAML as JSON-ready data; map entries with non-string keys are dropped, as upstream."""
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items() if isinstance(k, str)}
    return value


def _deep_render(value: Any, render: Renderer) -> Any:
    """Upstream's ``DeepCopyWithTemplate``: render every string; a result that reads as YAML
    structure (a list, a map, a number, ``null``) is sent as that structure."""
    if isinstance(value, str):
        text = render(value)
        if render.error is not None:
            return text
        try:
            parsed = yaml.load(text, Loader=_DetailLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError:
            return text
        if isinstance(parsed, str):
            return text
        return _normalise(parsed)
    if isinstance(value, list | tuple):
        return [_deep_render(v, render) for v in value]
    if isinstance(value, dict):
        return {render(k): _deep_render(v, render) for k, v in value.items() if isinstance(k, str)}
    return value


def _sorted_maps(value: Any) -> Any:
    """Go writes ``map[string]any`` with sorted keys."""
    if isinstance(value, dict):
        return {k: _sorted_maps(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_maps(v) for v in value]
    return value


def _error_details(resp: httpx.Response) -> str:
    """Upstream's ``errDetails``: only a 400's JSON ``message`` and ``errors`` are reported."""
    if resp.status_code != 400:
        return ""
    try:
        data = json.loads(resp.content)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    errors = data.get("errors") or []
    message = data.get("message", "")
    return f"{message if isinstance(message, str) else ''}: {','.join(str(e) for e in errors)}"


class PagerdutyNotifier:
    """Sends one event per group: Events API v2 with ``routing_key``, v1 with ``service_key``.

    The dedup (v2) or incident (v1) key is the SHA-256 of the group key, so a resolve closes the
    incident its trigger opened. v2 retries 429 and 5xx; v1 retries 403 and 5xx.
    """

    def __init__(self, conf: PagerdutyConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)
        self.v1 = bool(conf.service_key or conf.service_key_file)
        self._retry_codes = (403,) if self.v1 else (429,)

    def _encode(self, msg: dict[str, Any]) -> bytes:
        body = go_json(msg)
        if len(body) <= _MAX_EVENT_BYTES:
            return body
        note = {"error": "Custom details have been removed because the original event exceeds the maximum "
                         f"size of {_MAX_EVENT_TEXT}"}
        if self.v1:
            msg["details"] = note
        else:
            msg["payload"]["custom_details"] = note
        _log.warning("Truncated Details because message of size %d bytes exceeds limit %s", len(body),
                     _MAX_EVENT_TEXT)
        return go_json(msg)

    def _v1(self, render: Renderer, event: str, key: str, details: dict[str, Any]) -> dict[str, Any]:
        description, _ = truncate_in_runes(render(self.conf.description), _MAX_V1_DESCRIPTION_RUNES)
        service_key = (self.conf.service_key.value if self.conf.service_key
                       else read_file_secret(self.conf.service_key_file, "service key"))
        msg: dict[str, Any] = {"service_key": render(service_key), "incident_key": key, "event_type": event}
        if description:
            msg["description"] = description
        msg.update({"event_action": "", "payload": None})
        if event == "trigger":
            msg.update({k: v for k, v in (("client", render(self.conf.client)),
                                          ("client_url", render(self.conf.client_url))) if v})
        if details:
            msg["details"] = details
        render.check("failed to template PagerDuty v1 message")
        if not msg["service_key"]:
            raise NotifyError("service key cannot be empty", retryable=False)
        return msg

    def _v2(self, render: Renderer, event: str, key: str, details: dict[str, Any]) -> dict[str, Any]:
        c = self.conf
        summary, _ = truncate_in_runes(render(c.description), _MAX_V2_SUMMARY_RUNES)
        routing_key = c.routing_key.value if c.routing_key else read_file_secret(c.routing_key_file, "routing key")
        client, client_url, routing_key = render(c.client), render(c.client_url), render(routing_key)
        payload: dict[str, Any] = {"summary": summary, "source": render(c.source),
                                   "severity": render(c.severity or "error")}
        payload.update({k: v for k, v in (("class", render(c.class_)), ("component", render(c.component)),
                                          ("group", render(c.group))) if v})
        if details:
            payload["custom_details"] = details
        msg: dict[str, Any] = {"routing_key": routing_key, "dedup_key": key, "event_action": event,
                               "payload": payload}
        msg.update({k: v for k, v in (("client", client), ("client_url", client_url)) if v})
        images = [{"src": s, "alt": render(i.alt), "href": render(i.href)}
                  for i in c.images if (s := render(i.src))]
        links = [{"href": h, "text": render(link.text)} for link in c.links if (h := render(link.href))]
        if images:
            msg["images"] = images
        if links:
            msg["links"] = links
        render.check("failed to template PagerDuty v2 message")
        if not routing_key:
            raise NotifyError("routing key cannot be empty", retryable=False)
        return msg

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        data = template_data(ctx, alerts, self._external_url)
        event = "trigger" if data.Status == "firing" else "resolve"
        details_render = Renderer(self._tmpl, data)
        details = _sorted_maps({k: _deep_render(v, details_render) for k, v in self.conf.details.items()})
        details_render.check("failed to render details")
        key = group_key_hash(ctx.group_key)
        render = Renderer(self._tmpl, data)
        msg = self._v1(render, event, key, details) if self.v1 else self._v2(render, event, key, details)
        url = V1_API_URL if self.v1 else (self.conf.url.value if self.conf.url else "")
        what = "failed to post message to PagerDuty v1" if self.v1 else "failed to post message to PagerDuty"
        timeout = self.conf.timeout.total_seconds() or None
        try:
            async with asyncio.timeout(timeout):
                resp = await post_json(self._client, url, self._encode(msg))
        except TimeoutError:
            raise NotifyError(f"{what}: context deadline exceeded: configured pagerduty timeout reached "
                              f"({format_go_duration(self.conf.timeout)})", retryable=True,
                              reason="contextDeadlineExceeded") from None
        except NotifyError as e:
            raise NotifyError(f"{what}: {e}", retryable=True, reason=e.reason) from None
        self._check(resp)

    def _check(self, resp: httpx.Response) -> None:
        code = resp.status_code
        if code // 100 == 2:
            return
        message = f"unexpected status code {code}"
        if details := _error_details(resp):
            message = f"{message}: {details}"
        retry = code // 100 == 5 or code in self._retry_codes
        # Upstream attaches a reason to v2 failures only; v1 ones count as "other".
        raise NotifyError(message, retryable=retry, reason="other" if self.v1 else reason_from_status(code))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = PagerdutyNotifier
"""The notifier class the app builds for each ``pagerduty_configs`` entry."""
