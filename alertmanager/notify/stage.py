"""The one shape of every notification stage, and its three composites.

A stage takes a context and alerts and returns the (possibly narrowed) alerts; plain async
functions qualify. ``Multi`` runs stages in order and stops when no alerts remain, ``Fanout``
runs them concurrently and reports every failure without cancelling the others, ``Routing``
picks a stage by receiver name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext

__all__ = ["Stage"]

Stage = Callable[[NotifyContext, Sequence[Alert]], Awaitable[tuple[NotifyContext, list[Alert]]]]
"""``async (ctx, alerts) -> (ctx, alerts)``."""
