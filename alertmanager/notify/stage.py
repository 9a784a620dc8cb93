"""The one shape of every notification stage, and its three composites.

A stage takes a context and alerts and returns the (possibly narrowed) alerts; plain async
functions qualify. ``Multi`` runs stages in order and stops when no alerts remain, ``Fanout``
runs them concurrently and reports every failure without cancelling the others, ``Routing``
picks a stage by receiver name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext

__all__ = ["Fanout", "Multi", "Routing", "Stage"]

Stage = Callable[[NotifyContext, Sequence[Alert]], Awaitable[tuple[NotifyContext, list[Alert]]]]
"""``async (ctx, alerts) -> (ctx, alerts)``."""


class Multi:
    """A Multi runs its stages in order, each on what the previous one let through."""

    __slots__ = ("stages",)

    def __init__(self, *stages: Stage) -> None:
        self.stages: tuple[Stage, ...] = stages

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        current = list(alerts)
        for stage in self.stages:
            if not current:
                return ctx, []
            ctx, current = await stage(ctx, current)
        return ctx, current


class Fanout:
    """A Fanout runs its stages concurrently and reports every failure.

    One failing stage never cancels its siblings (one broken Slack must not stop PagerDuty);
    after all finished, the failures are raised together as an ``ExceptionGroup``.
    """

    __slots__ = ("stages",)

    def __init__(self, *stages: Stage) -> None:
        self.stages: tuple[Stage, ...] = stages

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        batch = list(alerts)
        if len(self.stages) == 1:
            # One integration (the usual receiver): run it in this task, no task to start.
            try:
                await self.stages[0](ctx, batch)
            except Exception as e:
                raise ExceptionGroup(f"1 of 1 stages failed: {e}", [e]) from None
            return ctx, batch
        results = await asyncio.gather(*(s(ctx, batch) for s in self.stages), return_exceptions=True)
        errors: list[Exception] = []
        for r in results:
            if isinstance(r, Exception):
                errors.append(r)
            elif isinstance(r, BaseException):
                raise r
        if errors:
            # The message names every cause, as upstream's MultiError does, for the failure log line.
            causes = "; ".join(str(e) for e in errors)
            raise ExceptionGroup(f"{len(errors)} of {len(self.stages)} stages failed: {causes}", errors)
        return ctx, batch


class Routing:
    """A Routing stage hands the alerts to the stage registered for ``ctx.receiver``."""

    __slots__ = ("routes",)

    def __init__(self, routes: Mapping[str, Stage]) -> None:
        self.routes: dict[str, Stage] = dict(routes)

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        stage = self.routes.get(ctx.receiver)
        if stage is None:
            raise LookupError(f"stage for receiver {ctx.receiver!r} missing")
        return await stage(ctx, alerts)
