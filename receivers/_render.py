"""Helpers the SNS, Slack, PagerDuty and e-mail notifiers share: template data, rendering with
upstream's first-error rule (``TmplText``), the group-key hash, truncation and secret files."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.notifier import NotifierDeps, NotifyError, Reason
from alertmanager.template import Data, Template, TemplateError, build_data

__all__ = [
    "TRUNCATION_MARKER",
    "Renderer",
    "group_key_hash",
    "read_file_secret",
    "template_data",
    "template_of",
    "truncate_in_runes",
]

TRUNCATION_MARKER = "…"


def template_of(deps: NotifierDeps) -> Template:
    """The app's loaded template set, or the default templates when none was given (tests)."""
    if isinstance(deps.template, Template):
        return deps.template
    return Template.from_sources([], external_url=deps.external_url)


def template_data(ctx: NotifyContext, alerts: Sequence[Alert], external_url: str) -> Data:
    """Upstream's ``GetTemplateData`` for one notification."""
    return build_data(ctx.receiver, ctx.group_labels, alerts, external_url=external_url, now=ctx.now,
                      route_labels=ctx.route_labels)


class Renderer:
    """Renders templated fields; after the first failure it returns "" and keeps that error."""

    __slots__ = ("_data", "_html", "_tmpl", "error")

    def __init__(self, tmpl: Template, data: Data, *, html: bool = False) -> None:
        self._tmpl = tmpl
        self._data = data
        self._html = html
        self.error: TemplateError | None = None

    def __call__(self, text: str) -> str:
        if self.error is not None:
            return ""
        try:
            if self._html:
                return self._tmpl.execute_html(text, self._data)
            return self._tmpl.execute_text(text, self._data)
        except TemplateError as e:
            self.error = e
            return ""

    def check(self, what: str, *, reason: Reason = "other") -> None:
        """Raise the kept error (never retried) prefixed with ``what``, if there is one."""
        if self.error is not None:
            raise NotifyError(f"{what}: {self.error}", retryable=False, reason=reason)


def group_key_hash(group_key: str) -> str:
    """Upstream's ``Key.Hash``: the SHA-256 of the group key, hex-encoded."""
    return hashlib.sha256(group_key.encode()).hexdigest()


def truncate_in_runes(s: str, n: int) -> tuple[str, bool]:
    """Upstream's ``TruncateInRunes``: at most ``n`` characters, ending in "…" when cut."""
    if len(s) <= n:
        return s, False
    if n <= 3:
        return s[:n], True
    return s[: n - 1] + TRUNCATION_MARKER, True


def read_file_secret(path: str, what: str, *, strip: bool = True) -> str:
    """A secret kept in a file, read at send time as upstream does; failures are not retried."""
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise NotifyError(f"failed to read {what} from file: {e.strerror or e}", retryable=False) from None
    return text.strip() if strip else text
