"""The silence form: its fields, filling it from a silence or a filter, and turning it into a Silence.

Errors carry the API's wording (``POST /api/v2/silences``) and are keyed by the field they
belong to, so the page can show each next to its input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import ImmutableMultiDict

from alertmanager.model.labels import is_valid_label_name
from alertmanager.model.matchers import Matcher, MatcherError, MatchType
from alertmanager.silences import Silence, SilenceError
from alertmanager.ui._fmt import format_duration, format_input_time, parse_duration, parse_input_time

__all__ = ["OPERATORS", "MatcherRow", "SilenceForm", "build_silence", "error_field", "form_for_matchers",
           "form_for_silence", "form_from_post", "parse_rows", "record_error"]

OPERATORS = ("=", "!=", "=~", "!~")
DEFAULT_DURATION = timedelta(hours=2)


@dataclass(slots=True)
class MatcherRow:
    name: str = ""
    op: str = "="
    value: str = ""
    error: str = ""


@dataclass(slots=True)
class SilenceForm:
    """The fields as the user sees them (strings), and the errors to show next to them."""

    id: str = ""
    matchers: list[MatcherRow] = field(default_factory=list)
    starts_at: str = ""
    ends_at: str = ""
    duration: str = ""
    ends_orig: str = ""
    duration_orig: str = ""
    created_by: str = ""
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[MatcherRow]:
        """The matcher rows plus one empty row to type a new matcher into (works without JS)."""
        return [*self.matchers, MatcherRow()]


def form_for_matchers(matchers: Sequence[Matcher], now: datetime, author: str = "") -> SilenceForm:
    """A new silence's form: these matchers, from now for two hours."""
    end = now + DEFAULT_DURATION
    return SilenceForm(
        matchers=[MatcherRow(m.name, m.type.value, m.value) for m in matchers],
        starts_at=format_input_time(now), ends_at=format_input_time(end),
        duration=format_duration(DEFAULT_DURATION), ends_orig=format_input_time(end),
        duration_orig=format_duration(DEFAULT_DURATION), created_by=author,
    )


def form_for_silence(sil: Silence, now: datetime, *, keep_id: bool, author: str = "") -> SilenceForm:
    """The form to edit ``sil`` (``keep_id``) or to recreate it (a new silence, same matchers, from now)."""
    if keep_id:
        start, end = sil.starts_at, sil.ends_at
    else:
        length = sil.ends_at - sil.starts_at
        start, end = now, now + (length if length > timedelta(0) else DEFAULT_DURATION)
    duration = format_duration(end - start)
    return SilenceForm(
        id=sil.id if keep_id else "",
        matchers=[MatcherRow(m.name, m.type.value, m.value) for m in sil.matchers],
        starts_at=format_input_time(start), ends_at=format_input_time(end), duration=duration,
        ends_orig=format_input_time(end), duration_orig=duration,
        created_by=sil.created_by if keep_id or not author else author, comment=sil.comment,
    )


def _text(form: ImmutableMultiDict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def form_from_post(form: ImmutableMultiDict[str, Any]) -> SilenceForm:
    """The form as posted (``matcher_name`` / ``matcher_op`` / ``matcher_value`` repeat per row)."""
    names = [v for v in form.getlist("matcher_name") if isinstance(v, str)]
    ops = [v for v in form.getlist("matcher_op") if isinstance(v, str)]
    values = [v for v in form.getlist("matcher_value") if isinstance(v, str)]
    rows = []
    for i, name in enumerate(names):
        op = ops[i] if i < len(ops) else "="
        value = values[i] if i < len(values) else ""
        if name.strip() or value:
            rows.append(MatcherRow(name.strip(), op if op in OPERATORS else "=", value))
    return SilenceForm(
        id=_text(form, "id"), matchers=rows, starts_at=_text(form, "starts_at"), ends_at=_text(form, "ends_at"),
        duration=_text(form, "duration"), ends_orig=_text(form, "ends_orig"),
        duration_orig=_text(form, "duration_orig"), created_by=_text(form, "created_by"),
        comment=_text(form, "comment"),
    )


def parse_rows(form: SilenceForm, *, record: bool = True) -> list[Matcher]:
    """The matchers of the form; a bad row is left out (and, with ``record``, gets the API's error)."""
    out = []
    for i, row in enumerate(form.matchers):
        error = ""
        if not is_valid_label_name(row.name):
            error = f'silence invalid: invalid label matcher {i}: invalid label name "{row.name}"'
        else:
            try:
                out.append(Matcher.create(row.name, MatchType(row.op), row.value))
            except MatcherError as e:
                error = f'silence invalid: invalid label matcher {i}: invalid regular expression "{row.value}": {e}'
        if error and record:
            row.error = error
    return out


def error_field(message: str) -> str:
    """Which field a store or API error belongs next to."""
    if "matcher" in message:
        return "matchers"
    if "start" in message:
        return "starts_at"
    if "end" in message:
        return "ends_at"
    return "form"


def build_silence(form: SilenceForm, now: datetime) -> Silence | None:
    """The silence the form describes, or ``None`` with ``form.errors`` / row errors filled in."""
    errors = form.errors
    matchers = parse_rows(form)
    if not form.matchers:
        errors["matchers"] = "matchers in body should have at least 1 items"
    if not form.comment:
        errors["comment"] = "comment in body is required"
    if not form.created_by:
        errors["created_by"] = "createdBy in body is required"
    start = now
    if form.starts_at:
        try:
            start = parse_input_time(form.starts_at)
        except ValueError:
            errors["starts_at"] = f'startsAt in body must be of type date-time: "{form.starts_at}"'
    end: datetime | None = None
    # Whichever of end and duration the user changed wins; the duration when neither changed,
    # so moving the start keeps the length (the page's script keeps the two in step as well).
    use_duration = bool(form.duration) and (not form.ends_at or form.ends_at == form.ends_orig)
    if use_duration:
        try:
            end = start + parse_duration(form.duration)
        except ValueError as e:
            errors["duration"] = str(e)
    elif form.ends_at:
        try:
            end = parse_input_time(form.ends_at)
        except ValueError:
            errors["ends_at"] = f'endsAt in body must be of type date-time: "{form.ends_at}"'
    else:
        errors["ends_at"] = "endsAt in body is required"
    if end is not None and "starts_at" not in errors:
        form.starts_at, form.ends_at = format_input_time(start), format_input_time(end)
        if end > start:
            form.duration = format_duration(end - start)
    if errors or any(r.error for r in form.matchers) or end is None:
        return None
    return Silence(id=form.id, matchers=tuple(matchers), starts_at=start, ends_at=end,
                   created_by=form.created_by, comment=form.comment)


def record_error(form: SilenceForm, exc: SilenceError) -> None:
    """Put a store's refusal next to the field it is about."""
    form.errors[error_field(str(exc))] = str(exc)
