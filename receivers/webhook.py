"""The webhook receiver (``webhook_configs``): upstream's version-4 JSON payload, POSTed."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, Self

from alertmanager.config.schema import HTTPNotifierConfig
from alertmanager.config.values import GoDuration, SecretTemplateURL, UInt64
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import GO_ZERO_TIME, go_json_floatless, go_time
from alertmanager.notify.http import check_response, new_client, post_json
from alertmanager.notify.notifier import NotifierDeps, NotifyError

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "WebhookConfig", "WebhookNotifier", "build_payload"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookConfig(HTTPNotifierConfig):
    """One ``webhook_configs`` entry (``url`` may hold Go template syntax since 0.34)."""

    GO_TYPE: ClassVar[str] = "webhook.plain"

    send_resolved: bool = True
    url: SecretTemplateURL | None = None
    url_file: str = ""
    max_alerts: UInt64 = UInt64(0)
    timeout: GoDuration = GoDuration(timedelta(0))
    payload: Any = None

    def _validate(self) -> Self:
        if not self.url and not self.url_file:
            raise ValueError("one of url or url_file must be configured")
        if self.url and self.url_file:
            raise ValueError("at most one of url & url_file must be configured")
        return self


CONFIG = WebhookConfig
GLOBAL_FALLBACKS = {"http_config": "http_config"}


# -- notifier (NOTIFY) -------------------------------------------------------------------------

_REGEXP_META = frozenset("\\.+*?()|[]{}^$")


def _quote_meta(s: str) -> str:
    """Go's ``regexp.QuoteMeta`` (upstream applies it to the receiver name in the payload)."""
    quoted = _quoted.get(s)
    if quoted is None:
        quoted = "".join("\\" + c if c in _REGEXP_META else c for c in s)
        if len(_quoted) < 1024:  # receiver names: a config's handful
            _quoted[s] = quoted
    return quoted


_quoted: dict[str, str] = {}


def _sorted(kv: Mapping[str, str]) -> dict[str, str]:
    return {k: kv[k] for k in sorted(kv)}


def _common(maps: Sequence[dict[str, str]]) -> dict[str, str]:
    """The pairs every map has (``maps`` are sorted by key, so the result is too)."""
    if not maps:
        return {}
    common = maps[0]
    for m in maps[1:]:
        common = {k: v for k, v in common.items() if m.get(k) == v}
    return common


def build_payload(
    ctx: NotifyContext, alerts: Sequence[Alert], *, external_url: str, truncated: int = 0
) -> dict[str, object]:
    """The webhook message as upstream's ``webhook.Message`` (template data + version fields).

    A firing alert's ``endsAt`` is Go's zero time: upstream's dispatcher clears the end time
    of every alert that has not resolved at flush time.
    """
    now = ctx.now
    items: list[dict[str, object]] = []
    labels: list[dict[str, str]] = []
    annotations: list[dict[str, str]] = []
    all_resolved = True
    for a in alerts:
        resolved = a.resolved(now)
        all_resolved = all_resolved and resolved
        alert_labels = _sorted(a.labels)
        alert_annotations = _sorted(a.annotations)
        labels.append(alert_labels)
        annotations.append(alert_annotations)
        items.append({
            "status": "resolved" if resolved else "firing",
            "labels": alert_labels,
            "annotations": alert_annotations,
            "startsAt": go_time(a.starts_at),
            "endsAt": go_time(a.ends_at) if resolved else GO_ZERO_TIME,
            "generatorURL": a.generator_url,
            "fingerprint": a.fingerprint_hex,
        })
    return {
        "receiver": _quote_meta(ctx.receiver),
        "status": "resolved" if all_resolved else "firing",
        "alerts": items,
        "groupLabels": _sorted(ctx.group_labels),
        "commonLabels": _common(labels),
        "commonAnnotations": _common(annotations),
        "externalURL": external_url,
        "version": "4",
        "groupKey": ctx.group_key,
        "truncatedAlerts": truncated,
    }


class WebhookNotifier:
    """POSTs the group as JSON; 2xx is success, 5xx is retried, other statuses are not."""

    def __init__(self, conf: WebhookConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._client = new_client(conf.http_config, transport=deps.transport)

    def _url(self) -> str:
        if self.conf.url:
            return self.conf.url.value
        try:
            return Path(self.conf.url_file).read_text().strip()
        except OSError as e:
            raise NotifyError(f"read url_file: {e}", retryable=False) from None

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        limit = self.conf.max_alerts
        truncated = 0
        if limit and len(alerts) > limit:
            alerts, truncated = alerts[:limit], len(alerts) - limit
        body = go_json_floatless(build_payload(ctx, alerts, external_url=self._external_url, truncated=truncated))
        url = self._url()
        timeout = self.conf.timeout.total_seconds() or None
        try:
            if timeout is None:
                resp = await post_json(self._client, url, body)
            else:
                async with asyncio.timeout(timeout):
                    resp = await post_json(self._client, url, body)
        except TimeoutError:
            raise NotifyError(
                f'Post "<redacted>": configured webhook timeout reached ({timeout:g}s)',
                retryable=True,
            ) from None
        check_response(resp)

    async def aclose(self) -> None:
        await self._client.aclose()

NOTIFIER = WebhookNotifier
"""The notifier class the app builds for each ``webhook_configs`` entry."""
