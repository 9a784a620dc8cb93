"""Receiver integrations, one module each, found through :data:`REGISTRY`.

``REGISTRY`` maps a receiver's YAML key to the module that defines its config dataclass
(module attribute ``CONFIG``), its ``GLOBAL_FALLBACKS`` and, later, its notifier. Modules are
imported lazily (``importlib``), so heavy dependencies load only for integrations in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["REGISTRY"]

REGISTRY: Mapping[str, str] = MappingProxyType({
    "discord_configs": "receivers.discord",
    "email_configs": "receivers.email",
    "incidentio_configs": "receivers.incidentio",
    "pagerduty_configs": "receivers.pagerduty",
    "slack_configs": "receivers.slack",
    "webhook_configs": "receivers.webhook",
    "opsgenie_configs": "receivers.opsgenie",
    "wechat_configs": "receivers.wechat",
    "pushover_configs": "receivers.pushover",
    "victorops_configs": "receivers.victorops",
    "sns_configs": "receivers.sns",
    "telegram_configs": "receivers.telegram",
    "webex_configs": "receivers.webex",
    "msteams_configs": "receivers.msteams",
    "msteamsv2_configs": "receivers.msteamsv2",
    "jira_configs": "receivers.jira",
    "rocketchat_configs": "receivers.rocketchat",
    "mattermost_configs": "receivers.mattermost",
})
"""YAML key → module, in upstream's ``Receiver`` field order (which dumps follow)."""
