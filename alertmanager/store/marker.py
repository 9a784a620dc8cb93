"""The in-memory alert marker: each alert's silenced / inhibited status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alertmanager.types import AlertState

__all__ = ["MemMarker"]


@dataclass(slots=True)
class _Status:
    silenced_by: tuple[str, ...] = ()
    pending_by: tuple[str, ...] = ()
    inhibited_by: tuple[str, ...] = ()
    silences_version: int = -1


class MemMarker:
    """Alert statuses by fingerprint; an alert never marked is ``unprocessed``."""

    def __init__(self) -> None:
        self._by_fp: dict[int, _Status] = {}

    def _get(self, fp: int) -> _Status:
        st = self._by_fp.get(fp)
        if st is None:
            st = self._by_fp[fp] = _Status()
        return st

    def set_active_or_silenced(
        self, fp: int, version: int, active_ids: Sequence[str], pending_ids: Sequence[str]
    ) -> None:
        st = self._get(fp)
        st.silenced_by = tuple(active_ids)
        st.pending_by = tuple(pending_ids)
        st.silences_version = version

    def set_inhibited(self, fp: int, alert_fps: Sequence[str]) -> None:
        self._get(fp).inhibited_by = tuple(alert_fps)

    def silenced(self, fp: int) -> tuple[tuple[str, ...], tuple[str, ...], int, bool]:
        st = self._by_fp.get(fp)
        if st is None:
            return (), (), -1, False
        return st.silenced_by, st.pending_by, st.silences_version, True

    def inhibited(self, fp: int) -> tuple[str, ...]:
        st = self._by_fp.get(fp)
        return () if st is None else st.inhibited_by

    def status(self, fp: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        st = self._by_fp.get(fp)
        if st is None:
            return AlertState.UNPROCESSED, (), ()
        state = AlertState.SUPPRESSED if st.silenced_by or st.inhibited_by else AlertState.ACTIVE
        return state, st.silenced_by, st.inhibited_by

    def delete(self, fp: int) -> None:
        self._by_fp.pop(fp, None)

    def count(self, state: str) -> int:
        return sum(1 for fp in self._by_fp if self.status(fp)[0] == state)
