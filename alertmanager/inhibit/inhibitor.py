"""Inhibition: firing source alerts mute target alerts that share their ``equal`` labels.

Semantics as upstream's ``inhibit/inhibit.go``: a rule's sources are the alerts matching its
source matchers (kept as they fire and resolve); a label set matching the target matchers is
muted when some still-firing source has the same value (``""`` when missing) for every
``equal`` label. When the target also matches the source side, sources that match both sides
are disregarded, so an alert never inhibits itself. The first rule that mutes wins, and the
marker records the inhibiting alert's fingerprint.

Sources are indexed per rule by their ``equal`` values, so a lookup touches only the sources
that could inhibit, not every alert. ``version`` changes whenever the set of sources (or one
source) changes, so callers may cache an answer until then or until its source resolves.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from datetime import datetime

from alertmanager.config.schema import InhibitRuleConfig
from alertmanager.model.alert import Alert
from alertmanager.model.labels import fingerprint
from alertmanager.model.matchers import Matcher
from alertmanager.types import Clock, Marker, utcnow

__all__ = ["InhibitRule", "Inhibitor"]

EqualKey = tuple[str, ...]


def _matches(matchers: Sequence[Matcher], labels: Mapping[str, str]) -> bool:
    for m in matchers:
        if not m.matches(labels.get(m.name, "")):
            return False
    return True


class InhibitRule:
    """One inhibit rule and the source alerts it currently knows, by ``equal`` values."""

    __slots__ = ("_sources", "equal", "name", "source_matchers", "target_matchers")

    def __init__(self, cfg: InhibitRuleConfig) -> None:
        self.name = cfg.name
        self.source_matchers: tuple[Matcher, ...] = tuple(cfg.source_matchers)
        self.target_matchers: tuple[Matcher, ...] = tuple(cfg.target_matchers)
        self.equal: tuple[str, ...] = tuple(sorted(set(cfg.equal)))
        self._sources: dict[EqualKey, dict[int, Alert]] = {}

    def _equal_key(self, labels: Mapping[str, str]) -> EqualKey:
        return tuple(labels.get(n, "") for n in self.equal)

    def is_source(self, labels: Mapping[str, str]) -> bool:
        return _matches(self.source_matchers, labels)

    def is_target(self, labels: Mapping[str, str]) -> bool:
        return _matches(self.target_matchers, labels)

    def add_source(self, alert: Alert) -> None:
        """Record (or update) a source alert; the caller checked ``is_source``."""
        self._sources.setdefault(self._equal_key(alert.labels), {})[alert.fingerprint] = alert

    def source_count(self) -> int:
        return sum(len(b) for b in self._sources.values())

    def find_source(self, labels: Mapping[str, str], now: datetime) -> Alert | None:
        """A firing source inhibiting ``labels`` (assumed to match the target side), if any."""
        key = self._equal_key(labels)
        bucket = self._sources.get(key)
        if not bucket:
            return None
        two_sided = self.is_source(labels)
        for src in bucket.values():
            if src.resolved(now):
                continue
            if two_sided and self.is_target(src.labels):
                continue
            return src
        return None

    def gc(self, now: datetime) -> int:
        """Forget resolved sources (they cannot inhibit); how many were dropped."""
        dropped = 0
        for key in list(self._sources):
            bucket = self._sources[key]
            for fp in [fp for fp, a in bucket.items() if a.resolved(now)]:
                del bucket[fp]
                dropped += 1
            if not bucket:
                del self._sources[key]
        return dropped


class Inhibitor:
    """A ``Muter`` from inhibit rules over the current alerts; fed by the alert store.

    Args:
        rules: the config's inhibit rules (legacy ``source_match`` forms already matchers).
        marker: where ``inhibitedBy`` is recorded for the API; none records nothing.
        clock: the time ``gc`` uses.
    """

    def __init__(
        self,
        rules: Sequence[InhibitRuleConfig],
        *,
        marker: Marker | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.rules: tuple[InhibitRule, ...] = tuple(InhibitRule(r) for r in rules)
        self._marker = marker
        self._clock = clock
        self._version = 0

    @property
    def version(self) -> int:
        """Bumped whenever a rule's sources change (a source alert taken in, or GC dropping
        some); target alerts never change it. An answer of ``mutes`` holds until it changes,
        or until the inhibiting source resolves (its ``ends_at``)."""
        return self._version

    def process(self, alert: Alert) -> None:
        """Take in one alert update (firing or resolved) as a potential source."""
        for rule in self.rules:
            if rule.is_source(alert.labels):
                rule.add_source(alert)
                self._version += 1

    async def run(self, alerts: AsyncIterable[Alert], initial: Iterable[Alert] = ()) -> None:
        """Feed ``initial`` then every update from the store's subscription, until cancelled."""
        for a in initial:
            self.process(a)
        async for a in alerts:
            self.process(a)

    def mutes(self, labels: Mapping[str, str], now: datetime, fp: int | None = None) -> bool:
        """Whether an alert with ``labels`` is inhibited at ``now``; marks it either way.

        ``fp`` is the labels' fingerprint when the caller has it (``Alert.fingerprint``).
        """
        for rule in self.rules:
            if not rule.is_target(labels):
                continue
            src = rule.find_source(labels, now)
            if src is not None:
                self._mark(labels, fp, (src.fingerprint_hex,))
                return True
        self._mark(labels, fp, ())
        return False

    def _mark(self, labels: Mapping[str, str], fp: int | None, by: tuple[str, ...]) -> None:
        if self._marker is not None:
            self._marker.set_inhibited(fingerprint(labels) if fp is None else fp, by)

    def gc(self) -> int:
        """Drop resolved sources from every rule (upstream does this every 15 minutes)."""
        now = self._clock()
        dropped = sum(rule.gc(now) for rule in self.rules)
        if dropped:
            self._version += 1
        return dropped
