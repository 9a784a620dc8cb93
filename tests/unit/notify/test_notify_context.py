"""NotifyContext derivations: the same as ``dataclasses.replace``, and the original untouched."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from alertmanager.notify.context import NotifyContext

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def full_context() -> NotifyContext:
    """A context with no field at its default, so a field a copy forgets shows."""
    return NotifyContext(
        group_key='{}:{a="1"}', receiver="r", group_labels={"a": "1"}, now=NOW,
        repeat_interval=timedelta(hours=4), route_id="{}", mute_time_intervals=("m",),
        active_time_intervals=("w",), firing_alerts=(1,), resolved_alerts=(2,), integration="x[0]",
        deadline=NOW + timedelta(minutes=5), route_labels={"t": "v"},
    )


def test_every_field_differs_from_its_default():
    ctx = full_context()
    for f in dataclasses.fields(NotifyContext):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        assert getattr(ctx, f.name) != default, f.name


def test_for_integration_is_replace_and_leaves_the_original():
    ctx = full_context()
    derived = ctx.for_integration("webhook[1]")
    assert derived == dataclasses.replace(ctx, integration="webhook[1]")
    assert derived is not ctx and ctx.integration == "x[0]"


def test_with_sent_is_replace_with_tuples():
    ctx = full_context()
    derived = ctx.with_sent([5, 6], [])
    assert derived == dataclasses.replace(ctx, firing_alerts=(5, 6), resolved_alerts=())
    assert ctx.firing_alerts == (1,) and ctx.resolved_alerts == (2,)
