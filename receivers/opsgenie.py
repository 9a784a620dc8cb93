"""The Opsgenie receiver (``opsgenie_configs``): config and notifier (Alert API v2)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Self

from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, Secret
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.gojson import go_json
from alertmanager.notify.http import check_response, new_client
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import append_path, send, with_query
from receivers._render import Renderer, group_key_hash, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "OpsGenieConfig", "OpsGenieConfigResponder", "OpsGenieNotifier",
           "resolve_globals"]

_VALID_TYPES = "^(team|teams|user|escalation|schedule)$"


@dataclass(frozen=True, slots=True, kw_only=True)
class OpsGenieConfigResponder:
    GO_TYPE: ClassVar[str] = "opsgenie.OpsGenieConfigResponder"

    id: str = ""
    name: str = ""
    username: str = ""
    type: str = ""

    def go_string(self) -> str:
        """Go's ``%v`` of the struct, as upstream's error messages print it."""
        return "{" + " ".join((self.id, self.name, self.username, self.type)) + "}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OpsGenieConfig(HTTPNotifierConfig):
    """One ``opsgenie_configs`` entry."""

    GO_TYPE: ClassVar[str] = "opsgenie.plain"

    send_resolved: bool = True
    api_key: Secret | None = None
    api_key_file: str = ""
    api_url: URL | None = None
    message: str = '{{ template "opsgenie.default.message" . }}'
    description: str = '{{ template "opsgenie.default.description" . }}'
    source: str = '{{ template "opsgenie.default.source" . }}'
    details: dict[str, str] = field(default_factory=dict)
    entity: str = ""
    responders: tuple[OpsGenieConfigResponder, ...] = ()
    actions: str = ""
    tags: str = ""
    note: str = ""
    priority: str = ""
    update_alerts: bool = False

    def _validate(self) -> Self:
        if self.api_key and self.api_key_file:
            raise ValueError("at most one of api_key & api_key_file must be configured")
        for r in self.responders:
            if not r.id and not r.username and not r.name:
                raise ValueError(f"opsGenieConfig responder {r.go_string()} has to have at least one of id, "
                                 "username or name specified")
            if "{{" not in r.type:
                # Upstream lower-cases a copy (its range variable), so the type is checked
                # case-insensitively but sent as written.
                lowered = dataclasses.replace(r, type=r.type.lower())
                if re.match(_VALID_TYPES, lowered.type) is None:
                    raise ValueError(f"opsGenieConfig responder {lowered.go_string()} type does not match valid "
                                     f"options {_VALID_TYPES}")
        return self


CONFIG = OpsGenieConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "opsgenie_api_url", "api_key": "opsgenie_api_key",
                    "api_key_file": "opsgenie_api_key_file"}


def resolve_globals(conf: OpsGenieConfig, glob: GlobalConfig) -> OpsGenieConfig:
    if conf.api_url is None:
        raise ValueError("no global OpsGenie URL set")
    if not conf.api_key and not conf.api_key_file:
        raise ValueError("no global OpsGenie API Key set either inline or in a file")
    return dataclasses.replace(conf, api_url=conf.api_url.with_trailing_slash())



# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_MAX_MESSAGE_RUNES = 130
"""Opsgenie's limit on an alert message (upstream's ``maxMessageLenRunes``)."""


def _safe_split(s: str) -> list[str]:
    """Upstream's ``safeSplit``: split the trimmed text on commas, dropping empty parts."""
    return [x for x in s.strip().split(",") if x]


def _responders(conf: OpsGenieConfig, render: Callable[[str], str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for r in conf.responders:
        rid, name, username, rtype = render(r.id), render(r.name), render(r.username), render(r.type)
        if not (rid or name or username or rtype):
            continue  # filled from labels and empty for this group
        if rtype == "teams":
            out += [{"name": render(team), "type": render("team")} for team in _safe_split(name)]
            continue
        item = {k: v for k, v in (("id", rid), ("name", name), ("username", username)) if v}
        item["type"] = rtype
        out.append(item)
    return out


def _omit_empty(body: dict[str, object], *keys: str) -> dict[str, object]:
    return {k: v for k, v in body.items() if k not in keys or v}


class OpsGenieNotifier:
    """Creates (and with ``update_alerts`` updates) an Opsgenie alert per group, closes it when resolved.

    The alias is the group key's SHA-256; 5xx and 429 are retried.
    """

    def __init__(self, conf: OpsGenieConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)

    def requests(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> tuple[list[tuple[str, str, bytes]], str]:
        """(method, url, body) of each request upstream sends for this group, in order, and the API key."""
        c = self.conf
        data = template_data(ctx, alerts, self._external_url)
        render = Renderer(self._tmpl, data)
        details = dict(data.CommonLabels)
        for k, v in c.details.items():
            details[k] = render(v)
        alias = group_key_hash(ctx.group_key)
        base = str(c.api_url)
        out: list[tuple[str, str, bytes]] = []
        if all(a.resolved(ctx.now) for a in alerts):
            url = with_query(append_path(base, f"v2/alerts/{alias}/close"), identifierType="alias")
            out.append(("POST", url, go_json({"source": render(c.source)})))
        else:
            message, _ = truncate_in_runes(render(c.message), _MAX_MESSAGE_RUNES)
            responders = _responders(c, render)
            description = render(c.description)
            body = _omit_empty({
                "alias": alias, "message": message, "description": description,
                "details": {k: details[k] for k in sorted(details)}, "source": render(c.source),
                "responders": responders, "tags": _safe_split(render(c.tags)), "note": render(c.note),
                "priority": render(c.priority), "entity": render(c.entity),
                "actions": _safe_split(render(c.actions)),
            }, "description", "responders", "tags", "note", "priority", "entity", "actions")
            out.append(("POST", append_path(base, "v2/alerts"), go_json(body)))
            if c.update_alerts:
                for what, value in (("message", message), ("description", description)):
                    url = with_query(append_path(base, f"v2/alerts/{alias}/{what}"), identifierType="alias")
                    out.append(("PUT", url, go_json({what: value} if value else {})))
        api_key = self._key(render)
        render.check("templating error")
        return out, api_key

    def _key(self, render: Renderer) -> str:
        if self.conf.api_key:
            return render(self.conf.api_key.value)
        try:
            content = Path(self.conf.api_key_file).read_text()
        except OSError as e:
            raise NotifyError(f"read key_file error: {e.strerror or e}", retryable=False) from None
        return render(content).strip()

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        reqs, api_key = self.requests(ctx, alerts)
        headers = {"Content-Type": "application/json", "Authorization": f"GenieKey {api_key}"}
        for method, url, body in reqs:
            resp = await send(self._client, method, url, body=body, headers=headers)
            check_response(resp, extra_retry_codes=(429,))

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = OpsGenieNotifier
"""The notifier class the app builds for each ``opsgenie_configs`` entry."""
