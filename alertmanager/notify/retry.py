"""RetryStage: calls an integration, retrying with exponential backoff until the flush deadline."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from alertmanager.model.alert import Alert
from alertmanager.notify.context import NotifyContext
from alertmanager.notify.metrics import NotifyMetrics
from alertmanager.notify.notifier import Integration, NotifyError, Reason
from alertmanager.notify.wait import Sleep
from alertmanager.types import Clock

__all__ = ["Backoff", "RetryStage"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """Exponential backoff with jitter; the defaults are upstream's (cenkalti/backoff)."""

    initial: float = 0.5
    multiplier: float = 1.5
    max_interval: float = 60.0
    randomization: float = 0.5

    def delays(self, rng: random.Random) -> Iterator[float]:
        """The pauses between attempts, in seconds, forever."""
        interval = self.initial
        while True:
            delta = self.randomization * interval
            yield interval - delta + rng.random() * 2 * delta
            interval = min(interval * self.multiplier, self.max_interval)


class RetryStage:
    """Sends through one integration; ``NotifyError.retryable`` decides whether to try again.

    Without ``send_resolved`` only firing alerts are sent, and a group with none is reported as
    sent without a request (so the notification log still records the resolution).
    """

    __slots__ = ("_latency", "_notifications", "_requests", "backoff", "clock", "integration", "metrics", "rng",
                 "sleep")

    def __init__(
        self,
        integration: Integration,
        *,
        metrics: NotifyMetrics,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff = Backoff(),
        rng: random.Random | None = None,
    ) -> None:
        self.integration = integration
        self.metrics = metrics
        self.clock = clock
        self.sleep = sleep
        self.backoff = backoff
        self.rng = rng if rng is not None else random.Random()
        # This integration's children, looked up once (every notification updates them).
        name = integration.name
        self._notifications = metrics.notifications.labels(name)
        self._requests = metrics.requests.labels(name)
        self._latency = metrics.latency.labels(name)

    async def __call__(
        self, ctx: NotifyContext, alerts: Sequence[Alert]
    ) -> tuple[NotifyContext, list[Alert]]:
        name = self.integration.name
        self._notifications.inc()
        try:
            await self._send(ctx, alerts)
        except NotifyError as e:
            self.metrics.notifications_failed.labels(name, e.reason).inc()
            raise
        except asyncio.CancelledError:
            self.metrics.notifications_failed.labels(name, "contextCanceled").inc()
            raise
        return ctx, list(alerts)

    def _where(self, ctx: NotifyContext) -> str:
        return f"{self.integration.receiver_name or ctx.receiver}/{self.integration}"

    @staticmethod
    def _remaining(ctx: NotifyContext, now: datetime) -> float | None:
        """Seconds from ``now`` to the flush deadline; ``None`` without one."""
        return None if ctx.deadline is None else (ctx.deadline - now).total_seconds()

    async def _send(self, ctx: NotifyContext, alerts: Sequence[Alert]) -> None:
        integ = self.integration
        if integ.send_resolved:
            sent = list(alerts)
        else:
            if not ctx.firing_alerts:
                return
            sent = [a for a in alerts if not a.resolved(ctx.now)]
        last: NotifyError | None = None
        attempts = 0
        delays: Iterator[float] | None = None  # made on the first retry: most sends succeed at once
        while True:
            now = self.clock()
            remaining = self._remaining(ctx, now)
            if remaining is not None and remaining <= 0:
                reason: Reason = last.reason if last is not None else "contextDeadlineExceeded"
                cause = str(last) if last is not None else "context deadline exceeded"
                raise NotifyError(
                    f"{self._where(ctx)}: notify retry canceled after {attempts} attempts: {cause}",
                    retryable=False,
                    reason=reason,
                ) from last
            attempts += 1
            err = await self._attempt(ctx, sent, remaining, now)
            if err is None:
                if attempts > 1:
                    _log.info("Notify success: receiver=%s integration=%s attempts=%d",
                              integ.receiver_name or ctx.receiver, integ, attempts)
                elif _log.isEnabledFor(logging.DEBUG):
                    _log.debug("Notify success: receiver=%s integration=%s attempts=%d",
                               integ.receiver_name or ctx.receiver, integ, attempts)
                return
            if not err.retryable:
                raise NotifyError(
                    f"{self._where(ctx)}: notify retry canceled due to unrecoverable error after "
                    f"{attempts} attempts: {err}",
                    retryable=False,
                    reason=err.reason,
                ) from err
            if last is None or str(err) != str(last):
                # Upstream logs each new cause once, naming receiver, integration and error.
                _log.warning("Notify attempt failed, will retry later: receiver=%s integration=%s attempts=%d err=%s",
                             integ.receiver_name or ctx.receiver, integ, attempts, err)
            if err.reason != "contextDeadlineExceeded" or last is None:
                last = err
            if delays is None:
                delays = self.backoff.delays(self.rng)
            pause = next(delays)
            remaining = self._remaining(ctx, self.clock())
            if remaining is not None:
                pause = min(pause, max(remaining, 0.0))
            await self.sleep(pause)

    async def _attempt(
        self, ctx: NotifyContext, sent: list[Alert], remaining: float | None, start: datetime
    ) -> NotifyError | None:
        """One try, started at ``start`` with ``remaining`` seconds until the deadline."""
        name = self.integration.name
        try:
            async with asyncio.timeout(remaining):
                await self.integration.notifier.notify(ctx, sent)
            err: NotifyError | None = None
        except NotifyError as e:
            err = e
        except TimeoutError:
            err = NotifyError("context deadline exceeded", retryable=True, reason="contextDeadlineExceeded")
        except Exception as e:  # a notifier bug must not stall the pipeline
            err = NotifyError(f"{type(e).__name__}: {e}", retryable=False, reason="other")
        self._latency.observe((self.clock() - start).total_seconds())
        self._requests.inc()
        if err is not None:
            self.metrics.requests_failed.labels(name).inc()
        return err
