"""Silences: the store (CRUD, expiry, GC, snapshot, gossip merge, journal) and the Silencer."""

from alertmanager.silences.silence import (
    GO_ZERO_TIME,
    Silence,
    SilenceError,
    SilenceNotFound,
    SilenceState,
    validate_silence,
)
from alertmanager.silences.silencer import Silencer
from alertmanager.silences.store import Silences

__all__ = [
    "GO_ZERO_TIME",
    "Silence",
    "SilenceError",
    "SilenceNotFound",
    "SilenceState",
    "Silencer",
    "Silences",
    "validate_silence",
]
