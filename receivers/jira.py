"""The Jira receiver (``jira_configs``): config and notifier (one issue per group, REST API v2/v3)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

from yaml.nodes import Node, ScalarNode

from alertmanager.config import Decoder
from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, PromDuration
from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.http import check_response, new_client
from alertmanager.notify.notifier import NotifierDeps, NotifyError
from receivers._gohttp import join_path, send
from receivers._jira_json import RawJSON, deep_template, encode
from receivers._render import Renderer, group_key_hash, template_data, template_of, truncate_in_runes

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "NOTIFIER", "JiraConfig", "JiraFieldConfig", "JiraNotifier", "resolve_globals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class JiraFieldConfig:
    """A templated issue field; a plain string is its template. ``enable_update`` defaults to true."""

    GO_TYPE: ClassVar[str] = "jira.plain"

    template: str = ""
    enable_update: bool | None = None


def _field(default: str) -> Any:
    def read(d: Decoder, node: Node, path: str) -> JiraFieldConfig:
        if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
            return JiraFieldConfig(template=str(node.value))
        return d.struct(JiraFieldConfig, node, path)

    return field(default_factory=lambda: JiraFieldConfig(template=default), metadata={"decode": read})


@dataclass(frozen=True, slots=True, kw_only=True)
class JiraConfig(HTTPNotifierConfig):
    """One ``jira_configs`` entry."""

    GO_TYPE: ClassVar[str] = "jira.plain"

    send_resolved: bool = True
    api_url: URL | None = None
    api_type: str = "auto"
    project: str = ""
    summary: JiraFieldConfig = _field('{{ template "jira.default.summary" . }}')
    description: JiraFieldConfig = _field('{{ template "jira.default.description" . }}')
    labels: tuple[str, ...] = ()
    priority: str = '{{ template "jira.default.priority" . }}'
    issue_type: str = ""
    reopen_transition: str = ""
    resolve_transition: str = ""
    wont_fix_resolution: str = ""
    reopen_duration: PromDuration = PromDuration(timedelta(0))
    fields: dict[str, Any] = field(default_factory=dict)

    def _validate(self) -> Self:
        if not self.project:
            raise ValueError("missing project in jira_config")
        if not self.issue_type:
            raise ValueError("missing issue_type in jira_config")
        if self.api_type not in ("auto", "cloud", "datacenter"):
            raise ValueError("unknown api_type on jira_config, must be auto, cloud or datacenter")
        return self


CONFIG = JiraConfig
GLOBAL_FALLBACKS = {"http_config": "http_config", "api_url": "jira_api_url"}


def resolve_globals(conf: JiraConfig, glob: GlobalConfig) -> JiraConfig:
    if conf.api_url is None:
        raise ValueError("no global Jira Cloud URL set")
    return conf


# -- notifier (RECEIVERS-2) --------------------------------------------------------------------

_MAX_SUMMARY_RUNES = 255
_MAX_DESCRIPTION_RUNES = 32767


def _q(s: str) -> str:
    """Close to Go's ``%q``."""
    return json.dumps(s, ensure_ascii=False)


def _fail(what: str, e: NotifyError) -> NotifyError:
    return NotifyError(f"{what}: {e}", retryable=e.retryable, reason=e.reason)


class JiraNotifier:
    """Finds the group's issue by its ``ALERT{<group key hash>}`` label, then creates, updates,
    reopens or resolves it. 5xx and 429 are retried; transport failures are not (as upstream)."""

    def __init__(self, conf: JiraConfig, deps: NotifierDeps) -> None:
        self.conf = conf
        self._external_url = deps.external_url
        self._tmpl = template_of(deps)
        self._client = new_client(conf.http_config, transport=deps.transport)
        self._base = str(conf.api_url)

    async def _call(self, method: str, url: str, body: object | None) -> bytes:
        content = (encode(body) + "\n").encode() if body is not None else None
        # Upstream sets no User-Agent here, so Go's default goes out.
        headers = {"Content-Type": "application/json", "Accept-Language": "en", "User-Agent": "Go-http-client/1.1"}
        resp = await send(self._client, method, url, body=content, headers=headers, retry_transport=False)
        check_response(resp, extra_retry_codes=(429,))
        return resp.content

    def search_request(self, project: str, group_id: str, firing: bool) -> tuple[str, dict[str, object]]:
        """The search endpoint and body (JQL) that find the group's newest issue."""
        c = self.conf
        jql = ""
        if c.wont_fix_resolution:
            jql += f"(resolution is EMPTY or resolution != {_q(c.wont_fix_resolution)}) and "
        reopen_minutes = int(c.reopen_duration.total_seconds() // 60)
        if firing and c.reopen_transition and reopen_minutes > 0:
            jql += f"(resolutiondate is EMPTY OR resolutiondate >= -{reopen_minutes}m) and "
        else:
            jql += "statusCategory != Done and "
        jql += f"project={_q(project)} and labels={_q(f'ALERT{{{group_id}}}')} order by status ASC,resolutiondate DESC"
        body: dict[str, object] = {"fields": ["status"], "jql": jql, "maxResults": 2}
        host = urlsplit(self._base).hostname or ""
        if c.api_type == "cloud" or (c.api_type == "auto" and host.endswith("atlassian.net")):
            return join_path(self._base, "/search/jql").replace("/rest/api/2/", "/rest/api/3/", 1), body
        return join_path(self._base, "/search"), body

    def issue_fields(self, render: Renderer, group_id: str) -> dict[str, object]:
        """The issue's ``fields`` (template errors are final, named by field as upstream)."""
        c = self.conf

        def text(what: str, template: str) -> str:
            value = render(template)
            if render.error is not None:
                raise NotifyError(f"{what} template: {render.error}", retryable=False)
            return value

        summary = text("summary", c.summary.template)
        project, issue_type = text("project", c.project), text("issue_type", c.issue_type)
        custom = {}
        for key, value in c.fields.items():
            custom[key] = deep_template(value, render, lambda: render.error is not None)
            if render.error is not None:
                raise NotifyError(f"fields template: {render.error}", retryable=False)
        summary, _ = truncate_in_runes(summary, _MAX_SUMMARY_RUNES)
        description, _ = truncate_in_runes(text("description", c.description.template), _MAX_DESCRIPTION_RUNES)
        fields: dict[str, object] = {"project": {"key": project}, "issuetype": {"name": issue_type},
                                     "summary": summary}
        if urlsplit(self._base).path.rstrip("/").endswith("/3"):
            raw = description.strip()
            if raw:
                try:
                    json.loads(raw)
                except ValueError:
                    raise NotifyError("description template: invalid JSON for API v3", retryable=False) from None
                fields["description"] = RawJSON(raw)
        elif description:
            fields["description"] = description
        labels = [text(f"labels[{i}]", label) for i, label in enumerate(c.labels)]
        fields["labels"] = sorted([*labels, f"ALERT{{{group_id}}}"])
        priority = text("priority", c.priority)
        if priority:
            fields["priority"] = {"name": priority}
        fields.update(custom)
        return fields

    async def _find(self, render: Renderer, group_id: str, firing: bool) -> dict[str, Any] | None:
        project = render(self.conf.project)
        if render.error is not None:
            raise NotifyError(f"failed to look up existing issues: invalid project template or value: "
                              f"{render.error}", retryable=False)
        url, body = self.search_request(project, group_id, firing)
        try:
            raw = await self._call("POST", url, body)
        except NotifyError as e:
            raise _fail("failed to look up existing issues: HTTP request to JIRA API", e) from None
        try:
            issues = json.loads(raw).get("issues") or []
        except (ValueError, AttributeError) as e:
            raise NotifyError(f"failed to look up existing issues: {e}", retryable=False) from None
        first = issues[0] if isinstance(issues, list) and issues else None
        return first if isinstance(first, dict) else None

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        group_id = group_key_hash(ctx.group_key)
        firing = any(not a.resolved(ctx.now) for a in alerts)
        render = Renderer(self._tmpl, template_data(ctx, alerts, self._external_url))
        existing = await self._find(render, group_id, firing)
        if existing is None and not firing:
            return
        fields = self.issue_fields(render, group_id)
        method, path = "POST", "issue"
        if existing is not None:
            method, path = "PUT", f"issue/{existing.get('key', '')}"
            if self.conf.description.enable_update is False:
                fields.pop("description", None)
            if self.conf.summary.enable_update is False:
                fields.pop("summary", None)
        try:
            await self._call(method, join_path(self._base, path), {"fields": fields})
        except NotifyError as e:
            raise _fail(f"failed to {method} request to {_q(path)}", e) from None
        if existing is not None:
            await self._transition(existing, firing)

    async def _transition(self, issue: dict[str, Any], firing: bool) -> None:
        key = issue.get("key") or ""
        status = (issue.get("fields") or {}).get("status")
        if not key or not isinstance(status, dict):
            return
        done = (status.get("statusCategory") or {}).get("key") == "done"
        if firing != done:
            return  # firing and open, or resolved and done: nothing to move
        name = self.conf.reopen_transition if firing else self.conf.resolve_transition
        if not name:
            return
        path = f"issue/{key}/transitions"
        raw = await self._call("GET", join_path(self._base, path), None)
        try:
            transitions = json.loads(raw).get("transitions") or []
        except (ValueError, AttributeError) as e:
            raise NotifyError(str(e), retryable=False) from None
        ids = [t.get("id", "") for t in transitions if isinstance(t, dict) and t.get("name") == name]
        if not ids:
            raise NotifyError(f"can't find transition {name} for issue {key}", retryable=False)
        await self._call("POST", join_path(self._base, path), {"transition": {"id": ids[0]}})

    async def aclose(self) -> None:
        await self._client.aclose()


NOTIFIER = JiraNotifier
"""The notifier class the app builds for each ``jira_configs`` entry."""
