"""Shared helpers for the silences tests: a fake clock and a silence builder."""

from datetime import UTC, datetime, timedelta

from alertmanager.model.matchers import Matcher
from alertmanager.silences import Silence

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def sil(*matchers: tuple[str, str, str], start: datetime = T0, end: datetime | None = None, id: str = "",
        created_by: str = "me", comment: str = "c") -> Silence:
    ms = tuple(Matcher.create(n, t, v) for n, t, v in matchers) or (Matcher.create("alertname", "=", "Foo"),)
    return Silence(id=id, matchers=ms, starts_at=start, ends_at=end or start + timedelta(hours=1),
                   created_by=created_by, comment=comment)
