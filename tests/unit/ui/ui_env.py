"""A UI over real stores (alerts, silences, marker, silencer, inhibitor) and a fake clock."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from alertmanager.config import load
from alertmanager.dispatch import Route
from alertmanager.inhibit import Inhibitor
from alertmanager.model.alert import Alert
from alertmanager.silences import Silencer, Silences
from alertmanager.store.alerts import Alerts
from alertmanager.store.marker import MemMarker
from alertmanager.ui import UiDeps, create_ui

T0 = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)

CONFIG = """
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: pager
      matchers: ['severity="critical"']
      group_by: [alertname, cluster]
    - receiver: team-db
      matchers: ['team="db"']
      continue: true
receivers:
  - name: default
  - name: pager
    webhook_configs:
      - url: http://example.com/hook?token=s3cr3t
        http_config:
          basic_auth: {username: u, password: hunter2}
  - name: team-db
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
"""


def client_for(deps: UiDeps) -> TestClient:
    return TestClient(create_ui(deps), follow_redirects=False)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, d: timedelta) -> None:
        self.now += d


class UiEnv:
    """Real stores behind ``create_ui``; ``put`` feeds alerts to the store and the inhibitor."""

    def __init__(self, config_text: str = CONFIG, *, prefix: str = "/", page_size: int = 50, **extra) -> None:
        self.clock = Clock()
        self.config = load(config_text)
        self.route = Route.from_config(self.config.route)
        self.marker = MemMarker()
        self.alerts = Alerts(clock=self.clock, marker=self.marker)
        self.silences = Silences(clock=self.clock)
        self.silencer = Silencer(self.silences, self.marker)
        self.inhibitor = Inhibitor(self.config.inhibit_rules, marker=self.marker, clock=self.clock)
        kwargs = dict(
            alerts=self.alerts, silences=self.silences, marker=self.marker, config=lambda: self.config,
            route=lambda: self.route, silencer=self.silencer, inhibitor=lambda: self.inhibitor,
            start_time=T0 - timedelta(hours=1), clock=self.clock, route_prefix=prefix, page_size=page_size,
            version_info={"version": "0.0.test", "revision": "abc"},
        )
        kwargs.update(extra)
        self.deps = UiDeps(**kwargs)
        self.client = client_for(self.deps)

    def put(self, labels: dict[str, str], annotations: dict[str, str] | None = None, *,
            generator_url: str = "", starts: timedelta = timedelta(minutes=-5)) -> Alert:
        a = Alert(labels=labels, annotations=annotations or {}, starts_at=self.clock() + starts,
                  ends_at=self.clock() + timedelta(hours=1), generator_url=generator_url,
                  updated_at=self.clock())
        self.alerts.put(a)
        self.inhibitor.process(a)
        return a
