"""The Jira receiver (``jira_configs``): config."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Self

from yaml.nodes import Node, ScalarNode

from alertmanager.config import Decoder
from alertmanager.config.schema import GlobalConfig, HTTPNotifierConfig
from alertmanager.config.values import URL, PromDuration

__all__ = ["CONFIG", "GLOBAL_FALLBACKS", "JiraConfig", "JiraFieldConfig", "resolve_globals"]


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
