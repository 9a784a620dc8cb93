"""Timers for aggregation groups: a real asyncio scheduler and a manual one for tests.

Every group timer (group_wait, group_interval, flush deadlines) goes through a ``Scheduler``,
so tests drive virtual time with ``ManualScheduler.advance`` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, Protocol

from alertmanager.types import Clock

__all__ = ["AsyncioScheduler", "ManualScheduler", "Scheduler", "TimerHandle"]


class TimerHandle(Protocol):
    """A pending callback that can be cancelled (cancelling twice or after it ran is fine)."""

    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """Where time-driven work is started: read the time, call later, start background work."""

    def now(self) -> datetime: ...

    def call_later(self, delay: timedelta, callback: Callable[[], None]) -> TimerHandle: ...

    def call_now(self, callback: Callable[[], None]) -> None:
        """Run work that is due now (``ManualScheduler``: at the next ``advance``)."""

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]: ...


class AsyncioScheduler:
    """Runs callbacks on the running asyncio loop; ``now`` comes from the injected clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def now(self) -> datetime:
        return self._clock()

    def call_later(self, delay: timedelta, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(max(delay.total_seconds(), 0.0), callback)

    def call_now(self, callback: Callable[[], None]) -> None:
        callback()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        # Keep a strong reference until done: the loop only holds weak ones.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


class _ManualTimer:
    __slots__ = ("callback", "cancelled", "when")

    def __init__(self, when: datetime, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualScheduler:
    """Virtual time for tests: nothing happens until ``advance`` moves the clock forward.

    ``advance`` fires due timers in time order, and after each one lets the work the callbacks
    spawned run until it finishes or blocks, so a test sees every flush that was due. Work that
    blocks (a pipeline waiting on an event) stays pending while time moves on, as it would.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._heap: list[tuple[datetime, int, _ManualTimer]] = []
        self._seq = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()

    def now(self) -> datetime:
        return self._now

    def clock(self) -> datetime:
        """The virtual time, usable as a ``Clock``."""
        return self._now

    def call_later(self, delay: timedelta, callback: Callable[[], None]) -> TimerHandle:
        timer = _ManualTimer(self._now + max(delay, timedelta(0)), callback)
        heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
        return timer

    def call_now(self, callback: Callable[[], None]) -> None:
        self.call_later(timedelta(0), callback)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def pending(self) -> list[datetime]:
        """When the live timers are due, soonest first."""
        return sorted(t.when for _, _, t in self._heap if not t.cancelled)

    async def settle(self, max_yields: int = 200) -> None:
        """Let spawned tasks run until all are done or the remaining ones are blocked."""
        for _ in range(max_yields):
            if not self._tasks:
                return
            await asyncio.sleep(0)

    async def advance(self, delta: timedelta | float) -> None:
        """Move virtual time forward, firing each timer at its own due time."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        target = self._now + step
        await self.settle()
        while self._heap and self._heap[0][0] <= target:
            when, _, timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self._now = max(self._now, when)
            timer.callback()
            await self.settle()
        self._now = target
