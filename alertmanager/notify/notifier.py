"""The Notifier seam every receiver implements, its one error type, and Integration.

Errors: a notifier reports failure by raising exactly one type, with the decision the retry stage
needs (``retryable``) and the metric label it counts under (``reason``)::

    Exception
     └── NotifyError(msg, retryable, reason)   raised by Notifier.notify
          reason ∈ Reason:
            "other"                   anything else (default)
            "clientError"             4xx other than 401/403/429 (never retried unless listed)
            "serverError"             5xx (retried)
            "authError"               401, 403
            "rateLimited"             429
            "contextCanceled"         the flush was cancelled (set by the retry stage)
            "contextDeadlineExceeded" retries ran into the next flush (set by the retry stage)

Any other exception escaping a notifier is a bug in it; the retry stage treats it as a
non-retryable ``"other"`` failure so one broken integration cannot stall the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext

__all__ = [
    "FAILURE_REASONS",
    "INTEGRATION_NAMES",
    "Integration",
    "Notifier",
    "NotifierDeps",
    "NotifyError",
    "Reason",
    "reason_from_status",
]

Reason = Literal[
    "other",
    "clientError",
    "serverError",
    "contextCanceled",
    "contextDeadlineExceeded",
    "authError",
    "rateLimited",
]

FAILURE_REASONS: tuple[Reason, ...] = (
    "other",
    "clientError",
    "serverError",
    "contextCanceled",
    "contextDeadlineExceeded",
    "authError",
    "rateLimited",
)
"""Every ``reason`` label value, in upstream's order (metrics are initialised for each)."""

INTEGRATION_NAMES: tuple[str, ...] = (
    "email",
    "pagerduty",
    "wechat",
    "pushover",
    "slack",
    "opsgenie",
    "webhook",
    "victorops",
    "sns",
    "telegram",
    "discord",
    "webex",
    "msteams",
    "msteamsv2",
    "incidentio",
    "jira",
    "rocketchat",
    "mattermost",
)
"""Integration names upstream initialises notification metrics for (its ``InitializeFor``)."""


class NotifyError(Exception):
    """A notification attempt failed; ``retryable`` says whether trying again may help."""

    def __init__(self, msg: str, *, retryable: bool, reason: Reason = "other") -> None:
        super().__init__(msg)
        self.retryable = retryable
        self.reason: Reason = reason


def reason_from_status(status_code: int) -> Reason:
    """The failure reason upstream assigns to an HTTP status (``GetFailureReasonFromStatusCode``)."""
    if status_code in (401, 403):
        return "authError"
    if status_code == 429:
        return "rateLimited"
    if status_code // 100 == 4:
        return "clientError"
    if status_code // 100 == 5:
        return "serverError"
    return "other"


class Notifier(Protocol):
    """Sends one notification for a group's alerts; returns on success, raises NotifyError."""

    async def notify(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifierDeps:
    """What a receiver needs from the outside world, built by the app (tests inject fakes)."""

    external_url: str = ""
    transport: httpx.AsyncBaseTransport | None = None
    """Replaces the network for every HTTP client the receiver builds (``httpx.MockTransport``)."""
    template: object | None = None
    """The loaded template set, for receivers that render text (the webhook does not)."""


@dataclass(frozen=True, slots=True)
class Integration:
    """One configured notifier of a receiver: ``webhook[0]`` is the first webhook config."""

    name: str
    index: int
    notifier: Notifier
    send_resolved: bool
    receiver_name: str = ""

    def __str__(self) -> str:
        return f"{self.name}[{self.index}]"
