"""The one error the config package raises."""

from __future__ import annotations

__all__ = ["ConfigError"]


class ConfigError(ValueError):
    """A config that cannot be loaded.

    ``str(e)`` is upstream's message (what ``amtool check-config`` prints); ``e.path`` names the
    field (``receivers[2].slack_configs[0].api_url``, ``""`` for the whole file) and
    ``e.describe()`` joins both for logs.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.reason

    def describe(self) -> str:
        """``path: reason`` (just the reason when the error concerns the whole file)."""
        return f"{self.path}: {self.reason}" if self.path else self.reason
