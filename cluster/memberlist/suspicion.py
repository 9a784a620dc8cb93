"""Suspicion timers (Lifeguard) and the local health awareness score."""

from __future__ import annotations

import math

__all__ = ["Awareness", "Suspicion", "suspicion_timeout"]


def suspicion_timeout(mult: int, n: int, interval: float) -> float:
    """Base suspicion timeout: mult · max(1, log10 n) · probe interval, in ms resolution."""
    scale = max(1.0, math.log10(max(1.0, float(n))))
    return math.floor(mult * scale * interval * 1000) / 1000


class Suspicion:
    """A suspicion that shortens from ``max_s`` toward ``min_s`` as independent peers confirm it."""

    def __init__(self, from_node: str, k: int, min_s: float, max_s: float, start: float) -> None:
        self.k = k
        self.min_s = min_s
        self.max_s = max_s
        self.start = start
        self.n = 0
        self._confirmations = {from_node}
        self.deadline = start + (min_s if k < 1 else max_s)

    def _timeout(self) -> float:
        frac = math.log(self.n + 1) / math.log(self.k + 1)
        raw = self.max_s - frac * (self.max_s - self.min_s)
        return max(self.min_s, math.floor(raw * 1000) / 1000)

    def confirm(self, from_node: str) -> bool:
        """Count a confirmation; True only for the first one from each peer while needed."""
        if self.n >= self.k or from_node in self._confirmations:
            return False
        self._confirmations.add(from_node)
        self.n += 1
        self.deadline = self.start + self._timeout()
        return True


class Awareness:
    """A 0..max-1 health score; probes get slower while we ourselves look unhealthy."""

    def __init__(self, max_multiplier: int) -> None:
        self.max = max_multiplier
        self.score = 0

    def apply_delta(self, delta: int) -> None:
        self.score = min(max(self.score + delta, 0), self.max - 1)

    def scale(self, timeout: float) -> float:
        return timeout * (self.score + 1)
