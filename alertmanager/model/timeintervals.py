"""Time intervals (``time_intervals`` / ``mute_time_intervals``): values and membership.

Placeholder shape; the config work fills in parsing and ``contains``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["TimeInterval"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeInterval:
    """One entry of a named time interval; the interval holds when any entry contains ``t``."""

    def contains(self, t: datetime) -> bool:
        raise NotImplementedError
