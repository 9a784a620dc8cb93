"""A real API over real stores (alerts, marker, silences, route tree, dispatcher groups) for tests."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry

from alertmanager.api import ApiDeps, create_api
from alertmanager.config import Config, dump, load
from alertmanager.dispatch.dispatcher import Dispatcher
from alertmanager.dispatch.route import Route
from alertmanager.dispatch.scheduler import ManualScheduler
from alertmanager.inhibit.inhibitor import Inhibitor
from alertmanager.model.alert import Alert
from alertmanager.silences import Silencer, Silences
from alertmanager.store.alerts import Alerts
from alertmanager.store.marker import MemMarker

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)

CONFIG = """
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [team="a"]
      receiver: team-a
      continue: true
    - matchers: [severity="page"]
      receiver: pager
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
receivers:
  - name: default
  - name: team-a
  - name: pager
"""


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


async def _noop_stage(ctx: Any, alerts: Sequence[Alert]) -> tuple[Any, list[Alert]]:
    return ctx, list(alerts)


@dataclass
class Harness:
    client: TestClient
    clock: FakeClock
    alerts: Alerts
    silences: Silences
    marker: MemMarker
    registry: CollectorRegistry
    config: Config
    dispatcher: Dispatcher
    inhibitor: Inhibitor
    reload_error: list[str] = field(default_factory=list)
    base: str = "/api/v2"

    def post_alerts(self, *alerts: Mapping[str, Any]) -> Any:
        r = self.client.post(f"{self.base}/alerts", json=list(alerts))
        # Feed the dispatcher and inhibitor as the app's subscription would.
        for a in self.alerts.list():
            self.inhibitor.process(a)
            self.dispatcher.process(a)
        return r

    def post_silence(self, **fields: Any) -> Any:
        body = {
            "matchers": [{"name": "alertname", "value": "x", "isRegex": False}],
            "startsAt": "2026-03-01T11:00:00Z",
            "endsAt": "2026-03-01T14:00:00Z",
            "createdBy": "me",
            "comment": "c",
        }
        body.update(fields)
        return self.client.post(f"{self.base}/silences", json=body)


def make_harness(*, route_prefix: str = "/", max_request_bytes: int = 1 << 20,
                 config_text: str = CONFIG, cluster: Callable[[], Mapping[str, Any]] | None = None,
                 **deps_overrides: Any) -> Harness:
    clock = FakeClock()
    registry = CollectorRegistry()
    marker = MemMarker()
    alerts = Alerts(clock=clock, marker=marker, registry=registry)
    silences = Silences(clock=clock, registry=registry)
    cfg = load(config_text)
    holder = {"cfg": cfg, "route": Route.from_config(cfg.route)}
    inhibitor = Inhibitor(cfg.inhibit_rules, marker=marker, clock=clock)
    scheduler = ManualScheduler(T0)
    dispatcher = Dispatcher(holder["route"], _noop_stage, scheduler=scheduler)
    errors: list[str] = []

    async def reload() -> None:
        if errors:
            raise ValueError(errors[0])
        holder["cfg"] = replace(holder["cfg"])

    kwargs: dict[str, Any] = dict(
        alerts=alerts,
        silences=silences,
        marker=marker,
        config=lambda: holder["cfg"],
        config_dump=lambda: dump(holder["cfg"]),
        match_receivers=lambda a: [r.receiver for r in holder["route"].match(a.labels, a.fingerprint)],
        groups=dispatcher.groups,
        silencer=Silencer(silences, marker),
        inhibitor=lambda: inhibitor,
        cluster_status=cluster,
        start_time=T0,
        clock=clock,
        route_prefix=route_prefix,
        reload=reload,
        max_request_bytes=max_request_bytes,
        registry=registry,
    )
    kwargs.update(deps_overrides)
    deps = ApiDeps(**kwargs)
    client = TestClient(create_api(deps), follow_redirects=False)
    prefix = route_prefix.rstrip("/")
    return Harness(client, clock, alerts, silences, marker, registry, cfg, dispatcher, inhibitor,
                   errors, base=f"{prefix}/api/v2")
