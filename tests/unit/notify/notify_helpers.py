"""Fakes shared by the notify tests: a settable clock, a sleep that advances it, a recording notifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, d: timedelta) -> None:
        self.now += d


class FakeSleep:
    """Records each requested pause and moves the clock instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))


@dataclass
class Recorder:
    """A notifier that records calls and raises the queued errors first."""

    errors: list[Exception] = field(default_factory=list)
    calls: list[list[str]] = field(default_factory=list)

    async def notify(self, ctx, alerts):
        self.calls.append([a.labels["alertname"] for a in alerts])
        if self.errors:
            raise self.errors.pop(0)


def alert(name: str, *, resolved: bool = False, now: datetime = T0, **labels: str) -> Alert:
    return Alert(
        labels={"alertname": name, **labels},
        starts_at=now - timedelta(minutes=5),
        ends_at=now - timedelta(minutes=1) if resolved else None,
    )


def ctx(now: datetime = T0, **kw) -> NotifyContext:
    base = dict(
        group_key='{}:{alertname="a"}',
        receiver="team",
        group_labels={"alertname": "a"},
        now=now,
        repeat_interval=timedelta(hours=4),
    )
    base.update(kw)
    return NotifyContext(**base)
