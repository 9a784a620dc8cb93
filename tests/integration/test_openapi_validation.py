"""Every API operation, good and bad inputs, checked against the OpenAPI contract.

Each response's status code must be one the spec declares for that operation (generated clients
reject others) and its body must validate against the declared schema. The Swagger 2.0 document
is turned into JSON Schema (its ``definitions``) and checked with ``jsonschema``.

Runs in-process against ``create_api``; with ``AM_API_URL=http://host:port`` set it checks a
running server instead (which must have receivers ``default``, ``team-a`` and ``pager``).
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
import pytest
import yaml
from prometheus_client import CollectorRegistry

from alertmanager.api import ApiDeps, create_api
from alertmanager.config import dump, load
from alertmanager.dispatch.dispatcher import Dispatcher
from alertmanager.dispatch.route import Route
from alertmanager.dispatch.scheduler import ManualScheduler
from alertmanager.inhibit.inhibitor import Inhibitor
from alertmanager.silences import Silencer, Silences
from alertmanager.store.alerts import Alerts
from alertmanager.store.marker import MemMarker

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

SPEC_PATH = Path("/work/shared/spec/openapi.yaml")
if not SPEC_PATH.exists():  # the repo's copy when run outside the shared workspace
    SPEC_PATH = Path(__file__).parents[2] / "shared" / "spec" / "openapi.yaml"

CONFIG = """
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [team="a"]
      receiver: team-a
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

_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or _DATE_TIME.fullmatch(value) is not None


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (urlsplit(value).scheme != "" and " " not in value)


class Contract:
    """Response checks derived from the Swagger document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.seen: set[tuple[str, str]] = set()

    def _operation(self, method: str, template: str) -> dict[str, Any]:
        path_item = self.spec["paths"][template]
        return path_item[method.lower()]

    def check(self, resp: httpx.Response, method: str, template: str) -> None:
        op = self._operation(method, template)
        self.seen.add((method.lower(), template))
        declared = {int(code): r for code, r in op["responses"].items()}
        assert resp.status_code in declared, (
            f"{method} {template}: status {resp.status_code} not declared ({sorted(declared)}): {resp.text}")
        response = declared[resp.status_code]
        if "$ref" in response:
            response = self.spec["responses"][response["$ref"].rsplit("/", 1)[1]]
        schema = response.get("schema")
        if schema is None:
            return
        assert resp.headers["content-type"].startswith("application/json"), resp.headers
        validator = jsonschema.Draft4Validator(
            {**schema, "definitions": self.spec["definitions"]}, format_checker=_FORMATS)
        errors = sorted(validator.iter_errors(resp.json()), key=lambda e: list(e.path))
        assert not errors, f"{method} {template} {resp.status_code}: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5])

    def all_operations(self) -> set[tuple[str, str]]:
        return {(m, p) for p, item in self.spec["paths"].items() for m in item if m != "parameters"}


def _in_process_client() -> tuple[Any, datetime]:
    now = datetime.now(UTC)
    registry = CollectorRegistry()
    marker = MemMarker()
    silences = Silences(clock=lambda: datetime.now(UTC), registry=registry)
    cfg = load(CONFIG)
    route = Route.from_config(cfg.route)
    inhibitor = Inhibitor(cfg.inhibit_rules, marker=marker)

    async def noop(ctx: Any, batch: Any) -> Any:
        return ctx, list(batch)

    dispatcher = Dispatcher(route, noop, scheduler=ManualScheduler(now))

    alerts = Alerts(clock=lambda: datetime.now(UTC), marker=marker, registry=registry)
    alerts.follow(inhibitor.process)
    alerts.follow(dispatcher.process)
    deps = ApiDeps(
        alerts=alerts, silences=silences, marker=marker, config=lambda: cfg, config_dump=lambda: dump(cfg),
        match_receivers=lambda a: [r.receiver for r in route.match(a.labels)],
        groups=dispatcher.groups, silencer=Silencer(silences, marker), inhibitor=lambda: inhibitor,
        cluster_status=lambda: {"name": "me", "status": "ready",
                                "peers": [{"name": "me", "address": "127.0.0.1:9094"}]},
        registry=registry,
    )
    return TestClient(create_api(deps)), now


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract(yaml.safe_load(SPEC_PATH.read_text()))


@pytest.fixture(scope="module", params=["in-process", "server-process"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = os.environ.get("AM_API_URL")
    if url:
        with httpx.Client(base_url=url, timeout=10) as c:
            yield c
        return
    if request.param == "server-process":
        from procs import our_command, running

        with running(our_command(), tmp_path_factory.mktemp("openapi"), CONFIG,
                     ["--cluster.listen-address=127.0.0.1:0", "--cluster.settle-timeout=1s"]) as srv:
            with httpx.Client(base_url=srv.url, timeout=10) as c:
                yield c
        return
    c, _ = _in_process_client()
    with c:
        yield c


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def test_every_operation_matches_the_contract(client: Any, contract: Contract) -> None:
    now = datetime.now(UTC)
    run = uuid.uuid4().hex[:8]
    check = contract.check
    V2 = "/api/v2"

    check(client.get(f"{V2}/status"), "GET", "/status")
    check(client.get(f"{V2}/receivers"), "GET", "/receivers")
    check(client.get(f"{V2}/receivers", params={"receiver_matchers": "=="}), "GET", "/receivers")

    alerts = [
        {"labels": {"alertname": f"Disk{run}", "severity": "critical", "team": "a"},
         "annotations": {"summary": "s"}, "generatorURL": "http://prometheus:9090/graph?g0.expr=up"},
        {"labels": {"alertname": f"Disk{run}", "severity": "warning"}},
        {"labels": {"alertname": f"Page{run}", "severity": "page"},
         "startsAt": _iso(now - timedelta(minutes=5)), "endsAt": _iso(now + timedelta(hours=1))},
        {"labels": {"alertname": f"Old{run}"}, "endsAt": _iso(now - timedelta(minutes=1))},
    ]
    r = client.post(f"{V2}/alerts", json=alerts)
    check(r, "POST", "/alerts")
    assert r.status_code == 200
    for bad in (b"[{", b'{"a": 1}', b'[{"annotations": {}}]', b'[{"labels": {}}]',
                b'[{"labels": {"a": "b"}, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2029-01-01T00:00:00Z"}]'):
        r = client.post(f"{V2}/alerts", content=bad, headers={"Content-Type": "application/json"})
        check(r, "POST", "/alerts")
        assert r.status_code == 400 and r.json(), bad

    sil = {
        "matchers": [{"name": "alertname", "value": f"Page{run}", "isRegex": False, "isEqual": True}],
        "startsAt": _iso(now), "endsAt": _iso(now + timedelta(hours=1)), "createdBy": "ci", "comment": "x",
    }
    r = client.post(f"{V2}/silences", json=sil)
    check(r, "POST", "/silences")
    sid = r.json()["silenceID"]
    pending = {**sil, "startsAt": _iso(now + timedelta(hours=1)), "endsAt": _iso(now + timedelta(hours=2))}
    check(client.post(f"{V2}/silences", json=pending), "POST", "/silences")
    for bad_sil in ({**sil, "matchers": []}, {**sil, "endsAt": _iso(now - timedelta(hours=1))},
                    {**sil, "id": str(uuid.uuid4())}, {**sil, "createdBy": None}):
        r = client.post(f"{V2}/silences", json=bad_sil)
        check(r, "POST", "/silences")
        assert r.status_code in (400, 404)

    for params in ({}, {"filter": f'alertname="Disk{run}"'}, {"silenced": "false", "inhibited": "false"},
                   {"active": "false"}, {"receiver": "pager"}, {"receiver_matchers": 'name="team-a"'},
                   {"filter": "=="}, {"receiver": "("}):
        check(client.get(f"{V2}/alerts", params=params), "GET", "/alerts")
    got = client.get(f"{V2}/alerts", params={"filter": f"alertname=~\".*{run}\""}).json()
    states = {a["labels"]["alertname"] + a["labels"].get("severity", ""): a["status"]["state"] for a in got}
    assert states == {f"Disk{run}critical": "active", f"Disk{run}warning": "suppressed",
                      f"Page{run}page": "suppressed"}

    for params in ({}, {"muted": "false"}, {"filter": f'alertname="Page{run}"'}, {"receiver": "default"},
                   {"filter": "=="}):
        check(client.get(f"{V2}/alerts/groups", params=params), "GET", "/alerts/groups")

    for params in ({}, {"filter": f'alertname="Page{run}"'}, {"active": "false"}, {"filter": 'a="'}):
        check(client.get(f"{V2}/silences", params=params), "GET", "/silences")

    check(client.get(f"{V2}/silence/{sid}"), "GET", "/silence/{silenceID}")
    check(client.get(f"{V2}/silence/{uuid.uuid4()}"), "GET", "/silence/{silenceID}")
    check(client.get(f"{V2}/silence/not-a-uuid"), "GET", "/silence/{silenceID}")
    r = client.delete(f"{V2}/silence/{sid}")
    check(r, "DELETE", "/silence/{silenceID}")
    assert r.status_code == 200
    check(client.delete(f"{V2}/silence/{uuid.uuid4()}"), "DELETE", "/silence/{silenceID}")
    check(client.get(f"{V2}/silence/{sid}"), "GET", "/silence/{silenceID}")

    assert contract.seen == contract.all_operations()
