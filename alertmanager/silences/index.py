"""An index of silences by one of their equality matchers, so matching skips most silences.

A silence with a matcher ``name="value"`` (non-empty value) can only match label sets that
contain exactly that pair, so it is filed under that one pair. A label set's candidates are
then the silences filed under its own pairs plus the few with no such matcher (the scan list).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from alertmanager.model.matchers import MatchType
from alertmanager.silences.silence import Silence

__all__ = ["MatcherIndex"]

_Key = tuple[str, str]


def _index_key(sil: Silence) -> _Key | None:
    keys = [(m.name, m.value) for m in sil.matchers if m.type is MatchType.EQUAL and m.value]
    # Any one key is correct; the lexically smallest keeps the choice stable across restarts.
    return min(keys) if keys else None


class MatcherIndex:
    """Silence ids by (label name, value) of an equality matcher, plus a scan list."""

    def __init__(self) -> None:
        self._by_pair: dict[_Key, set[str]] = {}
        self._scan: set[str] = set()
        self._key_of: dict[str, _Key | None] = {}

    def __len__(self) -> int:
        return len(self._key_of)

    @property
    def scan_size(self) -> int:
        """How many silences have no indexable matcher and are checked for every label set."""
        return len(self._scan)

    def add(self, sil: Silence) -> None:
        self.remove(sil.id)
        key = _index_key(sil)
        self._key_of[sil.id] = key
        if key is None:
            self._scan.add(sil.id)
        else:
            self._by_pair.setdefault(key, set()).add(sil.id)

    def remove(self, silence_id: str) -> None:
        if silence_id not in self._key_of:
            return
        key = self._key_of.pop(silence_id)
        if key is None:
            self._scan.discard(silence_id)
            return
        ids = self._by_pair[key]
        ids.discard(silence_id)
        if not ids:
            del self._by_pair[key]

    def clear(self) -> None:
        self._by_pair.clear()
        self._scan.clear()
        self._key_of.clear()

    def candidates(self, labels: Mapping[str, str]) -> Iterator[str]:
        """Ids of every silence that might match ``labels`` (each at most once)."""
        yield from self._scan
        for pair in labels.items():
            ids = self._by_pair.get(pair)
            if ids:
                yield from ids
